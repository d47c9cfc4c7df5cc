"""Keel boots through its UEFI loader (build/BOOTX64.EFI) under OVMF.

Each test builds its own FAT image with scripts/mkefiimg.sh in a tmp dir and
boots it with keel_qemu.run_keel(efi_image=...) on q35:

  * the ready line `(KEEL) ready: N CPUs, M MiB, booted in T ms` with N = -smp,
    M a little below -m (the firmware keeps some RAM) and exit status 33;
  * boot modules from KEEL.CFG reach Keel with their command lines;
  * a missing or broken hypervisor file, or a broken KEEL.CFG, gives a loader
    message naming the file (or line) at fault, and QEMU ends.

When the loader fails it returns to OVMF, which falls through to its UEFI
shell; the images are built with KEEL_EFI_POWEROFF_ON_FAIL=1 so that the
shell's startup.nsh powers the machine off (QEMU status 0) instead of waiting
at a prompt.  Every run also has run_keel's timeout and -no-reboot.
"""

import os
import struct
import subprocess

import pytest

from keel_qemu import EXIT_SUCCESS, REPO_ROOT, run_keel

MKEFIIMG = os.path.join(REPO_ROOT, "scripts", "mkefiimg.sh")
LOADER = os.path.join(REPO_ROOT, "build", "BOOTX64.EFI")
HYPERVISOR = os.path.join(REPO_ROOT, "build", "hypervisor.elf")
READY_CMDLINE = "console=com1 noreboot selftest=ready"

# (CPUs, MiB): small, medium and large, all on q35.
CONFIGS = [(1, 128), (2, 512), (4, 2048)]

pytestmark = pytest.mark.efi


def mib_band(given):
    """RAM Keel may report under OVMF: a few percent below -m, never above."""
    return given - max(8, given * 5 // 100), given


@pytest.fixture(scope="module")
def efi_built():
    for path, how in ((LOADER, "make efi"), (HYPERVISOR, "make hypervisor")):
        if not os.path.exists(path):
            pytest.fail("%s is missing: run `%s` (`make system-test` builds both)" % (path, how),
                        pytrace=False)


def make_image(tmp_path, cmdline, modules=(), hypervisor=None, name="keel-efi.img"):
    """Build a boot image with scripts/mkefiimg.sh; returns its path."""
    out = tmp_path / name
    env = dict(os.environ, KEEL_EFI_LOADER=LOADER, KEEL_EFI_POWEROFF_ON_FAIL="1",
               KEEL_HYPERVISOR=str(hypervisor or HYPERVISOR))
    proc = subprocess.run([MKEFIIMG, str(out), cmdline] + list(modules), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=60)
    assert proc.returncode == 0, "mkefiimg.sh failed:\n%s" % proc.stdout
    return str(out)


def mtools(*argv):
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    proc = subprocess.run(list(argv), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=60)
    assert proc.returncode == 0, "%s failed:\n%s" % (" ".join(argv), proc.stdout)


def loader_errors(result):
    return result.grep(r"^Keel EFI loader: error: ")


def expect_loader_failure(result, *needles):
    """The loader printed an error containing every needle, and QEMU ended."""
    assert not result.timed_out, "QEMU hung after the loader failed\n%s" % result.describe()
    errors = loader_errors(result)
    assert errors, "no 'Keel EFI loader: error:' line\n%s" % result.describe()
    text = "\n".join(errors)
    for n in needles:
        assert n in text, "loader errors do not mention %r:\n%s\n%s" % (n, text,
                                                                         result.describe())
    result.expect_line(r"^Keel EFI loader: error: cannot boot Keel .*returning to the firmware")
    result.expect_no("(KEEL) ready:")
    assert not result.grep(r"entering Keel"), "the loader went on after an error\n%s" % (
        result.describe())


@pytest.mark.boot
@pytest.mark.parametrize("smp,mem", CONFIGS, ids=["%dcpu-%dM" % c for c in CONFIGS])
def test_efi_ready_line(efi_built, tmp_path, smp, mem):
    image = make_image(tmp_path, READY_CMDLINE)
    r = run_keel(None, smp=smp, mem=mem, machine="q35", efi_image=image,
                 label="efi-ready-smp%d-m%d" % (smp, mem))
    r.expect_exit(EXIT_SUCCESS)
    r.expect_line(r"^Keel EFI loader: entering Keel at 0x")
    assert not loader_errors(r), r.describe()
    assert len(r.ready_lines) == 1, "expected exactly one ready line, got %r\n%s" % (
        r.ready_lines, r.describe())
    assert r.ready is not None, "malformed ready line %r\n%s" % (r.ready_lines[0], r.describe())
    assert r.ready.cpus == smp, "Keel brought up %d CPUs, QEMU has %d\n%s" % (
        r.ready.cpus, smp, r.describe())
    lo, hi = mib_band(mem)
    assert lo <= r.ready.mib <= hi, "Keel reports %d MiB for -m %d (expected %d..%d)\n%s" % (
        r.ready.mib, mem, lo, hi, r.describe())
    r.expect_no("PANIC", "FATAL")


def test_efi_modules_reach_keel(efi_built, tmp_path, module_file):
    kernel = module_file("dom0.bin", 5000)
    ramdisk = module_file("initrd.img", 70000)
    extra = module_file("extra.bin", 123)
    spec = "%s dom0_arg=1 two,%s,%s x=y" % (kernel, ramdisk, extra)
    image = make_image(tmp_path, "console=com1 loglvl=all noreboot selftest=ready", [spec])
    r = run_keel(None, smp=1, mem=256, efi_image=image, label="efi-modules")
    r.expect_exit(EXIT_SUCCESS)
    r.expect_line(r"^\(KEEL\) .*Boot loader: Keel EFI loader")
    for n, size, args in ((1, 5000, "dom0_arg=1 two"), (2, 70000, ""), (3, 123, "x=y")):
        r.expect_line(r"^\(KEEL\) .*module %d: 0x[0-9a-f]+-0x[0-9a-f]+ %d bytes \"%s\"" % (
            n, size, args))


def test_efi_missing_hypervisor(efi_built, tmp_path):
    image = make_image(tmp_path, READY_CMDLINE)
    mtools("mdel", "-i", image, "::/EFI/BOOT/hypervisor.elf")
    r = run_keel(None, smp=1, mem=128, efi_image=image, label="efi-missing-hypervisor")
    expect_loader_failure(r, "cannot open \\EFI\\BOOT\\hypervisor.elf", "Not Found")


def elf_header(**fields):
    """A 64-byte ELF64 header for x86_64 ET_EXEC with no program headers."""
    h = {"cls": 2, "machine": 62, "type": 2, "phoff": 64, "phnum": 0}
    h.update(fields)
    return struct.pack("<4sBBBB8sHHIQQQIHHHHHH", b"\x7fELF", h["cls"], 1, 1, 0, b"\0" * 8,
                       h["type"], h["machine"], 1, 0, h["phoff"], 0, 0, 64, 56, h["phnum"],
                       0, 0, 0)


def elf_at(paddr):
    """A valid Keel-looking ELF with one 4 KiB PT_LOAD segment at physical `paddr`."""
    phdr = struct.pack("<IIQQQQQQ", 1, 7, 0x1000, paddr, paddr, 0x100, 0x1000, 0x1000)
    image_header = struct.pack("<IIQQQQ", 0x4c45454b, 1, paddr + 0x40, paddr,
                               paddr + 0x100, paddr + 0x1000)
    body = image_header + b"\xf4" * (0x100 - len(image_header))   # hlt
    head = elf_header(phnum=1) + phdr
    return head + b"\0" * (0x1000 - len(head)) + body


# name -> (file contents, text the loader's message must contain)
CORRUPT = {
    "not-elf": (b"this is not an ELF file at all\n" * 100, "not an ELF file"),
    "elf32": (elf_header(cls=1), "not a 64-bit ELF file"),
    "i386": (elf_header(machine=3), "not built for x86_64"),
    "truncated-phdrs": (elf_header(phnum=4), "program headers extend past the end of the file"),
}


def test_efi_unallocatable_segment(efi_built, tmp_path):
    """A segment where there is no RAM (the I/O APIC's page) cannot be allocated."""
    bad = tmp_path / "hypervisor.elf"
    bad.write_bytes(elf_at(0xFEC00000))
    image = make_image(tmp_path, READY_CMDLINE, hypervisor=bad)
    r = run_keel(None, smp=1, mem=128, efi_image=image, label="efi-unallocatable")
    expect_loader_failure(r, "cannot allocate 0xFEC00000-0xFEC00FFF for segment 0 of "
                          "hypervisor.elf at its physical address")


@pytest.mark.parametrize("kind", sorted(CORRUPT))
def test_efi_corrupt_hypervisor(efi_built, tmp_path, kind):
    data, message = CORRUPT[kind]
    bad = tmp_path / "hypervisor.elf"
    bad.write_bytes(data)
    image = make_image(tmp_path, READY_CMDLINE, hypervisor=bad)
    r = run_keel(None, smp=1, mem=128, efi_image=image, label="efi-corrupt-" + kind)
    expect_loader_failure(r, "hypervisor.elf is not a loadable Keel image", message)


def test_efi_config_error_names_line(efi_built, tmp_path):
    image = make_image(tmp_path, READY_CMDLINE)
    cfg = tmp_path / "KEEL.CFG"
    cfg.write_text("# a typo on line 5\n[global]\ndefault=keel\n[keel]\nkernal=dom0.elf\n"
                   "hypervisor=hypervisor.elf\n")
    mtools("mcopy", "-o", "-i", image, str(cfg), "::/EFI/BOOT/KEEL.CFG")
    r = run_keel(None, smp=1, mem=128, efi_image=image, label="efi-config-error")
    expect_loader_failure(r, "KEEL.CFG line 5", "unknown key 'kernal'")
