#!/bin/sh
# scripts/mkefiimg.sh - builds a FAT disk image that boots Keel under UEFI.
#
# usage: scripts/mkefiimg.sh OUT.img "CMDLINE" [MODULE-SPEC ...]
#
#   CMDLINE      the hypervisor's command line (options= in KEEL.CFG)
#   MODULE-SPEC  "file args,file2 args,..." as for QEMU's -initrd; several
#                specs may be given and empty ones are ignored.  Boot module 1
#                (the initial domain's kernel) is the first file.
#
# The image is an unpartitioned FAT32 file system (OVMF boots it like a
# removable disk) holding
#   EFI/BOOT/BOOTX64.EFI     the loader        ($KEEL_EFI_LOADER, default build/BOOTX64.EFI)
#   EFI/BOOT/hypervisor.elf  the hypervisor    ($KEEL_HYPERVISOR, default build/hypervisor.elf)
#   EFI/BOOT/KEEL.CFG        the configuration (see hypervisor/boot/efi/README.md)
#   EFI/BOOT/<module files>  under their own base names
# Built with mtools alone: no root, no loop devices.
#
# KEEL_EFI_POWEROFF_ON_FAIL=1 also writes \startup.nsh with "reset -s": when
# the loader fails and returns, OVMF falls through to its built-in UEFI shell,
# which then powers the machine off (after its 5-second countdown) instead of
# waiting at a prompt.  Tests use it so that a failed boot ends QEMU.
set -eu

die() {
	echo "mkefiimg: error: $*" >&2
	exit 1
}

[ $# -ge 2 ] || die "usage: $0 OUT.img \"CMDLINE\" [MODULE-SPEC ...]"
out=$1
cmdline=$2
shift 2

root=$(cd "$(dirname "$0")/.." && pwd)
loader=${KEEL_EFI_LOADER:-$root/build/BOOTX64.EFI}
hypervisor=${KEEL_HYPERVISOR:-$root/build/hypervisor.elf}
command -v mformat >/dev/null || die "mtools is not installed (run scripts/setup.sh)"
[ -f "$loader" ] || die "$loader does not exist: run 'make efi'"
[ -f "$hypervisor" ] || die "$hypervisor does not exist: run 'make hypervisor'"
case $cmdline in
*"
"*) die "the command line cannot span lines" ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/mkefiimg.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# Modules: one "file args" per line in $work/modules.
: >"$work/modules"
for spec in "$@"; do
	printf '%s\n' "$spec" | tr ',' '\n' >>"$work/modules"
done

# KEEL.CFG: kernel= first, ramdisk= for a second module without arguments,
# module= for the rest (keeping boot order, see config.h).
{
	echo "# Written by scripts/mkefiimg.sh"
	echo "[global]"
	echo "default=keel"
	echo
	echo "[keel]"
	printf 'options=%s\n' "$cmdline"
	echo "hypervisor=hypervisor.elf"
} >"$work/KEEL.CFG"

n=0
total=$(($(wc -c <"$loader") + $(wc -c <"$hypervisor")))
: >"$work/files"
while read -r file args; do
	[ -n "$file" ] || continue
	[ -f "$file" ] || die "boot module $file does not exist"
	name=$(basename "$file")
	case $name in
	BOOTX64.EFI | KEEL.CFG | hypervisor.elf) die "module $file: the name $name is taken" ;;
	esac
	grep -qxF "$name" "$work/files" && die "two modules are named $name"
	printf '%s\n' "$name" >>"$work/files"
	printf '%s\n' "$file" >>"$work/paths"
	n=$((n + 1))
	if [ $n -eq 1 ]; then
		key=kernel
	elif [ $n -eq 2 ] && [ -z "$args" ]; then
		key=ramdisk
	else
		key=module
	fi
	if [ -n "$args" ]; then
		printf '%s=%s %s\n' "$key" "$name" "$args" >>"$work/KEEL.CFG"
	else
		printf '%s=%s\n' "$key" "$name" >>"$work/KEEL.CFG"
	fi
	total=$((total + $(wc -c <"$file")))
done <"$work/modules"

# FAT32 needs at least ~33 MiB; leave room for growth.
mib=$((total / 1048576 + 16))
[ $mib -ge 64 ] || mib=64
rm -f "$out"
truncate -s "${mib}M" "$out"
export MTOOLS_SKIP_CHECK=1
mformat -i "$out" -F -v KEEL ::
mmd -i "$out" ::/EFI ::/EFI/BOOT
mcopy -i "$out" "$loader" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$out" "$hypervisor" ::/EFI/BOOT/hypervisor.elf
mcopy -i "$out" "$work/KEEL.CFG" ::/EFI/BOOT/KEEL.CFG
if [ "${KEEL_EFI_POWEROFF_ON_FAIL:-0}" = 1 ]; then
	printf 'reset -s\r\n' >"$work/startup.nsh"
	mcopy -i "$out" "$work/startup.nsh" ::/startup.nsh
fi
if [ -s "$work/files" ]; then
	while read -r path; do
		mcopy -i "$out" "$path" "::/EFI/BOOT/$(basename "$path")"
	done <"$work/paths"
fi
echo "mkefiimg: $out ($mib MiB): loader, hypervisor, $n module(s); KEEL.CFG:"
grep -v '^#' "$work/KEEL.CFG" | sed 's/^/    /'
