/*
 * tests/fuzz/fuzz_promise.h - what every libFuzzer target here shares:
 * the entry point's prototype and PROMISE(), which traps (a crash
 * libFuzzer saves) when the code under test breaks a documented promise.
 */
#ifndef TESTS_FUZZ_FUZZ_PROMISE_H
#define TESTS_FUZZ_FUZZ_PROMISE_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMISE(c)                                                                                 \
	do {                                                                                       \
		if (!(c))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

#endif /* TESTS_FUZZ_FUZZ_PROMISE_H */
