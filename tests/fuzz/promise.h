/*
 * tests/fuzz/promise.h - PROMISE(c): a fuzz target's check of an API
 * promise; a broken one traps, so libFuzzer saves the input.
 */
#ifndef TESTS_FUZZ_PROMISE_H
#define TESTS_FUZZ_PROMISE_H

#define PROMISE(c)                                                                                 \
	do {                                                                                       \
		if (!(c))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

#endif /* TESTS_FUZZ_PROMISE_H */
