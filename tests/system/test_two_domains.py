"""Several domains on Keel: dom0 builds, runs and destroys domUs (tests/pv/twodom/).

The dom0 kernel (toolstack.elf) creates a domU from its second boot module
(peer.elf) through domctl, plays an event-channel ping-pong and a grant
exchange with it, waits for its shutdown and destroys it; then it starts two
more domUs from the same image that ping-pong and copy by grant between
themselves.  After each destroy the free-page count and Keel's own counters
(domains, pages, event channels, grant mappings, timers) must be back where
they were.  `make test-xen` runs the very same kernels on Xen 4.17, the
reference.
"""

import os

from keel_qemu import EXIT_SUCCESS, REPO_ROOT

TWODOM = os.path.join(REPO_ROOT, "build", "pv", "twodom")
CMDLINE = "console=com1 loglvl=all dom0_mem=64M noreboot"


def run_pair(keel, smp):
    return keel(CMDLINE, smp=smp, mem=512,
                modules=[os.path.join(TWODOM, "toolstack.elf"), os.path.join(TWODOM, "peer.elf")],
                label="twodom-smp%d" % smp)


def check(r):
    failed = r.grep(r"^\(d[0-9]+\) .*FAIL")
    assert not failed, "checks failed on Keel:\n%s\n%s" % ("\n".join(failed), r.describe(80))
    r.expect_line(r"^\(d0\) Test result: SUCCESS$")
    # Each domU ran its own checks and passed them (they print on Keel's console).
    for domid in (1, 2, 3):
        r.expect_line(r"^\(d%d\) Test result: SUCCESS$" % domid)
    r.expect_line(r"^\(d0\) \[   OK \] toolstack.destroy_releases_everything$")
    r.expect_line(r"^\(d0\) \[   OK \] pair.destroy_both$")
    r.expect_line(r"^\(KEEL\) domain 0 shut down: poweroff")
    r.expect_exit(EXIT_SUCCESS)
    r.expect_no("FATAL TRAP", "PANIC")


def test_two_domains_one_cpu(keel):
    """Both domains share one CPU: every handover goes through the scheduler."""
    check(run_pair(keel, 1))


def test_two_domains_two_cpus(keel):
    """dom0 and the domU may run at once: event sends kick the other CPU."""
    check(run_pair(keel, 2))
