/*
 * readers.c: the reader threads. The loop queues a read (readers_submit);
 * a thread takes it, runs it on its own read-only connection with the
 * query timeout as the connection's deadline, and puts it on the done
 * list; a byte on a pipe wakes the loop, which tells each done read's
 * owner (done callback) in the order they finished. Only the loop queues
 * and tells; the threads only run. Nothing here writes the database:
 * audit rows are written by the done callbacks, on the loop.
 */
#include <sys/types.h>
#include <sys/queue.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pthread.h>

#include <event2/event.h>

#include "base/base.h"
#include "base/log.h"
#include "store/store.h"
#include "officials/readers.h"

struct readers_job {
	TAILQ_ENTRY(readers_job)	 entry;
	char				*owner;
	int				(*run)(struct store *, void *);
	void				(*done)(void *, int, enum readers_end);
	void				*arg;
	int				 rc;
	enum readers_end		 end;
};
TAILQ_HEAD(readers_jobs, readers_job);

struct readers_thread {
	struct readers	*pool;
	struct store	*st;
	pthread_t	 tid;
	int		 started;
};

struct readers {
	struct event		*wake;		/* the pipe's read end, on the loop */
	int			 pipe[2];
	char			*dir;		/* where answers are spooled */
	struct readers_thread	*threads;
	int			 n;

	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct readers_jobs	 waiting;	/* queued, not yet taken */
	struct readers_jobs	 done;		/* run, not yet told */
	int			 running;
	int			 timeout_ms;
	int			 stop;
	/* Reads queued and not yet told, by owner (the loop's alone). */
	struct readers_owner {
		char	*name;
		int	 n;
	}			*owners;
	size_t			 nowners;
	int			 flight;	/* all reads not yet told */
};

/* The owner's count of reads in flight, made if missing. */
static int *
readers_owner(struct readers *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->nowners; i++) {
		if (strcmp(r->owners[i].name, name) == 0)
			return &r->owners[i].n;
	}
	r->owners = xreallocarray(r->owners, r->nowners + 1, sizeof *r->owners);
	r->owners[r->nowners].name = xstrdup(name);
	r->owners[r->nowners].n = 0;
	return &r->owners[r->nowners++].n;
}

static void *
readers_main(void *arg)
{
	struct readers_thread	*t = arg;
	struct readers		*r = t->pool;
	struct readers_job	*j;
	int			 ms;

	for (;;) {
		pthread_mutex_lock(&r->mu);
		while (!r->stop && TAILQ_EMPTY(&r->waiting))
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->stop) {
			pthread_mutex_unlock(&r->mu);
			break;
		}
		j = TAILQ_FIRST(&r->waiting);
		TAILQ_REMOVE(&r->waiting, j, entry);
		r->running++;
		ms = r->timeout_ms;
		pthread_mutex_unlock(&r->mu);

		store_deadline(t->st, ms);
		j->rc = j->run(t->st, j->arg);
		j->end = store_timed_out(t->st) ? READERS_TIMEOUT : READERS_DONE;
		store_deadline(t->st, 0);

		pthread_mutex_lock(&r->mu);
		r->running--;
		TAILQ_INSERT_TAIL(&r->done, j, entry);
		pthread_mutex_unlock(&r->mu);
		while (write(r->pipe[1], "", 1) == -1 && errno == EINTR)
			;
	}
	return NULL;
}

/* Tell the owner of a read, and forget it. */
static void
readers_tell(struct readers *r, struct readers_job *j)
{
	(*readers_owner(r, j->owner))--;
	r->flight--;
	j->done(j->arg, j->rc, j->end);
	free(j->owner);
	free(j);
}

/* The loop: the reads done since the last wake-up, told in order. */
static void
readers_woken(evutil_socket_t fd, short events, void *arg)
{
	struct readers		*r = arg;
	struct readers_jobs	 list;
	struct readers_job	*j;
	char			 buf[64];

	(void)events;
	while (read(fd, buf, sizeof buf) > 0)
		;
	TAILQ_INIT(&list);
	pthread_mutex_lock(&r->mu);
	TAILQ_CONCAT(&list, &r->done, entry);
	pthread_mutex_unlock(&r->mu);
	while ((j = TAILQ_FIRST(&list)) != NULL) {
		TAILQ_REMOVE(&list, j, entry);
		readers_tell(r, j);
	}
}

struct readers *
readers_start(struct event_base *base, const char *database, int n, int timeout,
    char *err, size_t errlen)
{
	struct readers	*r;
	const char	*slash, *tmp;
	int		 i;

	if (n < 1)
		n = 1;
	r = xcalloc(1, sizeof *r);
	r->n = n;
	r->timeout_ms = timeout * 1000;
	r->pipe[0] = r->pipe[1] = -1;
	TAILQ_INIT(&r->waiting);
	TAILQ_INIT(&r->done);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (strstr(database, "://") != NULL) {
		/* A server's database (a URI) has no folder here. */
		tmp = getenv("TMPDIR");
		r->dir = xstrdup(tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	} else if ((slash = strrchr(database, '/')) == NULL)
		r->dir = xstrdup(".");
	else
		r->dir = xstrndup(database, slash == database ? 1 :
		    (size_t)(slash - database));
	r->threads = xcalloc((size_t)n, sizeof *r->threads);
	for (i = 0; i < n; i++) {
		r->threads[i].pool = r;
		if ((r->threads[i].st = store_open_reader(database, err,
		    errlen)) == NULL)
			goto fail;
	}
	if (pipe2(r->pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	if ((r->wake = event_new(base, r->pipe[0], EV_READ | EV_PERSIST,
	    readers_woken, r)) == NULL || event_add(r->wake, NULL) == -1)
		fatalx("readers: event_new");
	for (i = 0; i < n; i++) {
		if (pthread_create(&r->threads[i].tid, NULL, readers_main,
		    &r->threads[i]) != 0) {
			snprintf(err, errlen, "cannot start a reader thread");
			goto fail;
		}
		r->threads[i].started = 1;
	}
	return r;

fail:
	readers_stop(r);
	return NULL;
}

void
readers_reload(struct readers *r, int timeout)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	r->timeout_ms = timeout * 1000;
	pthread_mutex_unlock(&r->mu);
}

enum readers_refusal
readers_submit(struct readers *r, const char *owner,
    int (*run)(struct store *, void *),
    void (*done)(void *, int, enum readers_end), void *arg)
{
	struct readers_job	*j;
	int			*mine = readers_owner(r, owner);

	if (*mine >= READERS_PER_OWNER)
		return READERS_BUSY_OWNER;
	/* Reads not yet told beyond those the threads run are waiting. */
	if (r->flight >= (READERS_QUEUE + 1) * r->n)
		return READERS_FULL;
	(*mine)++;
	r->flight++;

	j = xcalloc(1, sizeof *j);
	j->owner = xstrdup(owner);
	j->run = run;
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&r->mu);
	TAILQ_INSERT_TAIL(&r->waiting, j, entry);
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return READERS_OK;
}

int
readers_pending(struct readers *r)
{
	return r->flight;
}

int
readers_spool(struct readers *r)
{
	char	*path;
	int	 fd;

	xasprintf(&path, "%s/.checkind-answer-XXXXXX", r->dir);
	if ((fd = mkostemp(path, O_CLOEXEC)) != -1)
		unlink(path);
	else
		log_warn("readers: %s", path);
	free(path);
	return fd;
}

void
readers_stop(struct readers *r)
{
	struct readers_job	*j;
	size_t			 i;
	int			 k;

	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	/* A read under way is cut short: its statement fails at once. */
	for (k = 0; k < r->n; k++)
		store_interrupt(r->threads[k].st);
	for (k = 0; k < r->n; k++) {
		if (r->threads[k].started)
			pthread_join(r->threads[k].tid, NULL);
		store_close(r->threads[k].st);
	}
	/* Those done first, in order; then those never run. */
	while ((j = TAILQ_FIRST(&r->done)) != NULL) {
		TAILQ_REMOVE(&r->done, j, entry);
		readers_tell(r, j);
	}
	while ((j = TAILQ_FIRST(&r->waiting)) != NULL) {
		TAILQ_REMOVE(&r->waiting, j, entry);
		j->end = READERS_STOPPED;
		j->rc = -1;
		readers_tell(r, j);
	}
	if (r->wake != NULL)
		event_free(r->wake);
	if (r->pipe[0] != -1) {
		close(r->pipe[0]);
		close(r->pipe[1]);
	}
	for (i = 0; i < r->nowners; i++)
		free(r->owners[i].name);
	free(r->owners);
	free(r->threads);
	free(r->dir);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}
