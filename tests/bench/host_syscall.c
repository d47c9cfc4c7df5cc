/*
 * tests/bench/host_syscall.c - the reference for the PV numbers: a native
 * system call (getppid, which does no work) on the machine itself, in TSC
 * ticks, as scripts/bench.sh reports it next to Keel's and Xen's null
 * hypercall.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <x86intrin.h>

#define ROUNDS 200000u

int main(void)
{
	uint64_t t0 = __rdtsc();
	long sum = 0;

	for (unsigned int i = 0; i < ROUNDS; i++)
		sum += syscall(SYS_getppid);
	printf("BENCH host_syscall %lu\n", (unsigned long)((__rdtsc() - t0) / ROUNDS));
	return sum == 0; /* getppid is never 0 here: keeps the loop from being dropped */
}
