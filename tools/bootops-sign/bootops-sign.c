// SPDX-License-Identifier: GPL-2.0-only
/*
 * bootops-sign: make and check the signatures that hyp checks at EL2
 * before it lets a VM run an image (Documentation/signing.rst).
 *
 *   keygen  PRIVATE.pem PUBLIC.pem            new P-256 key pair
 *   sign    --key PRIVATE.pem --load-addr A IMAGE SIG
 *   verify  --pubkey PUBLIC.pem --load-addr A IMAGE SIG
 *   anchor  PUBLIC.pem OUT.c                  trust anchor for the kernel
 *
 * What is signed is the 64-byte header of include/bootops/image.h, built
 * here exactly as hyp/verify.c rebuilds it; the signature file is the raw
 * 64-byte r || s.  Exit status: 0 success, 1 BAD SIGNATURE (verify only),
 * 2 any other error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>

#include <bootops/image.h>
#include <bootops/manifest.h>
#include <bootops/trust_anchor.h>

#define EXIT_BAD_SIG	1
#define EXIT_ERR	2

#define MAX_KEY_FILE	(64 * 1024)
#define PEM_BUF		4096

static const char *prog = "bootops-sign";

static const char usage_text[] =
"usage: bootops-sign keygen [--force] PRIVATE.pem PUBLIC.pem\n"
"       bootops-sign sign   --key PRIVATE.pem --load-addr ADDR IMAGE SIG\n"
"       bootops-sign verify --pubkey PUBLIC.pem --load-addr ADDR IMAGE SIG\n"
"       bootops-sign anchor PUBLIC.pem OUT.c\n"
"       bootops-sign manifest --key PRIVATE.pem --key-id N [--secver V]\n"
"                    [--entry ADDR] [--private-mem] [--raise-min]\n"
"                    --image ADDR:IMAGE [--image ADDR:IMAGE ...] OUT\n"
"       bootops-sign --help\n";

static const char help_text[] =
"\n"
"Signatures of guest boot images for bootops (pKVM, checked at EL2).\n"
"\n"
"The signature is ECDSA P-256 over SHA-256 of a 64-byte header:\n"
"  \"BOOTOPS1\" | load_addr (LE64) | size (LE64) | 0 (8 bytes) | SHA-256(image)\n"
"so it holds only for the guest address and image size it was made for.\n"
"SIG files hold the raw 64-byte r || s (big-endian).\n"
"\n"
"  keygen   write a new P-256 key pair: PRIVATE.pem (SEC1, mode 0600) and\n"
"           PUBLIC.pem (SubjectPublicKeyInfo).  Refuses to overwrite\n"
"           existing files unless --force.\n"
"  sign     sign IMAGE for guest physical address ADDR (decimal or 0x hex,\n"
"           4 KiB aligned) and write SIG.  Deterministic (RFC 6979).\n"
"  verify   check SIG; prints OK and exits 0, or BAD SIGNATURE and exits 1.\n"
"  anchor   write OUT.c, the C definition of bootops_trust_anchor (the\n"
"           uncompressed public point) that the kernel build compiles into\n"
"           hyp.  A private key file is accepted too: its public half is used.\n"
"  manifest write OUT, a boot manifest signed with manifest key N: every\n"
"           image of the VM in the order the VMM declares them (at most 5),\n"
"           security version V (hyp refuses versions below its minimum for\n"
"           key N; --raise-min raises that minimum to V once the VM\n"
"           verifies), vCPU 0's entry ADDR (0: anywhere in an image), and\n"
"           --private-mem if the host may not share memory into the VM.\n"
"\n"
"Exit status: 0 success, 1 bad signature (verify), 2 any other error.\n";

static void __attribute__((format(printf, 1, 2))) err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s(try: bootops-sign --help)\n", usage_text);
	return EXIT_ERR;
}

static const char *mbed_err(int ret)
{
	static char buf[160];

	mbedtls_strerror(ret, buf, sizeof(buf));
	return buf;
}

static void put_le64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Decimal or 0x-hex, no sign, no junk, no overflow; 4 KiB aligned. */
static int parse_addr(const char *s, uint64_t *out)
{
	int base = 10;
	uint64_t v = 0;
	const char *p = s;

	if (!s || !*s) {
		err("--load-addr: empty address");
		return -1;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		if (!*p) {
			err("--load-addr: '%s' is not a number", s);
			return -1;
		}
	}
	for (; *p; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else {
			err("--load-addr: '%s' is not a decimal or 0x-hex number", s);
			return -1;
		}
		if (v > (UINT64_MAX - d) / base) {
			err("--load-addr: '%s' does not fit in 64 bits", s);
			return -1;
		}
		v = v * base + d;
	}
	if (v & (BOOTOPS_PAGE_SIZE - 1)) {
		err("--load-addr: 0x%llx is not 4 KiB aligned", (unsigned long long)v);
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * A whole small file, NUL-terminated.  *len counts the NUL for PEM (as
 * mbedTLS wants) and not for DER (whose parser rejects a trailing byte).
 */
static unsigned char *read_small_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	size_t n;

	if (!f) {
		err("cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(MAX_KEY_FILE + 1);
	if (!buf) {
		fclose(f);
		err("out of memory");
		return NULL;
	}
	n = fread(buf, 1, MAX_KEY_FILE + 1, f);
	if (ferror(f)) {
		err("cannot read %s: %s", path, strerror(errno));
		goto fail;
	}
	if (n > MAX_KEY_FILE) {
		err("%s: larger than %d bytes: not a key file", path, MAX_KEY_FILE);
		goto fail;
	}
	if (n == 0) {
		err("%s: empty file", path);
		goto fail;
	}
	fclose(f);
	buf[n] = 0;
	*len = strstr((char *)buf, "-----BEGIN ") ? n + 1 : n;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/* The key must be an EC key on P-256 (not RSA, not another curve). */
static int check_p256(const mbedtls_pk_context *pk, const char *path)
{
	mbedtls_pk_type_t t = mbedtls_pk_get_type(pk);

	if (t != MBEDTLS_PK_ECKEY && t != MBEDTLS_PK_ECKEY_DH && t != MBEDTLS_PK_ECDSA) {
		err("%s: %s key: bootops needs an ECDSA P-256 (secp256r1) key",
		    path, mbedtls_pk_get_name(pk));
		return -1;
	}
	if (mbedtls_pk_ec(*pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1) {
		const mbedtls_ecp_curve_info *ci =
			mbedtls_ecp_curve_info_from_grp_id(mbedtls_pk_ec(*pk)->grp.id);

		err("%s: EC key on curve %s: bootops needs P-256 (secp256r1)",
		    path, ci ? ci->name : "(unknown)");
		return -1;
	}
	return 0;
}

static int load_private(mbedtls_pk_context *pk, const char *path)
{
	size_t len;
	unsigned char *buf = read_small_file(path, &len);
	int ret;

	if (!buf)
		return -1;
	ret = mbedtls_pk_parse_key(pk, buf, len, NULL, 0);
	mbedtls_platform_zeroize(buf, len);
	free(buf);
	if (ret) {
		mbedtls_pk_context pub;
		int is_pub;

		mbedtls_pk_init(&pub);
		buf = read_small_file(path, &len);
		is_pub = buf && !mbedtls_pk_parse_public_key(&pub, buf, len);
		free(buf);
		mbedtls_pk_free(&pub);
		if (is_pub)
			err("%s is a public key: signing needs the private key (keygen's PRIVATE.pem)",
			    path);
		else
			err("%s: not a private key PEM/DER file (%s)", path, mbed_err(ret));
		return -1;
	}
	return check_p256(pk, path);
}

/* A public key; a private key file is accepted (its public half is used). */
static int load_public(mbedtls_pk_context *pk, const char *path)
{
	size_t len;
	unsigned char *buf = read_small_file(path, &len);
	int ret, priv = 0;

	if (!buf)
		return -1;

	ret = mbedtls_pk_parse_public_key(pk, buf, len);
	if (ret) {
		mbedtls_pk_free(pk);
		mbedtls_pk_init(pk);
		if (!mbedtls_pk_parse_key(pk, buf, len, NULL, 0)) {
			priv = 1;
			ret = 0;
		}
	}
	mbedtls_platform_zeroize(buf, len);
	free(buf);
	if (ret) {
		err("%s: not a public key PEM/DER file (%s)", path, mbed_err(ret));
		return -1;
	}
	if (check_p256(pk, path))
		return -1;
	if (priv)
		fprintf(stderr, "%s: note: %s is a private key; using its public half\n",
			prog, path);
	return 0;
}

/*
 * SHA-256 of IMAGE and its size, checked as hyp checks a declared image.
 * The image is streamed: it may be large.
 */
static int image_digest(const char *image, uint64_t load_addr,
			unsigned char digest[BOOTOPS_DIGEST_SIZE], uint64_t *size_out)
{
	static unsigned char chunk[1 << 16];
	mbedtls_sha256_context ctx;
	uint64_t size = 0;
	FILE *f;
	size_t n;
	int ret = -1;

	f = fopen(image, "rb");
	if (!f) {
		err("cannot open %s: %s", image, strerror(errno));
		return -1;
	}
	mbedtls_sha256_init(&ctx);
	/* mbedTLS's SHA-256 cannot fail on valid arguments. */
	if (mbedtls_sha256_starts_ret(&ctx, 0))
		goto out;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (mbedtls_sha256_update_ret(&ctx, chunk, n))
			goto out;
		size += n;
	}
	if (ferror(f)) {
		err("cannot read %s: %s", image, strerror(errno));
		goto out;
	}
	if (size == 0) {
		err("%s: empty image: hyp accepts no image of size 0", image);
		goto out;
	}
	/* The image's pages must not wrap around the 64-bit address space. */
	if (load_addr + ((size + BOOTOPS_PAGE_SIZE - 1) & BOOTOPS_PAGE_MASK) < load_addr) {
		err("%s: 0x%llx + %llu bytes wraps around the address space", image,
		    (unsigned long long)load_addr, (unsigned long long)size);
		goto out;
	}
	if (size > BOOTOPS_MAX_IMAGE_SIZE)
		fprintf(stderr, "%s: warning: %s is %llu bytes; hyp's default limit is %llu\n",
			prog, image, (unsigned long long)size,
			(unsigned long long)BOOTOPS_MAX_IMAGE_SIZE);
	if (mbedtls_sha256_finish_ret(&ctx, digest))
		goto out;
	*size_out = size;
	ret = 0;
out:
	mbedtls_sha256_free(&ctx);
	fclose(f);
	return ret;
}

/* SHA-256 of the header for (load_addr, IMAGE), as hyp/verify.c builds it. */
static int header_hash(const char *image, uint64_t load_addr,
		       unsigned char hash[BOOTOPS_DIGEST_SIZE])
{
	unsigned char hdr[BOOTOPS_HDR_SIZE] = { 0 };
	uint64_t size;

	if (image_digest(image, load_addr, hdr + BOOTOPS_HDR_OFF_DIGEST, &size))
		return -1;
	memcpy(hdr, BOOTOPS_HDR_MAGIC, 8);
	put_le64(hdr + BOOTOPS_HDR_OFF_LOAD_ADDR, load_addr);
	put_le64(hdr + BOOTOPS_HDR_OFF_SIZE, size);
	return mbedtls_sha256_ret(hdr, sizeof(hdr), hash, 0) ? -1 : 0;
}

/* The signature file: exactly 64 bytes. */
static int read_sig(const char *path, unsigned char sig[BOOTOPS_SIG_SIZE])
{
	unsigned char buf[BOOTOPS_SIG_SIZE + 1];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		err("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	if (ferror(f)) {
		err("cannot read %s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	if (n > BOOTOPS_SIG_SIZE) {
		err("%s: longer than %d bytes: a signature file is exactly %d bytes (raw r || s)",
		    path, BOOTOPS_SIG_SIZE, BOOTOPS_SIG_SIZE);
		return -1;
	}
	if (n < BOOTOPS_SIG_SIZE) {
		err("%s: %zu bytes: a signature file is exactly %d bytes (raw r || s)",
		    path, n, BOOTOPS_SIG_SIZE);
		return -1;
	}
	memcpy(sig, buf, BOOTOPS_SIG_SIZE);
	return 0;
}

/*
 * Write a file whole or not at all: a temporary file in the same directory,
 * renamed over the target.  exclusive: fail if the target exists.
 */
static int write_file(const char *path, const void *data, size_t len, mode_t mode,
		      int exclusive)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	int fd, ok;

	if (!tmp) {
		err("out of memory");
		return -1;
	}
	snprintf(tmp, plen + 16, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode);
	if (fd < 0) {
		err("cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	ok = write(fd, data, len) == (ssize_t)len;
	ok = !close(fd) && ok;
	if (!ok) {
		err("cannot write %s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (exclusive) {
		/* link() fails if path exists: no window for a race. */
		if (link(tmp, path)) {
			err("cannot create %s: %s%s", path, strerror(errno),
			    errno == EEXIST ? " (use --force to overwrite)" : "");
			goto fail;
		}
		unlink(tmp);
	} else if (rename(tmp, path)) {
		err("cannot write %s: %s", path, strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	return -1;
}

struct rng {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
};

static int rng_init(struct rng *r)
{
	static const char pers[] = "bootops-sign";
	int ret;

	mbedtls_entropy_init(&r->entropy);
	mbedtls_ctr_drbg_init(&r->drbg);
	ret = mbedtls_ctr_drbg_seed(&r->drbg, mbedtls_entropy_func, &r->entropy,
				    (const unsigned char *)pers, sizeof(pers) - 1);
	if (ret)
		err("cannot seed the random generator: %s", mbed_err(ret));
	return ret ? -1 : 0;
}

static void rng_free(struct rng *r)
{
	mbedtls_ctr_drbg_free(&r->drbg);
	mbedtls_entropy_free(&r->entropy);
}

/* ---- commands ------------------------------------------------------ */

static int cmd_keygen(int argc, char **argv)
{
	const char *priv = NULL, *pub = NULL;
	unsigned char pem[PEM_BUF];
	mbedtls_pk_context pk;
	struct rng rng;
	int force = 0, i, ret, rc = EXIT_ERR;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--force"))
			force = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return usage_error("keygen: unknown option %s", argv[i]);
		else if (!priv)
			priv = argv[i];
		else if (!pub)
			pub = argv[i];
		else
			return usage_error("keygen: too many arguments");
	}
	if (!pub)
		return usage_error("keygen: needs PRIVATE.pem and PUBLIC.pem");
	if (!strcmp(priv, pub))
		return usage_error("keygen: PRIVATE.pem and PUBLIC.pem are the same file");

	mbedtls_pk_init(&pk);
	if (rng_init(&rng))
		goto out;
	ret = mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
	if (!ret)
		ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk),
					  mbedtls_ctr_drbg_random, &rng.drbg);
	if (ret) {
		err("key generation failed: %s", mbed_err(ret));
		goto out;
	}
	ret = mbedtls_pk_write_key_pem(&pk, pem, sizeof(pem));
	if (ret) {
		err("cannot encode the private key: %s", mbed_err(ret));
		goto out;
	}
	if (write_file(priv, pem, strlen((char *)pem), 0600, !force))
		goto out;
	ret = mbedtls_pk_write_pubkey_pem(&pk, pem, sizeof(pem));
	if (ret) {
		err("cannot encode the public key: %s", mbed_err(ret));
		goto out;
	}
	if (write_file(pub, pem, strlen((char *)pem), 0644, !force))
		goto out;
	printf("wrote %s (private, keep it secret) and %s (public)\n", priv, pub);
	rc = 0;
out:
	mbedtls_platform_zeroize(pem, sizeof(pem));
	mbedtls_pk_free(&pk);
	rng_free(&rng);
	return rc;
}

/* Common options of sign and verify. */
struct sv_args {
	const char *key, *image, *sig, *addr;
	uint64_t load_addr;
};

static int parse_sv(const char *cmd, const char *keyopt, int argc, char **argv,
		    struct sv_args *a)
{
	size_t klen = strlen(keyopt);
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		const char *s = argv[i], **dst = NULL, *val = NULL;

		if (!strncmp(s, keyopt, klen) && (s[klen] == 0 || s[klen] == '='))
			dst = &a->key;
		else if (!strncmp(s, "--load-addr", 11) && (s[11] == 0 || s[11] == '='))
			dst = &a->addr;
		if (dst) {
			const char *eq = strchr(s, '=');

			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return usage_error("%s: %.*s needs a value", cmd,
						   (int)strcspn(s, "="), s);
			*dst = val;
		} else if (s[0] == '-' && s[1]) {
			return usage_error("%s: unknown option %s", cmd, s);
		} else if (!a->image) {
			a->image = s;
		} else if (!a->sig) {
			a->sig = s;
		} else {
			return usage_error("%s: too many arguments", cmd);
		}
	}
	if (!a->key)
		return usage_error("%s: %s is required", cmd, keyopt);
	if (!a->addr)
		return usage_error("%s: --load-addr is required", cmd);
	if (!a->sig)
		return usage_error("%s: needs IMAGE and SIG", cmd);
	if (parse_addr(a->addr, &a->load_addr))
		return EXIT_ERR;
	return 0;
}

/* ECDSA P-256 of hash with the private key in key_path, raw r || s, checked. */
static int sign_hash(const char *key_path, const unsigned char hash[BOOTOPS_DIGEST_SIZE],
		     unsigned char sig[BOOTOPS_SIG_SIZE])
{
	mbedtls_pk_context pk;
	mbedtls_ecp_keypair *kp;
	mbedtls_mpi r, s;
	struct rng rng;
	int ret, rc = -1;

	mbedtls_pk_init(&pk);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	if (rng_init(&rng) || load_private(&pk, key_path))
		goto out;
	kp = mbedtls_pk_ec(pk);
	/*
	 * RFC 6979: the nonce comes from the key and the hash, not from the
	 * RNG (which only blinds the computation).
	 */
	ret = mbedtls_ecdsa_sign_det_ext(&kp->grp, &r, &s, &kp->d, hash, BOOTOPS_DIGEST_SIZE,
					 MBEDTLS_MD_SHA256, mbedtls_ctr_drbg_random,
					 &rng.drbg);
	/* Check it the way hyp will before handing it out. */
	if (!ret)
		ret = mbedtls_ecdsa_verify(&kp->grp, hash, BOOTOPS_DIGEST_SIZE, &kp->Q, &r, &s);
	if (!ret)
		ret = mbedtls_mpi_write_binary(&r, sig, BOOTOPS_SIG_SIZE / 2);
	if (!ret)
		ret = mbedtls_mpi_write_binary(&s, sig + BOOTOPS_SIG_SIZE / 2,
					       BOOTOPS_SIG_SIZE / 2);
	if (ret)
		err("signing failed: %s", mbed_err(ret));
	else
		rc = 0;
out:
	rng_free(&rng);
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&r);
	mbedtls_pk_free(&pk);
	return rc;
}

static int cmd_sign(int argc, char **argv)
{
	unsigned char hash[BOOTOPS_DIGEST_SIZE], sig[BOOTOPS_SIG_SIZE];
	struct sv_args a;
	int rc;

	rc = parse_sv("sign", "--key", argc, argv, &a);
	if (rc)
		return rc;
	if (header_hash(a.image, a.load_addr, hash) || sign_hash(a.key, hash, sig) ||
	    write_file(a.sig, sig, sizeof(sig), 0644, 0))
		return EXIT_ERR;
	return 0;
}

/* ---- manifests (include/bootops/manifest.h) ------------------------- */

struct manifest_args {
	const char *key, *out;
	uint64_t key_id, secver, flags, entry;
	unsigned int nr;
	uint64_t addr[BOOTOPS_MAX_LOAD_INFO];
	const char *file[BOOTOPS_MAX_LOAD_INFO];
};

/* Decimal or 0x-hex, no sign, no junk, no overflow. */
static int parse_u64(const char *opt, const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		goto bad;
	errno = 0;
	*out = strtoull(s, &end, 0);
	if (!errno && !*end)
		return 0;
bad:
	err("%s: '%s' is not a decimal or 0x-hex number", opt, s ? s : "");
	return -1;
}

/* --image ADDR:FILE */
static int parse_image(struct manifest_args *a, const char *s)
{
	const char *colon = strchr(s, ':');
	char addr[32];

	if (a->nr == BOOTOPS_MAX_LOAD_INFO) {
		err("manifest: at most %d images", BOOTOPS_MAX_LOAD_INFO);
		return -1;
	}
	if (!colon || colon == s || !colon[1] || (size_t)(colon - s) >= sizeof(addr)) {
		err("manifest: --image wants ADDR:FILE, not '%s'", s);
		return -1;
	}
	memcpy(addr, s, colon - s);
	addr[colon - s] = 0;
	if (parse_addr(addr, &a->addr[a->nr]))
		return -1;
	a->file[a->nr++] = colon + 1;
	return 0;
}

/* An option's value: after '=' or as the next argument. */
static const char *opt_value(int argc, char **argv, int *i)
{
	const char *eq = strchr(argv[*i], '=');

	if (eq)
		return eq + 1;
	return *i + 1 < argc ? argv[++*i] : NULL;
}

static bool is_opt(const char *s, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(s, name, n) && (s[n] == 0 || s[n] == '=');
}

static int parse_manifest_args(int argc, char **argv, struct manifest_args *a)
{
	int i, rc = 0;

	memset(a, 0, sizeof(*a));
	a->key_id = UINT64_MAX;
	for (i = 0; i < argc && !rc; i++) {
		const char *s = argv[i], *v = NULL;

		if (!strcmp(s, "--private-mem")) {
			a->flags |= BOOTOPS_MANIFEST_F_PRIVATE_MEM;
			continue;
		}
		if (!strcmp(s, "--raise-min")) {
			a->flags |= BOOTOPS_MANIFEST_F_RAISE_MIN;
			continue;
		}
		if (s[0] != '-') {
			if (a->out)
				return usage_error("manifest: too many arguments");
			a->out = s;
			continue;
		}
		if (!is_opt(s, "--key") && !is_opt(s, "--key-id") && !is_opt(s, "--secver") &&
		    !is_opt(s, "--entry") && !is_opt(s, "--image"))
			return usage_error("manifest: unknown option %s", s);
		v = opt_value(argc, argv, &i);
		if (!v)
			return usage_error("manifest: %.*s needs a value", (int)strcspn(s, "="), s);
		if (is_opt(s, "--key"))
			a->key = v;
		else if (is_opt(s, "--key-id"))
			rc = parse_u64("--key-id", v, &a->key_id);
		else if (is_opt(s, "--secver"))
			rc = parse_u64("--secver", v, &a->secver);
		else if (is_opt(s, "--entry"))
			rc = parse_u64("--entry", v, &a->entry);
		else
			rc = parse_image(a, v);
	}
	if (rc)
		return EXIT_ERR;
	if (!a->key || !a->out || !a->nr)
		return usage_error("manifest: needs --key, at least one --image and OUT");
	if (!a->key_id || a->key_id > UINT32_MAX)
		return usage_error("manifest: --key-id must be 1 to 4294967295 (0 is the image key)");
	return 0;
}

/* The manifest's bytes, as hyp/manifest.c reads them; returns the signed length. */
static int build_manifest(const struct manifest_args *a, unsigned char *buf, size_t *len)
{
	unsigned char *img = buf + BOOTOPS_MANIFEST_HDR_SIZE;
	unsigned int i;

	memset(buf, 0, BOOTOPS_MANIFEST_SIZE(BOOTOPS_MAX_LOAD_INFO));
	memcpy(buf, BOOTOPS_MANIFEST_MAGIC, 8);
	put_le64(buf + BOOTOPS_MANIFEST_OFF_KEY_ID, a->key_id | (uint64_t)a->nr << 32);
	put_le64(buf + BOOTOPS_MANIFEST_OFF_SECVER, a->secver);
	put_le64(buf + BOOTOPS_MANIFEST_OFF_FLAGS, a->flags);
	put_le64(buf + BOOTOPS_MANIFEST_OFF_ENTRY, a->entry);
	for (i = 0; i < a->nr; i++, img += BOOTOPS_MANIFEST_IMAGE_SIZE) {
		uint64_t size;

		if (image_digest(a->file[i], a->addr[i], img + BOOTOPS_MANIFEST_IMG_OFF_DIGEST,
				 &size))
			return -1;
		put_le64(img, a->addr[i]);
		put_le64(img + BOOTOPS_MANIFEST_IMG_OFF_SIZE, size);
	}
	*len = BOOTOPS_MANIFEST_SIGNED_SIZE(a->nr);
	return 0;
}

static int cmd_manifest(int argc, char **argv)
{
	unsigned char buf[BOOTOPS_MANIFEST_SIZE(BOOTOPS_MAX_LOAD_INFO)];
	unsigned char hash[BOOTOPS_DIGEST_SIZE];
	struct manifest_args a;
	size_t len;
	int rc;

	rc = parse_manifest_args(argc, argv, &a);
	if (rc)
		return rc;
	if (build_manifest(&a, buf, &len) || mbedtls_sha256_ret(buf, len, hash, 0) ||
	    sign_hash(a.key, hash, buf + len) ||
	    write_file(a.out, buf, len + BOOTOPS_SIG_SIZE, 0644, 0))
		return EXIT_ERR;
	return 0;
}

static int cmd_verify(int argc, char **argv)
{
	unsigned char hash[BOOTOPS_DIGEST_SIZE], sig[BOOTOPS_SIG_SIZE];
	mbedtls_pk_context pk;
	mbedtls_ecp_keypair *kp;
	mbedtls_mpi r, s;
	struct sv_args a;
	int ret, rc;

	rc = parse_sv("verify", "--pubkey", argc, argv, &a);
	if (rc)
		return rc;
	rc = EXIT_ERR;
	mbedtls_pk_init(&pk);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	if (load_public(&pk, a.key) || read_sig(a.sig, sig) ||
	    header_hash(a.image, a.load_addr, hash))
		goto out;
	kp = mbedtls_pk_ec(pk);
	/* As hyp/crypto_mbedtls.c: r and s as big-endian halves. */
	ret = mbedtls_mpi_read_binary(&r, sig, BOOTOPS_SIG_SIZE / 2);
	if (!ret)
		ret = mbedtls_mpi_read_binary(&s, sig + BOOTOPS_SIG_SIZE / 2,
					      BOOTOPS_SIG_SIZE / 2);
	if (!ret)
		ret = mbedtls_ecdsa_verify(&kp->grp, hash, sizeof(hash), &kp->Q, &r, &s);
	if (ret) {
		printf("BAD SIGNATURE\n");
		rc = EXIT_BAD_SIG;
	} else {
		printf("OK\n");
		rc = 0;
	}
out:
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&r);
	mbedtls_pk_free(&pk);
	return rc;
}

static int cmd_anchor(int argc, char **argv)
{
	unsigned char pt[BOOTOPS_PUBKEY_SIZE], fp[32];
	mbedtls_pk_context pk;
	mbedtls_ecp_keypair *kp;
	char *text = NULL;
	size_t olen, cap = 2048, len = 0;
	int ret, rc = EXIT_ERR, i;

	if (argc != 2 || (argv[0][0] == '-' && argv[0][1]) ||
	    (argv[1][0] == '-' && argv[1][1]))
		return usage_error("anchor: needs PUBLIC.pem and OUT.c");
	mbedtls_pk_init(&pk);
	if (load_public(&pk, argv[0]))
		goto out;
	kp = mbedtls_pk_ec(pk);
	ret = mbedtls_ecp_point_write_binary(&kp->grp, &kp->Q, MBEDTLS_ECP_PF_UNCOMPRESSED,
					     &olen, pt, sizeof(pt));
	if (ret || olen != BOOTOPS_PUBKEY_SIZE) {
		err("%s: cannot encode the public point: %s", argv[0], mbed_err(ret));
		goto out;
	}
	if (mbedtls_sha256_ret(pt, sizeof(pt), fp, 0))
		goto out;
	text = malloc(cap);
	if (!text) {
		err("out of memory");
		goto out;
	}
#define EMIT(...) (len += snprintf(text + len, cap - len, __VA_ARGS__))
	EMIT("// SPDX-License-Identifier: GPL-2.0-only\n"
	     "/*\n"
	     " * bootops trust anchor, generated by tools/bootops-sign: do not edit.\n"
	     " * The P-256 public key as an uncompressed point (0x04 || X || Y).\n"
	     " * SHA-256 of these 65 bytes:\n *   ");
	for (i = 0; i < 32; i++)
		EMIT("%02x", fp[i]);
	EMIT("\n */\n#include <bootops/trust_anchor.h>\n\n"
	     "const u8 bootops_trust_anchor[BOOTOPS_PUBKEY_SIZE] = {");
	for (i = 0; i < BOOTOPS_PUBKEY_SIZE; i++)
		EMIT("%s0x%02x,", i % 8 ? " " : "\n\t", pt[i]);
	EMIT("\n};\n\n/* No manifest key (the kernel build adds them). */\n"
	     "const struct bootops_manifest_key bootops_manifest_keys[1];\n"
	     "const u32 bootops_nr_manifest_keys;\n");
#undef EMIT
	if (len >= cap) {
		err("internal: anchor text too long");
		goto out;
	}
	if (write_file(argv[1], text, len, 0644, 0))
		goto out;
	printf("wrote %s (key fingerprint ", argv[1]);
	for (i = 0; i < 32; i++)
		printf("%02x", fp[i]);
	printf(")\n");
	rc = 0;
out:
	free(text);
	mbedtls_pk_free(&pk);
	return rc;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int i;

	if (argc < 2)
		return usage_error("missing command");
	cmd = argv[1];
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h") ||
		    (i == 1 && !strcmp(argv[i], "help"))) {
			printf("%s%s", usage_text, help_text);
			return 0;
		}
	}
	if (!strcmp(cmd, "keygen"))
		return cmd_keygen(argc - 2, argv + 2);
	if (!strcmp(cmd, "sign"))
		return cmd_sign(argc - 2, argv + 2);
	if (!strcmp(cmd, "verify"))
		return cmd_verify(argc - 2, argv + 2);
	if (!strcmp(cmd, "anchor"))
		return cmd_anchor(argc - 2, argv + 2);
	if (!strcmp(cmd, "manifest"))
		return cmd_manifest(argc - 2, argv + 2);
	return usage_error("unknown command '%s'", cmd);
}
