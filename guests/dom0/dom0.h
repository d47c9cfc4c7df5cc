/*
 * guests/dom0/dom0.h - what the parts of the dom0 kernel share: the root
 * filesystem, the toolstack's transports and the shell's entry points.
 */
#ifndef GUESTS_DOM0_DOM0_H
#define GUESTS_DOM0_DOM0_H

#include "dom0-tools/vmctl/hv.h"
#include "dom0-tools/vmctl/store.h"
#include "guests/common/ramfs.h"

/* The root filesystem: the boot module's cpio archive(s) (main.c). */
extern struct ramfs dom0_root;

/* vmctl's hypercall transport (hv_local.c) and XenStore (store_local.c). */
extern const struct vmctl_hv dom0_hv;
extern const struct vmctl_store dom0_store;

/** Starts xenstored (store_local.c). */
void dom0_store_init(void);

/** xenstored, VIRQ_DOM_EXC and the reaper thread (vmctl_glue.c). */
void dom0_services_start(void);

/** Stops serving @domid's console before it is destroyed (vmctl_glue.c). */
void dom0_console_release(domid_t domid);

/** The domain vmctl created last; false when it knows none (vmctl_glue.c). */
bool dom0_newest_domain(domid_t *domid);

/** bench-create CFG [N]: vmctl create to first console line (bench_create.c). */
int dom0_bench_create(int argc, char **argv);

/** A short English name for a negative errno ("no such file or directory"). */
const char *dom0_strerror(int err);

/** Runs the built-in command argv[0]; its exit status (shell_cmds.c). */
int shell_run(int argc, char **argv);

/** The shell's thread: prompt, line editor, commands (shell.c). */
void shell_thread(void *arg);

/**
 * Around output that is not the running command's (a guest's log line,
 * the reaper's report): the line being typed at the prompt moves below it.
 */
void shell_async_begin(void);
void shell_async_end(void);

/** vmctl ARGS...: the toolstack's commands (vmctl_glue.c). */
int dom0_vmctl(int argc, char **argv);

#endif /* GUESTS_DOM0_DOM0_H */
