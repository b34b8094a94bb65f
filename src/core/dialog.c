/*
 * dialog.c: the core. One SMS in, its meaning decided, the database changed
 * and the replies produced, all inside one transaction: the channel
 * acknowledges only after dialog_handle() has committed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
#include "core/metrics.h"
#include "core/parse.h"
#include "core/ward.h"

#define DIALOG_RS		"\x1e"	/* separates replies stored with an inbound row */
#define DIALOG_NAME_CHARS	40	/* a venue name in a reply is cut to this */
#define DIALOG_LIST_NAME_CHARS	16	/* a venue name in a list is cut to this */
#define DIALOG_LIST_MAX		90	/* bytes of a {list}: the templates leave room for this */
#define DIALOG_HISTORY		3	/* check-ins shown by LS */
#define DIALOG_ANSWER_MAX	160	/* bytes of a free-text answer kept */

/* Everything one message's handling needs. */
struct dctx {
	struct store		*store;
	const struct config	*cfg;
	const struct dialog_msg	*msg;
	struct dialog_reply	*reply;
	char			 from[NUMBER_MAX];
	char			*clean;		/* the text as stored */
	const struct parse_result *given;	/* the meaning, when the caller knows it */
	struct parse_result	 p;
	enum lang		 lang;
	struct subscriber	 sub;
	struct session		 session;
	int			 has_session;
	int64_t			 declared_at;	/* the last declaration completed, 0 none */
	struct inbound_recent	 recent;	/* the abuse limits' counts */
	int			 open;		/* a check-in of the number is open */
	/* Its latest check-in's sent_at (0 none, INT64_MAX not known). */
	int64_t			 last_checkin;
	int64_t			 now;		/* arrival */
	int64_t			 sent_at;	/* when the resident sent it, as far as we believe */
	int64_t			 inbound_id;
};

/* A handler for one kind of message: 0 done, -1 storage error. */
struct dialog_entry {
	enum parse_kind	  kind;
	int		(*exec)(struct dctx *);
};

static int	dialog_checkin(struct dctx *);
static int	dialog_badcode(struct dctx *);
static int	dialog_badcount(struct dctx *);
static int	dialog_twocodes(struct dctx *);
static int	dialog_checkout(struct dctx *);
static int	dialog_yes(struct dctx *);
static int	dialog_declare(struct dctx *);
static int	dialog_help(struct dctx *);
static int	dialog_lang(struct dctx *);
static int	dialog_stop(struct dctx *);
static int	dialog_start(struct dctx *);
static int	dialog_history(struct dctx *);
static int	dialog_stats(struct dctx *);
static int	dialog_unknown(struct dctx *);
static int	dialog_do(struct store *, const struct config *, const struct dialog_msg *,
		    const struct parse_result *, struct dialog_reply *);

static const struct dialog_entry dialog_table[] = {
	{ PARSE_CHECKIN,	dialog_checkin },
	{ PARSE_BADCODE,	dialog_badcode },
	{ PARSE_BADCOUNT,	dialog_badcount },
	{ PARSE_TWOCODES,	dialog_twocodes },
	{ PARSE_CHECKOUT,	dialog_checkout },
	{ PARSE_YES,		dialog_yes },
	{ PARSE_NO,		dialog_unknown },
	{ PARSE_DECLARE,	dialog_declare },
	{ PARSE_HELP,		dialog_help },
	{ PARSE_LANG,		dialog_lang },
	{ PARSE_STOP,		dialog_stop },
	{ PARSE_START,		dialog_start },
	{ PARSE_HISTORY,	dialog_history },
	{ PARSE_STATS,		dialog_stats },
	{ PARSE_EMPTY,		dialog_unknown },
	{ PARSE_UNKNOWN,	dialog_unknown },
};

/* Add a rendered reply, valid until expires_at (0: always). */
static void
dialog_say_until(struct dctx *d, enum msg_id id, const struct msg_var *vars,
    size_t nvars, int64_t expires_at)
{
	char	*text;

	text = msg_render(&d->cfg->texts, d->lang, id, vars, nvars);
	if (d->reply->n == DIALOG_REPLIES_MAX) {
		log_warnx("dialog: msg=%lld too many replies, dropped %s",
		    (long long)d->inbound_id, msg_name(id));
		free(text);
		return;
	}
	d->reply->expires_at[d->reply->n] = expires_at;
	d->reply->text[d->reply->n++] = text;
}

static void
dialog_say(struct dctx *d, enum msg_id id, const struct msg_var *vars, size_t nvars)
{
	dialog_say_until(d, id, vars, nvars, 0);
}

/* Copy at most maxchars characters of UTF-8 s into out (sized for them). */
static void
dialog_cut(const char *s, size_t maxchars, char *out, size_t outlen)
{
	char	*cut = text_cut(s, maxchars);

	strlcpy(out, cut, outlen);
	free(cut);
}

static void
dialog_time(int64_t t, char *buf, size_t len)
{
	tz_format_short(t, buf, len);
}

/* The confirmation of a check-in, the same text for the first and a repeat. */
static void
dialog_confirm(struct dctx *d, const struct venue *v, const struct checkin *c)
{
	char	 name[4 * DIALOG_NAME_CHARS + 1], when[32], comp[16];
	struct msg_var vars[] = {
		{ "venue", name }, { "ward", v->ward }, { "time", when },
		{ "code", "" }, { "companions", comp },
	};

	dialog_cut(v->name, DIALOG_NAME_CHARS, name, sizeof name);
	dialog_time(c->sent_at, when, sizeof when);
	snprintf(comp, sizeof comp, "%d", c->companions);
	dialog_say(d, c->companions > 0 ? MSG_CHECKED_IN_GROUP : MSG_CHECKED_IN, vars,
	    nitems(vars));
}

/* Ask question step of the session's set, or say nothing if it is gone. */
static int
dialog_ask(struct dctx *d, const struct session *s)
{
	const struct question_set	*qs = config_questions(d->cfg, s->qset);
	const struct question		*q;
	char				 n[16], total[16];

	if (s->step < 0 || (size_t)s->step >= qs->nquestions)
		return 0;
	q = &qs->questions[s->step];
	snprintf(n, sizeof n, "%d", s->step + 1);
	snprintf(total, sizeof total, "%zu", qs->nquestions);
	{
		struct msg_var vars[] = {
			{ "n", n }, { "total", total }, { "question", q->text[d->lang] },
		};
		/* A question queued for later makes no sense once its session ends. */
		dialog_say_until(d, q->type == QUESTION_YESNO ? MSG_QUESTION_YESNO :
		    MSG_QUESTION_TEXT, vars, nitems(vars), s->expires_at);
	}
	return 1;
}

/*
 * 1 if the number completed a declaration recently enough; -1 on error.
 * Read with the rest of the number (store_resident_get): nothing a message
 * does before it asks completes a declaration.
 */
static int
dialog_declared(struct dctx *d, int64_t *at)
{
	if (at != NULL)
		*at = d->declared_at;
	return d->declared_at != 0 &&
	    d->declared_at > d->now - d->cfg->declaration_valid;
}

/* A new session of kind at venue_id for the sender, ending after session_timeout. */
static void
dialog_session_new(struct dctx *d, struct session *s, enum session_kind kind,
    int64_t venue_id)
{
	memset(s, 0, sizeof *s);
	strlcpy(s->number, d->from, sizeof s->number);
	s->kind = kind;
	s->venue_id = venue_id;
	s->expires_at = d->now + d->cfg->session_timeout;
}

/*
 * Begin the declaration for a venue kind (a question session), or re-ask
 * the pending question if one is already open.
 */
static int
dialog_declaration_begin(struct dctx *d, int64_t venue_id, int64_t checkin_id,
    const char *kind)
{
	const struct question_set	*qs;
	struct session			 s;
	int64_t				 decl;

	if (d->has_session && d->session.kind == SESSION_QUESTION) {
		d->session.expires_at = d->now + d->cfg->session_timeout;
		if (store_session_put(d->store, &d->session) == -1)
			return -1;
		dialog_ask(d, &d->session);
		return 0;
	}
	qs = config_questions(d->cfg, kind);
	if (qs->nquestions == 0)
		return 0;
	decl = store_declaration_start(d->store, d->from, venue_id, checkin_id, d->now);
	if (decl == -1)
		return -1;
	dialog_session_new(d, &s, SESSION_QUESTION, venue_id);
	s.decl_id = decl;
	strlcpy(s.qset, qs->kind, sizeof s.qset);
	if (store_session_put(d->store, &s) == -1)
		return -1;
	d->session = s;
	d->has_session = 1;
	dialog_ask(d, &s);
	return 0;
}

/* Record a check-in at v (or repeat the confirmation), then the declaration. */
static int
dialog_checkin_at(struct dctx *d, const struct venue *v, int companions)
{
	struct checkin	c;
	int64_t		since = d->sent_at - d->cfg->duplicate_window;
	int		r;

	/* No check-in of the number since: none at v either. */
	r = d->last_checkin < since ? 0 :
	    store_checkin_recent(d->store, d->from, v->id, since, &c);
	if (r == -1)
		return -1;
	if (r == 1) {
		/* A repeat inside the window: the first confirmation again. */
		dialog_confirm(d, v, &c);
		if (d->has_session && d->session.kind == SESSION_QUESTION)
			dialog_ask(d, &d->session);
		log_debug("msg=%lld chan=%s action=repeat venue=%s",
		    (long long)d->inbound_id, d->msg->channel, v->code);
		return 0;
	}
	if (d->open && store_checkin_close_all(d->store, d->from, d->sent_at) == -1)
		return -1;
	memset(&c, 0, sizeof c);
	c.venue_id = v->id;
	strlcpy(c.number, d->from, sizeof c.number);
	c.companions = companions;
	c.sent_at = d->sent_at;
	c.received_at = d->now;
	if ((c.id = store_checkin_add(d->store, &c, d->msg->channel, d->inbound_id)) == -1)
		return -1;
	/* A flag, never a refusal. */
	if (ward_fraud_check(d->store, d->cfg, &c, d->last_checkin) == -1)
		return -1;
	d->open = 1;
	d->last_checkin = c.sent_at;
	metrics_add(METRIC_CHECKINS, d->msg->channel, NULL, 1);
	log_debug("msg=%lld chan=%s action=checkin venue=%s companions=%d",
	    (long long)d->inbound_id, d->msg->channel, v->code, companions);
	dialog_confirm(d, v, &c);
	if (d->has_session && (d->session.kind == SESSION_DIDYOUMEAN ||
	    d->session.kind == SESSION_COUNT)) {
		if (store_session_clear(d->store, d->from) == -1)
			return -1;
		d->has_session = 0;
	}
	if ((r = dialog_declared(d, NULL)) == -1)
		return -1;
	if (r == 1)
		return 0;
	return dialog_declaration_begin(d, v->id, c.id, v->kind);
}

int
dialog_find_venue(struct store *store, const struct config *cfg, const char *code,
    struct venue *out)
{
	char		 near[CODE_NEIGHBOURS_MAX][CODE_MAX];
	struct venue	 v;
	size_t		 i, n, hits = 0;
	int		 r;

	memset(out, 0, sizeof *out);
	if (code_valid(code, (size_t)cfg->code_digits + 1)) {
		if ((r = store_venue_by_code(store, code, out)) == -1)
			return -1;
		if (r == 1 && out->active)
			return 1;
		store_venue_free(out);
	}
	n = code_neighbours(code, near, nitems(near));
	for (i = 0; i < n && hits < 2; i++) {
		memset(&v, 0, sizeof v);
		if ((r = store_venue_by_code(store, near[i], &v)) == -1) {
			store_venue_free(out);
			return -1;
		}
		if (r == 1 && v.active && hits++ == 0) {
			*out = v;
			continue;
		}
		store_venue_free(&v);
	}
	if (hits == 1)
		return 2;
	store_venue_free(out);
	return 0;
}

/* Check in at the venue a code means, or offer the one a typo away. */
static int
dialog_checkin(struct dctx *d)
{
	char		 grouped[CODE_MAX + 4], name[4 * DIALOG_NAME_CHARS + 1];
	struct venue	 v;
	struct session	 s;
	int		 r;

	if ((r = dialog_find_venue(d->store, d->cfg, d->p.code, &v)) == -1)
		return -1;
	if (r == 1) {
		r = dialog_checkin_at(d, &v, d->p.companions);
		store_venue_free(&v);
		return r;
	}
	code_group(d->p.code, grouped, sizeof grouped);
	if (r == 0) {
		struct msg_var vars[] = { { "code", grouped } };

		dialog_say(d, code_valid(d->p.code, (size_t)d->cfg->code_digits + 1) ?
		    MSG_CODE_UNKNOWN : MSG_CODE_INVALID, vars, nitems(vars));
		return 0;
	}
	/* Exactly one venue is a typo away: "reply 1" checks in there. */
	dialog_session_new(d, &s, SESSION_DIDYOUMEAN, v.id);
	s.companions = d->p.companions;
	r = store_session_put(d->store, &s);
	if (r != -1) {
		struct msg_var vars[] = { { "code", grouped }, { "venue", name } };

		code_group(v.code, grouped, sizeof grouped);
		dialog_cut(v.name, DIALOG_NAME_CHARS, name, sizeof name);
		dialog_say(d, MSG_DIDYOUMEAN, vars, nitems(vars));
	}
	store_venue_free(&v);
	return r == -1 ? -1 : 0;
}

static int
dialog_badcode(struct dctx *d)
{
	char		grouped[CODE_MAX + 4];
	struct msg_var	vars[] = { { "code", grouped } };

	code_group(d->p.code, grouped, sizeof grouped);
	dialog_say(d, MSG_CODE_INVALID, vars, nitems(vars));
	return 0;
}

/*
 * A code with a count out of range: nobody is checked in. At an active
 * venue, and with no declaration question waiting, ask how many came; a
 * number answers (dialog_count_answer). Otherwise say what a count is.
 */
static int
dialog_badcount(struct dctx *d)
{
	char		 name[4 * DIALOG_NAME_CHARS + 1];
	struct venue	 v;
	struct session	 s;
	int		 r;

	if (d->p.code[0] == '\0' || d->given != NULL ||
	    (d->has_session && d->session.kind == SESSION_QUESTION)) {
		dialog_say(d, MSG_BADCOUNT, NULL, 0);
		return 0;
	}
	memset(&v, 0, sizeof v);
	if ((r = store_venue_by_code(d->store, d->p.code, &v)) == -1)
		return -1;
	if (r == 0 || !v.active) {
		store_venue_free(&v);
		dialog_say(d, MSG_BADCOUNT, NULL, 0);
		return 0;
	}
	dialog_session_new(d, &s, SESSION_COUNT, v.id);
	if ((r = store_session_put(d->store, &s)) != -1) {
		struct msg_var	vars[] = { { "venue", name } };

		dialog_cut(v.name, DIALOG_NAME_CHARS, name, sizeof name);
		dialog_say(d, MSG_ASK_COUNT, vars, nitems(vars));
	}
	store_venue_free(&v);
	return r == -1 ? -1 : 0;
}

/*
 * The answer to "how many people are with you?": a number ("3", "+3",
 * "3."), or -1 if the text is something else and means itself.
 */
static int
dialog_count_number(const char *clean)
{
	char		*folded, *p, *end;
	const char	*errstr;
	int		 n = -1;

	folded = text_fold(clean, strlen(clean));
	p = folded;
	end = p + strlen(p);
	if (*p == '+')
		p++;
	while (end > p && strchr(" .!", end[-1]) != NULL)
		end--;
	*end = '\0';
	if (p < end && end - p <= 3 && strspn(p, "0123456789") == (size_t)(end - p))
		n = (int)num_parse(p, 0, 999, &errstr);
	free(folded);
	return n;
}

/* A number while SESSION_COUNT waits: check in with it, or ask again. */
static int
dialog_count_answer(struct dctx *d, int n)
{
	char		 name[4 * DIALOG_NAME_CHARS + 1];
	struct venue	 v;
	int		 r;

	memset(&v, 0, sizeof v);
	if ((r = store_venue_by_id(d->store, d->session.venue_id, &v)) == -1)
		return -1;
	if (r == 1 && v.active && n > PARSE_COMPANIONS_MAX) {
		struct msg_var	vars[] = { { "venue", name } };

		dialog_cut(v.name, DIALOG_NAME_CHARS, name, sizeof name);
		dialog_say(d, MSG_ASK_COUNT, vars, nitems(vars));
		store_venue_free(&v);
		return 0;
	}
	if (store_session_clear(d->store, d->from) == -1) {
		store_venue_free(&v);
		return -1;
	}
	d->has_session = 0;
	if (r == 0 || !v.active) {
		store_venue_free(&v);
		return dialog_unknown(d);
	}
	r = dialog_checkin_at(d, &v, n);
	store_venue_free(&v);
	return r;
}

/*
 * Two valid codes in one text: ask which, listing both; the resident
 * answers with the one code, an ordinary check-in. Nothing is stored.
 */
static int
dialog_twocodes(struct dctx *d)
{
	char		grouped[CODE_MAX + 4], grouped2[CODE_MAX + 4];
	struct msg_var	vars[] = { { "code", grouped }, { "code2", grouped2 } };

	code_group(d->p.code, grouped, sizeof grouped);
	code_group(d->p.code2, grouped2, sizeof grouped2);
	dialog_say(d, MSG_TWO_CODES, vars, nitems(vars));
	return 0;
}

static int
dialog_checkout(struct dctx *d)
{
	struct venue	v;
	struct checkin	c;
	char		name[4 * DIALOG_NAME_CHARS + 1], when[32];
	int64_t		venue_id = 0;
	int		r;

	memset(&v, 0, sizeof v);
	if (d->p.code[0] != '\0') {
		if ((r = store_venue_by_code(d->store, d->p.code, &v)) == -1)
			return -1;
		if (r == 1)
			venue_id = v.id;
		store_venue_free(&v);
	}
	if ((r = store_checkin_open(d->store, d->from, venue_id, d->sent_at,
	    &c)) == -1)
		return -1;
	if (r == 0) {
		dialog_say(d, MSG_CHECKOUT_NONE, NULL, 0);
		return 0;
	}
	if (store_checkin_close(d->store, c.id, d->sent_at) == -1)
		return -1;
	if ((r = store_venue_by_id(d->store, c.venue_id, &v)) == -1)
		return -1;
	dialog_cut(r == 1 ? v.name : "", DIALOG_NAME_CHARS, name, sizeof name);
	dialog_time(d->sent_at, when, sizeof when);
	{
		struct msg_var vars[] = { { "venue", name }, { "time", when } };

		dialog_say(d, MSG_CHECKOUT, vars, nitems(vars));
	}
	log_info("msg=%lld chan=%s action=checkout venue=%s",
	    (long long)d->inbound_id, d->msg->channel, r == 1 ? v.code : "-");
	store_venue_free(&v);
	return 0;
}

/* The answer to the pending question; a wrong kind of answer asks again. */
static int
dialog_answer(struct dctx *d)
{
	const struct question_set	*qs = config_questions(d->cfg, d->session.qset);
	const struct question		*q;
	struct session			*s = &d->session;
	char				 answer[DIALOG_ANSWER_MAX + 1];
	int				 flagged = 0, done;

	if (s->step < 0 || (size_t)s->step >= qs->nquestions) {
		/* The questions changed under a reload: nothing left to ask. */
		return store_session_clear(d->store, d->from);
	}
	q = &qs->questions[s->step];
	if (q->type == QUESTION_YESNO) {
		if (d->p.kind != PARSE_YES && d->p.kind != PARSE_NO) {
			struct msg_var vars[] = { { "question", q->text[d->lang] } };

			dialog_say(d, MSG_ANSWER_YESNO, vars, nitems(vars));
			s->expires_at = d->now + d->cfg->session_timeout;
			return store_session_put(d->store, s);
		}
		strlcpy(answer, d->p.kind == PARSE_YES ? "yes" : "no", sizeof answer);
		flagged = (q->flag_on == FLAG_ON_YES && d->p.kind == PARSE_YES) ||
		    (q->flag_on == FLAG_ON_NO && d->p.kind == PARSE_NO);
	} else
		dialog_cut(d->clean, DIALOG_ANSWER_MAX / 4, answer, sizeof answer);

	if (store_declaration_answer(d->store, s->decl_id, q->id, answer, flagged,
	    d->now) == -1)
		return -1;
	done = (size_t)s->step + 1 >= qs->nquestions;
	if (!done) {
		s->step++;
		s->expires_at = d->now + d->cfg->session_timeout;
		if (store_session_put(d->store, s) == -1)
			return -1;
		dialog_ask(d, s);
		return 0;
	}
	if (store_declaration_flagged(d->store, s->decl_id, &flagged) == -1)
		return -1;
	if (store_declaration_finish(d->store, s->decl_id, flagged, d->now) == -1)
		return -1;
	if (store_session_clear(d->store, d->from) == -1)
		return -1;
	d->has_session = 0;
	metrics_add(METRIC_DECLARATIONS, flagged ? "1" : "0", NULL, 1);
	log_info("msg=%lld chan=%s action=declaration flagged=%d",
	    (long long)d->inbound_id, d->msg->channel, flagged);
	if (flagged) {
		struct msg_var vars[] = { { "hotline", d->cfg->hotline } };

		dialog_say(d, MSG_DECL_FLAGGED, vars, nitems(vars));
	} else
		dialog_say(d, MSG_DECL_DONE, NULL, 0);
	return 0;
}

/* "1" confirms a did-you-mean; otherwise a bare yes means nothing. */
static int
dialog_yes(struct dctx *d)
{
	struct venue	v;
	int		r;

	if (!d->has_session || d->session.kind != SESSION_DIDYOUMEAN)
		return dialog_unknown(d);
	memset(&v, 0, sizeof v);
	if ((r = store_venue_by_id(d->store, d->session.venue_id, &v)) == -1)
		return -1;
	if (store_session_clear(d->store, d->from) == -1) {
		store_venue_free(&v);
		return -1;
	}
	d->has_session = 0;
	if (r == 0 || !v.active) {
		store_venue_free(&v);
		return dialog_unknown(d);
	}
	r = dialog_checkin_at(d, &v, d->session.companions);
	store_venue_free(&v);
	return r;
}

static int
dialog_declare(struct dctx *d)
{
	int64_t	at;
	char	when[32];
	int	r;

	if ((r = dialog_declared(d, &at)) == -1)
		return -1;
	if (r == 1) {
		struct msg_var vars[] = { { "time", when } };

		dialog_time(at + d->cfg->declaration_valid, when, sizeof when);
		dialog_say(d, MSG_DECL_VALID, vars, nitems(vars));
		return 0;
	}
	return dialog_declaration_begin(d, 0, 0, "default");
}

static int
dialog_help(struct dctx *d)
{
	struct msg_var	vars[] = { { "short_number", d->cfg->short_number } };

	dialog_say(d, MSG_HELP, vars, nitems(vars));
	return 0;
}

static int
dialog_lang(struct dctx *d)
{
	if (store_subscriber_set_lang(d->store, d->from, (int)d->p.lang) == -1)
		return -1;
	d->lang = d->p.lang;
	dialog_say(d, MSG_LANG, NULL, 0);
	return 0;
}

static int
dialog_stop(struct dctx *d)
{
	if (store_subscriber_set_optout(d->store, d->from, 1) == -1)
		return -1;
	dialog_say(d, MSG_STOP, NULL, 0);
	return 0;
}

static int
dialog_start(struct dctx *d)
{
	if (store_subscriber_set_optout(d->store, d->from, 0) == -1)
		return -1;
	dialog_say(d, MSG_START, NULL, 0);
	return 0;
}

/* Append "; item" to a {list}, unless it would not fit. */
static int
dialog_list_add(char *list, const char *item)
{
	size_t	len = strlen(list), add = strlen(item) + (len ? 2 : 0);

	if (len + add > DIALOG_LIST_MAX)
		return 1;
	if (len)
		strlcat(list, "; ", DIALOG_LIST_MAX + 1);
	strlcat(list, item, DIALOG_LIST_MAX + 1);
	return 0;
}

static int
dialog_history_cb(const struct checkin_seen *cs, void *arg)
{
	char	*list = arg, when[32], name[4 * DIALOG_LIST_NAME_CHARS + 1], item[128];

	dialog_time(cs->checkin.sent_at, when, sizeof when);
	dialog_cut(cs->venue_name, DIALOG_LIST_NAME_CHARS, name, sizeof name);
	snprintf(item, sizeof item, "%s %s", when, name);
	return dialog_list_add(list, item);
}

static int
dialog_history(struct dctx *d)
{
	char	list[DIALOG_LIST_MAX + 1] = "", lookups[16];
	int	count = 0;

	if (store_checkin_history(d->store, d->from, DIALOG_HISTORY, dialog_history_cb,
	    list) == -1)
		return -1;
	if (store_audit_count_subject(d->store, d->from, &count) == -1)
		return -1;
	snprintf(lookups, sizeof lookups, "%d", count);
	{
		struct msg_var vars[] = { { "list", list }, { "lookups", lookups } };

		dialog_say(d, list[0] ? MSG_HISTORY : MSG_HISTORY_NONE, vars,
		    nitems(vars));
	}
	return 0;
}

static int
dialog_stats_cb(const struct venue_day *vd, void *arg)
{
	char	*list = arg, name[4 * DIALOG_LIST_NAME_CHARS + 1], item[128];

	dialog_cut(vd->name, DIALOG_LIST_NAME_CHARS, name, sizeof name);
	snprintf(item, sizeof item, "%s: %d/%d", name, vd->checkins, vd->people);
	return dialog_list_add(list, item);
}

static int
dialog_stats(struct dctx *d)
{
	char	list[DIALOG_LIST_MAX + 1] = "";
	int	n;

	n = store_venue_owned_today(d->store, d->from, tz_day_start(d->now),
	    dialog_stats_cb, list);
	if (n == -1)
		return -1;
	if (n == 0) {
		dialog_say(d, MSG_STATS_NONE, NULL, 0);
		return 0;
	}
	{
		struct msg_var vars[] = { { "list", list } };

		dialog_say(d, MSG_STATS, vars, nitems(vars));
	}
	return 0;
}

/*
 * Text we cannot place: the short help, but at most once per help_interval
 * per number, so that two robots answering each other soon fall silent.
 */
static int
dialog_unknown(struct dctx *d)
{
	if (d->sub.help_at != 0 && d->now - d->sub.help_at < d->cfg->help_interval) {
		log_info("msg=%lld chan=%s action=ignored", (long long)d->inbound_id,
		    d->msg->channel);
		return 0;
	}
	if (store_subscriber_set_help_at(d->store, d->from, d->now) == -1)
		return -1;
	d->sub.help_at = d->now;
	return dialog_help(d);
}

/*
 * Does this message answer the pending question rather than mean itself?
 * Yes or no always does; other free text does too, and a yes/no question
 * then asks again. A text question (a travel route) takes anything that is
 * not a check-in or a keyword, dates like "16.09.2021" included.
 */
static int
dialog_is_answer(const struct dctx *d)
{
	const struct question_set	*qs;
	int				 text;

	if (!d->has_session || d->session.kind != SESSION_QUESTION)
		return 0;
	qs = config_questions(d->cfg, d->session.qset);
	if (d->session.step < 0 || (size_t)d->session.step >= qs->nquestions)
		return 0;
	text = qs->questions[d->session.step].type == QUESTION_TEXT;
	switch (d->p.kind) {
	case PARSE_YES:
	case PARSE_NO:
	case PARSE_UNKNOWN:
	case PARSE_EMPTY:
		return 1;
	case PARSE_BADCODE:
	case PARSE_BADCOUNT:
		return text;
	default:
		return 0;
	}
}

/* The sender's time stamp if it is plausible, else the arrival time. */
static int64_t
dialog_sent_at(const struct config *cfg, const struct dialog_msg *msg)
{
	if (msg->sent_at <= 0 || msg->sent_at > msg->received_at + cfg->max_clock_skew ||
	    msg->sent_at < msg->received_at - cfg->max_delay)
		return msg->received_at;
	return msg->sent_at < msg->received_at ? msg->sent_at : msg->received_at;
}

/* Split replies stored with an inbound row back into a reply list. */
static void
dialog_replies_split(char *joined, struct dialog_reply *r)
{
	char	*p = joined, *rs;

	while (*p != '\0' && r->n < DIALOG_REPLIES_MAX) {
		if ((rs = strchr(p, DIALOG_RS[0])) != NULL)
			*rs = '\0';
		r->text[r->n++] = xstrdup(p);
		if (rs == NULL)
			break;
		p = rs + 1;
	}
}

static char *
dialog_replies_join(const struct dialog_reply *r)
{
	char	*joined, *next;
	size_t	 i;

	joined = xstrdup("");
	for (i = 0; i < r->n; i++) {
		xasprintf(&next, "%s%s%s", joined, i ? DIALOG_RS : "", r->text[i]);
		free(joined);
		joined = next;
	}
	return joined;
}

/* The route queued replies to this message leave by. */
static const struct route *
dialog_route(const struct config *cfg, const struct dialog_msg *msg, const char *number)
{
	if (msg->route != NULL)
		return config_route(cfg, msg->route);
	return config_route_for(cfg, number);
}

/* Put the replies in the outbox, in the message's transaction. */
static int
dialog_queue(struct dctx *d)
{
	const struct route	*route;
	size_t			 i;

	if (d->reply->n == 0)
		return 0;
	if ((route = dialog_route(d->cfg, d->msg, d->from)) == NULL) {
		log_warnx("dialog: msg=%lld chan=%s no outbound route for replies",
		    (long long)d->inbound_id, d->msg->channel);
		return -1;
	}
	for (i = 0; i < d->reply->n; i++) {
		if (store_outbox_add(d->store, route->name, d->from, d->reply->text[i],
		    d->now, d->reply->expires_at[i], d->inbound_id) == -1)
			return -1;
	}
	d->reply->queued = (int)d->reply->n;
	return 0;
}

/*
 * The per-number limits: a flood, or an auto-reply robot answering our
 * replies, is stored but not answered. Answers to a pending question are
 * only held to the flood limit: "2", "2", "2" is a declaration, not a loop. 1 if this message is over a limit,
 * 0 if not, -1 on a storage error.
 */
static int
dialog_limited(struct dctx *d)
{
	const struct config		*cfg = d->cfg;
	const struct inbound_recent	*r = &d->recent;
	const char			*why = NULL;

	if (cfg->limit_per_minute > 0 && r->last_minute >= cfg->limit_per_minute)
		why = "rate_limited";
	else if (d->has_session)
		return 0;	/* answering our question: a declaration ends by itself */
	else if (cfg->limit_repeats > 0 && r->same_answered_hour >= cfg->limit_repeats)
		why = "loop_cut";
	else if (cfg->limit_replies_hour > 0 && r->answered_hour >= cfg->limit_replies_hour)
		why = "loop_cut";
	if (why == NULL)
		return 0;
	metrics_add(METRIC_LIMITED, d->msg->channel, why, 1);
	log_info("msg=%lld chan=%s action=unanswered reason=%s", (long long)d->inbound_id,
	    d->msg->channel, why);
	return 1;
}

/*
 * Store the message's inbound row, once, with its replies (NULL: none
 * given, as for a robot or a message over a limit).
 */
static int
dialog_inbound_store(struct dctx *d, const char *replies)
{
	return store_inbound_add_replies(d->store, d->inbound_id, d->msg->channel,
	    d->msg->ext_id, d->from, d->clean, d->now, replies);
}

/* An inspector's KT, an owner's DK or its answer (core/ward.c): 1 answered, 0 not one, -1. */
static int
dialog_ward(struct dctx *d)
{
	struct ward_sms	w;
	int		r;

	memset(&w, 0, sizeof w);
	w.store = d->store;
	w.cfg = d->cfg;
	w.from = d->from;
	w.clean = d->clean;
	w.lang = d->lang;
	w.now = d->now;
	w.session = d->has_session ? &d->session : NULL;
	w.yes = d->p.kind == PARSE_YES ? 1 : d->p.kind == PARSE_NO ? 2 : 0;
	if ((r = ward_sms(&w)) != 1)
		return r;
	log_info("msg=%lld chan=%s action=%s", (long long)d->inbound_id,
	    d->msg->channel, w.action);
	dialog_say(d, w.reply, w.vars, w.nvars);
	return 1;
}

/* The work between BEGIN and COMMIT; 0 or -1. */
static int
dialog_run(struct dctx *d)
{
	enum number_kind	 kind;
	struct resident		 res;
	char			*folded, *joined;
	size_t			 i;
	int			 r, count;

	kind = number_normalize(d->msg->from, d->cfg->country_code, d->from);
	/* The row is written at the end, with the replies: its id now. */
	if ((d->inbound_id = store_inbound_reserve(d->store, d->now)) == -1)
		return -1;
	if (kind == NUMBER_ALPHA) {
		/* Never answer a robot: its reply would start a loop. */
		log_info("msg=%lld chan=%s action=ignored sender=alphanumeric",
		    (long long)d->inbound_id, d->msg->channel);
		return dialog_inbound_store(d, NULL);
	}
	if (store_resident_get(d->store, d->from, d->now, d->sent_at, d->clean,
	    &res) == -1)
		return -1;
	d->sub = res.sub;
	d->session = res.session;
	d->has_session = res.has_session;
	d->declared_at = res.declared_at;
	d->recent = res.recent;
	d->open = res.open;
	d->last_checkin = res.has_last ? res.last_checkin : INT64_MAX;
	d->lang = d->sub.lang >= 0 && d->sub.lang < msg_nlangs(&d->cfg->texts) ?
	    (enum lang)d->sub.lang : d->cfg->language;
	/* A USSD step (given) is a menu the resident walks: not limited. */
	if (d->given == NULL && (r = dialog_limited(d)) != 0)
		return r == 1 ? dialog_inbound_store(d, NULL) : -1;

	if (d->given != NULL)
		d->p = *d->given;
	else {
		folded = text_fold(d->clean, strlen(d->clean));
		parse_message_words(&d->cfg->texts, folded,
		    (size_t)d->cfg->code_digits + 1, &d->p);
		free(folded);
	}
	log_debug("msg=%lld chan=%s from=%s kind=%s", (long long)d->inbound_id,
	    d->msg->channel, d->from, parse_kind_name(d->p.kind));

	if (d->given == NULL && d->has_session &&
	    d->session.kind == SESSION_COUNT &&
	    (count = dialog_count_number(d->clean)) != -1)
		r = dialog_count_answer(d, count);
	else if (d->given == NULL && (r = dialog_ward(d)) != 0)
		r = r == 1 ? 0 : -1;
	else if (dialog_is_answer(d))
		r = dialog_answer(d);
	else {
		for (i = 0; i < nitems(dialog_table); i++) {
			if (dialog_table[i].kind == d->p.kind)
				break;
		}
		if (i == nitems(dialog_table))
			fatalx("dialog: no handler for %s", parse_kind_name(d->p.kind));
		r = dialog_table[i].exec(d);
	}
	if (r == -1)
		return -1;
	joined = dialog_replies_join(d->reply);
	r = dialog_inbound_store(d, joined);
	free(joined);
	if (r == -1)
		return -1;
	return d->msg->outbox ? dialog_queue(d) : 0;
}

int
dialog_handle(struct store *store, const struct config *cfg,
    const struct dialog_msg *msg, struct dialog_reply *reply)
{
	return dialog_do(store, cfg, msg, NULL, reply);
}

int
dialog_handle_parsed(struct store *store, const struct config *cfg,
    const struct dialog_msg *msg, const struct parse_result *p, struct dialog_reply *reply)
{
	return dialog_do(store, cfg, msg, p, reply);
}

/*
 * One message inside the caller's transaction, under a savepoint of its
 * own: a storage error undoes this message alone.
 */
static int
dialog_do_in(struct store *store, const struct config *cfg, const struct dialog_msg *msg,
    const struct parse_result *given, struct dialog_reply *reply)
{
	struct dctx	 d;
	char		 from[NUMBER_MAX], *joined = NULL;
	size_t		 n;
	int		 r;

	memset(reply, 0, sizeof *reply);
	if (number_normalize(msg->from, cfg->country_code, from) == NUMBER_INVALID)
		return DIALOG_ESENDER;
	if (store_savepoint(store) == -1)
		return DIALOG_ESTORE;
	if (msg->ext_id != NULL && msg->ext_id[0] != '\0') {
		r = store_inbound_find(store, msg->channel, msg->ext_id, &joined);
		if (r == -1) {
			store_savepoint_end(store, 0);
			return DIALOG_ESTORE;
		}
		if (r == 1) {
			/* A retry: the same replies, nothing new recorded. */
			store_savepoint_end(store, 1);
			dialog_replies_split(joined, reply);
			free(joined);
			reply->duplicate = 1;
			if (msg->outbox) {
				/* Queued the first time: nothing to send again. */
				n = reply->n;
				dialog_reply_free(reply);
				reply->queued = (int)n;
				reply->duplicate = 1;
			}
			log_info("chan=%s action=duplicate", msg->channel);
			return DIALOG_OK;
		}
	}

	memset(&d, 0, sizeof d);
	d.store = store;
	d.cfg = cfg;
	d.msg = msg;
	d.reply = reply;
	d.now = msg->received_at;
	d.sent_at = dialog_sent_at(cfg, msg);
	d.given = given;
	d.clean = text_clean(msg->text != NULL ? msg->text : "", msg->textlen);

	r = dialog_run(&d);
	free(d.clean);
	if (store_savepoint_end(store, r == 0) == -1) {
		dialog_reply_free(reply);
		return DIALOG_ESTORE;
	}
	reply->inbound_id = d.inbound_id;
	if (reply->queued > 0) {
		/* The texts are in the outbox now. */
		n = (size_t)reply->queued;
		dialog_reply_free(reply);
		reply->queued = (int)n;
		reply->inbound_id = d.inbound_id;
	}
	return DIALOG_OK;
}

/* One message in a transaction of its own. */
static int
dialog_do(struct store *store, const struct config *cfg, const struct dialog_msg *msg,
    const struct parse_result *given, struct dialog_reply *reply)
{
	int	r;

	memset(reply, 0, sizeof *reply);
	if (store_begin(store) == -1)
		return DIALOG_ESTORE;
	r = dialog_do_in(store, cfg, msg, given, reply);
	if (r == DIALOG_OK && store_commit(store) == 0)
		return DIALOG_OK;
	store_rollback(store);
	dialog_reply_free(reply);
	return r == DIALOG_OK ? DIALOG_ESTORE : r;
}

int
dialog_handle_in(struct store *store, const struct config *cfg,
    const struct dialog_msg *msg, struct dialog_reply *reply)
{
	return dialog_do_in(store, cfg, msg, NULL, reply);
}

void
dialog_reply_free(struct dialog_reply *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		free(r->text[i]);
	memset(r, 0, sizeof *r);
}
