/*
 * guests/common/line_editor.c - the console line editor (line_editor.h
 * has the keys and the contract).
 *
 * Screen model: the prompt and the line occupy prompt_len + len cells from
 * the column where the prompt was written (column 0), wrapping every
 * `cols` cells.  ed->shown is where the terminal's cursor really is, in
 * cells from that start, and every write below keeps it true.  Invariant:
 * the terminal never sits in xterm's "pending wrap" state after we
 * return: when the text ends exactly at a row's end we move to the next
 * row's first column ourselves ("\r\n"), so a cell count maps to exactly
 * one (row, column) and relative cursor moves are exact.
 *
 * Invariants of the buffer: cur <= len <= LE_LINE_MAX, buf[len] == '\0'.
 */
#include "guests/common/line_editor.h"
#include "lib/format.h"
#include "lib/string.h"

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };

/* Keys after decoding bytes and escape sequences. */
enum le_key {
	KEY_NONE, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END, KEY_UP, KEY_DOWN, KEY_DELETE,
};

#define CTRL(c) ((c) & 0x1f)

static void out(struct line_editor *ed, const char *s, size_t n)
{
	if (n)
		ed->write(ed->ctx, s, n);
}

static void out_str(struct line_editor *ed, const char *s)
{
	out(ed, s, strlen(s));
}

static void bell(struct line_editor *ed)
{
	out_str(ed, "\a");
}

/* ESC [ n letter, for n > 0. */
static void out_csi(struct line_editor *ed, size_t n, char letter)
{
	char seq[24];

	if (n == 0)
		return;
	format_snprintf(seq, sizeof(seq), "\x1b[%zu%c", n, letter);
	out_str(ed, seq);
}

/* Moves the terminal cursor to the cell `to` (counted from the prompt). */
static void move_to_cell(struct line_editor *ed, size_t to)
{
	size_t from_row = ed->shown / ed->cols, to_row = to / ed->cols;
	size_t from_col = ed->shown % ed->cols, to_col = to % ed->cols;

	if (from_row > to_row)
		out_csi(ed, from_row - to_row, 'A');
	else
		out_csi(ed, to_row - from_row, 'B');
	if (from_col > to_col)
		out_csi(ed, from_col - to_col, 'D');
	else
		out_csi(ed, to_col - from_col, 'C');
	ed->shown = to;
}

static void move_cursor(struct line_editor *ed, size_t cur)
{
	ed->cur = cur;
	move_to_cell(ed, ed->prompt_len + cur);
}

/* After writing up to cell `end`: leave no pending wrap behind. */
static void settle(struct line_editor *ed, size_t end)
{
	ed->shown = end;
	if (end > 0 && end % ed->cols == 0)
		out_str(ed, "\r\n");
}

/* Rewrites prompt and line from their first cell; clears what was below. */
static void refresh(struct line_editor *ed)
{
	move_to_cell(ed, 0);
	out(ed, ed->prompt, ed->prompt_len);
	out(ed, ed->buf, ed->len);
	settle(ed, ed->prompt_len + ed->len);
	out_str(ed, "\x1b[J");
	move_cursor(ed, ed->cur);
}

void le_suspend(struct line_editor *ed)
{
	if (!ed->started)
		return;
	move_to_cell(ed, ed->prompt_len + ed->len);
	out_str(ed, "\r\n");
	ed->shown = 0;
}

void le_resume(struct line_editor *ed)
{
	if (!ed->started)
		return;
	ed->shown = 0;
	out(ed, ed->prompt, ed->prompt_len);
	out(ed, ed->buf, ed->len);
	settle(ed, ed->prompt_len + ed->len);
	move_cursor(ed, ed->cur);
}

static void set_line(struct line_editor *ed, const char *text)
{
	ed->len = strlcpy(ed->buf, text, sizeof(ed->buf));
	if (ed->len > LE_LINE_MAX)
		ed->len = LE_LINE_MAX;
	ed->cur = ed->len;
}

void le_set_prompt(struct line_editor *ed, const char *prompt)
{
	ed->prompt_len = strlcpy(ed->prompt, prompt, sizeof(ed->prompt));
	if (ed->prompt_len > LE_PROMPT_MAX)
		ed->prompt_len = LE_PROMPT_MAX;
}

void le_set_columns(struct line_editor *ed, unsigned int cols)
{
	ed->cols = cols < 20 ? 20 : cols;
}

void le_init(struct line_editor *ed, const char *prompt, le_write_fn write, void *ctx)
{
	memset(ed, 0, sizeof(*ed));
	ed->write = write;
	ed->ctx = ctx;
	ed->cols = 80;
	ed->hist_pos = -1;
	le_set_prompt(ed, prompt);
}

void le_start(struct line_editor *ed)
{
	set_line(ed, "");
	ed->hist_pos = -1;
	ed->esc = ESC_NONE;
	ed->started = true;
	ed->shown = 0;
	out(ed, ed->prompt, ed->prompt_len);
	settle(ed, ed->prompt_len);
}

const char *le_line(const struct line_editor *ed)
{
	return ed->buf;
}

size_t le_history_count(const struct line_editor *ed)
{
	return ed->hist_count;
}

const char *le_history(const struct line_editor *ed, size_t age)
{
	if (age >= ed->hist_count)
		return NULL;
	return ed->hist[(ed->hist_next + LE_HISTORY_MAX - 1 - age) % LE_HISTORY_MAX];
}

/* Keeps a finished line unless it is empty or repeats the newest one. */
static void history_add(struct line_editor *ed)
{
	const char *newest = le_history(ed, 0);

	if (ed->len == 0 || (newest && !strcmp(newest, ed->buf)))
		return;
	memcpy(ed->hist[ed->hist_next], ed->buf, ed->len + 1);
	ed->hist_next = (ed->hist_next + 1) % LE_HISTORY_MAX;
	if (ed->hist_count < LE_HISTORY_MAX)
		ed->hist_count++;
}

/* Up (older, dir 1) or down (newer, dir -1) through the history. */
static void history_move(struct line_editor *ed, int dir)
{
	int pos = ed->hist_pos + dir;

	if (pos < -1 || pos >= (int)ed->hist_count) {
		bell(ed);
		return;
	}
	if (ed->hist_pos == -1)
		memcpy(ed->saved, ed->buf, ed->len + 1);
	ed->hist_pos = pos;
	set_line(ed, pos == -1 ? ed->saved : le_history(ed, (size_t)pos));
	refresh(ed);
}

static void insert(struct line_editor *ed, char c)
{
	if (ed->len == LE_LINE_MAX) {
		bell(ed);
		return;
	}
	memmove(ed->buf + ed->cur + 1, ed->buf + ed->cur, ed->len - ed->cur + 1);
	ed->buf[ed->cur] = c;
	ed->len++;
	ed->cur++;
	if (ed->cur < ed->len) {
		refresh(ed);
		return;
	}
	out(ed, &c, 1);
	settle(ed, ed->shown + 1);
}

/* Removes buf[from, to) and puts the cursor at from. */
static void delete_range(struct line_editor *ed, size_t from, size_t to)
{
	if (from >= to) {
		bell(ed);
		return;
	}
	memmove(ed->buf + from, ed->buf + to, ed->len - to + 1);
	ed->len -= to - from;
	ed->cur = from;
	refresh(ed);
}

static size_t word_start(const struct line_editor *ed)
{
	size_t i = ed->cur;

	while (i > 0 && ed->buf[i - 1] == ' ')
		i--;
	while (i > 0 && ed->buf[i - 1] != ' ')
		i--;
	return i;
}

static void key(struct line_editor *ed, enum le_key k)
{
	switch (k) {
	case KEY_LEFT:
		if (ed->cur > 0)
			move_cursor(ed, ed->cur - 1);
		else
			bell(ed);
		break;
	case KEY_RIGHT:
		if (ed->cur < ed->len)
			move_cursor(ed, ed->cur + 1);
		else
			bell(ed);
		break;
	case KEY_HOME:
		move_cursor(ed, 0);
		break;
	case KEY_END:
		move_cursor(ed, ed->len);
		break;
	case KEY_UP:
		history_move(ed, 1);
		break;
	case KEY_DOWN:
		history_move(ed, -1);
		break;
	case KEY_DELETE:
		delete_range(ed, ed->cur, ed->cur < ed->len ? ed->cur + 1 : ed->cur);
		break;
	case KEY_NONE:
		break;
	}
}

/* A CSI sequence ended with `final`; its parameters are in ed->seq. */
static enum le_key csi_key(const struct line_editor *ed, char final)
{
	static const char letters[] = "DCHFAB";
	static const enum le_key by_letter[] = { KEY_LEFT, KEY_RIGHT, KEY_HOME,
						 KEY_END,  KEY_UP,    KEY_DOWN };
	const char *l = final ? strchr(letters, final) : NULL;

	if (l)
		return by_letter[l - letters];
	if (final != '~' || ed->seq_len != 1)
		return KEY_NONE;
	switch (ed->seq[0]) {
	case '1':
	case '7':
		return KEY_HOME;
	case '4':
	case '8':
		return KEY_END;
	case '3':
		return KEY_DELETE;
	default:
		return KEY_NONE;
	}
}

/*
 * Feeds a byte to the escape parser.  Returns true if it was taken (part
 * of or end of a sequence), false if it must be handled as a plain byte:
 * a control byte inside a sequence abandons the sequence.
 */
static bool escape_byte(struct line_editor *ed, uint8_t c)
{
	if (ed->esc == ESC_NONE)
		return false;
	if (c < 0x20 || c >= 0x7f) {
		ed->esc = ESC_NONE;
		return false;
	}
	if (ed->esc == ESC_START) {
		ed->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		ed->seq_len = 0;
		return true;
	}
	if (ed->esc == ESC_SS3) {
		ed->esc = ESC_NONE;
		key(ed, csi_key(ed, (char)c)); /* seq_len is 0: letters only */
		return true;
	}
	if (c >= 0x40) { /* CSI final byte */
		ed->esc = ESC_NONE;
		key(ed, csi_key(ed, (char)c));
	} else if (c >= 0x30) { /* a parameter byte; intermediates are dropped */
		if (ed->seq_len < LE_SEQ_MAX)
			ed->seq[ed->seq_len] = (char)c;
		ed->seq_len++;
	}
	return true;
}

/* Ends the line: cursor after its text, a new terminal line. */
static enum le_status finish(struct line_editor *ed, enum le_status st, const char *echo)
{
	move_cursor(ed, ed->len);
	out_str(ed, echo);
	if (st == LE_LINE)
		history_add(ed);
	else
		set_line(ed, "");
	ed->started = false;
	ed->hist_pos = -1;
	return st;
}

static enum le_status control(struct line_editor *ed, uint8_t c)
{
	switch (c) {
	case '\r':
	case '\n':
		return finish(ed, LE_LINE, "\r\n");
	case CTRL('C'):
		return finish(ed, LE_CANCEL, "^C\r\n");
	case CTRL('D'):
		if (ed->len == 0)
			return finish(ed, LE_EOF, "\r\n");
		key(ed, KEY_DELETE);
		break;
	case 0x7f:
	case '\b':
		if (ed->cur > 0)
			delete_range(ed, ed->cur - 1, ed->cur);
		else
			bell(ed);
		break;
	case CTRL('A'): key(ed, KEY_HOME); break;
	case CTRL('E'): key(ed, KEY_END); break;
	case CTRL('B'): key(ed, KEY_LEFT); break;
	case CTRL('F'): key(ed, KEY_RIGHT); break;
	case CTRL('P'): key(ed, KEY_UP); break;
	case CTRL('N'): key(ed, KEY_DOWN); break;
	case CTRL('U'): delete_range(ed, 0, ed->cur); break;
	case CTRL('K'): delete_range(ed, ed->cur, ed->len); break;
	case CTRL('W'): delete_range(ed, word_start(ed), ed->cur); break;
	case CTRL('L'):
		out_str(ed, "\x1b[H\x1b[2J");
		ed->shown = 0;
		refresh(ed);
		break;
	case 0x1b:
		ed->esc = ESC_START;
		break;
	default:
		break; /* other control bytes and bytes >= 0x80: ignored */
	}
	return LE_MORE;
}

enum le_status le_feed(struct line_editor *ed, uint8_t byte)
{
	bool after_cr = ed->after_cr;

	ed->after_cr = byte == '\r';
	if (after_cr && byte == '\n')
		return LE_MORE;
	if (!ed->started)
		le_start(ed);
	if (escape_byte(ed, byte))
		return LE_MORE;
	if (byte >= 0x20 && byte < 0x7f) {
		insert(ed, (char)byte);
		return LE_MORE;
	}
	return control(ed, byte);
}
