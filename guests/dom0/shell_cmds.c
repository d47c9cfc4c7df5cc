/*
 * guests/dom0/shell_cmds.c - the dom0 shell's built-in commands: help,
 * ls, cat, echo, poweroff, reboot and vmctl.
 *
 * Each command gets argc/argv like a C main and returns its exit status
 * (0 on success); errors are printed as "CMD: what: why".
 */
#include "guests/dom0/dom0.h"

#include "guests/lib/console.h"
#include "guests/lib/guest.h"
#include "lib/errno.h"
#include "lib/string.h"

struct shell_cmd {
	const char *name;
	const char *usage;
	int (*fn)(int argc, char **argv);
};

static int cmd_help(int argc, char **argv);

static void print_mode(uint32_t mode)
{
	static const char letters[] = "rwxrwxrwx";
	char s[11];

	s[0] = (mode & CPIO_S_IFMT) == CPIO_S_IFDIR ? 'd' : (mode & CPIO_S_IFMT) == CPIO_S_IFLNK ? 'l' : '-';
	for (int i = 0; i < 9; i++)
		s[1 + i] = mode & (0400 >> i) ? letters[i] : '-';
	s[10] = 0;
	kprintf("%s", s);
}

static void ls_entry(const struct ramfs_entry *e, bool one)
{
	print_mode(e->mode);
	kprintf(" %8zu %s%s\n", e->size, one ? "/" : "", one ? e->path : e->name);
}

static int ls_one(const char *path)
{
	const struct ramfs_entry *e;
	struct ramfs_dir dir;
	int rc = ramfs_lookup(&dom0_root, path, true, &e);

	if (rc) {
		kprintf("ls: %s: %s\n", path, dom0_strerror(rc));
		return 1;
	}
	if (!ramfs_is_dir(e)) {
		ls_entry(e, true);
		return 0;
	}
	rc = ramfs_opendir(&dom0_root, path, &dir);
	while (!rc && ramfs_readdir(&dom0_root, &dir, &e) == 0)
		ls_entry(e, false);
	return rc ? 1 : 0;
}

static int cmd_ls(int argc, char **argv)
{
	int status = 0;

	if (argc == 1)
		return ls_one("/");
	for (int i = 1; i < argc; i++) {
		if (argc > 2)
			kprintf("%s:\n", argv[i]);
		status |= ls_one(argv[i]);
	}
	return status;
}

static int cmd_cat(int argc, char **argv)
{
	int status = 0;

	for (int i = 1; i < argc; i++) {
		const uint8_t *data;
		size_t size;
		int rc = ramfs_read(&dom0_root, argv[i], &data, &size);

		if (rc) {
			kprintf("cat: %s: %s\n", argv[i], dom0_strerror(rc));
			status = 1;
			continue;
		}
		console_write((const char *)data, size);
	}
	return status;
}

static int cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		kprintf("%s%s", argv[i], i + 1 < argc ? " " : "");
	kprintf("\n");
	return 0;
}

static int cmd_poweroff(int argc, char **argv)
{
	kprintf("dom0: powering off\n");
	guest_shutdown(SHUTDOWN_poweroff);
}

static int cmd_reboot(int argc, char **argv)
{
	kprintf("dom0: rebooting\n");
	guest_shutdown(SHUTDOWN_reboot);
}

static int cmd_vmctl(int argc, char **argv)
{
	return dom0_vmctl(argc, argv);
}

static const struct shell_cmd commands[] = {
	{ "help", "help                  this list", cmd_help },
	{ "ls", "ls [PATH...]          list the root filesystem (the boot cpio)", cmd_ls },
	{ "cat", "cat FILE...           print files", cmd_cat },
	{ "echo", "echo [WORD...]        print the words", cmd_echo },
	{ "vmctl", "vmctl COMMAND ...     the toolstack: `vmctl help` for its commands", cmd_vmctl },
	{ "bench-create", "bench-create CFG [N]  time vmctl create to the guest's first line",
	  dom0_bench_create },
	{ "poweroff", "poweroff              shut the machine down", cmd_poweroff },
	{ "reboot", "reboot                restart the machine", cmd_reboot },
};

static int cmd_help(int argc, char **argv)
{
	kprintf("Keel dom0 shell. Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		kprintf("  %s\n", commands[i].usage);
	kprintf("Line editing: arrows, CTRL-a/e/u/k/w, history with up/down.\n");
	return 0;
}

int shell_run(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].fn(argc, argv);
	kprintf("%s: command not found (try `help`)\n", argv[0]);
	return 127;
}
