"""Keel's built-in self-tests, command-line warnings and boot modules."""

import re

import pytest

from keel_qemu import EXIT_SUCCESS


def expect_pass(r, name):
    """A self-test that passed: its PASS line, status 33, no panic."""
    __tracebackhide__ = True
    fails = r.grep(r"^\(KEEL\) selftest %s: FAIL" % re.escape(name))
    assert not fails, "self-test %s failed: %s\n%s" % (name, fails[0], r.describe())
    r.expect_exit(EXIT_SUCCESS)
    assert r.ready is not None, "no ready line\n" + r.describe()
    r.expect_line(r"^\(KEEL\) selftest %s: PASS$" % re.escape(name))
    r.expect_no("PANIC", "FATAL")


def free_counts(line):
    """(before, after) free-frame counts from the alloc-all report line.

    Accepts `... before N ... after M ...` (any words between); otherwise the
    first and last integers of the line.
    """
    b = re.search(r"before\D*?(\d+)", line)
    a = re.search(r"after\D*?(\d+)", line)
    if b and a:
        return int(b.group(1)), int(a.group(1))
    nums = [int(n) for n in re.findall(r"\b\d+\b", line.split(":", 1)[1])]
    assert len(nums) >= 2, "cannot find two free counts in %r" % line
    return nums[0], nums[-1]


@pytest.mark.selftest
def test_alloc_all(keel):
    mem = 256
    r = keel("noreboot selftest=alloc-all", mem=mem)
    expect_pass(r, "alloc-all")
    report = [l for l in r.grep(r"^\(KEEL\) selftest alloc-all: ")
              if not re.search(r": (PASS|FAIL)\b", l)]
    assert report, "no `selftest alloc-all:` line with the free counts\n" + r.describe()
    before, after = free_counts(report[0])
    assert before == after, "free frames before %d != after %d: %r\n%s" % (
        before, after, report[0], r.describe())
    # Most of RAM is free after boot, and no more than all of it.
    frames = mem * 256
    assert frames // 2 <= before <= frames, (
        "%d free frames is implausible for %d MiB (%d frames)\n%s" % (
            before, mem, frames, r.describe()))


@pytest.mark.selftest
@pytest.mark.smp
def test_timers(keel):
    r = keel("noreboot selftest=timers", smp=4)
    expect_pass(r, "timers")
    assert r.ready.cpus == 4, "only %d CPUs came up\n%s" % (r.ready.cpus, r.describe())


@pytest.mark.selftest
@pytest.mark.smp
def test_ipi(keel):
    r = keel("noreboot selftest=ipi", smp=4)
    expect_pass(r, "ipi")
    assert r.ready.cpus == 4, "only %d CPUs came up\n%s" % (r.ready.cpus, r.describe())


def test_unknown_option_warns(keel):
    r = keel("noreboot frobnicate=1 selftest=ready")
    r.expect_exit(EXIT_SUCCESS)
    warn = [l for l in r.lines if "unknown option" in l and "frobnicate" in l]
    assert warn, "no `unknown option` warning naming frobnicate\n" + r.describe()
    assert warn[0].startswith("(KEEL) "), "warning lacks the (KEEL) prefix\n" + r.describe()
    assert len(r.ready_lines) == 1, "boot did not carry on to one ready line\n" + r.describe()
    # Known options are not warned about.
    for known in ("noreboot", "selftest"):
        bad = [l for l in r.lines
               if "unknown option" in l and known in l and "frobnicate" not in l]
        assert not bad, "known option %s reported unknown: %r\n%s" % (known, bad[0], r.describe())


def test_module_command_lines(keel, module_file):
    kernel = module_file("kernel.bin", 12345)
    initrd = module_file("initrd.img", 8192)
    r = keel("noreboot loglvl=all selftest=ready",
             modules=["%s arg1 arg2" % kernel, initrd])
    r.expect_exit(EXIT_SUCCESS)
    assert r.ready is not None, "no ready line\n" + r.describe()
    mod1 = [l for l in r.lines if "module 1:" in l and "arg1 arg2" in l]
    assert mod1, "no `module 1:` line with its command line `arg1 arg2`\n" + r.describe()
    mod2 = [l for l in r.lines if "module 2:" in l]
    assert mod2, "no `module 2:` line\n" + r.describe()
    assert "arg1" not in mod2[0], "module 2 shows module 1's arguments: %r\n%s" % (
        mod2[0], r.describe())


def test_guest_copy(keel):
    """Security invariant 4: guest pointers only through the copy helpers.

    Good copies to and from a stand-in guest's user pages work; an unmapped
    page, a read-only page, Keel's own range, non-canonical and wrapping
    ranges each give -EFAULT and the hypervisor carries on.
    """
    r = keel("noreboot selftest=guest-copy")
    r.expect_exit(EXIT_SUCCESS)
    r.expect_line(r"^\(KEEL\) selftest guest-copy: good copies work; 8 bad guest pointers gave -EFAULT$")
    r.expect_line(r"^\(KEEL\) selftest guest-copy: PASS$")
    r.expect_no("FATAL", "PANIC")


def test_string_functions(keel):
    """lib/string.c's memcpy and memset (quadwords when aligned, else bytes):
    every alignment, lengths around 8 and a page, guard bytes untouched."""
    r = keel("noreboot selftest=string")
    r.expect_exit(EXIT_SUCCESS)
    r.expect_line(r"^\(KEEL\) selftest string: memcpy and memset right in 2816 cases$")
    r.expect_line(r"^\(KEEL\) selftest string: PASS$")
