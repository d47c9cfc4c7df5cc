#!/usr/bin/python3
"""mkrootfs.py - write a newc cpio archive for dom0's root filesystem.

Usage:  mkrootfs.py OUT [SRC:DEST | --dir DEST] ...

Each SRC:DEST copies the file SRC to DEST inside the archive; --dir DEST
adds an empty directory.  Every parent directory of a DEST gets its own
entry.  The output is deterministic: entries sorted so that a directory
comes before its contents, inode numbers counted from 1, mtime, uid and
gid 0, mode 0755 for directories, 0755 for an executable SRC and 0644
otherwise.  The archive ends with TRAILER!!! and is padded with zeros to
a multiple of 512 bytes.  guests/common/cpio_newc.c reads it back.

Python 3 standard library only.
"""

import os
import sys

BLOCK = 512
S_IFDIR = 0o040000
S_IFREG = 0o100000


def usage(msg):
    sys.exit("mkrootfs.py: %s\nusage: mkrootfs.py OUT [SRC:DEST | --dir DEST] ..." % msg)


def clean_dest(dest):
    """DEST as archive path components, refused if empty or escaping '/'."""
    parts = [p for p in dest.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        usage("bad destination %r (empty, or with '..')" % dest)
    return tuple(parts)


def parse_args(argv):
    """The output path and {components: (mode, data)} for the members."""
    if not argv:
        usage("no output file")
    out, args, members = argv[0], argv[1:], {}
    i = 0
    while i < len(args):
        if args[i] == "--dir":
            if i + 1 >= len(args):
                usage("--dir needs a destination")
            key, entry = clean_dest(args[i + 1]), (S_IFDIR | 0o755, b"")
            i += 2
        else:
            src, sep, dest = args[i].rpartition(":")
            if not sep or not src:
                usage("expected SRC:DEST, got %r" % args[i])
            with open(src, "rb") as f:
                data = f.read()
            perm = 0o755 if os.access(src, os.X_OK) else 0o644
            key, entry = clean_dest(dest), (S_IFREG | perm, data)
            i += 1
        if key in members and not (entry[0] & S_IFDIR and members[key][0] & S_IFDIR):
            usage("%s given twice" % "/".join(key))
        members[key] = entry
    for key in list(members):
        for n in range(1, len(key)):
            parent = members.setdefault(key[:n], (S_IFDIR | 0o755, b""))
            if not parent[0] & S_IFDIR:
                usage("%s is a file and a directory" % "/".join(key[:n]))
    return out, members


def pad4(n):
    return b"\0" * (-n & 3)


def member(ino, mode, name, data):
    """One newc member: header, name, padding, data, padding."""
    name_bytes = name.encode() + b"\0"
    fields = (ino, mode, 0, 0, 2 if mode & S_IFDIR else 1, 0, len(data),
              0, 0, 0, 0, len(name_bytes), 0)
    head = b"070701" + b"".join(b"%08X" % v for v in fields) + name_bytes
    return head + pad4(len(head)) + data + pad4(len(data))


def archive(members):
    """The whole archive, padded to a multiple of BLOCK bytes."""
    out = bytearray()
    for ino, key in enumerate(sorted(members), start=1):
        mode, data = members[key]
        out += member(ino, mode, "/".join(key), data)
    out += member(0, 0, "TRAILER!!!", b"")
    out += b"\0" * (-len(out) % BLOCK)
    return bytes(out)


def main(argv):
    out, members = parse_args(argv)
    data = archive(members)
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
