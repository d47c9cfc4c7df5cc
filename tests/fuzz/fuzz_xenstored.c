/*
 * tests/fuzz/fuzz_xenstored.c - libFuzzer target for xenstored
 * (dom0-tools/xenstored/): arbitrary bytes as one domain's req ring
 * traffic, fed in chunks (the first byte of each chunk sets its size),
 * pumped after each chunk while the "guest" drains the rsp ring.
 *
 * Traps on a broken promise: a reply that is not a whole message with a
 * payload <= XENSTORE_PAYLOAD_MAX, or dom0's local connection failing to
 * read the root after the domain's traffic.  ASan and UBSan catch the rest.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dom0-tools/xenstored/xenstored.h"
#include "guests/common/xs_client.h"
#include "lib/errno.h"
#include "tests/fuzz/fuzz_promise.h"

static struct xsd xsd;
static struct xsd_node nodes[256];
static uint64_t arena[16 * 1024];
static struct xenstore_domain_interface ring;

static void *map(void *ctx, domid_t d, uint64_t mfn)
{
	return &ring;
}

static void unmap(void *ctx, void *r)
{
}

static long bind(void *ctx, domid_t d, uint32_t p)
{
	return 7;
}

static const struct xsd_platform plat = { .map_ring = map, .unmap_ring = unmap, .bind_port = bind };

/* Reads the rsp ring like a guest; every whole message must be sane. */
static void drain(char *buf, size_t *have)
{
	struct xsd_sockmsg h;
	long got = xs_client_ring_read(&ring, buf + *have, XS_MSG_MAX - *have);
	int n;

	PROMISE(got >= 0);
	*have += (size_t)got;
	while ((n = xs_msg_complete(buf, *have, &h)) > 0) {
		memmove(buf, buf + n, *have - (size_t)n);
		*have -= (size_t)n;
	}
	PROMISE(n == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char rsp[XS_MSG_MAX], reply[XS_MSG_MAX];
	static const char root[] = "/";
	struct xsd_sockmsg h = { .type = XS_DIRECTORY, .len = 2 };
	struct xsd_conn *c;
	size_t have = 0;

	memset(&ring, 0, sizeof(ring));
	PROMISE(xsd_init(&xsd, &plat, nodes, 256, arena, sizeof(arena)) == 0);
	PROMISE(xsd_introduce(&xsd, 1, 1, 1) == 0);
	c = xsd_conn_by_domid(&xsd, 1);
	while (size > 0) {
		size_t chunk = data[0] * 8u + 1;

		data++, size--;
		if (chunk > size)
			chunk = size;
		for (size_t done = 0; done < chunk && !c->broken;) {
			long put = xs_client_ring_write(&ring, data + done, chunk - done);

			PROMISE(put >= 0);
			done += (size_t)put;
			xsd_ring_pump(&xsd, c);
			drain(rsp, &have);
		}
		data += chunk, size -= chunk;
	}
	PROMISE(xsd_local_request(&xsd, &h, root, reply, sizeof(reply)) > 0);
	PROMISE(((struct xsd_sockmsg *)reply)->type == XS_DIRECTORY);
	return 0;
}
