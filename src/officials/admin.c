/*
 * admin.c: the officials' HTTP API on its own listener (admin.listen).
 * Each endpoint is a row of admin_endpoints: method, path, the role it
 * needs and its handler. A bearer token is looked up by its SHA-256
 * (config_token); a missing or wrong one gets 401, a too-low role 403,
 * and the body says nothing more. Every read of personal data writes an
 * audit row in the same transaction as the read, so an answer never
 * leaves without its audit row. Bad requests get a 4xx and a one-line
 * reason. This file holds the listener, the routing, the sign-in and the
 * helpers handlers share (admin-req.h); the handlers of venues are in
 * admin-venues.c, those of traces, alerts and reports in admin-reports.c,
 * the running of a request on the store thread in admin-thread.c.
 *
 * Nothing waits for the store on the loop (issue 16). A handler that
 * reads or writes it runs on the store thread (admin_thread, through
 * inbound_call), on a copy of the request: its headers, body and URI are
 * copied, its answer kept, and the loop sends it once the thread is done
 * (or drops it: the client went away). A request with a session cookie is
 * authorised there too, parked meanwhile. ADMIN_LOOP handlers stay on the
 * loop: those without store work, and the heavy reads handed to the reader
 * threads (admin-read.c), whose audit rows go to the store thread.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "base/base.h"
#include "base/log.h"
#include "base/tz.h"
#include "codec/code.h"
#include "codec/number.h"
#include "codec/web.h"
#include "config/config.h"
#include "store/store.h"
#include "core/inbound.h"
#include "core/metrics.h"
#include "send/outbox.h"
#include "chan/httpd.h"
#include "officials/admin.h"
#include "officials/admin-req.h"
#include "officials/dashboard.h"
#include "officials/export.h"
#include "officials/readers.h"

#define ADMIN_MAX_HEADERS	8192	/* bytes of the request line and headers */
#define ADMIN_TOKEN_MAX		512	/* bytes of a bearer token */
/*
 * libevent 2.1 answers a body over its own limit with an HTML page and
 * offers no hook to change that; it reads up to admin.max_body and this
 * much more, so that a body over admin.max_body by less gets our one-line
 * 413.
 */
#define ADMIN_BODY_SLACK	(1024 * 1024)
#define ADMIN_ID		"{code}"	/* an endpoint path ending so takes a code */
#define ADMIN_SESSION_TTL	(8 * 3600)	/* seconds a sign-in lasts */
#define ADMIN_SESSION_TOUCH	60	/* seconds between two writes of a session's last use */
#define ADMIN_SESSIONS_KEEP	100	/* sessions a token keeps: its newest */
#define ADMIN_SESSION_BYTES	32	/* random bytes of a session id */
#define ADMIN_COOKIE		"checkind_session"
#define ADMIN_PAGE		0x1	/* a browser page: a session cookie will do */
#define ADMIN_FORM		0x2	/* a form's POST: from our own pages only */
#define ADMIN_LOOP		0x4	/* runs on the loop: no store work, or a reader's */
#define ADMIN_METRICS_OWNER	"/metrics"	/* its reads' owner at the readers */

static void	admin_healthz(struct admin_req *);
static void	admin_metrics(struct admin_req *);
static void	admin_login_form(struct admin_req *);
static void	admin_login(struct admin_req *);
static void	admin_logout(struct admin_req *);
static int	admin_has_session(struct admin_req *);

static const struct admin_endpoint {
	enum evhttp_cmd_type	 method;
	const char		*path;		/* also the metrics label */
	int			 role;		/* 0: no token needed */
	void			(*handler)(struct admin_req *);
	int			 flags;		/* ADMIN_PAGE, ADMIN_FORM, ADMIN_LOOP */
} admin_endpoints[] = {
	{ EVHTTP_REQ_GET, "/healthz", 0, admin_healthz, 0 },
	{ EVHTTP_REQ_GET, "/metrics", 0, admin_metrics, ADMIN_LOOP },
	{ EVHTTP_REQ_GET, "/api/venues", ROLE_ADMIN, admin_venues_list, 0 },
	{ EVHTTP_REQ_POST, "/api/venues", ROLE_ADMIN, admin_venues_add, 0 },
	{ EVHTTP_REQ_GET, "/api/venues/" ADMIN_ID, ROLE_ADMIN, admin_venues_get, 0 },
	{ EVHTTP_REQ_PATCH, "/api/venues/" ADMIN_ID, ROLE_ADMIN, admin_venues_patch, 0 },
	{ EVHTTP_REQ_GET, "/api/trace/venue", ROLE_TRACER, admin_reports_trace_venue,
	    ADMIN_LOOP },
	{ EVHTTP_REQ_GET, "/api/trace/person", ROLE_TRACER, admin_reports_trace_person,
	    ADMIN_LOOP },
	{ EVHTTP_REQ_GET, "/api/trace/contacts", ROLE_TRACER, admin_reports_trace_contacts,
	    ADMIN_LOOP },
	{ EVHTTP_REQ_POST, "/api/alerts", ROLE_ADMIN, admin_reports_alert, 0 },
	{ EVHTTP_REQ_GET, "/api/reports/wards", ROLE_TRACER, admin_reports_wards,
	    ADMIN_LOOP },
	{ EVHTTP_REQ_GET, "/api/reports/inactive", ROLE_TRACER, admin_reports_inactive,
	    ADMIN_LOOP },
	{ EVHTTP_REQ_GET, "/login", 0, admin_login_form, ADMIN_LOOP },
	{ EVHTTP_REQ_POST, "/login", 0, admin_login, ADMIN_FORM },
	{ EVHTTP_REQ_GET, "/logout", 0, admin_logout, 0 },
	{ EVHTTP_REQ_POST, "/logout", 0, admin_logout, ADMIN_FORM },
	{ EVHTTP_REQ_GET, "/dashboard", ROLE_TRACER, admin_reports_dashboard,
	    ADMIN_PAGE | ADMIN_LOOP },
	{ EVHTTP_REQ_GET, "/venue/" ADMIN_ID, ROLE_TRACER, admin_venues_page, ADMIN_PAGE },
	{ EVHTTP_REQ_GET, "/venue/" ADMIN_ID "/poster.pdf", ROLE_TRACER, admin_venues_poster_pdf,
	    ADMIN_PAGE },
	{ EVHTTP_REQ_GET, "/venue/" ADMIN_ID "/poster.png", ROLE_TRACER, admin_venues_poster_png,
	    ADMIN_PAGE },
	{ EVHTTP_REQ_GET, "/api/reports/district", ROLE_TRACER, admin_wards_district, 0 },
	{ EVHTTP_REQ_GET, "/api/reports/flags", ROLE_TRACER, admin_wards_flags, 0 },
	{ EVHTTP_REQ_GET, "/api/inspections", ROLE_TRACER, admin_wards_inspections_list, 0 },
	{ EVHTTP_REQ_POST, "/api/inspections", ROLE_ADMIN, admin_wards_inspections_add, 0 },
	{ EVHTTP_REQ_GET, "/api/inspectors", ROLE_TRACER, admin_wards_inspectors_list, 0 },
	{ EVHTTP_REQ_POST, "/api/inspectors", ROLE_ADMIN, admin_wards_inspectors_add, 0 },
	{ EVHTTP_REQ_GET, "/api/registrations", ROLE_ADMIN, admin_wards_registrations_list, 0 },
	{ EVHTTP_REQ_POST, "/api/registrations/" ADMIN_ID "/approve", ROLE_ADMIN,
	    admin_wards_registration_approve, 0 },
	{ EVHTTP_REQ_POST, "/api/registrations/" ADMIN_ID "/reject", ROLE_ADMIN,
	    admin_wards_registration_reject, 0 },
	{ EVHTTP_REQ_POST, "/venue/" ADMIN_ID "/inspections", ROLE_ADMIN,
	    admin_wards_inspection_form, ADMIN_PAGE | ADMIN_FORM },
	{ EVHTTP_REQ_POST, "/registration/" ADMIN_ID "/approve", ROLE_ADMIN,
	    admin_wards_registration_approve_form, ADMIN_PAGE | ADMIN_FORM },
	{ EVHTTP_REQ_POST, "/registration/" ADMIN_ID "/reject", ROLE_ADMIN,
	    admin_wards_registration_reject_form, ADMIN_PAGE | ADMIN_FORM },
};

static const struct {
	enum evhttp_cmd_type	 method;
	const char		*name;
} admin_methods[] = {
	{ EVHTTP_REQ_GET, "GET" },
	{ EVHTTP_REQ_POST, "POST" },
	{ EVHTTP_REQ_PATCH, "PATCH" },
	{ EVHTTP_REQ_HEAD, "HEAD" },
	{ EVHTTP_REQ_PUT, "PUT" },
	{ EVHTTP_REQ_DELETE, "DELETE" },
	{ EVHTTP_REQ_OPTIONS, "OPTIONS" },
};

static const char *
admin_method_name(enum evhttp_cmd_type m)
{
	size_t	i;

	for (i = 0; i < nitems(admin_methods); i++) {
		if (admin_methods[i].method == m)
			return admin_methods[i].name;
	}
	return "OTHER";
}

const char *
admin_header(struct admin_req *ar, const char *name)
{
	if (ar->in_headers != NULL)
		return evhttp_find_header(ar->in_headers, name);
	return evhttp_find_header(evhttp_request_get_input_headers(ar->req), name);
}

const char *
admin_uri(struct admin_req *ar)
{
	if (ar->uri != NULL)
		return ar->uri;
	return evhttp_request_get_uri(ar->req);
}

const char *
admin_body_bytes(struct admin_req *ar, size_t *len)
{
	struct evbuffer	*in;

	if (ar->in_headers != NULL) {
		*len = ar->in_bodylen;
		return ar->in_body != NULL ? ar->in_body : "";
	}
	in = evhttp_request_get_input_buffer(ar->req);
	if ((*len = evbuffer_get_length(in)) == 0)
		return "";
	return (const char *)evbuffer_pullup(in, -1);
}

void
admin_out_header(struct admin_req *ar, const char *name, const char *value)
{
	if (ar->thread) {
		if (ar->out_headers == NULL) {
			ar->out_headers = xcalloc(1, sizeof *ar->out_headers);
			TAILQ_INIT(ar->out_headers);
		}
		evhttp_add_header(ar->out_headers, name, value);
		return;
	}
	if (ar->req != NULL)
		evhttp_add_header(evhttp_request_get_output_headers(ar->req), name,
		    value);
}

void
admin_kick(struct admin_req *ar)
{
	if (ar->thread)
		ar->kick = 1;
	else
		outbox_kick(ar->adm->outbox);
}

/* Send a body; personal data must not linger in caches. */
void
admin_send(struct admin_req *ar, int code, const char *type, const char *body,
    size_t len)
{
	struct evkeyvalq	*out;
	struct evbuffer		*buf;

	ar->status = code;
	if (ar->thread) {
		/* Kept for the loop to send. */
		free(ar->out_type);
		free(ar->out_body);
		ar->out_type = xstrdup(type);
		ar->out_body = xmalloc(len > 0 ? len : 1);
		memcpy(ar->out_body, body, len);
		ar->out_len = len;
		return;
	}
	if (ar->req == NULL)
		return;		/* the connection is gone */
	out = evhttp_request_get_output_headers(ar->req);
	if ((buf = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	evhttp_add_header(out, "Content-Type", type);
	evhttp_add_header(out, "Cache-Control", "no-store");
	if (len > 0)
		evbuffer_add(buf, body, len);
	evhttp_send_reply(ar->req, code, httpd_reason(code), buf);
	evbuffer_free(buf);
}

void
admin_error(struct admin_req *ar, int code, const char *fmt, ...)
{
	va_list	 ap;
	char	 why[256];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(why, sizeof why - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof why - 2)
		n = sizeof why - 2;
	why[n++] = '\n';
	why[n] = '\0';
	admin_send(ar, code, "text/plain; charset=UTF-8", why, (size_t)n);
}

/* 401 or 403 with nothing in the body but the word. */
static void
admin_deny(struct admin_req *ar, int code)
{
	const char	*word = code == 401 ? "unauthorized" : "forbidden";

	if (code == 401)
		admin_out_header(ar, "WWW-Authenticate", "Bearer");
	admin_send(ar, code, "text/plain; charset=UTF-8", word, strlen(word));
}

void
admin_storage_error(struct admin_req *ar)
{
	store_rollback(ar->st);
	admin_error(ar, 503, "storage unavailable, retry later");
}

void
admin_json(struct admin_req *ar, int code, json_t *j)
{
	char	*s, *body;
	int	 n;

	if ((s = json_dumps(j, 0)) == NULL)
		fatalx("json_dumps failed");
	json_decref(j);
	n = xasprintf(&body, "%s\n", s);
	free(s);
	admin_send(ar, code, "application/json", body, (size_t)n);
	free(body);
}

void
admin_set(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) == -1)
		fatalx("admin: json member %s", key);
}

/* A stored string as JSON: null for NULL, invalid UTF-8 repaired. */
json_t *
admin_json_str(const char *s)
{
	json_t	*j;
	char	*fixed;
	size_t	 n;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	fixed = web_utf8_fix(s, strlen(s), &n);
	j = json_stringn(fixed, n);
	free(fixed);
	return j;
}

json_t *
admin_json_time(int64_t t)
{
	char	buf[40];

	if (t == 0)
		return json_null();
	tz_format_iso(t, buf, sizeof buf);
	return json_string(buf);
}

/*
 * A query parameter, decoded: 1 and a new string in *value, 0 if absent
 * (or empty), -1 if it holds a NUL.
 */
int
admin_param(struct admin_req *ar, const char *name, char **value)
{
	size_t	len;

	if (!web_form_get(ar->query, strlen(ar->query), name, value, &len))
		return 0;
	if (strlen(*value) != len) {
		free(*value);
		*value = NULL;
		return -1;
	}
	if (len == 0) {
		free(*value);
		*value = NULL;
		return 0;
	}
	return 1;
}

/* A required parameter; answers 400 and returns NULL when it is missing or bad. */
char *
admin_param_required(struct admin_req *ar, const char *name)
{
	char	*v;
	int	 rc;

	if ((rc = admin_param(ar, name, &v)) == 1)
		return v;
	if (rc == 0)
		admin_error(ar, 400, "%s is required", name);
	else
		admin_error(ar, 400, "%s: bad value", name);
	return NULL;
}

/*
 * A time as officials write it: ISO 8601 with an offset, or epoch
 * seconds. An offset's '+' left unencoded in a query arrives as a space;
 * that space is taken back for a '+'.
 */
int
admin_time(const char *s, int64_t *t)
{
	char	*copy, *sp;
	int	 rc;

	if (web_time_parse(s, 0, t) == 0)
		return 0;
	copy = xstrdup(s);
	rc = -1;
	if ((sp = strrchr(copy, ' ')) != NULL && sp - copy >= 16 &&
	    isdigit((unsigned char)sp[1])) {
		*sp = '+';
		rc = web_time_parse(copy, 0, t);
	}
	free(copy);
	return rc;
}

/* from < to, and no longer than max_days (0: any length). 400 and -1 if not. */
int
admin_window_check(struct admin_req *ar, int64_t from, int64_t to, int max_days)
{
	if (from >= to) {
		admin_error(ar, 400, "from must be before to");
		return -1;
	}
	if (max_days > 0 && to - from > (int64_t)max_days * ADMIN_DAY) {
		admin_error(ar, 400, "the window is longer than %d days", max_days);
		return -1;
	}
	return 0;
}

/* The from= and to= of a query. 0, or -1 once a 400 is sent. */
int
admin_window(struct admin_req *ar, int max_days, int64_t *from, int64_t *to)
{
	static const char	*names[] = { "from", "to" };
	int64_t			*out[] = { from, to };
	char			*v;
	size_t			 i;

	for (i = 0; i < nitems(names); i++) {
		if ((v = admin_param_required(ar, names[i])) == NULL)
			return -1;
		if (admin_time(v, out[i]) == -1) {
			free(v);
			admin_error(ar, 400, "%s: not a time (ISO 8601 with an offset,"
			    " or epoch seconds)", names[i]);
			return -1;
		}
		free(v);
	}
	return admin_window_check(ar, *from, *to, max_days);
}

/* A trace may look back over what retention keeps, and a day more. */
int
admin_trace_days(const struct config *cfg)
{
	return cfg->retention_days + 1;
}

/* The answer's format: format=, else Accept: text/csv, else JSON. -1 once a 400 is sent. */
int
admin_format(struct admin_req *ar)
{
	const char	*accept;
	char		*v;
	int		 rc, f;

	if ((rc = admin_param(ar, "format", &v)) == 1) {
		f = export_format_parse(v);
		free(v);
		if (f != -1)
			return f;
	}
	if (rc != 0) {
		admin_error(ar, 400, "format must be json, csv or text");
		return -1;
	}
	if ((accept = admin_header(ar, "Accept")) != NULL &&
	    strcasestr(accept, "text/csv") != NULL)
		return EXPORT_CSV;
	return EXPORT_JSON;
}

void
admin_export_send(struct admin_req *ar, int format, struct export *e)
{
	char	*doc;
	size_t	 len;

	ar->records = (int64_t)export_rows(e);
	doc = export_finish(e, &len);
	admin_send(ar, 200, export_content_type(format), doc, len);
	free(doc);
}

/* A venue code as typed: digits, with spaces, dots or dashes between. -1 if not. */
static int
admin_code(const char *in, char out[CODE_MAX])
{
	size_t	n = 0;

	for (; *in != '\0'; in++) {
		if (*in >= '0' && *in <= '9') {
			if (n == CODE_MAX - 1)
				return -1;
			out[n++] = *in;
		} else if (strchr(" .-", *in) == NULL)
			return -1;
	}
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

/* Look a venue up by its code as typed. 1 found, 0 not (404 sent), -1 (503 sent). */
int
admin_venue_find(struct admin_req *ar, const char *typed, struct venue *v)
{
	char	code[CODE_MAX];
	int	rc;

	memset(v, 0, sizeof *v);
	if ((rc = admin_wards_listed_find(ar, typed, v)) != 2)
		return rc;	/* "L17": a listed venue, which has no code yet */
	if (admin_code(typed, code) == -1) {
		admin_error(ar, 404, "no venue with this code");
		return 0;
	}
	if ((rc = store_venue_by_code(ar->st, code, v)) == -1) {
		admin_error(ar, 503, "storage unavailable, retry later");
		return -1;
	}
	if (rc == 0)
		admin_error(ar, 404, "no venue with this code");
	if (rc == 1 && !admin_wards_sees(ar, v->ward)) {
		store_venue_free(v);
		admin_error(ar, 403, "this venue is of a ward the token does not see");
		return 0;
	}
	return rc;
}

/* A number to E.164; 400 and -1 if it is not one. */
int
admin_number(struct admin_req *ar, const char *typed, char out[NUMBER_MAX])
{
	if (number_normalize(typed, ar->cfg->country_code, out) != NUMBER_E164) {
		admin_error(ar, 400, "number: not a phone number");
		return -1;
	}
	return 0;
}

/* A JSON request body that must be an object; NULL once a 400 is sent. */
json_t *
admin_body(struct admin_req *ar)
{
	const char	*body;
	size_t		 len;
	json_error_t	 jerr;
	json_t		*root;

	body = admin_body_bytes(ar, &len);
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		admin_error(ar, 400, "malformed JSON at line %d, column %d", jerr.line,
		    jerr.column);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		admin_error(ar, 400, "the body must be a JSON object");
		return NULL;
	}
	return root;
}

/* A member name fit for a one-line reason, or a stand-in. */
const char *
admin_member_name(const char *key)
{
	size_t	n = strlen(key);

	if (n == 0 || n > 32 || strspn(key, "abcdefghijklmnopqrstuvwxyz_0123456789") != n)
		return "(a member)";
	return key;
}

/* A string member: no NUL, no control characters, at most max bytes. */
int
admin_json_text(struct admin_req *ar, const char *key, json_t *v, size_t min,
    size_t max, int newlines, const char **out)
{
	const char	*s, *p;
	size_t		 len;

	if (!json_is_string(v)) {
		admin_error(ar, 400, "%s must be a string", key);
		return -1;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	if (strlen(s) != len) {
		admin_error(ar, 400, "%s holds a NUL", key);
		return -1;
	}
	if (len < min || len > max) {
		admin_error(ar, 400, "%s must be %zu to %zu bytes long", key, min, max);
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		if (((unsigned char)*p < 0x20 && !(newlines && *p == '\n')) || *p == 0x7f) {
			admin_error(ar, 400, "%s holds a control character", key);
			return -1;
		}
	}
	*out = s;
	return 0;
}

/*
 * GET /healthz: alive, and the database answers the store thread, behind
 * the check-ins it is storing, as a check-in would be (the webhook port's
 * /healthz answers from the loop alone).
 */
static void
admin_healthz(struct admin_req *ar)
{
	json_t	*o;
	int	 ok = store_version(ar->st) > 0;

	if ((o = json_object()) == NULL)
		fatalx("json_object failed");
	admin_set(o, "status", json_string(ok ? "ok" : "error"));
	admin_set(o, "database", json_string(ok ? "ok" : "error"));
	admin_json(ar, ok ? 200 : 503, o);
}

#define ADMIN_METRICS_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* /metrics rendered on a reader thread: the outbox gauges are a read. */
struct admin_metrics {
	struct admin_req	*ar;
	char			*text;
	size_t			 len;
};

static int
admin_metrics_run(struct store *st, void *arg)
{
	struct admin_metrics	*m = arg;

	m->text = metrics_render(st, &m->len);
	return 0;
}

static void
admin_metrics_done(void *arg, int rc, enum readers_end end)
{
	struct admin_metrics	*m = arg;

	(void)rc;
	(void)end;
	if (m->text == NULL)		/* never ran (a stop): no gauges */
		m->text = metrics_render(NULL, &m->len);
	admin_send(m->ar, 200, ADMIN_METRICS_TYPE, m->text, m->len);
	admin_finish(m->ar);
	free(m->text);
	free(m);
}

/* GET /metrics: Prometheus text format 0.0.4. */
static void
admin_metrics(struct admin_req *ar)
{
	struct admin_metrics	*m;
	char			*text;
	size_t			 len;

	if (ar->adm->readers != NULL) {
		m = xcalloc(1, sizeof *m);
		m->ar = admin_defer(ar);
		if (readers_submit(ar->adm->readers, ADMIN_METRICS_OWNER,
		    admin_metrics_run, admin_metrics_done, m) == READERS_OK)
			return;
		/* The readers are full: the counters, without the outbox's gauges. */
		m->text = metrics_render(NULL, &m->len);
		admin_metrics_done(m, 0, READERS_DONE);
		return;
	}
	text = metrics_render(ar->st, &len);
	admin_send(ar, 200, ADMIN_METRICS_TYPE, text, len);
	free(text);
}

/*
 * Match a path against an endpoint's: equal, or for a path holding
 * {code}, the same text around one non-empty segment (*rest, *restlen).
 */
static int
admin_match(const char *pattern, const char *path, const char **rest,
    size_t *restlen)
{
	const char	*id, *suffix;
	size_t		 pre, suf, n = strlen(path);

	*rest = NULL;
	*restlen = 0;
	if ((id = strstr(pattern, ADMIN_ID)) == NULL)
		return strcmp(pattern, path) == 0;
	pre = (size_t)(id - pattern);
	suffix = id + strlen(ADMIN_ID);
	suf = strlen(suffix);
	if (n <= pre + suf || strncmp(pattern, path, pre) != 0 ||
	    strcmp(path + n - suf, suffix) != 0)
		return 0;
	if (memchr(path + pre, '/', n - pre - suf) != NULL)
		return 0;
	*rest = path + pre;
	*restlen = n - pre - suf;
	return 1;
}

/* The value of a cookie of the request, copied into out; 0 if absent or too long. */
static int
admin_cookie(struct admin_req *ar, const char *name, char *out, size_t outlen)
{
	const char	*h, *p, *end, *eq;
	size_t		 nlen = strlen(name), vlen;

	if ((h = admin_header(ar, "Cookie")) == NULL)
		return 0;
	/* RFC 6265 5.4: "name=value" pairs joined by "; ". */
	for (p = h; *p != '\0'; p = *end == ';' ? end + 1 : end) {
		while (*p == ' ' || *p == '\t')
			p++;
		if ((end = strchr(p, ';')) == NULL)
			end = p + strlen(p);
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL ||
		    (size_t)(eq - p) != nlen || strncmp(p, name, nlen) != 0)
			continue;
		for (vlen = (size_t)(end - eq - 1); vlen > 0 &&
		    (eq[vlen] == ' ' || eq[vlen] == '\t'); vlen--)
			;
		if (vlen == 0 || vlen >= outlen)
			return 0;
		memcpy(out, eq + 1, vlen);
		out[vlen] = '\0';
		return 1;
	}
	return 0;
}

/* The hex SHA-256 of len bytes at p, in out (STORE_HASH_HEX bytes). */
static void
admin_sha256_hex(const void *p, size_t len, char out[STORE_HASH_HEX])
{
	unsigned char	md[SHA256_DIGEST_LENGTH];
	size_t		i;

	SHA256(p, len, md);
	for (i = 0; i < sizeof md; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	explicit_bzero(md, sizeof md);
}

/*
 * The anti-forgery token of the browser's session: a hash of its cookie's
 * value under another prefix than the stored one. A page of ours holds it
 * in its forms; another site's page can neither read the cookie nor the
 * page, so a POST that carries it came from our page (issue 18's
 * inspection form). "" without a session cookie.
 */
void
admin_csrf(struct admin_req *ar, char out[STORE_HASH_HEX])
{
	char	id[ADMIN_SESSION_BYTES * 2 + 2], buf[sizeof id + 16];

	out[0] = '\0';
	if (!admin_cookie(ar, ADMIN_COOKIE, id, sizeof id) ||
	    strlen(id) != ADMIN_SESSION_BYTES * 2)
		return;
	snprintf(buf, sizeof buf, "csrf:%s", id);
	admin_sha256_hex(buf, strlen(buf), out);
	explicit_bzero(id, sizeof id);
	explicit_bzero(buf, sizeof buf);
}

/*
 * The stored session of the request's cookie, found by the cookie's hash:
 * 1 and se, 0 if there is none or it expired, -1 if the store failed.
 */
static int
admin_session_find(struct admin_req *ar, struct admin_session *se)
{
	char	id[ADMIN_SESSION_BYTES * 2 + 2], hash[STORE_HASH_HEX];
	int	rc;

	if (!admin_cookie(ar, ADMIN_COOKIE, id, sizeof id) ||
	    strlen(id) != ADMIN_SESSION_BYTES * 2)
		return 0;
	admin_sha256_hex(id, strlen(id), hash);
	explicit_bzero(id, sizeof id);
	rc = store_admin_session_get(ar->st, hash, time(NULL), se);
	if (rc == 1 && CRYPTO_memcmp(se->id_hash, hash, sizeof hash) != 0)
		rc = 0;
	return rc;
}

/*
 * The configured token a session was made with: the same name and the same
 * SHA-256. NULL once the token is gone or its digest changed.
 */
static const struct admin_token *
admin_session_token(const struct config *cfg, const struct admin_session *se)
{
	char	hex[STORE_HASH_HEX];
	size_t	i, k;

	for (i = 0; i < cfg->ntokens; i++) {
		if (strcmp(cfg->tokens[i].name, se->token_name) != 0)
			continue;
		for (k = 0; k < sizeof cfg->tokens[i].sha256; k++)
			snprintf(hex + 2 * k, 3, "%02x", cfg->tokens[i].sha256[k]);
		if (strcmp(hex, se->token_sha256) == 0)
			return &cfg->tokens[i];
	}
	return NULL;
}

/* A session list's callback: collect the sessions whose token is no more. */
struct admin_stale {
	const struct config	*cfg;
	char			(*hashes)[STORE_HASH_HEX];
	size_t			 n;
};

static int
admin_stale_cb(const struct admin_session *se, void *arg)
{
	struct admin_stale	*sa = arg;

	if (admin_session_token(sa->cfg, se) != NULL)
		return 0;
	sa->hashes = xreallocarray(sa->hashes, sa->n + 1, sizeof *sa->hashes);
	memcpy(sa->hashes[sa->n++], se->id_hash, STORE_HASH_HEX);
	return 0;
}

/*
 * On the store thread: end the sessions whose token the running
 * configuration no longer has, as it was, and the expired.
 */
static int
admin_sessions_run(struct store *st, const struct config *cfg, void *arg)
{
	struct admin_stale	sa;
	size_t			i;
	int64_t			now = time(NULL);

	(void)arg;
	memset(&sa, 0, sizeof sa);
	sa.cfg = cfg;
	if (store_admin_session_expire(st, now) == -1 ||
	    store_admin_session_list(st, now, admin_stale_cb, &sa) == -1)
		log_warnx("admin: cannot read the sessions; each ends at its next use");
	for (i = 0; i < sa.n; i++)
		store_admin_session_end(st, sa.hashes[i]);
	if (sa.n > 0)
		log_info("admin: ended %zu sessions of changed or removed tokens", sa.n);
	free(sa.hashes);
	return 0;
}

static void
admin_sessions_done(void *arg, int rc)
{
	(void)arg;
	(void)rc;
}

/* End the sessions of changed or removed tokens, off the loop. */
static void
admin_sessions_check(struct admin *adm)
{
	inbound_call(adm->inbound, admin_sessions_run, admin_sessions_done, NULL);
}

/*
 * 1 if the browser reached us through TLS: admin.secure_cookies says so,
 * or a proxy of admin.proxies sent X-Forwarded-Proto: https. From any
 * other peer the header is not believed.
 */
int
admin_secure(struct admin_req *ar)
{
	struct evhttp_connection	*conn;
	const struct sockaddr		*sa;
	const char			*p;

	if (ar->in_headers != NULL)
		return ar->secure;	/* asked on the loop */
	if (ar->cfg->admin_secure_cookies)
		return 1;
	if ((p = admin_header(ar, "X-Forwarded-Proto")) == NULL ||
	    strcasecmp(p, "https") != 0 ||
	    (conn = evhttp_request_get_connection(ar->req)) == NULL ||
	    (sa = evhttp_connection_get_addr(conn)) == NULL)
		return 0;
	if (sa->sa_family == AF_INET)
		return config_admin_proxy(ar->cfg, AF_INET,
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr);
	if (sa->sa_family == AF_INET6)
		return config_admin_proxy(ar->cfg, AF_INET6,
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr);
	return 0;
}

/*
 * Why a form's POST comes from another site, or NULL: the browser says so
 * in Sec-Fetch-Site (anything but same-origin, or none for what the user
 * typed), or its Origin is not ours (scheme://Host). A client that sends
 * neither header is no browser on another site's page.
 */
static const char *
admin_cross_site(struct admin_req *ar)
{
	const char	*site, *origin, *host;
	char		 own[512];
	int		 n;

	if ((site = admin_header(ar, "Sec-Fetch-Site")) != NULL &&
	    strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return "refused: the form was sent from another site (Sec-Fetch-Site)";
	if ((origin = admin_header(ar, "Origin")) == NULL)
		return NULL;
	if ((host = admin_header(ar, "Host")) == NULL)
		return "refused: Origin without Host";
	n = snprintf(own, sizeof own, "%s://%s", admin_secure(ar) ? "https" : "http",
	    host);
	if (n < 0 || (size_t)n >= sizeof own || strcasecmp(origin, own) != 0)
		return "refused: the form was sent from another site (Origin)";
	return NULL;
}

/* Send a 303 to location, with a Set-Cookie header if cookie is not NULL. */
static void
admin_redirect(struct admin_req *ar, const char *location, const char *cookie)
{
	admin_out_header(ar, "Location", location);
	if (cookie != NULL)
		admin_out_header(ar, "Set-Cookie", cookie);
	admin_send(ar, 303, "text/plain; charset=UTF-8", "", 0);
}

/* An HTML page: nothing but itself may load, frame it or take its form. */
void
admin_html(struct admin_req *ar, int code, char *page, size_t len)
{
	if (!ar->thread && ar->req == NULL) {
		ar->status = code;
		free(page);
		return;
	}
	admin_out_header(ar, "Content-Security-Policy", "default-src 'none';"
	    " style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self';"
	    " frame-ancestors 'none'");
	admin_out_header(ar, "X-Content-Type-Options", "nosniff");
	admin_out_header(ar, "Referrer-Policy", "no-referrer");
	admin_send(ar, code, "text/html; charset=UTF-8", page, len);
	free(page);
}

/* The lang= of a query: "en", else "vi". */
const char *
admin_lang(struct admin_req *ar)
{
	char		*v;
	const char	*l = "vi";

	if (admin_param(ar, "lang", &v) == 1) {
		if (strcmp(v, "en") == 0)
			l = "en";
		free(v);
	}
	return l;
}

/* GET /login: the sign-in form. */
static void
admin_login_form(struct admin_req *ar)
{
	char	*page;
	size_t	 len;

	page = dashboard_login_page(admin_lang(ar), 0, &len);
	admin_html(ar, 200, page, len);
}

/*
 * POST /login with the form field token: a right token makes a session and
 * its cookie (HttpOnly, SameSite=Strict: no script reads it and no other
 * site's page sends it), so the token never travels in a URL.
 */
static void
admin_login(struct admin_req *ar)
{
	const struct admin_token	*t = NULL;
	struct admin_session		 se;
	unsigned char			 rnd[ADMIN_SESSION_BYTES];
	char				 id[ADMIN_SESSION_BYTES * 2 + 1];
	char				*token = NULL, *cookie, *page;
	const char			*lang = admin_lang(ar), *body;
	size_t				 blen, tlen, i, len;
	int64_t				 now;

	body = admin_body_bytes(ar, &blen);
	if (blen > 0 && web_form_get(body, blen,
	    "token", &token, &tlen) && tlen == strlen(token) && tlen > 0 &&
	    tlen <= ADMIN_TOKEN_MAX)
		t = config_token(ar->cfg, token);
	if (token != NULL) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	if (t == NULL) {
		log_info("admin: sign-in refused");
		page = dashboard_login_page(lang, 1, &len);
		admin_html(ar, 401, page, len);
		return;
	}
	now = time(NULL);
	arc4random_buf(rnd, sizeof rnd);
	for (i = 0; i < sizeof rnd; i++)
		snprintf(id + 2 * i, 3, "%02x", rnd[i]);
	explicit_bzero(rnd, sizeof rnd);
	memset(&se, 0, sizeof se);
	admin_sha256_hex(id, strlen(id), se.id_hash);
	strlcpy(se.token_name, t->name, sizeof se.token_name);
	for (i = 0; i < sizeof t->sha256; i++)
		snprintf(se.token_sha256 + 2 * i, 3, "%02x", t->sha256[i]);
	se.created_at = se.used_at = now;
	se.expires_at = now + ADMIN_SESSION_TTL;
	/* For the log line; a deferred request owns a copy, a reload may free t. */
	ar->token = ar->thread ? admin_token_copy(t) : t;
	if (store_admin_session_expire(ar->st, now) == -1 ||
	    store_admin_session_add(ar->st, &se, ADMIN_SESSIONS_KEEP) == -1) {
		explicit_bzero(id, sizeof id);
		admin_error(ar, 503, "storage unavailable, retry later");
		return;
	}
	log_info("admin: %s signed in", t->name);
	xasprintf(&cookie, ADMIN_COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/;"
	    " Max-Age=%d%s", id, ADMIN_SESSION_TTL, admin_secure(ar) ? "; Secure" : "");
	explicit_bzero(id, sizeof id);
	admin_redirect(ar, strcmp(lang, "en") == 0 ? "/dashboard?lang=en" :
	    "/dashboard", cookie);
	explicit_bzero(cookie, strlen(cookie));
	free(cookie);
}

/* POST (or GET) /logout: end the session and clear its cookie. */
static void
admin_logout(struct admin_req *ar)
{
	struct admin_session	se;

	if (admin_session_find(ar, &se) == 1) {
		store_admin_session_end(ar->st, se.id_hash);
		log_info("admin: %s signed out", se.token_name);
	}
	admin_redirect(ar, "/login", admin_secure(ar) ?
	    ADMIN_COOKIE "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure" :
	    ADMIN_COOKIE "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
}

/*
 * The bearer token's entry, or NULL once 401 or 403 is sent. The token
 * itself is never logged nor kept.
 */
static const struct admin_token *
admin_auth(struct admin_req *ar, int role, int page)
{
	const struct admin_token	*t;
	struct admin_session		 se;
	const char			*h, *p;
	char				 bearer[ADMIN_TOKEN_MAX + 1];
	size_t				 n;
	int				 rc;
	int64_t				 now;

	if (page && (rc = admin_session_find(ar, &se)) != 0) {
		if (rc == -1) {
			admin_error(ar, 503, "storage unavailable, retry later");
			return NULL;
		}
		if ((t = admin_session_token(ar->cfg, &se)) == NULL) {
			store_admin_session_end(ar->st, se.id_hash);
			admin_redirect(ar, "/login", NULL);
			return NULL;
		}
		if ((int)t->role < role) {
			admin_deny(ar, 403);
			return NULL;
		}
		now = time(NULL);
		if (now - se.used_at >= ADMIN_SESSION_TOUCH)
			store_admin_session_touch(ar->st, se.id_hash, now);
		return t;
	}
	if (page && admin_header(ar, "Authorization") == NULL) {
		admin_redirect(ar, "/login", NULL);
		return NULL;
	}
	/* RFC 6750 2.1: "Bearer" (case-insensitive, RFC 7235 2.1), then the token. */
	if ((h = admin_header(ar, "Authorization")) == NULL ||
	    strncasecmp(h, "Bearer ", 7) != 0) {
		admin_deny(ar, 401);
		return NULL;
	}
	for (p = h + 7; *p == ' '; p++)
		;
	for (n = strlen(p); n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'); n--)
		;
	if (n == 0 || n > ADMIN_TOKEN_MAX) {
		admin_deny(ar, 401);
		return NULL;
	}
	memcpy(bearer, p, n);
	bearer[n] = '\0';
	t = config_token(ar->cfg, bearer);
	explicit_bzero(bearer, sizeof bearer);
	if (t == NULL) {
		admin_deny(ar, 401);
		return NULL;
	}
	if ((int)t->role < role) {
		admin_deny(ar, 403);
		return NULL;
	}
	return t;
}

/* 405 with the methods the path takes. */
static void
admin_not_allowed(struct admin_req *ar, const char *path)
{
	char		 allow[64] = "";
	const char	*rest;
	size_t		 i, restlen;

	for (i = 0; i < nitems(admin_endpoints); i++) {
		if (!admin_match(admin_endpoints[i].path, path, &rest, &restlen))
			continue;
		if (allow[0] != '\0')
			strlcat(allow, ", ", sizeof allow);
		strlcat(allow, admin_method_name(admin_endpoints[i].method), sizeof allow);
	}
	admin_out_header(ar, "Allow", allow);
	admin_error(ar, 405, "use %s", allow);
}

/* A copy of an admin_token a reload may free, its wards too. */
struct admin_token *
admin_token_copy(const struct admin_token *from)
{
	struct admin_token	*t;
	size_t			 i;

	t = xmalloc(sizeof *t);
	*t = *from;
	t->name = xstrdup(from->name);
	t->wards = NULL;
	if (from->nwards > 0) {
		t->wards = xcalloc(from->nwards, sizeof *t->wards);
		for (i = 0; i < from->nwards; i++)
			t->wards[i] = xstrdup(from->wards[i]);
	}
	return t;
}

void
admin_token_free(struct admin_token *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nwards; i++)
		free(t->wards[i]);
	free((void *)t->wards);
	free(t->name);
	free(t);
}

/* 1 if the request carries a session cookie, which only the store can check. */
static int
admin_has_session(struct admin_req *ar)
{
	char	id[ADMIN_SESSION_BYTES * 2 + 2];
	int	rc;

	rc = admin_cookie(ar, ADMIN_COOKIE, id, sizeof id) &&
	    strlen(id) == ADMIN_SESSION_BYTES * 2;
	explicit_bzero(id, sizeof id);
	return rc;
}

/* On the store thread: authorise (if not yet), then the handler (if it runs there). */
static int
admin_endpoint_run(struct admin_req *ar, void *arg)
{
	const struct admin_endpoint	*e = arg;
	const struct admin_token	*t;

	if (e->role != 0 && ar->token == NULL) {
		if ((t = admin_auth(ar, e->role, e->flags & ADMIN_PAGE)) == NULL)
			return 0;	/* answered */
		ar->token = admin_token_copy(t);
	}
	if (!(e->flags & ADMIN_LOOP))
		e->handler(ar);
	return 0;
}

/* On the loop, authorised on the store thread: a handler of the loop's. */
static void
admin_endpoint_answer(struct admin_req *ar, void *arg, int rc)
{
	const struct admin_endpoint	*e = arg;

	(void)rc;
	if (ar->out_type != NULL)
		return;		/* answered there */
	if (ar->req == NULL)
		admin_error(ar, 503, "the client is gone");
	else if (ar->token != NULL && (e->flags & ADMIN_LOOP))
		e->handler(ar);
}

static void
admin_request(struct evhttp_request *req, void *arg)
{
	struct admin			*adm = arg;
	const struct evhttp_uri		*uri = evhttp_request_get_evhttp_uri(req);
	const struct admin_endpoint	*e = NULL;
	struct admin_req		 ar;
	enum evhttp_cmd_type		 cmd = evhttp_request_get_command(req);
	const char			*path, *rest = NULL, *label = "other", *q;
	const char			*why;
	char				*seg;
	size_t				 i, idlen, restlen = 0;
	int				 known = 0;

	memset(&ar, 0, sizeof ar);
	ar.adm = adm;
	ar.st = adm->st;
	ar.cfg = adm->cfg;
	ar.req = req;
	ar.method = (int)cmd;
	q = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
	ar.query = q != NULL ? q : "";
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL || path[0] == '\0')
		path = "/";

	for (i = 0; i < nitems(admin_endpoints); i++) {
		if (!admin_match(admin_endpoints[i].path, path, &rest, &restlen))
			continue;
		known = 1;
		label = admin_endpoints[i].path;
		ar.label = label;
		if (admin_endpoints[i].method == cmd) {
			e = &admin_endpoints[i];
			break;
		}
	}
	ar.label = label;
	if (adm->closing)
		admin_error(&ar, 503, "shutting down, retry later");
	else if (evbuffer_get_length(evhttp_request_get_input_buffer(req)) >
	    ar.cfg->admin_max_body)
		admin_error(&ar, 413, "the body is larger than %zu bytes",
		    ar.cfg->admin_max_body);
	else if (!known)
		admin_error(&ar, 404, "no such endpoint");
	else if (e == NULL)
		admin_not_allowed(&ar, path);
	else if ((e->flags & ADMIN_FORM) && (why = admin_cross_site(&ar)) != NULL)
		admin_error(&ar, 403, "%s", why);
	else {
		if (rest != NULL) {
			seg = xstrndup(rest, restlen);
			if ((ar.id = evhttp_uridecode(seg, 0, &idlen)) == NULL)
				fatalx("evhttp_uridecode");
			free(seg);
			if (strlen(ar.id) != idlen)
				ar.id[0] = 'x';		/* a NUL: no code will match */
		}
		/*
		 * A session is looked up in the store: then the request is
		 * authorised on the store thread, and parked until it is.
		 */
		if (e->role != 0 && (e->flags & ADMIN_PAGE) && admin_has_session(&ar))
			admin_thread(&ar, admin_endpoint_run, admin_endpoint_answer,
			    (void *)(uintptr_t)e);
		else if (e->role == 0 ||
		    (ar.token = admin_auth(&ar, e->role, e->flags & ADMIN_PAGE)) != NULL) {
			if (e->flags & ADMIN_LOOP)
				e->handler(&ar);
			else
				admin_thread(&ar, admin_endpoint_run, NULL,
				    (void *)(uintptr_t)e);
		}
		free(ar.id);
	}
	if (ar.deferred)
		return;		/* the copy answers, logs and counts */
	admin_done(&ar);
}

/* Count and log a request once answered (500 if it was not). */
void
admin_done(struct admin_req *ar)
{
	char	status[8];

	if (ar->status == 0)
		admin_error(ar, 500, "no answer");
	snprintf(status, sizeof status, "%d", ar->status);
	metrics_add(METRIC_ADMIN_REQUESTS, ar->label, status, 1);
	log_info("admin method=%s path=%s status=%d actor=%s records=%lld",
	    admin_method_name((enum evhttp_cmd_type)ar->method), ar->label,
	    ar->status, ar->token != NULL ? ar->token->name : "-",
	    (long long)ar->records);
}

/* Send len bytes of the file fd, which the reply then owns and closes. */
void
admin_send_fd(struct admin_req *ar, int code, const char *type, int fd,
    size_t len)
{
	struct evkeyvalq	*out;
	struct evbuffer		*buf;

	ar->status = code;
	if (ar->req == NULL) {
		close(fd);	/* the connection is gone */
		return;
	}
	out = evhttp_request_get_output_headers(ar->req);
	if ((buf = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	evhttp_add_header(out, "Content-Type", type);
	evhttp_add_header(out, "Cache-Control", "no-store");
	if (len == 0)
		close(fd);
	else if (evbuffer_add_file(buf, fd, 0, (ev_off_t)len) == -1)
		fatalx("evbuffer_add_file");
	evhttp_send_reply(ar->req, code, httpd_reason(code), buf);
	evbuffer_free(buf);
}

/* The listener's limits from the configuration now in force. */
static void
admin_limits(const struct config *cfg, struct httpd_limits *l)
{
	memset(l, 0, sizeof *l);
	l->max_connections = cfg->admin_max_connections;
	l->timeout = cfg->admin_timeout;
	l->max_headers = ADMIN_MAX_HEADERS;
	l->max_body = cfg->admin_max_body + ADMIN_BODY_SLACK;
}

void
admin_reload(struct admin *adm, const struct config *cfg)
{
	struct httpd_limits	l;

	if (adm == NULL)
		return;
	adm->cfg = cfg;
	admin_limits(cfg, &l);
	httpd_set_limits(adm->httpd, &l);
	admin_sessions_check(adm);
}

struct admin *
admin_start(struct event_base *base, struct store *st, const struct config *cfg,
    struct outbox *outbox, struct inbound *inbound, int *failed)
{
	struct admin		*adm;
	struct httpd_limits	 l;

	*failed = 0;
	if (cfg->admin_listen == NULL)
		return NULL;
	adm = xcalloc(1, sizeof *adm);
	adm->base = base;
	adm->st = st;
	adm->cfg = cfg;
	adm->outbox = outbox;
	adm->inbound = inbound;
	admin_limits(cfg, &l);
	/* Other methods reach admin_request too, to get a 405 rather than a 501. */
	adm->httpd = httpd_listen(base, "admin", cfg->admin_listen,
	    EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PATCH | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS, &l,
	    admin_request, admin_gone, adm);
	if (adm->httpd == NULL) {
		free(adm);
		*failed = 1;
		return NULL;
	}
	/* Sessions outlive a restart: those of tokens changed meanwhile end. */
	admin_sessions_check(adm);
	return adm;
}

void
admin_readers(struct admin *adm, struct readers *r)
{
	if (adm != NULL)
		adm->readers = r;
}

void
admin_closing(struct admin *adm)
{
	if (adm != NULL)
		adm->closing = 1;
}

void
admin_stop(struct admin *adm)
{
	if (adm == NULL)
		return;
	/* Store work handed over meanwhile (a read's audit row at a stop) ends first. */
	inbound_flush(adm->inbound);
	httpd_free(adm->httpd);
	free(adm->deferred);
	free(adm);
}
