#!/usr/bin/env bash
# scripts/bench.sh - `make bench`: the cost of a null hypercall and of an
# exception bounce (int3 + HYPERVISOR_iret) in a PV kernel on Keel and on
# Debian's Xen 4.17, in the same QEMU machine (TCG, 1 CPU, 512 MiB, dom0),
# next to a native system call on this machine.  Units are TSC ticks per
# operation; under TCG the guest's TSC follows the host's clock, so the
# Keel/Xen ratio is the figure to read.  Writes build/bench/results.json
# and prints a table.  Exit status: 0, or 1 when a run gave no numbers.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/bench
kernel=$out/pv_bench.elf
mkdir -p "$out"

run_keel() {
	timeout 120 qemu-system-x86_64 -accel tcg -cpu max -m 512 -smp 1 -display none \
		-monitor none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-serial "file:$out/keel.log" -kernel "$root/build/hypervisor.elf" \
		-append "console=com1 dom0_mem=64M noreboot" -initrd "$kernel" \
		2>"$out/keel-qemu.log" || true
}

# "name value" lines from a console log (Keel prefixes the guest's lines "(d0) ").
numbers() {
	sed -e 's/\r$//' -e 's/^(d0) //' "$1" | awk '$1 == "BENCH" { print $2, $3 }'
}

value() { # file name
	awk -v n="$2" '$1 == n { print $2 }' "$1"
}

echo "bench: Keel" && run_keel && numbers "$out/keel.log" >"$out/keel.txt"
echo "bench: Xen 4.17" && KEEL_LOG_DIR=$out/xen "$root/scripts/run-on-xen.sh" "$kernel" >/dev/null 2>&1 || true
numbers "$out/xen/serial.log" >"$out/xen.txt"
echo "bench: host" && "$out/host_syscall" | awk '$1 == "BENCH" { print $2, $3 }' >"$out/host.txt"

host=$(value "$out/host.txt" host_syscall)
status=0
{
	echo "{"
	echo "  \"unit\": \"TSC ticks per operation\","
	echo "  \"host_syscall\": ${host:-null},"
	sep=""
	for name in null_hypercall int3_bounce; do
		k=$(value "$out/keel.txt" $name)
		x=$(value "$out/xen.txt" $name)
		[ -n "$k" ] && [ -n "$x" ] || status=1
		printf '%s  "%s": {"keel": %s, "xen": %s}' "$sep" "$name" "${k:-null}" "${x:-null}"
		sep=$',\n'
	done
	echo
	echo "}"
} >"$out/results.json"

printf '%-16s %10s %10s %12s %14s\n' operation keel xen keel/xen keel/host-syscall
for name in null_hypercall int3_bounce; do
	k=$(value "$out/keel.txt" $name)
	x=$(value "$out/xen.txt" $name)
	awk -v n="$name" -v k="${k:-0}" -v x="${x:-0}" -v h="${host:-0}" 'BEGIN {
		printf "%-16s %10s %10s %12s %14s\n", n, k, x,
			(x > 0 ? sprintf("%.2f", k / x) : "-"), (h > 0 ? sprintf("%.1f", k / h) : "-") }'
done
echo "host syscall: ${host:-?} ticks; results in $out/results.json (logs: keel.log, xen/serial.log)"
exit $status
