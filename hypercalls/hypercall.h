/*
 * hypercalls/hypercall.h - what every hypercall handler may use from the
 * layer below: continuations and preemption checks.
 *
 * Handlers are plain C, generic (they also build into host unit tests),
 * and take the calling vCPU explicitly.  Guest memory is reached only
 * through arch/guest_access.h (copy_from_guest / copy_to_guest).
 *
 * Continuations (Xen's model): a long operation checks
 * hypercall_preempt_check() between items; when it is true the handler
 * records how far it got, calls hypercall_create_continuation() with the
 * arguments the rest of the work needs, and returns what that returned.
 * The arch layer then re-issues the same hypercall with those arguments
 * the next time the vCPU runs (on x86: rip moved back over the syscall,
 * argument registers rewritten), so other vCPUs and interrupts get the CPU
 * in between.
 */
#ifndef HYPERCALLS_HYPERCALL_H
#define HYPERCALLS_HYPERCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#define HYPERCALL_MAX_ARGS 6

/*
 * True when the running hypercall should yield (an interrupt or softirq
 * is pending).  Implemented by the arch layer (the host shim has a knob).
 */
bool hypercall_preempt_check(void);

/*
 * Arranges for hypercall `op` to be re-issued with nargs arguments args[]
 * (the rest unchanged) when the vCPU next runs.  Returns the value the
 * handler must return (the guest never sees it: its registers are
 * rewritten).  Inside a multicall the entry's arguments are rewritten
 * instead and the multicall itself is continued.
 */
long hypercall_create_continuation(unsigned int op, unsigned int nargs, const uint64_t *args);

/*
 * Prints one complete line of guest console output, prefixed "(d<id>) "
 * (line holds len bytes, no newline).  Arch: the serial console; host
 * shim: a buffer tests read.
 */
void hypercall_console_line(domid_t domid, const char *line, size_t len);

/*
 * Prints the control domain's console output as it comes, terminal
 * escapes included (it is trusted, as on Xen): "(d<id>) " at each line
 * start, a line left open (a shell prompt) shows at once and is closed
 * with a newline when anyone else prints.
 */
void hypercall_console_text(domid_t domid, const char *s, size_t len);

/*
 * Keel's build id (the image's GNU build-id note): *len bytes at the
 * returned address, or NULL when the image has none.
 */
const void *hypercall_build_id(unsigned int *len);

struct memmap;
/*
 * The machine's memory map as Keel found it (mm/memmap.h; XENMEM_
 * machine_memory_map, maximum_ram_page).  Arch: the boot map; host shim:
 * one a test sets.
 */
const struct memmap *hypercall_machine_memmap(void);

struct dom0_iomem_machine;
/*
 * What the hardware domain's I/O memory rules know of the machine
 * (hypervisor/common/dom0_iomem.h), or NULL before it is known.  Arch:
 * pv_mm.c's; host shim: one a test sets.
 */
const struct dom0_iomem_machine *hypercall_dom0_iomem(void);

#endif /* HYPERCALLS_HYPERCALL_H */
