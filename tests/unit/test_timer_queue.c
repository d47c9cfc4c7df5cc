/*
 * tests/unit/test_timer_queue.c - deadline-ordered timer queues
 * (hypervisor/common/timer_queue.c), including callbacks that re-arm,
 * remove and free timers, and a random test against a simple model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host/test_shim.h"
#include "hypervisor/common/timer_queue.h"

#define MAX_FIRED 4096

static struct timer_queue q;
static struct timer *fired[MAX_FIRED];
static unsigned int nr_fired;

static void record_fn(struct timer *t, void *data)
{
	(void)data;
	assert_true(nr_fired < MAX_FIRED);
	assert_false(timer_is_queued(t)); /* dequeued before its callback */
	fired[nr_fired++] = t;
}

static int setup(void **state)
{
	(void)state;
	timer_queue_init(&q);
	nr_fired = 0;
	host_log_reset();
	return 0;
}

static void arm(struct timer *t, uint64_t expires)
{
	t->expires = expires;
	timer_queue_add(&q, t);
}

static void test_empty_queue(void **state)
{
	struct timer t;

	(void)state;
	assert_int_equal(timer_queue_next_deadline(&q), UINT64_MAX);
	assert_int_equal(timer_queue_run_expired(&q, UINT64_MAX, NULL), 0);
	memset(&t, 0, sizeof(t)); /* zero-filled is idle */
	assert_false(timer_is_queued(&t));
	assert_false(timer_queue_remove(&q, &t));
	timer_init(&t, record_fn, NULL);
	assert_false(timer_is_queued(&t));
}

static void test_fires_in_deadline_then_insertion_order(void **state)
{
	enum { N = 1000 };
	static struct timer t[N];

	(void)state;
	srand(99);
	for (unsigned int i = 0; i < N; i++) {
		timer_init(&t[i], record_fn, NULL);
		arm(&t[i], (uint64_t)(rand() % 50)); /* many equal deadlines */
	}
	assert_int_equal(timer_queue_run_expired(&q, UINT64_MAX, NULL), N);
	assert_int_equal(nr_fired, N);
	for (unsigned int i = 1; i < N; i++) {
		assert_true(fired[i - 1]->expires <= fired[i]->expires);
		if (fired[i - 1]->expires == fired[i]->expires)
			assert_true(fired[i - 1] < fired[i]); /* armed in array order */
	}
	assert_int_equal(timer_queue_next_deadline(&q), UINT64_MAX);
}

static void test_runs_only_what_is_due(void **state)
{
	struct timer t[5];

	(void)state;
	for (unsigned int i = 0; i < 5; i++) {
		timer_init(&t[i], record_fn, NULL);
		arm(&t[i], 100 * (5 - i)); /* 500, 400, ..., 100 */
	}
	assert_int_equal(timer_queue_next_deadline(&q), 100);
	assert_int_equal(timer_queue_run_expired(&q, 99, NULL), 0);
	assert_int_equal(timer_queue_run_expired(&q, 300, NULL), 3);
	assert_ptr_equal(fired[0], &t[4]);
	assert_ptr_equal(fired[2], &t[2]);
	assert_int_equal(timer_queue_next_deadline(&q), 400);
	assert_true(timer_is_queued(&t[0]));
	assert_false(timer_is_queued(&t[2]));
}

static void test_remove_and_rearm(void **state)
{
	struct timer t[6];

	(void)state;
	for (unsigned int i = 0; i < 6; i++) {
		timer_init(&t[i], record_fn, NULL);
		arm(&t[i], 10 + i);
	}
	assert_int_equal(timer_queue_count(&q), 6);
	assert_true(timer_queue_remove(&q, &t[0])); /* the root */
	assert_true(timer_queue_remove(&q, &t[3])); /* an inner timer */
	assert_false(timer_queue_remove(&q, &t[3]));
	assert_int_equal(timer_queue_count(&q), 4);
	assert_int_equal(timer_queue_next_deadline(&q), 11);
	arm(&t[1], 100); /* re-arm while queued: moved later */
	arm(&t[5], 12);	 /* same deadline as t[2], re-armed after it */
	arm(&t[0], 1);	 /* a removed timer can come back */
	assert_int_equal(timer_queue_count(&q), 5); /* re-arming counts once */
	assert_int_equal(timer_queue_run_expired(&q, 1000, NULL), 5);
	assert_int_equal(timer_queue_count(&q), 0);
	assert_ptr_equal(fired[0], &t[0]);
	assert_ptr_equal(fired[1], &t[2]);
	assert_ptr_equal(fired[2], &t[5]);
	assert_ptr_equal(fired[3], &t[4]);
	assert_ptr_equal(fired[4], &t[1]);
}

/* A periodic timer: re-arms itself for "now" from its own callback. */
static void rearm_now_fn(struct timer *t, void *data)
{
	record_fn(t, data);
	timer_queue_add(&q, t); /* same expires: already due */
}

static void test_self_rearm_fires_next_run(void **state)
{
	struct timer t;

	(void)state;
	timer_init(&t, rearm_now_fn, NULL);
	arm(&t, 5);
	assert_int_equal(timer_queue_run_expired(&q, 10, NULL), 1);
	assert_true(timer_is_queued(&t));
	assert_int_equal(timer_queue_next_deadline(&q), 5);
	assert_int_equal(timer_queue_run_expired(&q, 10, NULL), 1);
	assert_int_equal(nr_fired, 2);
	assert_true(timer_queue_remove(&q, &t));
}

struct victim_ctx {
	struct timer *victim;
	struct timer *newcomer;
};

static void meddle_fn(struct timer *t, void *data)
{
	struct victim_ctx *c = data;

	record_fn(t, NULL);
	assert_true(timer_queue_remove(&q, c->victim)); /* due, not yet fired */
	c->newcomer->expires = 0;
	timer_queue_add(&q, c->newcomer);
}

static void test_callback_removes_and_adds_others(void **state)
{
	struct timer a, victim, later, newcomer;
	struct victim_ctx c = {&victim, &newcomer};

	(void)state;
	timer_init(&a, meddle_fn, &c);
	timer_init(&victim, record_fn, NULL);
	timer_init(&later, record_fn, NULL);
	timer_init(&newcomer, record_fn, NULL);
	arm(&a, 1);
	arm(&victim, 2);
	arm(&later, 50);
	assert_int_equal(timer_queue_run_expired(&q, 10, NULL), 1);
	assert_int_equal(nr_fired, 1);
	assert_false(timer_is_queued(&victim));
	assert_true(timer_is_queued(&newcomer));
	assert_int_equal(timer_queue_next_deadline(&q), 0);
	assert_int_equal(timer_queue_run_expired(&q, 10, NULL), 1);
	assert_ptr_equal(fired[1], &newcomer);
	assert_int_equal(timer_queue_next_deadline(&q), 50);
}

/* A one-shot timer that frees itself: the queue must not touch it after. */
static void free_self_fn(struct timer *t, void *data)
{
	(void)data;
	nr_fired++;
	free(t);
}

static void test_callback_frees_its_timer(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < 10; i++) {
		struct timer *t = malloc(sizeof(*t));

		timer_init(t, free_self_fn, NULL);
		arm(t, i % 3);
	}
	assert_int_equal(timer_queue_run_expired(&q, 5, NULL), 10);
	assert_int_equal(nr_fired, 10);
}

static spinlock_t timer_lock = SPINLOCK_INIT;

static void check_unlocked_fn(struct timer *t, void *data)
{
	(void)t;
	(void)data;
	assert_false(timer_lock.held); /* released around callbacks */
	nr_fired++;
}

static void test_lock_dropped_around_callbacks(void **state)
{
	struct timer t[3];

	(void)state;
	for (unsigned int i = 0; i < 3; i++) {
		timer_init(&t[i], check_unlocked_fn, NULL);
		arm(&t[i], i);
	}
	spin_lock(&timer_lock);
	assert_int_equal(timer_queue_run_expired(&q, 10, &timer_lock), 3);
	assert_true(timer_lock.held);
	spin_unlock(&timer_lock);
}

static void rerun_fn(struct timer *t, void *data)
{
	(void)t;
	(void)data;
	timer_queue_run_expired(&q, 0, NULL);
}

static void test_misuse_is_a_bug(void **state)
{
	struct timer_queue other;
	struct timer t, r;

	(void)state;
	timer_queue_init(&other);
	timer_init(&t, record_fn, NULL);
	arm(&t, 5);
	assert_true(HOST_PANICS(timer_queue_add(&other, &t)));
	assert_true(HOST_PANICS(timer_queue_remove(&other, &t)));
	assert_true(timer_queue_remove(&q, &t));
	timer_init(&r, rerun_fn, NULL);
	arm(&r, 0);
	assert_true(HOST_PANICS(timer_queue_run_expired(&q, 0, NULL))); /* not reentrant */
}

/* Random adds, re-arms, removes and runs against a plain array model. */
struct model_entry {
	bool queued;
	uint64_t expires, seq;
};

static int pick_earliest(const struct model_entry *m, unsigned int n, uint64_t now)
{
	int best = -1;

	for (unsigned int i = 0; i < n; i++) {
		if (!m[i].queued || m[i].expires > now)
			continue;
		if (best < 0 || m[i].expires < m[best].expires ||
		    (m[i].expires == m[best].expires && m[i].seq < m[best].seq))
			best = (int)i;
	}
	return best;
}

/* How many timers the model has queued. */
static unsigned int model_queued(const struct model_entry *m, unsigned int n)
{
	unsigned int queued = 0;

	for (unsigned int i = 0; i < n; i++)
		queued += m[i].queued;
	return queued;
}

static void test_random_against_model(void **state)
{
	enum { N = 64 };
	static struct timer t[N];
	static struct model_entry m[N];
	uint64_t now = 0, seq = 0;

	(void)state;
	for (unsigned int i = 0; i < N; i++)
		timer_init(&t[i], record_fn, NULL);
	srand(2024);
	for (int step = 0; step < 20000; step++) {
		unsigned int i = (unsigned int)rand() % N, op = (unsigned int)rand() % 10;
		int e;

		if (op < 6) {
			m[i] = (struct model_entry){true, now + (uint64_t)(rand() % 100), seq++};
			arm(&t[i], m[i].expires);
		} else if (op < 8) {
			assert_int_equal(timer_queue_remove(&q, &t[i]), m[i].queued);
			m[i].queued = false;
		} else {
			now += (uint64_t)(rand() % 40);
			nr_fired = 0;
			timer_queue_run_expired(&q, now, NULL);
			for (unsigned int k = 0; k < nr_fired; k++) {
				e = pick_earliest(m, N, now);
				assert_true(e >= 0);
				assert_ptr_equal(fired[k], &t[e]);
				m[e].queued = false;
			}
			assert_int_equal(pick_earliest(m, N, now), -1);
		}
		e = pick_earliest(m, N, UINT64_MAX);
		assert_int_equal(timer_queue_next_deadline(&q), e < 0 ? UINT64_MAX : m[e].expires);
		assert_int_equal(timer_queue_count(&q), model_queued(m, N));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_empty_queue, setup),
	    cmocka_unit_test_setup(test_fires_in_deadline_then_insertion_order, setup),
	    cmocka_unit_test_setup(test_runs_only_what_is_due, setup),
	    cmocka_unit_test_setup(test_remove_and_rearm, setup),
	    cmocka_unit_test_setup(test_self_rearm_fires_next_run, setup),
	    cmocka_unit_test_setup(test_callback_removes_and_adds_others, setup),
	    cmocka_unit_test_setup(test_callback_frees_its_timer, setup),
	    cmocka_unit_test_setup(test_lock_dropped_around_callbacks, setup),
	    cmocka_unit_test_setup(test_misuse_is_a_bug, setup),
	    cmocka_unit_test_setup(test_random_against_model, setup),
	};

	return cmocka_run_group_tests_name("timer_queue", tests, NULL, NULL);
}
