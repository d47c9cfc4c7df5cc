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
import sys

from dom0_qemu import ROOT, Step, boot

OUT = os.path.join(ROOT, "build", "bench")
BENCH = re.compile(r"^(?:\(d0\) )?BENCH (\S+) (\d+)\s*$")


def run(name, runs, timeout=600):
    """One boot; the BENCH figures as a dict, and the console log's path."""
    log_path = os.path.join(OUT, "create-%s.log" % name)
    console = boot(name, [Step("bench-create /etc/guests/hello.cfg %d" % runs), Step("poweroff")],
                   timeout=timeout, log_path=log_path)
    figures = {}
    for line in console.replace("\r", "").split("\n"):
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
