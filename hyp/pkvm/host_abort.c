// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops: a host access to a page the host does not own (a VM's, or
 * hyp's: its own or a VM's record) is reflected back to the host as a
 * synchronous abort, instead of stopping EL2 (pKVM 6.12 BUG()s on any
 * host stage-2 fault it cannot resolve).  The abort carries
 * ESR.S1PTW, a bit that is RES0 in ESR_EL1, so the host's fault handler
 * can tell it from its own faults (as later pKVM kernels do).
 */
#include <asm/kvm_emulate.h>
#include <asm/kvm_hyp.h>
#include <asm/kvm_pgtable.h>

#include <bootops/bootops.h>
#include <nvhe/bootops.h>
#include <nvhe/mem_protect.h>

/* Vector offset of a synchronous exception taken to EL1h from spsr's mode. */
static u64 sync_vector_offset(u64 spsr)
{
	switch (spsr & PSR_MODE_MASK) {
	case PSR_MODE_EL1h:
		return 0x200;		/* current EL, SP_ELx */
	case PSR_MODE_EL1t:
		return 0x0;		/* current EL, SP_EL0 */
	default:
		return 0x400;		/* lower EL, AArch64 */
	}
}

/* PSTATE on taking an exception to EL1h (the parts Linux relies on). */
static u64 exception_pstate(u64 spsr, u64 sctlr)
{
	u64 pstate = PSR_MODE_EL1h | PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT;

	pstate |= spsr & PSR_DIT_BIT;
	if ((spsr & PSR_PAN_BIT) || !(sctlr & SCTLR_EL1_SPAN))
		pstate |= PSR_PAN_BIT;
	if (sctlr & SCTLR_ELx_DSSBS)
		pstate |= PSR_SSBS_BIT;
	return pstate;
}

static void inject_host_abort(void)
{
	u64 spsr = read_sysreg_el2(SYS_SPSR), esr = read_sysreg_el2(SYS_ESR);
	u64 ec = ESR_ELx_EC(esr);

	/* Taken from EL1: report a same-level abort. */
	if ((spsr & PSR_MODE_MASK) != PSR_MODE_EL0t) {
		if (ec == ESR_ELx_EC_DABT_LOW)
			ec = ESR_ELx_EC_DABT_CUR;
		else if (ec == ESR_ELx_EC_IABT_LOW)
			ec = ESR_ELx_EC_IABT_CUR;
	}
	esr = (esr & ~ESR_ELx_EC_MASK) | (ec << ESR_ELx_EC_SHIFT) | ESR_ELx_S1PTW;

	write_sysreg_el1(esr, SYS_ESR);
	write_sysreg_el1(read_sysreg_el2(SYS_ELR), SYS_ELR);
	write_sysreg_el1(spsr, SYS_SPSR);
	write_sysreg_el1(read_sysreg_el2(SYS_FAR), SYS_FAR);
	write_sysreg_el2(read_sysreg_el1(SYS_VBAR) + sync_vector_offset(spsr), SYS_ELR);
	write_sysreg_el2(exception_pstate(spsr, read_sysreg_el1(SYS_SCTLR)), SYS_SPSR);
}

/* Called by mem_protect.c with the VM the host stage 2 recorded, 0 if none. */
void bootops_pkvm_reflect_host_abort(u32 vmid)
{
	bootops_note_host_fault(vmid);
	inject_host_abort();
}
