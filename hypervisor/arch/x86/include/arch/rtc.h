/*
 * arch/rtc.h - the CMOS real-time clock (rtc.c).
 */
#ifndef ARCH_RTC_H
#define ARCH_RTC_H

#include "lib/types.h"

/* Seconds since 1970-01-01 00:00 UTC by the RTC (assumed to run in UTC, as QEMU's). */
uint64_t rtc_read_unix_time(void);

#endif
