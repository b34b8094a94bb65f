/*
 * admin-venues.c: the admin API's venues: /api/venues to list, add, read
 * and change them (owners' numbers are personal data: a list or a read of
 * one is audited), and each venue's page and posters for the dashboard.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/http.h>
#include <jansson.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/code.h"
#include "codec/number.h"
#include "codec/text.h"
#include "config/config.h"
#include "store/store.h"
#include "officials/admin-req.h"
#include "officials/dashboard.h"
#include "officials/district.h"
#include "officials/export.h"
#include "officials/poster.h"
#include "officials/trace.h"

#define ADMIN_NAME_MAX		120	/* bytes of a venue name */
#define ADMIN_FIELD_MAX		256	/* bytes of an address, ward, district or kind */
#define ADMIN_OWNER_MAX		64	/* bytes of an owner number as typed */

/* The venue members a POST or PATCH may carry, each a string. */
struct admin_venues_in {
	const char	*name;
	const char	*address;
	const char	*ward;
	const char	*district;
	const char	*kind;
	const char	*owner;		/* as typed; normalised into owner164 */
	char		 owner164[NUMBER_MAX];
	int		 active;	/* -1 unchanged */
	int		 n;		/* members given */
	int		 call_set;	/* call_number given: call164, or "" to clear */
	char		 call164[NUMBER_MAX];
	struct admin_venue_life life;	/* listed, activate, commitment, lat/lon */
};

static const struct admin_venues_field {
	const char	*name;
	size_t		 off;
	size_t		 max;
	int		 patch;		/* PATCH may change it */
} admin_venues_fields[] = {
	{ "name", offsetof(struct admin_venues_in, name), ADMIN_NAME_MAX, 1 },
	{ "address", offsetof(struct admin_venues_in, address), ADMIN_FIELD_MAX, 1 },
	{ "ward", offsetof(struct admin_venues_in, ward), ADMIN_FIELD_MAX, 1 },
	{ "district", offsetof(struct admin_venues_in, district), ADMIN_FIELD_MAX, 0 },
	{ "kind", offsetof(struct admin_venues_in, kind), ADMIN_FIELD_MAX, 1 },
	{ "owner", offsetof(struct admin_venues_in, owner), ADMIN_OWNER_MAX, 1 },
};

/*
 * call_number: the venue's own phone number (a call to it checks the
 * caller in there), a phone number, or null or "" for none. 0, or -1 once
 * a 400 is sent.
 */
static int
admin_venues_call_in(struct admin_req *ar, json_t *v, struct admin_venues_in *in)
{
	const char	*s;

	in->call_set = 1;
	in->call164[0] = '\0';
	in->n++;
	if (json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) > ADMIN_OWNER_MAX) {
		admin_error(ar, 400, "call_number: not a phone number");
		return -1;
	}
	s = json_string_value(v);
	if (*s == '\0')
		return 0;
	if (number_normalize(s, ar->cfg->country_code, in->call164) != NUMBER_E164) {
		admin_error(ar, 400, "call_number: not a phone number");
		return -1;
	}
	return 0;
}

/* Set a venue's call_number as given: 0, or -1 once an error is sent. */
static int
admin_venues_call_set(struct admin_req *ar, const char *code,
    const struct admin_venues_in *in)
{
	if (!in->call_set)
		return 0;
	switch (store_venue_set_call_number(ar->st, code,
	    in->call164[0] != '\0' ? in->call164 : NULL)) {
	case 0:
		return 0;
	case 1:
		admin_error(ar, 404, "no venue with this code");
		return -1;
	case 2:
		admin_error(ar, 409, "call_number: already another venue's");
		return -1;
	default:
		admin_error(ar, 503, "storage unavailable, retry later");
		return -1;
	}
}

/* The venue members of a POST (patch 0) or PATCH (patch 1) body. 0, or -1 once a 400 is sent. */
static int
admin_venues_parse(struct admin_req *ar, json_t *root, int patch,
    struct admin_venues_in *in)
{
	const struct admin_venues_field	*f;
	const char			*key, **slot;
	json_t				*v;
	size_t				 i;
	char				 err[128];

	memset(in, 0, sizeof *in);
	in->active = -1;
	json_object_foreach(root, key, v) {
		if (strcmp(key, "call_number") == 0) {
			if (admin_venues_call_in(ar, v, in) == -1)
				return -1;
			continue;
		}
		if ((i = (size_t)admin_wards_venue_member(ar, key, v, patch,
		    &in->life)) != 0) {
			if ((int)i == -1)
				return -1;
			in->n++;
			continue;
		}
		if (patch && strcmp(key, "active") == 0) {
			if (!json_is_boolean(v)) {
				admin_error(ar, 400, "active must be true or false");
				return -1;
			}
			in->active = json_is_true(v);
			in->n++;
			continue;
		}
		for (i = 0, f = NULL; i < nitems(admin_venues_fields); i++) {
			if (strcmp(admin_venues_fields[i].name, key) == 0)
				f = &admin_venues_fields[i];
		}
		if (f == NULL || (patch && !f->patch)) {
			admin_error(ar, 400, "%s: %s", admin_member_name(key),
			    f == NULL ? "unknown member" : "cannot be changed");
			return -1;
		}
		if (json_is_null(v) && !patch)
			continue;
		slot = (const char **)(void *)((char *)in + f->off);
		if (admin_json_text(ar, f->name, v, strcmp(f->name, "name") == 0 ? 1 : 0,
		    f->max, 0, slot) == -1)
			return -1;
		if (text_visible_check(f->name, *slot, err, sizeof err) == -1) {
			admin_error(ar, 400, "%s", err);
			return -1;
		}
		in->n++;
	}
	if (!patch && in->name == NULL) {
		admin_error(ar, 400, "name is required");
		return -1;
	}
	if (in->owner != NULL && *in->owner != '\0') {
		if (number_normalize(in->owner, ar->cfg->country_code, in->owner164) !=
		    NUMBER_E164) {
			admin_error(ar, 400, "owner: not a phone number");
			return -1;
		}
		in->owner = in->owner164;
	} else if (in->owner != NULL && patch) {
		admin_error(ar, 400, "owner: not a phone number");
		return -1;
	} else
		in->owner = NULL;
	return 0;
}

/* A venue as the API shows one. */
static json_t *
admin_venues_json(struct admin_req *ar, const struct venue *v)
{
	json_t	*o;
	char	 grouped[CODE_MAX + 4], num[NUMBER_MAX];

	if ((o = json_object()) == NULL)
		fatalx("json_object failed");
	code_group(v->code, grouped, sizeof grouped);
	admin_set(o, "code", json_string(v->code));
	admin_set(o, "grouped", json_string(grouped));
	admin_set(o, "name", admin_json_str(v->name));
	admin_set(o, "address", admin_json_str(v->address));
	admin_set(o, "ward", admin_json_str(v->ward));
	admin_set(o, "district", admin_json_str(v->district));
	admin_set(o, "kind", admin_json_str(v->kind));
	admin_set(o, "owner", admin_json_str(v->owner != NULL && *v->owner != '\0' ?
	    v->owner : NULL));
	admin_set(o, "active", json_boolean(v->active));
	admin_set(o, "created_at", admin_json_time(v->created_at));
	admin_wards_venue_json(ar, v, o);
	if (store_venue_call_number(ar->st, v->code, num, sizeof num) != 1)
		num[0] = '\0';
	admin_set(o, "call_number", admin_json_str(num[0] != '\0' ? num : NULL));
	return o;
}

/* Read a venue back after a change and answer with it. */
static void
admin_venues_answer(struct admin_req *ar, int code, const char *venue_code,
    int64_t id)
{
	struct venue	v;
	int		rc;

	memset(&v, 0, sizeof v);
	if ((rc = venue_code[0] == '#' ? store_venue_by_id(ar->st, id, &v) :
	    store_venue_by_code(ar->st, venue_code, &v)) != 1) {
		admin_error(ar, rc == 0 ? 404 : 503, rc == 0 ? "no venue with this code" :
		    "storage unavailable, retry later");
		return;
	}
	if (code == 201) {
		char	loc[64];

		if (v.code[0] == '#')
			snprintf(loc, sizeof loc, "/api/venues/L%lld", (long long)v.id);
		else
			snprintf(loc, sizeof loc, "/api/venues/%s", v.code);
		admin_out_header(ar, "Location", loc);
	}
	ar->records = 1;
	admin_json(ar, code, admin_venues_json(ar, &v));
	store_venue_free(&v);
}

/* The list being made: the token's wards only; a listed venue shows its reference. */
struct admin_venues_rows {
	struct admin_req	*ar;
	struct export		*e;
};

static int
admin_venues_row(const struct venue *v, void *arg)
{
	struct admin_venues_rows	*r = arg;
	struct venue			 c;

	if (!admin_wards_sees(r->ar, v->ward))
		return 0;
	if (v->code[0] == '#') {
		c = *v;
		snprintf(c.code, sizeof c.code, "L%lld", (long long)v->id);
		export_venue(r->e, &c);
	} else
		export_venue(r->e, v);
	return 0;
}

/* GET /api/venues[?ward=&all=1] */
void
admin_venues_list(struct admin_req *ar)
{
	struct admin_venues_rows rows;
	struct district_scope	 sc;
	struct export	*e;
	char		*ward = NULL, *all = NULL;
	int		 format, inactive = 0, rc;

	if ((format = admin_format(ar)) == -1)
		return;
	if (admin_param(ar, "ward", &ward) == -1) {
		admin_error(ar, 400, "ward: bad value");
		return;
	}
	if (admin_param(ar, "all", &all) != 0) {
		if (all == NULL || (strcmp(all, "0") != 0 && strcmp(all, "1") != 0)) {
			admin_error(ar, 400, "all must be 0 or 1");
			goto out;
		}
		inactive = all[0] == '1';
	}
	if (ward != NULL && !admin_wards_sees(ar, ward)) {
		admin_error(ar, 403, "the token does not see this ward");
		goto out;
	}
	e = export_new(format, EXPORT_VENUES);
	rows.ar = ar;
	rows.e = e;
	/* The list carries owners' numbers: personal data, so audited. */
	rc = store_venue_list(ar->st, ward, inactive, admin_venues_row, &rows);
	district_scope_of(ar->token, &sc);
	if (trace_audit_scoped(ar->st, e, rc, "venues.list", ar->token->name, NULL,
	    admin_uri(ar), &sc, &e) != TRACE_OK) {
		admin_error(ar, 503, "storage unavailable, retry later");
		goto out;
	}
	admin_export_send(ar, format, e);
out:
	free(ward);
	free(all);
}

/* POST /api/venues {name, address, ward, district, kind, owner, call_number} */
void
admin_venues_add(struct admin_req *ar)
{
	struct admin_venues_in	 in;
	struct venue		 v;
	json_t			*root;

	if ((root = admin_body(ar)) == NULL)
		return;
	if (admin_venues_parse(ar, root, 0, &in) == -1) {
		json_decref(root);
		return;
	}
	memset(&v, 0, sizeof v);
	v.name = (char *)in.name;
	v.address = (char *)in.address;
	v.ward = (char *)in.ward;
	v.district = (char *)in.district;
	v.kind = (char *)in.kind;
	v.owner = (char *)in.owner;
	if (!admin_wards_sees(ar, v.ward != NULL ? v.ward : "")) {
		json_decref(root);
		admin_error(ar, 403, "a ward's token adds venues of its wards: "
		    "give ward");
		return;
	}
	if (in.call164[0] != '\0') {
		struct venue	other;
		int		r;

		if ((r = store_venue_by_call_number(ar->st, in.call164, &other)) != 0) {
			if (r == 1)
				store_venue_free(&other);
			json_decref(root);
			admin_error(ar, r == 1 ? 409 : 503, r == 1 ?
			    "call_number: already another venue's" :
			    "storage unavailable, retry later");
			return;
		}
	}
	if ((in.life.listed ? store_venue_add_listed(ar->st, &v) :
	    store_venue_add(ar->st, &v, (size_t)ar->cfg->code_digits)) == -1) {
		json_decref(root);
		admin_error(ar, 503, "storage unavailable, retry later");
		return;
	}
	if (admin_wards_venue_apply(ar, v.id, &in.life) == -1) {
		json_decref(root);
		return;
	}
	json_decref(root);
	if (admin_venues_call_set(ar, v.code, &in) == -1)
		return;
	log_info("admin venue=%s action=added actor=%s", v.code, ar->token->name);
	admin_venues_answer(ar, 201, v.code, v.id);
}

/* GET /api/venues/{code} */
void
admin_venues_get(struct admin_req *ar)
{
	struct district_scope	sc;
	struct venue	v;
	char		scope[DISTRICT_SCOPE_MAX];

	if (admin_venue_find(ar, ar->id, &v) != 1)
		return;
	district_scope_of(ar->token, &sc);
	district_scope_text(&sc, scope, sizeof scope);
	if (v.owner != NULL && store_audit_add_scoped(ar->st, ar->token->name,
	    "venues.get", v.code, admin_uri(ar),
	    sc.n > 0 ? scope : NULL, 1, time(NULL)) == -1) {
		store_venue_free(&v);
		admin_error(ar, 503, "storage unavailable, retry later");
		return;
	}
	ar->records = 1;
	admin_json(ar, 200, admin_venues_json(ar, &v));
	store_venue_free(&v);
}

/* PATCH /api/venues/{code} {name, address, ward, kind, owner, active, call_number} */
void
admin_venues_patch(struct admin_req *ar)
{
	struct admin_venues_in	 in;
	struct venue		 v;
	json_t			*root;
	int			 rc;

	if (admin_venue_find(ar, ar->id, &v) != 1)
		return;
	if ((root = admin_body(ar)) == NULL)
		goto out;
	if (admin_venues_parse(ar, root, 1, &in) == -1)
		goto out;
	if (in.n == 0) {
		admin_error(ar, 400, "nothing to change");
		goto out;
	}
	if (in.ward != NULL && !admin_wards_sees(ar, in.ward)) {
		admin_error(ar, 403, "the token does not see this ward");
		goto out;
	}
	rc = store_venue_update(ar->st, v.code, in.name, in.address, in.ward,
	    in.kind, in.owner, in.active);
	if (rc == 0 && admin_wards_venue_apply(ar, v.id, &in.life) == -1)
		goto out;
	if (rc != 0) {
		admin_error(ar, rc == 1 ? 404 : 503, rc == 1 ? "no venue with this code" :
		    "storage unavailable, retry later");
		goto out;
	}
	if (admin_venues_call_set(ar, v.code, &in) == -1)
		goto out;
	log_info("admin venue=%s action=changed actor=%s", v.code, ar->token->name);
	admin_venues_answer(ar, 200, v.code, v.id);
out:
	json_decref(root);
	store_venue_free(&v);
}

/* GET /venue/{code}: the venue's page, nothing personal on it. */
void
admin_venues_page(struct admin_req *ar)
{
	char		 csrf[65];
	struct venue	 v;
	char		*page;
	size_t		 len;

	if (admin_venue_find(ar, ar->id, &v) != 1)
		return;
	if (v.code[0] == '#') {
		store_venue_free(&v);
		admin_error(ar, 409, "a listed venue has no code yet: activate it");
		return;
	}
	admin_csrf(ar, csrf);
	page = dashboard_venue_page(ar->st, ar->cfg, v.code, admin_lang(ar),
	    ar->token->role >= ROLE_ADMIN ? csrf : NULL, &len);
	store_venue_free(&v);
	if (page == NULL) {
		admin_error(ar, 503, "storage unavailable, retry later");
		return;
	}
	admin_html(ar, 200, page, len);
}

/* The venue's poster in a format. */
static void
admin_venues_poster(struct admin_req *ar, enum poster_format f)
{
	struct venue		 v;
	unsigned char		*doc = NULL;
	char			 err[256], disp[96];
	size_t			 len = 0;
	int			 pdf = f == POSTER_PDF;

	if (admin_venue_find(ar, ar->id, &v) != 1)
		return;
	if (v.code[0] == '#') {
		store_venue_free(&v);
		admin_error(ar, 409, "a listed venue has no code yet: activate it");
		return;
	}
	if (poster_render(ar->cfg, &v, 1, f, &doc, &len, err, sizeof err) == -1) {
		log_warnx("admin: poster %s: %s", v.code, err);
		store_venue_free(&v);
		admin_error(ar, 500, "the poster could not be made");
		return;
	}
	snprintf(disp, sizeof disp, "inline; filename=\"poster-%s.%s\"", v.code,
	    pdf ? "pdf" : "png");
	admin_out_header(ar, "Content-Disposition", disp);
	ar->records = 1;
	admin_send(ar, 200, pdf ? "application/pdf" : "image/png", (const char *)doc,
	    len);
	free(doc);
	store_venue_free(&v);
}

/* GET /venue/{code}/poster.pdf */
void
admin_venues_poster_pdf(struct admin_req *ar)
{
	admin_venues_poster(ar, POSTER_PDF);
}

/* GET /venue/{code}/poster.png */
void
admin_venues_poster_png(struct admin_req *ar)
{
	admin_venues_poster(ar, POSTER_PNG);
}
