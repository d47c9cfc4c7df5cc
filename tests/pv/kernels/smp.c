/*
 * tests/pv/kernels/smp.c - several vCPUs in one PV domain (xen/vcpu.h):
 * VCPUOP_initialise/up/down/is_up, the vCPU context, vCPUs running at the
 * same time on different CPUs, event channels between vCPUs (IPIs,
 * bind_vcpu, a per-vCPU VIRQ_TIMER), the runstate and time areas,
 * register_vcpu_info, TLB flushes of other vCPUs; hostile vcpu ids,
 * contexts, offsets, frames and pointers.
 *
 * PV-TEST-SMP: 2
 * PV-TEST-CMDLINE: dom0_max_vcpus=3
 *
 * dom0 gets 3 vCPUs on 2 CPUs.  vCPU 1 is started once (a vCPU can be
 * initialised only once) and runs `worker` for the rest of the kernel: it
 * blocks with events enabled, and runs the job vCPU 0 posts whenever an
 * IPI (kick_port) wakes it, events masked.  Its event upcalls go to
 * tests/pv/vcpu.c's entry, which hands each port to on_event (counts in
 * hits[], answers a ping with a pong).  Only vCPU 0 checks results:
 * vCPU 1 leaves them in shared variables.  vCPU 2 is used once, for
 * VGCF_online.  Waits are bounded (WAIT_NS of vCPU 0's clock) so a bug
 * gives a failure, not a hang.
 *
 * Where Xen 4.17 does something one would not guess, a comment says
 * "Xen 4.17": Keel must do the same.  Left out because Keel differs by
 * design (docs/pv-model.md): contexts whose CS/SS are not Xen's flat
 * selectors (Xen accepts them and faults the vCPU later; Keel refuses
 * them), and whether a vCPU initialised with VGCF_online runs before the
 * domain is next unpaused (Xen 4.17: it does not; Keel runs it).
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>

#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/traps.h"
#include "tests/pv/vcpu.h"

#define BAD_PTR	 ((void *)HYPERVISOR_VIRT_START)
#define NONCANON 0x0000800000000000UL
#define MS	 1000000ULL
#define WAIT_NS	 (10000ULL * MS)

#define PORT_WORD(p) ((p) / (8 * sizeof(xen_ulong_t)))
#define PORT_BIT(p)  (1UL << ((p) % (8 * sizeof(xen_ulong_t))))

static struct vcpu_guest_context ctx; /* 5 KiB: not on the stack */

/* ---- helpers ---- */

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
	return hyp_vcpu_op(cmd, id, arg);
}

static long is_up(unsigned int id)
{
	return vcpu_op(VCPUOP_is_up, id, NULL);
}

static int runstate_of(unsigned int id)
{
	struct vcpu_runstate_info r = {.state = -1};

	return vcpu_op(VCPUOP_get_runstate_info, id, &r) ? -1 : r.state;
}

static uint64_t now_ns(void)
{
	return pv_time_ns(&pv_vcpu0->time);
}

/* Spins until *p == val or WAIT_NS pass; true if it got there. */
static bool wait_for(volatile unsigned long *p, unsigned long val)
{
	uint64_t end = now_ns() + WAIT_NS;

	while (*p != val)
		if (now_ns() > end)
			return false;
	return true;
}

/* Spins until *p > val (a counter moving on) or WAIT_NS pass. */
static bool wait_past(volatile unsigned long *p, unsigned long val)
{
	uint64_t end = now_ns() + WAIT_NS;

	while (*p <= val)
		if (now_ns() > end)
			return false;
	return true;
}

/* Polls until vCPU id's runstate is `state` or WAIT_NS pass. */
static bool wait_runstate(unsigned int id, int state)
{
	uint64_t end = now_ns() + WAIT_NS;

	while (runstate_of(id) != state)
		if (now_ns() > end)
			return false;
	return true;
}

static long evtchn_op(int cmd, void *arg)
{
	return hyp_event_channel_op(cmd, arg);
}

static long bind_ipi(unsigned int vcpu)
{
	struct evtchn_bind_ipi b = {.vcpu = vcpu};
	long rc = evtchn_op(EVTCHNOP_bind_ipi, &b);

	return rc ? rc : (long)b.port;
}

static long send(evtchn_port_t port)
{
	struct evtchn_send s = {.port = port};

	return evtchn_op(EVTCHNOP_send, &s);
}

static void close_port(evtchn_port_t port)
{
	struct evtchn_close c = {.port = port};

	evtchn_op(EVTCHNOP_close, &c);
}

static bool port_pending(evtchn_port_t p)
{
	return pv_shared_info->evtchn_pending[PORT_WORD(p)] & PORT_BIT(p);
}

static void port_clear(evtchn_port_t p)
{
	__atomic_fetch_and(&pv_shared_info->evtchn_pending[PORT_WORD(p)], ~PORT_BIT(p),
			   __ATOMIC_SEQ_CST);
}

/* SCHEDOP_poll on one port for up to WAIT_NS; true if it is pending afterwards. */
static bool poll_port(evtchn_port_t port)
{
	struct sched_poll p = {.nr_ports = 1, .timeout = now_ns() + WAIT_NS};

	set_xen_guest_handle(p.ports, &port);
	return hyp_sched_op(SCHEDOP_poll, &p) == 0 && port_pending(port);
}

static long register_vcpu_info(unsigned int id, unsigned long mfn, unsigned int offset)
{
	struct vcpu_register_vcpu_info r = {.mfn = mfn, .offset = offset};

	return vcpu_op(VCPUOP_register_vcpu_info, id, &r);
}

static long register_runstate(unsigned int id, unsigned long va)
{
	struct vcpu_register_runstate_memory_area a = {.addr.p = va};

	return vcpu_op(VCPUOP_register_runstate_memory_area, id, &a);
}

static long register_time(unsigned int id, unsigned long va)
{
	struct vcpu_register_time_memory_area a = {.addr.p = va};

	return vcpu_op(VCPUOP_register_vcpu_time_memory_area, id, &a);
}

/* ---- vCPU 1: the worker and its events ---- */

static struct {
	volatile unsigned long started, arg, self, cs, mask_at_start;
	volatile unsigned long job_seq, done_seq;
	void (*volatile job)(void);
} w;

static evtchn_port_t kick_port;			 /* IPI to vCPU 1: "a job is posted" */
static volatile evtchn_port_t ping_port, pong_port; /* ping on vCPU 1 is answered by pong */
static volatile unsigned long hits[64];		 /* events vCPU 1 took, per port */
static volatile unsigned long hits_elsewhere;	 /* events the hook saw on another vCPU */

static void on_event(unsigned int vcpu, evtchn_port_t port)
{
	if (vcpu != 1) {
		hits_elsewhere++;
		return;
	}
	if (port < 64)
		hits[port]++;
	if (ping_port && port == ping_port)
		send(pong_port);
}

static void worker(unsigned long arg)
{
	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	w.cs = cs;
	w.arg = arg;
	w.self = pv_vcpu_self();
	w.mask_at_start = pv_vcpu_info[1]->evtchn_upcall_mask;
	w.started = 1;
	for (;;) {
		pv_vcpu_info[1]->evtchn_upcall_mask = 1; /* jobs run with events masked */
		if (w.job_seq != w.done_seq) {
			unsigned long seq = w.job_seq;

			w.job();
			w.done_seq = seq;
			continue;
		}
		/* Unmasks events; a kick sent since the check above makes it return at once. */
		hyp_sched_op(SCHEDOP_block, NULL);
	}
}

/* Posts job for vCPU 1 and kicks it; returns without waiting. */
static void post_on_1(void (*job)(void))
{
	w.job = job;
	__atomic_add_fetch(&w.job_seq, 1, __ATOMIC_SEQ_CST);
	send(kick_port);
}

static bool job_done(void)
{
	return wait_for(&w.done_seq, w.job_seq);
}

static bool run_on_1(void (*job)(void))
{
	post_on_1(job);
	return job_done();
}

static void job_nothing(void)
{
}

/* What vCPU 2 runs, and the entry of contexts that must be refused. */
static void idle_forever(unsigned long arg)
{
	(void)arg;
	for (;;)
		hyp_sched_op(SCHEDOP_block, NULL);
}

/* ---- bringing vCPUs up ---- */

/* vCPU ids 0-2 exist, only vCPU 0 is up; ids from 3 on are -ENOENT whatever the command. */
TEST(vcpu_op, ids_and_states)
{
	EXPECT_EQ(is_up(0), 1);
	EXPECT_EQ(is_up(1), 0);
	EXPECT_EQ(is_up(2), 0);
	EXPECT_EQ(runstate_of(1), RUNSTATE_offline);
	EXPECT_EQ(is_up(3), -XEN_ENOENT);
	EXPECT_EQ(vcpu_op(VCPUOP_up, 3, NULL), -XEN_ENOENT);
	EXPECT_EQ(vcpu_op(VCPUOP_down, 3, NULL), -XEN_ENOENT);
	EXPECT_EQ(vcpu_op(VCPUOP_initialise, 3, &ctx), -XEN_ENOENT);
	EXPECT_EQ(vcpu_op(VCPUOP_register_vcpu_info, ~0U, NULL), -XEN_ENOENT);
	/* Up without a context: -EINVAL; down on a vCPU already down: fine. */
	EXPECT_EQ(vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL);
	EXPECT_EQ(vcpu_op(VCPUOP_down, 1, NULL), 0);
	EXPECT_EQ(is_up(1), 0);
	/* Xen 4.17: get_physid is only for a hardware domain's pinned vCPUs. */
	EXPECT_EQ(vcpu_op(VCPUOP_get_physid, 0, &ctx), -XEN_EINVAL);
	/* register_runstate_phys_area (14) only comes with Xen 4.18. */
	EXPECT_EQ(vcpu_op(14, 0, NULL), -XEN_ENOSYS);
}

/* One hostile field each; every one is -EINVAL and leaves vCPU 1 as it was. */
static void bad_context(unsigned int what, unsigned long page)
{
	pv_vcpu_context_init(&ctx, 1, idle_forever, 0);
	switch (what) {
	case 0: ctx.user_regs.rip = NONCANON; break;
	case 1: ctx.user_regs.rsp = NONCANON; break;
	case 2: ctx.kernel_sp = NONCANON; break;
	case 3: ctx.event_callback_eip = NONCANON; break;
	case 4: ctx.failsafe_callback_eip = NONCANON; break;
	case 5: ctx.syscall_callback_eip = NONCANON; break;
	case 6: ctx.trap_ctxt[14].address = NONCANON; break;
	case 7: ctx.fs_base = NONCANON; break;
	case 8: ctx.gs_base_kernel = NONCANON; break;
	case 9: ctx.gs_base_user = NONCANON; break;
	case 10: ctx.ldt_base = NONCANON, ctx.ldt_ents = 1; break;
	case 11: ctx.ldt_base = HYPERVISOR_VIRT_START, ctx.ldt_ents = 1; break;
	case 12: ctx.ldt_base = page + 8, ctx.ldt_ents = 1; break; /* not page aligned */
	case 13: ctx.ldt_base = page, ctx.ldt_ents = 8193; break;
	case 14: ctx.gdt_ents = FIRST_RESERVED_GDT_ENTRY + 1; break;
	case 15: ctx.gdt_ents = 1; break; /* gdt_frames[0] = 0: not ours */
	case 16: ctx.gdt_ents = 1, ctx.gdt_frames[0] = virt_to_mfn((void *)page); break; /* writable */
	case 17: ctx.gdt_ents = 1, ctx.gdt_frames[0] = mm_released_frame(); break;
	case 18: ctx.ctrlreg[3] = xen_pfn_to_cr3(mm_released_frame()); break;
	case 19: ctx.ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn((void *)page)); break; /* data page */
	case 20: ctx.ctrlreg[3] = 0; break;
	case 21: ctx.flags = 0; break; /* guest user mode without a user L4 (ctrlreg[1]) */
	case 22: ctx.ctrlreg[1] = xen_pfn_to_cr3(mm_released_frame()); break;
	}
}
#define NR_BAD_CONTEXTS 23

TEST(vcpu_op, initialise_refused)
{
	unsigned long page = (unsigned long)mm_alloc_page();
	void *gdt = mm_alloc_page();

	/* The context is read first: a bad pointer is -EFAULT even for vCPU 0. */
	EXPECT_EQ(vcpu_op(VCPUOP_initialise, 1, BAD_PTR), -XEN_EFAULT);
	EXPECT_EQ(vcpu_op(VCPUOP_initialise, 0, BAD_PTR), -XEN_EFAULT);
	pv_vcpu_context_init(&ctx, 1, idle_forever, 0);
	EXPECT_EQ(vcpu_op(VCPUOP_initialise, 0, &ctx), -XEN_EEXIST); /* the builder started it */
	for (unsigned int i = 0; i < NR_BAD_CONTEXTS; i++) {
		bad_context(i, page);
		if (!EXPECT_EQ(vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EINVAL))
			pv_printf("  bad context %u accepted\n", i);
	}
	/*
	 * A good GDT frame with a bad CR3: the frame must not stay a
	 * descriptor page (it could not be mapped writable again).
	 */
	ASSERT_EQ(mm_remap(gdt, false), 0);
	pv_vcpu_context_init(&ctx, 1, idle_forever, 0);
	ctx.gdt_ents = 1;
	ctx.gdt_frames[0] = virt_to_mfn(gdt);
	ctx.ctrlreg[3] = xen_pfn_to_cr3(mm_released_frame());
	EXPECT_EQ(vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EINVAL);
	EXPECT_EQ(mm_remap(gdt, true), 0);
	EXPECT_EQ(is_up(1), 0);
	EXPECT_EQ(vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL); /* still no context */
}

TEST(vcpu_op, bring_up)
{
	long port;

	pv_vcpu_event_hook = on_event;
	port = bind_ipi(1);
	ASSERT_TRUE(port > 0);
	kick_port = (evtchn_port_t)port;
	pv_vcpu_context_init(&ctx, 1, worker, 0x1234);
	ctx.user_regs.cs = FLAT_KERNEL_CS & ~3; /* RPL 0 becomes 3 (a guest kernel runs in ring 3) */
	ASSERT_EQ(vcpu_op(VCPUOP_initialise, 1, &ctx), 0);
	/* Initialised, but down until VCPUOP_up. */
	EXPECT_EQ(is_up(1), 0);
	EXPECT_EQ(w.started, 0);
	EXPECT_EQ(vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EEXIST);
	EXPECT_EQ(vcpu_op(VCPUOP_initialise, 1, BAD_PTR), -XEN_EFAULT);
	ASSERT_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0);
	ASSERT_TRUE(wait_for(&w.started, 1));
	EXPECT_EQ(is_up(1), 1);
	EXPECT_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0); /* already up: nothing to do */
	EXPECT_EQ(w.arg, 0x1234);
	EXPECT_EQ(w.self, 1);
	EXPECT_EQ(w.cs, FLAT_KERNEL_CS);
	EXPECT_EQ(w.mask_at_start, 1); /* events start masked, as on vCPU 0 */
	EXPECT_TRUE(run_on_1(job_nothing));
}

/* ---- running side by side ---- */

#define COUNT 20000
static volatile unsigned long here[2], counter;

/* Each side waits for the other before counting: both must be running at once. */
static void rendezvous_and_count(unsigned int me)
{
	here[me] = 1;
	if (!wait_for(&here[!me], 1))
		return;
	for (unsigned int i = 0; i < COUNT; i++)
		__atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
}

static void job_count(void)
{
	rendezvous_and_count(1);
}

TEST(smp, concurrent)
{
	here[0] = here[1] = 0;
	counter = 0;
	post_on_1(job_count);
	rendezvous_and_count(0);
	ASSERT_TRUE(job_done());
	EXPECT_EQ(here[1], 1);
	EXPECT_EQ(counter, 2 * COUNT);
}

/* ---- events between vCPUs ---- */

/* 50 round trips: vCPU 0 sends ping (bound to vCPU 1), vCPU 1's upcall answers pong. */
TEST(evtchn, ipi_ping_pong)
{
	long ping = bind_ipi(1), pong = bind_ipi(0);
	unsigned long ups = pv_vcpu_upcalls[1], got = 0;
	struct evtchn_status st = {.dom = DOMID_SELF};

	ASSERT_TRUE(ping > 0 && pong > 0);
	st.port = (evtchn_port_t)ping;
	EXPECT_EQ(evtchn_op(EVTCHNOP_status, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_ipi);
	EXPECT_EQ(st.vcpu, 1);
	hits[ping] = 0;
	pong_port = (evtchn_port_t)pong;
	ping_port = (evtchn_port_t)ping;
	for (unsigned int i = 0; i < 50; i++) {
		if (!EXPECT_EQ(send((evtchn_port_t)ping), 0) || !EXPECT_TRUE(poll_port(pong)))
			break;
		port_clear(pong);
		got++;
	}
	ping_port = 0;
	EXPECT_EQ(got, 50);
	EXPECT_EQ(hits[ping], 50);
	EXPECT_TRUE(pv_vcpu_upcalls[1] > ups);
	EXPECT_EQ(hits_elsewhere, 0);
	close_port(ping);
	close_port(pong);
}

static long loopback_pair(evtchn_port_t *local)
{
	struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = DOMID_SELF};
	struct evtchn_bind_interdomain b = {.remote_dom = DOMID_SELF};
	long rc = evtchn_op(EVTCHNOP_alloc_unbound, &a);

	if (rc)
		return rc;
	b.remote_port = a.port;
	rc = evtchn_op(EVTCHNOP_bind_interdomain, &b);
	*local = b.local_port;
	return rc ? rc : (long)a.port;
}

/* bind_vcpu moves an interdomain port's notifications to vCPU 1 and back. */
TEST(evtchn, bind_vcpu)
{
	evtchn_port_t l;
	long u = loopback_pair(&l);
	struct evtchn_bind_vcpu bv = {.vcpu = 1};
	struct evtchn_status st = {.dom = DOMID_SELF};
	unsigned long before;
	long ipi = bind_ipi(1);

	ASSERT_TRUE(u > 0 && ipi > 0);
	port_clear(l); /* bind_interdomain left it pending (for vCPU 0) */
	bv.port = l;
	EXPECT_EQ(evtchn_op(EVTCHNOP_bind_vcpu, &bv), 0);
	st.port = l;
	EXPECT_EQ(evtchn_op(EVTCHNOP_status, &st), 0);
	EXPECT_EQ(st.vcpu, 1);
	before = hits[l];
	EXPECT_EQ(send((evtchn_port_t)u), 0);
	EXPECT_TRUE(wait_past(&hits[l], before)); /* vCPU 1 woke and took it */
	/* Back to vCPU 0 (events masked there): the bit waits in shared_info. */
	bv.vcpu = 0;
	EXPECT_EQ(evtchn_op(EVTCHNOP_bind_vcpu, &bv), 0);
	before = hits[l];
	EXPECT_EQ(send((evtchn_port_t)u), 0);
	EXPECT_TRUE(port_pending(l));
	EXPECT_TRUE(pv_vcpu0->evtchn_pending_sel & PORT_BIT(PORT_WORD(l)));
	EXPECT_EQ(hits[l], before);
	port_clear(l);
	/* An IPI keeps the vCPU it was bound to. */
	bv.port = (evtchn_port_t)ipi;
	bv.vcpu = 0;
	EXPECT_EQ(evtchn_op(EVTCHNOP_bind_vcpu, &bv), -XEN_EINVAL);
	close_port(l);
	close_port(u);
	close_port(ipi);
}

static volatile long sshot_rc = 1;

static void job_singleshot(void)
{
	struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = pv_time_ns(&pv_vcpu_info[1]->time) + 2 * MS};

	sshot_rc = vcpu_op(VCPUOP_set_singleshot_timer, 1, &t);
}

/* vCPU 1's own singleshot timer raises its VIRQ_TIMER, bound for it by vCPU 0. */
TEST(timers, on_vcpu1)
{
	struct evtchn_bind_virq b = {.virq = VIRQ_TIMER, .vcpu = 1};
	struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = now_ns() + MS};

	ASSERT_EQ(evtchn_op(EVTCHNOP_bind_virq, &b), 0);
	/* Its periodic timer may be stopped from here; its singleshot one only by itself. */
	EXPECT_EQ(vcpu_op(VCPUOP_stop_periodic_timer, 1, NULL), 0);
	EXPECT_EQ(vcpu_op(VCPUOP_set_singleshot_timer, 1, &t), -XEN_EINVAL);
	hits[b.port] = 0;
	ASSERT_TRUE(run_on_1(job_singleshot));
	EXPECT_EQ(sshot_rc, 0);
	EXPECT_TRUE(wait_past(&hits[b.port], 0));
	close_port(b.port);
}

/* ---- the runstate and time areas ---- */

static struct vcpu_runstate_info area0, area1 __attribute__((aligned(64)));
static volatile int area1_seen_by_1 = -1;

static void job_read_area(void)
{
	area1_seen_by_1 = area1.state;
}

/*
 * Waits until the guest's copy of a runstate area shows state with no
 * update in progress.  The copy lags the hypervisor's own record (what
 * VCPUOP_get_runstate_info reads) by the moment between the vCPU blocking
 * and its CPU switching it out, on Xen as on Keel, so a guest polls it.
 */
static bool wait_area(const volatile struct vcpu_runstate_info *a, int state)
{
	uint64_t end = now_ns() + WAIT_NS;

	while (a->state != state || (a->state_entry_time & XEN_RUNSTATE_UPDATE))
		if (now_ns() > end)
			return false;
	return true;
}

TEST(runstate, area)
{
	struct vcpu_runstate_info info;

	/* Written at once: vCPU 1 sits blocked in its worker. */
	ASSERT_TRUE(wait_runstate(1, RUNSTATE_blocked));
	area1.state = 77;
	EXPECT_EQ(register_runstate(1, (unsigned long)&area1), 0);
	EXPECT_EQ(area1.state, RUNSTATE_blocked);
	EXPECT_EQ(vcpu_op(VCPUOP_get_runstate_info, 1, &info), 0);
	EXPECT_EQ(area1.state_entry_time, info.state_entry_time);
	/* vCPU 1 sees itself running; once it blocks again, the area says so. */
	ASSERT_TRUE(run_on_1(job_read_area));
	EXPECT_EQ(area1_seen_by_1, RUNSTATE_running);
	ASSERT_TRUE(wait_runstate(1, RUNSTATE_blocked));
	EXPECT_TRUE(wait_area(&area1, RUNSTATE_blocked));
	/* With the update flag, a finished update leaves it clear. */
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag), 0);
	ASSERT_TRUE(run_on_1(job_read_area));
	ASSERT_TRUE(wait_runstate(1, RUNSTATE_blocked));
	EXPECT_TRUE(wait_area(&area1, RUNSTATE_blocked));
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_disable, VMASST_TYPE_runstate_update_flag), 0);
	/* Our own: running. */
	area0.state = 77;
	EXPECT_EQ(register_runstate(0, (unsigned long)&area0), 0);
	EXPECT_EQ(area0.state, RUNSTATE_running);
	/* Xen's range (or reaching into it), a non-canonical address, a bad argument: -EFAULT. */
	EXPECT_EQ(register_runstate(1, HYPERVISOR_VIRT_START), -XEN_EFAULT);
	EXPECT_EQ(register_runstate(1, HYPERVISOR_VIRT_START - 8), -XEN_EFAULT);
	EXPECT_EQ(register_runstate(1, NONCANON), -XEN_EFAULT);
	EXPECT_EQ(vcpu_op(VCPUOP_register_runstate_memory_area, 1, BAD_PTR), -XEN_EFAULT);
	/* 0 unregisters: the area is left alone from then on. */
	EXPECT_EQ(register_runstate(1, 0), 0);
	EXPECT_EQ(register_runstate(0, 0), 0);
	area1.state = 77;
	ASSERT_TRUE(run_on_1(job_nothing));
	ASSERT_TRUE(wait_runstate(1, RUNSTATE_blocked));
	EXPECT_EQ(area1.state, 77);
}

static struct vcpu_time_info time0, time1 __attribute__((aligned(64)));
static volatile uint64_t time1_ns;

static void job_read_time_area(void)
{
	time1_ns = pv_time_ns(&time1);
}

/* Compares the time area with vCPU 0's own record once both show the same version. */
static bool same_record(const volatile struct vcpu_time_info *a)
{
	for (unsigned int i = 0; i < 1000; i++) {
		uint32_t v = pv_vcpu0->time.version;
		uint32_t mul = pv_vcpu0->time.tsc_to_system_mul;
		int8_t shift = pv_vcpu0->time.tsc_shift;

		if (!(v & 1) && a->version == v && pv_vcpu0->time.version == v)
			return a->tsc_to_system_mul == mul && a->tsc_shift == shift;
	}
	return false;
}

/* The time area is a copy of the vCPU's pvclock record, kept up to date. */
TEST(time, area)
{
	uint64_t registered;

	EXPECT_EQ(register_time(0, (unsigned long)&time0), 0);
	EXPECT_TRUE(same_record(&time0));
	EXPECT_EQ(register_time(1, (unsigned long)&time1), 0);
	EXPECT_EQ(time1.version & 1, 0);
	EXPECT_NE(time1.tsc_to_system_mul, 0);
	registered = time1.system_time;
	EXPECT_NE(registered, 0);
	time1_ns = 0;
	ASSERT_TRUE(run_on_1(job_read_time_area));
	EXPECT_TRUE(time1_ns >= registered); /* vCPU 1 reads a good clock from it */
	EXPECT_EQ(register_time(0, HYPERVISOR_VIRT_START), -XEN_EFAULT);
	EXPECT_EQ(vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, BAD_PTR), -XEN_EFAULT);
	EXPECT_EQ(register_time(0, 0), 0);
	EXPECT_EQ(register_time(1, 0), 0);
}

/* ---- register_vcpu_info ---- */

static void *vi_page;
static unsigned int vi_offset;
static volatile long vi_rc = 1, vi_again = 1;
static volatile unsigned long vi_sel, vi_pending, vi_cr2, vi_mask, vi_time_version;

static void job_register_vcpu_info(void)
{
	volatile struct vcpu_info *nv = (void *)((char *)vi_page + vi_offset);

	vi_rc = register_vcpu_info(1, virt_to_mfn(vi_page), vi_offset);
	if (vi_rc)
		return;
	vi_sel = nv->evtchn_pending_sel;
	vi_pending = nv->evtchn_upcall_pending;
	vi_cr2 = nv->arch.cr2;
	vi_mask = nv->evtchn_upcall_mask;
	vi_time_version = nv->time.version;
	pv_vcpu_info[1] = nv; /* our event entry reads the new one from now on */
	vi_again = register_vcpu_info(1, virt_to_mfn(vi_page), 0);
}

TEST(vcpu_op, register_vcpu_info)
{
	const unsigned int size = sizeof(struct vcpu_info);
	volatile struct vcpu_info *old = &pv_shared_info->vcpu_info[1];
	long ping = bind_ipi(1), pong = bind_ipi(0);

	ASSERT_TRUE(ping > 0 && pong > 0);
	vi_page = mm_alloc_page();
	vi_offset = PV_PAGE_SIZE - size; /* the last place it fits */
	/* Xen 4.17: an offset that is not 8-byte aligned or leaves the page is -ENXIO. */
	EXPECT_EQ(register_vcpu_info(0, virt_to_mfn(vi_page), 4), -XEN_ENXIO);
	EXPECT_EQ(register_vcpu_info(0, virt_to_mfn(vi_page), PV_PAGE_SIZE - size + 8), -XEN_ENXIO);
	EXPECT_EQ(register_vcpu_info(0, virt_to_mfn(vi_page), PV_PAGE_SIZE), -XEN_ENXIO);
	/* Frames that are not ours to write: -EINVAL. */
	EXPECT_EQ(register_vcpu_info(0, mm_released_frame(), 0), -XEN_EINVAL);
	EXPECT_EQ(register_vcpu_info(0, mm_l4_mfn(), 0), -XEN_EINVAL);
	EXPECT_EQ(register_vcpu_info(0, ~0UL, 0), -XEN_EINVAL);
	EXPECT_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, BAD_PTR), -XEN_EFAULT);
	/* Only for the caller itself or a vCPU that is down. */
	EXPECT_EQ(register_vcpu_info(1, virt_to_mfn(vi_page), vi_offset), -XEN_EINVAL);

	/* vCPU 1 moves its own; what was in the old one comes along, with every event pending. */
	old->arch.cr2 = 0xc0ffee;
	ASSERT_TRUE(run_on_1(job_register_vcpu_info));
	ASSERT_EQ(vi_rc, 0);
	EXPECT_EQ(vi_sel, ~0UL);
	EXPECT_EQ(vi_pending, 1);
	EXPECT_EQ(vi_cr2, 0xc0ffee);
	EXPECT_EQ(vi_mask, 1);
	EXPECT_EQ(vi_time_version & 1, 0);
	EXPECT_EQ(vi_again, -XEN_EINVAL); /* once per vCPU */
	/* The frame stays writable for Xen: it may not become a page table. */
	EXPECT_EQ(mm_mmuext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(vi_page), 0), -XEN_EINVAL);

	/* Events now reach vCPU 1 through the new place only. */
	old->evtchn_pending_sel = 0;
	old->evtchn_upcall_pending = 0;
	hits[ping] = 0;
	pong_port = (evtchn_port_t)pong;
	ping_port = (evtchn_port_t)ping;
	EXPECT_EQ(send((evtchn_port_t)ping), 0);
	EXPECT_TRUE(poll_port(pong));
	ping_port = 0;
	EXPECT_EQ(hits[ping], 1);
	EXPECT_EQ(old->evtchn_pending_sel, 0);
	EXPECT_EQ(old->evtchn_upcall_pending, 0);
	port_clear(pong);
	close_port(ping);
	close_port(pong);
}

/* ---- TLB flushes of another vCPU ---- */

static volatile uint64_t *tlb_va;
static volatile unsigned long reads, stop_reading;
static volatile uint64_t seen;

/* Reads tlb_va over and over without entering Xen: its translation stays in vCPU 1's TLB. */
static void job_reader(void)
{
	while (!stop_reading) {
		seen = *tlb_va;
		reads++;
	}
}

/* Lets the reader go round at least 100 more times; the value it then sees. */
static uint64_t reader_sees(void)
{
	unsigned long r = reads;

	if (!wait_past(&reads, r + 100))
		return 0;
	return seen;
}

/* Points tlb_va's L1 entry at frame mfn without any flush. */
static long remap_no_flush(uint64_t pte, unsigned long mfn)
{
	struct mmu_update u = {
	    .ptr = mm_entry_maddr((unsigned long)tlb_va, 1) | MMU_NORMAL_PT_UPDATE,
	    .val = (pte & ~PTE_ADDR) | (mfn << 12),
	};

	return hyp_mmu_update(&u, 1, NULL, DOMID_SELF);
}

TEST(tlb, flush_vcpu_masks)
{
	volatile uint64_t *other = mm_alloc_page();
	unsigned long mfn_b = virt_to_mfn(other);
	xen_ulong_t only1 = 1UL << 1;
	struct mmuext_op op = {.cmd = MMUEXT_INVLPG_MULTI};
	uint64_t pte;

	tlb_va = mm_alloc_page();
	pte = mm_pte((unsigned long)tlb_va); /* maps frame a; other's is frame b */
	*tlb_va = 0xaaaa;
	*other = 0xbbbb;
	stop_reading = 0;
	reads = 0;
	post_on_1(job_reader);
	ASSERT_EQ(reader_sees(), 0xaaaa);

	ASSERT_EQ(remap_no_flush(pte, mfn_b), 0);
	pv_printf("before any flush vCPU 1 reads %#lx (a stale TLB entry shows 0xaaaa)\n",
		  (unsigned long)reader_sees());
	op.arg1.linear_addr = (unsigned long)tlb_va;
	set_xen_guest_handle(op.arg2.vcpumask, &only1);
	EXPECT_EQ(hyp_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
	EXPECT_EQ(reader_sees(), 0xbbbb); /* MMUEXT_INVLPG_MULTI reached vCPU 1 */

	/* update_va_mapping with UVMF_MULTI: the mask's address ORed into the flags. */
	EXPECT_EQ(hyp_update_va_mapping((unsigned long)tlb_va, pte,
					UVMF_INVLPG | UVMF_MULTI | (unsigned long)&only1),
		  0);
	EXPECT_EQ(reader_sees(), 0xaaaa);

	ASSERT_EQ(remap_no_flush(pte, mfn_b), 0);
	op.cmd = MMUEXT_TLB_FLUSH_MULTI;
	EXPECT_EQ(hyp_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
	EXPECT_EQ(reader_sees(), 0xbbbb);

	EXPECT_EQ(hyp_update_va_mapping((unsigned long)tlb_va, pte, UVMF_INVLPG | UVMF_ALL), 0);
	EXPECT_EQ(reader_sees(), 0xaaaa);
	stop_reading = 1;
	EXPECT_TRUE(job_done());
}

/* ---- down and up ---- */

static volatile long down_rc = 1;
static volatile unsigned long back;

static void job_down_self(void)
{
	down_rc = vcpu_op(VCPUOP_down, 1, NULL);
	back = 1;
}

TEST(vcpu_op, down_and_up)
{
	/* A vCPU taking itself down stops before the call returns; it returns 0 once up again. */
	back = 0;
	post_on_1(job_down_self);
	ASSERT_TRUE(wait_runstate(1, RUNSTATE_offline));
	EXPECT_EQ(is_up(1), 0);
	EXPECT_EQ(back, 0);
	EXPECT_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0);
	EXPECT_TRUE(wait_for(&back, 1));
	EXPECT_EQ(down_rc, 0);
	EXPECT_TRUE(job_done());

	/*
	 * Xen 4.17: a vCPU taken down while blocked reports RUNSTATE_blocked
	 * (blocked wins over offline), and is still blocked when brought up.
	 */
	ASSERT_TRUE(wait_runstate(1, RUNSTATE_blocked));
	EXPECT_EQ(vcpu_op(VCPUOP_down, 1, NULL), 0);
	EXPECT_EQ(is_up(1), 0);
	EXPECT_EQ(runstate_of(1), RUNSTATE_blocked);
	EXPECT_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0);
	EXPECT_EQ(is_up(1), 1);
	EXPECT_EQ(runstate_of(1), RUNSTATE_blocked);
	EXPECT_TRUE(run_on_1(job_nothing)); /* an event wakes it as ever */
}

/* ---- VGCF_online ---- */

TEST(vcpu_op, online_flag)
{
	pv_vcpu_context_init(&ctx, 2, idle_forever, 0);
	ctx.flags |= VGCF_online;
	EXPECT_EQ(vcpu_op(VCPUOP_initialise, 2, &ctx), 0);
	EXPECT_EQ(is_up(2), 1); /* up at once, without VCPUOP_up */
	/* Up and not the caller: its vcpu_info may not be moved under it. */
	EXPECT_EQ(register_vcpu_info(2, virt_to_mfn(mm_alloc_page()), 0), -XEN_EINVAL);
}
