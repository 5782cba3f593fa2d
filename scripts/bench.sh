#!/usr/bin/env bash
# faultnet against pasta, slirp4netns and a veth pair, in one run on this machine.
#
#   bash scripts/bench.sh          (root; iperf3, socat, slirp4netns, pasta, tmux, python3 on PATH)
#
# Prints a Markdown table and writes every raw result to artifacts/bench-<timestamp>.json.
# Everything it starts (servers, namespaces, pasta, slirp4netns, the veth pair, a worktree) is
# removed on exit, Ctrl-C included. Environment: BENCH_SECONDS (iperf3 duration, default 5),
# BENCH_ROUNDS (interleaved rounds of the side-by-side runs, default 3), BENCH_PROFILE=0 to skip
# the CPU profiles, BENCH_BEFORE=<commit> to add that commit of faultnet as a contender (built
# in a temporary worktree: "before and after" in one run).
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
HELPERS=scripts/bench
SECONDS_PER_RUN=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
PROFILE=${BENCH_PROFILE:-1}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
ARTIFACT=artifacts/bench-$STAMP.json
WORK=$(mktemp -d /tmp/faultnet-bench.XXXXXX)
RESULTS=$WORK/results
LOG=$WORK/bench.log
mkdir -p "$RESULTS" artifacts

# Names unique to this run, so concurrent runs (and anything else on the host) are left alone.
NETNS=fnbench$$
PASTA_NS=fnpasta$$
VETH_HOST=fnbh$$
VETH_NS=fnbn$$
BEFORE=${BENCH_BEFORE:-}
BEFORE_DIR=$WORK/before
PIDS=()       # processes this script started and that may still run
SLIRP_NS_PID= # the `unshare --net sleep` holding slirp4netns's namespace
SLIRP_PID=
PASTA_PID=

forget_pid() {
  local keep=() p
  for p in "${PIDS[@]}"; do [[ $p != "$1" ]] && keep+=("$p"); done
  PIDS=("${keep[@]}")
}

stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || { forget_pid "$pid"; return; }
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  forget_pid "$pid"
}

cleanup() {
  trap - EXIT INT TERM
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  ip netns del "$NETNS" 2>/dev/null
  ip netns del "$PASTA_NS" 2>/dev/null
  ip link del "$VETH_HOST" 2>/dev/null
  [[ -d $BEFORE_DIR ]] && git worktree remove --force "$BEFORE_DIR" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "bench.sh: interrupted, cleaning up" >&2; exit 130' INT TERM

die() {
  echo "bench.sh: $*" >&2
  exit 1
}

note() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# start_bg NAME cmd...: a long-lived helper; its output goes to $WORK/NAME.out.
start_bg() {
  local name=$1
  shift
  "$@" >"$WORK/$name.out" 2>>"$LOG" &
  PIDS+=("$!")
}

# run_step LIMIT OUT cmd...: one measurement, killed after LIMIT seconds; stdout to OUT.
# Waiting on a background job lets Ctrl-C reach the trap at once.
run_step() {
  local limit=$1 out=$2 pid rc
  shift 2
  timeout -k 5 "$limit" "$@" >"$out" 2>>"$LOG" &
  pid=$!
  PIDS+=("$pid")
  wait "$pid"
  rc=$?
  forget_pid "$pid"
  [[ $rc -eq 0 ]] || note "  failed (exit $rc): $* (see the log lines below)"
  [[ $rc -eq 0 ]] || tail -n 5 "$LOG" >&2
  return $rc
}

# wait_until DESCRIPTION cmd...: polls a setup condition for up to 10 s.
wait_until() {
  local what=$1 i
  shift
  for i in $(seq 200); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  die "timed out waiting for $what"
}

listening() { ss -Hln"$1" "sport = :$2" | grep -q .; }

echo_servers_ready() {
  local f
  for f in "$WORK"/*-echo-*.out; do grep -q ready "$f" || return 1; done
}

for tool in iperf3 socat slirp4netns pasta tmux python3 nsenter unshare ss timeout; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ $(id -u) -eq 0 ]] || die "needs root (namespaces, TUN, veth)"
if [[ ! -f netns/native/build/Release/faultnet_native.node ]]; then
  note "building the native addon"
  npx node-gyp rebuild --directory netns/native >>"$LOG" 2>&1 || die "addon build failed"
fi
note "compiling TypeScript"
npx tsc -p tsconfig.json >>"$LOG" 2>&1 # other areas' type errors do not stop the emit
[[ -f dist/src/cli/main.js ]] || die "tsc produced no dist/"
CONTENDERS=(faultnet pasta slirp4netns veth)
if [[ -n $BEFORE ]]; then
  note "building faultnet at $BEFORE in a worktree"
  git worktree add --detach "$BEFORE_DIR" "$BEFORE" >>"$LOG" 2>&1 || die "git worktree add $BEFORE failed"
  ln -s "$ROOT/node_modules" "$BEFORE_DIR/node_modules"
  (cd "$BEFORE_DIR" && npx tsc -p tsconfig.json && npx node-gyp rebuild --directory netns/native) >>"$LOG" 2>&1 ||
    die "building $BEFORE failed"
  CONTENDERS=(faultnet faultnet-before pasta slirp4netns veth)
fi

read -r PORT_IPERF PORT_UDP PORT_TCP < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')

# A /24 for the veth pair that nothing on the host uses yet.
VETH_NET=
for n in $(seq 0 254); do
  if ! ip -o -4 addr show | grep -q " 10\.200\.$n\." && ! ip -4 route show | grep -q "^10\.200\.$n\."; then
    VETH_NET=10.200.$n
    break
  fi
done
[[ -n $VETH_NET ]] || die "no free 10.200.N.0/24 for the veth pair"
VETH_HOST_IP=$VETH_NET.1

node -e '
const os = require("node:os");
const { execFileSync } = require("node:child_process");
const version = (cmd, args) => { try { return execFileSync(cmd, args, { encoding: "utf8" }).split("\n")[0]; } catch { return null; } };
console.log(JSON.stringify({
  timestamp: process.argv[1],
  nproc: os.availableParallelism(),
  cpu: os.cpus()[0]?.model ?? null,
  kernel: os.release(),
  node: process.version,
  iperf3: version("iperf3", ["--version"]),
  slirp4netns: version("slirp4netns", ["--version"]),
  before: process.argv[4] || null,
  loadAverageAtStart: os.loadavg(),
  secondsPerIperfRun: Number(process.argv[2]),
  rounds: Number(process.argv[3]),
}));' "$STAMP" "$SECONDS_PER_RUN" "$ROUNDS" "$BEFORE" >"$RESULTS/machine.json"

# --- servers on the host: loopback (faultnet, slirp4netns) and the veth address -------------
note "veth pair $VETH_HOST <-> $NETNS/$VETH_NS on $VETH_NET.0/24"
ip netns add "$NETNS" || die "ip netns add failed"
ip link add "$VETH_HOST" type veth peer name "$VETH_NS" netns "$NETNS" || die "veth creation failed"
ip addr add "$VETH_HOST_IP/24" dev "$VETH_HOST"
ip link set "$VETH_HOST" up
ip netns exec "$NETNS" ip addr add "$VETH_NET.2/24" dev "$VETH_NS"
ip netns exec "$NETNS" ip link set "$VETH_NS" up
ip netns exec "$NETNS" ip link set lo up

for addr in 127.0.0.1 "$VETH_HOST_IP"; do
  start_bg "iperf3-$addr" iperf3 -s -B "$addr" -p "$PORT_IPERF"
  start_bg "udp-echo-$addr" python3 "$HELPERS/echo.py" serve udp "$addr" "$PORT_UDP"
  start_bg "tcp-echo-$addr" python3 "$HELPERS/echo.py" serve tcp "$addr" "$PORT_TCP"
done
wait_until "iperf3 servers" listening t "$PORT_IPERF"
wait_until "echo servers" echo_servers_ready

# --- contenders ------------------------------------------------------------------------------
slirp_ns_exists() { [[ $(readlink "/proc/$SLIRP_NS_PID/ns/net") != $(readlink /proc/self/ns/net) ]]; }
slirp_configured() { nsenter --net="/proc/$SLIRP_NS_PID/ns/net" ip -4 route show default | grep -q tap0; }

slirp_up() {
  start_bg slirp-ns unshare --net sleep infinity
  SLIRP_NS_PID=${PIDS[-1]}
  wait_until "the slirp4netns namespace" slirp_ns_exists
  start_bg slirp4netns slirp4netns --configure --mtu="$1" "$SLIRP_NS_PID" tap0
  SLIRP_PID=${PIDS[-1]}
  wait_until "slirp4netns to configure tap0" slirp_configured
}

slirp_down() {
  stop_pid "$SLIRP_PID"
  stop_pid "$SLIRP_NS_PID"
  SLIRP_PID=
  SLIRP_NS_PID=
}

# pasta joins a named namespace (a /proc/PID path it cannot open once it has dropped its
# capabilities) as root, and maps its gateway, 10.0.2.2 as for faultnet, to the host's loopback.
pasta_configured() { ip netns exec "$PASTA_NS" ip -4 route show default | grep -q 10.0.2.2; }

pasta_up() {
  ip netns add "$PASTA_NS" || die "ip netns add $PASTA_NS failed"
  start_bg pasta pasta --runas 0:0 -f -q --config-net -a 10.0.2.100 -n 24 -g 10.0.2.2 -m "$1" \
    --netns "$PASTA_NS" --netns-only
  PASTA_PID=${PIDS[-1]}
  wait_until "pasta to configure its interface" pasta_configured
}

pasta_down() {
  stop_pid "$PASTA_PID"
  PASTA_PID=
  ip netns del "$PASTA_NS"
}

veth_mtu() {
  ip link set "$VETH_HOST" mtu "$1"
  ip netns exec "$NETNS" ip link set "$VETH_NS" mtu "$1"
}

host_of() { [[ $1 == veth ]] && echo "$VETH_HOST_IP" || echo 10.0.2.2; }

# in_ns CONTENDER MTU [faultnet flags...]: sets IN_NS to the command prefix that runs a program
# inside that contender's namespace.
in_ns() {
  local contender=$1 mtu=$2
  shift 2
  case $contender in
  faultnet) IN_NS=(node bin/faultnet.js run --mtu "$mtu" "$@" --) ;;
  faultnet-before) IN_NS=(node "$BEFORE_DIR/bin/faultnet.js" run --mtu "$mtu" "$@" --) ;;
  pasta) IN_NS=(ip netns exec "$PASTA_NS") ;;
  slirp4netns) IN_NS=(nsenter --net="/proc/$SLIRP_NS_PID/ns/net") ;;
  veth) IN_NS=(ip netns exec "$NETNS") ;;
  esac
}

iperf_tcp() { # iperf_tcp CONTENDER MTU up|down OUTKEY [faultnet flags...]
  local c=$1 mtu=$2 dir=$3 key=$4 reverse=()
  shift 4
  [[ $dir == down ]] && reverse=(-R)
  note "  iperf3 $c MTU $mtu $dir $*"
  in_ns "$c" "$mtu" "$@"
  run_step $((SECONDS_PER_RUN + 40)) "$RESULTS/$key.json" "${IN_NS[@]}" \
    iperf3 -c "$(host_of "$c")" -p "$PORT_IPERF" -t "$SECONDS_PER_RUN" -O 1 -J "${reverse[@]}"
}

# --- 1. TUN read rate ------------------------------------------------------------------------
for i in 1 2 3; do
  note "TUN read rate (3 s, 3 socat senders), run $i"
  run_step 60 "$RESULTS/tun-read-$i.json" node "$HELPERS/tun-read.mjs" 3 3
done

# --- start-up: a whole `faultnet run` of a program that exits at once -------------------------
for i in 1 2 3 4 5; do
  t0=$(date +%s%N)
  run_step 30 /dev/null node bin/faultnet.js run -- true &&
    echo "{\"seconds\": $((($(date +%s%N) - t0) / 1000000))e-3}" >"$RESULTS/startup-$i.json"
done
note "faultnet run -- true: $(cat "$RESULTS"/startup-*.json 2>/dev/null | tr '\n' ' ')"

# --- 3a. fault engine microbenchmark ---------------------------------------------------------
note "fault engine cost per packet"
run_step 120 "$RESULTS/pipeline.json" node "$HELPERS/pipeline.mjs"

# --- 2 and 4. side by side, ROUNDS interleaved rounds (the report takes each cell's median) ---
for round in $(seq "$ROUNDS"); do
  for mtu in 1500 65520; do
    note "round $round/$ROUNDS, MTU $mtu"
    slirp_up "$mtu"
    pasta_up "$mtu"
    veth_mtu "$mtu"
    for dir in up down; do
      for c in "${CONTENDERS[@]}"; do iperf_tcp "$c" "$mtu" "$dir" "iperf-$c-$mtu-$dir-r$round"; done
    done
    if [[ $mtu -eq 1500 ]]; then
      for c in "${CONTENDERS[@]}"; do
        note "  round trips $c"
        in_ns "$c" "$mtu"
        run_step 120 "$RESULTS/rtt-udp-$c-r$round.json" "${IN_NS[@]}" \
          python3 "$HELPERS/echo.py" ping udp "$(host_of "$c")" "$PORT_UDP" 2000
        run_step 120 "$RESULTS/rtt-tcp-$c-r$round.json" "${IN_NS[@]}" \
          python3 "$HELPERS/echo.py" ping tcp "$(host_of "$c")" "$PORT_TCP" 2000
      done
    fi
    slirp_down
    pasta_down
  done
  # Goodput under 1% loss: faultnet only, this machine has no netem for the others.
  for dir in up down; do
    iperf_tcp faultnet 1500 "$dir" "iperf-faultnet-loss1-1500-$dir-r$round" --loss 1% --seed "$round"
  done
done

# --- added-delay error: ping under --latency 20ms, idle, with the TUI drawing, and with the
# library's main thread busy in 30 ms slices ------------------------------------------------
for round in $(seq "$ROUNDS"); do
  for mode in idle tui busy; do
    note "added-delay error, $mode, round $round"
    run_step 180 "$RESULTS/delay-$mode-faultnet-r$round.json" node "$HELPERS/delay-error.mjs" "$mode" "$ROOT"
    if [[ -n $BEFORE ]]; then
      run_step 180 "$RESULTS/delay-$mode-faultnet-before-r$round.json" \
        node "$HELPERS/delay-error.mjs" "$mode" "$BEFORE_DIR"
    fi
  done
done

# --- 3b. UDP, all-zero policy vs none: throughput at -b 0, and faultnet's CPU per packet at a
# fixed 200 Mbit/s (robust where overload throughput is not); interleaved against drift ---------
ZERO_POLICY=(--latency 0ms --jitter 0ms --loss 0% --duplicate 0% --reorder 0%)
for i in 1 2 3; do
  for policy in none zero; do
    flags=()
    [[ $policy == zero ]] && flags=("${ZERO_POLICY[@]}")
    note "UDP, $policy policy, run $i"
    in_ns faultnet 1500 "${flags[@]}"
    run_step 60 "$RESULTS/udp-thru-$policy-$i.json" "${IN_NS[@]}" \
      iperf3 -u -b 0 -l 1372 -c 10.0.2.2 -p "$PORT_IPERF" -t 3 -J
    run_step 60 "$RESULTS/udp-cost-$policy-$i.json" \
      python3 "$HELPERS/udp-cost.py" 3 200M "$PORT_IPERF" "${flags[@]}"
  done
done

# --- where faultnet's time goes --------------------------------------------------------------
if [[ $PROFILE != 0 ]]; then
  for dir in up down; do
    note "CPU profile of faultnet, iperf3 MTU 1500 $dir"
    reverse=()
    [[ $dir == down ]] && reverse=(-R)
    rm -rf "$WORK/prof"
    run_step 60 "$WORK/profile-iperf.json" node --cpu-prof --cpu-prof-dir="$WORK/prof" \
      bin/faultnet.js run --mtu 1500 -- iperf3 -c 10.0.2.2 -p "$PORT_IPERF" -t 5 -J "${reverse[@]}" &&
      run_step 60 "$RESULTS/profile-1500-$dir.json" node "$HELPERS/cpuprofile-top.mjs" "$WORK"/prof/*.cpuprofile 15
  done
fi

node -e 'const os = require("node:os"); const f = process.argv[1]; const m = JSON.parse(require("node:fs").readFileSync(f, "utf8")); m.loadAverageAtEnd = os.loadavg(); require("node:fs").writeFileSync(f, JSON.stringify(m));' "$RESULTS/machine.json"
if ! node "$HELPERS/report.mjs" "$RESULTS" "$ARTIFACT"; then
  mkdir -p artifacts && cp -r "$RESULTS" "artifacts/bench-$STAMP-results"
  die "report failed; the raw results are in artifacts/bench-$STAMP-results"
fi
echo
echo "Raw results: $ARTIFACT"
