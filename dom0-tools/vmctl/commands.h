/*
 * dom0-tools/vmctl/commands.h - vmctl's commands, one function each,
 * and the small helpers they share (internal to dom0-tools/vmctl/).
 *
 * Owns: nothing.  Each command takes argc/argv with argv[0] its own name,
 * returns 0 ok, 1 failed (having said why), 2 bad usage (vmctl_usage).
 */
#ifndef DOM0_TOOLS_VMCTL_COMMANDS_H
#define DOM0_TOOLS_VMCTL_COMMANDS_H

#include "dom0-tools/vmctl/vmctl.h"

/* getopt(3)'s shape, without globals: options before the operands. */
struct vmctl_opts {
	int ind;	 /* next argv index; the operands start here at -1 */
	const char *arg; /* the option's argument */
};

/** The next option letter of spec ("cw:" : -c, -w ARG), -1 at the operands, '?' for a bad one. */
int vmctl_getopt(struct vmctl_opts *o, int argc, char **argv, const char *spec);

/** Prints cmd's usage line; returns 2. */
int vmctl_usage(struct vmctl_env *env, const char *cmd);

/**
 * The host's CPU numbers (0 .. *nr_cpus-1) and, if nr_nodes is not NULL,
 * its NUMA nodes, from physinfo; 0, or a negative errno said as
 * "vmctl: CMD: physinfo: ...".
 */
int vmctl_host_cpus(struct vmctl_env *env, const char *cmd, unsigned int *nr_cpus,
		    unsigned int *nr_nodes);

int vmctl_cmd_create(struct vmctl_env *env, int argc, char **argv);
int vmctl_cmd_destroy(struct vmctl_env *env, int argc, char **argv);
int vmctl_cmd_shutdown(struct vmctl_env *env, int argc, char **argv);
int vmctl_cmd_reboot(struct vmctl_env *env, int argc, char **argv);
int vmctl_cmd_pause(struct vmctl_env *env, int argc, char **argv);
int vmctl_cmd_unpause(struct vmctl_env *env, int argc, char **argv);
int vmctl_cmd_console(struct vmctl_env *env, int argc, char **argv);
int vmctl_cmd_list(struct vmctl_env *env, int argc, char **argv);
int vmctl_cmd_vcpu_list(struct vmctl_env *env, int argc, char **argv);
int vmctl_cmd_vcpu_pin(struct vmctl_env *env, int argc, char **argv);
int vmctl_cmd_info(struct vmctl_env *env, int argc, char **argv);
int vmctl_cmd_dmesg(struct vmctl_env *env, int argc, char **argv);
int vmctl_cmd_mem_set(struct vmctl_env *env, int argc, char **argv);
int vmctl_cmd_mem_max(struct vmctl_env *env, int argc, char **argv);
int vmctl_cmd_sched_credit(struct vmctl_env *env, int argc, char **argv);

#endif /* DOM0_TOOLS_VMCTL_COMMANDS_H */
