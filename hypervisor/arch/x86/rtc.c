/*
 * hypervisor/arch/x86/rtc.c - the CMOS real-time clock, read once at boot
 * for the guests' wall clock (shared_info wc_*).
 *
 * The RTC (MC146818 registers, ports 0x70/0x71) counts seconds, minutes,
 * hours, day, month and year, in BCD or binary and 12- or 24-hour form as
 * status register B says.  The registers are read twice around a wait for
 * the end of any update in progress, until two reads agree.
 */
#include "arch/rtc.h"

#include "arch/cpu.h"

#define RTC_INDEX 0x70
#define RTC_DATA  0x71

#define REG_SECONDS 0x00
#define REG_MINUTES 0x02
#define REG_HOURS   0x04
#define REG_DAY	    0x07
#define REG_MONTH   0x08
#define REG_YEAR    0x09
#define REG_A	    0x0a
#define REG_B	    0x0b

#define A_UPDATE_IN_PROGRESS 0x80
#define B_24_HOUR	     0x02
#define B_BINARY	     0x04
#define HOURS_PM	     0x80

static uint8_t rtc_read(uint8_t reg)
{
	outb(RTC_INDEX, reg);
	return inb(RTC_DATA);
}

struct rtc_time {
	uint8_t sec, min, hour, day, month, year;
};

static void read_once(struct rtc_time *t)
{
	for (unsigned int spins = 0; spins < 1000000 && (rtc_read(REG_A) & A_UPDATE_IN_PROGRESS);
	     spins++)
		;
	t->sec = rtc_read(REG_SECONDS);
	t->min = rtc_read(REG_MINUTES);
	t->hour = rtc_read(REG_HOURS);
	t->day = rtc_read(REG_DAY);
	t->month = rtc_read(REG_MONTH);
	t->year = rtc_read(REG_YEAR);
}

static unsigned int from_bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

/* Days from 1970-01-01 to year-month-day (proleptic Gregorian). */
static uint64_t days_from_epoch(unsigned int year, unsigned int month, unsigned int day)
{
	/* Counting years from March makes February the last month of the year. */
	unsigned int y = year - (month <= 2);
	unsigned int era = y / 400, yoe = y % 400;
	unsigned int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	unsigned int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (uint64_t)era * 146097 + doe - 719468;
}

uint64_t rtc_read_unix_time(void)
{
	struct rtc_time a, b;
	uint8_t regb = rtc_read(REG_B);
	bool binary = regb & B_BINARY;
	unsigned int hour, year;

	do {
		read_once(&a);
		read_once(&b);
	} while (a.sec != b.sec || a.min != b.min || a.hour != b.hour || a.day != b.day ||
		 a.month != b.month || a.year != b.year);

	hour = from_bcd(a.hour & ~HOURS_PM, binary);
	if (!(regb & B_24_HOUR)) {
		hour %= 12;
		if (a.hour & HOURS_PM)
			hour += 12;
	}
	year = 2000 + from_bcd(a.year, binary); /* no century register: this century */
	return days_from_epoch(year, from_bcd(a.month, binary), from_bcd(a.day, binary)) * 86400 +
	       hour * 3600 + from_bcd(a.min, binary) * 60 + from_bcd(a.sec, binary);
}
