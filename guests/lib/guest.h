/*
 * guests/lib/guest.h - what a guest kernel application provides and the
 * library's start-of-day services.
 */
#ifndef GUESTS_LIB_GUEST_H
#define GUESTS_LIB_GUEST_H

#include <stdint.h>
#include <stdbool.h>

#include <xen/sched.h>

/** The application: runs in the "main" thread once the library is up. */
void app_main(void);

/** Whether we are the initial domain (start_info's SIF_INITDOMAIN). */
bool guest_is_dom0(void);

/** SCHEDOP_shutdown with @reason (SHUTDOWN_poweroff, _reboot, _crash). */
void guest_shutdown(unsigned int reason) __attribute__((noreturn));

#endif /* GUESTS_LIB_GUEST_H */
