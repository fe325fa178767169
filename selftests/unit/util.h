/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers for the unit tests: signing, images, snapshots of all state. */
#ifndef __BOOTOPS_TEST_UTIL_H__
#define __BOOTOPS_TEST_UTIL_H__

#include <bootops/bootops.h>
#include <bootops/platform.h>
#include <bootops/state.h>

#include "sim.h"
#include "test.h"

#define GIB		(1ULL << 30)
#define PAGE		BOOTOPS_PAGE_SIZE
#define U32_MAX_	0xffffffffULL
#define U64_MAX_	0xffffffffffffffffULL

/* The n-th host RAM page. */
static inline u64 ram(u64 n)
{
	return SIM_RAM_PFN + n;
}

/* Signs (load_addr, size, bytes) with the test key, or with another key. */
void sign_image(u64 load_addr, u64 size, const void *bytes, bool wrong_key,
		u8 sig[BOOTOPS_SIG_SIZE]);

/*
 * A boot manifest to write into a host page: signed with key_id's private
 * key, or with key_seed[signer] (1: a key hyp does not know) if signer is
 * set.
 */
struct test_manifest {
	u32 key_id, nr, signer;
	u64 secver, flags, entry;
	struct {
		u64 load_addr, size;
		u8 digest[32];
	} img[BOOTOPS_MAX_LOAD_INFO];
};

/* Appends the image of size bytes in host pages first_pfn.. as they are now. */
void manifest_add_image(struct test_manifest *m, u64 load_addr, u64 size, u64 first_pfn);
/* The manifest's bytes, signature included; returns their length. */
u64 manifest_bytes(const struct test_manifest *m, u8 *out);
/* The same, written at the start of host page pfn. */
void write_manifest(u64 pfn, const struct test_manifest *m);

/* Fills host page pfn with a pattern derived from seed. */
void fill_page(u64 pfn, u32 seed);

/*
 * Declares an image of size bytes at load_addr backed by host pages
 * first_pfn.., filled from seed and signed over exactly those bytes.
 * Returns the load index (or the errno of set_boot_info).
 */
int declare_image(u64 vmid, u64 load_addr, u64 size, u64 first_pfn, u32 seed);
/* declare_image() and every remap_vm_image(); 0 or the first errno. */
int load_image_pages(u64 vmid, u64 load_addr, u64 size, u64 first_pfn, u32 seed);
/* A VM with vCPU 0 and one signed image, verified.  Returns the vmid. */
u64 verified_vm(u64 load_addr, u64 size, u64 first_pfn);
/* verify_and_load_images / teardown_vm, called again while they return CONTINUE. */
int verify_images(u64 vmid);
int teardown_vm(u64 vmid);
/* The same, counting the calls (*calls). */
int verify_images_calls(u64 vmid, u64 *calls);

/* Everything hyp and the machine hold, to show an error changed nothing. */
struct snapshot;
struct snapshot *snapshot_take(void);
bool snapshot_same(const struct snapshot *s);
void snapshot_free(struct snapshot *s);

/* CHECK that expr returns err and changes no state at all. */
#define CHECK_REFUSED(expr, err)					\
	do {								\
		struct snapshot *__s = snapshot_take();			\
		CHECK_EQ((expr), (err));				\
		CHECK(snapshot_same(__s));				\
		snapshot_free(__s);					\
	} while (0)

#endif /* __BOOTOPS_TEST_UTIL_H__ */
