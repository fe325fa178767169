// SPDX-License-Identifier: GPL-2.0-only
/*
 * bootops-sign: make and check the signatures that hyp checks at EL2
 * before it lets a VM run an image (Documentation/signing.rst).
 *
 *   keygen  PRIVATE.pem PUBLIC.pem            new P-256 key pair
 *   sign    --key PRIVATE.pem --load-addr A IMAGE SIG
 *   verify  --pubkey PUBLIC.pem --load-addr A IMAGE SIG
 *   anchor  PUBLIC.pem OUT.c                  trust anchor for the kernel
 *   manifest --key PRIVATE.pem --key-id N ... OUT   boot manifest
 *   report  --key PRIVATE.pem --nonce HEX ... OUT   attestation report
 *   verify-report --key KEY --nonce HEX ... REPORT  check one
 *
 * What is signed is the 64-byte header of include/bootops/image.h, built
 * here exactly as hyp/verify.c rebuilds it; the signature file is the raw
 * 64-byte r || s.  Reports are include/bootops/attest.h's COSE_Sign1,
 * made and read with libcbor.  Exit status: 0 success, 1 BAD SIGNATURE
 * (verify) or a refused report (verify-report), 2 any other error.
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

#include <cbor.h>

#include <bootops/attest.h>
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
"       bootops-sign report --key PRIVATE.pem --nonce HEX\n"
"                    (--manifest MANIFEST [--image ADDR:IMAGE ...] |\n"
"                     --image ADDR:IMAGE [--image ADDR:IMAGE ...]) OUT\n"
"       bootops-sign verify-report --key KEY --nonce HEX\n"
"                    (--manifest MANIFEST [--image ADDR:IMAGE ...] |\n"
"                     --image ADDR:IMAGE [--image ADDR:IMAGE ...]) REPORT\n"
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
"  report   write OUT, an attestation report (include/bootops/attest.h) as hyp\n"
"           makes it, signed with PRIVATE.pem: nonce HEX (128 hex digits), the\n"
"           key id, security version, flags, digest and images of MANIFEST, or\n"
"           without one the images given (key id 0, no manifest digest).  With\n"
"           both, the images' digests are those of the files.  For tests.\n"
"  verify-report  check REPORT (binary, or hex text) with hyp's attestation\n"
"           KEY (PEM/DER, or 130 hex digits: 04 || X || Y): its signature, its\n"
"           encoding, nonce HEX, and every claim against MANIFEST and/or the\n"
"           images.  Prints a summary and exits 0, or one line saying what\n"
"           differs and exits 1.\n"
"\n"
"Exit status: 0 success, 1 bad signature (verify) or report refused\n"
"(verify-report), 2 any other error.\n";

/* "bootops-sign: <what>: <message>" on stderr, one line. */
static void say(const char *what, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s: ", prog, what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void __attribute__((format(printf, 1, 2))) err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("error", fmt, ap);
	va_end(ap);
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

/* At most size bytes of a file into buf (*n of them); -1, said, if it cannot be read. */
static int read_into(const char *path, unsigned char *buf, size_t size, size_t *n)
{
	FILE *f = fopen(path, "rb");

	if (!f) {
		err("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	*n = fread(buf, 1, size, f);
	if (ferror(f)) {
		err("cannot read %s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/*
 * Up to max + 1 bytes of a file into a buffer of max + 2 (room for a
 * NUL), so that the caller tells a file larger than max by *n > max;
 * NULL, said, if it cannot be opened, read or the buffer had.
 */
static unsigned char *read_up_to(const char *path, size_t max, size_t *n)
{
	unsigned char *buf = malloc(max + 2);

	if (!buf) {
		err("out of memory");
		return NULL;
	}
	if (read_into(path, buf, max + 1, n)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * A whole small file, NUL-terminated.  *len counts the NUL for PEM (as
 * mbedTLS wants) and not for DER (whose parser rejects a trailing byte).
 */
static unsigned char *read_small_file(const char *path, size_t *len)
{
	unsigned char *buf;
	size_t n;

	buf = read_up_to(path, MAX_KEY_FILE, &n);
	if (!buf)
		return NULL;
	if (n > MAX_KEY_FILE) {
		err("%s: larger than %d bytes: not a key file", path, MAX_KEY_FILE);
		goto fail;
	}
	if (n == 0) {
		err("%s: empty file", path);
		goto fail;
	}
	buf[n] = 0;
	*len = strstr((char *)buf, "-----BEGIN ") ? n + 1 : n;
	return buf;
fail:
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
	size_t n;

	if (read_into(path, buf, sizeof(buf), &n))
		return -1;
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

/* The --image ADDR:FILE options, in order. */
struct image_args {
	unsigned int nr;
	uint64_t addr[BOOTOPS_MAX_LOAD_INFO];
	const char *file[BOOTOPS_MAX_LOAD_INFO];
};

struct manifest_args {
	const char *key, *out;
	uint64_t key_id, secver, flags, entry;
	struct image_args img;
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

/* --image ADDR:FILE of command cmd */
static int parse_image(const char *cmd, struct image_args *a, const char *s)
{
	const char *colon = strchr(s, ':');
	char addr[32];

	if (a->nr == BOOTOPS_MAX_LOAD_INFO) {
		err("%s: at most %d images", cmd, BOOTOPS_MAX_LOAD_INFO);
		return -1;
	}
	if (!colon || colon == s || !colon[1] || (size_t)(colon - s) >= sizeof(addr)) {
		err("%s: --image wants ADDR:FILE, not '%s'", cmd, s);
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
			rc = parse_image("manifest", &a->img, v);
	}
	if (rc)
		return EXIT_ERR;
	if (!a->key || !a->out || !a->img.nr)
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
	put_le64(buf + BOOTOPS_MANIFEST_OFF_KEY_ID, a->key_id | (uint64_t)a->img.nr << 32);
	put_le64(buf + BOOTOPS_MANIFEST_OFF_SECVER, a->secver);
	put_le64(buf + BOOTOPS_MANIFEST_OFF_FLAGS, a->flags);
	put_le64(buf + BOOTOPS_MANIFEST_OFF_ENTRY, a->entry);
	for (i = 0; i < a->img.nr; i++, img += BOOTOPS_MANIFEST_IMAGE_SIZE) {
		uint64_t size;

		if (image_digest(a->img.file[i], a->img.addr[i],
				 img + BOOTOPS_MANIFEST_IMG_OFF_DIGEST, &size))
			return -1;
		put_le64(img, a->img.addr[i]);
		put_le64(img + BOOTOPS_MANIFEST_IMG_OFF_SIZE, size);
	}
	*len = BOOTOPS_MANIFEST_SIGNED_SIZE(a->img.nr);
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

/* ---- attestation reports (include/bootops/attest.h) ----------------- */

/*
 * All CBOR here goes through libcbor, an encoder and decoder independent
 * of hyp's own, so that the two check each other.  libcbor keeps the
 * width an integer was built or decoded with: the preferred encoding is
 * chosen by hand (cb_uint), and a decoded report is checked against its
 * re-encoding.
 */

#define REPORT_FILE_MAX	(64 * 1024)	/* a report in hex, with line breaks */
#define NONCE_HEX	(2 * BOOTOPS_ATTEST_NONCE_SIZE)
#define NR_CLAIMS	8

static const unsigned char cose_protected[BOOTOPS_COSE_PROTECTED_SIZE] =
	BOOTOPS_COSE_PROTECTED;

/* The claim keys in the order attest.h lists them, and their names. */
static const int64_t claim_keys[NR_CLAIMS] = {
	BOOTOPS_CLAIM_PROFILE, BOOTOPS_CLAIM_NONCE, BOOTOPS_CLAIM_KEY_ID,
	BOOTOPS_CLAIM_SECVER, BOOTOPS_CLAIM_FLAGS, BOOTOPS_CLAIM_MANIFEST,
	BOOTOPS_CLAIM_IMAGES, BOOTOPS_CLAIM_HASH_ALG,
};
static const char *const claim_names[NR_CLAIMS] = {
	"eat_profile", "eat_nonce", "key id", "security version", "flags",
	"manifest", "images", "hash algorithm",
};

struct report_image {
	uint64_t addr, size;
	unsigned char digest[BOOTOPS_DIGEST_SIZE];
};

/* What a report claims, but for the two constant strings. */
struct claims {
	unsigned char nonce[BOOTOPS_ATTEST_NONCE_SIZE];
	uint64_t key_id, secver, flags;
	bool has_manifest;
	unsigned char manifest[BOOTOPS_DIGEST_SIZE];
	unsigned int nr;
	struct report_image image[BOOTOPS_MAX_LOAD_INFO];
};

/* A boot manifest file, as hyp/manifest.c parses it (its signature unchecked). */
struct manifest {
	uint64_t key_id, secver, flags;
	unsigned int nr;
	unsigned char hash[BOOTOPS_DIGEST_SIZE];	/* of the signed bytes */
	struct report_image image[BOOTOPS_MAX_LOAD_INFO];
};

/* The arguments of report and verify-report. */
struct report_args {
	const char *key, *manifest, *report;
	unsigned char nonce[BOOTOPS_ATTEST_NONCE_SIZE];
	struct image_args img;
};

/* The parts of a decoded COSE_Sign1: pointers into root's items. */
struct cose {
	cbor_item_t *root;
	const unsigned char *payload, *sig;
	size_t plen;
};

/*
 * verify-report's verdict on a report that is not the one expected: one
 * line saying what differs.  Returns the exit status.
 */
static int __attribute__((format(printf, 1, 2))) refuse(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("verify-report", fmt, ap);
	va_end(ap);
	return EXIT_BAD_SIG;
}

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Every byte a hex digit or whitespace: text, not binary. */
static bool is_hex_text(const unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (hex_digit(buf[i]) < 0 && !is_space(buf[i]))
			return false;
	return true;
}

/* Hex text to bytes in place, whitespace skipped; -1 for an odd number of digits. */
static long hex_decode(unsigned char *buf, size_t len)
{
	size_t i, out = 0;
	int hi = -1;

	for (i = 0; i < len; i++) {
		int d = hex_digit(buf[i]);

		if (d < 0)
			continue;
		if (hi < 0) {
			hi = d;
		} else {
			buf[out++] = hi << 4 | d;
			hi = -1;
		}
	}
	return hi < 0 ? (long)out : -1;
}

static void print_hex(const unsigned char *p, size_t len)
{
	while (len--)
		printf("%02x", *p++);
}

/* --nonce: exactly 128 hex digits, the 64 bytes the guest chose. */
static int parse_nonce(const char *cmd, const char *s,
		       unsigned char nonce[BOOTOPS_ATTEST_NONCE_SIZE])
{
	size_t i, n = strlen(s);

	if (n != NONCE_HEX) {
		err("%s: --nonce wants %d hex digits (%d bytes), not %zu characters", cmd,
		    NONCE_HEX, BOOTOPS_ATTEST_NONCE_SIZE, n);
		return -1;
	}
	for (i = 0; i < n; i += 2) {
		int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);

		if (hi < 0 || lo < 0) {
			err("%s: --nonce: '%c' is not a hex digit", cmd, s[hi < 0 ? i : i + 1]);
			return -1;
		}
		nonce[i / 2] = hi << 4 | lo;
	}
	return 0;
}

static int parse_report_args(const char *cmd, const char *out_name, int argc, char **argv,
			     struct report_args *a)
{
	bool nonce = false;
	int i, rc = 0;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc && !rc; i++) {
		const char *s = argv[i], *v;

		if (s[0] != '-') {
			if (a->report)
				return usage_error("%s: too many arguments", cmd);
			a->report = s;
			continue;
		}
		if (!is_opt(s, "--key") && !is_opt(s, "--nonce") && !is_opt(s, "--manifest") &&
		    !is_opt(s, "--image"))
			return usage_error("%s: unknown option %s", cmd, s);
		v = opt_value(argc, argv, &i);
		if (!v)
			return usage_error("%s: %.*s needs a value", cmd, (int)strcspn(s, "="), s);
		if (is_opt(s, "--key")) {
			a->key = v;
		} else if (is_opt(s, "--nonce")) {
			rc = parse_nonce(cmd, v, a->nonce);
			nonce = true;
		} else if (is_opt(s, "--manifest")) {
			a->manifest = v;
		} else {
			rc = parse_image(cmd, &a->img, v);
		}
	}
	if (rc)
		return EXIT_ERR;
	if (!a->key || !nonce || !a->report)
		return usage_error("%s: needs --key, --nonce and %s", cmd, out_name);
	if (!a->manifest && !a->img.nr)
		return usage_error("%s: needs --manifest or at least one --image", cmd);
	return 0;
}

/* A manifest file, checked as hyp checks one (but for its signature). */
static int read_manifest(const char *path, struct manifest *m)
{
	unsigned char buf[BOOTOPS_MANIFEST_SIZE(BOOTOPS_MAX_LOAD_INFO) + 1];
	const unsigned char *img = buf + BOOTOPS_MANIFEST_HDR_SIZE;
	unsigned int i;
	size_t n;

	if (read_into(path, buf, sizeof(buf), &n))
		return -1;
	if (n < BOOTOPS_MANIFEST_HDR_SIZE || memcmp(buf, BOOTOPS_MANIFEST_MAGIC, 8)) {
		err("%s: not a boot manifest (no %s header)", path, BOOTOPS_MANIFEST_MAGIC);
		return -1;
	}
	m->key_id = bootops_get_le(buf + BOOTOPS_MANIFEST_OFF_KEY_ID, 4);
	m->nr = bootops_get_le(buf + BOOTOPS_MANIFEST_OFF_NR, 4);
	m->secver = bootops_get_le(buf + BOOTOPS_MANIFEST_OFF_SECVER, 8);
	m->flags = bootops_get_le(buf + BOOTOPS_MANIFEST_OFF_FLAGS, 8);
	if (!m->nr || m->nr > BOOTOPS_MAX_LOAD_INFO) {
		err("%s: %u images: a manifest has 1 to %d", path, m->nr, BOOTOPS_MAX_LOAD_INFO);
		return -1;
	}
	if (n != BOOTOPS_MANIFEST_SIZE(m->nr)) {
		err("%s: %s%zu bytes: a manifest of %u images is %d", path,
		    n == sizeof(buf) ? "over " : "", n, m->nr, BOOTOPS_MANIFEST_SIZE(m->nr));
		return -1;
	}
	if (!m->key_id || (m->flags & ~BOOTOPS_MANIFEST_F_ALL)) {
		err("%s: key id %llu, flags 0x%llx: not a manifest hyp accepts", path,
		    (unsigned long long)m->key_id, (unsigned long long)m->flags);
		return -1;
	}
	for (i = BOOTOPS_MANIFEST_OFF_RESERVED; i < BOOTOPS_MANIFEST_HDR_SIZE; i++) {
		if (buf[i]) {
			err("%s: reserved byte %u is not zero", path, i);
			return -1;
		}
	}
	for (i = 0; i < m->nr; i++, img += BOOTOPS_MANIFEST_IMAGE_SIZE) {
		m->image[i].addr = bootops_get_le(img, 8);
		m->image[i].size = bootops_get_le(img + BOOTOPS_MANIFEST_IMG_OFF_SIZE, 8);
		memcpy(m->image[i].digest, img + BOOTOPS_MANIFEST_IMG_OFF_DIGEST,
		       BOOTOPS_DIGEST_SIZE);
	}
	return mbedtls_sha256_ret(buf, BOOTOPS_MANIFEST_SIGNED_SIZE(m->nr), m->hash, 0) ? -1 : 0;
}

/* Address, size and SHA-256 of each --image file. */
static int hash_images(const struct image_args *a, struct report_image *out)
{
	unsigned int i;

	for (i = 0; i < a->nr; i++) {
		out[i].addr = a->addr[i];
		if (image_digest(a->file[i], a->addr[i], out[i].digest, &out[i].size))
			return -1;
	}
	return 0;
}

/* ---- CBOR with libcbor ---- */

/* An unsigned integer in its shortest form: libcbor encodes the width it is given. */
static cbor_item_t *cb_uint(uint64_t v)
{
	if (v <= UINT8_MAX)
		return cbor_build_uint8(v);
	if (v <= UINT16_MAX)
		return cbor_build_uint16(v);
	if (v <= UINT32_MAX)
		return cbor_build_uint32(v);
	return cbor_build_uint64(v);
}

/* A claim key: major type 0, or 1 (-1 - n) for the negative ones. */
static cbor_item_t *cb_key(int64_t key)
{
	cbor_item_t *it = cb_uint(key < 0 ? (uint64_t)(-1 - key) : (uint64_t)key);

	if (it && key < 0)
		cbor_mark_negint(it);
	return it;
}

/* A definite byte string (libcbor copies the bytes). */
static cbor_item_t *cb_bytes(const unsigned char *p, size_t len)
{
	return len ? cbor_build_bytestring(p, len) : cbor_new_definite_bytestring();
}

/*
 * Add item (NULL: its build failed) to an array or map, dropping our
 * reference: libcbor takes its own.
 */
static bool cb_push(cbor_item_t *array, cbor_item_t *item)
{
	bool ok = item && cbor_array_push(array, item);

	if (item)
		cbor_decref(&item);
	return ok;
}

static bool cb_put(cbor_item_t *map, cbor_item_t *key, cbor_item_t *value)
{
	bool ok = key && value &&
		  cbor_map_add(map, (struct cbor_pair){ .key = key, .value = value });

	if (key)
		cbor_decref(&key);
	if (value)
		cbor_decref(&value);
	return ok;
}

/* Serializes item (NULL: its build failed) and frees it; the bytes are malloc'ed. */
static unsigned char *cb_encode(cbor_item_t *item, size_t *len)
{
	unsigned char *buf = NULL;
	size_t size;

	*len = item ? cbor_serialize_alloc(item, &buf, &size) : 0;
	if (item)
		cbor_decref(&item);
	if (!*len) {
		free(buf);
		err("out of memory encoding CBOR");
		return NULL;
	}
	return buf;
}

/* A definite byte string's bytes (never NULL, even when empty). */
static bool cb_bstr(const cbor_item_t *it, const unsigned char **p, size_t *len)
{
	if (!cbor_isa_bytestring(it) || !cbor_bytestring_is_definite(it))
		return false;
	*len = cbor_bytestring_length(it);
	*p = *len ? cbor_bytestring_handle(it) : (const unsigned char *)"";
	return true;
}

static bool cb_bstr_of(const cbor_item_t *it, const unsigned char **p, size_t len)
{
	size_t n;

	return cb_bstr(it, p, &n) && n == len;
}

static bool cb_text_is(const cbor_item_t *it, const char *s)
{
	size_t n = strlen(s);

	return cbor_isa_string(it) && cbor_string_is_definite(it) &&
	       cbor_string_length(it) == n && !memcmp(cbor_string_handle(it), s, n);
}

/* cbor_is_null() asserts (and aborts) on a float: a report must not make it. */
static bool cb_is_null(const cbor_item_t *it)
{
	return cbor_isa_float_ctrl(it) && cbor_float_get_width(it) == CBOR_FLOAT_0 &&
	       cbor_ctrl_value(it) == CBOR_CTRL_NULL;
}

static bool cb_u64(const cbor_item_t *it, uint64_t *v)
{
	if (!cbor_isa_uint(it))
		return false;
	*v = cbor_get_int(it);
	return true;
}

/*
 * cbor_load() of exactly one item.  libcbor 0.8 refuses tags 6 to 20 in
 * their one-byte form (0xc6-0xd4; PJK/libcbor#307, fixed in 0.11), tag
 * 18 among them: the head is widened to 0xd8 NN for it, and the caller's
 * re-encoding check still requires the one-byte form.
 */
static cbor_item_t *cb_load(const unsigned char *buf, size_t len, struct cbor_load_result *res)
{
	unsigned char *wide;
	cbor_item_t *it;

	if (!len || buf[0] < 0xc6 || buf[0] > 0xd4)
		return cbor_load(buf, len, res);
	wide = malloc(len + 1);
	if (!wide) {
		res->error.code = CBOR_ERR_MEMERROR;
		return NULL;
	}
	wide[0] = 0xd8;
	wide[1] = buf[0] - 0xc0;
	memcpy(wide + 2, buf + 1, len - 1);
	it = cbor_load(wide, len + 1, res);
	free(wide);
	if (res->read)
		res->read--;
	if (res->error.position)
		res->error.position--;
	return it;
}

/* Why cbor_load() failed, as a refusal (a report is small: no real lack of memory). */
static int load_refusal(const char *what, const struct cbor_load_result *res)
{
	if (res->error.code == CBOR_ERR_NOTENOUGHDATA || res->error.code == CBOR_ERR_NODATA)
		return refuse("%s is truncated (its CBOR ends early)", what);
	return refuse("%s is not well-formed CBOR (at byte %zu)", what, res->error.position);
}

/* The tagged item, borrowed: the tag keeps its own reference. */
static cbor_item_t *cb_tagged(cbor_item_t *tag)
{
	cbor_item_t *it = cbor_tag_item(tag);

	cbor_intermediate_decref(it);
	return it;
}

static cbor_item_t *image_item(const struct report_image *img)
{
	cbor_item_t *a = cbor_new_definite_array(3);

	if (a && cb_push(a, cb_uint(img->addr)) && cb_push(a, cb_uint(img->size)) &&
	    cb_push(a, cb_bytes(img->digest, BOOTOPS_DIGEST_SIZE)))
		return a;
	if (a)
		cbor_decref(&a);
	return NULL;
}

/* The claims map, keys in attest.h's order. */
static cbor_item_t *claims_item(const struct claims *c)
{
	cbor_item_t *map = cbor_new_definite_map(NR_CLAIMS);
	cbor_item_t *images = cbor_new_definite_array(c->nr);
	bool ok = map && images;
	unsigned int i;

	for (i = 0; ok && i < c->nr; i++)
		ok = cb_push(images, image_item(&c->image[i]));
	ok = ok && cb_put(map, cb_key(BOOTOPS_CLAIM_PROFILE),
			  cbor_build_string(BOOTOPS_ATTEST_PROFILE));
	ok = ok && cb_put(map, cb_key(BOOTOPS_CLAIM_NONCE), cb_bytes(c->nonce, sizeof(c->nonce)));
	ok = ok && cb_put(map, cb_key(BOOTOPS_CLAIM_KEY_ID), cb_uint(c->key_id));
	ok = ok && cb_put(map, cb_key(BOOTOPS_CLAIM_SECVER), cb_uint(c->secver));
	ok = ok && cb_put(map, cb_key(BOOTOPS_CLAIM_FLAGS), cb_uint(c->flags));
	ok = ok && cb_put(map, cb_key(BOOTOPS_CLAIM_MANIFEST), c->has_manifest ?
			  cb_bytes(c->manifest, sizeof(c->manifest)) : cbor_new_null());
	ok = ok && cb_put(map, cb_key(BOOTOPS_CLAIM_IMAGES), cbor_incref(images));
	ok = ok && cb_put(map, cb_key(BOOTOPS_CLAIM_HASH_ALG),
			  cbor_build_string(BOOTOPS_ATTEST_HASH_ALG));
	if (images)
		cbor_decref(&images);
	if (!ok && map)
		cbor_decref(&map);
	return ok ? map : NULL;
}

/* 18([h'A10126', {}, payload, signature]) */
static cbor_item_t *cose_item(const unsigned char *payload, size_t plen,
			      const unsigned char sig[BOOTOPS_SIG_SIZE])
{
	cbor_item_t *a = cbor_new_definite_array(4), *tag;

	if (!a || !cb_push(a, cb_bytes(cose_protected, sizeof(cose_protected))) ||
	    !cb_push(a, cbor_new_definite_map(0)) || !cb_push(a, cb_bytes(payload, plen)) ||
	    !cb_push(a, cb_bytes(sig, BOOTOPS_SIG_SIZE))) {
		if (a)
			cbor_decref(&a);
		return NULL;
	}
	tag = cbor_build_tag(BOOTOPS_COSE_SIGN1_TAG, a);
	cbor_decref(&a);
	return tag;
}

/* SHA-256 of the Sig_structure ["Signature1", h'A10126', h'', payload]. */
static int tbs_hash(const unsigned char *payload, size_t plen,
		    unsigned char hash[BOOTOPS_DIGEST_SIZE])
{
	cbor_item_t *a = cbor_new_definite_array(4);
	unsigned char *tbs;
	size_t len;
	int ret;

	/* On failure cbor_decref() frees a and sets it to NULL, which cb_encode() reports. */
	if (a && !(cb_push(a, cbor_build_string("Signature1")) &&
		   cb_push(a, cb_bytes(cose_protected, sizeof(cose_protected))) &&
		   cb_push(a, cb_bytes(NULL, 0)) && cb_push(a, cb_bytes(payload, plen))))
		cbor_decref(&a);
	tbs = cb_encode(a, &len);
	if (!tbs)
		return -1;
	ret = mbedtls_sha256_ret(tbs, len, hash, 0);
	free(tbs);
	return ret ? -1 : 0;
}

/* ---- report ---- */

/* What hyp would claim for the manifest and/or the images given. */
static int report_claims(const struct report_args *a, struct claims *c)
{
	struct report_image files[BOOTOPS_MAX_LOAD_INFO];
	struct manifest m;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	memcpy(c->nonce, a->nonce, sizeof(c->nonce));
	if (hash_images(&a->img, files))
		return -1;
	if (!a->manifest) {
		c->nr = a->img.nr;
		memcpy(c->image, files, sizeof(files));
		return 0;
	}
	if (read_manifest(a->manifest, &m))
		return -1;
	c->key_id = m.key_id;
	c->secver = m.secver;
	c->flags = m.flags;
	c->has_manifest = true;
	memcpy(c->manifest, m.hash, sizeof(m.hash));
	c->nr = m.nr;
	memcpy(c->image, m.image, sizeof(m.image));
	if (!a->img.nr)
		return 0;
	/* Digests of the files given, where the manifest declares them. */
	if (a->img.nr != m.nr) {
		err("report: %s has %u images, --image gives %u", a->manifest, m.nr, a->img.nr);
		return -1;
	}
	for (i = 0; i < m.nr; i++) {
		if (files[i].addr != m.image[i].addr || files[i].size != m.image[i].size) {
			err("report: image %u: %s at 0x%llx is %llu bytes, the manifest's at 0x%llx %llu",
			    i, a->img.file[i], (unsigned long long)files[i].addr,
			    (unsigned long long)files[i].size, (unsigned long long)m.image[i].addr,
			    (unsigned long long)m.image[i].size);
			return -1;
		}
		memcpy(c->image[i].digest, files[i].digest, BOOTOPS_DIGEST_SIZE);
	}
	return 0;
}

static int cmd_report(int argc, char **argv)
{
	unsigned char hash[BOOTOPS_DIGEST_SIZE], sig[BOOTOPS_SIG_SIZE];
	unsigned char *payload = NULL, *cose = NULL;
	struct report_args a;
	struct claims c;
	size_t plen, clen;
	int rc;

	rc = parse_report_args("report", "OUT", argc, argv, &a);
	if (rc)
		return rc;
	rc = EXIT_ERR;
	if (report_claims(&a, &c))
		goto out;
	payload = cb_encode(claims_item(&c), &plen);
	if (!payload || tbs_hash(payload, plen, hash) || sign_hash(a.key, hash, sig))
		goto out;
	cose = cb_encode(cose_item(payload, plen, sig), &clen);
	if (!cose)
		goto out;
	if (clen > BOOTOPS_ATTEST_MAX_SIZE) {
		err("report: %zu bytes, more than a guest's page", clen);
		goto out;
	}
	if (write_file(a.report, cose, clen, 0644, 0))
		goto out;
	rc = 0;
out:
	free(cose);
	free(payload);
	return rc;
}

/* ---- verify-report ---- */

/*
 * verify-report's KEY: a PEM/DER P-256 key, or the 130 hex digits of
 * 04 || X || Y (how the kernel shows hyp's attestation key), then at most
 * whitespace.
 */
static int load_attest_key(mbedtls_pk_context *pk, const char *path)
{
	unsigned char pt[BOOTOPS_ATTEST_PUB_SIZE];
	mbedtls_ecp_keypair *kp;
	unsigned char *buf;
	size_t len, digits;
	int ret;

	buf = read_small_file(path, &len);
	if (!buf)
		return -1;
	if (!is_hex_text(buf, len)) {
		free(buf);
		return load_public(pk, path);
	}
	for (digits = 0; hex_digit(buf[digits]) >= 0; digits++)
		;
	if (digits != 2 * BOOTOPS_ATTEST_PUB_SIZE || (buf[digits] && !is_space(buf[digits]))) {
		err("%s: not a key: a key in hex is %d hex digits (04 || X || Y) and a newline",
		    path, 2 * BOOTOPS_ATTEST_PUB_SIZE);
		free(buf);
		return -1;
	}
	buf[digits] = 0;
	hex_decode(buf, digits);
	memcpy(pt, buf, sizeof(pt));
	free(buf);
	ret = mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
	if (ret) {
		err("%s: %s", path, mbed_err(ret));
		return -1;
	}
	kp = mbedtls_pk_ec(*pk);
	ret = mbedtls_ecp_group_load(&kp->grp, MBEDTLS_ECP_DP_SECP256R1);
	if (!ret)
		ret = mbedtls_ecp_point_read_binary(&kp->grp, &kp->Q, pt, sizeof(pt));
	if (!ret)
		ret = mbedtls_ecp_check_pubkey(&kp->grp, &kp->Q);
	if (ret) {
		err("%s: not a P-256 point 04 || X || Y (%s)", path, mbed_err(ret));
		return -1;
	}
	return 0;
}

/*
 * REPORT: binary, or hex (as a guest prints it over a UART) when every
 * byte is a hex digit or whitespace; a COSE_Sign1 starts with 0xd2,
 * which is neither.
 */
static int read_report(const char *path, unsigned char **out, size_t *len)
{
	unsigned char *buf;
	size_t got;
	long n;

	buf = read_up_to(path, REPORT_FILE_MAX, &got);
	if (!buf)
		return EXIT_ERR;
	*out = buf;
	n = got;
	if (n > REPORT_FILE_MAX)
		return refuse("%s: larger than %d bytes: not a report", path, REPORT_FILE_MAX);
	if (is_hex_text(buf, n)) {
		n = hex_decode(buf, n);
		if (n < 0)
			return refuse("%s: an odd number of hex digits", path);
	}
	if (!n)
		return refuse("%s: empty: not a report", path);
	if (n > BOOTOPS_ATTEST_MAX_SIZE)
		return refuse("%s: %ld bytes: a report is at most %d", path, n,
			      BOOTOPS_ATTEST_MAX_SIZE);
	*len = n;
	return 0;
}

/* Re-encoding what was decoded must give the very bytes: the preferred encoding. */
static int check_encoding(const char *what, cbor_item_t *item, const unsigned char *buf,
			  size_t len)
{
	unsigned char *enc;
	size_t elen;
	bool same;

	enc = cb_encode(item, &elen);
	if (!enc)
		return EXIT_ERR;
	same = elen == len && !memcmp(enc, buf, len);
	free(enc);
	return same ? 0 : refuse("%s is not in the preferred CBOR encoding", what);
}

/* 18([h'A10126', {}, payload, bstr(64)]), and nothing after it. */
static int cose_decode(const unsigned char *buf, size_t len, struct cose *c)
{
	struct cbor_load_result res;
	const unsigned char *prot;
	cbor_item_t *a, **it;

	c->root = cb_load(buf, len, &res);
	if (!c->root)
		return load_refusal("report", &res);
	if (!cbor_isa_tag(c->root) || cbor_tag_value(c->root) != BOOTOPS_COSE_SIGN1_TAG)
		return refuse("not a COSE_Sign1 (tag %d)", BOOTOPS_COSE_SIGN1_TAG);
	if (res.read != len)
		return refuse("%zu bytes after the COSE_Sign1", len - res.read);
	a = cb_tagged(c->root);
	if (!cbor_isa_array(a) || !cbor_array_is_definite(a) || cbor_array_size(a) != 4)
		return refuse("COSE_Sign1 is not an array of 4 items");
	it = cbor_array_handle(a);
	if (!cb_bstr_of(it[0], &prot, sizeof(cose_protected)) ||
	    memcmp(prot, cose_protected, sizeof(cose_protected)))
		return refuse("protected header is not h'A10126' ({1: -7}, ES256)");
	if (!cbor_isa_map(it[1]) || !cbor_map_is_definite(it[1]) || cbor_map_size(it[1]))
		return refuse("unprotected header is not an empty map");
	if (!cb_bstr(it[2], &c->payload, &c->plen))
		return refuse("payload is not a byte string");
	if (!cb_bstr_of(it[3], &c->sig, BOOTOPS_SIG_SIZE))
		return refuse("signature is not a byte string of %d bytes", BOOTOPS_SIG_SIZE);
	return check_encoding("COSE_Sign1", cose_item(c->payload, c->plen, c->sig), buf, len);
}

/* ES256 over the Sig_structure, as hyp signs it. */
static int cose_verify(const struct cose *c, mbedtls_pk_context *pk, const char *key)
{
	unsigned char hash[BOOTOPS_DIGEST_SIZE];
	mbedtls_ecp_keypair *kp = mbedtls_pk_ec(*pk);
	mbedtls_mpi r, s;
	int ret;

	if (tbs_hash(c->payload, c->plen, hash))
		return EXIT_ERR;
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	ret = mbedtls_mpi_read_binary(&r, c->sig, BOOTOPS_SIG_SIZE / 2);
	if (!ret)
		ret = mbedtls_mpi_read_binary(&s, c->sig + BOOTOPS_SIG_SIZE / 2,
					      BOOTOPS_SIG_SIZE / 2);
	if (!ret)
		ret = mbedtls_ecdsa_verify(&kp->grp, hash, sizeof(hash), &kp->Q, &r, &s);
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&r);
	return ret ? refuse("signature does not verify with %s", key) : 0;
}

/* Index in claim_keys[] of the claim key names; -1 unknown, -2 not an integer. */
static int claim_index(const cbor_item_t *key, long long *k)
{
	uint64_t v;
	int i;

	if (!cbor_isa_uint(key) && !cbor_isa_negint(key))
		return -2;
	v = cbor_get_int(key);
	if (v > INT64_MAX)
		return -1;
	*k = cbor_isa_uint(key) ? (long long)v : -1 - (long long)v;
	for (i = 0; i < NR_CLAIMS; i++)
		if (claim_keys[i] == *k)
			return i;
	return -1;
}

/* The images claim: [+ [addr, size, bstr(32)]], at most as many as hyp loads. */
static int decode_images(const cbor_item_t *list, struct claims *c)
{
	cbor_item_t **img;
	unsigned int i;

	if (!cbor_isa_array(list) || !cbor_array_is_definite(list) || !cbor_array_size(list) ||
	    cbor_array_size(list) > BOOTOPS_MAX_LOAD_INFO)
		return refuse("images claim is not an array of 1 to %d images",
			      BOOTOPS_MAX_LOAD_INFO);
	c->nr = cbor_array_size(list);
	img = cbor_array_handle(list);
	for (i = 0; i < c->nr; i++) {
		const unsigned char *d;
		cbor_item_t **f;

		if (!cbor_isa_array(img[i]) || !cbor_array_is_definite(img[i]) ||
		    cbor_array_size(img[i]) != 3)
			goto bad;
		f = cbor_array_handle(img[i]);
		if (!cb_u64(f[0], &c->image[i].addr) || !cb_u64(f[1], &c->image[i].size) ||
		    !cb_bstr_of(f[2], &d, BOOTOPS_DIGEST_SIZE))
			goto bad;
		memcpy(c->image[i].digest, d, BOOTOPS_DIGEST_SIZE);
	}
	return 0;
bad:
	return refuse("image %u is not [address, size, 32-byte digest]", i);
}

/* The claims' values, each of the type attest.h gives. */
static int decode_claims(cbor_item_t *const val[NR_CLAIMS], struct claims *c)
{
	const unsigned char *p;

	if (!cb_text_is(val[0], BOOTOPS_ATTEST_PROFILE))
		return refuse("profile is not \"%s\"", BOOTOPS_ATTEST_PROFILE);
	if (!cb_bstr_of(val[1], &p, BOOTOPS_ATTEST_NONCE_SIZE))
		return refuse("nonce is not a byte string of %d bytes", BOOTOPS_ATTEST_NONCE_SIZE);
	memcpy(c->nonce, p, BOOTOPS_ATTEST_NONCE_SIZE);
	if (!cb_u64(val[2], &c->key_id) || !cb_u64(val[3], &c->secver) ||
	    !cb_u64(val[4], &c->flags))
		return refuse("key id, security version or flags is not an unsigned integer");
	c->has_manifest = !cb_is_null(val[5]);
	if (c->has_manifest) {
		if (!cb_bstr_of(val[5], &p, BOOTOPS_DIGEST_SIZE))
			return refuse("manifest claim is neither a 32-byte digest nor null");
		memcpy(c->manifest, p, BOOTOPS_DIGEST_SIZE);
	}
	if (!cb_text_is(val[7], BOOTOPS_ATTEST_HASH_ALG))
		return refuse("hash algorithm is not \"%s\"", BOOTOPS_ATTEST_HASH_ALG);
	return decode_images(val[6], c);
}

/* The payload: exactly the 8 claims, once each, in order, typed. */
static int payload_decode(const unsigned char *payload, size_t plen, struct claims *c)
{
	cbor_item_t *val[NR_CLAIMS] = { 0 };
	struct cbor_load_result res;
	struct cbor_pair *pair;
	cbor_item_t *map;
	long long key = 0;
	size_t i;
	int idx, last = -1, rc;

	memset(c, 0, sizeof(*c));
	map = cb_load(payload, plen, &res);
	if (!map)
		return load_refusal("payload", &res);
	rc = EXIT_BAD_SIG;
	if (res.read != plen) {
		refuse("payload: %zu bytes after the claims", plen - res.read);
		goto out;
	}
	if (!cbor_isa_map(map) || !cbor_map_is_definite(map)) {
		refuse("payload is not a map of claims");
		goto out;
	}
	pair = cbor_map_handle(map);
	for (i = 0; i < cbor_map_size(map); i++) {
		idx = claim_index(pair[i].key, &key);
		if (idx == -2) {
			refuse("payload: a claim key that is not an integer");
			goto out;
		}
		if (idx < 0) {
			refuse("payload: unknown claim %lld", key);
			goto out;
		}
		if (val[idx]) {
			refuse("payload: claim %lld (%s) twice", key, claim_names[idx]);
			goto out;
		}
		if (idx < last) {
			refuse("payload: claim %lld (%s) out of attest.h's order", key,
			       claim_names[idx]);
			goto out;
		}
		val[idx] = pair[i].value;
		last = idx;
	}
	for (idx = 0; idx < NR_CLAIMS; idx++) {
		if (!val[idx]) {
			refuse("payload: claim %lld (%s) missing", (long long)claim_keys[idx],
			       claim_names[idx]);
			goto out;
		}
	}
	rc = decode_claims(val, c);
	if (!rc)
		rc = check_encoding("payload", claims_item(c), payload, plen);
out:
	cbor_decref(&map);
	return rc;
}

/* The report's images against the manifest's (files NULL) or the --image files. */
static int compare_images(const struct claims *got, const struct report_image *want,
			  unsigned int nr, const char *const *files)
{
	unsigned int i;

	if (got->nr != nr)
		return refuse("the report has %u images, %s %u", got->nr,
			      files ? "--image gives" : "the manifest", nr);
	for (i = 0; i < nr; i++) {
		const struct report_image *g = &got->image[i], *w = &want[i];
		const char *whose = files ? files[i] : "the manifest";

		if (g->addr != w->addr)
			return refuse("image %u address 0x%llx differs from %s's (0x%llx)", i,
				      (unsigned long long)g->addr, whose,
				      (unsigned long long)w->addr);
		if (g->size != w->size)
			return refuse("image %u size %llu differs from %s's (%llu)", i,
				      (unsigned long long)g->size, whose,
				      (unsigned long long)w->size);
		if (memcmp(g->digest, w->digest, BOOTOPS_DIGEST_SIZE) && files)
			return refuse("image %u digest differs from SHA-256 of %s", i, whose);
		if (memcmp(g->digest, w->digest, BOOTOPS_DIGEST_SIZE))
			return refuse("image %u digest differs from the manifest's", i);
	}
	return 0;
}

/* The claims against --nonce, --manifest and --image. */
static int compare_claims(const struct report_args *a, const struct manifest *m,
			  const struct report_image *files, const struct claims *got)
{
	int rc;

	if (memcmp(got->nonce, a->nonce, sizeof(a->nonce)))
		return refuse("nonce differs");
	if (m) {
		if (!got->has_manifest)
			return refuse("manifest claim is null: the VM booted without a manifest");
		if (got->key_id != m->key_id)
			return refuse("key id %llu differs from the manifest's (%llu)",
				      (unsigned long long)got->key_id,
				      (unsigned long long)m->key_id);
		if (got->secver != m->secver)
			return refuse("security version %llu differs from the manifest's (%llu)",
				      (unsigned long long)got->secver,
				      (unsigned long long)m->secver);
		if (got->flags != m->flags)
			return refuse("flags 0x%llx differ from the manifest's (0x%llx)",
				      (unsigned long long)got->flags, (unsigned long long)m->flags);
		if (memcmp(got->manifest, m->hash, BOOTOPS_DIGEST_SIZE))
			return refuse("manifest digest differs from SHA-256 of %s", a->manifest);
		rc = compare_images(got, m->image, m->nr, NULL);
		if (rc)
			return rc;
	} else {
		if (got->has_manifest)
			return refuse("manifest claim is not null: the VM booted with a manifest (give --manifest)");
		if (got->key_id || got->secver || got->flags)
			return refuse("key id %llu, security version %llu, flags 0x%llx: all 0 without a manifest",
				      (unsigned long long)got->key_id,
				      (unsigned long long)got->secver,
				      (unsigned long long)got->flags);
	}
	return a->img.nr ? compare_images(got, files, a->img.nr, a->img.file) : 0;
}

static void print_summary(const struct claims *c)
{
	unsigned int i;

	printf("report: verified (key id %llu, security version %llu, flags 0x%llx)\n",
	       (unsigned long long)c->key_id, (unsigned long long)c->secver,
	       (unsigned long long)c->flags);
	if (c->has_manifest) {
		printf("manifest: sha256 ");
		print_hex(c->manifest, BOOTOPS_DIGEST_SIZE);
		printf("\n");
	} else {
		printf("manifest: none (images signed one by one)\n");
	}
	for (i = 0; i < c->nr; i++) {
		printf("image %u: 0x%llx + %llu sha256 ", i, (unsigned long long)c->image[i].addr,
		       (unsigned long long)c->image[i].size);
		print_hex(c->image[i].digest, BOOTOPS_DIGEST_SIZE);
		printf("\n");
	}
}

static int cmd_verify_report(int argc, char **argv)
{
	struct report_image files[BOOTOPS_MAX_LOAD_INFO];
	struct cose cose = { 0 };
	unsigned char *report = NULL;
	mbedtls_pk_context pk;
	struct report_args a;
	struct manifest m;
	struct claims got;
	size_t len = 0;
	int rc;

	rc = parse_report_args("verify-report", "REPORT", argc, argv, &a);
	if (rc)
		return rc;
	mbedtls_pk_init(&pk);
	rc = EXIT_ERR;
	/* What the report is compared with first: its errors are ours, not the report's. */
	if (load_attest_key(&pk, a.key) || (a.manifest && read_manifest(a.manifest, &m)) ||
	    hash_images(&a.img, files))
		goto out;
	rc = read_report(a.report, &report, &len);
	if (!rc)
		rc = cose_decode(report, len, &cose);
	if (!rc)
		rc = cose_verify(&cose, &pk, a.key);
	if (!rc)
		rc = payload_decode(cose.payload, cose.plen, &got);
	if (!rc)
		rc = compare_claims(&a, a.manifest ? &m : NULL, files, &got);
	if (!rc)
		print_summary(&got);
out:
	if (cose.root)
		cbor_decref(&cose.root);
	free(report);
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
	if (!strcmp(cmd, "report"))
		return cmd_report(argc - 2, argv + 2);
	if (!strcmp(cmd, "verify-report"))
		return cmd_verify_report(argc - 2, argv + 2);
	return usage_error("unknown command '%s'", cmd);
}
