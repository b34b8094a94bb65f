/* checkind.h: what every part of checkind shares. */
#ifndef CHECKIND_H
#define CHECKIND_H

#include <stddef.h>
#include <stdint.h>

#ifndef __dead
#define __dead __attribute__((__noreturn__))
#endif
#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Reply languages: the two built in (the order is the order of template
 * columns), then those the configuration adds (languages = ...), up to
 * LANG_MAX in all. A language is its position; residents' choices are
 * stored as it.
 */
enum lang { LANG_VI = 0, LANG_EN = 1, LANG_COUNT };
#define LANG_MAX	8	/* languages at most, built-in ones included */

#define CODE_MAX	16	/* venue code digits plus NUL, with room to spare */
#define NUMBER_MAX	24	/* "+" and at most 15 digits (E.164), or a short code */
#define TEXT_MAX	4096	/* longest inbound text we look at (bytes of UTF-8) */

/* xmalloc.c: allocation that ends the process on failure. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...) __attribute__((format(printf, 2, 3)));

/* num.c: checked number parsing in the manner of OpenBSD's strtonum(3). */
long long num_parse(const char *, long long, long long, const char **);

/* num.c: seconds as a double, monotonic (for durations) and wall-clock (UTC). */
double	num_mono(void);
double	num_wall(void);

#endif
