#!/bin/sh
# scripts/run-linux-dom0.sh - boots a Linux kernel built for Xen as the
# initial domain, on Keel or on Debian's Xen 4.17, in the same QEMU
# machine (q35, 1 GiB, one CPU, TCG), to compare the two
# (tests/system/test_linux_dom0.py, docs/linux-guests.md).
#
#   scripts/run-linux-dom0.sh keel|xen VMLINUX INITRAMFS LOG [TIMEOUT]
#
# VMLINUX is the kernel's ELF file (scripts/fetch-debian-linux.sh unwraps
# one), INITRAMFS its initramfs (make linux-dom0 builds one whose /init
# prints and powers off).  Both hypervisors get dom0_mem=256M and keep
# running after dom0 powers off only long enough to report it: Keel exits
# QEMU (noreboot + isa-debug-exit), Xen enters ACPI S5.  The console goes
# to LOG; the status is QEMU's, 124 on TIMEOUT (default 300 s).  QEMU runs
# TCG: `-cpu max` for Keel, `-cpu max,-smap` for Xen (Xen 4.17 crashes PV
# kernels under TCG with SMAP).  Environment: KEEL_IMAGE (default
# build/hypervisor.elf), XEN_IMAGE (default /boot/xen-4.17-amd64.gz).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 4 ] || { echo "usage: $0 keel|xen VMLINUX INITRAMFS LOG [TIMEOUT]" >&2; exit 2; }
hv=$1 vmlinux=$2 initramfs=$3 log=$4 limit=${5:-300}
for f in "$vmlinux" "$initramfs"; do
	[ -r "$f" ] || { echo "run-linux-dom0: error: cannot read $f (make linux-dom0)" >&2; exit 2; }
	case "$f" in *[,\ ]*) echo "run-linux-dom0: error: a boot module's path cannot hold a comma or a space: $f" >&2; exit 2 ;; esac
done
dom0_args="console=hvc0 earlyprintk=xen loglevel=8"
case "$hv" in
keel)
	image=${KEEL_IMAGE:-$root/build/hypervisor.elf}
	cpu="max"
	cmdline="console=com1 loglvl=all noreboot dom0_mem=256M"
	extra="-device isa-debug-exit,iobase=0xf4,iosize=4" ;;
xen)
	xen_gz=${XEN_IMAGE:-/boot/xen-4.17-amd64.gz}
	[ -r "$xen_gz" ] || { echo "run-linux-dom0: error: $xen_gz missing (scripts/setup.sh installs it)" >&2; exit 2; }
	image=$root/build/xen/$(basename "${xen_gz%.gz}")
	if [ ! -s "$image" ] || [ "$xen_gz" -nt "$image" ]; then
		mkdir -p "$(dirname "$image")"
		if ! gzip -dc "$xen_gz" >"$image.tmp"; then
			echo "run-linux-dom0: error: cannot unpack $xen_gz" >&2
			exit 2
		fi
		mv "$image.tmp" "$image"
	fi
	cpu="max,-smap"
	cmdline="console=com1 loglvl=all guest_loglvl=all dom0_mem=256M"
	extra="" ;;
*) echo "usage: $0 keel|xen VMLINUX INITRAMFS LOG [TIMEOUT]" >&2; exit 2 ;;
esac
: >"$log"
set +e
# shellcheck disable=SC2086 # $extra is a list of options
timeout "$limit" qemu-system-x86_64 -accel tcg -cpu "$cpu" -machine q35 -m 1024 -smp 1 \
	-display none -monitor none -nodefaults -no-reboot $extra -serial "file:$log" \
	-kernel "$image" -append "$cmdline" -initrd "$vmlinux $dom0_args,$initramfs"
rc=$?
set -e
exit $rc
