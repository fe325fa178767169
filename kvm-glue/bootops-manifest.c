// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops, EL1 glue for boot manifests: the KVM_ARM_BOOTOPS_SET_MANIFEST
 * ioctl copies the VMM's manifest into a page of the kernel's own and
 * hands hyp its pfn (hyp copies it once, from a page it knows is the
 * host's); kvm-arm.bootops_secver= gives hyp its rollback minima before
 * it is initialised; /sys/kernel/debug/kvm-bootops-manifest/keys shows
 * the manifest keys hyp has and their minima now, and each VM's
 * bootops_load_log what hyp verified and why it refused.
 */
#define pr_fmt(fmt) "kvm-bootops: " fmt

#include <linux/arm-smccc.h>
#include <linux/debugfs.h>
#include <linux/kvm_host.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <asm/kvm_asm.h>
#include <asm/kvm_bootops.h>
#include <asm/kvm_bootops_manifest.h>
#include <uapi/asm/kvm_bootops.h>

#include <bootops/abi.h>
#include <bootops/manifest.h>

static_assert(ARRAY_SIZE(kvm_nvhe_sym(bootops_secver_boot)) == BOOTOPS_MANIFEST_MAX_KEYS);

static u64 secver_boot[BOOTOPS_MANIFEST_MAX_KEYS][2];

/*
 * kvm-arm.bootops_secver=ID:MIN[,ID:MIN...]: hyp refuses manifests of key
 * ID below security version MIN from boot on.  The command line is the
 * boot loader's, read before the host loses control of hyp, as
 * kvm-arm.mode is.
 */
static int __init early_bootops_secver_cfg(char *arg)
{
	unsigned int n = 0;
	char *item;

	while ((item = strsep(&arg, ",")) && *item) {
		char *min = strchr(item, ':');
		u64 id;

		if (n == BOOTOPS_MANIFEST_MAX_KEYS || !min)
			goto bad;
		*min++ = '\0';
		if (kstrtou64(item, 0, &id) || !id || id > U32_MAX ||
		    kstrtou64(min, 0, &secver_boot[n][1]))
			goto bad;
		secver_boot[n++][0] = id;
	}
	return 0;
bad:
	memset(secver_boot, 0, sizeof(secver_boot));
	pr_err("kvm-arm.bootops_secver: want ID:MIN[,ID:MIN...], at most %d keys; ignored\n",
	       BOOTOPS_MANIFEST_MAX_KEYS);
	return -EINVAL;
}
early_param("kvm-arm.bootops_secver", early_bootops_secver_cfg);

void kvm_bootops_secver_to_hyp(void)
{
	memcpy(kvm_nvhe_sym(bootops_secver_boot), secver_boot, sizeof(secver_boot));
}

static bool manifest_args_valid(const struct kvm_arm_bootops_manifest *arg)
{
	return !arg->flags && !arg->reserved &&
	       arg->size >= BOOTOPS_MANIFEST_SIZE(1) &&
	       arg->size <= BOOTOPS_MANIFEST_SIZE(BOOTOPS_MAX_LOAD_INFO);
}

int kvm_bootops_set_manifest(struct kvm *kvm, void __user *argp)
{
	struct kvm_arm_bootops_manifest arg;
	struct page *page;
	int ret;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (!kvm->arch.bootops_required || !manifest_args_valid(&arg))
		return -EINVAL;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(page_address(page), u64_to_user_ptr(arg.addr), arg.size))
		goto out;
	/* config_lock: serialised with the first run, which verifies. */
	mutex_lock(&kvm->arch.config_lock);
	if (kvm->arch.bootops_status)
		ret = -EBUSY;
	else
		ret = kvm_call_hyp_nvhe(__bootops_set_manifest, kvm->arch.pkvm.handle,
					page_to_pfn(page));
	mutex_unlock(&kvm->arch.config_lock);
out:
	__free_page(page);
	return ret;
}

/* The idx-th manifest key hyp has: 0, or -ENOENT past the last. */
static int manifest_key(u64 idx, u64 *id, u64 *min)
{
	struct arm_smccc_1_2_regs args = {
		.a0 = KVM_HOST_SMCCC_FUNC(__bootops_get_manifest_key), .a1 = idx,
	};
	struct arm_smccc_1_2_regs res;

	arm_smccc_1_2_hvc(&args, &res);
	*id = res.a2;
	*min = res.a3;
	return res.a1;
}

static int manifest_keys_show(struct seq_file *m, void *unused)
{
	u64 idx, id, min;

	seq_puts(m, "key_id secver_min\n");
	for (idx = 0; !manifest_key(idx, &id, &min); idx++)
		seq_printf(m, "%llu %llu\n", id, min);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(manifest_keys);

/* A minimum given for a key hyp does not have protects nothing: say so. */
static void report_unknown_keys(void)
{
	u64 idx, id, min;
	int n;

	for (n = 0; n < BOOTOPS_MANIFEST_MAX_KEYS && secver_boot[n][0]; n++) {
		for (idx = 0; !manifest_key(idx, &id, &min); idx++)
			if (id == secver_boot[n][0])
				break;
		if (id != secver_boot[n][0])
			pr_warn("kvm-arm.bootops_secver: hyp has no manifest key %llu\n",
				secver_boot[n][0]);
	}
}

static int __init bootops_manifest_init(void)
{
	if (!is_protected_kvm_enabled() || kvm_bootops_off())
		return 0;
	report_unknown_keys();
	debugfs_create_file("keys", 0444, debugfs_create_dir("kvm-bootops-manifest", NULL),
			    NULL, &manifest_keys_fops);
	return 0;
}
late_initcall(bootops_manifest_init);

/* One line of the load log from hyp (x2..x8): 0, or -ENOENT past the last. */
static int load_log(struct kvm *kvm, u64 idx, u64 out[BOOTOPS_LOG_WORDS])
{
	struct arm_smccc_1_2_regs args = {
		.a0 = KVM_HOST_SMCCC_FUNC(__bootops_get_load_log),
		.a1 = kvm->arch.pkvm.handle, .a2 = idx,
	};
	struct arm_smccc_1_2_regs res;

	arm_smccc_1_2_hvc(&args, &res);
	memcpy(out, &res.a2, BOOTOPS_LOG_WORDS * sizeof(u64));
	return res.a1;
}

static const char *const vm_state[] = {
	[BOOTOPS_VM_UNUSED] = "unused", [BOOTOPS_VM_READY] = "ready",
	[BOOTOPS_VM_VERIFIED] = "verified", [BOOTOPS_VM_REJECTED] = "rejected",
	[BOOTOPS_VM_VERIFYING] = "verifying", [BOOTOPS_VM_DYING] = "dying",
};

static const char *const image_verdict[] = {
	[BOOTOPS_IMAGE_PENDING] = "pending", [BOOTOPS_IMAGE_HASHED] = "hashed",
	[BOOTOPS_IMAGE_VERIFIED] = "verified", [BOOTOPS_IMAGE_REJECTED] = "rejected",
};

static const char *const why[] = {
	[BOOTOPS_WHY_NONE] = "none",
	[BOOTOPS_WHY_NO_IMAGE] = "the VM requires images and declared none",
	[BOOTOPS_WHY_NOT_THE_SET] = "the images declared are not the manifest's, from image",
	[BOOTOPS_WHY_ROLLBACK] = "the manifest's security version is below the key's minimum",
	[BOOTOPS_WHY_MANIFEST_SIG] = "the manifest's signature does not verify",
	[BOOTOPS_WHY_IMAGE_SIG] = "the signature does not verify of image",
	[BOOTOPS_WHY_IMAGE_DIGEST] = "the digest is not the manifest's of image",
	[BOOTOPS_WHY_LOAD] = "a page could not be taken or mapped, of image",
};

#define NAME(table, i)	((i) < ARRAY_SIZE(table) && (table)[i] ? (table)[i] : "?")

static void show_vm(struct seq_file *m, const u64 *vm)
{
	u64 reason = vm[1] & U32_MAX, idx = vm[1] >> 32;

	seq_printf(m, "state %s\n", NAME(vm_state, vm[0]));
	if (vm[2] == ~0ULL)
		seq_puts(m, "manifest none\n");
	else
		seq_printf(m, "manifest key %llu secver %llu\n", vm[2], vm[3]);
	seq_printf(m, "why %s", NAME(why, reason));
	if (reason == BOOTOPS_WHY_NOT_THE_SET || reason >= BOOTOPS_WHY_IMAGE_SIG)
		seq_printf(m, " %llu", idx);
	seq_puts(m, "\n");
}

/*
 * What hyp checked: the VM's state, its manifest, why it was rejected,
 * then one line per image: index, address, size, verdict, SHA-256.
 */
static int load_log_show(struct seq_file *m, void *unused)
{
	struct kvm *kvm = m->private;
	u64 vm[BOOTOPS_LOG_WORDS], img[BOOTOPS_LOG_WORDS], idx;
	int i;

	if (load_log(kvm, BOOTOPS_LOG_VM, vm))
		return -ENOENT;
	show_vm(m, vm);
	for (idx = 0; idx < vm[4] && !load_log(kvm, idx, img); idx++) {
		seq_printf(m, "image %llu 0x%llx %llu %s ", idx, img[0], img[1],
			   NAME(image_verdict, img[2]));
		/* The digest's bytes in order: hyp packs them 8 to a word, LE. */
		for (i = 0; i < 32; i++)
			seq_printf(m, "%02x", (u8)(img[3 + i / 8] >> (8 * (i % 8))));
		seq_puts(m, "\n");
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(load_log);

void kvm_bootops_manifest_create_debugfs(struct kvm *kvm)
{
	if (kvm->arch.bootops_registered)
		debugfs_create_file("bootops_load_log", 0444, kvm->debugfs_dentry, kvm,
				    &load_log_fops);
}
