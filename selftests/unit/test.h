/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal test harness: TEST(name) { ... } with CHECK/CHECK_EQ, run in
 * order, counted, and summed up as "N passed, N failed".
 */
#ifndef __BOOTOPS_TEST_H__
#define __BOOTOPS_TEST_H__

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
	struct test_case *next;
};

extern struct test_case *test_list;
extern int test_failed_checks;

#define TEST(name)							\
	static void test_##name(void);					\
	static struct test_case tc_##name = { #name, test_##name, NULL };	\
	__attribute__((constructor)) static void reg_##name(void)	\
	{								\
		struct test_case **p = &test_list;			\
		while (*p)						\
			p = &(*p)->next;				\
		*p = &tc_##name;					\
	}								\
	static void test_##name(void)

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n",	\
				__FILE__, __LINE__, #cond);		\
			test_failed_checks++;				\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long __a = (long long)(a), __b = (long long)(b);	\
		if (__a != __b) {					\
			fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", \
				__FILE__, __LINE__, #a, __a, #b, __b);	\
			test_failed_checks++;				\
		}							\
	} while (0)

int test_main(int argc, char **argv);

#endif /* __BOOTOPS_TEST_H__ */
