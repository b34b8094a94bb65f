/*
 * fuzz-ussd.c: libFuzzer target for the USSD menu (ussd.c): the splitting
 * of Africa's Talking's '*'-joined text into the newest input, and every
 * menu step behind it, with the dialog core and the store on an in-memory
 * database. The input is a session script, one step a line:
 *
 *   TEXT	an Africa's Talking step: TEXT is the whole "text" field
 *   >INPUT	a json step: the newest input only
 *   !		the network ends the session
 *   ~TEXT	a new session of the same number (resume), then as TEXT
 *
 * Opening a database costs more than a whole script, so each input is a
 * new subscriber instead (its own number and sessions: nothing another
 * input did is visible to it) and the database is made afresh every
 * FUZZ_RESET inputs; a finding thus reproduces alone. Every screen is
 * checked: well-formed UTF-8 of at most USSD_SCREEN_MAX characters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <unistr.h>

#include "base/base.h"
#include "base/log.h"
#include "base/tz.h"
#include "codec/code.h"
#include "config/config.h"
#include "chan/route-drivers.h"
#include "store/store.h"
#include "core/dialog.h"
#include "core/ussd.h"

#define FUZZ_STEPS	16		/* steps per input at most */
#define FUZZ_RESET	1000		/* inputs per database */
#define FUZZ_T0		1631754900	/* 2021-09-16 08:15 in Hanoi */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_conf[] =
    "database = \"/nonexistent/fuzz-ussd.db\";\n"
    "http = { listen = \"127.0.0.1:18080\"; };\n"
    "hotline = \"1900 9095\";\n"
    "inbound = (\n"
    "  { name = \"ussd-at\"; type = \"ussd\"; format = \"africastalking\"; path = \"/ussd/at\"; route = \"dry\"; },\n"
    "  { name = \"ussd-json\"; type = \"ussd\"; format = \"json\"; path = \"/ussd/json\"; } );\n"
    "routes = ( { name = \"dry\"; driver = \"null\"; },\n"
    "  { name = \"viettel\"; driver = \"null\"; prefixes = [ \"+8486\", \"+8496\" ]; } );\n"
    "outbox = { default_route = \"dry\"; };\n"
    "ussd = { resume = 300; confirm_sms = true; };\n"
    "questions = (\n"
    " { kind = \"default\"; ask = (\n"
    "   { id = \"symptoms\"; type = \"yesno\"; vi = \"B\xe1\xba\xa1n c\xc3\xb3 s\xe1\xbb\x91t ho kh\xc3\xb4ng?\"; en = \"Fever or cough?\"; flag_on = \"yes\"; },\n"
    "   { id = \"contact\"; type = \"yesno\"; vi = \"Ban co tiep xuc F0 khong?\"; en = \"Contact with a case?\"; flag_on = \"yes\"; } ); },\n"
    " { kind = \"checkpoint\"; ask = (\n"
    "   { id = \"route\"; type = \"text\"; vi = \"Trong 14 ngay qua ban co di qua hoac luu tru tai khu vuc dang phong toa, cach ly y te, hoac co tiep xuc gan voi nguoi dang theo doi suc khoe khong? Ban di tu dau den dau?\"; en = \"Your route?\"; } ); }\n"
    ");\n";

/* The venues every input finds (codes 1234566, 6543213, 1111118). */
static const struct {
	const char	*payload;
	const char	*name;
	const char	*kind;
} fuzz_venues[] = {
	{ "123456", "Nh\xc3\xa0 h\xc3\xa0ng Ph\xe1\xbb\x9f C\xe1\xbb\x95 Truy\xe1\xbb\x81n "
	  "Gia \xc4\x90\xc3\xacnh H\xc3\xa0 N\xe1\xbb\x99i S\xe1\xbb\x91 M\xe1\xbb\x99t", "default" },
	{ "654321", "Ch\xe1\xbb\x91t C\xe1\xba\xa7u Ch\xc6\xb0\xc6\xa1ng D\xc6\xb0\xc6\xa1ng",
	  "checkpoint" },
	{ "111111", "Tap hoa Minh", "shop" },
};

static struct config	*fuzz_cfg;
static struct store	*fuzz_st;
static int		 fuzz_runs;

/* Write the configuration to a temporary file and load it, once. */
static void
fuzz_init(void)
{
	char	 path[] = "/tmp/fuzz-ussd.XXXXXX", err[512];
	FILE	*f;
	int	 fd;

	log_init(1, getenv("FUZZ_DEBUG") != NULL ? 1 : -1);
	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL)
		fatal("mkstemp");
	fputs(fuzz_conf, f);
	fclose(f);
	fuzz_cfg = config_load(path, route_drivers, err, sizeof err);
	unlink(path);
	if (fuzz_cfg == NULL)
		fatalx("config: %s", err);
	if (tz_set(fuzz_cfg->timezone) == -1)
		fatalx("tz_set %s", fuzz_cfg->timezone);
}

/* A new in-memory database with the venues. */
static struct store *
fuzz_store(void)
{
	struct store	*st;
	struct venue	 v;
	char		 err[512];
	size_t		 i, n;

	if ((st = store_open(":memory:", err, sizeof err)) == NULL)
		fatalx("store: %s", err);
	for (i = 0; i < nitems(fuzz_venues); i++) {
		memset(&v, 0, sizeof v);
		n = strlcpy(v.code, fuzz_venues[i].payload, sizeof v.code);
		v.code[n] = '0' + code_damm(v.code, n);
		v.code[n + 1] = '\0';
		v.name = (char *)fuzz_venues[i].name;
		v.address = (char *)"1 H\xc3\xa0ng B\xe1\xba\xa1" "c";
		v.ward = (char *)"Ph\xc6\xb0\xe1\xbb\x9dng H\xc3\xa0ng B\xe1\xba\xa1" "c";
		v.district = (char *)"Ho\xc3\xa0n Ki\xe1\xba\xbfm";
		v.kind = (char *)fuzz_venues[i].kind;
		v.active = 1;
		if (store_venue_add(st, &v, n) == -1)
			fatalx("store_venue_add");
	}
	return st;
}

/* A screen is well-formed UTF-8 of at most USSD_SCREEN_MAX characters. */
static void
fuzz_check_screen(const struct ussd_resp *r)
{
	size_t	len;

	if (r->text == NULL)
		return;
	len = strlen(r->text);
	if (u8_check((const uint8_t *)r->text, len) != NULL ||
	    u8_mbsnlen((const uint8_t *)r->text, len) > USSD_SCREEN_MAX) {
		fprintf(stderr, "fuzz-ussd: bad screen (%zu bytes): %s\n", len, r->text);
		abort();
	}
	log_debug("fuzz: end=%d screen=\"%s\"", r->end, r->text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data, *end = p + size, *nl;
	struct ussd_req	 req;
	struct ussd_resp resp;
	char		 session[32], from[NUMBER_MAX], *line;
	int		 i, nsession = 1;
	int64_t		 now = FUZZ_T0;

	if (fuzz_cfg == NULL)
		fuzz_init();
	if (fuzz_runs % FUZZ_RESET == 0) {
		if (fuzz_st != NULL)
			store_close(fuzz_st);
		fuzz_st = fuzz_store();
	}
	/* A subscriber of its own: +8491 and seven digits. */
	snprintf(from, sizeof from, "+8491%07d", fuzz_runs % FUZZ_RESET);
	fuzz_runs++;
	for (i = 0; i < FUZZ_STEPS && p < end; i++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		line = xstrndup(p, (size_t)(nl - p));
		p = nl + 1;

		memset(&req, 0, sizeof req);
		now += 20;
		if (line[0] == '~') {
			nsession++;
			now += 60;
		}
		snprintf(session, sizeof session, "ATUid_%s_%d", from + 1, nsession);
		req.session = session;
		req.from = from;
		req.service = "*384*123#";
		req.now = now;
		switch (line[0]) {
		case '>':
			req.channel = "ussd-json";
			req.input = line + 1;
			break;
		case '!':
			req.channel = "ussd-at";
			req.ended = 1;
			break;
		case '~':
			req.channel = "ussd-at";
			req.history = line + 1;
			break;
		default:
			req.channel = "ussd-at";
			req.history = line;
			break;
		}
		if (ussd_handle(fuzz_st, fuzz_cfg, &req, &resp) == 0)
			fuzz_check_screen(&resp);
		ussd_resp_free(&resp);
		free(line);
	}
	return 0;
}
