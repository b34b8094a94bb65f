/*
 * fuzz-dialog.c: libFuzzer target for the dialog engine (dialog.c, with
 * the parser, the store and the templates behind it) on an in-memory
 * database. The input is a short conversation: up to FUZZ_MSGS messages,
 * one a line, each "FROM|TEXT" or just "TEXT" (from FUZZ_FROM), a minute
 * apart; a line equal to the one before is its retry (same message id).
 * The configuration is written once and the venues added once;
 * each input runs inside one transaction that is rolled back afterwards,
 * so every input starts from the same database and a finding reproduces
 * alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "base/log.h"
#include "base/tz.h"
#include "codec/code.h"
#include "config/config.h"
#include "chan/route-drivers.h"
#include "store/store.h"
#include "core/dialog.h"

#define FUZZ_MSGS	8		/* messages per input at most */
#define FUZZ_FROM	"0912345678"	/* the sender of a line without '|' */
#define FUZZ_T0		1631754900	/* 2021-09-16 08:15 in Hanoi */
#define FUZZ_OWNER	"+84987654321"	/* owns the shop: may ask TK */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_conf[] =
    "database = \"/nonexistent/fuzz-dialog.db\";\n"
    "http = { listen = \"127.0.0.1:18080\"; };\n"
    "hotline = \"1900 9095\";\n"
    "inbound = ( { name = \"test\"; format = \"json\"; path = \"/sms/json\"; reply = \"inline\"; } );\n"
    "routes = ( { name = \"dry\"; driver = \"null\"; },\n"
    "  { name = \"viettel\"; driver = \"null\"; prefixes = [ \"+8486\", \"+8496\" ]; } );\n"
    "outbox = { default_route = \"dry\"; };\n"
    "questions = (\n"
    " { kind = \"default\"; ask = (\n"
    "   { id = \"symptoms\"; type = \"yesno\"; vi = \"B\xe1\xba\xa1n c\xc3\xb3 s\xe1\xbb\x91t ho kh\xc3\xb4ng?\"; en = \"Fever or cough?\"; flag_on = \"yes\"; },\n"
    "   { id = \"contact\"; type = \"yesno\"; vi = \"Ban co tiep xuc F0 khong?\"; en = \"Contact with a case?\"; flag_on = \"yes\"; } ); },\n"
    " { kind = \"checkpoint\"; ask = (\n"
    "   { id = \"route\"; type = \"text\"; vi = \"Ban di tu dau den dau?\"; en = \"Your route?\"; } ); }\n"
    ");\n";

/* The venues every input finds: payload, kind, owner (codes in the corpus). */
static const struct {
	const char	*payload;
	const char	*name;
	const char	*kind;
	const char	*owner;
} fuzz_venues[] = {
	{ "123456", "Ph\xe1\xbb\x9f Th\xc3\xacn", "default", NULL },
	{ "654321", "Ch\xe1\xbb\x91t C\xe1\xba\xa7u Ch\xc6\xb0\xc6\xa1ng D\xc6\xb0\xc6\xa1ng",
	  "checkpoint", NULL },
	{ "111111", "Tap hoa Minh", "shop", FUZZ_OWNER },
};

static struct config	*fuzz_cfg;
static struct store	*fuzz_st;

/* Write the configuration to a temporary file and load it; open the store. */
static void
fuzz_init(void)
{
	char		 path[] = "/tmp/fuzz-dialog.XXXXXX", err[512];
	struct venue	 v;
	size_t		 i, n;
	FILE		*f;
	int		 fd;

	/* FUZZ_DEBUG=1: the debug log, to follow a reproducer. */
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
	if ((fuzz_st = store_open(":memory:", err, sizeof err)) == NULL)
		fatalx("store: %s", err);
	for (i = 0; i < nitems(fuzz_venues); i++) {
		memset(&v, 0, sizeof v);
		n = strlcpy(v.code, fuzz_venues[i].payload, sizeof v.code);
		v.code[n] = '0' + code_damm(v.code, n);
		v.code[n + 1] = '\0';
		v.name = (char *)fuzz_venues[i].name;
		v.address = (char *)"1 H\xc3\xa0ng B\xe1\xba\xa1" "c";
		v.ward = (char *)"H\xc3\xa0ng B\xe1\xba\xa1" "c";
		v.district = (char *)"Ho\xc3\xa0n Ki\xe1\xba\xbfm";
		v.kind = (char *)fuzz_venues[i].kind;
		v.owner = (char *)fuzz_venues[i].owner;
		v.active = 1;
		if (store_venue_add(fuzz_st, &v, n) == -1)
			fatalx("store_venue_add");
	}
}

/* Every reply is a string; a queued one leaves none. */
static void
fuzz_check_reply(const struct dialog_reply *r)
{
	size_t	i;

	if (r->n > DIALOG_REPLIES_MAX || (r->queued > 0 && r->n != 0))
		abort();
	for (i = 0; i < r->n; i++) {
		if (r->text[i] == NULL)
			abort();
		log_debug("fuzz: reply=\"%s\"", r->text[i]);
	}
}

/* One line: "FROM|TEXT" or "TEXT". */
static void
fuzz_message(const char *line, size_t len, int i, int idn)
{
	struct dialog_msg	 m;
	struct dialog_reply	 r;
	const char		*bar;
	char			 from[64], id[16];
	size_t			 flen;

	memset(&m, 0, sizeof m);
	strlcpy(from, FUZZ_FROM, sizeof from);
	if ((bar = memchr(line, '|', len)) != NULL) {
		flen = (size_t)(bar - line);
		if (flen >= sizeof from)
			flen = sizeof from - 1;
		memcpy(from, line, flen);
		from[flen] = '\0';
		len -= (size_t)(bar + 1 - line);
		line = bar + 1;
	}
	snprintf(id, sizeof id, "m%d", idn);
	m.channel = "test";
	m.ext_id = id;
	m.from = from;
	m.to = "8088";
	m.text = line;
	m.textlen = len;
	m.received_at = FUZZ_T0 + 61 * i;
	m.sent_at = i % 2 ? m.received_at - 30 : 0;
	m.outbox = i % 4 == 3;
	m.route = NULL;
	if (dialog_handle_in(fuzz_st, fuzz_cfg, &m, &r) == DIALOG_OK)
		fuzz_check_reply(&r);
	dialog_reply_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data, *end = p + size, *nl;
	const char	*prev = NULL;
	size_t		 prevlen = 0, len;
	int		 i, idn = 0;

	if (fuzz_st == NULL)
		fuzz_init();
	if (size > TEXT_MAX * 2)
		return 0;
	if (store_begin(fuzz_st) == -1)
		fatalx("store_begin");
	for (i = 0; i < FUZZ_MSGS && p < end; i++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		len = (size_t)(nl - p);
		if (prev == NULL || prevlen != len || memcmp(prev, p, len) != 0)
			idn = i;
		fuzz_message(p, len, i, idn);
		prev = p;
		prevlen = len;
		p = nl + 1;
	}
	store_rollback(fuzz_st);
	return 0;
}
