/*
 * tests/fuzz/fuzz_line_editor.c - libFuzzer target for the console line
 * editor (guests/common/line_editor.c): arbitrary bytes as keystrokes.
 *
 * Traps on a broken promise: the line not NUL-terminated at its length or
 * longer than LE_LINE_MAX, the cursor past the line, a history line that
 * is empty or repeats its newer neighbour, and output that is anything
 * but printable ASCII, \r, \n, the bell and "ESC [ digits letter"
 * sequences (what a plain VT100 understands).  The first byte picks the
 * terminal width.  Build with `make build/fuzz/fuzz_line_editor`.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "guests/common/line_editor.h"
#include "tests/fuzz/fuzz_promise.h"

static struct line_editor ed;

/* Output is printable ASCII, \r, \n, \a, or whole ESC [ n X sequences. */
static void check_output(void *ctx, const char *buf, size_t len)
{
	PROMISE(ctx == &ed);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c >= 0x20 && c < 0x7f) || c == '\r' || c == '\n' || c == '\a')
			continue;
		PROMISE(c == 0x1b && i + 2 < len && buf[i + 1] == '[');
		i += 2;
		while (i < len && buf[i] >= '0' && buf[i] <= '9')
			i++;
		PROMISE(i < len && strchr("ABCDHJ", buf[i]));
	}
}

static void check_state(enum le_status st)
{
	size_t n = le_history_count(&ed);

	PROMISE(st >= LE_MORE && st <= LE_EOF);
	PROMISE(ed.len <= LE_LINE_MAX && ed.cur <= ed.len);
	PROMISE(strlen(le_line(&ed)) == ed.len);
	if (st == LE_CANCEL || st == LE_EOF)
		PROMISE(ed.len == 0);
	PROMISE(n <= LE_HISTORY_MAX);
	for (size_t i = 0; i < n; i++) {
		const char *h = le_history(&ed, i);

		PROMISE(h && h[0] && strlen(h) <= LE_LINE_MAX);
		if (i > 0)
			PROMISE(strcmp(h, le_history(&ed, i - 1)) != 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	le_init(&ed, "dom0> ", check_output, &ed);
	if (size > 0) {
		le_set_columns(&ed, data[0]);
		data++;
		size--;
	}
	for (size_t i = 0; i < size; i++)
		check_state(le_feed(&ed, data[i]));
	return 0;
}
