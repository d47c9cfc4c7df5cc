"""A guest the hypervisor cannot keep going crashes alone, with a report.

The crash_*.elf PV kernels (tests/pv/kernels/) each print an
"EXPECT-CRASH:" line and then do something Xen 4.17 answers with a domain
crash (an exception with no handler, an exception on an unmapped kernel
stack, HYPERVISOR_iret from an unreadable frame).  On Keel the domain must
be crashed with its registers printed, nothing in Keel may fault, and,
since the crashed domain is the initial one and `noreboot` is given, Keel
powers off reporting failure (exit status 35).

Also here: a module 1 that is not a PV kernel stops the boot with a clear
message naming the problem (Xen panics the same way).
"""

import glob
import os

import pytest

from keel_qemu import EXIT_FAILURE, EXIT_PANIC, REPO_ROOT

PV_DIR = os.path.join(REPO_ROOT, "build", "pv")
CRASH_KERNELS = sorted(glob.glob(os.path.join(PV_DIR, "crash_*.elf")))
CMDLINE = "console=com1 loglvl=all dom0_mem=64M noreboot"


def test_crash_kernels_were_built():
    assert CRASH_KERNELS, "no crash_*.elf in %s: run `make pv-kernels`" % PV_DIR


@pytest.mark.parametrize("kernel", CRASH_KERNELS,
                         ids=[os.path.basename(k)[:-4] for k in CRASH_KERNELS])
def test_crash_is_contained(keel, kernel):
    r = keel(CMDLINE, smp=2, mem=512, modules=[kernel],
             label="pv-" + os.path.basename(kernel)[:-4])
    r.expect_line(r"^\(d0\) EXPECT-CRASH: ")
    # The report: why, and the guest's registers.
    r.expect_line(r"^\(KEEL\) d0 v0: .* in guest (kernel|user) mode$")
    r.expect_line(r"^\(KEEL\)   RIP e033:[0-9a-f]{16} RFLAGS [0-9a-f]{16} RSP e02b:[0-9a-f]{16}$")
    r.expect_line(r"^\(KEEL\)   RAX [0-9a-f]{16} RBX")
    r.expect_line(r"^\(KEEL\) domain 0 crashed$")
    r.expect_line(r"^\(KEEL\) initial domain crashed: noreboot given, powering off$")
    assert not r.grep(r"^\(d0\) Test result"), "the kernel went on after the crash\n" + r.describe()
    r.expect_no("FATAL TRAP", "PANIC")
    r.expect_exit(EXIT_FAILURE)


@pytest.mark.parametrize("content,why", [
    (b"\x7fELF" + b"\x02\x01\x01" + b"\0" * 57, "kernel \\(module 1\\) refused: "),
    (b"this is not an ELF file at all" * 10, "kernel \\(module 1\\) refused: "),
], ids=["truncated-elf", "not-elf"])
def test_bad_dom0_kernel_is_refused_clearly(keel, module_file, content, why):
    path = module_file("bad-kernel.bin", len(content))
    with open(path, "wb") as f:
        f.write(content)
    r = keel(CMDLINE, smp=1, mem=256, modules=[path], label="bad-dom0-kernel")
    r.expect_line(r"^\(KEEL\) d0: " + why)
    r.expect_line(r"could not set up the initial domain from module 1")
    r.expect_exit(EXIT_PANIC)
