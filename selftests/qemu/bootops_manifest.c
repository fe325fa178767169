// SPDX-License-Identifier: GPL-2.0-only
/*
 * bootops_manifest: boot manifests on the running kernel, through the real
 * ioctls (KVM_ARM_BOOTOPS_SET_MANIFEST, KVM_ARM_BOOTOPS_DECLARE_IMAGE,
 * KVM_RUN), as a hostile VMM would use them.  TAP 13.
 *
 * Fixtures (scripts/build-vmm.sh, in /tests/vmm): hello.bin, and two 100-byte
 * data images blob-a.bin and blob-b.bin from two "releases"; manifests made
 * by bootops-sign manifest with build/keys/manifest-N.pem:
 *   m-a.man       key 1, version 3: hello@LOAD_ADDR, blob-a@DATA_ADDR, entry LOAD_ADDR
 *   m-b.man       key 1, version 3: hello@LOAD_ADDR, blob-b@DATA_ADDR
 *   m-old.man     m-a's images, version 2
 *   m-forged.man  m-a's, naming key 1 but signed with the image key
 *   m-nokey.man   m-a's, key 7 (hyp has none)
 *   m-entry.man   m-a's, entry LOAD_ADDR + 8
 *   m-priv.man    key 1, version 3: touch.bin@LOAD_ADDR, private memory required
 *   m2-v5r.man    key 2, version 5, raise the minimum: m-a's images
 *   m2-v4.man, m2-v5.man  key 2, versions 4 and 5, no raise
 *   hello.m1.sig  hello.bin signed one image at a time with manifest key 1
 * The kernel boots with kvm-arm.bootops_secver=1:3.  Each VM's load log
 * (debugfs bootops_load_log) is read back after its first run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tap.h"
#include "vmm.h"

#ifndef LOAD_ADDR
#define LOAD_ADDR	0x80000000ULL	/* keep in sync with scripts/build-vmm.sh */
#endif
#ifndef DATA_ADDR
#define DATA_ADDR	0x80100000ULL
#endif
#define DATA2_ADDR	(DATA_ADDR + 0x40000)
#define MEM_BASE	0x80000000ULL
#define MEM_SIZE	(2ULL << 20)
#define RUN_TIMEOUT_MS	10000
#define MESSAGE		"hello from a verified guest\n"
#define TOUCH_OK	"touch ok\n"
#define KEYS_FILE	"/sys/kernel/debug/kvm-bootops-manifest/keys"

static const char *dir = "/tests/vmm";
static struct blob hello = { .name = "hello.bin" }, blob_a = { .name = "blob-a.bin" },
		   blob_b = { .name = "blob-b.bin" }, touch = { .name = "touch.bin" },
		   m_a = { .name = "m-a.man" }, m_b = { .name = "m-b.man" },
		   m_old = { .name = "m-old.man" }, m_forged = { .name = "m-forged.man" },
		   m_nokey = { .name = "m-nokey.man" }, m_entry = { .name = "m-entry.man" },
		   m_priv = { .name = "m-priv.man" }, m2_v5r = { .name = "m2-v5r.man" },
		   m2_v4 = { .name = "m2-v4.man" }, m2_v5 = { .name = "m2-v5.man" },
		   sig_m1 = { .name = "hello.m1.sig" };
static const uint8_t no_sig[VMM_SIG_SIZE];
static int kvm = -1;

static const char *res(int ret)
{
	static char buf[8][32];
	static int i;

	i = (i + 1) % 8;
	if (ret == VMM_EXIT_SHUTDOWN)
		return "SHUTDOWN";
	if (ret == VMM_EXIT_TIMEOUT)
		return "timeout";
	if (ret == VMM_EXIT_UNHANDLED)
		return "unhandled exit";
	if (ret >= 0)
		snprintf(buf[i], sizeof(buf[i]), "%d", ret);
	else
		snprintf(buf[i], sizeof(buf[i]), "%s", vmm_errname(ret));
	return buf[i];
}

/* A setup or ioctl result: "0" or the errno's name. */
static const char *err_name(int ret)
{
	return ret ? vmm_errname(ret) : "0";
}

static void new_vm(struct vmm *v, unsigned int mode)
{
	int ret = vmm_create(v, kvm, mode, MEM_BASE, MEM_SIZE);

	if (ret) {
		printf("Bail out! KVM_CREATE_VM: %s\n", res(ret));
		exit(1);
	}
}

/* Copies b to addr and declares it with no signature of its own: 0 or -errno. */
static int put(struct vmm *v, const struct blob *b, uint64_t addr)
{
	int ret = vmm_load(v, addr, b->data, b->size);

	if (!ret)
		ret = vmm_declare(v, addr, b->size, no_sig);
	return ret < 0 ? ret : 0;
}

/* A VM with manifest m and the images at addrs; 0 or the first errno. */
struct image_at {
	const struct blob *b;
	uint64_t addr;
};

static int setup(struct vmm *v, unsigned int mode, const struct blob *m,
		 const struct image_at *img, int n)
{
	int ret, i;

	new_vm(v, mode);
	ret = m ? vmm_set_manifest(v, m->data, m->size) : 0;
	for (i = 0; !ret && i < n; i++)
		ret = put(v, img[i].b, img[i].addr);
	return ret;
}

static int run(struct vmm *v, uint64_t entry)
{
	int ret = vmm_vcpu_init(v, entry);

	return ret ? ret : vmm_run(v, RUN_TIMEOUT_MS);
}

static bool ran_hello(struct vmm *v, int ret)
{
	return ret == VMM_EXIT_SHUTDOWN && !strcmp(v->out, MESSAGE);
}

/* m with the images boots hello: the guest's message, then SYSTEM_OFF. */
static bool boots(const struct blob *m, const struct image_at *img, int n, char *why,
		  size_t len)
{
	struct vmm v;
	int ret = setup(&v, VMM_BOOTOPS, m, img, n);

	if (!ret)
		ret = run(&v, LOAD_ADDR);
	snprintf(why, len, "%s, output %zu bytes", ret < 0 ? err_name(ret) : res(ret),
		 v.out_len);
	ret = ran_hello(&v, ret);
	vmm_destroy(&v);
	return ret;
}

/* Refused for good at the first KVM_RUN: EKEYREJECTED twice, nothing ran. */
static bool rejected(const struct blob *m, const struct image_at *img, int n, char *why,
		     size_t len)
{
	struct vmm v;
	int set = setup(&v, VMM_BOOTOPS, m, img, n), r1 = -1, r2 = -1;

	if (!set)
		r1 = run(&v, LOAD_ADDR);
	/* Only a refused vCPU: one the guest powered off would wait for ever. */
	if (r1 == -EKEYREJECTED)
		r2 = vmm_run_once(&v);
	snprintf(why, len, "setup %s, KVM_RUN %s then %s, output %zu bytes", err_name(set),
		 res(r1), res(r2), v.out_len);
	vmm_destroy(&v);
	return !set && r1 == -EKEYREJECTED && r2 == -EKEYREJECTED && !v.out_len && !v.runs;
}

/* "ID MIN" is a line of the debugfs list of manifest keys. */
static bool key_min_is(unsigned int id, unsigned long long min)
{
	char line[64], want[64];
	bool found = false;
	FILE *f = fopen(KEYS_FILE, "r");

	if (!f)
		return false;
	snprintf(want, sizeof(want), "%u %llu\n", id, min);
	while (fgets(line, sizeof(line), f))
		found |= !strcmp(line, want);
	fclose(f);
	return found;
}

static const struct image_at set_a[] = { { &hello, LOAD_ADDR }, { &blob_a, DATA_ADDR } };

static void test_owners_set_boots(void)
{
	char why[128];

	check(boots(&m_a, set_a, 2, why, sizeof(why)),
	      "the owner's manifest: its two images verify and the guest runs", "%s", why);
}

static void test_sets_that_are_not_the_owners(void)
{
	const struct image_at mixed[] = { { &hello, LOAD_ADDR }, { &blob_b, DATA_ADDR } };
	const struct image_at omitted[] = { { &hello, LOAD_ADDR } };
	const struct image_at added[] = {
		{ &hello, LOAD_ADDR }, { &blob_a, DATA_ADDR }, { &blob_b, DATA2_ADDR } };
	const struct image_at moved[] = { { &hello, LOAD_ADDR }, { &blob_a, DATA2_ADDR } };
	const struct image_at reordered[] = { { &blob_a, DATA_ADDR }, { &hello, LOAD_ADDR } };
	char why[128];

	check(rejected(&m_a, mixed, 2, why, sizeof(why)),
	      "images mixed from two signed sets (release B's data under release A's manifest): rejected",
	      "%s", why);
	check(boots(&m_b, mixed, 2, why, sizeof(why)),
	      "the same images under release B's own manifest: run", "%s", why);
	check(rejected(&m_a, omitted, 1, why, sizeof(why)), "one image omitted: rejected",
	      "%s", why);
	check(rejected(&m_a, added, 3, why, sizeof(why)), "one image added: rejected", "%s", why);
	check(rejected(&m_a, moved, 2, why, sizeof(why)),
	      "one image moved to another address: rejected", "%s", why);
	check(rejected(&m_a, reordered, 2, why, sizeof(why)),
	      "the images declared in another order: rejected", "%s", why);
	check(rejected(&m_forged, set_a, 2, why, sizeof(why)),
	      "a manifest naming key 1 but signed with the image key: rejected", "%s", why);
}

/* The key that signs manifests signs no single image. */
static void test_manifest_key_signs_no_image(void)
{
	struct vmm v;
	int idx, ret;

	new_vm(&v, VMM_BOOTOPS);
	vmm_load(&v, LOAD_ADDR, hello.data, hello.size);
	idx = vmm_declare(&v, LOAD_ADDR, hello.size, sig_m1.data);
	ret = run(&v, LOAD_ADDR);
	check(idx == 0 && ret == -EKEYREJECTED && !v.out_len,
	      "hello.bin signed on its own by manifest key 1, no manifest: rejected",
	      "declare %s, run %s", err_name(idx), res(ret));
	vmm_destroy(&v);
}

static void test_set_manifest_refusals(void)
{
	struct kvm_arm_bootops_manifest arg;
	uint8_t junk[512];
	struct vmm v;
	int r[8], i, ret;

	new_vm(&v, VMM_BOOTOPS);
	memset(&arg, 0, sizeof(arg));
	arg.addr = (uintptr_t)m_a.data;
	arg.size = m_a.size;
	arg.flags = 1;
	r[0] = ioctl(v.vm, KVM_ARM_BOOTOPS_SET_MANIFEST, &arg) ? -errno : 0;
	arg.flags = 0;
	arg.reserved = 1;
	r[1] = ioctl(v.vm, KVM_ARM_BOOTOPS_SET_MANIFEST, &arg) ? -errno : 0;
	r[2] = vmm_set_manifest(&v, m_a.data, 63);
	r[3] = vmm_set_manifest(&v, m_a.data, 4097);
	r[4] = vmm_set_manifest(&v, (void *)8, m_a.size);
	memset(junk, 0x5a, sizeof(junk));
	r[5] = vmm_set_manifest(&v, junk, sizeof(junk));
	r[6] = vmm_set_manifest(&v, m_nokey.data, m_nokey.size);
	/* After all of that, nothing is set: the good one is taken, once. */
	r[7] = vmm_set_manifest(&v, m_a.data, m_a.size);
	ret = vmm_set_manifest(&v, m_a.data, m_a.size);
	check(r[0] == -EINVAL && r[1] == -EINVAL && r[2] == -EINVAL && r[3] == -EINVAL &&
	      r[4] == -EFAULT && r[5] == -EINVAL && r[6] == -ENOKEY && !r[7] && ret == -EEXIST,
	      "SET_MANIFEST: flags, reserved, sizes, address, junk, unknown key refused; then once only",
	      "%s %s %s %s %s %s %s, then %s, again %s", err_name(r[0]), err_name(r[1]),
	      err_name(r[2]), err_name(r[3]), err_name(r[4]), err_name(r[5]), err_name(r[6]),
	      err_name(r[7]), err_name(ret));
	for (i = 0; i < 2; i++)
		put(&v, set_a[i].b, set_a[i].addr);
	ret = run(&v, LOAD_ADDR);
	r[0] = vmm_set_manifest(&v, m_b.data, m_b.size);
	check(ran_hello(&v, ret) && r[0] == -EBUSY,
	      "the refused calls changed nothing: the VM boots; SET_MANIFEST after the run: EBUSY",
	      "run %s, then %s", res(ret), err_name(r[0]));
	vmm_destroy(&v);

	new_vm(&v, VMM_PLAIN);
	ret = vmm_set_manifest(&v, m_a.data, m_a.size);
	check(ret == -EINVAL, "SET_MANIFEST on a plain VM: EINVAL", "%s", err_name(ret));
	vmm_destroy(&v);
}

static void test_rollback(void)
{
	char why[128];
	bool boot_min = key_min_is(1, 3) && key_min_is(2, 0);

	check(boot_min, "kvm-arm.bootops_secver=1:3: hyp's minima are key 1: 3, key 2: 0",
	      "see " KEYS_FILE);
	check(rejected(&m_old, set_a, 2, why, sizeof(why)),
	      "version 2 of key 1, below the boot minimum 3: rejected", "%s", why);
	check(boots(&m2_v4, set_a, 2, why, sizeof(why)) && key_min_is(2, 0),
	      "key 2, version 4 without raising: runs, minimum still 0", "%s", why);
	check(boots(&m2_v5r, set_a, 2, why, sizeof(why)) && key_min_is(2, 5),
	      "key 2, version 5 asking to raise the minimum: runs, minimum now 5", "%s", why);
	check(rejected(&m2_v4, set_a, 2, why, sizeof(why)) && key_min_is(2, 5),
	      "key 2, version 4 again: now rejected, and the minimum is not lowered", "%s", why);
	check(boots(&m2_v5, set_a, 2, why, sizeof(why)) && key_min_is(1, 3),
	      "key 2, version 5: runs; key 1's minimum untouched", "%s", why);
}

static void test_entry(void)
{
	struct vmm v;
	int set = setup(&v, VMM_BOOTOPS, &m_entry, set_a, 2), r1 = -1, r2 = -1;

	if (!set) {
		r1 = run(&v, LOAD_ADDR);
		vmm_set_pc(&v, LOAD_ADDR + 8);
		r2 = vmm_run_once(&v);
	}
	check(!set && r1 == -EPERM && r2 == -EPERM && !v.out_len,
	      "the manifest's entry is LOAD_ADDR+8: vCPU 0 started at LOAD_ADDR is refused for good",
	      "setup %s, KVM_RUN %s, at the entry then %s, output %zu bytes", err_name(set),
	      res(r1), res(r2), v.out_len);
	vmm_destroy(&v);
}

/* touch.bin writes fresh pages: with private memory required, only if donated. */
static int run_touch(unsigned int mode, char *out, size_t len)
{
	const struct image_at img[] = { { &touch, LOAD_ADDR } };
	struct vmm v;
	int ret = setup(&v, mode, &m_priv, img, 1);

	if (!ret)
		ret = vmm_vcpu_init(&v, LOAD_ADDR);
	if (!ret)
		ret = vmm_set_xreg(&v, 0, 8 | 1ULL << 32);
	if (!ret)
		ret = vmm_run(&v, RUN_TIMEOUT_MS);
	snprintf(out, len, "%.*s", (int)strcspn(v.out, "\n"), v.out);
	vmm_destroy(&v);
	return ret;
}

static void test_private_memory_required(void)
{
	char shared_out[64], private_out[64];
	int shared = run_touch(VMM_BOOTOPS, shared_out, sizeof(shared_out));
	int private = run_touch(VMM_BOOTOPS_PRIVATE, private_out, sizeof(private_out));

	check(shared < 0 && shared != -EKEYREJECTED && !*shared_out,
	      "a manifest requiring private memory: a VM that shares its memory fails at the first page",
	      "run %s, output \"%s\"", res(shared), shared_out);
	check(private == VMM_EXIT_SHUTDOWN && !strcmp(private_out, "touch ok"),
	      "... and the same guest in a private-memory VM runs", "run %s, output \"%s\"",
	      res(private), private_out);
}

/* The VM's load log (debugfs), whole, into buf. */
static void read_log(struct vmm *v, char *buf, size_t len)
{
	char path[128];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%d-%d/bootops_load_log",
		 getpid(), v->vm);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = 0;
}

/* "image IDX ADDR SIZE VERDICT" and, if want is set, the manifest's digest of IDX. */
static bool log_has_image(const char *log, const struct blob *m, int idx, uint64_t addr,
			  size_t size, const char *verdict, bool digest_is_manifests)
{
	const uint8_t *d = (const uint8_t *)m->data + 64 + 48 * idx + 16;
	char line[200], hex[65];
	int i;

	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
	snprintf(line, sizeof(line), "image %d 0x%llx %zu %s %s", idx, (unsigned long long)addr,
		 size, verdict, digest_is_manifests ? hex : "");
	return strstr(log, line) && (digest_is_manifests || !strstr(log, hex));
}

/* A VM with m and the images, run once; its load log in log.  KVM_RUN's result. */
static int run_and_log(const struct blob *m, const struct image_at *img, int n, char *log,
		       size_t len, struct vmm *v)
{
	int ret = setup(v, VMM_BOOTOPS, m, img, n);

	if (!ret)
		ret = run(v, LOAD_ADDR);
	read_log(v, log, len);
	return ret;
}

/* What hyp checked, as the host reads it: verdicts, digests, the reason. */
static void test_load_log(void)
{
	const struct image_at mixed[] = { { &hello, LOAD_ADDR }, { &blob_b, DATA_ADDR } };
	const struct image_at omitted[] = { { &hello, LOAD_ADDR } };
	char log[2048];
	struct vmm v;
	int ret;

	ret = run_and_log(&m_a, set_a, 2, log, sizeof(log), &v);
	check(ran_hello(&v, ret) && strstr(log, "state verified\n") &&
	      strstr(log, "manifest key 1 secver 3\n") && strstr(log, "why none\n") &&
	      log_has_image(log, &m_a, 0, LOAD_ADDR, hello.size, "verified", true) &&
	      log_has_image(log, &m_a, 1, DATA_ADDR, blob_a.size, "verified", true),
	      "load log of the owner's set: key 1, version 3, both images verified with the manifest's digests",
	      "run %s; log \"%.300s\"", res(ret), log);
	vmm_destroy(&v);

	ret = run_and_log(&m_a, mixed, 2, log, sizeof(log), &v);
	check(ret == -EKEYREJECTED && strstr(log, "state rejected\n") &&
	      strstr(log, "why the digest is not the manifest's of image 1\n") &&
	      log_has_image(log, &m_a, 0, LOAD_ADDR, hello.size, "verified", true) &&
	      log_has_image(log, &m_a, 1, DATA_ADDR, blob_b.size, "rejected", false),
	      "load log of a mixed set: image 1 rejected, its digest not the manifest's, and why",
	      "run %s; log \"%.300s\"", res(ret), log);
	vmm_destroy(&v);

	ret = run_and_log(&m_a, omitted, 1, log, sizeof(log), &v);
	check(ret == -EKEYREJECTED &&
	      strstr(log, "why the images declared are not the manifest's, from image 1\n") &&
	      strstr(log, "image 0 0x80000000") && strstr(log, " pending "),
	      "load log of a set with an image left out: not the manifest's set, nothing hashed",
	      "run %s; log \"%.300s\"", res(ret), log);
	vmm_destroy(&v);

	ret = run_and_log(&m_old, set_a, 2, log, sizeof(log), &v);
	check(ret == -EKEYREJECTED && strstr(log, "manifest key 1 secver 2\n") &&
	      strstr(log, "why the manifest's security version is below the key's minimum\n"),
	      "load log of a set below the rollback minimum: says so", "run %s; log \"%.300s\"",
	      res(ret), log);
	vmm_destroy(&v);
}

int main(int argc, char **argv)
{
	struct blob *const all[] = { &hello, &blob_a, &blob_b, &touch, &m_a, &m_b, &m_old,
				     &m_forged, &m_nokey, &m_entry, &m_priv, &m2_v5r, &m2_v4,
				     &m2_v5, &sig_m1 };

	if (argc > 1)
		dir = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	load_blobs_from(dir, all, sizeof(all) / sizeof(all[0]), MEM_SIZE);
	if (sig_m1.size != VMM_SIG_SIZE || blob_a.size != blob_b.size) {
		printf("Bail out! fixtures in %s do not match each other\n", dir);
		return 1;
	}
	kvm = open_kvm();
	test_owners_set_boots();
	test_sets_that_are_not_the_owners();
	test_manifest_key_signs_no_image();
	test_set_manifest_refusals();
	test_entry();
	test_private_memory_required();
	test_load_log();
	test_rollback();
	close(kvm);
	printf("1..%d\n", tests_run);
	printf("# bootops_manifest: %d/%d passed\n", tests_run - tests_failed, tests_run);
	return tests_failed ? 1 : 0;
}
