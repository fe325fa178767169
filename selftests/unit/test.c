// SPDX-License-Identifier: GPL-2.0-only
#include "test.h"

struct test_case *test_list;
int test_failed_checks;

/* Runs every test (or those whose name contains argv[1]). */
int test_main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;

	setvbuf(stdout, NULL, _IONBF, 0);
	int passed = 0, failed = 0;
	struct test_case *t;

	for (t = test_list; t; t = t->next) {
		int before = test_failed_checks;

		if (filter && !strstr(t->name, filter))
			continue;
		t->fn();
		if (test_failed_checks == before) {
			passed++;
			printf("ok - %s\n", t->name);
		} else {
			failed++;
			printf("not ok - %s\n", t->name);
		}
	}
	printf("%s: %d passed, %d failed\n", strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0],
	       passed, failed);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	return test_main(argc, argv);
}
