/*
 * sched/sched_list.h - the circular doubly linked list the schedulers use
 * for run queues and domain/vCPU membership.
 *
 * Intrusive: a struct sched_list lives inside the object it links, so
 * putting a vCPU on a run queue never allocates (the hypervisor calls the
 * scheduler with interrupts off).  A node that is on no list points at
 * itself, so "is it linked?" is a single comparison and removing a node
 * twice is harmless.
 */
#ifndef SCHED_SCHED_LIST_H
#define SCHED_SCHED_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/compiler.h"

struct sched_list {
	struct sched_list *next, *prev;
};

/* An empty list head, or a node on no list. */
static inline void sched_list_init(struct sched_list *l)
{
	l->next = l;
	l->prev = l;
}

static inline bool sched_list_empty(const struct sched_list *l)
{
	return l->next == l;
}

/* True if node n is on some list (n was initialised with sched_list_init). */
static inline bool sched_list_linked(const struct sched_list *n)
{
	return n->next != n;
}

/* Appends n (on no list) at the tail of head: lists are FIFO. */
static inline void sched_list_add_tail(struct sched_list *head, struct sched_list *n)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}

/* Takes n off its list (if any) and leaves it unlinked. */
static inline void sched_list_del(struct sched_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	sched_list_init(n);
}

#define sched_list_entry(node, type, member) container_of(node, type, member)

/* Walks head; the body may not unlink the current node (use the _safe form). */
#define sched_list_for_each(pos, head)                                                             \
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#define sched_list_for_each_safe(pos, tmp, head)                                                   \
	for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head);                           \
	     (pos) = (tmp), (tmp) = (pos)->next)

#endif /* SCHED_SCHED_LIST_H */
