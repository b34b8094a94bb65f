/*
 * ussd.c: check-in and health declaration by USSD menu.
 *
 * Each step of a session is one request from the operator; the answer is a
 * screen that continues (CON) or ends (END) the session. The menu is a table
 * of screens (ussd_screens): each has a name kept in the session, the text
 * it shows, and what an input does there. Its state between steps (the code
 * being checked in, the declaration seen, the AT history seen) is kept in
 * the session's data as "key=value" pairs (ussd_fields).
 *
 *   main       1 Check-in -> code, 2 declaration, 3 history (END), 4 -> lang, 0 END
 *   code       7 digits -> confirm (registered) or dym (one typo away); 0 -> main
 *   confirm    1 -> companions, 2 -> code
 *   dym        1 -> companions, 2 -> code
 *   companions 0..20 (empty: none) -> the check-in, then question or END
 *   question   1/2 (yes/no) or text -> the next question, or END with thanks
 *   lang       1 the first language (Tieng Viet), 2 the second (English), and
 *              so on through those of the configuration -> main; 0 -> main
 *   resume     1 -> the screen a cut session stopped at, 2 -> main
 *
 * Rules kept here:
 *
 * - Every action goes through the core, dialog_handle_parsed(), as the same
 *   check-in, declaration, history or language command an SMS would be, and
 *   always with msg.outbox = 0: the core's replies come back here instead of
 *   going out by SMS. The questions are therefore asked on screen only,
 *   never also by SMS. When ussd.confirm_sms is on, the core's first reply to
 *   a check-in (the confirmation) is queued in the outbox here, in the one
 *   transaction that records the session's next step. An operator's retry of
 *   a step (the same AT history again) only shows the screen again; a step
 *   whose session write failed after the core committed is replayed by the
 *   core as a duplicate (ext_id "SESSION:STEP") and queues its SMS then. So
 *   each USSD check-in gives exactly one confirmation SMS.
 * - Africa's Talking sends every input so far joined by '*'. The newest
 *   input is what follows the history seen at the previous step (its length
 *   and FNV-1a hash are kept, not the history: one pass over it per step);
 *   a '*' the user typed is then part of the input. A history that does not
 *   extend the one seen gives the part after its last '*'. The same
 *   history twice is the operator retrying a step: the screen is shown
 *   again and nothing is done twice (so an empty first input, which AT
 *   cannot tell from a retry of the first request, shows the menu again).
 *   The json format carries the newest input only and has no such check.
 * - A session cut mid-way (network, battery, timeout) can be resumed for
 *   ussd.resume seconds: the next session of the number offers to continue.
 *   The network's end-of-session notification therefore finishes only a
 *   session with nothing to resume: a cut is what resume is for.
 * - The texts of the screens are the configuration's words (codec/msg.c
 *   holds the built-in ones, config-texts.c refuses one that cannot fit).
 * - Every screen is at most USSD_SCREEN_MAX characters, by construction:
 *   names are folded to ASCII (operators render only GSM-7 reliably) and
 *   cut, and the one variable part of a screen is cut to what is left.
 * - Limits: an input over USSD_INPUT_MAX bytes is refused, a session ends
 *   after USSD_STEPS_MAX steps. Each step is a handful of indexed queries.
 * - A step runs on the store thread (chan-http.c hands it over through
 *   inbound_call), not on the loop: ussd_handle keeps nothing between
 *   calls (no static buffer), reads the request and the configuration
 *   only, writes through its store alone, and calls only what is safe on
 *   any thread (localtime_r through tz.c, metrics, log lines).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "base/base.h"
#include "base/log.h"
#include "base/tz.h"
#include "codec/code.h"
#include "codec/msg.h"
#include "codec/number.h"
#include "codec/text.h"
#include "config/config.h"
#include "store/store.h"
#include "core/dialog.h"
#include "core/parse.h"
#include "core/ussd.h"

#define USSD_INPUT_MAX	64	/* bytes of one input */
#define USSD_STEPS_MAX	50	/* inputs in one session */
#define USSD_REDIRECTS	4	/* screens a render may pass on to */

/* A session's state between steps, kept as "key=value" pairs in its data. */
struct ussd_state {
	long long	steps;		/* inputs taken so far */
	long long	hlen;		/* length of the AT history seen last */
	long long	hhash;		/* its FNV-1a hash */
	char		code[CODE_MAX];	/* the venue code being checked in */
	long long	decl;		/* the declaration being asked */
	char		rscreen[32];	/* resume: where a cut session stopped */
	char		rcode[CODE_MAX];
	long long	rdecl;
};

enum ussd_field_type { UF_NUM, UF_HEX, UF_STR };

static const struct ussd_field {
	const char		*key;
	enum ussd_field_type	 type;
	size_t			 off;
	size_t			 size;	/* UF_STR: the buffer */
} ussd_fields[] = {
	{ "n", UF_NUM, offsetof(struct ussd_state, steps), 0 },
	{ "hl", UF_NUM, offsetof(struct ussd_state, hlen), 0 },
	{ "hh", UF_HEX, offsetof(struct ussd_state, hhash), 0 },
	{ "c", UF_STR, offsetof(struct ussd_state, code), CODE_MAX },
	{ "d", UF_NUM, offsetof(struct ussd_state, decl), 0 },
	{ "rs", UF_STR, offsetof(struct ussd_state, rscreen), 32 },
	{ "rc", UF_STR, offsetof(struct ussd_state, rcode), CODE_MAX },
	{ "rd", UF_NUM, offsetof(struct ussd_state, rdecl), 0 },
};

struct ussd_screen;

/* Everything one step needs. */
struct uctx {
	struct store		 *store;
	const struct config	 *cfg;
	const struct ussd_req	 *req;
	char			  number[NUMBER_MAX];
	struct ussd_session	  us;
	struct ussd_state	  st;
	enum lang		  lang;
	const struct ussd_screen *next;		/* the screen to show */
	enum ussd_text		  reason;	/* a line above it, or UT_NONE */
	int			  end;		/* END with text */
	char			 *text;		/* the screen, once rendered */
	char			 *sms;		/* a confirmation to queue */
	int64_t			  sms_inbound;
	char			  old[sizeof ((struct ussd_session *)0)->id];
						/* a cut session taken over */
};

/*
 * A screen: what it shows (render: 0 with u->text set, 1 if it passed the
 * step on to another screen or to END, -1 on a storage error) and what an
 * input does there (input: sets u->next or ends; 0, or -1 on a storage error).
 */
struct ussd_screen {
	const char	*name;
	enum ussd_text	 text;
	int		 resumable;	/* worth offering to continue after a cut */
	int		(*render)(struct uctx *);
	int		(*input)(struct uctx *, const char *);
};

static int	ussd_render_plain(struct uctx *);
static int	ussd_render_code(struct uctx *);
static int	ussd_render_venue(struct uctx *);
static int	ussd_render_question(struct uctx *);
static int	ussd_in_main(struct uctx *, const char *);
static int	ussd_in_resume(struct uctx *, const char *);
static int	ussd_in_code(struct uctx *, const char *);
static int	ussd_in_confirm(struct uctx *, const char *);
static int	ussd_in_companions(struct uctx *, const char *);
static int	ussd_in_question(struct uctx *, const char *);
static int	ussd_in_lang(struct uctx *, const char *);

enum {
	US_MAIN, US_RESUME, US_CODE, US_CONFIRM, US_DYM, US_COMPANIONS,
	US_QUESTION, US_LANG
};

static const struct ussd_screen ussd_screens[] = {
	[US_MAIN] = { "main", UT_MAIN, 0, ussd_render_plain, ussd_in_main },
	[US_RESUME] = { "resume", UT_RESUME, 1, ussd_render_plain, ussd_in_resume },
	[US_CODE] = { "code", UT_CODE, 0, ussd_render_code, ussd_in_code },
	[US_CONFIRM] = { "confirm", UT_CONFIRM, 1, ussd_render_venue, ussd_in_confirm },
	[US_DYM] = { "dym", UT_DYM, 1, ussd_render_venue, ussd_in_confirm },
	[US_COMPANIONS] = { "companions", UT_COMPANIONS, 1, ussd_render_plain,
	    ussd_in_companions },
	[US_QUESTION] = { "question", UT_QUESTION_YESNO, 1, ussd_render_question,
	    ussd_in_question },
	[US_LANG] = { "lang", UT_LANG, 0, ussd_render_plain, ussd_in_lang },
};

static const struct ussd_screen *
ussd_screen_find(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(ussd_screens); i++) {
		if (strcmp(ussd_screens[i].name, name) == 0)
			return &ussd_screens[i];
	}
	return NULL;
}

/* FNV-1a over len bytes, continuing from h. */
static uint64_t
ussd_hash(uint64_t h, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define USSD_HASH_INIT	0xcbf29ce484222325ULL

/* Read the state from a session's data; unknown or broken pairs are skipped. */
static void
ussd_state_parse(const char *data, struct ussd_state *st)
{
	const struct ussd_field	*f;
	const char		*p, *end, *eq, *errstr;
	char			 key[8], val[64];
	size_t			 i, klen, vlen;
	long long		 n;
	char			*hexend;

	memset(st, 0, sizeof *st);
	for (p = data; *p != '\0'; p = end) {
		p += strspn(p, " ");
		end = p + strcspn(p, " ");
		if ((eq = memchr(p, '=', end - p)) == NULL)
			continue;
		klen = eq - p;
		vlen = end - eq - 1;
		if (klen >= sizeof key || vlen >= sizeof val)
			continue;
		memcpy(key, p, klen);
		key[klen] = '\0';
		memcpy(val, eq + 1, vlen);
		val[vlen] = '\0';
		for (i = 0; i < nitems(ussd_fields); i++) {
			f = &ussd_fields[i];
			if (strcmp(f->key, key) != 0)
				continue;
			switch (f->type) {
			case UF_NUM:
				n = num_parse(val, 0, INT64_MAX, &errstr);
				if (errstr == NULL)
					*(long long *)((char *)st + f->off) = n;
				break;
			case UF_HEX:
				n = (long long)strtoull(val, &hexend, 16);
				if (*val != '\0' && *hexend == '\0')
					*(long long *)((char *)st + f->off) = n;
				break;
			case UF_STR:
				strlcpy((char *)st + f->off, val, f->size);
				break;
			}
		}
	}
}

/* Write the state as a session's data. */
static void
ussd_state_format(const struct ussd_state *st, char *out, size_t outlen)
{
	const struct ussd_field	*f;
	const char		*s;
	char			 item[96];
	size_t			 i;
	long long		 n;

	out[0] = '\0';
	for (i = 0; i < nitems(ussd_fields); i++) {
		f = &ussd_fields[i];
		switch (f->type) {
		case UF_NUM:
			n = *(const long long *)((const char *)st + f->off);
			if (n == 0)
				continue;
			snprintf(item, sizeof item, "%s=%lld", f->key, n);
			break;
		case UF_HEX:
			n = *(const long long *)((const char *)st + f->off);
			snprintf(item, sizeof item, "%s=%llx", f->key,
			    (unsigned long long)n);
			break;
		case UF_STR:
			s = (const char *)st + f->off;
			if (*s == '\0')
				continue;
			snprintf(item, sizeof item, "%s=%s", f->key, s);
			break;
		}
		if (out[0] != '\0')
			strlcat(out, " ", outlen);
		strlcat(out, item, outlen);
	}
}

/* A name for a screen: folded to ASCII letters where it can be, and cut. */
static char *
ussd_name(const char *s, size_t maxchars)
{
	char	*folded, *cut;

	folded = text_unaccent(s != NULL ? s : "");
	cut = text_cut(folded, maxchars);
	free(folded);
	return cut;
}

static size_t
ussd_chars(const char *s)
{
	return u8_mbsnlen((const uint8_t *)s, strlen(s));
}

/* Expand {name} placeholders; unknown ones stay as written. */
static char *
ussd_expand(const char *tmpl, const struct msg_var *vars, size_t nvars)
{
	const char	*p, *close;
	char		*out, *next;
	size_t		 i, n;

	out = xstrdup("");
	for (p = tmpl; *p != '\0'; p = close) {
		n = strcspn(p, "{");
		xasprintf(&next, "%s%.*s", out, (int)n, p);
		free(out);
		out = next;
		close = p + n;
		if (*close == '\0')
			break;
		n = strcspn(close + 1, "}");
		for (i = 0; i < nvars; i++) {
			if (strlen(vars[i].name) == n &&
			    strncmp(vars[i].name, close + 1, n) == 0 &&
			    close[1 + n] == '}')
				break;
		}
		if (i == nvars) {
			xasprintf(&next, "%s{", out);
			close++;
		} else {
			xasprintf(&next, "%s%s", out, vars[i].value);
			close += n + 2;
		}
		free(out);
		out = next;
	}
	return out;
}

/*
 * The screen for text id: the reason line (if any), then the text with its
 * vars; the var named fit is cut so the whole stays within USSD_SCREEN_MAX
 * characters, and the whole is cut to it in any case.
 */
static char *
ussd_compose(struct uctx *u, enum ussd_text id, struct msg_var *vars, size_t nvars,
    const char *fit)
{
	struct msg_var	 dv[] = { { "digits", NULL } };
	char		 digits[16], *reason = NULL, *body, *all, *cut, *tail;
	const char	*orig = NULL;
	size_t		 i, fi = nvars, used, room;

	snprintf(digits, sizeof digits, "%d", u->cfg->code_digits + 1);
	dv[0].value = digits;
	if (u->reason != UT_NONE)
		reason = ussd_expand(msg_screen(&u->cfg->texts, u->lang, u->reason), dv, nitems(dv));
	for (i = 0; fit != NULL && i < nvars; i++) {
		if (strcmp(vars[i].name, fit) == 0)
			fi = i;
	}
	if (fi < nvars) {
		orig = vars[fi].value;
		vars[fi].value = "";
		body = ussd_expand(msg_screen(&u->cfg->texts, u->lang, id), vars, nvars);
		used = ussd_chars(body) + (reason != NULL ? ussd_chars(reason) + 1 : 0);
		free(body);
		room = used < USSD_SCREEN_MAX ? USSD_SCREEN_MAX - used : 0;
		if (ussd_chars(orig) > room && room > 3) {
			/* Cut, and say so. */
			tail = text_cut(orig, room - 3);
			xasprintf(&cut, "%s...", tail);
			free(tail);
		} else
			cut = text_cut(orig, room);
		vars[fi].value = cut;
		body = ussd_expand(msg_screen(&u->cfg->texts, u->lang, id), vars, nvars);
		vars[fi].value = orig;
		free(cut);
	} else
		body = ussd_expand(msg_screen(&u->cfg->texts, u->lang, id), vars, nvars);
	if (reason != NULL) {
		xasprintf(&all, "%s\n%s", reason, body);
		free(body);
		free(reason);
	} else
		all = body;
	cut = text_cut(all, USSD_SCREEN_MAX);
	free(all);
	return cut;
}

/* Set the screen to show next, with a reason line above it or none. */
static void
ussd_goto(struct uctx *u, int screen, enum ussd_text reason)
{
	u->next = &ussd_screens[screen];
	u->reason = reason;
}

/* End the session with a text (taken). */
static void
ussd_end_with(struct uctx *u, char *text)
{
	free(u->text);
	u->text = text;
	u->end = 1;
}

static void
ussd_end_text(struct uctx *u, enum ussd_text id, struct msg_var *vars, size_t nvars)
{
	u->reason = UT_NONE;
	ussd_end_with(u, ussd_compose(u, id, vars, nvars, NULL));
}

/*
 * Act through the core: kind (with p's fields) as if texted, the input as
 * its text. The replies come back in rep (never through the outbox).
 */
static int
ussd_core(struct uctx *u, const struct parse_result *p, const char *input,
    struct dialog_reply *rep)
{
	struct dialog_msg	m;
	char			ext[sizeof u->us.id + 24];
	int			r;

	snprintf(ext, sizeof ext, "%s:%lld", u->req->session, u->st.steps);
	memset(&m, 0, sizeof m);
	m.channel = u->req->channel != NULL ? u->req->channel : "ussd";
	m.ext_id = ext;
	m.from = u->req->from;
	m.to = u->req->service;
	m.text = input;
	m.textlen = strlen(input);
	m.received_at = u->req->now;
	m.outbox = 0;
	r = dialog_handle_parsed(u->store, u->cfg, &m, p, rep);
	if (r != DIALOG_OK)
		return r == DIALOG_ESENDER ? DIALOG_ESENDER : -1;
	return 0;
}

/* END with the thanks for a finished declaration: the hotline if flagged. */
static int
ussd_decl_end(struct uctx *u)
{
	struct msg_var	vars[] = {
		{ "hotline", u->cfg->hotline != NULL ? u->cfg->hotline : "" },
	};
	int		flagged = 0;

	if (u->st.decl > 0 &&
	    store_declaration_flagged(u->store, u->st.decl, &flagged) == -1)
		return -1;
	if (flagged)
		ussd_end_text(u, UT_DECL_FLAGGED, vars, nitems(vars));
	else
		ussd_end_text(u, UT_DECL_DONE, NULL, 0);
	return 0;
}

/*
 * After the core acted: the pending question if it opened or kept one,
 * else END with the fallback text (taken).
 */
static int
ussd_follow(struct uctx *u, char *fallback)
{
	struct session	s;
	int		r;

	if ((r = store_session_get(u->store, u->number, u->req->now, &s)) == -1) {
		free(fallback);
		return -1;
	}
	if (r == 1 && s.kind == SESSION_QUESTION) {
		free(fallback);
		u->st.decl = s.decl_id;
		ussd_goto(u, US_QUESTION, UT_NONE);
		return 0;
	}
	ussd_end_with(u, fallback);
	return 0;
}

/* The core's first reply, cut for a screen, or the goodbye. */
static char *
ussd_reply_text(struct uctx *u, const struct dialog_reply *rep)
{
	if (rep->n > 0 && rep->text[0] != NULL)
		return text_cut(rep->text[0], USSD_SCREEN_MAX);
	return ussd_compose(u, UT_BYE, NULL, 0, NULL);
}

static int
ussd_render_plain(struct uctx *u)
{
	u->text = ussd_compose(u, u->next->text, NULL, 0, NULL);
	return 0;
}

static int
ussd_render_code(struct uctx *u)
{
	char		digits[16];
	struct msg_var	vars[] = { { "digits", digits } };

	snprintf(digits, sizeof digits, "%d", u->cfg->code_digits + 1);
	u->text = ussd_compose(u, UT_CODE, vars, nitems(vars), NULL);
	return 0;
}

/* The venue being checked in at (confirm, did you mean); gone: the code again. */
static int
ussd_render_venue(struct uctx *u)
{
	struct venue	 v;
	char		 grouped[CODE_MAX + 4], *name, *ward;
	int		 r;

	memset(&v, 0, sizeof v);
	if ((r = store_venue_by_code(u->store, u->st.code, &v)) == -1)
		return -1;
	if (r == 0 || !v.active) {
		store_venue_free(&v);
		ussd_goto(u, US_CODE, UT_R_CODE);
		return 1;
	}
	code_group(v.code, grouped, sizeof grouped);
	name = ussd_name(v.name, USSD_NAME_CHARS);
	ward = ussd_name(v.ward, USSD_WARD_CHARS);
	{
		struct msg_var	vars[] = {
			{ "venue", name }, { "ward", ward }, { "code", grouped },
		};

		u->text = ussd_compose(u, u->next->text, vars, nitems(vars), "venue");
	}
	free(name);
	free(ward);
	store_venue_free(&v);
	return 0;
}

/* The pending question, or the thanks when there is none any more. */
static int
ussd_render_question(struct uctx *u)
{
	const struct question_set	*qs;
	const struct question		*q;
	struct session			 s;
	char				 n[16], total[16], *text;
	int				 r;

	if ((r = store_session_get(u->store, u->number, u->req->now, &s)) == -1)
		return -1;
	if (r == 1 && s.kind == SESSION_QUESTION) {
		qs = config_questions(u->cfg, s.qset);
		if (s.step >= 0 && (size_t)s.step < qs->nquestions) {
			u->st.decl = s.decl_id;
			q = &qs->questions[s.step];
			snprintf(n, sizeof n, "%d", s.step + 1);
			snprintf(total, sizeof total, "%zu", qs->nquestions);
			text = ussd_name(q->text[u->lang], USSD_SCREEN_MAX);
			{
				struct msg_var	vars[] = {
					{ "n", n }, { "total", total },
					{ "question", text },
				};

				u->text = ussd_compose(u, q->type == QUESTION_YESNO ?
				    UT_QUESTION_YESNO : UT_QUESTION_TEXT, vars,
				    nitems(vars), "question");
			}
			free(text);
			return 0;
		}
	}
	if (ussd_decl_end(u) == -1)
		return -1;
	return 1;
}

static int
ussd_in_main(struct uctx *u, const char *in)
{
	struct parse_result	p;
	struct dialog_reply	rep;
	int			r;

	memset(&p, 0, sizeof p);
	if (strcmp(in, "1") == 0) {
		memset(u->st.code, 0, sizeof u->st.code);
		ussd_goto(u, US_CODE, UT_NONE);
	} else if (strcmp(in, "2") == 0) {
		p.kind = PARSE_DECLARE;
		if ((r = ussd_core(u, &p, in, &rep)) != 0)
			return r;
		r = ussd_follow(u, ussd_reply_text(u, &rep));
		dialog_reply_free(&rep);
		return r;
	} else if (strcmp(in, "3") == 0) {
		p.kind = PARSE_HISTORY;
		if ((r = ussd_core(u, &p, in, &rep)) != 0)
			return r;
		ussd_end_with(u, ussd_reply_text(u, &rep));
		dialog_reply_free(&rep);
	} else if (strcmp(in, "4") == 0)
		ussd_goto(u, US_LANG, UT_NONE);
	else if (strcmp(in, "0") == 0)
		ussd_end_text(u, UT_BYE, NULL, 0);
	else
		ussd_goto(u, US_MAIN, UT_R_CHOICE);
	return 0;
}

static int
ussd_in_resume(struct uctx *u, const char *in)
{
	const struct ussd_screen	*s;

	if (strcmp(in, "1") == 0) {
		s = ussd_screen_find(u->st.rscreen);
		if (s == NULL || s == &ussd_screens[US_RESUME])
			s = &ussd_screens[US_MAIN];
		strlcpy(u->st.code, u->st.rcode, sizeof u->st.code);
		u->st.decl = u->st.rdecl;
		u->next = s;
		u->reason = UT_NONE;
	} else if (strcmp(in, "2") == 0)
		ussd_goto(u, US_MAIN, UT_NONE);
	else {
		ussd_goto(u, US_RESUME, UT_R_CHOICE);
		return 0;
	}
	memset(u->st.rscreen, 0, sizeof u->st.rscreen);
	memset(u->st.rcode, 0, sizeof u->st.rcode);
	u->st.rdecl = 0;
	return 0;
}

/* Copy in without spaces; 1 if what is left is all digits (and not empty). */
static int
ussd_digits(const char *in, char *out, size_t outlen)
{
	size_t	o = 0;
	int	digits = 1;

	for (; *in != '\0'; in++) {
		if (*in == ' ')
			continue;
		if (*in < '0' || *in > '9')
			digits = 0;
		if (o + 1 < outlen)
			out[o++] = *in;
	}
	out[o] = '\0';
	return digits && o > 0;
}

static int
ussd_in_code(struct uctx *u, const char *in)
{
	struct venue	v;
	char		code[USSD_INPUT_MAX + 1];
	int		r;

	if (strcmp(in, "0") == 0) {
		ussd_goto(u, US_MAIN, UT_NONE);
		return 0;
	}
	if (!ussd_digits(in, code, sizeof code)) {
		ussd_goto(u, US_CODE, UT_R_DIGITS);
		return 0;
	}
	if (strlen(code) != (size_t)u->cfg->code_digits + 1) {
		ussd_goto(u, US_CODE, UT_R_CODE_LEN);
		return 0;
	}
	if ((r = dialog_find_venue(u->store, u->cfg, code, &v)) == -1)
		return -1;
	if (r == 0) {
		ussd_goto(u, US_CODE, UT_R_CODE);
		return 0;
	}
	strlcpy(u->st.code, v.code, sizeof u->st.code);
	store_venue_free(&v);
	ussd_goto(u, r == 1 ? US_CONFIRM : US_DYM, UT_NONE);
	return 0;
}

/* Confirm and did-you-mean: 1 goes on with the venue, 2 asks for the code again. */
static int
ussd_in_confirm(struct uctx *u, const char *in)
{
	if (strcmp(in, "1") == 0)
		ussd_goto(u, US_COMPANIONS, UT_NONE);
	else if (strcmp(in, "2") == 0) {
		memset(u->st.code, 0, sizeof u->st.code);
		ussd_goto(u, US_CODE, UT_NONE);
	} else
		u->reason = UT_R_CHOICE;	/* the same screen */
	return 0;
}

/* The END text after a check-in at v. */
static char *
ussd_checked_in_text(struct uctx *u, const struct venue *v)
{
	char	when[32], *name, *ward, *text;

	tz_format_short(u->req->now, when, sizeof when);
	name = ussd_name(v->name, USSD_NAME_CHARS);
	ward = ussd_name(v->ward, USSD_WARD_CHARS);
	{
		struct msg_var	vars[] = {
			{ "venue", name }, { "ward", ward }, { "time", when },
		};

		u->reason = UT_NONE;
		text = ussd_compose(u, u->cfg->ussd_confirm_sms ? UT_CHECKED_IN_SMS :
		    UT_CHECKED_IN, vars, nitems(vars), "venue");
	}
	free(name);
	free(ward);
	return text;
}

/* The companions, then the check-in through the core. */
static int
ussd_in_companions(struct uctx *u, const char *in)
{
	struct parse_result	 p;
	struct dialog_reply	 rep;
	struct venue		 v;
	char			 digits[USSD_INPUT_MAX + 1];
	const char		*errstr;
	long long		 n = 0;
	int			 r;

	if (*in != '\0') {
		if (!ussd_digits(in, digits, sizeof digits) || strlen(digits) > 2)
			errstr = "bad";
		else
			n = num_parse(digits, 0, PARSE_COMPANIONS_MAX, &errstr);
		if (errstr != NULL) {
			ussd_goto(u, US_COMPANIONS, UT_R_COUNT);
			return 0;
		}
	}
	memset(&v, 0, sizeof v);
	if ((r = store_venue_by_code(u->store, u->st.code, &v)) == -1)
		return -1;
	if (r == 0 || !v.active) {
		/* Gone since it was confirmed: ask for a code again. */
		store_venue_free(&v);
		ussd_goto(u, US_CODE, UT_R_CODE);
		return 0;
	}
	memset(&p, 0, sizeof p);
	p.kind = PARSE_CHECKIN;
	strlcpy(p.code, v.code, sizeof p.code);
	p.companions = (int)n;
	if ((r = ussd_core(u, &p, in, &rep)) != 0) {
		store_venue_free(&v);
		return r;
	}
	if (u->cfg->ussd_confirm_sms && rep.n > 0 && rep.text[0] != NULL) {
		u->sms = xstrdup(rep.text[0]);
		u->sms_inbound = rep.inbound_id;
	}
	log_info("ussd: msg=%lld step=%lld action=checkin venue=%s duplicate=%d",
	    (long long)rep.inbound_id, u->st.steps, v.code, rep.duplicate);
	dialog_reply_free(&rep);
	r = ussd_follow(u, ussd_checked_in_text(u, &v));
	store_venue_free(&v);
	return r;
}

static int
ussd_in_question(struct uctx *u, const char *in)
{
	const struct question_set	*qs;
	struct parse_result		 p;
	struct dialog_reply		 rep;
	struct session			 s;
	int				 r;

	if ((r = store_session_get(u->store, u->number, u->req->now, &s)) == -1)
		return -1;
	if (r == 0 || s.kind != SESSION_QUESTION)
		return ussd_decl_end(u);
	qs = config_questions(u->cfg, s.qset);
	if (s.step < 0 || (size_t)s.step >= qs->nquestions)
		return ussd_decl_end(u);
	u->st.decl = s.decl_id;
	memset(&p, 0, sizeof p);
	if (qs->questions[s.step].type == QUESTION_YESNO) {
		if (strcmp(in, "1") == 0)
			p.kind = PARSE_YES;
		else if (strcmp(in, "2") == 0)
			p.kind = PARSE_NO;
		else {
			ussd_goto(u, US_QUESTION, UT_R_ANSWER);
			return 0;
		}
	} else {
		if (*in == '\0') {
			ussd_goto(u, US_QUESTION, UT_R_EMPTY);
			return 0;
		}
		/* A free-text answer: the core takes the text. */
		p.kind = PARSE_UNKNOWN;
	}
	if ((r = ussd_core(u, &p, in, &rep)) != 0)
		return r;
	dialog_reply_free(&rep);
	if ((r = store_session_get(u->store, u->number, u->req->now, &s)) == -1)
		return -1;
	if (r == 1 && s.kind == SESSION_QUESTION) {
		ussd_goto(u, US_QUESTION, UT_NONE);
		return 0;
	}
	return ussd_decl_end(u);
}

static int
ussd_in_lang(struct uctx *u, const char *in)
{
	struct parse_result	p;
	struct dialog_reply	rep;
	const char		*errstr;
	int			r, n;

	if (strcmp(in, "0") == 0) {
		ussd_goto(u, US_MAIN, UT_NONE);
		return 0;
	}
	/* "1" the first language, "2" the second, and so on. */
	n = (int)num_parse(in, 1, msg_nlangs(&u->cfg->texts), &errstr);
	if (errstr != NULL || in[0] < '1' || in[0] > '9') {
		ussd_goto(u, US_LANG, UT_R_CHOICE);
		return 0;
	}
	memset(&p, 0, sizeof p);
	p.kind = PARSE_LANG;
	p.lang = (enum lang)(n - 1);
	if ((r = ussd_core(u, &p, in, &rep)) != 0)
		return r;
	dialog_reply_free(&rep);
	u->lang = p.lang;
	ussd_goto(u, US_MAIN, UT_R_LANG);
	return 0;
}

/*
 * The screen a cut session stopped at, with its state, if it is worth
 * resuming: 1 and target filled, else 0.
 */
static int
ussd_resumable(const struct ussd_session *us, struct ussd_state *target)
{
	const struct ussd_screen	*s;
	struct ussd_state		 st;

	ussd_state_parse(us->data, &st);
	memset(target, 0, sizeof *target);
	if ((s = ussd_screen_find(us->screen)) == NULL || !s->resumable)
		return 0;
	if (s == &ussd_screens[US_RESUME]) {
		/* Cut again on the offer: offer the same again. */
		s = ussd_screen_find(st.rscreen);
		if (s == NULL || !s->resumable || s == &ussd_screens[US_RESUME])
			return 0;
		strlcpy(target->rscreen, s->name, sizeof target->rscreen);
		strlcpy(target->rcode, st.rcode, sizeof target->rcode);
		target->rdecl = st.rdecl;
		return 1;
	}
	strlcpy(target->rscreen, s->name, sizeof target->rscreen);
	strlcpy(target->rcode, st.code, sizeof target->rcode);
	target->rdecl = st.decl;
	return 1;
}

/* The history seen at this step, for the next one. */
static void
ussd_history_seen(struct uctx *u)
{
	const char	*h = u->req->history;

	if (h == NULL)
		return;
	u->st.hlen = (long long)strlen(h);
	u->st.hhash = (long long)ussd_hash(USSD_HASH_INIT, h, strlen(h));
}

/* A new session id: the main menu, or the offer to resume a cut session. */
static int
ussd_start(struct uctx *u)
{
	struct subscriber	sub;
	struct ussd_session	last;
	struct ussd_state	target;
	int			r;

	if (store_subscriber_get(u->store, u->number, &sub) == -1)
		return -1;
	u->lang = sub.lang >= 0 && sub.lang < msg_nlangs(&u->cfg->texts) ?
	    (enum lang)sub.lang :
	    u->cfg->language;
	memset(&u->st, 0, sizeof u->st);
	ussd_history_seen(u);
	ussd_goto(u, US_MAIN, UT_NONE);
	r = store_ussd_last(u->store, u->number, u->req->now - u->cfg->ussd_resume,
	    &last);
	if (r == -1)
		return -1;
	if (r == 1 && strcmp(last.id, u->req->session) != 0 &&
	    ussd_resumable(&last, &target)) {
		strlcpy(u->st.rscreen, target.rscreen, sizeof u->st.rscreen);
		strlcpy(u->st.rcode, target.rcode, sizeof u->st.rcode);
		u->st.rdecl = target.rdecl;
		strlcpy(u->old, last.id, sizeof u->old);
		ussd_goto(u, US_RESUME, UT_NONE);
	}
	log_debug("ussd: new session screen=%s", u->next->name);
	return 0;
}

/*
 * The newest input of this step in *in, its length in *len; the history
 * seen is updated. 0, or 1 when the step repeats the last one (an
 * operator's retry: the same history again).
 */
static int
ussd_newest(struct uctx *u, const char **in, size_t *len)
{
	const char	*h = u->req->history, *star;
	size_t		 hlen, seen = (size_t)u->st.hlen;
	uint64_t	 hash;

	if (u->req->input != NULL || h == NULL) {
		*in = u->req->input != NULL ? u->req->input : "";
		*len = strlen(*in);
		return 0;
	}
	hlen = strlen(h);
	if (hlen >= seen) {
		hash = ussd_hash(USSD_HASH_INIT, h, seen);
		if (hash == (uint64_t)u->st.hhash) {
			u->st.hhash = (long long)ussd_hash(hash, h + seen, hlen - seen);
			u->st.hlen = (long long)hlen;
			if (hlen == seen)
				return 1;
			if (seen == 0) {
				*in = h;
				*len = hlen;
				return 0;
			}
			if (h[seen] == '*') {
				*in = h + seen + 1;
				*len = hlen - seen - 1;
				return 0;
			}
		}
	}
	/* Not an extension of what was seen: the part after the last '*'. */
	star = strrchr(h, '*');
	*in = star != NULL ? star + 1 : h;
	*len = strlen(*in);
	ussd_history_seen(u);
	return 0;
}

/* Trim spaces at both ends into out. */
static void
ussd_trim(const char *in, size_t len, char *out, size_t outlen)
{
	while (len > 0 && (*in == ' ' || *in == '\t')) {
		in++;
		len--;
	}
	while (len > 0 && (in[len - 1] == ' ' || in[len - 1] == '\t'))
		len--;
	if (len >= outlen)
		len = outlen - 1;
	memcpy(out, in, len);
	out[len] = '\0';
}

/* A step of a known session: take its input on the screen it waits on. */
static int
ussd_step(struct uctx *u)
{
	const struct ussd_screen	*cur;
	const char			*in;
	char				 input[USSD_INPUT_MAX + 1];
	size_t				 len;

	ussd_state_parse(u->us.data, &u->st);
	u->lang = u->us.lang >= 0 && u->us.lang < msg_nlangs(&u->cfg->texts) ?
	    (enum lang)u->us.lang :
	    u->cfg->language;
	if ((cur = ussd_screen_find(u->us.screen)) == NULL)
		cur = &ussd_screens[US_MAIN];
	u->next = cur;
	u->reason = UT_NONE;
	if (ussd_newest(u, &in, &len) == 1) {
		log_debug("ussd: step=%lld repeated", u->st.steps);
		return 0;
	}
	if (++u->st.steps > USSD_STEPS_MAX) {
		ussd_end_text(u, UT_TOO_MANY, NULL, 0);
		return 0;
	}
	if (len > USSD_INPUT_MAX) {
		u->reason = UT_R_LONG;
		return 0;
	}
	ussd_trim(in, len, input, sizeof input);
	log_debug("ussd: step=%lld screen=%s", u->st.steps, cur->name);
	return cur->input(u, input);
}

/* Record the step (and queue the confirmation) in one transaction. */
static int
ussd_save(struct uctx *u)
{
	const struct route	*route = NULL;
	struct ussd_session	 us;

	if (u->sms != NULL && (route = config_route_reply(u->cfg,
	    u->req->channel, u->number)) == NULL)
		log_warnx("ussd: no outbound route for the confirmation SMS");
	memset(&us, 0, sizeof us);
	strlcpy(us.id, u->req->session, sizeof us.id);
	strlcpy(us.number, u->number, sizeof us.number);
	strlcpy(us.screen, u->next->name, sizeof us.screen);
	ussd_state_format(&u->st, us.data, sizeof us.data);
	us.lang = (int)u->lang;
	us.updated_at = u->req->now;
	us.ended = u->end;

	if (store_begin(u->store) == -1)
		return -1;
	if (route != NULL && store_outbox_add(u->store, route->name, u->number, u->sms,
	    u->req->now, 0, u->sms_inbound) == -1)
		goto fail;
	if (u->old[0] != '\0' && store_ussd_end(u->store, u->old, u->req->now) == -1)
		goto fail;
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
 * The network says the session is over. One with nothing to resume is
 * finished; one cut mid-way stays open for ussd.resume seconds.
 */
static int
ussd_ended(struct uctx *u, int found)
{
	const struct ussd_screen	*s;

	if (!found || u->us.ended)
		return 0;
	s = ussd_screen_find(u->us.screen);
	if (s != NULL && s->resumable)
		return 0;
	return store_ussd_end(u->store, u->req->session, u->req->now);
}

int
ussd_handle(struct store *store, const struct config *cfg, const struct ussd_req *req,
    struct ussd_resp *resp)
{
	struct uctx	u;
	int		r, i;

	memset(resp, 0, sizeof *resp);
	memset(&u, 0, sizeof u);
	u.store = store;
	u.cfg = cfg;
	u.req = req;
	u.lang = cfg->language;
	if (req->from == NULL ||
	    number_normalize(req->from, cfg->country_code, u.number) != NUMBER_E164)
		return DIALOG_ESENDER;
	if (req->session == NULL || req->session[0] == '\0' ||
	    strlen(req->session) >= sizeof u.us.id) {
		/* The formats refuse these; nothing to keep a session under. */
		resp->end = 1;
		resp->text = ussd_compose(&u, UT_BYE, NULL, 0, NULL);
		return 0;
	}
	if ((r = store_ussd_get(store, req->session, &u.us)) == -1)
		return -1;
	if (req->ended) {
		resp->end = 1;
		return ussd_ended(&u, r) == -1 ? -1 : 0;
	}
	if (r == 1 && (u.us.ended || strcmp(u.us.number, u.number) != 0)) {
		/* Over, or another number's: nothing to continue. */
		if (u.us.lang >= 0 && u.us.lang < msg_nlangs(&cfg->texts))
			u.lang = (enum lang)u.us.lang;
		resp->end = 1;
		resp->text = ussd_compose(&u, UT_BYE, NULL, 0, NULL);
		return 0;
	}
	r = r == 0 ? ussd_start(&u) : ussd_step(&u);
	for (i = 0; r == 0 && !u.end && u.text == NULL && i < USSD_REDIRECTS; i++)
		r = u.next->render(&u) == -1 ? -1 : 0;
	if (r == 0 && u.text == NULL) {
		ussd_goto(&u, US_MAIN, UT_NONE);
		r = ussd_render_plain(&u);
	}
	if (r == 0)
		r = ussd_save(&u);
	free(u.sms);
	if (r != 0) {
		free(u.text);
		return r;
	}
	resp->end = u.end;
	resp->text = u.text;
	return 0;
}

void
ussd_resp_free(struct ussd_resp *resp)
{
	if (resp == NULL)
		return;
	free(resp->text);
	memset(resp, 0, sizeof *resp);
}
