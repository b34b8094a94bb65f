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
struct buf;
struct district_scope;

/* The dashboard for [from, to) in lang ("vi" or "en"); a new string, NULL on a storage error. */
char	*dashboard_page(struct store *, const struct config *,
	    const struct district_scope *, const char *csrf, int64_t from, int64_t to,
	    int inactive_days, const char *lang, size_t *len);
/* One venue's page: code, poster links, the last 14 days of counts; no personal data. NULL: no such venue. */
char	*dashboard_venue_page(struct store *, const struct config *, const char *code,
	    const char *lang, const char *csrf, size_t *len);
/* HTML-escaped s (dashboard.c), for dashboard-ward.c. */
void	 dashboard_esc(struct buf *, const char *s);
/* dashboard-ward.c (issue 18): the roll-up, registrations, flags; l 1: English. */
int	 dashboard_ward_sections(struct buf *, struct store *,
	    const struct district_scope *, const char *csrf, int64_t from, int64_t to,
	    int l);
/* A venue's last inspection and, with a csrf, the form recording one. */
int	 dashboard_ward_venue(struct buf *, struct store *, int64_t venue_id,
	    const char *code, const char *csrf, int l);
/* The login form (an error line when failed). */
char	*dashboard_login_page(const char *lang, int failed, size_t *len);

#endif
