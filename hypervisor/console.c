/*
 * hypervisor/console.c - printk: formatting, levels, the "(KEEL) " prefix,
 * and a copy of every line in Keel's console ring (common/console_ring.h),
 * which the control domain reads with XEN_SYSCTL_readconsole and hears
 * about through VIRQ_CON_RING.
 *
 * Owns the console lock.  Lock order: the console lock, then the ring's
 * lock (a leaf); printk may be called with any other lock held and from
 * interrupt context (it disables interrupts while it holds the lock).
 */
#include "hypervisor/console.h"

#include <stdarg.h>

#include <xen/xen.h>

#include "arch/serial.h"
#include "arch/spinlock.h"
#include "hypercalls/evtchn.h"
#include "hypercalls/hypercall.h"
#include "hypervisor/common/console_ring.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

int console_loglevel = LOG_INFO;

static spinlock_t console_lock = SPINLOCK_INIT;
static bool at_line_start = true;
/* Whose line is open when !at_line_start: Keel's, or a guest's (hypercall_console_text). */
#define OWNER_KEEL 0x10000U
static unsigned int line_owner = OWNER_KEEL;

void console_init(uint16_t port, uint32_t baud)
{
	serial_init(port, baud);
}

/* Text to the serial port and the console ring alike. */
static void emit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		serial_putc(s[i]);
	console_ring_put(&keel_conring, s, n);
}

void console_write(const char *s, size_t len)
{
	static const char prefix[] = "(KEEL) ";

	while (len) {
		size_t n = 0;

		/* One line (with its newline) or the rest, after the prefix if a line starts. */
		while (n < len && s[n++] != '\n')
			;
		if (!at_line_start && line_owner != OWNER_KEEL) {
			emit("\n", 1); /* a guest's open line (a prompt): ours starts afresh */
			at_line_start = true;
		}
		line_owner = OWNER_KEEL;
		if (at_line_start)
			emit(prefix, sizeof(prefix) - 1);
		emit(s, n);
		at_line_start = s[n - 1] == '\n';
		s += n;
		len -= n;
	}
}

int console_parse_loglevel(const char *val)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };

	if (!strcmp(val, "none")) {
		console_loglevel = -1;
		return 0;
	}
	if (!strcmp(val, "all")) {
		console_loglevel = LOG_DEBUG;
		return 0;
	}
	for (int i = 0; i < (int)ARRAY_SIZE(names); i++) {
		size_t n = strlen(names[i]);

		/* Xen allows "level/rate-limited-level": the part after '/' is ignored. */
		if (!strncmp(val, names[i], n) && (val[n] == '\0' || val[n] == '/')) {
			console_loglevel = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Strips a "<N>" level prefix; messages without one are always shown. */
static const char *message_level(const char *fmt, int *level)
{
	if (fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '3' && fmt[2] == '>') {
		*level = fmt[1] - '0';
		return fmt + 3;
	}
	*level = LOG_ERR;
	return fmt;
}

static void vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int level, n;
	unsigned long flags;

	fmt = message_level(fmt, &level);
	if (level > console_loglevel)
		return;
	n = format_vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	flags = spin_lock_irqsave(&console_lock);
	console_write(buf, (size_t)n);
	spin_unlock_irqrestore(&console_lock, flags);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

void console_force_unlock(void)
{
	spin_lock_init(&console_lock);
	if (!at_line_start)
		console_write("\n", 1);
}

/* A guest's console line (hypercalls/console_io.c), whole, with its "(d<id>) " prefix. */
void hypercall_console_line(domid_t domid, const char *line, size_t len)
{
	char prefix[16];
	int n = format_snprintf(prefix, sizeof(prefix), "(d%u) ", domid);
	unsigned long flags = spin_lock_irqsave(&console_lock);

	if (!at_line_start)
		emit("\n", 1); /* never glue a guest line to a half-written one */
	emit(prefix, (size_t)n);
	emit(line, len);
	emit("\n", 1);
	at_line_start = true;
	spin_unlock_irqrestore(&console_lock, flags);
}

/*
 * The control domain's open line (a prompt and what is typed after it):
 * when someone else's line cuts it, it is shown again, whole, when the
 * control domain writes on, so its log still has the line in one piece.
 */
static char open_text[256];
static size_t open_len;

/* The control domain's output as it comes (hypercalls/console_io.c): a prompt shows at once. */
void hypercall_console_text(domid_t domid, const char *s, size_t len)
{
	char prefix[16];
	int n = format_snprintf(prefix, sizeof(prefix), "(d%u) ", domid);
	unsigned long flags = spin_lock_irqsave(&console_lock);

	while (len) {
		size_t seg = 0;

		/* One line's piece: up to and with its newline, or the rest. */
		while (seg < len && s[seg++] != '\n')
			;
		if (!at_line_start && line_owner != domid) {
			emit("\n", 1);
			at_line_start = true;
		}
		if (at_line_start) {
			emit(prefix, (size_t)n);
			emit(open_text, open_len); /* the line someone else cut, again */
		}
		emit(s, seg);
		line_owner = domid;
		at_line_start = s[seg - 1] == '\n';
		if (at_line_start) {
			open_len = 0;
		} else {
			size_t keep = MIN(seg, sizeof(open_text) - open_len);

			memcpy(open_text + open_len, s, keep);
			open_len += keep;
		}
		s += seg;
		len -= seg;
	}
	spin_unlock_irqrestore(&console_lock, flags);
}

void console_ring_notify(void)
{
	if (console_ring_take_news(&keel_conring))
		evtchn_send_control_virq(VIRQ_CON_RING);
}
