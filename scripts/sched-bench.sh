#!/usr/bin/env bash
# scripts/sched-bench.sh - `make sched-bench`: the credit scheduler's
# figures from issue 6, measured with the simulator (build/schedsim, the
# scheduler's own code on simulated CPUs; sched/sim/README.md):
#   - shares of three CPU-bound domains with weights 1:2:4 on 1 and on 2
#     CPUs over 10 s, against the ideal (weighted max-min sharing);
#   - caps of 10/25/50 % of one CPU next to a weight-1 CPU hog;
#   - wake-up latency p50/p99 of an I/O-like domain (an event every 5 ms)
#     sharing its CPU with 7 CPU hogs, with and without the boost.
# Then the same caps and latency measured on a machine: the PV kernel
# tests/bench/sched_bench.c as dom0 (8 vCPUs, 1 CPU) of Keel and of Xen
# 4.17 booted with sched=credit, in QEMU TCG with -icount (guest time from
# instruction counts, so the figures do not depend on the host's load).
# And the weights 1:2:4 on a machine, on 1 and on 2 CPUs: our dom0 on Keel
# and on Xen 4.17 creates three spin domains (scripts/sched-bench-weights.py,
# the same -icount).  SCHED_BENCH_REAL=0 skips the machine runs.
# Writes build/sched-bench/*.json (one per run), *.png (shares over time)
# and results.json, and prints tables.  Figures are measured, never
# asserted: the exit status is 0 unless a run fails.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
sim=$root/build/schedsim
wl=$root/sched/sim/workloads
out=$root/build/sched-bench
mkdir -p "$out"

run() { # name title workload [statement...]
	local name=$1 title=$2 file=$3
	shift 3
	"$sim" --quiet --json "$out/$name.json" --png "$out/$name.png" --title "$title" "$wl/$file" "$@"
}

run weights-1cpu "weights 1:2:4 on 1 CPU" weights-1-2-4.wl
run weights-2cpu "weights 1:2:4 on 2 CPUs" weights-1-2-4.wl 'cpus 2'
run caps "caps 10/25/50 % and a weight-1 hog" caps.wl
run latency-boost "I/O domain and 7 hogs, boost on" latency.wl
run latency-noboost "I/O domain and 7 hogs, boost off" latency.wl 'boost off'

# The machine runs: "name value" lines from the kernel's BENCH output.
icount_opts="shift=5,sleep=off"
icount="-icount $icount_opts"
: >"$out/keel-real.txt"
: >"$out/xen-real.txt"
rm -f "$out/weights-real.json"
if [ "${SCHED_BENCH_REAL:-1}" != 0 ]; then
	echo "sched-bench: Keel in QEMU"
	# shellcheck disable=SC2086
	timeout 300 qemu-system-x86_64 -accel tcg $icount -cpu max -m 512 -smp 1 -display none \
		-monitor none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-serial "file:$out/keel-real.log" -kernel "$root/build/hypervisor.elf" \
		-append "console=com1 dom0_mem=64M noreboot dom0_max_vcpus=8 sched=credit" \
		-initrd "$root/build/bench/sched_bench.elf" 2>"$out/keel-real-qemu.log" || true
	sed -e 's/\r$//' -e 's/^(d0) //' "$out/keel-real.log" | awk '$1 == "BENCH" { print $2, $3 }' >"$out/keel-real.txt"
	echo "sched-bench: Xen 4.17 (credit1) in QEMU"
	XEN_QEMU_EXTRA="$icount" KEEL_LOG_DIR="$out/xen" "$root/scripts/run-on-xen.sh" --timeout 300 \
		--smp 1 --xen-cmdline "sched=credit dom0_max_vcpus=8" "$root/build/bench/sched_bench.elf" \
		>/dev/null 2>&1 || true
	sed -e 's/\r$//' "$out/xen/serial.log" 2>/dev/null | awk '$1 == "BENCH" { print $2, $3 }' >"$out/xen-real.txt" || true
	"$root/scripts/sched-bench-weights.py" --icount "$icount_opts" "$out/weights-real.json" || true
fi

python3 - "$out" <<'EOF'
import json, sys, os

out = sys.argv[1]
def load(name):
    with open(os.path.join(out, name + ".json")) as f:
        return json.load(f)

results = {"source": "simulator (build/schedsim)", "shares": {}, "latency_us": {}}
print("%-22s %-8s %9s %9s %9s" % ("run", "domain", "share%", "ideal%", "diff"))
for run in ("weights-1cpu", "weights-2cpu", "caps"):
    r = load(run)
    worst = 0.0
    for d in r["domains"]:
        share, ideal = 100 * d["share"], 100 * d["ideal"]
        worst = max(worst, abs(share - ideal))
        print("%-22s %-8s %9.2f %9.2f %+9.2f" % (run, d["name"], share, ideal, share - ideal))
        results["shares"].setdefault(run, {})[d["name"]] = {"share": round(share, 3), "ideal": round(ideal, 3)}
    results["shares"][run]["worst_diff_points"] = round(worst, 3)
    print("%-22s %-8s %9s %9s %9.2f   (goal: within 2 points)" % (run, "worst", "", "", worst))
print()
print("%-22s %10s %10s %10s %8s" % ("wake-up latency", "p50 (us)", "p99 (us)", "max (us)", "wakeups"))
for run in ("latency-boost", "latency-noboost"):
    d = next(x for x in load(run)["domains"] if x["name"] == "io")
    results["latency_us"][run] = {"p50": d["lat_p50_us"], "p99": d["lat_p99_us"], "max": d["lat_max_us"]}
    print("%-22s %10.1f %10.1f %10.1f %8d" % (run, d["lat_p50_us"], d["lat_p99_us"], d["lat_max_us"], d["wakeups"]))
print("(goal: p99 below 1000 us with the boost; the simulated machine switches in zero time)")
for run in ("weights-1cpu", "weights-2cpu", "caps", "latency-boost", "latency-noboost"):
    if load(run)["unaccounted_ns"] != 0:
        sys.exit("sched-bench: %s: the credit books do not balance" % run)

def real(name):
    figures = {}
    with open(os.path.join(out, name + "-real.txt")) as f:
        for line in f:
            k, v = line.split()
            figures[k] = int(v)
    return figures

keel, xen = real("keel"), real("xen")
if keel or xen:
    caps = {d["name"]: 100 * d["share"] for d in load("caps")["domains"]}
    lat = next(x for x in load("latency-boost")["domains"] if x["name"] == "io")
    rows = [("cap 10 % (share %)", "cap10", caps["cap10"]), ("cap 25 % (share %)", "cap25", caps["cap25"]),
            ("cap 50 % (share %)", "cap50", caps["cap50"]),
            ("latency p50 (us)", "lat_p50_us", lat["lat_p50_us"]), ("latency p99 (us)", "lat_p99_us", lat["lat_p99_us"])]
    print()
    print("machine runs: QEMU TCG -icount shift=5 (emulated time), 1 CPU, dom0 with 8 vCPUs:")
    print("caps on a lone spinning vCPU; latency of a vCPU on a ~5 ms timer among 7 spinning ones")
    print("%-22s %10s %10s %18s" % ("figure", "simulator", "Keel", "Xen 4.17 credit1"))
    results["machine"] = {"keel": keel, "xen": xen}
    for label, key, sim in rows:
        print("%-22s %10.1f %10s %18s" % (label, sim, keel.get(key, "-"), xen.get(key, "-")))
    if not keel or not xen:
        print("(a machine run gave no figures: see %s)" % out)

weights_path = os.path.join(out, "weights-real.json")
if os.path.exists(weights_path):
    with open(weights_path) as f:
        machine = json.load(f)
    print()
    print("machine runs, weights 1:2:4: three spin domUs (cpu_weight 128/256/512) created by dom0,")
    print("QEMU TCG -icount %s; share of the machine over %d s by each domain's runstate," %
          (machine["icount"], machine["measured_lines"]))
    print("mean of %d boots, its diff from the ideal and range over the boots; units: the three's" %
          machine["boots"])
    print("total split by the units of work each did (a cross-check; see docs/scheduler.md)")
    print("%-12s %-3s %5s | %5s %5s | %5s %5s %11s %5s | %5s %5s %11s %5s" %
          ("run", "dom", "ideal", "sim", "diff", "Keel", "diff", "range", "units",
           "Xen", "diff", "range", "units"))
    table = results["machine_weights"] = {}
    for run in ("weights-1cpu", "weights-2cpu"):
        for d in load(run)["domains"]:
            ideal, sim = 100 * d["ideal"], 100 * d["share"]
            row = table.setdefault(run, {})[d["name"]] = {"ideal": round(ideal, 3),
                                                          "simulator": round(sim, 3)}
            cells = "%-12s %-3s %5.1f | %5.1f %+5.1f" % (run, d["name"], ideal, sim, sim - ideal)
            for hv in ("keel", "xen"):
                m = machine.get(hv, {}).get(run, {}).get(d["name"])
                if not m:
                    cells += " | %5s %5s %11s %5s" % ("-", "-", "-", "-")
                    continue
                row[hv] = {k: round(m[k], 3)
                           for k in ("share", "share_min", "share_max", "units_share")}
                spread = "%.1f-%.1f" % (m["share_min"], m["share_max"])
                cells += " | %5.1f %+5.1f %11s %5.1f" % (m["share"], m["share"] - ideal, spread,
                                                       m["units_share"])
            print(cells)
    print("(ideal: weighted max-min, as the simulator computes it; dom0 has the rest)")
with open(os.path.join(out, "results.json"), "w") as f:
    json.dump(results, f, indent=2)
print("\nJSON and plots in %s" % out)
EOF
