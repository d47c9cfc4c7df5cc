"""Keel boots to its ready line on both QEMU machine types.

Every CPU count (1, 2, 4, 8) is booted on both `pc` and `q35`, and every memory
size (128 to 4096 MiB) at least once on each machine: ten boots, not the full
cross product, so the file stays quick under TCG.
"""

import pytest

from keel_qemu import EXIT_SUCCESS

# (machine, CPUs, MiB): each machine gets every CPU count and every size.
CONFIGS = [
    ("pc", 1, 128), ("pc", 2, 512), ("pc", 4, 1024), ("pc", 8, 2048), ("pc", 2, 4096),
    ("q35", 8, 128), ("q35", 4, 512), ("q35", 2, 1024), ("q35", 1, 2048), ("q35", 4, 4096),
]


def mib_band(given):
    """RAM the firmware reports (SeaBIOS): a little less than -m."""
    return given - max(4, given * 2 // 100), given


@pytest.mark.boot
@pytest.mark.parametrize("machine,smp,mem", CONFIGS,
                         ids=["%s-%dcpu-%dM" % c for c in CONFIGS])
def test_ready_line(keel, machine, smp, mem):
    r = keel("noreboot selftest=ready", smp=smp, mem=mem, machine=machine)
    r.expect_exit(EXIT_SUCCESS)
    assert len(r.ready_lines) == 1, "expected exactly one ready line, got %r\n%s" % (
        r.ready_lines, r.describe())
    assert r.ready is not None, "malformed ready line %r\n%s" % (r.ready_lines[0], r.describe())
    assert r.ready.cpus == smp, "Keel brought up %d CPUs, QEMU has %d\n%s" % (
        r.ready.cpus, smp, r.describe())
    lo, hi = mib_band(mem)
    assert lo <= r.ready.mib <= hi, "Keel reports %d MiB for -m %d (expected %d..%d)\n%s" % (
        r.ready.mib, mem, lo, hi, r.describe())
    r.expect_no("PANIC", "FATAL")
