/*
 * log.c: key=value log lines to stderr in the foreground, syslog otherwise.
 * Any thread may log: a line is built in a buffer of the caller's and
 * written by one fprintf (stdio locks the stream) or one syslog call;
 * log_foreground and log_verbose are set before the threads start;
 * strerror's text for a known errno is a constant (glibc).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "base/log.h"

static int	log_foreground = 1;
static int	log_verbose;

void
log_init(int foreground, int verbose)
{
	log_foreground = foreground;
	log_verbose = verbose;
	if (!foreground)
		openlog("checkind", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

void
log_set_verbose(int v)
{
	log_verbose = v;
}

int
log_get_verbose(void)
{
	return log_verbose;
}

static void
log_vwrite(int pri, const char *prefix, const char *fmt, va_list ap, int err)
{
	char		 msg[2048];
	struct tm	 tm;
	time_t		 now;
	char		 ts[32];
	size_t		 n;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (err) {
		n = strlen(msg);
		snprintf(msg + n, sizeof msg - n, " error=\"%s\"", strerror(err));
	}
	if (!log_foreground) {
		syslog(pri, "%s%s", prefix, msg);
		return;
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s%s\n", ts, prefix, msg);
	fflush(stderr);
}

#define LOG_BODY(pri, prefix, err) do {			\
	va_list	ap;					\
	int	saved = errno;				\
	va_start(ap, fmt);				\
	log_vwrite(pri, prefix, fmt, ap, err);		\
	va_end(ap);					\
	errno = saved;					\
} while (0)

void
log_warn(const char *fmt, ...)
{
	int	err = errno;

	LOG_BODY(LOG_WARNING, "level=warn ", err);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, "level=warn ", 0);
}

void
log_info(const char *fmt, ...)
{
	if (log_verbose < 0)
		return;
	LOG_BODY(LOG_INFO, "level=info ", 0);
}

void
log_debug(const char *fmt, ...)
{
	if (log_verbose < 1)
		return;
	LOG_BODY(LOG_DEBUG, "level=debug ", 0);
}

void
fatal(const char *fmt, ...)
{
	int	err = errno;

	LOG_BODY(LOG_CRIT, "level=fatal ", err);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, "level=fatal ", 0);
	exit(1);
}

const char *
log_escape(const char *s, size_t len, char *buf, size_t bufsize)
{
	static const char hex[] = "0123456789abcdef";
	size_t		  i, o = 0;
	unsigned char	  c;

	if (bufsize == 0)
		return buf;
	if (s == NULL) {
		snprintf(buf, bufsize, "-");
		return buf;
	}
	for (i = 0; i < len && o + 5 < bufsize; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c >= 0x20 && c < 0x7f)
			buf[o++] = (char)c;
		else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 0xf];
		}
	}
	buf[o] = '\0';
	return buf;
}
