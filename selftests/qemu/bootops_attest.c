// SPDX-License-Identifier: GPL-2.0-only
/*
 * bootops_attest: attestation on the running kernel.  Verified guests
 * (tools/bootops-vmm/guest/attest.S) ask hyp for their report through the
 * real guest call, over HVC and SMC; this test checks what hyp answered
 * and passes each report, its nonce and hyp's public key on as TAP
 * comments, for the owner's tool to verify off this machine, as a remote
 * verifier would (scripts/kernel-selftests.sh, bootops-sign verify-report).
 * TAP 13.
 *
 * One test acts as a hostile host: through KVM's SMCCC filter it sees
 * each step of a guest's call, stops running that vCPU in the middle of
 * its signature, and checks another VM still gets its report.
 *
 * Fixtures (scripts/build-vmm.sh, in /tests/vmm): attest.bin, signed one
 * image at a time (attest.sig), and in two manifests of key 1, version 3:
 *   m-att.man    attest.bin at LOAD_ADDR, entry LOAD_ADDR
 *   m-att2.man   attest.bin at LOAD_ADDR and blob-a.bin at DATA_ADDR
 *
 * What the verifier reads (one line per chunk, a console line may break):
 *   # attest NAME KIND I/N HEX     KIND: key, nonce, report
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bootops/attest.h>

#include "tap.h"
#include "vmm.h"

#ifndef LOAD_ADDR
#define LOAD_ADDR	0x80000000ULL	/* keep in sync with scripts/build-vmm.sh */
#endif
#ifndef DATA_ADDR
#define DATA_ADDR	0x80100000ULL
#endif
#define RAM_PAGE	0x80180000ULL	/* guest RAM outside every image */
#define MEM_BASE	0x80000000ULL
#define MEM_SIZE	(2ULL << 20)
#define RUN_TIMEOUT_MS	60000		/* signing at EL2 under TCG */
#define KEY_FILE	"/sys/kernel/debug/kvm-bootops-attest/key"
#define CHUNK		96
#define SMCCC_INVALID	"fffffffffffffffd"	/* -3, as the guest prints it */
#define SMCCC_NOT_SUPP	"ffffffffffffffff"	/* -1 */

static const char *dir = "/tests/vmm";
static struct blob attest = { .name = "attest.bin" }, attest_sig = { .name = "attest.sig" },
		   blob_a = { .name = "blob-a.bin" }, m_att = { .name = "m-att.man" },
		   m_att2 = { .name = "m-att2.man" };
static const uint8_t no_sig[VMM_SIG_SIZE];
static int kvm = -1;

/* What the guest printed. */
struct answer {
	char bad[3][17];
	char nonce[2 * 64 + 1];
	char ret[17], smc_ret[17];
	unsigned long long len, smc_len;
	char report[2 * 4096 + 1], smc_report[2 * 4096 + 1];
};

static bool field(const char *out, const char *tag, char *dst, size_t max)
{
	const char *p = strstr(out, tag), *end;

	if (!p)
		return false;
	p += strlen(tag);
	end = strchr(p, '\n');
	if (!end || (size_t)(end - p) >= max)
		return false;
	memcpy(dst, p, end - p);
	dst[end - p] = 0;
	return true;
}

static bool parse(const char *out, struct answer *a)
{
	char line[80];

	memset(a, 0, sizeof(*a));
	return field(out, "attest-bad ", line, sizeof(line)) &&
	       sscanf(line, "%16s %16s %16s", a->bad[0], a->bad[1], a->bad[2]) == 3 &&
	       field(out, "attest-nonce ", a->nonce, sizeof(a->nonce)) &&
	       field(out, "attest-ret ", line, sizeof(line)) &&
	       sscanf(line, "%16s %llx", a->ret, &a->len) == 2 &&
	       field(out, "attest-smc-ret ", line, sizeof(line)) &&
	       sscanf(line, "%16s %llx", a->smc_ret, &a->smc_len) == 2 &&
	       (strcmp(a->ret, "0000000000000000") ||
		field(out, "attest-report ", a->report, sizeof(a->report))) &&
	       (strcmp(a->smc_ret, "0000000000000000") ||
		field(out, "attest-smc-report ", a->smc_report, sizeof(a->smc_report)));
}

/* hex as "# attest NAME KIND I/N CHUNK" lines. */
static void emit(const char *name, const char *kind, const char *hex)
{
	size_t len = strlen(hex), n = (len + CHUNK - 1) / CHUNK, i;

	for (i = 0; i < n; i++) {
		printf("# attest %s %s %zu/%zu %.*s\n", name, kind, i + 1, n, CHUNK,
		       hex + i * CHUNK);
		fflush(stdout);
	}
}

static int min_int(int a, int b)
{
	return a < b ? a : b;
}

struct image_at {
	const struct blob *b;
	uint64_t addr;
	const uint8_t *sig;
};

/* attest.bin with x0 = page in a VM of mode with manifest m (or none): 0 or -errno. */
static int setup_guest(struct vmm *v, unsigned int mode, const struct blob *m,
		       const struct image_at *img, int n, uint64_t page)
{
	int ret = vmm_create(v, kvm, mode, MEM_BASE, MEM_SIZE), i;

	if (!ret && m)
		ret = vmm_set_manifest(v, m->data, m->size);
	for (i = 0; !ret && i < n; i++) {
		ret = vmm_load(v, img[i].addr, img[i].b->data, img[i].b->size);
		/* declare gives the image's index */
		if (!ret && mode != VMM_PLAIN)
			ret = min_int(vmm_declare(v, img[i].addr, img[i].b->size, img[i].sig), 0);
	}
	if (!ret)
		ret = vmm_vcpu_init(v, LOAD_ADDR);
	if (!ret)
		ret = vmm_set_xreg(v, 0, page);
	return ret;
}

/* How the run (vmm_run's ret) ended, and what the guest said: 0 if it shut down and answered. */
static int finish_guest(struct vmm *v, int ret, struct answer *a, char *why, size_t len)
{
	snprintf(why, len, "run %.100s, output %zu bytes",
		 ret == VMM_EXIT_SHUTDOWN ? "SHUTDOWN" : ret < 0 ? vmm_errname(ret) :
		 ret == VMM_EXIT_TIMEOUT ? "timeout" : v->why, v->out_len);
	ret = ret == VMM_EXIT_SHUTDOWN && parse(v->out, a) ? 0 : -1;
	vmm_destroy(v);
	return ret;
}

static int run_guest(unsigned int mode, const struct blob *m, const struct image_at *img,
		     int n, uint64_t page, struct answer *a, char *why, size_t len)
{
	struct vmm v;
	int ret = setup_guest(&v, mode, m, img, n, page);

	memset(a, 0, sizeof(*a));
	if (!ret)
		ret = vmm_run(&v, RUN_TIMEOUT_MS);
	return finish_guest(&v, ret, a, why, len);
}

static bool is_hex(const char *s, size_t len)
{
	return strlen(s) == len && strspn(s, "0123456789abcdef") == len;
}

static void test_key(void)
{
	char key[256] = "";
	FILE *f = fopen(KEY_FILE, "r");
	bool ok = f && fgets(key, sizeof(key), f);

	if (f)
		fclose(f);
	key[strcspn(key, "\n")] = 0;
	ok = ok && is_hex(key, 130) && !strncmp(key, "04", 2);
	check(ok, "hyp's attestation key is in debugfs: an uncompressed P-256 point",
	      "%s: %.20s...", KEY_FILE, key);
	if (ok)
		emit("hyp", "key", key);
}

/* A verified guest's calls: the refusals, the report, and the same over SMC. */
static void check_answer(const char *name, int ret, const struct answer *a, const char *why)
{
	char t[128];
	bool ok = !ret && !strcmp(a->ret, "0000000000000000") && a->len > 0 &&
		  a->len <= 4096 && strlen(a->report) == 2 * a->len;

	snprintf(t, sizeof(t), "%s: hyp answers the call with a report over HVC", name);
	check(ok, t, "%s; x0 %s, length %llu", why, a->ret, a->len);
	snprintf(t, sizeof(t), "%s: the report holds the guest's nonce", name);
	check(ok && is_hex(a->nonce, 128) && strstr(a->report, a->nonce), t, "nonce %.16s...",
	      a->nonce);
	snprintf(t, sizeof(t), "%s: over SMC the same nonce gives the same report", name);
	check(ok && !strcmp(a->smc_ret, "0000000000000000") && !strcmp(a->smc_report, a->report),
	      t, "x0 %s, length %llu", a->smc_ret, a->smc_len);
	if (ok) {
		emit(name, "nonce", a->nonce);
		emit(name, "report", a->report);
	}
}

static const struct image_at att_m[] = { { &attest, LOAD_ADDR, no_sig } };
static const struct image_at att2_m[] = { { &attest, LOAD_ADDR, no_sig },
					  { &blob_a, DATA_ADDR, no_sig } };

static void test_manifest_vm(void)
{
	struct answer a;
	char why[128];
	int ret = run_guest(VMM_BOOTOPS, &m_att, att_m, 1, 0, &a, why, sizeof(why));
	int i, bad = 0;

	for (i = 0; i < 3; i++)
		bad += !strcmp(a.bad[i], SMCCC_INVALID);
	check(!ret && bad == 3,
	      "an unaligned page, the UART's, a hole: INVALID_PARAMETER from hyp",
	      "%s; x0 %s %s %s", why, a.bad[0], a.bad[1], a.bad[2]);
	check_answer("manifest", ret, &a, why);
}

static void test_other_manifest_vm(void)
{
	struct answer a;
	char why[128];
	int ret = run_guest(VMM_BOOTOPS, &m_att2, att2_m, 2, 0, &a, why, sizeof(why));

	check_answer("other-manifest", ret, &a, why);
}

static void test_per_image_vm(void)
{
	const struct image_at img[] = { { &attest, LOAD_ADDR, attest_sig.data } };
	struct answer a;
	char why[128];
	int ret = run_guest(VMM_BOOTOPS, NULL, img, 1, 0, &a, why, sizeof(why));

	check_answer("per-image", ret, &a, why);
}

/* The report's page may be any RAM of the VM: shared, or private. */
static void test_ram_pages(void)
{
	static const unsigned int modes[] = { VMM_BOOTOPS, VMM_BOOTOPS_PRIVATE };
	static const char *const names[] = { "shared", "private" };
	struct answer a;
	char why[128], t[96];
	int i, ret;

	for (i = 0; i < 2; i++) {
		ret = run_guest(modes[i], &m_att, att_m, 1, RAM_PAGE, &a, why, sizeof(why));
		snprintf(t, sizeof(t), "a report into a page of %s guest RAM", names[i]);
		check(!ret && !strcmp(a.ret, "0000000000000000") && a.len > 0 &&
		      strstr(a.report, a.nonce), t, "%s; x0 %s, length %llu", why, a.ret, a.len);
	}
}

/* KVM's SMCCC filter: the VM's attestation calls exit to this VMM. */
static int forward_attest_calls(struct vmm *v)
{
	struct kvm_smccc_filter f = { .base = BOOTOPS_ATTEST_FN, .nr_functions = 1,
				      .action = KVM_SMCCC_FILTER_FWD_TO_USER };
	struct kvm_device_attr attr = { .group = KVM_ARM_VM_SMCCC_CTRL,
					.attr = KVM_ARM_VM_SMCCC_FILTER,
					.addr = (uint64_t)(uintptr_t)&f };

	return ioctl(v->vm, KVM_SET_DEVICE_ATTR, &attr) ? -errno : 0;
}

/* Runs v to the end, going on after each attestation call it saw; vmm_run's result. */
static int run_past_calls(struct vmm *v, int *calls)
{
	int ret;

	for (;;) {
		ret = vmm_run(v, RUN_TIMEOUT_MS);
		if (ret != VMM_EXIT_UNHANDLED || v->run->exit_reason != KVM_EXIT_HYPERCALL ||
		    v->run->hypercall.nr != BOOTOPS_ATTEST_FN)
			return ret;
		++*calls;
		if (*calls == 4)	/* the 3 refused, then the first step of the report */
			return VMM_EXIT_UNHANDLED;
	}
}

/*
 * A hostile host stops running a vCPU in the middle of its signature
 * (after the first step of its call, seen through KVM's SMCCC filter):
 * another VM's guest still gets its report (hyp drops the stalled one
 * after eight of its calls), and the first, run again, gets its own.
 */
static void test_stalled_signature(void)
{
	struct answer a, b;
	char why_a[128], why_b[128];
	struct vmm va;
	int calls = 0, ret;

	memset(&a, 0, sizeof(a));
	ret = setup_guest(&va, VMM_BOOTOPS, &m_att, att_m, 1, 0);
	if (!ret)
		ret = forward_attest_calls(&va);
	if (!ret)
		ret = run_past_calls(&va, &calls);
	snprintf(why_a, sizeof(why_a), "%s", ret < 0 ? vmm_errname(ret) : "");
	ret = ret == VMM_EXIT_UNHANDLED && calls == 4 ? 0 : -1;
	check(!ret, "a hostile host stops a vCPU after the first step of its signature",
	      "%s; %d calls seen", why_a, calls);
	ret = run_guest(VMM_BOOTOPS, &m_att, att_m, 1, 0, &b, why_b, sizeof(why_b));
	check(!ret && !strcmp(b.ret, "0000000000000000") && strstr(b.report, b.nonce),
	      "... another VM's guest still gets its report", "%s; x0 %s", why_b, b.ret);
	ret = run_past_calls(&va, &calls);
	ret = finish_guest(&va, ret, &a, why_a, sizeof(why_a));
	check(!ret && !strcmp(a.ret, "0000000000000000") && strstr(a.report, a.nonce) &&
	      !strcmp(a.smc_report, a.report) && strcmp(a.report, b.report),
	      "... and the stopped one, run again, gets its own", "%s; x0 %s", why_a, a.ret);
}

/* Only hyp answers the call: for a VM it does not run, KVM knows no such call. */
static void test_plain_vm(void)
{
	const struct image_at img[] = { { &attest, LOAD_ADDR, NULL } };
	struct answer a;
	char why[128];
	int ret = run_guest(VMM_PLAIN, NULL, img, 1, 0, &a, why, sizeof(why));

	check(!ret && !strcmp(a.ret, SMCCC_NOT_SUPP) && !strcmp(a.smc_ret, SMCCC_NOT_SUPP) &&
	      !strcmp(a.bad[0], SMCCC_NOT_SUPP), "a plain VM's call: NOT_SUPPORTED, no report",
	      "%s; x0 %s, over SMC %s", why, a.ret, a.smc_ret);
}

int main(int argc, char **argv)
{
	struct blob *const all[] = { &attest, &attest_sig, &blob_a, &m_att, &m_att2 };

	if (argc > 1)
		dir = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	load_blobs_from(dir, all, sizeof(all) / sizeof(all[0]), MEM_SIZE);
	if (attest_sig.size != VMM_SIG_SIZE) {
		printf("Bail out! %s/attest.sig is not a signature\n", dir);
		return 1;
	}
	kvm = open_kvm();
	test_key();
	test_manifest_vm();
	test_other_manifest_vm();
	test_per_image_vm();
	test_ram_pages();
	test_stalled_signature();
	test_plain_vm();
	close(kvm);
	printf("1..%d\n", tests_run);
	printf("# bootops_attest: %d/%d passed\n", tests_run - tests_failed, tests_run);
	return tests_failed ? 1 : 0;
}
