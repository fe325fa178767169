// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops, EL1 glue for attestation.  Before hyp is initialised, while
 * the host kernel is still trusted (pKVM's model: until it drops its
 * privileges), KVM hands hyp a seed from the kernel's entropy pool (fed by
 * the boot loader's /chosen/rng-seed and, where the CPU has it, RNDR), and
 * keeps no copy: hyp derives its attestation key from it at init and
 * wipes it.  Afterwards the host only sees the public key, in
 * /sys/kernel/debug/kvm-bootops-attest/key (__bootops_get_attest_key).
 * Reports themselves go from hyp to the guest, not through the host.
 */
#define pr_fmt(fmt) "kvm-bootops: " fmt

#include <linux/arm-smccc.h>
#include <linux/debugfs.h>
#include <linux/kvm_host.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/unaligned.h>
#include <asm/kvm_asm.h>
#include <asm/kvm_bootops.h>
#include <asm/kvm_bootops_attest.h>

#include <bootops/abi.h>
#include <bootops/attest.h>

static_assert(sizeof(kvm_nvhe_sym(bootops_attest_seed)) == 32);

void kvm_bootops_attest_seed_to_hyp(void)
{
	if (kvm_bootops_off())
		return;
	if (!rng_is_initialized())
		pr_warn("attestation key seeded before the entropy pool was ready\n");
	get_random_bytes(kvm_nvhe_sym(bootops_attest_seed),
			 sizeof(kvm_nvhe_sym(bootops_attest_seed)));
}

/* Hyp's public key: 0x04 || X || Y, or -ENOKEY. */
static int attest_key(u8 pub[BOOTOPS_ATTEST_PUB_SIZE])
{
	struct arm_smccc_1_2_regs args = {
		.a0 = KVM_HOST_SMCCC_FUNC(__bootops_get_attest_key),
	};
	struct arm_smccc_1_2_regs res;
	const unsigned long *w = &res.a2;
	int i;

	arm_smccc_1_2_hvc(&args, &res);
	if (res.a1)
		return res.a1;
	pub[0] = 0x04;
	for (i = 0; i < 8; i++)
		put_unaligned_be64(w[i], pub + 1 + 8 * i);
	return 0;
}

static int attest_key_show(struct seq_file *m, void *unused)
{
	u8 pub[BOOTOPS_ATTEST_PUB_SIZE];
	int ret = attest_key(pub);

	if (ret)
		return ret;
	/* %ph prints at most 64 bytes. */
	seq_printf(m, "%02x%*phN\n", pub[0], BOOTOPS_ATTEST_PUB_SIZE - 1, pub + 1);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(attest_key);

static int __init bootops_attest_init(void)
{
	struct dentry *dir;
	u8 pub[BOOTOPS_ATTEST_PUB_SIZE];

	if (!is_protected_kvm_enabled() || kvm_bootops_off())
		return 0;
	if (attest_key(pub)) {
		pr_warn("hyp has no attestation key: guests cannot attest\n");
		return 0;
	}
	dir = debugfs_create_dir("kvm-bootops-attest", NULL);
	debugfs_create_file("key", 0444, dir, NULL, &attest_key_fops);
	return 0;
}
late_initcall(bootops_attest_init);
