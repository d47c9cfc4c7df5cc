/*
 * hypervisor/common/domain.h - domains: ids, lifecycle, memory accounting.
 *
 * Owns: every struct domain and its vCPUs (vcpu.h), the table of domain
 * ids, each domain's list of frames (only the head frame of each block
 * it was given is on the list) and its shared_info frame.
 *
 * Lifecycle (as Xen's):
 *   domain_create      -> ACTIVE, paused once, vCPUs offline, max_pages 0
 *   domain_unpause/pause, domain_shutdown/crash  (still ACTIVE)
 *   domain_destroy     -> DYING: lookups fail, vCPUs offline, memory is
 *                         relinquished (pins and type references dropped,
 *                         every frame back to the buddy allocator) -> DEAD
 *                         (domain_kill + domain_relinquish_memory, which
 *                         the control interface calls again until done;
 *                         domain_lookup_any still finds a DYING domain)
 *   last domain_put    -> the struct and vCPUs freed, the id free again.
 *
 * References: the id table holds one reference from create until the
 * domain is DEAD.  domain_lookup()/domain_get() take more; a struct is
 * freed only when the count reaches 0, so a pointer obtained with a
 * reference stays valid after destroy.
 *
 * Memory accounting (Xen's): tot_pages counts the frames on the page list;
 * allocations past max_pages fail; max_pages may be set below tot_pages
 * (only later allocations fail).  The shared_info frame and the frames of
 * shared_list (the grant table's) are owned by the domain (so it may map
 * them) but, as on Xen, are not on the page list and are not counted in
 * tot_pages.
 *
 * Invariants: a domain's frames are owned by its domid and allocated; its
 * page list holds exactly the blocks counted in tot_pages; ids are below
 * DOMID_FIRST_RESERVED and never shared by two structs; an id is free
 * only once the struct that had it is freed.
 *
 * Locks, in order (take left before right, never the reverse):
 *   [grant locks: a mapper's maptrack_lock -> one granter's grant_lock]
 *   -> d->lock -> PV-MMU lock (domain_hooks.mmu_lock) -> domain-list lock
 *   -> heap lock -> buddy lock.
 * (Event locks are never nested with d->lock or the grant locks.)
 * d->lock protects the page list, tot/max_pages, pause counts, shutdown
 * fields and the vCPUs' generic state; the domain-list lock protects the
 * id table, every domain's refcount and state.  Functions here take the
 * locks they need: call them holding none of these (hooks are called as
 * noted).  The domain and domain-list locks are taken with interrupts on:
 * never call these functions from an interrupt handler.
 */
#ifndef HYPERVISOR_COMMON_DOMAIN_H
#define HYPERVISOR_COMMON_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>

#include "arch/spinlock.h"
#include "hypervisor/common/pv_ioport.h"
#include "hypervisor/common/vcpu.h"
#include "lib/types.h"
#include "mm/frame_table.h"

/* domain_create(): pick a free id (never 0, never a reserved one). */
#define DOMID_AUTO DOMID_INVALID

/* domain_create() flags. */
#define DOMAIN_CF_PRIVILEGED 0x1u /* the control domain (is_privileged) */
#define DOMAIN_CF_ALL	     DOMAIN_CF_PRIVILEGED

#define DOMAIN_MAX_VCPUS 128u
#define DOMAIN_PAUSE_MAX 255u
/* shutdown_code before any shutdown was asked for. */
#define DOMAIN_SHUTDOWN_CODE_NONE 0xffu

/*
 * Per-domain limits fixed at creation (XEN_DOMCTL_createdomain's
 * max_evtchn_port, max_grant_frames, max_maptrack_frames).  The defaults
 * are Xen 4.17's: 1023 ports (the control domain: as many as the ABI
 * has), 64 grant frames, 1024 maptrack frames.
 */
#define DOMAIN_DEFAULT_MAX_EVTCHN_PORT	   1023u
#define DOMAIN_DEFAULT_MAX_GRANT_FRAMES	   64u
#define DOMAIN_DEFAULT_MAX_MAPTRACK_FRAMES 1024u

struct domain_limits {
	unsigned int max_evtchn_port;	  /* highest port (inclusive); ~0u: the ABI's limit */
	unsigned int max_grant_frames;	  /* grant-table frames the domain may have */
	unsigned int max_maptrack_frames; /* frames of grant mappings it may hold */
};

enum domain_state {
	DOMAIN_CREATING = 0, /* id taken, being built: invisible to lookups */
	DOMAIN_ACTIVE,
	DOMAIN_DYING, /* domain_destroy started; memory being relinquished */
	DOMAIN_DEAD,  /* everything released; the struct waits for its last put */
};

struct domain {
	domid_t domid;
	enum domain_state state; /* domain-list lock to write */
	bool is_privileged;	 /* DOMAIN_CF_PRIVILEGED */
	spinlock_t lock;

	unsigned int max_vcpus;
	struct domain_limits limits; /* fixed at create */
	xen_domain_handle_t handle;  /* the toolstack's UUID (XEN_DOMCTL_createdomain) */
	struct vcpu **vcpus; /* max_vcpus entries, all allocated at create */

	uint64_t tot_pages;	    /* frames on page_list */
	uint64_t max_pages;	    /* allocation limit */
	struct page_list page_list; /* head frame of each block */
	mfn_t shared_info_mfn;	    /* INVALID_MFN once freed */
	struct shared_info *shared_info;
	struct page_list shared_list; /* domain_alloc_shared_frame()'s frames (d->lock) */

	/* HYPERVISOR_vm_assist: VMASST_TYPE_* bits, for all vCPUs (changed atomically). */
	unsigned long vm_assist;

	unsigned int pause_count;   /* domain_pause nesting; created at 1 */
	bool is_shutting_down;	    /* first domain_shutdown seen */
	unsigned int shutdown_code; /* SHUTDOWN_*, or DOMAIN_SHUTDOWN_CODE_NONE */
	bool is_crashed;	    /* domain_crash was called */

	/* Index registers of the ports it may not drive (hypervisor/common/pv_ioport.h). */
	struct pv_io_latches io_latches;

	/* SCHEDOP_watchdog (hypercalls/sched_op.c): deadlines of armed watchdogs (0: free). */
	uint64_t watchdog_deadline[2];
	uint64_t watchdog_timeout_ns[2];

	/* console_io output not yet ended by a newline (hypercalls/console_io.c). */
	char console_line[128];
	unsigned int console_len;
	/* Its rate limit (unprivileged domains): lines in the current window, lines dropped. */
	uint64_t console_window_ns;
	unsigned int console_window_lines, console_dropped;

	/*
	 * Event channels (hypercalls/evtchn.h): the port table, NULL before
	 * evtchn_domain_init and after evtchn_domain_destroy, and the lock
	 * guarding it.  The lock sits here, not in the table, so another
	 * domain can take it and find the table gone; all zeroes (as
	 * domain_create's zeroed struct has it) is an unlocked lock.  Never
	 * nested with d->lock (lock order in hypercalls/event_channel.c).
	 */
	struct evtchn_domain *evtchn;
	spinlock_t event_lock;

	/*
	 * Grant tables (hypercalls/gnttab.h): d's table as a granter, under
	 * grant_lock, and its handles to other domains' grants as a mapper
	 * (the maptrack), under maptrack_lock.  NULL before gnttab_domain_init
	 * and after gnttab_domain_destroy; the locks sit here for the same
	 * reason as event_lock.  Order: maptrack_lock -> grant_lock -> d->lock
	 * (lock order in hypercalls/grant_table.c).
	 */
	struct gnttab *gnttab;
	spinlock_t grant_lock;
	struct gnttab_maptrack *maptrack;
	spinlock_t maptrack_lock;

	/* The scheduler's per-domain data (arch/x86/pv/pv_schedule.c); never touched here. */
	void *sched_data;

	/* Private to domain.c (domain-list lock). */
	uint32_t refcnt;
	struct domain *hash_next;
	unsigned int nr_arch_vcpus; /* vCPUs whose vcpu_arch_init succeeded */
};

/*
 * What the rest of the hypervisor plugs in; every hook may be NULL.  Host
 * tests leave the lock hooks NULL (single-threaded); the hypervisor must
 * provide them once more than one CPU runs guests.
 */
struct domain_hooks {
	/* Sets up v->arch (0 or a negative errno).  No locks held. */
	int (*vcpu_arch_init)(struct vcpu *v);
	/*
	 * Domain destroy, once every vCPU is offline: wait until v has left
	 * its CPU (and so is in no hypercall).  Called for every vCPU before
	 * the first vcpu_arch_release, so no vCPU of the dying domain can
	 * still act on one already released.  No locks held.
	 */
	void (*vcpu_arch_quiesce)(struct vcpu *v);
	/*
	 * Domain destroy, before memory is relinquished: drop the frame
	 * references v's context holds (CR3, GDT/LDT frames).  No locks held.
	 */
	void (*vcpu_arch_release)(struct vcpu *v);
	/* Frees v->arch (after vcpu_arch_init succeeded).  No locks held. */
	void (*vcpu_arch_free)(struct vcpu *v);
	/*
	 * The rest of a new domain (event channels): last step of
	 * domain_create, before d is visible.  0 or a negative errno (the
	 * create then fails with it; the hook cleans up what it made).  No
	 * locks held.
	 */
	int (*domain_init)(struct domain *d);
	/*
	 * d has just become DYING (domain_destroy), its shared_info and vCPUs
	 * still there: tear down what domain_init made.  No locks held.
	 */
	void (*domain_teardown)(struct domain *d);
	/* vcpu_runnable(v) changed (scheduler wake/sleep).  d->lock held. */
	void (*vcpu_runnable_changed)(struct vcpu *v, bool runnable);
	/* d just started shutting down (VIRQ_DOM_EXC to the control domain).  No locks held. */
	void (*domain_shutdown_notify)(struct domain *d);
	/* System time in ns, for vCPU runstates (NULL: time stands still at 0). */
	uint64_t (*clock_ns)(void);
	/* The PV-MMU lock of page_type.h, held around page_type/page_ref calls. */
	void (*mmu_lock)(void);
	void (*mmu_unlock)(void);
};

/*
 * Forgets every domain (without freeing them) and installs hooks (copied;
 * NULL for none).  Boot CPU, before the first domain (or between tests,
 * after the heap and buddy allocator were reset).
 */
void domain_init(const struct domain_hooks *hooks);

/*
 * Creates a domain with id domid (0 .. DOMID_FIRST_RESERVED-1; 0 only
 * this way) or DOMID_AUTO (the first free id after the last one given,
 * wrapping from DOMID_FIRST_RESERVED-1 to 1), flags DOMAIN_CF_*, and
 * max_vcpus offline vCPUs (1 .. DOMAIN_MAX_VCPUS).  The domain is paused
 * once, max_pages is 0, its shared_info frame is zeroed with every
 * vcpu_info's events masked.  Returns d, holding only the id table's
 * reference (take one with domain_get() to keep d across a destroy), or
 * NULL with *err: -EINVAL (bad domid, flags or max_vcpus), -EEXIST (domid
 * in use), -ENOMEM (no memory, or no free id, as Xen), or an error of the
 * vcpu_arch_init hook.
 */
struct domain *domain_create(domid_t domid, unsigned int flags, unsigned int max_vcpus, int *err);

/*
 * domain_create with limits (NULL: the defaults above; the control
 * domain's max_evtchn_port ~0u).  The limits are stored before the
 * domain_init hook runs, which reads them.
 */
struct domain *domain_create_limited(domid_t domid, unsigned int flags, unsigned int max_vcpus,
				     const struct domain_limits *limits, int *err);

/*
 * The ACTIVE domain with this id, with a reference the caller drops with
 * domain_put(); NULL with *err = -ESRCH if there is none (also when it is
 * being or has been destroyed).  err may be NULL.
 */
struct domain *domain_lookup(domid_t domid, int *err);

/*
 * domain_lookup() that also finds a DYING domain (one whose destroy has
 * not finished, e.g. still waiting for other domains to unmap its
 * frames), as the control interface must: NULL with *err = -ESRCH for no
 * domain, one being created, or one already DEAD.
 */
struct domain *domain_lookup_any(domid_t domid, int *err);

/*
 * The ACTIVE or DYING domain with the lowest id >= first, with a
 * reference (domain_put); NULL if there is none.  For walking every
 * domain in id order (getdomaininfo, getdomaininfolist); O(domains).
 */
struct domain *domain_next(domid_t first);

/*
 * Takes another reference on d, which the caller already holds one on (or
 * on whose id-table reference it relies).  Returns 0, or -EOVERFLOW when
 * the count is saturated.
 */
int domain_get(struct domain *d);

/* Drops a reference; the last one frees d and its vCPUs and frees its id. */
void domain_put(struct domain *d);

/*
 * Allocates 2^order frames (order 0 .. BUDDY_MAX_ORDER) for d: owned by
 * d->domid, zeroed, on d's page list, counted in tot_pages.  Returns the
 * first frame, or INVALID_MFN with *err: -EINVAL (order), -ENOMEM (past
 * max_pages, or out of memory), -ESRCH (d is dying).
 */
mfn_t domain_alloc_frames(struct domain *d, unsigned int order, int *err);

/*
 * domain_alloc_frames() of a block whose frames all lie below frame
 * `limit` (INVALID_MFN: anywhere), for XENMEMF_address_bits.
 */
mfn_t domain_alloc_frames_below(struct domain *d, unsigned int order, mfn_t limit, int *err);

/*
 * Takes one frame away from d, still allocated, for XENMEM_exchange
 * (Xen's steal_page): a single-frame block on d's page list with no
 * reference and no type count (not shared_info, not a shared frame).  It
 * leaves the page list and tot_pages and is owned by DOMID_XEN, so nobody
 * can take a reference to it; the caller then frees it (free_frames(mfn,
 * 0)) or gives it back (domain_assign_frames(d, mfn, 0)).  Returns 0;
 * -EINVAL (not such a frame of d's, or in use); -ESRCH (d is dying).
 */
int domain_steal_frame(struct domain *d, mfn_t mfn);

/*
 * Gives d a block of 2^order frames that Keel holds (alloc_frames, or a
 * frame from domain_steal_frame): owned by d, on its page list, counted in
 * tot_pages.  max_pages is not checked: an exchange gives back as many
 * frames as it took.  Returns 0; -EINVAL (not the head of a block of that
 * order owned by DOMID_XEN); -ESRCH (d is dying: the block stays the
 * caller's).
 */
int domain_assign_frames(struct domain *d, mfn_t mfn, unsigned int order);

/*
 * Gives back a block from domain_alloc_frames (same mfn and order).
 * Returns 0; -EINVAL (not an allocated block of d's with that order,
 * the shared_info frame or a shared frame, a bad order or frame);
 * -EPERM (another domain's frame); -EBUSY (a frame of the block still has
 * references or a type: unmap and unpin it first).  Nothing changes on
 * error.
 */
int domain_free_frames(struct domain *d, mfn_t mfn, unsigned int order);

/*
 * A zeroed frame Keel shares with d, as it shares shared_info (Xen's
 * "xenheap" pages given to a guest; the grant table's frames): owned by d
 * so d may map it, typed PGT_WRITABLE by Keel for as long as d lives so d
 * can never make it a page table or descriptor page, on d's shared_list,
 * not in tot_pages and not limited by max_pages.  It cannot be freed with
 * domain_free_frames; domain_relinquish_memory frees it once nobody
 * references it.  Returns the frame, or INVALID_MFN with *err: -ENOMEM,
 * or -ESRCH once d is dying.  Callable with grant locks held (the grant
 * table grows under d->grant_lock).
 */
mfn_t domain_alloc_shared_frame(struct domain *d, int *err);

/*
 * Splits d's block at mfn (from domain_alloc_frames, any order) into
 * single frames, each then given back on its own with
 * domain_free_frames(d, frame, 0).  tot_pages is unchanged.  Returns 0
 * (also for a single frame); -EINVAL if mfn is not the first frame of one
 * of d's blocks (or is the shared_info frame).
 */
int domain_split_block(struct domain *d, mfn_t mfn);

/* XEN_DOMCTL_max_mem: sets the allocation limit (may be below tot_pages).  Returns 0. */
int domain_set_max_pages(struct domain *d, uint64_t max_pages);

/*
 * Nested pause of the whole domain.  Returns 0, -EOVERFLOW past
 * DOMAIN_PAUSE_MAX, or -ESRCH if d is dying.
 */
int domain_pause(struct domain *d);

/* Undoes one domain_pause.  Returns 0, -EINVAL if not paused, -ESRCH if dying. */
int domain_unpause(struct domain *d);

/*
 * SCHEDOP_shutdown: records reason (SHUTDOWN_poweroff .. SHUTDOWN_MAX,
 * unless SCHEDOP_shutdown_code declared one)
 * and stops every vCPU from running.  Only the first shutdown counts: a
 * later one changes nothing and returns 0, as on Xen.  The
 * domain_shutdown_notify hook runs for the first one.  Returns 0, -EINVAL
 * for an unknown reason, -ESRCH if d is dying.
 */
int domain_shutdown(struct domain *d, unsigned int reason);

/*
 * SCHEDOP_shutdown_code: declares the reason the next shutdown will
 * report (the first declaration sticks; a later domain_shutdown keeps it).
 * Returns 0, -EINVAL for an unknown reason, -ESRCH if d is dying.
 */
int domain_set_shutdown_code(struct domain *d, unsigned int reason);

/*
 * The domain did something it cannot survive: logs a line naming it,
 * marks it crashed and shuts it down with SHUTDOWN_crash (unless it was
 * already shutting down, whose reason sticks).  Never fails.
 */
void domain_crash(struct domain *d);

/*
 * Starts destroying d: state DYING (lookups fail from now on), vCPUs
 * offline and their arch references released, then
 * domain_relinquish_memory().  Returns its result; -ESRCH if d was
 * already destroyed (a second destroy is refused).  On 0 d is DEAD and
 * the id table's reference is dropped: without a reference of its own
 * the caller must not touch d again.
 */
int domain_destroy(struct domain *d);

/*
 * The first half of domain_destroy: ACTIVE -> DYING, the domain_teardown
 * hook, vCPUs offline and released, shared_info's permanent type
 * dropped.  Returns 0, or -ESRCH if d was not ACTIVE.  Its memory is then
 * given back by domain_relinquish_memory[_preemptible]().
 */
int domain_kill(struct domain *d);

/*
 * Returns every frame of a DYING domain to the buddy allocator (which
 * scrubs it before reuse): pinned tables are unpinned, which devalidates
 * them and drops the references their entries held; then every block
 * without references is freed, and the shared_info and shared frames.
 * Returns 0 once everything is freed (d becomes DEAD, the id table's
 * reference is dropped); -EBUSY if frames are still referenced from outside the
 * domain (another domain's mapping): call again after they go (the
 * caller must hold its own reference meanwhile); -EINVAL if d is not
 * DYING.  Not preemptible yet: the time is proportional to tot_pages.
 */
int domain_relinquish_memory(struct domain *d);

/*
 * domain_relinquish_memory() that may stop between two blocks when
 * should_stop() (e.g. hypercall_preempt_check; NULL: never) says so,
 * returning -ERESTART: call again (holding a reference) to go on.
 */
int domain_relinquish_memory_preemptible(struct domain *d, bool (*should_stop)(void));

/* d's vCPU id, or NULL if id >= max_vcpus (guest-controlled ids are fine). */
struct vcpu *domain_vcpu(const struct domain *d, unsigned int id);

/* Domains in the id table (any state): for tests and `vmctl list`. */
unsigned int domain_count(void);

/* The hooks installed by domain_init (never NULL; fields may be). */
const struct domain_hooks *domain_get_hooks(void);

#endif /* HYPERVISOR_COMMON_DOMAIN_H */
