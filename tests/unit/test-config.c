/* test-config.c: loading, defaults and every way a configuration is refused. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec/msg.h"
#include "config/config.h"
#include "chan/fmt.h"
#include "chan/route-drivers.h"
#include "unit.h"

#define ERRLEN	1024

static char	tmpdir[] = "/tmp/test-config.XXXXXX";
static char	cfgpath[512];

/* A route every small configuration below starts from. */
#define HEAD \
	"database = \"x.db\";\n"
#define ROUTE \
	"inbound = ( { name = \"t\"; format = \"json\"; path = \"/sms/json\"; } );\n"
/* An inbound route whose replies go out through the outbox. */
#define OUTBOX_ROUTE \
	"inbound = ( { name = \"t\"; format = \"json\"; path = \"/sms/json\";\n" \
	"  reply = \"outbox\"; } );\n"
/* SHA-256 of "abc" (FIPS 180-2 B.1) and of two officials' tokens. */
#define SHA_ABC \
	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_WARD \
	"d2159f6dbf64fab652528307573c6b3b89eaf99bc411b3f7f05b8ec2d0db0cc7"
#define SHA_TRAN \
	"858e8b6ed8eec364d3ed2f62b358f7b9a15daaba6657f965d211c97f15f92f7d"
/* An admin group around the tokens a case adds, from line 5. */
#define ADMIN_START \
	"admin = {\n tokens = (\n"
#define ADMIN_END \
	" );\n};\n"
/* The smallest outbound route. */
#define DRY \
	"routes = ( { name = \"dry\"; driver = \"null\"; } );\n"
/* A kannel route, complete but for the setting a case adds. */
#define KANNEL_START \
	"routes = (\n { name = \"k\"; driver = \"kannel\";\n" \
	"   url = \"http://127.0.0.1:13013/cgi-bin/sendsms\";\n" \
	"   username = \"gw\"; password = \"pw\";\n"

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(cfgpath, sizeof cfgpath, "%s/checkind.conf", tmpdir);
}

static void
teardown(void)
{
	char	cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(tmpdir, "/tmp/test-config.XXXXXX");
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f;

	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

static struct config *
load_text(const char *text, char *err)
{
	write_file(cfgpath, text);
	return config_load(cfgpath, route_drivers, fmt_formats, err, ERRLEN);
}

/* A copy of the file at path with every from replaced by to, in buf. */
static void
replace_file(const char *path, char *buf, size_t len, const char *const *pairs)
{
	FILE	*f;
	char	*text, *p, *out = buf;
	size_t	 n, i, fl;

	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	text = calloc(1, len);
	ck_assert_ptr_nonnull(text);
	n = fread(text, 1, len - 1, f);
	ck_assert_int_eq(ferror(f), 0);
	fclose(f);
	text[n] = '\0';
	for (p = text; *p != '\0';) {
		for (i = 0; pairs[i] != NULL; i += 2) {
			fl = strlen(pairs[i]);
			if (strncmp(p, pairs[i], fl) == 0)
				break;
		}
		ck_assert_uint_lt((size_t)(out - buf) + 64, len);
		if (pairs[i] != NULL) {
			out = stpcpy(out, pairs[i + 1]);
			p += fl;
		} else
			*out++ = *p++;
	}
	*out = '\0';
	free(text);
}

/* The line of the file at path that first holds needle. */
static int
line_of(const char *path, const char *needle)
{
	FILE	*f;
	char	 line[4096];
	int	 n = 0;

	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	while (fgets(line, sizeof line, f) != NULL) {
		n++;
		if (strstr(line, needle) != NULL) {
			fclose(f);
			return n;
		}
	}
	fclose(f);
	ck_abort_msg("%s not in %s", needle, path);
	return -1;
}

START_TEST(test_shipped)
{
	static const char *const real[] = {
		"change-me-too", "twilio-auth-token-of-our-own",
		"change-me", "kannel-secret-of-our-own",
		NULL
	};
	static char		 copy[65536];
	char			 want[256];
	const struct inbound_route	*r;
	const struct question_set	*qs;
	struct config			*cfg;
	char				 path[1024], err[ERRLEN];
	const char			*srcdir;
	unsigned char			 a[16];

	srcdir = getenv("CHECKIND_SRCDIR");
	if (srcdir != NULL)
		snprintf(path, sizeof path, "%s/conf/checkind.conf", srcdir);
	else
		snprintf(path, sizeof path, "../conf/checkind.conf");
	/* As shipped, the placeholders stop the daemon: the operator sets secrets. */
	cfg = config_load(path, route_drivers, fmt_formats, err, sizeof err);
	ck_assert_ptr_null(cfg);
	snprintf(want, sizeof want, "checkind.conf:%d: inbound[1].secret: "
	    "\"change-me\" is the placeholder of the shipped example",
	    line_of(path, "secret = \"change-me\""));
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	replace_file(path, copy, sizeof copy, real);
	write_file(cfgpath, copy);
	cfg = config_load(cfgpath, route_drivers, fmt_formats, err, sizeof err);
	ck_assert_msg(cfg != NULL, "%s with secrets does not load: %s", path, err);

	ck_assert_str_eq(cfg->database, "var/checkind.db");
	ck_assert_str_eq(cfg->http_listen, "127.0.0.1:8080");
	ck_assert_uint_eq(cfg->http_max_body, 16384);
	ck_assert_str_eq(cfg->timezone, "Asia/Ho_Chi_Minh");
	ck_assert_int_eq(cfg->language, LANG_VI);
	ck_assert_uint_eq(cfg->ninbound, 4);

	r = config_inbound_by_path(cfg, "/sms/json");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->name, "test");
	ck_assert_str_eq(r->format, "json");
	ck_assert_str_eq(r->type, "sms");
	ck_assert_str_eq(r->reply, "inline");
	ck_assert_ptr_null(r->secret);
	ck_assert_uint_eq(r->nallow, 0);

	r = config_inbound_by_path(cfg, "/sms/kannel");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->name, "kannel");
	ck_assert_str_eq(r->secret, "kannel-secret-of-our-own");
	ck_assert_uint_eq(r->nallow, 2);
	inet_pton(AF_INET, "127.0.0.1", a);
	ck_assert_int_eq(config_allowed(r, AF_INET, a), 1);
	inet_pton(AF_INET, "127.0.0.2", a);
	ck_assert_int_eq(config_allowed(r, AF_INET, a), 0);
	inet_pton(AF_INET6, "::1", a);
	ck_assert_int_eq(config_allowed(r, AF_INET6, a), 1);

	r = config_inbound_by_path(cfg, "/sms/twilio");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->format, "twilio");
	ck_assert_str_eq(r->auth_token, "twilio-auth-token-of-our-own");
	ck_assert_ptr_null(config_inbound_by_path(cfg, "/sms/other"));
	ck_assert_ptr_null(config_inbound_by_path(cfg, "/sms/json/"));

	r = config_inbound_by_path(cfg, "/ussd/at");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->name, "ussd");
	ck_assert_str_eq(r->type, "ussd");
	ck_assert_str_eq(r->format, "africastalking");
	ck_assert_str_eq(r->reply, "inline");
	ck_assert_ptr_null(r->route);

	/* The admin listener, without tokens: every /api call is refused. */
	ck_assert_str_eq(cfg->admin_listen, "127.0.0.1:8081");
	ck_assert_uint_eq(cfg->admin_max_body, 65536);
	ck_assert_uint_eq(cfg->ntokens, 0);
	ck_assert_ptr_null(config_token(cfg, "change-me"));
	ck_assert_int_eq(cfg->purge_interval, 3600);
	ck_assert_int_eq(cfg->ussd_resume, 300);
	ck_assert_int_eq(cfg->ussd_confirm_sms, 0);	/* off: it ships without an outbound route */

	qs = config_questions(cfg, "default");
	ck_assert_str_eq(qs->kind, "default");
	ck_assert_uint_eq(qs->nquestions, 2);
	ck_assert_str_eq(qs->questions[0].id, "symptoms");
	ck_assert_int_eq(qs->questions[0].flag_on, FLAG_ON_YES);
	qs = config_questions(cfg, "checkpoint");
	ck_assert_str_eq(qs->kind, "checkpoint");
	ck_assert_uint_eq(qs->nquestions, 3);
	ck_assert_int_eq(qs->questions[2].type, QUESTION_TEXT);
	ck_assert_int_eq(qs->questions[2].flag_on, FLAG_NONE);
	ck_assert_str_eq(config_questions(cfg, "market")->kind, "default");
	ck_assert_str_eq(config_questions(cfg, NULL)->kind, "default");

	/* The shipped file works without an aggregator: no outbound routes. */
	ck_assert_uint_eq(cfg->nroutes, 0);
	ck_assert_ptr_null(config_route_for(cfg, "+84912345678"));
	ck_assert_int_eq(cfg->outbox_max_attempts, 8);
	ck_assert_ptr_null(cfg->outbox_default_route);
	config_free(cfg);
}
END_TEST

START_TEST(test_minimal_defaults)
{
	const struct question_set	*qs, *b;
	struct config			*cfg;
	char				 err[ERRLEN];
	size_t				 i;
	int				 l, m;

	cfg = load_text(HEAD "http = { listen = \"127.0.0.1:9999\"; };\n"
	    ROUTE, err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(cfg->file, cfgpath);
	ck_assert_str_eq(cfg->database, "x.db");
	ck_assert_str_eq(cfg->timezone, "Asia/Ho_Chi_Minh");
	ck_assert_str_eq(cfg->country_code, "84");
	ck_assert_int_eq(cfg->language, LANG_VI);
	ck_assert_str_eq(cfg->short_number, "8088");
	ck_assert_str_eq(cfg->hotline, "1900 9095");
	ck_assert_int_eq(cfg->retention_days, 28);
	ck_assert_int_eq(cfg->code_digits, 6);
	ck_assert_int_eq(cfg->duplicate_window, 600);
	ck_assert_int_eq(cfg->declaration_valid, 86400);
	ck_assert_int_eq(cfg->session_timeout, 1800);
	ck_assert_int_eq(cfg->default_stay, 3600);
	ck_assert_int_eq(cfg->help_interval, 600);
	ck_assert_int_eq(cfg->max_clock_skew, 300);
	ck_assert_int_eq(cfg->max_delay, 259200);
	ck_assert_int_eq(cfg->texts.fold_diacritics, 0);
	ck_assert_str_eq(cfg->http_listen, "127.0.0.1:9999");
	ck_assert_uint_eq(cfg->http_max_body, 16384);
	ck_assert_uint_eq(cfg->ninbound, 1);
	ck_assert_str_eq(cfg->inbound[0].name, "t");
	ck_assert_str_eq(cfg->inbound[0].type, "sms");
	ck_assert_str_eq(cfg->inbound[0].reply, "inline");
	ck_assert_ptr_null(cfg->inbound[0].secret);
	ck_assert_ptr_null(cfg->inbound[0].auth_token);
	ck_assert_ptr_null(cfg->inbound[0].url);
	ck_assert_ptr_null(cfg->inbound[0].route);
	ck_assert_uint_eq(cfg->inbound[0].nallow, 0);
	ck_assert_ptr_null(cfg->routes);
	ck_assert_uint_eq(cfg->nroutes, 0);
	ck_assert_int_eq(cfg->outbox_max_attempts, 8);
	ck_assert_int_eq(cfg->outbox_max_age, 86400);
	ck_assert_ptr_null(cfg->outbox_default_route);
	ck_assert_double_eq(cfg->outbox_retry_base, 10.0);
	ck_assert_int_eq(cfg->outbox_retry_max, 3600);
	ck_assert_ptr_null(config_route(cfg, "t"));
	/* No admin group: no admin listener, no tokens. */
	ck_assert_ptr_null(cfg->admin_listen);
	ck_assert_uint_eq(cfg->admin_max_body, 65536);
	ck_assert_ptr_null(cfg->tokens);
	ck_assert_uint_eq(cfg->ntokens, 0);
	ck_assert_ptr_null(config_token(cfg, "abc"));
	ck_assert_int_eq(cfg->purge_interval, 3600);
	ck_assert_int_eq(cfg->ussd_resume, 300);
	ck_assert_int_eq(cfg->ussd_confirm_sms, 1);
	ck_assert_ptr_null(config_route_for(cfg, "+84912345678"));
	for (l = 0; l < LANG_COUNT; l++) {
		for (m = 0; m < MSG_COUNT; m++)
			ck_assert_ptr_null(cfg->texts.tmpl[l][m]);
	}

	/* No questions configured: the built-in sets, copied. */
	ck_assert_uint_eq(cfg->nqsets, 2);
	qs = config_questions(cfg, "default");
	b = config_builtin_questions("default");
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(qs, b);
	ck_assert_uint_eq(qs->nquestions, b->nquestions);
	ck_assert_uint_ge(qs->nquestions, 2);
	for (i = 0; i < qs->nquestions; i++) {
		ck_assert_str_eq(qs->questions[i].id, b->questions[i].id);
		ck_assert_str_eq(qs->questions[i].text[LANG_VI],
		    b->questions[i].text[LANG_VI]);
		ck_assert_str_eq(qs->questions[i].text[LANG_EN],
		    b->questions[i].text[LANG_EN]);
		ck_assert_int_eq(qs->questions[i].type, QUESTION_YESNO);
		ck_assert_int_eq(qs->questions[i].flag_on, FLAG_ON_YES);
	}
	qs = config_questions(cfg, "checkpoint");
	ck_assert_str_eq(qs->kind, "checkpoint");
	ck_assert_uint_eq(qs->nquestions, b->nquestions + 1);
	ck_assert_int_eq(qs->questions[qs->nquestions - 1].type, QUESTION_TEXT);
	ck_assert_str_eq(config_questions(cfg, "cafe")->kind, "default");
	ck_assert_ptr_null(config_builtin_questions("cafe"));
	config_free(cfg);

	/* Not even http: its defaults too. */
	cfg = load_text(HEAD ROUTE, err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(cfg->http_listen, "127.0.0.1:8080");
	ck_assert_uint_eq(cfg->http_max_body, 16384);
	config_free(cfg);

	config_free(NULL);
	ck_assert_str_eq(config_questions(NULL, "x")->kind, "default");
}
END_TEST

START_TEST(test_every_setting)
{
	struct config	*cfg;
	char		 err[ERRLEN];

	cfg = load_text(
	    "database = \"/var/lib/checkind/c.db\";\n"
	    "timezone = \"UTC\";\n"
	    "country_code = \"1\";\n"
	    "language = \"en\";\n"
	    "short_number = \"+15550100\";\n"
	    "hotline = \"+1 555-0199\";\n"
	    "retention_days = 3650;\n"
	    "code_digits = 4;\n"
	    "duplicate_window = 0;\n"
	    "declaration_valid = 3600;\n"
	    "session_timeout = 60;\n"
	    "default_stay = 7200;\n"
	    "help_interval = 0;\n"
	    "max_clock_skew = 10;\n"
	    "max_delay = 20;\n"
	    "fold_diacritics = true;\n"
	    "http = { listen = \"[::1]:8443\"; max_body = 1048576; };\n"
	    "inbound = ( { name = \"tw-1\"; type = \"sms\"; format = \"twilio\";\n"
	    "  path = \"/tw\"; reply = \"inline\"; auth_token = \"tok\";\n"
	    "  url = \"https://sms.example.org/tw\";\n"
	    "  allow = ( \"192.0.2.0/24\", \"2001:db8::/32\" ); } );\n"
	    "templates = { en = { confirm = \"In at {venue} {time}\"; "
	    "help = \"Text {short_number}\"; };\n"
	    "  vi = { stop = \"Đã ngừng.\"; }; };\n"
	    "questions = ( { kind = \"market\"; ask = ( { id = \"q1\"; "
	    "vi = \"Co sot?\"; flag_on = \"no\"; } ); } );\n", err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(cfg->timezone, "UTC");
	ck_assert_str_eq(cfg->country_code, "1");
	ck_assert_int_eq(cfg->language, LANG_EN);
	ck_assert_str_eq(cfg->short_number, "+15550100");
	ck_assert_str_eq(cfg->hotline, "+1 555-0199");
	ck_assert_int_eq(cfg->retention_days, 3650);
	ck_assert_int_eq(cfg->code_digits, 4);
	ck_assert_int_eq(cfg->duplicate_window, 0);
	ck_assert_int_eq(cfg->declaration_valid, 3600);
	ck_assert_int_eq(cfg->session_timeout, 60);
	ck_assert_int_eq(cfg->default_stay, 7200);
	ck_assert_int_eq(cfg->help_interval, 0);
	ck_assert_int_eq(cfg->max_clock_skew, 10);
	ck_assert_int_eq(cfg->max_delay, 20);
	ck_assert_int_eq(cfg->texts.fold_diacritics, 1);
	ck_assert_str_eq(cfg->http_listen, "[::1]:8443");
	ck_assert_uint_eq(cfg->http_max_body, 1048576);
	ck_assert_str_eq(cfg->inbound[0].name, "tw-1");
	ck_assert_str_eq(cfg->inbound[0].url, "https://sms.example.org/tw");
	ck_assert_uint_eq(cfg->inbound[0].nallow, 2);
	ck_assert_int_eq(cfg->inbound[0].allow[1].family, AF_INET6);
	ck_assert_int_eq(cfg->inbound[0].allow[1].prefix, 32);
	ck_assert_str_eq(cfg->texts.tmpl[LANG_EN][MSG_CHECKED_IN],
	    "In at {venue} {time}");
	ck_assert_str_eq(cfg->texts.tmpl[LANG_EN][MSG_HELP], "Text {short_number}");
	ck_assert_str_eq(cfg->texts.tmpl[LANG_VI][MSG_STOP], "Đã ngừng.");
	ck_assert_ptr_null(cfg->texts.tmpl[LANG_VI][MSG_CHECKED_IN]);
	ck_assert_ptr_null(cfg->texts.tmpl[LANG_EN][MSG_STOP]);

	/* "market" given; "default" added from the built-ins; no checkpoint. */
	ck_assert_uint_eq(cfg->nqsets, 2);
	ck_assert_str_eq(config_questions(cfg, "market")->questions[0].id, "q1");
	ck_assert_str_eq(config_questions(cfg, "market")->questions[0].text[LANG_EN],
	    "Co sot?");
	ck_assert_int_eq(config_questions(cfg, "market")->questions[0].flag_on,
	    FLAG_ON_NO);
	ck_assert_str_eq(config_questions(cfg, "checkpoint")->kind, "default");
	config_free(cfg);
}
END_TEST

/*
 * Bad configurations: each must be refused with "checkind.conf:LINE:" (or
 * "checkind.conf: " when the setting is absent altogether) and the setting's
 * name in the message.
 */
static const struct {
	const char	*text;
	int		 line;		/* 0: no line (a missing setting) */
	const char	*setting;
} bad_cases[] = {
	/* Syntax. */
	{ "database = ;\n" ROUTE, 1, "syntax error" },
	{ HEAD ROUTE "http = { listen = \"a:1\"\n", 4, "syntax error" },
	{ HEAD "\n\nretention_days = 5 5;\n" ROUTE, 4, "syntax error" },
	/* Unknown settings, everywhere. */
	{ HEAD ROUTE "colour = \"red\";\n", 3, "colour" },
	{ HEAD ROUTE "http = {\n listen = \"127.0.0.1:1\";\n"
	  " bogus = 1;\n};\n", 5, "http.bogus" },
	{ HEAD "inbound = (\n { name = \"t\"; format = \"json\";\n"
	  "   path = \"/a\";\n   frmat = \"json\"; }\n);\n", 5,
	  "inbound[0].frmat" },
	{ HEAD ROUTE "templates = {\n vi = {\n  confrim = \"x\";\n };\n};\n",
	  5, "templates.vi.confrim" },
	{ HEAD ROUTE "templates = {\n fr = { confirm = \"x\"; };\n};\n", 4,
	  "templates.fr" },
	{ HEAD ROUTE "questions = ( { kind = \"default\"; ask = (\n"
	  " { id = \"a\"; vi = \"A?\";\n   colour = \"red\"; } ); } );\n", 5,
	  "questions[0].ask[0].colour" },
	{ HEAD ROUTE "questions = ( { kind = \"default\";\n"
	  " asks = ( ); } );\n", 4, "questions[0].asks" },
	/* Wrong types. */
	{ HEAD ROUTE "retention_days = \"28\";\n", 3, "retention_days" },
	{ HEAD ROUTE "fold_diacritics = 1;\n", 3, "fold_diacritics" },
	{ HEAD ROUTE "code_digits = 6.0;\n", 3, "code_digits" },
	{ "database = 5;\n" ROUTE, 1, "database" },
	{ HEAD ROUTE "http = \"127.0.0.1:80\";\n", 3, "http" },
	{ HEAD "inbound = { name = \"t\"; };\n", 2, "inbound" },
	{ HEAD "inbound = ( \"t\" );\n", 2, "inbound[0]" },
	{ HEAD ROUTE "templates = { vi = { help = 5; }; };\n", 3,
	  "templates.vi.help" },
	{ HEAD ROUTE "questions = ( { kind = \"default\"; ask = (\n"
	  " { id = \"a\"; vi = 1; } ); } );\n", 4, "questions[0].ask[0].vi" },
	/* Out of range. */
	{ HEAD ROUTE "retention_days = 0;\n", 3, "retention_days" },
	{ HEAD ROUTE "retention_days = 3651;\n", 3, "retention_days" },
	{ HEAD ROUTE "code_digits = 10;\n", 3, "code_digits" },
	{ HEAD ROUTE "code_digits = 3;\n", 3, "code_digits" },
	{ HEAD ROUTE "session_timeout = 59;\n", 3, "session_timeout" },
	{ HEAD ROUTE "duplicate_window = -1;\n", 3, "duplicate_window" },
	{ HEAD ROUTE "max_delay = 99999999999;\n", 3, "max_delay" },
	/* libconfig 1.5 wraps these into an int: 28, 600 and -1. */
	{ HEAD ROUTE "retention_days = 4294967324;\n", 3, "retention_days" },
	{ HEAD ROUTE "\nhelp_interval=4294967896 ; # help_interval = 5\n", 4,
	  "help_interval" },
	{ HEAD ROUTE "http = {\n max_body = 0x1FFFFFFFF; };\n", 4,
	  "http.max_body" },
	{ HEAD ROUTE "http = { max_body = 255; };\n", 3, "http.max_body" },
	{ HEAD ROUTE "http = { max_body = 1048577; };\n", 3, "http.max_body" },
	/* Missing required settings. */
	{ ROUTE, 0, "database" },
	{ "database = \"\";\n" ROUTE, 1, "database" },
	{ HEAD, 0, "inbound" },
	{ HEAD "inbound = ( );\n", 2, "inbound" },
	{ HEAD "inbound = (\n { name = \"t\"; format = \"json\"; }\n);\n", 3,
	  "inbound[0].path" },
	{ HEAD "inbound = (\n { path = \"/a\"; format = \"json\"; }\n);\n", 3,
	  "inbound[0].name" },
	{ HEAD "inbound = (\n { name = \"t\"; path = \"/a\"; }\n);\n", 3,
	  "inbound[0].format" },
	{ HEAD ROUTE "questions = ( { kind = \"default\";\n"
	  " ask = ( { vi = \"A?\"; } ); } );\n", 4, "questions[0].ask[0].id" },
	{ HEAD ROUTE "questions = ( { kind = \"default\";\n"
	  " ask = ( { id = \"a\"; type = \"yesno\"; } ); } );\n", 4,
	  "questions[0].ask[0].vi" },
	{ HEAD ROUTE "questions = (\n { ask = ( ); } );\n", 4,
	  "questions[0].kind" },
	/* Duplicates. */
	{ HEAD "inbound = (\n { name = \"t\"; format = \"json\"; path = \"/a\"; },\n"
	  " { name = \"k\"; format = \"kannel\";\n   path = \"/a\"; }\n);\n", 5,
	  "inbound[1].path" },
	{ HEAD "inbound = (\n { name = \"t\"; format = \"json\"; path = \"/a\"; },\n"
	  " { name = \"t\"; format = \"kannel\"; path = \"/b\"; }\n);\n", 4,
	  "inbound[1].name" },
	{ HEAD ROUTE "questions = (\n { kind = \"default\"; ask = ( ); },\n"
	  " { kind = \"default\"; ask = ( ); }\n);\n", 5, "questions[1].kind" },
	{ HEAD ROUTE "questions = ( { kind = \"default\"; ask = (\n"
	  " { id = \"a\"; vi = \"A?\"; },\n { id = \"a\"; vi = \"B?\"; } ); } );\n",
	  5, "questions[0].ask[1].id" },
	{ HEAD ROUTE "retention_days = 1;\nretention_days = 2;\n", 4,
	  "syntax error" },
	/* Formats, types, replies. */
	{ HEAD "inbound = (\n { name = \"t\"; format = \"smpp\"; path = \"/a\"; }\n);\n",
	  3, "inbound[0].format" },
	{ HEAD "inbound = (\n { name = \"t\"; format = \"JSON\"; path = \"/a\"; }\n);\n",
	  3, "inbound[0].format" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  type = \"mms\"; } );\n", 3, "inbound[0].type" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  type = \"USSD\"; } );\n", 3, "inbound[0].type" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  reply = \"outbox\"; } );\n", 3, "inbound[0].reply" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\";\n"
	  "  path = \"sms/json\"; } );\n", 3, "inbound[0].path" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\";\n"
	  "  path = \"/sms json\"; } );\n", 3, "inbound[0].path" },
	{ HEAD "inbound = ( { name = \"Test\"; format = \"json\";\n"
	  "  path = \"/a\"; } );\n", 2, "inbound[0].name" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  url = \"ftp://x/y\"; } );\n", 3, "inbound[0].url" },
	/* Twilio needs its token; a secret comes from one place. */
	{ HEAD "inbound = (\n\n { name = \"tw\"; format = \"twilio\"; path = \"/tw\"; }\n);\n",
	  4, "inbound[0].auth_token" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  secret = \"s\";\n  secret_file = \"/etc/hostname\"; } );\n", 4,
	  "inbound[0].secret_file" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  secret_file = \"/nonexistent/secret\"; } );\n", 3,
	  "inbound[0].secret_file" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"twilio\"; path = \"/a\";\n"
	  "  auth_token_file = \"/nonexistent/token\"; } );\n", 3,
	  "inbound[0].auth_token_file" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  secret = \"\"; } );\n", 3, "inbound[0].secret" },
	/* Listen addresses. */
	{ HEAD ROUTE "http = {\n listen = \"127.0.0.1\"; };\n", 4, "http.listen" },
	{ HEAD ROUTE "http = {\n listen = \"127.0.0.1:99999\"; };\n", 4,
	  "http.listen" },
	{ HEAD ROUTE "http = {\n listen = \"127.0.0.1:0\"; };\n", 4,
	  "http.listen" },
	{ HEAD ROUTE "http = {\n listen = \"::1:8080\"; };\n", 4, "http.listen" },
	{ HEAD ROUTE "http = {\n listen = \"[::1:8080\"; };\n", 4, "http.listen" },
	{ HEAD ROUTE "http = {\n listen = \"[zz::1]:8080\"; };\n", 4,
	  "http.listen" },
	{ HEAD ROUTE "http = {\n listen = \"host name:80\"; };\n", 4,
	  "http.listen" },
	{ HEAD ROUTE "http = {\n listen = \"127.0.0.1:80x\"; };\n", 4,
	  "http.listen" },
	/* Allow lists. */
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  allow = [ \"10.0.0.0/33\" ]; } );\n", 3, "inbound[0].allow[0]" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  allow = [ \"127.0.0.1\", \"10.0.0.1/8\" ]; } );\n", 3,
	  "inbound[0].allow[1]" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  allow = [ \"300.1.1.1\" ]; } );\n", 3, "inbound[0].allow[0]" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  allow = [ \"::1/129\" ]; } );\n", 3, "inbound[0].allow[0]" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  allow = [ \"10.0.0.0/\" ]; } );\n", 3, "inbound[0].allow[0]" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  allow = [ \"/8\" ]; } );\n", 3, "inbound[0].allow[0]" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  allow = [ \"10.0.0.0/+8\" ]; } );\n", 3, "inbound[0].allow[0]" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  allow = [ \"10.0.0.0/8 \" ]; } );\n", 3, "inbound[0].allow[0]" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  allow = [ 10 ]; } );\n", 3, "inbound[0].allow" },
	/* Language, time zone, numbers. */
	{ HEAD ROUTE "language = \"fr\";\n", 3, "language" },
	{ HEAD ROUTE "language = \"VI\";\n", 3, "language" },
	{ HEAD ROUTE "timezone = \"Mars/Olympus_Mons\";\n", 3, "timezone" },
	{ HEAD ROUTE "timezone = \"../../etc/passwd\";\n", 3, "timezone" },
	{ HEAD ROUTE "timezone = \"/etc/localtime\";\n", 3, "timezone" },
	{ HEAD ROUTE "timezone = \"Asia\";\n", 3, "timezone" },
	{ HEAD ROUTE "country_code = \"8400\";\n", 3, "country_code" },
	{ HEAD ROUTE "country_code = \"+84\";\n", 3, "country_code" },
	{ HEAD ROUTE "short_number = \"80 88\";\n", 3, "short_number" },
	{ HEAD ROUTE "hotline = \"call us\";\n", 3, "hotline" },
	/* Templates and questions. */
	{ HEAD ROUTE "templates = { vi = {\n confirm = \"Tai {venu}\"; }; };\n",
	  4, "templates.vi.confirm" },
	{ HEAD ROUTE "templates = { en = {\n help = \"\"; }; };\n", 4,
	  "templates.en.help" },
	{ HEAD ROUTE "templates = { en = {\n help = \"\xff\xfe\"; }; };\n", 4,
	  "templates.en.help" },
	{ HEAD ROUTE "templates = { en = \"x\"; };\n", 3, "templates.en" },
	{ HEAD ROUTE "questions = ( { kind = \"default\"; ask = (\n"
	  " { id = \"a\"; vi = \"A?\";\n   type = \"scale\"; } ); } );\n", 5,
	  "questions[0].ask[0].type" },
	{ HEAD ROUTE "questions = ( { kind = \"default\"; ask = (\n"
	  " { id = \"a\"; vi = \"A?\";\n   flag_on = \"maybe\"; } ); } );\n", 5,
	  "questions[0].ask[0].flag_on" },
	{ HEAD ROUTE "questions = ( { kind = \"default\"; ask = (\n"
	  " { id = \"a\"; vi = \"A?\"; type = \"text\"; flag_on = \"yes\"; }\n"
	  "); } );\n", 4, "questions[0].ask[0].flag_on" },
	{ HEAD ROUTE "questions = ( { kind = \"Cho Dem\";\n ask = ( ); } );\n", 3,
	  "questions[0].kind" },
	{ HEAD ROUTE "questions = ( { kind = \"default\"; ask = (\n"
	  " { id = \"a\"; vi = \"A?\"; }, { id = \"b\"; vi = \"A?\"; },\n"
	  " { id = \"c\"; vi = \"A?\"; }, { id = \"d\"; vi = \"A?\"; },\n"
	  " { id = \"e\"; vi = \"A?\"; }, { id = \"f\"; vi = \"A?\"; },\n"
	  " { id = \"g\"; vi = \"A?\"; }, { id = \"h\"; vi = \"A?\"; },\n"
	  " { id = \"i\"; vi = \"A?\"; }, { id = \"j\"; vi = \"A?\"; },\n"
	  " { id = \"k\"; vi = \"A?\"; } ); } );\n", 3, "questions[0].ask" },
	/* Outbound routes: shape. */
	{ HEAD ROUTE "routes = {\n name = \"a\"; };\n", 3, "routes" },
	{ HEAD ROUTE "routes = ( \"a\" );\n", 3, "routes[0]" },
	{ HEAD ROUTE "routes = (\n { name = \"a\"; driver = \"null\";\n"
	  "   colour = \"red\"; } );\n", 5, "routes[0].colour" },
	{ HEAD ROUTE "routes = (\n { driver = \"null\"; } );\n", 4,
	  "routes[0].name" },
	{ HEAD ROUTE "routes = (\n { name = \"a\"; } );\n", 4,
	  "routes[0].driver" },
	{ HEAD ROUTE "routes = (\n { name = \"A\"; driver = \"null\"; } );\n", 4,
	  "routes[0].name" },
	{ HEAD ROUTE "routes = (\n { name = \"\"; driver = \"null\"; } );\n", 4,
	  "routes[0].name" },
	{ HEAD ROUTE "routes = (\n { name = \"a\"; driver = \"smpp\"; } );\n", 4,
	  "routes[0].host" },
	{ HEAD ROUTE "routes = (\n { name = \"a\"; driver = \"smtp\"; } );\n", 4,
	  "routes[0].driver" },
	/* Channel routes: what smpp and modem need, and settings of the other. */
	{ HEAD ROUTE "routes = (\n { name = \"s\"; driver = \"smpp\"; host = \"h\";\n"
	  "   password = \"pw\"; } );\n", 4, "routes[0].system_id" },
	{ HEAD ROUTE "routes = (\n { name = \"s\"; driver = \"smpp\"; host = \"h\";\n"
	  "   system_id = \"c\"; } );\n", 4, "routes[0].password" },
	{ HEAD ROUTE "routes = (\n { name = \"s\"; driver = \"smpp\"; host = \"h\";\n"
	  "   system_id = \"c\"; password = \"123456789\"; } );\n", 4,
	  "routes[0].password" },
	{ HEAD ROUTE "routes = (\n { name = \"s\"; driver = \"smpp\"; host = \"h\";\n"
	  "   system_id = \"abcdefghijklmnop\"; password = \"p\"; } );\n", 5,
	  "routes[0].system_id" },
	{ HEAD ROUTE "routes = (\n { name = \"s\"; driver = \"smpp\"; host = \"h\";\n"
	  "   system_id = \"c\"; password = \"p\";\n window = 8; inflight = 8; } );\n",
	  6, "inflight" },
	{ HEAD ROUTE "routes = (\n { name = \"s\"; driver = \"smpp\"; host = \"h\";\n"
	  "   system_id = \"c\"; password = \"p\"; bind = \"receiver\"; } );\n", 5,
	  "routes[0].bind" },
	{ HEAD ROUTE "routes = (\n { name = \"s\"; driver = \"smpp\"; host = \"h\";\n"
	  "   system_id = \"c\"; password = \"p\";\n device = \"/dev/ttyUSB0\"; } );\n",
	  6, "routes[0].device" },
	{ HEAD ROUTE "routes = (\n { name = \"m\"; driver = \"modem\"; } );\n", 4,
	  "routes[0].device" },
	{ HEAD ROUTE "routes = (\n { name = \"m\"; driver = \"modem\";\n"
	  "   device = \"ttyUSB0\"; } );\n", 5, "routes[0].device" },
	{ HEAD ROUTE "routes = (\n { name = \"m\"; driver = \"modem\";\n"
	  "   device = \"/dev/ttyUSB0\"; pin = \"12a4\"; } );\n", 5, "routes[0].pin" },
	{ HEAD ROUTE "routes = (\n { name = \"m\"; driver = \"modem\";\n"
	  "   device = \"/dev/ttyUSB0\"; window = 4; } );\n", 5, "routes[0].window" },
	{ HEAD ROUTE "routes = (\n { name = \"k\"; driver = \"json\";\n"
	  "   url = \"http://h/s\"; host = \"h\"; } );\n", 5, "routes[0].host" },
	{ HEAD ROUTE "limits = { repeats = -1; };\n", 3, "limits.repeats" },
	{ HEAD ROUTE "limits = { per_minute = 5; };\n", 3, "limits.per_minute" },
	{ HEAD ROUTE "multipart_timeout = 5;\n", 3, "multipart_timeout" },
	{ HEAD ROUTE "routes = (\n { name = \"a\"; driver = \"Kannel\"; } );\n", 4,
	  "routes[0].driver" },
	{ HEAD ROUTE "routes = (\n { name = \"a\"; driver = \"null\"; },\n"
	  " { name = \"b\"; driver = \"null\"; },\n"
	  " { name = \"a\"; driver = \"null\"; } );\n", 6, "routes[2].name" },
	/* Outbound routes: URLs. */
	{ HEAD ROUTE "routes = (\n { name = \"a\"; driver = \"json\"; } );\n", 4,
	  "routes[0].url" },
	{ HEAD ROUTE "routes = (\n { name = \"a\"; driver = \"kannel\";\n"
	  "   username = \"u\"; password = \"p\"; } );\n", 4, "routes[0].url" },
	{ HEAD ROUTE "routes = ( { name = \"a\"; driver = \"json\";\n"
	  "   url = \"ftp://127.0.0.1/send\"; } );\n", 4, "routes[0].url" },
	{ HEAD ROUTE "routes = ( { name = \"a\"; driver = \"json\";\n"
	  "   url = \"127.0.0.1:9000/send\"; } );\n", 4, "routes[0].url" },
	{ HEAD ROUTE "routes = ( { name = \"a\"; driver = \"json\";\n"
	  "   url = \"http://h/a b\"; } );\n", 4, "routes[0].url" },
	{ HEAD ROUTE "routes = ( { name = \"a\"; driver = \"null\";\n"
	  "   dlr_url = \"/dlr/a\"; } );\n", 4, "routes[0].dlr_url" },
	{ HEAD ROUTE "routes = ( { name = \"a\"; driver = \"null\";\n"
	  "   dlr_url = \"file:///dlr/a\"; } );\n", 4, "routes[0].dlr_url" },
	/* Outbound routes: what each driver needs, and does not use. */
	{ HEAD ROUTE "routes = (\n { name = \"k\"; driver = \"kannel\";\n"
	  "   url = \"http://h/s\"; password = \"p\"; } );\n", 4,
	  "routes[0].username" },
	{ HEAD ROUTE "routes = (\n { name = \"k\"; driver = \"kannel\";\n"
	  "   url = \"http://h/s\"; username = \"u\"; } );\n", 4,
	  "routes[0].password" },
	{ HEAD ROUTE "routes = (\n { name = \"at\"; driver = \"africastalking\";\n"
	  "   url = \"https://h/m\"; api_key = \"k\"; } );\n", 4,
	  "routes[0].username" },
	{ HEAD ROUTE "routes = (\n { name = \"at\"; driver = \"africastalking\";\n"
	  "   url = \"https://h/m\"; username = \"sandbox\"; } );\n", 4,
	  "routes[0].api_key" },
	{ HEAD ROUTE "routes = (\n { name = \"at\"; driver = \"africastalking\";\n"
	  "   url = \"https://h/m\"; username = \"sandbox\";\n"
	  "   password = \"k\"; } );\n", 4, "routes[0].api_key" },
	{ HEAD ROUTE "routes = (\n { name = \"tw\"; driver = \"twilio\";\n"
	  "   url = \"https://h/m\"; password = \"t\"; } );\n", 4,
	  "routes[0].username" },
	{ HEAD ROUTE "routes = (\n { name = \"tw\"; driver = \"twilio\";\n"
	  "   url = \"https://h/m\"; username = \"AC1\"; } );\n", 4,
	  "routes[0].password" },
	{ HEAD ROUTE KANNEL_START "   api_key = \"x\"; } );\n", 7,
	  "routes[0].api_key" },
	/* Delivery reports: a secret fit for URLs, real addresses. */
	{ HEAD ROUTE KANNEL_START "   dlr_secret = \"short\"; } );\n", 7,
	  "routes[0].dlr_secret" },
	{ HEAD ROUTE KANNEL_START "   dlr_secret = \"with space 0123456789\"; } );\n", 7,
	  "routes[0].dlr_secret" },
	{ HEAD ROUTE KANNEL_START "   dlr_secret = \"change-me\"; } );\n", 7,
	  "routes[0].dlr_secret" },
	{ HEAD ROUTE KANNEL_START "   allow = [ \"10.0.0.1/8\" ]; } );\n", 7,
	  "routes[0].allow[0]" },
	{ HEAD ROUTE "routes = ( { name = \"j\"; driver = \"json\";\n"
	  "   url = \"http://h/s\";\n   token = \"Change-Me-Too\"; } );\n", 5,
	  "routes[0].token" },
	{ HEAD ROUTE KANNEL_START "   token_file = \"/etc/hostname\"; } );\n", 7,
	  "routes[0].token_file" },
	{ HEAD ROUTE "routes = ( { name = \"j\"; driver = \"json\";\n"
	  "   url = \"http://h/s\";\n   username = \"u\"; } );\n", 5,
	  "routes[0].username" },
	{ HEAD ROUTE "routes = ( { name = \"j\"; driver = \"json\";\n"
	  "   url = \"http://h/s\";\n   password = \"p\"; } );\n", 5,
	  "routes[0].password" },
	{ HEAD ROUTE "routes = ( { name = \"tw\"; driver = \"twilio\";\n"
	  "   url = \"https://h/m\"; username = \"AC1\"; password = \"t\";\n"
	  "   token = \"x\"; } );\n", 5, "routes[0].token" },
	/* Outbound routes: a secret from one place only. */
	{ HEAD ROUTE "routes = ( { name = \"j\"; driver = \"json\";\n"
	  "   url = \"http://h/s\"; token = \"t\";\n"
	  "   token_file = \"/etc/hostname\"; } );\n", 5, "routes[0].token_file" },
	{ HEAD ROUTE "routes = ( { name = \"j\"; driver = \"json\";\n"
	  "   url = \"http://h/s\"; token_file = \"/etc/hostname\";\n"
	  "   token = \"t\"; } );\n", 5, "routes[0].token" },
	{ HEAD ROUTE "routes = ( { name = \"k\"; driver = \"kannel\";\n"
	  "   url = \"http://h/s\"; username = \"u\"; password = \"p\";\n"
	  "   password_file = \"/etc/hostname\"; } );\n", 5,
	  "routes[0].password_file" },
	{ HEAD ROUTE "routes = ( { name = \"k\"; driver = \"kannel\";\n"
	  "   url = \"http://h/s\"; username = \"u\";\n"
	  "   password_file = \"/nonexistent/pw\"; } );\n", 5,
	  "routes[0].password_file" },
	{ HEAD ROUTE "routes = ( { name = \"at\"; driver = \"africastalking\";\n"
	  "   url = \"https://h/m\"; username = \"s\"; api_key = \"k\";\n"
	  "   api_key_file = \"/etc/hostname\"; } );\n", 5,
	  "routes[0].api_key_file" },
	{ HEAD ROUTE KANNEL_START "   password = \"\"; } );\n", 7,
	  "syntax error" },
	{ HEAD ROUTE "routes = ( { name = \"k\"; driver = \"kannel\";\n"
	  "   url = \"http://h/s\"; username = \"u\";\n"
	  "   password = \"\"; } );\n", 5, "routes[0].password" },
	{ HEAD ROUTE "routes = ( { name = \"k\"; driver = \"kannel\";\n"
	  "   url = \"http://h/s\"; password = \"p\";\n"
	  "   username = \"g w\"; } );\n", 5, "routes[0].username" },
	/* Outbound routes: senders. */
	{ HEAD ROUTE KANNEL_START "   from = \"+1234567890123456\"; } );\n", 7,
	  "routes[0].from" },
	{ HEAD ROUTE KANNEL_START "   from = \"1234567890123456\"; } );\n", 7,
	  "routes[0].from" },
	{ HEAD ROUTE KANNEL_START "   from = \" CHECKIN\"; } );\n", 7,
	  "routes[0].from" },
	{ HEAD ROUTE KANNEL_START "   from = \"CHECKIN HANOI\"; } );\n", 7,
	  "routes[0].from" },
	{ HEAD ROUTE KANNEL_START "   from = \"+CHECKIN\"; } );\n", 7,
	  "routes[0].from" },
	{ HEAD ROUTE KANNEL_START "   from = \"chk/in\"; } );\n", 7,
	  "routes[0].from" },
	{ HEAD ROUTE KANNEL_START "   from = \"+\"; } );\n", 7, "routes[0].from" },
	{ HEAD ROUTE KANNEL_START "   from = \"\"; } );\n", 7, "routes[0].from" },
	/* Outbound routes: numbers out of range or of the wrong type. */
	{ HEAD ROUTE KANNEL_START "   rate = 0; } );\n", 7, "routes[0].rate" },
	{ HEAD ROUTE KANNEL_START "   rate = 0.0; } );\n", 7, "routes[0].rate" },
	{ HEAD ROUTE KANNEL_START "   rate = -1.5; } );\n", 7, "routes[0].rate" },
	{ HEAD ROUTE KANNEL_START "   rate = 20000; } );\n", 7, "routes[0].rate" },
	{ HEAD ROUTE KANNEL_START "   rate = 10000.5; } );\n", 7, "routes[0].rate" },
	{ HEAD ROUTE KANNEL_START "   rate = 1e400; } );\n", 7, "routes[0].rate" },
	{ HEAD ROUTE KANNEL_START "   rate = \"10\"; } );\n", 7, "routes[0].rate" },
	{ HEAD ROUTE KANNEL_START "   rate = true; } );\n", 7, "routes[0].rate" },
	/* libconfig 1.5 would read this as 50. */
	{ HEAD ROUTE KANNEL_START "   rate = 4294967346; } );\n", 7,
	  "routes[0].rate" },
	{ HEAD ROUTE KANNEL_START "   inflight = 0; } );\n", 7,
	  "routes[0].inflight" },
	{ HEAD ROUTE KANNEL_START "   inflight = 257; } );\n", 7,
	  "routes[0].inflight" },
	{ HEAD ROUTE KANNEL_START "   inflight = 4.0; } );\n", 7,
	  "routes[0].inflight" },
	{ HEAD ROUTE KANNEL_START "   connect_timeout = 0; } );\n", 7,
	  "routes[0].connect_timeout" },
	{ HEAD ROUTE KANNEL_START "   connect_timeout = 301; } );\n", 7,
	  "routes[0].connect_timeout" },
	{ HEAD ROUTE KANNEL_START "   timeout = 0; } );\n", 7,
	  "routes[0].timeout" },
	{ HEAD ROUTE KANNEL_START "   timeout = 3601; } );\n", 7,
	  "routes[0].timeout" },
	/* Outbound routes: prefixes. */
	{ HEAD ROUTE KANNEL_START "   prefixes = [ \"8486\" ]; } );\n", 7,
	  "routes[0].prefixes[0]" },
	{ HEAD ROUTE KANNEL_START "   prefixes = [ \"+8486\", \"+84a\" ]; } );\n",
	  7, "routes[0].prefixes[1]" },
	{ HEAD ROUTE KANNEL_START "   prefixes = [ \"+\" ]; } );\n", 7,
	  "routes[0].prefixes[0]" },
	{ HEAD ROUTE KANNEL_START "   prefixes = [ \"+1234567890123456\" ]; } );\n",
	  7, "routes[0].prefixes[0]" },
	{ HEAD ROUTE KANNEL_START "   prefixes = [ \"+84 86\" ]; } );\n", 7,
	  "routes[0].prefixes[0]" },
	{ HEAD ROUTE KANNEL_START "   prefixes = [ \"+8486\", \"+8486\" ]; } );\n",
	  7, "routes[0].prefixes[1]" },
	{ HEAD ROUTE KANNEL_START "   prefixes = [ 8486 ]; } );\n", 7,
	  "routes[0].prefixes" },
	{ HEAD ROUTE KANNEL_START "   prefixes = \"+8486\"; } );\n", 7,
	  "routes[0].prefixes" },
	{ HEAD ROUTE "routes = (\n { name = \"a\"; driver = \"null\";\n"
	  "   prefixes = [ \"+8486\" ]; },\n { name = \"b\"; driver = \"null\";\n"
	  "   prefixes = [ \"+8496\", \"+8486\" ]; } );\n", 7,
	  "routes[1].prefixes" },
	/* Outbound routes: fallbacks. */
	{ HEAD ROUTE "routes = (\n { name = \"a\"; driver = \"null\";\n"
	  "   fallback = \"b\"; } );\n", 5, "routes[0].fallback" },
	{ HEAD ROUTE "routes = (\n { name = \"a\"; driver = \"null\";\n"
	  "   fallback = \"a\"; } );\n", 5, "routes[0].fallback" },
	{ HEAD ROUTE "routes = (\n { name = \"a\"; driver = \"null\"; },\n"
	  " { name = \"b\"; driver = \"null\";\n"
	  "   fallback = \"c\"; } );\n", 6, "routes[1].fallback" },
	/* The outbox group. */
	{ HEAD ROUTE DRY "outbox = {\n default_route = \"kannel\"; };\n", 5,
	  "outbox.default_route" },
	{ HEAD ROUTE "outbox = {\n default_route = \"dry\"; };\n", 4,
	  "outbox.default_route" },
	{ HEAD ROUTE DRY "outbox = {\n max_attempts = 0; };\n", 5,
	  "outbox.max_attempts" },
	{ HEAD ROUTE DRY "outbox = {\n max_attempts = 101; };\n", 5,
	  "outbox.max_attempts" },
	{ HEAD ROUTE DRY "outbox = {\n max_age = 59; };\n", 5,
	  "outbox.max_age" },
	{ HEAD ROUTE DRY "outbox = {\n max_age = 2592001; };\n", 5,
	  "outbox.max_age" },
	{ HEAD ROUTE DRY "outbox = {\n retry_base = 0.01; };\n", 5,
	  "outbox.retry_base" },
	{ HEAD ROUTE DRY "outbox = {\n retry_base = 3601; };\n", 5,
	  "outbox.retry_base" },
	{ HEAD ROUTE DRY "outbox = {\n retry_base = \"10\"; };\n", 5,
	  "outbox.retry_base" },
	{ HEAD ROUTE DRY "outbox = {\n retry_max = 0; };\n", 5,
	  "outbox.retry_max" },
	{ HEAD ROUTE DRY "outbox = {\n retry_max = 86401; };\n", 5,
	  "outbox.retry_max" },
	{ HEAD ROUTE DRY "outbox = {\n retry_max = 60.0; };\n", 5,
	  "outbox.retry_max" },
	{ HEAD ROUTE DRY "outbox = {\n retries = 3; };\n", 5, "outbox.retries" },
	{ HEAD ROUTE DRY "outbox = ( );\n", 4, "outbox" },
	/* Inbound routes replying through the outbox. */
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  reply = \"outbox\"; } );\nroutes = ( );\n", 3, "inbound[0].reply" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  reply = \"queue\"; } );\n" DRY, 3, "inbound[0].reply" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  reply = \"outbox\";\n  route = \"kannel\"; } );\n" DRY, 4,
	  "inbound[0].route" },
	{ HEAD DRY "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  reply = \"outbox\";\n  route = \"kannel\"; } );\n", 5,
	  "inbound[0].route" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  reply = \"inline\";\n  route = \"dry\"; } );\n" DRY, 4,
	  "inbound[0].route" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  route = \"dry\"; } );\n" DRY, 3, "inbound[0].route" },
	{ HEAD "inbound = ( { name = \"t\"; format = \"json\"; path = \"/a\";\n"
	  "  reply = \"outbox\";\n  route = \"Dry\"; } );\n" DRY, 4,
	  "inbound[0].route" },
	{ HEAD "inbound = (\n { name = \"at\"; format = \"africastalking\";\n"
	  "   path = \"/sms/at\";\n   reply = \"inline\"; } );\n" DRY, 5,
	  "inbound[0].reply" },
	{ HEAD "inbound = (\n { name = \"at\"; format = \"africastalking\";\n"
	  "   path = \"/sms/at\"; } );\n" DRY, 3, "inbound[0].reply" },
	{ HEAD "inbound = (\n { name = \"at\"; format = \"africastalking\";\n"
	  "   path = \"/sms/at\"; reply = \"outbox\"; } );\n", 4,
	  "inbound[0].reply" },
	{ HEAD "inbound = (\n { name = \"t\"; format = \"json\";\n"
	  "   path = \"/dlr/dry\"; } );\n" DRY, 4, "inbound[0].path" },
	/* The admin group. */
	{ HEAD ROUTE "admin = \"127.0.0.1:8081\";\n", 3, "admin" },
	{ HEAD ROUTE "admin = {\n port = 8081; };\n", 4, "admin.port" },
	{ HEAD ROUTE "admin = {\n listen = \"127.0.0.1\"; };\n", 4,
	  "admin.listen" },
	{ HEAD ROUTE "admin = {\n listen = \"[::1]:0\"; };\n", 4,
	  "admin.listen" },
	{ HEAD ROUTE "admin = {\n listen = 8081; };\n", 4, "admin.listen" },
	{ HEAD ROUTE "admin = {\n max_body = 1023; };\n", 4, "admin.max_body" },
	{ HEAD ROUTE "admin = {\n max_body = 16777217; };\n", 4,
	  "admin.max_body" },
	{ HEAD ROUTE "admin = {\n max_body = \"64k\"; };\n", 4,
	  "admin.max_body" },
	/* admin.listen must not take http.listen's port, set or by default. */
	{ HEAD ROUTE "http = { listen = \"127.0.0.1:9000\"; };\n"
	  "admin = {\n listen = \"127.0.0.1:9000\"; };\n", 5, "admin.listen" },
	{ HEAD ROUTE "admin = {\n listen = \"127.0.0.1:9000\"; };\n"
	  "http = { listen = \"127.0.0.1:9000\"; };\n", 4, "admin.listen" },
	{ HEAD ROUTE "admin = {\n listen = \"127.0.0.1:8080\"; };\n", 4,
	  "admin.listen" },
	{ HEAD ROUTE "admin = {\n listen = \"0.0.0.0:8080\"; };\n", 4,
	  "admin.listen" },
	{ HEAD ROUTE "admin = {\n listen = \"[::]:8080\"; };\n", 4,
	  "admin.listen" },
	{ HEAD ROUTE "admin = {\n listen = \"localhost:8080\"; };\n", 4,
	  "admin.listen" },
	{ HEAD ROUTE "http = { listen = \"[::1]:8443\"; };\n"
	  "admin = {\n listen = \"[0:0::1]:8443\"; };\n", 5, "admin.listen" },
	{ HEAD ROUTE "http = { listen = \"gw.example.org:80\"; };\n"
	  "admin = {\n listen = \"GW.example.org:80\"; };\n", 5,
	  "admin.listen" },
	{ HEAD ROUTE "http = { listen = \"127.0.0.1:8081\"; };\n"
	  "admin = {\n max_body = 4096; };\n", 4, "admin.listen" },
	/* Tokens: shape. */
	{ HEAD ROUTE "admin = {\n tokens = { name = \"a\"; }; };\n", 4,
	  "admin.tokens" },
	{ HEAD ROUTE ADMIN_START "  \"" SHA_ABC "\" );\n};\n", 5,
	  "admin.tokens[0]" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256 = \"" SHA_ABC "\";\n    hash = \"x\"; }\n" ADMIN_END, 7,
	  "admin.tokens[0].hash" },
	/* Tokens: names. */
	{ HEAD ROUTE ADMIN_START "  { role = \"tracer\";\n"
	  "    sha256 = \"" SHA_ABC "\"; }\n" ADMIN_END, 5,
	  "admin.tokens[0].name" },
	{ HEAD ROUTE ADMIN_START "  { name = \"Ward-Hang-Bac\"; role = \"tracer\";\n"
	  "    sha256 = \"" SHA_ABC "\"; }\n" ADMIN_END, 5,
	  "admin.tokens[0].name" },
	{ HEAD ROUTE ADMIN_START "  { name = \"ward hang bac\"; role = \"tracer\";\n"
	  "    sha256 = \"" SHA_ABC "\"; }\n" ADMIN_END, 5,
	  "admin.tokens[0].name" },
	{ HEAD ROUTE ADMIN_START "  { name = \"ward/hang-bac\"; role = \"tracer\";\n"
	  "    sha256 = \"" SHA_ABC "\"; }\n" ADMIN_END, 5,
	  "admin.tokens[0].name" },
	{ HEAD ROUTE ADMIN_START "  { name = \"\"; role = \"tracer\";\n"
	  "    sha256 = \"" SHA_ABC "\"; }\n" ADMIN_END, 5,
	  "admin.tokens[0].name" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a123456789b123456789c123456789"
	  "d123456789e123456789f1234567890123\";\n    role = \"tracer\"; "
	  "sha256 = \"" SHA_ABC "\"; }\n" ADMIN_END, 5,
	  "admin.tokens[0].name" },
	{ HEAD ROUTE ADMIN_START
	  "  { name = \"a\"; role = \"tracer\"; sha256 = \"" SHA_ABC "\"; },\n"
	  "  { name = \"b\"; role = \"admin\"; sha256 = \"" SHA_WARD "\"; },\n"
	  "  { name = \"a\"; role = \"admin\"; sha256 = \"" SHA_TRAN "\"; }\n"
	  ADMIN_END, 7, "admin.tokens[2].name" },
	/* Tokens: a ward's scope (issue 18). */
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256 = \"" SHA_ABC "\"; ward = \"X\";\n    wards = [ \"Y\" ]; }\n"
	  ADMIN_END, 7, "admin.tokens[0].wards" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256 = \"" SHA_ABC "\"; wards = [ ]; }\n" ADMIN_END, 6,
	  "admin.tokens[0].wards" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256 = \"" SHA_ABC "\"; wards = [ \"X\", \"X\" ]; }\n"
	  ADMIN_END, 6, "admin.tokens[0].wards[1]" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256 = \"" SHA_ABC "\"; ward = \"\"; }\n" ADMIN_END, 6,
	  "admin.tokens[0].ward" },
	{ HEAD ROUTE "fraud = {\n distance_km = 0; };\n", 4,
	  "fraud.distance_km" },
	/* Tokens: roles. */
	{ HEAD ROUTE ADMIN_START "  { name = \"a\";\n    role = \"reader\";\n"
	  "    sha256 = \"" SHA_ABC "\"; }\n" ADMIN_END, 6,
	  "admin.tokens[0].role" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\";\n    role = \"Admin\";\n"
	  "    sha256 = \"" SHA_ABC "\"; }\n" ADMIN_END, 6,
	  "admin.tokens[0].role" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\";\n    role = 2;\n"
	  "    sha256 = \"" SHA_ABC "\"; }\n" ADMIN_END, 6,
	  "admin.tokens[0].role" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\";\n"
	  "    sha256 = \"" SHA_ABC "\"; }\n" ADMIN_END, 5,
	  "admin.tokens[0].role" },
	/* Tokens: digests. */
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\"; }\n"
	  ADMIN_END, 5, "admin.tokens[0].sha256" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256 = \"g" SHA_ABC "\"; }\n" ADMIN_END, 6,
	  "admin.tokens[0].sha256" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256 = \"za7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"; }\n"
	  ADMIN_END, 6, "admin.tokens[0].sha256" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256 = \"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a\"; }\n"
	  ADMIN_END, 6, "admin.tokens[0].sha256" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256 = \"" SHA_ABC "0\"; }\n" ADMIN_END, 6,
	  "admin.tokens[0].sha256" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256 = \"" SHA_ABC " \"; }\n" ADMIN_END, 6,
	  "admin.tokens[0].sha256" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256 = \"ba:78:16:bf:8f:01:cf:ea:41:41:40:de:5d:ae:22:23\"; }\n"
	  ADMIN_END, 6, "admin.tokens[0].sha256" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256 = \"\"; }\n" ADMIN_END, 6, "admin.tokens[0].sha256" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256 = \"abc\"; }\n" ADMIN_END, 6, "admin.tokens[0].sha256" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256 = 5; }\n" ADMIN_END, 6, "admin.tokens[0].sha256" },
	/* The same digest in another case is the same token. */
	{ HEAD ROUTE ADMIN_START
	  "  { name = \"a\"; role = \"tracer\"; sha256 = \"" SHA_ABC "\"; },\n"
	  "  { name = \"b\"; role = \"admin\";\n"
	  "    sha256 = \"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD\"; }\n"
	  ADMIN_END, 7, "admin.tokens[1].sha256" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256 = \"" SHA_ABC "\";\n"
	  "    sha256_file = \"/etc/hostname\"; }\n" ADMIN_END, 7,
	  "admin.tokens[0].sha256_file" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256_file = \"/nonexistent/digest\"; }\n" ADMIN_END, 6,
	  "admin.tokens[0].sha256_file" },
	{ HEAD ROUTE ADMIN_START "  { name = \"a\"; role = \"tracer\";\n"
	  "    sha256_file = \"/etc/hostname\"; }\n" ADMIN_END, 6,
	  "admin.tokens[0].sha256_file" },
	/* The purge group. */
	{ HEAD ROUTE "purge = {\n interval = 0; };\n", 4, "purge.interval" },
	{ HEAD ROUTE "purge = {\n interval = 59; };\n", 4, "purge.interval" },
	{ HEAD ROUTE "purge = {\n interval = 86401; };\n", 4,
	  "purge.interval" },
	{ HEAD ROUTE "purge = {\n interval = 4294971296; };\n", 4,
	  "purge.interval" },
	{ HEAD ROUTE "purge = {\n every = 3600; };\n", 4, "purge.every" },
	{ HEAD ROUTE "purge = 3600;\n", 3, "purge" },
	/* The ussd group. */
	{ HEAD ROUTE "ussd = {\n resume = -1; };\n", 4, "ussd.resume" },
	{ HEAD ROUTE "ussd = {\n resume = 3601; };\n", 4, "ussd.resume" },
	{ HEAD ROUTE "ussd = {\n resume = 300.0; };\n", 4, "ussd.resume" },
	{ HEAD ROUTE "ussd = {\n confirm_sms = 1; };\n", 4, "ussd.confirm_sms" },
	{ HEAD ROUTE "ussd = {\n confirm_sms = \"yes\"; };\n", 4,
	  "ussd.confirm_sms" },
	{ HEAD ROUTE "ussd = {\n timeout = 60; };\n", 4, "ussd.timeout" },
	/* USSD routes. */
	{ HEAD "inbound = ( { name = \"u\"; type = \"ussd\";\n"
	  "  format = \"kannel\"; path = \"/ussd\"; } );\n", 3,
	  "inbound[0].format" },
	{ HEAD "inbound = ( { name = \"u\"; type = \"ussd\";\n"
	  "  format = \"twilio\"; path = \"/ussd\"; auth_token = \"t\"; } );\n",
	  3, "inbound[0].format" },
	{ HEAD "inbound = ( { name = \"u\"; type = \"ussd\";\n"
	  "  format = \"json\"; path = \"/ussd\";\n  reply = \"outbox\"; } );\n"
	  DRY, 4, "inbound[0].reply" },
	{ HEAD "inbound = ( { name = \"u\"; type = \"ussd\";\n"
	  "  format = \"africastalking\"; path = \"/ussd\";\n"
	  "  reply = \"outbox\"; } );\n" DRY, 4, "inbound[0].reply" },
	{ HEAD "inbound = ( { name = \"u\"; type = \"ussd\";\n"
	  "  format = \"json\"; path = \"/ussd\";\n  route = \"at\"; } );\n"
	  DRY, 4, "inbound[0].route" },
	{ HEAD "inbound = ( { name = \"u\"; type = \"ussd\";\n"
	  "  format = \"json\"; path = \"/ussd\";\n  route = \"dry\"; } );\n",
	  4, "inbound[0].route" },
	{ HEAD "inbound = ( { name = \"u\"; type = \"ussd\";\n"
	  "  format = \"json\"; path = \"/ussd\";\n  auth_token = \"t\"; } );\n",
	  4, "inbound[0].auth_token" },
	{ HEAD "inbound = ( { name = \"u\"; type = \"ussd\";\n"
	  "  format = \"africastalking\"; path = \"/ussd\";\n"
	  "  url = \"https://h/ussd\"; } );\n", 4, "inbound[0].url" },
	{ HEAD "inbound = (\n { name = \"t\"; format = \"json\"; path = \"/a\"; },\n"
	  " { name = \"u\"; type = \"ussd\"; format = \"json\";\n"
	  "   path = \"/a\"; }\n);\n", 5, "inbound[1].path" },
	/* The voice group and voice routes. */
	{ HEAD ROUTE "voice = {\n timeout = 2; };\n", 4, "voice.timeout" },
	{ HEAD ROUTE "voice = {\n prompts_ext = \"ogg\"; };\n", 4,
	  "voice.prompts_ext" },
	{ HEAD ROUTE "voice = {\n prompts_url = \"ftp://h/p\"; };\n", 4,
	  "voice.prompts_url" },
	{ HEAD ROUTE "voice = { prompts = {\n vi = {\n  hello = \"x\"; }; }; };\n",
	  5, "voice.prompts.vi.hello" },
	{ HEAD ROUTE "voice = { prompts = {\n vi = {\n  bye = \"\"; }; }; };\n",
	  5, "voice.prompts.vi.bye" },
	{ HEAD ROUTE "voice = { prompts = {\n vi = {\n  bye = 1; }; }; };\n",
	  5, "voice.prompts.vi.bye" },
	{ HEAD ROUTE "voice = { prompts = {\n VI = { bye = \"x\"; }; }; };\n",
	  4, "voice.prompts.VI" },
	{ HEAD "inbound = ( { name = \"v\"; type = \"voice\";\n"
	  "  format = \"twilio\"; path = \"/voice\"; } );\n", 2,
	  "inbound[0].auth_token" },
	{ HEAD "inbound = ( { name = \"v\"; type = \"voice\";\n"
	  "  format = \"json\"; path = \"/voice\"; } );\n", 3,
	  "inbound[0].format" },
	{ HEAD "inbound = ( { name = \"v\"; type = \"voice\";\n"
	  "  format = \"africastalking\"; path = \"/voice\";\n"
	  "  reply = \"outbox\"; } );\n" DRY, 4, "inbound[0].reply" },
	/* An SMS route still may not name a route for inline replies. */
	{ HEAD "inbound = ( { name = \"t\"; format = \"kannel\"; path = \"/a\";\n"
	  "  type = \"sms\";\n  route = \"dry\"; } );\n" DRY, 4,
	  "inbound[0].route" },
};

START_TEST(test_bad)
{
	struct config	*cfg;
	char		 err[ERRLEN], want[64];
	int		 i = _i;

	memset(err, 'Z', sizeof err);
	cfg = load_text(bad_cases[i].text, err);
	ck_assert_msg(cfg == NULL, "case %d (%s) was accepted", i,
	    bad_cases[i].setting);
	if (bad_cases[i].line != 0)
		snprintf(want, sizeof want, "checkind.conf:%d: ",
		    bad_cases[i].line);
	else
		snprintf(want, sizeof want, "checkind.conf: ");
	ck_assert_msg(strstr(err, want) != NULL,
	    "case %d: want \"%s\" in \"%s\"", i, want, err);
	ck_assert_msg(strstr(err, bad_cases[i].setting) != NULL,
	    "case %d: want \"%s\" in \"%s\"", i, bad_cases[i].setting, err);
	/* The path in the message is the whole file name. */
	ck_assert_msg(strncmp(err, cfgpath, strlen(cfgpath)) == 0,
	    "case %d: \"%s\" does not start with the file", i, err);
	ck_assert_msg(strchr(err, '\n') == NULL, "case %d: newline in error", i);
}
END_TEST

/*
 * Words by configuration: languages, keywords, templates and USSD screens
 * refused where they would go wrong, with FILE:LINE: setting: reason.
 */
#define LONG_EN \
	"Checked in at {venue}, {ward}, at {time}. Text RA when you leave. " \
	"Keep this SMS to show if asked by the ward office or the police."
static const struct {
	const char	*text;
	int		 line;
	const char	*setting;
	const char	*reason;
} bad_words_cases[] = {
	/* Two segments with a 40-character venue (GSM-7: 160). */
	{ HEAD ROUTE "templates = { en = {\n confirm = \"" LONG_EN "\"; }; };\n",
	  4, "templates.en.confirm", "SMS segments" },
	/* Diacritics make it UCS-2: 70 characters a segment. */
	{ HEAD ROUTE "templates = { vi = {\n checkout = \"Đã ghi nhận bạn ra "
	  "về khỏi {venue} lúc {time}. Cảm ơn bạn.\"; }; };\n", 4,
	  "templates.vi.checkout", "UCS-2" },
	/* A language's template is checked too. */
	{ HEAD ROUTE "languages = ( { code = \"km\"; keywords = [ \"KM\" ]; } );\n"
	  "templates = { km = {\n confirm = \"" LONG_EN "\"; }; };\n", 5,
	  "templates.km.confirm", "SMS segments" },
	/* A USSD screen over 182 characters. */
	{ HEAD ROUTE "ussd = { screens = { en = {\n main = \""
	  "0123456789012345678901234567890123456789012345678901234567890123456789"
	  "0123456789012345678901234567890123456789012345678901234567890123456789"
	  "0123456789012345678901234567890123456789\"; }; }; };\n", 4,
	  "ussd.screens.en.main", "182" },
	/* A reason line that leaves no room for the screen below it. */
	{ HEAD ROUTE "ussd = { screens = { vi = {\n bad_choice = \""
	  "0123456789012345678901234567890123456789012345678901234567890123456789"
	  "0123456789012345678901234567890123456789012345678901234567890123456789"
	  "\"; }; }; };\n", 4, "ussd.screens.vi.bad_choice", "182" },
	{ HEAD ROUTE "ussd = { screens = { en = {\n main = \"{venue}\"; }; }; };\n",
	  4, "ussd.screens.en.main", "placeholder" },
	{ HEAD ROUTE "ussd = { screens = { en = {\n mian = \"x\"; }; }; };\n",
	  4, "ussd.screens.en.mian", "screen name" },
	{ HEAD ROUTE "ussd = { screens = {\n km = { main = \"x\"; }; }; };\n",
	  4, "ussd.screens.km", "languages are vi, en" },
	/* A keyword claimed by two meanings in one language. */
	{ HEAD ROUTE "keywords = {\n yes = { en = [ \"ok\", \"sure\" ]; };\n"
	  " no = { en = [ \"no\", \"Sure\" ]; };\n};\n", 5, "keywords.no.en",
	  "means yes and no" },
	/* ... even against a built-in one. */
	{ HEAD ROUTE "keywords = {\n help = {\n  vi = [ \"hd\", \"ls\" ]; }; };\n",
	  5, "keywords.help.vi", "means" },
	/* A language's own word is taken in every language. */
	{ HEAD ROUTE "languages = (\n { code = \"km\";\n"
	  "   keywords = [ \"KM\", \"OK\" ]; } );\n", 5,
	  "languages[0].keywords", "means yes and lang km" },
	{ HEAD ROUTE "keywords = {\n maybe = { en = [ \"mb\" ]; }; };\n", 4,
	  "keywords.maybe", "unknown setting" },
	{ HEAD ROUTE "keywords = {\n yes = {\n  fr = [ \"oui\" ]; }; };\n", 5,
	  "keywords.yes.fr", "languages are vi, en" },
	{ HEAD ROUTE "keywords = {\n yes = {\n  en = [ \"  \" ]; }; };\n", 5,
	  "keywords.yes.en", "not a keyword" },
	{ HEAD ROUTE "keywords = {\n yes = {\n  en = \"yes\"; }; };\n", 5,
	  "keywords.yes.en", "must be" },
	/* Languages. */
	{ HEAD ROUTE "languages = (\n { code = \"km\"; } );\n", 4,
	  "languages[0].keywords", "required" },
	{ HEAD ROUTE "languages = (\n { code = \"Khmer\"; keywords = [ \"x\" ]; } );\n",
	  4, "languages[0].code", "language code" },
	{ HEAD ROUTE "languages = (\n { code = \"km\"; keywords = [ \"km\" ]; },\n"
	  " { code = \"km\"; keywords = [ \"kh\" ]; } );\n", 5,
	  "languages[1].code", "twice" },
	{ HEAD ROUTE "languages = ( { code = \"km\"; keywords = [ \"km\" ];\n"
	  " fallback = \"km\"; } );\n", 4, "languages[0].fallback", "vi or en" },
	{ HEAD ROUTE "languages = ( { code = \"km\"; keywords = [ \"km\" ];\n"
	  " name = \"Khmer\"; } );\n", 4, "languages[0].name", "unknown" },
	{ HEAD ROUTE "language = \"km\";\n", 3, "language", "not one of vi, en" },
};

START_TEST(test_bad_words)
{
	struct config	*cfg;
	char		 err[ERRLEN], want[1024];
	int		 i = _i;

	cfg = load_text(bad_words_cases[i].text, err);
	ck_assert_msg(cfg == NULL, "case %d (%s) was accepted", i,
	    bad_words_cases[i].setting);
	snprintf(want, sizeof want, "%s:%d: %s: ", cfgpath,
	    bad_words_cases[i].line, bad_words_cases[i].setting);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
	    "case %d: want \"%s\" in \"%s\"", i, want, err);
	ck_assert_msg(strstr(err, bad_words_cases[i].reason) != NULL,
	    "case %d: want \"%s\" in \"%s\"", i, bad_words_cases[i].reason, err);
	ck_assert_msg(strchr(err, '\n') == NULL, "case %d: newline in error", i);
}
END_TEST

/* No word settings: today's words, exactly. */
START_TEST(test_words_defaults)
{
	const struct msg_keyword	*bk, *kw;
	struct config			*cfg;
	char				 err[ERRLEN];
	size_t				 nbk, nkw, i;
	int				 l, id;

	cfg = load_text(HEAD ROUTE, err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_int_eq(msg_nlangs(&cfg->texts), 2);
	ck_assert_str_eq(msg_lang_code(&cfg->texts, LANG_VI), "vi");
	ck_assert_str_eq(msg_lang_code(&cfg->texts, LANG_EN), "en");
	ck_assert_int_eq(cfg->language, LANG_VI);
	for (l = 0; l < LANG_COUNT; l++) {
		for (id = 0; id < MSG_COUNT; id++)
			ck_assert_str_eq(msg_template(&cfg->texts, l, id),
			    msg_default(id, l));
		for (id = UT_NONE + 1; id < UT_COUNT; id++)
			ck_assert_str_eq(msg_screen(&cfg->texts, l, id),
			    msg_screen_default(id, l));
	}
	/* Today's keywords, in today's order of meanings. */
	bk = msg_kw_builtin(&nbk);
	kw = msg_keywords(&cfg->texts, &nkw);
	ck_assert_uint_eq(nkw, nbk);
	for (i = 0; i < nkw; i++) {
		ck_assert_int_eq(kw[i].kw, bk[i].kw);
		ck_assert_int_eq(kw[i].lang, bk[i].lang);
		ck_assert_str_eq(kw[i].word, bk[i].word);
	}
	config_free(cfg);
}
END_TEST

/* A third language by configuration alone; synonyms; a changed keyword. */
START_TEST(test_words_language)
{
	const struct msg_keyword	*kw;
	const struct question_set	*qs;
	struct config			*cfg;
	char				 err[ERRLEN], *s;
	size_t				 nkw, i;
	int				 found_km = 0, found_mr = 0, found_ra = 0;

	cfg = load_text(HEAD ROUTE
	    "language = \"km\";\n"
	    "languages = ( { code = \"km\"; keywords = [ \"KM\", \"Khmer\" ];\n"
	    "  fallback = \"en\"; } );\n"
	    "keywords = { checkout = { vi = [ \"RA\", \"Về\" ]; };\n"
	    "  yes = { km = [ \"Baat\", \"Chaa\" ]; }; };\n"
	    "templates = { km = { help = \"Chuoy: phnheu lek kaut {short_number}\"; };\n"
	    "  en = { stop = \"Stopped.\"; }; };\n"
	    "ussd = { screens = { km = { main = \"Check-in\\n1 Check-in\\n0 Chenh\"; }; }; };\n",
	    err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_int_eq(msg_nlangs(&cfg->texts), 3);
	ck_assert_str_eq(msg_lang_code(&cfg->texts, 2), "km");
	ck_assert_int_eq(msg_lang_find(&cfg->texts, "km"), 2);
	ck_assert_int_eq(cfg->language, 2);

	/* The language's own texts, else its fallback's (English). */
	ck_assert_str_eq(msg_template(&cfg->texts, 2, MSG_HELP),
	    "Chuoy: phnheu lek kaut {short_number}");
	ck_assert_str_eq(msg_template(&cfg->texts, 2, MSG_STOP), "Stopped.");
	ck_assert_str_eq(msg_template(&cfg->texts, 2, MSG_CHECKOUT),
	    msg_default(MSG_CHECKOUT, LANG_EN));
	ck_assert_str_eq(msg_screen(&cfg->texts, 2, UT_MAIN),
	    "Check-in\n1 Check-in\n0 Chenh");
	ck_assert_str_eq(msg_screen(&cfg->texts, 2, UT_BYE),
	    msg_screen_default(UT_BYE, LANG_EN));
	s = msg_render(&cfg->texts, 2, MSG_HELP, (struct msg_var[]){
	    { "short_number", "8088" } }, 1);
	ck_assert_str_eq(s, "Chuoy: phnheu lek kaut 8088");
	free(s);
	/* Questions ask in the fallback language. */
	qs = config_questions(cfg, "default");
	ck_assert_str_eq(qs->questions[0].text[2],
	    qs->questions[0].text[LANG_EN]);

	/* Keywords folded; "ve" replaced the built-in Vietnamese checkout words. */
	kw = msg_keywords(&cfg->texts, &nkw);
	for (i = 0; i < nkw; i++) {
		if (kw[i].kw == KW_LANG && kw[i].lang == 2 &&
		    strcmp(kw[i].word, "khmer") == 0)
			found_km++;
		if (kw[i].kw == KW_YES && kw[i].lang == 2 &&
		    strcmp(kw[i].word, "chaa") == 0)
			found_mr++;
		if (kw[i].kw == KW_CHECKOUT && kw[i].lang == LANG_VI) {
			ck_assert_msg(strcmp(kw[i].word, "ra") == 0 ||
			    strcmp(kw[i].word, "ve") == 0, "%s", kw[i].word);
			found_ra++;
		}
	}
	ck_assert_int_eq(found_km, 1);
	ck_assert_int_eq(found_mr, 1);
	ck_assert_int_eq(found_ra, 2);
	config_free(cfg);

	/* A diacritic template fits one UCS-2 segment once folded. */
	cfg = load_text(HEAD ROUTE "fold_diacritics = true;\n"
	    "templates = { vi = { checkout = \"Đã ghi nhận bạn ra về khỏi "
	    "{venue} lúc {time}. Cảm ơn bạn.\"; }; };\n", err);
	ck_assert_msg(cfg != NULL, "%s", err);
	config_free(cfg);
}
END_TEST

START_TEST(test_missing_file)
{
	char	 err[ERRLEN];

	ck_assert_ptr_null(config_load("/nonexistent/checkind.conf", route_drivers,
	    fmt_formats, err, sizeof err));
	ck_assert_msg(strstr(err, "/nonexistent/checkind.conf") != NULL, "%s",
	    err);
	ck_assert_msg(strstr(err, "No such file") != NULL, "%s", err);
}
END_TEST

/* Secret files: first line, trailing CR/LF stripped; bad ones refused. */
static const struct {
	const char	*content;	/* NULL: the file is not created */
	const char	*secret;	/* NULL: refused */
} secret_cases[] = {
	{ "s3cret\n", "s3cret" },
	{ "s3cret", "s3cret" },
	{ "s3cret\r\n", "s3cret" },
	{ "s3cret\n\n", "s3cret" },
	{ "with space and #hash\n", "with space and #hash" },
	{ "", NULL },
	{ "\n", NULL },
	{ "two\nlines\n", NULL },
	{ NULL, NULL },
};

START_TEST(test_secret_file)
{
	struct config	*cfg;
	char		 err[ERRLEN], secret[600], text[2048];
	size_t		 i;

	snprintf(secret, sizeof secret, "%s/secret", tmpdir);
	for (i = 0; i < nitems(secret_cases); i++) {
		unlink(secret);
		if (secret_cases[i].content != NULL)
			write_file(secret, secret_cases[i].content);
		snprintf(text, sizeof text, HEAD "inbound = (\n"
		    " { name = \"k\"; format = \"kannel\"; path = \"/k\";\n"
		    "   secret_file = \"%s\"; },\n"
		    " { name = \"tw\"; format = \"twilio\"; path = \"/tw\";\n"
		    "   auth_token_file = \"%s\"; }\n);\n", secret, secret);
		cfg = load_text(text, err);
		if (secret_cases[i].secret == NULL) {
			ck_assert_msg(cfg == NULL, "case %zu accepted", i);
			ck_assert_msg(strstr(err, "checkind.conf:4: "
			    "inbound[0].secret_file: ") != NULL, "case %zu: %s",
			    i, err);
			ck_assert_msg(strstr(err, secret) != NULL,
			    "case %zu: %s", i, err);
			continue;
		}
		ck_assert_msg(cfg != NULL, "case %zu: %s", i, err);
		ck_assert_str_eq(cfg->inbound[0].secret, secret_cases[i].secret);
		ck_assert_str_eq(cfg->inbound[1].auth_token,
		    secret_cases[i].secret);
		config_free(cfg);
	}
}
END_TEST

/* Allow lists: which peers each list lets in. */
static const struct {
	const char	*allow;		/* the array's contents */
	const char	*peer;
	int		 allowed;
} allow_cases[] = {
	{ "", "203.0.113.9", 1 },
	{ "", "2001:db8::1", 1 },
	{ "\"127.0.0.1\"", "127.0.0.1", 1 },
	{ "\"127.0.0.1\"", "127.0.0.2", 0 },
	{ "\"127.0.0.1\"", "::1", 0 },
	{ "\"127.0.0.1\"", "::ffff:127.0.0.1", 1 },
	{ "\"127.0.0.1\"", "::ffff:127.0.0.2", 0 },
	{ "\"10.0.0.0/8\"", "10.255.255.255", 1 },
	{ "\"10.0.0.0/8\"", "10.0.0.0", 1 },
	{ "\"10.0.0.0/8\"", "11.0.0.0", 0 },
	{ "\"10.0.0.0/8\"", "9.255.255.255", 0 },
	{ "\"192.168.4.0/22\"", "192.168.7.200", 1 },
	{ "\"192.168.4.0/22\"", "192.168.8.1", 0 },
	{ "\"192.168.4.0/22\"", "192.168.3.255", 0 },
	{ "\"198.51.100.4/31\"", "198.51.100.6", 0 },
	{ "\"198.51.100.4/31\"", "198.51.100.5", 1 },
	{ "\"198.51.100.6/31\"", "198.51.100.7", 1 },
	{ "\"0.0.0.0/0\"", "203.0.113.9", 1 },
	{ "\"0.0.0.0/0\"", "2001:db8::1", 0 },
	{ "\"::/0\"", "2001:db8::1", 1 },
	{ "\"::1\"", "::1", 1 },
	{ "\"::1\"", "::2", 0 },
	{ "\"::1\"", "127.0.0.1", 0 },
	{ "\"2001:db8::/32\"", "2001:db8:ffff::1", 1 },
	{ "\"2001:db8::/32\"", "2001:db9::1", 0 },
	{ "\"fe80::/10\"", "febf::1", 1 },
	{ "\"fe80::/10\"", "fec0::1", 0 },
	{ "\"127.0.0.1\", \"10.0.0.0/8\", \"::1\"", "10.1.2.3", 1 },
	{ "\"127.0.0.1\", \"10.0.0.0/8\", \"::1\"", "::1", 1 },
	{ "\"127.0.0.1\", \"10.0.0.0/8\", \"::1\"", "172.16.0.1", 0 },
};

START_TEST(test_allow)
{
	const struct inbound_route	*r;
	struct config			*cfg;
	unsigned char			 addr[16];
	char				 err[ERRLEN], text[1024];
	int				 family;
	size_t				 i;

	for (i = 0; i < nitems(allow_cases); i++) {
		snprintf(text, sizeof text, HEAD "inbound = ( { name = \"k\"; "
		    "format = \"kannel\"; path = \"/k\"; allow = [ %s ]; } );\n",
		    allow_cases[i].allow);
		cfg = load_text(text, err);
		ck_assert_msg(cfg != NULL, "case %zu: %s", i, err);
		r = config_inbound_by_path(cfg, "/k");
		ck_assert_ptr_nonnull(r);
		family = strchr(allow_cases[i].peer, ':') != NULL ? AF_INET6 :
		    AF_INET;
		ck_assert_int_eq(inet_pton(family, allow_cases[i].peer, addr), 1);
		ck_assert_msg(config_allowed(r, family, addr) ==
		    allow_cases[i].allowed, "case %zu: [%s] %s: want %d", i,
		    allow_cases[i].allow, allow_cases[i].peer,
		    allow_cases[i].allowed);
		config_free(cfg);
	}
}
END_TEST

static const struct {
	const char	*listen;
	const char	*host;		/* NULL: refused */
	unsigned	 port;
} listen_cases[] = {
	{ "127.0.0.1:8080", "127.0.0.1", 8080 },
	{ "0.0.0.0:1", "0.0.0.0", 1 },
	{ "[::1]:8080", "::1", 8080 },
	{ "[::]:65535", "::", 65535 },
	{ "localhost:80", "localhost", 80 },
	{ "127.0.0.1:65536", NULL, 0 },
	{ "127.0.0.1:0", NULL, 0 },
	{ "127.0.0.1:", NULL, 0 },
	{ ":8080", NULL, 0 },
	{ "127.0.0.1", NULL, 0 },
	{ "::1:8080", NULL, 0 },
	{ "[::1]8080", NULL, 0 },
	{ "[]:8080", NULL, 0 },
	{ "[127.0.0.1]:80", NULL, 0 },
	{ "127.0.0.1:-80", NULL, 0 },
	{ "127.0.0.1:+80", NULL, 0 },
	{ "-host:80", NULL, 0 },
	{ "", NULL, 0 },
};

START_TEST(test_listen_split)
{
	char		 host[64];
	uint16_t	 port;
	size_t		 i;
	int		 rc;

	for (i = 0; i < nitems(listen_cases); i++) {
		port = 0;
		rc = config_listen_split(listen_cases[i].listen, host,
		    sizeof host, &port);
		if (listen_cases[i].host == NULL) {
			ck_assert_msg(rc == -1, "\"%s\" accepted",
			    listen_cases[i].listen);
			continue;
		}
		ck_assert_msg(rc == 0, "\"%s\" refused", listen_cases[i].listen);
		ck_assert_str_eq(host, listen_cases[i].host);
		ck_assert_uint_eq(port, listen_cases[i].port);
	}
	ck_assert_int_eq(config_listen_split("127.0.0.1:80", host, 4, &port), -1);
}
END_TEST

START_TEST(test_durability)
{
	struct config	*cfg;
	char		 err[ERRLEN];

	cfg = load_text(HEAD ROUTE, err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_int_eq(cfg->durable, 1);
	config_free(cfg);
	cfg = load_text(HEAD ROUTE "durability = \"normal\";\n", err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_int_eq(cfg->durable, 0);
	config_free(cfg);
	cfg = load_text(HEAD ROUTE "durability = \"fast\";\n", err);
	ck_assert_ptr_null(cfg);
	ck_assert_ptr_nonnull(strstr(err, "durability"));
}
END_TEST

/* Channel routes' settings and their defaults; limits and their defaults. */
START_TEST(test_channels)
{
	struct config		*cfg;
	const struct route	*r;
	char			 err[ERRLEN];

	cfg = load_text(HEAD OUTBOX_ROUTE "routes = (\n"
	    " { name = \"s\"; driver = \"smpp\"; host = \"10.0.0.5\"; system_id = \"ck\";"
	    " password = \"pw\"; window = 64; },\n"
	    " { name = \"m\"; driver = \"modem\"; device = \"/dev/ttyUSB0\"; } );\n"
	    "limits = { messages_per_minute = 0; };\n", err);
	ck_assert_msg(cfg != NULL, "%s", err);
	r = config_route(cfg, "s");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->host, "10.0.0.5");
	ck_assert_int_eq(r->port, 2775);
	ck_assert_str_eq(r->system_id, "ck");
	ck_assert_str_eq(r->password, "pw");
	ck_assert_str_eq(r->system_type, "");
	ck_assert_str_eq(r->address_range, "");
	ck_assert_int_eq(r->inflight, 64);
	ck_assert_int_eq(r->bind, ROUTE_BIND_TRANSCEIVER);
	ck_assert_int_eq(r->enquire_link, 30);
	ck_assert_int_eq(r->reconnect_max, 60);
	ck_assert_int_eq(r->long_mode, ROUTE_LONG_UDH);
	ck_assert_int_eq(r->alphabet, ROUTE_ALPHABET_GSM7);
	ck_assert_int_eq(r->receipts, 1);
	ck_assert_str_eq(r->from, "8088");
	r = config_route(cfg, "m");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->device, "/dev/ttyUSB0");
	ck_assert_int_eq(r->baud, 115200);
	ck_assert_ptr_null(r->pin);
	ck_assert_str_eq(r->storage, "SM");
	ck_assert_int_eq(r->validity, 1440);
	ck_assert_int_eq(r->health, 30);
	ck_assert_int_eq(r->cfun_reset, 0);
	ck_assert_int_eq(cfg->limit_per_minute, 0);
	ck_assert_int_eq(cfg->limit_replies_hour, 30);
	ck_assert_int_eq(cfg->limit_repeats, 3);
	ck_assert_int_eq(cfg->multipart_timeout, 600);
	ck_assert_int_eq(cfg->max_database_mb, 0);
	ck_assert_int_eq(cfg->http_max_connections, 1024);
	ck_assert_int_eq(cfg->http_timeout, 30);
	config_free(cfg);
}
END_TEST

START_TEST(test_template_used)
{
	struct config		*cfg;
	struct msg_var		 vars[] = { { "venue", "Cho Dong Xuan" },
				    { "time", "08:15 16/09" } };
	char			 err[ERRLEN], *s;

	cfg = load_text(HEAD ROUTE "templates = { vi = { checkout = "
	    "\"Lai {venue} ({time})\"; }; };\n", err);
	ck_assert_msg(cfg != NULL, "%s", err);
	s = msg_render(&cfg->texts, LANG_VI, MSG_CHECKOUT, vars, nitems(vars));
	ck_assert_str_eq(s, "Lai Cho Dong Xuan (08:15 16/09)");
	free(s);
	s = msg_render(&cfg->texts, LANG_EN, MSG_CHECKOUT, vars, nitems(vars));
	ck_assert_str_ne(s, "Lai Cho Dong Xuan (08:15 16/09)");
	ck_assert_ptr_nonnull(strstr(s, "Cho Dong Xuan"));
	free(s);
	config_free(cfg);
}
END_TEST

/* Every driver, every setting: values kept, defaults filled in. */
START_TEST(test_routes)
{
	const struct route	*r;
	struct config		*cfg;
	char			 err[ERRLEN];

	cfg = load_text(HEAD
	    "inbound = (\n"
	    " { name = \"t\"; format = \"json\"; path = \"/sms/json\"; },\n"
	    " { name = \"at-in\"; format = \"africastalking\"; path = \"/sms/at\";\n"
	    "   reply = \"outbox\"; route = \"at\"; },\n"
	    " { name = \"k-in\"; format = \"kannel\"; path = \"/sms/kannel\";\n"
	    "   reply = \"outbox\"; },\n"
	    " { name = \"tw-in\"; format = \"twilio\"; path = \"/sms/twilio\";\n"
	    "   auth_token = \"t\"; reply = \"outbox\"; route = \"tw\"; }\n"
	    ");\n"
	    "outbox = { max_attempts = 3; max_age = 600; default_route = \"kannel\";\n"
	    "  retry_base = 1; retry_max = 120; };\n"
	    "routes = (\n"
	    " { name = \"kannel\"; driver = \"kannel\";\n"
	    "   url = \"http://127.0.0.1:13013/cgi-bin/sendsms\";\n"
	    "   username = \"gw\"; password = \"pw\"; from = \"8088\";\n"
	    "   rate = 50; inflight = 8; connect_timeout = 2; timeout = 10;\n"
	    "   dlr_url = \"http://127.0.0.1:8080/dlr/kannel\"; },\n"
	    " { name = \"at\"; driver = \"africastalking\";\n"
	    "   url = \"https://api.africastalking.com/version1/messaging\";\n"
	    "   username = \"sandbox\"; api_key = \"atkey\";\n"
	    "   prefixes = [ \"+8486\", \"+8496\" ]; fallback = \"kannel\"; },\n"
	    " { name = \"tw\"; driver = \"twilio\";\n"
	    "   url = \"https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json\";\n"
	    "   username = \"AC1\"; password = \"authtoken\";\n"
	    "   from = \"+15005550006\"; rate = 0.5; },\n"
	    " { name = \"agg\"; driver = \"json\"; url = \"http://127.0.0.1:9000/send\";\n"
	    "   token = \"t\"; rate = 20.0; from = \"CHECKIN\";\n"
	    "   prefixes = ( \"+1\" ); },\n"
	    " { name = \"j2\"; driver = \"json\"; url = \"https://h/send\";\n"
	    "   rate = 10000; inflight = 256; connect_timeout = 300;\n"
	    "   timeout = 3600; },\n"
	    " { name = \"dry\"; driver = \"null\"; rate = 0.001; inflight = 1;\n"
	    "   connect_timeout = 1; timeout = 1; prefixes = [ ]; }\n"
	    ");\n", err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_uint_eq(cfg->nroutes, 6);
	ck_assert_int_eq(cfg->outbox_max_attempts, 3);
	ck_assert_int_eq(cfg->outbox_max_age, 600);
	ck_assert_str_eq(cfg->outbox_default_route, "kannel");
	ck_assert_double_eq(cfg->outbox_retry_base, 1.0);
	ck_assert_int_eq(cfg->outbox_retry_max, 120);

	ck_assert_str_eq(cfg->inbound[0].reply, "inline");
	ck_assert_ptr_null(cfg->inbound[0].route);
	ck_assert_str_eq(cfg->inbound[1].format, "africastalking");
	ck_assert_str_eq(cfg->inbound[1].reply, "outbox");
	ck_assert_str_eq(cfg->inbound[1].route, "at");
	ck_assert_str_eq(cfg->inbound[2].reply, "outbox");
	ck_assert_ptr_null(cfg->inbound[2].route);
	ck_assert_str_eq(cfg->inbound[3].route, "tw");

	r = config_route(cfg, "kannel");
	ck_assert_ptr_eq(r, &cfg->routes[0]);
	ck_assert_str_eq(r->driver, "kannel");
	ck_assert_str_eq(r->url, "http://127.0.0.1:13013/cgi-bin/sendsms");
	ck_assert_str_eq(r->username, "gw");
	ck_assert_str_eq(r->password, "pw");
	ck_assert_ptr_null(r->api_key);
	ck_assert_ptr_null(r->token);
	ck_assert_str_eq(r->from, "8088");
	ck_assert_double_eq(r->rate, 50.0);
	ck_assert_int_eq(r->inflight, 8);
	ck_assert_int_eq(r->connect_timeout, 2);
	ck_assert_int_eq(r->timeout, 10);
	ck_assert_uint_eq(r->nprefixes, 0);
	ck_assert_ptr_null(r->fallback);
	ck_assert_str_eq(r->dlr_url, "http://127.0.0.1:8080/dlr/kannel");

	r = config_route(cfg, "at");
	ck_assert_str_eq(r->driver, "africastalking");
	ck_assert_str_eq(r->username, "sandbox");
	ck_assert_str_eq(r->api_key, "atkey");
	ck_assert_ptr_null(r->password);
	ck_assert_str_eq(r->from, "8088");	/* short_number by default */
	ck_assert_uint_eq(r->nprefixes, 2);
	ck_assert_str_eq(r->prefixes[0], "+8486");
	ck_assert_str_eq(r->prefixes[1], "+8496");
	ck_assert_str_eq(r->fallback, "kannel");
	ck_assert_ptr_null(r->dlr_url);
	/* Defaults. */
	ck_assert_double_eq(r->rate, 10.0);
	ck_assert_int_eq(r->inflight, 4);
	ck_assert_int_eq(r->connect_timeout, 5);
	ck_assert_int_eq(r->timeout, 30);

	r = config_route(cfg, "tw");
	ck_assert_str_eq(r->username, "AC1");
	ck_assert_str_eq(r->password, "authtoken");
	ck_assert_str_eq(r->from, "+15005550006");
	ck_assert_double_eq(r->rate, 0.5);

	r = config_route(cfg, "agg");
	ck_assert_str_eq(r->driver, "json");
	ck_assert_str_eq(r->token, "t");
	ck_assert_ptr_null(r->username);
	ck_assert_str_eq(r->from, "CHECKIN");
	ck_assert_double_eq(r->rate, 20.0);
	ck_assert_uint_eq(r->nprefixes, 1);
	ck_assert_str_eq(r->prefixes[0], "+1");

	r = config_route(cfg, "j2");
	ck_assert_ptr_null(r->token);
	ck_assert_double_eq(r->rate, 10000.0);
	ck_assert_int_eq(r->inflight, 256);
	ck_assert_int_eq(r->connect_timeout, 300);
	ck_assert_int_eq(r->timeout, 3600);

	r = config_route(cfg, "dry");
	ck_assert_str_eq(r->driver, "null");
	ck_assert_ptr_null(r->url);
	ck_assert_double_eq_tol(r->rate, 0.001, 1e-12);
	ck_assert_int_eq(r->inflight, 1);
	ck_assert_uint_eq(r->nprefixes, 0);
	ck_assert_ptr_null(r->prefixes);

	ck_assert_ptr_null(config_route(cfg, "Kannel"));
	ck_assert_ptr_null(config_route(cfg, "kanne"));
	ck_assert_ptr_null(config_route(cfg, ""));
	ck_assert_ptr_null(config_route(cfg, NULL));
	ck_assert_ptr_null(config_route(NULL, "kannel"));
	config_free(cfg);

	/* An empty list is no routes; an empty outbox group is the defaults. */
	cfg = load_text(HEAD ROUTE "routes = ( );\noutbox = { };\n", err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_uint_eq(cfg->nroutes, 0);
	ck_assert_int_eq(cfg->outbox_max_attempts, 8);
	ck_assert_int_eq(cfg->outbox_max_age, 86400);
	ck_assert_double_eq(cfg->outbox_retry_base, 10.0);
	ck_assert_int_eq(cfg->outbox_retry_max, 3600);
	config_free(cfg);

	/*
	 * Limits are inclusive; default_route, an inbound route and a
	 * fallback may name a route that comes later in the file.
	 */
	cfg = load_text(HEAD "inbound = ( { name = \"t\"; format = \"json\";\n"
	    "  path = \"/sms/json\"; reply = \"outbox\"; route = \"b\"; } );\n"
	    "outbox = { max_attempts = 100; default_route = \"b\";\n"
	    "  max_age = 60; retry_base = 0.05; retry_max = 86400; };\n"
	    "routes = ( { name = \"a\"; driver = \"null\"; fallback = \"b\"; },\n"
	    "  { name = \"b\"; driver = \"null\"; fallback = \"a\"; } );\n", err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_int_eq(cfg->outbox_max_attempts, 100);
	ck_assert_int_eq(cfg->outbox_max_age, 60);
	ck_assert_double_eq(cfg->outbox_retry_base, 0.05);
	ck_assert_int_eq(cfg->outbox_retry_max, 86400);
	ck_assert_str_eq(cfg->routes[0].fallback, "b");
	ck_assert_str_eq(cfg->routes[1].fallback, "a");
	ck_assert_str_eq(cfg->inbound[0].reply, "outbox");
	ck_assert_str_eq(cfg->inbound[0].route, "b");
	ck_assert_str_eq(cfg->outbox_default_route, "b");
	config_free(cfg);
}
END_TEST

/* The smallest route each driver takes, and the settings it may have. */
static const char *driver_ok[] = {
	"{ name = \"k\"; driver = \"kannel\"; url = \"http://h/s\";"
	" username = \"u\"; password = \"p\"; }",
	"{ name = \"at\"; driver = \"africastalking\"; url = \"https://h/m\";"
	" username = \"sandbox\"; api_key = \"k\"; }",
	"{ name = \"tw\"; driver = \"twilio\"; url = \"https://h/m\";"
	" username = \"AC1\"; password = \"t\"; }",
	"{ name = \"j\"; driver = \"json\"; url = \"http://h/s\"; }",
	"{ name = \"j\"; driver = \"json\"; url = \"http://h/s\"; token = \"t\"; }",
	"{ name = \"n\"; driver = \"null\"; }",
	"{ name = \"s\"; driver = \"smpp\"; host = \"10.0.0.5\"; system_id = \"checkind\";"
	" password = \"12345678\"; window = 64; long = \"payload\"; alphabet = \"latin1\";"
	" bind = \"pair\"; receipts = false; }",
	"{ name = \"m\"; driver = \"modem\"; device = \"/dev/ttyUSB0\"; pin = \"1234\";"
	" baud = 9600; storage = \"ME\"; health = 5; cfun_reset = true; }",
	/* A dry run keeps a channel's settings too. */
	"{ name = \"n\"; driver = \"null\"; host = \"h\"; device = \"/dev/ttyS0\"; }",
	/* A dry run keeps the real route's settings. */
	"{ name = \"n\"; driver = \"null\"; url = \"http://h/s\";"
	" username = \"u\"; password = \"p\"; api_key = \"k\"; token = \"t\";"
	" from = \"8088\"; dlr_url = \"https://h/dlr/n\"; }",
	"{ name = \"n\"; driver = \"null\"; from = \"+84912345678\"; }",
	"{ name = \"n\"; driver = \"null\"; from = \"123456789012345\"; }",
	"{ name = \"n\"; driver = \"null\"; from = \"Check-In_HN\"; }",
	"{ name = \"n\"; driver = \"null\"; from = \"HK 2021\"; }",
	"{ name = \"n\"; driver = \"null\"; rate = 10000.0; }",
	"{ name = \"n\"; driver = \"null\"; rate = 1e-3; }",
	"{ name = \"n\"; driver = \"null\"; rate = 50L; }",
	"{ name = \"n-1_x\"; driver = \"null\"; prefixes = [ \"+123456789012345\","
	" \"+8\" ]; }",
};

START_TEST(test_route_drivers)
{
	struct config	*cfg;
	char		 err[ERRLEN], text[2048];
	size_t		 i;

	for (i = 0; i < nitems(driver_ok); i++) {
		snprintf(text, sizeof text, HEAD OUTBOX_ROUTE "routes = ( %s );\n",
		    driver_ok[i]);
		cfg = load_text(text, err);
		ck_assert_msg(cfg != NULL, "case %zu: %s", i, err);
		ck_assert_uint_eq(cfg->nroutes, 1);
		ck_assert_ptr_eq(config_route_for(cfg, "+84912345678"),
		    &cfg->routes[0]);
		config_free(cfg);
	}
}
END_TEST

/* Route secrets from files, read like secret_file. */
START_TEST(test_route_secret_files)
{
	struct config	*cfg;
	char		 err[ERRLEN], secret[600], text[4096];

	snprintf(secret, sizeof secret, "%s/secret", tmpdir);
	write_file(secret, "from-a-file\r\n");
	snprintf(text, sizeof text, HEAD ROUTE "routes = (\n"
	    " { name = \"k\"; driver = \"kannel\"; url = \"http://h/s\";\n"
	    "   username = \"u\"; password_file = \"%s\"; },\n"
	    " { name = \"at\"; driver = \"africastalking\"; url = \"http://h/s\";\n"
	    "   username = \"u\"; api_key_file = \"%s\"; },\n"
	    " { name = \"j\"; driver = \"json\"; url = \"http://h/s\";\n"
	    "   token_file = \"%s\"; }\n);\n", secret, secret, secret);
	cfg = load_text(text, err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(cfg->routes[0].password, "from-a-file");
	ck_assert_str_eq(cfg->routes[1].api_key, "from-a-file");
	ck_assert_str_eq(cfg->routes[2].token, "from-a-file");
	config_free(cfg);

	write_file(secret, "two\nlines\n");
	cfg = load_text(text, err);
	ck_assert_ptr_null(cfg);
	ck_assert_msg(strstr(err, "checkind.conf:5: routes[0].password_file: ")
	    != NULL, "%s", err);
}
END_TEST

/* Which route a number goes out on. */
static const struct {
	const char	*number;
	const char	*route;		/* with default_route = "c" */
	const char	*first;		/* without a default_route */
} route_for_cases[] = {
	{ "+84861234567", "a", "a" },
	{ "+84961234567", "a", "a" },		/* +8496 beats +849 */
	{ "+84901234567", "b", "b" },		/* +849 beats +84 */
	{ "+84321234567", "b", "b" },
	{ "+8486", "a", "a" },			/* the prefix itself */
	{ "+848", "b", "b" },			/* shorter than +8486 */
	{ "+15555550100", "d", "d" },
	{ "+16", "d", "d" },
	{ "+44201234567", "c", "b" },		/* no prefix: the default */
	{ "+8", "c", "b" },
	{ "+", "c", "b" },
	{ "", "c", "b" },
	{ "84861234567", "c", "b" },		/* not E.164: no prefix matches */
	{ NULL, "c", "b" },
};

START_TEST(test_route_for)
{
	struct config		*cfg, *cfg_first;
	const struct route	*r;
	char			 err[ERRLEN];
	size_t			 i;

#define FOR_ROUTES \
	"routes = (\n" \
	" { name = \"b\"; driver = \"null\"; prefixes = [ \"+84\", \"+849\" ]; },\n" \
	" { name = \"a\"; driver = \"null\"; prefixes = [ \"+8486\", \"+8496\" ]; },\n" \
	" { name = \"c\"; driver = \"null\"; },\n" \
	" { name = \"d\"; driver = \"null\"; prefixes = [ \"+1\" ]; }\n);\n"
	cfg = load_text(HEAD ROUTE FOR_ROUTES
	    "outbox = { default_route = \"c\"; };\n", err);
	ck_assert_msg(cfg != NULL, "%s", err);
	cfg_first = load_text(HEAD ROUTE FOR_ROUTES, err);
	ck_assert_msg(cfg_first != NULL, "%s", err);
#undef FOR_ROUTES
	for (i = 0; i < nitems(route_for_cases); i++) {
		r = config_route_for(cfg, route_for_cases[i].number);
		ck_assert_ptr_nonnull(r);
		ck_assert_msg(strcmp(r->name, route_for_cases[i].route) == 0,
		    "case %zu (%s): %s, want %s", i, route_for_cases[i].number,
		    r->name, route_for_cases[i].route);
		ck_assert_ptr_eq(r, config_route(cfg, r->name));
		r = config_route_for(cfg_first, route_for_cases[i].number);
		ck_assert_ptr_nonnull(r);
		ck_assert_msg(strcmp(r->name, route_for_cases[i].first) == 0,
		    "case %zu (%s) without default: %s, want %s", i,
		    route_for_cases[i].number, r->name, route_for_cases[i].first);
	}
	config_free(cfg);
	config_free(cfg_first);

	/* No routes at all: nothing to send on. */
	cfg = load_text(HEAD ROUTE, err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_ptr_null(config_route_for(cfg, "+84861234567"));
	ck_assert_ptr_null(config_route_for(cfg, NULL));
	config_free(cfg);
	ck_assert_ptr_null(config_route_for(NULL, "+84861234567"));

	/* One route without prefixes takes everything. */
	cfg = load_text(HEAD OUTBOX_ROUTE DRY, err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(config_route_for(cfg, "+84861234567")->name, "dry");
	config_free(cfg);
}
END_TEST

/* The digests above as bytes, to compare with what the loader decoded. */
static const unsigned char md_abc[32] = {
	0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
	0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
	0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
};
static const unsigned char md_ward[32] = {
	0xd2, 0x15, 0x9f, 0x6d, 0xbf, 0x64, 0xfa, 0xb6, 0x52, 0x52, 0x83, 0x07,
	0x57, 0x3c, 0x6b, 0x3b, 0x89, 0xea, 0xf9, 0x9b, 0xc4, 0x11, 0xb3, 0xf7,
	0xf0, 0x5b, 0x8e, 0xc2, 0xd0, 0xdb, 0x0c, 0xc7
};
static const unsigned char md_tran[32] = {
	0x85, 0x8e, 0x8b, 0x6e, 0xd8, 0xee, 0xc3, 0x64, 0xd3, 0xed, 0x2f, 0x62,
	0xb3, 0x58, 0xf7, 0xb9, 0xa1, 0x5d, 0xaa, 0xba, 0x66, 0x57, 0xf9, 0x65,
	0xd2, 0x11, 0xc9, 0x7f, 0x15, 0xf9, 0x2f, 0x7d
};

/* Which token each bearer text is, in the configuration of test_admin. */
static const struct {
	const char	*bearer;
	const char	*name;		/* NULL: refused */
} bearer_cases[] = {
	{ "abc", "district.admin" },
	{ "ward-hang-bac:9f2c1e7a4b", "ward-hang-bac" },
	{ "tran.thi.b token", "tran_thi_b" },
	{ "abd", NULL },
	{ "ab", NULL },
	{ "abcd", NULL },
	{ "abc ", NULL },
	{ " abc", NULL },
	{ "ABC", NULL },
	{ "abc\n", NULL },
	{ "ward-hang-bac:9f2c1e7a4", NULL },
	{ "ward-hang-bac", NULL },
	{ SHA_ABC, NULL },		/* the digest is not the token */
	{ "", NULL },
	{ NULL, NULL },
};

START_TEST(test_admin)
{
	const struct admin_token	*t;
	struct config			*cfg;
	char				 err[ERRLEN], digest[600], text[4096];
	size_t				 i;

	snprintf(digest, sizeof digest, "%s/digest", tmpdir);
	write_file(digest, SHA_TRAN "  -\n");	/* as sha256sum prints it */
	snprintf(text, sizeof text, HEAD ROUTE
	    "admin = {\n"
	    " listen = \"[::1]:9443\";\n"
	    " max_body = 1024;\n"
	    " tokens = (\n"
	    "  { name = \"ward-hang-bac\"; role = \"tracer\";\n"
	    "    sha256 = \"D2159F6DBF64FAB652528307573C6B3B89EAF99BC411B3F7F05B8EC2D0DB0CC7\"; },\n"
	    "  { name = \"district.admin\"; role = \"admin\";\n"
	    "    sha256 = \"" SHA_ABC "\"; },\n"
	    "  { name = \"tran_thi_b\"; role = \"tracer\";\n"
	    "    sha256_file = \"%s\"; }\n"
	    " );\n"
	    "};\n", digest);
	cfg = load_text(text, err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(cfg->admin_listen, "[::1]:9443");
	ck_assert_uint_eq(cfg->admin_max_body, 1024);
	ck_assert_uint_eq(cfg->ntokens, 3);
	ck_assert_str_eq(cfg->tokens[0].name, "ward-hang-bac");
	ck_assert_int_eq(cfg->tokens[0].role, ROLE_TRACER);
	ck_assert_mem_eq(cfg->tokens[0].sha256, md_ward, 32);
	ck_assert_str_eq(cfg->tokens[1].name, "district.admin");
	ck_assert_int_eq(cfg->tokens[1].role, ROLE_ADMIN);
	ck_assert_mem_eq(cfg->tokens[1].sha256, md_abc, 32);
	ck_assert_str_eq(cfg->tokens[2].name, "tran_thi_b");
	ck_assert_int_eq(cfg->tokens[2].role, ROLE_TRACER);
	ck_assert_mem_eq(cfg->tokens[2].sha256, md_tran, 32);
	/* The rest keeps its defaults. */
	ck_assert_str_eq(cfg->http_listen, "127.0.0.1:8080");

	for (i = 0; i < nitems(bearer_cases); i++) {
		t = config_token(cfg, bearer_cases[i].bearer);
		if (bearer_cases[i].name == NULL) {
			ck_assert_msg(t == NULL, "case %zu: \"%s\" is %s", i,
			    bearer_cases[i].bearer, t != NULL ? t->name : "");
			continue;
		}
		ck_assert_msg(t != NULL, "case %zu: \"%s\" refused", i,
		    bearer_cases[i].bearer);
		ck_assert_str_eq(t->name, bearer_cases[i].name);
		ck_assert_ptr_eq(t, &cfg->tokens[t - cfg->tokens]);
		ck_assert_uint_lt((size_t)(t - cfg->tokens), cfg->ntokens);
	}
	ck_assert_ptr_null(config_token(NULL, "abc"));
	config_free(cfg);

	/* A ward's token carries its wards; ward = "..." is one of them. */
	cfg = load_text(HEAD ROUTE ADMIN_START "  { name = \"hb\"; role = "
	    "\"admin\"; sha256 = \"" SHA_ABC "\";\n    ward = \"H\xc3\xa0ng B\xe1\xba\xa1"
	    "c\"; },\n  { name = \"two\"; role = \"tracer\"; sha256 = \"" SHA_TRAN
	    "\";\n    wards = [ \"A\", \"B\" ]; },\n  { name = \"d\"; role = "
	    "\"tracer\"; sha256 = \"" SHA_WARD "\"; }\n" ADMIN_END, err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_uint_eq(cfg->tokens[0].nwards, 1);
	ck_assert_str_eq(cfg->tokens[0].wards[0], "H\xc3\xa0ng B\xe1\xba\xa1" "c");
	ck_assert_uint_eq(cfg->tokens[1].nwards, 2);
	ck_assert_str_eq(cfg->tokens[1].wards[1], "B");
	ck_assert_uint_eq(cfg->tokens[2].nwards, 0);
	ck_assert_ptr_null(cfg->tokens[2].wards);
	/* fraud = { }: 5 km and 10 minutes unless told. */
	ck_assert(cfg->fraud_distance_km == 5.0);
	ck_assert_int_eq(cfg->fraud_minutes, 10);
	config_free(cfg);

	/* An empty bearer is never a token, even one whose digest is set. */
	cfg = load_text(HEAD ROUTE ADMIN_START "  { name = \"e\"; role = "
	    "\"admin\";\n    sha256 = \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4"
	    "649b934ca495991b7852b855\"; }\n" ADMIN_END, err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_uint_eq(cfg->ntokens, 1);
	ck_assert_ptr_null(config_token(cfg, ""));
	config_free(cfg);

	/* An empty group: the defaults, and no token at all. */
	cfg = load_text(HEAD ROUTE "admin = { };\n", err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(cfg->admin_listen, "127.0.0.1:8081");
	ck_assert_uint_eq(cfg->admin_max_body, 65536);
	ck_assert_uint_eq(cfg->ntokens, 0);
	ck_assert_ptr_null(cfg->tokens);
	ck_assert_ptr_null(config_token(cfg, "abc"));
	config_free(cfg);

	/* Limits are inclusive; names up to 63 bytes; a plain digest file. */
	write_file(digest, SHA_ABC "\r\n");
	snprintf(text, sizeof text, HEAD ROUTE
	    "admin = { max_body = 16777216; tokens = (\n"
	    "  { name = \"a123456789b123456789c123456789d123456789e123456789"
	    "f123456789012\";\n    role = \"admin\"; sha256_file = \"%s\"; },\n"
	    "  { name = \"0\"; role = \"tracer\"; sha256 = \"" SHA_WARD "\"; }\n"
	    "); };\n", digest);
	cfg = load_text(text, err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_uint_eq(cfg->admin_max_body, 16777216);
	ck_assert_uint_eq(strlen(cfg->tokens[0].name), 63);
	ck_assert_mem_eq(cfg->tokens[0].sha256, md_abc, 32);
	ck_assert_ptr_eq(config_token(cfg, "abc"), &cfg->tokens[0]);
	ck_assert_ptr_eq(config_token(cfg, "ward-hang-bac:9f2c1e7a4b"),
	    &cfg->tokens[1]);
	config_free(cfg);

	/* A digest file holding something else is refused, naming the file. */
	write_file(digest, SHA_ABC "0\n");
	cfg = load_text(text, err);
	ck_assert_ptr_null(cfg);
	ck_assert_msg(strstr(err, "checkind.conf:5: admin.tokens[0].sha256_file: ")
	    != NULL && strstr(err, digest) != NULL, "%s", err);
}
END_TEST

/* Load a configuration with stderr caught: the warnings go to out. */
static struct config *
load_caught(const char *text, char *err, char *out, size_t outlen)
{
	struct config	*cfg;
	FILE		*f;
	char		 path[600];
	size_t		 n;
	int		 fd, saved;

	snprintf(path, sizeof path, "%s/stderr", tmpdir);
	fflush(stderr);
	ck_assert_int_ne(saved = dup(2), -1);
	ck_assert_int_ne(fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600), -1);
	ck_assert_int_ne(dup2(fd, 2), -1);
	close(fd);
	cfg = load_text(text, err);
	fflush(stderr);
	ck_assert_int_ne(dup2(saved, 2), -1);
	close(saved);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, outlen - 1, f);
	out[n] = '\0';
	fclose(f);
	return cfg;
}

/* Where admin.listen may be without a warning. */
static const struct {
	const char	*listen;
	int		 warn;
} admin_listen_cases[] = {
	{ "127.0.0.1:8081", 0 },
	{ "127.1.2.3:8081", 0 },
	{ "localhost:8081", 0 },
	{ "LOCALHOST:8081", 0 },
	{ "10.0.0.5:8081", 0 },
	{ "172.16.0.1:8081", 0 },
	{ "172.31.255.255:8081", 0 },
	{ "192.168.1.10:8081", 0 },
	{ "169.254.10.1:8081", 0 },
	{ "[::1]:8081", 0 },
	{ "[fd12:3456::1]:8081", 0 },
	{ "[fc00::1]:8081", 0 },
	{ "[fe80::1]:8081", 0 },
	{ "[::ffff:10.1.2.3]:8081", 0 },
	{ "0.0.0.0:8081", 1 },
	{ "[::]:8081", 1 },
	{ "203.0.113.7:8081", 1 },
	{ "11.0.0.1:8081", 1 },
	{ "9.255.255.255:8081", 1 },
	{ "172.15.255.255:8081", 1 },
	{ "172.32.0.1:8081", 1 },
	{ "192.169.0.1:8081", 1 },
	{ "128.0.0.1:8081", 1 },
	{ "[2001:db8::1]:8081", 1 },
	{ "[fe00::1]:8081", 1 },
	{ "[::2]:8081", 1 },
	{ "[::ffff:8.8.8.8]:8081", 1 },
	{ "admin.example.org:8081", 1 },
	/* Same port as http.listen on another address: both can bind. */
	{ "127.0.0.2:8080", 0 },
	{ "[::1]:8080", 0 },
	{ "192.168.1.10:8080", 0 },
};

START_TEST(test_admin_listen)
{
	struct config	*cfg;
	char		 err[ERRLEN], text[1024], out[4096];
	size_t		 i;
	int		 warned;

	for (i = 0; i < nitems(admin_listen_cases); i++) {
		snprintf(text, sizeof text, HEAD ROUTE
		    "admin = { listen = \"%s\"; };\n",
		    admin_listen_cases[i].listen);
		cfg = load_caught(text, err, out, sizeof out);
		ck_assert_msg(cfg != NULL, "case %zu: %s", i, err);
		ck_assert_str_eq(cfg->admin_listen, admin_listen_cases[i].listen);
		warned = strstr(out, "level=warn") != NULL &&
		    strstr(out, "admin.listen=") != NULL;
		ck_assert_msg(warned == admin_listen_cases[i].warn,
		    "case %zu (%s): warned %d: \"%s\"", i,
		    admin_listen_cases[i].listen, warned, out);
		config_free(cfg);
	}

	/* No admin group: no listener, nothing to warn about. */
	cfg = load_caught(HEAD ROUTE, err, out, sizeof out);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(out, "");
	config_free(cfg);

	/* http.listen elsewhere frees 127.0.0.1:8080 for the admin API. */
	cfg = load_text(HEAD ROUTE "http = { listen = \"127.0.0.1:9000\"; };\n"
	    "admin = { listen = \"127.0.0.1:8080\"; };\n", err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(cfg->admin_listen, "127.0.0.1:8080");
	config_free(cfg);
}
END_TEST

/* USSD routes, the ussd and purge groups. */
START_TEST(test_ussd)
{
	const struct inbound_route	*r;
	struct config			*cfg;
	char				 err[ERRLEN], out[4096];

	cfg = load_caught(HEAD "inbound = (\n"
	    " { name = \"t\"; format = \"json\"; path = \"/sms/json\"; },\n"
	    " { name = \"ussd\"; type = \"ussd\"; format = \"africastalking\";\n"
	    "   path = \"/ussd/at\"; },\n"
	    " { name = \"ussd-j\"; type = \"ussd\"; format = \"json\";\n"
	    "   path = \"/ussd/json\"; reply = \"inline\"; route = \"dry\";\n"
	    "   secret = \"s\"; allow = [ \"127.0.0.1\" ]; }\n"
	    ");\n" DRY
	    "ussd = { resume = 0; confirm_sms = false; };\n"
	    "purge = { interval = 60; };\n", err, out, sizeof out);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(cfg->ninbound, 3);
	r = config_inbound_by_path(cfg, "/ussd/at");
	ck_assert_ptr_eq(r, &cfg->inbound[1]);
	ck_assert_str_eq(r->type, "ussd");
	ck_assert_str_eq(r->format, "africastalking");
	ck_assert_str_eq(r->reply, "inline");
	ck_assert_ptr_null(r->route);
	r = config_inbound_by_path(cfg, "/ussd/json");
	ck_assert_str_eq(r->type, "ussd");
	ck_assert_str_eq(r->format, "json");
	ck_assert_str_eq(r->route, "dry");
	ck_assert_str_eq(r->secret, "s");
	ck_assert_uint_eq(r->nallow, 1);
	ck_assert_str_eq(cfg->inbound[0].type, "sms");
	ck_assert_int_eq(cfg->ussd_resume, 0);
	ck_assert_int_eq(cfg->ussd_confirm_sms, 0);
	ck_assert_int_eq(cfg->purge_interval, 60);
	config_free(cfg);

	/* Limits are inclusive; empty groups are the defaults. */
	cfg = load_text(HEAD ROUTE "ussd = { resume = 3600; confirm_sms = true; };\n"
	    "purge = { interval = 86400; };\n", err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_int_eq(cfg->ussd_resume, 3600);
	ck_assert_int_eq(cfg->ussd_confirm_sms, 1);
	ck_assert_int_eq(cfg->purge_interval, 86400);
	config_free(cfg);
	cfg = load_text(HEAD ROUTE "ussd = { };\npurge = { };\n", err);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_int_eq(cfg->ussd_resume, 300);
	ck_assert_int_eq(cfg->ussd_confirm_sms, 1);
	ck_assert_int_eq(cfg->purge_interval, 3600);
	config_free(cfg);

	/* A confirmation SMS with no way out loads, with a warning. */
	cfg = load_caught(HEAD "inbound = ( { name = \"u\"; type = \"ussd\";\n"
	    "  format = \"json\"; path = \"/ussd\"; } );\n", err, out,
	    sizeof out);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_msg(strstr(out, "level=warn") != NULL &&
	    strstr(out, "confirm_sms") != NULL && strstr(out, "route=u") !=
	    NULL, "%s", out);
	config_free(cfg);
	cfg = load_caught(HEAD "inbound = ( { name = \"u\"; type = \"ussd\";\n"
	    "  format = \"json\"; path = \"/ussd\"; } );\n"
	    "ussd = { confirm_sms = false; };\n", err, out, sizeof out);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(out, "");
	config_free(cfg);
	cfg = load_caught(HEAD "inbound = ( { name = \"u\"; type = \"ussd\";\n"
	    "  format = \"json\"; path = \"/ussd\"; } );\n" DRY, err, out,
	    sizeof out);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(out, "");
	config_free(cfg);
}
END_TEST

/* poster = { qr = ...; }: the QR form of the posters. */
static const struct {
	const char	*text;		/* the poster group, or "" for none */
	int		 qr;		/* enum poster_qr, or -1: refused */
	int		 line;		/* of the error */
} poster_cases[] = {
	{ "", POSTER_QR_SMSTO, 0 },
	{ "poster = { };\n", POSTER_QR_SMSTO, 0 },
	{ "poster = { qr = \"smsto\"; };\n", POSTER_QR_SMSTO, 0 },
	{ "poster = { qr = \"sms\"; };\n", POSTER_QR_SMS, 0 },
	{ "poster = { qr = \"sms-body\"; };\n", POSTER_QR_SMS_BODY, 0 },
	{ "poster = {\n qr = \"SMSTO\"; };\n", -1, 4 },
	{ "poster = {\n qr = \"mailto\"; };\n", -1, 4 },
	{ "poster = {\n qr = \"\"; };\n", -1, 4 },
	{ "poster = {\n qr = \"sms_body\"; };\n", -1, 4 },
	{ "poster = {\n qr = 1; };\n", -1, 4 },
	{ "poster = {\n qr = true; };\n", -1, 4 },
	{ "poster = {\n size = \"A4\"; };\n", -1, 4 },
	{ "poster = \"smsto\";\n", -1, 3 },
};

START_TEST(test_poster)
{
	struct config	*cfg;
	char		 err[ERRLEN], text[512], where[64];
	size_t		 i;

	for (i = 0; i < nitems(poster_cases); i++) {
		snprintf(text, sizeof text, HEAD ROUTE "%s",
		    poster_cases[i].text);
		cfg = load_text(text, err);
		if (poster_cases[i].qr == -1) {
			ck_assert_msg(cfg == NULL, "case %zu loaded", i);
			ck_assert_msg(strstr(err, "poster") != NULL,
			    "case %zu: %s", i, err);
			snprintf(where, sizeof where, ":%d:",
			    poster_cases[i].line);
			ck_assert_msg(strstr(err, where) != NULL,
			    "case %zu: %s", i, err);
			continue;
		}
		ck_assert_msg(cfg != NULL, "case %zu: %s", i, err);
		ck_assert_int_eq(cfg->poster_qr, poster_cases[i].qr);
		config_free(cfg);
	}
}
END_TEST

static Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc = tcase_create("config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_shipped);
	tcase_add_test(tc, test_minimal_defaults);
	tcase_add_test(tc, test_every_setting);
	tcase_add_loop_test(tc, test_bad, 0, nitems(bad_cases));
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_secret_file);
	tcase_add_test(tc, test_allow);
	tcase_add_test(tc, test_listen_split);
	tcase_add_test(tc, test_template_used);
	tcase_add_test(tc, test_durability);
	tcase_add_test(tc, test_routes);
	tcase_add_test(tc, test_route_drivers);
	tcase_add_test(tc, test_channels);
	tcase_add_test(tc, test_route_secret_files);
	tcase_add_test(tc, test_route_for);
	tcase_add_test(tc, test_admin);
	tcase_add_test(tc, test_admin_listen);
	tcase_add_test(tc, test_ussd);
	tcase_add_test(tc, test_poster);
	tcase_add_loop_test(tc, test_bad_words, 0, nitems(bad_words_cases));
	tcase_add_test(tc, test_words_defaults);
	tcase_add_test(tc, test_words_language);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(config_suite());
}
