/*
 * arch/traps.h - the saved register frame and the trap/interrupt entry points.
 */
#ifndef ARCH_TRAPS_H
#define ARCH_TRAPS_H

#include "lib/types.h"

/*
 * What entry.asm saves on every exception and interrupt, lowest address
 * first.  The order follows Xen's struct cpu_user_regs so that guest
 * contexts can later be saved in the same shape.
 */
struct trap_frame {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi;
	uint32_t error_code;
	uint32_t vector;
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Exception vectors. */
enum {
	TRAP_DE = 0, TRAP_DB = 1, TRAP_NMI = 2, TRAP_BP = 3, TRAP_OF = 4, TRAP_BR = 5,
	TRAP_UD = 6, TRAP_NM = 7, TRAP_DF = 8, TRAP_TS = 10, TRAP_NP = 11, TRAP_SS = 12,
	TRAP_GP = 13, TRAP_PF = 14, TRAP_MF = 16, TRAP_AC = 17, TRAP_MC = 18, TRAP_XM = 19,
	TRAP_VE = 20, TRAP_CP = 21,
};

/* Page-fault error code bits (Intel SDM vol. 3, 4.7). */
#define PFEC_PRESENT (1u << 0)
#define PFEC_WRITE   (1u << 1)
#define PFEC_USER    (1u << 2)
#define PFEC_RSVD    (1u << 3)
#define PFEC_INSN    (1u << 4)

/* Interrupt vectors Keel uses for itself. */
#define VECTOR_SPURIOUS 0xff
#define VECTOR_TIMER 0xf0
#define VECTOR_IPI_CALL 0xf1
#define VECTOR_IPI_STOP 0xf2
#define VECTOR_IPI_KICK 0xf3 /* "look at your run queue": the handler does nothing */
#define VECTOR_SERIAL 0xe0   /* the console UART's receive interrupt (I/O APIC) */
#define VECTOR_FIRST_IRQ 0x20

/* Handler for an interrupt vector (>= 32); runs with interrupts off. */
typedef void (*irq_handler_t)(struct trap_frame *f);
void set_irq_handler(uint8_t vector, irq_handler_t fn);

/* Loads the IDT on this CPU (the table itself is shared). */
void idt_load(void);
void idt_init(void);

/* Prints the full report for an unexpected trap, then panics. */
__attribute__((noreturn)) void fatal_trap(const struct trap_frame *f);
/* Prints registers and a backtrace starting at the frame. */
void show_trap_frame(const struct trap_frame *f);
/* Prints a backtrace from the caller. */
void show_backtrace_here(void);

/* C entry from entry.asm. */
void trap_dispatch(struct trap_frame *f);

#endif
