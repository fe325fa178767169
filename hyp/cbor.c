// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CBOR encoder of the attestation report (bootops/cbor.h).
 */
#include <bootops/cbor.h>

#define CBOR_UINT	0
#define CBOR_NEGINT	1
#define CBOR_BSTR	2
#define CBOR_TSTR	3
#define CBOR_ARRAY	4
#define CBOR_MAP	5
#define CBOR_TAG	6
#define CBOR_SIMPLE	7
#define CBOR_NULL	22

void bootops_cbor_raw(struct bootops_cbor *c, const void *p, u64 n)
{
	if (c->len <= c->cap && n <= c->cap - c->len)
		memcpy(c->buf + c->len, p, n);
	c->len += n;
}

/* An item's head: its major type and argument, in the fewest bytes. */
static void head(struct bootops_cbor *c, u8 major, u64 arg)
{
	u8 b[9];
	int n, i;

	if (arg < 24) {
		b[0] = major << 5 | arg;
		bootops_cbor_raw(c, b, 1);
		return;
	}
	if (arg <= 0xff)
		n = 1;
	else if (arg <= 0xffff)
		n = 2;
	else if (arg <= 0xffffffffULL)
		n = 4;
	else
		n = 8;
	/* 24, 25, 26, 27: 1, 2, 4, 8 bytes follow, big endian. */
	b[0] = major << 5 | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27);
	for (i = 0; i < n; i++)
		b[1 + i] = arg >> (8 * (n - 1 - i));
	bootops_cbor_raw(c, b, 1 + n);
}

void bootops_cbor_uint(struct bootops_cbor *c, u64 v)
{
	head(c, CBOR_UINT, v);
}

void bootops_cbor_negint(struct bootops_cbor *c, u64 n)
{
	head(c, CBOR_NEGINT, n);
}

void bootops_cbor_int(struct bootops_cbor *c, s64 v)
{
	if (v >= 0)
		head(c, CBOR_UINT, v);
	else
		head(c, CBOR_NEGINT, -(v + 1));
}

void bootops_cbor_bstr_head(struct bootops_cbor *c, u64 n)
{
	head(c, CBOR_BSTR, n);
}

void bootops_cbor_bstr(struct bootops_cbor *c, const void *p, u64 n)
{
	head(c, CBOR_BSTR, n);
	bootops_cbor_raw(c, p, n);
}

void bootops_cbor_tstr(struct bootops_cbor *c, const char *s, u64 n)
{
	head(c, CBOR_TSTR, n);
	bootops_cbor_raw(c, s, n);
}

void bootops_cbor_array(struct bootops_cbor *c, u64 n)
{
	head(c, CBOR_ARRAY, n);
}

void bootops_cbor_map(struct bootops_cbor *c, u64 n)
{
	head(c, CBOR_MAP, n);
}

void bootops_cbor_tag(struct bootops_cbor *c, u64 tag)
{
	head(c, CBOR_TAG, tag);
}

void bootops_cbor_null(struct bootops_cbor *c)
{
	head(c, CBOR_SIMPLE, CBOR_NULL);
}
