# hypervisor/boot/efi/efi.mk - the UEFI loader and booting Keel under OVMF.
# Included by the top Makefile, which defines BUILD, CC, LD, OBJCOPY, QEMU,
# ACCEL, SMP, MEM, CMDLINE, MODULES, QEMU_EXTRA and WARNINGS.  Every name defined here
# starts with EFI_ (or efi-) so nothing leaks into the hypervisor's flags.
#
#   make efi       build/BOOTX64.EFI and build/keel-efi.img (a FAT ESP image
#                  holding the loader, build/hypervisor.elf and KEEL.CFG with
#                  options=$(CMDLINE) and the MODULES)
#   make run-efi   boot that image with QEMU + OVMF, console on this terminal

EFI_SRCS     := $(wildcard hypervisor/boot/efi/*.c)
EFI_OBJS     := $(patsubst %.c,$(BUILD)/efi/%.o,$(EFI_SRCS))
EFI_SO       := $(BUILD)/efi/bootx64.so
EFI_APP      := $(BUILD)/BOOTX64.EFI
EFI_IMG      := $(BUILD)/keel-efi.img

# GNU-EFI (Debian package gnu-efi).  GNU_EFI_USE_MS_ABI makes the firmware's
# function pointers ms_abi, so they are called directly, without
# uefi_call_wrapper(); our own functions keep the System V ABI.
EFI_INC      := /usr/include/efi
EFI_LIBDIR   := /usr/lib
EFI_CRT0     := $(EFI_LIBDIR)/crt0-efi-x86_64.o
EFI_LDS      := $(EFI_LIBDIR)/elf_x86_64_efi.lds
EFI_CFLAGS   := -std=gnu11 -I. -isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 \
	-DGNU_EFI_USE_MS_ABI -fpic -fshort-wchar -mno-red-zone -ffreestanding \
	-fno-stack-protector -fno-strict-aliasing -maccumulate-outgoing-args \
	-fno-asynchronous-unwind-tables -fcf-protection=none -O2 -g $(WARNINGS) -MMD -MP
EFI_LDFLAGS  := -nostdlib -znocombreloc -T $(EFI_LDS) -shared -Bsymbolic -L$(EFI_LIBDIR)
EFI_LIBS     := -lefi -lgnuefi
EFI_SECTIONS := -j .text -j .sdata -j .data -j .dynamic -j .dynsym \
	-j .rel -j .rela -j .rel.* -j .rela.* -j .reloc

# OVMF: read-only code, and a fresh copy of the variable store for each run.
EFI_OVMF_CODE := /usr/share/OVMF/OVMF_CODE_4M.fd
EFI_OVMF_VARS := /usr/share/OVMF/OVMF_VARS_4M.fd
EFI_VARS      := $(BUILD)/OVMF_VARS_4M.fd

.PHONY: efi-force

efi: setup $(EFI_APP) $(EFI_IMG)

$(BUILD)/efi/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

$(EFI_SO): $(EFI_OBJS) $(EFI_CRT0) $(EFI_LDS)
	$(LD) $(EFI_LDFLAGS) $(EFI_CRT0) $(EFI_OBJS) -o $@ $(EFI_LIBS)

$(EFI_APP): $(EFI_SO)
	$(OBJCOPY) $(EFI_SECTIONS) --target=efi-app-x86_64 --subsystem=10 $< $@

# Rebuilt every time (it takes a moment): CMDLINE, MODULES and the module
# files may all have changed.  Passed through the environment so that quotes
# in them survive.
$(EFI_IMG): export EFI_IMG_CMDLINE := $(CMDLINE)
$(EFI_IMG): export EFI_IMG_MODULES := $(MODULES)
# The default modules (dom0 and its root filesystem) are built first.
$(EFI_IMG): $(EFI_APP) $(BUILD)/hypervisor.elf scripts/mkefiimg.sh efi-force \
	$(if $(findstring $(BUILD)/guests/,$(MODULES)),guests rootfs)
	KEEL_EFI_LOADER=$(EFI_APP) KEEL_HYPERVISOR=$(BUILD)/hypervisor.elf \
		scripts/mkefiimg.sh $@ "$$EFI_IMG_CMDLINE" "$$EFI_IMG_MODULES"

run-efi: setup efi
	cp $(EFI_OVMF_VARS) $(EFI_VARS)
	$(QEMU) $(ACCEL) -machine q35 -smp $(SMP) -m $(MEM) -nographic -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-drive if=pflash,format=raw,unit=0,readonly=on,file=$(EFI_OVMF_CODE) \
		-drive if=pflash,format=raw,unit=1,file=$(EFI_VARS) \
		-drive format=raw,file=$(EFI_IMG) $(QEMU_EXTRA)

-include $(shell find $(BUILD)/efi -name '*.d' 2>/dev/null)
