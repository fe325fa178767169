// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the input is a sequence of hypercalls with arguments
 * drawn from small pools of valid and hostile values, issued from several
 * simulated CPUs, with host writes to pages in between.  After every call
 * the machine-wide invariants must hold, and hyp must never crash (ASan,
 * UBSan and the simulated platform's contract checks abort on any slip).
 */
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

struct input {
	const u8 *p;
	size_t left;
};

static u64 take(struct input *in, unsigned int bytes)
{
	u64 v = 0;

	while (bytes-- && in->left) {
		v = v << 8 | *in->p++;
		in->left--;
	}
	return v;
}

static const u64 hostile[] = {
	0, 1, BOOTOPS_MAX_VMS, BOOTOPS_MAX_VMS + 1, 1ULL << 31, 0xffffffffULL,
	1ULL << 32, (1ULL << 32) + 1, ~0ULL, BOOTOPS_MAX_VCPUS, BOOTOPS_MAX_LOAD_INFO,
};

static u64 pick_id(struct input *in)
{
	u64 b = take(in, 1);

	return b < 0xf0 ? b % 4 + 1 : hostile[b % (sizeof(hostile) / sizeof(hostile[0]))];
}

static u64 pick_small(struct input *in, u64 max)
{
	u64 b = take(in, 1);

	return b < 0xf0 ? b % max : hostile[b % (sizeof(hostile) / sizeof(hostile[0]))];
}

static u64 pick_pfn(struct input *in)
{
	u64 b = take(in, 1);

	switch (b >> 6) {
	case 0:
	case 1:
		return ram(b % 32);
	case 2:
		return b & 1 ? SIM_HYP_PFN + b % 8 : SIM_MMIO_PFN + b % 8;
	default:
		return b & 1 ? hostile[b % 11] : SIM_RAM_PFN + SIM_RAM_PAGES + b % 4;
	}
}

static u64 pick_addr(struct input *in)
{
	u64 b = take(in, 1);

	if (b < 0xe0)
		return (b % 16) * 0x1000 + (b & 0x10 ? 0x40000000 : 0);
	return hostile[b % 11] ^ (b & 1 ? 0 : 0x800);
}

static u64 pick_size(struct input *in)
{
	u64 b = take(in, 1);

	if (b < 0xe0)
		return (b % 4) * 0x1000 + (b & 0x20 ? 0x123 : 0x1000);
	return b & 1 ? BOOTOPS_MAX_IMAGE_SIZE + (b & 2) : hostile[b % 11];
}

/* Declares an image signed over the current bytes of its future pages. */
static void signed_image(struct input *in, u64 vmid)
{
	u64 addr = pick_addr(in), size = pick_size(in), first = ram(take(in, 1) % 32), k;
	u8 sig[BOOTOPS_SIG_SIZE], *bytes;
	int idx;

	if (!bootops_image_pages(size) || bootops_image_pages(size) > 8 ||
	    first + bootops_image_pages(size) > ram(32))
		return;
	bytes = calloc(bootops_image_pages(size), PAGE);
	for (k = 0; k < bootops_image_pages(size); k++)
		memcpy(bytes + k * PAGE, sim_page_bytes(first + k), PAGE);
	sign_image(addr, size, bytes, take(in, 1) == 0x42, sig);
	free(bytes);
	idx = bootops_set_boot_info(vmid, addr, size, sig);
	for (k = 0; idx >= 0 && k < bootops_image_pages(size); k++)
		bootops_remap_vm_image(vmid, first + k, idx);
}

/* One page, or a batch of up to BOOTOPS_LEND_BATCH + 1 (one too many). */
static int lend_batch(struct input *in, u64 vmid)
{
	u64 pfns[BOOTOPS_LEND_BATCH + 1], nr = take(in, 1) % (BOOTOPS_LEND_BATCH + 2), i, bad;
	u64 idx = pick_small(in, 5);

	if (!nr)
		return bootops_remap_vm_image(vmid, pick_pfn(in), idx);
	for (i = 0; i < nr; i++)
		pfns[i] = i && take(in, 1) % 4 == 0 ? pfns[i - 1] + 1 : pick_pfn(in);
	return bootops_remap_vm_image_batch(vmid, idx, pfns, nr, &bad);
}

/* A vCPU's run path: its entry check, or one of the PSCI calls hyp answers. */
static int run_path(struct input *in, u64 vmid)
{
	struct bootops_vcpu_entry entry = { .pc = pick_addr(in) };
	u64 vcpu = pick_small(in, 4);

	switch (take(in, 1) % 4) {
	case 0: return bootops_vcpu_first_run(vmid, vcpu, &entry);
	case 1: return bootops_vcpu_cpu_on(vmid, vcpu, pick_small(in, 4), pick_addr(in),
					   take(in, 2));
	case 2: return bootops_vcpu_cpu_off(vmid, vcpu);
	default: return bootops_vcpu_system_off(vmid, vcpu);
	}
}

/*
 * A manifest, mostly well formed (magic, a key hyp may have, 1-5 images),
 * the rest from the input, written to a page and handed over; or a raise
 * of a key's rollback minimum.
 */
static int manifest_call(struct input *in, u64 vmid)
{
	u8 b[BOOTOPS_MANIFEST_SIZE(BOOTOPS_MAX_LOAD_INFO)];
	u64 pfn, k;

	if (take(in, 1) % 8 == 0)
		return bootops_manifest_raise_min(take(in, 1) % 4, take(in, 1) % 8);
	for (k = 0; k < sizeof(b); k++)
		b[k] = (u8)take(in, 1);
	if (b[0] & 1)
		memcpy(b, BOOTOPS_MANIFEST_MAGIC, 8);
	b[BOOTOPS_MANIFEST_OFF_KEY_ID] %= 4;
	memset(b + BOOTOPS_MANIFEST_OFF_KEY_ID + 1, 0, 3);
	b[BOOTOPS_MANIFEST_OFF_NR] %= BOOTOPS_MAX_LOAD_INFO + 2;
	memset(b + BOOTOPS_MANIFEST_OFF_NR + 1, 0, 3);
	if (b[1] & 1)
		memset(b + BOOTOPS_MANIFEST_OFF_FLAGS + 1, 0, 7 + 32);
	pfn = pick_pfn(in);
	sim_host_write(pfn, 0, b, sizeof(b));
	return bootops_set_manifest(vmid, pfn);
}

static void one_call(struct input *in)
{
	u8 op = take(in, 1), sig[BOOTOPS_SIG_SIZE] = { 0 };
	u64 vmid = pick_id(in);
	int ret = 0;

	sim_set_cpu(op >> 5);
	/* Bit 4 picks the guest-memory calls; bits 5-7 are the CPU. */
	switch (op & 16 ? 16 + op % 4 : op % 16) {
	/* The VM's record: mostly the sim's set-apart pages, else any page. */
	case 0: ret = bootops_register_kvm(take(in, 2),
					   take(in, 1) < 224 ? sim_vm_memory() : pick_pfn(in));
		break;
	case 1: ret = bootops_register_vcpu(vmid, pick_small(in, 4), 0); break;
	case 2: ret = bootops_set_vcpu_active(vmid, pick_small(in, 4)); break;
	case 3: ret = bootops_set_vcpu_inactive(vmid, pick_small(in, 4)); break;
	case 4: ret = bootops_set_boot_info(vmid, pick_addr(in), pick_size(in), sig); break;
	case 5: ret = lend_batch(in, vmid); break;
	case 6: ret = bootops_verify_and_load_images(vmid); break;
	case 7: sim_search_load_info(vmid, pick_addr(in)); break;
	case 8: ret = bootops_map_io(vmid, pick_addr(in), pick_pfn(in) * PAGE); break;
	case 9: ret = bootops_alloc_smmu(vmid & 1 ? vmid : 0, pick_small(in, 4), pick_small(in, 2)); break;
	case 10: ret = bootops_assign_smmu(vmid, pick_pfn(in), pick_addr(in) >> 12); break;
	case 11: ret = bootops_map_smmu(vmid & 1 ? vmid : 0, pick_small(in, 4), pick_small(in, 2),
					 pick_addr(in), pick_pfn(in) * PAGE | take(in, 2)); break;
	case 12: ret = bootops_clear_smmu(vmid & 1 ? vmid : 0, pick_small(in, 4), pick_small(in, 2),
					   pick_addr(in)); break;
	case 13: ret = bootops_teardown_vm(vmid); break;
	case 14: signed_image(in, vmid); break;
	case 15: ret = run_path(in, vmid); break;
	case 16: ret = bootops_share_guest_page(vmid, pick_addr(in), pick_pfn(in)); break;
	case 17: ret = bootops_unshare_guest_page(vmid, pick_addr(in)); break;
	case 18: ret = bootops_require_images(vmid); break;
	default: {
		u8 b = (u8)take(in, 1);

		if (b & 1) {
			ret = manifest_call(in, vmid);
			break;
		}
		if (b & 2) {
			u64 len;

			/* A guest's attestation call, through its page or any address. */
			ret = bootops_attest(vmid, pick_small(in, 4), pick_addr(in), &len);
			break;
		}
		sim_host_write(pick_pfn(in), take(in, 2) % PAGE, &b, 1);
	}
	}
	if (ret > (int)BOOTOPS_MAX_LOAD_INFO && op % 16 != 0)
		abort();
	if (sim_check_invariants())
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size };
	static bool ready;

	if (!ready) {
		static const u8 seed[BOOTOPS_ATTEST_SEED_SIZE] = { 1 };

		sim_reset();
		bootops_crypto_attest_init(seed);
		ready = true;
	}
	sim_reset();
	while (in.left)
		one_call(&in);
	return 0;
}
