// SPDX-License-Identifier: GPL-2.0-only
/*
 * Real-threads test of attestation: two vCPUs of each of two verified
 * VMs, each on its own simulated CPU, ask for reports at once, each with
 * nonces of its own into a page of its own, while a fifth CPU shares and
 * unshares a page of the first VM's RAM that its vCPUs also ask for
 * reports into.  Every report must carry its caller's nonce and a
 * signature over exactly its own payload (crypto_fast.c's stand-in
 * signer).  Without attest_lock the two VMs encode into hyp's one payload
 * buffer at once and a report carries another's nonce or a signature of
 * another payload; without the VM's lock a lookup of the shared page
 * races with its (un)mapping, which ThreadSanitizer reports.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#include <mbedtls/sha256.h>

#include <bootops/attest.h>
#include <bootops/bootops.h>
#include <bootops/crypto.h>
#include <bootops/platform.h>
#include <bootops/state.h>

#include "crypto_fast.h"
#include "model.h"
#include "refine.h"
#include "sim.h"

#define A_VMS		2
#define A_VCPUS		2		/* per VM */
#define A_THREADS	(A_VMS * A_VCPUS)
#define A_IPA		0x80000000ULL
#define A_RAM_IPA	0x80100000ULL
#define PG		BOOTOPS_PAGE_SIZE
/* VM v's image: its vCPU n's page. */
#define A_IMG_PFN(v, n)	(SIM_RAM_PFN + (v) * A_VCPUS + (n))
#define A_RAM_PFN	(SIM_RAM_PFN + 16)

struct attest_worker {
	pthread_t thread;
	u32 cpu, vm, vcpu;
	u64 rounds, reports, shared, bad;
	u64 vmid;
};

static bool report_ok(const u8 *r, u64 len, const u8 nonce[BOOTOPS_ATTEST_NONCE_SIZE])
{
	static const u8 head[] = { 0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26, 0xa0 };
	static const u8 tbs[] = { 0x84, 0x6a, 'S', 'i', 'g', 'n', 'a', 't', 'u', 'r', 'e', '1',
				  0x43, 0xa1, 0x01, 0x26, 0x40 };
	u8 hash[32], sig[64];
	mbedtls_sha256_context sha;
	u64 n, at, i;
	bool has_nonce = false;

	if (len < sizeof(head) + 3 || memcmp(r, head, sizeof(head)) || r[7] < 0x58 || r[7] > 0x59)
		return false;
	at = r[7] == 0x58 ? 9 : 10;
	n = r[7] == 0x58 ? r[8] : (u64)r[8] << 8 | r[9];
	if (at + n + 2 + 64 != len || r[at + n] != 0x58 || r[at + n + 1] != 64)
		return false;
	for (i = 0; i + 2 + BOOTOPS_ATTEST_NONCE_SIZE <= n && !has_nonce; i++)
		has_nonce = r[at + i] == 0x58 && r[at + i + 1] == BOOTOPS_ATTEST_NONCE_SIZE &&
			    !memcmp(r + at + i + 2, nonce, BOOTOPS_ATTEST_NONCE_SIZE);
	mbedtls_sha256_init(&sha);
	mbedtls_sha256_starts_ret(&sha, 0);
	mbedtls_sha256_update_ret(&sha, tbs, sizeof(tbs));
	mbedtls_sha256_update_ret(&sha, r + 7, at - 7);	/* the payload's bstr head */
	mbedtls_sha256_update_ret(&sha, r + at, n);
	mbedtls_sha256_finish_ret(&sha, hash);
	mbedtls_sha256_free(&sha);
	crypto_fast_sign(CRYPTO_FAST_ATTEST_KEY, hash, sig);
	return has_nonce && !memcmp(sig, r + at + n + 2, 64);
}

/* One report into the page at ipa (pfn when mapped); false if it is wrong. */
static bool attest_once(struct attest_worker *w, u64 ipa, u64 pfn, u64 i, bool may_miss)
{
	u8 nonce[BOOTOPS_ATTEST_NONCE_SIZE], *page = sim_page_bytes(pfn);
	u64 len, k;
	int ret;

	for (k = 0; k < sizeof(nonce); k++)
		nonce[k] = (u8)(w->cpu * 31 + i * 7 + k);
	/* A shared page may be the VM's or not: the guest's write may miss. */
	if (!may_miss)
		memcpy(page, nonce, sizeof(nonce));
	ret = bootops_attest(w->vmid, w->vcpu, ipa, &len);
	if (may_miss)
		return ret == 0 || ret == -EINVAL;
	w->reports++;
	return !ret && report_ok(page, len, nonce);
}

static void *attester(void *arg)
{
	struct attest_worker *w = arg;
	u64 i;

	sim_set_cpu(w->cpu);
	if (bootops_set_vcpu_active(w->vmid, w->vcpu)) {
		w->bad++;
		return NULL;
	}
	for (i = 0; i < w->rounds; i++) {
		if (!attest_once(w, A_IPA + w->vcpu * PG, A_IMG_PFN(w->vm, w->vcpu), i, false))
			w->bad++;
		if (!w->vm && !attest_once(w, A_RAM_IPA, A_RAM_PFN, i, true))
			w->bad++;
	}
	if (bootops_set_vcpu_inactive(w->vmid, w->vcpu))
		w->bad++;
	return NULL;
}

/*
 * Shares the page, takes it back and writes it as the host: once it is
 * the host's again, no report may land in it (hyp looked the page up and
 * wrote it under the VM's lock, which the unshare takes).
 */
static void *sharer(void *arg)
{
	struct attest_worker *w = arg;
	u8 mark[256], back[256];
	u64 i;
	int k;

	sim_set_cpu(w->cpu);
	for (i = 0; i < w->rounds; i++) {
		if (bootops_share_guest_page(w->vmid, A_RAM_IPA, A_RAM_PFN))
			w->bad++;
		/* Long enough for the vCPUs to find it mapped. */
		for (k = 0; k < 4; k++)
			sched_yield();
		if (bootops_unshare_guest_page(w->vmid, A_RAM_IPA))
			w->bad++;
		memset(mark, 0xc0 | (i & 0x3f), sizeof(mark));
		sim_host_write(A_RAM_PFN, 0, mark, sizeof(mark));
		for (k = 0; k < 4; k++)
			sched_yield();
		sim_host_read(A_RAM_PFN, 0, back, sizeof(back));
		if (memcmp(mark, back, sizeof(mark)))
			w->bad++;
		w->shared++;
	}
	return NULL;
}

/* Verified VM v with A_VCPUS vCPUs and one image of A_VCPUS pages; its vmid or 0. */
static u64 attest_vm(u32 v)
{
	u8 bytes[A_VCPUS * PG], sig[BOOTOPS_SIG_SIZE];
	int vmid, idx, ret;
	u64 k;

	for (k = 0; k < sizeof(bytes); k++)
		bytes[k] = (u8)(k * 13 + v);
	for (k = 0; k < A_VCPUS; k++)
		sim_host_write(A_IMG_PFN(v, k), 0, bytes + k * PG, PG);
	m_sign_image(A_IPA, sizeof(bytes), bytes, sig);
	vmid = bootops_register_kvm(0x1000, sim_vm_memory());
	if (vmid <= 0)
		return 0;
	for (k = 0; k < A_VCPUS; k++)
		if (bootops_register_vcpu(vmid, k, 0x2000 + k))
			return 0;
	idx = bootops_set_boot_info(vmid, A_IPA, sizeof(bytes), sig);
	for (k = 0; idx >= 0 && k < A_VCPUS; k++)
		if (bootops_remap_vm_image(vmid, A_IMG_PFN(v, k), idx))
			return 0;
	do
		ret = bootops_verify_and_load_images(vmid);
	while (ret == BOOTOPS_CONTINUE);
	return !ret && bootops_get_vm_state(vmid) == BOOTOPS_VM_VERIFIED ? (u64)vmid : 0;
}

int stress_attest_run(u64 rounds)
{
	u8 seed[BOOTOPS_ATTEST_SEED_SIZE] = { 1 };
	struct attest_worker w[A_THREADS + 1];
	u64 vmid[A_VMS], bad = 0, reports = 0;
	u32 i;

	sim_reset();
	for (i = 0; i < A_VMS; i++)
		vmid[i] = attest_vm(i);
	if (bootops_crypto_attest_init(seed) || !vmid[0] || !vmid[1]) {
		printf("stress-attest: could not set up the verified VMs\n");
		printf("stress-attest: 0 passed, 1 failed\n");
		return 1;
	}
	for (i = 0; i <= A_THREADS; i++) {
		/* The last thread, the sharer, works on the first VM. */
		w[i] = (struct attest_worker){ .cpu = i, .vm = i < A_THREADS ? i / A_VCPUS : 0,
					       .vcpu = i % A_VCPUS, .rounds = rounds };
		w[i].vmid = vmid[w[i].vm];
		pthread_create(&w[i].thread, NULL, i < A_THREADS ? attester : sharer, &w[i]);
	}
	for (i = 0; i <= A_THREADS; i++) {
		pthread_join(w[i].thread, NULL);
		bad += w[i].bad;
		reports += w[i].reports;
	}
	bad += sim_check_invariants() != 0;
	printf("stress-attest: %u VMs of %u vCPUs, %llu reports, %llu shares: %llu violations\n",
	       A_VMS, A_VCPUS, (unsigned long long)reports, (unsigned long long)w[A_THREADS].shared,
	       (unsigned long long)bad);
	printf("stress-attest: %d passed, %d failed\n", !bad, !!bad);
	return bad ? 1 : 0;
}
