/*
 * dom0-tools/guest_config_check.h - the little languages inside xl.cfg
 * string values: domain names, CPU lists, vif specs, disk specs, UUIDs.
 *
 * Each checker reads a NUL-terminated string and returns 0, or -EINVAL
 * with a reason in why[] that names no file or key ("item 2: "mac" needs
 * six hex pairs"): guest_config.c adds "FILE:LINE: key: " in front.
 * Stateless, no allocation.
 */
#ifndef DOM0_TOOLS_GUEST_CONFIG_CHECK_H
#define DOM0_TOOLS_GUEST_CONFIG_CHECK_H

#include <stddef.h>
#include <stdint.h>

#define GCHECK_WHY_MAX 192

/*
 * 1..max bytes of [A-Za-z0-9_.-], not all digits: vmctl takes a name or a
 * domain id in the same place, so "12" would be ambiguous.
 */
int gcheck_name(const char *name, size_t max, char why[GCHECK_WHY_MAX]);

/*
 * xl's CPULIST: comma-separated items, each "all", N, N-M (N <= M),
 * "node:" or "nodes:" followed by N or N-M, any of them after a '^'
 * (excluded).  N and M are decimal CPU or node numbers up to 65535.
 */
int gcheck_cpulist(const char *list, char why[GCHECK_WHY_MAX]);

/*
 * A vif spec (xl-network-configuration(5)): comma-separated KEY=VALUE
 * with the keys xl documents, or the flags trusted/untrusted; "" is a
 * vif with every default.  mac= must be six hex pairs and unicast.
 */
int gcheck_vif(const char *spec, char why[GCHECK_WHY_MAX]);

/* A disk spec (xl-disk-configuration(5)), kept raw: only not blank. */
int gcheck_disk(const char *spec, char why[GCHECK_WHY_MAX]);

/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex, either case) into out[16]. */
int gcheck_uuid(const char *text, uint8_t out[16], char why[GCHECK_WHY_MAX]);

/*
 * A byte the loader refuses in any string it keeps: control characters
 * (but tab) end up in xenstore, logs and terminals.  Returns the first
 * one, or 0 if there is none.
 */
unsigned int gcheck_control_byte(const char *s);

#endif /* DOM0_TOOLS_GUEST_CONFIG_CHECK_H */
