/*
 * voice.c: check-in and health declaration by phone call.
 *
 * Two modes. A call to a venue's own number (venues.call_number) checks the
 * caller in there at once and is answered VOICE_REJECT, so that it is never
 * picked up (and never billed); the core queues its confirmation SMS, and
 * the declaration's questions go on by SMS. A call to any other number of
 * the route is the keypad menu, one provider callback a step:
 *
 *   code       greeting; the venue code and '#' -> confirm (registered),
 *              dym (one typo away), or code again
 *   confirm    the venue name read back; 1 -> companions, 2 -> code
 *   dym        "did you mean" and the name; 1 -> companions, 2 -> code
 *   companions 0..9 -> the check-in, then question or goodbye
 *   question   the pending yes/no question of the venue's kind; 1/2 -> the
 *              next one or goodbye. A text question ends the call with a
 *              note: it is sent by SMS and answered by SMS.
 *
 * Rules kept here, as in ussd.c (the model):
 *
 * - Every action goes through the core, dialog_handle_parsed(), as the same
 *   check-in or answer an SMS would be (channel: the inbound route's name),
 *   with msg.outbox = 0 in the menu: the questions come back here and are
 *   spoken. The check-in's message id is the call's id (CallSid, sessionId),
 *   an answer's "CALL:STEP": a provider's retry stores nothing new. The
 *   confirmation SMS (voice.confirm_sms) is queued in the one transaction
 *   that records the call's next step.
 * - The call's state lives in the store as a USSD-style session keyed
 *   "voice:CALL" (store_ussd_*): purged with them, never resumed by USSD
 *   (its screens are not the USSD menu's).
 * - Each answer carries its step number, which the provider's next callback
 *   brings back (s= in the callback URL): a callback for an older step, or
 *   none, is a retry and only hears the current prompt again.
 * - A callback without keys is silence: the prompt is said again once, then
 *   the call ends politely. Keys outside the menu say so and prompt again.
 * - Limits: VOICE_STEPS_MAX callbacks a call; keys are checked by the format.
 * - A callback runs on the store thread (inbound_call), as a USSD step
 *   does: voice_handle keeps nothing between calls and touches only its
 *   store, the request, the configuration (read only), log lines.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/code.h"
#include "codec/msg.h"
#include "codec/number.h"
#include "config/config.h"
#include "store/store.h"
#include "core/dialog.h"
#include "core/parse.h"
#include "core/voice.h"

#define VOICE_STEPS_MAX		30	/* callbacks in one call */
#define VOICE_SILENCES		2	/* prompts unanswered before goodbye */
#define VOICE_SMS_MAX		2	/* texts a step may queue */
#define VOICE_PREFIX		"voice:"

/* A call's state between callbacks, kept as "key=value" pairs. */
struct voice_state {
	long long	steps;		/* callbacks taken so far */
	long long	silences;	/* prompts unanswered in a row */
	char		code[CODE_MAX];	/* the venue being checked in */
	long long	decl;		/* the declaration being asked */
};

enum { VS_CODE, VS_CONFIRM, VS_DYM, VS_COMPANIONS, VS_QUESTION, VS_COUNT };

static const char *voice_screens[VS_COUNT] = {
	"vcode", "vconfirm", "vdym", "vcompanions", "vquestion"
};

/* Everything one callback needs. */
struct vctx {
	struct store		*store;
	const struct config	*cfg;
	const struct voice_req	*req;
	struct voice_resp	*resp;
	char			 number[NUMBER_MAX];
	char			 id[sizeof ((struct ussd_session *)0)->id];
	struct ussd_session	 us;
	struct voice_state	 st;
	int			 lang;
	int			 screen;
	int			 end;		/* hang up after the parts */
	char			*sms[VOICE_SMS_MAX];
	size_t			 nsms;
	int64_t			 sms_inbound;
};

static void
voice_state_parse(const char *data, struct voice_state *st)
{
	const char	*p, *end, *errstr;
	char		 item[64], *eq;
	size_t		 len;
	long long	 n;

	memset(st, 0, sizeof *st);
	for (p = data; *p != '\0'; p = end) {
		p += strspn(p, " ");
		end = p + strcspn(p, " ");
		len = end - p;
		if (len == 0 || len >= sizeof item)
			continue;
		memcpy(item, p, len);
		item[len] = '\0';
		if ((eq = strchr(item, '=')) == NULL)
			continue;
		*eq++ = '\0';
		if (strcmp(item, "c") == 0) {
			strlcpy(st->code, eq, sizeof st->code);
			continue;
		}
		n = num_parse(eq, 0, INT64_MAX, &errstr);
		if (errstr != NULL)
			continue;
		if (strcmp(item, "n") == 0)
			st->steps = n;
		else if (strcmp(item, "s") == 0)
			st->silences = n;
		else if (strcmp(item, "d") == 0)
			st->decl = n;
	}
}

static void
voice_state_format(const struct voice_state *st, char *out, size_t len)
{
	snprintf(out, len, "n=%lld s=%lld d=%lld%s%s", st->steps, st->silences,
	    st->decl, st->code[0] != '\0' ? " c=" : "", st->code);
}

/* Add something said. */
static void
voice_say(struct vctx *u, const char *text)
{
	struct voice_resp	*r = u->resp;

	if (r->nparts == VOICE_PARTS_MAX || text == NULL || *text == '\0')
		return;
	r->part[r->nparts].play = 0;
	r->part[r->nparts].text = xstrdup(text);
	r->nparts++;
}

/* Add a prompt: played from voice.prompts_url if set, else said. */
static void
voice_prompt(struct vctx *u, enum voice_prompt id)
{
	struct voice_resp	*r = u->resp;
	const char		*code;
	char			*url;

	if (u->cfg->voice_prompts_url == NULL) {
		voice_say(u, config_voice_prompt(u->cfg, u->lang, id));
		return;
	}
	if (r->nparts == VOICE_PARTS_MAX)
		return;
	code = msg_lang_code(&u->cfg->texts, u->lang);
	xasprintf(&url, "%s%s%s/%s.%s", u->cfg->voice_prompts_url,
	    u->cfg->voice_prompts_url[strlen(u->cfg->voice_prompts_url) - 1] ==
	    '/' ? "" : "/", code != NULL ? code : "en", config_voice_prompt_name(id),
	    u->cfg->voice_prompts_ext != NULL ? u->cfg->voice_prompts_ext : "wav");
	r->part[r->nparts].play = 1;
	r->part[r->nparts].text = url;
	r->nparts++;
}

/* End the call after the parts so far, with goodbye. */
static void
voice_bye(struct vctx *u)
{
	voice_prompt(u, VP_BYE);
	u->end = 1;
}

/* The venue being checked in at: 1 and v, 0 if gone, -1. */
static int
voice_venue(struct vctx *u, struct venue *v)
{
	int	r;

	memset(v, 0, sizeof *v);
	if (u->st.code[0] == '\0')
		return 0;
	if ((r = store_venue_by_code(u->store, u->st.code, v)) == -1)
		return -1;
	if (r == 0 || !v->active) {
		store_venue_free(v);
		memset(v, 0, sizeof *v);
		return 0;
	}
	return 1;
}

/* The pending question of the caller, or NULL. */
static const struct question *
voice_question(struct vctx *u, int *ret)
{
	const struct question_set	*qs;
	struct session			 s;
	int				 r;

	*ret = 0;
	if ((r = store_session_get(u->store, u->number, u->req->now, &s)) == -1) {
		*ret = -1;
		return NULL;
	}
	if (r == 0 || s.kind != SESSION_QUESTION)
		return NULL;
	qs = config_questions(u->cfg, s.qset);
	if (s.step < 0 || (size_t)s.step >= qs->nquestions)
		return NULL;
	u->st.decl = s.decl_id;
	return &qs->questions[s.step];
}

/* Queue a text for the caller with this step's record. */
static void
voice_sms(struct vctx *u, const char *text)
{
	if (u->nsms < VOICE_SMS_MAX && text != NULL && *text != '\0')
		u->sms[u->nsms++] = xstrdup(text);
}

/* The end of a declaration (none pending any more): its result, goodbye. */
static int
voice_decl_end(struct vctx *u)
{
	int	flagged = 0;

	if (u->st.decl > 0 &&
	    store_declaration_flagged(u->store, u->st.decl, &flagged) == -1)
		return -1;
	if (flagged) {
		voice_prompt(u, VP_DECL_FLAGGED);
		voice_say(u, u->cfg->hotline);
	} else if (u->st.decl > 0)
		voice_prompt(u, VP_DECL_DONE);
	if (u->cfg->voice_confirm_sms)
		voice_prompt(u, VP_SMS_COMING);
	voice_bye(u);
	return 0;
}

/*
 * Say what the screen asks, and wait for keys; or, on the question screen
 * with none pending, finish. 0, or -1 on a storage error.
 */
static int
voice_render(struct vctx *u)
{
	const struct question	*q;
	struct venue		 v;
	int			 r;

	u->resp->num_digits = 1;
	switch (u->screen) {
	case VS_CODE:
		voice_prompt(u, VP_CODE);
		u->resp->num_digits = 0;
		return 0;
	case VS_CONFIRM:
	case VS_DYM:
		if ((r = voice_venue(u, &v)) == -1)
			return -1;
		if (r == 0) {
			/* Gone since: the code again. */
			voice_prompt(u, VP_CODE_WRONG);
			u->screen = VS_CODE;
			return voice_render(u);
		}
		voice_prompt(u, u->screen == VS_DYM ? VP_DYM : VP_VENUE);
		voice_say(u, v.name);
		voice_prompt(u, VP_CONFIRM_KEYS);
		store_venue_free(&v);
		return 0;
	case VS_COMPANIONS:
		voice_prompt(u, VP_COMPANIONS);
		return 0;
	case VS_QUESTION:
		q = voice_question(u, &r);
		if (r == -1)
			return -1;
		if (q == NULL)
			return voice_decl_end(u);
		if (q->type == QUESTION_TEXT) {
			/* Not by keys: sent by SMS, answered by SMS. */
			voice_prompt(u, VP_TEXT_BY_SMS);
			voice_sms(u, q->text[u->lang]);
			voice_bye(u);
			return 0;
		}
		voice_say(u, q->text[u->lang]);
		voice_prompt(u, VP_YESNO);
		return 0;
	}
	voice_bye(u);
	return 0;
}

/*
 * Act through the core: p as if texted (input as its text). ext_id: the
 * call's id for the check-in, "CALL:STEP" for the rest.
 */
static int
voice_core(struct vctx *u, const struct parse_result *p, const char *input,
    int by_call, struct dialog_reply *rep)
{
	struct dialog_msg	m;
	char			ext[VOICE_CALL_MAX + 24];
	int			r;

	if (by_call)
		strlcpy(ext, u->req->call, sizeof ext);
	else
		snprintf(ext, sizeof ext, "%s:%lld", u->req->call, u->st.steps);
	memset(&m, 0, sizeof m);
	m.channel = u->req->channel != NULL ? u->req->channel : "voice";
	m.ext_id = ext;
	m.from = u->req->from;
	m.to = u->req->to;
	m.text = input;
	m.textlen = strlen(input);
	m.received_at = u->req->now;
	m.outbox = 0;
	r = dialog_handle_parsed(u->store, u->cfg, &m, p, rep);
	if (r != DIALOG_OK)
		return r == DIALOG_ESENDER ? DIALOG_ESENDER : -1;
	return 0;
}

static int
voice_in_code(struct vctx *u, const char *in)
{
	struct venue	v;
	int		r;

	if (strlen(in) != (size_t)u->cfg->code_digits + 1 ||
	    strspn(in, "0123456789") != strlen(in)) {
		voice_prompt(u, VP_CODE_WRONG);
		return 0;
	}
	if ((r = dialog_find_venue(u->store, u->cfg, in, &v)) == -1)
		return -1;
	if (r == 0) {
		voice_prompt(u, VP_CODE_WRONG);
		return 0;
	}
	strlcpy(u->st.code, v.code, sizeof u->st.code);
	store_venue_free(&v);
	u->screen = r == 1 ? VS_CONFIRM : VS_DYM;
	return 0;
}

static int
voice_in_confirm(struct vctx *u, const char *in)
{
	if (strcmp(in, "1") == 0)
		u->screen = VS_COMPANIONS;
	else if (strcmp(in, "2") == 0) {
		memset(u->st.code, 0, sizeof u->st.code);
		u->screen = VS_CODE;
	} else
		voice_prompt(u, VP_INVALID);
	return 0;
}

static int
voice_in_companions(struct vctx *u, const char *in)
{
	struct parse_result	 p;
	struct dialog_reply	 rep;
	struct venue		 v;
	struct checkin		 c;
	const struct question	*q;
	int			 r;

	if (strlen(in) != 1 || in[0] < '0' || in[0] > '9') {
		voice_prompt(u, VP_INVALID);
		return 0;
	}
	if ((r = voice_venue(u, &v)) == -1)
		return -1;
	if (r == 0) {
		voice_prompt(u, VP_CODE_WRONG);
		u->screen = VS_CODE;
		return 0;
	}
	memset(&p, 0, sizeof p);
	p.kind = PARSE_CHECKIN;
	strlcpy(p.code, v.code, sizeof p.code);
	p.companions = in[0] - '0';
	if ((r = voice_core(u, &p, in, 1, &rep)) != 0) {
		store_venue_free(&v);
		return r;
	}
	if (u->cfg->voice_confirm_sms && rep.n > 0 && rep.text[0] != NULL) {
		voice_sms(u, rep.text[0]);
		u->sms_inbound = rep.inbound_id;
	}
	log_info("voice: msg=%lld step=%lld action=checkin venue=%s duplicate=%d",
	    (long long)rep.inbound_id, u->st.steps, v.code, rep.duplicate);
	dialog_reply_free(&rep);
	/* The core may have refused it (a limit): say so only if it is there. */
	r = store_checkin_open(u->store, u->number, v.id, u->req->now, &c);
	store_venue_free(&v);
	if (r == -1)
		return -1;
	if (r == 0) {
		voice_bye(u);
		return 0;
	}
	voice_prompt(u, VP_CHECKED_IN);
	q = voice_question(u, &r);
	if (r == -1)
		return -1;
	if (q == NULL) {
		if (u->cfg->voice_confirm_sms)
			voice_prompt(u, VP_SMS_COMING);
		voice_bye(u);
		return 0;
	}
	voice_prompt(u, VP_QUESTIONS);
	u->screen = VS_QUESTION;
	return 0;
}

static int
voice_in_question(struct vctx *u, const char *in)
{
	const struct question	*q;
	struct parse_result	 p;
	struct dialog_reply	 rep;
	int			 r;

	q = voice_question(u, &r);
	if (r == -1)
		return -1;
	if (q == NULL || q->type != QUESTION_YESNO)
		return 0;	/* the render finishes or sends it by SMS */
	memset(&p, 0, sizeof p);
	if (strcmp(in, "1") == 0)
		p.kind = PARSE_YES;
	else if (strcmp(in, "2") == 0)
		p.kind = PARSE_NO;
	else {
		voice_prompt(u, VP_INVALID);
		return 0;
	}
	if ((r = voice_core(u, &p, in, 0, &rep)) != 0)
		return r;
	dialog_reply_free(&rep);
	return 0;
}

/* Record the step (and queue its texts) in one transaction. */
static int
voice_save(struct vctx *u)
{
	const struct route	*route = NULL;
	struct ussd_session	 us;
	size_t			 i;

	if (u->nsms > 0 && (route = config_route_reply(u->cfg,
	    u->req->channel, u->number)) == NULL)
		log_warnx("voice: no outbound route for the SMS of a call");
	memset(&us, 0, sizeof us);
	strlcpy(us.id, u->id, sizeof us.id);
	strlcpy(us.number, u->number, sizeof us.number);
	strlcpy(us.screen, voice_screens[u->screen], sizeof us.screen);
	voice_state_format(&u->st, us.data, sizeof us.data);
	us.lang = u->lang;
	us.updated_at = u->req->now;
	us.ended = u->end;

	if (store_begin(u->store) == -1)
		return -1;
	for (i = 0; route != NULL && i < u->nsms; i++) {
		if (store_outbox_add(u->store, route->name, u->number, u->sms[i],
		    u->req->now, 0, u->sms_inbound) == -1)
			goto fail;
	}
	if (store_ussd_put(u->store, &us) == -1)
		goto fail;
	if (store_commit(u->store) == -1)
		goto fail;
	return 0;

fail:
	store_rollback(u->store);
	return -1;
}

/*
 * A call to a venue's own number: the check-in, queued confirmation (and
 * questions) by SMS, and a rejection so that the call is never answered.
 */
static int
voice_venue_call(struct vctx *u, const struct venue *v)
{
	struct parse_result	 p;
	struct dialog_msg	 m;
	struct dialog_reply	 rep;
	const struct route	*route;
	int			 r;

	memset(&p, 0, sizeof p);
	p.kind = PARSE_CHECKIN;
	strlcpy(p.code, v->code, sizeof p.code);
	memset(&m, 0, sizeof m);
	m.channel = u->req->channel != NULL ? u->req->channel : "voice";
	m.ext_id = u->req->call;
	m.from = u->req->from;
	m.to = u->req->to;
	m.text = v->code;
	m.textlen = strlen(v->code);
	m.received_at = u->req->now;
	if (u->cfg->voice_confirm_sms && (route = config_route_reply(u->cfg,
	    u->req->channel, u->number)) != NULL) {
		m.outbox = 1;
		m.route = route->name;
	}
	r = dialog_handle_parsed(u->store, u->cfg, &m, &p, &rep);
	if (r != DIALOG_OK)
		return r == DIALOG_ESENDER ? DIALOG_ESENDER : -1;
	log_info("voice: msg=%lld action=checkin venue=%s call_number=1 "
	    "duplicate=%d", (long long)rep.inbound_id, v->code, rep.duplicate);
	dialog_reply_free(&rep);
	u->resp->action = VOICE_REJECT;
	return 0;
}

/* A new call to the menu: greeting and the code. */
static void
voice_start(struct vctx *u)
{
	memset(&u->st, 0, sizeof u->st);
	u->screen = VS_CODE;
	voice_prompt(u, VP_GREETING);
}

/* A callback for the step the call waits on. */
static int
voice_step(struct vctx *u)
{
	const char	*in = u->req->digits;
	int		 r = 0;

	if (++u->st.steps > VOICE_STEPS_MAX) {
		voice_bye(u);
		return 0;
	}
	if (in == NULL || *in == '\0') {
		voice_prompt(u, VP_NOT_HEARD);
		if (++u->st.silences >= VOICE_SILENCES)
			voice_bye(u);
		return 0;
	}
	u->st.silences = 0;
	log_debug("voice: step=%lld screen=%s", u->st.steps, voice_screens[u->screen]);
	switch (u->screen) {
	case VS_CODE:
		r = voice_in_code(u, in);
		break;
	case VS_CONFIRM:
	case VS_DYM:
		r = voice_in_confirm(u, in);
		break;
	case VS_COMPANIONS:
		r = voice_in_companions(u, in);
		break;
	case VS_QUESTION:
		r = voice_in_question(u, in);
		break;
	}
	return r;
}

static int
voice_screen_find(const char *name)
{
	int	i;

	for (i = 0; i < VS_COUNT; i++) {
		if (strcmp(voice_screens[i], name) == 0)
			return i;
	}
	return VS_CODE;
}

int
voice_handle(struct store *store, const struct config *cfg, const struct voice_req *req,
    struct voice_resp *resp)
{
	struct vctx	 u;
	struct venue	 v;
	struct subscriber sub;
	char		 to[NUMBER_MAX];
	const char	*tag;
	size_t		 i;
	int		 r, found, replay = 0;

	memset(resp, 0, sizeof *resp);
	resp->step = -1;
	memset(&u, 0, sizeof u);
	u.store = store;
	u.cfg = cfg;
	u.req = req;
	u.resp = resp;
	u.lang = cfg->language;
	if (req->from == NULL ||
	    number_normalize(req->from, cfg->country_code, u.number) != NUMBER_E164)
		return DIALOG_ESENDER;
	if (req->call == NULL || req->call[0] == '\0' ||
	    strlen(req->call) > VOICE_CALL_MAX) {
		/* The formats refuse these. */
		resp->action = VOICE_HANGUP;
		return 0;
	}
	snprintf(u.id, sizeof u.id, "%s%s", VOICE_PREFIX, req->call);

	/* A venue's own number: check in, never answer. */
	if (!req->ended && req->to != NULL &&
	    number_normalize(req->to, cfg->country_code, to) == NUMBER_E164) {
		if ((r = store_venue_by_call_number(store, to, &v)) == -1)
			return -1;
		if (r == 1 && v.active) {
			r = voice_venue_call(&u, &v);
			store_venue_free(&v);
			return r;
		}
		if (r == 1)
			store_venue_free(&v);
	}

	if ((found = store_ussd_get(store, u.id, &u.us)) == -1)
		return -1;
	if (req->ended) {
		resp->action = VOICE_NONE;
		if (found && !u.us.ended)
			return store_ussd_end(store, u.id, req->now) == -1 ? -1 : 0;
		return 0;
	}
	if (found && u.us.lang >= 0 && u.us.lang < msg_nlangs(&cfg->texts))
		u.lang = u.us.lang;
	if (found && (u.us.ended || strcmp(u.us.number, u.number) != 0)) {
		/* Over, or another caller's: nothing to continue. */
		voice_bye(&u);
	} else if (!found) {
		if (store_subscriber_get(store, u.number, &sub) == -1)
			return -1;
		if (sub.lang >= 0 && sub.lang < msg_nlangs(&cfg->texts))
			u.lang = sub.lang;
		voice_start(&u);
	} else {
		voice_state_parse(u.us.data, &u.st);
		u.screen = voice_screen_find(u.us.screen);
		if (req->step != u.st.steps) {
			/* A retry, or a callback for a step gone by: the prompt again. */
			log_debug("voice: step=%lld repeated", u.st.steps);
			replay = 1;
		} else if ((r = voice_step(&u)) != 0)
			goto fail;
	}
	if (!u.end && voice_render(&u) == -1) {
		r = -1;
		goto fail;
	}
	if (found && (u.us.ended || replay ||
	    strcmp(u.us.number, u.number) != 0)) {
		/* Nothing changed. */
	} else if (voice_save(&u) == -1) {
		r = -1;
		goto fail;
	}
	for (i = 0; i < u.nsms; i++)
		free(u.sms[i]);
	resp->action = u.end ? VOICE_HANGUP : VOICE_GATHER;
	resp->timeout = cfg->voice_timeout;
	resp->step = u.st.steps;
	tag = config_voice_prompt(cfg, u.lang, VP_LANGUAGE);
	strlcpy(resp->language, tag, sizeof resp->language);
	return 0;

fail:
	for (i = 0; i < u.nsms; i++)
		free(u.sms[i]);
	voice_resp_free(resp);
	return r;
}

void
voice_resp_free(struct voice_resp *resp)
{
	size_t	i;

	if (resp == NULL)
		return;
	for (i = 0; i < resp->nparts; i++)
		free(resp->part[i].text);
	memset(resp, 0, sizeof *resp);
}
