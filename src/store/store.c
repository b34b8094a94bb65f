/*
 * store.c: the face of storage. store_open() picks the backend that takes
 * the `database` setting; every other store_*() hands its call to the
 * store's backend (backend.h), after the rules that are the same whatever
 * holds the data. SQL lives in the backends (sqlite*.c), never here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "base/base.h"
#include "base/log.h"
#include "base/tz.h"
#include "codec/code.h"
#include "config/config.h"
#include "store/store.h"
#include "store/backend.h"

#define STORE_CODE_TRIES	1000	/* random codes tried before giving up */

/* A venue being added, for store_venue_claim(). */
struct store_claim {
	struct store	*s;
	struct venue	*v;
};

/* The backends, tried in order: SQLite takes any path, so it comes last. */
static const struct store_backend *const store_backends[] = {
	&store_backend_postgresql,
	&store_backend_sqlite,
};

struct store *
store_open(const char *database, char *err, size_t errlen)
{
	const struct store_backend	*b;
	size_t				 i;

	for (i = 0; i < nitems(store_backends); i++) {
		b = store_backends[i];
		if (!b->match(database))
			continue;
		if (b->open == NULL) {
			snprintf(err, errlen, "%s backend not built",
			    b->name);
			return NULL;
		}
		return b->open(database, err, errlen);
	}
	snprintf(err, errlen, "no storage backend takes this database");
	return NULL;
}

/* Append l bytes of s to buf (len bytes, *n used), as many as fit. */
static void
store_shown_put(char *buf, size_t len, size_t *n, const char *s, size_t l)
{
	if (*n + l >= len)
		l = len - 1 - *n;
	memcpy(buf + *n, s, l);
	*n += l;
}

/*
 * The database setting as it may be shown (in an error, a log line): a
 * URI's password and any password=VALUE parameter replaced by "***".
 * Returns buf.
 */
const char *
store_shown(const char *database, char *buf, size_t len)
{
	const char	*p = database, *auth, *at, *colon, *end, *key;
	size_t		 n = 0;

	if (len == 0)
		return buf;
	/* scheme://user:password@host... */
	if ((auth = strstr(p, "://")) != NULL) {
		auth += 3;
		end = auth + strcspn(auth, "/?#");
		at = memchr(auth, '@', (size_t)(end - auth));
		colon = at != NULL ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon != NULL) {
			store_shown_put(buf, len, &n, p, (size_t)(colon + 1 - p));
			store_shown_put(buf, len, &n, "***", 3);
			p = at;
		}
	}
	/* ...?password=secret&..., or a conninfo's password=secret */
	while ((key = strstr(p, "password=")) != NULL) {
		key += strlen("password=");
		store_shown_put(buf, len, &n, p, (size_t)(key - p));
		store_shown_put(buf, len, &n, "***", 3);
		p = key + strcspn(key, "& ");
	}
	store_shown_put(buf, len, &n, p, strlen(p));
	buf[n] = '\0';
	return buf;
}

void
store_close(struct store *s)
{
	if (s != NULL)
		s->ops->close(s);
}

void
store_venue_free(struct venue *v)
{
	free(v->name);
	free(v->address);
	free(v->ward);
	free(v->district);
	free(v->kind);
	free(v->owner);
	memset(v, 0, sizeof *v);
}

void
store_outbox_free(struct outbox_msg *m)
{
	free(m->text);
	free(m->ext_id);
	free(m->dlr_state);
	free(m->error);
	memset(m, 0, sizeof *m);
}

/* The outbox's states by name, for logs and checkinctl. */
static const char *const store_outbox_states[OUTBOX_STATE_COUNT] = {
	[OUTBOX_QUEUED] = "queued",
	[OUTBOX_SENDING] = "sending",
	[OUTBOX_SENT] = "sent",
	[OUTBOX_DELIVERED] = "delivered",
	[OUTBOX_FAILED] = "failed",
	[OUTBOX_EXPIRED] = "expired",
};

const char *
store_outbox_state_name(enum outbox_state state)
{
	if ((unsigned)state >= OUTBOX_STATE_COUNT)
		return "unknown";
	return store_outbox_states[state];
}

int
store_outbox_state_parse(const char *name)
{
	int	i;

	if (name == NULL)
		return -1;
	for (i = 0; i < OUTBOX_STATE_COUNT; i++) {
		if (strcmp(name, store_outbox_states[i]) == 0)
			return i;
	}
	return -1;
}

void
store_inbound_key(char *out, size_t len, const char *key, double at)
{
	snprintf(out, len, "%s@%017.6f", key, at < 0 ? 0.0 : at);
}

/* The value of digits in base 16 or 10; -1 if it needs more than 64 bits. */
static int
store_outbox_key_value(const char *p, size_t len, int base, uint64_t *v)
{
	uint64_t	d;
	size_t		i;

	*v = 0;
	for (i = 0; i < len; i++) {
		if (p[i] <= '9')
			d = p[i] - '0';
		else
			d = p[i] - 'a' + 10;
		if (*v > (UINT64_MAX - d) / (uint64_t)base)
			return -1;
		*v = *v * base + d;
	}
	return 0;
}

/*
 * The key a route's message id is matched on (the ext_key column). SMSCs
 * and aggregators spell one id differently in different places: an SMPP
 * SMSC may answer submit_sm with a hex message_id ("0A1B") and put it in
 * decimal in the receipt's "id:" field ("2587") (SMPP 3.4 5.2.23 and
 * Appendix B leave the format to the SMSC), Kannel passes either on, some
 * pad with zeros, some change case. The rule:
 *   - trim blanks, lower-case ASCII letters;
 *   - an id of hex digits of which at least one is a-f (or any hex digits
 *     after "0x"), or of decimal digits only, becomes its value as a
 *     decimal string when that fits in 64 bits ("0a1b" and "2587" -> "2587",
 *     "000123" -> "123"), else just loses its leading zeros;
 *   - anything else (UUIDs, Twilio's "SM..." sids) is the lower-cased text.
 * An all-decimal id is read as decimal: "1234" from a hex-speaking SMSC
 * cannot be told from decimal 1234, and receipts are decimal more often.
 * NULL for an empty id.
 */
static char *
store_outbox_key(const char *ext_id)
{
	const char	*blank = " \t\r\n\v\f";
	char		*key, *p;
	size_t		 len, i, ndec, nhex;
	uint64_t	 v;
	int		 base;

	if (ext_id == NULL)
		return NULL;
	while (*ext_id != '\0' && strchr(blank, *ext_id) != NULL)
		ext_id++;
	len = strlen(ext_id);
	while (len > 0 && strchr(blank, ext_id[len - 1]) != NULL)
		len--;
	if (len == 0)
		return NULL;

	key = xmalloc(len + 24);	/* room for a 20-digit decimal value */
	ndec = nhex = 0;
	for (i = 0; i < len; i++) {
		key[i] = ext_id[i];
		if (key[i] >= 'A' && key[i] <= 'Z')
			key[i] += 'a' - 'A';
		if (key[i] >= '0' && key[i] <= '9')
			ndec++;
		else if (key[i] >= 'a' && key[i] <= 'f')
			nhex++;
	}
	key[len] = '\0';

	p = key;
	if (len > 2 && key[0] == '0' && key[1] == 'x' &&
	    ndec + nhex == len - 1) {
		p += 2;		/* "0x1a": "x" was the only non-digit */
		base = 16;
	} else if (ndec == len)
		base = 10;
	else if (ndec + nhex == len)
		base = 16;
	else
		return key;

	if (store_outbox_key_value(p, strlen(p), base, &v) == 0) {
		snprintf(key, len + 24, "%llu", (unsigned long long)v);
		return key;
	}
	while (p[0] == '0' && p[1] != '\0')
		p++;
	memmove(key, p, strlen(p) + 1);
	return key;
}

/* The operations, as the backend does them. */

void
store_set_busy_timeout(struct store *s, int ms)
{
	s->ops->set_busy_timeout(s, ms);
}

int
store_set_max_size(struct store *s, int64_t bytes)
{
	return s->ops->set_max_size(s, bytes);
}

int
store_checkpointer(struct store *s)
{
	return s->ops->checkpointer(s);
}

int
store_set_durable(struct store *s, int full)
{
	return s->ops->set_durable(s, full);
}

int
store_version(struct store *s)
{
	return s->ops->version(s);
}

int
store_begin(struct store *s)
{
	return s->ops->begin(s);
}

int
store_begin_try(struct store *s)
{
	return s->ops->begin_try(s);
}

int
store_commit(struct store *s)
{
	return s->ops->commit(s);
}

void
store_rollback(struct store *s)
{
	s->ops->rollback(s);
}

int
store_begin_later(struct store *s)
{
	return s->ops->begin_later(s);
}

int
store_commit_later(struct store *s)
{
	return s->ops->commit_later(s);
}

int
store_sync(struct store *s)
{
	return s->ops->sync(s);
}

int
store_savepoint(struct store *s)
{
	return s->ops->savepoint(s);
}

int
store_savepoint_end(struct store *s, int ok)
{
	return s->ops->savepoint_end(s, ok);
}

int
store_plan(struct store *s, const char *name, char *buf, size_t len)
{
	return s->ops->plan(s, name, buf, len);
}

/* Offer a fresh code to the backend: 0 stored, 1 taken, -1 an error. */
static int
store_venue_claim(const char *code, void *arg)
{
	struct store_claim	*c = arg;

	return c->s->ops->venue_insert(c->s, c->v);	/* code is c->v->code */
}

/*
 * A new venue is active and made now unless told otherwise. Its code is
 * the one given, or the first free one of code_alloc()'s random codes:
 * the backend only inserts and answers whether the code was taken.
 */
int64_t
store_venue_add(struct store *s, struct venue *v, size_t code_payload)
{
	struct store_claim	 c = { s, v };
	int			 rc;

	if (v->code[0] == '\0' &&
	    (code_payload == 0 || code_payload + 2 > CODE_MAX)) {
		log_warnx("store: venue add error=\"bad code length %zu\"",
		    code_payload);
		return -1;
	}
	if (v->created_at == 0)
		v->created_at = time(NULL);
	v->active = 1;
	if (v->code[0] != '\0') {
		if ((rc = s->ops->venue_insert(s, v)) == 1)
			log_warnx("store: venue add code=%s error=\"code taken\"",
			    v->code);
		return rc == 0 ? v->id : -1;
	}
	rc = code_alloc(v->code, code_payload, STORE_CODE_TRIES,
	    store_venue_claim, &c);
	if (rc == 1)
		log_warnx("store: venue add error=\"no free code of %zu digits"
		    " after %d tries\"", code_payload + 1, STORE_CODE_TRIES);
	return rc == 0 ? v->id : -1;
}

int
store_venue_by_code(struct store *s, const char *code, struct venue *v)
{
	return s->ops->venue_by_code(s, code, v);
}

int
store_venue_by_id(struct store *s, int64_t id, struct venue *v)
{
	return s->ops->venue_by_id(s, id, v);
}

int
store_venue_list(struct store *s, const char *ward, int include_inactive,
    int (*cb)(const struct venue *, void *), void *arg)
{
	return s->ops->venue_list(s, ward, include_inactive, cb, arg);
}

int
store_venue_set_active(struct store *s, const char *code, int active)
{
	return s->ops->venue_set_active(s, code, active);
}

int
store_venue_owned_today(struct store *s, const char *owner, int64_t day_start,
    int (*cb)(const struct venue_day *, void *), void *arg)
{
	return s->ops->venue_owned_today(s, owner, day_start, cb, arg);
}

int
store_venue_update(struct store *s, const char *code, const char *name,
    const char *address, const char *ward, const char *kind, const char *owner,
    int active)
{
	return s->ops->venue_update(s, code, name, address, ward, kind, owner, active);
}

int
store_venue_by_call_number(struct store *s, const char *number, struct venue *v)
{
	return s->ops->venue_by_call_number(s, number, v);
}

int
store_venue_set_call_number(struct store *s, const char *code, const char *number)
{
	return s->ops->venue_set_call_number(s, code, number);
}

int
store_venue_call_number(struct store *s, const char *code, char *out, size_t outlen)
{
	return s->ops->venue_call_number(s, code, out, outlen);
}

/* The start of the local day after the one beginning at day. */
static int64_t
store_next_day(int64_t day)
{
	/* 30 hours on is inside the next day, whatever DST does. */
	return tz_day_start(day + 30 * 3600);
}

/* A check-in counts in daily_stats on the local day it was sent. */
int64_t
store_checkin_add(struct store *s, const struct checkin *c, const char *channel,
    int64_t inbound_id)
{
	int64_t	day;

	day = tz_day_start(c->sent_at);
	return s->ops->checkin_add(s, c, channel, inbound_id, day,
	    store_next_day(day));
}
int
store_checkin_recent(struct store *s, const char *number, int64_t venue_id,
    int64_t since, struct checkin *c)
{
	return s->ops->checkin_recent(s, number, venue_id, since, c);
}

int
store_checkin_open(struct store *s, const char *number, int64_t venue_id,
    int64_t at, struct checkin *c)
{
	return s->ops->checkin_open(s, number, venue_id, at - STORE_OPEN_MAX, c);
}

int
store_checkin_close(struct store *s, int64_t id, int64_t at)
{
	return s->ops->checkin_close(s, id, at);
}

int
store_checkin_close_all(struct store *s, const char *number, int64_t at)
{
	return s->ops->checkin_close_all(s, number, at, at - STORE_OPEN_MAX);
}

int
store_checkin_history(struct store *s, const char *number, int limit,
    int (*cb)(const struct checkin_seen *, void *), void *arg)
{
	return s->ops->checkin_history(s, number, limit, cb, arg);
}

int64_t
store_declaration_start(struct store *s, const char *number, int64_t venue_id,
    int64_t checkin_id, int64_t at)
{
	return s->ops->declaration_start(s, number, venue_id, checkin_id, at);
}

int
store_declaration_answer(struct store *s, int64_t decl_id, const char *question,
    const char *answer, int flagged, int64_t at)
{
	return s->ops->declaration_answer(s, decl_id, question, answer, flagged, at);
}

int
store_declaration_finish(struct store *s, int64_t decl_id, int flagged,
    int64_t at)
{
	return s->ops->declaration_finish(s, decl_id, flagged, at);
}

int
store_declaration_last(struct store *s, const char *number,
    int64_t *completed_at)
{
	return s->ops->declaration_last(s, number, completed_at);
}

int
store_declaration_flagged(struct store *s, int64_t decl_id, int *flagged)
{
	return s->ops->declaration_flagged(s, decl_id, flagged);
}

int
store_session_get(struct store *s, const char *number, int64_t now,
    struct session *ss)
{
	return s->ops->session_get(s, number, now, ss);
}

int
store_session_put(struct store *s, const struct session *ss)
{
	return s->ops->session_put(s, ss);
}

int
store_session_clear(struct store *s, const char *number)
{
	return s->ops->session_clear(s, number);
}

int
store_subscriber_get(struct store *s, const char *number, struct subscriber *sub)
{
	return s->ops->subscriber_get(s, number, sub);
}

/* The abuse limits' windows as store_inbound_recent_from's. */
int
store_resident_get(struct store *s, const char *number, int64_t now,
    int64_t sent_at, const char *text, struct resident *r)
{
	return s->ops->resident_get(s, number, now, sent_at - STORE_OPEN_MAX,
	    now - 3600, now - 60, text, r);
}

int
store_subscriber_set_lang(struct store *s, const char *number, int lang)
{
	return s->ops->subscriber_set_lang(s, number, lang);
}

int
store_subscriber_set_optout(struct store *s, const char *number, int opted_out)
{
	return s->ops->subscriber_set_optout(s, number, opted_out);
}

int
store_subscriber_set_help_at(struct store *s, const char *number, int64_t at)
{
	return s->ops->subscriber_set_help_at(s, number, at);
}

int
store_inbound_find(struct store *s, const char *channel, const char *ext_id,
    char **replies)
{
	return s->ops->inbound_find(s, channel, ext_id, replies);
}

int64_t
store_inbound_add(struct store *s, const char *channel, const char *ext_id,
    const char *number, const char *text, int64_t received_at)
{
	return s->ops->inbound_add(s, channel, ext_id, number, text, received_at);
}

int
store_inbound_set_replies(struct store *s, int64_t id, const char *replies)
{
	return s->ops->inbound_set_replies(s, id, replies);
}

int
store_inbound_recent(struct store *s, const char *channel, const char *key, double from,
    double until)
{
	return s->ops->inbound_recent(s, channel, key, from, until);
}

int64_t
store_inbound_reserve(struct store *s, int64_t at)
{
	return s->ops->inbound_reserve(s, at);
}

int
store_inbound_add_replies(struct store *s, int64_t id, const char *channel,
    const char *ext_id, const char *number, const char *text, int64_t received_at,
    const char *replies)
{
	return s->ops->inbound_add_replies(s, id, channel, ext_id, number, text,
	    received_at, replies);
}

/* The abuse limits look at the last hour and the last minute. */
int
store_inbound_recent_from(struct store *s, const char *number, int64_t now, const char *text,
    int64_t except, struct inbound_recent *r)
{
	return s->ops->inbound_recent_from(s, number, now - 3600, now - 60,
	    text, except, r);
}

int
store_part_add(struct store *s, const struct part_key *k, unsigned seq, const char *text,
    int64_t sent_at, int64_t received_at, int64_t dedup_since)
{
	return s->ops->part_add(s, k, seq, text, sent_at, received_at, dedup_since);
}

int
store_part_take(struct store *s, const struct part_key *k, char **text, int64_t *sent_at)
{
	return s->ops->part_take(s, k, text, sent_at);
}

int
store_part_expired(struct store *s, int64_t before, struct part_set *set)
{
	return s->ops->part_expired(s, before, set);
}

int
store_part_forget(struct store *s, int64_t before)
{
	return s->ops->part_forget(s, before);
}

int
store_ussd_get(struct store *s, const char *id, struct ussd_session *u)
{
	return s->ops->ussd_get(s, id, u);
}

int
store_ussd_put(struct store *s, const struct ussd_session *u)
{
	return s->ops->ussd_put(s, u);
}

int
store_ussd_last(struct store *s, const char *number, int64_t since,
    struct ussd_session *u)
{
	return s->ops->ussd_last(s, number, since, u);
}

int
store_ussd_end(struct store *s, const char *id, int64_t at)
{
	return s->ops->ussd_end(s, id, at);
}

int64_t
store_outbox_add(struct store *s, const char *route, const char *number,
    const char *text, int64_t now, int64_t expires_at, int64_t inbound_id)
{
	return s->ops->outbox_add(s, route, number, text, now, expires_at, inbound_id);
}

int
store_outbox_due(struct store *s, const char *route, double now, int limit,
    int (*cb)(const struct outbox_msg *, void *), void *arg)
{
	return s->ops->outbox_due(s, route, now, limit, cb, arg);
}

int
store_outbox_next(struct store *s, const char *route, double *at)
{
	return s->ops->outbox_next(s, route, at);
}

/* The route took the text: its id is stored with the key reports match on. */
int
store_outbox_sent(struct store *s, int64_t id, const char *ext_id, int64_t now)
{
	char	*key;
	int	 rc;

	key = store_outbox_key(ext_id);
	rc = s->ops->outbox_sent(s, id, key != NULL ? ext_id : NULL, key, now);
	free(key);
	return rc;
}

int
store_outbox_claim(struct store *s, int64_t id, const char *route, int64_t now)
{
	return s->ops->outbox_claim(s, id, route, now);
}

int
store_outbox_retry(struct store *s, int64_t id, double next_at,
    const char *error, int64_t now)
{
	return s->ops->outbox_retry(s, id, next_at, error, now);
}

/* Give a queued or sending row up: failed or expired. */
int
store_outbox_final(struct store *s, int64_t id, enum outbox_state state,
    const char *error, int64_t now)
{
	if (state != OUTBOX_FAILED && state != OUTBOX_EXPIRED) {
		log_warnx("store: outbox final id=%lld error=\"not a final"
		    " state: %s\"", (long long)id,
		    store_outbox_state_name(state));
		return -1;
	}
	return s->ops->outbox_final(s, id, state, error, now);
}

/* What a delivery report does to a row, by the row's state. */
enum store_dlr_do {
	DLR_IGNORE,	/* leave the row alone */
	DLR_NOTE,	/* record the report's state and time only */
	DLR_DELIVER,	/* -> delivered */
	DLR_FAIL,	/* -> failed, "delivery failed: STATE" */
};

static const struct store_dlr_rule {
	enum store_dlr_do	on_delivered;
	enum store_dlr_do	on_failed;
	enum store_dlr_do	on_pending;	/* not final yet (-1) */
} store_dlr_rules[OUTBOX_STATE_COUNT] = {
	/* Waiting for another attempt, whose own reports will tell. */
	[OUTBOX_QUEUED] = { DLR_IGNORE, DLR_IGNORE, DLR_IGNORE },
	/* The report beat the HTTP answer. */
	[OUTBOX_SENDING] = { DLR_DELIVER, DLR_FAIL, DLR_NOTE },
	[OUTBOX_SENT] = { DLR_DELIVER, DLR_FAIL, DLR_NOTE },
	/* Final: a late or repeated report does not undo it. */
	[OUTBOX_DELIVERED] = { DLR_NOTE, DLR_IGNORE, DLR_IGNORE },
	/*
	 * Networks retry within the validity period, so "delivered" may
	 * follow a failed report; and a row given up after a timed-out
	 * request may have gone through after all. The phone got it.
	 */
	[OUTBOX_FAILED] = { DLR_DELIVER, DLR_NOTE, DLR_IGNORE },
	/* Withdrawn by us. */
	[OUTBOX_EXPIRED] = { DLR_IGNORE, DLR_IGNORE, DLR_IGNORE },
};

/*
 * Apply a delivery report (see store.h) by the table above: the backend
 * finds the row, the table decides what follows its state, the backend
 * moves it if nobody changed it meanwhile. A row that matches but is left
 * alone still counts as found: the report was ours.
 */
int
store_outbox_dlr(struct store *s, int64_t id, const char *route,
    const char *ext_id, int delivered, const char *dlr_state, int64_t now)
{
	const struct store_dlr_rule	*rule;
	enum store_dlr_do		 what;
	enum outbox_state		 next;
	char				*key, error[128];
	int64_t				 rid;
	int				 rc, state;

	if (route == NULL)
		return 0;
	key = store_outbox_key(ext_id);
	if (id <= 0 && key == NULL)
		rc = 0;
	else
		rc = s->ops->outbox_dlr_find(s, id, route, key, &rid, &state);
	if (rc != 1)
		goto out;
	if (state < 0 || state >= OUTBOX_STATE_COUNT) {
		log_warnx("store: outbox dlr id=%lld error=\"bad state %d\"",
		    (long long)rid, state);
		goto out;
	}
	rule = &store_dlr_rules[state];
	if (delivered > 0)
		what = rule->on_delivered;
	else if (delivered == 0)
		what = rule->on_failed;
	else
		what = rule->on_pending;
	if (what == DLR_IGNORE) {
		log_debug("store: outbox dlr id=%lld state=%s ignored",
		    (long long)rid, store_outbox_state_name(state));
		goto out;
	}

	next = (enum outbox_state)state;
	if (what == DLR_DELIVER)
		next = OUTBOX_DELIVERED;
	else if (what == DLR_FAIL) {
		next = OUTBOX_FAILED;
		snprintf(error, sizeof error, "delivery failed: %s",
		    dlr_state != NULL && *dlr_state != '\0' ? dlr_state :
		    "unknown");
	}
	switch (s->ops->outbox_dlr_set(s, rid, (enum outbox_state)state, next,
	    dlr_state != NULL && *dlr_state != '\0' ? dlr_state : NULL,
	    what == DLR_FAIL ? error : NULL, key != NULL ? ext_id : NULL, key,
	    now)) {
	case -1:
		rc = -1;
		break;
	case 0:
		log_debug("store: outbox dlr id=%lld changed meanwhile",
		    (long long)rid);
		break;
	}
out:
	free(key);
	return rc;
}
int
store_outbox_requeue_sending(struct store *s, int64_t now)
{
	return s->ops->outbox_requeue_sending(s, now);
}

int
store_outbox_get(struct store *s, int64_t id, struct outbox_msg *m)
{
	return s->ops->outbox_get(s, id, m);
}

int
store_outbox_list(struct store *s, int state, const char *route, int limit,
    int (*cb)(const struct outbox_msg *, void *), void *arg)
{
	return s->ops->outbox_list(s, state, route, limit, cb, arg);
}

int
store_outbox_requeue(struct store *s, int64_t id, int64_t now)
{
	return s->ops->outbox_requeue(s, id, now);
}

int
store_outbox_cancel(struct store *s, int64_t id, int64_t now)
{
	return s->ops->outbox_cancel(s, id, now);
}

int
store_outbox_count(struct store *s, int (*cb)(const char *, enum outbox_state, int64_t,
    void *), void *arg)
{
	return s->ops->outbox_count(s, cb, arg);
}

int
store_outbox_depth(struct store *s, int (*cb)(const char *, int64_t, int64_t,
    void *), void *arg)
{
	return s->ops->outbox_depth(s, cb, arg);
}

int
store_audit_count_subject(struct store *s, const char *number, int *count)
{
	return s->ops->audit_count_subject(s, number, count);
}

int
store_audit_add(struct store *s, const char *actor, const char *action,
    const char *subject, const char *query, int64_t records, int64_t at)
{
	return s->ops->audit_add(s, actor, action, subject, query, records, at);
}

int
store_admin_session_add(struct store *s, const struct admin_session *se,
    int keep)
{
	return s->ops->admin_session_add(s, se, keep);
}

int
store_admin_session_get(struct store *s, const char *id_hash, int64_t now,
    struct admin_session *se)
{
	return s->ops->admin_session_get(s, id_hash, now, se);
}

int
store_admin_session_touch(struct store *s, const char *id_hash, int64_t at)
{
	return s->ops->admin_session_touch(s, id_hash, at);
}

int
store_admin_session_end(struct store *s, const char *id_hash)
{
	return s->ops->admin_session_end(s, id_hash);
}

int
store_admin_session_expire(struct store *s, int64_t now)
{
	return s->ops->admin_session_expire(s, now);
}

int
store_admin_session_list(struct store *s, int64_t now,
    int (*cb)(const struct admin_session *, void *), void *arg)
{
	return s->ops->admin_session_list(s, now, cb, arg);
}

int
store_trace_venue(struct store *s, int64_t venue_id, int64_t from, int64_t to,
    int default_stay, int (*cb)(const struct trace_row *, void *), void *arg)
{
	return s->ops->trace_venue(s, venue_id, from, to, default_stay, cb, arg);
}

int
store_trace_person(struct store *s, const char *number, int64_t from,
    int64_t to, int default_stay, int (*cb)(const struct trace_row *, void *),
    void *arg)
{
	return s->ops->trace_person(s, number, from, to, default_stay, cb, arg);
}

int
store_trace_contacts(struct store *s, const char *number, int64_t from,
    int64_t to, int default_stay, int (*cb)(const struct trace_row *, void *),
    void *arg)
{
	return s->ops->trace_contacts(s, number, from, to, default_stay, cb, arg);
}

int
store_alert_numbers(struct store *s, int64_t venue_id, int64_t from, int64_t to,
    int default_stay, int (*cb)(const char *, void *), void *arg)
{
	return s->ops->alert_numbers(s, venue_id, from, to, default_stay, cb, arg);
}

/*
 * The start of the first local day whose check-ins are all still there
 * (INT64_MAX if none are). The purge takes the oldest first, so only the
 * day of the oldest check-in left can be partly gone: it is whole if it
 * still holds as many check-ins as daily_stats counted for it.
 */
static int
store_kept_since(struct store *s, int64_t *kept)
{
	int64_t	oldest, day, next, raw, counted;
	int	rc;

	*kept = INT64_MAX;
	if ((rc = s->ops->report_oldest(s, &oldest)) != 1)
		return rc;
	day = tz_day_start(oldest);
	next = store_next_day(day);
	if (s->ops->report_day(s, day, next, &raw, &counted) == -1)
		return -1;
	*kept = raw >= counted ? day : next;
	return 0;
}

/* The ward report counts whole local days from daily_stats (sqlite-reports.c). */
int
store_report_wards(struct store *s, int64_t from, int64_t to,
    int (*cb)(const struct ward_row *, void *), void *arg)
{
	int64_t	kept;

	if (store_kept_since(s, &kept) == -1)
		return -1;
	return s->ops->report_wards(s, tz_day_start(from), from, to, kept, cb,
	    arg);
}

int
store_report_inactive(struct store *s, int64_t since,
    int (*cb)(const struct venue *, int64_t, void *), void *arg)
{
	return s->ops->report_inactive(s, tz_day_start(since), since, cb, arg);
}

int
store_daily_series(struct store *s, int64_t venue_id, int64_t from, int64_t to,
    int (*cb)(int64_t day, int64_t checkins, void *), void *arg)
{
	return s->ops->daily_series(s, venue_id, tz_day_start(from), to, cb,
	    arg);
}

int
store_purge(struct store *s, int64_t before, int chunk, int dry_run,
    int64_t *deleted)
{
	return s->ops->purge(s, before, chunk, dry_run, deleted);
}

int
store_route_secret(struct store *s, const char *route, char *buf, size_t len)
{
	unsigned char	 rnd[STORE_SECRET_LEN / 2];
	char		 hex[STORE_SECRET_LEN + 1];
	size_t		 i;
	int		 rc;

	if (len < sizeof hex)
		return -1;
	if ((rc = s->ops->route_secret_get(s, route, buf, len)) != 0)
		return rc == 1 ? 0 : -1;
	if (RAND_bytes(rnd, sizeof rnd) != 1) {
		log_warnx("store: RAND_bytes failed, no secret for route=%s",
		    route);
		return -1;
	}
	for (i = 0; i < sizeof rnd; i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	OPENSSL_cleanse(rnd, sizeof rnd);
	rc = s->ops->route_secret_add(s, route, hex, time(NULL));
	OPENSSL_cleanse(hex, sizeof hex);
	/* Read back: another process may have kept its own first. */
	if (rc == -1 || s->ops->route_secret_get(s, route, buf, len) != 1)
		return -1;
	log_info("store: delivery-report secret made for route=%s", route);
	return 0;
}

int
store_dlr_secrets(struct store *s, struct config *cfg)
{
	struct route	*r;
	char		 buf[STORE_SECRET_LEN + 1];
	size_t		 i;

	for (i = 0; i < cfg->nroutes; i++) {
		r = &cfg->routes[i];
		if (r->dlr_secret != NULL)
			continue;
		if (store_route_secret(s, r->name, buf, sizeof buf) == -1) {
			log_warnx("store: no delivery-report secret for route=%s",
			    r->name);
			return -1;
		}
		r->dlr_secret = xstrdup(buf);
		OPENSSL_cleanse(buf, sizeof buf);
	}
	return 0;
}

struct store *
store_open_reader(const char *database, char *err, size_t errlen)
{
	const struct store_backend	*b;
	size_t				 i;

	for (i = 0; i < nitems(store_backends); i++) {
		b = store_backends[i];
		if (!b->match(database))
			continue;
		if (b->open_reader == NULL) {
			snprintf(err, errlen, "%s backend has no readers", b->name);
			return NULL;
		}
		return b->open_reader(database, err, errlen);
	}
	snprintf(err, errlen, "no storage backend takes this database");
	return NULL;
}

int
store_deadline(struct store *s, int ms)
{
	return s->ops->deadline != NULL ? s->ops->deadline(s, ms) : 0;
}

int
store_timed_out(struct store *s)
{
	return s->ops->timed_out != NULL ? s->ops->timed_out(s) : 0;
}

void
store_interrupt(struct store *s)
{
	if (s != NULL && s->ops->interrupt != NULL)
		s->ops->interrupt(s);
}

int
store_route_take(struct store *s, const char *route, double rate, double burst,
    int want, double now, int *granted, double *wait)
{
	double	left = 0;

	*granted = 0;
	*wait = 0;
	if (!(rate > 0) || want < 1) {
		log_warnx("store: route take: rate %g, want %d", rate, want);
		return -1;
	}
	if (burst < 1)
		burst = 1;
	if (s->ops->route_take(s, route, rate, burst, want, now, granted,
	    &left) == -1)
		return -1;
	if (*granted < 0 || *granted > want) {
		log_warnx("store: route take: %d tokens of %d", *granted, want);
		*granted = 0;
		return -1;
	}
	if (left < 1)
		*wait = (1 - left) / rate;
	return 0;
}
