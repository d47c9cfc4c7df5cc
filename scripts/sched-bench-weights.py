#!/usr/bin/python3
"""scripts/sched-bench-weights.py - weights 1:2:4 on a machine, for
`make sched-bench` (scripts/sched-bench.sh prints them next to the
simulator's).

Boots our dom0 (scripts/dom0_qemu.py) on Keel and on Xen 4.17 booted with
sched=credit (credit1), on 1 and on 2 CPUs, and creates three spin domains
(guests/spin/) with cpu_weight 128, 256 and 512, named w1, w2 and w4 as in
sched/sim/workloads/weights-1-2-4.wl.  Each spin domain prints a line per
second of system time, logged by dom0 on the serial console:

    [w2] spin: units=145811 +11330 in 1000 ms, ran 673 ms

Once all three have printed one (the last one created has run a second),
each domain's next SETTLE lines are skipped and the MEASURE after them
(about 10 s) are summed: its share of the machine is the time its runstate
says it ran over the time those lines cover, times the CPUs.  As a cross-
check, `units_share` splits the three domains' total share by the units of
work each did (the same as `share` when every CPU does the same work per
millisecond).  dom0 itself only relays the console meanwhile.

    scripts/sched-bench-weights.py [--icount OPTS] [--boots N] OUT.json

--icount gives QEMU's -icount value (guest time from instruction counts),
the default plain TCG.  Each machine is booted N times (default 3): the
figures are the mean over the boots, with the range of the shares; the
boots' own figures are kept too.  Writes OUT.json and each console as
weights-NCPUcpu-HV-BOOT.log next to it.  Figures are measured, never
asserted: exit status 0 even when a run gave none (its entry is then
empty).
"""

import argparse
import json
import os
import re
import sys

from dom0_qemu import Step, boot

WEIGHTS = {"w1": 128, "w2": 256, "w4": 512}
SETTLE = 1
MEASURE = 10
SPIN = re.compile(r"\[(w\d)\] spin: units=\d+ \+(\d+) in (\d+) ms, ran (\d+) ms\s*$")


def reports(console):
    """Each domain's lines in console order, as (line number, units, interval ms, ran ms)."""
    found = {name: [] for name in WEIGHTS}
    for number, line in enumerate(console.replace("\r", "").split("\n")):
        m = SPIN.search(line)
        if m and m.group(1) in found:
            found[m.group(1)].append((number,) + tuple(int(m.group(i)) for i in (2, 3, 4)))
    return found


def window(console):
    """Each domain's measured lines, or None while some domain has too few."""
    found = reports(console)
    if not all(found.values()):
        return None
    start = max(lines[0][0] for lines in found.values())
    picked = {}
    for name, lines in found.items():
        after = [line for line in lines if line[0] > start][SETTLE:SETTLE + MEASURE]
        if len(after) < MEASURE:
            return None
        picked[name] = after
    return picked


def shares(picked, cpus):
    """Per domain: share of the machine from the runstate (also line by line), the units' split."""
    figures = {}
    for name, lines in picked.items():
        units, interval, ran = (sum(line[i] for line in lines) for i in (1, 2, 3))
        figures[name] = {"weight": WEIGHTS[name], "share": 100.0 * ran / (interval * cpus),
                         "ran_ms": ran, "interval_ms": interval, "units": units,
                         "each_line": [round(100.0 * line[3] / (line[2] * cpus), 2)
                                       for line in lines]}
    total_share = sum(f["share"] for f in figures.values())
    total_units = sum(f["units"] for f in figures.values())
    for f in figures.values():
        f["units_share"] = total_share * f["units"] / total_units if total_units else 0.0
    return figures


def run(hypervisor, cpus, icount, log_path):
    """One boot: three spin domains, MEASURE lines each; their figures, or {}."""
    steps = [Step("vmctl create /etc/guests/spin.cfg name=%s cpu_weight=%d" % kv)
             for kv in WEIGHTS.items()]
    steps.append(Step("poweroff", when=lambda text: window(text) is not None))
    console = boot(hypervisor, steps, smp=cpus, icount=icount, cmdline_extra="sched=credit",
                   timeout=300, log_path=log_path)
    picked = window(console)
    return shares(picked, cpus) if picked else {}


def summary(boots):
    """Per domain over the boots that gave figures: mean share, its range, mean units' split."""
    done = [b for b in boots if b]
    if not done:
        return {}
    figures = {}
    for name in WEIGHTS:
        each = [b[name]["share"] for b in done]
        figures[name] = {"share": sum(each) / len(each), "share_min": min(each),
                         "share_max": max(each),
                         "units_share": sum(b[name]["units_share"] for b in done) / len(done)}
    return figures


def main():
    parser = argparse.ArgumentParser(description="weights 1:2:4 on Keel and Xen 4.17")
    parser.add_argument("--icount", help="QEMU's -icount value (default: plain TCG)")
    parser.add_argument("--boots", type=int, default=3, help="boots per machine (default 3)")
    parser.add_argument("out", help="the JSON file to write")
    args = parser.parse_args()
    logdir = os.path.dirname(os.path.abspath(args.out))
    results = {"icount": args.icount, "settle_lines": SETTLE, "measured_lines": MEASURE,
               "boots": args.boots}
    for hypervisor in ("keel", "xen"):
        for cpus in (1, 2):
            name = "weights-%dcpu" % cpus
            print("sched-bench: weights 1:2:4 on %s, %d CPU%s, %d boots" %
                  (hypervisor, cpus, "s" if cpus > 1 else "", args.boots), flush=True)
            boots = []
            for i in range(args.boots):
                log_path = os.path.join(logdir, "%s-%s-%d.log" % (name, hypervisor, i + 1))
                boots.append(run(hypervisor, cpus, args.icount, log_path))
                if not boots[-1]:
                    print("sched-bench: no figures (console: %s)" % log_path)
            results.setdefault(hypervisor, {})[name] = dict(summary(boots), boots=boots)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
