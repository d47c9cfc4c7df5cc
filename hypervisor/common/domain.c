/*
 * hypervisor/common/domain.c - domain objects and their lifecycle
 * (contracts in domain.h).
 *
 * Owns: the id table (a small hash of singly linked chains), the hooks,
 * every struct domain, its vCPU array and shared_info frame, and the
 * frames on each domain's page list.
 *
 * The id table holds a domain from the moment its id is chosen (state
 * CREATING, invisible to lookups, so the id cannot be taken twice) until
 * the struct is freed by the last domain_put(): an id is never reused
 * while anybody may still hold a pointer to the domain that had it.
 *
 * shared_info: a frame from the buddy allocator, owned by the domain so
 * it can map it, holding a permanent PGT_WRITABLE type reference of ours
 * (as Xen gives its shared Xen-heap pages), so the guest can never make it
 * a page table or descriptor page — Keel writes into it at any time.  Not
 * on the page list, not in tot_pages (as on Xen).  The frames of
 * shared_list (the grant table's) are shared the same way.
 *
 * Teardown never frees a frame that has references: pins are dropped
 * first (which devalidates whole trees, page_type.h), then only
 * unreferenced blocks are freed; what someone else still maps is kept
 * and domain_relinquish_memory() is called again later.
 *
 * Locks: see domain.h.  domains.lock (the domain-list lock) is a leaf
 * among ours: nothing else is taken while it is held.
 */
#include "hypervisor/common/domain.h"

#include <xen/sched.h>

#include "hypervisor/common/vcpu_info.h"

#include "arch/mm.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "mm/buddy.h"
#include "mm/heap.h"
#include "mm/page_ref.h"
#include "mm/page_type.h"

#define DOMAIN_HASH_SIZE 64u
#define NR_ORDINARY_IDS	 ((unsigned int)DOMID_FIRST_RESERVED - 1u) /* ids 1 .. 0x7fef */

BUILD_BUG_ON(sizeof(struct shared_info) > PAGE_SIZE);

static struct {
	spinlock_t lock;
	struct domain *hash[DOMAIN_HASH_SIZE];
	unsigned int count;
	domid_t last_id; /* the most recently created domain's id */
	struct domain_hooks hooks;
} domains;

static void set_err(int *err, int rc)
{
	if (err)
		*err = rc;
}

static void mmu_lock(void)
{
	if (domains.hooks.mmu_lock)
		domains.hooks.mmu_lock();
}

static void mmu_unlock(void)
{
	if (domains.hooks.mmu_unlock)
		domains.hooks.mmu_unlock();
}

void domain_init(const struct domain_hooks *hooks)
{
	spin_lock_init(&domains.lock);
	for (unsigned int i = 0; i < DOMAIN_HASH_SIZE; i++)
		domains.hash[i] = NULL;
	domains.count = 0;
	domains.last_id = 0;
	domains.hooks = hooks ? *hooks : (struct domain_hooks){0};
}

const struct domain_hooks *domain_get_hooks(void)
{
	return &domains.hooks;
}

/* ---- the id table (domains.lock held) ---- */

static struct domain **bucket(domid_t id)
{
	return &domains.hash[id % DOMAIN_HASH_SIZE];
}

static struct domain *find_locked(domid_t id)
{
	for (struct domain *d = *bucket(id); d; d = d->hash_next)
		if (d->domid == id)
			return d;
	return NULL;
}

/* The first free id after last_id, wrapping to 1; 0 if none is free. */
static domid_t free_id_locked(void)
{
	for (unsigned int i = 1; i <= NR_ORDINARY_IDS; i++) {
		domid_t id = (domid_t)((domains.last_id + i - 1) % NR_ORDINARY_IDS + 1);

		if (!find_locked(id))
			return id;
	}
	return 0;
}

/* Gives d its id and puts it in the table (CREATING, one reference). */
static int table_insert(struct domain *d, domid_t want)
{
	domid_t id = want;
	int rc = 0;

	spin_lock(&domains.lock);
	if (want == DOMID_AUTO) {
		id = free_id_locked();
		if (!id)
			rc = -ENOMEM; /* as Xen, when every id is in use */
	} else if (find_locked(want)) {
		rc = -EEXIST;
	}
	if (!rc) {
		d->domid = id;
		d->state = DOMAIN_CREATING;
		d->refcnt = 1;
		d->hash_next = *bucket(id);
		*bucket(id) = d;
		domains.count++;
		domains.last_id = id;
	}
	spin_unlock(&domains.lock);
	return rc;
}

static void table_remove_locked(struct domain *d)
{
	struct domain **pp = bucket(d->domid);

	while (*pp != d) {
		BUG_ON(!*pp);
		pp = &(*pp)->hash_next;
	}
	*pp = d->hash_next;
	domains.count--;
}

static void set_state(struct domain *d, enum domain_state s)
{
	spin_lock(&domains.lock);
	d->state = s;
	spin_unlock(&domains.lock);
}

/* ---- building and freeing the struct ---- */

/* Allocates the shared_info frame and takes our permanent writable type on it. */
static int shared_info_create(struct domain *d)
{
	mfn_t mfn = alloc_frames(0);
	struct page_info *pg;
	int rc;

	if (!mfn_valid_raw(mfn))
		return -ENOMEM;
	pg = mfn_to_page(mfn);
	pg->owner = d->domid;
	mmu_lock();
	rc = get_page_and_type(pg, PGT_WRITABLE, d->domid);
	mmu_unlock();
	BUG_ON(rc); /* a fresh frame of ours */
	d->shared_info_mfn = mfn;
	d->shared_info = arch_mfn_to_virt(mfn); /* zeroed by the allocator */
	return 0;
}

static int vcpus_create(struct domain *d, unsigned int max_vcpus)
{
	d->vcpus = heap_zalloc(max_vcpus * sizeof(*d->vcpus));
	if (!d->vcpus)
		return -ENOMEM;
	d->max_vcpus = max_vcpus;
	for (unsigned int i = 0; i < max_vcpus; i++) {
		struct vcpu *v = heap_zalloc(sizeof(*v));
		int rc;

		if (!v)
			return -ENOMEM;
		v->id = i;
		v->domain = d;
		v->state = VCPU_OFFLINE;
		v->runstate.state = RUNSTATE_offline;
		v->runstate.state_entry_time = domains.hooks.clock_ns ? domains.hooks.clock_ns() : 0;
		v->mm.guest_table = INVALID_MFN;
		v->mm.guest_table_user = INVALID_MFN;
		v->vcpu_info_mfn = INVALID_MFN;
		if (i < XEN_LEGACY_MAX_VCPUS) {
			v->vcpu_info = &d->shared_info->vcpu_info[i];
			v->vcpu_info->evtchn_upcall_mask = 1; /* events masked at start of day */
		}
		d->vcpus[i] = v;
		rc = domains.hooks.vcpu_arch_init ? domains.hooks.vcpu_arch_init(v) : 0;
		if (rc)
			return rc;
		d->nr_arch_vcpus = i + 1;
	}
	return 0;
}

/* Drops Keel's permanent type reference on each frame of d's shared_list.  No locks held. */
static void shared_list_untype(struct domain *d)
{
	mmu_lock();
	for (struct page_info *pg = page_list_first(&d->shared_list); pg; pg = page_list_next(pg))
		put_page_and_type(pg);
	mmu_unlock();
}

/* Frees what create built; d is out of the table.  Only CREATING or DEAD. */
static void domain_free(struct domain *d)
{
	BUG_ON(d->state != DOMAIN_CREATING && d->state != DOMAIN_DEAD);
	for (unsigned int i = 0; d->vcpus && i < d->max_vcpus; i++) {
		if (i < d->nr_arch_vcpus && domains.hooks.vcpu_arch_free)
			domains.hooks.vcpu_arch_free(d->vcpus[i]);
		heap_free(d->vcpus[i]);
	}
	heap_free(d->vcpus);
	if (d->state == DOMAIN_CREATING) { /* a create that failed: nobody mapped these */
		shared_list_untype(d);
		while (!page_list_empty(&d->shared_list)) {
			struct page_info *pg = page_list_first(&d->shared_list);

			page_list_del(&d->shared_list, pg);
			BUG_ON(free_frames(page_to_mfn(pg), 0));
		}
	}
	if (mfn_valid_raw(d->shared_info_mfn)) { /* a create that failed */
		BUG_ON(!page_list_empty(&d->page_list));
		mmu_lock();
		put_page_and_type(mfn_to_page(d->shared_info_mfn));
		mmu_unlock();
		BUG_ON(free_frames(d->shared_info_mfn, 0));
	}
	heap_free(d);
}

struct domain *domain_create(domid_t domid, unsigned int flags, unsigned int max_vcpus, int *err)
{
	return domain_create_limited(domid, flags, max_vcpus, NULL, err);
}

struct domain *domain_create_limited(domid_t domid, unsigned int flags, unsigned int max_vcpus,
				     const struct domain_limits *limits, int *err)
{
	struct domain *d;
	int rc;

	if ((domid >= DOMID_FIRST_RESERVED && domid != DOMID_AUTO) || (flags & ~DOMAIN_CF_ALL) ||
	    max_vcpus == 0 || max_vcpus > DOMAIN_MAX_VCPUS) {
		set_err(err, -EINVAL);
		return NULL;
	}
	d = heap_zalloc(sizeof(*d));
	if (!d) {
		set_err(err, -ENOMEM);
		return NULL;
	}
	spin_lock_init(&d->lock);
	page_list_init(&d->page_list);
	page_list_init(&d->shared_list);
	d->shared_info_mfn = INVALID_MFN;
	d->is_privileged = flags & DOMAIN_CF_PRIVILEGED;
	d->pause_count = 1;
	d->shutdown_code = DOMAIN_SHUTDOWN_CODE_NONE;
	if (limits) {
		d->limits = *limits;
	} else {
		d->limits.max_evtchn_port = d->is_privileged ? ~0u : DOMAIN_DEFAULT_MAX_EVTCHN_PORT;
		d->limits.max_grant_frames = DOMAIN_DEFAULT_MAX_GRANT_FRAMES;
		d->limits.max_maptrack_frames = DOMAIN_DEFAULT_MAX_MAPTRACK_FRAMES;
	}
	rc = table_insert(d, domid);
	if (rc) {
		heap_free(d);
		set_err(err, rc);
		return NULL;
	}
	rc = shared_info_create(d);
	if (!rc)
		rc = vcpus_create(d, max_vcpus);
	if (!rc && domains.hooks.domain_init)
		rc = domains.hooks.domain_init(d);
	if (rc) {
		domain_put(d); /* the only reference: frees d, frees the id */
		set_err(err, rc);
		return NULL;
	}
	set_state(d, DOMAIN_ACTIVE);
	set_err(err, 0);
	return d;
}

/* ---- references ---- */

/* Whether a lookup may hand out d (and take a reference).  domains.lock held. */
static bool lookup_ok(const struct domain *d, bool dying_too)
{
	return (d->state == DOMAIN_ACTIVE || (dying_too && d->state == DOMAIN_DYING)) &&
	       d->refcnt != UINT32_MAX;
}

static struct domain *lookup(domid_t domid, bool dying_too, int *err)
{
	struct domain *d;

	spin_lock(&domains.lock);
	d = find_locked(domid);
	if (d && !lookup_ok(d, dying_too))
		d = NULL;
	if (d)
		d->refcnt++;
	spin_unlock(&domains.lock);
	set_err(err, d ? 0 : -ESRCH);
	return d;
}

struct domain *domain_lookup(domid_t domid, int *err)
{
	return lookup(domid, false, err);
}

struct domain *domain_lookup_any(domid_t domid, int *err)
{
	return lookup(domid, true, err);
}

struct domain *domain_next(domid_t first)
{
	struct domain *best = NULL;

	spin_lock(&domains.lock);
	for (unsigned int i = 0; i < DOMAIN_HASH_SIZE; i++)
		for (struct domain *d = domains.hash[i]; d; d = d->hash_next)
			if (d->domid >= first && (!best || d->domid < best->domid) &&
			    lookup_ok(d, true))
				best = d;
	if (best)
		best->refcnt++;
	spin_unlock(&domains.lock);
	return best;
}

int domain_get(struct domain *d)
{
	int rc = 0;

	spin_lock(&domains.lock);
	BUG_ON(d->refcnt == 0);
	if (d->refcnt == UINT32_MAX)
		rc = -EOVERFLOW;
	else
		d->refcnt++;
	spin_unlock(&domains.lock);
	return rc;
}

void domain_put(struct domain *d)
{
	bool last;

	spin_lock(&domains.lock);
	BUG_ON(d->refcnt == 0);
	last = --d->refcnt == 0;
	if (last)
		table_remove_locked(d);
	spin_unlock(&domains.lock);
	if (last)
		domain_free(d);
}

unsigned int domain_count(void)
{
	unsigned int n;

	spin_lock(&domains.lock);
	n = domains.count;
	spin_unlock(&domains.lock);
	return n;
}

struct vcpu *domain_vcpu(const struct domain *d, unsigned int id)
{
	return id < d->max_vcpus ? d->vcpus[id] : NULL;
}

/* ---- memory ---- */

mfn_t domain_alloc_frames(struct domain *d, unsigned int order, int *err)
{
	return domain_alloc_frames_below(d, order, INVALID_MFN, err);
}

mfn_t domain_alloc_frames_below(struct domain *d, unsigned int order, mfn_t limit, int *err)
{
	mfn_t mfn = INVALID_MFN;
	uint64_t n;
	int rc = 0;

	if (order > BUDDY_MAX_ORDER) {
		set_err(err, -EINVAL);
		return INVALID_MFN;
	}
	n = 1ULL << order;
	spin_lock(&d->lock);
	if (d->state != DOMAIN_ACTIVE)
		rc = -ESRCH;
	else if (d->tot_pages > d->max_pages || n > d->max_pages - d->tot_pages)
		rc = -ENOMEM;
	else if (!mfn_valid_raw(mfn = alloc_frames_below(order, limit)))
		rc = -ENOMEM;
	if (!rc) {
		for (uint64_t i = 0; i < n; i++)
			mfn_to_page(_mfn(mfn_x(mfn) + i))->owner = d->domid;
		page_list_add_tail(&d->page_list, mfn_to_page(mfn));
		d->tot_pages += n;
	}
	spin_unlock(&d->lock);
	set_err(err, rc);
	return mfn;
}

mfn_t domain_alloc_shared_frame(struct domain *d, int *err)
{
	mfn_t mfn = INVALID_MFN;
	int rc = 0;

	spin_lock(&d->lock);
	if (d->state != DOMAIN_CREATING && d->state != DOMAIN_ACTIVE)
		rc = -ESRCH;
	else if (!mfn_valid_raw(mfn = alloc_frames(0)))
		rc = -ENOMEM;
	if (!rc) {
		struct page_info *pg = mfn_to_page(mfn);

		pg->owner = d->domid;
		mmu_lock();
		BUG_ON(get_page_and_type(pg, PGT_WRITABLE, d->domid)); /* a fresh frame of d's */
		mmu_unlock();
		page_list_add_tail(&d->shared_list, pg);
	}
	spin_unlock(&d->lock);
	set_err(err, rc);
	return mfn;
}

int domain_split_block(struct domain *d, mfn_t mfn)
{
	struct page_info *head;
	unsigned int order;
	int rc;

	if (!mfn_in_table(mfn))
		return -EINVAL;
	head = mfn_to_page(mfn);
	spin_lock(&d->lock);
	order = head->order;
	if (head->owner != d->domid || head->state != FRAME_ALLOC_HEAD || mfn_eq(mfn, d->shared_info_mfn)) {
		rc = -EINVAL;
	} else if (order == 0) {
		rc = 0;
	} else {
		rc = buddy_split_allocated(mfn, order);
		if (!rc) {
			/* Every frame becomes a block of its own on the page list. */
			for (uint64_t i = 1; i < (1ULL << order); i++)
				page_list_add_tail(&d->page_list, head + i);
		}
	}
	spin_unlock(&d->lock);
	return rc;
}

/* True if some frame of the block starting at head has a reference or a type count. */
static bool block_busy(struct page_info *head)
{
	uint64_t first = mfn_x(page_to_mfn(head));

	for (uint64_t i = 0; i < (1ULL << head->order); i++) {
		const struct page_info *pg = mfn_to_page(_mfn(first + i));

		if (pg->count || page_type_count(pg))
			return true;
	}
	return false;
}

/* Takes an unreferenced block off d's list and back to the allocator.  d->lock held. */
static void release_block(struct domain *d, struct page_info *head)
{
	unsigned int order = head->order;

	page_list_del(&d->page_list, head);
	BUG_ON(d->tot_pages < (1ULL << order));
	d->tot_pages -= 1ULL << order;
	BUG_ON(free_frames(page_to_mfn(head), order));
}

/* True if pg is on d's shared_list.  d->lock held. */
static bool on_shared_list(const struct domain *d, const struct page_info *pg)
{
	for (const struct page_info *p = page_list_first(&d->shared_list); p; p = page_list_next(p))
		if (p == pg)
			return true;
	return false;
}

/* Why d may not free (mfn, order), or 0.  d->lock and the PV-MMU lock held. */
static int free_refusal(const struct domain *d, mfn_t mfn, unsigned int order)
{
	struct page_info *pg = mfn_to_page(mfn);

	if (pg->owner != d->domid)
		return pg->owner == DOMID_INVALID ? -EINVAL : -EPERM;
	if (mfn_eq(mfn, d->shared_info_mfn) || pg->state != FRAME_ALLOC_HEAD || pg->order != order)
		return -EINVAL;
	/* Not on the page list: freeing it as a block would corrupt that list. */
	if (on_shared_list(d, pg))
		return -EINVAL;
	return block_busy(pg) ? -EBUSY : 0;
}

int domain_free_frames(struct domain *d, mfn_t mfn, unsigned int order)
{
	int rc;

	if (order > BUDDY_MAX_ORDER || !mfn_in_table(mfn))
		return -EINVAL;
	spin_lock(&d->lock);
	mmu_lock();
	rc = free_refusal(d, mfn, order);
	if (!rc)
		release_block(d, mfn_to_page(mfn));
	mmu_unlock();
	spin_unlock(&d->lock);
	return rc;
}

int domain_steal_frame(struct domain *d, mfn_t mfn)
{
	int rc;

	if (!mfn_in_table(mfn))
		return -EINVAL;
	spin_lock(&d->lock);
	mmu_lock();
	rc = d->state != DOMAIN_ACTIVE ? -ESRCH : free_refusal(d, mfn, 0) ? -EINVAL : 0;
	if (!rc) {
		struct page_info *pg = mfn_to_page(mfn);

		page_list_del(&d->page_list, pg);
		d->tot_pages--;
		pg->owner = DOMID_XEN;
	}
	mmu_unlock();
	spin_unlock(&d->lock);
	return rc;
}

int domain_assign_frames(struct domain *d, mfn_t mfn, unsigned int order)
{
	struct page_info *head;
	int rc = 0;

	if (!mfn_in_table(mfn))
		return -EINVAL;
	head = mfn_to_page(mfn);
	spin_lock(&d->lock);
	if (d->state != DOMAIN_ACTIVE)
		rc = -ESRCH;
	else if (head->owner != DOMID_XEN || head->state != FRAME_ALLOC_HEAD || head->order != order)
		rc = -EINVAL;
	if (!rc) {
		for (uint64_t i = 0; i < (1ULL << order); i++)
			head[i].owner = d->domid;
		page_list_add_tail(&d->page_list, head);
		d->tot_pages += 1ULL << order;
	}
	spin_unlock(&d->lock);
	return rc;
}

int domain_set_max_pages(struct domain *d, uint64_t max_pages)
{
	spin_lock(&d->lock);
	d->max_pages = max_pages;
	spin_unlock(&d->lock);
	return 0;
}

/* ---- pause and shutdown ---- */

/* vcpu_runnable() of each vCPU, to notify the scheduler of what a change flips. */
static void snapshot_runnable(const struct domain *d, bool *was)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		was[i] = vcpu_runnable(d->vcpus[i]);
}

static void notify_runnable(struct domain *d, const bool *was)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		vcpu_notify_if_changed(d->vcpus[i], was[i]);
}

/* Adds delta (+1/-1) to d's pause count. */
static int pause_adjust(struct domain *d, int delta)
{
	bool was[DOMAIN_MAX_VCPUS];
	int rc = 0;

	spin_lock(&d->lock);
	if (d->state != DOMAIN_ACTIVE)
		rc = -ESRCH;
	else if (delta > 0 && d->pause_count >= DOMAIN_PAUSE_MAX)
		rc = -EOVERFLOW;
	else if (delta < 0 && d->pause_count == 0)
		rc = -EINVAL;
	if (!rc) {
		snapshot_runnable(d, was);
		d->pause_count += (unsigned int)delta;
		notify_runnable(d, was);
	}
	spin_unlock(&d->lock);
	return rc;
}

int domain_pause(struct domain *d)
{
	return pause_adjust(d, 1);
}

int domain_unpause(struct domain *d)
{
	return pause_adjust(d, -1);
}

int domain_shutdown(struct domain *d, unsigned int reason)
{
	bool was[DOMAIN_MAX_VCPUS], first = false;
	int rc = 0;

	if (reason > SHUTDOWN_MAX)
		return -EINVAL;
	spin_lock(&d->lock);
	if (d->state != DOMAIN_ACTIVE) {
		rc = -ESRCH;
	} else if (!d->is_shutting_down) {
		snapshot_runnable(d, was);
		d->is_shutting_down = true;
		/* A code declared earlier (SCHEDOP_shutdown_code) wins, as on Xen. */
		if (d->shutdown_code == DOMAIN_SHUTDOWN_CODE_NONE)
			d->shutdown_code = reason;
		notify_runnable(d, was);
		first = true;
	}
	spin_unlock(&d->lock);
	if (first && domains.hooks.domain_shutdown_notify)
		domains.hooks.domain_shutdown_notify(d);
	return rc;
}

int domain_set_shutdown_code(struct domain *d, unsigned int reason)
{
	int rc = 0;

	if (reason > SHUTDOWN_MAX)
		return -EINVAL;
	spin_lock(&d->lock);
	if (d->state != DOMAIN_ACTIVE)
		rc = -ESRCH;
	else if (d->shutdown_code == DOMAIN_SHUTDOWN_CODE_NONE)
		d->shutdown_code = reason;
	spin_unlock(&d->lock);
	return rc;
}

void domain_crash(struct domain *d)
{
	printk(KLOG_ERR "domain %u crashed\n", d->domid);
	spin_lock(&d->lock);
	d->is_crashed = true;
	spin_unlock(&d->lock);
	domain_shutdown(d, SHUTDOWN_crash); /* -ESRCH for a dying domain: nothing to stop */
}

/* ---- destruction ---- */

/* Unpins every pinned frame of d: whole trees devalidate.  Both locks held. */
static void unpin_all(struct domain *d)
{
	for (struct page_info *h = page_list_first(&d->page_list); h; h = page_list_next(h)) {
		uint64_t first = mfn_x(page_to_mfn(h));

		for (uint64_t i = 0; i < (1ULL << h->order); i++) {
			struct page_info *pg = mfn_to_page(_mfn(first + i));

			if (page_type_pinned(pg))
				BUG_ON(page_type_unpin(pg, d->domid));
		}
	}
}

/* Frees every unreferenced frame of d's shared_list; returns how many are left. */
static unsigned int free_shared_list(struct domain *d)
{
	unsigned int busy = 0;
	struct page_info *pg = page_list_first(&d->shared_list);

	while (pg) {
		struct page_info *next = page_list_next(pg);

		if (block_busy(pg)) {
			busy++;
		} else {
			page_list_del(&d->shared_list, pg);
			BUG_ON(free_frames(page_to_mfn(pg), 0));
		}
		pg = next;
	}
	return busy;
}

/*
 * Frees every unreferenced block of d (its shared frames, then shared_info), counting in
 * *busy those still referenced.  Returns 0, or -ERESTART when should_stop
 * (may be NULL) asked to stop between two blocks.  Both locks held.
 */
static int free_unreferenced(struct domain *d, bool (*should_stop)(void), unsigned int *busy)
{
	struct page_info *h = page_list_first(&d->page_list);

	*busy = free_shared_list(d);
	while (h) {
		struct page_info *next = page_list_next(h);

		if (block_busy(h)) {
			(*busy)++;
		} else {
			release_block(d, h);
			if (next && should_stop && should_stop())
				return -ERESTART;
		}
		h = next;
	}
	if (mfn_valid_raw(d->shared_info_mfn)) {
		if (block_busy(mfn_to_page(d->shared_info_mfn))) {
			(*busy)++;
		} else {
			BUG_ON(free_frames(d->shared_info_mfn, 0));
			d->shared_info_mfn = INVALID_MFN;
			d->shared_info = NULL;
		}
	}
	return 0;
}

int domain_relinquish_memory_preemptible(struct domain *d, bool (*should_stop)(void))
{
	unsigned int busy;
	int rc;

	spin_lock(&d->lock);
	if (d->state != DOMAIN_DYING) {
		spin_unlock(&d->lock);
		return -EINVAL;
	}
	mmu_lock();
	unpin_all(d);
	rc = free_unreferenced(d, should_stop, &busy);
	mmu_unlock();
	if (!rc && !busy)
		set_state(d, DOMAIN_DEAD);
	spin_unlock(&d->lock);
	if (rc)
		return rc;
	if (busy) {
		printk(KLOG_WARNING "domain %u: %u blocks still referenced, retry later\n",
		       d->domid, busy);
		return -EBUSY;
	}
	domain_put(d); /* the id table's reference */
	return 0;
}

int domain_relinquish_memory(struct domain *d)
{
	return domain_relinquish_memory_preemptible(d, NULL);
}

/* ACTIVE -> DYING with every vCPU offline; -ESRCH if d was not ACTIVE. */
static int mark_dying(struct domain *d)
{
	int rc = 0;

	spin_lock(&d->lock);
	if (d->state != DOMAIN_ACTIVE) {
		rc = -ESRCH;
	} else {
		for (unsigned int i = 0; i < d->max_vcpus; i++) {
			struct vcpu *v = d->vcpus[i];
			bool was = vcpu_runnable(v);

			v->state = VCPU_OFFLINE;
			v->down_blocked = false;
			vcpu_notify_if_changed(v, was);
		}
		set_state(d, DOMAIN_DYING);
	}
	spin_unlock(&d->lock);
	return rc;
}

int domain_kill(struct domain *d)
{
	int rc = mark_dying(d);

	if (rc)
		return rc;
	if (domains.hooks.domain_teardown)
		domains.hooks.domain_teardown(d);
	/* All off their CPUs first: a vCPU still in a hypercall could act on one released. */
	for (unsigned int i = 0; i < d->max_vcpus && domains.hooks.vcpu_arch_quiesce; i++)
		domains.hooks.vcpu_arch_quiesce(d->vcpus[i]);
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		if (domains.hooks.vcpu_arch_release)
			domains.hooks.vcpu_arch_release(d->vcpus[i]);
		vcpu_info_release(d->vcpus[i]);
	}
	mmu_lock();
	put_page_and_type(mfn_to_page(d->shared_info_mfn)); /* our permanent writable type */
	mmu_unlock();
	shared_list_untype(d);
	return 0;
}

int domain_destroy(struct domain *d)
{
	int rc = domain_kill(d);

	return rc ? rc : domain_relinquish_memory(d);
}
