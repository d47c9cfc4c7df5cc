"""A fault inside the hypervisor gives a full report, then a panic.

`selftest=fault-XX` makes Keel take that exception in a self-test function; the
trap handler must print

    (KEEL) *** FATAL TRAP 14 (#PF) on CPU 0, error code 0x0000
    (KEEL) RAX: ... RBX: ...            (every general register, RIP, RFLAGS,
    ...                                  CS, SS, CR0, CR2, CR3, CR4)
    (KEEL) Backtrace:
    (KEEL)   [<ffff82d080123456>] selftest_fault_pf+0x1c/0x40
    (KEEL)   [<ffff82d080100abc>] start_keel+0x3ff/0x500
    (KEEL) PANIC ...

and power off with status 37.
"""

import re
import subprocess

import pytest

from keel_qemu import EXIT_PANIC

REGISTERS = ["RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP",
             "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
             "RIP", "RFLAGS", "CS", "SS", "CR0", "CR2", "CR3", "CR4"]

FAULTS = [
    # self-test, vector, mnemonic
    ("fault-de", 0, "DE"),
    ("fault-ud", 6, "UD"),
    ("fault-gp", 13, "GP"),
    ("fault-pf", 14, "PF"),
    ("fault-ro", 14, "PF"),   # a write to the image's read-only data
    ("fault-nx", 14, "PF"),   # a jump into the image's (non-executable) data
    ("fault-smap", 14, "PF"), # a plain read of a user page: SMAP must stop it
]

# A frame whose address is in no function (fault-nx: the faulting RIP is data).
UNKNOWN_FRAME_RE = re.compile(r"^\(KEEL\)\s+\[<(?P<addr>[0-9a-f]{16})>\] \?$")
FRAME_RE = re.compile(
    r"^\(KEEL\)\s+\[<(?P<addr>[0-9a-f]{16})>\] (?P<sym>[A-Za-z0-9_.$]+)"
    r"\+0x(?P<off>[0-9a-f]+)/0x(?P<size>[0-9a-f]+)$")


def register_value(text, name):
    """The value printed as `NAME: <hex>` in `text`, or None."""
    m = re.search(r"(?<![A-Za-z0-9_])%s:\s*(?:0x)?([0-9a-fA-F]+)\b" % name, text)
    return int(m.group(1), 16) if m else None


def elf_symbols(path):
    """{address: set(names)} for the text symbols of the hypervisor image."""
    out = subprocess.run(["nm", "-n", path], check=True, stdout=subprocess.PIPE,
                         text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.setdefault(int(parts[0], 16), set()).add(parts[2])
    return syms


@pytest.fixture(scope="module")
def symbols(hypervisor_elf):
    return elf_symbols(hypervisor_elf)


@pytest.mark.traps
@pytest.mark.parametrize("test,vector,mnemonic", FAULTS, ids=[f[0] for f in FAULTS])
def test_fatal_trap_report(keel, symbols, test, vector, mnemonic):
    r = keel("noreboot selftest=%s" % test)
    r.expect_exit(EXIT_PANIC)
    assert r.ready is not None, "no ready line before the self-test\n" + r.describe()

    # The trap line: vector and mnemonic, once (no nested fault).
    traps = r.grep(r"FATAL TRAP")
    assert len(traps) == 1, "expected one FATAL TRAP line, got %r\n%s" % (traps, r.describe())
    trap_re = (r"^\(KEEL\) .*FATAL TRAP %d \(#%s\) on CPU 0\b"
               r"(?:, error code (?:0x)?([0-9a-fA-F]+))?" % (vector, mnemonic))
    m = re.match(trap_re, traps[0])
    assert m, "trap line %r does not match %r\n%s" % (traps[0], trap_re, r.describe())
    error_code = int(m.group(1), 16) if m.group(1) else None

    lines = r.lines
    i_trap = lines.index(traps[0])
    bt = [i for i, l in enumerate(lines) if l == "(KEEL) Backtrace:"]
    assert bt and bt[0] > i_trap, "no `(KEEL) Backtrace:` line after the trap line\n" + r.describe()
    i_bt = bt[0]

    # Every register, between the trap line and the backtrace.
    regs_text = "\n".join(lines[i_trap + 1:i_bt])
    missing = [n for n in REGISTERS if register_value(regs_text, n) is None]
    assert not missing, "registers missing from the report: %s\n%s" % (missing, r.describe())
    assert all(l.startswith("(KEEL) ") for l in lines[i_trap + 1:i_bt]), \
        "register lines must carry the (KEEL) prefix\n" + r.describe()
    assert register_value(regs_text, "CR0") & 0x80000001 == 0x80000001, \
        "CR0 should have PG and PE set\n" + r.describe()
    rip = register_value(regs_text, "RIP")
    assert rip >> 32 == 0xffff82d0, "RIP %#x is not in the hypervisor's text\n%s" % (
        rip, r.describe())

    if test == "fault-ro":
        # Present and a write (bits 0 and 1), at an address in the image.
        cr2 = register_value(regs_text, "CR2")
        assert error_code is not None and error_code & 0x3 == 0x3, \
            "#PF error code %r is not a write to a present page\n%s" % (error_code, r.describe())
        assert cr2 >> 32 == 0xffff82d0, "CR2 %#x is not in the image\n%s" % (cr2, r.describe())
    if test == "fault-nx":
        # Present and an instruction fetch (bits 0 and 4), at the data it jumped to.
        cr2 = register_value(regs_text, "CR2")
        assert error_code is not None and error_code & 0x11 == 0x11, \
            "#PF error code %r is not a fetch from a present page\n%s" % (error_code, r.describe())
        assert cr2 == rip, "CR2 %#x is not the faulting RIP %#x\n%s" % (cr2, rip, r.describe())
    if test == "fault-smap":
        # A present page (bit 0), read (bit 1 clear), by the supervisor (bit 2 clear).
        cr2 = register_value(regs_text, "CR2")
        assert cr2 == 0x400000, "CR2 is %#x, the self-test read 0x400000\n%s" % (cr2, r.describe())
        assert error_code is not None and error_code & 0x7 == 0x1, \
            "#PF error code %r is not a supervisor read of a present page\n%s" % (
                error_code, r.describe())
    if test == "fault-pf":
        cr2 = register_value(regs_text, "CR2")
        assert cr2 == 0xbad, "CR2 is %#x, the self-test read 0xbad\n%s" % (cr2, r.describe())
        # A supervisor-mode read: the W (bit 1) and U (bit 2) bits are clear.
        assert error_code is not None and error_code & 0x6 == 0, "#PF error code %r is not a supervisor read\n%s" % (
            error_code, r.describe())

    # The backtrace: well-formed frames naming the self-test and start_keel.
    frames, n_unknown = [], 0
    for l in lines[i_bt + 1:]:
        fm = FRAME_RE.match(l)
        if not fm:
            if UNKNOWN_FRAME_RE.match(l) and test == "fault-nx" and not frames:
                n_unknown += 1
                continue
            break
        frames.append(fm)
    assert frames, "empty or malformed backtrace\n" + r.describe()
    names = [f.group("sym") for f in frames]
    st = [i for i, n in enumerate(names) if n.startswith("selftest_")]
    assert st, "no selftest_* function in the backtrace %s\n%s" % (names, r.describe())
    assert "start_keel" in names, "start_keel missing from the backtrace %s\n%s" % (
        names, r.describe())
    assert st[0] < names.index("start_keel"), \
        "backtrace not innermost-first: %s\n%s" % (names, r.describe())
    for f in frames:
        addr, off, size = (int(f.group(k), 16) for k in ("addr", "off", "size"))
        assert f.group("addr").startswith("ffff82d08"), \
            "frame %r outside the hypervisor's text\n%s" % (f.group(0), r.describe())
        assert off < size, "offset beyond the symbol's size in %r\n%s" % (
            f.group(0), r.describe())
        assert f.group("sym") in symbols.get(addr - off, ()), (
            "%r: %s is not at %#x in the ELF symbol table\n%s" % (
                f.group(0), f.group("sym"), addr - off, r.describe()))

    # Then the panic.
    after = lines[i_bt + 1 + n_unknown + len(frames):]
    assert any(l.startswith("(KEEL) PANIC") for l in after), \
        "no `(KEEL) PANIC` line after the backtrace\n" + r.describe()
    r.expect_no("selftest %s: PASS" % test)
