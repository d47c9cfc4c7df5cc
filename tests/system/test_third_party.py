"""A PV kernel built by others behaves on Keel as on Xen 4.17.

GRUB 2.06's PV image (Debian's grub-xen-host) is run as a domU by the runner
dom0 kernel (tests/pv/twodom/runner.c) on Xen 4.17 and on Keel, and the
transcripts are compared by scripts/compare-third-party.sh: its PV console
(the "Welcome to GRUB!" banner, the missing-device errors, the grub> prompt),
its xenstore requests, and its state after 10 s.
"""

import os
import subprocess

from keel_qemu import REPO_ROOT

GRUB = "/usr/lib/grub-xen/grub-x86_64-xen.bin"


def test_grub_pv_image_behaves_as_on_xen():
    assert os.path.exists(GRUB), "%s missing: scripts/setup.sh installs grub-xen-host" % GRUB
    r = subprocess.run([os.path.join(REPO_ROOT, "scripts", "compare-third-party.sh"), GRUB],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    assert r.returncode == 0, r.stdout
    assert "SAME:" in r.stdout
    logs = r.stdout.split("logs: ")[1].split()[1]
    with open(logs, errors="replace") as f:
        keel = f.read()
    assert "domU: grub> " in keel, "GRUB did not reach its prompt on Keel"
    assert "Welcome to GRUB!" in keel
