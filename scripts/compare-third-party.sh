#!/usr/bin/env bash
# scripts/compare-third-party.sh - runs a PV kernel built by others as a
# domU on Debian's Xen 4.17 and on Keel, in the same QEMU machine, and
# compares what it did: the way a new user checks that a third-party
# kernel "behaves as on Xen".
#
#   scripts/compare-third-party.sh [--timeout SECS] KERNEL [CMDLINE]
#
# dom0 is build/pv/twodom/runner.elf (make pv-kernels): it builds KERNEL as
# a 32 MiB domU through domctl, answers each xenstore request with ENOENT
# (there is no xenstored) and prints the requests and the domU's PV console
# for 10 s.  Compared are the lines "domU: ..." (its console), "xenstore:
# ..." (its requests) and "runner: ..." (its end state), with transfer
# rates (GRUB prints "2.10KiB/s") masked.  Example, GRUB 2.06's PV image
# (package grub-xen-host, installed by scripts/setup.sh):
#
#   scripts/compare-third-party.sh /usr/lib/grub-xen/grub-x86_64-xen.bin
#
# Exit status: 0 when the transcripts are identical, 1 when they differ,
# 2 on bad usage.  Logs stay in /tmp/keel-third-party-*/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
timeout=90
if [ "${1:-}" = "--timeout" ]; then
	timeout=$2
	shift 2
fi
if [ $# -lt 1 ]; then
	echo "usage: $0 [--timeout SECS] KERNEL [CMDLINE]" >&2
	exit 2
fi
kernel=$1
cmdline=${2:-}
runner=$root/build/pv/twodom/runner.elf
[ -r "$kernel" ] || { echo "compare-third-party: cannot read $kernel" >&2; exit 2; }
[ -s "$runner" ] || { echo "compare-third-party: build the runner first (make pv-kernels)" >&2; exit 2; }
[ -s "$root/build/hypervisor.elf" ] || { echo "compare-third-party: build Keel first (make)" >&2; exit 2; }
case "$kernel$cmdline" in *,*) echo "compare-third-party: QEMU cannot take a comma" >&2; exit 2 ;; esac

out=$(mktemp -d /tmp/keel-third-party-XXXXXX)
module="$runner${cmdline:+ $cmdline},$kernel"

echo "== Xen 4.17"
KEEL_LOG_DIR=$out/xen "$root/scripts/run-on-xen.sh" --timeout "$timeout" --module "$kernel" \
	"$runner" ${cmdline:+$cmdline} >/dev/null 2>&1 || true
echo "== Keel"
"$root/scripts/run-on-keel.sh" "$out/keel" "$timeout" "$module"

transcript() {
	sed -e 's/\r$//' -e 's/^(d0) //' "$1" |
		grep -E '^(domU|xenstore|runner): |^Test result: ' |
		sed -E 's/[0-9]+\.[0-9]+KiB\/s/N.NNKiB\/s/g' || true
}
transcript "$out/xen/serial.log" >"$out/xen.transcript"
transcript "$out/keel/serial.log" >"$out/keel.transcript"
echo "logs: $out/xen/serial.log $out/keel/serial.log"
if [ ! -s "$out/keel.transcript" ]; then
	echo "compare-third-party: nothing from the runner on Keel"
	exit 1
fi
if diff -u --label xen --label keel "$out/xen.transcript" "$out/keel.transcript"; then
	echo "compare-third-party: SAME: $(grep -c '^domU: ' "$out/keel.transcript") console lines," \
		"$(grep -c '^xenstore: ' "$out/keel.transcript") xenstore requests on both"
	exit 0
fi
echo "compare-third-party: DIFFERENT (see the diff above)"
exit 1
