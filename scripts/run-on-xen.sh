#!/usr/bin/env bash
# scripts/run-on-xen.sh - boots a PV test kernel as dom0 of Debian's Xen 4.17
# under QEMU, the reference Keel is compared with.
#
#   scripts/run-on-xen.sh [--timeout SECS] [--expect-crash] [--smp N] [--xen-cmdline "..."]
#                         [--module FILE] [--type] KERNEL.elf [ARGS...]
#
# --module FILE gives dom0 a second boot module (its initrd), e.g. the domU
# kernel the two-domain test builds.
# --type answers the kernel's "INPUT-WANTED: <hex>" lines by typing those
# bytes on the serial port (tests/system/serial_typist.py; the port is then
# a pair of named pipes, BASE.in and BASE.out in the log directory, and the
# typist writes serial.log): tests/pv/kernels/console_input.c with `input`.
# Needs /boot/xen-4.17-amd64.gz (package xen-hypervisor-4.17-amd64; installing
# it is the caller's job: scripts/setup.sh).  QEMU's -kernel wants a Multiboot
# ELF32, so the gzip is unpacked once into build/xen/.  QEMU runs TCG with
# `-cpu max,-smap`: under TCG, Xen 4.17 with SMAP crashes PV kernels.  With
# `noreboot` Xen halts (QEMU keeps running) once dom0 shuts down, so we watch
# the console for the kernel's verdict line, wait a moment for Xen's own
# shutdown message, then kill QEMU.
#
# Prints the console.  Exit status: 0 on "Test result: SUCCESS"; 1 on
# "Test result: FAILURE", no verdict (Xen panic, dom0 crash before the
# verdict, QEMU error) or timeout; 2 on bad usage or a missing Xen image.
# With --expect-crash (the tests/pv/kernels/crash_*.c kernels) the kernel
# must instead print an "EXPECT-CRASH:" line and then be crashed by Xen
# (no verdict line, no Xen panic): exit 0 if so, else 1.
# What a kernel needs beyond the defaults (QEMU -smp 1, Xen's command line
# below) it declares in its source, tests/pv/kernels/NAME.c, which this
# script reads for build/pv/NAME.elf (tests/pv/README.md):
#   PV-TEST-SMP: N            QEMU -smp N
#   PV-TEST-CMDLINE: OPTS     appended to the hypervisor's command line
# --smp and --xen-cmdline give the same by hand (and win over the source).
# Environment: XEN_IMAGE=PATH (another xen.gz or unpacked ELF32),
# XEN_CMDLINE_EXTRA="..." (appended to Xen's command line),
# XEN_QEMU_EXTRA="..." (more QEMU options, e.g. -icount for benchmarks),
# KEEL_LOG_DIR=DIR (keep serial.log and cmd.txt there).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
timeout=120
expect_crash=
extra_module=
smp=
extra_cmdline=
type_input=
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout=$2; shift 2 ;;
	--expect-crash) expect_crash=1; shift ;;
	--module) extra_module=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--xen-cmdline) extra_cmdline=$2; shift 2 ;;
	--type) type_input=1; shift ;;
	*) break ;;
	esac
done
if [ $# -lt 1 ]; then
	echo "usage: $0 [--timeout SECS] [--expect-crash] [--smp N] [--xen-cmdline OPTS] [--module FILE] [--type] KERNEL.elf [ARGS...]" >&2
	exit 2
fi
kernel=$1
shift
# The kernel's declared needs (see above), unless given on our command line.
src=$root/tests/pv/kernels/$(basename "$kernel" .elf).c
if [ -r "$src" ]; then
	[ -n "$smp" ] || smp=$(sed -n 's/.*PV-TEST-SMP: *\([0-9][0-9]*\).*/\1/p' "$src" | head -n 1)
	[ -n "$extra_cmdline" ] || extra_cmdline=$(sed -n 's/.*PV-TEST-CMDLINE: *\(.*[^ ]\) *$/\1/p' "$src" | head -n 1)
fi
smp=${smp:-1}
[ -r "$kernel" ] || { echo "run-on-xen: error: cannot read $kernel" >&2; exit 2; }
case "$kernel" in *,*) echo "run-on-xen: error: QEMU cannot take a comma in $kernel" >&2; exit 2 ;; esac

xen_gz=${XEN_IMAGE:-/boot/xen-4.17-amd64.gz}
if [ ! -r "$xen_gz" ]; then
	echo "run-on-xen: error: $xen_gz missing: apt-get install -y --no-install-recommends xen-hypervisor-4.17-amd64" >&2
	exit 2
fi
xen_elf=$root/build/xen/$(basename "${xen_gz%.gz}")
if [ ! -s "$xen_elf" ] || [ "$xen_gz" -nt "$xen_elf" ]; then
	mkdir -p "$(dirname "$xen_elf")"
	case "$xen_gz" in
	*.gz) gzip -dc "$xen_gz" >"$xen_elf.tmp" && mv "$xen_elf.tmp" "$xen_elf" ;;
	*) cp "$xen_gz" "$xen_elf" ;;
	esac
fi

logdir=${KEEL_LOG_DIR:-$(mktemp -d /tmp/keel-xen-XXXXXX)}
mkdir -p "$logdir"
log=$logdir/serial.log
: >"$log"
xen_cmdline="console=com1 com1=115200 loglvl=all guest_loglvl=all dom0_mem=64M noreboot $extra_cmdline ${XEN_CMDLINE_EXTRA:-}"
module="$kernel${*:+ $*}${extra_module:+,$extra_module}"
serial=(-serial "file:$log")
typist=
if [ -n "$type_input" ]; then
	case "$logdir" in *,*) echo "run-on-xen: error: QEMU cannot take a comma in $logdir" >&2; exit 2 ;; esac
	rm -f "$logdir/serial.in" "$logdir/serial.out"
	mkfifo "$logdir/serial.in" "$logdir/serial.out"
	serial=(-chardev "pipe,id=serial0,path=$logdir/serial" -serial chardev:serial0)
	${PYTHON:-python3} "$root/tests/system/serial_typist.py" "$logdir/serial" "$log" &
	typist=$!
fi
cmd=(qemu-system-x86_64 -accel tcg -cpu max,-smap -m 512 -smp "$smp"
	-display none -monitor none "${serial[@]}" -no-reboot
	-kernel "$xen_elf" -append "$xen_cmdline" -initrd "$module" ${XEN_QEMU_EXTRA:-})
printf '%q ' "${cmd[@]}" >"$logdir/cmd.txt"
echo >>"$logdir/cmd.txt"

start=$(date +%s.%N)
"${cmd[@]}" 2>"$logdir/qemu.log" &
qemu=$!
# QEMU first; the typist (on SIGTERM) then copies what QEMU left in the pipe.
cleanup() {
	kill "$qemu" 2>/dev/null || true
	wait "$qemu" 2>/dev/null || true
	if [ -n "$typist" ]; then
		kill "$typist" 2>/dev/null || true
		wait "$typist" 2>/dev/null || true
		typist=
	fi
}
trap cleanup EXIT

# Polls the console until the verdict (plus up to 5 s for Xen's report of
# dom0's shutdown), QEMU's exit, or the timeout.
verdict=
timed_out=
deadline=$(($(date +%s) + timeout))
grace=
while :; do
	if [ -z "$verdict" ]; then
		# One snapshot per look: the console grows meanwhile, and a verdict
		# line and Xen's "Dom0 halted" after it must not be read from two
		# different moments (the halt seen, the verdict not yet).
		snap=$(cat "$log")
		if grep -q 'Test result: SUCCESS' <<<"$snap"; then verdict=SUCCESS
		elif grep -q 'Test result: FAILURE' <<<"$snap"; then verdict=FAILURE
		elif grep -qE 'Panic on CPU|Dom0 (crashed|halted|shut ?down)|domain_crash' <<<"$snap"; then
			verdict=NONE
		fi
		[ -n "$verdict" ] && grace=$(($(date +%s) + 5))
	fi
	if [ -n "$verdict" ]; then
		grep -qE 'Hardware Dom0 (shutdown|halted|crashed)|Panic on CPU|reboot' "$log" && break
		[ "$(date +%s)" -ge "$grace" ] && break
	fi
	kill -0 "$qemu" 2>/dev/null || break
	if [ "$(date +%s)" -ge "$deadline" ]; then
		timed_out=1
		break
	fi
	sleep 0.5
done
cleanup
trap - EXIT
secs=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo "?")

cat "$log"
echo "run-on-xen: logs in $logdir (serial.log, qemu.log, cmd.txt); ${secs}s"
if [ -n "$expect_crash" ]; then
	if [ "$verdict" = NONE ] && grep -q 'EXPECT-CRASH:' "$log" &&
		grep -qE 'Domain 0 \(vcpu#[0-9]+\) crashed|Hardware Dom0 crashed' "$log" &&
		! grep -q 'Panic on CPU' "$log"; then
		echo "run-on-xen: PASS: $kernel (domain crashed as expected)"
		exit 0
	fi
	echo "run-on-xen: FAIL: $kernel: expected a domain crash after EXPECT-CRASH"
	exit 1
fi
case "$verdict" in
SUCCESS) echo "run-on-xen: PASS: $kernel"; exit 0 ;;
FAILURE) echo "run-on-xen: FAIL: $kernel"; exit 1 ;;
NONE) echo "run-on-xen: FAIL: $kernel: no verdict (Xen panic or dom0 crash)"; exit 1 ;;
esac
if [ -n "$timed_out" ]; then
	echo "run-on-xen: FAIL: $kernel: timeout after ${timeout}s"
	exit 1
fi
echo "run-on-xen: FAIL: $kernel: QEMU exited without a verdict (see $logdir/qemu.log)"
cat "$logdir/qemu.log"
exit 1
