"""The PV conformance kernels (tests/pv/) run as Keel's initial domain.

Each build/pv/NAME.elf is one ABI area's suite of our own; `make test-xen`
runs the very same images on Xen 4.17, which is the reference.  On Keel each
must print "Test result: SUCCESS" through console_io (lines prefixed
"(d0) "), shut down with SHUTDOWN_poweroff, and Keel must then power the
machine off (exit status 33).  Kernels named crash_*.elf end with a domain
crash on purpose and are checked by test_pv_crash.py.

A kernel declares what it needs beyond the defaults in its source
(tests/pv/kernels/NAME.c), as scripts/run-on-xen.sh reads it for Xen:
"PV-TEST-SMP: N" (CPUs) and "PV-TEST-CMDLINE: OPTS" (added to the
hypervisor's command line; Keel's options are named as Xen's).
"""

import glob
import os
import re

import pytest

from keel_qemu import EXIT_SUCCESS, REPO_ROOT

PV_DIR = os.path.join(REPO_ROOT, "build", "pv")
KERNELS = sorted(k for k in glob.glob(os.path.join(PV_DIR, "*.elf"))
                 if not os.path.basename(k).startswith("crash_"))
CMDLINE = "console=com1 loglvl=all dom0_mem=64M noreboot"
DEFAULT_SMP = 2


def kernel_needs(kernel):
    """(smp, extra command line) a kernel's source declares (see above)."""
    src = os.path.join(REPO_ROOT, "tests", "pv", "kernels",
                       os.path.basename(kernel)[:-4] + ".c")
    smp, extra = DEFAULT_SMP, ""
    if os.path.exists(src):
        with open(src) as f:
            text = f.read()
        m = re.search(r"PV-TEST-SMP: *(\d+)", text)
        if m:
            smp = int(m.group(1))
        m = re.search(r"PV-TEST-CMDLINE: *(.*\S)", text)
        if m:
            extra = m.group(1)
    return smp, extra


def test_pv_kernels_were_built():
    assert KERNELS, "no PV test kernels in %s: run `make pv-kernels`" % PV_DIR


@pytest.mark.parametrize("kernel", KERNELS, ids=[os.path.basename(k)[:-4] for k in KERNELS])
def test_pv_kernel_passes_on_keel(keel, kernel):
    smp, extra = kernel_needs(kernel)
    r = keel((CMDLINE + " " + extra).strip(), smp=smp, mem=512, modules=[kernel],
             label="pv-" + os.path.basename(kernel)[:-4])
    failed = r.grep(r"^\(d0\) \[ FAIL \]")
    assert not failed, "tests failed on Keel:\n%s\n%s" % (
        "\n".join(failed), r.describe(60))
    r.expect_line(r"^\(d0\) Test result: SUCCESS$")
    r.expect_line(r"^\(KEEL\) domain 0 shut down: poweroff")
    r.expect_exit(EXIT_SUCCESS)
    r.expect_no("FATAL TRAP", "PANIC")


@pytest.mark.parametrize("option,smp,vcpus", [
    ("", 2, 1),                      # Keel's default (Xen's: one per CPU)
    ("dom0_max_vcpus=3", 2, 3),      # more vCPUs than CPUs is fine
    ("dom0_max_vcpus=1-4", 2, 2),    # as many as CPUs, within the bounds
    ("dom0_max_vcpus=0", 2, 1),      # refused with a warning: the default stays
], ids=["default", "n", "min-max", "bad"])
def test_dom0_max_vcpus(keel, option, smp, vcpus):
    hello = os.path.join(PV_DIR, "hello.elf")
    r = keel((CMDLINE + " " + option).strip(), smp=smp, mem=512, modules=[hello],
             label="dom0-vcpus-" + (option or "default"))
    r.expect_line(r"^\(KEEL\) d0: %d vCPUs$" % vcpus)
    r.expect_line(r"^\(d0\) Test result: SUCCESS$")
    if option.endswith("=0"):
        r.expect_line(r"bad value '0' for option 'dom0_max_vcpus'")
