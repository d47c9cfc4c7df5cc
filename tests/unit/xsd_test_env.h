/*
 * tests/unit/xsd_test_env.h - a xenstored (dom0-tools/xenstored/) for the
 * host unit tests: static storage, a fake platform whose "ring pages" are
 * xenstore_domain_interface structs in memory, and helpers that speak to
 * the daemon as dom0 (the local connection) or as a domU (through its
 * ring, with guests/common/xs_client.c doing the client's side).
 */
#ifndef TESTS_UNIT_XSD_TEST_ENV_H
#define TESTS_UNIT_XSD_TEST_ENV_H

#include "dom0-tools/xenstored/xsd_internal.h"
#include "guests/common/xs_client.h"
#include "lib/errno.h"

#define ENV_DOMS 8

static struct xsd xsd;
static struct xsd_node env_nodes[1024];
static uint64_t env_arena[64 * 1024]; /* 512 KiB */
static struct xenstore_domain_interface env_rings[ENV_DOMS];
static int env_mapped[ENV_DOMS], env_notified[ENV_DOMS + 200];
static int env_bind_error;

/* Reply of the last request, and the watch events seen, per domain. */
static struct xsd_sockmsg out_hdr;
static char out[XENSTORE_PAYLOAD_MAX + 1];
static uint32_t out_len;
static char env_events[ENV_DOMS][32][256];
static int env_nr_events[ENV_DOMS];

/* The fake platform: mfn i is env_rings[i]; local port = 100 + domid. */
static void *env_map(void *ctx, domid_t domid, uint64_t mfn)
{
	if (mfn >= ENV_DOMS)
		return NULL;
	env_mapped[mfn]++;
	return &env_rings[mfn];
}

static void env_unmap(void *ctx, void *ring)
{
	env_mapped[(struct xenstore_domain_interface *)ring - env_rings]--;
}

static long env_bind(void *ctx, domid_t domid, uint32_t port)
{
	return env_bind_error ? env_bind_error : 100 + domid;
}

static void env_notify(void *ctx, long port)
{
	env_notified[port]++;
}

static const struct xsd_platform env_plat = {
	.map_ring = env_map, .unmap_ring = env_unmap, .bind_port = env_bind, .notify = env_notify,
};

static void env_init(void)
{
	memset(env_rings, 0, sizeof(env_rings));
	memset(env_mapped, 0, sizeof(env_mapped));
	memset(env_notified, 0, sizeof(env_notified));
	memset(env_nr_events, 0, sizeof(env_nr_events));
	env_bind_error = 0;
	assert_int_equal(xsd_init(&xsd, &env_plat, env_nodes, 1024, env_arena, sizeof(env_arena)),
			 0);
}

/* Keeps an event "path token" for @dom. */
static void env_log_event(domid_t dom, const void *payload, uint32_t len)
{
	const char *path, *token;

	assert_int_equal(xs_parse_watch_event(payload, len, &path, &token), 0);
	if (env_nr_events[dom] == 32)
		return; /* a flood: the tests that cause one count drops instead */
	snprintf(env_events[dom][env_nr_events[dom]++], 256, "%s %s", path, token);
}

/* Reads whole messages from @dom's rsp ring until a reply arrives; events are logged. */
static int env_ring_reply(domid_t dom)
{
	static char buf[XS_MSG_MAX];
	static uint32_t have;
	struct xsd_sockmsg hdr;
	int n;

	for (int spins = 0; spins < 100; spins++) {
		long got = xs_client_ring_read(&env_rings[dom], buf + have, sizeof(buf) - have);

		assert_true(got >= 0);
		have += (uint32_t)got;
		while ((n = xs_msg_complete(buf, have, &hdr)) > 0) {
			bool event = hdr.type == XS_WATCH_EVENT;

			if (event)
				env_log_event(dom, buf + sizeof(hdr), hdr.len);
			else {
				out_hdr = hdr;
				memcpy(out, buf + sizeof(hdr), hdr.len);
				out_len = hdr.len;
			}
			memmove(buf, buf + n, have - (uint32_t)n);
			have -= (uint32_t)n;
			if (!event)
				return 1;
		}
		xsd_ring_pump(&xsd, xsd_conn_by_domid(&xsd, dom));
	}
	return 0;
}

/* Sends the whole message @msg as @dom and waits for its reply: 0 or the XS_ERROR errno. */
static int env_send(domid_t dom, const void *msg, int len)
{
	assert_true(len > 0);
	out_len = 0;
	if (dom == 0) {
		static char reply[XS_MSG_MAX];
		const struct xsd_sockmsg *h = msg;

		assert_true(xsd_local_request(&xsd, h, (const char *)msg + sizeof(*h), reply,
					      sizeof(reply)) > 0);
		memcpy(&out_hdr, reply, sizeof(out_hdr));
		memcpy(out, reply + sizeof(out_hdr), out_hdr.len);
		out_len = out_hdr.len;
	} else {
		for (int done = 0; done < len;) {
			long put = xs_client_ring_write(&env_rings[dom], (const char *)msg + done,
							(size_t)(len - done));

			assert_true(put >= 0);
			done += (int)put;
			xsd_ring_pump(&xsd, xsd_conn_by_domid(&xsd, dom));
		}
		assert_int_equal(env_ring_reply(dom), 1);
	}
	out[out_len] = '\0';
	if (out_hdr.type == XS_ERROR)
		return xs_errno_parse(out, out_len);
	assert_int_equal(out_hdr.type, ((const struct xsd_sockmsg *)msg)->type);
	return 0;
}

static char env_msg[XS_MSG_MAX];

static int rq_path(domid_t dom, uint32_t type, uint32_t tx, const char *path)
{
	return env_send(dom, env_msg, xs_req_path(env_msg, sizeof(env_msg), type, 7, tx, path));
}

static int wr_tx(domid_t dom, uint32_t tx, const char *path, const char *value)
{
	return env_send(dom, env_msg,
			xs_req_write(env_msg, sizeof(env_msg), 7, tx, path, value, strlen(value)));
}

static int wr(domid_t dom, const char *path, const char *value)
{
	return wr_tx(dom, 0, path, value);
}

static int rd(domid_t dom, const char *path)
{
	return rq_path(dom, XS_READ, 0, path);
}

static __attribute__((unused)) int watch(domid_t dom, const char *path, const char *token)
{
	return env_send(dom, env_msg, xs_req_watch(env_msg, sizeof(env_msg), 1, true, path, token));
}

static int set_perms(domid_t dom, const char *path, const struct xs_perm *p, size_t n)
{
	return env_send(dom, env_msg, xs_req_set_perms(env_msg, sizeof(env_msg), 1, 0, path, p, n));
}

/* The toolstack's part: /local/domain/<dom> owned by dom, then XS_INTRODUCE. */
static void env_introduce(domid_t dom)
{
	char path[64];
	struct xs_perm p = { .domid = dom, .access = XS_PERM_NONE };

	snprintf(path, sizeof(path), "/local/domain/%u", dom);
	assert_int_equal(rq_path(0, XS_MKDIR, 0, path), 0);
	assert_int_equal(set_perms(0, path, &p, 1), 0);
	assert_int_equal(env_send(0, env_msg, xs_req_introduce(env_msg, sizeof(env_msg), 1, dom,
								 dom, 9)),
			 0);
}

/* Whether @dom got the event "path token"; takes it off the log. */
static __attribute__((unused)) bool got_event(domid_t dom, const char *want)
{
	static char ev[XS_MSG_MAX];
	int n;

	while (dom == 0 && (n = xsd_local_event(&xsd, ev, sizeof(ev))) > 0)
		env_log_event(0, ev + sizeof(struct xsd_sockmsg),
			      ((struct xsd_sockmsg *)ev)->len);
	if (dom != 0)
		xsd_ring_pump(&xsd, xsd_conn_by_domid(&xsd, dom)), env_ring_reply(dom);
	for (int i = 0; i < env_nr_events[dom]; i++) {
		if (strcmp(env_events[dom][i], want) == 0) {
			memmove(env_events[dom][i], env_events[dom][i + 1],
				(size_t)(env_nr_events[dom] - i - 1) * 256);
			env_nr_events[dom]--;
			return true;
		}
	}
	return false;
}

#endif /* TESTS_UNIT_XSD_TEST_ENV_H */
