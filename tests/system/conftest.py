"""pytest configuration for Keel's system tests (QEMU).

Fixtures:
    hypervisor_elf  path of build/hypervisor.elf; fails the test clearly if missing
    keel            run_keel() bound to that image: keel("selftest=ready noreboot", smp=2)
    module_file     factory for small boot-module files in a per-test tmp dir

On a failed test, the status and log directory of every QEMU run the test made
are attached to the report (assertion messages carry the console tail).
"""

import os

import pytest

import keel_qemu


def pytest_configure(config):
    config.addinivalue_line("markers", "boot: boots Keel to the ready line")
    config.addinivalue_line("markers", "traps: fatal-trap reports")
    config.addinivalue_line("markers", "selftest: Keel's built-in self-tests")
    config.addinivalue_line("markers", "smp: needs more than one CPU")
    config.addinivalue_line("markers", "efi: boots under OVMF")


def pytest_report_header(config):
    try:
        accel = keel_qemu.accel_description()
    except Exception as e:  # noqa: BLE001 - show why, do not hide it
        accel = "unknown (%s)" % e
    return [
        "keel: accelerator %s" % accel,
        "keel: hypervisor %s%s" % (keel_qemu.HYPERVISOR_ELF,
                                   "" if os.path.exists(keel_qemu.HYPERVISOR_ELF)
                                   else " (MISSING)"),
        "keel: default timeout %.0f s per boot; logs in %s" % (
            keel_qemu.default_timeout(), keel_qemu.log_root()),
    ]


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(
        "keel: ran under %s; per-run logs in %s" % (
            keel_qemu.accel_description(), keel_qemu.log_root()))


@pytest.fixture(scope="session")
def hypervisor_elf():
    path = keel_qemu.HYPERVISOR_ELF
    if not os.path.exists(path):
        pytest.fail("%s is missing: run `make system-test` (which builds it) or "
                    "`make hypervisor` first" % path, pytrace=False)
    return path


@pytest.fixture
def keel(hypervisor_elf):
    """run_keel with the kernel fixed to the built hypervisor."""
    def run(cmdline, **kw):
        kw.setdefault("kernel", hypervisor_elf)
        return keel_qemu.run_keel(cmdline, **kw)
    return run


@pytest.fixture
def module_file(tmp_path):
    """module_file(name, size) -> path of a file of `size` bytes."""
    def make(name, size=4096):
        path = tmp_path / name
        path.write_bytes(bytes((i * 7 + 3) & 0xFF for i in range(size)))
        return str(path)
    return make


@pytest.fixture(autouse=True)
def _collect_runs():
    keel_qemu.RUNS.clear()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and keel_qemu.RUNS:
        summary = []
        for run in keel_qemu.RUNS:
            status = "TIMED OUT" if run.timed_out else "exit %s (%s)" % (
                run.exit_code, keel_qemu.exit_name(run.exit_code))
            summary.append("%s, %.1f s: %s\n    logs %s" % (
                status, run.duration, run.cmdline, run.log_dir))
        report.sections.append(("keel runs in this test", "\n".join(summary)))
