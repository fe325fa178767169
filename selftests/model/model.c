// SPDX-License-Identifier: GPL-2.0-only
/*
 * The executable model (see model.h).  Each m_<primitive>() is a direct
 * transcription of its entry in Documentation/bootops.rst, "Primitives,
 * checks and error codes": the numbered checks in order, then the effect.
 * It is deliberately naive: linear searches, no page tables, no locks.
 */
#include <stdio.h>
#include <stdlib.h>

#include <mbedtls/sha256.h>

#include <bootops/trust_anchor.h>

#include "crypto_fast.h"
#include "model.h"

typedef unsigned __int128 u128;

/* ---------------------------------------------------------------------- */
/* Small containers.                                                       */

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		perror("model: realloc");
		abort();
	}
	return p;
}

static void dirty_add(struct m_dirty *d, u64 a, u64 b)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->e = xrealloc(d->e, d->cap * sizeof(*d->e));
	}
	d->e[d->n][0] = a;
	d->e[d->n][1] = b;
	d->n++;
}

const struct m_map *m_vec_find(const struct m_vec *v, u64 addr)
{
	u64 i;

	for (i = 0; i < v->n; i++)
		if (v->e[i].addr == addr)
			return &v->e[i];
	return NULL;
}

static void vec_add(struct m_vec *v, u64 addr, u64 pfn, u64 attr)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 16;
		v->e = xrealloc(v->e, v->cap * sizeof(*v->e));
	}
	v->e[v->n++] = (struct m_map){ .addr = addr, .pfn = pfn, .attr = attr };
}

static void vec_del(struct m_vec *v, u64 addr)
{
	u64 i;

	for (i = 0; i < v->n; i++) {
		if (v->e[i].addr == addr) {
			v->e[i] = v->e[--v->n];
			return;
		}
	}
}

/* ---------------------------------------------------------------------- */
/* The machine.                                                            */

bool m_is_ram(u64 pfn)
{
	return pfn >= M_RAM_FIRST && pfn - M_RAM_FIRST < M_RAM_PAGES;
}

bool m_is_mmio(u64 pfn)
{
	return pfn >= SIM_MMIO_PFN && pfn - SIM_MMIO_PFN < SIM_MMIO_PAGES;
}

bool m_is_hyp_mmio(u64 pfn)
{
	return pfn >= SIM_MMIO_PFN && pfn - SIM_MMIO_PFN < SIM_MMIO_HYP_PAGES;
}

static bool is_host_ram(u64 pfn)
{
	return pfn >= M_HOST_FIRST && pfn - M_HOST_FIRST < M_HOST_PAGES;
}

struct m_page m_page_of(const struct model *m, u64 pfn)
{
	if (!m_is_ram(pfn))
		return (struct m_page){ .owner = M_OWNER_NONE };
	return m->page[pfn - M_RAM_FIRST];
}

static struct m_page *page(struct model *m, u64 pfn)
{
	dirty_add(&m->dpage, pfn, 0);
	return &m->page[pfn - M_RAM_FIRST];
}

/* "host-exclusive: RAM the host owns, not shared, not claimed, no host DMA" */
bool m_host_exclusive(const struct model *m, u64 pfn)
{
	struct m_page p = m_page_of(m, pfn);

	return m_is_ram(pfn) && p.owner == M_OWNER_HOST && !p.claimed && !p.pins && !p.shared;
}

/* A page the host may lend or share: 0; a device page -EPERM, no page -EINVAL. */
static int host_page_errno(const struct model *m, u64 pfn)
{
	if (m_is_mmio(pfn))
		return -EPERM;
	if (!m_is_ram(pfn))
		return -EINVAL;
	return m_host_exclusive(m, pfn) ? 0 : -EPERM;
}

static u8 *mem_of(struct model *m, u64 pfn)
{
	return m->mem + (pfn - M_HOST_FIRST) * M_PAGE;
}

/* Scrub: "zeroed and returned to the host". */
static void scrub_and_return(struct model *m, u64 pfn)
{
	struct m_page *p = page(m, pfn);

	p->owner = M_OWNER_HOST;
	p->claimed = false;
	if (is_host_ram(pfn)) {
		memset(mem_of(m, pfn), 0, M_PAGE);
		dirty_add(&m->dmem, pfn, 0);
	}
}

void m_init(struct model *m)
{
	u64 i, v, b, c;

	for (v = 0; v <= M_MAX_VMS; v++) {
		struct m_vm *vm = &m->vm[v];

		for (i = 0; i < M_MAX_LOAD; i++)
			vm->load[i].npfn = 0;
		vm->state = BOOTOPS_VM_UNUSED;
		vm->kvm = 0;
		vm->nload = 0;
		memset(vm->vcpu, 0, sizeof(vm->vcpu));
		vm->s2.n = 0;
		vm->host_faults = 0;
	}
	for (i = 0; i < M_RAM_PAGES; i++)
		m->page[i] = (struct m_page){
			.owner = i < M_HYP_PAGES ? M_OWNER_HYP : M_OWNER_HOST,
		};
	if (!m->mem)
		m->mem = xrealloc(NULL, M_HOST_PAGES * M_PAGE);
	memset(m->mem, 0, M_HOST_PAGES * M_PAGE);
	for (b = 0; b < M_NSMMU; b++) {
		for (c = 0; c < M_NCB; c++) {
			m->bank[b][c].owner = M_OWNER_NONE;
			m->bank[b][c].map.n = 0;
		}
	}
	m->remapped = 0;
	memset(m->secver_min, 0, sizeof(m->secver_min));
	m->cpu = 0;
	m->remap_fail = m->tables_fail = false;
	m_clear_dirty(m);
}

void m_clear_dirty(struct model *m)
{
	m->dpage.n = m->ds2.n = m->dbank.n = m->dmem.n = 0;
	m->alt_enomem = false;
	m->undo.valid = false;
}

/* ---------------------------------------------------------------------- */
/* Helpers of the document's vocabulary.                                   */

static bool vmid_in_range(u64 vmid)
{
	return vmid >= 1 && vmid <= M_MAX_VMS;
}

static bool vcpuid_in_range(u64 vcpuid)
{
	return vcpuid < M_MAX_VCPUS;
}

/* pages(size) * 4K; callers only pass sizes already checked <= max. */
u64 m_image_bytes(u64 size)
{
	return ((size + M_PAGE - 1) / M_PAGE) * M_PAGE;
}

static u128 ipa_limit(void)
{
	return (u128)1 << M_IPA_BITS;
}

/* Common prefix "VM UNUSED: -ENOENT; not READY: -EPERM". */
static int vm_ready(struct model *m, u64 vmid)
{
	if (m->vm[vmid].state == BOOTOPS_VM_UNUSED)
		return -ENOENT;
	if (m->vm[vmid].state != BOOTOPS_VM_READY)
		return -EPERM;
	return 0;
}

/* Does [a, a + len) touch a declared image's page range? */
static bool in_declared_image(struct model *m, u64 vmid, u64 a, u64 len)
{
	struct m_vm *vm = &m->vm[vmid];
	u32 i;

	for (i = 0; i < vm->nload; i++) {
		u128 lo = vm->load[i].load_addr;
		u128 hi = lo + vm->load[i].npages * M_PAGE;

		if ((u128)a < hi && lo < (u128)a + len)
			return true;
	}
	return false;
}

static void s2_add(struct model *m, u64 vmid, u64 ipa, u64 pfn, u64 kind)
{
	vec_add(&m->vm[vmid].s2, ipa, pfn, kind);
	dirty_add(&m->ds2, vmid, ipa);
}

static void s2_del(struct model *m, u64 vmid, u64 ipa)
{
	vec_del(&m->vm[vmid].s2, ipa);
	dirty_add(&m->ds2, vmid, ipa);
}

static u64 bank_id(u64 index, u64 cbndx)
{
	return index * M_NCB + cbndx;
}

/* "The bank's previous table is freed with every mapping in it (host pins dropped)". */
static void bank_empty(struct model *m, u64 index, u64 cbndx)
{
	struct m_bank *bank = &m->bank[index][cbndx];
	u64 i;

	for (i = 0; i < bank->map.n; i++) {
		if (bank->owner == M_OWNER_HOST)
			page(m, bank->map.e[i].pfn)->pins--;
		dirty_add(&m->dbank, bank_id(index, cbndx), bank->map.e[i].addr);
	}
	bank->map.n = 0;
}

static void undo_record(struct model *m, u64 pfn, struct m_vec *vec)
{
	m->undo.valid = true;
	m->undo.pfn = m_is_ram(pfn) ? pfn : ~0ULL;
	if (m_is_ram(pfn))
		m->undo.page = m->page[pfn - M_RAM_FIRST];
	m->undo.vec = vec;
	m->undo.vec_n = vec ? vec->n : 0;
}

void m_undo_alt_enomem(struct model *m)
{
	if (!m->undo.valid)
		return;
	if (m->undo.pfn != ~0ULL)
		m->page[m->undo.pfn - M_RAM_FIRST] = m->undo.page;
	if (m->undo.vec)
		m->undo.vec->n = m->undo.vec_n;
	m->undo.valid = false;
}

/* ---------------------------------------------------------------------- */
/* VMs and vCPUs.                                                          */

/*
 * mem_err: what taking the host's pages for the VM's record gives, checked
 * after the vmid (the harness passes pages outside the model's RAM).
 */
int m_register_kvm(struct model *m, u64 kvm_handle, int mem_err)
{
	u64 vmid;

	for (vmid = 1; vmid <= M_MAX_VMS; vmid++) {
		struct m_vm *vm = &m->vm[vmid];

		if (vm->state != BOOTOPS_VM_UNUSED)
			continue;
		if (mem_err)
			return mem_err;
		vm->state = BOOTOPS_VM_READY;
		vm->kvm = kvm_handle;
		vm->nload = 0;
		vm->requires = false;
		memset(&vm->man, 0, sizeof(vm->man));
		memset(vm->vcpu, 0, sizeof(vm->vcpu));
		return (int)vmid;
	}
	return -ENOSPC;
}

int m_register_kvm_at(struct model *m, u64 vmid, u64 kvm_handle, int mem_err)
{
	struct m_vm *vm;

	if (!vmid_in_range(vmid))
		return -EINVAL;
	vm = &m->vm[vmid];
	if (vm->state != BOOTOPS_VM_UNUSED)
		return -EEXIST;
	if (mem_err)
		return mem_err;
	vm->state = BOOTOPS_VM_READY;
	vm->kvm = kvm_handle;
	vm->nload = 0;
	vm->requires = false;
	memset(&vm->man, 0, sizeof(vm->man));
	memset(vm->vcpu, 0, sizeof(vm->vcpu));
	return 0;
}

int m_register_vcpu(struct model *m, u64 vmid, u64 vcpuid, u64 handle)
{
	struct m_vcpu *vcpu;

	if (!vmid_in_range(vmid) || !vcpuid_in_range(vcpuid))
		return -EINVAL;
	if (m->vm[vmid].state == BOOTOPS_VM_UNUSED)
		return -ENOENT;
	if (m->vm[vmid].state != BOOTOPS_VM_READY)
		return -EPERM;
	vcpu = &m->vm[vmid].vcpu[vcpuid];
	if (vcpu->state != BOOTOPS_VCPU_UNUSED)
		return -EEXIST;
	vcpu->state = BOOTOPS_VCPU_READY;
	vcpu->handle = handle;
	vcpu->reset = 1;
	vcpu->power = vcpuid == 0 ? BOOTOPS_POWER_ON : BOOTOPS_POWER_OFF;
	return 0;
}

int m_set_vcpu_active(struct model *m, u64 vmid, u64 vcpuid)
{
	struct m_vcpu *vcpu;

	if (!vmid_in_range(vmid) || !vcpuid_in_range(vcpuid))
		return -EINVAL;
	if (m->vm[vmid].state == BOOTOPS_VM_UNUSED)
		return -ENOENT;
	if (m->vm[vmid].state != BOOTOPS_VM_VERIFIED)
		return -EPERM;
	vcpu = &m->vm[vmid].vcpu[vcpuid];
	if (vcpu->state == BOOTOPS_VCPU_UNUSED)
		return -ENOENT;
	if (vcpu->state == BOOTOPS_VCPU_ACTIVE)
		return -EBUSY;
	vcpu->state = BOOTOPS_VCPU_ACTIVE;
	vcpu->cpu = m->cpu;
	return 0;
}

int m_set_vcpu_inactive(struct model *m, u64 vmid, u64 vcpuid)
{
	struct m_vcpu *vcpu;

	if (!vmid_in_range(vmid) || !vcpuid_in_range(vcpuid))
		return -EINVAL;
	if (m->vm[vmid].state == BOOTOPS_VM_UNUSED)
		return -ENOENT;
	vcpu = &m->vm[vmid].vcpu[vcpuid];
	if (vcpu->state == BOOTOPS_VCPU_UNUSED)
		return -ENOENT;
	if (vcpu->state == BOOTOPS_VCPU_READY)
		return -EPERM;
	if (vcpu->cpu != m->cpu)
		return -EPERM;
	vcpu->state = BOOTOPS_VCPU_READY;
	return 0;
}

int m_vcpu_take_reset(struct model *m, u64 vmid, u64 vcpuid)
{
	struct m_vcpu *vcpu;
	int flag;

	if (!vmid_in_range(vmid) || !vcpuid_in_range(vcpuid))
		return -EINVAL;
	vcpu = &m->vm[vmid].vcpu[vcpuid];
	if (vcpu->state == BOOTOPS_VCPU_UNUSED)
		return -ENOENT;
	flag = vcpu->reset;
	vcpu->reset = 0;
	return flag;
}

/* SPEC: a vCPU's own call comes from its run path: ACTIVE on this CPU. */
static struct m_vcpu *m_running_vcpu(struct model *m, u64 vmid, u64 vcpuid, int *err)
{
	struct m_vcpu *vcpu;

	*err = -EINVAL;
	if (!vmid_in_range(vmid) || !vcpuid_in_range(vcpuid))
		return NULL;
	*err = -ENOENT;
	if (m->vm[vmid].state == BOOTOPS_VM_UNUSED)
		return NULL;
	vcpu = &m->vm[vmid].vcpu[vcpuid];
	if (vcpu->state == BOOTOPS_VCPU_UNUSED)
		return NULL;
	*err = -EPERM;
	if (vcpu->state != BOOTOPS_VCPU_ACTIVE || vcpu->cpu != m->cpu)
		return NULL;
	*err = 0;
	return vcpu;
}

static bool m_cpu_is_hyps(struct model *m, u64 vmid)
{
	return m->vm[vmid].state == BOOTOPS_VM_VERIFIED && m->vm[vmid].nload;
}

/*
 * The run path's entry check.  A VM on the host's stage 2 (no image)
 * keeps the host's CPU state.  Otherwise: a refused vCPU stays refused;
 * an OFF one does not run; an ON_PENDING one starts at its CPU_ON; vCPU
 * 0's first run is at the host's PC, which must be inside an image
 * (search_load_info), and a refusal stays.
 */
int m_vcpu_first_run(struct model *m, u64 vmid, u64 vcpuid, struct m_entry *entry)
{
	struct m_vcpu *vcpu;
	int err;

	vcpu = m_running_vcpu(m, vmid, vcpuid, &err);
	if (!vcpu)
		return err;
	if (!m_cpu_is_hyps(m, vmid))
		return 0;
	if (vcpu->refused)
		return -EPERM;
	if (vcpu->power == BOOTOPS_POWER_OFF)
		return -EPERM;
	if (vcpu->power == BOOTOPS_POWER_ON_PENDING) {
		vcpu->power = BOOTOPS_POWER_ON;
		vcpu->reset = 0;
		entry->pc = vcpu->on_pc;
		entry->ctx = vcpu->on_ctx;
		entry->psci = true;
		return 1;
	}
	if (!vcpu->reset)
		return 0;
	/* "... and be the manifest's entry if it names one" */
	if (!m_search_load_info(m, vmid, entry->pc) ||
	    (m->vm[vmid].man.set && m->vm[vmid].man.entry &&
	     m->vm[vmid].man.entry != entry->pc)) {
		vcpu->refused = 1;
		return -EPERM;
	}
	vcpu->reset = 0;
	entry->psci = false;
	return 1;
}

/* SPEC: PSCI at hyp, for a VM whose CPU state is hyp's, from a running vCPU. */
static int m_psci_caller(struct model *m, u64 vmid, u64 caller)
{
	int err;
	struct m_vcpu *vcpu = m_running_vcpu(m, vmid, caller, &err);

	if (!vcpu)
		return err;
	if (!m_cpu_is_hyps(m, vmid) || vcpu->power != BOOTOPS_POWER_ON)
		return -EPERM;
	return 0;
}

int m_vcpu_cpu_on(struct model *m, u64 vmid, u64 caller, u64 target, u64 pc, u64 ctx)
{
	struct m_vcpu *t;
	int err;

	if (!vmid_in_range(vmid) || !vcpuid_in_range(caller) || !vcpuid_in_range(target))
		return -EINVAL;
	err = m_psci_caller(m, vmid, caller);
	if (err)
		return err;
	t = &m->vm[vmid].vcpu[target];
	if (t->state == BOOTOPS_VCPU_UNUSED)
		return -ENOENT;
	if (t->power != BOOTOPS_POWER_OFF)
		return t->power == BOOTOPS_POWER_ON ? -EEXIST : -EBUSY;
	t->power = BOOTOPS_POWER_ON_PENDING;
	t->on_pc = pc;
	t->on_ctx = ctx;
	return 0;
}

int m_vcpu_cpu_off(struct model *m, u64 vmid, u64 caller)
{
	int err = m_psci_caller(m, vmid, caller);

	if (!err)
		m->vm[vmid].vcpu[caller].power = BOOTOPS_POWER_OFF;
	return err;
}

int m_vcpu_system_off(struct model *m, u64 vmid, u64 caller)
{
	int err = m_psci_caller(m, vmid, caller);

	if (!err)
		for (u64 i = 0; i < M_MAX_VCPUS; i++)
			m->vm[vmid].vcpu[i].power = BOOTOPS_POWER_OFF;
	return err;
}

int m_vcpu_power(struct model *m, u64 vmid, u64 vcpuid)
{
	if (!vmid_in_range(vmid) || !vcpuid_in_range(vcpuid))
		return -EINVAL;
	if (m->vm[vmid].state == BOOTOPS_VM_UNUSED ||
	    m->vm[vmid].vcpu[vcpuid].state == BOOTOPS_VCPU_UNUSED)
		return -ENOENT;
	return m->vm[vmid].vcpu[vcpuid].power;
}

/* "SMMU banks owned by the VM lose table and owner", then DYING. */
static int start_teardown(struct model *m, u64 vmid)
{
	struct m_vm *vm = &m->vm[vmid];
	u64 i, b, c;

	if (vm->state == BOOTOPS_VM_UNUSED)
		return -ENOENT;
	for (i = 0; i < M_MAX_VCPUS; i++)
		if (vm->vcpu[i].state == BOOTOPS_VCPU_ACTIVE)
			return -EBUSY;
	for (b = 0; b < M_NSMMU; b++) {
		for (c = 0; c < M_NCB; c++) {
			if (m->bank[b][c].owner != vmid)
				continue;
			bank_empty(m, b, c);
			m->bank[b][c].owner = M_OWNER_NONE;
		}
	}
	vm->state = BOOTOPS_VM_DYING;
	memset(&vm->cur, 0, sizeof(vm->cur));
	return 0;
}

/* An image page out of the remap area; the VM's scrubbed, a claimed one released. */
static void release_image_page(struct model *m, u64 vmid, struct m_load *l, u64 k)
{
	u64 pfn = l->pfn[k];

	m->remapped--;
	if (m_page_of(m, pfn).owner == vmid) {
		const struct m_map *e = m_vec_find(&m->vm[vmid].s2, l->load_addr + k * M_PAGE);

		if (e && e->pfn == pfn)
			s2_del(m, vmid, e->addr);
		scrub_and_return(m, pfn);
	} else {
		page(m, pfn)->claimed = false;
	}
}

/* "At most one slice of image pages returned per call", then the rest. */
int m_teardown_vm(struct model *m, u64 vmid)
{
	struct m_cursor *cur;
	struct m_vm *vm;
	u64 budget = BOOTOPS_SLICE_UNITS, i;
	int ret;

	if (!vmid_in_range(vmid))
		return -EINVAL;
	vm = &m->vm[vmid];
	cur = &vm->cur;
	if (vm->state != BOOTOPS_VM_DYING) {
		ret = start_teardown(m, vmid);
		if (ret)
			return ret;
	}
	for (; cur->idx < vm->nload; cur->idx++, cur->page = 0) {
		struct m_load *l = &vm->load[cur->idx];

		for (; cur->page < l->npfn; cur->page++) {
			if (!budget)
				return BOOTOPS_CONTINUE;
			budget--;
			release_image_page(m, vmid, l, cur->page);
		}
		l->remap_start = M_REMAP_UNKNOWN;	/* its run is free again */
	}
	for (i = 0; i < vm->nload; i++)
		vm->load[i].npfn = 0;
	vm->nload = 0;
	/* "The rest of the stage 2, in address order, a unit a leaf": VM-owned
	 * pages scrubbed and returned, shared ones unshared (not scrubbed:
	 * they were the host's). */
	while (vm->s2.n) {
		struct m_map e = vm->s2.e[0];

		for (i = 1; i < vm->s2.n; i++)
			if (vm->s2.e[i].addr < e.addr)
				e = vm->s2.e[i];
		if (!budget)
			return BOOTOPS_CONTINUE;
		budget--;
		if (e.attr == M_S2_SHARED) {
			page(m, e.pfn)->shared = 0;
			dirty_add(&m->dpage, e.pfn, 0);
		} else if (m_page_of(m, e.pfn).owner == vmid) {
			scrub_and_return(m, e.pfn);
		}
		s2_del(m, vmid, e.addr);
	}
	vm->host_faults = 0;
	memset(vm->vcpu, 0, sizeof(vm->vcpu));
	memset(cur, 0, sizeof(*cur));
	vm->kvm = 0;
	vm->state = BOOTOPS_VM_UNUSED;
	return 0;
}

bool m_page_released(const struct model *m, u64 vmid, u64 i, u64 k)
{
	const struct m_cursor *cur = &m->vm[vmid].cur;

	if (m->vm[vmid].state != BOOTOPS_VM_DYING)
		return false;
	return i < cur->idx || (i == cur->idx && k < cur->page);
}

/* ---------------------------------------------------------------------- */
/* Boot images.                                                            */

/* Is there a run of n free remap slots, given the runs in use? */
static bool remap_run_free(struct model *m, u64 n)
{
	u64 start = 0;

	/* Repeatedly skip past any run that overlaps [start, start + n). */
	for (;;) {
		bool moved = false;
		u64 v;
		u32 i;

		if (start + n > M_REMAP_PAGES)
			return false;
		for (v = 1; v <= M_MAX_VMS; v++) {
			struct m_vm *vm = &m->vm[v];

			if (vm->state == BOOTOPS_VM_UNUSED)
				continue;
			for (i = 0; i < vm->nload; i++) {
				struct m_load *l = &vm->load[i];

				if (l->remap_start == M_REMAP_UNKNOWN)
					continue;
				if (l->remap_start < start + n &&
				    start < l->remap_start + l->npages) {
					start = l->remap_start + l->npages;
					moved = true;
				}
			}
		}
		if (!moved)
			return true;
	}
}

int m_set_boot_info(struct model *m, u64 vmid, u64 load_addr, u64 size, const u8 sig[M_SIG])
{
	struct m_vm *vm;
	struct m_load *l;
	u64 npages, i;
	int ret;

	if (!vmid_in_range(vmid))
		return -EINVAL;
	ret = vm_ready(m, vmid);
	if (ret)
		return ret;
	vm = &m->vm[vmid];
	if (size == 0 || size > M_MAX_IMAGE || load_addr % M_PAGE ||
	    (u128)load_addr + m_image_bytes(size) > ipa_limit())
		return -EINVAL;
	if (vm->nload >= M_MAX_LOAD)
		return -ENOSPC;
	npages = m_image_bytes(size) / M_PAGE;
	if (in_declared_image(m, vmid, load_addr, npages * M_PAGE))
		return -EEXIST;
	for (i = 0; i < vm->s2.n; i++)
		if (vm->s2.e[i].addr >= load_addr &&
		    vm->s2.e[i].addr - load_addr < npages * M_PAGE)
			return -EEXIST;
	if (!remap_run_free(m, npages))
		return -ENOMEM;

	l = &vm->load[vm->nload];
	l->load_addr = load_addr;
	l->size = size;
	l->npages = npages;
	memcpy(l->sig, sig, M_SIG);
	l->npfn = 0;
	l->remap_start = M_REMAP_UNKNOWN;
	return (int)vm->nload++;
}

bool m_resolve_remap(struct model *m, u64 vmid, u64 idx, u64 start)
{
	struct m_load *l = &m->vm[vmid].load[idx];
	u64 v;
	u32 i;

	if (start > M_REMAP_PAGES || l->npages > M_REMAP_PAGES - start)
		return false;
	for (v = 1; v <= M_MAX_VMS; v++) {
		struct m_vm *vm = &m->vm[v];

		if (vm->state == BOOTOPS_VM_UNUSED)
			continue;
		for (i = 0; i < vm->nload; i++) {
			struct m_load *o = &vm->load[i];

			if (o == l || o->remap_start == M_REMAP_UNKNOWN)
				continue;
			if (o->remap_start < start + l->npages && start < o->remap_start + o->npages)
				return false;
		}
	}
	l->remap_start = start;
	return true;
}

int m_remap_vm_image(struct model *m, u64 vmid, u64 pfn, u64 load_idx)
{
	struct m_load *l;
	int ret;

	if (!vmid_in_range(vmid) || load_idx >= M_MAX_LOAD)
		return -EINVAL;
	ret = vm_ready(m, vmid);
	if (ret)
		return ret;
	if (load_idx >= m->vm[vmid].nload)
		return -ENOENT;
	l = &m->vm[vmid].load[load_idx];
	if (l->npfn >= l->npages)
		return -ENOSPC;
	/* "pfn is not RAM: -EINVAL; not host-exclusive ...: -EPERM;
	 *  device pages are not RAM and give -EPERM" */
	ret = host_page_errno(m, pfn);
	if (ret)
		return ret;
	if (m->remap_fail)
		return -ENOMEM;

	page(m, pfn)->claimed = true;
	if (l->npfn == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->pfn = xrealloc(l->pfn, l->cap * sizeof(*l->pfn));
	}
	l->pfn[l->npfn++] = pfn;
	m->remapped++;
	return 0;
}

static void put_le64(u8 *p, u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (u8)(v >> (8 * i));
}

/* include/bootops/image.h: magic, load_addr, size, 0, SHA-256(bytes). */
static void image_header(u64 load_addr, u64 size, const u8 digest[32], u8 hdr[64])
{
	memset(hdr, 0, 64);
	memcpy(hdr, "BOOTOPS1", 8);
	put_le64(hdr + 8, load_addr);
	put_le64(hdr + 16, size);
	memcpy(hdr + 32, digest, 32);
}

void m_sign_image(u64 load_addr, u64 size, const u8 *bytes, u8 sig[M_SIG])
{
	u8 digest[32], hdr[64], hash[32];

	mbedtls_sha256_ret(bytes, size, digest, 0);
	image_header(load_addr, size, digest, hdr);
	mbedtls_sha256_ret(hdr, sizeof(hdr), hash, 0);
	crypto_fast_sign(0, hash, sig);
}

/* Does l's signature fit its recorded address, size and the page bytes? */
static void image_digest(const struct m_load *l, u8 digest[32]);

static bool image_valid(const struct m_load *l)
{
	u8 digest[32], hdr[64], hash[32], sig[M_SIG];

	/* The machine's bytes, page k of the image being pfn[k]. */
	image_digest(l, digest);
	image_header(l->load_addr, l->size, digest, hdr);
	mbedtls_sha256_ret(hdr, sizeof(hdr), hash, 0);
	crypto_fast_sign(0, hash, sig);
	return !memcmp(sig, l->sig, M_SIG);
}

/* "Page k of image l leaves the host and appears at load_addr + k * 4K";
 * the bytes past the image in its last page are zeroed. */
static void give_image_page(struct model *m, u64 vmid, struct m_load *l, u64 k)
{
	u64 pfn = l->pfn[k], tail = l->size % M_PAGE;

	page(m, pfn)->owner = (u32)vmid;
	page(m, pfn)->claimed = false;
	s2_add(m, vmid, l->load_addr + k * M_PAGE, pfn, M_S2_VM_PAGE);
	if (k == l->npages - 1 && tail) {
		memset(mem_of(m, pfn) + tail, 0, M_PAGE - tail);
		dirty_add(&m->dmem, pfn, 0);
	}
}

/* ---------------------------------------------------------------------- */
/* Boot manifests (bootops.rst, "Boot manifests").                        */

/* The platform's manifest keys (the configuration, not hyp's code). */
static int key_index(u64 key_id)
{
	u32 i;

	for (i = 0; key_id && i < bootops_nr_manifest_keys && i < M_MAX_KEYS; i++)
		if (bootops_manifest_keys[i].id == key_id)
			return (int)i;
	return -1;
}

u64 m_manifest_min(const struct model *m, u64 key_id)
{
	int k = key_index(key_id);

	return k < 0 ? ~0ULL : m->secver_min[k];
}

int m_manifest_raise_min(struct model *m, u64 key_id, u64 secver)
{
	int k = key_index(key_id);

	if (k < 0)
		return -ENOKEY;
	if (secver > m->secver_min[k])
		m->secver_min[k] = secver;
	return 0;
}

/*
 * "EINVAL for a malformed one: magic, no image or more than 5, unknown
 * flags, reserved bytes; ENOKEY" -- the format's checks, then the key.
 */
static int parse_manifest(const u8 *b, struct m_manifest *man)
{
	u32 nr = (u32)bootops_get_le(b + 12, 4), i;
	u64 flags = bootops_get_le(b + 24, 8);

	if (memcmp(b, "BOOTMAN1", 8) || bootops_get_le(b + 40, 8) || bootops_get_le(b + 48, 8) ||
	    bootops_get_le(b + 56, 8) || !nr || nr > M_MAX_LOAD || (flags & ~3ULL))
		return -EINVAL;
	if (key_index(bootops_get_le(b + 8, 4)) < 0)
		return -ENOKEY;
	memset(man, 0, sizeof(*man));
	man->key_id = (u32)bootops_get_le(b + 8, 4);
	man->nr = nr;
	man->secver = bootops_get_le(b + 16, 8);
	man->flags = flags;
	man->entry = bootops_get_le(b + 32, 8);
	for (i = 0; i < nr; i++) {
		const u8 *img = b + 64 + 48 * i;

		man->addr[i] = bootops_get_le(img, 8);
		man->size[i] = bootops_get_le(img + 8, 8);
		memcpy(man->digest[i], img + 16, 32);
	}
	memcpy(man->sig, b + 64 + 48 * nr, M_SIG);
	mbedtls_sha256_ret(b, 64 + 48 * nr, man->hash, 0);
	man->set = true;
	return 0;
}

/*
 * SPEC: set_manifest(vmid, pfn): VM READY; no manifest yet (-EEXIST); a
 * remap slot to read it through (-ENOMEM); pfn host-exclusive (as for an
 * image page); its first bytes a well-formed manifest under a key hyp has.
 */
int m_set_manifest(struct model *m, u64 vmid, u64 pfn)
{
	struct m_vm *vm;
	int ret;

	if (!vmid_in_range(vmid))
		return -EINVAL;
	ret = vm_ready(m, vmid);
	if (ret)
		return ret;
	vm = &m->vm[vmid];
	if (vm->man.set)
		return -EEXIST;
	if (!remap_run_free(m, 1))
		return -ENOMEM;
	ret = host_page_errno(m, pfn);
	if (ret)
		return ret;
	if (m->remap_fail)
		return -ENOMEM;
	return parse_manifest(mem_of(m, pfn), &vm->man);
}

/* "the images declared are the manifest's, one for one", and not too old. */
static bool manifest_fits(const struct model *m, const struct m_vm *vm)
{
	u32 i;

	if (vm->nload != vm->man.nr)
		return false;
	for (i = 0; i < vm->nload; i++)
		if (vm->load[i].load_addr != vm->man.addr[i] ||
		    vm->load[i].size != vm->man.size[i])
			return false;
	return vm->man.secver >= m_manifest_min(m, vm->man.key_id);
}

static bool manifest_sig_valid(const struct m_manifest *man)
{
	u8 want[M_SIG];

	crypto_fast_sign(man->key_id, man->hash, want);
	return !memcmp(want, man->sig, M_SIG);
}

/* SHA-256 of the image's bytes, its pages as the machine holds them. */
static void image_digest(const struct m_load *l, u8 digest[32])
{
	mbedtls_sha256_context ctx;
	u64 k, left = l->size;

	mbedtls_sha256_init(&ctx);
	mbedtls_sha256_starts_ret(&ctx, 0);
	for (k = 0; k < l->npages; k++) {
		u64 n = left < M_PAGE ? left : M_PAGE;

		mbedtls_sha256_update_ret(&ctx, sim_page_bytes(l->pfn[k]), n);
		left -= n;
	}
	mbedtls_sha256_finish_ret(&ctx, digest);
	mbedtls_sha256_free(&ctx);
}

static bool image_matches(const struct m_load *l, const u8 digest[32])
{
	u8 d[32];

	image_digest(l, d);
	return !memcmp(d, digest, 32);
}

/* Past the last page of image cur->idx: the next image, or step `then`. */
static void next_image(struct m_cursor *cur, u32 nload, u32 step, u32 then)
{
	cur->page = 0;
	cur->step = step;
	if (++cur->idx == nload) {
		cur->idx = 0;
		cur->step = then;
	}
}

/* One unit of verification work; CONTINUE if its cost exceeds *budget. */
static int verify_unit(struct model *m, u64 vmid, u64 *budget)
{
	struct m_vm *vm = &m->vm[vmid];
	struct m_cursor *cur = &vm->cur;
	struct m_load *l = &vm->load[cur->idx];
	/* A signature check costs a slice; a manifest digest compare a unit. */
	u64 cost = cur->step == M_MANIFEST ||
		   (cur->step == M_CHECK && !vm->man.set) ? BOOTOPS_SLICE_UNITS : 1;
	bool valid;

	if (cost > *budget)
		return BOOTOPS_CONTINUE;
	*budget -= cost;
	switch (cur->step) {
	case M_MANIFEST:
		if (!manifest_sig_valid(&vm->man))
			return -EKEYREJECTED;
		cur->step = M_LOAD;
		return 0;
	case M_LOAD:
		give_image_page(m, vmid, l, cur->page);
		if (++cur->page == l->npages)
			next_image(cur, vm->nload, M_LOAD, M_HASH);
		return 0;
	case M_HASH:
		if (++cur->page == l->npages)
			cur->step = M_CHECK;
		return 0;
	default:
		/* The bytes are the VM's since LOAD: nothing can change them. */
		valid = vm->man.set ? image_matches(l, vm->man.digest[cur->idx]) : image_valid(l);
		next_image(cur, vm->nload, M_HASH, M_DONE);
		return valid ? 0 : -EKEYREJECTED;
	}
}

/* SPEC: require_images marks a READY VM; once marked, 0 in any state. */
int m_require_images(struct model *m, u64 vmid)
{
	int ret;

	if (!vmid_in_range(vmid))
		return -EINVAL;
	if (m->vm[vmid].state != BOOTOPS_VM_UNUSED && m->vm[vmid].requires)
		return 0;
	ret = vm_ready(m, vmid);
	if (!ret)
		m->vm[vmid].requires = true;
	return ret;
}

int m_verify_and_load_images(struct model *m, u64 vmid)
{
	u64 budget = BOOTOPS_SLICE_UNITS;
	struct m_vm *vm;
	int ret = 0;
	u32 i;

	if (!vmid_in_range(vmid))
		return -EINVAL;
	vm = &m->vm[vmid];
	if (vm->state != BOOTOPS_VM_VERIFYING) {
		ret = vm_ready(m, vmid);
		if (ret)
			return ret;
		for (i = 0; i < vm->nload; i++)
			if (vm->load[i].npfn < vm->load[i].npages)
				return -EPERM;
		if (vm->requires && !vm->nload) {
			vm->state = BOOTOPS_VM_REJECTED;
			return -ENOEXEC;
		}
		if (vm->man.set && !manifest_fits(m, vm)) {
			vm->state = BOOTOPS_VM_REJECTED;
			return -EKEYREJECTED;
		}
		vm->state = BOOTOPS_VM_VERIFYING;
		memset(&vm->cur, 0, sizeof(vm->cur));
		vm->cur.step = vm->man.set ? M_MANIFEST : vm->nload ? M_LOAD : M_DONE;
	}
	while (!ret && vm->cur.step != M_DONE)
		ret = verify_unit(m, vmid, &budget);
	if (ret == BOOTOPS_CONTINUE)
		return ret;
	vm->state = ret ? BOOTOPS_VM_REJECTED : BOOTOPS_VM_VERIFIED;
	/* "when a VM whose manifest has flag bit 1 verifies, the minimum rises" */
	if (!ret && vm->man.set && (vm->man.flags & 2))
		m_manifest_raise_min(m, vm->man.key_id, vm->man.secver);
	return ret;
}

u64 m_search_load_info(struct model *m, u64 vmid, u64 addr)
{
	struct m_vm *vm;
	u32 i;

	if (!vmid_in_range(vmid))
		return 0;
	vm = &m->vm[vmid];
	if (vm->state != BOOTOPS_VM_VERIFIED)
		return 0;
	for (i = 0; i < vm->nload; i++) {
		struct m_load *l = &vm->load[i];

		if (addr >= l->load_addr && addr - l->load_addr < l->size) {
			u64 off = addr - l->load_addr;

			return l->pfn[off / M_PAGE] * M_PAGE + off % M_PAGE;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Device memory and SMMU.                                                 */

int m_map_io(struct model *m, u64 vmid, u64 gpa, u64 pa)
{
	u64 pfn = pa / M_PAGE;
	int ret;

	if (!vmid_in_range(vmid))
		return -EINVAL;
	ret = vm_ready(m, vmid);
	if (ret)
		return ret;
	if (gpa % M_PAGE || pa % M_PAGE || (u128)gpa + M_PAGE > ipa_limit())
		return -EINVAL;
	if (in_declared_image(m, vmid, gpa, M_PAGE))
		return -EEXIST;
	if (m_is_ram(pfn) || m_is_hyp_mmio(pfn))
		return -EPERM;
	if (!m_is_mmio(pfn))
		return -EINVAL;
	if (m_vec_find(&m->vm[vmid].s2, gpa))
		return -EEXIST;
	if (m->tables_fail)
		m->alt_enomem = true;
	undo_record(m, ~0ULL, &m->vm[vmid].s2);
	s2_add(m, vmid, gpa, pfn, M_S2_DEVICE);
	return 0;
}

static bool smmu_ids_in_range(u64 vmid, u64 cbndx, u64 index)
{
	return vmid <= M_MAX_VMS && cbndx < M_NCB && index < M_NSMMU;
}

/* "vmid != 0 and VM UNUSED: -ENOENT; vmid != 0 and not READY: -EPERM" */
static int smmu_owner_state(struct model *m, u64 vmid)
{
	return vmid == M_OWNER_HOST ? 0 : vm_ready(m, vmid);
}

int m_alloc_smmu(struct model *m, u64 vmid, u64 cbndx, u64 index)
{
	int ret;

	if (!smmu_ids_in_range(vmid, cbndx, index))
		return -EINVAL;
	ret = smmu_owner_state(m, vmid);
	if (ret)
		return ret;
	/* A fresh table is needed, unless the owner asks again (emptied in place). */
	if (m->tables_fail && m->bank[index][cbndx].owner != vmid)
		return -ENOMEM;
	bank_empty(m, index, cbndx);
	m->bank[index][cbndx].owner = (u32)vmid;
	return 0;
}

int m_assign_smmu(struct model *m, u64 vmid, u64 pfn, u64 gfn)
{
	u64 ipa;
	int ret;

	if (!vmid_in_range(vmid))
		return -EINVAL;
	ret = vm_ready(m, vmid);
	if (ret)
		return ret;
	if ((u128)gfn * M_PAGE + M_PAGE > ipa_limit())
		return -EINVAL;
	ipa = gfn * M_PAGE;
	if (in_declared_image(m, vmid, ipa, M_PAGE) || m_vec_find(&m->vm[vmid].s2, ipa))
		return -EEXIST;
	if (m->tables_fail)
		m->alt_enomem = true;
	if (!m_is_ram(pfn))
		return -EINVAL;
	if (!m_host_exclusive(m, pfn))
		return -EPERM;
	undo_record(m, pfn, &m->vm[vmid].s2);
	page(m, pfn)->owner = (u32)vmid;
	s2_add(m, vmid, ipa, pfn, M_S2_VM_PAGE);
	return 0;
}

static int smmu_common(struct model *m, u64 vmid, u64 cbndx, u64 index, u64 iova)
{
	int ret;

	if (!smmu_ids_in_range(vmid, cbndx, index))
		return -EINVAL;
	ret = smmu_owner_state(m, vmid);
	if (ret)
		return ret;
	if (iova % M_PAGE || iova >> M_IOVA_BITS)
		return -EINVAL;
	if (m->bank[index][cbndx].owner != vmid)
		return -EPERM;
	return 0;
}

int m_map_smmu(struct model *m, u64 vmid, u64 cbndx, u64 index, u64 iova, u64 pte)
{
	u64 pfn = (pte >> 12) & ((1ULL << 36) - 1);	/* pte[47:12] */
	struct m_bank *bank;
	int ret;

	ret = smmu_common(m, vmid, cbndx, index, iova);
	if (ret)
		return ret;
	bank = &m->bank[index][cbndx];
	if (m_vec_find(&bank->map, iova))
		return -EEXIST;
	if (vmid == M_OWNER_HOST) {
		/* "not host-exclusive (device, hyp, claimed, a VM's): -EPERM
		 *  (-EINVAL if not a page at all)"; pinned pages stay mappable:
		 *  a page is "mapped by one or more host SMMU banks" (counted). */
		struct m_page p = m_page_of(m, pfn);

		if (m_is_mmio(pfn))
			return -EPERM;
		if (!m_is_ram(pfn))
			return -EINVAL;
		if (p.owner != M_OWNER_HOST || p.claimed || p.shared)
			return -EPERM;
	} else {
		const struct m_map *e = m_vec_find(&m->vm[vmid].s2, iova);

		if (!e || e->pfn != pfn || m_page_of(m, pfn).owner != vmid)
			return -EPERM;
	}
	if (m->tables_fail)
		m->alt_enomem = true;
	undo_record(m, pfn, &bank->map);
	if (vmid == M_OWNER_HOST)
		page(m, pfn)->pins++;
	vec_add(&bank->map, iova, pfn, pte & M_SMMU_ATTRS);
	dirty_add(&m->dbank, bank_id(index, cbndx), iova);
	return 0;
}

int m_clear_smmu(struct model *m, u64 vmid, u64 cbndx, u64 index, u64 iova)
{
	const struct m_map *e;
	struct m_bank *bank;
	int ret;

	ret = smmu_common(m, vmid, cbndx, index, iova);
	if (ret)
		return ret;
	bank = &m->bank[index][cbndx];
	e = m_vec_find(&bank->map, iova);
	if (!e)
		return -ENOENT;
	if (vmid == M_OWNER_HOST)
		page(m, e->pfn)->pins--;
	vec_del(&bank->map, iova);
	dirty_add(&m->dbank, bank_id(index, cbndx), iova);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Ordinary memory of a VM on hyp's stage 2.                               */

/* The checks share_guest_page and unshare_guest_page have in common (1-4). */
static int guest_page_common(struct model *m, u64 vmid, u64 ipa)
{
	if (!vmid_in_range(vmid))
		return -EINVAL;
	if (m->vm[vmid].state == BOOTOPS_VM_UNUSED)
		return -ENOENT;
	/* "VM not VERIFIED, or without images: -EPERM" */
	if (m->vm[vmid].state != BOOTOPS_VM_VERIFIED || !m->vm[vmid].nload)
		return -EPERM;
	if (ipa % M_PAGE || (u128)ipa + M_PAGE > ipa_limit())
		return -EINVAL;
	if (in_declared_image(m, vmid, ipa, M_PAGE))
		return -EPERM;
	return 0;
}

int m_share_guest_page(struct model *m, u64 vmid, u64 ipa, u64 pfn)
{
	int ret = guest_page_common(m, vmid, ipa);

	if (ret)
		return ret;
	/* "a manifest requiring private memory: -EPERM" */
	if (m->vm[vmid].man.set && (m->vm[vmid].man.flags & 1))
		return -EPERM;
	if (m_vec_find(&m->vm[vmid].s2, ipa))
		return -EEXIST;
	/* "pfn not a page: -EINVAL; device, hyp's, a VM's, claimed,
	 *  DMA-pinned or already shared: -EPERM" */
	ret = host_page_errno(m, pfn);
	if (ret)
		return ret;
	if (m->tables_fail)
		m->alt_enomem = true;
	undo_record(m, pfn, &m->vm[vmid].s2);
	page(m, pfn)->shared = (u32)vmid;
	s2_add(m, vmid, ipa, pfn, M_S2_SHARED);
	return 0;
}

int m_donate_guest_page(struct model *m, u64 vmid, u64 ipa, u64 pfn)
{
	int ret = guest_page_common(m, vmid, ipa);

	if (ret)
		return ret;
	if (m_vec_find(&m->vm[vmid].s2, ipa))
		return -EEXIST;
	/* "pfn not RAM (a device page or none): -EINVAL; not host-exclusive: -EPERM" */
	if (!m_is_ram(pfn))
		return -EINVAL;
	if (!m_host_exclusive(m, pfn))
		return -EPERM;
	if (m->tables_fail)
		m->alt_enomem = true;
	undo_record(m, pfn, &m->vm[vmid].s2);
	page(m, pfn)->owner = (u32)vmid;
	s2_add(m, vmid, ipa, pfn, M_S2_VM_PAGE);
	return 0;
}

int m_unshare_guest_page(struct model *m, u64 vmid, u64 ipa)
{
	const struct m_map *e;
	int ret = guest_page_common(m, vmid, ipa);
	u64 pfn;

	if (ret)
		return ret;
	e = m_vec_find(&m->vm[vmid].s2, ipa);
	if (!e)
		return -ENOENT;
	if (e->attr != M_S2_SHARED)
		return -EPERM;
	pfn = e->pfn;
	page(m, pfn)->shared = 0;
	s2_del(m, vmid, ipa);
	return 0;
}

/*
 * SPEC (Attestation): the call of a vCPU ACTIVE on this CPU (running means
 * VERIFIED) of a VM with images, for a page-aligned page of the VM's RAM
 * (an image page, private or shared; not MMIO, not a hole), through a
 * remap slot.  Hyp's state does not change; the report goes into the page
 * (*pfn), in bytes the model does not compute (m_guest_wrote()).
 */
int m_attest(struct model *m, u64 vmid, u64 vcpuid, u64 ipa, u64 *pfn)
{
	const struct m_map *e;
	int err;

	if (!m_running_vcpu(m, vmid, vcpuid, &err))
		return err;
	if (!m->vm[vmid].nload)
		return -EPERM;
	if (ipa & (M_PAGE - 1))
		return -EINVAL;
	e = m_vec_find(&m->vm[vmid].s2, ipa);
	if (!e || e->attr == M_S2_DEVICE)
		return -EINVAL;
	if (!remap_run_free(m, 1) || m->remap_fail)
		return -ENOMEM;
	*pfn = e->pfn;
	return 0;
}

void m_guest_wrote(struct model *m, u64 pfn, const void *src)
{
	memcpy(mem_of(m, pfn), src, M_PAGE);
}

/* ---------------------------------------------------------------------- */
/* The host's accesses.                                                    */

static int host_access(struct model *m, u64 pfn, u64 off, u64 len)
{
	u32 owner;

	if (!m_is_ram(pfn) || off > M_PAGE || len > M_PAGE - off)
		return -EFAULT;
	owner = m_page_of(m, pfn).owner;
	if (owner == M_OWNER_HOST)
		return 0;
	/* "Hyp counts each such fault against the VM that owns the page." */
	if (owner != M_OWNER_HYP && owner >= 1 && owner <= M_MAX_VMS)
		m->vm[owner].host_faults++;
	return -EFAULT;
}

int m_host_write(struct model *m, u64 pfn, u64 off, const void *src, u64 len)
{
	int ret = host_access(m, pfn, off, len);

	if (ret)
		return ret;
	memcpy(mem_of(m, pfn) + off, src, len);
	dirty_add(&m->dmem, pfn, 0);
	return 0;
}

int m_host_read(struct model *m, u64 pfn, u64 off, void *dst, u64 len)
{
	int ret = host_access(m, pfn, off, len);

	if (ret)
		return ret;
	memcpy(dst, mem_of(m, pfn) + off, len);
	return 0;
}
