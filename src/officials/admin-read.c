/*
 * admin-read.c: the admin API's heavy reads (traces, the ward and inactive
 * reports, the dashboard) off the event loop. A handler parses and
 * authorises on the loop, then hands an admin_read to a reader thread
 * (officials/readers.c) with its own read-only connection. The reader
 * writes the rows to an unlinked file beside the database as they come
 * (memory stays one row's, however long the trace); then the audit row is
 * written and committed on the store thread (inbound_call), and only then
 * is the file sent from the loop, straight from the disk
 * (evbuffer_add_file). Without reader threads (an in-memory database) the
 * same read runs on the loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/http.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/number.h"
#include "config/config.h"
#include "store/store.h"
#include "core/inbound.h"
#include "officials/admin-req.h"
#include "officials/dashboard.h"
#include "officials/district.h"
#include "officials/export.h"
#include "officials/readers.h"
#include "officials/report.h"
#include "officials/trace.h"

#define ADMIN_READ_LOCK_PAUSE_MS 25	/* between two tries of the audit row's lock */
#define ADMIN_READ_LOCK_WAIT	5.0	/* seconds, then 503 */

struct admin_read {
	struct admin_req	*ar;		/* the deferred request */
	enum admin_read_kind	 kind;
	int			 format;	/* enum export_format */
	char			*action;	/* the audit row's, NULL: none */
	char			*subject;

	struct trace_ask	 ask;
	char			 number[NUMBER_MAX];
	char			*code;
	int64_t			 from, to, since;
	int			 days;
	char			 lang[4];
	char			*csrf;		/* the page's forms' token, NULL: no forms */
	struct config		 cfg;		/* what a page reads of it, copied */
	struct district_scope	 scope;		/* the token's wards, copied */

	double			 audit_t0;	/* its audit row's first try */
	int			 fd;		/* the answer's file, -1 none */
	size_t			 len;
	int64_t			 rows;
	char			*page;
};

struct admin_read *
admin_read_new(struct admin_req *ar, int format)
{
	struct admin_read	*rd;

	rd = xcalloc(1, sizeof *rd);
	rd->ar = ar;
	rd->format = format;
	rd->fd = -1;
	return rd;
}

/* The trace asked for: the caller fills it, pointing at strings it keeps until submit. */
struct trace_ask *
admin_read_trace(struct admin_read *rd)
{
	return &rd->ask;
}

void
admin_read_window(struct admin_read *rd, int64_t from, int64_t to)
{
	rd->from = from;
	rd->to = to;
}

void
admin_read_since(struct admin_read *rd, int64_t since)
{
	rd->since = since;
}

void
admin_read_page(struct admin_read *rd, int days, const char *lang,
    const char *csrf)
{
	rd->days = days;
	strlcpy(rd->lang, lang, sizeof rd->lang);
	rd->csrf = csrf != NULL ? xstrdup(csrf) : NULL;
}

/* The token's wards, copied: a reload may free the token's while we read. */
static void
admin_read_scope(struct admin_read *rd, const struct admin_token *t)
{
	struct district_scope	 sc;
	char			**wards;
	size_t			 i;

	district_scope_of(t, &sc);
	if (sc.n == 0)
		return;
	wards = xcalloc(sc.n, sizeof *wards);
	for (i = 0; i < sc.n; i++)
		wards[i] = xstrdup(sc.wards[i]);
	rd->scope.wards = wards;
	rd->scope.n = sc.n;
}

static void
admin_read_free(struct admin_read *rd)
{
	size_t	i;

	if (rd->fd != -1)
		close(rd->fd);
	free(rd->action);
	free(rd->subject);
	free(rd->code);
	free(rd->csrf);
	free(rd->cfg.short_number);
	for (i = 0; i < rd->scope.n; i++)
		free(rd->scope.wards[i]);
	free((void *)rd->scope.wards);
	free(rd->page);
	free(rd);
}

/* The rows of an export kind into the answer's file. */
static int
admin_read_rows(struct store *st, struct admin_read *rd)
{
	struct export	*e;
	FILE		*f;
	int		 fd, rc;

	if ((fd = dup(rd->fd)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	switch (rd->kind) {
	case ADMIN_READ_TRACE:
		e = export_new_spool(rd->format, trace_kind(rd->ask.by), f);
		rc = trace_read(st, &rd->ask, e);
		break;
	case ADMIN_READ_WARDS:
		e = export_new_spool(rd->format, EXPORT_WARDS, f);
		rc = report_wards_read(st, &rd->scope, rd->from, rd->to, e);
		break;
	default:
		e = export_new_spool(rd->format, EXPORT_INACTIVE, f);
		rc = report_inactive_read(st, &rd->scope, rd->since, e);
		break;
	}
	rd->rows = (int64_t)export_rows(e);
	if (export_spool_end(e, &rd->len) == -1)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* On a reader thread (or the loop): the read itself, nothing written. */
static int
admin_read_run(struct store *st, void *arg)
{
	struct admin_read	*rd = arg;
	size_t			 len;

	if (rd->kind != ADMIN_READ_DASHBOARD)
		return admin_read_rows(st, rd);
	rd->page = dashboard_page(st, &rd->cfg, &rd->scope, rd->csrf, rd->from,
	    rd->to, rd->days, rd->lang, &len);
	rd->len = len;
	return rd->page != NULL ? 0 : -1;
}

/*
 * On the store thread: the audit row, in a transaction of its own; 1 when
 * the write lock is held by another process past the thread's usual wait
 * (the checkpointer waiting for a long read to empty the WAL): the loop
 * tries again in a moment, for ADMIN_READ_LOCK_WAIT seconds, so that the
 * thread's other work never waits behind it.
 */
static int
admin_read_audit(struct store *st, const struct config *cfg, void *arg)
{
	struct admin_read	*rd = arg;
	struct admin_req	*ar = rd->ar;
	char			 scope[DISTRICT_SCOPE_MAX];
	int			 rc;

	(void)cfg;
	district_scope_text(&rd->scope, scope, sizeof scope);
	if ((rc = store_begin_try(st)) == 1)
		return 1;
	if (rc != 0 || store_audit_add_scoped(st, ar->token->name,
	    rd->action, rd->subject, ar->query, rd->scope.n > 0 ? scope : NULL,
	    rd->rows, (int64_t)time(NULL)) == -1 ||
	    store_commit(st) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

static void	admin_read_answer(void *, int);

/* The audit row's next try. */
static void
admin_read_retry(evutil_socket_t fd, short events, void *arg)
{
	struct admin_read	*rd = arg;

	inbound_call(rd->ar->adm->inbound, admin_read_audit, admin_read_answer, rd);
}

/* On the loop: the audit row committed (rc 0), then the answer; frees rd. */
static void
admin_read_answer(void *arg, int rc)
{
	struct admin_read	*rd = arg;
	struct admin_req	*ar = rd->ar;
	struct timeval		 tv = { 0, ADMIN_READ_LOCK_PAUSE_MS * 1000 };
	char			*page;

	if (rc == 1 && num_mono() - rd->audit_t0 < ADMIN_READ_LOCK_WAIT &&
	    event_base_once(ar->adm->base, -1, EV_TIMEOUT, admin_read_retry, rd,
	    &tv) == 0)
		return;
	ar->cfg = ar->adm->cfg;
	if (rc != 0)
		admin_error(ar, 503, "storage unavailable, retry later");
	else if (rd->kind == ADMIN_READ_DASHBOARD) {
		page = rd->page;
		rd->page = NULL;
		admin_html(ar, 200, page, rd->len);
	} else {
		ar->records = rd->rows;
		admin_send_fd(ar, 200, export_content_type(rd->format), rd->fd,
		    rd->len);
		rd->fd = -1;
	}
	admin_finish(ar);
	admin_read_free(rd);
}

/* The read is done: its audit row on the store thread, then the answer. */
static void
admin_read_audited(struct admin_read *rd)
{
	rd->audit_t0 = num_mono();
	if (rd->action == NULL)
		admin_read_answer(rd, 0);
	else
		inbound_call(rd->ar->adm->inbound, admin_read_audit,
		    admin_read_answer, rd);
}

/* On the loop, once the read is done (or will never be). */
static void
admin_read_done(void *arg, int rc, enum readers_end end)
{
	struct admin_read	*rd = arg;
	struct admin_req	*ar = rd->ar;
	struct admin		*adm = ar->adm;

	ar->cfg = adm->cfg;
	if (end == READERS_DONE && rc == 0) {
		admin_read_audited(rd);
		return;
	}
	if (end == READERS_STOPPED)
		admin_error(ar, 503, "shutting down, retry later");
	else if (end == READERS_TIMEOUT)
		admin_error(ar, 503, "the query ran past admin.query_timeout (%d s):"
		    " ask for a shorter window", adm->cfg->admin_query_timeout);
	else
		admin_error(ar, 503, "storage unavailable, retry later");
	admin_finish(ar);
	admin_read_free(rd);
}

/* An unlinked file for an answer when there are no reader threads. */
static int
admin_read_tmpfile(void)
{
	FILE	*f;
	int	 fd;

	if ((f = tmpfile()) == NULL)
		return -1;
	fd = dup(fileno(f));
	fclose(f);
	return fd;
}

void
admin_read_submit(struct admin_read *rd, enum admin_read_kind kind,
    const char *action, const char *subject)
{
	struct admin_req	*ar = rd->ar;
	struct admin		*adm = ar->adm;
	enum readers_refusal	 why;
	char			 retry[16];

	rd->kind = kind;
	rd->action = action != NULL ? xstrdup(action) : NULL;
	rd->subject = subject != NULL ? xstrdup(subject) : NULL;
	if (kind == ADMIN_READ_TRACE) {
		/* The number and the code are the caller's: copy them. */
		if (rd->ask.number != NULL) {
			strlcpy(rd->number, rd->ask.number, sizeof rd->number);
			rd->ask.number = rd->number;
		}
		rd->ask.subject = NULL;
		rd->ask.actor = NULL;
		rd->ask.query = NULL;
	}
	admin_read_scope(rd, ar->token);
	rd->ask.scope = &rd->scope;
	if (kind == ADMIN_READ_DASHBOARD) {
		if (ar->cfg->short_number != NULL)
			rd->cfg.short_number = xstrdup(ar->cfg->short_number);
	} else if ((rd->fd = adm->readers != NULL ? readers_spool(adm->readers) :
	    admin_read_tmpfile()) == -1) {
		admin_error(ar, 503, "no room for the answer, retry later");
		admin_read_free(rd);
		return;
	}

	/* From here the answer is given by the copy, whatever happens. */
	ar = rd->ar = admin_defer(ar);
	if (adm->readers == NULL) {
		admin_read_done(rd, admin_read_run(ar->st, rd), READERS_DONE);
		return;
	}
	why = readers_submit(adm->readers, ar->token->name, admin_read_run,
	    admin_read_done, rd);
	if (why == READERS_OK)
		return;
	snprintf(retry, sizeof retry, "%d", 1 + readers_pending(adm->readers) /
	    (adm->cfg->admin_readers > 0 ? adm->cfg->admin_readers : 1));
	admin_out_header(ar, "Retry-After", retry);
	if (why == READERS_BUSY_OWNER)
		admin_error(ar, 429, "%d reads of this token are under way:"
		    " retry when one is answered", READERS_PER_OWNER);
	else
		admin_error(ar, 429, "too many reads waiting, retry later");
	admin_finish(ar);
	admin_read_free(rd);
}
