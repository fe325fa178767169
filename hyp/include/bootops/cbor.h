/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A CBOR encoder (RFC 8949) for the attestation report: the items the
 * report uses, each in its preferred (shortest) encoding.  It never writes
 * past the buffer: len counts what the items need, so a caller tells an
 * encoding that did not fit by len > cap.
 */
#ifndef __BOOTOPS_CBOR_H__
#define __BOOTOPS_CBOR_H__

#include <bootops/port.h>

struct bootops_cbor {
	u8 *buf;
	u64 cap;
	u64 len;
};

static inline void bootops_cbor_init(struct bootops_cbor *c, u8 *buf, u64 cap)
{
	c->buf = buf;
	c->cap = cap;
	c->len = 0;
}

static inline bool bootops_cbor_fits(const struct bootops_cbor *c)
{
	return c->len <= c->cap;
}

void bootops_cbor_uint(struct bootops_cbor *c, u64 v);
/* A negative integer, -1 - n: CBOR's major type 1 holds n. */
void bootops_cbor_negint(struct bootops_cbor *c, u64 n);
void bootops_cbor_int(struct bootops_cbor *c, s64 v);
void bootops_cbor_bstr(struct bootops_cbor *c, const void *p, u64 n);
/* A byte string's head only: its n bytes follow as other items or raw. */
void bootops_cbor_bstr_head(struct bootops_cbor *c, u64 n);
void bootops_cbor_raw(struct bootops_cbor *c, const void *p, u64 n);
/* n bytes of UTF-8: EL2 has no strlen() without mbedTLS. */
void bootops_cbor_tstr(struct bootops_cbor *c, const char *s, u64 n);
void bootops_cbor_array(struct bootops_cbor *c, u64 n);
void bootops_cbor_map(struct bootops_cbor *c, u64 n);
void bootops_cbor_tag(struct bootops_cbor *c, u64 tag);
void bootops_cbor_null(struct bootops_cbor *c);

#endif /* __BOOTOPS_CBOR_H__ */
