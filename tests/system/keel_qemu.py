"""keel_qemu - boot Keel in QEMU and collect what it printed.

The one entry point is run_keel(); it boots build/hypervisor.elf (Multiboot,
`-kernel`) or a UEFI disk image (OVMF), waits for QEMU to exit, and returns a
KeelResult with QEMU's exit status and the whole serial console.

Exit-code contract (Keel writes to the isa-debug-exit device at port 0xf4;
QEMU exits with (value << 1) | 1):

    0x10 -> 33  success (boot reached the end, or the self-test passed)
    0x11 -> 35  a self-test failed
    0x12 -> 37  panic (fatal trap, assertion, ...)

Anything else means Keel never reached isa-debug-exit: 0 is a triple fault or
reset under -no-reboot, 1 a QEMU error, and a killed QEMU (timeout) gives a
negative status with .timed_out set.

Environment:
    KEEL_ACCEL=tcg|kvm      force the accelerator (read by scripts/qemu-accel.sh)
    KEEL_ACCEL_ARGS="..."   use these QEMU accelerator/CPU options verbatim
    KEEL_HYPERVISOR=PATH    boot this image instead of build/hypervisor.elf
    KEEL_TEST_TIMEOUT=SECS  default per-boot timeout (else 60 KVM / 120 TCG)
    KEEL_LOG_DIR=DIR        keep per-run logs here (else a fresh /tmp dir)
"""

import atexit
import functools
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import serial_typist

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HYPERVISOR_ELF = os.environ.get(
    "KEEL_HYPERVISOR", os.path.join(REPO_ROOT, "build", "hypervisor.elf"))
QEMU = os.environ.get("KEEL_QEMU", "qemu-system-x86_64")
OVMF_DIR = "/usr/share/OVMF"
OVMF_CODE = os.path.join(OVMF_DIR, "OVMF_CODE_4M.fd")
OVMF_VARS = os.path.join(OVMF_DIR, "OVMF_VARS_4M.fd")

EXIT_SUCCESS = 33   # Keel wrote 0x10
EXIT_FAILURE = 35   # Keel wrote 0x11: a self-test failed
EXIT_PANIC = 37     # Keel wrote 0x12: panic

EXIT_NAMES = {
    EXIT_SUCCESS: "success (Keel wrote 0x10)",
    EXIT_FAILURE: "self-test failed (Keel wrote 0x11)",
    EXIT_PANIC: "panic (Keel wrote 0x12)",
    0: "QEMU exited normally: triple fault or reset under -no-reboot, or ACPI power-off",
    1: "QEMU error (see QEMU stderr)",
}

READY_RE = re.compile(
    r"^\(KEEL\) ready: (?P<cpus>\d+) CPUs, (?P<mib>\d+) MiB, booted in (?P<ms>\d+) ms$")
KEEL_PREFIX = "(KEEL) "
TAIL_LINES = 40


def exit_name(code):
    if code is None:
        return "no status"
    if code < 0:
        try:
            return "killed by %s" % signal.Signals(-code).name
        except ValueError:
            return "killed by signal %d" % -code
    return EXIT_NAMES.get(code, "unexpected status")


# ---------------------------------------------------------------------------
# Accelerator and timeouts.

@functools.lru_cache(maxsize=None)
def accel_args():
    """QEMU accelerator + CPU options, as a list (computed once per process)."""
    override = os.environ.get("KEEL_ACCEL_ARGS")
    if override:
        return tuple(shlex.split(override))
    script = os.path.join(REPO_ROOT, "scripts", "qemu-accel.sh")
    out = subprocess.run([script], check=True, stdout=subprocess.PIPE,
                         text=True, cwd=REPO_ROOT, timeout=60).stdout
    return tuple(shlex.split(out))


def accel_name():
    """'kvm' or 'tcg'."""
    args = list(accel_args())
    for i, a in enumerate(args):
        if a == "-accel" and i + 1 < len(args):
            return args[i + 1].split(",")[0]
        if a == "-enable-kvm":
            return "kvm"
        if a.startswith("accel="):
            return a.split("=", 1)[1].split(",")[0]
    return "tcg"


def accel_description():
    return "%s (%s)" % (accel_name().upper(), " ".join(accel_args()))


def default_timeout():
    env = os.environ.get("KEEL_TEST_TIMEOUT")
    if env:
        return float(env)
    return 60.0 if accel_name() == "kvm" else 120.0


# ---------------------------------------------------------------------------
# Per-run log directories.

_log_root = None
_run_counter = 0
_lock = threading.Lock()


def log_root():
    """The directory holding every run's logs for this test session."""
    global _log_root
    with _lock:
        if _log_root is None:
            env = os.environ.get("KEEL_LOG_DIR")
            if env:
                os.makedirs(env, exist_ok=True)
                _log_root = env
            else:
                _log_root = tempfile.mkdtemp(prefix="keel-systest-")
        return _log_root


def _new_run_dir(label):
    global _run_counter
    root = log_root()
    with _lock:
        _run_counter += 1
        n = _run_counter
    slug = re.sub(r"[^A-Za-z0-9_.=-]+", "_", label)[:60].strip("_") or "run"
    path = os.path.join(root, "%03d-%s" % (n, slug))
    os.makedirs(path, exist_ok=True)
    return path


# ---------------------------------------------------------------------------
# Never leave QEMU behind: every live child is killed at interpreter exit.

_live = set()


def _kill_group(proc):
    """SIGKILL QEMU (it runs in a process group of its own) and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.kill()
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


@atexit.register
def _kill_leftovers():
    for proc in list(_live):
        _kill_group(proc)
        _live.discard(proc)


def _on_sigterm(signum, frame):
    raise SystemExit(128 + signum)   # unwinds run_keel's finally, then atexit


# QEMU runs in its own process group (so a Ctrl-C reaches the test runner, not
# a half-finished QEMU), hence nothing else kills it: make SIGTERM unwind.
if threading.current_thread() is threading.main_thread() and \
        signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
    signal.signal(signal.SIGTERM, _on_sigterm)


# ---------------------------------------------------------------------------
# Results.

class ReadyLine:
    """The parsed `(KEEL) ready: N CPUs, M MiB, booted in T ms` line."""

    def __init__(self, match):
        self.line = match.group(0)
        self.cpus = int(match.group("cpus"))
        self.mib = int(match.group("mib"))
        self.ms = int(match.group("ms"))

    def __repr__(self):
        return "ReadyLine(cpus=%d, mib=%d, ms=%d)" % (self.cpus, self.mib, self.ms)


class KeelResult:
    """What one QEMU run produced.

    exit_code  QEMU's exit status (33/35/37 from Keel, negative if killed)
    console    the whole serial output (str; CR LF folded to LF)
    lines      console.splitlines()
    timed_out  True when the run was killed after `timeout` seconds
    qemu_error set when QEMU reported a fatal accelerator error ("KVM internal
               error": a vCPU stopped); QEMU is then killed at once rather
               than left to the timeout, and expect_exit() fails
    ready      ReadyLine for the first ready line, or None
    duration   wall-clock seconds from start to exit
    stderr     QEMU's own stderr/stdout
    argv       the QEMU command line (list)
    log_dir    where serial.log, qemu.log and cmd.txt are kept
    typed      the bytes typed on the serial port, one entry per step
               (run_keel's serial_input)
    stopped_at_until  QEMU was stopped because the console matched run_keel's
               `until` (its exit_code is then that of a killed process)
    """

    def __init__(self, argv, cmdline, exit_code, console, timed_out, duration,
                 stderr, log_dir, accel, qemu_error=None):
        self.argv = argv
        self.qemu_error = qemu_error
        self.cmdline = cmdline
        self.exit_code = exit_code
        self.console = console
        self.lines = console.splitlines()
        self.timed_out = timed_out
        self.duration = duration
        self.stderr = stderr
        self.log_dir = log_dir
        self.accel = accel
        self.typed = []
        self.stopped_at_until = False
        self.ready_lines = [l for l in self.lines if l.startswith("(KEEL) ready:")]
        self.ready = None
        for line in self.lines:
            m = READY_RE.match(line)
            if m:
                self.ready = ReadyLine(m)
                break

    # -- searching the console --------------------------------------------
    @property
    def keel_lines(self):
        """Lines printed by the hypervisor itself, prefix included."""
        return [l for l in self.lines if l.startswith(KEEL_PREFIX)]

    def grep(self, pattern):
        """Lines matching a regular expression (re.search)."""
        rx = re.compile(pattern)
        return [l for l in self.lines if rx.search(l)]

    def has(self, text):
        return any(text in l for l in self.lines)

    def tail(self, n=TAIL_LINES):
        return "\n".join(self.lines[-n:])

    # -- diagnostics ----------------------------------------------------------
    def describe(self, n=TAIL_LINES):
        """A multi-line summary for assertion messages."""
        if self.timed_out:
            status = "TIMED OUT after %.1f s" % self.duration
        else:
            status = "exit status %s = %s" % (self.exit_code, exit_name(self.exit_code))
        if self.qemu_error:
            status += "; QEMU reported %r" % self.qemu_error
        parts = [
            "Keel run: %s (%.1f s, %s)" % (status, self.duration, self.accel),
            "  command: %s" % " ".join(shlex.quote(a) for a in self.argv),
            "  logs:    %s" % self.log_dir,
        ]
        err = _interesting_stderr(self.stderr)
        if err:
            parts.append("  QEMU stderr (%s):" % os.path.join(self.log_dir, "qemu.log"))
            parts += ["    " + l for l in err]
        shown = self.lines[-n:]
        parts.append("  console (last %d of %d lines):" % (len(shown), len(self.lines)))
        parts += ["    | " + l for l in shown] if shown else ["    (empty)"]
        return "\n".join(parts)

    def __repr__(self):
        return "<KeelResult exit=%s timed_out=%s lines=%d ready=%r>" % (
            self.exit_code, self.timed_out, len(self.lines), self.ready)

    # -- common assertions ----------------------------------------------------
    def expect_exit(self, code):
        """Assert the run ended with `code`, showing the console otherwise."""
        __tracebackhide__ = True
        assert not self.timed_out and self.exit_code == code, (
            "expected exit status %d (%s)\n%s" % (code, exit_name(code), self.describe()))
        assert not self.qemu_error, (
            "QEMU reported %r (a vCPU stopped)\n%s" % (self.qemu_error, self.describe()))
        return self

    def expect_line(self, pattern):
        """Assert some console line matches regex `pattern`; return the first."""
        __tracebackhide__ = True
        found = self.grep(pattern)
        assert found, "no console line matches %r\n%s" % (pattern, self.describe())
        return found[0]

    def expect_no(self, *words):
        """Assert none of `words` occurs anywhere in the console."""
        __tracebackhide__ = True
        for w in words:
            bad = [l for l in self.lines if w in l]
            assert not bad, "unexpected %r in console: %r\n%s" % (w, bad[0], self.describe())
        return self


def _interesting_stderr(text, limit=15):
    """QEMU's stderr without the bulk of a KVM register dump."""
    keep = []
    for line in text.strip().splitlines():
        if re.match(r"^(extra data|[A-Z][A-Z0-9 ]*=|[A-Z]{2,3} *=|DR[0-7]=)", line) and \
                not re.match(r"^(RIP|EIP|Code|CR0)=", line):
            continue
        keep.append(line)
    return keep[-limit:]


# Every run of the current pytest test; conftest.py shows them on failure.
RUNS = []


# ---------------------------------------------------------------------------
# Running QEMU.

def _module_arg(modules):
    parts = []
    for m in modules:
        if isinstance(m, (tuple, list)):
            path, args = m[0], " ".join(str(a) for a in m[1:])
            text = "%s %s" % (path, args) if args else str(path)
        else:
            text = str(m)
        if "," in text:
            raise ValueError("a module path or argument cannot contain ',': %r" % text)
        path = text.split(" ", 1)[0]
        if not os.path.exists(path):
            raise FileNotFoundError("boot module %s does not exist" % path)
        parts.append(text)
    return ",".join(parts)


def build_argv(cmdline, smp, mem, machine, modules, efi_image, kernel,
               serial_path, run_dir, extra_args, debug_exit=True, serial_pipes=None):
    argv = [QEMU] + list(accel_args()) + [
        "-machine", machine,
        "-smp", str(smp),
        "-m", str(mem),
        "-display", "none",
        "-monitor", "none",
        "-nodefaults",
        "-no-reboot",
    ]
    if serial_pipes:        # typed input: the typist keeps serial.log from the pipe
        argv += serial_typist.pipe_chardev_args(serial_pipes)
    else:
        argv += ["-serial", "file:" + serial_path]
    if debug_exit:
        argv += ["-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    if efi_image is not None:
        if not os.path.exists(efi_image):
            raise FileNotFoundError("UEFI disk image %s does not exist" % efi_image)
        vars_copy = os.path.join(run_dir, "OVMF_VARS.fd")
        shutil.copyfile(OVMF_VARS, vars_copy)
        argv += [
            "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
            "-drive", "if=pflash,format=raw,unit=1,file=" + vars_copy,
            "-drive", "format=raw,file=" + os.path.abspath(efi_image),
        ]
        if cmdline:
            raise ValueError("under UEFI the command line comes from the ESP's config "
                             "file; pass cmdline=None with efi_image=")
        if modules:
            raise ValueError("under UEFI the modules come from the ESP's config file")
    else:
        if not os.path.exists(kernel):
            raise FileNotFoundError(
                "%s does not exist: build it with `make hypervisor` "
                "(`make system-test` builds it first)" % kernel)
        argv += ["-kernel", kernel, "-append", cmdline or ""]
        if modules:
            argv += ["-initrd", _module_arg(modules)]
    argv += list(extra_args)
    return argv


def run_keel(cmdline, smp=1, mem=128, machine="q35", modules=None, efi_image=None,
             timeout=None, extra_args=(), kernel=None, label=None, debug_exit=True,
             serial_input=None, until=None):
    """Boot Keel once and return a KeelResult.

    cmdline     Keel's command line (-append); must be None for efi_image=
    smp, mem    CPU count and RAM in MiB
    machine     QEMU machine type: "q35" or "pc"
    modules     Multiboot modules: each "path args" or (path, arg, ...);
                module 1 is the initial domain's kernel
    efi_image   boot this raw disk image under OVMF instead of -kernel
    timeout     seconds before QEMU is killed (default: 60 KVM, 120 TCG)
    extra_args  more QEMU arguments, appended last
    kernel      the Multiboot image (default build/hypervisor.elf)
    label       names the log directory (default: the command line)
    debug_exit  give the machine the isa-debug-exit device (False: Keel must
                end QEMU the way real hardware is powered off, through ACPI)
    serial_input  bytes to type on the serial port: a list of steps
                (pattern, data), each typed once the console matches the
                regex `pattern` (None: at once), `data` bytes or a function
                of the match (tests/system/serial_typist.py;
                serial_typist.ANSWER_INPUT_WANTED answers a PV test kernel's
                "INPUT-WANTED: <hex>").  What was typed is result.typed.
    until       a regex: once the console matches it, QEMU is stopped and
                result.stopped_at_until is True (for a machine that never
                ends by itself, e.g. Keel idling without a guest)
    """
    if timeout is None:
        timeout = default_timeout()
    kernel = kernel or HYPERVISOR_ELF
    run_dir = _new_run_dir(label or (cmdline if cmdline else "efi") +
                           "-%s-smp%d-m%d" % (machine, smp, mem))
    serial_path = os.path.join(run_dir, "serial.log")
    qemu_log = os.path.join(run_dir, "qemu.log")
    pipes = os.path.join(run_dir, "serial") if serial_input is not None else None
    argv = build_argv(cmdline, smp, mem, machine, modules, efi_image, kernel,
                      serial_path, run_dir, extra_args, debug_exit, pipes)
    with open(os.path.join(run_dir, "cmd.txt"), "w") as f:
        f.write(" ".join(shlex.quote(a) for a in argv) + "\n")

    # The pipes exist and are open before QEMU starts: no output can be missed.
    typist = serial_typist.SerialTypist(pipes, serial_path, serial_input) if pipes else None
    start = time.monotonic()
    with open(qemu_log, "wb") as log:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, cwd=run_dir,
                                start_new_session=True)
        _live.add(proc)
        if typist:
            typist.start()
        try:
            timed_out, qemu_error, stopped = _wait(proc, qemu_log, start + timeout,
                                                   serial_path, until)
            if timed_out or qemu_error or stopped:
                _kill_group(proc)
            exit_code = proc.returncode
        finally:
            if proc.returncode is None:      # interrupted (Ctrl-C, error)
                _kill_group(proc)
            _live.discard(proc)
            if typist:
                typist.stop()
    duration = time.monotonic() - start

    vars_copy = os.path.join(run_dir, "OVMF_VARS.fd")
    if os.path.exists(vars_copy):
        os.unlink(vars_copy)
    console = _read_text(serial_path).replace("\r\n", "\n").replace("\r", "\n")
    stderr = _read_text(qemu_log)
    if qemu_error is None:      # QEMU may have exited before _wait saw it
        qemu_error = next((m for m in QEMU_FATAL if m in stderr), None)
    result = KeelResult(argv, cmdline, exit_code, console, timed_out, duration,
                        stderr, run_dir, accel_name().upper(), qemu_error)
    result.typed = list(typist.typed) if typist else []
    result.stopped_at_until = stopped
    if typist and typist.error:
        result.stderr += "\nserial typist: %s\n" % typist.error
    with open(os.path.join(run_dir, "status.txt"), "w") as f:
        f.write("exit %s (%s)%s%s duration %.2f s\n" % (
            exit_code, exit_name(exit_code), " TIMED OUT" if timed_out else "",
            " QEMU ERROR: " + qemu_error if qemu_error else "", duration))
    RUNS.append(result)
    return result


# QEMU messages after which the guest never runs again (QEMU stops the VM but
# does not exit): kill QEMU at once instead of waiting for the timeout.
QEMU_FATAL = ("KVM internal error", "KVM: entry failed")


def _wait(proc, qemu_log, deadline, serial_path, until):
    """Wait for QEMU; returns (timed_out, fatal QEMU message or None, until matched)."""
    until_rx = re.compile(until, re.M) if until else None
    while True:
        try:
            proc.wait(timeout=0.25)
            return False, None, False
        except subprocess.TimeoutExpired:
            pass
        text = _read_text(qemu_log)
        for marker in QEMU_FATAL:
            if marker in text:
                return False, marker, False
        if until_rx and until_rx.search(_read_text(serial_path).replace("\r\n", "\n")):
            return False, None, True
        if time.monotonic() >= deadline:
            return True, None, False


def _read_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""
