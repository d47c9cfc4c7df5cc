/*
 * hypervisor/arch/x86/pv/pv_emul.c - wires the generic PV instruction
 * emulator to the machine.  (Filled in once the emulator lands; until then
 * every #GP/#UD is bounced to the guest.)
 */
#include "hypervisor/arch/x86/pv/pv_emul.h"

bool pv_emulate_privileged(struct vcpu *v, struct trap_frame *f, unsigned int trap)
{
	(void)v, (void)f, (void)trap;
	return false;
}
