#!/usr/bin/env bash
# scripts/compare-with-xen.sh - runs one PV kernel as the initial domain of
# Debian's Xen 4.17 and of Keel, in the same QEMU machine, and compares what
# the kernel printed: the way a new user checks that Keel "behaves as Xen".
#
#   scripts/compare-with-xen.sh [--timeout SECS] KERNEL.elf [ARGS...]
#
# Both runs: TCG, 512 MiB, 1 CPU, dom0_mem=64M, noreboot (Xen also gets
# -cpu max,-smap, see run-on-xen.sh).  The kernel's own lines are compared:
# on Keel they carry the "(d0) " prefix, which is removed; Keel's and Xen's
# own lines ("(KEEL) ...", "(XEN) ...") and the lines a kernel prints about
# addresses (which differ by machine frame numbers) are left out unless
# they are test verdicts.  Prints a unified diff of the verdict lines
# ([ RUN  ], [   OK ], [ FAIL ], "Test result:") and the full logs' paths.
# Exit status: 0 when the verdict lines are identical, 1 when they differ,
# 2 on bad usage.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
timeout=120
if [ "${1:-}" = "--timeout" ]; then
	timeout=$2
	shift 2
fi
if [ $# -lt 1 ]; then
	echo "usage: $0 [--timeout SECS] KERNEL.elf [ARGS...]" >&2
	exit 2
fi
kernel=$1
shift
[ -r "$kernel" ] || { echo "compare-with-xen: cannot read $kernel" >&2; exit 2; }
[ -s "$root/build/hypervisor.elf" ] || { echo "compare-with-xen: build Keel first (make)" >&2; exit 2; }

out=$(mktemp -d /tmp/keel-compare-XXXXXX)
module="$kernel${*:+ $*}"

echo "== Xen 4.17"
KEEL_LOG_DIR=$out/xen "$root/scripts/run-on-xen.sh" --timeout "$timeout" "$kernel" "$@" >/dev/null 2>&1 || true
echo "== Keel"
"$root/scripts/run-on-keel.sh" "$out/keel" "$timeout" "$module"

verdicts() {
	sed -e 's/\r$//' -e 's/^(d0) //' "$1" |
		grep -E '^\[ (RUN  |  OK |FAIL )\] |^Test result: |^EXPECT-CRASH: ' || true
}
verdicts "$out/xen/serial.log" >"$out/xen.verdicts"
verdicts "$out/keel/serial.log" >"$out/keel.verdicts"
echo "logs: $out/xen/serial.log $out/keel/serial.log"
if diff -u --label xen --label keel "$out/xen.verdicts" "$out/keel.verdicts"; then
	echo "compare-with-xen: SAME: $(grep -c '^\[   OK \]' "$out/keel.verdicts") tests pass on both, $(tail -1 "$out/keel.verdicts")"
	exit 0
fi
echo "compare-with-xen: DIFFERENT (see the diff above)"
exit 1
