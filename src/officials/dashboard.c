/*
 * dashboard.c: the ward dashboard, a venue's page and the login form as
 * self-contained HTML5: inline CSS, charts drawn here as inline SVG, no
 * script and nothing fetched from elsewhere, so a saved page still shows
 * everything. The layout is one column on a phone and widens on a desktop.
 * Every string from the database is HTML-escaped. Figures carry data-*
 * attributes so that tests and scripts can find them.
 *
 * Personal data: none. The inactive list leaves out owner numbers (the
 * audited API and CSV give them), so these pages write no audit row.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "base/buf.h"
#include "base/tz.h"
#include "codec/code.h"
#include "config/config.h"
#include "store/store.h"
#include "officials/dashboard.h"
#include "officials/district.h"

#define DASH_DAY		86400
#define DASH_VENUE_DAYS		14	/* days of counts on a venue's page */
#define DASH_CHART_W		480	/* SVG user units */
#define DASH_BAR_H		15
#define DASH_LABEL_W		130

enum dash_lang { DASH_VI, DASH_EN };

enum dash_text {
	T_TITLE,
	T_VENUE_TITLE,
	T_LOGIN_TITLE,
	T_PERIOD,
	T_SWITCH,
	T_VENUES,
	T_VENUES_USED,
	T_CHECKINS,
	T_VISITORS,
	T_FLAGGED,
	T_WARD,
	T_BY_WARD,
	T_PER_DAY,
	T_FLAGGED_BY_WARD,
	T_INACTIVE,
	T_INACTIVE_NONE,
	T_NEVER,
	T_LAST,
	T_POSTER_PDF,
	T_POSTER_PNG,
	T_PAGE,
	T_CODE,
	T_ADDRESS,
	T_LAST_DAYS,
	T_TOTAL,
	T_TOKEN,
	T_SIGN_IN,
	T_BAD_TOKEN,
	T_SIGN_OUT,
	T_BACK,
	T_NO_WARDS,
	T_INACTIVE_NOTE,
	T_DAYS_AGO,
	T_COUNT
};

/* Each text in Vietnamese, then English. */
static const char *dash_texts[T_COUNT][2] = {
	[T_TITLE] = { "Bảng theo dõi check-in theo phường", "Ward check-in dashboard" },
	[T_VENUE_TITLE] = { "Địa điểm", "Venue" },
	[T_LOGIN_TITLE] = { "Đăng nhập", "Sign in" },
	[T_PERIOD] = { "Khoảng thời gian", "Period" },
	[T_SWITCH] = { "English", "Tiếng Việt" },
	[T_VENUES] = { "Địa điểm có mã", "Venues with a code" },
	[T_VENUES_USED] = { "Địa điểm có check-in", "Venues with check-ins" },
	[T_CHECKINS] = { "Lượt check-in", "Check-ins" },
	[T_VISITORS] = { "Người đến", "Visitors" },
	[T_FLAGGED] = { "Khai báo cần chú ý", "Flagged declarations" },
	[T_WARD] = { "Phường", "Ward" },
	[T_BY_WARD] = { "Địa điểm có mã và có check-in, theo phường",
	    "Venues with a code and with check-ins, by ward" },
	[T_PER_DAY] = { "Lượt check-in mỗi ngày", "Check-ins per day" },
	[T_FLAGGED_BY_WARD] = { "Khai báo y tế cần chú ý, theo phường",
	    "Flagged health declarations, by ward" },
	[T_INACTIVE] = { "Địa điểm không có check-in", "Venues without check-ins" },
	[T_INACTIVE_NONE] = { "Không có: mọi địa điểm đều có check-in.",
	    "None: every venue has check-ins." },
	[T_NEVER] = { "chưa bao giờ", "never" },
	[T_LAST] = { "lần cuối", "last" },
	[T_POSTER_PDF] = { "Áp phích (PDF)", "Poster (PDF)" },
	[T_POSTER_PNG] = { "Áp phích (PNG)", "Poster (PNG)" },
	[T_PAGE] = { "Trang", "Page" },
	[T_CODE] = { "Mã", "Code" },
	[T_ADDRESS] = { "Địa chỉ", "Address" },
	[T_LAST_DAYS] = { "Lượt check-in 14 ngày qua", "Check-ins, last 14 days" },
	[T_TOTAL] = { "Tổng", "Total" },
	[T_TOKEN] = { "Mã truy cập", "Access token" },
	[T_SIGN_IN] = { "Đăng nhập", "Sign in" },
	[T_BAD_TOKEN] = { "Mã truy cập không đúng.", "Wrong access token." },
	[T_SIGN_OUT] = { "Đăng xuất", "Sign out" },
	[T_BACK] = { "Về bảng theo dõi", "Back to the dashboard" },
	[T_NO_WARDS] = { "Chưa có địa điểm nào.", "No venues yet." },
	[T_INACTIVE_NOTE] = { "Không có check-in trong", "No check-in in the last" },
	[T_DAYS_AGO] = { "ngày qua", "days" },
};

static const char dash_css[] =
	"*{box-sizing:border-box}"
	"body{margin:0;font:16px/1.45 system-ui,-apple-system,'Segoe UI',"
	"Roboto,'DejaVu Sans',sans-serif;color:#1b1f24;background:#f4f6f8}"
	"header{background:#0b5d4b;color:#fff;padding:12px 16px}"
	"header h1{margin:0;font-size:1.25rem}"
	"header a{color:#fff}"
	".bar{display:flex;flex-wrap:wrap;gap:4px 16px;align-items:baseline;"
	"font-size:.9rem}"
	"main{max-width:1200px;margin:0 auto;padding:12px}"
	"section{background:#fff;border-radius:8px;padding:12px 14px;margin:0 0 12px;"
	"box-shadow:0 1px 2px rgba(0,0,0,.08)}"
	"h2{font-size:1.05rem;margin:0 0 8px}"
	".tiles{display:grid;grid-template-columns:repeat(2,1fr);gap:8px;"
	"margin:0 0 12px}"
	".tile{background:#fff;border-radius:8px;padding:10px 12px;"
	"box-shadow:0 1px 2px rgba(0,0,0,.08)}"
	".tile b{display:block;font-size:1.6rem}"
	".tile span{font-size:.85rem;color:#555}"
	".grid{display:grid;grid-template-columns:1fr;gap:0 12px;align-items:start}"
	"svg{width:100%;height:auto;display:block}"
	"svg text{font-family:inherit}"
	"table{border-collapse:collapse;width:100%;font-size:.9rem}"
	"th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #e3e6ea}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	".legend{font-size:.85rem;color:#444}"
	".sw{display:inline-block;width:10px;height:10px;margin:0 4px 0 8px}"
	"ul.venues{list-style:none;padding:0;margin:0}"
	"ul.venues li{padding:6px 0;border-bottom:1px solid #e3e6ea}"
	".code{font-size:2.4rem;font-weight:700;letter-spacing:.05em}"
	".muted{color:#666;font-size:.85rem}"
	"form{display:grid;gap:8px;max-width:360px}"
	"input,button{font:inherit;padding:8px}"
	"button{background:#0b5d4b;color:#fff;border:0;border-radius:4px}"
	".err{color:#b00020}"
	"form.out{display:inline;margin:0}form.out button{padding:2px 8px}"
	"@media (min-width:800px){.tiles{grid-template-columns:repeat(5,1fr)}"
	".grid{grid-template-columns:1fr 1fr}header h1{font-size:1.5rem}}";

/* The fields of a ward row the page shows, with their names in data-field. */
struct dash_ward {
	char	*ward;
	int64_t	 venues;
	int64_t	 used;
	int64_t	 checkins;
	int64_t	 visitors;
	int64_t	 flagged;
};

struct dash_wards {
	struct dash_ward	*v;
	size_t			 n;
	const struct district_scope *sc;	/* the wards the token sees */
};

struct dash_days {
	int64_t	*day;
	int64_t	*count;
	size_t	 n;
};

static enum dash_lang
dash_lang(const char *lang)
{
	return lang != NULL && strcmp(lang, "en") == 0 ? DASH_EN : DASH_VI;
}

static const char *
dash_t(enum dash_lang l, enum dash_text t)
{
	return dash_texts[t][l];
}

static void
dash_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
dash_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	 small[512], *big;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		buf_add(b, small, (size_t)n);
		return;
	}
	big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf_add(b, big, (size_t)n);
	free(big);
}

/* s with & < > " ' as character references (HTML 5, 13.1.2.6); NULL as nothing. */
static void
dash_esc(struct buf *b, const char *s)
{
	static const struct {
		char		 c;
		const char	*ref;
	} refs[] = {
		{ '&', "&amp;" }, { '<', "&lt;" }, { '>', "&gt;" },
		{ '"', "&quot;" }, { '\'', "&#39;" },
	};
	const char	*p;
	size_t		 i;

	if (s == NULL)
		return;
	for (p = s; *p != '\0'; p++) {
		for (i = 0; i < nitems(refs); i++) {
			if (*p == refs[i].c)
				break;
		}
		if (i < nitems(refs))
			buf_str(b, refs[i].ref);
		else if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
			buf_str(b, "\xef\xbf\xbd");	/* U+FFFD */
		else
			buf_add(b, p, 1);
	}
}

void
dashboard_esc(struct buf *b, const char *s)
{
	dash_esc(b, s);
}

/* A local date, "30/11/2026", or "2026-11-30" for attributes (iso 1). */
static void
dash_date(int64_t t, int iso, char *out, size_t len)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	localtime_r(&tt, &tm);
	strftime(out, len, iso ? "%Y-%m-%d" : "%d/%m/%Y", &tm);
}

/* The start of the local day after the one starting at day (23 to 25 hours later). */
static int64_t
dash_next_day(int64_t day)
{
	return tz_day_start(day + DASH_DAY + DASH_DAY / 2);
}

static void
dash_head(struct buf *b, enum dash_lang l, const char *title)
{
	buf_str(b, "<!DOCTYPE html>\n<html lang=\"");
	buf_str(b, l == DASH_EN ? "en" : "vi");
	buf_str(b, "\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	    "<meta name=\"robots\" content=\"noindex\"><title>");
	dash_esc(b, title);
	buf_str(b, "</title><style>");
	buf_str(b, dash_css);
	buf_str(b, "</style></head><body>\n");
}

static char *
dash_finish(struct buf *b, size_t *len)
{
	buf_str(b, "</main></body></html>\n");
	if (len != NULL)
		*len = b->len;
	return buf_take(b);
}

static int
dash_ward_cb(const struct ward_row *w, void *arg)
{
	struct dash_wards	*ws = arg;
	struct dash_ward	*d;

	if (!district_in_scope(ws->sc, w->ward))
		return 0;
	ws->v = xreallocarray(ws->v, ws->n + 1, sizeof *ws->v);
	d = &ws->v[ws->n++];
	d->ward = xstrdup(w->ward != NULL ? w->ward : "");
	d->venues = w->venues;
	d->used = w->venues_used;
	d->checkins = w->checkins;
	d->visitors = w->visitors;
	d->flagged = w->flagged;
	return 0;
}

static void
dash_wards_free(struct dash_wards *ws)
{
	size_t	i;

	for (i = 0; i < ws->n; i++)
		free(ws->v[i].ward);
	free(ws->v);
}

/* Add a day's count to its slot among the local days loaded. */
static int
dash_series_cb(int64_t day, int64_t checkins, void *arg)
{
	struct dash_days	*d = arg;
	size_t			 i;

	for (i = 0; i < d->n; i++) {
		if (d->day[i] == day) {
			d->count[i] += checkins;
			break;
		}
	}
	return 0;
}

/* The local days of [from, to) and their check-ins; -1 on a storage error. */
static int
dash_days_load(struct store *st, int64_t venue_id, int64_t from, int64_t to,
    struct dash_days *d)
{
	int64_t	day;

	memset(d, 0, sizeof *d);
	for (day = tz_day_start(from); day < to; day = dash_next_day(day)) {
		d->day = xreallocarray(d->day, d->n + 1, sizeof *d->day);
		d->count = xreallocarray(d->count, d->n + 1, sizeof *d->count);
		d->day[d->n] = day;
		d->count[d->n++] = 0;
	}
	return store_daily_series(st, venue_id, from, to, dash_series_cb, d);
}

static void
dash_days_free(struct dash_days *d)
{
	free(d->day);
	free(d->count);
}

/* A round maximum for an axis: 1, 2, 5 times a power of ten, at least m. */
static int64_t
dash_axis_max(int64_t m)
{
	int64_t	p = 1;

	for (;;) {
		if (m <= p)
			return p;
		if (m <= 2 * p)
			return 2 * p;
		if (m <= 5 * p)
			return 5 * p;
		p *= 10;
	}
}

/* Per ward, two horizontal bars: venues with a code, and with check-ins. */
static void
dash_chart_wards(struct buf *b, enum dash_lang l, const struct dash_wards *ws)
{
	int64_t	max = 1;
	double	scale;
	size_t	i;
	int	y, h, w1, w2, plot = DASH_CHART_W - DASH_LABEL_W - 40;

	for (i = 0; i < ws->n; i++) {
		if (ws->v[i].venues > max)
			max = ws->v[i].venues;
	}
	max = dash_axis_max(max);
	scale = (double)plot / (double)max;
	h = (int)ws->n * (2 * DASH_BAR_H + 12) + 8;
	dash_printf(b, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\""
	    " data-chart=\"wards\">", DASH_CHART_W, h, dash_t(l, T_BY_WARD));
	for (i = 0; i < ws->n; i++) {
		y = 4 + (int)i * (2 * DASH_BAR_H + 12);
		w1 = (int)((double)ws->v[i].venues * scale + 0.5);
		w2 = (int)((double)ws->v[i].used * scale + 0.5);
		buf_str(b, "<g><text x=\"0\" y=\"");
		dash_printf(b, "%d\" font-size=\"14\" dominant-baseline=\"middle\">",
		    y + DASH_BAR_H);
		dash_esc(b, ws->v[i].ward);
		buf_str(b, "</text>");
		dash_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
		    " fill=\"#9cc3b8\"/><text x=\"%d\" y=\"%d\" font-size=\"13\""
		    " dominant-baseline=\"middle\">%lld</text>",
		    DASH_LABEL_W, y, w1, DASH_BAR_H, DASH_LABEL_W + w1 + 4,
		    y + DASH_BAR_H / 2, (long long)ws->v[i].venues);
		dash_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
		    " fill=\"#0b5d4b\"/><text x=\"%d\" y=\"%d\" font-size=\"13\""
		    " dominant-baseline=\"middle\">%lld</text></g>",
		    DASH_LABEL_W, y + DASH_BAR_H, w2, DASH_BAR_H,
		    DASH_LABEL_W + w2 + 4, y + DASH_BAR_H + DASH_BAR_H / 2,
		    (long long)ws->v[i].used);
	}
	buf_str(b, "</svg><p class=\"legend\"><span class=\"sw\" style=\"background:"
	    "#9cc3b8\"></span>");
	buf_str(b, dash_t(l, T_VENUES));
	buf_str(b, "<span class=\"sw\" style=\"background:#0b5d4b\"></span>");
	buf_str(b, dash_t(l, T_VENUES_USED));
	buf_str(b, "</p>");
}

/* Check-ins per day: a line over the days, each point marked with its count. */
static void
dash_chart_days(struct buf *b, enum dash_lang l, const struct dash_days *d)
{
	const int	W = DASH_CHART_W, H = 220, L = 44, R = 24, T = 12, B = 36;
	int64_t		max = 1;
	double		x, y, step;
	char		date[16], iso[16];
	size_t		i, every;

	for (i = 0; i < d->n; i++) {
		if (d->count[i] > max)
			max = d->count[i];
	}
	max = dash_axis_max(max);
	step = d->n > 1 ? (double)(W - L - R) / (double)(d->n - 1) : 0;
	every = d->n / 8 + 1;
	dash_printf(b, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\""
	    " data-chart=\"days\">", W, H, dash_t(l, T_PER_DAY));
	/* the axes, and the top and middle of the scale */
	dash_printf(b, "<g stroke=\"#c8ccd1\" stroke-width=\"1\">"
	    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
	    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
	    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke-dasharray=\"4 4\"/></g>",
	    L, H - B, W - R, H - B, L, T, W - R, T, L, T + (H - B - T) / 2, W - R,
	    T + (H - B - T) / 2);
	dash_printf(b, "<g font-size=\"13\" text-anchor=\"end\" fill=\"#555\">"
	    "<text x=\"%d\" y=\"%d\">%lld</text><text x=\"%d\" y=\"%d\">%lld</text>"
	    "<text x=\"%d\" y=\"%d\">0</text></g>", L - 6, T + 4, (long long)max,
	    L - 6, T + (H - B - T) / 2 + 4, (long long)(max / 2), L - 6, H - B + 4);
	buf_str(b, "<polyline fill=\"none\" stroke=\"#0b5d4b\" stroke-width=\"2.5\""
	    " points=\"");
	for (i = 0; i < d->n; i++) {
		x = L + step * (double)i + (d->n == 1 ? (W - L - R) / 2.0 : 0);
		y = (H - B) - (double)d->count[i] * (H - B - T) / (double)max;
		dash_printf(b, "%s%.1f,%.1f", i > 0 ? " " : "", x, y);
	}
	buf_str(b, "\"/>");
	for (i = 0; i < d->n; i++) {
		x = L + step * (double)i + (d->n == 1 ? (W - L - R) / 2.0 : 0);
		y = (H - B) - (double)d->count[i] * (H - B - T) / (double)max;
		dash_date(d->day[i], 1, iso, sizeof iso);
		dash_date(d->day[i], 0, date, sizeof date);
		dash_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#0b5d4b\""
		    " data-day=\"%s\" data-checkins=\"%lld\"><title>%s: %lld</title>"
		    "</circle>", x, y, iso, (long long)d->count[i], date,
		    (long long)d->count[i]);
		if (i % every == 0 || i == d->n - 1) {
			date[5] = '\0';		/* dd/mm */
			dash_printf(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"13\""
			    " text-anchor=\"middle\" fill=\"#555\">%s</text>", x,
			    H - B + 18, date);
		}
	}
	buf_str(b, "</svg>");
}

/* Flagged declarations per ward, as bars. */
static void
dash_chart_flagged(struct buf *b, enum dash_lang l, const struct dash_wards *ws)
{
	int64_t	max = 1;
	size_t	i;
	int	y, w, plot = DASH_CHART_W - DASH_LABEL_W - 40;

	for (i = 0; i < ws->n; i++) {
		if (ws->v[i].flagged > max)
			max = ws->v[i].flagged;
	}
	max = dash_axis_max(max);
	dash_printf(b, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\""
	    " data-chart=\"flagged\">", DASH_CHART_W, (int)ws->n * (DASH_BAR_H + 10) + 8,
	    dash_t(l, T_FLAGGED_BY_WARD));
	for (i = 0; i < ws->n; i++) {
		y = 4 + (int)i * (DASH_BAR_H + 10);
		w = (int)((double)ws->v[i].flagged * plot / (double)max + 0.5);
		dash_printf(b, "<g><text x=\"0\" y=\"%d\" font-size=\"14\""
		    " dominant-baseline=\"middle\">", y + DASH_BAR_H / 2);
		dash_esc(b, ws->v[i].ward);
		dash_printf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
		    " fill=\"#c0392b\"/><text x=\"%d\" y=\"%d\" font-size=\"13\""
		    " dominant-baseline=\"middle\">%lld</text></g>", DASH_LABEL_W, y, w,
		    DASH_BAR_H, DASH_LABEL_W + w + 4, y + DASH_BAR_H / 2,
		    (long long)ws->v[i].flagged);
	}
	buf_str(b, "</svg>");
}

/* The ward figures as a table, each number marked data-ward and data-field. */
static void
dash_ward_table(struct buf *b, enum dash_lang l, const struct dash_wards *ws)
{
	static const struct {
		enum dash_text	 label;
		const char	*field;
		size_t		 off;
	} cols[] = {
		{ T_VENUES, "venues", offsetof(struct dash_ward, venues) },
		{ T_VENUES_USED, "venues_used", offsetof(struct dash_ward, used) },
		{ T_CHECKINS, "checkins", offsetof(struct dash_ward, checkins) },
		{ T_VISITORS, "visitors", offsetof(struct dash_ward, visitors) },
		{ T_FLAGGED, "flagged", offsetof(struct dash_ward, flagged) },
	};
	size_t	i, c;

	buf_str(b, "<div style=\"overflow-x:auto\"><table><thead><tr><th>");
	buf_str(b, dash_t(l, T_WARD));
	buf_str(b, "</th>");
	for (c = 0; c < nitems(cols); c++)
		dash_printf(b, "<th class=\"n\">%s</th>", dash_t(l, cols[c].label));
	buf_str(b, "</tr></thead><tbody>");
	for (i = 0; i < ws->n; i++) {
		buf_str(b, "<tr data-ward=\"");
		dash_esc(b, ws->v[i].ward);
		buf_str(b, "\"><th>");
		dash_esc(b, ws->v[i].ward);
		buf_str(b, "</th>");
		for (c = 0; c < nitems(cols); c++) {
			dash_printf(b, "<td class=\"n\" data-field=\"%s\">%lld</td>",
			    cols[c].field, (long long)*(const int64_t *)(const void *)
			    ((const char *)&ws->v[i] + cols[c].off));
		}
		buf_str(b, "</tr>");
	}
	buf_str(b, "</tbody></table></div>");
}

struct dash_inactive {
	struct buf	*b;
	enum dash_lang	 l;
	int64_t		 n;
	const struct district_scope *sc;
	struct store	*st;		/* for each venue's last inspection */
};

/* One inactive venue: name, code, ward, last check-in, its page and poster; no owner. */
static int
dash_inactive_cb(const struct venue *v, int64_t last, void *arg)
{
	struct dash_inactive	*in = arg;
	struct buf		*b = in->b;
	const char		*q = in->l == DASH_EN ? "?lang=en" : "";
	char			 grouped[CODE_MAX + 4], date[16];
	struct inspection	 last_in;

	if (!district_in_scope(in->sc, v->ward))
		return 0;
	code_group(v->code, grouped, sizeof grouped);
	dash_printf(b, "<li data-code=\"%s\"><b>", v->code);
	dash_esc(b, v->name);
	dash_printf(b, "</b> &middot; <span class=\"muted\">%s &middot; ", grouped);
	dash_esc(b, v->ward);
	buf_str(b, " &middot; ");
	if (last == 0)
		buf_str(b, dash_t(in->l, T_NEVER));
	else {
		dash_date(last, 0, date, sizeof date);
		dash_printf(b, "%s %s", dash_t(in->l, T_LAST), date);
	}
	/* The last inspection (issue 18). */
	if (in->st != NULL && store_inspection_last(in->st, v->id, &last_in) == 1) {
		dash_date(last_in.at, 0, date, sizeof date);
		dash_printf(b, " &middot; <span data-inspected=\"%s\">%s %s: %s</span>",
		    last_in.result, in->l == DASH_EN ? "inspected" : "kiểm tra", date,
		    last_in.result);
	}
	dash_printf(b, "</span><br><a href=\"/venue/%s%s\">%s</a> &middot; "
	    "<a href=\"/venue/%s/poster.pdf\">%s</a> &middot; "
	    "<a href=\"/venue/%s/poster.png\">%s</a></li>", v->code, q,
	    dash_t(in->l, T_PAGE), v->code, dash_t(in->l, T_POSTER_PDF), v->code,
	    dash_t(in->l, T_POSTER_PNG));
	in->n++;
	return 0;
}

static void
dash_header(struct buf *b, enum dash_lang l, const char *title, const char *switch_href)
{
	buf_str(b, "<header><h1>");
	dash_esc(b, title);
	buf_str(b, "</h1><div class=\"bar\">");
	if (switch_href != NULL) {
		buf_str(b, "<a data-switch href=\"");
		dash_esc(b, switch_href);
		dash_printf(b, "\" hreflang=\"%s\">%s</a>", l == DASH_EN ? "vi" : "en",
		    dash_t(l, T_SWITCH));
	}
	/* A form, not a link: signing out changes state, so it is a POST. */
	dash_printf(b, "<form class=\"out\" method=\"post\" action=\"/logout\">"
	    "<button type=\"submit\">%s</button></form></div></header><main>",
	    dash_t(l, T_SIGN_OUT));
}

char *
dashboard_page(struct store *st, const struct config *cfg,
    const struct district_scope *sc, const char *csrf, int64_t from, int64_t to,
    int inactive_days, const char *lang, size_t *len)
{
	enum dash_lang		 l = dash_lang(lang);
	struct buf		 b = { NULL, 0, 0 }, list = { NULL, 0, 0 };
	struct dash_wards	 ws = { NULL, 0, sc };
	struct dash_days	 days;
	struct dash_inactive	 in;
	struct dash_ward	 tot;
	char			 href[128], d1[16], d2[16], *s;
	size_t			 i;

	(void)cfg;
	if (store_report_wards(st, from, to, dash_ward_cb, &ws) == -1) {
		dash_wards_free(&ws);
		return NULL;
	}
	if (dash_days_load(st, 0, from, to, &days) == -1) {
		dash_wards_free(&ws);
		dash_days_free(&days);
		return NULL;
	}
	in.b = &list;
	in.l = l;
	in.n = 0;
	in.sc = sc;
	in.st = st;
	if (store_report_inactive(st, time(NULL) - (int64_t)inactive_days * DASH_DAY,
	    dash_inactive_cb, &in) == -1) {
		dash_wards_free(&ws);
		dash_days_free(&days);
		free(buf_take(&list));
		return NULL;
	}

	memset(&tot, 0, sizeof tot);
	for (i = 0; i < ws.n; i++) {
		tot.venues += ws.v[i].venues;
		tot.used += ws.v[i].used;
		tot.checkins += ws.v[i].checkins;
		tot.visitors += ws.v[i].visitors;
		tot.flagged += ws.v[i].flagged;
	}

	dash_head(&b, l, dash_t(l, T_TITLE));
	snprintf(href, sizeof href, "/dashboard?from=%lld&to=%lld&lang=%s",
	    (long long)from, (long long)to, l == DASH_EN ? "vi" : "en");
	dash_header(&b, l, dash_t(l, T_TITLE), href);
	dash_date(from, 0, d1, sizeof d1);
	dash_date(to - 1, 0, d2, sizeof d2);
	dash_printf(&b, "<p class=\"muted\" data-from=\"%lld\" data-to=\"%lld\">%s: "
	    "%s &ndash; %s</p>", (long long)from, (long long)to, dash_t(l, T_PERIOD),
	    d1, d2);

	dash_printf(&b, "<div class=\"tiles\">"
	    "<div class=\"tile\"><b data-total=\"venues\">%lld</b><span>%s</span></div>"
	    "<div class=\"tile\"><b data-total=\"venues_used\">%lld</b><span>%s</span></div>"
	    "<div class=\"tile\"><b data-total=\"checkins\">%lld</b><span>%s</span></div>"
	    "<div class=\"tile\"><b data-total=\"visitors\">%lld</b><span>%s</span></div>"
	    "<div class=\"tile\"><b data-total=\"flagged\">%lld</b><span>%s</span></div>"
	    "</div>", (long long)tot.venues, dash_t(l, T_VENUES), (long long)tot.used,
	    dash_t(l, T_VENUES_USED), (long long)tot.checkins, dash_t(l, T_CHECKINS),
	    (long long)tot.visitors, dash_t(l, T_VISITORS), (long long)tot.flagged,
	    dash_t(l, T_FLAGGED));

	buf_str(&b, "<div class=\"grid\"><section id=\"wards\"><h2>");
	buf_str(&b, dash_t(l, T_BY_WARD));
	buf_str(&b, "</h2>");
	if (ws.n == 0)
		dash_printf(&b, "<p>%s</p>", dash_t(l, T_NO_WARDS));
	else
		dash_chart_wards(&b, l, &ws);
	buf_str(&b, "</section><section id=\"days\"><h2>");
	buf_str(&b, dash_t(l, T_PER_DAY));
	buf_str(&b, "</h2>");
	dash_chart_days(&b, l, &days);
	buf_str(&b, "</section><section id=\"flagged\"><h2>");
	buf_str(&b, dash_t(l, T_FLAGGED_BY_WARD));
	buf_str(&b, "</h2>");
	if (ws.n > 0)
		dash_chart_flagged(&b, l, &ws);
	buf_str(&b, "</section><section id=\"inactive\"><h2>");
	buf_str(&b, dash_t(l, T_INACTIVE));
	dash_printf(&b, " (<span data-total=\"inactive\">%lld</span>)</h2><p class="
	    "\"muted\">", (long long)in.n);
	dash_printf(&b, "%s <span data-days>%d</span> %s", dash_t(l, T_INACTIVE_NOTE),
	    inactive_days, dash_t(l, T_DAYS_AGO));
	buf_str(&b, "</p>");
	if (in.n == 0)
		dash_printf(&b, "<p>%s</p>", dash_t(l, T_INACTIVE_NONE));
	else {
		buf_str(&b, "<ul class=\"venues\">");
		s = buf_take(&list);
		buf_str(&b, s);
		free(s);
		buf_str(&b, "</ul>");
	}
	buf_str(&b, "</section></div><section id=\"table\"><h2>");
	buf_str(&b, dash_t(l, T_WARD));
	buf_str(&b, "</h2>");
	dash_ward_table(&b, l, &ws);
	buf_str(&b, "</section>");
	if (dashboard_ward_sections(&b, st, sc, csrf, from, to, l == DASH_EN) == -1) {
		free(buf_take(&b));
		free(buf_take(&list));
		dash_wards_free(&ws);
		dash_days_free(&days);
		return NULL;
	}

	free(buf_take(&list));
	dash_wards_free(&ws);
	dash_days_free(&days);
	return dash_finish(&b, len);
}

/* The last DASH_VENUE_DAYS days as vertical bars, each marked with its day and count. */
static void
dash_chart_venue(struct buf *b, enum dash_lang l, const struct dash_days *d)
{
	const int	W = DASH_CHART_W, H = 220, T = 18, B = 30, L = 8;
	int64_t		max = 1;
	double		slot, x, h;
	char		date[16], iso[16];
	size_t		i;

	for (i = 0; i < d->n; i++) {
		if (d->count[i] > max)
			max = d->count[i];
	}
	max = dash_axis_max(max);
	slot = d->n > 0 ? (double)(W - 2 * L) / (double)d->n : 0;
	dash_printf(b, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\""
	    " data-chart=\"venue-days\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
	    " stroke=\"#c8ccd1\"/>", W, H, dash_t(l, T_LAST_DAYS), L, H - B, W - L,
	    H - B);
	for (i = 0; i < d->n; i++) {
		x = L + slot * (double)i;
		h = (double)d->count[i] * (H - B - T) / (double)max;
		dash_date(d->day[i], 1, iso, sizeof iso);
		dash_date(d->day[i], 0, date, sizeof date);
		date[5] = '\0';
		dash_printf(b, "<g data-day=\"%s\" data-checkins=\"%lld\"><rect x=\"%.1f\""
		    " y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#0b5d4b\"/>"
		    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" text-anchor=\"middle\">"
		    "%lld</text><text x=\"%.1f\" y=\"%d\" font-size=\"11\""
		    " text-anchor=\"middle\" fill=\"#555\">%s</text></g>", iso,
		    (long long)d->count[i], x + slot * 0.15, (H - B) - h, slot * 0.7, h,
		    x + slot / 2, (H - B) - h - 4, (long long)d->count[i], x + slot / 2,
		    H - B + 16, date);
	}
	buf_str(b, "</svg>");
}

char *
dashboard_venue_page(struct store *st, const struct config *cfg, const char *code,
    const char *lang, const char *csrf, size_t *len)
{
	enum dash_lang		 l = dash_lang(lang);
	struct buf		 b = { NULL, 0, 0 };
	struct venue		 v;
	struct dash_days	 days;
	int64_t			 today, from, total = 0;
	char			 grouped[CODE_MAX + 4], href[64];
	size_t			 i;
	int			 rc;

	memset(&v, 0, sizeof v);
	if ((rc = store_venue_by_code(st, code, &v)) != 1)
		return NULL;
	today = tz_day_start(time(NULL));
	from = today;
	for (i = 1; i < DASH_VENUE_DAYS; i++)
		from = tz_day_start(from - DASH_DAY / 2);
	if (dash_days_load(st, v.id, from, dash_next_day(today), &days) == -1) {
		dash_days_free(&days);
		store_venue_free(&v);
		return NULL;
	}
	for (i = 0; i < days.n; i++)
		total += days.count[i];
	code_group(v.code, grouped, sizeof grouped);

	dash_head(&b, l, v.name != NULL ? v.name : v.code);
	snprintf(href, sizeof href, "/venue/%s?lang=%s", v.code,
	    l == DASH_EN ? "vi" : "en");
	dash_header(&b, l, dash_t(l, T_VENUE_TITLE), href);
	buf_str(&b, "<section id=\"venue\"><h2 data-name>");
	dash_esc(&b, v.name);
	dash_printf(&b, "</h2><div class=\"code\" data-code=\"%s\">%s</div>", v.code,
	    grouped);
	if (cfg != NULL && cfg->short_number != NULL) {
		buf_str(&b, "<p class=\"muted\">SMS ");
		dash_esc(&b, cfg->short_number);
		buf_str(&b, "</p>");
	}
	dash_printf(&b, "<table><tr><th>%s</th><td data-field=\"ward\">",
	    dash_t(l, T_WARD));
	dash_esc(&b, v.ward);
	dash_printf(&b, "</td></tr><tr><th>%s</th><td data-field=\"address\">",
	    dash_t(l, T_ADDRESS));
	dash_esc(&b, v.address);
	dash_printf(&b, "</td></tr></table><p><a href=\"/venue/%s/poster.pdf\">%s</a>"
	    " &middot; <a href=\"/venue/%s/poster.png\">%s</a></p></section>",
	    v.code, dash_t(l, T_POSTER_PDF), v.code, dash_t(l, T_POSTER_PNG));
	dash_printf(&b, "<section id=\"last-days\"><h2>%s</h2>", dash_t(l, T_LAST_DAYS));
	dash_chart_venue(&b, l, &days);
	dash_printf(&b, "<p>%s: <b data-total=\"checkins\">%lld</b></p></section>",
	    dash_t(l, T_TOTAL), (long long)total);
	if (dashboard_ward_venue(&b, st, v.id, v.code, csrf, l == DASH_EN) == -1) {
		free(buf_take(&b));
		dash_days_free(&days);
		store_venue_free(&v);
		return NULL;
	}
	dash_printf(&b, "<p><a href=\"/dashboard%s\">%s</a></p>",
	    l == DASH_EN ? "?lang=en" : "", dash_t(l, T_BACK));

	dash_days_free(&days);
	store_venue_free(&v);
	return dash_finish(&b, len);
}

char *
dashboard_login_page(const char *lang, int failed, size_t *len)
{
	enum dash_lang	l = dash_lang(lang);
	struct buf	b = { NULL, 0, 0 };

	dash_head(&b, l, dash_t(l, T_LOGIN_TITLE));
	dash_printf(&b, "<header><h1>%s</h1><div class=\"bar\"><a data-switch"
	    " href=\"/login?lang=%s\">%s</a></div></header><main><section>",
	    dash_t(l, T_TITLE), l == DASH_EN ? "vi" : "en", dash_t(l, T_SWITCH));
	dash_printf(&b, "<h2>%s</h2>", dash_t(l, T_LOGIN_TITLE));
	if (failed)
		dash_printf(&b, "<p class=\"err\" id=\"failed\">%s</p>",
		    dash_t(l, T_BAD_TOKEN));
	dash_printf(&b, "<form method=\"post\" action=\"/login%s\">"
	    "<label for=\"token\">%s</label>"
	    "<input type=\"password\" id=\"token\" name=\"token\" autocomplete="
	    "\"current-password\" required>"
	    "<button type=\"submit\">%s</button></form></section>",
	    l == DASH_EN ? "?lang=en" : "", dash_t(l, T_TOKEN), dash_t(l, T_SIGN_IN));
	return dash_finish(&b, len);
}
