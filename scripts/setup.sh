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
	# GNU cpio reads what scripts/mkrootfs.py writes (tests/system/test_mkrootfs.py).
	"cpio:/usr/bin/cpio"
)

# Files from Debian packages we do not install (their scripts would start
# Xen's daemons): package:file-in-package:where-it-goes (under build/).
# Xen's own example config for a PV guest, loaded unchanged by vmctl in
# tests/system/test_third_party_config.py.
fetch=(
	"xen-utils-common:/etc/xen/xlexample.pvlinux:build/third-party/xlexample.pvlinux"
)
root=$(cd "$(dirname "$0")/.." && pwd)

fetch_files() {
	local n pkg rest file dest tmp
	for n in "${fetch[@]}"; do
		pkg=${n%%:*}
		rest=${n#*:}
		file=${rest%%:*}
		dest=$root/${rest#*:}
		[ -e "$dest" ] && continue
		echo "setup: fetching $file from Debian's $pkg"
		tmp=$(mktemp -d)
		if ! (cd "$tmp" && apt-get download -qq "$pkg" 2>/dev/null ||
		      { ${SUDO-} apt-get update -qq && apt-get download -qq "$pkg"; }); then
			echo "setup: error: cannot download $pkg: is Debian's package archive reachable?" >&2
			rm -rf "$tmp"
			exit 1
		fi
		dpkg-deb -x "$tmp"/*.deb "$tmp/x"
		mkdir -p "$(dirname "$dest")"
		cp "$tmp/x$file" "$dest"
		rm -rf "$tmp"
	done
}

missing=()
for n in "${needs[@]}"; do
	pkg=${n%%:*}
	file=${n#*:}
	[ -e "$file" ] || missing+=("$pkg")
done
# How apt-get may run as root (fetch_files' apt-get update needs it too).
SUDO=
can_apt=true
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		SUDO=sudo
	else
		can_apt=false
	fi
fi
if [ ${#missing[@]} -eq 0 ]; then
	fetch_files
	exit 0
fi

echo "setup: installing missing Debian packages: ${missing[*]}"
if ! $can_apt; then
	echo "setup: error: not root and no password-less sudo." >&2
	echo "setup: run this once as root, then retry:" >&2
	echo "    apt-get update && apt-get install -y ${missing[*]}" >&2
	exit 1
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
fetch_files
echo "setup: done."
