/*
 * faultnet-launch: the first process of a faultnet network.
 *
 *   faultnet-launch --parent PID [--resolv FILE_CONTENT_PATH] -- cmd args...
 *
 * It dies with faultnet (PR_SET_PDEATHSIG), moves itself into fresh network,
 * mount and PID namespaces, bind-mounts the given resolv.conf over
 * /etc/resolv.conf, then tells faultnet "R" on fd 3 and waits for "G": in
 * between, faultnet creates and configures tun0 from outside. It then forks
 * the namespace's init (PID 1), which mounts a fresh /proc and runs the
 * program as PID 2. Because the init dies with this process and every process
 * of a PID namespace dies with its init, killing faultnet, even with SIGKILL,
 * takes the whole tree and so the namespace with it.
 *
 * Signals sent by a process (kill) are forwarded down the chain; signals the
 * terminal sends (si_code SI_KERNEL) already reach the program's process group
 * and are not sent twice. Exit status: the program's code, or 128+N when it
 * died of signal N.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYNC_FD 3

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGALRM};
#define NFORWARDED (sizeof forwarded / sizeof forwarded[0])

static void die(const char *what) {
  fprintf(stderr, "faultnet-launch: %s: %s\n", what, strerror(errno));
  _exit(125);
}

static void noop(int sig) { (void)sig; }

static void block_forwarded(sigset_t *set) {
  sigemptyset(set);
  sigaddset(set, SIGCHLD);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = noop;
  for (size_t i = 0; i < NFORWARDED; i++) {
    sigaddset(set, forwarded[i]);
    /* PID 1 drops signals left at SIG_DFL even when blocked: install one. */
    sigaction(forwarded[i], &sa, NULL);
  }
  sigaction(SIGCHLD, &sa, NULL);
  sigprocmask(SIG_BLOCK, set, NULL);
}

static int status_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 125;
}

/* Waits for `child`, forwarding process-sent signals to it; reaps any other
 * child too (PID 1 inherits orphans). Returns the exit code to pass on. */
static int supervise(pid_t child, const sigset_t *set) {
  for (;;) {
    siginfo_t si;
    int sig = sigwaitinfo(set, &si);
    if (sig < 0) {
      if (errno == EINTR) continue;
      die("sigwaitinfo");
    }
    if (sig == SIGCHLD) {
      int status;
      pid_t p;
      while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
        if (p == child) return status_code(status);
      }
      continue;
    }
    if (si.si_code != SI_KERNEL) kill(child, sig);
  }
}

static void reset_signals(const sigset_t *set) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  for (size_t i = 0; i < NFORWARDED; i++) sigaction(forwarded[i], &sa, NULL);
  sigaction(SIGCHLD, &sa, NULL);
  sigprocmask(SIG_UNBLOCK, set, NULL);
}

static void bind_resolv(const char *content) {
  char path[] = "/tmp/faultnet-resolv-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) die("mkstemp");
  size_t len = strlen(content);
  if (write(fd, content, len) != (ssize_t)len) die("write resolv.conf");
  fchmod(fd, 0644);
  close(fd);
  int rc = mount(path, "/etc/resolv.conf", NULL, MS_BIND, NULL);
  int e = errno;
  unlink(path);
  errno = e;
  if (rc < 0) die("bind-mount /etc/resolv.conf");
}

int main(int argc, char **argv) {
  pid_t parent = 0;
  const char *resolv = NULL;
  int i = 1;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "--parent") == 0 && i + 1 < argc) parent = (pid_t)atoi(argv[++i]);
    else if (strcmp(argv[i], "--resolv") == 0 && i + 1 < argc) resolv = argv[++i];
    else if (strcmp(argv[i], "--") == 0) { i++; break; }
    else { fprintf(stderr, "faultnet-launch: unknown argument %s\n", argv[i]); return 125; }
  }
  if (i >= argc || parent <= 0) {
    fprintf(stderr, "usage: faultnet-launch --parent PID [--resolv TEXT] -- cmd args...\n");
    return 125;
  }
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) die("prctl");
  if (getppid() != parent) return 125;

  if (unshare(CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID) < 0) die("unshare");
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die("make / private");
  if (resolv) bind_resolv(resolv);

  if (write(SYNC_FD, "R", 1) != 1) die("write sync fd");
  char go = 0;
  ssize_t n;
  do n = read(SYNC_FD, &go, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1 || go != 'G') _exit(125);

  sigset_t set;
  block_forwarded(&set);
  pid_t init = fork();
  if (init < 0) die("fork");
  if (init == 0) {
    close(SYNC_FD);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) die("prctl");
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) die("mount /proc");
    pid_t prog = fork();
    if (prog < 0) die("fork");
    if (prog == 0) {
      reset_signals(&set);
      execvp(argv[i], &argv[i]);
      int e = errno;
      fprintf(stderr, "faultnet: cannot run %s: %s\n", argv[i], strerror(e));
      _exit(e == ENOENT ? 127 : 126);
    }
    _exit(supervise(prog, &set));
  }
  /* faultnet runs more programs in the namespace by entering the init's namespaces: tell it which. */
  char line[32];
  int line_len = snprintf(line, sizeof line, "P%d\n", (int)init);
  if (write(SYNC_FD, line, (size_t)line_len) != line_len) die("write sync fd");
  close(SYNC_FD);
  return supervise(init, &set);
}
