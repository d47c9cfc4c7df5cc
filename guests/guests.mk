# guests/guests.mk - the guest kernels (included by the top-level Makefile).
#
# build/guests/NAME.elf for each app folder guests/NAME/ (hello, dom0):
# the app's .c files + the kernel library (guests/lib/) + the portable
# parts (guests/common/) + the freestanding lib/ files they use.  dom0
# also links the toolstack (dom0-tools/) and lib/'s domain builder.
# Everything is compiled with the PV kernels' flags (PV_CFLAGS) and
# linked at 0xffffffff80000000 (guests/lib/guest.lds).

GUEST_CFLAGS = $(filter-out -fno-toplevel-reorder,$(PV_CFLAGS))
# domctl.h and sysctl.h are the toolstack's headers: dom0 and vmctl see them.
GUEST_TOOLS_CFLAGS = $(filter-out -D__XEN_INTERFACE_VERSION__=%,$(GUEST_CFLAGS)) -D__XEN_TOOLS__
GUEST_LDFLAGS = -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T guests/lib/guest.lds

GUEST_LIB_SRCS := $(wildcard guests/lib/*.c guests/lib/*.S)
GUEST_LIB_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(basename $(GUEST_LIB_SRCS))) \
	$(patsubst %.c,$(BUILD)/obj/%.o,$(GUEST_COMMON_SRCS)) \
	$(addprefix $(BUILD)/obj/lib/,cmdline.o format.o string.o strlcpy.o pvclock.o xs_proto.o xs_ring.o)
GUEST_BUILDER_OBJS := $(addprefix $(BUILD)/obj/lib/,elf64.o xen_elfnote.o hypercall_page.o \
	domain_layout.o domain_build.o)
GUEST_TOOLS_OBJS = $(patsubst %.c,$(BUILD)/guests/tools/%.o,$(DOM0_TOOLS_SRCS))

GUEST_APPS := $(filter-out lib common,$(notdir $(patsubst %/,%,$(dir $(wildcard guests/*/*.c)))))
GUEST_ELFS := $(patsubst %,$(BUILD)/guests/%.elf,$(sort $(GUEST_APPS)))

.PHONY: guests
guests: $(GUEST_ELFS)

$(BUILD)/obj/guests/dom0/%.o: guests/dom0/%.c | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_TOOLS_CFLAGS) -c $< -o $@

$(BUILD)/guests/tools/%.o: %.c | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_TOOLS_CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.c | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.S | $(XEN_INC)/xen
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

.SECONDEXPANSION:
$(BUILD)/guests/dom0.elf: $$(patsubst %.c,$(BUILD)/obj/%.o,$$(wildcard guests/dom0/*.c)) \
		$(GUEST_LIB_OBJS) $(GUEST_BUILDER_OBJS) $$(GUEST_TOOLS_OBJS) guests/lib/guest.lds
	@mkdir -p $(dir $@)
	$(LD) $(GUEST_LDFLAGS) -o $@ $(filter %.o,$^)

$(BUILD)/guests/%.elf: $$(addprefix $(BUILD)/obj/,$$(subst .c,.o,$$(wildcard guests/$$*/*.c))) \
		$(GUEST_LIB_OBJS) guests/lib/guest.lds
	@mkdir -p $(dir $@)
	$(LD) $(GUEST_LDFLAGS) -o $@ $(filter %.o,$^)

-include $(shell find $(BUILD)/obj $(BUILD)/guests -name '*.d' 2>/dev/null)

# dom0's root filesystem (boot module 2): guests/rootfs/ as it is, plus
# every domU kernel as /boot/NAME.elf.
ROOTFS_FILES := $(shell find guests/rootfs -type f 2>/dev/null)
ROOTFS_KERNELS := $(filter-out $(BUILD)/guests/dom0.elf,$(GUEST_ELFS))
ROOTFS_ARGS = $(foreach f,$(ROOTFS_FILES),$(f):$(patsubst guests/rootfs/%,/%,$(f))) \
	$(foreach k,$(ROOTFS_KERNELS),$(k):/boot/$(notdir $(k)))
$(BUILD)/guests/rootfs.cpio: $(ROOTFS_FILES) $(ROOTFS_KERNELS) scripts/mkrootfs.py
	@mkdir -p $(dir $@)
	$(PYTHON) scripts/mkrootfs.py $@ $(ROOTFS_ARGS)

.PHONY: rootfs
rootfs: $(BUILD)/guests/rootfs.cpio

# dom0's root filesystem plus a Linux kernel built for Xen as /boot/linux
# (for /etc/guests/linux.cfg; docs/linux-guests.md).  LINUX_PKG picks the
# Debian package (default: the cloud flavour); fetched once into build/linux.
$(BUILD)/linux/vmlinux:
	scripts/fetch-debian-linux.sh "$(LINUX_PKG)" $(BUILD)/linux
$(BUILD)/guests/rootfs-linux.cpio: $(ROOTFS_FILES) $(ROOTFS_KERNELS) $(BUILD)/linux/vmlinux scripts/mkrootfs.py
	@mkdir -p $(dir $@)
	$(PYTHON) scripts/mkrootfs.py $@ $(ROOTFS_ARGS) $(BUILD)/linux/vmlinux:/boot/linux

.PHONY: linux-rootfs
linux-rootfs: $(BUILD)/guests/rootfs-linux.cpio

# Debian's generic Linux (built with XEN_DOM0) and a tiny initramfs whose
# /init (tests/linux/init.c) prints and powers off: booted as the initial
# domain on Keel and on Xen 4.17 by tests/system/test_linux_dom0.py
# (scripts/run-linux-dom0.sh).  LINUX_DOM0_PKG picks another package.
LINUX_DOM0_PKG ?= linux-image-amd64
$(BUILD)/linux-dom0/vmlinux:
	scripts/fetch-debian-linux.sh "$(LINUX_DOM0_PKG)" $(BUILD)/linux-dom0
$(BUILD)/linux-dom0/init: tests/linux/init.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -static -nostdlib -ffreestanding -fno-builtin -fno-stack-protector -fno-pie -no-pie -Wall -Wextra -Werror -o $@ $<
$(BUILD)/linux-dom0/initramfs.cpio: $(BUILD)/linux-dom0/init scripts/mkrootfs.py
	$(PYTHON) scripts/mkrootfs.py $@ $<:/init --dir /proc --dir /dev

.PHONY: linux-dom0
linux-dom0: $(BUILD)/linux-dom0/vmlinux $(BUILD)/linux-dom0/initramfs.cpio
