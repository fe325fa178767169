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
#include <linux/kthread.h>
#include <linux/kvm_host.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/unaligned.h>
#include <asm/kvm_asm.h>
#include <asm/kvm_bootops.h>
#include <asm/kvm_bootops_manifest.h>
#include <asm/sections.h>
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

static int load_log_raw(u64 handle, u64 idx, u64 out[BOOTOPS_LOG_WORDS]);

#ifdef CONFIG_KVM_ARM_BOOTOPS_SELFTEST
/*
 * The manifest hypercalls as a hostile host makes them (debugfs
 * kvm-bootops-manifest/selftest, TAP): bad handles, pages that are not the
 * host's alone, junk, a copy the host rewrites afterwards, bad indexes, and
 * two CPUs handing one VM a manifest at once.
 */
#define HC(fn, ...)	((int)kvm_call_hyp_nvhe(__bootops_##fn, ##__VA_ARGS__))

struct mst {
	struct seq_file *m;
	int n, failed;
};

static void mexpect(struct mst *t, const char *what, long got, long want)
{
	t->n++;
	t->failed += got != want;
	seq_printf(t->m, "%sok %d - %s", got == want ? "" : "not ", t->n, what);
	if (got != want)
		seq_printf(t->m, " # got %ld, want %ld", got, want);
	seq_puts(t->m, "\n");
}

/* A VM as KVM_CREATE_VM makes one: a reserved handle, registered; or -errno. */
static int st_new_vm(void **record)
{
	int handle = kvm_call_hyp_nvhe(__pkvm_reserve_vm), ret;

	if (handle <= 0)
		return handle ? handle : -EINVAL;
	ret = kvm_bootops_register_at_hyp(handle, record);
	if (ret) {
		WARN_ON(kvm_call_hyp_nvhe(__pkvm_unreserve_vm, handle));
		return ret;
	}
	return handle;
}

static int st_end_vm(int handle, void *record)
{
	int ret;

	do
		ret = HC(teardown_vm, handle);
	while (ret == BOOTOPS_CONTINUE);
	if (ret)
		return ret;
	free_pages_exact(record, BOOTOPS_VM_STATE_PAGES * PAGE_SIZE);
	return kvm_call_hyp_nvhe(__pkvm_unreserve_vm, handle);
}

/* A well-formed manifest of one image, key 1, version secver; set checks no signature. */
static void st_manifest(struct page *page, u64 secver)
{
	u8 *b = page_address(page);

	memset(b, 0, PAGE_SIZE);
	memcpy(b, BOOTOPS_MANIFEST_MAGIC, 8);
	put_unaligned_le32(1, b + BOOTOPS_MANIFEST_OFF_KEY_ID);
	put_unaligned_le32(1, b + BOOTOPS_MANIFEST_OFF_NR);
	put_unaligned_le64(secver, b + BOOTOPS_MANIFEST_OFF_SECVER);
	put_unaligned_le64(0x80000000, b + BOOTOPS_MANIFEST_HDR_SIZE);
	put_unaligned_le64(PAGE_SIZE,
			   b + BOOTOPS_MANIFEST_HDR_SIZE + BOOTOPS_MANIFEST_IMG_OFF_SIZE);
}

static const u64 st_bad_ids[] = { 1, 0xfff, (1ULL << 32) + 0x1000, ~0ULL };

static void st_refusals(struct mst *t, int h, struct page *page, struct page *lent, u64 rec_pfn)
{
	u64 hyp_pfn = PHYS_PFN(__pa_symbol(__hyp_bss_start)), out[BOOTOPS_LOG_WORDS];
	int i;

	for (i = 0; i < ARRAY_SIZE(st_bad_ids); i++)
		mexpect(t, "set_manifest and get_load_log: a handle that is no VM's",
			HC(set_manifest, st_bad_ids[i], page_to_pfn(page)) == -EINVAL &&
			HC(get_load_log, st_bad_ids[i], BOOTOPS_LOG_VM) == -EINVAL, 1);
	mexpect(t, "set_manifest from a hyp page", HC(set_manifest, h, hyp_pfn), -EPERM);
	mexpect(t, "set_manifest from a device page", HC(set_manifest, h, 0x9000), -EPERM);
	mexpect(t, "set_manifest from beyond memory", HC(set_manifest, h, 1ULL << 40), -EINVAL);
	mexpect(t, "set_manifest from pfn 2^64-1", HC(set_manifest, h, ~0ULL), -EINVAL);
	mexpect(t, "set_manifest from a page lent for an image",
		HC(set_manifest, h, page_to_pfn(lent)), -EPERM);
	mexpect(t, "set_manifest from another VM's record", HC(set_manifest, h, rec_pfn), -EPERM);
	memset(page_address(page), 0x5a, PAGE_SIZE);
	mexpect(t, "set_manifest of junk", HC(set_manifest, h, page_to_pfn(page)), -EINVAL);
	st_manifest(page, 4);
	put_unaligned_le32(7, (u8 *)page_address(page) + BOOTOPS_MANIFEST_OFF_KEY_ID);
	mexpect(t, "set_manifest naming a key hyp lacks", HC(set_manifest, h, page_to_pfn(page)),
		-ENOKEY);
	mexpect(t, "get_load_log of image 1 of a VM with one", HC(get_load_log, h, 1), -ENOENT);
	mexpect(t, "get_load_log of image 2^32", HC(get_load_log, h, 1ULL << 32), -ENOENT);
	mexpect(t, "after every refusal, no manifest: key ~0 in the VM's line",
		load_log_raw(h, BOOTOPS_LOG_VM, out) == 0 && out[2] == ~0ULL, 1);
	mexpect(t, "get_manifest_key past the last key",
		manifest_key(BOOTOPS_MANIFEST_MAX_KEYS, out, out + 1), -ENOENT);
	mexpect(t, "get_manifest_key 2^64-1", manifest_key(~0ULL, out, out + 1), -ENOENT);
}

/* Hyp took its own copy: the host's later writes to the page change nothing. */
static void st_copy(struct mst *t, int h, struct page *page)
{
	u64 out[BOOTOPS_LOG_WORDS];

	st_manifest(page, 4);
	mexpect(t, "set_manifest of a well-formed manifest", HC(set_manifest, h, page_to_pfn(page)),
		0);
	st_manifest(page, 9);
	mexpect(t, "again, from the rewritten page: EEXIST", HC(set_manifest, h, page_to_pfn(page)),
		-EEXIST);
	mexpect(t, "hyp holds key 1 version 4, as first given",
		load_log_raw(h, BOOTOPS_LOG_VM, out) == 0 && out[2] == 1 && out[3] == 4, 1);
}

/* The other CPU: ready, then waits for go, makes its call, then done. */
struct st_racer {
	int handle, ret;
	u64 pfn;
	atomic_t ready, go, done;
};

static int st_race_fn(void *arg)
{
	struct st_racer *r = arg;

	atomic_set(&r->ready, 1);
	while (!atomic_read(&r->go))
		cpu_relax();
	r->ret = HC(set_manifest, r->handle, r->pfn);
	atomic_set_release(&r->done, 1);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/* Two CPUs hand one VM a manifest at the same moment: one wins, whole. */
static void st_race(struct mst *t, struct page *p0, struct page *p1)
{
	u64 out[BOOTOPS_LOG_WORDS];
	int i, wins = 0, eexist = 0, fails = 0;

	for (i = 0; i < 50 && !fails; i++) {
		struct st_racer r = { .pfn = page_to_pfn(p1), .ret = 1 };
		struct task_struct *task;
		void *record;
		int h = st_new_vm(&record), mine;

		if (h <= 0) {
			fails++;
			break;
		}
		st_manifest(p0, 10);
		st_manifest(p1, 11);
		r.handle = h;
		task = kthread_create(st_race_fn, &r, "bootops-manifest");
		if (IS_ERR(task)) {
			fails++;
			st_end_vm(h, record);
			break;
		}
		kthread_bind(task, (raw_smp_processor_id() + 1) % num_online_cpus());
		wake_up_process(task);
		while (!atomic_read(&r.ready))
			cpu_relax();
		atomic_set(&r.go, 1);
		mine = HC(set_manifest, h, page_to_pfn(p0));
		while (!atomic_read_acquire(&r.done))
			cpu_relax();
		kthread_stop(task);
		wins += !mine + !r.ret;
		eexist += (mine == -EEXIST) + (r.ret == -EEXIST);
		/* The winner's version, not a mix of the two. */
		if (load_log_raw(h, BOOTOPS_LOG_VM, out) || out[3] != (mine ? 11 : 10))
			fails++;
		if (st_end_vm(h, record))
			fails++;
	}
	mexpect(t, "50 times two CPUs set one VM's manifest at once: "
		"one wins, whole; the other EEXIST",
		!fails && wins == 50 && eexist == 50 && num_online_cpus() > 1, 1);
}

static int manifest_selftest_show(struct seq_file *m, void *unused)
{
	struct page *page = alloc_page(GFP_KERNEL), *lent = alloc_page(GFP_KERNEL);
	struct page *other = alloc_page(GFP_KERNEL);
	struct mst t = { .m = m };
	void *rec_a = NULL, *rec_b = NULL;
	int a, b;

	seq_puts(m, "TAP version 13\n");
	a = st_new_vm(&rec_a);
	b = st_new_vm(&rec_b);
	if (!page || !lent || !other || a <= 0 || b <= 0) {
		mexpect(&t, "two VMs and three pages for the test", 0, 1);
		goto out;
	}
	mexpect(&t, "declare a 1-page image and lend it",
		kvm_bootops_hvc_set_boot_info(a, 0x80000000, PAGE_SIZE, page_address(page)) == 0 &&
		HC(remap_vm_image, a, 0, 1, page_to_pfn(lent)) == 0, 1);
	st_refusals(&t, a, page, lent, virt_to_pfn(rec_b));
	st_copy(&t, a, page);
	st_race(&t, page, other);
out:
	if (a > 0)
		mexpect(&t, "teardown", st_end_vm(a, rec_a), 0);
	if (b > 0)
		mexpect(&t, "teardown of the other VM", st_end_vm(b, rec_b), 0);
	seq_printf(m, "1..%d\n# %d passed, %d failed\n", t.n, t.n - t.failed, t.failed);
	if (page)
		__free_page(page);
	if (lent)
		__free_page(lent);
	if (other)
		__free_page(other);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(manifest_selftest);
#endif

static int __init bootops_manifest_init(void)
{
	struct dentry *dir;

	if (!is_protected_kvm_enabled() || kvm_bootops_off())
		return 0;
	report_unknown_keys();
	dir = debugfs_create_dir("kvm-bootops-manifest", NULL);
	debugfs_create_file("keys", 0444, dir, NULL, &manifest_keys_fops);
#ifdef CONFIG_KVM_ARM_BOOTOPS_SELFTEST
	debugfs_create_file("selftest", 0400, dir, NULL, &manifest_selftest_fops);
#endif
	return 0;
}
late_initcall(bootops_manifest_init);

/* One line of the load log from hyp (x2..x8): 0, or -ENOENT past the last. */
static int load_log_raw(u64 handle, u64 idx, u64 out[BOOTOPS_LOG_WORDS])
{
	struct arm_smccc_1_2_regs args = {
		.a0 = KVM_HOST_SMCCC_FUNC(__bootops_get_load_log), .a1 = handle, .a2 = idx,
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

	if (load_log_raw(kvm->arch.pkvm.handle, BOOTOPS_LOG_VM, vm))
		return -ENOENT;
	show_vm(m, vm);
	for (idx = 0; idx < vm[4] && !load_log_raw(kvm->arch.pkvm.handle, idx, img); idx++) {
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
