/*
 * cmd-token.c: checkinctl token, a new bearer token for the admin API, and
 * checkinctl sessions, the browsers signed in with the tokens.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include "base/base.h"
#include "base/tz.h"
#include "store/store.h"
#include "ctl/ctl-cmd.h"

#define CMD_TOKEN_BYTES		32	/* random bytes of an admin token */
#define CMD_TOKEN_NAME_MAX	63

/* The roles an admin token can have, as admin.tokens names them. */
static const char *const cmd_token_roles[] = { "tracer", "admin" };

/*
 * base64url without padding (RFC 4648 section 5): 4 characters for every 3
 * bytes, 2 or 3 for a last 1 or 2. out holds (len * 4 + 2) / 3 + 1 bytes.
 */
static void
cmd_token_base64url(const unsigned char *in, size_t len, char *out)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "abcdefghijklmnopqrstuvwxyz0123456789-_";
	uint32_t		 v;
	size_t			 i, rest, k;

	for (i = 0; i < len; i += 3) {
		rest = len - i < 3 ? len - i : 3;
		v = (uint32_t)in[i] << 16;
		if (rest > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (rest > 2)
			v |= in[i + 2];
		for (k = 0; k <= rest; k++)
			*out++ = b64[(v >> (18 - 6 * k)) & 0x3f];
	}
	*out = '\0';
}

/* A token name the configuration accepts: [a-z0-9_.-], at most 63 bytes. */
static int
cmd_token_name_ok(const char *name)
{
	const char	*p;

	if (*name == '\0' || strlen(name) > CMD_TOKEN_NAME_MAX)
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '-' && *p != '_' && *p != '.')
			return 0;
	}
	return 1;
}

/*
 * token: a new admin API token, printed once, and the admin.tokens entry
 * that holds only its SHA-256. Touches no database.
 */
int
cmd_token(struct ctl *ctl, const struct ctl_cmd *cmd, int argc, char **argv)
{
	unsigned char	 raw[CMD_TOKEN_BYTES], md[SHA256_DIGEST_LENGTH];
	char		 token[(CMD_TOKEN_BYTES * 4 + 2) / 3 + 1];
	char		 hex[SHA256_DIGEST_LENGTH * 2 + 1];
	const char	*name, *role = NULL;
	size_t		 i;

	ctl_no_options(cmd, argc, argv);
	if (argc - optind != 2)
		ctl_cmd_usage(cmd);
	name = argv[optind];
	for (i = 0; i < nitems(cmd_token_roles); i++) {
		if (strcmp(argv[optind + 1], cmd_token_roles[i]) == 0)
			role = cmd_token_roles[i];
	}
	if (role == NULL) {
		fprintf(stderr, "checkinctl: unknown role: %s (tracer or "
		    "admin)\n", argv[optind + 1]);
		ctl_cmd_usage(cmd);
	}
	if (!cmd_token_name_ok(name)) {
		fprintf(stderr, "checkinctl: token name may have only letters, "
		    "digits, '-', '_' and '.', 1 to %d of them\n",
		    CMD_TOKEN_NAME_MAX);
		return 1;
	}

	arc4random_buf(raw, sizeof raw);
	cmd_token_base64url(raw, sizeof raw, token);
	SHA256((const unsigned char *)token, strlen(token), md);
	for (i = 0; i < sizeof md; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	printf("%s\n{ name = \"%s\"; role = \"%s\"; sha256 = \"%s\"; }\n",
	    token, name, role, hex);
	fprintf(stderr, "checkinctl: the token is shown once and stored "
	    "nowhere: give it to %s now and add the second line to "
	    "admin.tokens\n", name);
	explicit_bzero(raw, sizeof raw);
	explicit_bzero(token, sizeof token);
	return 0;
}

static int
cmd_sessions_cb(const struct admin_session *se, void *arg)
{
	char	created[64], used[64], expires[64];

	tz_format_iso(se->created_at, created, sizeof created);
	tz_format_iso(se->used_at, used, sizeof used);
	tz_format_iso(se->expires_at, expires, sizeof expires);
	ctl_put(stdout, se->token_name);
	printf("\t%s\t%s\t%s\n", created, used, expires);
	return 0;
}

/*
 * sessions: the browsers signed in to the admin listener, by token name:
 * when each signed in, was last used (to the minute) and expires. Never a
 * session's id nor a token.
 */
int
cmd_sessions(struct ctl *ctl, const struct ctl_cmd *cmd, int argc, char **argv)
{
	struct store	*st;

	ctl_no_options(cmd, argc, argv);
	ctl_no_args(cmd, argc, argv);
	if ((st = ctl_store(ctl)) == NULL)
		return 1;
	printf("token\tcreated\tlast_used\texpires\n");
	if (store_admin_session_list(st, time(NULL), cmd_sessions_cb, NULL) == -1) {
		fprintf(stderr, "checkinctl: sessions: cannot read the sessions\n");
		return 1;
	}
	return 0;
}
