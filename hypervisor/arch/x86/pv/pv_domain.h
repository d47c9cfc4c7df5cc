/*
 * hypervisor/arch/x86/pv/pv_domain.h - setting up domain support on the machine.
 */
#ifndef ARCH_PV_PV_DOMAIN_H
#define ARCH_PV_PV_DOMAIN_H

/* Installs the machine's domain hooks (boot CPU, before the first domain). */
void pv_domain_setup(void);

#endif
