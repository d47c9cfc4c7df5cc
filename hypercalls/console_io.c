/*
 * hypercalls/console_io.c - HYPERVISOR_console_io: a guest writes to (and
 * the control domain reads from) Keel's console.
 *
 * Output is cut into lines per domain, each printed whole with the
 * domain's "(d<id>) " prefix so lines of different domains and of Keel
 * never interleave mid-line.  The control domain's output is the
 * exception: it goes out as it comes, so its shell's prompt and echo show
 * at once (an open line is closed when someone else prints).  Xen release builds refuse console writes
 * from unprivileged domains; Keel lets every domain write (as Xen's debug
 * builds do), which is what students running domUs want to see.
 * Reading (control domain only) takes what was typed on Keel's serial
 * console while input is switched to dom0 (hypervisor/common/
 * console_input.h); a domU gets -EPERM, as from Xen's default XSM policy.
 *
 * An unprivileged domain's output is rate limited (CONSOLE_RATE_LINES a
 * second): every line goes out synchronously on a slow serial port under
 * the domain's lock, so a guest writing newlines in a loop would keep a
 * CPU busy for it.  What is dropped is counted and reported when output
 * resumes.  The control domain is not limited, as on Xen.
 */
#include "hypercalls/hypercalls.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#include "arch/guest_access.h"
#include "arch/spinlock.h"
#include "hypercalls/hypercall.h"
#include "hypervisor/common/console_input.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

/* Bytes copied from or to the guest per step; also the preemption granularity of writes. */
#define CONSOLE_CHUNK 128

#define CONSOLE_RATE_LINES 200
#define CONSOLE_WINDOW_NS  1000000000ULL

/* May d print one more line now?  d->lock held. */
static bool line_allowed(struct domain *d)
{
	uint64_t (*clock)(void) = domain_get_hooks()->clock_ns;
	uint64_t now;

	if (d->is_privileged || !clock)
		return true;
	now = clock();
	if (now - d->console_window_ns >= CONSOLE_WINDOW_NS) {
		d->console_window_ns = now;
		d->console_window_lines = 0;
		if (d->console_dropped) {
			char note[64];

			format_snprintf(note, sizeof(note), "[%u lines dropped: rate limit]",
					d->console_dropped);
			hypercall_console_line(d->domid, note, strlen(note));
			d->console_dropped = 0;
		}
	}
	if (d->console_window_lines == CONSOLE_RATE_LINES) {
		d->console_dropped++;
		return false;
	}
	d->console_window_lines++;
	return true;
}

static void flush_line(struct domain *d)
{
	if (line_allowed(d))
		hypercall_console_line(d->domid, d->console_line, d->console_len);
	d->console_len = 0;
}

static void put_chars(struct domain *d, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\n') {
			flush_line(d);
			continue;
		}
		if (c == '\r' || c == '\0')
			continue;
		if ((unsigned char)c < ' ' && c != '\t')
			c = '?'; /* no terminal escapes from guests */
		d->console_line[d->console_len++] = c;
		if (d->console_len == sizeof(d->console_line))
			flush_line(d);
	}
}

/* The control domain's bytes go out as they come (a prompt shows), less the \r of \r\n. */
static void put_raw(struct domain *d, const char *s, size_t n)
{
	char out[CONSOLE_CHUNK];
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\0')
			out[m++] = s[i];
	hypercall_console_text(d->domid, out, m);
}

static long console_write(struct vcpu *v, unsigned int count, uint64_t buffer)
{
	struct domain *d = v->domain;
	char chunk[CONSOLE_CHUNK];

	while (count) {
		unsigned int n = count < CONSOLE_CHUNK ? count : CONSOLE_CHUNK;

		if (copy_from_guest(chunk, buffer, n))
			return -EFAULT;
		spin_lock(&d->lock);
		if (d->is_privileged)
			put_raw(d, chunk, n);
		else
			put_chars(d, chunk, n);
		spin_unlock(&d->lock);
		buffer += n;
		count -= n;
		if (count && hypercall_preempt_check()) {
			uint64_t args[3] = { CONSOLEIO_write, count, buffer };

			return hypercall_create_continuation(__HYPERVISOR_console_io, 3, args);
		}
	}
	return 0;
}

/*
 * Serialises readers: a read peeks, copies to the guest, then consumes, and
 * two vCPUs of the control domain must not both hand out the same bytes.
 * Taken before the ring's own lock; no other lock is held with it.
 */
static spinlock_t console_read_lock = SPINLOCK_INIT;

/*
 * Gives the control domain what was typed on Keel's console (the ring
 * console_input.c fills from the UART's interrupt), up to count bytes;
 * returns how many.  Never waits: the guest waits for VIRQ_CONSOLE.
 * Nothing typed: 0, and the buffer is not touched.  A buffer the guest
 * cannot write gives -EFAULT and leaves the bytes it would have had in the
 * ring (earlier chunks of the same call are taken, as in Xen).
 */
static long console_read(unsigned int count, uint64_t buffer)
{
	char chunk[CONSOLE_CHUNK];
	long done = 0;

	/* Xen 4.17: a count that cannot be told apart from an errno is refused. */
	if (count > INT32_MAX)
		return -E2BIG;
	spin_lock(&console_read_lock);
	while (count) {
		size_t want = count < CONSOLE_CHUNK ? count : CONSOLE_CHUNK;
		size_t got = input_ring_peek(&console_input_dom0, chunk, want);

		if (!got)
			break;
		if (copy_to_guest(buffer, chunk, got)) {
			done = -EFAULT;
			break;
		}
		input_ring_consume(&console_input_dom0, got);
		buffer += got;
		count -= (unsigned int)got;
		done += (long)got;
	}
	spin_unlock(&console_read_lock);
	return done;
}

long do_console_io(struct vcpu *v, unsigned int cmd, unsigned int count, uint64_t buffer)
{
	switch (cmd) {
	case CONSOLEIO_write:
		return console_write(v, count, buffer);
	case CONSOLEIO_read:
		if (!v->domain->is_privileged)
			return -EPERM;
		return console_read(count, buffer);
	default:
		return -ENOSYS;
	}
}
