"""The platform paths the boot tests do not reach on their own.

- Power-off through ACPI (\\_S5 in the DSDT, PM1 control) when there is no
  isa-debug-exit device: QEMU then exits with status 0, as a real machine
  switches off.
- Reboot on panic without `noreboot` (QEMU's -no-reboot turns the reset into
  an exit with status 0).
- TSC calibration against the ACPI PM timer when the machine has no HPET.
- Keel's own mappings stay inside PML4 slots 256-271 once it is up.
"""

import re

import pytest

from keel_qemu import EXIT_SUCCESS


@pytest.mark.parametrize("machine", ["pc", "q35"])
def test_acpi_power_off(keel, machine):
    r = keel("noreboot selftest=ready", machine=machine, debug_exit=False)
    r.expect_line(r"^\(KEEL\) selftest ready: PASS$")
    assert r.exit_code == 0 and not r.timed_out, \
        "QEMU did not power off through ACPI\n" + r.describe()
    r.expect_no("Power off failed")


def test_panic_reboots_without_noreboot(keel):
    r = keel("selftest=fault-ud")
    r.expect_line(r"^\(KEEL\) PANIC on CPU 0: fatal trap 6 \(#UD\)$")
    r.expect_line(r"^\(KEEL\) Rebooting\.$")
    assert r.exit_code == 0 and not r.timed_out, \
        "a panic without noreboot should reset the machine\n" + r.describe()


def test_pm_timer_calibration_without_hpet(keel):
    r = keel("noreboot loglvl=info selftest=timers", smp=2, machine="pc,hpet=off")
    r.expect_exit(EXIT_SUCCESS)
    r.expect_line(r"calibrated against the ACPI PM timer")
    r.expect_line(r"^\(KEEL\) selftest timers: PASS$")


@pytest.mark.parametrize("machine", ["pc", "q35"])
def test_mappings_stay_in_keels_range(keel, machine):
    r = keel("noreboot loglvl=info selftest=ready", machine=machine, smp=2, mem=512)
    r.expect_exit(EXIT_SUCCESS)
    lines = r.grep(r"address space: PML4 slots (\d+)-(\d+) in use")
    assert len(lines) == 1, "no address-space line\n" + r.describe()
    first, last = map(int, re.search(r"slots (\d+)-(\d+)", lines[0]).groups())
    assert 256 <= first <= last <= 271, \
        "Keel maps PML4 slots %d-%d, outside 256-271\n%s" % (first, last, r.describe())


def test_cpu_that_fails_to_start_is_skipped(keel):
    # debug_fail_cpu=2 withholds the startup IPIs from APIC id 2.
    r = keel("noreboot debug_fail_cpu=2 selftest=ipi", smp=4)
    r.expect_exit(EXIT_SUCCESS)
    r.expect_line(r"^\(KEEL\) SMP: CPU \d+ \(APIC id 2\) failed to start: skipped$")
    assert r.ready.cpus == 3, "3 of 4 CPUs should be up\n" + r.describe()
    r.expect_line(r"^\(KEEL\) selftest ipi: 2 other CPUs each answered 100 IPIs$")
