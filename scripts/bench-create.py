#!/usr/bin/python3
"""scripts/bench-create.py - domain creation time, `make bench`'s last part.

Boots our dom0 (build/guests/dom0.elf with build/guests/rootfs.cpio) on
Keel and on Debian's Xen 4.17, in the same QEMU machine (TCG, 1 CPU,
1 GiB, dom0_mem=128M), types `bench-create /etc/guests/hello.cfg RUNS`
at dom0's prompt and reads the `BENCH name value` lines it prints: the
time from `vmctl create` to the hello guest's first console line, per run
and the median.  Writes build/bench/create.json and prints a table.
Exit status 0, or 1 when a run gave no figure.

    scripts/bench-create.py [RUNS]        (default 20)
"""

import json
import os
import re
import select
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "build", "bench")
MODULES = "%s/build/guests/dom0.elf,%s/build/guests/rootfs.cpio" % (ROOT, ROOT)
HYPERVISORS = {
    "keel": (["-cpu", "max", "-kernel", os.path.join(ROOT, "build", "hypervisor.elf"),
              "-device", "isa-debug-exit,iobase=0xf4,iosize=4"],
             "console=com1 com1=115200 dom0_mem=128M noreboot"),
    # Xen 4.17 crashes PV kernels under TCG with SMAP on (tests/pv/README.md).
    "xen": (["-cpu", "max,-smap", "-kernel", os.path.join(ROOT, "build", "xen", "xen-4.17-amd64")],
            "console=com1 com1=115200 dom0_mem=128M noreboot"),
}
PROMPT = re.compile(rb"dom0# ")
BENCH = re.compile(r"^(?:\(d0\) )?BENCH (\S+) (\d+)\s*$")


def run(name, runs, timeout=600):
    """One boot; the BENCH figures as a dict, and the console log's path."""
    args, cmdline = HYPERVISORS[name]
    log_path = os.path.join(OUT, "create-%s.log" % name)
    argv = ["qemu-system-x86_64", "-accel", "tcg", "-m", "1024", "-smp", "1",
            "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
            "-append", cmdline, "-initrd", MODULES] + args
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    console, typed, deadline = b"", 0, time.monotonic() + timeout
    script = [b"bench-create /etc/guests/hello.cfg %d\n" % runs, b"poweroff\n"]
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            ready, _, _ = select.select([proc.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                console += chunk
            if typed < len(script) and len(PROMPT.findall(console)) > typed:
                proc.stdin.write(script[typed])
                proc.stdin.flush()
                typed += 1
            if b"Dom0 halted" in console or b"powering off the machine" in console:
                break
    finally:
        proc.kill()
        proc.wait()
    with open(log_path, "wb") as f:
        f.write(console)
    figures = {}
    for line in console.decode("utf-8", "replace").replace("\r", "").split("\n"):
        m = BENCH.match(line)
        if m:
            figures[m.group(1)] = int(m.group(2))
    return figures, log_path


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    os.makedirs(OUT, exist_ok=True)
    results, status = {"unit": "microseconds (QEMU TCG)", "runs": runs}, 0
    for name in ("keel", "xen"):
        print("bench-create: %s, %d creates" % (name, runs), flush=True)
        figures, log = run(name, runs)
        median = figures.get("create_to_first_line_us")
        if median is None:
            print("bench-create: no figure from %s (log: %s)" % (name, log))
            status = 1
        results[name] = {
            "median": median,
            "min": figures.get("create_to_first_line_us_min"),
            "max": figures.get("create_to_first_line_us_max"),
            "each": [figures[k] for k in sorted(
                (k for k in figures if k.startswith("create_to_first_line_us.")),
                key=lambda k: int(k.rsplit(".", 1)[1]))],
        }
    with open(os.path.join(OUT, "create.json"), "w") as f:
        json.dump(results, f, indent=2)
    k, x = results["keel"]["median"], results["xen"]["median"]
    print("%-34s %10s %10s %9s" % ("vmctl create -> first line (us)", "keel", "xen", "keel/xen"))
    print("%-34s %10s %10s %9s" % ("median of %d" % runs, k, x,
                                   "%.2f" % (k / x) if k and x else "-"))
    print("results in %s" % os.path.join(OUT, "create.json"))
    return status


if __name__ == "__main__":
    sys.exit(main())
