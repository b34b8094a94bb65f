/*
 * fuzz-voice.c: libFuzzer target for check-in by phone call: the voice
 * formats (voice-fmt.c: Twilio's and Africa's Talking's parses and XML
 * renders) and the call's menu behind them (voice.c), through dialog.c and
 * the store on an in-memory database. The input is a call script, one
 * callback a line:
 *
 *   tQUERY|BODY	a Twilio callback: BODY the form, QUERY the URL's
 *			query (s=STEP...), signed right so the parse goes on
 *   aQUERY|BODY	an Africa's Talking callback
 *   kKEYS		the keys for the step the call waits on (as a parse
 *			would hand them over)
 *   s			silence at the step the call waits on
 *   e			the provider says the call is over
 *   v			a call to the venue's own number
 *
 * As in fuzz-ussd.c, each input is a caller of its own and the database is
 * made afresh every FUZZ_RESET inputs. Every answer is rendered by both
 * formats and checked: valid UTF-8 beginning with the XML declaration, a
 * rejection alone in its document, no more parts than VOICE_PARTS_MAX.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unistr.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/web.h"
#include "config/config.h"
#include "store/store.h"
#include "core/dialog.h"
#include "core/voice.h"
#include "chan/fmt.h"
#include "fixture.h"

#define FUZZ_STEPS	24		/* callbacks per input at most */
#define FUZZ_RESET	1000		/* inputs per database */
#define FUZZ_T0		1631754900	/* 2021-09-16 08:15 in Hanoi */
#define FUZZ_TOKEN	"fuzz-token"
#define FUZZ_VENUE_LINE	"+842471000001"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_conf[] =
    "database = \"/nonexistent/fuzz-voice.db\";\n"
    FIXTURE_CONF_HTTP
    "inbound = (\n"
    "  { name = \"voice\"; type = \"voice\"; format = \"twilio\"; path = \"/voice/twilio\";"
    " auth_token = \"" FUZZ_TOKEN "\"; },\n"
    "  { name = \"voice-at\"; type = \"voice\"; format = \"africastalking\";"
    " path = \"/voice/at\"; route = \"dry\"; } );\n"
    FIXTURE_CONF_ROUTES
    "voice = { confirm_sms = true; };\n"
    FIXTURE_CONF_QUESTIONS("B\xe1\xba\xa1n c\xc3\xb3 s\xe1\xbb\x91t ho kh\xc3\xb4ng?",
        "Ban di tu dau den dau?") "\n"
    ");\n";

/* The venues every input finds (codes 1234566, 6543213, 1111118). */
static const struct fixture_venue fuzz_venues[] = {
	{ "123456", "Nh\xc3\xa0 h\xc3\xa0ng Ph\xe1\xbb\x9f <&> \"Th\xc3\xacn\"",
	  "1 Hang Bac", "Hang Bac", "Hoan Kiem", "default", NULL },
	{ "654321", "Ch\xe1\xbb\x91t C\xe1\xba\xa7u", "Cau", "Phuc Tan", "Hoan Kiem",
	  "checkpoint", NULL },
	{ "111111", "Tap hoa Minh", "2 Hang Gai", "Hang Gai", "Hoan Kiem", "shop",
	  NULL },
};

static struct config	*fuzz_cfg;
static struct store	*fuzz_st;
static int		 fuzz_runs;

static void
fuzz_init(void)
{
	char	dir[1024], err[512];

	log_init(1, getenv("FUZZ_DEBUG") != NULL ? 1 : -1);
	if (fixture_dir(dir, sizeof dir, "fuzz-voice") == -1)
		fatal("mkdtemp");
	fuzz_cfg = fixture_config(dir, fuzz_conf, err, sizeof err);
	fixture_rmdir(dir);
	if (fuzz_cfg == NULL)
		fatalx("config: %s", err);
}

static struct store *
fuzz_store(void)
{
	struct store	*st;
	struct venue	 v;
	char		 err[512];
	size_t		 i;

	if ((st = store_open(":memory:", err, sizeof err)) == NULL)
		fatalx("store: %s", err);
	for (i = 0; i < nitems(fuzz_venues); i++) {
		if (fixture_venue_add(st, &fuzz_venues[i], &v) == -1)
			fatalx("store_venue_add");
		if (i == 0 && store_venue_set_call_number(st, v.code,
		    FUZZ_VENUE_LINE) != 0)
			fatalx("store_venue_set_call_number");
		store_venue_free(&v);
	}
	return st;
}

/* What the request's header callback answers. */
struct fuzz_headers {
	const char	*signature;
};

static const char *
fuzz_header(void *arg, const char *name)
{
	struct fuzz_headers	*h = arg;

	if (strcasecmp(name, "X-Twilio-Signature") == 0)
		return h->signature;
	return NULL;
}

static void
fuzz_check_xml(const char *what, const struct voice_resp *r,
    const struct fmt_response *out)
{
	if (out->body == NULL || out->bodylen < 5 ||
	    memcmp(out->body, "<?xml", 5) != 0 ||
	    u8_check((const uint8_t *)out->body, out->bodylen) != NULL ||
	    memchr(out->body, '\0', out->bodylen) != NULL ||
	    (r->action == VOICE_REJECT && strstr(out->body,
	    "<Response><Reject/></Response>") == NULL) ||
	    r->nparts > VOICE_PARTS_MAX) {
		fprintf(stderr, "fuzz-voice: bad %s answer: %.*s\n", what,
		    (int)out->bodylen, out->body != NULL ? out->body : "");
		abort();
	}
}

/* Render an answer both ways and check it. */
static void
fuzz_render(const struct voice_resp *r)
{
	struct fmt_response	out;

	fmt_voice_twilio.render(r, "http://fuzz/voice/twilio?secret=a&s=1", &out);
	fuzz_check_xml("twilio", r, &out);
	fmt_response_free(&out);
	fmt_voice_at.render(r, "http://fuzz/voice/at", &out);
	fuzz_check_xml("africastalking", r, &out);
	fmt_response_free(&out);
	log_debug("fuzz: action=%d parts=%zu step=%lld", r->action, r->nparts,
	    r->step);
}

/* A provider's request, parsed by its format: 0 and req filled, or not. */
static int
fuzz_parse(const struct fmt_voice_entry *fmt, const char *name, char *line,
    struct voice_req *req, struct fmt_ussd_hold *hold)
{
	const struct inbound_route	*route = NULL;
	struct web_request		 wr;
	struct fuzz_headers		 h;
	char				*bar, *url, *sig, err[256];
	size_t				 i;
	int				 rc;

	for (i = 0; i < fuzz_cfg->ninbound; i++) {
		if (strcmp(fuzz_cfg->inbound[i].name, name) == 0)
			route = &fuzz_cfg->inbound[i];
	}
	memset(&wr, 0, sizeof wr);
	if ((bar = strchr(line, '|')) != NULL) {
		*bar = '\0';
		wr.query = line;
		wr.body = bar + 1;
	} else
		wr.body = line;
	wr.bodylen = strlen(wr.body);
	wr.post = 1;
	xasprintf(&url, "http://fuzz%s%s%s", route->path,
	    wr.query != NULL ? "?" : "", wr.query != NULL ? wr.query : "");
	wr.url = url;
	sig = web_twilio_signature(FUZZ_TOKEN, url, wr.body, wr.bodylen);
	h.signature = sig;
	wr.header = fuzz_header;
	wr.hctx = &h;
	wr.route = route;
	rc = fmt->parse(&wr, req, hold, err, sizeof err);
	free(sig);
	free(url);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*p = (const char *)data, *end = p + size, *nl;
	struct voice_req	 req;
	struct voice_resp	 resp;
	struct fmt_ussd_hold	 hold;
	char			 call[32], from[NUMBER_MAX], *line;
	long long		 step = -1;
	int			 i, rc;
	int64_t			 now = FUZZ_T0;

	if (fuzz_cfg == NULL)
		fuzz_init();
	if (fuzz_runs % FUZZ_RESET == 0) {
		if (fuzz_st != NULL)
			store_close(fuzz_st);
		fuzz_st = fuzz_store();
	}
	snprintf(from, sizeof from, "+8491%07d", fuzz_runs % FUZZ_RESET);
	snprintf(call, sizeof call, "CA%s", from + 1);
	fuzz_runs++;
	for (i = 0; i < FUZZ_STEPS && p < end; i++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		line = xstrndup(p, (size_t)(nl - p));
		p = nl + 1;
		now += 7;

		memset(&req, 0, sizeof req);
		memset(&hold, 0, sizeof hold);
		req.channel = "voice";
		req.call = call;
		req.from = from;
		req.to = "+842471009999";
		req.step = step;
		rc = 0;
		switch (line[0]) {
		case 't':
			rc = fuzz_parse(&fmt_voice_twilio, "voice", line + 1, &req, &hold);
			break;
		case 'a':
			rc = fuzz_parse(&fmt_voice_at, "voice-at", line + 1, &req, &hold);
			break;
		case 'k':
			req.digits = line + 1;
			break;
		case 'e':
			req.ended = 1;
			break;
		case 'v':
			req.to = FUZZ_VENUE_LINE;
			break;
		default:
			break;
		}
		if (rc == 0) {
			req.now = now;
			if (voice_handle(fuzz_st, fuzz_cfg, &req, &resp) == 0) {
				if (resp.action == VOICE_GATHER)
					step = resp.step;
				fuzz_render(&resp);
			}
			voice_resp_free(&resp);
		}
		fmt_ussd_hold_free(&hold);
		free(line);
	}
	return 0;
}
