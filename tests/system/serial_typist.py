"""serial_typist - type on a QEMU serial port when the console asks for it.

For a run with input, QEMU's serial port is a pair of named pipes,
BASE.in (what is typed) and BASE.out (what the machine prints):

    -chardev pipe,id=serial0,path=BASE -serial chardev:serial0

A SerialTypist copies BASE.out into the console log (the same file
`-serial file:LOG` would have written) and works through its steps in
order.  A step is (pattern, data): it waits until the console, from where
the previous step matched on, matches the regular expression `pattern`
(None: no wait; `^` matches at each line start), then writes `data` (bytes, or a function of the match
returning bytes) into BASE.in.  Waiting for a line Keel or the guest
prints means the bytes never arrive before the machine is ready for them
(the UART's receive interrupt on, the guest waiting for them).

Why pipes and not a socket with QEMU's logfile=: QEMU writes the serial
port a byte at a time, a unix socket's buffer fills after a few hundred
such writes if the reader lags, and QEMU then logs the byte it will send
again (a doubled character in the log).  A pipe holds 64 KiB however it
is written, and the log here is written from what was actually read.

The PV test kernels ask for input with a line `INPUT-WANTED: <hex>`
(tests/pv/kernels/console_input.c); ANSWER_INPUT_WANTED is the step that
types those bytes, and the command line

    python3 tests/system/serial_typist.py BASE LOG

(scripts/run-on-xen.sh --type) makes the pipes if they are missing, keeps
LOG and answers every such line until SIGTERM, after which it copies what
is left and exits.
"""

import errno
import itertools
import os
import re
import select
import signal
import sys
import threading

POLL_SECONDS = 0.05

# One complete line: the hex is whole only once the line has ended.
INPUT_WANTED_RE = r"INPUT-WANTED: ([0-9a-f]*)\r?\n"


def _hex_of_match(match):
    return bytes.fromhex(match.group(1))


ANSWER_INPUT_WANTED = (INPUT_WANTED_RE, _hex_of_match)


def make_pipes(base):
    """BASE.in and BASE.out, unless they exist; before QEMU starts."""
    for suffix in (".in", ".out"):
        if not os.path.exists(base + suffix):
            os.mkfifo(base + suffix, 0o600)


def pipe_chardev_args(base, chardev_id="serial0"):
    """QEMU arguments for a serial port on the pipes BASE.in / BASE.out."""
    if "," in base:
        raise ValueError("QEMU cannot take a ',' in %r" % base)
    return ["-chardev", "pipe,id=%s,path=%s" % (chardev_id, base),
            "-serial", "chardev:" + chardev_id]


class SerialTypist(threading.Thread):
    """Keeps the console log from BASE.out and types each step into BASE.in.

    typed      the bytes written so far, one entry per step
    error      why typing stopped early (None if it did not)
    """

    def __init__(self, base, log_path, steps):
        super().__init__(daemon=True, name="serial-typist")
        make_pipes(base)
        # Read-write opens never block waiting for QEMU, and never see an
        # end of file while QEMU reopens or is slow to start.
        self._out = os.open(base + ".out", os.O_RDWR | os.O_NONBLOCK)
        self._in = os.open(base + ".in", os.O_RDWR)
        self._log = open(log_path, "ab")
        self._console = b""
        self.steps = iter(steps)
        self.typed = []
        self.error = None
        self._stop_event = threading.Event()

    def stop(self):
        """Copy what is left of the output, stop, and close; returns when done."""
        self._stop_event.set()
        self.join(timeout=10)

    # -- the thread -----------------------------------------------------------
    def run(self):
        try:
            self._type_all()
            while not self._stop_event.is_set():
                self._copy_output(POLL_SECONDS)
        except Exception as e:  # noqa: BLE001 - recorded for the test to show
            self.error = "%s: %s" % (type(e).__name__, e)
            while not self._stop_event.is_set():
                self._copy_output(POLL_SECONDS)
        finally:
            self._copy_output(0)
            os.close(self._out)
            os.close(self._in)
            self._log.close()

    def _type_all(self):
        pos = 0
        for pattern, data in self.steps:
            match = None
            if pattern is not None:
                rx = re.compile(pattern.encode("latin-1"), re.MULTILINE)
                while not (match := rx.search(self._console, pos)):
                    if self._stop_event.is_set():
                        return
                    self._copy_output(POLL_SECONDS)
                pos = match.end()
                match = _TextMatch(match)
            payload = data(match) if callable(data) else data
            view = memoryview(payload)
            while view:
                view = view[os.write(self._in, view):]
            self.typed.append(payload)

    def _copy_output(self, timeout):
        """Copy what QEMU printed into the log, waiting up to timeout for some."""
        ready, _, _ = select.select([self._out], [], [], timeout)
        while ready:
            try:
                chunk = os.read(self._out, 65536)
            except OSError as e:
                if e.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                    return
                raise
            if not chunk:
                return
            self._console += chunk
            self._log.write(chunk)
            self._log.flush()


class _TextMatch:
    """A bytes match seen as text (latin-1), so steps' functions use str groups."""

    def __init__(self, m):
        self._m = m

    def group(self, n=0):
        g = self._m.group(n)
        return None if g is None else g.decode("latin-1")


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: %s BASE LOG\n" % os.path.basename(argv[0]))
        return 2
    typist = SerialTypist(argv[1], argv[2], itertools.repeat(ANSWER_INPUT_WANTED))
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: done.set())
    typist.start()
    while not done.wait(0.5):
        pass
    typist.stop()
    if typist.error:
        sys.stderr.write("serial_typist: %s\n" % typist.error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
