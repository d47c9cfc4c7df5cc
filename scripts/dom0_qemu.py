"""scripts/dom0_qemu.py - boot our dom0 on Keel or on Xen 4.17 in QEMU and
type at its shell, for the benchmarks that drive dom0 (bench-create.py,
sched-bench-weights.py).

dom0 is build/guests/dom0.elf with build/guests/rootfs.cpio, the same two
boot modules on both hypervisors, in the same QEMU machine (TCG, 1 GiB,
dom0_mem=128M); the serial port is QEMU's stdin and stdout.  Xen 4.17
crashes PV kernels under TCG with SMAP on (tests/pv/README.md), hence
`-cpu max,-smap` for it.  Keel prefixes dom0's lines with `(d0) `, Xen
does not: readers of the console allow both.

    console = boot("keel", [Step("vmctl list"), Step("poweroff")])

Each Step's line is typed once its condition holds: by default once the
shell showed as many prompts as prompt-gated lines were typed before it
plus one (dom0's shell reads its input between commands, so a line typed
early waits its turn); `when=` a function of the console text so far
(a str) instead.  The run ends when dom0 powered the machine off (Keel) or
Xen reports dom0 halted, when QEMU exits, or at the timeout; the console is
returned either way and also written to `log_path`.
"""

import os
import re
import select
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = "%s/build/guests/dom0.elf,%s/build/guests/rootfs.cpio" % (ROOT, ROOT)
CMDLINE = "console=com1 com1=115200 dom0_mem=128M noreboot"
HYPERVISORS = {
    "keel": ["-cpu", "max", "-kernel", os.path.join(ROOT, "build", "hypervisor.elf"),
             "-device", "isa-debug-exit,iobase=0xf4,iosize=4"],
    "xen": ["-cpu", "max,-smap", "-kernel", os.path.join(ROOT, "build", "xen", "xen-4.17-amd64")],
}
PROMPT = re.compile(r"dom0# ")
# dom0's poweroff on Keel; Xen's report of dom0's end.
ENDED = ("powering off the machine", "Dom0 halted")


class Step:
    """A line to type at dom0's shell, and when (see the module's comment)."""

    def __init__(self, line, when=None):
        self.data = (line + "\n").encode()
        self.when = when


def boot(name, steps, smp=1, icount=None, cmdline_extra="", timeout=600, log_path=None):
    """Boots dom0 on hypervisor `name` ("keel" or "xen"), types `steps`; the console text.

    icount: QEMU's -icount option value (e.g. "shift=5,sleep=off": guest
    time from instruction counts), or None for plain TCG.
    """
    argv = ["qemu-system-x86_64", "-accel", "tcg", "-m", "1024", "-smp", str(smp),
            "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
            "-append", (CMDLINE + " " + cmdline_extra).strip(), "-initrd", MODULES]
    argv += (["-icount", icount] if icount else []) + HYPERVISORS[name]
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    raw, text, typed, prompted = b"", "", 0, 0
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            ready, _, _ = select.select([proc.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                raw += chunk
                text = raw.decode("utf-8", "replace")
            while typed < len(steps) and _due(steps[typed], text, prompted):
                proc.stdin.write(steps[typed].data)
                proc.stdin.flush()
                prompted += steps[typed].when is None
                typed += 1
            if any(end in text for end in ENDED):
                break
    finally:
        proc.kill()
        proc.wait()
    if log_path:
        with open(log_path, "wb") as f:
            f.write(raw)
    return text


def _due(step, text, prompted):
    if step.when is not None:
        return step.when(text)
    return len(PROMPT.findall(text)) > prompted
