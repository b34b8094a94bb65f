/* config-admin.c: the officials' API: its listener and its bearer tokens. */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "base/log.h"
#include "config/config.h"
#include "config/config-impl.h"

#define CONFIG_TOKENS_MAX	256	/* officials' tokens */
#define CONFIG_WARDS_MAX	64	/* wards of one token */

static int	config_load_tokens(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static void	config_tokens_free(void *);

static const struct config_word config_words_role[] = {
	{ "tracer", ROLE_TRACER },
	{ "admin", ROLE_ADMIN },
	{ NULL, 0 }
};

/*
 * An official's token as the file gives it, before its digest is decoded
 * into a struct admin_token.
 */
struct config_token_spec {
	char		*name;
	int		 role;
	char		*hex;		/* sha256, or the first line of sha256_file */
	unsigned char	 sha256[32];
	char		**wards;	/* ward or wards: the token's scope */
	size_t		 nwards;
	char		*ward;		/* ward = "...": made wards[0] */
};

/* The tokens as read, before their digests become struct admin_token. */
struct config_token_specs {
	struct config_token_spec	*v;
	size_t				 n;
};

#define TOK_OFF(f)	offsetof(struct config_token_spec, f)

static int	config_load_proxies(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static int	config_load_token_wards(struct config_ctx *,
		    const config_setting_t *, const config_setting_t *,
		    const char *, void *);
static void	config_token_wards_free(void *);
static void	config_proxies_free(void *);

/* admin = { ... } */
static const struct config_entry config_admin[] = {
	{ .name = "listen", .type = CT_STRING, .store = CS_STR,
	  .off = CFG_OFF(admin_listen), .min = 3, .max = 300,
	  .def_str = "127.0.0.1:8081", .check = config_check_listen,
	  .help = "address and port of the officials' API, never public" },
	{ .name = "max_body", .type = CT_INT, .store = CS_SIZE,
	  .off = CFG_OFF(admin_max_body), .min = 1024, .max = 16777216,
	  .def_num = 65536,
	  .help = "largest request body accepted, in bytes" },
	{ .name = "max_connections", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(admin_max_connections), .min = 1, .max = 100000,
	  .def_num = 64,
	  .help = "connections open at once at most; at the limit a new client "
	  "takes the place of the one idle or unfinished longest" },
	{ .name = "timeout", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(admin_timeout), .min = 1, .max = 3600, .def_num = 30,
	  .help = "seconds a client may take to send a whole request, and "
	  "an idle connection stays open" },
	{ .name = "tokens", .type = CT_LIST, .store = CS_LOAD,
	  .load = config_load_tokens, .free = config_tokens_free,
	  .help = "the officials' bearer tokens, by their SHA-256" },
	{ .name = "secure_cookies", .type = CT_BOOL, .store = CS_BOOL,
	  .off = CFG_OFF(admin_secure_cookies), .def_num = 0,
	  .help = "mark the dashboard's session cookie Secure: browsers reach "
	  "the listener through TLS" },
	{ .name = "proxies", .type = CT_STRINGS, .store = CS_LOAD,
	  .load = config_load_proxies, .free = config_proxies_free,
	  .help = "addresses or CIDR blocks of the proxies in front of the "
	  "listener; X-Forwarded-Proto: https from them makes the cookie Secure" },
	/* Officials' heavy reads off the event loop (officials/readers.c). */
	{ .name = "readers", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(admin_readers), .min = 1, .max = 64, .def_num = 2,
	  .help = "threads that run traces, reports and the dashboard, each "
	  "with its own read-only connection (read at start)" },
	{ .name = "query_timeout", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(admin_query_timeout), .min = 1, .max = 3600,
	  .def_num = 30,
	  .help = "seconds a trace, report or dashboard query may run; past "
	  "it, it is interrupted and answered 503" },
};

static const struct config_table config_admin_table = {
	config_admin, nitems(config_admin), NULL
};

/* tokens = ( { name = ...; role = ...; sha256 = ...; }, ... ) */
static const struct config_entry config_token_entry[] = {
	{ .name = "name", .type = CT_STRING, .store = CS_STR,
	  .off = TOK_OFF(name), .required = 1, .min = 1,
	  .max = CONFIG_NAME_MAX, .check = config_check_token_name,
	  .help = "who holds the token, written to every audit row: "
	  "[a-z0-9_.-]" },
	{ .name = "role", .type = CT_STRING, .store = CS_ENUM,
	  .off = TOK_OFF(role), .required = 1, .words = config_words_role,
	  .help = "tracer: personal data and reports; admin: also venues "
	  "and alerts" },
	{ .name = "sha256", .type = CT_STRING, .store = CS_STR,
	  .off = TOK_OFF(hex), .check = config_check_sha256,
	  .conflicts = "sha256_file",
	  .help = "SHA-256 of the token, 64 hex digits" },
	{ .name = "sha256_file", .type = CT_STRING, .store = CS_FILE,
	  .off = TOK_OFF(hex), .min = 1, .max = 4096,
	  .conflicts = "sha256",
	  .help = "file holding the SHA-256 of the token on its first line" },
	{ .name = "ward", .type = CT_STRING, .store = CS_STR,
	  .off = TOK_OFF(ward), .min = 1, .max = 120,
	  .check = config_check_utf8, .conflicts = "wards",
	  .help = "the one ward whose venues, reports and traces the token "
	  "sees; absent: the whole district" },
	{ .name = "wards", .type = CT_STRINGS, .store = CS_LOAD,
	  .load = config_load_token_wards, .free = config_token_wards_free,
	  .conflicts = "ward",
	  .help = "the wards the token sees, as ward" },
};

/* admin = { ... }: without the group there is no admin listener. */
int
config_load_admin(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct config			*cfg = target;
	const struct config_entry	*e;

	if (s == NULL) {
		e = config_entry_find(&config_admin_table, "max_body");
		cfg->admin_max_body = (size_t)e->def_num;
		return 0;
	}
	return config_group(ctx, s, parent, name, &config_admin_table, target);
}

void
config_admin_free(void *target)
{
	config_group_free(&config_admin_table, target);
}

/* Checks of one token: its digest is given once, and decoded here. */
static int
config_token_post(struct config_ctx *ctx, const config_setting_t *s,
    const char *path, void *target)
{
	struct config_token_spec	*spec = target;
	const config_setting_t		*m;
	char				 name[CONFIG_PATH_MAX], why[256];

	if (spec->hex == NULL) {
		config_join(name, sizeof name, path, "sha256");
		return config_fail(ctx, s, name, "required setting is missing "
		    "(the SHA-256 of the token, or sha256_file)");
	}
	/* sha256 itself was checked as it was read; a file's line was not. */
	if (config_sha256_decode(spec->hex, 1, spec->sha256, why,
	    sizeof why) != 0) {
		config_join(name, sizeof name, path, "sha256_file");
		m = config_setting_get_member(s, "sha256_file");
		return config_fail(ctx, m != NULL ? m : s, name, "%s: %s",
		    m != NULL ? config_setting_get_string(m) : "", why);
	}
	return 0;
}

/* Two officials share no token. */
static int
config_tokens_pair(struct config_ctx *ctx, const config_setting_t *list,
    const char *name, size_t i, const void *el, size_t j, const void *before)
{
	const struct config_token_spec	*t = el, *o = before;
	const config_setting_t		*e;

	if (memcmp(t->sha256, o->sha256, sizeof t->sha256) != 0)
		return 0;
	e = config_setting_get_elem(list, i);
	return config_fail_member(ctx, list, i, name,
	    config_setting_get_member(e, "sha256") != NULL ? "sha256" :
	    "sha256_file", "the digest of %s[%zu] (\"%s\"): every official "
	    "needs a token of their own", name, j, o->name);
}

static const struct config_list config_tokens_list = {
	.elem = { config_token_entry, nitems(config_token_entry),
	    config_token_post },
	.size = sizeof(struct config_token_spec),
	.off = offsetof(struct config_token_specs, v),
	.noff = offsetof(struct config_token_specs, n),
	.max = CONFIG_TOKENS_MAX, .many = "tokens",
	.shape = "{ name = ...; role = ...; sha256 = ...; }",
	.key_name = "name", .key = TOK_OFF(name),
	.pair = config_tokens_pair,
};

/* tokens = ( ... ): read as specs, kept as digests; the hex is wiped. */
static int
config_load_tokens(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct config			*cfg = target;
	struct config_token_specs	 specs = { NULL, 0 };
	struct config_token_spec	*spec;
	struct admin_token		*t;
	size_t				 i;
	int				 rc;

	rc = config_list(ctx, s, parent, name, &config_tokens_list, &specs);
	if (rc == 0 && specs.n > 0)
		cfg->tokens = xcalloc(specs.n, sizeof *cfg->tokens);
	for (i = 0; i < specs.n; i++) {
		spec = &specs.v[i];
		if (spec->hex != NULL)
			explicit_bzero(spec->hex, strlen(spec->hex));
		free(spec->hex);
		if (rc != 0) {
			free(spec->name);
			free(spec->ward);
			config_token_wards_free(spec);
			continue;
		}
		t = &cfg->tokens[cfg->ntokens++];
		t->name = spec->name;
		t->role = (enum admin_role)spec->role;
		memcpy(t->sha256, spec->sha256, sizeof t->sha256);
		if (spec->ward != NULL) {
			spec->wards = xcalloc(1, sizeof *spec->wards);
			spec->wards[spec->nwards++] = spec->ward;
			spec->ward = NULL;
		}
		t->wards = spec->wards;
		t->nwards = spec->nwards;
	}
	if (specs.v != NULL)
		explicit_bzero(specs.v, specs.n * sizeof *specs.v);
	free(specs.v);
	return rc;
}

static void
config_tokens_free(void *target)
{
	struct config	*cfg = target;
	size_t		 i, j;

	for (i = 0; i < cfg->ntokens; i++) {
		free(cfg->tokens[i].name);
		for (j = 0; j < cfg->tokens[i].nwards; j++)
			free(cfg->tokens[i].wards[j]);
		free(cfg->tokens[i].wards);
	}
	if (cfg->tokens != NULL)
		explicit_bzero(cfg->tokens, cfg->ntokens * sizeof *cfg->tokens);
	free(cfg->tokens);
	cfg->tokens = NULL;
	cfg->ntokens = 0;
}

/*
 * ward = "Hàng Bạc"; or wards = [ "Hàng Bạc", "Hàng Đào" ]: UTF-8, none
 * empty or twice. Compared with a venue's ward as written.
 */
static int
config_load_token_wards(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct config_token_spec	*spec = target;
	const config_setting_t		*el;
	const char			*p;
	char				 elname[CONFIG_PATH_MAX], why[128];
	int				 i, n;
	size_t				 j;

	if (s == NULL)
		return 0;
	n = config_setting_length(s);
	if (n > CONFIG_WARDS_MAX)
		return config_fail(ctx, s, name, "more than %d wards",
		    CONFIG_WARDS_MAX);
	if (n == 0)
		return config_fail(ctx, s, name, "no ward listed: leave the "
		    "setting out for the whole district");
	spec->wards = xcalloc(n, sizeof *spec->wards);
	for (i = 0; i < n; i++) {
		el = config_setting_get_elem(s, i);
		snprintf(elname, sizeof elname, "%s[%d]", name, i);
		p = config_setting_get_string(el);
		if (p == NULL || *p == '\0' || strlen(p) > 120 ||
		    config_check_utf8(p, why, sizeof why) != 0)
			return config_fail(ctx, config_setting_source_line(el) ?
			    el : s, elname, "a ward is 1 to 120 bytes of UTF-8");
		for (j = 0; j < spec->nwards; j++) {
			if (strcmp(spec->wards[j], p) == 0)
				return config_fail(ctx,
				    config_setting_source_line(el) ? el : s,
				    elname, "\"%s\" is listed twice", p);
		}
		spec->wards[spec->nwards++] = xstrdup(p);
	}
	return 0;
}

static void
config_token_wards_free(void *target)
{
	struct config_token_spec	*spec = target;
	size_t				 i;

	for (i = 0; i < spec->nwards; i++)
		free(spec->wards[i]);
	free(spec->wards);
	spec->wards = NULL;
	spec->nwards = 0;
}

/* proxies = [ "ADDR", "ADDR/PREFIX", ... ], as the inbound allow lists. */
static int
config_load_proxies(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct config	*cfg = target;

	return config_allow_load(ctx, s, name, &cfg->admin_proxies,
	    &cfg->admin_nproxies);
}

static void
config_proxies_free(void *target)
{
	struct config	*cfg = target;

	free(cfg->admin_proxies);
	cfg->admin_proxies = NULL;
	cfg->admin_nproxies = 0;
}

/* 1 if addr is one of admin.proxies (none listed: nobody is). */
int
config_admin_proxy(const struct config *cfg, int family, const void *addr)
{
	return cfg != NULL && cfg->admin_nproxies > 0 &&
	    config_allow_match(cfg->admin_proxies, cfg->admin_nproxies, family,
	    addr);
}

/*
 * 1 if two listen settings would bind the same port on an address they
 * share: the same address or host name, or either binding all addresses.
 */
static int
config_listen_clash(const char *a, const char *b)
{
	unsigned char	 aa[16], ba[16];
	char		 ah[256], bh[256];
	uint16_t	 ap, bp;
	int		 af, bf;

	if (a == NULL || b == NULL ||
	    (af = config_listen_addr(a, aa, &ap)) == -1 ||
	    (bf = config_listen_addr(b, ba, &bp)) == -1 || ap != bp)
		return 0;
	if (config_addr_any(af, aa) || config_addr_any(bf, ba))
		return 1;
	if (af != 0 && af == bf)
		return memcmp(aa, ba, af == AF_INET ? 4 : 16) == 0;
	if (af == 0 && bf == 0) {
		config_listen_split(a, ah, sizeof ah, &ap);
		config_listen_split(b, bh, sizeof bh, &bp);
		return strcasecmp(ah, bh) == 0;
	}
	return 0;
}

/* The officials' API needs a listener of its own. */
int
config_admin_post(struct config_ctx *ctx, const config_setting_t *root,
    struct config *cfg)
{
	const config_setting_t	*m;

	if (!config_listen_clash(cfg->admin_listen, cfg->http_listen))
		return 0;
	m = config_setting_get_member(root, "admin");
	if (m != NULL && config_setting_get_member(m, "listen") != NULL)
		m = config_setting_get_member(m, "listen");
	return config_fail(ctx, m, "admin.listen", "\"%s\" takes the port of "
	    "http.listen \"%s\": the officials' API needs a listener of its "
	    "own", cfg->admin_listen, cfg->http_listen);
}

/*
 * Where the officials' API may listen without a warning: loopback, private
 * (RFC 1918, RFC 4193) and link-local addresses, which the internet does
 * not reach.
 */
static const struct allow_net config_private_nets[] = {
	{ AF_INET, { 127 }, 8 },
	{ AF_INET, { 10 }, 8 },
	{ AF_INET, { 172, 16 }, 12 },
	{ AF_INET, { 192, 168 }, 16 },
	{ AF_INET, { 169, 254 }, 16 },
	{ AF_INET6, { [15] = 1 }, 128 },
	{ AF_INET6, { 0xfc }, 7 },
	{ AF_INET6, { 0xfe, 0x80 }, 10 },
};

/* Warn when the admin listener may face the internet (DESIGN: never). */
void
config_admin_warn(const struct config *cfg)
{
	static const unsigned char	 v4mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	unsigned char			 addr[16];
	const unsigned char		*a = addr;
	const char			*why;
	uint16_t			 port;
	int				 family;
	size_t				 i;

	if (cfg->admin_listen == NULL)
		return;
	family = config_listen_addr(cfg->admin_listen, addr, &port);
	if (family == AF_INET6 && memcmp(addr, v4mapped, sizeof v4mapped) == 0) {
		family = AF_INET;
		a += sizeof v4mapped;
	}
	for (i = 0; i < nitems(config_private_nets); i++) {
		if (config_private_nets[i].family == family &&
		    config_prefix_match(config_private_nets[i].addr, a,
		    config_private_nets[i].prefix))
			return;
	}
	if (family == 0)
		why = "a host name, maybe public";
	else if (config_addr_any(family, a))
		why = "every address, public ones too";
	else
		why = "a public address";
	log_warnx("config: file=%s admin.listen=%s (%s: the officials' API "
	    "should be reached only through a VPN or a proxy)", cfg->file,
	    cfg->admin_listen, why);
}

const struct admin_token *
config_token(const struct config *cfg, const char *bearer)
{
	const struct admin_token	*found = NULL;
	unsigned char			 md[EVP_MAX_MD_SIZE];
	unsigned int			 mdlen = 0;
	size_t				 i;

	if (cfg == NULL || bearer == NULL || *bearer == '\0')
		return NULL;
	if (EVP_Digest(bearer, strlen(bearer), md, &mdlen, EVP_sha256(),
	    NULL) != 1 || mdlen != sizeof found->sha256) {
		log_warnx("config: SHA-256 failed, token refused");
		return NULL;
	}
	/*
	 * Every token is compared, each in constant time, and none ends the
	 * loop: how long this takes tells nothing of the digests. Digests
	 * are unique, so at most one matches.
	 */
	for (i = 0; i < cfg->ntokens; i++) {
		if (CRYPTO_memcmp(md, cfg->tokens[i].sha256,
		    sizeof cfg->tokens[i].sha256) == 0)
			found = &cfg->tokens[i];
	}
	explicit_bzero(md, sizeof md);
	return found;
}
