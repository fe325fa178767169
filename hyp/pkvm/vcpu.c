// SPDX-License-Identifier: GPL-2.0-only
/*
 * A verified vCPU's CPU state is hyp's (pKVM, Linux 6.12, nVHE/hVHE).
 *
 * pKVM 6.12 copies a vCPU's whole context, its trap configuration and
 * pointers such as debug_ptr from the host's struct kvm_vcpu at every
 * entry, and the context back at every exit.  For a vCPU of a VM on hyp's
 * stage 2 (verified, with images) that holds only up to its first run:
 * then hyp resets it (bootops-platform.c) and takes it over
 * (bootops_pkvm_vcpu_own()), and from there on the vCPU is hyp's copy,
 * hyp_vcpu->vcpu.  An exit shows the host only what it must emulate, and
 * the next entry takes back only the answer:
 *
 *   last exit (ESR_EL2)      the host sees               it may answer
 *   data abort, valid ISS    for a write, Rt             for a read, Rt (its
 *                                                        low 32 bits for a W
 *                                                        register); skip
 *   MSR/MRS trap             for MSR, Rt                 for MRS, Rt; skip
 *   HVC                      x0-x3                       x0-x3
 *   SMC                      x0-x3                       x0-x3; skip
 *   PSCI hyp answers (HVC    x0-x3                       -
 *   or SMC): CPU_ON, CPU_OFF,
 *   AFFINITY_INFO, SYSTEM_OFF,
 *   SYSTEM_RESET(2); and the
 *   attestation call
 *   WFI/WFE, DC on MMIO      -                           skip
 *   anything else            -                           -
 *
 * "Skip" is KVM's INCREMENT_PC, applied by hyp to its own PC; an answer
 * is taken only together with the skip that completes the instruction
 * (an HVC's PC is already past it).  Every exit also shows the syndrome
 * (ESR_EL2, HPFAR_EL2, FAR_EL2's page offset), PSTATE's mode bits and
 * SCTLR_EL1's endianness bits: what KVM needs to decode an access.  An
 * exception or SError the host asks to inject, a PC it sets, a reset, its
 * debug state: ignored.  HCR_EL2 and MDCR_EL2 are fixed by hyp at the
 * first run; later the host chooses only whether WFI/WFE trap.
 */
#include <uapi/linux/psci.h>

#include <asm/kvm_emulate.h>
#include <asm/kvm_hyp.h>

#include <nvhe/bootops.h>
#include <nvhe/pkvm.h>

#include <bootops/attest.h>
#include <bootops/bootops.h>

/* What the last exit lets the host answer at the next entry. */
enum bootops_exit {
	BOOTOPS_EXIT_NONE,
	BOOTOPS_EXIT_MMIO_READ,
	BOOTOPS_EXIT_MMIO_WRITE,
	BOOTOPS_EXIT_SYSREG_READ,
	BOOTOPS_EXIT_SYSREG_WRITE,
	BOOTOPS_EXIT_HVC,
	BOOTOPS_EXIT_SMC,
	BOOTOPS_EXIT_SKIP,	/* WFx, cache maintenance on MMIO: only the skip */
	BOOTOPS_EXIT_PSCI_HVC,	/* PSCI hyp answered: nothing */
	BOOTOPS_EXIT_PSCI_SMC,	/* the same, and hyp's own skip */
};

/*
 * Traps the host may add to HCR_GUEST_FLAGS at the first run, as KVM
 * does (vcpu_set_hcr()); each makes the guest exit more, none changes
 * what it executes.  API/APK, off, trap pointer authentication to hyp,
 * which turns it on with the guest's own keys.  Not TVM/TRVM: KVM would
 * emulate the guest's SCTLR_EL1 writes in the host's copy.
 */
#define BOOTOPS_HCR_HOST_TRAPS	(HCR_TID1 | HCR_TID2 | HCR_TID4 | HCR_TPC | HCR_TPU | \
				 HCR_TTLB | HCR_TDZ | HCR_API | HCR_APK)
/* What the host still chooses at every entry (KVM's WFx policy). */
#define BOOTOPS_HCR_HOST_WFX	(HCR_TWI | HCR_TWE)

#define BOOTOPS_FAR_OFFSET	GENMASK(11, 0)

static u64 guest_hcr(u64 host_hcr)
{
	u64 hcr = HCR_GUEST_FLAGS | (host_hcr & BOOTOPS_HCR_HOST_TRAPS);

	if (has_hvhe())
		hcr |= HCR_E2H;
	if (cpus_have_final_cap(ARM64_HAS_RAS_EXTN))
		hcr |= HCR_TEA | HCR_TERR;
	if (cpus_have_final_cap(ARM64_HAS_STAGE2_FWB))
		hcr |= HCR_FWB;
	return hcr;
}

/*
 * KVM's (kvm_arm_setup_mdcr_el2()) with every debug register access
 * trapped: hyp never loads debug state the host keeps.
 */
static u64 guest_mdcr(u64 host_mdcr)
{
	return (host_mdcr & MDCR_EL2_HPMN_MASK) | MDCR_EL2_TPM | MDCR_EL2_TPMS |
	       MDCR_EL2_TTRF | MDCR_EL2_TPMCR | MDCR_EL2_TDRA | MDCR_EL2_TDOSA |
	       MDCR_EL2_TDA;
}

/*
 * Hyp, not the host, decides that the host's profiling and trace buffers
 * are stopped while the guest runs (the host's test, debug.c, at EL2).
 */
static void own_iflags(struct kvm_vcpu *vcpu)
{
	u64 dfr0 = read_sysreg(id_aa64dfr0_el1);

	vcpu->arch.iflags = 0;
	if (cpuid_feature_extract_unsigned_field(dfr0, ID_AA64DFR0_EL1_PMSVer_SHIFT) &&
	    !(read_sysreg_s(SYS_PMBIDR_EL1) & BIT(PMBIDR_EL1_P_SHIFT)))
		vcpu_set_flag(vcpu, DEBUG_STATE_SAVE_SPE);
	if (cpuid_feature_extract_unsigned_field(dfr0, ID_AA64DFR0_EL1_TraceBuffer_SHIFT) &&
	    !(read_sysreg_s(SYS_TRBIDR_EL1) & TRBIDR_EL1_P))
		vcpu_set_flag(vcpu, DEBUG_STATE_SAVE_TRBE);
}

/*
 * Right after a verified vCPU's first run was checked and reset
 * (bootops_pkvm_load_s2()), hyp takes the rest of what decides how it
 * runs: the trap configuration, debug state, the flags.  From here on
 * the vCPU is hyp's copy.  SVE is refused for good (-EOPNOTSUPP): pKVM
 * 6.12 saves a guest's Z registers to memory the host gives (sve_state).
 */
int bootops_pkvm_vcpu_own(struct pkvm_hyp_vcpu *hyp_vcpu, int vmid)
{
	struct kvm_vcpu *vcpu = &hyp_vcpu->vcpu;

	if (hyp_vcpu->bootops.state_is_hyps || vmid <= 0 || !bootops_vm_uses_hyp_s2(vmid))
		return 0;
	if (vcpu_has_sve(vcpu))
		return -EOPNOTSUPP;
	own_iflags(vcpu);
	vcpu->arch.ctxt.vncr_array = NULL;
	vcpu->arch.hcr_el2 = guest_hcr(vcpu->arch.hcr_el2);
	vcpu->arch.mdcr_el2 = guest_mdcr(vcpu->arch.mdcr_el2);
	vcpu->arch.vsesr_el2 = 0;
	memset(&vcpu->arch.vcpu_debug_state, 0, sizeof(vcpu->arch.vcpu_debug_state));
	vcpu->arch.debug_ptr = &vcpu->arch.vcpu_debug_state;
	hyp_vcpu->bootops = (struct bootops_hyp_vcpu){ .state_is_hyps = true };
	return 0;
}

/* The host's answer to an MMIO read or an MRS: one register. */
static void take_rt(struct kvm_vcpu *vcpu, const struct kvm_vcpu *host,
		    const struct bootops_hyp_vcpu *b)
{
	u64 val;

	if (b->rt == 31)	/* XZR */
		return;
	val = READ_ONCE(host->arch.ctxt.regs.regs[b->rt]);
	if (b->rt_is_32bit)
		val = lower_32_bits(val);
	vcpu_set_reg(vcpu, b->rt, val);
}

static void take_x0_x3(struct kvm_vcpu *vcpu, const struct kvm_vcpu *host)
{
	int i;

	for (i = 0; i < 4; i++)
		vcpu_set_reg(vcpu, i, READ_ONCE(host->arch.ctxt.regs.regs[i]));
}

/* INCREMENT_PC shares its bit with EXCEPT_MASK: only without an exception. */
static bool host_skips(u64 host_iflags)
{
	return (host_iflags & unpack_vcpu_flag(INCREMENT_PC)) &&
	       !(host_iflags & unpack_vcpu_flag(PENDING_EXCEPTION));
}

/* The host's answer to the last exit, if that exit allows one. */
static bool take_answer(struct kvm_vcpu *vcpu, const struct kvm_vcpu *host,
			const struct bootops_hyp_vcpu *b)
{
	bool skip = host_skips(READ_ONCE(host->arch.iflags));

	switch (b->exit) {
	case BOOTOPS_EXIT_MMIO_READ:
	case BOOTOPS_EXIT_SYSREG_READ:
		if (skip)
			take_rt(vcpu, host, b);
		return skip;
	case BOOTOPS_EXIT_HVC:
		take_x0_x3(vcpu, host);
		return false;
	case BOOTOPS_EXIT_SMC:
		if (skip)
			take_x0_x3(vcpu, host);
		return skip;
	case BOOTOPS_EXIT_MMIO_WRITE:
	case BOOTOPS_EXIT_SYSREG_WRITE:
	case BOOTOPS_EXIT_SKIP:
		return skip;
	case BOOTOPS_EXIT_PSCI_SMC:
		return true;
	default:
		return false;
	}
}

/*
 * Instead of flush_hyp_vcpu()'s copy of the host's context: true if the
 * vCPU's state is hyp's, which then takes from the host only the answer
 * to the last exit and its WFx policy.
 */
bool bootops_pkvm_flush_vcpu(struct pkvm_hyp_vcpu *hyp_vcpu)
{
	struct bootops_hyp_vcpu *b = &hyp_vcpu->bootops;
	struct kvm_vcpu *vcpu = &hyp_vcpu->vcpu;
	const struct kvm_vcpu *host = hyp_vcpu->host_vcpu;
	u64 host_hcr = READ_ONCE(host->arch.hcr_el2);
	bool skip;

	if (!b->state_is_hyps)
		return false;
	skip = take_answer(vcpu, host, b);
	b->exit = BOOTOPS_EXIT_NONE;
	vcpu_clear_flag(vcpu, PENDING_EXCEPTION);
	vcpu_clear_flag(vcpu, EXCEPT_MASK);
	vcpu_clear_flag(vcpu, DEBUG_DIRTY);
	if (skip)
		vcpu_set_flag(vcpu, INCREMENT_PC);
	vcpu->arch.hcr_el2 &= ~BOOTOPS_HCR_HOST_WFX;
	vcpu->arch.hcr_el2 |= host_hcr & BOOTOPS_HCR_HOST_WFX;
	return true;
}

static enum bootops_exit dabt_exit(u64 esr, struct bootops_hyp_vcpu *b)
{
	if (esr & ESR_ELx_CM)
		return BOOTOPS_EXIT_SKIP;
	if (!(esr & ESR_ELx_ISV) || (esr & ESR_ELx_S1PTW))
		return BOOTOPS_EXIT_NONE;
	b->rt = FIELD_GET(ESR_ELx_SRT_MASK, esr);
	b->rt_is_32bit = !(esr & ESR_ELx_SF);
	return (esr & ESR_ELx_WNR) ? BOOTOPS_EXIT_MMIO_WRITE : BOOTOPS_EXIT_MMIO_READ;
}

static enum bootops_exit classify_exit(u64 esr, int exit_code, struct bootops_hyp_vcpu *b)
{
	if (exit_code < 0 || ARM_EXCEPTION_CODE(exit_code) != ARM_EXCEPTION_TRAP)
		return BOOTOPS_EXIT_NONE;
	switch (ESR_ELx_EC(esr)) {
	case ESR_ELx_EC_DABT_LOW:
		return dabt_exit(esr, b);
	case ESR_ELx_EC_SYS64:
		b->rt = ESR_ELx_SYS64_ISS_RT(esr);
		b->rt_is_32bit = false;
		return (esr & ESR_ELx_SYS64_ISS_DIR_READ) ? BOOTOPS_EXIT_SYSREG_READ :
							     BOOTOPS_EXIT_SYSREG_WRITE;
	case ESR_ELx_EC_HVC64:
		return BOOTOPS_EXIT_HVC;
	case ESR_ELx_EC_SMC64:
		return BOOTOPS_EXIT_SMC;
	case ESR_ELx_EC_WFx:
		return BOOTOPS_EXIT_SKIP;
	default:
		return BOOTOPS_EXIT_NONE;
	}
}

/* The syndrome, and what KVM reads to decode an access's mode and endianness. */
static void show_syndrome(struct kvm_vcpu *host, const struct kvm_vcpu *vcpu)
{
	const struct kvm_cpu_context *ctxt = &vcpu->arch.ctxt;

	host->arch.fault.esr_el2 = vcpu->arch.fault.esr_el2;
	host->arch.fault.hpfar_el2 = vcpu->arch.fault.hpfar_el2;
	host->arch.fault.far_el2 = vcpu->arch.fault.far_el2 & BOOTOPS_FAR_OFFSET;
	host->arch.fault.disr_el1 = vcpu->arch.fault.disr_el1;
	host->arch.ctxt.regs.pstate = ctxt->regs.pstate & (PSR_MODE_MASK | PSR_MODE32_BIT);
	host->arch.ctxt.sys_regs[SCTLR_EL1] = ctxt->sys_regs[SCTLR_EL1] &
					      (SCTLR_ELx_EE | SCTLR_EL1_E0E);
}

/*
 * PSCI of a verified VM is hyp's: which vCPU starts, where, and with what
 * context is the guest's word, and what a vCPU learns of another's power
 * state is hyp's record (hyp/vm.c).  The host still sees the call, to do
 * its part (wake the target's thread, stop the caller's, tell the VMM of
 * SYSTEM_OFF or a reset); its answer is not taken.
 */
static bool vcpu_of_mpidr(u64 mpidr, u64 *idx)
{
	u64 i = MPIDR_AFFINITY_LEVEL(mpidr, 0) | MPIDR_AFFINITY_LEVEL(mpidr, 1) << 4 |
		MPIDR_AFFINITY_LEVEL(mpidr, 2) << 12;

	if (i >= BOOTOPS_MAX_VCPUS ||
	    (bootops_vcpu_mpidr(i) & MPIDR_HWID_BITMASK) != mpidr)
		return false;
	*idx = i;
	return true;
}

static unsigned long psci_cpu_on(int vmid, struct kvm_vcpu *vcpu, u64 mask)
{
	u64 target;
	int ret;

	if (!vcpu_of_mpidr(vcpu_get_reg(vcpu, 1) & mask, &target))
		return PSCI_RET_INVALID_PARAMS;
	ret = bootops_vcpu_cpu_on(vmid, vcpu->vcpu_idx, target, vcpu_get_reg(vcpu, 2) & mask,
				  vcpu_get_reg(vcpu, 3) & mask);
	switch (ret) {
	case 0:
		return PSCI_RET_SUCCESS;
	case -EEXIST:
		return PSCI_RET_ALREADY_ON;
	case -EBUSY:
		return PSCI_RET_ON_PENDING;
	case -ENOENT:
	case -EINVAL:
		return PSCI_RET_INVALID_PARAMS;
	default:
		return PSCI_RET_INTERNAL_FAILURE;
	}
}

/* KVM's answer (kvm_psci_vcpu_affinity_info()), from hyp's record. */
static unsigned long psci_affinity_info(struct pkvm_hyp_vm *hyp_vm, int vmid,
					struct kvm_vcpu *vcpu, u64 mask)
{
	u64 target = vcpu_get_reg(vcpu, 1) & mask, level = vcpu_get_reg(vcpu, 2) & mask;
	u64 aff_mask, i, nr = READ_ONCE(hyp_vm->nr_vcpus);
	bool found = false;
	int power;

	if ((target & ~MPIDR_HWID_BITMASK) || level > 3)
		return PSCI_RET_INVALID_PARAMS;
	aff_mask = MPIDR_HWID_BITMASK & ~(BIT(level * MPIDR_LEVEL_BITS) - 1);
	target &= aff_mask;
	for (i = 0; i < nr && i < BOOTOPS_MAX_VCPUS; i++) {
		if ((bootops_vcpu_mpidr(i) & aff_mask) != target)
			continue;
		power = bootops_vcpu_power(vmid, i);
		if (power < 0)
			continue;
		found = true;
		if (power != BOOTOPS_POWER_OFF)
			return PSCI_0_2_AFFINITY_LEVEL_ON;
	}
	return found ? PSCI_0_2_AFFINITY_LEVEL_OFF : PSCI_RET_INVALID_PARAMS;
}

static void psci_return(struct kvm_vcpu *vcpu, unsigned long ret)
{
	int i;

	vcpu_set_reg(vcpu, 0, ret);
	for (i = 1; i < 4; i++)
		vcpu_set_reg(vcpu, i, 0);
}

static unsigned long attest_ret(int ret)
{
	if (!ret)
		return BOOTOPS_SMCCC_SUCCESS;
	return ret == -EINVAL ? BOOTOPS_SMCCC_INVALID_PARAMETER : BOOTOPS_SMCCC_NOT_SUPPORTED;
}

/*
 * The attestation call (bootops/attest.h): one step of it per exit.  True
 * once hyp answered; false while the signature goes on, with the guest
 * left on its call to issue it again, and nothing for the host to answer.
 */
static bool handle_attest(struct kvm_vcpu *vcpu, int vmid, bool hvc)
{
	u64 len;
	int ret = bootops_attest(vmid, vcpu->vcpu_idx, vcpu_get_reg(vcpu, 1), &len);

	if (ret == BOOTOPS_CONTINUE) {
		/* An HVC's PC is past it; a trapped SMC's is on it until skipped. */
		if (hvc)
			*vcpu_pc(vcpu) -= AARCH64_INSN_SIZE;
		return false;
	}
	psci_return(vcpu, attest_ret(ret));
	vcpu_set_reg(vcpu, 1, len);
	return true;
}

/* True if hyp handled the call: CPU_ON, CPU_OFF, AFFINITY_INFO, SYSTEM_OFF/RESET. */
static bool handle_psci(struct pkvm_hyp_vcpu *hyp_vcpu)
{
	struct pkvm_hyp_vm *hyp_vm = pkvm_hyp_vcpu_to_hyp_vm(hyp_vcpu);
	int vmid = pkvm_bootops_vmid(hyp_vm->kvm.arch.pkvm.handle);
	struct kvm_vcpu *vcpu = &hyp_vcpu->vcpu;
	u32 fn = vcpu_get_reg(vcpu, 0);	/* W0, as KVM reads it */
	u64 mask = ARM_SMCCC_IS_64(fn) ? ~0ULL : U32_MAX;

	switch (fn) {
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
		psci_return(vcpu, psci_cpu_on(vmid, vcpu, mask));
		return true;
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
		psci_return(vcpu, psci_affinity_info(hyp_vm, vmid, vcpu, mask));
		return true;
	case PSCI_0_2_FN_CPU_OFF:
		bootops_vcpu_cpu_off(vmid, vcpu->vcpu_idx);
		return true;
	case PSCI_0_2_FN_SYSTEM_OFF:
	case PSCI_0_2_FN_SYSTEM_RESET:
	case PSCI_1_1_FN_SYSTEM_RESET2:
	case PSCI_1_1_FN64_SYSTEM_RESET2:
		bootops_vcpu_system_off(vmid, vcpu->vcpu_idx);
		return true;
	default:
		return false;
	}
}

/*
 * What an HVC or SMC exit lets the host answer: nothing for a call hyp
 * answered (PSCI_*) or goes on with (NONE), the call itself otherwise.
 */
static enum bootops_exit hyp_call(struct pkvm_hyp_vcpu *hyp_vcpu, enum bootops_exit exit)
{
	struct pkvm_hyp_vm *hyp_vm = pkvm_hyp_vcpu_to_hyp_vm(hyp_vcpu);
	struct kvm_vcpu *vcpu = &hyp_vcpu->vcpu;
	bool hvc = exit == BOOTOPS_EXIT_HVC;

	if ((u32)vcpu_get_reg(vcpu, 0) == BOOTOPS_ATTEST_FN) {	/* W0, as KVM reads it */
		if (!handle_attest(vcpu, pkvm_bootops_vmid(hyp_vm->kvm.arch.pkvm.handle), hvc))
			return BOOTOPS_EXIT_NONE;
	} else if (!handle_psci(hyp_vcpu)) {
		return exit;
	}
	return hvc ? BOOTOPS_EXIT_PSCI_HVC : BOOTOPS_EXIT_PSCI_SMC;
}

/*
 * Instead of sync_hyp_vcpu()'s copy of the context to the host: true if
 * the vCPU's state is hyp's, which then shows the host only what it must
 * emulate for this exit.
 */
bool bootops_pkvm_sync_vcpu(struct pkvm_hyp_vcpu *hyp_vcpu, int exit_code)
{
	struct bootops_hyp_vcpu *b = &hyp_vcpu->bootops;
	struct kvm_vcpu *vcpu = &hyp_vcpu->vcpu, *host = hyp_vcpu->host_vcpu;
	int i;

	if (!b->state_is_hyps)
		return false;
	show_syndrome(host, vcpu);
	b->exit = classify_exit(kvm_vcpu_get_esr(vcpu), exit_code, b);
	switch (b->exit) {
	case BOOTOPS_EXIT_MMIO_WRITE:
	case BOOTOPS_EXIT_SYSREG_WRITE:
		if (b->rt != 31)
			host->arch.ctxt.regs.regs[b->rt] = vcpu_get_reg(vcpu, b->rt);
		break;
	case BOOTOPS_EXIT_HVC:
	case BOOTOPS_EXIT_SMC:
		for (i = 0; i < 4; i++)
			host->arch.ctxt.regs.regs[i] = vcpu_get_reg(vcpu, i);
		b->exit = hyp_call(hyp_vcpu, b->exit);
		break;
	default:
		break;
	}
	return true;
}

#ifdef CONFIG_KVM_ARM_BOOTOPS_SELFTEST
/*
 * Hyp's own test of the exit protocol, for what no guest can make a host
 * do: a hostile host's answers, flags and trap bits after each kind of
 * exit.  On a vCPU of hyp's that never runs, paired with a fake host
 * vCPU; one section per call.  The answer is the source line of the
 * first failed check (0 if none), and the number of checks.
 */
static struct pkvm_hyp_vcpu st_vcpu;
static struct kvm_vcpu st_host;
static struct pkvm_hyp_vm st_vm;	/* handle 0: no VM boot ops know */

struct vst {
	u64 checks;
	int line;
};

#define VCHECK(t, cond)	vcheck(t, cond, __LINE__)

static void vcheck(struct vst *t, bool ok, int line)
{
	t->checks++;
	if (!ok && !t->line)
		t->line = line;
}

#define ST_SCTLR	(0x30d00800UL | SCTLR_ELx_EE | SCTLR_ELx_M)
#define ST_HYP(n)	(0x100UL + (n))
#define ST_HOST(n)	(0xdead0000UL + (n))
#define ST_INCR		unpack_vcpu_flag(INCREMENT_PC)
#define ST_PEND		unpack_vcpu_flag(PENDING_EXCEPTION)

/* A verified vCPU at some point of its run, and a host copy full of canaries. */
static void st_reset(void)
{
	struct kvm_cpu_context *ctxt = &st_vcpu.vcpu.arch.ctxt;
	int i;

	memset(&st_vcpu, 0, sizeof(st_vcpu));
	memset(&st_host, 0, sizeof(st_host));
	st_vcpu.host_vcpu = &st_host;
	st_vcpu.vcpu.kvm = &st_vm.kvm;
	for (i = 0; i < 31; i++) {
		ctxt->regs.regs[i] = ST_HYP(i);
		st_host.arch.ctxt.regs.regs[i] = ST_HOST(i);
	}
	ctxt->regs.sp = 0x5555;
	ctxt->regs.pc = 0x80001000;
	ctxt->regs.pstate = PSR_MODE_EL1h | PSR_I_BIT | PSR_N_BIT;
	ctxt->sys_regs[SCTLR_EL1] = ST_SCTLR;
	st_vcpu.vcpu.arch.hcr_el2 = HCR_GUEST_FLAGS;
	st_vcpu.vcpu.arch.mdcr_el2 = MDCR_EL2_TDA;
	st_vcpu.bootops.state_is_hyps = true;
}

static void st_exit(u64 esr, int exit_code)
{
	st_vcpu.vcpu.arch.fault.esr_el2 = esr;
	st_vcpu.vcpu.arch.fault.far_el2 = 0xffff800012345678UL;
	st_vcpu.vcpu.arch.fault.hpfar_el2 = 0x90000UL;
	bootops_pkvm_sync_vcpu(&st_vcpu, exit_code);
}

static void st_entry(u64 host_iflags)
{
	st_host.arch.iflags = host_iflags;
	bootops_pkvm_flush_vcpu(&st_vcpu);
}

static u64 st_reg(int n)
{
	return st_vcpu.vcpu.arch.ctxt.regs.regs[n];
}

static bool st_skips(void)
{
	return vcpu_get_flag(&st_vcpu.vcpu, INCREMENT_PC);
}

#define ESR_EC(ec)		((u64)(ec) << ESR_ELx_EC_SHIFT | ESR_ELx_IL)
#define ESR_DABT(rt, wnr, sf)	(ESR_EC(ESR_ELx_EC_DABT_LOW) | ESR_ELx_ISV |		\
				 ((sf) ? ESR_ELx_SF : 0) | ((wnr) ? ESR_ELx_WNR : 0) |	\
				 (u64)(rt) << ESR_ELx_SRT_SHIFT)
#define ESR_SYS(rt, read)	(ESR_EC(ESR_ELx_EC_SYS64) | (u64)(rt) << 5 |		\
				 ((read) ? ESR_ELx_SYS64_ISS_DIR_READ : 0))

/* An MMIO write shows its Rt and the syndrome's page offset, nothing else. */
static void st_mmio_write(struct vst *t)
{
	st_reset();
	st_exit(ESR_DABT(5, 1, 1), ARM_EXCEPTION_TRAP);
	VCHECK(t, st_host.arch.ctxt.regs.regs[5] == ST_HYP(5));
	VCHECK(t, st_host.arch.ctxt.regs.regs[4] == ST_HOST(4));
	VCHECK(t, st_host.arch.ctxt.regs.regs[19] == ST_HOST(19));
	VCHECK(t, st_host.arch.ctxt.regs.sp == 0 && st_host.arch.ctxt.regs.pc == 0);
	VCHECK(t, st_host.arch.fault.far_el2 == 0x678);
	VCHECK(t, st_host.arch.fault.hpfar_el2 == 0x90000UL);
	VCHECK(t, st_host.arch.ctxt.regs.pstate == PSR_MODE_EL1h);
	VCHECK(t, st_host.arch.ctxt.sys_regs[SCTLR_EL1] == SCTLR_ELx_EE);
	/* Its "answer" is not taken; the skip is. */
	st_host.arch.ctxt.regs.regs[5] = 0x999;
	st_entry(ST_INCR);
	VCHECK(t, st_reg(5) == ST_HYP(5) && st_skips());
	/* XZR: nothing shown, nothing taken. */
	st_reset();
	st_exit(ESR_DABT(31, 1, 1), ARM_EXCEPTION_TRAP);
	VCHECK(t, st_host.arch.ctxt.regs.sp == 0);
	st_exit(ESR_DABT(31, 0, 1), ARM_EXCEPTION_TRAP);
	st_entry(ST_INCR);
	VCHECK(t, st_vcpu.vcpu.arch.ctxt.regs.sp == 0x5555 && st_skips());
}

/* An MMIO read takes Rt (32 bits of it for a W register) with the skip only. */
static void st_mmio_read(struct vst *t)
{
	st_reset();
	st_exit(ESR_DABT(7, 0, 0), ARM_EXCEPTION_TRAP);
	VCHECK(t, st_host.arch.ctxt.regs.regs[7] == ST_HOST(7));
	st_host.arch.ctxt.regs.regs[7] = 0xffffffff12345678UL;
	st_host.arch.ctxt.regs.regs[8] = 0x888;
	st_entry(0);
	VCHECK(t, st_reg(7) == ST_HYP(7) && !st_skips());
	st_exit(ESR_DABT(7, 0, 0), ARM_EXCEPTION_TRAP);
	st_entry(ST_INCR);
	VCHECK(t, st_reg(7) == 0x12345678UL && st_reg(8) == ST_HYP(8) && st_skips());
	/* 64-bit: all of it, once: the next entry takes nothing. */
	st_exit(ESR_DABT(7, 0, 1), ARM_EXCEPTION_TRAP);
	st_entry(ST_INCR);
	VCHECK(t, st_reg(7) == 0xffffffff12345678UL);
	st_host.arch.ctxt.regs.regs[7] = 1;
	st_entry(ST_INCR);
	VCHECK(t, st_reg(7) == 0xffffffff12345678UL && !st_skips());
	/* A skip with an exception pending is neither; the exception is dropped. */
	st_reset();
	st_exit(ESR_DABT(7, 0, 1), ARM_EXCEPTION_TRAP);
	st_entry(ST_PEND | ST_INCR);
	VCHECK(t, st_reg(7) == ST_HYP(7) && !st_skips() &&
	       !vcpu_get_flag(&st_vcpu.vcpu, PENDING_EXCEPTION));
	/* A fault on a stage-1 walk or without a syndrome: no answer, no skip. */
	st_reset();
	st_exit(ESR_DABT(7, 0, 1) | ESR_ELx_S1PTW, ARM_EXCEPTION_TRAP);
	st_entry(ST_INCR);
	VCHECK(t, st_reg(7) == ST_HYP(7) && !st_skips());
	st_exit(ESR_DABT(7, 0, 1) & ~ESR_ELx_ISV, ARM_EXCEPTION_TRAP);
	st_entry(ST_INCR);
	VCHECK(t, st_reg(7) == ST_HYP(7) && !st_skips());
	/* After an interrupt, whatever the syndrome says: nothing. */
	st_exit(ESR_DABT(7, 0, 1), ARM_EXCEPTION_IRQ);
	VCHECK(t, st_host.arch.ctxt.regs.regs[7] == ST_HOST(7));
	st_entry(ST_INCR);
	VCHECK(t, st_reg(7) == ST_HYP(7) && !st_skips());
}

/* HVC: x0-x3 out and back, no skip; SMC: the same with the skip. */
static void st_calls(struct vst *t)
{
	int i;

	st_reset();
	st_exit(ESR_EC(ESR_ELx_EC_HVC64), ARM_EXCEPTION_TRAP);
	for (i = 0; i < 4; i++)
		VCHECK(t, st_host.arch.ctxt.regs.regs[i] == ST_HYP(i));
	VCHECK(t, st_host.arch.ctxt.regs.regs[4] == ST_HOST(4));
	for (i = 0; i < 5; i++)
		st_host.arch.ctxt.regs.regs[i] = 0xa0 + i;
	st_entry(ST_INCR);
	for (i = 0; i < 4; i++)
		VCHECK(t, st_reg(i) == 0xa0 + i);
	VCHECK(t, st_reg(4) == ST_HYP(4) && !st_skips());
	st_reset();
	st_exit(ESR_EC(ESR_ELx_EC_SMC64), ARM_EXCEPTION_TRAP);
	st_host.arch.ctxt.regs.regs[0] = 0xb0;
	st_entry(0);
	VCHECK(t, st_reg(0) == ST_HYP(0) && !st_skips());
	st_exit(ESR_EC(ESR_ELx_EC_SMC64), ARM_EXCEPTION_TRAP);
	st_host.arch.ctxt.regs.regs[0] = 0xb0;
	st_entry(ST_INCR);
	VCHECK(t, st_reg(0) == 0xb0 && st_skips());
}

/* MRS: Rt back, all 64 bits, with the skip; MSR: Rt shown. */
static void st_sysregs(struct vst *t)
{
	st_reset();
	st_exit(ESR_SYS(3, true), ARM_EXCEPTION_TRAP);
	VCHECK(t, st_host.arch.ctxt.regs.regs[3] == ST_HOST(3));
	st_host.arch.ctxt.regs.regs[3] = 0xffffffff00000001UL;
	st_entry(ST_INCR);
	VCHECK(t, st_reg(3) == 0xffffffff00000001UL && st_skips());
	st_exit(ESR_SYS(4, false), ARM_EXCEPTION_TRAP);
	VCHECK(t, st_host.arch.ctxt.regs.regs[4] == ST_HYP(4));
	VCHECK(t, st_host.arch.ctxt.regs.regs[3] == 0xffffffff00000001UL);
	st_host.arch.ctxt.regs.regs[4] = 0x444;
	st_entry(ST_INCR);
	VCHECK(t, st_reg(4) == ST_HYP(4) && st_skips());
	/* WFI: the skip alone. */
	st_exit(ESR_EC(ESR_ELx_EC_WFx), ARM_EXCEPTION_TRAP);
	st_host.arch.ctxt.regs.regs[0] = 0x1;
	st_entry(ST_INCR);
	VCHECK(t, st_reg(0) == ST_HYP(0) && st_skips());
}

/* The host's trap bits, debug state and PC are not taken, bar WFx traps. */
static void st_config(struct vst *t)
{
	struct kvm_guest_debug_arch *dbg;

	st_reset();
	dbg = &st_vcpu.vcpu.arch.vcpu_debug_state;
	st_vcpu.vcpu.arch.debug_ptr = dbg;
	st_host.arch.hcr_el2 = ~(HCR_VM | HCR_RW | HCR_TWI);
	st_host.arch.mdcr_el2 = MDCR_EL2_TDE;
	st_host.arch.debug_ptr = &st_host.arch.vcpu_debug_state;
	st_host.arch.vsesr_el2 = 1;
	st_host.arch.ctxt.regs.pc = 0x1234;
	st_host.arch.ctxt.regs.pstate = PSR_MODE_EL2h;
	st_host.arch.ctxt.sys_regs[VBAR_EL1] = 0x4000;
	st_exit(ESR_EC(ESR_ELx_EC_IABT_LOW), ARM_EXCEPTION_TRAP);
	st_entry(unpack_vcpu_flag(DEBUG_DIRTY) | ST_INCR);
	VCHECK(t, st_vcpu.vcpu.arch.hcr_el2 == ((HCR_GUEST_FLAGS & ~HCR_TWI) | HCR_TWE));
	VCHECK(t, st_vcpu.vcpu.arch.mdcr_el2 == MDCR_EL2_TDA);
	VCHECK(t, st_vcpu.vcpu.arch.debug_ptr == dbg && st_vcpu.vcpu.arch.vsesr_el2 == 0);
	VCHECK(t, !vcpu_get_flag(&st_vcpu.vcpu, DEBUG_DIRTY) && !st_skips());
	VCHECK(t, st_vcpu.vcpu.arch.ctxt.regs.pc == 0x80001000 &&
	       st_vcpu.vcpu.arch.ctxt.regs.pstate == (PSR_MODE_EL1h | PSR_I_BIT | PSR_N_BIT) &&
	       st_vcpu.vcpu.arch.ctxt.sys_regs[VBAR_EL1] == 0);
	/* Until its first run the vCPU is not hyp's: these do nothing. */
	st_reset();
	st_vcpu.bootops.state_is_hyps = false;
	VCHECK(t, !bootops_pkvm_sync_vcpu(&st_vcpu, ARM_EXCEPTION_TRAP) &&
	       !bootops_pkvm_flush_vcpu(&st_vcpu));
	VCHECK(t, st_host.arch.ctxt.regs.regs[0] == ST_HOST(0) && st_reg(0) == ST_HYP(0));
}

/*
 * PSCI: hyp answers (here: no VM boot ops know, so no such target), the
 * host sees the call, and its answer and skip are not taken.
 */
static void st_psci(struct vst *t)
{
	st_reset();
	st_vcpu.vcpu.arch.ctxt.regs.regs[0] = PSCI_0_2_FN64_CPU_ON;
	st_vcpu.vcpu.arch.ctxt.regs.regs[1] = 1;
	st_vcpu.vcpu.arch.ctxt.regs.regs[2] = 0x80001000;
	st_exit(ESR_EC(ESR_ELx_EC_HVC64), ARM_EXCEPTION_TRAP);
	VCHECK(t, st_host.arch.ctxt.regs.regs[0] == PSCI_0_2_FN64_CPU_ON &&
	       st_host.arch.ctxt.regs.regs[2] == 0x80001000);
	VCHECK(t, st_reg(0) == (u64)PSCI_RET_INVALID_PARAMS && st_reg(2) == 0 &&
	       st_reg(4) == ST_HYP(4));
	st_host.arch.ctxt.regs.regs[0] = PSCI_RET_SUCCESS;
	st_entry(ST_INCR);
	VCHECK(t, st_reg(0) == (u64)PSCI_RET_INVALID_PARAMS && !st_skips());
	/* Over SMC hyp skips the call itself; the host's skip is not needed. */
	st_vcpu.vcpu.arch.ctxt.regs.regs[0] = PSCI_0_2_FN_AFFINITY_INFO;
	st_exit(ESR_EC(ESR_ELx_EC_SMC64), ARM_EXCEPTION_TRAP);
	st_host.arch.ctxt.regs.regs[0] = PSCI_0_2_AFFINITY_LEVEL_ON;
	st_entry(0);
	VCHECK(t, st_reg(0) == (u64)PSCI_RET_INVALID_PARAMS && st_skips());
	/* The function ID is W0, as KVM reads it: high bits do not hide it. */
	st_vcpu.vcpu.arch.ctxt.regs.regs[0] = BIT_ULL(32) | PSCI_0_2_FN64_CPU_ON;
	st_exit(ESR_EC(ESR_ELx_EC_HVC64), ARM_EXCEPTION_TRAP);
	st_host.arch.ctxt.regs.regs[0] = 0x10001;
	st_entry(0);
	VCHECK(t, st_reg(0) == (u64)PSCI_RET_INVALID_PARAMS);
	/* Not a call hyp answers: the host's answer, as for any HVC. */
	st_vcpu.vcpu.arch.ctxt.regs.regs[0] = PSCI_0_2_FN_PSCI_VERSION;
	st_exit(ESR_EC(ESR_ELx_EC_HVC64), ARM_EXCEPTION_TRAP);
	st_host.arch.ctxt.regs.regs[0] = 0x10001;
	st_entry(0);
	VCHECK(t, st_reg(0) == 0x10001);
}

/*
 * The attestation call is hyp's (here: no VM boot ops know, so an invalid
 * call): the host sees it and cannot answer it, over HVC or SMC, whatever
 * x0's high bits; another vendor call is the host's.
 */
static void st_attest(struct vst *t)
{
	st_reset();
	st_vcpu.vcpu.arch.ctxt.regs.regs[0] = BOOTOPS_ATTEST_FN;
	st_vcpu.vcpu.arch.ctxt.regs.regs[1] = 0x80002000;
	st_exit(ESR_EC(ESR_ELx_EC_HVC64), ARM_EXCEPTION_TRAP);
	VCHECK(t, st_host.arch.ctxt.regs.regs[0] == BOOTOPS_ATTEST_FN &&
	       st_host.arch.ctxt.regs.regs[1] == 0x80002000);
	VCHECK(t, st_reg(0) == (u64)BOOTOPS_SMCCC_INVALID_PARAMETER && st_reg(1) == 0 &&
	       st_vcpu.vcpu.arch.ctxt.regs.pc == 0x80001000);
	st_host.arch.ctxt.regs.regs[0] = BOOTOPS_SMCCC_SUCCESS;
	st_host.arch.ctxt.regs.regs[1] = 0x100;
	st_entry(ST_INCR);
	VCHECK(t, st_reg(0) == (u64)BOOTOPS_SMCCC_INVALID_PARAMETER && st_reg(1) == 0 &&
	       !st_skips());
	st_vcpu.vcpu.arch.ctxt.regs.regs[0] = BIT_ULL(32) | BOOTOPS_ATTEST_FN;
	st_exit(ESR_EC(ESR_ELx_EC_SMC64), ARM_EXCEPTION_TRAP);
	st_host.arch.ctxt.regs.regs[0] = 0x77;
	st_entry(0);
	VCHECK(t, st_reg(0) == (u64)BOOTOPS_SMCCC_INVALID_PARAMETER && st_skips());
	st_vcpu.vcpu.arch.ctxt.regs.regs[0] = BOOTOPS_ATTEST_FN + 1;
	st_exit(ESR_EC(ESR_ELx_EC_HVC64), ARM_EXCEPTION_TRAP);
	st_host.arch.ctxt.regs.regs[0] = 0x77;
	st_entry(0);
	VCHECK(t, st_reg(0) == 0x77);
}

static void (*const st_sections[])(struct vst *t) = {
	st_mmio_write, st_mmio_read, st_calls, st_sysregs, st_config, st_psci, st_attest,
};

/* -ENOENT past the last section. */
int bootops_pkvm_vcpu_selftest(u64 section, u64 *checks)
{
	struct vst t = { 0 };

	if (section >= ARRAY_SIZE(st_sections))
		return -ENOENT;
	st_sections[section](&t);
	*checks = t.checks;
	return t.line;
}
#endif /* CONFIG_KVM_ARM_BOOTOPS_SELFTEST */
