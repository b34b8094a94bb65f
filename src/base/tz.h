/* tz.h: the one local time zone of the deployment. */
#ifndef TZ_H
#define TZ_H

#include <stdint.h>
#include <stddef.h>

/* Make name (an IANA zone such as "Asia/Ho_Chi_Minh") the process's local zone; -1 if unknown. */
int	tz_set(const char *name);

/* "08:15 16/09" in local time. */
void	tz_format_short(int64_t t, char *buf, size_t len);

/* "2021-09-16T08:15:00+07:00" in local time. */
void	tz_format_iso(int64_t t, char *buf, size_t len);

/* The UTC second at which the local day holding t began. */
int64_t	tz_day_start(int64_t t);

#endif
