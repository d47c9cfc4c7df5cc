/*
 * tests/host/control_shim.c - the machine's side of the control interface
 * (hypercalls/control.h) for unit tests: a fixed machine a test may
 * change (host_control_machine), vCPUs all on CPU 0 unless a test says,
 * and a record of the last settimeoffset.
 */
#include "host/control_shim.h"

#include <string.h>

#include "hypercalls/control.h"

struct control_machine host_control_machine;
unsigned int host_control_offline_cpu = ~0u;
unsigned int host_control_paddr_bits;
unsigned int host_control_timers;
struct domain *host_control_offset_domain;
int64_t host_control_offset_seconds;

void host_control_reset(void)
{
	memset(&host_control_machine, 0, sizeof(host_control_machine));
	host_control_offline_cpu = ~0u;
	host_control_machine.nr_cpus = 2;
	host_control_machine.max_cpu_id = 3;
	host_control_machine.threads_per_core = 1;
	host_control_machine.cores_per_socket = 2;
	host_control_machine.cpu_khz = 2000000;
	host_control_machine.hw_cap[0] = 0x178bfbff;
	host_control_paddr_bits = 40;
	host_control_timers = 0;
	host_control_offset_domain = NULL;
	host_control_offset_seconds = 0;
}

void arch_control_machine(struct control_machine *m)
{
	*m = host_control_machine;
}

/* CPUs 0 .. nr_cpus-1 exist, APIC ids 2*n, ACPI ids n+1, all online but host_control_offline_cpu. */
bool arch_control_pcpu(unsigned int cpu, struct control_pcpu *p)
{
	if (cpu >= host_control_machine.nr_cpus)
		return false;
	*p = (struct control_pcpu){
	    .apic_id = 2 * cpu,
	    .acpi_id = cpu + 1,
	    .online = cpu != host_control_offline_cpu,
	    .vendor = "AuthenticAMD",
	    .family = 0x19,
	    .model = 0x21,
	    .stepping = 2,
	};
	return true;
}

unsigned int arch_control_paddr_bits(void)
{
	return host_control_paddr_bits;
}

unsigned int arch_control_vcpu_processor(const struct vcpu *v)
{
	(void)v;
	return 0;
}

void arch_control_set_time_offset(struct domain *d, int64_t seconds)
{
	host_control_offset_domain = d;
	host_control_offset_seconds = seconds;
}

unsigned int arch_control_timers_queued(void)
{
	return host_control_timers;
}
