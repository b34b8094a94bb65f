/*
 * store-ward.c: the face of the ward's own workflow (issue 18) in store.h:
 * the rules that are not storage (a listed venue's placeholder code, the
 * code given at activation), the rest handed to the backend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "base/log.h"
#include "base/tz.h"
#include "codec/code.h"
#include "store/store.h"
#include "store/backend.h"

#define STORE_WARD_TRIES	1000	/* random codes tried before giving up */

/* A listed venue being given a code, for store_ward_claim(). */
struct store_ward_claim {
	struct store	*s;
	int64_t		 id;
	int		 not_listed;
};

int
store_venue_life(struct store *s, int64_t venue_id, struct venue_life *l)
{
	return s->ops->venue_life(s, venue_id, l);
}

/*
 * A listed business has no code: its code column holds '#' and random hex,
 * never digits a resident could send, until store_venue_activate.
 */
int64_t
store_venue_add_listed(struct store *s, struct venue *v)
{
	unsigned char	rnd[6];
	size_t		i;
	int		rc;

	if (v->created_at == 0)
		v->created_at = time(NULL);
	v->active = 0;
	for (;;) {
		arc4random_buf(rnd, sizeof rnd);
		v->code[0] = '#';
		for (i = 0; i < sizeof rnd; i++)
			snprintf(v->code + 1 + 2 * i, 3, "%02x", rnd[i]);
		if ((rc = s->ops->venue_insert(s, v)) != 1)
			break;
	}
	if (rc == -1 || s->ops->venue_set_listed(s, v->id) != 0)
		return -1;
	return v->id;
}

static int
store_ward_claim(const char *code, void *arg)
{
	struct store_ward_claim	*c = arg;
	int			 rc;

	rc = c->s->ops->venue_set_code(c->s, c->id, code);
	if (rc == 2) {
		c->not_listed = 1;
		return -1;
	}
	return rc;
}

int
store_venue_activate(struct store *s, int64_t venue_id, size_t code_payload,
    char code[CODE_MAX])
{
	struct store_ward_claim	c = { s, venue_id, 0 };
	int			rc;

	code[0] = '\0';
	rc = code_alloc(code, code_payload, STORE_WARD_TRIES, store_ward_claim,
	    &c);
	if (c.not_listed) {
		code[0] = '\0';
		return 1;
	}
	if (rc == 1)
		log_warnx("store: venue activate error=\"no free code of %zu"
		    " digits\"", code_payload + 1);
	return rc == 0 ? 0 : -1;
}

int
store_venue_commit(struct store *s, int64_t venue_id, int64_t at,
    const char *by, const char *recorder)
{
	return s->ops->venue_commit(s, venue_id, at, by, recorder);
}

int
store_venue_coords(struct store *s, int64_t venue_id, int has, double lat,
    double lon)
{
	return s->ops->venue_coords(s, venue_id, has, lat, lon);
}

int
store_inspector_add(struct store *s, const struct inspector *i)
{
	return s->ops->inspector_add(s, i);
}

int
store_inspector_del(struct store *s, const char *number)
{
	return s->ops->inspector_del(s, number);
}

int
store_inspector_get(struct store *s, const char *number, struct inspector *i)
{
	return s->ops->inspector_get(s, number, i);
}

int
store_inspector_list(struct store *s,
    int (*cb)(const struct inspector *, void *), void *arg)
{
	return s->ops->inspector_list(s, cb, arg);
}

int64_t
store_inspection_add(struct store *s, const struct inspection *i)
{
	return s->ops->inspection_add(s, i);
}

int
store_inspection_list(struct store *s, const char *ward, int64_t from,
    int64_t to, int (*cb)(const struct inspection *, void *), void *arg)
{
	return s->ops->inspection_list(s, ward, from, to, cb, arg);
}

int
store_inspection_last(struct store *s, int64_t venue_id, struct inspection *i)
{
	return s->ops->inspection_last(s, venue_id, i);
}

int64_t
store_registration_add(struct store *s, const struct registration *r)
{
	return s->ops->registration_add(s, r);
}

int
store_registration_get(struct store *s, int64_t id, struct registration *r)
{
	return s->ops->registration_get(s, id, r);
}

int
store_registration_open(struct store *s, const char *number,
    struct registration *r)
{
	return s->ops->registration_open(s, number, r);
}

int
store_registration_set(struct store *s, const char *from,
    const struct registration *r)
{
	return s->ops->registration_set(s, from, r);
}

int
store_registration_list(struct store *s, const char *ward, const char *state,
    int (*cb)(const struct registration *, void *), void *arg)
{
	return s->ops->registration_list(s, ward, state, cb, arg);
}

int
store_ward_names(struct store *s, int (*cb)(const char *, void *), void *arg)
{
	return s->ops->ward_names(s, cb, arg);
}

int
store_checkin_places(struct store *s, const char *number, int64_t since,
    int64_t until, int64_t except,
    int (*cb)(const struct checkin_place *, void *), void *arg)
{
	return s->ops->checkin_places(s, number, since, until, except, cb, arg);
}

int64_t
store_flag_add(struct store *s, int64_t checkin_id, int64_t venue_id,
    int64_t prev_checkin_id, int64_t prev_venue_id, int64_t distance_m,
    int64_t seconds, int64_t at)
{
	return s->ops->flag_add(s, checkin_id, venue_id, prev_checkin_id,
	    prev_venue_id, distance_m, seconds, at);
}

int
store_flag_list(struct store *s, const char *ward, int64_t from, int64_t to,
    int (*cb)(const struct flag_row *, void *), void *arg)
{
	return s->ops->flag_list(s, ward, from, to, cb, arg);
}

/* Whole local days from daily_stats, as the ward report counts them. */
int
store_report_life(struct store *s, int64_t day_from, int64_t from, int64_t to,
    int (*cb)(const struct ward_life *, void *), void *arg)
{
	if (day_from == 0)
		day_from = tz_day_start(from);
	return s->ops->report_life(s, day_from, from, to, cb, arg);
}

int
store_audit_add_scoped(struct store *s, const char *actor, const char *action,
    const char *subject, const char *query, const char *scope, int64_t records,
    int64_t at)
{
	return s->ops->audit_add_scoped(s, actor, action, subject, query, scope,
	    records, at);
}
