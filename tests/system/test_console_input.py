"""Typing on Keel's serial console (COM1's receive interrupt, the input ring).

What is typed goes to the control domain, which reads it with
HYPERVISOR_console_io(CONSOLEIO_read) after VIRQ_CONSOLE; CTRL-a three times
switches input to Keel's debug keys and back, as on Xen.  The PV test kernel
tests/pv/kernels/console_input.c asks for each round of input with a line
"INPUT-WANTED: <hex>" and checks it read exactly those bytes;
tests/system/serial_typist.py types them on QEMU's serial port (a socket)
when it sees the line.  `make test-xen` runs the same kernel, typed at the
same way, on Xen 4.17.
"""

import itertools
import os
import re
import signal
import subprocess

from keel_qemu import EXIT_SUCCESS, REPO_ROOT, default_timeout
from serial_typist import ANSWER_INPUT_WANTED

KERNEL = os.path.join(REPO_ROOT, "build", "pv", "console_input.elf")
CMDLINE = "console=com1 loglvl=all dom0_mem=64M noreboot"
# The kernel's EARLY_TYPED (tests/pv/kernels/console_input.c): typed the
# moment QEMU starts, long enough to overflow the UART's 16-byte FIFO.
EARLY_TYPED = b"typed before boot, 28 bytes\n"
READY_LINE = r"^\(KEEL\) ready: "


def answer_forever():
    return itertools.repeat(ANSWER_INPUT_WANTED)


def check_kernel_passed(r, early):
    failed = r.grep(r"^\(d0\) .*FAIL")
    assert not failed, "checks failed on Keel:\n%s\n%s" % ("\n".join(failed), r.describe(80))
    skipped = [l for l in r.grep(r"^\(d0\) skipped:") if early or "before boot" not in l]
    assert not skipped, "a typing test was skipped\n" + r.describe(80)
    r.expect_line(r"^\(d0\) Test result: SUCCESS$")
    r.expect_exit(EXIT_SUCCESS)
    r.expect_no("FATAL TRAP", "PANIC")


def test_typed_input_reaches_dom0(keel):
    """Every byte value, lone CTRL-a, a bad buffer, on one CPU: as the kernel asked."""
    r = keel(CMDLINE, smp=1, mem=512, modules=[(KERNEL, "input")],
             serial_input=answer_forever(), label="console-input-smp1")
    r.expect_line(r"^\(KEEL\) IOAPIC 0: ISA IRQ 4 = GSI \d+ .* -> vector 0xe0")
    check_kernel_passed(r, early=False)
    # Everything 0x00-0xff but CTRL-a reached the guest, each round after a VIRQ.
    typed = b"".join(r.typed)
    assert set(typed) >= set(range(256)) - {0x01}, r.describe()
    assert len(r.grep(r"^\(d0\) read \d+ of \d+ bytes after [1-9]\d* VIRQ_CONSOLE$")) >= 7


def test_typed_before_boot_and_debug_keys(keel):
    """Bytes typed as QEMU starts wait for dom0; CTRL-a x3 'q' runs Keel's report."""
    steps = itertools.chain([(None, EARLY_TYPED)], answer_forever())
    r = keel(CMDLINE, smp=2, mem=512, modules=[(KERNEL, "early", "input")],
             serial_input=steps, label="console-input-early-smp2")
    check_kernel_passed(r, early=True)
    r.expect_line(r"^\(d0\) read 28 of 28 bytes typed before boot$")
    # The switch and the key went to Keel, in the order typed, not to dom0.
    def where(pattern):
        return [i for i, l in enumerate(r.lines) if re.search(pattern, l)]
    to_keel = where(r"^\(KEEL\) serial input to Keel: debug keys")
    to_dom0 = where(r"^\(KEEL\) serial input to dom0 \(CTRL-a")
    report = where(r"^\(KEEL\) 'q' pressed -> domains$")
    assert len(to_keel) == 1 and len(to_dom0) == 2 and len(report) == 1, r.describe()
    assert to_dom0[0] < to_keel[0] < to_dom0[1], r.describe()   # boot line, there, back
    assert to_keel[0] < report[0], r.describe()
    r.expect_line(r"^\(KEEL\)  domain 0: active")
    r.expect_line(r"^\(KEEL\)  console input: \d+ bytes waiting for dom0, 0 dropped ")


def test_debug_keys_without_a_guest(keel):
    """Keel idling with no initial domain still answers its debug keys."""
    r = keel("console=com1 loglvl=all noreboot", smp=1,
             serial_input=[(READY_LINE, b"\x01\x01\x01h")],
             until=r"^\(KEEL\)  'q' domains", label="console-input-no-guest")
    assert r.stopped_at_until, "no debug-key help after CTRL-a x3 'h'\n" + r.describe()
    r.expect_line(r"^\(KEEL\) serial input to Keel: debug keys")
    r.expect_line(r"^\(KEEL\) 'h' pressed -> showing the debug keys$")
    r.expect_no("FATAL TRAP", "PANIC")


def test_make_run_reads_piped_stdin():
    """`printf ... | make run` types on the serial port (issue 5's scripted dom0 shell)."""
    argv = ["make", "--no-print-directory", "run", "SMP=1", "MEM=256",
            "MODULES=%s early" % os.path.relpath(KERNEL, REPO_ROOT), "CMDLINE=" + CMDLINE]
    proc = subprocess.Popen(argv, cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(EARLY_TYPED, timeout=default_timeout())
    finally:
        if proc.poll() is None:     # timed out: QEMU is make's child, in the same group
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    text = out.decode("utf-8", "replace").replace("\r\n", "\n")
    assert "(d0) read 28 of 28 bytes typed before boot\n" in text, text[-3000:]
    assert "(d0) Test result: SUCCESS\n" in text, text[-3000:]
