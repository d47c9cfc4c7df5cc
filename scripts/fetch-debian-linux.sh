#!/bin/sh
# scripts/fetch-debian-linux.sh - fetch one of Debian's Linux kernels and
# unwrap its vmlinux, the ELF file Keel's domain builders load (Keel does not
# unpack a bzImage itself; Xen's builder does).  Used to check that PV
# kernels built by others boot on Keel as on Xen (docs/linux-guests.md).
#
#   scripts/fetch-debian-linux.sh [PACKAGE] [OUTDIR]
#
# PACKAGE defaults to the cloud flavour of the running Debian's 6.1 kernel
# series as apt knows it (linux-image-cloud-amd64's dependency): built with
# CONFIG_XEN_PV but not XEN_DOM0, so it runs as a domU.  The generic flavour
# (PACKAGE linux-image-amd64, a metapackage resolved the same way) also has
# XEN_DOM0: it boots as the initial domain (make linux-dom0).  OUTDIR (default
# build/linux) gets PACKAGE's vmlinux and config.
set -eu
pkg=${1:-}
out=${2:-build/linux}
# A metapackage (a name without a version: linux-image-amd64,
# linux-image-cloud-amd64) stands for the kernel it depends on.
meta=
case ${pkg:-linux-image-cloud-amd64} in
linux-image-[0-9]*) ;;
*) meta=${pkg:-linux-image-cloud-amd64} ;;
esac
resolve() {
	[ -n "$meta" ] || return 0
	pkg=$(apt-cache depends "$meta" 2>/dev/null | sed -n 's/.*Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1)
	[ -n "$pkg" ]
}
resolve || { echo "fetch-debian-linux: apt does not know $meta (apt-get update?)" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Stale package lists name a version the archive no longer has: update once and retry.
if ! (cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1); then
	sudo=; [ "$(id -u)" = 0 ] || sudo="sudo -n"
	$sudo apt-get update -qq >/dev/null 2>&1 || true
	resolve || { echo "fetch-debian-linux: apt does not know $meta" >&2; exit 1; }
	(cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1) || { echo "fetch-debian-linux: cannot download $pkg" >&2; exit 1; }
fi
dpkg-deb -x "$tmp"/*.deb "$tmp/x"
bz=$(ls "$tmp"/x/boot/vmlinuz-* | head -1)
# The boot protocol header: setup_sects at 0x1f1, payload_offset/length at 0x248.
python3 - "$bz" "$tmp/payload" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
if b[0x202:0x206] != b"HdrS":
    sys.exit("fetch-debian-linux: %s is not a bzImage" % sys.argv[1])
setup = (b[0x1f1] or 4) + 1
off, length = struct.unpack_from("<II", b, 0x248)
open(sys.argv[2], "wb").write(b[setup * 512 + off:setup * 512 + off + length])
PY
# The payload ends with its uncompressed size, which the decompressors call
# trailing garbage: their exit status says nothing, the ELF magic does.
case $(od -An -tx1 -N4 "$tmp/payload" | tr -d ' ') in
fd377a58) xz -dc "$tmp/payload" > "$tmp/vmlinux" 2>/dev/null || true ;;
1f8b*) gzip -dc "$tmp/payload" > "$tmp/vmlinux" 2>/dev/null || true ;;
02214c18) lz4 -dc "$tmp/payload" > "$tmp/vmlinux" 2>/dev/null || true ;;
28b52ffd) zstd -dc "$tmp/payload" > "$tmp/vmlinux" 2>/dev/null || true ;;
*) echo "fetch-debian-linux: unknown compression in $bz" >&2; exit 1 ;;
esac
[ "$(od -An -c -N4 "$tmp/vmlinux" | tr -d ' ')" = '177ELF' ] ||
	{ echo "fetch-debian-linux: the payload of $bz did not unpack to an ELF file" >&2; exit 1; }
# Only a good file takes the name make treats as done.
cp "$tmp"/x/boot/config-* "$out/config"
mv "$tmp/vmlinux" "$out/vmlinux"
if grep -q '^CONFIG_XEN_DOM0=y' "$out/config"; then kind="XEN_DOM0: initial domain or domU"; else kind="domU only"; fi
echo "$out/vmlinux: $pkg ($kind)"
