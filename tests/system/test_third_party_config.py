"""A guest config written by someone else: Xen's own example, unchanged.

Xen ships /etc/xen/xlexample.pvlinux (Debian package xen-utils-common,
which scripts/setup.sh downloads and unpacks into build/third-party/
without installing it) as the starting point for a PV Linux guest.  A
new user copies it, puts a PV kernel at its `kernel = "/boot/vmlinuz"`
and runs `xl create`.  Here the kernel is GRUB 2.06's PV image (package
grub-xen-host), a third-party PV kernel, and the command is
`vmctl create` at our dom0's prompt.  The file is loaded as it is: its
vif and disk lines are accepted (vmctl keeps them; no backend serves them
yet), GRUB finds no disk and stops at its own prompt.
"""

import os
import subprocess

from keel_qemu import EXIT_SUCCESS, REPO_ROOT

BUILD = os.path.join(REPO_ROOT, "build")
DOM0 = os.path.join(BUILD, "guests", "dom0.elf")
ROOTFS = os.path.join(BUILD, "guests", "rootfs.cpio")
XL_EXAMPLE = os.path.join(BUILD, "third-party", "xlexample.pvlinux")
GRUB = "/usr/lib/grub-xen/grub-x86_64-xen.bin"
PROMPT = r"^\(d0\) dom0# "
CMDLINE = "console=com1 com1=115200 loglvl=all dom0_mem=128M noreboot"


def root_with(tmp_path, files):
    """dom0's root filesystem plus an archive of `files` (src -> dest), concatenated."""
    extra = tmp_path / "extra.cpio"
    subprocess.run(["/usr/bin/python3", os.path.join(REPO_ROOT, "scripts", "mkrootfs.py"),
                    str(extra)] + ["%s:%s" % (src, dest) for src, dest in files.items()],
                   check=True)
    combined = tmp_path / "root.cpio"
    combined.write_bytes(open(ROOTFS, "rb").read() + extra.read_bytes())
    return str(combined)


def test_xen_example_config_runs_grub(keel, tmp_path):
    assert os.path.exists(XL_EXAMPLE), "run scripts/setup.sh: it fetches " + XL_EXAMPLE
    with open(XL_EXAMPLE) as f:
        text = f.read()
    assert 'kernel = "/boot/vmlinuz"' in text and 'name = "example.pvlinux"' in text
    root = root_with(tmp_path, {XL_EXAMPLE: "/etc/xen/xlexample.pvlinux", GRUB: "/boot/vmlinuz"})
    steps = [
        (PROMPT, b"vmctl create /etc/xen/xlexample.pvlinux\n"),
        (r"\[example\.pvlinux\] +device or file completions", b"vmctl list\n"),
        (r"example\.pvlinux +\d+ +128 ", b"vmctl destroy example.pvlinux\n"),
        (PROMPT, b"vmctl list\n"),
        (PROMPT, b"poweroff\n"),
    ]
    r = keel(CMDLINE, smp=2, mem=1024, modules=[DOM0, root], serial_input=steps,
             label="xl-example-pvlinux", timeout=240)
    r.expect_line(r"^\(d0\) Parsing config from /etc/xen/xlexample\.pvlinux$")
    r.expect_line(r"^\(d0\) \[example\.pvlinux\] .*GNU GRUB +version 2\.06")
    r.expect_line(r"^\(KEEL\) domain 1 destroyed: every frame returned$")
    # The second list has no guest left.
    lists = r.console.split("vmctl list")
    assert len(lists) == 3 and "example.pvlinux" not in lists[2].split("dom0#")[0], r.describe()
    r.expect_no("PANIC", "FATAL")
    r.expect_exit(EXIT_SUCCESS)
