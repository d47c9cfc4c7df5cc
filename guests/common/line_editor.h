/*
 * guests/common/line_editor.h - an Emacs-style line editor for a serial
 * console: fed one byte at a time, it echoes and redraws through a write
 * callback with VT100/xterm sequences, and hands out whole lines.
 *
 * Owns: the caller's struct line_editor (the line, the history, the escape
 * parser's state); no malloc, no globals, no locks (one console, one
 * owner).  The callback is called only from le_start() and le_feed().
 *
 * Keys: printable ASCII inserts at the cursor; Backspace (0x7f, 0x08);
 * Delete (ESC[3~; Ctrl-D on a non-empty line); Left/Right (ESC[D ESC[C,
 * ESC OD ESC OC, Ctrl-B Ctrl-F); Home/End (ESC[H ESC[F, ESC[1~ ESC[4~,
 * ESC[7~ ESC[8~, ESC OH ESC OF, Ctrl-A Ctrl-E); Up/Down through the
 * history (ESC[A ESC[B, ESC OA ESC OB, Ctrl-P Ctrl-N); Ctrl-U kills to the
 * start, Ctrl-K to the end, Ctrl-W the word before the cursor; Ctrl-C
 * abandons the line ("^C"); Ctrl-D on an empty line is end of input;
 * Ctrl-L clears the screen and redraws.  \r, \n and \r\n each end exactly
 * one line.  Other control bytes, bytes >= 0x80 and unknown escape
 * sequences are consumed without effect; what cannot be done (line full,
 * no more history, nothing to delete) rings the bell.
 *
 * Lines longer than the terminal wraps are redrawn correctly as long as
 * le_set_columns() matches the terminal (80 by default).
 */
#ifndef GUESTS_COMMON_LINE_EDITOR_H
#define GUESTS_COMMON_LINE_EDITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LE_LINE_MAX 255		/* bytes in a line, without the NUL */
#define LE_HISTORY_MAX 32	/* lines kept */
#define LE_PROMPT_MAX 32	/* bytes of prompt; a longer one is cut */
#define LE_SEQ_MAX 8		/* parameter bytes kept of an escape sequence */

typedef void (*le_write_fn)(void *ctx, const char *buf, size_t len);

/* What a byte completed (false, i.e. LE_MORE, for most bytes). */
enum le_status {
	LE_MORE = 0,	/* the line goes on */
	LE_LINE,	/* Enter: le_line() is the line (maybe "") */
	LE_CANCEL,	/* Ctrl-C: the line was abandoned, le_line() is "" */
	LE_EOF,		/* Ctrl-D on an empty line: end of input */
};

struct line_editor {
	le_write_fn write;
	void *ctx;
	char prompt[LE_PROMPT_MAX + 1];
	size_t prompt_len;
	unsigned int cols;		/* terminal width */
	char buf[LE_LINE_MAX + 1];	/* the line, NUL-terminated */
	size_t len, cur;		/* length, cursor index (<= len) */
	size_t shown;			/* the terminal cursor, as cells after the prompt's start */
	bool started;			/* the prompt is out for this line */
	bool after_cr;			/* the last byte was \r: swallow one \n */
	uint8_t esc;			/* escape parser state */
	char seq[LE_SEQ_MAX];		/* parameter bytes of a CSI sequence */
	size_t seq_len;
	char hist[LE_HISTORY_MAX][LE_LINE_MAX + 1];
	size_t hist_next, hist_count;	/* ring: next slot to write, lines held */
	int hist_pos;			/* -1: the new line; k: the k-th newest */
	char saved[LE_LINE_MAX + 1];	/* the new line while browsing history */
};

/**
 * le_init() - set up an editor; nothing is written yet.
 * @ed:     the editor.
 * @prompt: shown before each line (cut at LE_PROMPT_MAX bytes).
 * @write:  where echo and redraws go; called with @ctx.
 */
void le_init(struct line_editor *ed, const char *prompt, le_write_fn write, void *ctx);

/**
 * le_set_prompt() - change the prompt for the next le_start().
 */
void le_set_prompt(struct line_editor *ed, const char *prompt);

/**
 * le_set_columns() - the terminal's width (values below 20 count as 20).
 */
void le_set_columns(struct line_editor *ed, unsigned int cols);

/**
 * le_start() - begin a new, empty line: write the prompt.  le_feed() does
 * this itself when a byte arrives after a finished line, so a caller may
 * instead call it when it is ready to show the prompt (after a command's
 * output), and bytes typed ahead are still taken in order.
 */
void le_start(struct line_editor *ed);

/**
 * le_feed() - take one byte from the console.
 *
 * Return: LE_MORE, or LE_LINE / LE_CANCEL / LE_EOF when the byte finished
 * the line; le_line() then holds it until the next le_feed()/le_start().
 */
enum le_status le_feed(struct line_editor *ed, uint8_t byte);

/**
 * le_line() - the current (or just finished) line, NUL-terminated.
 */
const char *le_line(const struct line_editor *ed);

/**
 * le_history() - a line of the history.
 * @age: 0 for the newest, up to le_history_count() - 1.
 *
 * Return: the line, or NULL when @age is out of range.
 */
const char *le_history(const struct line_editor *ed, size_t age);

/**
 * le_history_count() - how many lines the history holds (<= LE_HISTORY_MAX).
 */
size_t le_history_count(const struct line_editor *ed);

/**
 * le_suspend() - before output from elsewhere (a guest's log line): ends
 * the visible line, when one is being edited, so the output starts on a
 * fresh line.  le_resume() afterwards shows the prompt and the line again
 * with the cursor where it was.  Both do nothing between lines.
 */
void le_suspend(struct line_editor *ed);
void le_resume(struct line_editor *ed);

#endif /* GUESTS_COMMON_LINE_EDITOR_H */
