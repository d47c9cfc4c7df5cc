/*
 * guests/lib/heap.h - the guest kernel's heap: small blocks in power-of-two
 * size classes carved from pages, large ones as whole pages.
 */
#ifndef GUESTS_LIB_HEAP_H
#define GUESTS_LIB_HEAP_H

#include <stdint.h>
#include <stddef.h>

/** @size bytes (16-byte aligned), or NULL. */
void *kmalloc(size_t size);

/** kmalloc() and zero. */
void *kzalloc(size_t size);

/** Frees a block from kmalloc(); NULL is ignored. */
void kfree(void *p);

/** Bytes handed out and not yet freed (headers included). */
size_t heap_in_use(void);

#endif /* GUESTS_LIB_HEAP_H */
