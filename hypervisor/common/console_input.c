/*
 * hypervisor/common/console_input.c - the input switch between the
 * control domain and Keel (contracts in console_input.h).
 *
 * State is plain variables: only the UART's interrupt handler changes
 * them, one byte at a time, and readers elsewhere look only at the rings
 * (which lock) or at `to_keel` (a single byte, read once).
 */
#include "hypervisor/common/console_input.h"

#include "lib/printk.h"

struct input_ring console_input_dom0 = INPUT_RING_INIT;
struct input_ring console_input_keys = INPUT_RING_INIT;

static bool to_keel;
static unsigned int switch_chars_held;

static void deliver(char c)
{
	struct input_ring *r = to_keel ? &console_input_keys : &console_input_dom0;

	/* A full ring drops and counts (input_ring.h): a stuck reader must not stop Keel. */
	(void)input_ring_put(r, c);
}

static void switch_owner(void)
{
	to_keel = !to_keel;
	/* printk is safe here (interrupt context, any lock held): the console lock is irqsave. */
	if (to_keel)
		printk("serial input to Keel: debug keys ('h' lists them); "
		       "CTRL-a three times gives it back to dom0\n");
	else
		printk("serial input to dom0 (CTRL-a three times for Keel's debug keys)\n");
}

void console_input_receive(char c)
{
	if (c == CONSOLE_INPUT_SWITCH_CHAR) {
		if (++switch_chars_held == CONSOLE_INPUT_SWITCH_COUNT) {
			switch_chars_held = 0;
			switch_owner();
		}
		return;
	}
	/* Fewer than three CTRL-a in a row were ordinary input after all. */
	for (; switch_chars_held; switch_chars_held--)
		deliver(CONSOLE_INPUT_SWITCH_CHAR);
	deliver(c);
}

bool console_input_to_keel(void)
{
	return __atomic_load_n(&to_keel, __ATOMIC_RELAXED);
}

void console_input_reset(void)
{
	to_keel = false;
	switch_chars_held = 0;
	input_ring_init(&console_input_dom0);
	input_ring_init(&console_input_keys);
}
