/*
 * bootops-guest: a KVM guest on arm64 pKVM whose boot images the hypervisor
 * takes from the host and checks against its owner's signed manifest
 * before the guest's first instruction (Linux's KVM_VM_TYPE_ARM_BOOTOPS).
 *
 *   -object bootops-guest,id=b0,manifest=FILE[,private-mem=on]
 *   -machine virt,confidential-guest-support=b0
 *
 * The images are what QEMU loads into guest RAM (-kernel, -initrd, the
 * DTB, -device loader blobs), in address order; the owner signs them once,
 * from what "prepare=DIR" writes.  QEMU declares them and hands over the
 * manifest before the first KVM_RUN; from then on the vCPUs' state is the
 * hypervisor's, so QEMU neither reads nor writes it, and a reset or a
 * migration is refused.
 *
 * Copyright (c) 2026 bootops developers
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include <linux/kvm.h>
#include <asm/kvm_bootops.h>
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qom/object_interfaces.h"
#include "exec/confidential-guest-support.h"
#include "exec/cpu-common.h"
#include "hw/boards.h"
#include "hw/loader.h"
#include "migration/blocker.h"
#include "sysemu/kvm.h"
#include "sysemu/kvm_int.h"
#include "sysemu/runstate.h"
#include "sysemu/runstate-action.h"
#include "cpu.h"
#include "hw/arm/boot.h"
#include "kvm_arm.h"

#define TYPE_BOOTOPS_GUEST "bootops-guest"
OBJECT_DECLARE_SIMPLE_TYPE(BootopsGuest, BOOTOPS_GUEST)

/* The kernel's limits (arch/arm64/include/uapi/asm/kvm_bootops.h). */
#define BOOTOPS_MAX_IMAGES      5
#define BOOTOPS_MAX_IMAGE_SIZE  (256 * MiB)
#define BOOTOPS_MAX_MANIFEST    4096

typedef struct BootopsImage {
    char *name;                 /* a loaded file's base name, or "dtb" */
    hwaddr addr;
    uint64_t size;
} BootopsImage;

struct BootopsGuest {
    ConfidentialGuestSupport parent_obj;

    char *manifest;             /* the owner's signed manifest */
    char *prepare;              /* write the images to sign here, then exit */
    bool private_mem;

    BootopsImage images[BOOTOPS_MAX_IMAGES];
    int nr_images;
    bool too_many;
    Error *migration_blocker;
};

typedef struct BootopsGuestClass {
    ConfidentialGuestSupportClass parent_class;
} BootopsGuestClass;

OBJECT_DEFINE_TYPE_WITH_INTERFACES(BootopsGuest, bootops_guest, BOOTOPS_GUEST,
                                   CONFIDENTIAL_GUEST_SUPPORT,
                                   { TYPE_USER_CREATABLE }, { })

static BootopsGuest *bootops;

bool kvm_arm_bootops_enabled(void)
{
    return bootops != NULL;
}

/* ---- images -------------------------------------------------------- */

static void bootops_add_image(const char *name, hwaddr addr, size_t size,
                              void *opaque)
{
    BootopsGuest *bg = opaque;
    BootopsImage *img;

    if (bg->nr_images == BOOTOPS_MAX_IMAGES) {
        bg->too_many = true;
        return;
    }
    img = &bg->images[bg->nr_images++];
    img->name = g_path_get_basename(name);
    img->addr = addr;
    img->size = size;
}

static int bootops_collect_images(BootopsGuest *bg, Error **errp)
{
    int i;

    rom_foreach_in_ram(bootops_add_image, bg);
    if (bg->too_many) {
        error_setg(errp, "bootops: more than %d boot images",
                   BOOTOPS_MAX_IMAGES);
        return -1;
    }
    if (!bg->nr_images) {
        error_setg(errp, "bootops: no boot image (-kernel)");
        return -1;
    }
    for (i = 0; i < bg->nr_images; i++) {
        BootopsImage *img = &bg->images[i];

        if (img->addr & (4 * KiB - 1) || img->size > BOOTOPS_MAX_IMAGE_SIZE) {
            error_setg(errp, "bootops: image '%s' at 0x%" HWADDR_PRIx
                       " (%" PRIu64 " bytes) is not 4 KiB aligned or is above"
                       " 256 MiB", img->name, img->addr, img->size);
            return -1;
        }
    }
    return 0;
}

static const char *bootops_image_name(BootopsGuest *bg, hwaddr addr)
{
    int i;

    for (i = 0; i < bg->nr_images; i++) {
        if (bg->images[i].addr == addr) {
            return bg->images[i].name;
        }
    }
    return "?";
}

static uint8_t *bootops_read_image(const BootopsImage *img)
{
    uint8_t *buf = g_malloc(img->size);

    cpu_physical_memory_read(img->addr, buf, img->size);
    return buf;
}

/*
 * prepare=DIR: what the owner signs.  One file per image with the bytes
 * exactly as they lie in guest memory, and the arguments for
 * "bootops-sign manifest" (the kernel's entry, then the images in the
 * order QEMU declares them).
 */
static void bootops_prepare(BootopsGuest *bg, Error **errp)
{
    const struct arm_boot_info *info = ARM_CPU(first_cpu)->env.boot_info;
    g_autoptr(GString) args = g_string_new("");
    int i;

    if (g_mkdir_with_parents(bg->prepare, 0755)) {
        error_setg_errno(errp, errno, "bootops: cannot create %s", bg->prepare);
        return;
    }
    if (info && info->is_linux) {
        g_string_append_printf(args, "--entry 0x%" PRIx64 "\n",
                               (uint64_t)info->entry);
    }
    for (i = 0; i < bg->nr_images; i++) {
        const BootopsImage *img = &bg->images[i];
        g_autofree char *path = g_strdup_printf("%s/%d-%s", bg->prepare, i,
                                                img->name);
        g_autofree uint8_t *data = bootops_read_image(img);
        GError *gerr = NULL;

        if (!g_file_set_contents(path, (char *)data, img->size, &gerr)) {
            error_setg(errp, "bootops: %s", gerr->message);
            g_error_free(gerr);
            return;
        }
        g_string_append_printf(args, "--image 0x%" HWADDR_PRIx ":%s\n",
                               img->addr, path);
    }
    {
        g_autofree char *path = g_strdup_printf("%s/sign-args", bg->prepare);
        GError *gerr = NULL;

        if (!g_file_set_contents(path, args->str, args->len, &gerr)) {
            error_setg(errp, "bootops: %s", gerr->message);
            g_error_free(gerr);
        }
    }
}

/*
 * The owner signs the DTB QEMU generates (prepare=), not one QEMU would
 * patch: a -dtb given with a bootops guest must be exactly the DTB QEMU
 * makes for this command line, else QEMU would boot other bytes than the
 * file says.
 */
static int bootops_check_dtb(BootopsGuest *bg, const char *dtb, Error **errp)
{
    g_autofree char *given = NULL;
    g_autofree uint8_t *made = NULL;
    const BootopsImage *img = NULL;
    gsize len;
    GError *gerr = NULL;
    uint64_t i;
    int n;

    for (n = 0; n < bg->nr_images; n++) {
        if (!strcmp(bg->images[n].name, "dtb")) {
            img = &bg->images[n];
        }
    }
    if (!img) {
        error_setg(errp, "bootops: -dtb %s, but QEMU loads no DTB", dtb);
        return -1;
    }
    if (!g_file_get_contents(dtb, &given, &len, &gerr)) {
        error_setg(errp, "bootops: %s", gerr->message);
        g_error_free(gerr);
        return -1;
    }
    made = bootops_read_image(img);
    for (i = 0; i < MIN(len, img->size) && given[i] == (char)made[i]; i++) {
        ;
    }
    if (len != img->size || i != len) {
        error_setg(errp, "bootops: -dtb %s is not the DTB QEMU makes for this"
                   " command line (it differs at byte %" PRIu64 " of %" PRIu64
                   "): QEMU would have to patch it; make it with prepare=DIR"
                   " and the same options, and have it signed", dtb, i,
                   img->size);
        return -1;
    }
    return 0;
}

static int bootops_read_manifest(BootopsGuest *bg, uint8_t **buf, gsize *len,
                                 Error **errp)
{
    GError *gerr = NULL;

    if (!g_file_get_contents(bg->manifest, (char **)buf, len, &gerr)) {
        error_setg(errp, "bootops: %s", gerr->message);
        g_error_free(gerr);
        return -1;
    }
    if (*len > BOOTOPS_MAX_MANIFEST) {
        error_setg(errp, "bootops: %s: %" G_GSIZE_FORMAT
                   " bytes is no manifest", bg->manifest, *len);
        return -1;
    }
    return 0;
}

static int bootops_declare(BootopsGuest *bg, Error **errp)
{
    g_autofree uint8_t *man = NULL;
    struct kvm_arm_bootops_manifest arg = { };
    gsize len;
    int i, ret;

    if (bootops_read_manifest(bg, &man, &len, errp)) {
        return -1;
    }
    for (i = 0; i < bg->nr_images; i++) {
        struct kvm_arm_bootops_image img = {
            .guest_phys_addr = bg->images[i].addr,
            .size = bg->images[i].size,
        };

        ret = kvm_vm_ioctl(kvm_state, KVM_ARM_BOOTOPS_DECLARE_IMAGE, &img);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "bootops: declaring image %d '%s' at"
                             " 0x%" HWADDR_PRIx " (%" PRIu64 " bytes)", i,
                             bg->images[i].name, bg->images[i].addr,
                             bg->images[i].size);
            return -1;
        }
    }
    arg.addr = (uintptr_t)man;
    arg.size = len;
    ret = kvm_vm_ioctl(kvm_state, KVM_ARM_BOOTOPS_SET_MANIFEST, &arg);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "bootops: the hypervisor refuses manifest"
                         " %s", bg->manifest);
        return -1;
    }
    return 0;
}

/*
 * Just before the vCPUs first run: the images are in guest memory (ROMs
 * are written at the machine's reset) and the vCPUs' reset state is in
 * KVM.  Nothing after this may read or write that state.
 */
static void bootops_vm_start(void *opaque, bool running, RunState state)
{
    BootopsGuest *bg = opaque;
    Error *err = NULL;
    const char *dtb = current_machine->dtb;

    if (!running || kvm_guest_state_protected()) {
        return;
    }
    if (bootops_collect_images(bg, &err)) {
        goto fail;
    }
    if (bg->prepare) {
        bootops_prepare(bg, &err);
        if (err) {
            goto fail;
        }
        info_report("bootops: %d images and sign-args written to %s",
                    bg->nr_images, bg->prepare);
        exit(0);
    }
    if (dtb && bootops_check_dtb(bg, dtb, &err)) {
        goto fail;
    }
    if (bootops_declare(bg, &err)) {
        goto fail;
    }
    kvm_set_guest_state_protected();
    return;
fail:
    error_report_err(err);
    exit(1);
}

/* ---- a refused first run, named ------------------------------------ */

/*
 * Hyp's own account of the verification, as KVM shows it in debugfs:
 * "why ..." and one "image N ADDR SIZE VERDICT SHA" line per image.
 */
static void bootops_report_load_log(BootopsGuest *bg)
{
    g_autofree char *path = g_strdup_printf("/sys/kernel/debug/kvm/%d-%d/"
                                            "bootops_load_log", getpid(),
                                            kvm_state->vmfd);
    g_autofree char *log = NULL;
    g_auto(GStrv) lines = NULL;
    int i;

    if (!g_file_get_contents(path, &log, NULL, NULL)) {
        error_printf("bootops: hyp's load log is in %s (debugfs not"
                     " mounted here); QEMU declared:\n", path);
        for (i = 0; i < bg->nr_images; i++) {
            error_printf("  image %d '%s' at 0x%" HWADDR_PRIx " (%" PRIu64
                         " bytes)\n", i, bg->images[i].name,
                         bg->images[i].addr, bg->images[i].size);
        }
        return;
    }
    lines = g_strsplit(log, "\n", -1);
    for (i = 0; lines[i]; i++) {
        unsigned int idx;
        uint64_t addr, size;
        char verdict[16];

        if (g_str_has_prefix(lines[i], "why ")) {
            error_printf("bootops: hyp says: %s\n", lines[i] + 4);
        } else if (sscanf(lines[i], "image %u %" SCNx64 " %" SCNu64 " %15s",
                          &idx, &addr, &size, verdict) == 4 &&
                   !strcmp(verdict, "rejected")) {
            error_printf("bootops: image %u '%s' at 0x%" PRIx64 " (%" PRIu64
                         " bytes) is not what its owner signed\n", idx,
                         bootops_image_name(bg, addr), addr, size);
        }
    }
}

static bool bootops_run_failed(CPUState *cpu, int err)
{
    static bool reported;
    BootopsGuest *bg = bootops;

    /*
     * A guest's SYSTEM_OFF or SYSTEM_RESET turns every vCPU off at hyp; a
     * vCPU thread that enters again before QEMU has stopped it is refused.
     */
    if (err == EPERM && qemu_shutdown_requested_get()) {
        return true;
    }
    /* Every vCPU's first run fails alike: one report, then exit. */
    if (qatomic_xchg(&reported, true)) {
        return true;
    }
    error_report("bootops: KVM_RUN of vCPU %d failed: %s", cpu->cpu_index,
                 strerror(err));
    switch (err) {
    case EKEYREJECTED:
        error_printf("bootops: the images are not what their owner signed;"
                     " the VM never ran\n");
        bootops_report_load_log(bg);
        break;
    case ENOEXEC:
        error_printf("bootops: no boot image was declared\n");
        break;
    case EPERM:
        error_printf("bootops: vCPU %d may not start where QEMU put it (its"
                     " first PC is in no verified image, or not the"
                     " manifest's entry)\n", cpu->cpu_index);
        break;
    case EOPNOTSUPP:
        error_printf("bootops: a verified vCPU cannot have SVE here: use"
                     " -cpu host,sve=off\n");
        break;
    }
    exit(1);
}

/* ---- set-up -------------------------------------------------------- */

int kvm_arm_bootops_vm_type(MachineState *ms)
{
    KVMState *s = KVM_STATE(ms->accelerator);
    BootopsGuest *bg;
    int caps, type;

    if (!ms->cgs) {
        return 0;
    }
    bg = (BootopsGuest *)object_dynamic_cast(OBJECT(ms->cgs),
                                             TYPE_BOOTOPS_GUEST);
    if (!bg) {
        error_report("confidential-guest-support: %s is no bootops-guest",
                     object_get_typename(OBJECT(ms->cgs)));
        exit(1);
    }
    if (!bg->manifest == !bg->prepare) {
        error_report("bootops-guest: give manifest=FILE (run) or prepare=DIR"
                     " (write what the owner signs)");
        exit(1);
    }
    caps = kvm_ioctl(s, KVM_CHECK_EXTENSION, KVM_CAP_ARM_BOOTOPS);
    type = KVM_VM_TYPE_ARM_BOOTOPS |
           (bg->private_mem ? KVM_VM_TYPE_ARM_BOOTOPS_PRIVATE_MEM : 0);
    if (caps <= 0 || (caps & type) != type) {
        error_report("bootops-guest: this kernel has no boot ops%s"
                     " (KVM_CAP_ARM_BOOTOPS: %d; needs kvm-arm.mode=protected)",
                     bg->private_mem ? " with private memory" : "", caps);
        exit(1);
    }

    /* pKVM 6.12 keeps a vCPU's SVE state in host memory: hyp refuses it. */
    object_register_sugar_prop(ARM_CPU_TYPE_NAME("host"), "sve", "off", true);
    object_register_sugar_prop(ARM_CPU_TYPE_NAME("max"), "sve", "off", true);
    /* A verified VM cannot be reset in place: it is created anew. */
    if (reboot_action != REBOOT_ACTION_SHUTDOWN) {
        info_report("bootops: a reset of this guest shuts it down"
                    " (as with -no-reboot)");
        reboot_action = REBOOT_ACTION_SHUTDOWN;
    }
    error_setg(&bg->migration_blocker, "bootops: a verified guest's CPU state"
               " and images are the hypervisor's; it cannot be migrated or"
               " saved");
    if (migrate_add_blocker(bg->migration_blocker, NULL) < 0) {
        error_report("bootops-guest: cannot block migration"
                     " (-only-migratable?)");
        exit(1);
    }
    qemu_add_vm_change_state_handler(bootops_vm_start, bg);
    kvm_set_run_error_handler(bootops_run_failed);
    bootops = bg;
    ms->cgs->ready = true;
    return type;
}

/* ---- the object ---------------------------------------------------- */

static char *bootops_get_manifest(Object *obj, Error **errp)
{
    return g_strdup(BOOTOPS_GUEST(obj)->manifest);
}

static void bootops_set_manifest(Object *obj, const char *value, Error **errp)
{
    BootopsGuest *bg = BOOTOPS_GUEST(obj);

    g_free(bg->manifest);
    bg->manifest = g_strdup(value);
}

static char *bootops_get_prepare(Object *obj, Error **errp)
{
    return g_strdup(BOOTOPS_GUEST(obj)->prepare);
}

static void bootops_set_prepare(Object *obj, const char *value, Error **errp)
{
    BootopsGuest *bg = BOOTOPS_GUEST(obj);

    g_free(bg->prepare);
    bg->prepare = g_strdup(value);
}

static bool bootops_get_private_mem(Object *obj, Error **errp)
{
    return BOOTOPS_GUEST(obj)->private_mem;
}

static void bootops_set_private_mem(Object *obj, bool value, Error **errp)
{
    BOOTOPS_GUEST(obj)->private_mem = value;
}

static void bootops_guest_class_init(ObjectClass *oc, void *data)
{
    object_class_property_add_str(oc, "manifest", bootops_get_manifest,
                                  bootops_set_manifest);
    object_class_property_set_description(oc, "manifest",
        "the owner's signed boot manifest for the images QEMU loads");
    object_class_property_add_str(oc, "prepare", bootops_get_prepare,
                                  bootops_set_prepare);
    object_class_property_set_description(oc, "prepare",
        "write the images QEMU would load, and bootops-sign's arguments,"
        " into this directory, then exit");
    object_class_property_add_bool(oc, "private-mem", bootops_get_private_mem,
                                   bootops_set_private_mem);
    object_class_property_set_description(oc, "private-mem",
        "the guest's RAM is its own, not the host's (MMIO devices only)");
}

static void bootops_guest_init(Object *obj)
{
}

static void bootops_guest_finalize(Object *obj)
{
    BootopsGuest *bg = BOOTOPS_GUEST(obj);

    g_free(bg->manifest);
    g_free(bg->prepare);
}
