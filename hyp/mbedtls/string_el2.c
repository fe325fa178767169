// SPDX-License-Identifier: GPL-2.0-only
/*
 * The string functions the EL2 mbedTLS subset references but the nVHE
 * object does not link (it has only arch/arm64/lib/mem{cpy,set}.S, which
 * also give memmove):
 *
 *   memcmp  asn1parse.c, asn1write.c  (mbedtls_asn1_find_named_data, ...)
 *   strlen  bignum.c                  (mbedtls_mpi_read_string)
 *   strcmp  ecp.c                     (mbedtls_ecp_curve_info_from_name)
 *
 * None is on the verification path; they exist so that whole objects
 * link.  Weak, so that a real implementation linked into hyp wins.  No
 * header is included on purpose: with CONFIG_FORTIFY_SOURCE the kernel's
 * <linux/string.h> may define inline versions of these very names.
 */

/*
 * GCC may turn such a loop back into a call to the very function being
 * defined (loop distribution); scripts/build-mbedtls-el2.sh checks that
 * this object makes no call at all.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define NO_IDIOM __attribute__((__weak__, __optimize__("no-tree-loop-distribute-patterns")))
#else
#define NO_IDIOM __attribute__((__weak__))
#endif

int memcmp(const void *a, const void *b, __SIZE_TYPE__ n);
__SIZE_TYPE__ strlen(const char *s);
int strcmp(const char *a, const char *b);

NO_IDIOM int memcmp(const void *a, const void *b, __SIZE_TYPE__ n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

NO_IDIOM __SIZE_TYPE__ strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (__SIZE_TYPE__)(p - s);
}

NO_IDIOM int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}
