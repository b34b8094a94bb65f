/*
 * ward.c: the ward's own workflow in the dialog (issue 18). An inspector
 * registered by checkinctl or the admin API texts "KT 123 4567 OK" (VP with
 * a note, DONG); an owner texts "DK name, address, ward", confirms with 1,
 * and the ward approves it through the admin API. The words are keywords
 * of the table in codec/msg.c (KW_INSPECT, KW_RESULT_*, KW_REGISTER), so
 * operators may replace them. The fraud signal is computed here when a
 * check-in is stored, from the venues' coordinates.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/code.h"
#include "codec/msg.h"
#include "codec/text.h"
#include "config/config.h"
#include "store/store.h"
#include "core/ward.h"

#define WARD_EARTH_M		6371008.8	/* mean radius */
#define WARD_NAME_CHARS		30		/* a name or address read back */
#define WARD_WARD_CHARS		24		/* a ward read back */
#define WARD_VENUE_CHARS	40		/* a venue in a confirmation */
#define WARD_FIELD_MAX		120		/* bytes of a registered field */

/* How a result keyword is stored and said back. */
static const struct ward_result {
	enum msg_kw	 kw;
	const char	*stored;
	const char	*said[LANG_COUNT];
} ward_results[] = {
	{ KW_RESULT_OK, "compliant", { "dat", "compliant" } },
	{ KW_RESULT_VIOLATION, "violation", { "vi pham", "violation" } },
	{ KW_RESULT_CLOSED, "closed", { "dong cua", "closed" } },
};

static void
ward_var(struct ward_sms *w, const char *name, const char *value)
{
	if (w->nvars == WARD_VARS)
		return;
	strlcpy(w->val[w->nvars], value, sizeof w->val[w->nvars]);
	w->vars[w->nvars].name = name;
	w->vars[w->nvars].value = w->val[w->nvars];
	w->nvars++;
}

static void
ward_var_cut(struct ward_sms *w, const char *name, const char *value,
    size_t chars)
{
	char	*cut = text_cut(value, chars);

	ward_var(w, name, cut);
	free(cut);
}

static int
ward_say(struct ward_sms *w, enum msg_id id, const char *action)
{
	w->reply = id;
	w->action = action;
	return 1;
}

/*
 * The keyword of meaning kw that folded text p starts with, as a whole
 * word: its length, or 0. The longest one wins ("kiem tra" over "kt").
 */
static size_t
ward_word(const struct config *cfg, const char *p, enum msg_kw kw)
{
	const struct msg_keyword	*k;
	size_t				 i, n, len, best = 0;

	k = msg_keywords(&cfg->texts, &n);
	for (i = 0; i < n; i++) {
		if (k[i].kw != kw)
			continue;
		len = strlen(k[i].word);
		if (len == 0 || len <= best || strncmp(p, k[i].word, len) != 0)
			continue;
		if (isalpha((unsigned char)p[len]))
			continue;
		best = len;
	}
	return best;
}

/* Skip spaces and the separators a hurried sender types. */
static const char *
ward_skip(const char *p)
{
	while (*p == ' ' || *p == ':' || *p == '-' || *p == '.' || *p == ',')
		p++;
	return p;
}

/* Words (space separated) in [p, end). */
static size_t
ward_words(const char *p, const char *end)
{
	size_t	n = 0;
	int	in = 0;

	for (; p < end; p++) {
		if (*p == ' ')
			in = 0;
		else if (!in) {
			in = 1;
			n++;
		}
	}
	return n;
}

/* The clean text after its first n words (text_fold keeps words apart as they were). */
static const char *
ward_after_words(const char *clean, size_t n)
{
	const char	*p = clean;

	while (n > 0 && *p != '\0') {
		while (*p == ' ')
			p++;
		while (*p != '\0' && *p != ' ')
			p++;
		n--;
	}
	while (*p == ' ')
		p++;
	return p;
}

/* KT CODE RESULT [note] from a registered inspector. */
static int
ward_inspect(struct ward_sms *w, const char *folded, const char *p)
{
	const struct ward_result	*res = NULL;
	struct inspector		 who;
	struct inspection		 in;
	struct venue			 v;
	char				 code[CODE_MAX], grouped[CODE_MAX + 4];
	const char			*note;
	size_t				 i, nd = 0, len, codelen;
	int				 r;

	if ((r = store_inspector_get(w->store, w->from, &who)) != 1)
		return r;	/* not an inspector: the ordinary help */
	codelen = (size_t)w->cfg->code_digits + 1;
	p = ward_skip(p);
	while (*p != '\0' && (isdigit((unsigned char)*p) || *p == ' ')) {
		if (isdigit((unsigned char)*p)) {
			if (nd + 1 < sizeof code)
				code[nd] = *p;
			nd++;
		}
		p++;
	}
	if (nd != codelen || nd + 1 > sizeof code)
		return ward_say(w, MSG_INSPECT_USAGE, "inspect_usage");
	code[nd] = '\0';
	p = ward_skip(p);
	for (i = 0; i < nitems(ward_results); i++) {
		if ((len = ward_word(w->cfg, p, ward_results[i].kw)) > 0) {
			res = &ward_results[i];
			p += len;
			break;
		}
	}
	/* "OK" is a yes word: after KT it means compliant. */
	if (res == NULL && (len = ward_word(w->cfg, p, KW_YES)) > 0) {
		res = &ward_results[0];
		p += len;
	}
	if (res == NULL)
		return ward_say(w, MSG_INSPECT_USAGE, "inspect_usage");
	code_group(code, grouped, sizeof grouped);
	if (!code_valid(code, codelen) ||
	    (r = store_venue_by_code(w->store, code, &v)) == 0) {
		ward_var(w, "code", grouped);
		return ward_say(w, MSG_CODE_UNKNOWN, "inspect_unknown");
	}
	if (r == -1)
		return -1;
	if (who.ward[0] != '\0' && strcmp(who.ward, v.ward) != 0) {
		/* Another ward's venue: as if unknown to this inspector. */
		store_venue_free(&v);
		ward_var(w, "code", grouped);
		return ward_say(w, MSG_CODE_UNKNOWN, "inspect_other_ward");
	}
	/* The note as the inspector wrote it, diacritics and all. */
	note = ward_after_words(w->clean, ward_words(folded, p));
	memset(&in, 0, sizeof in);
	in.venue_id = v.id;
	in.at = w->now;
	strlcpy(in.inspector, who.name, sizeof in.inspector);
	strlcpy(in.result, res->stored, sizeof in.result);
	strlcpy(in.note, note, sizeof in.note);
	in.fine = -1;
	strlcpy(in.channel, "sms", sizeof in.channel);
	if (store_inspection_add(w->store, &in) == -1) {
		store_venue_free(&v);
		return -1;
	}
	ward_var_cut(w, "venue", v.name, WARD_VENUE_CHARS);
	ward_var(w, "code", grouped);
	ward_var(w, "result", res->said[w->lang >= 0 && w->lang < LANG_COUNT ?
	    w->lang : LANG_VI]);
	store_venue_free(&v);
	return ward_say(w, MSG_INSPECTED, "inspected");
}

/* Fold a ward for matching: no case, diacritics, spaces, "phuong" or "p.". */
static char *
ward_key(const char *s)
{
	char	*f = text_fold(s, strlen(s)), *p, *q;

	p = f;
	if (strncmp(p, "phuong ", 7) == 0)
		p += 7;
	else if (strncmp(p, "p.", 2) == 0)
		p += 2;
	else if (strncmp(p, "p ", 2) == 0)
		p += 2;
	for (q = f; *p != '\0'; p++) {
		if (*p != ' ' && *p != '.' && *p != '-')
			*q++ = *p;
	}
	*q = '\0';
	return f;
}

struct ward_find {
	char		*key;
	char		*out;
	size_t		 outlen;
	int		 found;
};

static int
ward_find_cb(const char *ward, void *arg)
{
	struct ward_find	*f = arg;
	char			*k = ward_key(ward);

	if (strcmp(k, f->key) == 0) {
		strlcpy(f->out, ward, f->outlen);
		f->found = 1;
	}
	free(k);
	return f->found;
}

int
ward_match(struct store *st, const char *typed, char *out, size_t outlen)
{
	struct ward_find	f;

	f.key = ward_key(typed);
	f.out = out;
	f.outlen = outlen;
	f.found = 0;
	if (f.key[0] == '\0') {
		free(f.key);
		return 0;
	}
	if (store_ward_names(st, ward_find_cb, &f) == -1) {
		free(f.key);
		return -1;
	}
	free(f.key);
	return f.found;
}

/* A copy of [p, end) without the spaces around it; -1 if it does not fit. */
static int
ward_field(const char *p, const char *end, char *out, size_t outlen)
{
	size_t	n;

	while (p < end && *p == ' ')
		p++;
	while (end > p && end[-1] == ' ')
		end--;
	n = (size_t)(end - p);
	out[0] = '\0';
	if (n >= outlen)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* DK name, address, ward: read back and asked to be confirmed. */
static int
ward_register(struct ward_sms *w, const char *folded, const char *p)
{
	struct registration	 reg, open;
	struct session		 s;
	const char		*rest, *first, *last;
	char			 err[128], typed[WARD_FIELD_MAX + 1];
	int			 r;

	rest = ward_after_words(w->clean, ward_words(folded, p));
	while (*rest == ':' || *rest == ' ' || *rest == '-')
		rest++;
	if ((first = strchr(rest, ',')) == NULL ||
	    (last = strrchr(rest, ',')) == first)
		return ward_say(w, MSG_REGISTER_USAGE, "register_usage");
	memset(&reg, 0, sizeof reg);
	if (ward_field(rest, first, reg.name, WARD_FIELD_MAX + 1) == -1 ||
	    ward_field(first + 1, last, reg.address, WARD_FIELD_MAX + 1) == -1 ||
	    ward_field(last + 1, last + strlen(last), typed, sizeof typed) == -1 ||
	    reg.name[0] == '\0' || reg.address[0] == '\0' || typed[0] == '\0' ||
	    text_visible_check("name", reg.name, err, sizeof err) == -1 ||
	    text_visible_check("address", reg.address, err, sizeof err) == -1 ||
	    text_visible_check("ward", typed, err, sizeof err) == -1)
		return ward_say(w, MSG_REGISTER_USAGE, "register_usage");
	if ((r = ward_match(w->store, typed, reg.ward, sizeof reg.ward)) == -1)
		return -1;
	if (r == 0) {
		ward_var_cut(w, "ward", typed, WARD_WARD_CHARS);
		return ward_say(w, MSG_REGISTER_WARD, "register_no_ward");
	}
	if ((r = store_registration_open(w->store, w->from, &open)) == -1)
		return -1;
	if (r == 1 && strcmp(open.state, WARD_REG_PENDING) == 0)
		return ward_say(w, MSG_REGISTER_PENDING, "register_pending");
	if (r == 1) {
		/* An unconfirmed one is replaced by the new text. */
		strlcpy(open.state, WARD_REG_CANCELLED, sizeof open.state);
		if (store_registration_set(w->store, WARD_REG_UNCONFIRMED,
		    &open) == -1)
			return -1;
	}
	strlcpy(reg.number, w->from, sizeof reg.number);
	strlcpy(reg.state, WARD_REG_UNCONFIRMED, sizeof reg.state);
	reg.created_at = w->now;
	if ((reg.id = store_registration_add(w->store, &reg)) == -1)
		return -1;
	memset(&s, 0, sizeof s);
	strlcpy(s.number, w->from, sizeof s.number);
	s.kind = SESSION_REGISTER;
	s.decl_id = reg.id;
	s.expires_at = w->now + w->cfg->session_timeout;
	if (store_session_put(w->store, &s) == -1)
		return -1;
	ward_var_cut(w, "name", reg.name, WARD_NAME_CHARS);
	ward_var_cut(w, "address", reg.address, WARD_NAME_CHARS);
	ward_var_cut(w, "ward", reg.ward, WARD_WARD_CHARS);
	return ward_say(w, MSG_REGISTER_CONFIRM, "register_asked");
}

/* 1 or 2 to a DK's question. */
static int
ward_register_answer(struct ward_sms *w)
{
	struct registration	reg;
	int			r;

	if (store_session_clear(w->store, w->from) == -1)
		return -1;
	if ((r = store_registration_get(w->store, w->session->decl_id,
	    &reg)) != 1)
		return r;
	strlcpy(reg.state, w->yes == 1 ? WARD_REG_PENDING : WARD_REG_CANCELLED,
	    sizeof reg.state);
	if ((r = store_registration_set(w->store, WARD_REG_UNCONFIRMED,
	    &reg)) != 1)
		return r;
	if (w->yes == 1)
		return ward_say(w, MSG_REGISTER_SENT, "register_sent");
	return ward_say(w, MSG_REGISTER_CANCELLED, "register_cancelled");
}

int
ward_sms(struct ward_sms *w)
{
	char	*folded;
	size_t	 len;
	int	 r = 0;

	w->reply = MSG_COUNT;
	w->nvars = 0;
	if (w->session != NULL && w->session->kind == SESSION_REGISTER &&
	    w->yes != 0)
		return ward_register_answer(w);
	folded = text_fold(w->clean, strlen(w->clean));
	if ((len = ward_word(w->cfg, folded, KW_INSPECT)) > 0)
		r = ward_inspect(w, folded, folded + len);
	else if ((len = ward_word(w->cfg, folded, KW_REGISTER)) > 0)
		r = ward_register(w, folded, folded + len);
	free(folded);
	return r;
}

double
ward_distance_m(double lat1, double lon1, double lat2, double lon2)
{
	double	rad = M_PI / 180.0, dlat, dlon, a;

	dlat = (lat2 - lat1) * rad;
	dlon = (lon2 - lon1) * rad;
	a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) *
	    sin(dlon / 2) * sin(dlon / 2);
	if (a > 1.0)
		a = 1.0;
	return 2.0 * WARD_EARTH_M * atan2(sqrt(a), sqrt(1.0 - a));
}

/* The check-in being looked at, and the farthest earlier one found. */
struct ward_fraud {
	const struct checkin	*c;
	double			 lat, lon, limit_m;
	struct checkin_place	 prev;
	double			 dist;
};

static int
ward_fraud_cb(const struct checkin_place *p, void *arg)
{
	struct ward_fraud	*f = arg;
	double			 d;

	d = ward_distance_m(f->lat, f->lon, p->lat, p->lon);
	if (d > f->limit_m && d > f->dist) {
		f->prev = *p;
		f->dist = d;
	}
	return 0;
}

int
ward_fraud_check(struct store *st, const struct config *cfg,
    const struct checkin *c, int64_t last)
{
	struct venue_life	 l;
	struct ward_fraud	 f;
	int64_t			 since;
	int			 r;

	if (cfg->fraud_minutes <= 0)
		return 0;
	since = c->sent_at - (int64_t)cfg->fraud_minutes * 60 + 1;
	if (last < since)
		return 0;	/* no check-in before it in the window */
	if ((r = store_venue_life(st, c->venue_id, &l)) != 1)
		return r;
	if (!l.has_coords)
		return 0;
	memset(&f, 0, sizeof f);
	f.c = c;
	f.lat = l.lat;
	f.lon = l.lon;
	f.limit_m = cfg->fraud_distance_km * 1000.0;
	if (store_checkin_places(st, c->number, since, c->sent_at, c->id,
	    ward_fraud_cb, &f) == -1)
		return -1;
	if (f.dist == 0)
		return 0;
	if (store_flag_add(st, c->id, c->venue_id, f.prev.checkin_id,
	    f.prev.venue_id, (int64_t)(f.dist + 0.5), c->sent_at - f.prev.sent_at,
	    c->sent_at) == -1)
		return -1;
	log_info("fraud: checkin=%lld flagged distance_m=%lld",
	    (long long)c->id, (long long)(f.dist + 0.5));
	return 0;
}
