/*
 * dom0-tools/vmctl/xen_tools.h - Xen's public headers as the toolstack
 * sees them.
 *
 * Owns: nothing.  domctl.h and sysctl.h are toolstack headers: they need
 * __XEN_TOOLS__, which also selects the newest interface version, so the
 * build's -D__XEN_INTERFACE_VERSION__ is dropped first.  Every vmctl
 * file includes this header (directly, or through hv.h) before anything
 * that includes a Xen header, so both the host unit tests and the
 * freestanding dom0 build see the same structures.
 */
#ifndef DOM0_TOOLS_VMCTL_XEN_TOOLS_H
#define DOM0_TOOLS_VMCTL_XEN_TOOLS_H

#ifdef __XEN_PUBLIC_XEN_COMPAT_H__
#ifndef __XEN_TOOLS__
#error "include dom0-tools/vmctl/xen_tools.h before any Xen header"
#endif
#endif

#undef __XEN_INTERFACE_VERSION__
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/event_channel.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/sysctl.h>
#include <xen/version.h>

#endif /* DOM0_TOOLS_VMCTL_XEN_TOOLS_H */
