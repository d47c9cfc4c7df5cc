"""Debian's Linux boots as the initial domain on Keel as on Xen 4.17.

`make linux-dom0` fetches Debian's generic kernel (built with XEN_DOM0) and
builds an initramfs whose /init (tests/linux/init.c) prints and powers off.
scripts/run-linux-dom0.sh boots it as dom0 on Keel and on Xen 4.17 in the
same QEMU machine.  On Keel it must reach user space, power off cleanly and
never oops; and every kernel message that differs from Xen's run must be
one listed, with its reason, in linux_dom0_differences.txt.
"""

import collections
import os
import re
import subprocess

from keel_qemu import REPO_ROOT

LINUX_DIR = os.path.join(REPO_ROOT, "build", "linux-dom0")
VMLINUX = os.path.join(LINUX_DIR, "vmlinux")
INITRAMFS = os.path.join(LINUX_DIR, "initramfs.cpio")
DIFFERENCES = os.path.join(os.path.dirname(__file__), "linux_dom0_differences.txt")
RUN = os.path.join(REPO_ROOT, "scripts", "run-linux-dom0.sh")

TROUBLE = ("Oops", "BUG:", "WARNING:", "Call Trace", "Kernel panic", "general protection")


def boot(hypervisor, log):
    assert os.path.exists(VMLINUX) and os.path.exists(INITRAMFS), "make linux-dom0 first"
    r = subprocess.run([RUN, hypervisor, VMLINUX, INITRAMFS, str(log), "300"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=330)
    with open(log, errors="replace") as f:
        return r.returncode, f.read()


def kernel_messages(console):
    """Linux's printk lines ("[  1.234] text", "(d0) " stripped), normalised, counted.

    The comparison uses the set of messages: how often one repeats (e.g. once
    per IRQ) is not compared."""
    out = collections.Counter()
    for line in console.splitlines():
        if line.startswith("(d0) "):
            line = line[5:]
        m = re.match(r"\[ *[0-9.]+\] (.*)", line)
        if not m:
            continue
        msg = re.sub(r"[0-9a-f]{5,}", "H", m.group(1))
        out[re.sub(r"\d+", "N", msg)] += 1
    return out


def known_differences():
    known = {"xen": set(), "keel": set()}
    with open(DIFFERENCES) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            assert len(fields) == 3 and fields[0] in known and fields[2], \
                "%s:%d: want 'xen|keel<TAB>message<TAB>why'" % (DIFFERENCES, n)
            known[fields[0]].add(fields[1])
    return known


def test_linux_dom0_boots_and_behaves_as_on_xen(tmp_path):
    rc, keel = boot("keel", tmp_path / "keel.log")
    assert rc == 33, "Keel did not power off through isa-debug-exit (status %d); log in %s" % (rc, tmp_path)
    assert "(d0) init: hello from user space" in keel, "Linux did not reach user space on Keel"
    assert "(d0) init: Linux 6." in keel
    assert "(KEEL) domain 0 shut down: poweroff (code 0)" in keel
    trouble = [l for l in keel.splitlines() if l.startswith("(d0)") and any(t in l for t in TROUBLE)]
    assert not trouble, "Linux complained on Keel:\n" + "\n".join(trouble[:20])

    rc, xen = boot("xen", tmp_path / "xen.log")
    assert rc == 0 and "init: hello from user space" in xen, \
        "the reference run on Xen 4.17 failed (status %d); log in %s" % (rc, tmp_path)

    k, x = kernel_messages(keel), kernel_messages(xen)
    assert len(k) > 200 and len(x) > 200
    known = known_differences()
    unexpected = ["xen only:  " + m for m in sorted(set(x) - set(k)) if m not in known["xen"]]
    unexpected += ["keel only: " + m for m in sorted(set(k) - set(x)) if m not in known["keel"]]
    assert not unexpected, ("kernel messages that differ from Xen's and are not in %s "
                            "(logs in %s):\n%s" % (DIFFERENCES, tmp_path, "\n".join(unexpected)))
