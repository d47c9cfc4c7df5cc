#!/usr/bin/env bash
# scripts/setup.sh - installs the Debian packages Keel's build, tests and
# QEMU runs need.  Idempotent: when everything is present it only checks.
# Called by the Makefile before every user-facing target.
set -euo pipefail

# package:file-that-proves-it-is-installed
needs=(
	"qemu-system-x86:/usr/bin/qemu-system-x86_64"
	"nasm:/usr/bin/nasm"
	"gnu-efi:/usr/lib/libgnuefi.a"
	"ovmf:/usr/share/OVMF/OVMF_CODE_4M.fd"
	"mtools:/usr/bin/mcopy"
	"dosfstools:/sbin/mkfs.fat"
	"libxen-dev:/usr/include/xen/xen.h"
	"libcmocka-dev:/usr/include/cmocka.h"
	"python3-pytest:/usr/lib/python3/dist-packages/pytest/__init__.py"
	"binutils:/usr/bin/objcopy"
	"gcc:/usr/bin/gcc"
	"make:/usr/bin/make"
	"gdb:/usr/bin/gdb"
	"clang:/usr/bin/clang"
	"libclang-rt-14-dev:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a"
	# The reference for `make test-xen`: files in /boot only (its postinst
	# runs update-grub only where /boot/grub exists; no bootloader here).
	"xen-hypervisor-4.17-amd64:/boot/xen-4.17-amd64.gz"
	# A PV kernel built by others (GRUB 2.06's PV image), run as a domU on
	# Xen and on Keel by tests/system/test_third_party.py.
	"grub-xen-host:/usr/lib/grub-xen/grub-x86_64-xen.bin"
)

missing=()
for n in "${needs[@]}"; do
	pkg=${n%%:*}
	file=${n#*:}
	[ -e "$file" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		SUDO=sudo
	else
		echo "setup: error: not root and no password-less sudo." >&2
		echo "setup: run this once as root, then retry:" >&2
		echo "    apt-get update && apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
else
	SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq; then
	echo "setup: error: 'apt-get update' failed: is Debian's package archive reachable?" >&2
	echo "setup: with network access, run: apt-get update && apt-get install -y ${missing[*]}" >&2
	exit 1
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
	echo "setup: error: could not install ${missing[*]} (see apt-get's message above)." >&2
	exit 1
fi
echo "setup: done."
