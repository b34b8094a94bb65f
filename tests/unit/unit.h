/*
 * unit.h: what the unit tests share, with Check assertions: a temporary
 * folder with a configuration and a store, venues, check-ins counted, a
 * mistyped code, a header table, main().
 */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>

#include "fixture.h"

/* A temporary folder, the configuration written there and its store. */
struct unit {
	char		 dir[1024];
	struct config	*cfg;
	struct store	*st;
};

/* A header as chan-http.c would hand it over; tables end with a NULL name. */
struct unit_hdr {
	const char	*name;
	const char	*value;
};

void		 unit_open(struct unit *, const char *, const char *);
void		 unit_close(struct unit *);
void		 unit_venue(struct store *, struct venue *, const char *, const char *,
		     const char *, const char *);
int		 unit_checkins(struct store *, int, const char *);
void		 unit_typo(const char *, char *);
const char	*unit_header(void *, const char *);
int		 unit_run(Suite *);

#endif
