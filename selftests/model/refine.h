/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared between refine.c and stress.c. */
#ifndef __BOOTOPS_REFINE_H__
#define __BOOTOPS_REFINE_H__

#include <bootops/port.h>

/*
 * Real threads, each its own simulated CPU, hammering the vCPU and VM life
 * cycle; checks that no vCPU is ever active on two CPUs at once.  Returns
 * 0 on success.  Prints "stress: 1 passed, 0 failed" (or 0/1).
 */
int stress_run(unsigned int threads, double seconds, u64 seed);
/* One VM, every boot op raced from four CPUs, for that many rounds. */
int stress_vm_run(u64 rounds);
/* Threads raise and read a manifest key's rollback minimum (stress_keys.c). */
int stress_keys_run(u64 rounds);
/* vCPUs of two VMs ask for attestation reports at once (stress_attest.c). */
int stress_attest_run(u64 rounds);
/* A host bank, a VM's pages and the SMMU's event queue raced (stress_dma.c). */
int stress_dma_run(u64 rounds);

#endif /* __BOOTOPS_REFINE_H__ */
