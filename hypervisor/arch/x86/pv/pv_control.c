/*
 * hypervisor/arch/x86/pv/pv_control.c - the machine's answers to the
 * control interface (hypercalls/control.h): CPUs, TSC rate, CPUID
 * feature words, address width, a vCPU's CPU, a domain's wall clock and
 * the timer count of the debug keys; and, until the real one is linked
 * in, a stand-in for the vCPU-context interface (end of file).
 */
#include "hypercalls/control.h"

#include "arch/acpi.h"
#include "arch/cpu.h"
#include "arch/cpufeature.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "hypervisor/arch/x86/pv/pv_mm.h"
#include "hypervisor/arch/x86/pv/pv_sched.h"
#include "hypervisor/arch/x86/pv/pv_time.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "hypervisor/timer.h"
#include "hypercalls/vcpu_context.h"
#include "lib/errno.h"
#include "lib/string.h"

/* Highest CPUID leaf of the range that `leaf` belongs to. */
static uint32_t max_leaf(uint32_t leaf)
{
	return cpuid(leaf & 0x80000000u).eax;
}

/* A CPUID register, 0 where the leaf does not exist. */
static uint32_t cpuid_word(uint32_t leaf, uint32_t subleaf, int reg)
{
	struct cpuid_regs r;

	if (max_leaf(leaf) < leaf)
		return 0;
	r = cpuid_count(leaf, subleaf);
	return reg == 0 ? r.eax : reg == 1 ? r.ebx : reg == 2 ? r.ecx : r.edx;
}

void arch_control_machine(struct control_machine *m)
{
	/* Xen's featureset words 0-7 (xen/arch-x86/cpufeatureset.h): leaf, subleaf, register. */
	static const struct {
		uint32_t leaf, subleaf;
		int reg; /* 0 eax, 1 ebx, 2 ecx, 3 edx */
	} words[8] = {
	    {1, 0, 3},	 {1, 0, 2}, {0x80000001, 0, 3}, {0x80000001, 0, 2},
	    {0xd, 1, 0}, {7, 0, 1}, {7, 0, 2},		{0x80000007, 0, 3},
	};
	unsigned int possible = acpi.nr_cpus < MAX_CPUS ? acpi.nr_cpus : MAX_CPUS;

	m->nr_cpus = nr_cpus_online;
	m->max_cpu_id = (possible > nr_cpus_online ? possible : nr_cpus_online) - 1;
	/* Keel does not read the topology: every CPU is a core of one socket. */
	m->threads_per_core = 1;
	m->cores_per_socket = nr_cpus_online;
	m->cpu_khz = (uint32_t)tsc_khz;
	for (unsigned int i = 0; i < 8; i++)
		m->hw_cap[i] = cpuid_word(words[i].leaf, words[i].subleaf, words[i].reg);
}

/*
 * Keel's CPU cpu, if it brought it up.  Every CPU is taken to be of the
 * calling CPU's model (Keel runs on CPUs of one kind); the ACPI id is the
 * MADT's for the CPU's APIC id.
 */
bool arch_control_pcpu(unsigned int cpu, struct control_pcpu *p)
{
	const struct percpu *pc = cpu < MAX_CPUS ? percpu_of[cpu] : NULL;
	uint32_t sig = cpuid(1).eax, family = (sig >> 8) & 0xf, model = (sig >> 4) & 0xf;

	if (!pc || cpu >= nr_cpus_online)
		return false;
	p->apic_id = pc->apic_id;
	p->acpi_id = pc->apic_id; /* no MADT entry (no ACPI): the APIC id */
	for (unsigned int i = 0; i < acpi.nr_cpus; i++)
		if (acpi.cpu_apic_id[i] == pc->apic_id)
			p->acpi_id = acpi.cpu_acpi_id[i];
	p->online = pc->state == CPU_ONLINE;
	memcpy(p->vendor, cpu_features.vendor, sizeof(p->vendor));
	/* The display family and model (Intel SDM / AMD APM: extended fields). */
	if (family == 0xf)
		family += (sig >> 20) & 0xff;
	if (family >= 0x6)
		model |= ((sig >> 16) & 0xf) << 4;
	p->family = family;
	p->model = model;
	p->stepping = sig & 0xf;
	return true;
}

unsigned int arch_control_paddr_bits(void)
{
	return pv_mm_machine_address_bits();
}

unsigned int arch_control_vcpu_processor(const struct vcpu *v)
{
	return pv_sched_vcpu_cpu(v);
}

void arch_control_set_time_offset(struct domain *d, int64_t seconds)
{
	pv_time_set_offset(d, seconds);
}

unsigned int arch_control_timers_queued(void)
{
	unsigned int all = timer_count_queued(), sched = pv_sched_timers_queued();

	return all > sched ? all - sched : 0; /* counted a moment apart: never below 0 */
}
