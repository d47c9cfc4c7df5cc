/*
 * hypervisor/symbols.h - names for code addresses, for backtraces.
 * The table is generated at link time by scripts/gen_ksyms.py.
 */
#ifndef HYPERVISOR_SYMBOLS_H
#define HYPERVISOR_SYMBOLS_H

#include "lib/types.h"

/*
 * Finds the function containing addr.  Returns its name (NULL when addr is
 * not in any known function) and sets *offset and *size.
 */
const char *symbol_lookup(uint64_t addr, uint64_t *offset, uint64_t *size);

#endif
