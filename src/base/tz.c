/* tz.c: the deployment's one local time zone, and times written in it. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/tz.h"

#define TZ_DIR		"/usr/share/zoneinfo"
#define TZ_NAME_MAX	64

/*
 * 1 if name is a zone the system has: a relative path of letters, digits,
 * "_", "-", "+" and "/" without "..", naming a TZif file (RFC 8536 3.1)
 * under TZ_DIR. Reading the magic rejects directories ("Asia") and the
 * other files kept there ("zone.tab").
 */
static int
tz_exists(const char *name)
{
	char		 path[sizeof TZ_DIR + TZ_NAME_MAX + 1], magic[4];
	const char	*p;
	int		 fd;
	ssize_t		 n;

	if (name == NULL || name[0] == '\0' || name[0] == '/' ||
	    strlen(name) > TZ_NAME_MAX || strstr(name, "..") != NULL)
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("_-+/", *p) != NULL))
			return 0;
	}
	snprintf(path, sizeof path, "%s/%s", TZ_DIR, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, magic, sizeof magic);
	close(fd);
	return n == (ssize_t)sizeof magic && memcmp(magic, "TZif", 4) == 0;
}

int
tz_set(const char *name)
{
	if (!tz_exists(name))
		return -1;
	if (setenv("TZ", name, 1) == -1)
		return -1;
	tzset();
	return 0;
}

/* Break t down in local time; 0 if it cannot be. */
static int
tz_local(int64_t t, struct tm *tm)
{
	time_t	tt = (time_t)t;

	if ((int64_t)tt != t || localtime_r(&tt, tm) == NULL)
		return 0;
	return 1;
}

void
tz_format_short(int64_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (tz_local(t, &tm) && strftime(buf, len, "%H:%M %d/%m", &tm) == 0)
		buf[0] = '\0';
}

void
tz_format_iso(int64_t t, char *buf, size_t len)
{
	struct tm	 tm;
	char		 date[32];
	long		 off;
	char		 sign = '+';

	if (len == 0)
		return;
	buf[0] = '\0';
	if (!tz_local(t, &tm) ||
	    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return;
	off = tm.tm_gmtoff;
	if (off < 0) {
		sign = '-';
		off = -off;
	}
	/* ISO 8601 offsets have no seconds; historic LMT ones are cut. */
	snprintf(buf, len, "%s%c%02ld:%02ld", date, sign, off / 3600,
	    (off / 60) % 60);
}

int64_t
tz_day_start(int64_t t)
{
	struct tm	tm;
	time_t		start;
	int64_t		into;

	if (!tz_local(t, &tm))
		return t;
	into = (int64_t)tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	tm.tm_hour = 0;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	start = mktime(&tm);
	/*
	 * Where a clock change skips midnight mktime lands on the first
	 * existing time; anything odd falls back to the wall clock's count.
	 */
	if (start == (time_t)-1 || (int64_t)start > t)
		return t - into;
	return (int64_t)start;
}
