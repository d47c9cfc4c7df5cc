"""The credit scheduler on a machine: spin guests (guests/spin/) on one CPU
under Keel and our dom0, driven through dom0's shell (dom0_shell.py).

A spin guest prints, every second of system time, a line that dom0 logs as

    (d0) [NAME] spin: units=145811 +11330 in 1000 ms, ran 673 ms

(work done in total, in the interval, the interval's length, and the time
its vCPU ran then by its runstate).  Shares are compared as ratios of two
guests over the same window, never as absolute speeds: under TCG the
host's load changes how much work a millisecond holds, for every guest
alike.  Lines that cover a guest's start or a change of weight are left
out.

The docs' walk-through of the same steps is docs/scheduler.md, "Watching
it on a machine"; the policy's exact figures come from the simulator
(tests/unit/test_credit_sim.c).  Bands here are generous but a scheduler
that ignored weights (1:1), a change of weight (the old ratio) or a cap
(~100 %), or let a hog starve dom0 (seconds), falls outside them.
"""

import re

from dom0_shell import Script, boot, check, list_rows, top_rows

SPIN_CFG = "/etc/guests/spin.cfg"
SPIN_LINE = re.compile(r"\[(\S+)\] spin: units=\d+ \+(\d+) in (\d+) ms, ran (\d+) ms$")
# A band around 2 for "twice the CPU": measured 1.8-2.1 (the commit messages give the runs).
TWICE = (1.5, 2.7)


def spin_lines(name, n):
    """A pattern that matches once `name` has printed n more progress lines."""
    return r"(?:\[%s\] spin: units=[^\n]*\n[\s\S]*?){%d}" % (re.escape(name), n)


def progress(lines):
    """{name: (units, ms, ran ms, intervals)}, summed over the spin lines among lines."""
    sums = {}
    for line in lines:
        m = SPIN_LINE.search(line)
        if m:
            units, ms, ran, n = sums.get(m.group(1), (0, 0, 0, 0))
            sums[m.group(1)] = (units + int(m.group(2)), ms + int(m.group(3)),
                                ran + int(m.group(4)), n + 1)
    return sums


def ratios(lines, big, small, what, r):
    """(units, ran) of big over small in the window `lines`; each must have 3+ intervals."""
    sums = progress(lines)
    for name in (big, small):
        check(sums.get(name, (0, 0, 0, 0))[3] >= 3, "%s: 3 or more lines of %s" % (what, name),
              "\n".join(lines), r)
    (bu, bms, bran, _), (su, sms, sran, _) = sums[big], sums[small]
    check(su and sran, "%s: %s made no progress" % (what, small), "\n".join(lines), r)
    return (bu / bms) / (su / sms), (bran / bms) / (sran / sms)


def in_band(value, band):
    return band[0] <= value <= band[1]


def window(sh, after):
    """Once `after` showed: vmctl list, a 5 s frame of vmctl top, vmctl list."""
    sh.cmd("vmctl list", after=after)
    sh.cmd("vmctl top -i 1 -d 5")
    sh.cmd("vmctl list")


def check_twice(sh, r, n, big, small, what):
    """In the nth window, big got twice small's CPU by all four measures."""
    top = sh.output(r, "vmctl top -i 1 -d 5", n)
    units, ran = ratios(top.lines, big, small, what, r)
    frames = top_rows(top)
    check(len(frames) == 1 and frames[0].get(small), "%s: one top frame" % what, top, r)
    cpu = frames[0][big] / frames[0][small]
    before = list_rows(sh.output(r, "vmctl list", 2 * n))
    after = list_rows(sh.output(r, "vmctl list", 2 * n + 1))
    secs = [after[d][4] - before[d][4] for d in (big, small)]
    check(secs[1] > 0, "%s: %s's Time(s) grew" % (what, small), top, r)
    figures = "units %.2f, ran %.2f, top CPU(%%) %.2f, list Time(s) %.2f" % (
        units, ran, cpu, secs[0] / secs[1])
    print("%s: %s over %s: %s" % (what, big, small, figures))
    check(all(in_band(x, TWICE) for x in (units, ran, cpu, secs[0] / secs[1])),
          "%s: %s gets twice %s's CPU (%.1f-%.1f): %s" % (what, big, small, *TWICE, figures),
          top, r)


def test_weights_share_the_cpu_and_follow_a_live_change(keel):
    """Weights 256 and 512: the second gets twice the CPU (spin lines, vmctl top,
    vmctl list's Time(s)); `sched-credit -w 1024` on the first turns it round."""
    sh = Script()
    sh.cmd(f"vmctl create {SPIN_CFG} name=light cpu_weight=256")
    sh.cmd(f"vmctl create {SPIN_CFG} name=heavy cpu_weight=512")
    window(sh, after=spin_lines("heavy", 2))        # both past their first line
    sh.cmd("vmctl sched-credit -d light -w 1024")
    sh.cmd("vmctl sched-credit")
    window(sh, after=spin_lines("light", 3))        # the change settled (1-2 s)
    sh.cmd("poweroff")
    r = boot(keel, sh, label="sched-weights")

    o = sh.output(r, "vmctl sched-credit")
    check(o.has(r"^light +\d+ +1024 +0$") and o.has(r"^heavy +\d+ +512 +0$") and
          o.has(r"^Domain-0 +0 +256 +0$"), "sched-credit reads back the new weight", o, r)
    check_twice(sh, r, 0, "heavy", "light", "weights 256:512")
    check_twice(sh, r, 1, "light", "heavy", "weights 1024:512 after the change")


def test_a_cap_holds_on_an_idle_cpu(keel):
    """cap=25 on the only busy domain: it runs a quarter of each second, not all of it."""
    sh = Script()
    sh.cmd(f"vmctl create {SPIN_CFG} name=capped cap=25")
    sh.cmd("vmctl sched-credit", after=spin_lines("capped", 6))
    sh.cmd("poweroff")
    r = boot(keel, sh, label="sched-cap")

    o = sh.output(r, "vmctl sched-credit")
    check(o.has(r"^capped +\d+ +256 +25$"), "sched-credit shows the cap", o, r)
    lines = r.grep(SPIN_LINE.pattern)[1:]
    units, ms, ran, n = progress(lines).get("capped", (0, 0, 0, 0))
    check(n >= 5, "5 or more lines after the first", "\n".join(lines), r)
    print("cap 25: ran %d of %d ms over %d intervals: %.1f %%" % (ran, ms, n, 100 * ran / ms))
    check(0.15 <= ran / ms <= 0.35,
          "capped at 25 %% ran %.1f %% of its intervals (15-35)" % (100 * ran / ms),
          "\n".join(lines), r)


def pings(sh, tag, n):
    """n timed `echo` commands spread over a few seconds, then a timed vmctl list."""
    for i in range(n):
        sh.timed("echo %s-%d" % (tag, i), r"^\(d0\) %s-%d\r?$" % (tag, i), delay=0.2 + 0.1 * i)
    sh.timed("vmctl list", r"^\(d0\) hog +\d+ ", delay=0.3)


def test_spinning_domains_do_not_starve_dom0(keel):
    """Three spins on dom0's only CPU: each shell command answers within
    2 s, with every weight 256 (dom0 wakes boosted), then beside one spin
    at weight 65535 once dom0 has weight 2048.

    A liveness bound, not a speed: answers take 1-90 ms (the same with
    QEMU stopped 60 ms in every 360); a starved dom0 never answers.  Why
    dom0 gets 2048 beside the hog: a weight is a share.  At 256, dom0 is
    entitled to 0.39 % of the CPU (256 of 66303) while under TCG logging
    three guests' consoles takes about 0.6 %: once its saved credit (one
    slice) is spent, 10-15 s after the change, it is OVER and answers at
    its share's pace, 0.1-3 s.  2048 gives it 3 % (docs/scheduler.md).
    """
    bound = 2.0
    sh = Script()
    sh.cmd(f"vmctl create {SPIN_CFG} name=spin1")
    sh.cmd(f"vmctl create {SPIN_CFG} name=spin2")
    sh.cmd(f"vmctl create {SPIN_CFG} name=hog")
    sh.cmd("vmctl list", after=spin_lines("hog", 2))
    pings(sh, "equal", 8)
    sh.bulk(["vmctl sched-credit -d hog -w 65535", "vmctl sched-credit -d Domain-0 -w 2048"])
    # Past the time dom0's saved credit would last at weight 256.
    sh.cmd("vmctl sched-credit", after=spin_lines("hog", 15))
    pings(sh, "hog", 8)
    sh.cmd("poweroff")
    r = boot(keel, sh, label="sched-dom0-latency")

    rows = list_rows(sh.output(r, "vmctl list"))
    check(all(d in rows for d in ("spin1", "spin2", "hog")), "three spins running",
          sh.output(r, "vmctl list"), r)
    o = sh.output(r, "vmctl sched-credit")
    check(o.has(r"^hog +\d+ +65535 +0$") and o.has(r"^Domain-0 +0 +2048 +0$"),
          "the hog's weight is 65535, dom0's 2048", o, r)
    for what, times in (("weights all 256", sh.latencies[:9]),
                        ("hog 65535, dom0 2048", sh.latencies[9:])):
        shown = ", ".join("%.3f" % t if t is not None else "none" for t in times)
        print("dom0's answers, %s: %s s" % (what, shown))
        check(len(times) == 9 and None not in times and max(times) < bound,
              "%s: each command answered within %.1f s: %s" % (what, bound, shown),
              sh.output(r, "vmctl list", 2), r)


def test_a_hypercall_flood_gets_only_its_share(keel):
    """Two spins of equal weight, one doing its work as a flood of hypercalls
    (spin's flood=version: xen_version 64 times a unit): the flooder's time in
    Keel is charged to it, so it runs no more than the plain spin (ratio ~1;
    measured 0.95)."""
    sh = Script()
    sh.cmd(f"vmctl create {SPIN_CFG} name=plain")
    sh.cmd(f'vmctl create {SPIN_CFG} name=flood extra="flood=version"')
    sh.cmd("vmctl list", after=spin_lines("flood", 7))
    sh.cmd("poweroff")
    r = boot(keel, sh, label="sched-flood")

    r.expect_line(r"^\(d0\) \[flood\] spin: spinning with hypercalls: version, ")
    lines = r.grep(SPIN_LINE.pattern)
    # Leave out the lines that cover the second guest's start.
    first = next(i for i, l in enumerate(lines) if "[flood]" in l)
    window_lines = lines[first + 2:]
    _, ran = ratios(window_lines, "flood", "plain", "flood=version beside a plain spin", r)
    _, ms, plain_ran, _ = progress(window_lines)["plain"]
    print("hypercall flood over plain spin, ran: %.2f; the plain spin ran %.1f %% of the time" %
          (ran, 100 * plain_ran / ms))
    check(0.67 <= ran <= 1.5, "the flooder ran %.2f times the plain spin's time (0.67-1.5)" % ran,
          "\n".join(window_lines), r)
    # Whatever the runstate says of the flooder: the plain spin kept its half of the CPU.
    check(0.4 <= plain_ran / ms <= 0.6, "the plain spin ran %.1f %% of the time (40-60)" %
          (100 * plain_ran / ms), "\n".join(window_lines), r)
