/*
 * guests/dom0/shell.c - the dom0 shell's read-eval loop on the serial
 * console: a prompt, the line editor (guests/common/line_editor.h), argv
 * splitting with quotes, then the built-in command (shell_cmds.c).
 *
 * Input may be piped into QEMU's serial port all at once: bytes typed
 * ahead are fed to the editor in order, and the next prompt appears only
 * after the previous command's output.
 */
#include "guests/dom0/dom0.h"

#include "guests/common/argv_split.h"
#include "guests/common/line_editor.h"
#include "guests/lib/console.h"

#define MAX_ARGS 32

static void shell_write(void *ctx, const char *buf, size_t len)
{
	console_write(buf, len);
}

static void run_line(const char *line)
{
	static char words[LE_LINE_MAX + 1];
	char *argv[MAX_ARGS];
	size_t argc;
	int rc = argv_split(line, words, sizeof(words), argv, MAX_ARGS, &argc);

	if (rc) {
		kprintf("shell: %s\n", argv_split_strerror(rc));
		return;
	}
	if (argc)
		shell_run(argc, argv);
}

static struct line_editor ed;

void shell_async_begin(void)
{
	le_suspend(&ed);
}

void shell_async_end(void)
{
	le_resume(&ed);
}

void shell_thread(void *arg)
{
	char buf[64];

	le_init(&ed, "dom0# ", shell_write, NULL);
	kprintf("Type `help` for the commands.\n");
	le_start(&ed);
	for (;;) {
		size_t n = console_read(buf, sizeof(buf));

		for (size_t i = 0; i < n; i++) {
			enum le_status st = le_feed(&ed, (uint8_t)buf[i]);

			if (st == LE_LINE)
				run_line(le_line(&ed));
			if (st != LE_MORE)
				le_start(&ed);
		}
	}
}
