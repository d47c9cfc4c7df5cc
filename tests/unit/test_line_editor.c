/*
 * tests/unit/test_line_editor.c - guests/common/line_editor.c through a
 * small VT100/xterm screen model: every key, history, limits, line ends,
 * hostile escape sequences, and what the terminal shows after each edit
 * (wrapped lines included), not just the bytes written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guests/common/line_editor.h"

#define ROWS 12
#define COLS_MAX 100

/* The terminal: cells, cursor, xterm's pending-wrap flag, bells. */
static struct term {
	char cell[ROWS][COLS_MAX];
	int row, col, cols;
	bool pending;
	int bells;
} t;

static struct line_editor ed;

static void scroll_down(void)
{
	if (++t.row < ROWS)
		return;
	memmove(t.cell[0], t.cell[1], sizeof(t.cell[0]) * (ROWS - 1));
	memset(t.cell[ROWS - 1], ' ', COLS_MAX);
	t.row = ROWS - 1;
}

static void put_char(char c)
{
	if (t.pending) {
		t.col = 0;
		scroll_down();
		t.pending = false;
	}
	t.cell[t.row][t.col] = c;
	if (t.col == t.cols - 1)
		t.pending = true;
	else
		t.col++;
}

static void clear_cells(int row, int col, int rows)
{
	for (int r = row; r < row + rows && r < ROWS; r++, col = 0)
		memset(&t.cell[r][col], ' ', (size_t)(COLS_MAX - col));
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* One CSI sequence at s (after ESC [); returns the bytes it took. */
static size_t csi(const char *s, size_t len)
{
	size_t i = 0;
	int n = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9')
		n = n * 10 + (s[i++] - '0');
	assert_true(i < len); /* the editor writes whole sequences */
	t.pending = false;
	switch (s[i]) {
	case 'A': t.row = clamp(t.row - (n ? n : 1), 0, ROWS - 1); break;
	case 'B': t.row = clamp(t.row + (n ? n : 1), 0, ROWS - 1); break;
	case 'C': t.col = clamp(t.col + (n ? n : 1), 0, t.cols - 1); break;
	case 'D': t.col = clamp(t.col - (n ? n : 1), 0, t.cols - 1); break;
	case 'H': assert_int_equal(n, 0); t.row = t.col = 0; break;
	case 'K': assert_int_equal(n, 0); clear_cells(t.row, t.col, 1); break;
	case 'J':
		assert_true(n == 0 || n == 2);
		if (n == 2)
			clear_cells(0, 0, ROWS);
		else
			clear_cells(t.row, t.col, ROWS);
		break;
	default:
		fail_msg("unexpected CSI final byte 0x%02x", s[i]);
	}
	return i + 1;
}

static void term_write(void *ctx, const char *buf, size_t len)
{
	assert_ptr_equal(ctx, &t);
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (c >= 0x20 && c < 0x7f) {
			put_char(c);
		} else if (c == '\r') {
			t.col = 0;
			t.pending = false;
		} else if (c == '\n') {
			scroll_down();
			t.pending = false;
		} else if (c == '\a') {
			t.bells++;
		} else if (c == 0x1b) {
			assert_true(i + 1 < len && buf[i + 1] == '[');
			i += 1 + csi(buf + i + 2, len - i - 2);
		} else {
			fail_msg("unexpected byte 0x%02x written", (unsigned char)c);
		}
	}
}

static void term_reset(int cols)
{
	memset(&t, 0, sizeof(t));
	memset(t.cell, ' ', sizeof(t.cell));
	t.cols = cols;
}

/* A screen row without its trailing blanks. */
static const char *row(int r)
{
	static char line[COLS_MAX + 1];
	int n = t.cols;

	memcpy(line, t.cell[r], (size_t)n);
	while (n > 0 && line[n - 1] == ' ')
		n--;
	line[n] = '\0';
	return line;
}

static void expect_cursor(int r, int c)
{
	assert_int_equal(t.row, r);
	assert_int_equal(t.col, c);
	assert_false(t.pending);
}

static int setup(void **state)
{
	term_reset(80);
	le_init(&ed, "> ", term_write, &t);
	return 0;
}

/* Feeds bytes; returns the status of the last, asserting the others go on. */
static enum le_status type_n(const char *s, size_t n)
{
	enum le_status st = LE_MORE;

	for (size_t i = 0; i < n; i++) {
		assert_int_equal(st, LE_MORE);
		st = le_feed(&ed, (uint8_t)s[i]);
	}
	return st;
}

static enum le_status type(const char *s)
{
	return type_n(s, strlen(s));
}

/* Types s, which must leave a line being edited equal to want. */
static void edit(const char *s, const char *want)
{
	assert_int_equal(type(s), LE_MORE);
	assert_string_equal(le_line(&ed), want);
}

/* As edit(), and the cursor is on the first row at column col. */
static void edit_at(const char *s, const char *want, int col)
{
	edit(s, want);
	expect_cursor(0, col);
}

/* As edit(), and the screen's first row shows the prompt and that line. */
static void shown(const char *s, const char *want, int col)
{
	char screen[COLS_MAX + 3];

	edit(s, want);
	snprintf(screen, sizeof(screen), "> %s", want);
	assert_string_equal(row(0), screen);
	if (col >= 0)
		expect_cursor(0, col);
}

/* As edit(), and the bell has rung `bells` times in all. */
static void edit_bells(const char *s, const char *want, int bells)
{
	edit(s, want);
	assert_int_equal(t.bells, bells);
}

static void enter(const char *s, const char *want)
{
	assert_int_equal(type(s), LE_LINE);
	assert_string_equal(le_line(&ed), want);
}

static void test_basic_line(void **state)
{
	le_start(&ed);
	assert_string_equal(row(0), ">");
	expect_cursor(0, 2);
	shown("vmctl list", "vmctl list", 12);
	enter("\r", "vmctl list");
	expect_cursor(1, 0);
	assert_int_equal(t.bells, 0);
}

/* \r, \n and \r\n each end exactly one line; bytes typed ahead are kept. */
static void test_line_ends(void **state)
{
	static const char input[] = "a\r\nb\nc\rd\r\n\n\r\re";
	static const char *const want[] = { "a", "b", "c", "d", "", "", "" };
	size_t n = 0;

	for (const char *p = input; *p; p++) {
		enum le_status st = le_feed(&ed, (uint8_t)*p);

		if (st == LE_MORE)
			continue;
		assert_int_equal(st, LE_LINE);
		assert_true(n < sizeof(want) / sizeof(want[0]));
		assert_string_equal(le_line(&ed), want[n++]);
	}
	assert_int_equal(n, 7);
	assert_string_equal(le_line(&ed), "e");
	/* The prompt came by itself before each line (no le_start called). */
	assert_string_equal(row(0), "> a");
	assert_string_equal(row(3), "> d");
	assert_string_equal(row(7), "> e");
}

static void test_left_right(void **state)
{
	static const char *const lefts[] = { "\x1b[D", "\x1bOD", "\x02" };
	static const char *const rights[] = { "\x1b[C", "\x1bOC", "\x06" };

	for (int i = 0; i < 3; i++) {
		setup(state);
		le_start(&ed);
		edit("abc", "abc");
		edit(lefts[i], "abc");
		edit_at(lefts[i], "abc", 3);
		shown("X", "aXbc", 4);
		edit(rights[i], "aXbc");
		edit("Y", "aXbYc");
		edit(rights[i], "aXbYc");
		edit_bells(rights[i], "aXbYc", 1); /* at the end: a bell, no move */
		expect_cursor(0, 7);
		edit(lefts[i], "aXbYc");
		edit(lefts[i], "aXbYc");
		edit(lefts[i], "aXbYc");
		edit(lefts[i], "aXbYc");
		edit(lefts[i], "aXbYc");
		edit_bells(lefts[i], "aXbYc", 2);
		expect_cursor(0, 2);
	}
}

static void test_home_end(void **state)
{
	static const char *const homes[] = { "\x1b[H", "\x1b[1~", "\x1b[7~", "\x1bOH", "\x01" };
	static const char *const ends[] = { "\x1b[F", "\x1b[4~", "\x1b[8~", "\x1bOF", "\x05" };

	for (int i = 0; i < 5; i++) {
		setup(state);
		le_start(&ed);
		edit("abc", "abc");
		edit_at(homes[i], "abc", 2);
		edit("X", "Xabc");
		edit_at(ends[i], "Xabc", 6);
		shown("Y", "XabcY", -1);
		assert_int_equal(t.bells, 0);
	}
}

static void test_backspace(void **state)
{
	le_start(&ed);
	edit("abcd", "abcd");
	shown("\x7f", "abc", -1);
	shown("\b", "ab", 4);
	shown("\x02\x7f", "b", 2);
	assert_int_equal(t.bells, 0);
	edit("\x7f", "b");
	edit_bells("\b", "b", 2);
}

static void test_delete(void **state)
{
	le_start(&ed);
	edit("abcd\x01", "abcd");
	shown("\x1b[3~", "bcd", 2);
	edit("\x04", "cd"); /* Ctrl-D on a non-empty line deletes */
	edit_bells("\x05\x1b[3~", "cd", 1);
	edit_bells("\x04", "cd", 2);
	assert_string_equal(row(0), "> cd");
}

static void test_kills(void **state)
{
	le_start(&ed);
	edit("vmctl  destroy web", "vmctl  destroy web");
	edit("\x17", "vmctl  destroy ");
	edit("\x17", "vmctl  ");
	assert_string_equal(row(0), "> vmctl");
	edit("\x17", "");
	edit_bells("\x17", "", 1);

	edit("one two three", "one two three");
	edit("\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D", "one two three");
	edit("\x17", "one  three");	/* the word before the cursor */
	expect_cursor(0, 6);
	edit("\x0b", "one ");		/* Ctrl-K: to the end */
	assert_string_equal(row(0), "> one");
	edit("abc\x02\x02", "one abc");
	edit("\x15", "bc");		/* Ctrl-U: to the start */
	assert_string_equal(row(0), "> bc");
	expect_cursor(0, 2);
	edit_bells("\x15", "bc", 2);
}

static void test_ctrl_c_and_eof(void **state)
{
	le_start(&ed);
	edit("abc\x02", "abc");
	assert_int_equal(type("\x03"), LE_CANCEL);
	assert_string_equal(le_line(&ed), "");
	assert_string_equal(row(0), "> abc^C");
	expect_cursor(1, 0);
	assert_int_equal(le_history_count(&ed), 0);
	assert_int_equal(type("\x04"), LE_EOF);
	assert_string_equal(row(1), ">");
	expect_cursor(2, 0);
	enter("x\r", "x");
}

static void test_ctrl_l(void **state)
{
	le_start(&ed);
	enter("first\r", "first");
	edit("second\x02\x02", "second");
	shown("\x0c", "second", -1);
	assert_string_equal(row(1), "");
	expect_cursor(0, 6);
	assert_int_equal(t.bells, 0);
}

/* Output from elsewhere while a line is edited: on a line of its own, then the line again. */
static void test_suspend_resume(void **state)
{
	le_start(&ed);
	edit("vmctl des\x02\x02", "vmctl des");
	le_suspend(&ed);
	term_write(&t, "[hello] Hello\r\n", 15);
	le_resume(&ed);
	assert_string_equal(row(0), "> vmctl des");
	assert_string_equal(row(1), "[hello] Hello");
	assert_string_equal(row(2), "> vmctl des");
	expect_cursor(2, 9); /* where it was: two to the left of the end */
	edit("X", "vmctl dXes");
	assert_string_equal(row(2), "> vmctl dXes");
	/* Between lines (a command running) both do nothing. */
	assert_int_equal(type("\r"), LE_LINE);
	le_suspend(&ed);
	le_resume(&ed);
	assert_int_equal(t.row, 3);
	assert_int_equal(t.col, 0);
}

static void test_history(void **state)
{
	le_start(&ed);
	enter("one\r", "one");
	enter("two\r", "two");
	enter("two\r", "two");	/* repeats the newest: not kept */
	enter("\r", "");	/* empty: not kept */
	enter("  \r", "  ");
	enter("three\n", "three");
	assert_int_equal(le_history_count(&ed), 4);
	assert_string_equal(le_history(&ed, 0), "three");
	assert_string_equal(le_history(&ed, 1), "  ");
	assert_string_equal(le_history(&ed, 3), "one");
	assert_null(le_history(&ed, 4));

	term_reset(80);
	edit("par", "par");
	shown("\x1b[A", "three", 7);
	edit("\x10", "  ");	/* Ctrl-P */
	edit("\x1bOA", "two");
	edit("\x1b[A", "one");
	edit("\x1b[A", "one");	/* the oldest: a bell */
	assert_int_equal(t.bells, 1);
	assert_string_equal(row(0), "> one");
	edit("\x1b[B", "two");
	edit("\x0e", "  ");	/* Ctrl-N */
	edit("\x1bOB", "three");
	edit("\x1b[B", "par");	/* back to the line being typed */
	edit_bells("\x1b[B", "par", 2);

	/* Editing a recalled line does not change the history. */
	edit("\x15\x1b[A\x7f", "thre");
	enter("\r", "thre");
	assert_string_equal(le_history(&ed, 0), "thre");
	assert_string_equal(le_history(&ed, 1), "three");
	assert_int_equal(le_history_count(&ed), 5);
	/* A new line starts a new walk from the newest. */
	edit("\x1b[A", "thre");
}

static void test_history_ring(void **state)
{
	char line[32];

	for (int i = 0; i < 40; i++) {
		snprintf(line, sizeof(line), "cmd %d\r", i);
		assert_int_equal(type(line), LE_LINE);
	}
	assert_int_equal(le_history_count(&ed), LE_HISTORY_MAX);
	assert_string_equal(le_history(&ed, 0), "cmd 39");
	assert_string_equal(le_history(&ed, LE_HISTORY_MAX - 1), "cmd 8");
	for (int i = 0; i < LE_HISTORY_MAX; i++)
		assert_int_equal(type("\x10"), LE_MORE);
	assert_string_equal(le_line(&ed), "cmd 8");
	assert_int_equal(t.bells, 0);
	edit_bells("\x10", "cmd 8", 1);
}

static void test_line_limit(void **state)
{
	char big[LE_LINE_MAX + 2];

	term_reset(COLS_MAX);
	le_set_columns(&ed, COLS_MAX);
	memset(big, 'x', sizeof(big));
	assert_int_equal(type_n(big, LE_LINE_MAX), LE_MORE);
	assert_int_equal(t.bells, 0);
	assert_int_equal(type_n(big, 2), LE_MORE);
	assert_int_equal(t.bells, 2);
	assert_int_equal(strlen(le_line(&ed)), LE_LINE_MAX);
	edit("\x01y", le_line(&ed)); /* still full in the middle */
	assert_int_equal(t.bells, 3);
	assert_int_equal(le_line(&ed)[0], 'x');
	assert_int_equal(type("\r"), LE_LINE);
	assert_int_equal(strlen(le_line(&ed)), LE_LINE_MAX);
}

/* A line longer than the terminal is wide: every redraw lands right. */
static void test_wrapping(void **state)
{
	static const char text[] = "0123456789abcdefghijklmnopqrstuvwxyzAB"; /* 38 */

	term_reset(20);
	le_set_columns(&ed, 20);
	le_start(&ed);
	edit(text, text);
	assert_string_equal(row(0), "> 0123456789abcdefgh");
	assert_string_equal(row(1), "ijklmnopqrstuvwxyzAB");
	expect_cursor(2, 0); /* 40 cells: no pending wrap left behind */
	edit("\x01", text);
	expect_cursor(0, 2);
	edit("X", "X0123456789abcdefghijklmnopqrstuvwxyzAB");
	assert_string_equal(row(0), "> X0123456789abcdefg");
	assert_string_equal(row(1), "hijklmnopqrstuvwxyzA");
	assert_string_equal(row(2), "B");
	expect_cursor(0, 3);
	edit("\x05", "X0123456789abcdefghijklmnopqrstuvwxyzAB");
	expect_cursor(2, 1);
	edit("\x02\x02\x02", "X0123456789abcdefghijklmnopqrstuvwxyzAB");
	expect_cursor(1, 18);
	edit("\x0b", "X0123456789abcdefghijklmnopqrstuvwxy");
	assert_string_equal(row(2), "");
	edit("\x01\x0b", "");
	assert_string_equal(row(0), ">");
	assert_string_equal(row(1), "");
	expect_cursor(0, 2);
	edit_bells("\x1b[A", "", 1);
}

/* Unknown or broken sequences leave no garbage in the line. */
static void test_escape_garbage(void **state)
{
	static const char *const junk[] = {
		"\x1b[5~", "\x1b[200~", "\x1b[?25h", "\x1bx", "\x1b\x1b", "\x1b[12;34;56;78;90~",
		"\x1bOP", "\x1b[Z", "\x1b[3;5~", "\x1b[99999999999999999999~", "\t", "\x80\xff\xc3\xa9",
		"\x1b[", "\x07", "\x1bO", "\x00",
	};

	le_start(&ed);
	edit("ab", "ab");
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		assert_int_equal(type_n(junk[i], strlen(junk[i]) + (junk[i][0] == 0)), LE_MORE);
	shown("c", "abc", -1);
	assert_int_equal(t.bells, 0);
	/* A modifier parameter does not change an arrow; Ctrl-Right is Right. */
	edit_at("\x1b[1;5D", "abc", 4);
	/* A control byte ends a broken sequence and still works. */
	enter("\x1b[1\r", "abc");
	edit_bells("\x1b\x7f", "", 1);
}

static void test_prompt(void **state)
{
	char long_prompt[64];

	le_set_prompt(&ed, "dom0# ");
	le_start(&ed);
	edit("x", "x");
	assert_string_equal(row(0), "dom0# x");
	memset(long_prompt, 'p', sizeof(long_prompt));
	long_prompt[63] = '\0';
	le_set_prompt(&ed, long_prompt);
	assert_int_equal(ed.prompt_len, LE_PROMPT_MAX);
	term_reset(80);
	le_start(&ed);
	edit_at("\x01y", "y", LE_PROMPT_MAX + 1);
	le_set_columns(&ed, 3);
	assert_int_equal(ed.cols, 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_basic_line, setup),
		cmocka_unit_test_setup(test_line_ends, setup),
		cmocka_unit_test_setup(test_left_right, setup),
		cmocka_unit_test_setup(test_home_end, setup),
		cmocka_unit_test_setup(test_backspace, setup),
		cmocka_unit_test_setup(test_delete, setup),
		cmocka_unit_test_setup(test_kills, setup),
		cmocka_unit_test_setup(test_ctrl_c_and_eof, setup),
		cmocka_unit_test_setup(test_ctrl_l, setup),
		cmocka_unit_test_setup(test_suspend_resume, setup),
		cmocka_unit_test_setup(test_history, setup),
		cmocka_unit_test_setup(test_history_ring, setup),
		cmocka_unit_test_setup(test_line_limit, setup),
		cmocka_unit_test_setup(test_wrapping, setup),
		cmocka_unit_test_setup(test_escape_garbage, setup),
		cmocka_unit_test_setup(test_prompt, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
