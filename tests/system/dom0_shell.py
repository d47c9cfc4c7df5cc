"""dom0_shell - drive dom0's serial shell from a system test.

A Script is the list of what to type, built in order:

    sh = Script()
    sh.cmd("vmctl create /etc/guests/hello.cfg")
    sh.cmd("vmctl list", after=r"\\[hello\\] Hello from")   # also wait for the greeting
    sh.bulk(["vmctl create /c.cfg", "vmctl destroy c"] * 5)  # typed at once
    sh.timed("echo ping", r"^\\(d0\\) ping$")   # sh.latencies: typed to answered, s
    sh.cmd("poweroff")
    r = boot(keel, sh)           # keel(CMDLINE, modules=[DOM0, ROOTFS], ...), checked
    out = sh.outputs(r)          # one Output per typed command, in order

Keel prints dom0's console output as it comes (hypercalls/console_io.c);
a line of dom0's cut by someone else's is shown again whole when dom0
writes on, and dom0's shell moves the line being typed below a guest's
log line, so the echo of a typed command always ends up on one line
`(d0) dom0# COMMAND` (shown twice when a guest's line came between the
typing and the running: outputs() skips the second).  A command is typed once the shell has read the
previous one (that line appeared) and, with after=, once the console then showed that
pattern (something the previous commands caused: a guest's greeting).  The shell reads its input only between commands and runs the
lines in order, so what is typed ahead waits its turn; bulk() types
several lines in one go.  Keel's input ring holds 1024 bytes: keep one
bulk() below that.

outputs() splits the console into per-command outputs: the text after the
command's echo up to the next prompt, one line per entry, dom0's `(d0) `
prefix removed (Keel's own `(KEEL) ...` lines keep theirs).  Guest console
lines (`[NAME] ...`) land in whichever command's output they were printed
during.
"""

import os
import re
import time

from keel_qemu import EXIT_SUCCESS, REPO_ROOT

GUESTS_BUILD = os.path.join(REPO_ROOT, "build", "guests")
DOM0 = os.path.join(GUESTS_BUILD, "dom0.elf")
ROOTFS = os.path.join(GUESTS_BUILD, "rootfs.cpio")
CMDLINE = "console=com1 com1=115200 loglvl=all dom0_mem=128M noreboot"

PROMPT_TEXT = "(d0) dom0# "
# dom0's shell is up (guests/dom0/shell.c); its first prompt shows with the first echo.
SHELL_READY = r"^\(d0\) Type `help` for the commands\.\r?$"
# Keel's input ring (hypervisor/common/input_ring.h).
INPUT_RING = 1024


def echo_of(line):
    """A pattern matching the shell's echo of `line` typed at its prompt.

    The prompt is missing when a guest's line was printed after it (Keel
    then printed `(d0) dom0# [hello] Hello...` and the echo on a line of
    its own).
    """
    return r"^\(d0\) (?:dom0# )?%s\r?$" % re.escape(line)


class Output:
    """What one command printed."""

    def __init__(self, command, lines):
        self.command = command
        self.lines = lines
        self.text = "\n".join(lines)

    def grep(self, pattern):
        rx = re.compile(pattern)
        return [l for l in self.lines if rx.search(l)]

    def has(self, pattern):
        return bool(self.grep(pattern))

    def __repr__(self):
        return "Output(%r, %d lines)" % (self.command, len(self.lines))

    def __str__(self):
        return "dom0# %s\n%s" % (self.command, self.text)


class Script:
    """The lines to type on dom0's console, and how to split what came back."""

    def __init__(self):
        self._steps = []
        self.commands = []
        self._ready = SHELL_READY    # what shows that the next line may be typed
        self._ready_count = 1        # ... once it showed that often
        self._delay = 0.0
        self.latencies = []          # timed(): seconds from typing to the answer

    def _type(self, data, after, delay=0.0):
        """Type data (bytes, or a function of the match giving them) once _ready,
        then `after` (it comes later: the shell caused it) showed."""
        delay += self._delay
        # The previous bulk's last line, as often as it typed it: each step finds the next one.
        waits = self._ready_count + (1 if after else 0) - 1 if self._ready else 0
        self._steps += [(self._ready, b"")] * waits
        pattern = after or self._ready

        def typed(match):
            time.sleep(delay)
            return data(match) if callable(data) else data
        self._steps.append((pattern, typed if delay or callable(data) else data))
        self._delay = 0.0

    def cmd(self, line, after=None):
        """Type `line` once the shell read the previous one (and `after`, if given, showed)."""
        self.bulk([line], after)

    def bulk(self, lines, after=None):
        """Type every line of `lines` at once, then wait for the last one's echo."""
        data = "".join(l + "\n" for l in lines).encode()
        assert len(data) < INPUT_RING, "bulk input of %d bytes overflows Keel's ring" % len(data)
        self._type(data, after)
        self.commands += list(lines)
        self._ready = echo_of(lines[-1])
        self._ready_count = lines.count(lines[-1])

    def timed(self, line, answer, delay=0.0):
        """Type `line` `delay` s after the shell read the previous one, and time it.

        self.latencies gets one entry per timed line: the seconds from
        typing it to the console showing `answer` (a pattern of its output),
        None if that never came.  The next line is typed once it did.
        """
        slot = len(self.latencies)
        self.latencies.append(None)
        typed_at = []

        def type_it(match):
            typed_at.append(time.monotonic())
            return (line + "\n").encode()

        def answered(match):
            self.latencies[slot] = time.monotonic() - typed_at[0]
            return b""
        self._type(type_it, None, delay)
        self._steps.append((answer, answered))
        self.commands.append(line)
        self._ready = None
        self._ready_count = 1

    def keys(self, data, after=None, delay=0.0):
        """Type raw bytes (not a shell line) once `after` showed, `delay` s later.

        For a program that reads the console itself (vmctl console): the
        bytes must not arrive before it reads, or the shell takes them.
        Nothing shows when it is done: the next line is typed a second later.
        """
        self._type(data, after, delay)
        self._ready = None
        self._ready_count = 1
        self._delay = 1.0

    def steps(self):
        return list(self._steps)

    def outputs(self, result):
        """One Output per typed command, in order (fewer if the console ends early)."""
        text = result.console
        found, cursor = [], 0
        for command in self.commands:
            p = text.find("\n" + PROMPT_TEXT, cursor - 1 if cursor else 0)
            if p < 0:
                break
            echo = text.find(command, p + 1 + len(PROMPT_TEXT))
            if echo < 0:
                break
            start = text.find("\n", echo + len(command))
            if start < 0:
                start = len(text)
            end = text.find("\n" + PROMPT_TEXT, start)
            # A guest's line came before the shell ran it: the shell showed it again below.
            redrawn = "\n" + PROMPT_TEXT + command + "\n"
            while end >= 0 and text.startswith(redrawn, end):
                end = text.find("\n" + PROMPT_TEXT, end + len(redrawn) - 1)
            if end < 0:
                end = len(text)
            found.append(Output(command, [_strip(l) for l in text[start + 1:end].split("\n")
                                          if l and l != PROMPT_TEXT + command]))
            cursor = end + 1
        return found

    def output(self, result, command, nth=0):
        """The output of the nth typing of `command` (exact text)."""
        outs = [o for o in self.outputs(result) if o.command == command]
        assert len(outs) > nth, "no output for %r (#%d)\n%s" % (command, nth, result.describe())
        return outs[nth]


def _strip(line):
    return line[5:] if line.startswith("(d0) ") else line


def free_memory(output):
    """vmctl info's free_memory (MiB) from its Output."""
    found = output.grep(r"^free_memory\s+: \d+$")
    assert found, "no free_memory line in\n%s" % output
    return int(found[0].split(":")[1])


def list_rows(output):
    """vmctl list's rows as {name: (id, mem, vcpus, state, seconds of CPU)}."""
    rows = {}
    for line in output.lines:
        m = re.match(r"^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([rbpscd-]{6})\s+([\d.]+)$", line)
        if m:
            rows[m.group(1)] = (int(m.group(2)), int(m.group(3)), int(m.group(4)), m.group(5),
                                float(m.group(6)))
    return rows


def top_rows(output):
    """The rows of each `vmctl top` frame in output: a list of {name: CPU(%)}."""
    frames = []
    for line in output.lines:
        if re.match(r"^\s*NAME\s+STATE\s+CPU\(sec\)\s+CPU\(%\)", line):
            frames.append({})
        m = re.match(r"^\s*(\S+)\s+[rbpscd-]{6}\s+\d+\s+([\d.]+)\s", line)
        if m and frames:
            frames[-1][m.group(1)] = float(m.group(2))
    return frames


def boot(keel, sh, root=ROOTFS, mem=1024, label="dom0-shell", smp=1, timeout=150):
    """Keel and dom0 (root filesystem `root`) on `smp` CPUs, typing sh; it must end in poweroff."""
    r = keel(CMDLINE, smp=smp, mem=mem, modules=[DOM0, root], serial_input=sh.steps(),
             label=label, timeout=timeout)
    r.expect_no("FATAL TRAP", "PANIC: dom0", "(d0) PANIC")
    r.expect_exit(EXIT_SUCCESS)
    r.expect_line(r"^\(d0\) dom0: powering off$")
    return r


def check(cond, what, out, r):
    """Assert cond, showing `what`, a command's output and the run's console tail."""
    __tracebackhide__ = True
    assert cond, "%s\n--- output ---\n%s\n--- run ---\n%s" % (what, out, r.describe(60))
