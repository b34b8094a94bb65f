/* log.h: key=value logging to stderr (foreground) or syslog. */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>
#include "base/base.h"

#define LOG_ESCAPE_MAX	256	/* escaped untrusted text is cut to this many bytes */

/* verbose: -1 warnings only (command-line tools), 0 info, 1 debug. */
void	log_init(int foreground, int verbose);
void	log_set_verbose(int);
int	log_get_verbose(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
__dead void fatal(const char *, ...) __attribute__((format(printf, 1, 2)));
__dead void fatalx(const char *, ...) __attribute__((format(printf, 1, 2)));

/*
 * Escape untrusted bytes (SMS text, numbers, ids) for a log line: printable
 * ASCII stays, everything else becomes \xNN, quotes and backslashes are
 * escaped, and the result is cut to fit buf. Returns buf.
 */
const char *log_escape(const char *s, size_t len, char *buf, size_t bufsize);

#endif
