/*
 * district.c: the ward's own workflow as officials see it (issue 18). A
 * token with ward/wards sees those wards only: lists are filtered here,
 * a venue or registration of another ward is DISTRICT_ESCOPE, totals are
 * those of its wards. The roll-up joins the ward report (report figures)
 * and the lifecycle figures (store_report_life) by ward.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/code.h"
#include "codec/msg.h"
#include "codec/text.h"
#include "config/config.h"
#include "store/store.h"
#include "officials/district.h"
#include "officials/export.h"

#define DISTRICT_TOTAL		"TOTAL"
#define DISTRICT_REASON_CHARS	60	/* a rejection's reason in its SMS */
#define DISTRICT_VENUE_CHARS	40

void
district_scope_of(const struct admin_token *t, struct district_scope *sc)
{
	sc->wards = t != NULL ? t->wards : NULL;
	sc->n = t != NULL ? t->nwards : 0;
}

int
district_in_scope(const struct district_scope *sc, const char *ward)
{
	size_t	i;

	if (sc == NULL || sc->n == 0)
		return 1;
	for (i = 0; ward != NULL && i < sc->n; i++) {
		if (strcmp(sc->wards[i], ward) == 0)
			return 1;
	}
	return 0;
}

void
district_scope_text(const struct district_scope *sc, char *buf, size_t len)
{
	size_t	i;

	if (sc == NULL || sc->n == 0) {
		strlcpy(buf, "district", len);
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < sc->n; i++) {
		if (i > 0)
			strlcat(buf, "|", len);
		strlcat(buf, sc->wards[i], len);
	}
}

/* The rows of the roll-up being built, by ward. */
struct district_rows {
	const struct district_scope	*sc;
	struct district_row		*v;
	size_t				 n;
};

static struct district_row *
district_row_of(struct district_rows *r, const char *ward)
{
	size_t	i;

	for (i = 0; i < r->n; i++) {
		if (strcmp(r->v[i].ward, ward) == 0)
			return &r->v[i];
	}
	r->v = xreallocarray(r->v, r->n + 1, sizeof *r->v);
	memset(&r->v[r->n], 0, sizeof r->v[r->n]);
	r->v[r->n].ward = xstrdup(ward);
	return &r->v[r->n++];
}

static int
district_ward_cb(const struct ward_row *w, void *arg)
{
	struct district_rows	*r = arg;
	struct district_row	*d;

	if (!district_in_scope(r->sc, w->ward))
		return 0;
	d = district_row_of(r, w->ward);
	d->checkins = w->checkins;
	d->visitors = w->visitors;
	d->declarations_flagged = w->flagged;
	return 0;
}

static int
district_life_cb(const struct ward_life *w, void *arg)
{
	struct district_rows	*r = arg;
	struct district_row	*d;

	if (!district_in_scope(r->sc, w->ward))
		return 0;
	d = district_row_of(r, w->ward);
	d->listed = w->listed;
	d->with_code = w->with_code;
	d->committed = w->committed;
	d->with_checkins = w->used;
	d->inspected = w->inspected;
	d->violations = w->violations;
	d->fraud_flags = w->flags;
	return 0;
}

static int
district_row_cmp(const void *a, const void *b)
{
	const struct district_row	*x = a, *y = b;

	return strcmp(x->ward, y->ward);
}

static void
district_total(struct district_row *t, const struct district_row *r)
{
	t->listed += r->listed;
	t->with_code += r->with_code;
	t->committed += r->committed;
	t->with_checkins += r->with_checkins;
	t->checkins += r->checkins;
	t->visitors += r->visitors;
	t->declarations_flagged += r->declarations_flagged;
	t->inspected += r->inspected;
	t->violations += r->violations;
	t->fraud_flags += r->fraud_flags;
}

int
district_report_rows(struct store *st, const struct district_scope *sc,
    int64_t from, int64_t to, struct district_row **rows, size_t *n,
    struct district_row *tot)
{
	struct district_rows	r = { sc, NULL, 0 };
	size_t			i;

	*rows = NULL;
	*n = 0;
	memset(tot, 0, sizeof *tot);
	tot->ward = DISTRICT_TOTAL;
	if (store_report_wards(st, from, to, district_ward_cb, &r) == -1 ||
	    store_report_life(st, 0, from, to, district_life_cb, &r) == -1) {
		district_rows_free(r.v, r.n);
		return -1;
	}
	if (r.n > 1)
		qsort(r.v, r.n, sizeof *r.v, district_row_cmp);
	for (i = 0; i < r.n; i++)
		district_total(tot, &r.v[i]);
	*rows = r.v;
	*n = r.n;
	return 0;
}

void
district_rows_free(struct district_row *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free((char *)v[i].ward);
	free(v);
}

int
district_report(struct store *st, const struct district_scope *sc, int64_t from,
    int64_t to, int format, struct export **out, struct district_row *tot)
{
	struct district_row	*v, t;
	struct export		*e;
	size_t			 i, n;

	*out = NULL;
	if (district_report_rows(st, sc, from, to, &v, &n, &t) == -1)
		return -1;
	e = export_new((enum export_format)format, EXPORT_DISTRICT);
	for (i = 0; i < n; i++)
		export_add(e, EXPORT_DISTRICT, &v[i]);
	export_add(e, EXPORT_DISTRICT, &t);
	if (tot != NULL)
		*tot = t;
	district_rows_free(v, n);
	*out = e;
	return 0;
}

/* A list being filtered to a scope and a ward into an export. */
struct district_list {
	const struct district_scope	*sc;
	const char			*ward;
	struct export			*e;
	enum export_kind		 kind;
	size_t				 ward_off;	/* the row's ward, a char array */
};

static int
district_list_cb(const void *row, void *arg)
{
	struct district_list	*l = arg;
	const char		*ward = (const char *)row + l->ward_off;

	if (!district_in_scope(l->sc, ward) ||
	    (l->ward != NULL && strcmp(l->ward, ward) != 0))
		return 0;
	export_add(l->e, l->kind, row);
	return 0;
}

static void
district_list_init(struct district_list *l, const struct district_scope *sc,
    const char *ward, int format, enum export_kind kind, size_t ward_off)
{
	l->sc = sc;
	l->ward = ward != NULL && *ward != '\0' ? ward : NULL;
	l->e = export_new((enum export_format)format, kind);
	l->kind = kind;
	l->ward_off = ward_off;
}

static int
district_list_end(struct district_list *l, int rc, struct export **out)
{
	if (rc == -1) {
		free(export_finish(l->e, NULL));
		*out = NULL;
		return -1;
	}
	*out = l->e;
	return 0;
}

int
district_inspections(struct store *st, const struct district_scope *sc,
    const char *ward, int64_t from, int64_t to, int format, struct export **out)
{
	struct district_list	l;

	district_list_init(&l, sc, ward, format, EXPORT_INSPECTIONS,
	    offsetof(struct inspection, ward));
	return district_list_end(&l, store_inspection_list(st, l.ward, from, to,
	    (int (*)(const struct inspection *, void *))district_list_cb, &l),
	    out);
}

int
district_registrations(struct store *st, const struct district_scope *sc,
    const char *ward, const char *state, int format, struct export **out)
{
	struct district_list	l;

	district_list_init(&l, sc, ward, format, EXPORT_REGISTRATIONS,
	    offsetof(struct registration, ward));
	return district_list_end(&l, store_registration_list(st, l.ward, state,
	    (int (*)(const struct registration *, void *))district_list_cb, &l),
	    out);
}

int
district_flags(struct store *st, const struct district_scope *sc,
    const char *ward, int64_t from, int64_t to, int format, struct export **out)
{
	struct district_list	l;

	district_list_init(&l, sc, ward, format, EXPORT_FLAGS,
	    offsetof(struct flag_row, ward));
	return district_list_end(&l, store_flag_list(st, l.ward, from, to,
	    (int (*)(const struct flag_row *, void *))district_list_cb, &l),
	    out);
}

/* An inspector of the district (no ward) is seen by every ward. */
static int
district_inspector_cb(const struct inspector *i, void *arg)
{
	struct district_list	*l = arg;

	if (i->ward[0] != '\0' && !district_in_scope(l->sc, i->ward))
		return 0;
	export_add(l->e, l->kind, i);
	return 0;
}

int
district_inspectors(struct store *st, const struct district_scope *sc,
    int format, struct export **out)
{
	struct district_list	l;

	district_list_init(&l, sc, NULL, format, EXPORT_INSPECTORS,
	    offsetof(struct inspector, ward));
	return district_list_end(&l, store_inspector_list(st,
	    district_inspector_cb, &l), out);
}

int
district_result_known(const char *r)
{
	return r != NULL && (strcmp(r, "compliant") == 0 ||
	    strcmp(r, "violation") == 0 || strcmp(r, "closed") == 0);
}

enum district_step
district_inspect(struct store *st, const struct district_scope *sc,
    const char *code, struct inspection *in)
{
	struct venue	v;
	int		r;

	if ((r = store_venue_by_code(st, code, &v)) == -1)
		return DISTRICT_ESTORE;
	if (r == 0)
		return DISTRICT_ENOTFOUND;
	r = district_in_scope(sc, v.ward);
	in->venue_id = v.id;
	strlcpy(in->code, v.code, sizeof in->code);
	strlcpy(in->venue, v.name, sizeof in->venue);
	strlcpy(in->ward, v.ward, sizeof in->ward);
	store_venue_free(&v);
	if (!r)
		return DISTRICT_ESCOPE;
	if ((in->id = store_inspection_add(st, in)) == -1)
		return DISTRICT_ESTORE;
	return DISTRICT_OK;
}

/* A registration of the scope, pending. */
static enum district_step
district_pending(struct store *st, const struct district_scope *sc, int64_t id,
    struct registration *reg)
{
	int	r;

	if ((r = store_registration_get(st, id, reg)) == -1)
		return DISTRICT_ESTORE;
	if (r == 0 || strcmp(reg->state, "unconfirmed") == 0)
		return DISTRICT_ENOTFOUND;
	if (!district_in_scope(sc, reg->ward))
		return DISTRICT_ESCOPE;
	if (strcmp(reg->state, "pending") != 0)
		return DISTRICT_ESTATE;
	return DISTRICT_OK;
}

/* Text the owner, in the owner's language. */
static enum district_step
district_tell(struct store *st, const struct config *cfg, const char *number,
    enum msg_id id, const struct msg_var *vars, size_t nvars, int64_t now)
{
	const struct route	*route;
	struct subscriber	 sub;
	char			*text;
	int			 lang, rc;

	if ((route = config_route_for(cfg, number)) == NULL)
		return DISTRICT_ENOROUTE;
	if (store_subscriber_get(st, number, &sub) == -1)
		return DISTRICT_ESTORE;
	lang = sub.lang >= 0 && sub.lang < msg_nlangs(&cfg->texts) ? sub.lang :
	    (int)cfg->language;
	text = msg_render(&cfg->texts, (enum lang)lang, id, vars, nvars);
	rc = store_outbox_add(st, route->name, number, text, now, 0, 0) == -1;
	free(text);
	return rc ? DISTRICT_ESTORE : DISTRICT_OK;
}

enum district_step
district_approve(struct store *st, const struct config *cfg,
    const struct district_scope *sc, int64_t id, const char *decider,
    char code[CODE_MAX])
{
	struct registration	 reg;
	struct venue		 v;
	struct msg_var		 vars[2];
	enum district_step	 step;
	char			 grouped[CODE_MAX + 4], *name;
	int64_t			 now = time(NULL);

	code[0] = '\0';
	if ((step = district_pending(st, sc, id, &reg)) != DISTRICT_OK)
		return step;
	if (config_route_for(cfg, reg.number) == NULL)
		return DISTRICT_ENOROUTE;
	memset(&v, 0, sizeof v);
	v.name = reg.name;
	v.address = reg.address;
	v.ward = reg.ward;
	v.owner = reg.number;
	v.kind = "default";
	v.created_at = now;
	if (store_venue_add(st, &v, (size_t)cfg->code_digits) == -1)
		return DISTRICT_ESTORE;
	strlcpy(code, v.code, CODE_MAX);
	strlcpy(reg.state, "approved", sizeof reg.state);
	reg.venue_id = v.id;
	reg.decided_at = now;
	strlcpy(reg.decided_by, decider, sizeof reg.decided_by);
	if (store_registration_set(st, "pending", &reg) != 1)
		return DISTRICT_ESTORE;
	code_group(code, grouped, sizeof grouped);
	name = text_cut(reg.name, DISTRICT_VENUE_CHARS);
	vars[0].name = "venue";
	vars[0].value = name;
	vars[1].name = "code";
	vars[1].value = grouped;
	step = district_tell(st, cfg, reg.number, MSG_REGISTER_APPROVED, vars, 2,
	    now);
	free(name);
	return step;
}

enum district_step
district_reject(struct store *st, const struct config *cfg,
    const struct district_scope *sc, int64_t id, const char *reason,
    const char *decider)
{
	struct registration	 reg;
	struct msg_var		 var;
	enum district_step	 step;
	char			*cut;
	int64_t			 now = time(NULL);

	if ((step = district_pending(st, sc, id, &reg)) != DISTRICT_OK)
		return step;
	if (config_route_for(cfg, reg.number) == NULL)
		return DISTRICT_ENOROUTE;
	strlcpy(reg.state, "rejected", sizeof reg.state);
	strlcpy(reg.reason, reason, sizeof reg.reason);
	reg.decided_at = now;
	strlcpy(reg.decided_by, decider, sizeof reg.decided_by);
	if (store_registration_set(st, "pending", &reg) != 1)
		return DISTRICT_ESTORE;
	cut = text_cut(reason, DISTRICT_REASON_CHARS);
	var.name = "reason";
	var.value = cut;
	step = district_tell(st, cfg, reg.number, MSG_REGISTER_REJECTED, &var, 1,
	    now);
	free(cut);
	return step;
}
