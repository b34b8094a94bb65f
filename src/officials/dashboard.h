/*
 * dashboard.h: the ward dashboard and venue pages: self-contained HTML with
 * CSS and inline SVG charts rendered on the server. Pure: data in, a page out.
 */
#ifndef DASHBOARD_H
#define DASHBOARD_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct config;

/* The dashboard for [from, to) in lang ("vi" or "en"); a new string, NULL on a storage error. */
char	*dashboard_page(struct store *, const struct config *, int64_t from, int64_t to,
	    int inactive_days, const char *lang, size_t *len);
/* One venue's page: code, poster links, the last 14 days of counts; no personal data. NULL: no such venue. */
char	*dashboard_venue_page(struct store *, const struct config *, const char *code,
	    const char *lang, size_t *len);
/* The login form (an error line when failed). */
char	*dashboard_login_page(const char *lang, int failed, size_t *len);

#endif
