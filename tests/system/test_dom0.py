"""dom0's serial shell and vmctl, end to end: Keel boots our dom0
(build/guests/dom0.elf) with its root filesystem, the test types commands at
the `(d0) dom0# ` prompt (tests/system/dom0_shell.py) and checks each
command's output, the guests' consoles and the exit status.

Extra configs and kernels come in a second cpio archive (scripts/mkrootfs.py)
appended to build/guests/rootfs.cpio: dom0 reads concatenated archives, later
entries winning.  Few boots (TCG is slow): each test is one boot.
"""

import os
import re
import subprocess

import pytest

from dom0_shell import (DOM0, GUESTS_BUILD, ROOTFS, Script, boot, check, free_memory,
                        list_rows)
from keel_qemu import REPO_ROOT

HELLO_ELF = os.path.join(GUESTS_BUILD, "hello.elf")
HELLO_CFG = "/etc/guests/hello.cfg"


def greeting(name, domid=r"\d+"):
    return r"\[%s\] Hello from %s, domain %s: " % (name, name, domid)


def guest_cfg(name, memory=32, **keys):
    lines = ['name = "%s"' % name, 'kernel = "/boot/hello.elf"', "memory = %d" % memory]
    lines += ['%s = "%s"' % kv for kv in keys.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def rootfs(tmp_path):
    """rootfs({dest: text or bytes}) -> build/guests/rootfs.cpio plus those files."""
    def make(files):
        for f in (DOM0, ROOTFS, HELLO_ELF):
            if not os.path.exists(f):
                pytest.fail("%s is missing: run `make guests rootfs` first" % f, pytrace=False)
        args = []
        for i, (dest, data) in enumerate(sorted(files.items())):
            src = tmp_path / ("f%d" % i)
            src.write_bytes(data if isinstance(data, bytes) else data.encode())
            args.append("%s:%s" % (src, dest))
        extra = tmp_path / "extra.cpio"
        subprocess.run(["/usr/bin/python3", os.path.join(REPO_ROOT, "scripts", "mkrootfs.py"),
                        str(extra)] + args, check=True)
        combined = tmp_path / "root.cpio"
        with open(ROOTFS, "rb") as a, open(extra, "rb") as b:
            combined.write_bytes(a.read() + b.read())
        return str(combined)
    return make


def test_walkthrough_console_and_knobs(keel, rootfs):
    """help, ls, create/list/destroy with free memory back; console attach and
    CTRL-]; pause/unpause, mem-max, sched-credit, vcpu-list, dmesg; poweroff."""
    root = rootfs({"/etc/t/peek.cfg": guest_cfg("peek")})
    sh = Script()
    sh.cmd("help")
    sh.cmd("ls /etc/guests")
    sh.cmd("vmctl info")
    sh.cmd(f"vmctl create {HELLO_CFG}")
    sh.cmd("vmctl list", after=greeting("hello"))
    # Knobs on the running guest.
    sh.bulk(["vmctl pause hello", "vmctl list", "vmctl unpause hello", "vmctl list",
             "vmctl unpause hello", "vmctl mem-set hello 48m", "vmctl mem-max hello 64m",
             "vmctl mem-set hello 48m", "vmctl mem-set hello 80m",
             "vmctl sched-credit -d hello -w 512", "vmctl sched-credit", "vmctl vcpu-list"])
    # Console: attached to an existing guest, typed text goes to it, not the shell.
    sh.cmd("vmctl console hello")
    sh.keys(b"echo leaked\n\x1d", delay=1.5)
    sh.cmd("echo back")
    # create -c: the guest's greeting while attached comes without the [peek] prefix.
    sh.cmd("vmctl create -c /etc/t/peek.cfg")
    sh.keys(b"\x1d", after=r"^\(d0\) Hello from peek, domain \d+: ")
    sh.cmd("echo detached")
    sh.bulk(["vmctl destroy hello", "vmctl destroy peek", "vmctl list", "vmctl info",
             "vmctl dmesg"])
    sh.cmd("poweroff")
    r = boot(keel, sh, root, label="dom0-walkthrough")
    out = lambda c, n=0: sh.output(r, c, n)     # noqa: E731

    o = out("help")
    for word in ("help", "ls", "cat", "echo", "vmctl", "poweroff", "reboot"):
        check(o.has(r"^  %s " % word), "help lacks %s" % word, o, r)
    o = out("ls /etc/guests")
    check(o.has(r"^-rw-r--r-- +\d+ hello\.cfg$"), "ls /etc/guests lacks hello.cfg", o, r)

    free_before = free_memory(out("vmctl info"))
    o = out(f"vmctl create {HELLO_CFG}")
    check(o.lines[:1] == ["Parsing config from " + HELLO_CFG], "create's first line", o, r)
    check(not o.has(r"^(vmctl|error|warning):"), "create complained", o, r)
    r.expect_line(r"^\(d0\) .*\[hello\] Hello from hello, domain 1: 32 MiB, 1 vCPUs, "
                  r'command line ""$')
    rows = list_rows(out("vmctl list"))
    check(rows.get("Domain-0", (None,))[:3] == (0, 128, 1) and
          rows.get("hello", (None,))[:3] == (1, 32, 1) and len(rows) == 2,
          "list: Domain-0 0 128 1, hello 1 32 1", out("vmctl list"), r)

    paused = list_rows(out("vmctl list", 1))["hello"][3]
    running = list_rows(out("vmctl list", 2))["hello"][3]
    check(paused[2] == "p" and running[2] == "-", "pause shows p, unpause clears it",
          out("vmctl list", 1), r)
    o = out("vmctl unpause hello", 1)
    check(o.lines == ["vmctl: unpause hello: EINVAL"], "second unpause", o, r)
    o = out("vmctl mem-set hello 48m")
    check(o.has(r"^vmctl: mem-set hello: 49152k is above the domain's maximum, 32768k$"),
          "mem-set above maxmem refused", o, r)
    o = out("vmctl mem-max hello 64m")
    check(o.lines == [], "mem-max says nothing", o, r)
    o = out("vmctl mem-set hello 48m", 1)
    check(o.lines == [], "mem-set within the new maximum", o, r)
    o = out("vmctl mem-set hello 80m")
    check(o.has(r"is above the domain's maximum, 65536k$"), "mem-max raised to 64m", o, r)
    o = out("vmctl sched-credit -d hello -w 512")
    check(o.lines == [], "sched-credit -w says nothing", o, r)
    o = out("vmctl sched-credit")
    check(o.has(r"^Name +ID Weight +Cap$") and o.has(r"^Domain-0 +0 +256 +0$") and
          o.has(r"^hello +1 +512 +0$"), "sched-credit shows hello's weight 512", o, r)
    o = out("vmctl vcpu-list")
    check(o.has(r"^Domain-0 +0 +0 +0 +r-- ") and
          o.has(r"^hello +1 +0 +0 +[rb-]{2}- +[\d.]+ +all / all$") and len(o.lines) == 3,
          "vcpu-list: one vCPU each", o, r)

    # Console: no shell output while attached, the shell works after CTRL-].
    r.expect_no("(d0) leaked")
    check(out("echo back").lines == ["back"], "shell after detaching", out("echo back"), r)
    r.expect_line(r"^\(d0\) Hello from peek, domain 2: 32 MiB")
    check(not r.grep(r"\[peek\] Hello from"), "peek's greeting was prefixed while attached",
          out("vmctl create -c /etc/t/peek.cfg"), r)
    check(out("echo detached").lines == ["detached"], "shell after create -c",
          out("echo detached"), r)

    for name in ("hello", "peek"):
        o = out("vmctl destroy " + name)
        check(not o.has(r"^vmctl"), "destroy %s" % name, o, r)
    rows = list_rows(out("vmctl list", 3))
    check(list(rows) == ["Domain-0"], "list after destroy", out("vmctl list", 3), r)
    check(free_memory(out("vmctl info", 1)) == free_before, "free_memory back to %d" % free_before,
          out("vmctl info", 1), r)
    assert len(r.grep(r"^\(KEEL\) domain [12] destroyed: every frame returned$")) == 2, \
        r.describe()

    o = out("vmctl dmesg")
    check(o.has(r"^\(KEEL\) Keel hypervisor") and
          o.has(r"^\(KEEL\) domain 1 created by domain 0$") and
          o.has(r"^\(d0\) Keel dom0: 128 MiB$"), "dmesg shows Keel's and dom0's lines", o, r)
    check(len(o.grep(r"^\(KEEL\) ready: ")) == 1 and not o.has(r"^\(d0\) \(d0\)"),
          "dmesg printed the ring once, not its own output", o, r)


def test_shutdown_reboot_and_crash_actions(keel, rootfs):
    """A guest powering itself off, shutdown -w, reboot to a new domain id,
    on_crash restart (restarts until destroyed) and preserve (state c)."""
    root = rootfs({
        "/etc/t/exit.cfg": guest_cfg("quitter", extra="exit"),
        "/etc/t/crashr.cfg": guest_cfg("crashy", extra="crash", on_crash="restart"),
        "/etc/t/crashp.cfg": guest_cfg("wreck", extra="crash", on_crash="preserve"),
    })
    restarted = r"crashy: shut down \(crash\), restarted as domain \d+"
    sh = Script()
    sh.cmd("vmctl info")
    sh.cmd("vmctl create /etc/t/exit.cfg")
    sh.cmd(f"vmctl create {HELLO_CFG}", after=r"quitter: shut down \(poweroff\), destroyed")
    sh.cmd("vmctl reboot hello", after=greeting("hello"))
    sh.cmd("vmctl list", after=greeting("hello"))
    sh.cmd("vmctl shutdown -w hello")
    sh.cmd("vmctl create /etc/t/crashr.cfg")
    sh.cmd("vmctl destroy crashy", after=restarted + r"[\s\S]*?" + restarted)
    sh.bulk(["vmctl list", "echo crashy-gone"])
    sh.cmd("vmctl create /etc/t/crashp.cfg")
    sh.cmd("vmctl list", after=r"wreck: shut down \(crash\), preserved")
    sh.bulk(["vmctl destroy wreck", "vmctl list", "vmctl info"])
    sh.cmd("poweroff")
    r = boot(keel, sh, root, label="dom0-lifecycle")
    out = lambda c, n=0: sh.output(r, c, n)     # noqa: E731

    # From inside: the guest powered itself off, the reaper destroyed it.
    r.expect_line(r"\[quitter\] Hello from quitter, domain 1: .*command line \"exit\"$")
    r.expect_line(r"^\(d0\) (?:dom0# )?quitter: shut down \(poweroff\), destroyed$")
    r.expect_line(r"^\(KEEL\) domain 1 destroyed: every frame returned$")

    # Reboot: the same config again as a new domain, greeting again.
    r.expect_line(r"^\(d0\) (?:dom0# )?hello: shut down \(reboot\), restarted as domain 3$")
    ids = [int(m) for m in re.findall(r"\[hello\] Hello from hello, domain (\d+):", r.console)]
    assert ids == [2, 3], "hello's greetings: %r\n%s" % (ids, r.describe())
    rows = list_rows(out("vmctl list"))
    check(rows.get("hello", (None,))[0] == 3, "hello is domain 3 after reboot",
          out("vmctl list"), r)

    # From outside, waiting.
    o = out("vmctl shutdown -w hello")
    for want in (r"^Waiting for domain hello \(3\) to shut down$",
                 r"^hello: shut down \(poweroff\), destroyed$", r"^Domain hello \(3\) is down$"):
        check(o.has(want), "shutdown -w: " + want, o, r)

    # on_crash = restart: at least two greetings with increasing ids, until destroyed.
    crash_ids = [int(m) for m in re.findall(r"\[crashy\] Hello from crashy, domain (\d+):",
                                            r.console)]
    assert len(crash_ids) >= 2 and crash_ids == sorted(set(crash_ids)), \
        "crashy's greetings: %r\n%s" % (crash_ids, r.describe())
    o = out("vmctl destroy crashy")
    check(not o.has(r"^vmctl"), "destroy crashy", o, r)
    check("crashy" not in list_rows(out("vmctl list", 1)), "crashy still listed",
          out("vmctl list", 1), r)
    after_destroy = r.console[r.console.index("(d0) crashy-gone"):]
    assert "restarted as domain" not in after_destroy and "[crashy]" not in after_destroy, \
        "crashy restarted after its destroy\n" + r.describe()

    # on_crash = preserve: listed as crashed until destroyed.
    r.expect_line(r"^\(d0\) (?:dom0# )?wreck: shut down \(crash\), preserved$")
    rows = list_rows(out("vmctl list", 2))
    check(rows.get("wreck", (0, 0, 0, ""))[3][4] == "c", "wreck's state is c",
          out("vmctl list", 2), r)
    # Its id depends on how often crashy restarted before its destroy.
    wreck_id = rows.get("wreck", (0,))[0]
    o = out("vmctl destroy wreck")
    check(o.lines == ["(KEEL) domain %d destroyed: every frame returned" % wreck_id],
          "destroy wreck", o, r)
    check(list(list_rows(out("vmctl list", 3))) == ["Domain-0"], "only dom0 left",
          out("vmctl list", 3), r)
    check(free_memory(out("vmctl info", 1)) == free_memory(out("vmctl info")),
          "free_memory back", out("vmctl info", 1), r)


def test_bad_configs_leave_dom0_healthy(keel, rootfs):
    """Each bad config gives one clear message (file and line where it applies),
    nothing is left behind, and the next vmctl list works."""
    hello = open(HELLO_ELF, "rb").read()
    root = rootfs({
        "/etc/t/syntax.cfg": 'name = "syn"\nmemory 32\n',
        "/etc/t/nokern.cfg": guest_cfg("nokern").replace("hello.elf", "missing.elf"),
        "/boot/junk.elf": bytes((i * 131 + 7) & 0xFF for i in range(3000)),
        "/etc/t/junk.cfg": guest_cfg("junk").replace("hello.elf", "junk.elf"),
        "/boot/trunc.elf": hello[:2000],
        "/etc/t/trunc.cfg": guest_cfg("trunc").replace("hello.elf", "trunc.elf"),
        "/etc/t/huge.cfg": guest_cfg("huge", memory=500),
        "/etc/t/typo.cfg": guest_cfg("typo") + "memroy = 64\n",
    })
    bad = {
        "/etc/t/nope.cfg": r"^vmctl: cannot read /etc/t/nope\.cfg$",
        "/etc/t/syntax.cfg": r"^error: /etc/t/syntax\.cfg:2:\d+: expected '=' after key \"memory\"",
        "/etc/t/nokern.cfg": r"^vmctl: nokern: cannot read kernel /boot/missing\.elf$",
        "/etc/t/junk.cfg": r"^vmctl: junk: kernel /boot/junk\.elf: .*not ELF",
        "/etc/t/trunc.cfg": r"^vmctl: trunc: kernel /boot/trunc\.elf: .*2000-byte file",
        "/etc/t/huge.cfg": r"^vmctl: huge: not enough free memory: memory = 500 MiB, "
                           r"the host has \d+ MiB free$",
    }
    sh = Script()
    sh.cmd("vmctl info")
    lines = []
    for cfg in bad:
        lines += ["vmctl create " + cfg, "vmctl list"]
    sh.bulk(lines)
    sh.cmd("vmctl create /etc/t/typo.cfg")
    sh.cmd(f"vmctl create {HELLO_CFG}", after=greeting("typo"))
    sh.cmd(f"vmctl create {HELLO_CFG}", after=greeting("hello"))
    sh.bulk(["vmctl list", "vmctl destroy typo", "vmctl destroy hello", "vmctl list",
             "vmctl info"])
    sh.cmd("poweroff")
    # 512 MiB: less free memory than huge.cfg's 500 MiB, which vmctl could build.
    r = boot(keel, sh, root, mem=512, label="dom0-bad-configs")
    out = lambda c, n=0: sh.output(r, c, n)     # noqa: E731

    for i, (cfg, message) in enumerate(bad.items()):
        o = out("vmctl create " + cfg)
        complaints = o.grep(r"^(vmctl|error|warning)")
        check(len(complaints) == 1 and re.search(message, complaints[0]),
              "%s: one line matching %r" % (cfg, message), o, r)
        check(not o.has(r"^\(KEEL\) domain \d+ created"), "%s: checked before createdomain"
              % cfg, o, r)
        check(list(list_rows(out("vmctl list", i))) == ["Domain-0"],
              "list after %s" % cfg, out("vmctl list", i), r)
    r.expect_line(greeting("typo", 1))          # the first domain built since boot

    o = out("vmctl create /etc/t/typo.cfg")
    check(o.grep(r"^(vmctl|error|warning)") ==
          ['warning: /etc/t/typo.cfg:4: unknown key "memroy"; ignored'],
          "unknown key: a warning with file:line", o, r)
    o = out(f"vmctl create {HELLO_CFG}", 1)
    check(o.has(r"^vmctl: a domain named 'hello' already exists$"), "duplicate name", o, r)
    rows = list_rows(out("vmctl list", len(bad)))
    check(sorted(rows) == ["Domain-0", "hello", "typo"], "typo and one hello run",
          out("vmctl list", len(bad)), r)
    check(list(list_rows(out("vmctl list", len(bad) + 1))) == ["Domain-0"], "all destroyed",
          out("vmctl list", len(bad) + 1), r)
    check(free_memory(out("vmctl info", 1)) == free_memory(out("vmctl info")),
          "free_memory back", out("vmctl info", 1), r)


def test_create_destroy_cycles_do_not_leak(keel, rootfs):
    """50 create/destroy cycles: free memory and Keel's frame accounting unchanged."""
    cycles, per_batch = 50, 10
    root = rootfs({"/c.cfg": guest_cfg("c")})
    sh = Script()
    sh.cmd("vmctl info")
    for _ in range(cycles // per_batch):
        sh.bulk(["vmctl create /c.cfg", "vmctl destroy c"] * per_batch)
    sh.bulk(["vmctl list", "vmctl info"])
    sh.cmd("poweroff")
    r = boot(keel, sh, root, label="dom0-cycles")
    outs = sh.outputs(r)

    creates = [o for o in outs if o.command == "vmctl create /c.cfg"]
    destroys = [o for o in outs if o.command == "vmctl destroy c"]
    assert len(creates) == len(destroys) == cycles, r.describe()
    for o in creates + destroys:
        check(not o.has(r"^(vmctl|error|warning)"), "a cycle failed", o, r)
    returned = r.grep(r"^\(KEEL\) domain (\d+) destroyed: every frame returned$")
    assert len(returned) == cycles, "%d of %d destroys returned every frame\n%s" % (
        len(returned), cycles, r.describe())
    ids = [int(re.search(r"domain (\d+)", l).group(1)) for l in returned]
    assert len(set(ids)) == cycles, "domain ids %r\n%s" % (ids, r.describe())
    r.expect_no("EBUSY", "dying")
    check(list(list_rows(sh.output(r, "vmctl list"))) == ["Domain-0"], "only dom0 left",
          sh.output(r, "vmctl list"), r)
    before = free_memory(sh.output(r, "vmctl info"))
    after = free_memory(sh.output(r, "vmctl info", 1))
    check(before == after, "free_memory %d MiB before, %d after %d cycles" % (
        before, after, cycles), sh.output(r, "vmctl info", 1), r)


def test_cpus_and_vcpu_pin(keel, rootfs):
    """On 2 CPUs: cpus="1" pins hello's vCPU at create, vcpu-pin moves it to CPU 0;
    a CPU the host lacks (7), in a config or in vcpu-pin, is refused with one clear
    line and changes nothing."""
    root = rootfs({"/etc/t/hello.cfg": guest_cfg("hello", cpus="1"),
                   "/etc/t/far.cfg": guest_cfg("far", cpus="0,7")})
    sh = Script()
    sh.cmd("vmctl create /etc/t/far.cfg")
    sh.cmd("vmctl create /etc/t/hello.cfg")
    sh.cmd("vmctl vcpu-list hello", after=greeting("hello"))
    sh.bulk(["vmctl vcpu-pin hello 0 7", "vmctl vcpu-list hello", "vmctl vcpu-pin hello 0 0",
             "vmctl vcpu-list hello", "vmctl list", "vmctl destroy hello"])
    sh.cmd("poweroff")
    r = boot(keel, sh, root, smp=2, label="dom0-vcpu-pin")
    out = lambda c, n=0: sh.output(r, c, n)     # noqa: E731
    row = r"^hello +1 +0 +%d +[rb-]{2}- +[\d.]+ +%s$"     # vCPU 0 of hello (domain 1)

    o = out("vmctl create /etc/t/far.cfg")
    check(o.grep(r"^(vmctl|error|warning)") ==
          ['vmctl: far: cpus = "0,7": item 2: CPU 7 does not exist (this host has CPUs 0-1)'],
          "cpus naming CPU 7: one line", o, r)
    check(not o.has(r"domain \d+ created"), "far: refused before createdomain", o, r)
    o = out("vmctl vcpu-list hello")
    check(o.has(row % (1, "1 / all")), "cpus=1: vCPU 0 on CPU 1, affinity 1", o, r)
    o = out("vmctl vcpu-pin hello 0 7")
    check(o.lines == ['vmctl: vcpu-pin: CPU list "7": item 1: CPU 7 does not exist '
                      '(this host has CPUs 0-1)'], "vcpu-pin to CPU 7: one line", o, r)
    o = out("vmctl vcpu-list hello", 1)
    check(o.has(row % (1, "1 / all")), "a refused pin changes nothing", o, r)
    o = out("vmctl vcpu-pin hello 0 0")
    check(not o.grep(r"^(vmctl|error)"), "vcpu-pin 0 says nothing", o, r)
    o = out("vmctl vcpu-list hello", 2)
    check(o.has(row % (0, "0 / all")), "pinned: vCPU 0 on CPU 0, affinity 0", o, r)
    check(sorted(list_rows(out("vmctl list"))) == ["Domain-0", "hello"], "only hello was made",
          out("vmctl list"), r)
