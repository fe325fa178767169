/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot ops: constants shared by the EL2 code, the EL1 glue and host tools.
 *
 * Every limit can be overridden at build time (Kconfig in the kernel,
 * -D in host tests); the defaults are those of Documentation/bootops.rst.
 */
#ifndef __BOOTOPS_ABI_H__
#define __BOOTOPS_ABI_H__

#ifndef BOOTOPS_MAX_VMS
#define BOOTOPS_MAX_VMS			255	/* vmids 1..MAX_VMS; 0 is the host */
#endif
#ifndef BOOTOPS_MAX_VCPUS
#define BOOTOPS_MAX_VCPUS		512	/* KVM_MAX_VCPUS on arm64 */
#endif
#ifndef BOOTOPS_MAX_LOAD_INFO
#define BOOTOPS_MAX_LOAD_INFO		5	/* as SeKVM */
#endif
#ifndef BOOTOPS_MAX_IMAGE_SIZE
#define BOOTOPS_MAX_IMAGE_SIZE		(256ULL << 20)
#endif
#ifndef BOOTOPS_REMAP_PAGES
#define BOOTOPS_REMAP_PAGES		(1ULL << 17)	/* 512 MiB of hyp VA */
#endif
/*
 * Work one verify or teardown hypercall may do, in units of one 4 KiB page
 * moved or hashed: 512 KiB hashed, under the time of hashing 1 MiB with
 * the time a hypercall adds (make bench).  The host calls again while it
 * returns BOOTOPS_CONTINUE.  Host tests build with a small slice.
 */
#ifndef BOOTOPS_SLICE_UNITS
#define BOOTOPS_SLICE_UNITS		128
#endif
/*
 * Pages the host donates for hyp's record of one VM (register_kvm): its
 * images and vCPUs, as pKVM keeps a VM in memory the host donates.
 */
#define BOOTOPS_VM_STATE_PAGES		5
/* Pages one remap_vm_image call lends (host registers x4..x17). */
#define BOOTOPS_LEND_BATCH		14
/*
 * SeKVM's SMMU ids: index an SMMU, cbndx one of its context banks.  On
 * pKVM (the kernel) there is one SMMUv3, and a bank is a StreamID of
 * PCIe bus 0 (device << 3 | function): its stream-table entry and
 * context.  The simulator keeps SeKVM's 2 SMMUs of 8 banks.
 */
#if defined(__KERNEL__) && !defined(BOOTOPS_SMMU_NUM)
#define BOOTOPS_SMMU_NUM		1
#define BOOTOPS_SMMU_NUM_CB		256
#endif
#ifndef BOOTOPS_SMMU_NUM
#define BOOTOPS_SMMU_NUM		2
#endif
#ifndef BOOTOPS_SMMU_NUM_CB
#define BOOTOPS_SMMU_NUM_CB		8
#endif

#define BOOTOPS_HOST_VMID		0
#define BOOTOPS_PAGE_SHIFT		12
#define BOOTOPS_PAGE_SIZE		(1ULL << BOOTOPS_PAGE_SHIFT)
#define BOOTOPS_SIG_SIZE		64	/* ECDSA P-256, raw r || s */

/* A resumable hypercall made progress and must be called again. */
#define BOOTOPS_CONTINUE		1

/*
 * VM states.  REJECTED is terminal: only teardown leaves it.  VERIFYING
 * (verification started, not finished) and DYING (teardown started)
 * last across hypercalls that return BOOTOPS_CONTINUE.
 */
#define BOOTOPS_VM_UNUSED		0
#define BOOTOPS_VM_READY		1
#define BOOTOPS_VM_VERIFIED		2
#define BOOTOPS_VM_REJECTED		3
#define BOOTOPS_VM_VERIFYING		4
#define BOOTOPS_VM_DYING		5

/* vCPU states. */
#define BOOTOPS_VCPU_UNUSED		0
#define BOOTOPS_VCPU_READY		1
#define BOOTOPS_VCPU_ACTIVE		2

/*
 * A vCPU's PSCI power state, for a VM on hyp's stage 2 only: vCPU 0 is
 * born ON (it boots at the host's PC, checked), the others OFF, and only
 * a CPU_ON from the guest makes one ON_PENDING, to start where it said.
 */
#define BOOTOPS_POWER_ON		0
#define BOOTOPS_POWER_OFF		1
#define BOOTOPS_POWER_ON_PENDING	2

/*
 * The load log (get_load_log): each image's verdict, and why a VM was
 * rejected.  BOOTOPS_LOG_VM as the index asks for the VM's own line.
 */
#define BOOTOPS_LOG_VM			(~0ULL)
#define BOOTOPS_LOG_WORDS		7	/* words of one line: x2..x8 */
#define BOOTOPS_IMAGE_PENDING		0	/* not hashed yet */
#define BOOTOPS_IMAGE_HASHED		1	/* digest known, not yet checked */
#define BOOTOPS_IMAGE_VERIFIED		2
#define BOOTOPS_IMAGE_REJECTED		3

#define BOOTOPS_WHY_NONE		0	/* not rejected */
#define BOOTOPS_WHY_NO_IMAGE		1	/* requires images, declared none */
#define BOOTOPS_WHY_NOT_THE_SET		2	/* declared images differ from the manifest's at idx */
#define BOOTOPS_WHY_ROLLBACK		3	/* security version below the key's minimum */
#define BOOTOPS_WHY_MANIFEST_SIG	4	/* the manifest's signature */
#define BOOTOPS_WHY_IMAGE_SIG		5	/* image idx's signature */
#define BOOTOPS_WHY_IMAGE_DIGEST	6	/* image idx's digest is not the manifest's */
#define BOOTOPS_WHY_LOAD		7	/* image idx's page could not be taken or mapped */

/*
 * map_smmu's pte: the page's address and the attributes the host chooses,
 * in the stage-2 layout (MemAttr, S2AP, SH, XN); this one is normal
 * write-back memory, readable and writable, inner shareable.
 */
#define BOOTOPS_SMMU_ATTRS_RW		((0xfULL << 2) | (0x3ULL << 6) | (0x3ULL << 8))
/*
 * SMMU context bank with no owner: no table of boot ops' translates for
 * it (on pKVM its stream has the host's DMA view, the memory the host owns).
 */
#define BOOTOPS_SMMU_NO_OWNER		0xffffffffU

#endif /* __BOOTOPS_ABI_H__ */
