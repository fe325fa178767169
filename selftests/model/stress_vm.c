// SPDX-License-Identifier: GPL-2.0-only
/*
 * One VM from four CPUs at once: every boot op, in the order a VMM makes
 * them, with each step raced by all four threads (each its own simulated
 * CPU).  A round registers the VM, declares and lends its images, maps
 * MMIO and SMMU pages, verifies, shares and donates memory, runs vCPUs and
 * tears the VM down; between steps the threads meet at a spinning barrier,
 * so that they enter the next step within nanoseconds of each other.
 *
 * Each step has a contested part (all threads ask for the same thing; one
 * must win, the others get the documented errno) and a part of each
 * thread's own (all must succeed).  Three more VMs, one per other thread,
 * race for the remap area and for an SMMU bank the host maps its pages in.
 * After each step thread 0 checks that hyp's records say exactly what the
 * callers were told; after teardown, that every page is the host's again
 * and nothing leaked.  A lock missing
 * from a boot op shows up as two winners, a lost record, a sim platform
 * check ("remap slot reused", "unmap of an unmapped ipa") or a leak.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include <bootops/bootops.h>
#include <bootops/manifest.h>
#include <bootops/platform.h>
#include <bootops/state.h>

#include "crypto_fast.h"
#include "model.h"
#include "refine.h"
#include "sim.h"

#define T		4			/* threads = CPUs */
#define PG		BOOTOPS_PAGE_SIZE
#define OWN_PAGES	3			/* each thread's image */
#define OWN_SIZE	(OWN_PAGES * PG - 123)	/* with an unsigned tail */
#define OWN_IPA(t)	(0x40000000ULL + (u64)(t) * 0x100000)
#define C_IPA		0x48000000ULL		/* the contested image */
#define C_PAGES		T			/* one page lent by each thread */
#define IO_IPA(t)	(0x09000000ULL + (u64)(t) * PG)
#define C_IO_IPA	0x09100000ULL
#define SMMU_IPA(t)	(0x50000000ULL + (u64)(t) * PG)
#define C_SMMU_IPA	0x50100000ULL
#define MEM_IPA(t, j)	(0x60000000ULL + (u64)(t) * 0x10000 + (u64)(j) * PG)
#define C_MEM_IPA	0x6f000000ULL
#define FAULTS		50			/* host faults noted per thread */
#define RUNS		400			/* vCPU entries per thread */
#define KVM(t)		(0x1000ULL + (u64)(t))
#define SPARE_PAGES	8			/* spare VMs' images */

/* Host pages: each thread's own, at fixed places in the simulated RAM. */
enum { P_IMG, P_CIMG = P_IMG + OWN_PAGES, P_SMMU, P_CSMMU, P_SHARE, P_DONATE = P_SHARE + 2,
       P_CMEM, P_DMA, P_MAN = P_DMA + 2, P_NR };
#define PFN(t, i)	(SIM_RAM_PFN + 16 + (u64)(t) * P_NR + (u64)(i))

static struct {
	int arrived, gen;
	u64 vmid;
	u8 own_sig[T][BOOTOPS_SIG_SIZE], c_sig[BOOTOPS_SIG_SIZE];
	int ret[T][8];			/* per-step results, for thread 0's checks */
	int c_idx;			/* the contested image's index */
	int violations;
	char first[256];
	u64 rounds;
} g;

static void violation(const char *fmt, ...)
{
	va_list ap;

	if (__atomic_fetch_add(&g.violations, 1, __ATOMIC_SEQ_CST))
		return;
	va_start(ap, fmt);
	vsnprintf(g.first, sizeof(g.first), fmt, ap);
	va_end(ap);
}

/* Spins (yielding) until all T threads arrive: releases them together. */
static void barrier(void)
{
	int gen = __atomic_load_n(&g.gen, __ATOMIC_ACQUIRE);

	if (__atomic_add_fetch(&g.arrived, 1, __ATOMIC_ACQ_REL) == T) {
		__atomic_store_n(&g.arrived, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&g.gen, gen + 1, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&g.gen, __ATOMIC_ACQUIRE) == gen)
		sched_yield();
}

static int loop(int (*op)(u64), u64 vmid)
{
	int ret;

	do
		ret = op(vmid);
	while (ret == BOOTOPS_CONTINUE);
	return ret;
}

/* Exactly one thread got 0 for step s, the others want. */
static void one_winner(int s, int want, const char *what)
{
	int t, wins = 0;

	for (t = 0; t < T; t++) {
		if (!g.ret[t][s])
			wins++;
		else if (g.ret[t][s] != want)
			violation("%s: cpu%d got %d, not %d", what, t, g.ret[t][s], want);
	}
	if (wins != 1)
		violation("%s: %d winners", what, wins);
}

/* Thread t's own image. */
static void own_bytes(int t, u8 bytes[OWN_PAGES * PG])
{
	int k;

	for (k = 0; k < (int)(OWN_PAGES * PG); k++)
		bytes[k] = (u8)(k * 7 + t * 31 + k / PG);
}

static void put_le(u8 *p, u64 v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(v >> (8 * i));
}

/*
 * The owner's manifest of the images as declared (the contested one and
 * each thread's own, in the order the race put them), key 1, version t:
 * written to thread t's page, so each thread hands hyp its own.
 */
static void write_manifests(u64 v)
{
	u8 b[BOOTOPS_MANIFEST_SIZE(BOOTOPS_MAX_LOAD_INFO)], bytes[C_PAGES * PG], hash[32];
	u32 idx, nr = bootops_get_vm_next_load_idx(v);
	int t, o;

	memset(b, 0, sizeof(b));
	memcpy(b, BOOTOPS_MANIFEST_MAGIC, 8);
	put_le(b + BOOTOPS_MANIFEST_OFF_KEY_ID, 1, 4);
	put_le(b + BOOTOPS_MANIFEST_OFF_NR, nr, 4);
	for (idx = 0; idx < nr; idx++) {
		u8 *img = b + BOOTOPS_MANIFEST_HDR_SIZE + idx * BOOTOPS_MANIFEST_IMAGE_SIZE;
		u64 la = bootops_get_vm_load_addr(v, idx), size = bootops_get_vm_load_size(v, idx);

		memset(bytes, 0x5a, sizeof(bytes));
		for (o = 0; o < T; o++)
			if (la == OWN_IPA(o))
				own_bytes(o, bytes);
		put_le(img, la, 8);
		put_le(img + BOOTOPS_MANIFEST_IMG_OFF_SIZE, size, 8);
		mbedtls_sha256_ret(bytes, size, img + BOOTOPS_MANIFEST_IMG_OFF_DIGEST, 0);
	}
	for (t = 0; t < T; t++) {
		put_le(b + BOOTOPS_MANIFEST_OFF_SECVER, (u64)t, 8);
		mbedtls_sha256_ret(b, BOOTOPS_MANIFEST_SIGNED_SIZE(nr), hash, 0);
		crypto_fast_sign(1, hash, b + BOOTOPS_MANIFEST_SIGNED_SIZE(nr));
		memcpy(sim_page_bytes(PFN(t, P_MAN)), b, sizeof(b));
	}
}

/* Image bytes and signatures; the pages teardown must scrub, non-zero. */
static void fill_pages(void)
{
	u8 bytes[OWN_PAGES * PG], c[C_PAGES * PG];
	int t, k;

	memset(c, 0x5a, sizeof(c));
	m_sign_image(C_IPA, sizeof(c), c, g.c_sig);
	for (t = 0; t < T; t++) {
		own_bytes(t, bytes);
		m_sign_image(OWN_IPA(t), OWN_SIZE, bytes, g.own_sig[t]);
		for (k = 0; k < OWN_PAGES; k++)
			memcpy(sim_page_bytes(PFN(t, P_IMG + k)), bytes + k * PG, PG);
		memcpy(sim_page_bytes(PFN(t, P_CIMG)), c, PG);
		memset(sim_page_bytes(PFN(t, P_SMMU)), 0xee, PG);
		memset(sim_page_bytes(PFN(t, P_DONATE)), 0xdd, PG);
	}
}

/* The host's DMA in the shared SMMU bank: each step may find it taken. */
static void host_dma(int j)
{
	u64 iova = (u64)(j % 2) * PG, pfn = PFN(0, P_DMA + j % 2);
	int ret;

	if (j % 4 == 0) {
		ret = bootops_alloc_smmu(BOOTOPS_HOST_VMID, 7, 1);
		if (ret)
			violation("host alloc_smmu: %d", ret);
	}
	ret = bootops_map_smmu(BOOTOPS_HOST_VMID, 7, 1, iova, pfn * PG | BOOTOPS_PTE_S2_NORMAL);
	if (ret && ret != -EPERM && ret != -EEXIST)
		violation("host map_smmu: %d", ret);
	ret = bootops_clear_smmu(BOOTOPS_HOST_VMID, 7, 1, iova);
	if (ret && ret != -EPERM && ret != -ENOENT)
		violation("host clear_smmu: %d", ret);
	ret = bootops_map_smmu(BOOTOPS_HOST_VMID, 7, 1, iova, pfn * PG | BOOTOPS_PTE_S2_NORMAL);
	if (ret && ret != -EPERM && ret != -EEXIST)
		violation("host map_smmu: %d", ret);
}

/*
 * The spare VMs declare images at the same time: the remap area is shared
 * by all VMs, so their slots must not overlap; their teardowns, also at
 * the same time, must free every slot (checked at the end of the round).
 */
static void spare_images(int t, int vmid)
{
	static u64 first[T][2];
	u8 sig[BOOTOPS_SIG_SIZE] = { 0 };
	int i, j, a, b;

	for (j = 0; t && j < 2; j++) {
		int idx = bootops_set_boot_info((u64)vmid, 0x40000000ULL + (u64)j * 0x100000,
						SPARE_PAGES * PG, sig);

		if (idx < 0)
			violation("spare vm %d: set_boot_info %d", vmid, idx);
		first[t][j] = idx < 0 ? BOOTOPS_INVALID64 :
			      bootops_get_vm_remap_addr((u64)vmid, (u64)idx);
	}
	/*
	 * Three VMs take one SMMU bank from each other, over and over, while
	 * the host maps and unmaps its own pages in it whenever it holds it.
	 */
	for (j = 0; t && j < 8; j++) {
		int ret = bootops_alloc_smmu((u64)vmid, 7, 1);

		if (ret)
			violation("alloc_smmu of the shared bank by vm %d: %d", vmid, ret);
	}
	for (j = 0; !t && j < 16; j++)
		host_dma(j);
	barrier();
	/* cpu0's VM takes the bank last: the host's pins must all go. */
	if (!t && bootops_alloc_smmu((u64)vmid, 7, 1))
		violation("alloc_smmu of the shared bank by vm %d", vmid);
	if (!t && sim_check_invariants())
		violation("invariants broken after four VMs raced for a bank");
	for (i = 2; !t && i < 2 * T; i++)
		for (j = 2; j < i; j++) {
			a = (int)first[i / 2][i % 2];
			b = (int)first[j / 2][j % 2];
			if (a < b + SPARE_PAGES && b < a + SPARE_PAGES)
				violation("two VMs' images got remap slots %d and %d", a, b);
		}
	barrier();
}

static void check_remap_free(void)
{
	u64 w;

	for (w = 0; w < BOOTOPS_REMAP_WORDS; w++)
		if (bootops_state.remap_used[w])
			violation("remap slots %#llx of word %llu still used after teardown",
				  (unsigned long long)bootops_state.remap_used[w],
				  (unsigned long long)w);
}

/* Register: four VMs at once get four vmids; the test keeps cpu0's. */
static void step_register(int t)
{
	int vmid = bootops_register_kvm(KVM(t), sim_vm_memory());
	u64 vmids[T];
	int i, j;

	g.ret[t][0] = vmid;
	barrier();
	if (!t) {
		for (i = 0; i < T; i++) {
			vmids[i] = (u64)g.ret[i][0];
			if (g.ret[i][0] <= 0 || bootops_get_vm_kvm(vmids[i]) != KVM(i))
				violation("register_kvm on cpu%d: vmid %d", i, g.ret[i][0]);
			for (j = 0; j < i; j++)
				if (vmids[i] == vmids[j])
					violation("register_kvm gave vmid %llu twice",
						  (unsigned long long)vmids[i]);
		}
		g.vmid = vmids[0];
		/* A fresh record knows no platform VM; then pKVM's is attached. */
		if (bootops_plat_vm(g.vmid))
			violation("vm %llu registered with a platform VM",
				  (unsigned long long)g.vmid);
		bootops_attach_plat_vm(g.vmid, &g);
		if (bootops_plat_vm(g.vmid) != &g)
			violation("platform VM not attached to vm %llu",
				  (unsigned long long)g.vmid);
	}
	barrier();
	spare_images(t, vmid);
	if (t && vmid > 0 && loop(bootops_teardown_vm, (u64)vmid))
		violation("teardown of spare vm %d failed", vmid);
	/*
	 * While the spares die, each release reading every bank, the host
	 * takes a bank over and over; cpu0's VM ends up with it.
	 */
	for (i = 0; !t && i < 8; i++)
		if (bootops_alloc_smmu(BOOTOPS_HOST_VMID, 7, 0))
			violation("host alloc_smmu during teardowns");
	if (!t && bootops_alloc_smmu(g.vmid, 7, 0))
		violation("alloc_smmu of bank 0/7 by vm %llu", (unsigned long long)g.vmid);
	g.ret[t][1] = bootops_register_vcpu(g.vmid, 0, 0x2000);
	g.ret[t][2] = bootops_register_vcpu(g.vmid, (u64)t + 1, 0x2000 + (u64)t + 1);
	barrier();
	if (!t) {
		one_winner(1, -EEXIST, "register_vcpu 0");
		for (i = 0; i < T; i++)
			if (g.ret[i][2])
				violation("register_vcpu %d: %d", i + 1, g.ret[i][2]);
	}
}

/* Declare, map MMIO, give SMMU pages: before verification. */
static void step_declare(int t)
{
	u64 v = g.vmid;
	int i;

	/* The shared one first: a loser must see -EEXIST, not a full table. */
	g.ret[t][1] = bootops_set_boot_info(v, C_IPA, C_PAGES * PG, g.c_sig);
	g.ret[t][0] = bootops_set_boot_info(v, OWN_IPA(t), OWN_SIZE, g.own_sig[t]);
	g.ret[t][2] = bootops_map_io(v, IO_IPA(t), (SIM_MMIO_PFN + SIM_MMIO_HYP_PAGES + (u64)t) * PG);
	g.ret[t][3] = bootops_map_io(v, C_IO_IPA, (SIM_MMIO_PFN + 8 + (u64)t) * PG);
	g.ret[t][4] = bootops_alloc_smmu(v, (u64)t, 0);
	g.ret[t][5] = bootops_assign_smmu(v, PFN(t, P_SMMU), SMMU_IPA(t) / PG);
	g.ret[t][6] = bootops_assign_smmu(v, PFN(t, P_CSMMU), C_SMMU_IPA / PG);
	if (!g.ret[t][4] && !g.ret[t][5])
		g.ret[t][7] = bootops_map_smmu(v, (u64)t, 0, SMMU_IPA(t),
					       PFN(t, P_SMMU) * PG | BOOTOPS_PTE_S2_NORMAL);
	barrier();
	if (t)
		return;
	for (i = 0; i < T; i++) {
		int idx = g.ret[i][0];

		if (idx < 0 || idx >= BOOTOPS_MAX_LOAD_INFO ||
		    bootops_get_vm_load_addr(v, (u64)idx) != OWN_IPA(i))
			violation("set_boot_info on cpu%d gave %d", i, idx);
		if (g.ret[i][1] >= 0)
			g.c_idx = g.ret[i][1];
		if (g.ret[i][2] || g.ret[i][4] || g.ret[i][5] || g.ret[i][7])
			violation("cpu%d: map_io %d alloc_smmu %d assign_smmu %d map_smmu %d", i,
				  g.ret[i][2], g.ret[i][4], g.ret[i][5], g.ret[i][7]);
		/* The contested image's result as an errno-or-0, for one_winner(). */
		g.ret[i][1] = g.ret[i][1] >= 0 ? 0 : g.ret[i][1];
	}
	one_winner(1, -EEXIST, "set_boot_info of one address");
	one_winner(3, -EEXIST, "map_io at one address");
	one_winner(6, -EEXIST, "assign_smmu at one address");
	if (bootops_get_vm_next_load_idx(v) != T + 1)
		violation("%u images declared, %d wanted", bootops_get_vm_next_load_idx(v), T + 1);
	write_manifests(v);
}

/* Each thread hands hyp its own manifest: one is taken, whole; the others EEXIST. */
static void step_manifest(int t)
{
	int i, winner = -1;

	g.ret[t][0] = bootops_set_manifest(g.vmid, PFN(t, P_MAN));
	barrier();
	if (t)
		return;
	one_winner(0, -EEXIST, "set_manifest of one VM");
	for (i = 0; i < T; i++)
		if (!g.ret[i][0])
			winner = i;
	if (winner >= 0 && bootops_vm(g.vmid)->manifest.secver != (u64)winner)
		violation("manifest: cpu%d's was taken, hyp holds version %llu", winner,
			  (unsigned long long)bootops_vm(g.vmid)->manifest.secver);
}

/* Lend: own pages in two batches, and one page each of the shared image. */
static void step_lend(int t)
{
	u64 v = g.vmid, pfns[2] = { PFN(t, P_IMG), PFN(t, P_IMG + 1) }, last = PFN(t, P_IMG + 2);
	u64 bad, idx;
	int i;

	/* Thread i's image is the one whose load address is OWN_IPA(i). */
	for (idx = 0; idx < T + 1; idx++)
		if (bootops_get_vm_load_addr(v, idx) == OWN_IPA(t))
			break;
	g.ret[t][0] = bootops_remap_vm_image_batch(v, idx, pfns, 2, &bad);
	g.ret[t][1] = bootops_remap_vm_image(v, last, idx);
	g.ret[t][2] = bootops_remap_vm_image(v, PFN(t, P_CIMG), (u64)g.c_idx);
	barrier();
	if (t)
		return;
	for (i = 0; i < T; i++)
		if (g.ret[i][0] || g.ret[i][1] || g.ret[i][2])
			violation("lending on cpu%d: %d %d %d", i, g.ret[i][0], g.ret[i][1],
				  g.ret[i][2]);
	if (bootops_get_vm_mapped_pages(v, (u64)g.c_idx) != C_PAGES)
		violation("%llu pages of the shared image lent, %d wanted",
			  (unsigned long long)bootops_get_vm_mapped_pages(v, (u64)g.c_idx), C_PAGES);
}

/*
 * The last thread reads the load log while the others verify: every line
 * it gets is whole (a verdict never ahead of its digest); then it asks to
 * verify as well, late, as a VMM's second vCPU would.
 */
static int read_log_while_verifying(u64 v)
{
	u64 out[BOOTOPS_LOG_WORDS], vm[BOOTOPS_LOG_WORDS], k, idx;

	for (k = 0; k < 50; k++) {
		if (bootops_get_load_log(v, BOOTOPS_LOG_VM, vm))
			violation("load log of a live VM refused");
		for (idx = 0; idx < vm[4]; idx++)
			if (!bootops_get_load_log(v, idx, out) &&
			    out[2] == BOOTOPS_IMAGE_PENDING && (out[3] | out[4] | out[5] | out[6]))
				violation("image %llu: a digest before it was hashed",
					  (unsigned long long)idx);
	}
	return loop(bootops_verify_and_load_images, v);
}

static void step_verify(int t)
{
	u64 v = g.vmid;
	int i, k;

	/*
	 * SMMU changes race the start of verification: each is made while
	 * the VM is READY or refused, never half made (checked by the SMMU
	 * invariants after teardown, and by ThreadSanitizer).
	 */
	if (t) {
		u64 pte = PFN(t, P_SMMU) * PG | BOOTOPS_PTE_S2_NORMAL;
		int c = bootops_clear_smmu(v, (u64)t, 0, SMMU_IPA(t));
		int m = bootops_map_smmu(v, (u64)t, 0, SMMU_IPA(t), pte);
		int a = bootops_alloc_smmu(v, (u64)t + T, 0);

		if ((c && c != -EPERM) || (m && m != -EPERM && m != -EEXIST) ||
		    (a && a != -EPERM))
			violation("SMMU during verification on cpu%d: clear %d map %d alloc %d",
				  t, c, m, a);
	}
	/* KVM's mark for a VM type that needs images, racing verification's start. */
	g.ret[t][1] = t == 1 ? bootops_require_images(v) : 0;
	if (g.ret[t][1] && g.ret[t][1] != -EPERM)
		violation("require_images during verification on cpu%d: %d", t, g.ret[t][1]);
	g.ret[t][0] = t == T - 1 ? read_log_while_verifying(v) :
				   loop(bootops_verify_and_load_images, v);
	barrier();
	if (t)
		return;
	one_winner(0, -EPERM, "verify_and_load_images");
	if (!g.ret[1][1] && !bootops_vm(v)->requires_images)
		violation("require_images said yes and the VM does not require images");
	if (bootops_get_vm_state(v) != BOOTOPS_VM_VERIFIED)
		violation("vm not VERIFIED but %u", bootops_get_vm_state(v));
	for (i = 0; i < T; i++)
		for (k = 0; k < OWN_PAGES; k++)
			if (sim_s2_lookup((u32)v, OWN_IPA(i) + (u64)k * PG) != PFN(i, P_IMG + k) ||
			    sim_page(PFN(i, P_IMG + k)).owner != v)
				violation("image page %d of cpu%d not the VM's at its address", k, i);
}

/* Ordinary memory, host faults, vCPU runs. */
/*
 * PSCI from a running vCPU: vCPU 0, on whichever CPU runs it, starts the
 * CPUs' own vCPUs (CPU_ON); each CPU's own vCPU takes its start on its
 * first run and stops again (CPU_OFF).  A start races the others' CPU_ONs.
 */
static void psci_from_vcpu0(int t, int k)
{
	u64 target = (u64)((k / 2 + t) % T) + 1;
	int ret = bootops_vcpu_cpu_on(g.vmid, 0, target, OWN_IPA(target - 1), target);

	if (ret && ret != -EEXIST && ret != -EBUSY)
		violation("cpu_on of vcpu %llu on cpu%d: %d", (unsigned long long)target, t, ret);
	/* What KVM reads for its debugfs, while the target's CPU changes it. */
	ret = bootops_vcpu_power(g.vmid, target);
	if (ret != BOOTOPS_POWER_OFF && ret != BOOTOPS_POWER_ON && ret != BOOTOPS_POWER_ON_PENDING)
		violation("vcpu %llu's power read as %d on cpu%d", (unsigned long long)target,
			  ret, t);
}

static void psci_own_vcpu(int t, u64 c)
{
	struct bootops_vcpu_entry e = { 0 };
	int ret = bootops_vcpu_first_run(g.vmid, c, &e);

	if (ret == 1 && (!e.psci || e.pc != OWN_IPA(c - 1) || e.ctx != c))
		violation("vcpu %llu started on cpu%d at %#llx ctx %llu", (unsigned long long)c,
			  t, (unsigned long long)e.pc, (unsigned long long)e.ctx);
	else if (ret < 0 && ret != -EPERM)
		violation("first_run of vcpu %llu on cpu%d: %d", (unsigned long long)c, t, ret);
	if (ret == 1 && bootops_vcpu_cpu_off(g.vmid, c))
		violation("cpu_off of vcpu %llu on cpu%d", (unsigned long long)c, t);
}

static void step_run(int t)
{
	u64 v = g.vmid, faults, tables;
	static int owner0 = -1;
	int i, k, expect;

	g.ret[t][0] = bootops_share_guest_page(v, MEM_IPA(t, 0), PFN(t, P_SHARE));
	g.ret[t][1] = bootops_share_guest_page(v, MEM_IPA(t, 1), PFN(t, P_SHARE + 1));
	g.ret[t][2] = bootops_donate_guest_page(v, MEM_IPA(t, 2), PFN(t, P_DONATE));
	g.ret[t][3] = bootops_share_guest_page(v, C_MEM_IPA, PFN(t, P_CMEM));
	for (k = 0; k < FAULTS; k++) {
		bootops_note_host_fault(v);
		/* Read while the others count: never less than this CPU's own. */
		if (bootops_get_vm_stats(v, &faults, &tables) || faults < (u64)k + 1 ||
		    faults > T * FAULTS)
			violation("host faults read as %llu by cpu%d after its %d",
				  (unsigned long long)faults, t, k + 1);
	}
	if (bootops_vcpu_enter(v, 1, KVM(T + t)) != -EPERM)
		violation("vcpu_enter with another VM's kvm handle on cpu%d", t);
	for (k = 0; k < RUNS; k++) {
		u64 c = k & 1 ? 0 : (u64)t + 1;	/* vCPU 0 is everyone's */
		int ret = bootops_vcpu_enter(v, c, KVM(0));

		if (ret == -EBUSY && !c)
			continue;
		if (ret) {
			violation("vcpu_enter(%llu) on cpu%d: %d", (unsigned long long)c, t, ret);
			continue;
		}
		expect = -1;
		if (!c && !__atomic_compare_exchange_n(&owner0, &expect, t, false,
						       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			violation("vcpu 0 entered on cpu%d while it runs on cpu%d", t, expect);
		if (!c)
			psci_from_vcpu0(t, k);
		else
			psci_own_vcpu(t, c);
		if (!c)
			__atomic_store_n(&owner0, -1, __ATOMIC_SEQ_CST);
		ret = bootops_set_vcpu_inactive(v, c);
		if (ret)
			violation("set_vcpu_inactive(%llu) on cpu%d: %d", (unsigned long long)c, t, ret);
	}
	barrier();
	g.ret[t][4] = bootops_unshare_guest_page(v, MEM_IPA(t, 0));
	g.ret[t][5] = bootops_unshare_guest_page(v, C_MEM_IPA);
	barrier();
	if (t)
		return;
	for (i = 0; i < T; i++)
		if (g.ret[i][0] || g.ret[i][1] || g.ret[i][2] || g.ret[i][4])
			violation("memory on cpu%d: share %d %d donate %d unshare %d", i,
				  g.ret[i][0], g.ret[i][1], g.ret[i][2], g.ret[i][4]);
	one_winner(3, -EEXIST, "share_guest_page at one address");
	one_winner(5, -ENOENT, "unshare_guest_page of one address");
	if (bootops_get_vm_stats(v, &faults, &tables) || faults != T * FAULTS)
		violation("%llu host faults counted, %d noted", (unsigned long long)faults,
			  T * FAULTS);
}

static void check_returned(void)
{
	int t, i;

	for (t = 0; t < T; t++) {
		for (i = 0; i < P_NR; i++) {
			struct sim_page_info p = sim_page(PFN(t, i));

			if (p.owner != SIM_OWNER_HOST || p.claimed || p.dma_pins || p.shared_with)
				violation("page %d of cpu%d not the host's after teardown", i, t);
		}
		/* Given to the VM (SMMU, private memory): zeroed on return. */
		if (sim_page_bytes(PFN(t, P_SMMU))[0] || sim_page_bytes(PFN(t, P_DONATE))[PG - 1])
			violation("a page cpu%d gave the VM came back unscrubbed", t);
	}
	for (t = 0; t < BOOTOPS_SMMU_NUM; t++)
		for (i = 0; i < BOOTOPS_SMMU_NUM_CB; i++)
			if (bootops_state.smmu[t][i].owner != BOOTOPS_SMMU_NO_OWNER)
				violation("SMMU bank %d/%d still owned by %u after teardown", t, i,
					  bootops_state.smmu[t][i].owner);
	if (sim_remap_count() || sim_tables_used())
		violation("after teardown: %llu remap slots, %llu tables",
			  (unsigned long long)sim_remap_count(),
			  (unsigned long long)sim_tables_used());
	if (sim_check_invariants())
		violation("platform invariants broken");
}

/*
 * What pKVM asks before it frees the VM's slot: once boot ops have let go,
 * they hold the VM no more (nothing registers it during its teardown).
 */
static void watch_registration(int t)
{
	bool gone = false, held;
	int i;

	for (i = 0; i < 64; i++) {
		held = bootops_vm_registered(g.vmid);
		if (held && gone)
			violation("vm %llu held again during its teardown (cpu%d)",
				  (unsigned long long)g.vmid, t);
		gone |= !held;
	}
}

static void step_teardown(int t)
{
	int ret;

	/* A bank given while the VM dies must die with it. */
	if (t) {
		ret = bootops_alloc_smmu(g.vmid, 6, 1);
		if (ret && ret != -EPERM && ret != -ENOENT)
			violation("alloc_smmu during teardown on cpu%d: %d", t, ret);
	}
	if (t >= 2)
		watch_registration(t);
	/* pKVM attaching its VM while boot ops let go: never into a freed record. */
	if (t == 1)
		for (ret = 0; ret < 64; ret++)
			bootops_attach_plat_vm(g.vmid, &g);
	g.ret[t][0] = loop(bootops_teardown_vm, g.vmid);
	barrier();
	if (t)
		return;
	one_winner(0, -ENOENT, "teardown_vm");
	if (bootops_vm_registered(g.vmid))
		violation("vm %llu still held after its teardown", (unsigned long long)g.vmid);
	check_returned();
	check_remap_free();
}

struct thread {
	pthread_t id;
	int t;
	u64 rounds;
};

static void *thread_fn(void *arg)
{
	struct thread *th = arg;
	u64 r;

	sim_set_cpu((u32)th->t);
	for (r = 0; r < th->rounds; r++) {
		if (!th->t)
			fill_pages();
		barrier();
		step_register(th->t);
		barrier();
		step_declare(th->t);
		barrier();
		step_manifest(th->t);
		barrier();
		step_lend(th->t);
		barrier();
		step_verify(th->t);
		barrier();
		step_run(th->t);
		barrier();
		step_teardown(th->t);
		barrier();
		if (__atomic_load_n(&g.violations, __ATOMIC_ACQUIRE))
			break;
		if (!th->t)
			g.rounds++;
	}
	return NULL;
}

int stress_vm_run(u64 rounds)
{
	struct thread th[T];
	int t;

	sim_reset();
	memset(&g, 0, sizeof(g));
	for (t = 0; t < T; t++) {
		th[t].t = t;
		th[t].rounds = rounds;
		pthread_create(&th[t].id, NULL, thread_fn, &th[t]);
	}
	for (t = 0; t < T; t++)
		pthread_join(th[t].id, NULL);
	printf("stress-vm: one VM from %d CPUs, every boot op raced: %llu rounds\n", T,
	       (unsigned long long)g.rounds);
	if (g.violations)
		printf("stress-vm: %d violations, first: %s\n", g.violations, g.first);
	printf("stress-vm: %d passed, %d failed\n", !g.violations, !!g.violations);
	return g.violations ? 1 : 0;
}
