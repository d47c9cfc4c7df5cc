/*
 * tests/unit/test_hypercall_page.c - the hypercall page's stubs, byte by byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <xen/xen.h>

#include "lib/hypercall_page.h"

static uint8_t page[HYPERCALL_PAGE_SIZE];

static uint32_t imm32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void test_every_stub_makes_its_hypercall(void **state)
{
	static const uint8_t head[] = { 0x51, 0x41, 0x53, 0xb8 };
	static const uint8_t tail[] = { 0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3 };

	hypercall_page_fill(page);
	for (uint32_t nr = 0; nr < HYPERCALL_PAGE_ENTRIES; nr++) {
		const uint8_t *s = page + nr * HYPERCALL_STUB_SIZE;

		if (nr == __HYPERVISOR_iret)
			continue;
		assert_memory_equal(s, head, sizeof(head));
		assert_int_equal(imm32_at(s + 4), nr);
		assert_memory_equal(s + 8, tail, sizeof(tail));
		for (unsigned int i = 14; i < HYPERCALL_STUB_SIZE; i++)
			assert_int_equal(s[i], 0xcc);
	}
}

static void test_iret_stub_completes_iret_context_and_never_returns(void **state)
{
	/* push rcx; push r11; push rax: RAX ends on top, as struct iret_context wants. */
	static const uint8_t expect[] = { 0x51, 0x41, 0x53, 0x50, 0xb8 };
	const uint8_t *s = page + __HYPERVISOR_iret * HYPERCALL_STUB_SIZE;

	hypercall_page_fill(page);
	assert_memory_equal(s, expect, sizeof(expect));
	assert_int_equal(imm32_at(s + 5), __HYPERVISOR_iret);
	assert_int_equal(s[9], 0x0f);
	assert_int_equal(s[10], 0x05); /* syscall */
	assert_int_equal(s[11], 0x0f);
	assert_int_equal(s[12], 0x0b); /* ud2: no way back */
	for (unsigned int i = 13; i < HYPERCALL_STUB_SIZE; i++)
		assert_int_equal(s[i], 0xcc);
}

static void test_fill_overwrites_old_contents(void **state)
{
	memset(page, 0x90, sizeof(page));
	hypercall_page_fill(page);
	for (unsigned int i = 0; i < sizeof(page); i++)
		assert_int_not_equal(page[i], 0x90);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_stub_makes_its_hypercall),
		cmocka_unit_test(test_iret_stub_completes_iret_context_and_never_returns),
		cmocka_unit_test(test_fill_overwrites_old_contents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
