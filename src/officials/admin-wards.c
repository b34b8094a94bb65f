/*
 * admin-wards.c: the admin API of the ward's own workflow (issue 18): the
 * district roll-up, fraud flags, inspections (API and the dashboard's
 * form), inspectors and registrations, and the scope of a ward's token.
 * What they read and decide is officials/district.c, shared with
 * checkinctl; here is what HTTP asks and answers.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/code.h"
#include "codec/number.h"
#include "codec/text.h"
#include "codec/web.h"
#include "config/config.h"
#include "store/store.h"
#include "send/outbox.h"
#include "officials/admin-req.h"
#include "officials/district.h"
#include "officials/export.h"
#include "officials/trace.h"

#define ADMIN_WARDS_DAYS	3660	/* longest window of a list or report */
#define ADMIN_WARDS_DEFAULT	30	/* days a list looks back without from= */
#define ADMIN_NOTE_MAX		500	/* bytes of an inspection's note */
#define ADMIN_REASON_MAX	200	/* bytes of a rejection's reason */
#define ADMIN_FINE_MAX		1000000000	/* a fine, in dong */

/* 503 outside a transaction. */
static void
admin_wards_503(struct admin_req *ar)
{
	admin_error(ar, 503, "storage unavailable, retry later");
}

static void
admin_wards_scope(struct admin_req *ar, struct district_scope *sc)
{
	district_scope_of(ar->token, sc);
}

int
admin_wards_sees(struct admin_req *ar, const char *ward)
{
	struct district_scope	sc;

	admin_wards_scope(ar, &sc);
	return district_in_scope(&sc, ward);
}

int
admin_wards_listed_find(struct admin_req *ar, const char *typed,
    struct venue *v)
{
	struct venue_life	 l;
	const char		*errstr = NULL;
	long long		 id;
	int			 rc;

	if (typed[0] != 'L' || typed[1] == '\0' ||
	    strspn(typed + 1, "0123456789") != strlen(typed + 1))
		return 2;
	id = num_parse(typed + 1, 1, INT64_MAX, &errstr);
	if (errstr != NULL ||
	    (rc = store_venue_by_id(ar->st, id, v)) == 0 ||
	    (rc == 1 && (store_venue_life(ar->st, id, &l) != 1 || !l.listed))) {
		if (errstr == NULL)
			store_venue_free(v);
		admin_error(ar, 404, "no listed venue with this reference");
		return 0;
	}
	if (rc == -1) {
		admin_error(ar, 503, "storage unavailable, retry later");
		return -1;
	}
	if (!admin_wards_sees(ar, v->ward)) {
		store_venue_free(v);
		admin_error(ar, 403, "this venue is of a ward the token does not see");
		return 0;
	}
	return 1;
}

/* The from= and to= of a list, or the last ADMIN_WARDS_DEFAULT days. */
static int
admin_wards_window(struct admin_req *ar, int64_t *from, int64_t *to)
{
	char	*v;

	if (admin_param(ar, "from", &v) == 1 || admin_param(ar, "to", &v) == 1) {
		free(v);
		return admin_window(ar, ADMIN_WARDS_DAYS, from, to);
	}
	*to = time(NULL) + ADMIN_DAY;
	*from = *to - (int64_t)(ADMIN_WARDS_DEFAULT + 1) * ADMIN_DAY;
	return 0;
}

/* The ward= of a list: NULL for all the token sees; 403 and -1 for another's. */
static int
admin_wards_param(struct admin_req *ar, char **ward)
{
	*ward = NULL;
	if (admin_param(ar, "ward", ward) == -1) {
		admin_error(ar, 400, "ward: bad value");
		return -1;
	}
	if (*ward != NULL && !admin_wards_sees(ar, *ward)) {
		free(*ward);
		*ward = NULL;
		admin_error(ar, 403, "the token does not see this ward");
		return -1;
	}
	return 0;
}

/* GET /api/reports/district?from=&to=: the roll-up, a totals row last. */
void
admin_wards_district(struct admin_req *ar)
{
	struct district_scope	 sc;
	struct export		*e;
	int64_t			 from, to;
	int			 format;

	if ((format = admin_format(ar)) == -1 ||
	    admin_window(ar, ADMIN_WARDS_DAYS, &from, &to) == -1)
		return;
	admin_wards_scope(ar, &sc);
	if (district_report(ar->st, &sc, from, to, format, &e, NULL) == -1) {
		admin_wards_503(ar);
		return;
	}
	admin_export_send(ar, format, e);
}

/* A list of a ward (or all the token sees) over a window, as asked. */
static void
admin_wards_list(struct admin_req *ar, int (*list)(struct store *,
    const struct district_scope *, const char *, int64_t, int64_t, int,
    struct export **))
{
	struct district_scope	 sc;
	struct export		*e;
	char			*ward;
	int64_t			 from, to;
	int			 format;

	if ((format = admin_format(ar)) == -1 ||
	    admin_wards_window(ar, &from, &to) == -1 ||
	    admin_wards_param(ar, &ward) == -1)
		return;
	admin_wards_scope(ar, &sc);
	if (list(ar->st, &sc, ward, from, to, format, &e) == -1)
		admin_wards_503(ar);
	else
		admin_export_send(ar, format, e);
	free(ward);
}

/* GET /api/reports/flags?from=&to=&ward=: fraud flags, no numbers in them. */
void
admin_wards_flags(struct admin_req *ar)
{
	admin_wards_list(ar, district_flags);
}

/* GET /api/inspections?ward=&from=&to= */
void
admin_wards_inspections_list(struct admin_req *ar)
{
	admin_wards_list(ar, district_inspections);
}

/* Record an inspection of the venue typed; answers 201 (or redirect) or an error. */
static int
admin_wards_inspect(struct admin_req *ar, const char *typed, const char *result,
    const char *note, int64_t fine, const char *channel)
{
	struct district_scope	sc;
	struct inspection	in;
	struct venue		v;
	char			err[128];

	if (!district_result_known(result)) {
		admin_error(ar, 400, "result must be compliant, violation or closed");
		return -1;
	}
	if (note != NULL && text_visible_check("note", note, err, sizeof err) == -1) {
		admin_error(ar, 400, "%s", err);
		return -1;
	}
	if (admin_venue_find(ar, typed, &v) != 1)
		return -1;
	memset(&in, 0, sizeof in);
	in.at = time(NULL);
	strlcpy(in.inspector, ar->token->name, sizeof in.inspector);
	strlcpy(in.result, result, sizeof in.result);
	strlcpy(in.note, note != NULL ? note : "", sizeof in.note);
	in.fine = fine;
	strlcpy(in.channel, channel, sizeof in.channel);
	admin_wards_scope(ar, &sc);
	switch (district_inspect(ar->st, &sc, v.code, &in)) {
	case DISTRICT_OK:
		break;
	case DISTRICT_ESCOPE:
		store_venue_free(&v);
		admin_error(ar, 403, "this venue is of a ward the token does not see");
		return -1;
	case DISTRICT_ENOTFOUND:
		store_venue_free(&v);
		admin_error(ar, 404, "no venue with this code");
		return -1;
	default:
		store_venue_free(&v);
		admin_wards_503(ar);
		return -1;
	}
	log_info("admin venue=%s action=inspected result=%s actor=%s", v.code,
	    result, ar->token->name);
	store_venue_free(&v);
	return 0;
}

/* POST /api/inspections {venue, result, note, fine} */
void
admin_wards_inspections_add(struct admin_req *ar)
{
	json_t		*root, *v, *o;
	const char	*key, *venue = NULL, *result = NULL, *note = NULL;
	int64_t		 fine = -1;

	if ((root = admin_body(ar)) == NULL)
		return;
	json_object_foreach(root, key, v) {
		if (strcmp(key, "venue") == 0) {
			if (admin_json_text(ar, key, v, 1, CODE_MAX + 8, 0, &venue) == -1)
				goto out;
		} else if (strcmp(key, "result") == 0) {
			if (admin_json_text(ar, key, v, 1, 16, 0, &result) == -1)
				goto out;
		} else if (strcmp(key, "note") == 0) {
			if (!json_is_null(v) && admin_json_text(ar, key, v, 0,
			    ADMIN_NOTE_MAX, 1, &note) == -1)
				goto out;
		} else if (strcmp(key, "fine") == 0) {
			if (json_is_null(v))
				continue;
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > ADMIN_FINE_MAX) {
				admin_error(ar, 400, "fine must be a whole number of "
				    "dong, 0 to %d", ADMIN_FINE_MAX);
				goto out;
			}
			fine = json_integer_value(v);
		} else {
			admin_error(ar, 400, "%s: unknown member",
			    admin_member_name(key));
			goto out;
		}
	}
	if (venue == NULL || result == NULL) {
		admin_error(ar, 400, "venue and result are required");
		goto out;
	}
	if (admin_wards_inspect(ar, venue, result, note, fine, "api") == -1)
		goto out;
	if ((o = json_object()) == NULL)
		fatalx("json_object failed");
	admin_set(o, "venue", json_string(venue));
	admin_set(o, "result", json_string(result));
	admin_set(o, "inspector", admin_json_str(ar->token->name));
	admin_json(ar, 201, o);
out:
	json_decref(root);
}

/* A form field of the request body: a new string, or NULL. */
static char *
admin_wards_field(struct admin_req *ar, const char *name)
{
	const char	*body;
	size_t		 blen, len;
	char		*v = NULL;

	body = admin_body_bytes(ar, &blen);
	if (blen == 0 || !web_form_get(body, blen, name, &v, &len))
		return NULL;
	if (v != NULL && strlen(v) != len) {
		free(v);
		return NULL;
	}
	return v;
}

/* The form's csrf field is the session's anti-forgery token: 0, or -1 once 403 is sent. */
static int
admin_wards_csrf_ok(struct admin_req *ar)
{
	char	want[65], *csrf;
	int	ok;

	admin_csrf(ar, want);
	csrf = admin_wards_field(ar, "csrf");
	ok = want[0] != '\0' && csrf != NULL && strlen(csrf) == strlen(want) &&
	    CRYPTO_memcmp(csrf, want, strlen(want)) == 0;
	free(csrf);
	if (!ok) {
		admin_error(ar, 403, "refused: the form's anti-forgery token is "
		    "missing or wrong; reload the page");
		return -1;
	}
	return 0;
}

/*
 * POST /venue/{code}/inspections from the venue page's form: csrf (the
 * session's anti-forgery token), result, note, fine. Back to the page.
 */
void
admin_wards_inspection_form(struct admin_req *ar)
{
	char			 loc[64];
	char			*result, *note, *fine;
	const char		*errstr = NULL;
	int64_t			 f = -1;

	if (admin_wards_csrf_ok(ar) == -1)
		return;
	result = admin_wards_field(ar, "result");
	note = admin_wards_field(ar, "note");
	fine = admin_wards_field(ar, "fine");
	if (fine != NULL && fine[0] != '\0')
		f = num_parse(fine, 0, ADMIN_FINE_MAX, &errstr);
	if (errstr != NULL)
		admin_error(ar, 400, "fine must be a whole number of dong");
	else if (note != NULL && strlen(note) > ADMIN_NOTE_MAX)
		admin_error(ar, 400, "the note is longer than %d bytes",
		    ADMIN_NOTE_MAX);
	else if (admin_wards_inspect(ar, ar->id, result != NULL ? result : "",
	    note, f, "dashboard") == 0) {
		snprintf(loc, sizeof loc, "/venue/%s", ar->id);
		admin_out_header(ar, "Location", loc);
		admin_send(ar, 303, "text/plain; charset=UTF-8", "", 0);
	}
	free(result);
	free(note);
	free(fine);
}

/* GET /api/inspectors */
void
admin_wards_inspectors_list(struct admin_req *ar)
{
	struct district_scope	 sc;
	struct export		*e;
	int			 format;

	if ((format = admin_format(ar)) == -1)
		return;
	admin_wards_scope(ar, &sc);
	if (district_inspectors(ar->st, &sc, format, &e) == -1)
		admin_wards_503(ar);
	else
		admin_export_send(ar, format, e);
}

/* POST /api/inspectors {number, name, ward} */
void
admin_wards_inspectors_add(struct admin_req *ar)
{
	struct district_scope	 sc;
	struct inspector	 in;
	json_t			*root, *v, *o;
	const char		*key, *number = NULL, *name = NULL, *ward = NULL;
	char			 err[128];

	if ((root = admin_body(ar)) == NULL)
		return;
	json_object_foreach(root, key, v) {
		if (strcmp(key, "number") == 0) {
			if (admin_json_text(ar, key, v, 1, 64, 0, &number) == -1)
				goto out;
		} else if (strcmp(key, "name") == 0) {
			if (admin_json_text(ar, key, v, 1, 120, 0, &name) == -1)
				goto out;
		} else if (strcmp(key, "ward") == 0) {
			if (!json_is_null(v) &&
			    admin_json_text(ar, key, v, 0, 120, 0, &ward) == -1)
				goto out;
		} else {
			admin_error(ar, 400, "%s: unknown member",
			    admin_member_name(key));
			goto out;
		}
	}
	if (number == NULL || name == NULL) {
		admin_error(ar, 400, "number and name are required");
		goto out;
	}
	memset(&in, 0, sizeof in);
	if (admin_number(ar, number, in.number) == -1)
		goto out;
	if (text_visible_check("name", name, err, sizeof err) == -1 ||
	    (ward != NULL && text_visible_check("ward", ward, err,
	    sizeof err) == -1)) {
		admin_error(ar, 400, "%s", err);
		goto out;
	}
	admin_wards_scope(ar, &sc);
	if (sc.n > 0 && (ward == NULL || *ward == '\0'))
		ward = sc.n == 1 ? sc.wards[0] : NULL;
	if (sc.n > 0 && (ward == NULL || !district_in_scope(&sc, ward))) {
		admin_error(ar, 403, "a ward's token registers inspectors of its "
		    "wards: give ward");
		goto out;
	}
	strlcpy(in.name, name, sizeof in.name);
	strlcpy(in.ward, ward != NULL ? ward : "", sizeof in.ward);
	in.created_at = time(NULL);
	if (store_inspector_add(ar->st, &in) == -1) {
		admin_wards_503(ar);
		goto out;
	}
	log_info("admin action=inspector_added actor=%s", ar->token->name);
	if ((o = json_object()) == NULL)
		fatalx("json_object failed");
	admin_set(o, "number", json_string(in.number));
	admin_set(o, "name", admin_json_str(in.name));
	admin_set(o, "ward", admin_json_str(in.ward));
	admin_json(ar, 201, o);
out:
	json_decref(root);
}

/* GET /api/registrations?ward=&state=: owners' numbers, so audited. */
void
admin_wards_registrations_list(struct admin_req *ar)
{
	struct district_scope	 sc;
	struct export		*e;
	char			*ward, *state = NULL;
	int			 format, rc;

	if ((format = admin_format(ar)) == -1 ||
	    admin_wards_param(ar, &ward) == -1)
		return;
	if (admin_param(ar, "state", &state) == -1 || (state != NULL &&
	    strcmp(state, "pending") != 0 && strcmp(state, "approved") != 0 &&
	    strcmp(state, "rejected") != 0 && strcmp(state, "cancelled") != 0)) {
		admin_error(ar, 400, "state must be pending, approved, rejected "
		    "or cancelled");
		goto out;
	}
	admin_wards_scope(ar, &sc);
	if (store_begin(ar->st) == -1) {
		admin_storage_error(ar);
		goto out;
	}
	rc = district_registrations(ar->st, &sc, ward, state, format, &e);
	if (rc == -1 || trace_audit_scoped(ar->st, e, rc, "registrations.list",
	    ar->token->name, NULL, ar->query, &sc, &e) != TRACE_OK) {
		admin_storage_error(ar);
		goto out;
	}
	if (store_commit(ar->st) == -1) {
		free(export_finish(e, NULL));
		admin_storage_error(ar);
		goto out;
	}
	admin_export_send(ar, format, e);
out:
	free(ward);
	free(state);
}

/* The registration id of the path. -1 once a 404 is sent. */
static int64_t
admin_wards_reg_id(struct admin_req *ar)
{
	const char	*errstr = NULL;
	long long	 id;

	id = num_parse(ar->id != NULL ? ar->id : "", 1, INT64_MAX, &errstr);
	if (errstr != NULL) {
		admin_error(ar, 404, "no registration with this id");
		return -1;
	}
	return id;
}

/* Answer a decision on a registration: JSON, or back to the dashboard for a form. */
static void
admin_wards_decided(struct admin_req *ar, enum district_step step, int64_t id,
    const char *state, const char *code, int form)
{
	json_t	*o;

	switch (step) {
	case DISTRICT_OK:
		break;
	case DISTRICT_ENOTFOUND:
		store_rollback(ar->st);
		admin_error(ar, 404, "no registration with this id");
		return;
	case DISTRICT_ESCOPE:
		store_rollback(ar->st);
		admin_error(ar, 403, "this registration is of a ward the token "
		    "does not see");
		return;
	case DISTRICT_ESTATE:
		store_rollback(ar->st);
		admin_error(ar, 409, "this registration is not pending");
		return;
	case DISTRICT_ENOROUTE:
		store_rollback(ar->st);
		admin_error(ar, 409, "no outbound route reaches the owner's number");
		return;
	default:
		admin_storage_error(ar);
		return;
	}
	if (store_audit_add(ar->st, ar->token->name, state[0] == 'a' ?
	    "registration.approve" : "registration.reject", NULL, ar->query, 1,
	    time(NULL)) == -1 || store_commit(ar->st) == -1) {
		admin_storage_error(ar);
		return;
	}
	admin_kick(ar);
	log_info("admin registration=%lld action=%s actor=%s", (long long)id,
	    state, ar->token->name);
	if (form) {
		admin_out_header(ar, "Location", "/dashboard#registrations");
		admin_send(ar, 303, "text/plain; charset=UTF-8", "", 0);
		return;
	}
	if ((o = json_object()) == NULL)
		fatalx("json_object failed");
	admin_set(o, "id", json_integer((json_int_t)id));
	admin_set(o, "state", json_string(state));
	if (code != NULL)
		admin_set(o, "code", json_string(code));
	admin_json(ar, 200, o);
}

/* Approve the registration of the path; form: the dashboard's form asked. */
static void
admin_wards_approve(struct admin_req *ar, int form)
{
	struct district_scope	 sc;
	enum district_step	 step;
	char			 code[CODE_MAX];
	int64_t			 id;

	if ((id = admin_wards_reg_id(ar)) == -1)
		return;
	admin_wards_scope(ar, &sc);
	if (store_begin(ar->st) == -1) {
		admin_storage_error(ar);
		return;
	}
	step = district_approve(ar->st, ar->cfg, &sc, id, ar->token->name, code);
	admin_wards_decided(ar, step, id, "approved", code, form);
}

/* Reject registration id for a checked reason; form: the dashboard asked. */
static void
admin_wards_reject(struct admin_req *ar, int64_t id, const char *reason,
    int form)
{
	struct district_scope	 sc;
	enum district_step	 step;

	admin_wards_scope(ar, &sc);
	if (store_begin(ar->st) == -1) {
		admin_storage_error(ar);
		return;
	}
	step = district_reject(ar->st, ar->cfg, &sc, id, reason, ar->token->name);
	admin_wards_decided(ar, step, id, "rejected", NULL, form);
}

/* POST /api/registrations/{id}/approve */
void
admin_wards_registration_approve(struct admin_req *ar)
{
	admin_wards_approve(ar, 0);
}

/* POST /api/registrations/{id}/reject {reason} */
void
admin_wards_registration_reject(struct admin_req *ar)
{
	json_t			*root, *v;
	const char		*key, *reason = NULL;
	char			 err[128];
	int64_t			 id;

	if ((id = admin_wards_reg_id(ar)) == -1 ||
	    (root = admin_body(ar)) == NULL)
		return;
	json_object_foreach(root, key, v) {
		if (strcmp(key, "reason") == 0) {
			if (admin_json_text(ar, key, v, 1, ADMIN_REASON_MAX, 0,
			    &reason) == -1)
				goto out;
		} else {
			admin_error(ar, 400, "%s: unknown member",
			    admin_member_name(key));
			goto out;
		}
	}
	if (reason == NULL) {
		admin_error(ar, 400, "reason is required");
		goto out;
	}
	if (text_visible_check("reason", reason, err, sizeof err) == -1) {
		admin_error(ar, 400, "%s", err);
		goto out;
	}
	admin_wards_reject(ar, id, reason, 0);
out:
	json_decref(root);
}

/* A latitude or longitude member: a number in range, or null (with the other). */
static int
admin_wards_coord(struct admin_req *ar, const char *key, json_t *v, double max,
    struct admin_venue_life *l, double *out, int *has)
{
	if (json_is_null(v)) {
		l->coords = -1;
		*has = 1;
		return 1;
	}
	if (!json_is_number(v) || json_number_value(v) < -max ||
	    json_number_value(v) > max) {
		admin_error(ar, 400, "%s must be a number from %g to %g", key,
		    -max, max);
		return -1;
	}
	*out = json_number_value(v);
	*has = 1;
	if (l->coords == 0)
		l->coords = 1;
	return 1;
}

int
admin_wards_venue_member(struct admin_req *ar, const char *key, json_t *v,
    int patch, struct admin_venue_life *l)
{
	int64_t	t;

	if (strcmp(key, "lat") == 0)
		return admin_wards_coord(ar, key, v, 90, l, &l->lat, &l->has_lat);
	if (strcmp(key, "lon") == 0)
		return admin_wards_coord(ar, key, v, 180, l, &l->lon, &l->has_lon);
	if ((!patch && strcmp(key, "listed") == 0) ||
	    (patch && strcmp(key, "activate") == 0)) {
		if (!json_is_boolean(v)) {
			admin_error(ar, 400, "%s must be true or false", key);
			return -1;
		}
		*(patch ? &l->activate : &l->listed) = json_is_true(v);
		return 1;
	}
	if (strcmp(key, "committed_by") == 0)
		return admin_json_text(ar, key, v, 1, 120, 0,
		    &l->committed_by) == -1 ? -1 : 1;
	if (strcmp(key, "committed_at") == 0) {
		if (json_is_integer(v) && json_integer_value(v) > 0)
			t = json_integer_value(v);
		else if (!json_is_string(v) ||
		    admin_time(json_string_value(v), &t) == -1) {
			admin_error(ar, 400, "committed_at: not a time (ISO 8601 "
			    "with an offset, or epoch seconds)");
			return -1;
		}
		l->committed_at = t;
		return 1;
	}
	return 0;
}

int
admin_wards_venue_apply(struct admin_req *ar, int64_t venue_id,
    struct admin_venue_life *l)
{
	char	code[CODE_MAX], err[128];
	int	rc;

	if (l->coords != 0 && (l->has_lat != l->has_lon ||
	    (l->coords == 1 && (!l->has_lat || !l->has_lon)))) {
		admin_error(ar, 400, "lat and lon go together");
		return -1;
	}
	if (l->committed_by != NULL && text_visible_check("committed_by",
	    l->committed_by, err, sizeof err) == -1) {
		admin_error(ar, 400, "%s", err);
		return -1;
	}
	if (l->committed_at != 0 && l->committed_by == NULL) {
		admin_error(ar, 400, "committed_at needs committed_by");
		return -1;
	}
	if (l->coords != 0 && store_venue_coords(ar->st, venue_id,
	    l->coords == 1, l->lat, l->lon) == -1) {
		admin_wards_503(ar);
		return -1;
	}
	if (l->activate) {
		rc = store_venue_activate(ar->st, venue_id,
		    (size_t)ar->cfg->code_digits, code);
		if (rc == 1) {
			admin_error(ar, 409, "the venue has a code already");
			return -1;
		}
		if (rc == -1) {
			admin_wards_503(ar);
			return -1;
		}
	}
	if (l->committed_by != NULL && store_venue_commit(ar->st, venue_id,
	    l->committed_at != 0 ? l->committed_at : time(NULL),
	    l->committed_by, ar->token->name) == -1) {
		admin_wards_503(ar);
		return -1;
	}
	return 0;
}

void
admin_wards_venue_json(struct admin_req *ar, const struct venue *v, json_t *o)
{
	struct venue_life	l;
	char			ref[32];

	if (store_venue_life(ar->st, v->id, &l) != 1)
		return;
	snprintf(ref, sizeof ref, "L%lld", (long long)v->id);
	if (l.listed) {
		admin_set(o, "code", json_null());
		admin_set(o, "grouped", json_null());
	}
	admin_set(o, "ref", json_string(l.listed ? ref : v->code));
	admin_set(o, "state", json_string(!v->active && !l.listed ? "inactive" :
	    l.listed ? "listed" : l.committed_at != 0 ? "committed" : "active"));
	admin_set(o, "committed_at", admin_json_time(l.committed_at));
	admin_set(o, "committed_by", admin_json_str(l.committed_at != 0 ?
	    l.committed_by : NULL));
	admin_set(o, "committed_recorder", admin_json_str(l.committed_at != 0 ?
	    l.committed_recorder : NULL));
	admin_set(o, "lat", l.has_coords ? json_real(l.lat) : json_null());
	admin_set(o, "lon", l.has_coords ? json_real(l.lon) : json_null());
}

/* POST /registration/{id}/approve from the dashboard's form (csrf). */
void
admin_wards_registration_approve_form(struct admin_req *ar)
{
	if (admin_wards_csrf_ok(ar) == -1)
		return;
	admin_wards_approve(ar, 1);
}

/* POST /registration/{id}/reject from the dashboard's form (csrf, reason). */
void
admin_wards_registration_reject_form(struct admin_req *ar)
{
	char			*reason, err[128];
	int64_t			 id;

	if (admin_wards_csrf_ok(ar) == -1 || (id = admin_wards_reg_id(ar)) == -1)
		return;
	reason = admin_wards_field(ar, "reason");
	if (reason == NULL || reason[0] == '\0' ||
	    strlen(reason) > ADMIN_REASON_MAX ||
	    text_visible_check("reason", reason, err, sizeof err) == -1) {
		free(reason);
		admin_error(ar, 400, "a reason of 1 to %d bytes is required",
		    ADMIN_REASON_MAX);
		return;
	}
	admin_wards_reject(ar, id, reason, 1);
	free(reason);
}
