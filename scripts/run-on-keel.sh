#!/usr/bin/env bash
# scripts/run-on-keel.sh - boots build/hypervisor.elf in QEMU the way the
# Xen comparisons boot Xen (scripts/run-on-xen.sh): TCG, 512 MiB, 1 CPU,
# dom0_mem=64M, noreboot; the console goes to LOGDIR/serial.log, QEMU's own
# messages to LOGDIR/qemu.log.  Used by compare-with-xen.sh and
# compare-third-party.sh, so both compare against the same Keel machine.
#
#   scripts/run-on-keel.sh LOGDIR TIMEOUT "KERNEL [ARGS][,MODULE2...]"
#
# Always exits 0: the caller judges the console.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ne 3 ]; then
	echo "usage: $0 LOGDIR TIMEOUT MODULES" >&2
	exit 2
fi
mkdir -p "$1"
timeout "$2" qemu-system-x86_64 -accel tcg -cpu max -m 512 -smp 1 -display none \
	-monitor none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 \
	-serial "file:$1/serial.log" -kernel "$root/build/hypervisor.elf" \
	-append "console=com1 loglvl=all dom0_mem=64M noreboot" -initrd "$3" \
	2>"$1/qemu.log"
exit 0
