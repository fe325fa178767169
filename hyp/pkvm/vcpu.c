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
#include <asm/kvm_emulate.h>
#include <asm/kvm_hyp.h>

#include <nvhe/bootops.h>
#include <nvhe/pkvm.h>

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
		break;
	default:
		break;
	}
	return true;
}
