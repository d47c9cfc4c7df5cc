/*
 * guests/dom0/main.c - the control domain: mounts the boot module's cpio
 * archive as the root filesystem, starts xenstored, the console backend
 * and the toolstack's event handling, then the shell on the serial
 * console.
 */
#include "guests/dom0/dom0.h"

#include "guests/lib/console.h"
#include "guests/lib/guest.h"
#include "guests/lib/mm.h"
#include "guests/lib/thread.h"
#include "lib/errno.h"

#define ROOT_ENTRIES 512
#define ROOT_NAMES   (64 * 1024)

struct ramfs dom0_root;

const char *dom0_strerror(int err)
{
	switch (-err) {
	case ENOENT: return "no such file or directory";
	case ENOTDIR: return "not a directory";
	case EISDIR: return "is a directory";
	case EINVAL: return "invalid argument";
	case ENOMEM: return "out of memory";
	case ENOSPC: return "no space left";
	case ENAMETOOLONG: return "name too long";
	case EMLINK: return "too many levels of symbolic links";
	case E2BIG: return "argument list too long";
	case EACCES: return "permission denied";
	case EEXIST: return "already exists";
	case ESRCH: return "no such domain";
	case EPERM: return "operation not permitted";
	case EBUSY: return "busy";
	default: return "error";
	}
}

static void mount_root(void)
{
	static struct ramfs_entry table[ROOT_ENTRIES];
	static char names[ROOT_NAMES];
	size_t len;
	const void *cpio = mm_boot_module(&len);
	int rc;

	ramfs_init(&dom0_root, table, ROOT_ENTRIES, names, sizeof(names));
	if (!cpio) {
		kprintf("dom0: no root filesystem (boot module 2): the shell has no files\n");
		return;
	}
	rc = ramfs_add_archive(&dom0_root, cpio, len);
	if (rc)
		kprintf("dom0: root filesystem: %s\n", dom0_root.error);
	else
		kprintf("dom0: root filesystem: %zu bytes, %zu entries\n", len,
			dom0_root.nr_entries);
}

void app_main(void)
{
	if (!guest_is_dom0())
		panic("dom0 kernel booted as a domU");
	kprintf("Keel dom0: %lu MiB\n", (unsigned long)(start_info->nr_pages >> 8));
	mount_root();
	dom0_services_start();
	if (!thread_create("shell", shell_thread, NULL))
		panic("dom0: cannot start the shell");
}
