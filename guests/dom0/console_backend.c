/*
 * guests/dom0/console_backend.c - the PV console backend (see
 * console_backend.h).
 *
 * Owns the table of served consoles.  Each entry maps the domU's ring
 * (through the foreign window) and holds the partial line not yet logged.
 * Runs in dom0's threads and event handlers (all on one vCPU, cooperative):
 * no locks.
 */
#include "guests/dom0/dom0.h" /* first: vmctl's headers must precede Xen's */
#include "guests/dom0/console_backend.h"

#include <xen/io/console.h>

#include "guests/lib/console.h"
#include "guests/lib/events.h"
#include "guests/lib/mm.h"
#include "guests/lib/thread.h"
#include "guests/lib/time.h"
#include "lib/errno.h"
#include "lib/string.h"

#define MAX_CONSOLES 64
#define LINE_MAX     200
#define CTRL_RIGHT_BRACKET 0x1d

struct console {
	bool used;
	domid_t domid;
	char name[64];
	struct xencons_interface *ring;
	evtchn_port_t port;
	char line[LINE_MAX + 1];
	size_t line_len;
	uint64_t first_line_ns; /* when its first line was complete (the creation benchmark) */
	uint8_t esc;		/* inside a terminal escape sequence the log leaves out */
};

static struct console consoles[MAX_CONSOLES];
static struct console *attached;

static struct console *find(domid_t domid)
{
	for (int i = 0; i < MAX_CONSOLES; i++)
		if (consoles[i].used && consoles[i].domid == domid)
			return &consoles[i];
	return NULL;
}

static void flush_line(struct console *c)
{
	if (!c->line_len)
		return;
	c->line[c->line_len] = 0;
	shell_async_begin();
	kprintf("[%s] %s\n", c->name, c->line);
	shell_async_end();
	c->line_len = 0;
}

/*
 * Whether @ch belongs to a terminal escape sequence (ESC, ESC [ ... final
 * byte): a guest's colours and cursor moves must not reach the
 * operator's terminal through dom0's log, only when attached.
 */
static bool in_escape(struct console *c, char ch)
{
	if (c->esc == 1) {
		c->esc = ch == '[' ? 2 : 0;
		return true;
	}
	if (c->esc == 2) {
		if (ch >= 0x40 && ch <= 0x7e)
			c->esc = 0;
		return true;
	}
	if (ch == 0x1b) {
		c->esc = 1;
		return true;
	}
	return false;
}

static void log_byte(struct console *c, char ch)
{
	if (ch == '\n' && !c->first_line_ns)
		c->first_line_ns = time_now_ns();
	if (in_escape(c, ch) || ch == '\r' || ((unsigned char)ch < ' ' && ch != '\n' && ch != '\t'))
		return;
	if (ch == '\n' || c->line_len == LINE_MAX) {
		flush_line(c);
		if (ch == '\n')
			return;
	}
	c->line[c->line_len++] = ch;
}

/* Takes what the domain wrote from its output ring. */
static void drain(struct console *c)
{
	struct xencons_interface *r = c->ring;
	XENCONS_RING_IDX cons = r->out_cons, prod = r->out_prod;
	char buf[256];
	size_t n = 0;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (prod - cons > sizeof(r->out))
		cons = prod - sizeof(r->out); /* a lying producer: take the last ring's worth */
	while (cons != prod) {
		char ch = r->out[MASK_XENCONS_IDX(cons++, r->out)];

		if (attached == c) {
			buf[n++] = ch;
			if (n == sizeof(buf)) {
				console_write(buf, n);
				n = 0;
			}
		} else {
			log_byte(c, ch);
		}
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (n)
		console_write(buf, n);
	if (r->out_cons == cons)
		return; /* nothing taken: no event back (the guest would answer it in turn) */
	r->out_cons = cons;
	evtchn_notify(c->port);
}

static void console_event(evtchn_port_t port, void *data)
{
	drain(data);
}

long conback_connect(domid_t domid, const char *name, uint64_t ring_mfn, uint32_t remote_port)
{
	struct console *c = NULL;
	long rc;

	for (int i = 0; i < MAX_CONSOLES && !c; i++)
		if (!consoles[i].used)
			c = &consoles[i];
	if (!c)
		return -ENOSPC;
	memset(c, 0, sizeof(*c));
	c->ring = mm_map_foreign(domid, ring_mfn, &rc);
	if (!c->ring)
		return rc;
	c->domid = domid;
	strlcpy(c->name, name, sizeof(c->name));
	c->used = true;
	rc = evtchn_bind_interdomain(domid, remote_port, console_event, c);
	if (rc < 0) {
		mm_unmap_foreign(c->ring);
		c->used = false;
		return rc;
	}
	c->port = rc;
	return 0;
}

bool conback_serves(domid_t domid)
{
	return find(domid) != NULL;
}

void conback_disconnect(domid_t domid)
{
	struct console *c = find(domid);

	if (!c)
		return;
	drain(c);
	flush_line(c);
	evtchn_close(c->port);
	mm_unmap_foreign(c->ring);
	c->used = false;
	if (attached == c) {
		attached = NULL;
		kprintf("\n[%s] domain gone: press a key to get back to the shell\n", c->name);
	}
}

/* Puts the operator's bytes into the domain's input ring. */
static void type_into(struct console *c, const char *buf, size_t len)
{
	struct xencons_interface *r = c->ring;
	XENCONS_RING_IDX cons = r->in_cons, prod = r->in_prod;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (size_t i = 0; i < len && prod - cons < sizeof(r->in); i++)
		r->in[MASK_XENCONS_IDX(prod++, r->in)] = buf[i];
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	r->in_prod = prod;
	evtchn_notify(c->port);
}

uint64_t conback_first_line_ns(domid_t domid)
{
	struct console *c = find(domid);

	return c ? c->first_line_ns : 0;
}

long conback_attach(domid_t domid)
{
	struct console *c = find(domid);
	char buf[64];

	if (!c)
		return -ENOENT;
	flush_line(c);
	attached = c;
	drain(c);
	while (attached == c) {
		size_t n = console_read(buf, sizeof(buf)), keep = 0;

		if (attached != c)
			break; /* the domain went away while we waited */
		while (keep < n && buf[keep] != CTRL_RIGHT_BRACKET)
			keep++;
		type_into(c, buf, keep);
		if (keep < n)
			attached = NULL;
	}
	return 0;
}
