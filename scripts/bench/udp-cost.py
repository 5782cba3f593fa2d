"""faultnet's CPU time per relayed UDP packet at a fixed offered rate.

  udp-cost.py SECONDS RATE PORT [faultnet run flags...]

Runs `faultnet run [flags] -- iperf3 -u -b RATE -l 1372` against an iperf3 server on host port
PORT and, over SECONDS after a one-second warm-up, reads the faultnet process's CPU time
(/proc/PID/task/*/schedstat, all its threads, not its children) and tun0's packet counters in
the namespace. CPU per packet is robust where throughput at -b 0 is not: on a shared 2-CPU
machine the overload throughput of two runs can differ 2x. Prints one JSON object.
"""

import json
import os
import signal
import subprocess
import sys
import time

WARMUP_SECONDS = 1.0


def cpu_ns(pid):
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
            total += int(f.read().split()[0])
    return total


def launcher_of(pid):
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/children") as f:
            for child in f.read().split():
                with open(f"/proc/{child}/comm") as c:
                    if c.read().strip() == "faultnet-launch":
                        return int(child)
    return None


def tun_packets(netns):
    out = subprocess.run(
        ["nsenter", f"--net={netns}", "ip", "-s", "-j", "link", "show", "tun0"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    stats = json.loads(out)[0]["stats64"]
    # tun0's tx is what the program sent (faultnet reads it), rx what faultnet wrote back.
    return stats["tx"]["packets"], stats["rx"]["packets"]


def main():
    # Interrupted (bench.sh's cleanup): unwind through `finally` so faultnet goes too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    seconds, rate, port = float(sys.argv[1]), sys.argv[2], sys.argv[3]
    flags = sys.argv[4:]
    iperf = ["iperf3", "-u", "-b", rate, "-l", "1372", "-c", "10.0.2.2", "-p", port]
    iperf += ["-t", str(int(seconds + WARMUP_SECONDS + 2)), "-J"]
    cmd = ["node", "bin/faultnet.js", "run", "--mtu", "1500", *flags, "--", *iperf]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        launcher = None
        while launcher is None and time.monotonic() < deadline:
            launcher = launcher_of(proc.pid)
            time.sleep(0.05)
        if launcher is None:
            raise SystemExit("udp-cost.py: faultnet did not start its namespace")
        netns = f"/proc/{launcher}/ns/net"
        time.sleep(WARMUP_SECONDS)
        cpu0, (up0, down0), t0 = cpu_ns(proc.pid), tun_packets(netns), time.monotonic()
        time.sleep(seconds)
        cpu1, (up1, down1), t1 = cpu_ns(proc.pid), tun_packets(netns), time.monotonic()
        out, _ = proc.communicate(timeout=seconds + 30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    end = json.loads(out)["end"]
    up = up1 - up0
    cpu = (cpu1 - cpu0) / 1e9
    print(
        json.dumps(
            {
                "seconds": t1 - t0,
                "cpuSeconds": cpu,
                "cpuShare": cpu / (t1 - t0),
                "packetsUp": up,
                "packetsDown": down1 - down0,
                "nsPerPacket": cpu * 1e9 / up if up else None,
                "receivedMbps": end["sum_received"]["bits_per_second"] / 1e6,
                "lostPercent": end["sum"].get("lost_percent"),
            }
        )
    )


if __name__ == "__main__":
    main()
