/*
 * admin-req.h: what the admin API's files share: the listener, a request
 * as a handler sees it, the answers and the parsing of what was asked.
 * admin.c holds the listener, the routing table, sign-in and these
 * helpers; admin-thread.c runs a request on the store thread and answers
 * it later; admin-venues.c and admin-reports.c hold handlers.
 */
#ifndef ADMIN_REQ_H
#define ADMIN_REQ_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "codec/number.h"

#define ADMIN_DAY		86400

struct evhttp_connection;
struct evhttp_request;
struct evkeyvalq;
struct inbound;
struct store;
struct config;
struct outbox;
struct httpd;
struct admin_token;
struct export;
struct venue;
struct readers;

struct event_base;

struct admin {
	struct event_base		*base;
	struct store			*st;
	const struct config		*cfg;		/* the running one: admin_reload */
	struct outbox			*outbox;	/* alerts are queued there */
	struct inbound			*inbound;	/* the store thread: admin_thread */
	int				 closing;	/* the daemon is stopping */
	struct httpd			*httpd;
	struct readers			*readers;	/* heavy reads; NULL: on the loop */
	struct admin_req		**deferred;	/* answered later (admin_defer) */
	size_t				 ndeferred;
};

/* One request as a handler sees it. */
struct admin_req {
	struct admin			*adm;
	struct store			*st;
	const struct config		*cfg;		/* the running one when the request came */
	struct evhttp_request		*req;		/* NULL once its connection is gone */
	const struct admin_token	*token;		/* NULL on open endpoints */
	char				*id;		/* the path's {code}, decoded, or NULL */
	const char			*query;		/* the raw query string, or "" */
	int				 status;	/* what was answered */
	int64_t				 records;	/* rows returned, for the log line */
	const char			*label;		/* the endpoint's path, for metrics */
	int				 method;	/* an enum evhttp_cmd_type */
	int				 deferred;	/* answered later by a copy (admin_defer) */

	/*
	 * A request whose store work runs on the store thread (admin_thread):
	 * what a handler reads of the request is copied before, and what it
	 * answers is kept until the loop sends it.
	 */
	int				 thread;	/* running there: answers are kept */
	struct evkeyvalq		*in_headers;	/* the request's headers, copied */
	char				*in_body;	/* its body, copied */
	size_t				 in_bodylen;
	char				*uri;		/* its URI, copied */
	int				 secure;	/* admin_secure, asked on the loop */
	struct evkeyvalq		*out_headers;	/* headers of the kept answer */
	char				*out_type;	/* the kept answer: NULL none */
	char				*out_body;
	size_t				 out_len;
	int				 kick;		/* it queued SMS: wake the outbox */
};

/* admin-venues.c: /api/venues, a venue's page and its posters. */
void	admin_venues_list(struct admin_req *);
void	admin_venues_add(struct admin_req *);
void	admin_venues_get(struct admin_req *);
void	admin_venues_patch(struct admin_req *);
void	admin_venues_page(struct admin_req *);
void	admin_venues_poster_pdf(struct admin_req *);
void	admin_venues_poster_png(struct admin_req *);

/* admin-reports.c: traces, alerts, reports and the dashboard. */
void	admin_reports_trace_venue(struct admin_req *);
void	admin_reports_trace_person(struct admin_req *);
void	admin_reports_trace_contacts(struct admin_req *);
void	admin_reports_alert(struct admin_req *);
void	admin_reports_wards(struct admin_req *);
void	admin_reports_inactive(struct admin_req *);
void	admin_reports_dashboard(struct admin_req *);

/* admin-read.c: heavy reads on the reader threads (officials/readers.h). */
struct admin_read;
/* A new read answering ar in format (an enum export_format, or -1 for a page). */
struct admin_read *admin_read_new(struct admin_req *, int format);
/* The read's parameters, each copied: it outlives the request's handler. */
struct trace_ask	*admin_read_trace(struct admin_read *);
void		 admin_read_window(struct admin_read *, int64_t from, int64_t to);
void		 admin_read_since(struct admin_read *, int64_t since);
/* A page's days and language, and its forms' token (NULL: no forms). */
void		 admin_read_page(struct admin_read *, int days, const char *lang,
		    const char *csrf);
/*
 * Run the read of kind on a reader (or on the loop without readers),
 * write its audit row (action, or none if NULL) on the store thread once
 * it is done, then answer from the loop; or answer 429 at once. Frees rd.
 */
enum admin_read_kind {
	ADMIN_READ_TRACE, ADMIN_READ_WARDS, ADMIN_READ_INACTIVE,
	ADMIN_READ_DASHBOARD
};
void		 admin_read_submit(struct admin_read *, enum admin_read_kind,
		    const char *action, const char *subject);

/*
 * admin-thread.c: the store work of a request off the loop. run(ar, arg) runs on
 * the store thread (inbound_call) with ar->st its connection and ar->cfg
 * the running configuration; it may parse, read, write and answer as a
 * handler does, but reach nothing of the loop (admin_kick for the outbox).
 * Then answer(ar, arg, rc) (may be NULL) runs on the loop, before the kept
 * answer is sent, if run answered (ar->out_type set); else it may answer
 * itself, or defer (admin_read_submit). Frees nothing of arg.
 */
void		 admin_thread(struct admin_req *, int (*run)(struct admin_req *, void *),
		    void (*answer)(struct admin_req *, void *, int), void *arg);
/* The request's URI, as it came. */
const char	*admin_uri(struct admin_req *);
/* Add a header to the answer. */
void		 admin_out_header(struct admin_req *, const char *name,
		    const char *value);
/* The request's body. */
const char	*admin_body_bytes(struct admin_req *, size_t *len);
/* SMS were queued: wake the outbox (on the loop, once answered). */
void		 admin_kick(struct admin_req *);

/* admin-thread.c: a request answered after its handler returned. */
/* A copy of ar to answer later; the caller's ar is then left alone. */
struct admin_req *admin_defer(struct admin_req *);
/* Log and count a deferred request once answered; frees it. */
void		 admin_finish(struct admin_req *);
/* httpd.c's word that conn is going: its deferred requests answer nowhere. */
void		 admin_gone(struct evhttp_connection *conn, void *adm);

/* admin.c: what admin-thread.c uses of the listener. */
/* Count and log a request once answered (500 if it was not). */
void		 admin_done(struct admin_req *);
/* 1 if the browser reached us through TLS (asked on the loop). */
int		 admin_secure(struct admin_req *);
/* A copy of an admin_token a reload may free, its wards too. */
struct admin_token *admin_token_copy(const struct admin_token *);
void		 admin_token_free(struct admin_token *);
/* admin-wards.c: the ward's own workflow (issue 18). */
void	admin_wards_district(struct admin_req *);
void	admin_wards_flags(struct admin_req *);
void	admin_wards_inspections_list(struct admin_req *);
void	admin_wards_inspections_add(struct admin_req *);
void	admin_wards_inspection_form(struct admin_req *);
void	admin_wards_inspectors_list(struct admin_req *);
void	admin_wards_inspectors_add(struct admin_req *);
void	admin_wards_registrations_list(struct admin_req *);
void	admin_wards_registration_approve(struct admin_req *);
void	admin_wards_registration_reject(struct admin_req *);
void	admin_wards_registration_approve_form(struct admin_req *);
void	admin_wards_registration_reject_form(struct admin_req *);
/* 1 if the request's token sees venues of ward (a token without wards sees all). */
int	admin_wards_sees(struct admin_req *, const char *ward);
/* A listed venue's reference "L<id>": 1 found, 0 (404/403 sent), -1 (503 sent); 2 not such a reference. */
int	admin_wards_listed_find(struct admin_req *, const char *typed, struct venue *);
/* A venue's life as POST/PATCH /api/venues give it. */
struct admin_venue_life {
	int		 listed;	/* POST: a known business without a code yet */
	int		 activate;	/* PATCH: a listed venue gets its code */
	const char	*committed_by;	/* a commitment signed, by whom */
	int64_t		 committed_at;	/* when; 0: now */
	int		 coords;	/* 1: lat and lon given, -1: cleared, 0: as is */
	double		 lat;
	double		 lon;
	int		 has_lat, has_lon;
};
/* A member of the venue's life: 1 taken, 0 not one, -1 once a 400 is sent. */
int	admin_wards_venue_member(struct admin_req *, const char *key, json_t *v,
	    int patch, struct admin_venue_life *);
/* Apply it to venue_id after a POST or PATCH: 0, -1 once an error is sent. */
int	admin_wards_venue_apply(struct admin_req *, int64_t venue_id,
	    struct admin_venue_life *);
/* Add a venue's life (state, ref, lat, lon, commitment) to its JSON. */
void	admin_wards_venue_json(struct admin_req *, const struct venue *, json_t *o);
/* The anti-forgery token of the browser's session (hex), or "" without a session. */
void	admin_csrf(struct admin_req *, char out[65]);

/* admin.c: answers. */
/* Send len bytes of the file fd (which is closed), without copying them into memory. */
void		 admin_send_fd(struct admin_req *, int code, const char *type,
		    int fd, size_t len);
const char	*admin_header(struct admin_req *, const char *name);
/* Send a body; personal data must not linger in caches. */
void		 admin_send(struct admin_req *, int code, const char *type,
		    const char *body, size_t len);
/* Answer with a status and a one-line plain-text reason. */
void		 admin_error(struct admin_req *, int code, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
/* Roll back what the request began, and 503. */
void		 admin_storage_error(struct admin_req *);
/* Answer with a JSON document; frees it. */
void		 admin_json(struct admin_req *, int code, json_t *);
void		 admin_set(json_t *obj, const char *key, json_t *v);
/* A stored string as JSON: null for NULL, invalid UTF-8 repaired. */
json_t		*admin_json_str(const char *);
json_t		*admin_json_time(int64_t);
/* The rows of e in format, 200; frees e. */
void		 admin_export_send(struct admin_req *, int format, struct export *e);
/* An HTML page: nothing but itself may load, frame it or take its form; frees page. */
void		 admin_html(struct admin_req *, int code, char *page, size_t len);

/* admin.c: what was asked. */
/* A query parameter, decoded: 1 and a new string, 0 if absent or empty, -1 if it holds a NUL. */
int		 admin_param(struct admin_req *, const char *name, char **value);
/* A required parameter; answers 400 and returns NULL when it is missing or bad. */
char		*admin_param_required(struct admin_req *, const char *name);
/* A time as officials write it: ISO 8601 with an offset, or epoch seconds. */
int		 admin_time(const char *, int64_t *);
/* from < to, and no longer than max_days (0: any length). 400 and -1 if not. */
int		 admin_window_check(struct admin_req *, int64_t from, int64_t to,
		    int max_days);
/* The from= and to= of a query. 0, or -1 once a 400 is sent. */
int		 admin_window(struct admin_req *, int max_days, int64_t *from,
		    int64_t *to);
/* A trace may look back over what retention keeps, and a day more. */
int		 admin_trace_days(const struct config *);
/* The answer's format: format=, else Accept: text/csv, else JSON. -1 once a 400 is sent. */
int		 admin_format(struct admin_req *);
/* Look a venue up by its code as typed. 1 found, 0 not (404 sent), -1 (503 sent). */
int		 admin_venue_find(struct admin_req *, const char *typed, struct venue *);
/* A number to E.164; 400 and -1 if it is not one. */
int		 admin_number(struct admin_req *, const char *typed,
		    char out[NUMBER_MAX]);
/* A JSON request body that must be an object; NULL once a 400 is sent. */
json_t		*admin_body(struct admin_req *);
/* A member name fit for a one-line reason, or a stand-in. */
const char	*admin_member_name(const char *key);
/* A string member: no NUL, no control characters, min to max bytes. 0, or -1 once a 400 is sent. */
int		 admin_json_text(struct admin_req *, const char *key, json_t *v,
		    size_t min, size_t max, int newlines, const char **out);
/* The lang= of a query: "en", else "vi". */
const char	*admin_lang(struct admin_req *);

#endif
