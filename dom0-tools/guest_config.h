/*
 * dom0-tools/guest_config.h - what `vmctl create guest.cfg` builds: a PV
 * guest's settings, read from a parsed xl.cfg(5) file.
 *
 * Owns: nothing but the caller's struct guest_config.  Every string is
 * copied into fixed arrays, so the config outlives the struct xlcfg it was
 * read from.  Defaults are xl's (docs/guest-config.md lists each key with
 * its default and checks); values are checked here, not later, so vmctl
 * never builds a domain from a config it would have to refuse halfway.
 *
 * Messages: errors and warnings land in the struct xlcfg's diag, in the
 * same "FILE:LINE: key: what is wrong" shape as the syntax layer's, e.g.
 *   hello.cfg:4: memory: expected a number, got a string
 *   hello.cfg:9: unknown key "memroy"; ignored
 * Nothing is printed: the caller prints diag.error and diag.warnings.
 *
 * Errors: 0 or a negative Xen errno:
 *   -EINVAL      a value is malformed, out of range or of the wrong type,
 *                or a required key (name, kernel) is missing;
 *   -EOPNOTSUPP  the file asks for something Keel does not do (an HVM or
 *                PVH guest, a bootloader instead of a kernel, soft-reset);
 *   -E2BIG       a value or a list exceeds a limit below.
 *
 * No malloc, no globals, no libc beyond lib/: dom0's PV kernel links it.
 */
#ifndef DOM0_TOOLS_GUEST_CONFIG_H
#define DOM0_TOOLS_GUEST_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>

#include "dom0-tools/xl_config_parse.h"

#define GUEST_NAME_MAX	  63			  /* bytes of a domain name */
#define GUEST_PATH_MAX	  255			  /* bytes of kernel= / ramdisk= */
#define GUEST_CMDLINE_MAX (MAX_GUEST_CMDLINE - 1) /* start_info's cmd_line, NUL excluded */
#define GUEST_CPUS_MAX	  255			  /* bytes of cpus= */
#define GUEST_SPEC_MAX	  255			  /* bytes of one vif or disk spec */
#define GUEST_MAX_VIFS	  8
#define GUEST_MAX_DISKS	  16
#define GUEST_MAX_VCPUS	  128		 /* Keel's per-domain vCPU limit */
#define GUEST_MAX_MEMORY  (1024u * 1024) /* MiB: 1 TiB */
#define GUEST_MAX_EVTCHNS 131071	 /* xl.cfg(5): the FIFO ABI's most */
#define GUEST_MAX_FRAMES  0x7fffffff	 /* createdomain's grant limits are int32 */
#define GUEST_MAX_SCHED	  65535		 /* credit weight and cap are 16-bit */

/* xl's defaults (libxl's, where xl.cfg(5) names none). */
#define GUEST_DEFAULT_MEMORY	      32 /* MiB */
#define GUEST_DEFAULT_CPU_WEIGHT      256
#define GUEST_DEFAULT_EVTCHNS	      1023
#define GUEST_DEFAULT_GRANT_FRAMES    64   /* Xen 4.17's gnttab_max_frames */
#define GUEST_DEFAULT_MAPTRACK_FRAMES 1024 /* Xen 4.17's gnttab_max_maptrack_frames */

/*
 * What the toolstack does when the guest powers off, reboots, crashes or
 * is stopped by its watchdog.  xl's coredump-destroy and coredump-restart
 * load as DESTROY and RESTART with a warning (no core dumps yet).
 */
enum guest_action {
	GUEST_ACTION_DESTROY = 1,
	GUEST_ACTION_RESTART,
	GUEST_ACTION_PRESERVE,
	GUEST_ACTION_RENAME_RESTART,
};

/* A 64-bit PV guest: a loaded config is always PV (others are refused). */
struct guest_config {
	char name[GUEST_NAME_MAX + 1];
	unsigned int memory_mib; /* at start */
	unsigned int maxmem_mib; /* >= memory_mib; the balloon's ceiling */
	unsigned int vcpus;	 /* online at start */
	unsigned int maxvcpus;	 /* >= vcpus */
	char kernel[GUEST_PATH_MAX + 1];
	char ramdisk[GUEST_PATH_MAX + 1];    /* "" if none */
	char cmdline[GUEST_CMDLINE_MAX + 1]; /* cmdline=, or "root=ROOT EXTRA" */
	enum guest_action on_poweroff, on_reboot, on_crash, on_watchdog;
	unsigned int cpu_weight;
	unsigned int cap;	       /* percent of one CPU; 0: no cap */
	char cpus[GUEST_CPUS_MAX + 1]; /* xl's CPULIST, checked, kept as text; "" : no pinning */
	unsigned int nr_vifs, nr_disks;
	char vifs[GUEST_MAX_VIFS][GUEST_SPEC_MAX + 1];	 /* xl-network-configuration(5) */
	char disks[GUEST_MAX_DISKS][GUEST_SPEC_MAX + 1]; /* xl-disk-configuration(5) */
	unsigned int max_event_channels;
	unsigned int max_grant_frames;
	unsigned int max_maptrack_frames;
	bool has_uuid;
	uint8_t uuid[16]; /* as written: byte 0 is the first two hex digits */
};

/*
 * Fills gc from a parsed file.  Unknown keys become warnings in
 * cfg->diag; the first error stops the load and is left in
 * cfg->diag.error.  On error gc holds a partial config: do not use it.
 */
int guest_config_load(struct guest_config *gc, struct xlcfg *cfg);

/*
 * xlcfg_parse(), then each of args[0..nr_args-1] ("KEY=VALUE", given
 * after the file on vmctl create's command line: they win over the
 * file), then guest_config_load(): one call for vmctl create.
 */
int guest_config_parse(struct guest_config *gc, struct xlcfg *cfg, const char *file,
		       const char *text, size_t len, unsigned int nr_args, char *const *args);

/* xl's name for an action ("destroy", "rename-restart", ...). */
const char *guest_action_name(enum guest_action action);

#endif /* DOM0_TOOLS_GUEST_CONFIG_H */
