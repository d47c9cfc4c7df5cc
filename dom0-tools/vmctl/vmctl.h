/*
 * dom0-tools/vmctl/vmctl.h - `vmctl`, the operator's command: xl's
 * commands over the toolstack library (docs/vmctl.md).
 *
 * Owns: nothing global.  dom0's kernel owns one struct vmctl_env for its
 * lifetime (the domain table must outlive every command: it is what
 * lifecycle handling and restarts read) and calls vmctl_main() from its
 * serial shell, vmctl_lifecycle() on VIRQ_DOM_EXC, and
 * vmctl_top_sample() / vmctl_top_frame() in a loop for `top`.
 *
 * What dom0 provides, through the env: the hypercall transport
 * (hv.h), its xenstored (store.h), a file loader for config files,
 * kernels and ramdisks (its cpio root), an output sink, the console
 * attach, a random source for fresh UUIDs, a monotonic clock, and the
 * scratch storage below (no malloc: all of it is static in dom0).
 *
 * Every command returns 0 on success and 1 on failure, having printed
 * one line saying why ("vmctl: domain 'x' does not exist"); bad usage
 * prints the command's usage line and returns 2.
 */
#ifndef DOM0_TOOLS_VMCTL_VMCTL_H
#define DOM0_TOOLS_VMCTL_VMCTL_H

#include "dom0-tools/vmctl/hv.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dom0-tools/guest_config.h"
#include "dom0-tools/vmctl/domain_create.h"
#include "dom0-tools/vmctl/domain_table.h"
#include "dom0-tools/vmctl/store.h"
#include "dom0-tools/xl_config_parse.h"
#include "lib/compiler.h"

#define VMCTL_MAX_LIST 64   /* domains one list/top/lifecycle pass sees */
#define VMCTL_BUF_SIZE 4096 /* dmesg chunks, xen_version strings */

/*
 * The large storage commands need (about 66 KiB plus the P2M): the
 * config being parsed (~40 KiB) and loaded, create's scratch (set
 * create.p2m and create.p2m_max: 2 KiB per MiB of the largest guest),
 * a domain-info list and a text buffer.
 */
struct vmctl_scratch {
	struct xlcfg cfg;
	struct guest_config gc;
	struct vmctl_create_scratch create;
	struct xen_domctl_getdomaininfo info[VMCTL_MAX_LIST];
	char buf[VMCTL_BUF_SIZE];
};

struct vmctl_env {
	const struct vmctl_hv *hv;
	const struct vmctl_store *store;
	struct vmctl_domain_table *domains;
	struct vmctl_scratch *scratch;
	/*
	 * The bytes of file path, *len set; NULL if it cannot be read.  They
	 * stay valid at least until the command returns (dom0 serves them in
	 * place from its in-memory cpio root), several files at once.
	 */
	const void *(*load_file)(void *ctx, const char *path, size_t *len);
	/* Prints s (a NUL-terminated piece of output, with its own newlines). */
	void (*out)(void *ctx, const char *s);
	/* Attaches the operator's terminal to domid's console; returns when detached. */
	int (*console)(void *ctx, domid_t domid, uint32_t port, uint64_t mfn);
	uint64_t (*random64)(void *ctx); /* fresh UUIDs (version 4) */
	uint64_t (*now_ns)(void *ctx);	 /* monotonic: top's CPU(%) */
	const char *hostname;		 /* info's host; NULL: "dom0" */
	const char *release;		 /* info's release (dom0's kernel); NULL: "keel-dom0" */
	void *ctx;			 /* for the callbacks above */
};

/** Runs `vmctl argv[1] ...` (argv[0] is "vmctl"); 0 ok, 1 failed, 2 bad usage. */
int vmctl_main(struct vmctl_env *env, int argc, char **argv);

/** Formats like printf and sends it to env->out (at most 511 bytes a call). */
void vmctl_printf(struct vmctl_env *env, const char *fmt, ...) __printf(2, 3);

/**
 * Handles every domain that has shut down or is dying (dom0 calls it on
 * VIRQ_DOM_EXC): applies its config's on_poweroff / on_reboot / on_crash
 * (destroy, restart, preserve, rename-restart as restart) and prints one
 * line per event ("hello: shut down (poweroff), destroyed").  Domains
 * vmctl did not create are destroyed when they shut down.  Returns how
 * many events it handled, or a negative errno if it could not list.
 */
int vmctl_lifecycle(struct vmctl_env *env);

/**
 * Creates a domain from gc (already loaded; copied into the table),
 * reading its kernel and ramdisk through env->load_file.  uuid NULL: a
 * fresh one unless gc has one.  Prints "vmctl: ..." on failure.
 * 0 with *domid set, or a negative errno.
 */
int vmctl_create_config(struct vmctl_env *env, const struct guest_config *gc, const uint8_t *uuid,
			domid_t *domid);

/**
 * Resolves a name or id typed by the operator to an existing domain:
 * 0 with *domid set, or -ESRCH having printed "vmctl: domain 'x' does
 * not exist".
 */
int vmctl_lookup(struct vmctl_env *env, const char *what, domid_t *domid);

/** Destroys domid and forgets it: store released and removed, table entry dropped. */
int vmctl_destroy(struct vmctl_env *env, domid_t domid);

/** The name list and top show for domid ("Domain-0", the config name, or the store's). */
const char *vmctl_name(struct vmctl_env *env, domid_t domid, char *buf, size_t len);

/* One sample of every domain for `top`: when, and each domain's record. */
struct vmctl_top_sample {
	uint64_t now_ns;
	unsigned int nr;
	struct xen_domctl_getdomaininfo info[VMCTL_MAX_LIST];
};

/** Fills s from getdomaininfolist and env->now_ns: 0 or a negative errno. */
int vmctl_top_sample(struct vmctl_env *env, struct vmctl_top_sample *s);

/**
 * Prints one xentop-like frame: a summary line, then NAME STATE CPU(sec)
 * CPU(%) MEM(k) MEM(%) MAXMEM(k) VCPUS per domain of now, CPU(%) from
 * the CPU time used since prev (0 for a domain new in now).
 */
void vmctl_top_frame(struct vmctl_env *env, const struct vmctl_top_sample *prev,
		     const struct vmctl_top_sample *now);

/** xl's memory sizes: a number with k (default), m, g, t or b; into KiB. 0 or -EINVAL. */
int vmctl_parse_mem_kb(const char *s, uint64_t *kb);

/** The six state letters of xl list ("r-----", "-b----", "--p---", ...) into buf (7 bytes). */
void vmctl_state_letters(const struct xen_domctl_getdomaininfo *di, char *buf);

#endif /* DOM0_TOOLS_VMCTL_VMCTL_H */
