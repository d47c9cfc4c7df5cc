/*
 * tests/pv/kernels/hypercalls.c - the simple hypercalls: xen_version (every
 * sub-op), console_io, sched_op, multicall, physdev_op set_iopl, unknown
 * hypercall numbers, and pointers into Xen's range.
 *
 * Strings Xen returns are fixed-size arrays: each test fills the buffer with
 * 0xff first and checks Xen zero-padded it after the terminator.  Where
 * Xen 4.17 does something one would not guess, the comment says so: Keel
 * must do the same.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/features.h>
#include <xen/physdev.h>

#include "lib/string.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/traps.h"

#define BAD_PTR ((void *)HYPERVISOR_VIRT_START)

/* True when @buf[0..size) is a NUL-terminated string followed only by zeros. */
static bool zero_padded(const char *buf, unsigned int size)
{
	unsigned int n = strnlen(buf, size);

	if (n == size)
		return false;
	for (unsigned int i = n; i < size; i++)
		if (buf[i])
			return false;
	return true;
}

/* -------------------------------------------------------------------------- */

TEST(xen_version, version)
{
	EXPECT_EQ(hyp_xen_version(XENVER_version, NULL), 4 << 16 | 17);
	/* The argument is ignored. */
	EXPECT_EQ(hyp_xen_version(XENVER_version, BAD_PTR), 4 << 16 | 17);
}

TEST(xen_version, extraversion)
{
	xen_extraversion_t v;

	memset(v, 0xff, sizeof(v));
	EXPECT_EQ(hyp_xen_version(XENVER_extraversion, v), 0);
	pv_printf("extraversion \"%s\"\n", v);
	EXPECT_TRUE(zero_padded(v, sizeof(v)));
	EXPECT_EQ(v[0], '.');
	EXPECT_EQ(hyp_xen_version(XENVER_extraversion, BAD_PTR), -XEN_EFAULT);
	EXPECT_EQ(hyp_xen_version(XENVER_extraversion, (void *)0x1000), -XEN_EFAULT);
}

TEST(xen_version, compile_info)
{
	struct xen_compile_info ci;

	memset(&ci, 0xff, sizeof(ci));
	EXPECT_EQ(hyp_xen_version(XENVER_compile_info, &ci), 0);
	pv_printf("compiled by %s@%s with %s on %s\n", ci.compile_by, ci.compile_domain,
		  ci.compiler, ci.compile_date);
	EXPECT_TRUE(zero_padded(ci.compiler, sizeof(ci.compiler)));
	EXPECT_TRUE(zero_padded(ci.compile_by, sizeof(ci.compile_by)));
	EXPECT_TRUE(zero_padded(ci.compile_domain, sizeof(ci.compile_domain)));
	EXPECT_TRUE(zero_padded(ci.compile_date, sizeof(ci.compile_date)));
	EXPECT_EQ(hyp_xen_version(XENVER_compile_info, BAD_PTR), -XEN_EFAULT);
}

TEST(xen_version, capabilities)
{
	static xen_capabilities_info_t caps;

	memset(caps, 0xff, sizeof(caps));
	EXPECT_EQ(hyp_xen_version(XENVER_capabilities, caps), 0);
	pv_printf("capabilities \"%s\"\n", caps);
	EXPECT_TRUE(zero_padded(caps, sizeof(caps)));
	EXPECT_EQ(strncmp(caps, "xen-3.0-x86_64", 14), 0);
	EXPECT_EQ(hyp_xen_version(XENVER_capabilities, BAD_PTR), -XEN_EFAULT);
}

TEST(xen_version, changeset)
{
	xen_changeset_info_t cs;

	memset(cs, 0xff, sizeof(cs));
	EXPECT_EQ(hyp_xen_version(XENVER_changeset, cs), 0);
	pv_printf("changeset \"%s\"\n", cs);
	EXPECT_TRUE(zero_padded(cs, sizeof(cs)));
	EXPECT_EQ(hyp_xen_version(XENVER_changeset, BAD_PTR), -XEN_EFAULT);
}

TEST(xen_version, platform_parameters)
{
	struct xen_platform_parameters p = {0};

	EXPECT_EQ(hyp_xen_version(XENVER_platform_parameters, &p), 0);
	EXPECT_EQ(p.virt_start, HYPERVISOR_VIRT_START);
	EXPECT_EQ(hyp_xen_version(XENVER_platform_parameters, BAD_PTR), -XEN_EFAULT);
}

TEST(xen_version, get_features)
{
	struct xen_feature_info fi = {.submap_idx = 0};

	/*
	 * What Xen 4.17 reports to a PV dom0.  Not writable_page_tables, though
	 * it emulates L1 writes anyway (see mmu.c).
	 */
	EXPECT_EQ(hyp_xen_version(XENVER_get_features, &fi), 0);
	pv_printf("features submap 0: %#x\n", fi.submap);
	/* Xen 4.17 reports 0x228e0; Keel honours the same set. */
	EXPECT_EQ(fi.submap, 1 << XENFEAT_mmu_pt_update_preserve_ad | 1 << XENFEAT_highmem_assist |
				     1 << XENFEAT_gnttab_map_avail_bits | 1 << XENFEAT_dom0 |
				     1 << XENFEAT_memory_op_vnode_supported |
				     1 << XENFEAT_direct_mapped);
	fi.submap_idx = 1;
	fi.submap = 0xdead;
	EXPECT_EQ(hyp_xen_version(XENVER_get_features, &fi), -XEN_EINVAL);
	EXPECT_EQ(fi.submap, 0xdead);
	EXPECT_EQ(hyp_xen_version(XENVER_get_features, BAD_PTR), -XEN_EFAULT);
}

TEST(xen_version, pagesize)
{
	EXPECT_EQ(hyp_xen_version(XENVER_pagesize, NULL), 4096);
}

TEST(xen_version, guest_handle)
{
	xen_domain_handle_t h;

	memset(h, 0xff, sizeof(h));
	EXPECT_EQ(hyp_xen_version(XENVER_guest_handle, h), 0);
	for (unsigned int i = 0; i < sizeof(h); i++)
		EXPECT_EQ(h[i], 0);
	EXPECT_EQ(hyp_xen_version(XENVER_guest_handle, BAD_PTR), -XEN_EFAULT);
}

/* dom0 may read Xen's command line (what scripts/run-on-xen.sh passed). */
TEST(xen_version, commandline)
{
	static xen_commandline_t cmd;

	memset(cmd, 0xff, sizeof(cmd));
	EXPECT_EQ(hyp_xen_version(XENVER_commandline, cmd), 0);
	pv_printf("commandline \"%s\"\n", cmd);
	EXPECT_TRUE(zero_padded(cmd, sizeof(cmd)));
	EXPECT_EQ(strncmp(cmd, "console=com1", 12), 0);
	EXPECT_EQ(hyp_xen_version(XENVER_commandline, BAD_PTR), -XEN_EFAULT);
}

/* dom0 may read the build id: a 20-byte SHA-1, its length returned; too small a buffer is -ENOBUFS.
 */
TEST(xen_version, build_id)
{
	struct {
		struct xen_build_id id;
		unsigned char buf[64];
	} b = {.id.len = 64};

	EXPECT_EQ(hyp_xen_version(XENVER_build_id, &b), 20);
	b.id.len = 19;
	EXPECT_EQ(hyp_xen_version(XENVER_build_id, &b), -XEN_ENOBUFS);
	EXPECT_EQ(hyp_xen_version(XENVER_build_id, BAD_PTR), -XEN_EFAULT);
}

TEST(xen_version, unknown_subop)
{
	EXPECT_EQ(hyp_xen_version(11, NULL), -XEN_ENOSYS);
	EXPECT_EQ(hyp_xen_version(99, NULL), -XEN_ENOSYS);
	EXPECT_EQ(hyp_xen_version(-1, NULL), -XEN_ENOSYS);
}

/* -------------------------------------------------------------------------- */

static long console_io(int cmd, unsigned long count, void *buf)
{
	return pv_hypercall3(__HYPERVISOR_console_io, cmd, count, buf);
}

TEST(console_io, write)
{
	char msg[] = "console_io write test\n";

	EXPECT_EQ(console_io(CONSOLEIO_write, sizeof(msg) - 1, msg), 0);
	EXPECT_EQ(console_io(CONSOLEIO_write, 0, NULL), 0);
	EXPECT_EQ(console_io(CONSOLEIO_write, 0, BAD_PTR), 0);
}

TEST(console_io, write_bad_pointers)
{
	EXPECT_EQ(console_io(CONSOLEIO_write, 10, BAD_PTR), -XEN_EFAULT);
	EXPECT_EQ(console_io(CONSOLEIO_write, 10, (void *)0x1000), -XEN_EFAULT);
	EXPECT_EQ(console_io(CONSOLEIO_write, 0x7fffffff, (void *)0x1000), -XEN_EFAULT);
	EXPECT_EQ(console_io(CONSOLEIO_write, ~0UL, (void *)0x1000), -XEN_EFAULT);
}

TEST(console_io, read)
{
	char buf[64];

	/* dom0 reads the serial input ring: nothing was typed, so 0 bytes (and no copy). */
	EXPECT_EQ(console_io(CONSOLEIO_read, 0, buf), 0);
	EXPECT_EQ(console_io(CONSOLEIO_read, sizeof(buf), buf), 0);
	EXPECT_EQ(console_io(CONSOLEIO_read, sizeof(buf), BAD_PTR), 0);
}

TEST(console_io, unknown_cmd)
{
	EXPECT_EQ(console_io(2, 0, NULL), -XEN_ENOSYS);
	EXPECT_EQ(console_io(99, 0, NULL), -XEN_ENOSYS);
}

/* -------------------------------------------------------------------------- */

TEST(sched_op, yield)
{
	EXPECT_EQ(hyp_sched_op(SCHEDOP_yield, NULL), 0);
	EXPECT_EQ(hyp_sched_op(SCHEDOP_yield, BAD_PTR), 0);
}

TEST(sched_op, shutdown_code)
{
	struct sched_shutdown s = {.reason = SHUTDOWN_poweroff};

	EXPECT_EQ(hyp_sched_op(SCHEDOP_shutdown_code, &s), 0);
	EXPECT_EQ(hyp_sched_op(SCHEDOP_shutdown_code, BAD_PTR), -XEN_EFAULT);
	EXPECT_EQ(hyp_sched_op(SCHEDOP_shutdown, BAD_PTR), -XEN_EFAULT);
}

TEST(sched_op, poll)
{
	evtchn_port_t port = 0;
	struct sched_poll p = {.nr_ports = 0, .timeout = 1};

	/* No ports and a timeout already past: returns at once. */
	set_xen_guest_handle(p.ports, &port);
	EXPECT_EQ(hyp_sched_op(SCHEDOP_poll, &p), 0);
	p.nr_ports = 1;
	port = 5000;
	EXPECT_EQ(hyp_sched_op(SCHEDOP_poll, &p), -XEN_EINVAL);
	p.nr_ports = 1000;
	EXPECT_EQ(hyp_sched_op(SCHEDOP_poll, &p), -XEN_EINVAL);
	EXPECT_EQ(hyp_sched_op(SCHEDOP_poll, BAD_PTR), -XEN_EFAULT);
}

TEST(sched_op, remote_shutdown_and_watchdog)
{
	struct sched_remote_shutdown rs = {.domain_id = 77, .reason = SHUTDOWN_poweroff};
	struct sched_watchdog wd = {.id = 0, .timeout = 3600};
	long id;

	EXPECT_EQ(hyp_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH);
	id = hyp_sched_op(SCHEDOP_watchdog, &wd);
	EXPECT_EQ(id, 1);
	wd.id = id;
	wd.timeout = 0;
	EXPECT_EQ(hyp_sched_op(SCHEDOP_watchdog, &wd), 0);
	EXPECT_EQ(hyp_sched_op(SCHEDOP_watchdog, &wd), -XEN_EINVAL);
}

TEST(sched_op, unknown_cmd)
{
	EXPECT_EQ(hyp_sched_op(99, NULL), -XEN_ENOSYS);
	EXPECT_EQ(hyp_sched_op(-1, NULL), -XEN_ENOSYS);
}

/* -------------------------------------------------------------------------- */

static long multicall(struct multicall_entry *calls, unsigned int nr)
{
	return pv_hypercall2(__HYPERVISOR_multicall, calls, nr);
}

TEST(multicall, batch)
{
	static char msg[] = "written from a multicall\n";
	struct multicall_entry c[4] = {
	    {.op = __HYPERVISOR_xen_version, .args = {XENVER_version}},
	    {.op = __HYPERVISOR_console_io,
	     .args = {CONSOLEIO_write, sizeof(msg) - 1, (unsigned long)msg}},
	    {.op = __HYPERVISOR_xen_version, .args = {99}},
	    {.op = __HYPERVISOR_xen_version, .args = {XENVER_pagesize}},
	};

	for (unsigned int i = 0; i < 4; i++)
		c[i].result = 0x5a5a;
	EXPECT_EQ(multicall(c, 4), 0);
	EXPECT_EQ(c[0].result, 4 << 16 | 17);
	EXPECT_EQ(c[1].result, 0);
	/* A failing entry does not stop the batch. */
	EXPECT_EQ(c[2].result, -XEN_ENOSYS);
	EXPECT_EQ(c[3].result, 4096);
}

/* A long batch (Xen may preempt and continue it): every entry gets its result. */
TEST(multicall, long_batch)
{
	static struct multicall_entry c[256];
	unsigned int bad = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(c); i++) {
		c[i].op = __HYPERVISOR_xen_version;
		c[i].args[0] = i % 2 ? XENVER_pagesize : XENVER_version;
		c[i].result = 0;
	}
	EXPECT_EQ(multicall(c, ARRAY_SIZE(c)), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(c); i++)
		if (c[i].result != (i % 2 ? 4096UL : 4 << 16 | 17))
			bad++;
	EXPECT_EQ(bad, 0);
}

TEST(multicall, empty_and_bad_pointers)
{
	struct multicall_entry c = {.op = __HYPERVISOR_xen_version, .result = 7};

	EXPECT_EQ(multicall(&c, 0), 0);
	EXPECT_EQ(c.result, 7);
	EXPECT_EQ(multicall(NULL, 0), 0);
	EXPECT_EQ(multicall(BAD_PTR, 1), -XEN_EFAULT);
	EXPECT_EQ(multicall((void *)0x1000, 1), -XEN_EFAULT);
	EXPECT_EQ(multicall((void *)0x1000, 0x7fffffff), -XEN_EFAULT);
}

/* Hypercalls that a multicall cannot carry. */
TEST(multicall, forbidden_entries)
{
	struct multicall_entry c[3] = {
	    {.op = __HYPERVISOR_multicall},
	    {.op = 99},
	    {.op = 1000},
	};

	for (unsigned int i = 0; i < 3; i++)
		c[i].result = 0x5a5a;
	EXPECT_EQ(multicall(c, 3), 0);
	/* A nested multicall is -EINVAL; unknown numbers -ENOSYS. */
	EXPECT_EQ(c[0].result, -XEN_EINVAL);
	EXPECT_EQ(c[1].result, -XEN_ENOSYS);
	EXPECT_EQ(c[2].result, -XEN_ENOSYS);
}

/*
 * Xen 4.17 runs an iret inside a multicall: it takes the iret_context from
 * the guest stack as it was at the multicall (rsp at the syscall), so the
 * multicall "returns" wherever that frame says, with the frame's rax, rcx
 * and r11; the iret entry's result is that rax and the entries after it do
 * not run.  Here the frame is a valid one built on purpose, and the
 * multicall is issued by a raw syscall (no return address pushed).
 */
TEST(multicall, iret_entry)
{
	static struct multicall_entry c[2] = {
	    {.op = __HYPERVISOR_iret},
	    {.op = __HYPERVISOR_xen_version, .args = {XENVER_version}},
	};
	unsigned long rax, rcx, path;
	register unsigned long r11 __asm__("r11");
	struct multicall_entry *calls = c;
	unsigned long nr = 2;

	c[0].result = c[1].result = 0x5a5a;
	__asm__ volatile("mov %%rsp, %%r12\n"
			 "pushq $%c[ss]\n"
			 "push %%r12\n"
			 "pushq $0x2\n"
			 "pushq $%c[cs]\n"
			 "lea 2f(%%rip), %%rax\n"
			 "push %%rax\n"
			 "pushq $0\n"	   /* flags */
			 "pushq $0x3333\n" /* rcx */
			 "pushq $0x2222\n" /* r11 */
			 "pushq $0x1111\n" /* rax */
			 "mov $%c[mc], %%eax\n"
			 "syscall\n"
			 "mov $1, %[path]\n"
			 "jmp 3f\n"
			 "2: mov $2, %[path]\n"
			 "3: mov %%r12, %%rsp\n"
			 : "=&a"(rax), [path] "=&b"(path), "=&c"(rcx), "=&r"(r11), "+D"(calls),
			   "+S"(nr)
			 : [ss] "i"(FLAT_KERNEL_SS), [cs] "i"(FLAT_KERNEL_CS & ~3),
			   [mc] "i"(__HYPERVISOR_multicall)
			 : "rdx", "r10", "r8", "r12", "memory");
	EXPECT_EQ(path, 2);
	EXPECT_EQ(rax, 0x1111);
	EXPECT_EQ(rcx, 0x3333);
	EXPECT_EQ(r11, 0x2222);
	EXPECT_EQ(c[0].result, 0x1111);
	EXPECT_EQ(c[1].result, 0x5a5a);
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_mask, 1);
}

/* -------------------------------------------------------------------------- */

static long set_iopl(unsigned int iopl)
{
	struct physdev_set_iopl s = {.iopl = iopl};

	return pv_hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, &s);
}

/* Runs cli, then sti if it did not trap; returns the number of traps. */
static unsigned long cli_traps(void)
{
	unsigned long before = pv_trap_count;

	__asm__ volatile("1: cli\n2:\n" PV_FIXUP("1b", "2b")::: "memory");
	return pv_trap_count - before;
}

static unsigned long inb_traps(void)
{
	unsigned long before = pv_trap_count;

	__asm__ volatile("1: inb $0x80, %%al\n2:\n" PV_FIXUP("1b", "2b")::: "rax", "memory");
	return pv_trap_count - before;
}

/*
 * PHYSDEVOP_set_iopl sets the virtual IOPL.  Xen 4.17 (no architectural_iopl
 * assist) lets the guest kernel use cli/sti and port I/O from IOPL 1 up:
 * cli is then emulated, and does not touch the upcall mask.
 */
TEST(physdev_op, set_iopl)
{
	pv_trap_reset();
	EXPECT_EQ(cli_traps(), 1);
	EXPECT_EQ(inb_traps(), 1);
	EXPECT_EQ(set_iopl(1), 0);
	EXPECT_EQ(cli_traps(), 0);
	EXPECT_EQ(inb_traps(), 0);
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_mask, 1);
	EXPECT_EQ(set_iopl(3), 0);
	EXPECT_EQ(cli_traps(), 0);
	EXPECT_EQ(inb_traps(), 0);
	EXPECT_EQ(set_iopl(4), -XEN_EINVAL);
	EXPECT_EQ(set_iopl(0), 0);
	EXPECT_EQ(cli_traps(), 1);
	EXPECT_EQ(inb_traps(), 1);
	EXPECT_EQ(pv_hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, BAD_PTR), -XEN_EFAULT);
	pv_vcpu0->evtchn_upcall_mask = 1;
}

static uint8_t inb_port(uint16_t port)
{
	uint8_t v = 0;

	__asm__ volatile("1: inb %1, %0\n2:\n" PV_FIXUP("1b", "2b") : "+a"(v) : "Nd"(port) : "memory");
	return v;
}

static void outb_port(uint16_t port, uint8_t v)
{
	__asm__ volatile("1: outb %0, %1\n2:\n" PV_FIXUP("1b", "2b") : : "a"(v), "Nd"(port) : "memory");
}

#define COM1 0x3f8

/*
 * With the IOPL to do port I/O, a port the domain may not drive is not a
 * #GP: it reads all ones and takes no writes.  The hypervisor's serial
 * console (COM1: we booted with console=com1) is such a port even for the
 * control domain; its scratch register would give back what was written.
 */
TEST(physdev_op, ports_not_ours)
{
	pv_trap_reset();
	EXPECT_EQ(set_iopl(1), 0);
	outb_port(COM1 + 7, 0x5a);
	EXPECT_EQ(inb_port(COM1 + 7), 0xff);
	EXPECT_EQ(inb_port(COM1 + 5), 0xff); /* LSR: a live UART never reads all ones */
	/*
	 * The legacy interrupt controllers stay the hypervisor's, even for
	 * dom0: unmasking IRQ 0 there must not reach the machine, so the mask
	 * registers read all ones (a real PIC would give back 0xfe).
	 */
	outb_port(0x21, 0xfe);
	EXPECT_EQ(inb_port(0x21), 0xff);
	outb_port(0xa1, 0xfe);
	EXPECT_EQ(inb_port(0xa1), 0xff);
	EXPECT_EQ(pv_trap_count, 0);
	EXPECT_EQ(set_iopl(0), 0);
	inb_port(COM1 + 7);
	EXPECT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 13);
	pv_vcpu0->evtchn_upcall_mask = 1;
}

/*
 * With VMASST_TYPE_architectural_iopl the guest kernel counts as ring 0 for
 * IOPL checks, so even IOPL 0 lets it use cli and port I/O.
 */
TEST(physdev_op, architectural_iopl)
{
	pv_trap_reset();
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_enable, VMASST_TYPE_architectural_iopl), 0);
	EXPECT_EQ(cli_traps(), 0);
	EXPECT_EQ(inb_traps(), 0);
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_disable, VMASST_TYPE_architectural_iopl), 0);
	EXPECT_EQ(cli_traps(), 1);
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_enable, VMASST_TYPE_architectural_iopl), 0);
	EXPECT_EQ(set_iopl(1), 0);
	EXPECT_EQ(cli_traps(), 0);
	EXPECT_EQ(set_iopl(0), 0);
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_disable, VMASST_TYPE_architectural_iopl), 0);
	pv_vcpu0->evtchn_upcall_mask = 1;
}

TEST(physdev_op, unknown)
{
	EXPECT_EQ(pv_hypercall2(__HYPERVISOR_physdev_op, 99, NULL), -XEN_ENOSYS);
}

/* -------------------------------------------------------------------------- */

TEST(hypercall, unknown_numbers)
{
	static const unsigned int nrs[] = {11, 43, 44, 45, 46, 47, 50,	51, 52,
					   53, 54, 55, 56, 63, 64, 100, 127};

	for (unsigned int i = 0; i < ARRAY_SIZE(nrs); i++) {
		long r = pv_hypercall0(nrs[i]);

		if (r != -XEN_ENOSYS)
			pv_printf("hypercall %u: %ld\n", nrs[i], r);
		EXPECT_EQ(r, -XEN_ENOSYS);
	}
}

/* The old (compat) numbers 6, 16 and 19 still work: they read their argument (-EFAULT for NULL). */
TEST(hypercall, compat_numbers)
{
	EXPECT_EQ(pv_hypercall2(__HYPERVISOR_sched_op_compat, SCHEDOP_yield, 0), 0);
	EXPECT_EQ(pv_hypercall1(__HYPERVISOR_event_channel_op_compat, NULL), -XEN_EFAULT);
	EXPECT_EQ(pv_hypercall1(__HYPERVISOR_physdev_op_compat, NULL), -XEN_EFAULT);
	EXPECT_EQ(pv_hypercall1(__HYPERVISOR_physdev_op_compat, BAD_PTR), -XEN_EFAULT);
}

/*
 * The iret stub of the hypercall page: push %rcx; push %r11; push %rax;
 * mov $23, %eax; syscall.  Guests jump to it with rip..ss and flags on the
 * stack, which is what makes the iret_context layout (traps.c checks the
 * semantics; these bytes are what Xen 4.17 writes).
 */
TEST(hypercall, iret_stub)
{
	static const uint8_t expect[] = {0x51, 0x41, 0x53, 0x50, 0xb8, 0x17, 0, 0, 0, 0x0f, 0x05};
	const uint8_t *stub = hypercall_page + __HYPERVISOR_iret * 32;

	EXPECT_EQ(memcmp(stub, expect, sizeof(expect)), 0);
}

/* A raw syscall from the guest kernel is a hypercall, numbers past the page included. */
TEST(hypercall, raw_syscall)
{
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(__HYPERVISOR_xen_version), "D"(XENVER_version)
			 : "rcx", "r11", "rsi", "rdx", "r10", "r8", "memory");
	EXPECT_EQ(r, 4 << 16 | 17);
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(1000)
			 : "rcx", "r11", "rdi", "rsi", "rdx", "r10", "r8", "memory");
	EXPECT_EQ(r, -XEN_ENOSYS);
}
