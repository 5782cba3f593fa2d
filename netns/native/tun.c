/*
 * The few things Node cannot do for faultnet: create a TUN device inside
 * another network namespace, and drain it in batches from the event loop.
 *
 * openTun(nsPath, name) enters the namespace on the calling thread only
 * (CLONE_NEWNET is per thread), opens the device there and returns; the fd
 * stays bound to that namespace's device.
 *
 * startReader(fd, slab, meta, maxPacket, callback) polls the fd with libuv and,
 * on readiness, reads packets back to back into `slab` until EAGAIN or until
 * the slab cannot hold another `maxPacket` bytes, recording [offset, length]
 * pairs in `meta`, then calls callback(count) once for the whole batch. JS must
 * copy whatever it keeps: the slab is reused for the next batch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <node_api.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <uv.h>

#include "napi-util.h"
#include "memory.h"
#include "priority.h"
#include "timer.h"

#define MAX_BATCHES_PER_WAKE 64

static napi_value open_tun(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char ns_path[512] = {0};
  char name[IFNAMSIZ] = {0};
  size_t len;
  napi_valuetype t;
  napi_typeof(env, argv[0], &t);
  if (t == napi_string) napi_get_value_string_utf8(env, argv[0], ns_path, sizeof ns_path, &len);
  if (napi_get_value_string_utf8(env, argv[1], name, sizeof name, &len) != napi_ok || len == 0) {
    napi_throw_type_error(env, NULL, "openTun: name must be a non-empty string");
    return NULL;
  }

  int self_ns = -1, target_ns = -1;
  if (ns_path[0]) {
    self_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self_ns < 0) return throw_errno(env, "open /proc/thread-self/ns/net", errno);
    target_ns = open(ns_path, O_RDONLY | O_CLOEXEC);
    if (target_ns < 0) {
      int e = errno;
      close(self_ns);
      return throw_errno(env, ns_path, e);
    }
    if (setns(target_ns, CLONE_NEWNET) < 0) {
      int e = errno;
      close(self_ns);
      close(target_ns);
      return throw_errno(env, "setns", e);
    }
  }

  int err = 0;
  const char *stage = NULL;
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    err = errno;
    stage = "open /dev/net/tun";
  } else {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    memcpy(ifr.ifr_name, name, len);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
      err = errno;
      stage = "TUNSETIFF";
      close(fd);
      fd = -1;
    }
  }

  if (self_ns >= 0) {
    if (setns(self_ns, CLONE_NEWNET) < 0) {
      /* The main thread stuck in the program's namespace would send host
       * traffic into it: there is no safe way on. */
      perror("faultnet: setns back to the host namespace");
      abort();
    }
    close(self_ns);
    close(target_ns);
  }
  if (fd < 0) return throw_errno(env, stage, err);
  napi_value out;
  napi_create_int32(env, fd, &out);
  return out;
}

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_ref slab_ref;
  napi_ref meta_ref;
  uint8_t *slab;
  size_t slab_len;
  int32_t *meta;
  size_t meta_pairs;
  size_t max_packet;
  int fd;
  int stopped;
} reader_t;

static void on_closed(uv_handle_t *h) {
  reader_t *r = (reader_t *)h->data;
  napi_delete_reference(r->env, r->callback);
  napi_delete_reference(r->env, r->slab_ref);
  napi_delete_reference(r->env, r->meta_ref);
  free(r);
}

static void free_reader(uv_handle_t *h) { free(h->data); }

/* The thread's environment is going away (a worker ending, the process exiting) with the reader
 * still polling: its loop may not close with the handle open. References die with the env. */
static void reader_cleanup(void *arg) {
  reader_t *r = arg;
  if (r->stopped) return;
  r->stopped = 1;
  uv_poll_stop(&r->poll);
  uv_close((uv_handle_t *)&r->poll, free_reader);
}

static void stop_reader_internal(reader_t *r) {
  if (r->stopped) return;
  r->stopped = 1;
  napi_remove_env_cleanup_hook(r->env, reader_cleanup, r);
  uv_poll_stop(&r->poll);
  uv_close((uv_handle_t *)&r->poll, on_closed);
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  reader_t *r = (reader_t *)handle->data;
  if (r->stopped) return;
  napi_env env = r->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value cb, global, argv[2];
  napi_get_reference_value(env, r->callback, &cb);
  napi_get_global(env, &global);

  int fatal = status < 0 ? -status : 0;
  for (int batch = 0; !fatal && batch < MAX_BATCHES_PER_WAKE && !r->stopped; batch++) {
    size_t off = 0, count = 0;
    int drained = 0;
    while (count < r->meta_pairs && off + r->max_packet <= r->slab_len) {
      ssize_t n = read(r->fd, r->slab + off, r->max_packet);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN) fatal = errno;
        drained = 1;
        break;
      }
      if (n == 0) {
        drained = 1;
        fatal = EPIPE;
        break;
      }
      r->meta[count * 2] = (int32_t)off;
      r->meta[count * 2 + 1] = (int32_t)n;
      count++;
      off += ((size_t)n + 7) & ~(size_t)7;
    }
    if (count > 0) {
      napi_create_uint32(env, (uint32_t)count, &argv[0]);
      napi_get_undefined(env, &argv[1]);
      napi_value result;
      if (napi_make_callback(env, NULL, global, cb, 2, argv, &result) != napi_ok) {
        napi_value exc;
        napi_get_and_clear_last_exception(env, &exc);
        napi_fatal_exception(env, exc);
        break;
      }
    }
    if (drained) break;
  }
  if (fatal && !r->stopped) {
    napi_value err_str;
    napi_create_uint32(env, 0, &argv[0]);
    napi_create_string_utf8(env, strerror(fatal), NAPI_AUTO_LENGTH, &err_str);
    argv[1] = err_str;
    napi_value result;
    stop_reader_internal(r);
    napi_make_callback(env, NULL, global, cb, 2, argv, &result);
  }
  napi_close_handle_scope(env, scope);
}

static void finalize_reader(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  (void)data;
}

static napi_value start_reader(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "startReader(fd, slab, meta, maxPacket, callback)");
    return NULL;
  }
  int32_t fd, max_packet;
  napi_get_value_int32(env, argv[0], &fd);
  napi_get_value_int32(env, argv[3], &max_packet);
  void *slab;
  size_t slab_len;
  if (napi_get_buffer_info(env, argv[1], &slab, &slab_len) != napi_ok) {
    napi_throw_type_error(env, NULL, "startReader: slab must be a Buffer");
    return NULL;
  }
  napi_typedarray_type tt;
  size_t meta_len;
  void *meta;
  napi_value ab;
  size_t byte_off;
  if (napi_get_typedarray_info(env, argv[2], &tt, &meta_len, &meta, &ab, &byte_off) != napi_ok ||
      tt != napi_int32_array) {
    napi_throw_type_error(env, NULL, "startReader: meta must be an Int32Array");
    return NULL;
  }
  if (max_packet <= 0 || (size_t)max_packet > slab_len || meta_len < 2) {
    napi_throw_range_error(env, NULL, "startReader: slab smaller than one packet");
    return NULL;
  }
  reader_t *r = calloc(1, sizeof *r);
  if (r == NULL) return throw_errno(env, "calloc", ENOMEM);
  r->env = env;
  r->fd = fd;
  r->slab = slab;
  r->slab_len = slab_len;
  r->meta = meta;
  r->meta_pairs = meta_len / 2;
  r->max_packet = (size_t)max_packet;
  napi_create_reference(env, argv[4], 1, &r->callback);
  napi_create_reference(env, argv[1], 1, &r->slab_ref);
  napi_create_reference(env, argv[2], 1, &r->meta_ref);
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  int rc = uv_poll_init(loop, &r->poll, fd);
  if (rc == 0) {
    r->poll.data = r;
    rc = uv_poll_start(&r->poll, UV_READABLE, on_readable);
  }
  if (rc != 0) {
    napi_delete_reference(env, r->callback);
    napi_delete_reference(env, r->slab_ref);
    napi_delete_reference(env, r->meta_ref);
    free(r);
    napi_throw_error(env, NULL, uv_strerror(rc));
    return NULL;
  }
  napi_add_env_cleanup_hook(env, reader_cleanup, r);
  napi_value handle;
  napi_create_external(env, r, finalize_reader, NULL, &handle);
  return handle;
}

static napi_value stop_reader(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  reader_t *r = unwrap_handle(env, argv[0], "reader");
  if (r == NULL) return NULL;
  stop_reader_internal(r);
  return NULL;
}

/*
 * The TUN writer thread. A write to a TUN runs the namespace's receive path (and often wakes and
 * switches to the receiving program) inside the write() call: on the event loop thread that
 * stalled everything else. JS copies each packet into a ring; this thread writes them out in
 * order. A full ring drops the packet and says so (the caller counts it, as a full device queue
 * would): the event loop never waits for the namespace.
 */
typedef struct {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t not_empty;
  uint8_t *ring;
  /* The writer thread's copy of one packet, so the ring is unlocked while it writes. */
  uint8_t *packet;
  size_t size;
  size_t head; /* next byte to write out */
  size_t tail; /* next byte to fill */
  size_t used;
  int fd;
  int stopping;
} writer_t;

#define WRITER_RING_BYTES (16u << 20)
#define RECORD_HEADER 4u

static size_t record_size(size_t len) { return (RECORD_HEADER + len + 7u) & ~(size_t)7u; }

static void *writer_main(void *arg) {
  writer_t *w = arg;
  uint8_t *packet = w->packet;
  pthread_mutex_lock(&w->lock);
  for (;;) {
    while (w->used == 0 && !w->stopping) pthread_cond_wait(&w->not_empty, &w->lock);
    if (w->used == 0 && w->stopping) break;
    uint32_t len;
    memcpy(&len, w->ring + w->head, RECORD_HEADER);
    if (len == 0) {
      /* Padding: records never wrap, one that did not fit at the end starts at 0 (see push). */
      w->used -= w->size - w->head;
      w->head = 0;
      continue;
    }
    size_t rec = record_size(len);
    memcpy(packet, w->ring + w->head + RECORD_HEADER, len);
    w->head = (w->head + rec) % w->size;
    w->used -= rec;
    /* An empty ring starts again at its front, so only as much of it is ever touched (and
     * resident) as the deepest queue needed, not the whole ring once traffic has cycled it. */
    if (w->used == 0) w->head = w->tail = 0;
    pthread_mutex_unlock(&w->lock);
    /* A failed write (the namespace going away, a packet the device refuses) drops that packet,
     * as a full device queue would. */
    ssize_t n;
    do n = write(w->fd, packet, len);
    while (n < 0 && errno == EINTR);
    pthread_mutex_lock(&w->lock);
  }
  pthread_mutex_unlock(&w->lock);
  return NULL;
}

/* Lets the thread write out what is queued, then joins it; once. */
static void writer_stop(void *arg) {
  writer_t *w = arg;
  pthread_mutex_lock(&w->lock);
  int running = !w->stopping;
  w->stopping = 1;
  pthread_cond_broadcast(&w->not_empty);
  pthread_mutex_unlock(&w->lock);
  if (running) pthread_join(w->thread, NULL);
}

static void finalize_writer(napi_env env, void *data, void *hint) {
  (void)hint;
  writer_t *w = data;
  napi_remove_env_cleanup_hook(env, writer_stop, w);
  writer_stop(w);
  free(w->ring);
  free(w->packet);
  free(w);
}

static writer_t *get_writer(napi_env env, napi_value v) { return unwrap_handle(env, v, "writer"); }

/* writerSetRealtime(handle, priority): the writer thread's class, as setRealtime's (priority.c). */
static napi_value writer_set_realtime(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int priority;
  if (!realtime_priority_arg(env, info, argv, 2, &priority)) return NULL;
  writer_t *w = get_writer(env, argv[0]);
  if (w == NULL) return NULL;
  struct sched_param param = {.sched_priority = priority};
  int err = pthread_setschedparam(w->thread, priority > 0 ? SCHED_FIFO : SCHED_OTHER, &param);
  if (err != 0) return throw_errno(env, "pthread_setschedparam", err);
  return NULL;
}

static napi_value start_writer(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  napi_get_value_int32(env, argv[0], &fd);
  writer_t *w = calloc(1, sizeof *w);
  if (w == NULL) return throw_errno(env, "calloc", ENOMEM);
  w->size = WRITER_RING_BYTES;
  w->ring = malloc(w->size);
  w->packet = malloc(65536 + 64);
  if (w->ring == NULL || w->packet == NULL) {
    free(w->ring);
    free(w->packet);
    free(w);
    return throw_errno(env, "malloc", ENOMEM);
  }
  w->fd = fd;
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->not_empty, NULL);
  int err = pthread_create(&w->thread, NULL, writer_main, w);
  if (err != 0) {
    free(w->ring);
    free(w->packet);
    free(w);
    return throw_errno(env, "pthread_create", err);
  }
  /* An environment that ends without stopWriter (a worker terminated) still ends the thread. */
  napi_add_env_cleanup_hook(env, writer_stop, w);
  napi_value handle;
  napi_create_external(env, w, finalize_writer, NULL, &handle);
  return handle;
}

/* writerPush(handle, buffer, offset, length): queues one packet (ignored once stopped); returns
 * false when the ring is full and the packet was dropped. */
static napi_value writer_push(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  writer_t *w = get_writer(env, argv[0]);
  if (!w) return NULL;
  napi_typedarray_type tt;
  size_t blen, boff;
  void *data;
  napi_value ab;
  if (napi_get_typedarray_info(env, argv[1], &tt, &blen, &data, &ab, &boff) != napi_ok || tt != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "write: expected a Uint8Array");
    return NULL;
  }
  int32_t off, len;
  napi_get_value_int32(env, argv[2], &off);
  napi_get_value_int32(env, argv[3], &len);
  if (off < 0 || len <= 0 || (size_t)off + (size_t)len > blen || len > 65536) return NULL;
  size_t rec = record_size((size_t)len);
  int queued = 1;
  pthread_mutex_lock(&w->lock);
  if (!w->stopping) {
    size_t tail_room = w->size - w->tail;
    size_t need = rec <= tail_room ? rec : tail_room + rec;
    if (w->used + need > w->size) {
      queued = 0;
    } else {
      if (rec > tail_room) {
        /* Pad to the end so the record starts at 0 and never wraps; records are 8-byte
         * aligned, so the padding always has room for its zero header. */
        uint32_t zero = 0;
        memcpy(w->ring + w->tail, &zero, RECORD_HEADER);
        w->used += tail_room;
        w->tail = 0;
      }
      uint32_t l = (uint32_t)len;
      memcpy(w->ring + w->tail, &l, RECORD_HEADER);
      memcpy(w->ring + w->tail + RECORD_HEADER, (uint8_t *)data + off, (size_t)len);
      w->tail = (w->tail + rec) % w->size;
      w->used += rec;
      pthread_cond_signal(&w->not_empty);
    }
  }
  pthread_mutex_unlock(&w->lock);
  napi_value result;
  napi_get_boolean(env, queued, &result);
  return result;
}

/* stopWriter(handle): writes out what is queued, then ends the thread. */
static napi_value stop_writer(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  writer_t *w = get_writer(env, argv[0]);
  if (!w) return NULL;
  writer_stop(w);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"openTun", NULL, open_tun, NULL, NULL, NULL, napi_default, NULL},
      {"startReader", NULL, start_reader, NULL, NULL, NULL, napi_default, NULL},
      {"stopReader", NULL, stop_reader, NULL, NULL, NULL, napi_default, NULL},
      {"startWriter", NULL, start_writer, NULL, NULL, NULL, napi_default, NULL},
      {"writerPush", NULL, writer_push, NULL, NULL, NULL, napi_default, NULL},
      {"stopWriter", NULL, stop_writer, NULL, NULL, NULL, napi_default, NULL},
      {"writerSetRealtime", NULL, writer_set_realtime, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  timer_define(env, exports);
  memory_define(env, exports);
  priority_define(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
