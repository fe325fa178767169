// SPDX-License-Identifier: GPL-2.0-only
/*
 * The refinement test: the hyp code on the simulated machine against the
 * executable model (model.c), over long random sequences of hypercalls.
 *
 * Each step is one host action (a primitive, or a host read/write of a
 * page) issued on one simulated CPU.  It runs on the implementation, then on
 * the model; then the return values and the abstract states are compared:
 * abs(impl state) == model state, where abs() reads bootops_state (the state
 * layer, state.h) and the machine (sim.h inspection API).
 *
 * What is compared when:
 *   after every step
 *     - the return value (search_load_info: the physical address behind
 *       the returned hyp address, through the remap area);
 *     - the whole record of every VM the step names (the vmid, and the
 *       vmids a truncating implementation would alias it to): state,
 *       handle, load-info table with the pfn behind every remapped page,
 *       vCPUs 0..7 and the one named (all of them for register_kvm and
 *       teardown_vm);
 *     - every page record the model changed, and the page named;
 *     - every stage-2 entry the model changed, and the gpa named; the whole
 *       stage 2 of the VM after verify_and_load_images and teardown_vm;
 *     - the shared flag of the pages share/unshare_guest_page name, and the
 *       host-fault count of the VM owning a page the host touched;
 *     - every SMMU owner and hardware root; every bank entry the model
 *       changed and the iova named; the whole bank after alloc_smmu;
 *     - the bytes of every page the model wrote (host writes, the zeroed
 *       tail of images, scrubbed pages) and of host reads;
 *     - the number of pages mapped in the remap area.
 *   every --full-every steps and at the end of each sequence, everything:
 *     every VM with every vCPU, every RAM page record and every host page's
 *     bytes, every stage 2, every SMMU bank, the remap-area bitmap.
 *
 * The sequences run in a child process; the parent keeps a log of the
 * current sequence in shared memory, so that a mismatch, a sanitizer report
 * or a crash can all be shrunk (delta debugging, each candidate replayed in
 * a fresh child) and printed as readable calls.
 *
 *   build/host/refine [--seed N] [--steps N] [--runs N] [--only RUN]
 *                     [--full-every K] [--stress-seconds S] [--stress-vm-rounds N]
 *                     [--no-stress]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/sha256.h>

#include <bootops/bootops.h>
#include <bootops/pgtable.h>
#include <bootops/platform.h>
#include <bootops/state.h>

#include "crypto_fast.h"
#include "model.h"
#include "refine.h"
#include "sim.h"

#define X(v)		((unsigned long long)(v))
#define NCPU		4
#define GEN_VCPUS	8	/* vCPUs 0..7: compared after every step */

/* ---------------------------------------------------------------------- */
/* Steps.                                                                  */

enum op {
	OP_REGISTER_KVM, OP_REGISTER_VCPU, OP_SET_ACTIVE, OP_SET_INACTIVE,
	OP_TAKE_RESET, OP_TEARDOWN, OP_SET_BOOT_INFO, OP_REMAP, OP_VERIFY,
	OP_SEARCH, OP_MAP_IO, OP_ALLOC_SMMU, OP_ASSIGN_SMMU, OP_MAP_SMMU,
	OP_CLEAR_SMMU, OP_SHARE, OP_DONATE, OP_UNSHARE, OP_FIRST_RUN, OP_REQUIRE,
	OP_CPU_ON, OP_CPU_OFF, OP_SYSTEM_OFF, OP_POWER, OP_HOST_WRITE, OP_HOST_READ,
	OP_SET_MANIFEST, OP_RAISE_MIN, OP_ATTEST,
	OP_NR
};

/*
 * The pages register_kvm is given for the VM's record, by a step's a[3]:
 * 0 the sim's set-apart RAM, 1 no RAM, 2 a page of hyp's pool.
 */
static u64 record_pfn(u64 kind)
{
	return kind == 1 ? ~0ULL : kind == 2 ? SIM_HYP_PFN + 1 : sim_vm_memory();
}

static int record_err(u64 kind)
{
	return kind == 1 ? -EINVAL : kind == 2 ? -EPERM : 0;
}

static const char *record_name(u64 kind)
{
	return kind == 1 ? "~0ULL" : kind == 2 ? "SIM_HYP_PFN + 1" : "sim_vm_memory()";
}

static const char *const op_name[OP_NR] = {
	"register_kvm", "register_vcpu", "set_vcpu_active", "set_vcpu_inactive",
	"vcpu_take_reset", "teardown_vm", "set_boot_info", "remap_vm_image",
	"verify_and_load_images", "search_load_info", "map_io", "alloc_smmu",
	"assign_smmu", "map_smmu", "clear_smmu", "share_guest_page", "donate_guest_page",
	"unshare_guest_page", "vcpu_first_run", "require_images",
	"vcpu_cpu_on", "vcpu_cpu_off", "vcpu_system_off", "vcpu_power",
	"host_write", "host_read", "set_manifest", "manifest_raise_min", "attest",
};

static bool op_has_vmid(u8 op)
{
	return op != OP_REGISTER_KVM && op != OP_HOST_WRITE && op != OP_HOST_READ &&
	       op != OP_RAISE_MIN;
}

enum { SIG_RANDOM, SIG_GOOD };
#define STEP_SIGPFN	16

struct step {
	u8 op, cpu, fault, sigkind, nsigpfn;
	u64 a[5];
	u64 sig_seed, sig_addr, sig_size;	/* set_boot_info's signature */
	u64 sigpfn[STEP_SIGPFN];		/* SIG_GOOD: signed over these pages */
};

static void print_id(FILE *f, const char *name, u64 v)
{
	if (v < 100000)
		fprintf(f, "%s=%llu", name, X(v));
	else
		fprintf(f, "%s=0x%llx", name, X(v));
}

static void print_step(FILE *f, const struct step *s)
{
	u64 k;

	fprintf(f, "[cpu%u] ", s->cpu);
	if (s->fault)
		fprintf(f, "%s ", s->op == OP_REMAP ? "sim_fail_remap_after(0);" :
			"sim_fail_tables_after(0);");
	switch (s->op) {
	case OP_REGISTER_KVM:
		if (s->a[2])
			fprintf(f, "bootops_register_kvm_at(vmid=0x%llx, handle=0x%llx, %s)",
				X(s->a[1]), X(s->a[0]), record_name(s->a[3]));
		else
			fprintf(f, "bootops_register_kvm(handle=0x%llx, %s)", X(s->a[0]),
				record_name(s->a[3]));
		break;
	case OP_REGISTER_VCPU:
		fprintf(f, "bootops_register_vcpu(");
		print_id(f, "vmid", s->a[0]);
		print_id(f, ", vcpuid", s->a[1]);
		fprintf(f, ", handle=0x%llx)", X(s->a[2]));
		break;
	case OP_SET_ACTIVE:
	case OP_SET_INACTIVE:
	case OP_TAKE_RESET:
		fprintf(f, "bootops_%s(", op_name[s->op]);
		print_id(f, "vmid", s->a[0]);
		print_id(f, ", vcpuid", s->a[1]);
		fprintf(f, ")");
		break;
	case OP_REQUIRE:
		fprintf(f, "bootops_require_images(");
		print_id(f, "vmid", s->a[0]);
		fprintf(f, ")");
		break;
	case OP_FIRST_RUN:
		fprintf(f, "bootops_vcpu_first_run(");
		print_id(f, "vmid", s->a[0]);
		print_id(f, ", vcpuid", s->a[1]);
		fprintf(f, ", &(entry){ .pc = 0x%llx })", X(s->a[2]));
		break;
	case OP_CPU_ON:
		fprintf(f, "bootops_vcpu_cpu_on(");
		print_id(f, "vmid", s->a[0]);
		print_id(f, ", caller", s->a[1]);
		print_id(f, ", target", s->a[2]);
		fprintf(f, ", pc=0x%llx, ctx=0x%llx)", X(s->a[3]), X(s->a[4]));
		break;
	case OP_CPU_OFF:
	case OP_SYSTEM_OFF:
	case OP_POWER:
		fprintf(f, "bootops_%s(", op_name[s->op]);
		print_id(f, "vmid", s->a[0]);
		print_id(f, ", vcpuid", s->a[1]);
		fprintf(f, ")");
		break;
	case OP_TEARDOWN:
	case OP_VERIFY:
		fprintf(f, "bootops_%s(", op_name[s->op]);
		print_id(f, "vmid", s->a[0]);
		fprintf(f, ")");
		break;
	case OP_SET_BOOT_INFO:
		fprintf(f, "bootops_set_boot_info(");
		print_id(f, "vmid", s->a[0]);
		fprintf(f, ", load_addr=0x%llx, size=0x%llx, sig=", X(s->a[1]), X(s->a[2]));
		if (s->sigkind == SIG_RANDOM) {
			fprintf(f, "random(0x%llx))", X(s->sig_seed));
			break;
		}
		fprintf(f, "signed(load_addr=0x%llx, size=0x%llx, bytes of pfns",
			X(s->sig_addr), X(s->sig_size));
		for (k = 0; k < s->nsigpfn; k++)
			fprintf(f, " 0x%llx", X(s->sigpfn[k]));
		fprintf(f, "))");
		break;
	case OP_REMAP:
		fprintf(f, "bootops_remap_vm_image(");
		print_id(f, "vmid", s->a[0]);
		fprintf(f, ", pfn=0x%llx, ", X(s->a[1]));
		print_id(f, "load_idx", s->a[2]);
		fprintf(f, ")");
		break;
	case OP_SEARCH:
		fprintf(f, "bootops_search_load_info(");
		print_id(f, "vmid", s->a[0]);
		fprintf(f, ", addr=0x%llx)", X(s->a[1]));
		break;
	case OP_MAP_IO:
		fprintf(f, "bootops_map_io(");
		print_id(f, "vmid", s->a[0]);
		fprintf(f, ", gpa=0x%llx, pa=0x%llx)", X(s->a[1]), X(s->a[2]));
		break;
	case OP_ALLOC_SMMU:
		fprintf(f, "bootops_alloc_smmu(");
		print_id(f, "vmid", s->a[0]);
		print_id(f, ", cbndx", s->a[1]);
		print_id(f, ", index", s->a[2]);
		fprintf(f, ")");
		break;
	case OP_ASSIGN_SMMU:
		fprintf(f, "bootops_assign_smmu(");
		print_id(f, "vmid", s->a[0]);
		fprintf(f, ", pfn=0x%llx, gfn=0x%llx)", X(s->a[1]), X(s->a[2]));
		break;
	case OP_MAP_SMMU:
	case OP_CLEAR_SMMU:
		fprintf(f, "bootops_%s(", op_name[s->op]);
		print_id(f, "vmid", s->a[0]);
		print_id(f, ", cbndx", s->a[1]);
		print_id(f, ", index", s->a[2]);
		fprintf(f, ", iova=0x%llx", X(s->a[3]));
		if (s->op == OP_MAP_SMMU)
			fprintf(f, ", pte=0x%llx", X(s->a[4]));
		fprintf(f, ")");
		break;
	case OP_SHARE:
	case OP_DONATE:
		fprintf(f, "bootops_%s(", op_name[s->op]);
		print_id(f, "vmid", s->a[0]);
		fprintf(f, ", ipa=0x%llx, pfn=0x%llx)", X(s->a[1]), X(s->a[2]));
		break;
	case OP_UNSHARE:
		fprintf(f, "bootops_unshare_guest_page(");
		print_id(f, "vmid", s->a[0]);
		fprintf(f, ", ipa=0x%llx)", X(s->a[1]));
		break;
	case OP_HOST_WRITE:
		fprintf(f, "sim_host_write(pfn=0x%llx, off=0x%llx, len=0x%llx, bytes=random(0x%llx))",
			X(s->a[0]), X(s->a[1]), X(s->a[2]), X(s->a[3]));
		break;
	case OP_HOST_READ:
		fprintf(f, "sim_host_read(pfn=0x%llx, off=0x%llx, len=0x%llx)",
			X(s->a[0]), X(s->a[1]), X(s->a[2]));
		break;
	case OP_SET_MANIFEST:
		fprintf(f, "write_manifest(pfn=0x%llx, variant=0x%llx, seed=0x%llx); "
			"bootops_set_manifest(", X(s->a[1]), X(s->a[2]), X(s->a[3]));
		print_id(f, "vmid", s->a[0]);
		fprintf(f, ", pfn=0x%llx)", X(s->a[1]));
		break;
	case OP_RAISE_MIN:
		fprintf(f, "bootops_manifest_raise_min(key_id=0x%llx, secver=%llu)",
			X(s->a[0]), X(s->a[1]));
		break;
	case OP_ATTEST:
		fprintf(f, "bootops_attest(");
		print_id(f, "vmid", s->a[0]);
		fprintf(f, ", vcpuid=0x%llx, ipa=0x%llx, &len)", X(s->a[1]), X(s->a[2]));
		break;
	}
}

/* ---------------------------------------------------------------------- */
/* Randomness: splitmix64, so that a seed names one run everywhere.        */

static u64 mix64(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static u64 rng_state;

static u64 rnd(void)
{
	rng_state += 0x9e3779b97f4a7c15ULL;
	return mix64(rng_state);
}

static u64 rn(u64 n)
{
	return n ? rnd() % n : 0;
}

static bool chance(u32 per_mille)
{
	return rn(1000) < per_mille;
}

static void fill_bytes(u64 seed, u8 *p, u64 len)
{
	u64 i, v = 0;

	for (i = 0; i < len; i++) {
		if (!(i % 8))
			v = mix64(seed + i);
		p[i] = (u8)(v >> (8 * (i % 8)));
	}
}

/* ---------------------------------------------------------------------- */
/* Comparison of abs(implementation) with the model.                       */

static struct model M;

static bool failed;
static char fail_cat[64];
static char fail_msg[4096];

static void mismatch(const char *cat, const char *fmt, ...)
{
	va_list ap;

	if (failed)
		return;
	failed = true;
	snprintf(fail_cat, sizeof(fail_cat), "%s", cat);
	va_start(ap, fmt);
	vsnprintf(fail_msg, sizeof(fail_msg), fmt, ap);
	va_end(ap);
}

static const char *vm_state_name(u32 s)
{
	static const char *const n[] = {
		"UNUSED", "READY", "VERIFIED", "REJECTED", "VERIFYING", "DYING",
	};

	return s < 6 ? n[s] : "?";
}

static const char *owner_name(u32 o, char *buf)
{
	if (o == M_OWNER_HOST)
		return "host";
	if (o == M_OWNER_HYP)
		return "hyp";
	if (o == M_OWNER_NONE)
		return "none";
	sprintf(buf, "vm%u", o);
	return buf;
}

/* The implementation's record of vmid; an UNUSED VM has none: all zero. */
static const struct bootops_vm_info *impl_vm(u64 vmid)
{
	static const struct bootops_vm_info unused;

	return bootops_vm(vmid) ? bootops_vm(vmid) : &unused;
}

static void cmp_vcpu(u64 vmid, u64 i)
{
	const struct bootops_vcpu_info *iv = &impl_vm(vmid)->vcpu[i];
	const struct m_vcpu *mv = &M.vm[vmid].vcpu[i];

	if (iv->state != mv->state)
		mismatch("vcpu.state", "vm %llu vcpu %llu state: impl %u, model %u",
			 X(vmid), X(i), iv->state, mv->state);
	else if (mv->state != BOOTOPS_VCPU_UNUSED && iv->handle != mv->handle)
		mismatch("vcpu.handle", "vm %llu vcpu %llu handle: impl 0x%llx, model 0x%llx",
			 X(vmid), X(i), X(iv->handle), X(mv->handle));
	else if (mv->state != BOOTOPS_VCPU_UNUSED && iv->need_reset != mv->reset)
		mismatch("vcpu.reset", "vm %llu vcpu %llu reset flag: impl %u, model %u",
			 X(vmid), X(i), iv->need_reset, mv->reset);
	else if (mv->state != BOOTOPS_VCPU_UNUSED && iv->first_pc_refused != mv->refused)
		mismatch("vcpu.refused", "vm %llu vcpu %llu first PC refused: impl %u, model %u",
			 X(vmid), X(i), iv->first_pc_refused, mv->refused);
	else if (mv->state != BOOTOPS_VCPU_UNUSED && iv->power != mv->power)
		mismatch("vcpu.power", "vm %llu vcpu %llu power: impl %u, model %u",
			 X(vmid), X(i), iv->power, mv->power);
	else if (mv->power == BOOTOPS_POWER_ON_PENDING &&
		 (iv->on_pc != mv->on_pc || iv->on_ctx != mv->on_ctx))
		mismatch("vcpu.on", "vm %llu vcpu %llu CPU_ON entry: impl 0x%llx/0x%llx, model 0x%llx/0x%llx",
			 X(vmid), X(i), X(iv->on_pc), X(iv->on_ctx), X(mv->on_pc), X(mv->on_ctx));
	else if (mv->state == BOOTOPS_VCPU_ACTIVE && iv->active_cpu != mv->cpu)
		mismatch("vcpu.cpu", "vm %llu vcpu %llu active on: impl cpu%u, model cpu%u",
			 X(vmid), X(i), iv->active_cpu, mv->cpu);
}

/* Hyp's copy of a manifest, field by field, against the model's. */
static void cmp_manifest(u64 vmid, const struct bootops_manifest *im, const struct m_manifest *mm)
{
	u32 i;

	if (!!im->set != mm->set) {
		mismatch("vm.manifest", "vm %llu manifest set: impl %u, model %u", X(vmid),
			 im->set, mm->set);
		return;
	}
	if (!mm->set)
		return;
	if (im->key_id != mm->key_id || im->nr != mm->nr || im->secver != mm->secver ||
	    im->flags != mm->flags || im->entry != mm->entry || memcmp(im->hash, mm->hash, 32) ||
	    memcmp(im->sig, mm->sig, M_SIG))
		mismatch("vm.manifest", "vm %llu manifest header or signature differs", X(vmid));
	for (i = 0; i < mm->nr && i < M_MAX_LOAD && !failed; i++)
		if (im->image[i].load_addr != mm->addr[i] || im->image[i].size != mm->size[i] ||
		    memcmp(im->image[i].digest, mm->digest[i], 32))
			mismatch("vm.manifest", "vm %llu manifest image %u differs", X(vmid), i);
}

/* Every manifest key's rollback minimum, and ids hyp does not have. */
static void cmp_minima(void)
{
	static const u64 ids[] = { 0, 1, 2, 3, 1ULL << 32 | 1, ~0ULL };
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		u64 impl = ids[i] >> 32 ? ~0ULL : bootops_manifest_min((u32)ids[i]);
		u64 model = m_manifest_min(&M, ids[i]);

		if (impl != model)
			mismatch("keys.min", "key 0x%llx minimum: impl %lld, model %lld",
				 X(ids[i]), (long long)impl, (long long)model);
	}
}

static void cmp_vm(u64 vmid, bool all_vcpus, u64 vcpuid)
{
	const struct bootops_vm_info *iv = impl_vm(vmid);
	const struct m_vm *mv = &M.vm[vmid];
	u64 i, k;

	if (iv->state != mv->state) {
		mismatch("vm.state", "vm %llu state: impl %s, model %s", X(vmid),
			 vm_state_name(iv->state), vm_state_name(mv->state));
		return;
	}
	if ((mv->state == BOOTOPS_VM_VERIFYING || mv->state == BOOTOPS_VM_DYING) &&
	    (iv->cursor.step != mv->cur.step || iv->cursor.idx != mv->cur.idx ||
	     iv->cursor.page != mv->cur.page))
		mismatch("vm.cursor", "vm %llu %s at step %u image %u page %llu, model step %u image %u page %llu",
			 X(vmid), vm_state_name(mv->state), iv->cursor.step, iv->cursor.idx,
			 X(iv->cursor.page), mv->cur.step, mv->cur.idx, X(mv->cur.page));
	if (mv->state != BOOTOPS_VM_UNUSED && iv->kvm_handle != mv->kvm)
		mismatch("vm.handle", "vm %llu kvm handle: impl 0x%llx, model 0x%llx",
			 X(vmid), X(iv->kvm_handle), X(mv->kvm));
	if (mv->state != BOOTOPS_VM_UNUSED && iv->requires_images != mv->requires)
		mismatch("vm.requires", "vm %llu requires images: impl %u, model %u",
			 X(vmid), iv->requires_images, mv->requires);
	if (mv->state != BOOTOPS_VM_UNUSED)
		cmp_manifest(vmid, &iv->manifest, &mv->man);
	if (iv->host_faults != mv->host_faults)
		mismatch("vm.host_faults", "vm %llu host faults: impl %llu, model %llu",
			 X(vmid), X(iv->host_faults), X(mv->host_faults));
	if (iv->nr_load != mv->nload) {
		mismatch("vm.nload", "vm %llu images declared: impl %u, model %u",
			 X(vmid), iv->nr_load, mv->nload);
		return;
	}
	for (i = 0; i < mv->nload; i++) {
		const struct bootops_load_info *il = &iv->load[i];
		const struct m_load *ml = &mv->load[i];

		if (il->load_addr != ml->load_addr || il->size != ml->size)
			mismatch("load.range", "vm %llu load %llu: impl [0x%llx, +0x%llx), model [0x%llx, +0x%llx)",
				 X(vmid), X(i), X(il->load_addr), X(il->size), X(ml->load_addr), X(ml->size));
		else if (memcmp(il->sig, ml->sig, M_SIG))
			mismatch("load.sig", "vm %llu load %llu: signature differs", X(vmid), X(i));
		else if (il->mapped_pages != ml->npfn)
			mismatch("load.pages", "vm %llu load %llu pages remapped: impl %llu, model %llu",
				 X(vmid), X(i), X(il->mapped_pages), X(ml->npfn));
		else if (!m_page_released(&M, vmid, i, ml->npfn ? ml->npfn - 1 : 0) &&
			 il->remap_slot != ml->remap_start)
			mismatch("load.remap", "vm %llu load %llu remap run moved: impl %llu, model %llu",
				 X(vmid), X(i), X(il->remap_slot), X(ml->remap_start));
		if (failed)
			return;
		for (k = 0; k < ml->npfn; k++) {
			u64 slot = il->remap_slot + k;
			u64 pfn = slot < M_REMAP_PAGES ? bootops_plat_remap_pfn(slot) : ~0ULL;

			if (m_page_released(&M, vmid, i, k))
				continue;	/* teardown returned it already */

			if (pfn != ml->pfn[k]) {
				mismatch("load.pfn", "vm %llu load %llu page %llu: impl pfn 0x%llx, model pfn 0x%llx",
					 X(vmid), X(i), X(k), X(pfn), X(ml->pfn[k]));
				return;
			}
		}
	}
	if (all_vcpus) {
		for (i = 0; i < M_MAX_VCPUS && !failed; i++)
			cmp_vcpu(vmid, i);
		return;
	}
	for (i = 0; i < GEN_VCPUS; i++)
		cmp_vcpu(vmid, i);
	if (vcpuid < M_MAX_VCPUS)
		cmp_vcpu(vmid, vcpuid);
	cmp_vcpu(vmid, vcpuid % M_MAX_VCPUS);
	cmp_vcpu(vmid, (u32)vcpuid % M_MAX_VCPUS);
}

/* The VM a step names, and those a truncating implementation could hit. */
static void cmp_vm_named(u64 vmid, bool all_vcpus, u64 vcpuid)
{
	u64 cand[4] = { vmid, (u32)vmid, (u16)vmid, (u8)vmid };
	int i, j;

	for (i = 0; i < 4; i++) {
		bool dup = false;

		for (j = 0; j < i; j++)
			dup |= cand[j] == cand[i];
		if (!dup && cand[i] >= 1 && cand[i] <= M_MAX_VMS)
			cmp_vm(cand[i], all_vcpus && i == 0, vcpuid);
	}
}

static void cmp_dma(u64 pfn);

static void cmp_page(u64 pfn)
{
	struct sim_page_info ip = sim_page(pfn);
	struct m_page mp = m_page_of(&M, pfn);
	char b1[16], b2[16];

	if (ip.owner != mp.owner || ip.claimed != mp.claimed || ip.dma_pins != mp.pins ||
	    ip.shared_with != mp.shared)
		mismatch(ip.owner != mp.owner ? "page.owner" : ip.claimed != mp.claimed ?
			 "page.claimed" : ip.dma_pins != mp.pins ? "page.pins" : "page.shared",
			 "page 0x%llx: impl owner=%s claimed=%d pins=%u shared=%u, model owner=%s claimed=%d pins=%u shared=%u",
			 X(pfn), owner_name(ip.owner, b1), ip.claimed, ip.dma_pins, ip.shared_with,
			 owner_name(mp.owner, b2), mp.claimed, mp.pins, mp.shared);
	else
		cmp_dma(pfn);
}

/*
 * DMA follows ownership: a device of the host's (a stream no bank has)
 * reaches the page, through hyp's modelled SMMU, exactly while the model
 * says the host owns it.
 */
static void cmp_dma(u64 pfn)
{
	bool host = m_page_of(&M, pfn).owner == M_OWNER_HOST;
	u64 pa = 0;
	bool reached = !sim_smmu_dma(SIM_HOST_SID, pfn << 12, true, &pa) && pa == pfn << 12;

	if (reached != host)
		mismatch("dma.host", "page 0x%llx: a host device %s it, model owner is %s",
			 X(pfn), reached ? "reaches" : "does not reach", host ? "the host" : "not the host");
}

static void cmp_mem(u64 pfn)
{
	const u8 *ib, *mb;
	u64 i;

	if (pfn < M_HOST_FIRST || pfn - M_HOST_FIRST >= M_HOST_PAGES)
		return;
	ib = sim_page_bytes(pfn);
	mb = M.mem + (pfn - M_HOST_FIRST) * M_PAGE;
	if (!memcmp(ib, mb, M_PAGE))
		return;
	for (i = 0; i < M_PAGE && ib[i] == mb[i]; i++)
		;
	mismatch("page.bytes", "page 0x%llx bytes differ from offset 0x%llx: impl %02x, model %02x",
		 X(pfn), X(i), ib[i], mb[i]);
}

/* The implementation's stage-2 entry kind at ipa, as the model's M_S2_*. */
static u64 impl_s2_kind(u64 vmid, u64 ipa)
{
	if (sim_s2_is_shared((u32)vmid, ipa))
		return M_S2_SHARED;
	return sim_s2_is_device((u32)vmid, ipa) ? M_S2_DEVICE : M_S2_VM_PAGE;
}

static void cmp_s2_at(u64 vmid, u64 ipa)
{
	const struct m_map *e;
	u64 ipfn;

	if (vmid > M_MAX_VMS || ipa >> M_IOVA_BITS)
		return;
	ipa &= ~(M_PAGE - 1);
	e = m_vec_find(&M.vm[vmid].s2, ipa);
	ipfn = sim_s2_lookup((u32)vmid, ipa);
	if (ipfn != (e ? e->pfn : BOOTOPS_INVALID64))
		mismatch("s2.map", "vm %llu stage 2 at 0x%llx: impl pfn 0x%llx, model pfn 0x%llx",
			 X(vmid), X(ipa), X(ipfn), X(e ? e->pfn : BOOTOPS_INVALID64));
	else if (e && impl_s2_kind(vmid, ipa) != e->attr)
		mismatch("s2.kind", "vm %llu stage 2 at 0x%llx: impl kind %llu, model kind %llu",
			 X(vmid), X(ipa), X(impl_s2_kind(vmid, ipa)), X(e->attr));
}

struct walk_ctx {
	u64 id;
	u64 count;
};

static void s2_leaf(u64 ipa, u64 pfn, bool device, void *arg)
{
	struct walk_ctx *w = arg;
	const struct m_map *e = m_vec_find(&M.vm[w->id].s2, ipa);

	w->count++;
	if (!e || e->pfn != pfn || impl_s2_kind(w->id, ipa) != e->attr)
		mismatch("s2.map", "vm %llu stage 2 at 0x%llx: impl pfn 0x%llx kind %llu, model %s 0x%llx",
			 X(w->id), X(ipa), X(pfn), X(impl_s2_kind(w->id, ipa)),
			 e ? "pfn" : "nothing", X(e ? e->pfn : 0));
}

static void cmp_s2_all(u64 vmid)
{
	struct walk_ctx w = { .id = vmid };

	if (vmid > M_MAX_VMS)
		return;
	sim_s2_walk((u32)vmid, s2_leaf, &w);
	if (w.count != M.vm[vmid].s2.n)
		mismatch("s2.count", "vm %llu stage 2 pages: impl %llu, model %llu",
			 X(vmid), X(w.count), X(M.vm[vmid].s2.n));
}

/* The model's mapping as the platform's SMMU walks it (stage 1 on the modelled SMMUv3). */
static u64 smmu_pte(const struct m_map *e)
{
	return bootops_plat_smmu_pte(e->pfn << 12, e->attr);
}

static void cmp_bank_owners(void)
{
	u64 i, c;

	for (i = 0; i < M_NSMMU; i++) {
		for (c = 0; c < M_NCB; c++) {
			const struct bootops_smmu_bank *ib = &bootops_state.smmu[i][c];
			char b1[16], b2[16];

			if (ib->owner != M.bank[i][c].owner)
				mismatch("smmu.owner", "smmu %llu bank %llu owner: impl %s, model %s",
					 X(i), X(c), owner_name(ib->owner, b1),
					 owner_name(M.bank[i][c].owner, b2));
			else if (sim_smmu_root((u32)i, (u32)c) != ib->pgt.root_pa)
				mismatch("smmu.root", "smmu %llu bank %llu: hardware walks 0x%llx, table is 0x%llx",
					 X(i), X(c), X(sim_smmu_root((u32)i, (u32)c)), X(ib->pgt.root_pa));
		}
	}
}

/* The bank's stream, on the modelled SMMU (index 0), reaches what the model maps, only. */
static void cmp_bank_dma(u64 sid, u64 iova, const struct m_map *e)
{
	u64 pa = 0;
	int ret = sim_smmu_dma((u32)sid, iova, false, &pa);

	if (e ? ret || pa != e->pfn << 12 : !ret)
		mismatch("dma.bank", "bank %llu iova 0x%llx: the stream %s 0x%llx, model maps %s0x%llx",
			 X(sid), X(iova), ret ? "faults, pa" : "reaches", X(pa),
			 e ? "pfn " : "nothing, ", X(e ? e->pfn : 0));
}

static void cmp_bank_at(u64 bank, u64 iova)
{
	u64 i = bank / M_NCB, c = bank % M_NCB, ipte, mpte;
	const struct m_map *e;

	if (i >= M_NSMMU || iova >> M_IOVA_BITS)
		return;
	iova &= ~(M_PAGE - 1);
	e = m_vec_find(&M.bank[i][c].map, iova);
	ipte = bootops_pgt_lookup(&bootops_state.smmu[i][c].pgt, iova);
	mpte = e ? smmu_pte(e) : 0;
	if (ipte != mpte)
		mismatch("smmu.map", "smmu %llu bank %llu iova 0x%llx: impl pte 0x%llx, model pte 0x%llx",
			 X(i), X(c), X(iova), X(ipte), X(mpte));
	else if (!i && M.bank[i][c].owner != M_OWNER_NONE)
		cmp_bank_dma(c, iova, e);
}

static void bank_leaf(u64 iova, u64 pte, void *arg)
{
	struct walk_ctx *w = arg;
	const struct m_map *e = m_vec_find(&M.bank[w->id / M_NCB][w->id % M_NCB].map, iova);

	w->count++;
	if (!e || smmu_pte(e) != pte)
		mismatch("smmu.map", "smmu %llu bank %llu iova 0x%llx: impl pte 0x%llx, model pte 0x%llx",
			 X(w->id / M_NCB), X(w->id % M_NCB), X(iova), X(pte), X(e ? smmu_pte(e) : 0));
}

static void cmp_bank_all(u64 bank)
{
	struct walk_ctx w = { .id = bank };
	u64 i = bank / M_NCB, c = bank % M_NCB;

	bootops_pgt_walk(&bootops_state.smmu[i][c].pgt, bank_leaf, &w);
	if (w.count != M.bank[i][c].map.n)
		mismatch("smmu.count", "smmu %llu bank %llu mappings: impl %llu, model %llu",
			 X(i), X(c), X(w.count), X(M.bank[i][c].map.n));
}

static void cmp_remap_count(void)
{
	if (sim_remap_count() != M.remapped)
		mismatch("remap.count", "pages mapped in the remap area: impl %llu, model %llu",
			 X(sim_remap_count()), X(M.remapped));
}

/* The slots of every declared image are in use, and no others. */
static void cmp_remap_bitmap(void)
{
	static u64 want[BOOTOPS_REMAP_WORDS];
	u64 v, i, k;

	memset(want, 0, sizeof(want));
	for (v = 1; v <= M_MAX_VMS; v++) {
		const struct m_vm *vm = &M.vm[v];

		if (vm->state == BOOTOPS_VM_UNUSED)
			continue;
		for (i = 0; i < vm->nload; i++)
			for (k = 0; vm->load[i].remap_start != M_REMAP_UNKNOWN &&
				    k < vm->load[i].npages; k++) {
				u64 s = vm->load[i].remap_start + k;

				want[s / 64] |= 1ULL << (s % 64);
			}
	}
	for (i = 0; i < BOOTOPS_REMAP_WORDS; i++)
		if (want[i] != bootops_state.remap_used[i]) {
			mismatch("remap.slots", "remap slots %llu..%llu: impl used 0x%llx, images hold 0x%llx",
				 X(i * 64), X(i * 64 + 63), X(bootops_state.remap_used[i]), X(want[i]));
			return;
		}
}

static void cmp_full(void)
{
	static const u64 not_ram[] = {
		0, 1, SIM_MMIO_PFN, SIM_MMIO_PFN + 2, SIM_HYP_PFN - 1,
		SIM_HYP_PFN + SIM_MEM_PAGES, ~0ULL,
	};
	u64 v, pfn, b;
	size_t i;

	for (v = 1; v <= M_MAX_VMS && !failed; v++) {
		cmp_vm(v, true, 0);
		cmp_s2_all(v);
	}
	cmp_s2_all(0);
	for (pfn = M_RAM_FIRST; pfn < M_RAM_FIRST + M_RAM_PAGES && !failed; pfn++) {
		cmp_page(pfn);
		cmp_mem(pfn);
	}
	for (i = 0; i < sizeof(not_ram) / sizeof(not_ram[0]); i++)
		cmp_page(not_ram[i]);
	cmp_bank_owners();
	for (b = 0; b < M_NSMMU * M_NCB; b++)
		cmp_bank_all(b);
	cmp_remap_count();
	cmp_remap_bitmap();
	cmp_minima();
}

/* ---------------------------------------------------------------------- */
/* Running one step on both sides.                                         */

enum { STEP_OK, STEP_MISMATCH, STEP_EXHAUSTED };

static s64 impl_ret, model_ret;

static void step_sig(const struct step *s, u8 sig[M_SIG])
{
	u8 *buf;
	u64 k, len;

	if (s->sigkind == SIG_RANDOM) {
		fill_bytes(s->sig_seed, sig, M_SIG);
		return;
	}
	buf = calloc(STEP_SIGPFN, M_PAGE);
	for (k = 0; k < s->nsigpfn && k < STEP_SIGPFN; k++)
		if (m_is_ram(s->sigpfn[k]))
			memcpy(buf + k * M_PAGE, sim_page_bytes(s->sigpfn[k]), M_PAGE);
	len = s->sig_size < STEP_SIGPFN * M_PAGE ? s->sig_size : STEP_SIGPFN * M_PAGE;
	m_sign_image(s->sig_addr, len, buf, sig);
	free(buf);
}

/* search_load_info's hyp address -> the physical address behind it. */
static u64 remap_va_to_pa(u64 va)
{
	u64 base = (u64)(unsigned long)bootops_plat_remap_va(0), slot, pfn;

	if (!va)
		return 0;
	if (va < base || va - base >= M_REMAP_PAGES * M_PAGE)
		return 1;	/* not a remap-area address: never a model answer */
	slot = (va - base) / M_PAGE;
	pfn = bootops_plat_remap_pfn(slot);
	if (pfn == BOOTOPS_INVALID64)
		return 2;	/* an unmapped slot: never a model answer */
	return pfn * M_PAGE + (va - base) % M_PAGE;
}

static u64 smmu_pte_pfn(u64 pte)
{
	return (pte >> 12) & ((1ULL << 36) - 1);
}

static void put_le(u8 *p, u64 v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(v >> (8 * i));
}

/* SHA-256 of an image's first l->size bytes in its pages l->pfn[]. */
static void manifest_digest(const struct m_load *l, u8 out[32])
{
	mbedtls_sha256_context ctx;
	u64 k, left = l->size;

	mbedtls_sha256_init(&ctx);
	mbedtls_sha256_starts_ret(&ctx, 0);
	for (k = 0; k < l->npages && left; k++) {
		u64 n = left < M_PAGE ? left : M_PAGE;

		if (m_is_ram(l->pfn[k]))
			mbedtls_sha256_update_ret(&ctx, sim_page_bytes(l->pfn[k]), n);
		left -= n;
	}
	mbedtls_sha256_finish_ret(&ctx, out);
	mbedtls_sha256_free(&ctx);
}

/*
 * A manifest for VM vmid's images as they are declared and lent now, the
 * way a VMM would make it, then changed as the variant bits say:
 *   [1:0] key 1, 2, 0 (the image key) or 3 (none)  [2] signed by another key
 *   [4:3] as declared, last image left out, one added, first one moved
 *   [5] image 0's digest flipped  [7:6] secver: the minimum, +1, -1, random
 *   [8] private memory  [9] raise the minimum  [10] entry in image 0
 *   [11] entry anywhere  [13:12] bad magic, reserved byte, unknown flag
 *   [14] images 0 and 1 swapped
 * Returns its length.
 */
static u64 make_manifest(u64 vmid, u64 v, u64 seed, u8 *b)
{
	static const u32 keys[4] = { 1, 2, 0, 3 };
	const struct m_vm *vm = vmid >= 1 && vmid <= M_MAX_VMS ? &M.vm[vmid] : NULL;
	u32 key = keys[v & 3], nr = vm ? vm->nload : 0, i;
	u64 min = m_manifest_min(&M, key == 2 ? 2 : 1), len;
	u8 tmp[48], hash[32];

	memset(b, 0, 64 + 48 * 6 + 64);
	memcpy(b, "BOOTMAN1", 8);
	for (i = 0; i < nr; i++) {
		const struct m_load *l = &vm->load[i];
		u8 *img = b + 64 + 48 * i;
		struct m_load part = *l;

		put_le(img, l->load_addr, 8);
		put_le(img + 8, l->size, 8);
		/* The bytes of the pages lent so far, as a VMM would hash its copy. */
		part.npages = l->npfn;
		part.size = l->npfn * M_PAGE < l->size ? l->npfn * M_PAGE : l->size;
		manifest_digest(&part, img + 16);
	}
	switch (v >> 3 & 3) {
	case 1: nr -= !!nr; break;
	case 2: put_le(b + 64 + 48 * nr, 0x40000000ULL + seed % 64 * M_PAGE, 8);
		put_le(b + 64 + 48 * nr + 8, 1 + seed % (2 * M_PAGE), 8);
		nr++;
		break;
	case 3: put_le(b + 64, (bootops_get_le(b + 64, 8) + (seed & 1 ? M_PAGE : 0)), 8);
		put_le(b + 72, bootops_get_le(b + 72, 8) + !(seed & 1), 8);
		break;
	}
	if (v & 32)
		b[64 + 16] ^= 1;
	if ((v & (1 << 14)) && nr >= 2) {
		memcpy(tmp, b + 64, 48);
		memcpy(b + 64, b + 112, 48);
		memcpy(b + 112, tmp, 48);
	}
	put_le(b + 8, key, 4);
	put_le(b + 12, nr, 4);
	switch (v >> 6 & 3) {
	case 0: put_le(b + 16, min, 8); break;
	case 1: put_le(b + 16, min + 1, 8); break;
	case 2: put_le(b + 16, min - !!min, 8); break;
	default: put_le(b + 16, seed % 8, 8); break;
	}
	put_le(b + 24, (v >> 8 & 3), 8);
	if (v & (1 << 10))
		put_le(b + 32, bootops_get_le(b + 64, 8) + seed % M_PAGE, 8);
	else if (v & (1 << 11))
		put_le(b + 32, seed, 8);
	switch (v >> 12 & 3) {
	case 1: b[0] ^= 0x20; break;
	case 2: b[40 + seed % 24] = 1; break;
	case 3: b[24 + 7] = 0x80; break;
	}
	len = 64 + 48 * (u64)nr;
	mbedtls_sha256_ret(b, len, hash, 0);
	crypto_fast_sign(v & 4 ? key + 1 : key, hash, b + len);
	return len + M_SIG;
}

static int run_step(const struct step *s)
{
	u8 sig[M_SIG], ibuf[M_PAGE], mbuf[M_PAGE], man[64 + 48 * 6 + 64];
	const u64 *a = s->a;
	bool bank_ids = a[0] <= M_MAX_VMS && a[1] < M_NCB && a[2] < M_NSMMU;
	u64 i;

	if (sim_hyp_free_pages() < 16)
		return STEP_EXHAUSTED;	/* the model does not model table memory */
	m_clear_dirty(&M);
	M.cpu = s->cpu;
	sim_set_cpu(s->cpu);
	if (s->fault && s->op == OP_REMAP) {
		sim_fail_remap_after(0);
		M.remap_fail = true;
	} else if (s->fault) {
		sim_fail_tables_after(0);
		M.tables_fail = true;
	}

	switch (s->op) {
	case OP_REGISTER_KVM:
		/* a[2]: the platform picks the vmid (a[1]), as pKVM does. */
		if (a[2]) {
			impl_ret = bootops_register_kvm_at(a[1], a[0], record_pfn(a[3]));
			model_ret = m_register_kvm_at(&M, a[1], a[0], record_err(a[3]));
			break;
		}
		impl_ret = bootops_register_kvm(a[0], record_pfn(a[3]));
		model_ret = m_register_kvm(&M, a[0], record_err(a[3]));
		break;
	case OP_REGISTER_VCPU:
		impl_ret = bootops_register_vcpu(a[0], a[1], a[2]);
		model_ret = m_register_vcpu(&M, a[0], a[1], a[2]);
		break;
	case OP_SET_ACTIVE:
		impl_ret = bootops_set_vcpu_active(a[0], a[1]);
		model_ret = m_set_vcpu_active(&M, a[0], a[1]);
		break;
	case OP_SET_INACTIVE:
		impl_ret = bootops_set_vcpu_inactive(a[0], a[1]);
		model_ret = m_set_vcpu_inactive(&M, a[0], a[1]);
		break;
	case OP_TAKE_RESET:
		impl_ret = bootops_vcpu_take_reset(a[0], a[1]);
		model_ret = m_vcpu_take_reset(&M, a[0], a[1]);
		break;
	case OP_FIRST_RUN: {
		struct bootops_vcpu_entry ie = { .pc = a[2] };
		struct m_entry me = { .pc = a[2] };

		impl_ret = bootops_vcpu_first_run(a[0], a[1], &ie);
		model_ret = m_vcpu_first_run(&M, a[0], a[1], &me);
		if (impl_ret == 1 && model_ret == 1 &&
		    (ie.pc != me.pc || ie.psci != me.psci || (me.psci && ie.ctx != me.ctx)))
			mismatch("entry", "vm %llu vcpu %llu entry: impl 0x%llx/0x%llx/%d, model 0x%llx/0x%llx/%d",
				 X(a[0]), X(a[1]), X(ie.pc), X(ie.ctx), ie.psci,
				 X(me.pc), X(me.ctx), me.psci);
		break;
	}
	case OP_CPU_ON:
		impl_ret = bootops_vcpu_cpu_on(a[0], a[1], a[2], a[3], a[4]);
		model_ret = m_vcpu_cpu_on(&M, a[0], a[1], a[2], a[3], a[4]);
		break;
	case OP_CPU_OFF:
		impl_ret = bootops_vcpu_cpu_off(a[0], a[1]);
		model_ret = m_vcpu_cpu_off(&M, a[0], a[1]);
		break;
	case OP_SYSTEM_OFF:
		impl_ret = bootops_vcpu_system_off(a[0], a[1]);
		model_ret = m_vcpu_system_off(&M, a[0], a[1]);
		break;
	case OP_POWER:
		impl_ret = bootops_vcpu_power(a[0], a[1]);
		model_ret = m_vcpu_power(&M, a[0], a[1]);
		break;
	case OP_REQUIRE:
		impl_ret = bootops_require_images(a[0]);
		model_ret = m_require_images(&M, a[0]);
		break;
	case OP_TEARDOWN:
		impl_ret = bootops_teardown_vm(a[0]);
		model_ret = m_teardown_vm(&M, a[0]);
		break;
	case OP_SET_BOOT_INFO:
		step_sig(s, sig);
		impl_ret = bootops_set_boot_info(a[0], a[1], a[2], sig);
		model_ret = m_set_boot_info(&M, a[0], a[1], a[2], sig);
		if (impl_ret == model_ret && model_ret >= 0 &&
		    !m_resolve_remap(&M, a[0], (u64)model_ret,
				     impl_vm(a[0])->load[model_ret].remap_slot))
			mismatch("remap.run", "vm %llu load %lld: the remap run chosen (slot %llu) is not free",
				 X(a[0]), (long long)model_ret,
				 X(impl_vm(a[0])->load[model_ret].remap_slot));
		break;
	case OP_REMAP:
		impl_ret = bootops_remap_vm_image(a[0], a[1], a[2]);
		model_ret = m_remap_vm_image(&M, a[0], a[1], a[2]);
		break;
	case OP_VERIFY:
		/* The model decides the signatures first, on the bytes as they are. */
		model_ret = m_verify_and_load_images(&M, a[0]);
		impl_ret = bootops_verify_and_load_images(a[0]);
		break;
	case OP_SEARCH:
		impl_ret = (s64)remap_va_to_pa(sim_search_load_info(a[0], a[1]));
		model_ret = (s64)m_search_load_info(&M, a[0], a[1]);
		break;
	case OP_MAP_IO:
		impl_ret = bootops_map_io(a[0], a[1], a[2]);
		model_ret = m_map_io(&M, a[0], a[1], a[2]);
		break;
	case OP_ALLOC_SMMU:
		impl_ret = bootops_alloc_smmu(a[0], a[1], a[2]);
		model_ret = m_alloc_smmu(&M, a[0], a[1], a[2]);
		break;
	case OP_ASSIGN_SMMU:
		impl_ret = bootops_assign_smmu(a[0], a[1], a[2]);
		model_ret = m_assign_smmu(&M, a[0], a[1], a[2]);
		break;
	case OP_MAP_SMMU:
		impl_ret = bootops_map_smmu(a[0], a[1], a[2], a[3], a[4]);
		model_ret = m_map_smmu(&M, a[0], a[1], a[2], a[3], a[4]);
		break;
	case OP_CLEAR_SMMU:
		impl_ret = bootops_clear_smmu(a[0], a[1], a[2], a[3]);
		model_ret = m_clear_smmu(&M, a[0], a[1], a[2], a[3]);
		break;
	case OP_SHARE:
		impl_ret = bootops_share_guest_page(a[0], a[1], a[2]);
		model_ret = m_share_guest_page(&M, a[0], a[1], a[2]);
		break;
	case OP_DONATE:
		impl_ret = bootops_donate_guest_page(a[0], a[1], a[2]);
		model_ret = m_donate_guest_page(&M, a[0], a[1], a[2]);
		break;
	case OP_UNSHARE:
		impl_ret = bootops_unshare_guest_page(a[0], a[1]);
		model_ret = m_unshare_guest_page(&M, a[0], a[1]);
		break;
	case OP_HOST_WRITE: {
		u64 len = a[2] <= M_PAGE ? a[2] : M_PAGE;

		fill_bytes(a[3], ibuf, len);
		impl_ret = sim_host_write(a[0], a[1], ibuf, a[2]);
		model_ret = m_host_write(&M, a[0], a[1], ibuf, a[2]);
		break;
	}
	case OP_SET_MANIFEST: {
		u64 len = make_manifest(a[0], a[2], a[3], man);

		/* The host writes it where it can; a page it cannot write keeps its bytes. */
		sim_host_write(a[1], 0, man, len);
		m_host_write(&M, a[1], 0, man, len);
		impl_ret = bootops_set_manifest(a[0], a[1]);
		model_ret = m_set_manifest(&M, a[0], a[1]);
		break;
	}
	case OP_RAISE_MIN:
		impl_ret = a[0] >> 32 ? -ENOKEY : bootops_manifest_raise_min((u32)a[0], a[1]);
		model_ret = m_manifest_raise_min(&M, a[0], a[1]);
		break;
	case OP_ATTEST: {
		u64 len, pfn = ~0ULL;

		impl_ret = bootops_attest(a[0], a[1], a[2], &len);
		model_ret = m_attest(&M, a[0], a[1], a[2], &pfn);
		/* The report is in the guest's page: the model takes its bytes as written. */
		if (!impl_ret && !model_ret)
			m_guest_wrote(&M, pfn, sim_page_bytes(pfn));
		break;
	}
	case OP_HOST_READ: {
		u64 len = a[2] <= M_PAGE ? a[2] : M_PAGE;

		memset(ibuf, 0x5a, sizeof(ibuf));
		memset(mbuf, 0x5a, sizeof(mbuf));
		impl_ret = sim_host_read(a[0], a[1], ibuf, a[2]);
		model_ret = m_host_read(&M, a[0], a[1], mbuf, a[2]);
		if (!impl_ret && !model_ret && memcmp(ibuf, mbuf, len))
			mismatch("host.read", "host read of page 0x%llx returned other bytes than the model's",
				 X(a[0]));
		break;
	}
	}

	if (s->fault) {
		sim_fail_remap_after(-1);
		sim_fail_tables_after(-1);
		M.remap_fail = M.tables_fail = false;
	}
	/* No table memory: -ENOMEM is allowed where the document puts it. */
	if (M.alt_enomem && impl_ret == -ENOMEM && model_ret != -ENOMEM) {
		m_undo_alt_enomem(&M);
		model_ret = -ENOMEM;
	}

	/* What the step may have changed; see the comment at the top. */
	if (impl_ret != model_ret)
		mismatch(op_name[s->op], "%s returned %lld (0x%llx), model %lld (0x%llx)",
			 op_name[s->op], (long long)impl_ret, X(impl_ret),
			 (long long)model_ret, X(model_ret));
	cmp_remap_count();
	cmp_bank_owners();
	switch (s->op) {
	case OP_REGISTER_KVM:
		if (a[2] && a[1] >= 1 && a[1] <= M_MAX_VMS)
			cmp_vm(a[1], true, 0);
		if (a[2])
			break;
		if (model_ret > 0)
			cmp_vm((u64)model_ret, true, 0);
		if (impl_ret > 0 && impl_ret <= M_MAX_VMS)
			cmp_vm((u64)impl_ret, true, 0);
		break;
	case OP_REGISTER_VCPU: case OP_SET_ACTIVE: case OP_SET_INACTIVE: case OP_TAKE_RESET:
	case OP_FIRST_RUN: case OP_CPU_OFF: case OP_POWER:
		cmp_vm_named(a[0], false, a[1]);
		break;
	case OP_CPU_ON: case OP_SYSTEM_OFF:
		cmp_vm_named(a[0], true, 0);
		break;
	case OP_REQUIRE:
		cmp_vm_named(a[0], false, 0);
		break;
	case OP_TEARDOWN:
		cmp_vm_named(a[0], true, 0);
		cmp_s2_all(a[0]);
		break;
	case OP_VERIFY:
		cmp_vm_named(a[0], false, 0);
		cmp_s2_all(a[0]);
		break;
	case OP_SET_BOOT_INFO: case OP_SEARCH:
		cmp_vm_named(a[0], false, 0);
		break;
	case OP_REMAP:
		cmp_vm_named(a[0], false, 0);
		cmp_page(a[1]);
		break;
	case OP_MAP_IO:
		cmp_vm_named(a[0], false, 0);
		cmp_s2_at(a[0], a[1]);
		break;
	case OP_ASSIGN_SMMU:
		cmp_vm_named(a[0], false, 0);
		cmp_page(a[1]);
		if (!(a[2] >> 40))
			cmp_s2_at(a[0], a[2] << 12);
		break;
	case OP_ALLOC_SMMU:
		cmp_vm_named(a[0], false, 0);
		if (bank_ids)
			cmp_bank_all(a[2] * M_NCB + a[1]);
		break;
	case OP_MAP_SMMU: case OP_CLEAR_SMMU:
		cmp_vm_named(a[0], false, 0);
		if (bank_ids)
			cmp_bank_at(a[2] * M_NCB + a[1], a[3]);
		if (s->op == OP_MAP_SMMU)
			cmp_page(smmu_pte_pfn(a[4]));
		break;
	case OP_SHARE: case OP_DONATE: case OP_UNSHARE:
		cmp_vm_named(a[0], false, 0);
		cmp_s2_at(a[0], a[1]);
		if (s->op != OP_UNSHARE)
			cmp_page(a[2]);
		break;
	case OP_SET_MANIFEST:
		cmp_vm_named(a[0], false, 0);
		cmp_page(a[1]);
		cmp_mem(a[1]);
		break;
	case OP_RAISE_MIN:
		break;
	case OP_ATTEST:
		cmp_vm_named(a[0], false, 0);
		cmp_s2_at(a[0], a[2]);
		break;
	case OP_HOST_WRITE: case OP_HOST_READ:
		cmp_page(a[0]);
		cmp_mem(a[0]);
		/* A refused access is counted against the page's VM. */
		if (m_page_of(&M, a[0]).owner >= 1 && m_page_of(&M, a[0]).owner <= M_MAX_VMS)
			cmp_vm(m_page_of(&M, a[0]).owner, false, 0);
		break;
	}
	for (i = 0; i < M.dpage.n; i++)
		cmp_page(M.dpage.e[i][0]);
	for (i = 0; i < M.ds2.n; i++)
		cmp_s2_at(M.ds2.e[i][0], M.ds2.e[i][1]);
	for (i = 0; i < M.dbank.n; i++)
		cmp_bank_at(M.dbank.e[i][0], M.dbank.e[i][1]);
	for (i = 0; i < M.dmem.n; i++)
		cmp_mem(M.dmem.e[i][0]);
	cmp_minima();
	return failed ? STEP_MISMATCH : STEP_OK;
}

/* Both abstract records of a VM, for a failure report. */
static void dump_vm(FILE *f, u64 vmid)
{
	const struct bootops_vm_info *iv = impl_vm(vmid);
	const struct m_vm *mv = &M.vm[vmid];
	u64 i, k;

	fprintf(f, "  vm %llu: impl %s handle 0x%llx, %u images | model %s handle 0x%llx, %u images\n",
		X(vmid), vm_state_name(iv->state), X(iv->kvm_handle), iv->nr_load,
		vm_state_name(mv->state), X(mv->kvm), mv->nload);
	for (i = 0; i < mv->nload || (i < iv->nr_load && i < M_MAX_LOAD); i++) {
		fprintf(f, "    load %llu: impl [0x%llx,+0x%llx) %llu pages:", X(i),
			X(iv->load[i].load_addr), X(iv->load[i].size), X(iv->load[i].mapped_pages));
		for (k = 0; k < iv->load[i].mapped_pages && k < 8; k++)
			fprintf(f, " 0x%llx", X(bootops_plat_remap_pfn(iv->load[i].remap_slot + k)));
		if (i < mv->nload) {
			fprintf(f, " | model [0x%llx,+0x%llx) %llu pages:", X(mv->load[i].load_addr),
				X(mv->load[i].size), X(mv->load[i].npfn));
			for (k = 0; k < mv->load[i].npfn && k < 8; k++)
				fprintf(f, " 0x%llx", X(mv->load[i].pfn[k]));
		}
		fprintf(f, "\n");
	}
	for (i = 0; i < M_MAX_VCPUS; i++)
		if (iv->vcpu[i].state || mv->vcpu[i].state)
			fprintf(f, "    vcpu %llu: impl state %u cpu %u reset %u | model state %u cpu %u reset %u\n",
				X(i), iv->vcpu[i].state, iv->vcpu[i].active_cpu, iv->vcpu[i].need_reset,
				mv->vcpu[i].state, mv->vcpu[i].cpu, mv->vcpu[i].reset);
	fprintf(f, "    stage 2: impl %llu pages, model %llu pages\n",
		X(sim_s2_count((u32)vmid)), X(mv->s2.n));
}

static void report_failure(FILE *f, const struct step *s, u64 idx)
{
	fprintf(f, "MISMATCH at step %llu: ", X(idx));
	if (s)
		print_step(f, s);
	fprintf(f, "\n  impl returned %lld, model %lld\n  [%s] %s\n",
		(long long)impl_ret, (long long)model_ret, fail_cat, fail_msg);
	if (s && op_has_vmid(s->op) && s->a[0] >= 1 && s->a[0] <= M_MAX_VMS)
		dump_vm(f, s->a[0]);
	else if (s && s->op == OP_REGISTER_KVM && model_ret > 0)
		dump_vm(f, (u64)model_ret);
}

/* ---------------------------------------------------------------------- */
/* The generator: random steps, biased towards deep states.                */

#define NAGENT		3
#define QCAP		640

struct queue {
	struct step s[QCAP];
	u32 head, n;
	u64 vmid;		/* the VM this agent is booting */
};

static struct queue agentq[NAGENT + 1];	/* [NAGENT]: mass register/teardown */

static void q_push(struct queue *q, const struct step *s)
{
	if (q->n < QCAP)
		q->s[(q->head + q->n++) % QCAP] = *s;
}

static struct step q_pop(struct queue *q)
{
	struct step s = q->s[q->head];

	if (!q->n) {
		fprintf(stderr, "refine: generator popped an empty queue\n");
		abort();
	}

	q->head = (q->head + 1) % QCAP;
	q->n--;
	return s;
}

static bool vm_busy(u64 vmid)
{
	int i;

	for (i = 0; i < NAGENT; i++)
		if (agentq[i].n && agentq[i].vmid == vmid)
			return true;
	return false;
}

static struct step mk(u8 op, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4)
{
	struct step s;

	memset(&s, 0, sizeof(s));
	s.op = op;
	s.cpu = (u8)rn(NCPU);
	s.a[0] = a0; s.a[1] = a1; s.a[2] = a2; s.a[3] = a3; s.a[4] = a4;
	return s;
}

/* Live VMs in a state (or any live one for state < 0), lowest first. */
static u64 pick_vm(int state, bool not_busy)
{
	u64 cand[M_MAX_VMS], n = 0, v;

	for (v = 1; v <= M_MAX_VMS; v++) {
		u32 st = M.vm[v].state;

		if (st == BOOTOPS_VM_UNUSED || (state >= 0 && st != (u32)state))
			continue;
		if (not_busy && vm_busy(v))
			continue;
		cand[n++] = v;
	}
	if (!n)
		return 0;
	/* Mostly the lowest few: the rest exist to fill the vmid table. */
	return cand[chance(850) ? rn(n < 8 ? n : 8) : rn(n)];
}

static u64 count_live(void)
{
	u64 v, n = 0;

	for (v = 1; v <= M_MAX_VMS; v++)
		n += M.vm[v].state != BOOTOPS_VM_UNUSED;
	return n;
}

static const u64 hostile_u64[] = {
	0, 1ULL << 31, 0xffffffffULL, 1ULL << 32, (1ULL << 32) + 1, (1ULL << 32) + 2,
	1ULL << 63, ~0ULL, ~0ULL - 1, 0x100000000ULL + M_MAX_VMS,
};

static u64 hostile(void)
{
	return hostile_u64[rn(sizeof(hostile_u64) / sizeof(hostile_u64[0]))];
}

static u64 any_vmid(void)
{
	u64 v;

	if (chance(780) && (v = pick_vm(-1, false)))
		return v;
	switch (rn(6)) {
	case 0: return 1 + rn(8);
	case 1: return M_MAX_VMS - rn(2);
	case 2: return M_MAX_VMS + 1;
	case 3: return 0;
	case 4: return (1ULL << 32) + 1 + rn(3);	/* aliases a low vmid if truncated */
	default: return hostile();
	}
}

static u64 any_vcpuid(void)
{
	if (chance(800))
		return rn(4);
	switch (rn(5)) {
	case 0: return 4 + rn(4);
	case 1: return M_MAX_VCPUS - 1;
	case 2: return M_MAX_VCPUS + rn(2);
	case 3: return (1ULL << 32) + rn(2);
	default: return hostile();
	}
}

static u64 free_host_pfn(void)
{
	int t;

	for (t = 0; t < 32; t++) {
		u64 pfn = M_HOST_FIRST + rn(M_HOST_PAGES);

		if (m_host_exclusive(&M, pfn))
			return pfn;
	}
	return M_HOST_FIRST + rn(M_HOST_PAGES);
}

static u64 claimed_pfn(void)
{
	u64 v = pick_vm(BOOTOPS_VM_READY, false), i;

	if (!v)
		return free_host_pfn();
	for (i = 0; i < M.vm[v].nload; i++)
		if (M.vm[v].load[i].npfn)
			return M.vm[v].load[i].pfn[rn(M.vm[v].load[i].npfn)];
	return free_host_pfn();
}

static u64 vm_owned_pfn(void)
{
	u64 v = pick_vm(-1, false);

	if (v && M.vm[v].s2.n) {
		const struct m_map *e = &M.vm[v].s2.e[rn(M.vm[v].s2.n)];

		if (!e->attr)
			return e->pfn;
	}
	return free_host_pfn();
}

static u64 pinned_pfn(void)
{
	u64 i, c;

	for (i = 0; i < M_NSMMU; i++)
		for (c = 0; c < M_NCB; c++)
			if (M.bank[i][c].owner == M_OWNER_HOST && M.bank[i][c].map.n && chance(500))
				return M.bank[i][c].map.e[rn(M.bank[i][c].map.n)].pfn;
	return free_host_pfn();
}

static u64 any_pfn(void)
{
	static const u64 absent[] = {
		0, 1, SIM_MMIO_PFN - 1, SIM_MMIO_PFN + SIM_MMIO_PAGES, SIM_HYP_PFN - 1,
		SIM_RAM_PFN + SIM_RAM_PAGES, (1ULL << 36) | SIM_RAM_PFN, (1ULL << 36) + SIM_RAM_PFN + 5,
		1ULL << 52, (1ULL << 52) - 1, ~0ULL, ~0ULL >> 12, 1ULL << 32 | SIM_RAM_PFN,
	};
	u32 r = (u32)rn(100);

	if (r < 40)
		return free_host_pfn();
	if (r < 50)
		return M_HOST_FIRST + rn(M_HOST_PAGES);
	if (r < 58)
		return claimed_pfn();
	if (r < 66)
		return vm_owned_pfn();
	if (r < 71)
		return pinned_pfn();
	if (r < 79)
		return SIM_HYP_PFN + (chance(500) ? rn(3) : rn(SIM_HYP_PAGES));
	if (r < 90)
		return SIM_MMIO_PFN + (chance(400) ? rn(SIM_MMIO_HYP_PAGES) : rn(SIM_MMIO_PAGES));
	return absent[rn(sizeof(absent) / sizeof(absent[0]))];
}

/* Guest addresses come from four 2 MiB windows, so page tables stay few. */
static const u64 gpa_window[] = {
	0, 1ULL << 30, 1ULL << 39, (1ULL << 40) - (2ULL << 20),
};

static u64 window_addr(u64 max_pages_after)
{
	u64 w = gpa_window[rn(4)];

	return w + rn(512 - max_pages_after) * M_PAGE;
}

static u64 any_gpa(void)
{
	static const u64 bad[] = {
		1ULL << 40, (1ULL << 40) - M_PAGE, ~0ULL & ~(M_PAGE - 1), ~0ULL, 1ULL << 48,
		1ULL << 52, 1ULL << 63, (1ULL << 40) - 1, (1ULL << 48) - M_PAGE,
	};

	if (chance(820))
		return window_addr(1);
	if (chance(400))
		return window_addr(1) + 1 + rn(M_PAGE - 1);
	return bad[rn(sizeof(bad) / sizeof(bad[0]))];
}

static u64 any_size(void)
{
	static const u64 bad[] = {
		0, M_MAX_IMAGE, M_MAX_IMAGE + 1, ~0ULL, ~0ULL - M_PAGE + 1, 1ULL << 63,
		64ULL << 20, 100ULL << 20, 128ULL << 20, (255ULL << 20) + 1, 1ULL << 40,
	};

	if (chance(750))
		return rn(4) * M_PAGE + 1 + rn(M_PAGE);
	if (chance(400))
		return (4 + rn(12)) * M_PAGE + rn(M_PAGE);
	return bad[rn(sizeof(bad) / sizeof(bad[0]))];
}

static u64 any_pte(u64 pfn)
{
	u64 attrs = rnd() & M_SMMU_ATTRS;
	u64 pte = (pfn << 12) | attrs;

	if (chance(300))	/* junk the host must not control */
		pte |= rnd() & ~(M_SMMU_ATTRS | 0x0000fffffffff000ULL);
	return pte;
}

/* An image the VM owner signed, written, declared and lent page by page. */
static void plan_image(struct queue *q, u64 vmid, u64 idx)
{
	u64 n = chance(800) ? 1 + rn(4) : 5 + rn(STEP_SIGPFN - 4), k, j, t;
	u64 size = (n - 1) * M_PAGE + 1 + rn(M_PAGE), la = 0;
	struct step s;

	s = mk(OP_SET_BOOT_INFO, vmid, 0, size, 0, 0);
	for (k = 0; k < n; k++) {
		u64 pfn = free_host_pfn();

		for (j = 0; j < k; j++)
			if (s.sigpfn[j] == pfn)
				pfn = free_host_pfn();
		s.sigpfn[k] = pfn;
	}
	s.nsigpfn = (u8)n;
	/* A load address clear of the VM's images and stage 2, usually. */
	for (t = 0; t < 8; t++) {
		bool clash = false;

		la = window_addr(n);
		for (j = 0; j < M.vm[vmid].nload; j++)
			clash |= la < M.vm[vmid].load[j].load_addr + M.vm[vmid].load[j].npages * M_PAGE &&
				 M.vm[vmid].load[j].load_addr < la + n * M_PAGE;
		for (j = 0; j < M.vm[vmid].s2.n; j++)
			clash |= M.vm[vmid].s2.e[j].addr - la < n * M_PAGE;
		if (!clash)
			break;
	}
	s.a[1] = la;
	s.sigkind = SIG_GOOD;
	s.sig_addr = la;
	s.sig_size = size;
	switch (rn(50)) {
	case 0: s.sigkind = SIG_RANDOM; s.sig_seed = rnd(); break;	/* wrong key */
	case 1: s.sig_addr = la + M_PAGE; break;			/* signed for elsewhere */
	case 2: s.sig_size = size - 1; break;				/* signed shorter */
	default: break;
	}
	for (k = 0; k < n; k++) {
		struct step w = mk(OP_HOST_WRITE, s.sigpfn[k], 0, M_PAGE, rnd(), 0);

		q_push(q, &w);
	}
	q_push(q, &s);
	for (k = 0; k < n; k++) {
		struct step r = mk(OP_REMAP, vmid, s.sigpfn[k], idx, 0, 0);

		q_push(q, &r);
	}
	if (chance(60)) {	/* tamper with a signed byte after declaring */
		u64 off = rn(size), len = 1 + rn(16);
		struct step w = mk(OP_HOST_WRITE, s.sigpfn[off / M_PAGE], off % M_PAGE,
				   len < M_PAGE - off % M_PAGE ? len : M_PAGE - off % M_PAGE, rnd(), 0);

		q_push(q, &w);
	} else if (chance(60) && size % M_PAGE) {	/* past the end: harmless */
		u64 off = size % M_PAGE + rn(M_PAGE - size % M_PAGE);
		struct step w = mk(OP_HOST_WRITE, s.sigpfn[n - 1], off, M_PAGE - off, rnd(), 0);

		q_push(q, &w);
	}
	if (chance(30)) {	/* one page too many */
		struct step r = mk(OP_REMAP, vmid, free_host_pfn(), idx, 0, 0);

		q_push(q, &r);
	}
}

/* Takes a READY VM from its vCPUs to verification. */
static void plan_boot(int agent, u64 vmid)
{
	struct queue *q = &agentq[agent];
	u64 k, nvcpu = 1 + rn(4), nimg, idx = M.vm[vmid].nload;
	struct step s;

	q->vmid = vmid;
	for (k = 0; k < nvcpu; k++) {
		if (M.vm[vmid].vcpu[k].state != BOOTOPS_VCPU_UNUSED)
			continue;
		s = mk(OP_REGISTER_VCPU, vmid, k, rnd(), 0, 0);
		q_push(q, &s);
	}
	if (chance(200)) {
		s = mk(OP_MAP_IO, vmid, window_addr(1),
		       (SIM_MMIO_PFN + SIM_MMIO_HYP_PAGES + rn(SIM_MMIO_PAGES - SIM_MMIO_HYP_PAGES)) * M_PAGE, 0, 0);
		q_push(q, &s);
	}
	if (chance(250)) {
		u64 gfn = window_addr(1) / M_PAGE, pfn = free_host_pfn();

		s = mk(OP_ASSIGN_SMMU, vmid, pfn, gfn, 0, 0);
		q_push(q, &s);
		if (chance(500)) {
			u64 cb = rn(M_NCB), ix = rn(M_NSMMU);

			s = mk(OP_ALLOC_SMMU, vmid, cb, ix, 0, 0);
			q_push(q, &s);
			s = mk(OP_MAP_SMMU, vmid, cb, ix, gfn * M_PAGE, any_pte(pfn));
			q_push(q, &s);
		}
	}
	if (chance(500)) {
		s = mk(OP_REQUIRE, vmid, 0, 0, 0, 0);
		q_push(q, &s);
	}
	nimg = chance(150) ? 0 : chance(750) ? 1 : 2 + rn(2);
	for (k = 0; k < nimg && idx + k < M_MAX_LOAD; k++)
		plan_image(q, vmid, idx + k);
	if (chance(300)) {	/* a manifest: mostly the owner's own, of key 1 or 2 */
		s = mk(OP_SET_MANIFEST, vmid, free_host_pfn(),
		       chance(600) ? (rn(2) | (chance(200) ? 1 << 9 : 0)) : rnd() & 0x7fff, rnd(), 0);
		q_push(q, &s);
	}
	if (chance(930)) {
		s = mk(OP_VERIFY, vmid, 0, 0, 0, 0);
		q_push(q, &s);
	}
}

/* Fill the vmid table to -ENOSPC, then empty it again. */
static void plan_fill(void)
{
	struct queue *q = &agentq[NAGENT];
	u64 v, n = M_MAX_VMS - count_live() + 2;
	struct step s;

	for (v = 0; v < n; v++) {
		s = mk(OP_REGISTER_KVM, rnd(), 0, 0, 0, 0);
		q_push(q, &s);
	}
	for (v = M_MAX_VMS; v > 8; v--) {
		s = mk(OP_TEARDOWN, v, 0, 0, 0, 0);
		q_push(q, &s);
	}
}

/* A vCPU of vmid in state st, or UNUSED-or-any if none. */
static u64 vcpu_in(u64 vmid, u8 st)
{
	u64 c[GEN_VCPUS], n = 0, i;

	for (i = 0; i < GEN_VCPUS; i++)
		if (M.vm[vmid].vcpu[i].state == st)
			c[n++] = i;
	return n ? c[rn(n)] : rn(GEN_VCPUS);
}

/* A share, donation or unshare on VM v: mostly fresh addresses and pages, some hostile. */
static struct step gen_guest_memory(u64 v)
{
	const struct m_vm *vm = &M.vm[v];
	u64 ipa = window_addr(1);

	if (vm->s2.n && chance(400))
		ipa = vm->s2.e[rn(vm->s2.n)].addr;	/* an image, MMIO, SMMU or shared page */
	else if (chance(100))
		ipa = any_gpa();
	if (chance(350)) {
		if (vm->s2.n && chance(700))
			ipa = vm->s2.e[rn(vm->s2.n)].addr;
		return mk(OP_UNSHARE, chance(950) ? v : any_vmid(), ipa, 0, 0, 0);
	}
	return mk(chance(500) ? OP_SHARE : OP_DONATE, chance(950) ? v : any_vmid(), ipa,
		  chance(600) ? free_host_pfn() : any_pfn(), 0, 0);
}

/* An address in, at the edges of or just outside one of the VM's images, or anywhere. */
static u64 near_image(const struct m_vm *vm)
{
	const struct m_load *l;

	if (!vm->nload || !chance(850))
		return rnd();
	l = &vm->load[rn(vm->nload)];
	switch (rn(4)) {
	case 0: return l->load_addr;
	case 1: return l->load_addr + l->size - 1;
	case 2: return chance(500) ? l->load_addr + l->size : l->load_addr - 1;
	default: return l->load_addr + rn(l->size);
	}
}

/* PSCI from an active vCPU, mostly on its own CPU, at the VM's vCPUs. */
static struct step gen_psci(u64 v)
{
	u64 c = vcpu_in(v, BOOTOPS_VCPU_ACTIVE), t = rn(GEN_VCPUS);
	struct step s;

	if (chance(700))
		t = vcpu_in(v, chance(500) ? BOOTOPS_VCPU_READY : BOOTOPS_VCPU_ACTIVE);

	switch (rn(8)) {
	case 0: case 1: case 2: case 3:
		s = mk(OP_CPU_ON, v, c, t, rnd(), rnd());
		break;
	case 4: case 5:
		s = mk(OP_CPU_OFF, v, c, 0, 0, 0);
		break;
	case 6:
		s = mk(chance(200) ? OP_SYSTEM_OFF : OP_POWER, v, chance(500) ? c : t, 0, 0, 0);
		break;
	default:
		s = mk(OP_POWER, v, t, 0, 0, 0);
		break;
	}
	if (chance(900))
		s.cpu = (u8)M.vm[v].vcpu[c].cpu;
	return s;
}

static struct step gen_verified(u64 v)
{
	u64 c;
	struct step s;
	const struct m_vm *vm = &M.vm[v];

	switch (rn(17)) {
	case 10: case 11:
		return gen_guest_memory(v);
	case 15: case 16:
		return gen_psci(v);
	case 0: case 1: case 2:
		return mk(OP_SET_ACTIVE, v, vcpu_in(v, BOOTOPS_VCPU_READY), 0, 0, 0);
	case 3: case 4: case 5:
		c = vcpu_in(v, BOOTOPS_VCPU_ACTIVE);
		s = mk(OP_SET_INACTIVE, v, c, 0, 0, 0);
		if (chance(850))
			s.cpu = (u8)vm->vcpu[c].cpu;
		return s;
	case 6:
		return mk(OP_SEARCH, v, near_image(vm), 0, 0, 0);
	case 7:
		/* Attestation by an active vCPU, into one of the VM's pages or not. */
		c = vcpu_in(v, BOOTOPS_VCPU_ACTIVE);
		s = mk(OP_ATTEST, v, c, vm->s2.n && chance(700) ? vm->s2.e[rn(vm->s2.n)].addr :
			  chance(500) ? near_image(vm) : any_gpa(), 0, 0);
		if (chance(900))
			s.cpu = (u8)vm->vcpu[c].cpu;
		return s;
	case 8:
		return mk(OP_TAKE_RESET, v, any_vcpuid(), 0, 0, 0);
	case 13: case 14:
		/* The run path: an active vCPU, mostly on its own CPU. */
		c = vcpu_in(v, BOOTOPS_VCPU_ACTIVE);
		s = mk(OP_FIRST_RUN, v, c, near_image(vm), 0, 0);
		if (chance(900))
			s.cpu = (u8)vm->vcpu[c].cpu;
		return s;
	default:
		switch (rn(4)) {
		case 0: return mk(OP_REGISTER_VCPU, v, any_vcpuid(), rnd(), 0, 0);
		case 1: return mk(OP_SET_BOOT_INFO, v, window_addr(1), M_PAGE, 0, 0);
		case 2: return chance(500) ? mk(OP_REQUIRE, v, 0, 0, 0, 0) :
			       mk(OP_MAP_IO, v, any_gpa(), (SIM_MMIO_PFN + 5) * M_PAGE, 0, 0);
		default: return mk(OP_VERIFY, v, 0, 0, 0, 0);
		}
	}
}

/* Teardown, or the inactive step it waits for. */
static struct step gen_teardown(u64 v)
{
	u64 i;
	struct step s;

	for (i = 0; i < M_MAX_VCPUS; i++) {
		if (M.vm[v].vcpu[i].state == BOOTOPS_VCPU_ACTIVE && chance(900)) {
			s = mk(OP_SET_INACTIVE, v, i, 0, 0, 0);
			s.cpu = (u8)M.vm[v].vcpu[i].cpu;
			return s;
		}
	}
	return mk(OP_TEARDOWN, v, 0, 0, 0, 0);
}

static struct step gen_smmu(void)
{
	u64 ix = rn(M_NSMMU), cb = rn(M_NCB), v;
	const struct m_bank *b = &M.bank[ix][cb];

	switch (rn(8)) {
	case 0:
		v = chance(500) ? 0 : any_vmid();
		if (chance(100))
			return mk(OP_ALLOC_SMMU, v, chance(500) ? M_NCB : hostile(),
				  chance(500) ? M_NSMMU : hostile(), 0, 0);
		return mk(OP_ALLOC_SMMU, v, cb, ix, 0, 0);
	case 1: case 2: case 3: {
		u64 iova = chance(850) ? window_addr(1) : any_gpa(), pfn;

		if (b->owner != M_OWNER_HOST && b->owner != M_OWNER_NONE &&
		    M.vm[b->owner].s2.n && chance(700)) {
			const struct m_map *e = &M.vm[b->owner].s2.e[rn(M.vm[b->owner].s2.n)];

			return mk(OP_MAP_SMMU, b->owner, cb, ix, e->addr,
				  any_pte(chance(850) ? e->pfn : any_pfn()));
		}
		pfn = chance(600) ? free_host_pfn() : any_pfn();
		v = b->owner == M_OWNER_NONE || chance(100) ? any_vmid() : b->owner;
		return mk(OP_MAP_SMMU, chance(900) ? v : 0, cb, ix, iova, any_pte(pfn));
	}
	case 4: case 5: {
		u64 iova = b->map.n && chance(800) ? b->map.e[rn(b->map.n)].addr : any_gpa();

		v = b->owner == M_OWNER_NONE || chance(100) ? any_vmid() : b->owner;
		return mk(OP_CLEAR_SMMU, v, cb, ix, iova, 0);
	}
	default:
		v = pick_vm(BOOTOPS_VM_READY, false);
		return mk(OP_ASSIGN_SMMU, v && chance(900) ? v : any_vmid(),
			  chance(600) ? free_host_pfn() : any_pfn(),
			  chance(850) ? window_addr(1) / M_PAGE :
			  chance(500) ? (1ULL << 28) : hostile(), 0, 0);
	}
}

static struct step gen_host(void)
{
	u64 pfn = chance(300) ? claimed_pfn() : chance(300) ? vm_owned_pfn() : any_pfn();
	u64 off, len;

	switch (rn(8)) {
	case 0:
		off = hostile() & 0x1fff;
		len = chance(500) ? M_PAGE + 1 : hostile();
		break;
	case 1: case 2: case 3:
		off = 0;
		len = M_PAGE;
		break;
	default:
		off = rn(M_PAGE);
		len = rn(M_PAGE - off + 1);
		break;
	}
	return mk(chance(750) ? OP_HOST_WRITE : OP_HOST_READ, pfn, off, len, rnd(), 0);
}

/* Any primitive with arguments from the hostile pools. */
static struct step gen_hostile(void)
{
	u64 v = any_vmid(), op = rn(OP_NR);

	switch (op) {
	case OP_REGISTER_KVM: return chance(500) ? mk(OP_REGISTER_KVM, rnd(), v, 1, rn(3), 0) :
					  mk(OP_REGISTER_KVM, rnd(), 0, 0, rn(3), 0);
	case OP_REGISTER_VCPU: return mk(OP_REGISTER_VCPU, v, any_vcpuid(), rnd(), 0, 0);
	case OP_SET_ACTIVE: return mk(OP_SET_ACTIVE, v, any_vcpuid(), 0, 0, 0);
	case OP_SET_INACTIVE: return mk(OP_SET_INACTIVE, v, any_vcpuid(), 0, 0, 0);
	case OP_TAKE_RESET: return mk(OP_TAKE_RESET, v, any_vcpuid(), 0, 0, 0);
	case OP_FIRST_RUN: return mk(OP_FIRST_RUN, v, any_vcpuid(), chance(500) ? any_gpa() : rnd(),
				     0, 0);
	case OP_TEARDOWN: return mk(OP_TEARDOWN, v, 0, 0, 0, 0);
	case OP_REQUIRE: return mk(OP_REQUIRE, v, 0, 0, 0, 0);
	case OP_CPU_ON: return mk(OP_CPU_ON, v, any_vcpuid(), any_vcpuid(), rnd(), rnd());
	case OP_CPU_OFF: case OP_SYSTEM_OFF: case OP_POWER:
		return mk(op, v, any_vcpuid(), 0, 0, 0);
	case OP_SET_BOOT_INFO: {
		struct step s = mk(OP_SET_BOOT_INFO, v, any_gpa(), any_size(), 0, 0);

		s.sig_seed = rnd();
		return s;
	}
	case OP_REMAP:
		return mk(OP_REMAP, v, any_pfn(), chance(800) ? rn(M_MAX_LOAD) :
			  chance(500) ? M_MAX_LOAD : hostile(), 0, 0);
	case OP_VERIFY: return mk(OP_VERIFY, v, 0, 0, 0, 0);
	case OP_SEARCH: return mk(OP_SEARCH, v, chance(500) ? any_gpa() : rnd(), 0, 0, 0);
	case OP_MAP_IO: {
		u64 pa = any_pfn() * M_PAGE;

		if (chance(100))
			pa |= 1 + rn(M_PAGE - 1);
		return mk(OP_MAP_IO, v, any_gpa(), pa, 0, 0);
	}
	case OP_SHARE: case OP_DONATE:
		return mk((u8)op, v, any_gpa(), any_pfn(), 0, 0);
	case OP_UNSHARE:
		return mk(OP_UNSHARE, v, any_gpa(), 0, 0, 0);
	case OP_ALLOC_SMMU: case OP_MAP_SMMU: case OP_CLEAR_SMMU: case OP_ASSIGN_SMMU: {
		struct step s = gen_smmu();

		if (chance(300))
			s.a[0] = any_vmid();
		if (chance(100))
			s.a[1] = chance(500) ? M_NCB : hostile();
		if (chance(100))
			s.a[2] = chance(500) ? M_NSMMU : hostile();
		return s;
	}
	case OP_SET_MANIFEST:
		return mk(OP_SET_MANIFEST, v, chance(700) ? free_host_pfn() : any_pfn(),
			  rnd() & 0x7fff, rnd(), 0);
	case OP_RAISE_MIN:
		return mk(OP_RAISE_MIN, chance(800) ? 1 + rn(2) : chance(500) ? rn(4) : hostile(),
			  chance(800) ? rn(6) : rnd(), 0, 0, 0);
	case OP_ATTEST:
		return mk(OP_ATTEST, v, any_vcpuid(), chance(500) ? any_gpa() : rnd(), 0, 0);
	default:
		return gen_host();
	}
}

static struct step gen_next(void)
{
	struct step s;
	u64 v, live = count_live();
	int i, busy = 0;

	if (agentq[NAGENT].n)
		return q_pop(&agentq[NAGENT]);
	for (i = 0; i < NAGENT; i++)
		busy += agentq[i].n != 0;
	/* Keep well clear of the end of table memory: the model does not see it. */
	if (sim_hyp_free_pages() < 400 && (v = pick_vm(-1, false)))
		return gen_teardown(v);
	if (busy && chance(600)) {
		do
			i = (int)rn(NAGENT);
		while (!agentq[i].n);
		s = q_pop(&agentq[i]);
		if (chance(20))
			s.cpu = (u8)rn(NCPU);
		return s;
	}
	/* Resumable calls go on, mostly at once, sometimes after other steps. */
	if ((v = pick_vm(BOOTOPS_VM_VERIFYING, false)) && chance(700))
		return mk(OP_VERIFY, v, 0, 0, 0, 0);
	if ((v = pick_vm(BOOTOPS_VM_DYING, false)) && chance(700))
		return mk(OP_TEARDOWN, v, 0, 0, 0, 0);
	if (live < 2 || (live < 6 && chance(30)))
		return chance(250) ? mk(OP_REGISTER_KVM, rnd(), 1 + rn(M_MAX_VMS), 1,
					chance(20) ? 1 + rn(2) : 0, 0) :
				     mk(OP_REGISTER_KVM, rnd(), 0, 0, chance(20) ? 1 + rn(2) : 0, 0);
	if (!rn(4000) && live < 10) {
		plan_fill();
		return q_pop(&agentq[NAGENT]);
	}
	switch (rn(22)) {
	case 0: case 1: case 2:
		/* An idle agent starts booting a READY VM. */
		for (i = 0; i < NAGENT; i++) {
			if (agentq[i].n)
				continue;
			v = pick_vm(BOOTOPS_VM_READY, true);
			if (!v)
				break;
			plan_boot(i, v);
			if (!agentq[i].n)
				break;
			return q_pop(&agentq[i]);
		}
		return mk(OP_REGISTER_KVM, rnd(), 0, 0, 0, 0);
	case 3: case 4: case 5: case 6: case 7:
		if ((v = pick_vm(BOOTOPS_VM_VERIFIED, false)))
			return gen_verified(v);
		return gen_hostile();
	case 8:
		if ((v = pick_vm(-1, true)) && (live > 3 || chance(400)))
			return gen_teardown(v);
		return gen_hostile();
	case 9:
		if ((v = pick_vm(BOOTOPS_VM_REJECTED, false)))
			return chance(500) ? gen_teardown(v) : gen_verified(v);
		return gen_hostile();
	case 10: case 11: case 12:
		s = gen_smmu();
		if (s.op != OP_ALLOC_SMMU && chance(40))
			s.fault = 1;
		if (s.op == OP_ALLOC_SMMU && chance(80))
			s.fault = 1;
		return s;
	case 13: case 14:
		return gen_host();
	case 15:
		if ((v = pick_vm(BOOTOPS_VM_READY, false))) {
			s = mk(OP_REMAP, v, any_pfn(), M.vm[v].nload ? rn(M.vm[v].nload) : 0, 0, 0);
			s.fault = chance(80);
			return s;
		}
		return gen_hostile();
	case 18:
		/* Big images: they fill the remap area (-ENOMEM for the next). */
		if (chance(250) && (v = pick_vm(BOOTOPS_VM_READY, false))) {
			static const u64 big[] = {
				32ULL << 20, 64ULL << 20, 100ULL << 20, 128ULL << 20,
				(255ULL << 20) + 1, M_MAX_IMAGE,
			};

			s = mk(OP_SET_BOOT_INFO, v, gpa_window[rn(3)] + (1ULL << 29),
			       big[rn(sizeof(big) / sizeof(big[0]))] - rn(2) * rn(M_PAGE), 0, 0);
			s.sig_seed = rnd();
			return s;
		}
		return gen_hostile();
	case 17:
		/* Declarations touching a declared image or a stage-2 page. */
		if ((v = pick_vm(BOOTOPS_VM_READY, false)) && (M.vm[v].nload || M.vm[v].s2.n)) {
			const struct m_vm *vm = &M.vm[v];
			u64 base, span, la, size;

			if (vm->nload && (!vm->s2.n || chance(600))) {
				const struct m_load *l = &vm->load[rn(vm->nload)];

				base = l->load_addr;
				span = l->npages;
			} else {
				base = vm->s2.e[rn(vm->s2.n)].addr;
				span = 1;
			}
			size = (1 + rn(4)) * M_PAGE - rn(2) * rn(M_PAGE);
			if (chance(500))
				la = base + rn(span) * M_PAGE;	/* starts inside */
			else	/* ends inside, or just before: -EEXIST or not */
				la = base - m_image_bytes(size) + rn(2) * M_PAGE * (1 + rn(span));
			s = mk(OP_SET_BOOT_INFO, v, la, size, 0, 0);
			s.sig_seed = rnd();
			return s;
		}
		return gen_hostile();
	case 16:
		if ((v = pick_vm(BOOTOPS_VM_READY, false))) {
			s = mk(OP_MAP_IO, v, any_gpa(), any_pfn() * M_PAGE, 0, 0);
			s.fault = chance(60);
			return s;
		}
		return gen_hostile();
	default:
		return gen_hostile();
	}
}

/* ---------------------------------------------------------------------- */
/* Sequences, in a child process; the parent shrinks what fails.          */

struct shared {
	u64 compared;		/* steps compared, all runs */
	u64 run;		/* run in progress */
	u64 nlog;		/* steps of that run logged so far */
	u64 cur;		/* step executing */
	u64 exhausted;		/* sequences cut short: table memory ran low */
	int status;		/* 1: mismatch found (else a crash if the child died) */
	u64 fail_step;
	char cat[64];
	/* Outcomes per primitive: [op][0] successes, [op][1 + errno] refusals. */
	u64 stats[OP_NR][1 + 130];
	u64 deep[10];		/* see deep_name[] */
	struct step log[];
};

static const char *const deep_name[10] = {
	"VMs verified", "VMs rejected", "vCPU activations", "teardowns with images",
	"register_kvm -ENOSPC", "verified with 2+ images", "host SMMU mappings", "VM SMMU mappings",
	"verified by a manifest", "rejected with a manifest",
};

static struct shared *sh;
static u64 opt_seed = 1, opt_steps = 3000, opt_runs = 500, opt_full_every = 100;
static s64 opt_only = -1;
static double opt_stress_seconds = 2.0;
static u64 opt_stress_vm_rounds = 300;
static bool opt_stress = true, opt_stats, opt_trace;

static void fresh(void)
{
	static const u8 seed[BOOTOPS_ATTEST_SEED_SIZE] = { 1 };
	int i;

	sim_reset();
	/* hyp has an attestation key (the stand-in's): reports are written. */
	bootops_crypto_attest_init(seed);
	m_init(&M);
	for (i = 0; i <= NAGENT; i++)
		agentq[i].n = agentq[i].head = 0;
	failed = false;
}

static void record_failure(u64 idx)
{
	sh->status = 1;
	sh->fail_step = idx;
	snprintf(sh->cat, sizeof(sh->cat), "%s", fail_cat);
}

/* Runs steps[0..n) from a fresh machine; STEP_OK, or STEP_MISMATCH recorded. */
static int run_steps(const struct step *steps, u64 n, bool verbose)
{
	u64 i;
	int r = STEP_OK;

	fresh();
	for (i = 0; i < n; i++) {
		sh->cur = i;
		r = run_step(&steps[i]);
		if (r == STEP_EXHAUSTED)
			break;
		if (r == STEP_OK && (i + 1) % opt_full_every == 0)
			cmp_full();
		if (failed) {
			if (verbose)
				report_failure(stdout, &steps[i], i);
			record_failure(i);
			return STEP_MISMATCH;
		}
	}
	cmp_full();
	if (failed) {
		if (verbose)
			report_failure(stdout, n ? &steps[n - 1] : NULL, n ? n - 1 : 0);
		record_failure(n ? n - 1 : 0);
		return STEP_MISMATCH;
	}
	return STEP_OK;
}

/* What the run reached (after the step, model side). */
static void count(const struct step *s)
{
	s64 r = model_ret;

	if (s->op == OP_SEARCH)
		r = r ? 0 : -ENOENT;
	if (r >= 0)
		sh->stats[s->op][0]++;
	else if (-r < 130)
		sh->stats[s->op][1 - r]++;
	if (r < 0 && !(s->op == OP_VERIFY && r == -EKEYREJECTED)) {
		if (s->op == OP_REGISTER_KVM && r == -ENOSPC)
			sh->deep[4]++;
		return;
	}
	switch (s->op) {
	case OP_VERIFY:
		sh->deep[r ? 1 : 0]++;
		if (!r && M.vm[s->a[0]].nload >= 2)
			sh->deep[5]++;
		if (M.vm[s->a[0]].man.set)
			sh->deep[r ? 9 : 8]++;
		break;
	case OP_SET_ACTIVE:
		sh->deep[2]++;
		break;
	case OP_TEARDOWN:
		sh->deep[3] += M.dmem.n != 0;
		break;
	case OP_MAP_SMMU:
		sh->deep[s->a[0] ? 7 : 6]++;
		break;
	}
}

static void print_stats(void)
{
	static const char *const en[130] = {
		[1] = "EPERM", [2] = "ENOENT", [12] = "ENOMEM", [14] = "EFAULT", [16] = "EBUSY",
		[17] = "EEXIST", [22] = "EINVAL", [28] = "ENOSPC", [126] = "ENOKEY",
		[129] = "EKEYREJECTED",
	};
	int op, e, i;

	printf("refine: outcomes (model side):\n");
	for (op = 0; op < OP_NR; op++) {
		printf("  %-23s ok %-7llu", op_name[op], X(sh->stats[op][0]));
		for (e = 1; e < 130; e++)
			if (sh->stats[op][1 + e])
				printf(" %s %llu", en[e] ? en[e] : "?", X(sh->stats[op][1 + e]));
		printf("\n");
	}
	printf("refine: reached:");
	for (i = 0; i < 10; i++)
		printf("%s %s %llu", i ? "," : "", deep_name[i], X(sh->deep[i]));
	printf("\n");
}

static u64 run_seed(u64 run)
{
	return mix64(opt_seed * 0x100000001b3ULL + run);
}

/* The child of the main run: generates and checks every sequence. */
static int main_child(void)
{
	u64 run, first = 0, last = opt_runs, i;

	if (opt_only >= 0) {
		first = (u64)opt_only;
		last = first + 1;
	}
	for (run = first; run < last; run++) {
		sh->run = run;
		sh->nlog = 0;
		rng_state = run_seed(run);
		fresh();
		for (i = 0; i < opt_steps; i++) {
			struct step s = gen_next();
			int r;

			sh->log[i] = s;
			sh->nlog = i + 1;
			sh->cur = i;
			r = run_step(&s);
			if (r == STEP_EXHAUSTED) {
				sh->exhausted++;
				break;
			}
			sh->compared++;
			count(&s);
			if (opt_trace) {
				printf("%5llu: ", X(i));
				print_step(stdout, &s);
				printf(" = %lld\n", (long long)model_ret);
			}
			if (r == STEP_OK && (i + 1) % opt_full_every == 0)
				cmp_full();
			if (failed) {
				printf("refine: seed %llu run %llu: mismatch at step %llu (%llu steps compared in all)\n",
				       X(opt_seed), X(run), X(i), X(sh->compared));
				report_failure(stdout, &s, i);
				record_failure(i);
				return 1;
			}
		}
		cmp_full();
		if (failed) {
			printf("refine: seed %llu run %llu: mismatch in the full comparison after step %llu\n",
			       X(opt_seed), X(run), X(sh->nlog - 1));
			report_failure(stdout, NULL, sh->nlog - 1);
			record_failure(sh->nlog - 1);
			return 1;
		}
	}
	return 0;
}

/*
 * Candidates are replayed by a long-lived server child, so that shrinking
 * does not pay a fork and a fresh machine per candidate; a candidate that
 * crashes the server fails as "crash", and the next one starts a new one.
 */
static int srv_req = -1, srv_resp = -1;
static pid_t srv_pid;

static void server_stop(void)
{
	int st;

	if (!srv_pid)
		return;
	close(srv_req);
	close(srv_resp);
	waitpid(srv_pid, &st, 0);
	srv_pid = 0;
}

static void server_start(void)
{
	int req[2], resp[2];

	if (pipe(req) || pipe(resp)) {
		perror("pipe");
		exit(2);
	}
	fflush(stdout);
	fflush(stderr);
	srv_pid = fork();
	if (srv_pid < 0) {
		perror("fork");
		exit(2);
	}
	if (!srv_pid) {
		int fd = open("/dev/null", O_WRONLY);
		u64 n;

		close(req[1]);
		close(resp[0]);
		dup2(fd, 1);
		dup2(fd, 2);
		while (read(req[0], &n, sizeof(n)) == sizeof(n)) {
			int r = run_steps(sh->log, n, false);

			if (write(resp[1], &r, sizeof(r)) != sizeof(r))
				break;
		}
		exit(0);
	}
	close(req[0]);
	close(resp[1]);
	srv_req = req[1];
	srv_resp = resp[0];
}

/* Replays a candidate: 0 passes, 1 fails (cat, at). */
static int replay(const struct step *steps, u64 n, char *cat, u64 *at, bool verbose)
{
	pid_t pid;
	int st, r;

	sh->status = 0;
	sh->cat[0] = 0;
	memmove(sh->log, steps, n * sizeof(*steps));
	if (verbose) {
		server_stop();
		fflush(stdout);
		fflush(stderr);
		pid = fork();
		if (!pid)
			exit(run_steps(sh->log, n, true) == STEP_OK ? 0 : 1);
		waitpid(pid, &st, 0);
		return !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	if (!srv_pid)
		server_start();
	if (write(srv_req, &n, sizeof(n)) != sizeof(n) ||
	    read(srv_resp, &r, sizeof(r)) != sizeof(r)) {
		server_stop();
		snprintf(cat, 64, "crash");
		*at = sh->cur;
		return 1;
	}
	if (r == STEP_OK)
		return 0;
	snprintf(cat, 64, "%s", sh->cat);
	*at = sh->fail_step;
	return 1;
}

static u64 shrink_tests;

/* Does this candidate fail the same way?  Cuts it at the failing step. */
static bool still_fails(struct step *steps, u64 *n, const char *want)
{
	char cat[64];
	u64 at;

	shrink_tests++;
	if (!replay(steps, *n, cat, &at, false) || strcmp(cat, want))
		return false;
	if (at + 1 < *n)
		*n = at + 1;
	return true;
}

/* Delta debugging (ddmin): drop chunks while the failure stays. */
static u64 shrink(struct step *seq, u64 n, const char *want)
{
	struct step *cand = malloc(sizeof(*cand) * (n ? n : 1));
	u64 parts = 2;
	time_t start = time(NULL);

	while (n >= 2 && time(NULL) - start < 300) {
		u64 chunk = (n + parts - 1) / parts, p;
		bool reduced = false;

		for (p = 0; p * chunk < n; p++) {
			u64 lo = p * chunk, hi = lo + chunk < n ? lo + chunk : n, cn = 0, i;

			for (i = 0; i < n; i++)
				if (i < lo || i >= hi)
					cand[cn++] = seq[i];
			if (cn && still_fails(cand, &cn, want)) {
				memcpy(seq, cand, cn * sizeof(*seq));
				n = cn;
				parts = parts > 2 ? parts - 1 : 2;
				reduced = true;
				break;
			}
		}
		if (!reduced) {
			if (parts >= n)
				break;
			parts = parts * 2 < n ? parts * 2 : n;
		}
	}
	free(cand);
	return n;
}


/* Keeps candidate cand (a copy of seq, changed) if it still fails. */
static bool adopt_if_failing(struct step *seq, u64 *n, struct step *cand,
			     const char *want)
{
	u64 cn = *n;

	if (!still_fails(cand, &cn, want))
		return false;
	memcpy(seq, cand, cn * sizeof(*seq));
	*n = shrink(seq, cn, want);
	return true;
}

/*
 * vmids are handed out lowest first, so a failure on vmid 16 needs 16
 * register_kvm steps; try calling it a lower, unused vmid, then shrink again.
 */
static u64 renumber(struct step *seq, u64 n, const char *want)
{
	struct step *cand = malloc(sizeof(*cand) * (n ? n : 1));
	bool changed = true;

	while (changed) {
		changed = false;
		for (u64 i = 0; i < n && !changed; i++) {
			u64 v = seq[i].a[0];

			if (!op_has_vmid(seq[i].op) || v < 2 || v > M_MAX_VMS)
				continue;
			for (u64 t = 1; t < v && !changed; t++) {
				bool used = false;

				for (u64 j = 0; j < n; j++)
					used |= op_has_vmid(seq[j].op) && seq[j].a[0] == t;
				if (used)
					continue;
				memcpy(cand, seq, n * sizeof(*seq));
				for (u64 j = 0; j < n; j++)
					if (op_has_vmid(cand[j].op) && cand[j].a[0] == v)
						cand[j].a[0] = t;
				changed = adopt_if_failing(seq, &n, cand, want);
			}
		}
	}
	free(cand);
	return n;
}

/* The step fields worth making smaller: indices, CPUs, handles. */
static int small_fields(const struct step *s, int f[6])
{
	int n = 0;

	switch (s->op) {
	case OP_REGISTER_KVM:
		f[n++] = 0;
		break;
	case OP_REGISTER_VCPU:
		f[n++] = 1;
		f[n++] = 2;
		break;
	case OP_SET_ACTIVE: case OP_SET_INACTIVE: case OP_TAKE_RESET: case OP_FIRST_RUN:
	case OP_CPU_OFF: case OP_SYSTEM_OFF: case OP_POWER:
		f[n++] = 1;
		break;
	case OP_CPU_ON:
		f[n++] = 1;
		f[n++] = 2;
		break;
	case OP_REMAP:
		f[n++] = 2;
		break;
	case OP_ALLOC_SMMU: case OP_MAP_SMMU: case OP_CLEAR_SMMU:
		f[n++] = 1;
		f[n++] = 2;
		break;
	}
	f[n++] = 5;	/* the CPU */
	return n;
}

static u64 simplify(struct step *seq, u64 n, const char *want)
{
	struct step *cand = malloc(sizeof(*cand) * (n ? n : 1));
	bool changed = true;

	while (changed) {
		changed = false;
		for (u64 i = 0; i < n && !changed; i++) {
			int f[6], nf = small_fields(&seq[i], f);

			for (int k = 0; k < nf && !changed; k++) {
				u64 cur = f[k] == 5 ? seq[i].cpu : seq[i].a[f[k]];

				for (u64 t = 0; t < cur && t < 8 && !changed; t++) {
					memcpy(cand, seq, n * sizeof(*seq));
					if (f[k] == 5)
						cand[i].cpu = (u8)t;
					else
						cand[i].a[f[k]] = t;
					changed = adopt_if_failing(seq, &n, cand, want);
				}
			}
		}
	}
	free(cand);
	return n;
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--seed N] [--steps N] [--runs N] [--only RUN] [--full-every K]\n"
		"          [--stress-seconds S] [--stress-vm-rounds N] [--no-stress]\n", argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	u64 compared, nseq, i;
	struct step *seq;
	pid_t pid;
	int st, a, ok, stress_ret = 0;
	char cat[64];

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (!strcmp(o, "--no-stress")) {
			opt_stress = false;
			continue;
		}
		if (!strcmp(o, "--trace")) {
			opt_trace = true;
			continue;
		}
		if (!strcmp(o, "--stats")) {
			opt_stats = true;
			continue;
		}
		if (a + 1 >= argc)
			usage(argv[0]);
		if (!strcmp(o, "--seed"))
			opt_seed = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(o, "--steps"))
			opt_steps = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(o, "--runs"))
			opt_runs = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(o, "--only"))
			opt_only = (s64)strtoull(argv[++a], NULL, 0);
		else if (!strcmp(o, "--full-every"))
			opt_full_every = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(o, "--stress-seconds"))
			opt_stress_seconds = strtod(argv[++a], NULL);
		else if (!strcmp(o, "--stress-vm-rounds"))
			opt_stress_vm_rounds = strtoull(argv[++a], NULL, 0);
		else
			usage(argv[0]);
	}
	if (!opt_steps || !opt_full_every)
		usage(argv[0]);

	sh = mmap(NULL, sizeof(*sh) + opt_steps * sizeof(struct step), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	printf("refine: seed %llu, %llu runs of %llu steps, full comparison every %llu steps\n",
	       X(opt_seed), X(opt_only >= 0 ? 1 : opt_runs), X(opt_steps), X(opt_full_every));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (!pid)
		exit(main_child());
	waitpid(pid, &st, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	compared = sh->compared;
	ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	printf("refine: %.1f s, %llu sequences cut short (table memory)\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, X(sh->exhausted));

	if (opt_stats)
		print_stats();
	if (!ok) {
		u64 run = sh->run, at;

		nseq = sh->status == 1 ? sh->fail_step + 1 : sh->cur + 1;
		snprintf(cat, sizeof(cat), "%s", sh->status == 1 ? sh->cat : "crash");
		if (sh->status != 1)
			printf("refine: seed %llu run %llu: the run died at step %llu (crash or sanitizer report above): ",
			       X(opt_seed), X(run), X(sh->cur));
		if (sh->status != 1)
			print_step(stdout, &sh->log[sh->cur]), printf("\n");
		printf("refine: shrinking %llu steps (failure kind \"%s\")...\n", X(nseq), cat);
		seq = malloc(sizeof(*seq) * nseq);
		memcpy(seq, sh->log, sizeof(*seq) * nseq);
		if (!replay(seq, nseq, cat, &at, false)) {
			printf("refine: the failure does not reproduce on replay\n");
		} else {
			nseq = shrink(seq, at + 1, cat);
			nseq = renumber(seq, nseq, cat);
			nseq = simplify(seq, nseq, cat);
			server_stop();
			printf("refine: shortest failing sequence: %llu steps (%llu replays); reproduce with\n"
			       "  build/host/refine --seed %llu --steps %llu --only %llu\n",
			       X(nseq), X(shrink_tests), X(opt_seed), X(opt_steps), X(run));
			for (i = 0; i < nseq; i++) {
				printf("  %3llu: ", X(i));
				print_step(stdout, &seq[i]);
				printf("\n");
			}
			printf("refine: the shortest sequence, replayed:\n");
			replay(seq, nseq, cat, &at, true);
		}
		free(seq);
	}
	if (opt_stress)
		stress_ret = stress_run(4, opt_stress_seconds, opt_seed) |
			     stress_vm_run(opt_stress_vm_rounds) |
			     stress_keys_run(opt_stress_vm_rounds * 100) |
			     stress_attest_run(opt_stress_vm_rounds * 4) |
			     stress_dma_run(opt_stress_vm_rounds * 4);
	printf("refine: %d passed, %d failed\n", ok, !ok);
	printf("%llu steps compared\n", X(compared));
	return ok && !stress_ret ? 0 : 1;
}
