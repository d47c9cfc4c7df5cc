/*
 * guests/lib/console.c - the console (see console.h).
 *
 * Owns the input buffer (bytes typed but not yet read) and, in a domU,
 * the PV console ring mapping.  Output to the ring waits for room by
 * yielding to the hypervisor (dom0's backend must run to drain it), so it
 * works from any context, the idle loop and event handlers included.
 */
#include "guests/lib/console.h"

#include <stdarg.h>
#include <stdint.h>

#include <xen/io/console.h>

#include "guests/lib/events.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"
#include "guests/lib/mm.h"
#include "guests/lib/thread.h"
#include "lib/format.h"
#include "lib/printk.h"
#include "lib/string.h"

#define INPUT_SIZE 4096
#define RING_WAIT_TRIES 10000 /* yields before output to a stuck ring is dropped */

static struct xencons_interface *ring;
static evtchn_port_t ring_port;
static char input[INPUT_SIZE];
static size_t input_head, input_tail; /* free-running; head - tail bytes waiting */
static struct waitq readers;

static size_t ring_put(const char *buf, size_t len)
{
	XENCONS_RING_IDX cons = ring->out_cons, prod = ring->out_prod;
	size_t n = 0;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	while (n < len && prod - cons < sizeof(ring->out))
		ring->out[MASK_XENCONS_IDX(prod++, ring->out)] = buf[n++];
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the bytes before the index */
	ring->out_prod = prod;
	return n;
}

static void ring_write(const char *buf, size_t len)
{
	unsigned int tries = 0;

	while (len) {
		size_t n = ring_put(buf, len);

		buf += n;
		len -= n;
		evtchn_notify(ring_port);
		if (!n && ++tries > RING_WAIT_TRIES)
			return; /* nobody drains the ring: drop rather than hang */
		if (len)
			hyp_sched_op(SCHEDOP_yield, NULL);
	}
}

void console_write(const char *buf, size_t len)
{
	if (ring)
		ring_write(buf, len);
	else
		hyp_console_write(buf, len);
}

static void vprint(const char *prefix, const char *fmt, va_list ap)
{
	char buf[512];
	size_t n = strlcpy(buf, prefix, sizeof(buf));
	int m = format_vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);

	n += m < 0 ? 0 : (size_t)m;
	console_write(buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("", fmt, ap);
	va_end(ap);
}

/*
 * lib/'s shared code (the command-line parser, the builder) logs through
 * printk with a KLOG_* level prefix "<N>": a guest prints every level,
 * without the prefix.
 */
void printk(const char *fmt, ...)
{
	va_list ap;

	if (fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '9' && fmt[2] == '>')
		fmt += 3;
	va_start(ap, fmt);
	vprint("", fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("PANIC: ", fmt, ap);
	va_end(ap);
	console_write("\n", 1);
	guest_shutdown(SHUTDOWN_crash);
}

static void input_put(const char *buf, size_t len)
{
	for (size_t i = 0; i < len && input_head - input_tail < INPUT_SIZE; i++)
		input[input_head++ % INPUT_SIZE] = buf[i];
	if (len)
		waitq_wake(&readers);
}

/* dom0: VIRQ_CONSOLE; what was typed waits in the hypervisor's input ring. */
static void hypervisor_input(evtchn_port_t port, void *data)
{
	char buf[128];
	long n;

	while ((n = hyp_console_read(buf, sizeof(buf))) > 0)
		input_put(buf, n);
}

/* domU: the ring's input side, filled by dom0's console backend. */
static void ring_input(evtchn_port_t port, void *data)
{
	XENCONS_RING_IDX cons = ring->in_cons, prod = ring->in_prod;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	while (cons != prod && input_head - input_tail < INPUT_SIZE) {
		char c = ring->in[MASK_XENCONS_IDX(cons++, ring->in)];

		input_put(&c, 1);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (ring->in_cons == cons)
		return; /* nothing taken: no event back, or the backend answers it and so on */
	ring->in_cons = cons;
	evtchn_notify(ring_port);
}

void console_init(void)
{
	if (start_info->flags & SIF_INITDOMAIN) {
		long rc = evtchn_bind_virq(VIRQ_CONSOLE, hypervisor_input, NULL);

		if (rc < 0)
			kprintf("console: no VIRQ_CONSOLE (%ld): no input\n", rc);
		hypervisor_input(0, NULL); /* typed before we listened */
		return;
	}
	ring = mfn_to_virt(start_info->console.domU.mfn);
	ring_port = start_info->console.domU.evtchn;
	evtchn_bind(ring_port, ring_input, NULL);
}

size_t console_pending(void)
{
	return input_head - input_tail;
}

size_t console_read(char *buf, size_t len)
{
	size_t n = 0;

	while (input_head == input_tail)
		waitq_wait(&readers, 0);
	while (n < len && input_tail != input_head)
		buf[n++] = input[input_tail++ % INPUT_SIZE];
	return n;
}
