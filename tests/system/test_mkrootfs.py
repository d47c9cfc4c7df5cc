"""scripts/mkrootfs.py: the newc archive it writes for dom0's root
filesystem, parsed here with an independent reader (and by GNU cpio when
/usr/bin/cpio exists); its determinism and its refusals.  Needs no QEMU."""

import os
import shutil
import stat
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MKROOTFS = os.path.join(ROOT, "scripts", "mkrootfs.py")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

FIELDS = ("ino", "mode", "uid", "gid", "nlink", "mtime", "filesize",
          "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check")


def run(args, check=True):
    return subprocess.run([PYTHON, MKROOTFS] + [str(a) for a in args],
                          capture_output=True, text=True, check=check)


def parse_newc(data):
    """[(name, header dict, bytes)] up to the trailer; asserts the layout."""
    members, pos = [], 0
    while True:
        assert data[pos:pos + 6] == b"070701", "bad magic at %d" % pos
        hdr = {f: int(data[pos + 6 + 8 * i:pos + 14 + 8 * i], 16)
               for i, f in enumerate(FIELDS)}
        name_end = pos + 110 + hdr["namesize"]
        assert data[name_end - 1] == 0
        name = data[pos + 110:name_end - 1].decode()
        start = (name_end + 3) & ~3
        assert data[name_end:start] == b"\0" * (start - name_end)
        body = data[start:start + hdr["filesize"]]
        assert len(body) == hdr["filesize"]
        pos = (start + hdr["filesize"] + 3) & ~3
        if name == "TRAILER!!!":
            assert data[pos:] == b"\0" * (len(data) - pos)
            return members
        members.append((name, hdr, body))


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "web.cfg").write_text('name = "web"\n')
    init = tmp_path / "init"
    init.write_bytes(b"\x7fELF" + bytes(range(256)) * 3)
    init.chmod(0o755)
    (tmp_path / "empty").write_bytes(b"")
    return tmp_path


def build(tree, out_name="root.cpio"):
    out = tree / out_name
    run([out, "%s:/etc/guests/web.cfg" % (tree / "web.cfg"),
         "%s:init" % (tree / "init"), "%s:/etc//x/./empty" % (tree / "empty"),
         "--dir", "/var/log"])
    return out


def test_contents(tree):
    data = build(tree).read_bytes()
    assert len(data) % 512 == 0
    members = parse_newc(data)
    names = [m[0] for m in members]
    assert names == ["etc", "etc/guests", "etc/guests/web.cfg", "etc/x", "etc/x/empty",
                     "init", "var", "var/log"]
    by_name = {m[0]: m for m in members}
    for name, hdr, body in members:
        assert hdr["uid"] == hdr["gid"] == hdr["mtime"] == 0
        if stat.S_ISDIR(hdr["mode"]):
            assert hdr["mode"] == 0o040755 and body == b""
    assert by_name["init"][1]["mode"] == 0o100755
    assert by_name["init"][2] == (tree / "init").read_bytes()
    assert by_name["etc/guests/web.cfg"][1]["mode"] == 0o100644
    assert by_name["etc/guests/web.cfg"][2] == b'name = "web"\n'
    assert by_name["etc/x/empty"][1]["filesize"] == 0
    assert sorted(m[1]["ino"] for m in members) == list(range(1, len(members) + 1))


def test_deterministic(tree):
    first = build(tree, "a.cpio").read_bytes()
    os.utime(tree / "web.cfg", (0, 12345))
    assert build(tree, "b.cpio").read_bytes() == first


@pytest.mark.skipif(not shutil.which("cpio"), reason="GNU cpio is not installed")
def test_gnu_cpio_reads_it(tree):
    out = build(tree)
    listing = subprocess.run(["cpio", "-it", "--quiet"], stdin=out.open("rb"),
                             capture_output=True, text=True, check=True).stdout.split()
    assert listing == [m[0] for m in parse_newc(out.read_bytes())]


@pytest.mark.parametrize("args, why", [
    ([], "no output file"),
    (["OUT", "nocolon"], "expected SRC:DEST"),
    (["OUT", "--dir"], "--dir needs a destination"),
    (["OUT", "--dir", "/a/../b"], "bad destination"),
    (["OUT", "--dir", "/"], "bad destination"),
    (["OUT", "{web}:/a", "{web}:a"], "a given twice"),
    (["OUT", "{web}:/a", "{web}:/a/b"], "a is a file and a directory"),
])
def test_refusals(tree, args, why):
    args = [a.replace("OUT", str(tree / "o.cpio")).replace("{web}", str(tree / "web.cfg"))
            for a in args]
    result = run(args, check=False)
    assert result.returncode != 0
    assert why in result.stderr
    assert not (tree / "o.cpio").exists()
