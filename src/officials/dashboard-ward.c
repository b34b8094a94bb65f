/*
 * dashboard-ward.c: the dashboard's parts of the ward's own workflow
 * (issue 18): the district roll-up table, the registrations waiting for
 * the ward, the fraud flags, and on a venue's page its last inspection
 * and the form that records one (carrying the session's anti-forgery
 * token). Nothing personal is shown: no owner's number.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/tz.h"
#include "codec/code.h"
#include "store/store.h"
#include "officials/dashboard.h"
#include "officials/district.h"
#include "officials/export.h"

#define DW(en, vi)	(l ? (en) : (vi))

static void
dw_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
dw_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("vasprintf");
	buf_add(b, s, (size_t)n);
	free(s);
}

static void
dw_row(struct buf *b, const struct district_row *r, int total)
{
	buf_str(b, total ? "<tr data-district-total>" : "<tr data-district=\"");
	if (!total) {
		dashboard_esc(b, r->ward);
		buf_str(b, "\">");
	}
	buf_str(b, "<td>");
	dashboard_esc(b, r->ward);
	dw_printf(b, "</td><td data-f=\"listed\">%lld</td>"
	    "<td data-f=\"with_code\">%lld</td><td data-f=\"committed\">%lld</td>"
	    "<td data-f=\"with_checkins\">%lld</td><td data-f=\"checkins\">%lld</td>"
	    "<td data-f=\"inspected\">%lld</td><td data-f=\"violations\">%lld</td>"
	    "<td data-f=\"fraud_flags\">%lld</td></tr>", (long long)r->listed,
	    (long long)r->with_code, (long long)r->committed,
	    (long long)r->with_checkins, (long long)r->checkins,
	    (long long)r->inspected, (long long)r->violations,
	    (long long)r->fraud_flags);
}

struct dw_list {
	struct buf			*b;
	const struct district_scope	*sc;
	const char			*csrf;	/* forms to decide, or NULL */
	int				 l;
	int				 n;
};

static int
dw_registration(const struct registration *r, void *arg)
{
	struct dw_list	*d = arg;

	if (!district_in_scope(d->sc, r->ward))
		return 0;
	dw_printf(d->b, "<li data-registration=\"%lld\"><b>", (long long)r->id);
	dashboard_esc(d->b, r->name);
	buf_str(d->b, "</b> &middot; ");
	dashboard_esc(d->b, r->address);
	buf_str(d->b, " &middot; ");
	dashboard_esc(d->b, r->ward);
	dw_printf(d->b, " &middot; #%lld", (long long)r->id);
	if (d->csrf != NULL && d->csrf[0] != '\0') {
		int	l = d->l;

		dw_printf(d->b, "<form method=\"post\" action=\"/registration/%lld/"
		    "approve\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<button type=\"submit\">%s</button></form>"
		    "<form method=\"post\" action=\"/registration/%lld/reject\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<label for=\"reason%lld\">%s</label><input id=\"reason%lld\" "
		    "name=\"reason\" maxlength=\"200\" required>"
		    "<button type=\"submit\">%s</button></form>", (long long)r->id,
		    d->csrf, DW("Approve", "Duyệt"), (long long)r->id, d->csrf,
		    (long long)r->id, DW("Reason", "Lý do"), (long long)r->id,
		    DW("Reject", "Từ chối"));
	}
	buf_str(d->b, "</li>");
	d->n++;
	return 0;
}

static int
dw_flag(const struct flag_row *f, void *arg)
{
	struct dw_list	*d = arg;
	char		 when[40];
	int		 l = d->l;

	if (!district_in_scope(d->sc, f->ward))
		return 0;
	tz_format_short(f->at, when, sizeof when);
	dw_printf(d->b, "<li data-flag=\"%lld\">%s &middot; <b>", (long long)f->id,
	    when);
	dashboard_esc(d->b, f->venue);
	dw_printf(d->b, "</b> (%s) &larr; ", f->code);
	dashboard_esc(d->b, f->prev_venue);
	dw_printf(d->b, " (%s): %.1f km, %lld %s</li>", f->prev_code,
	    (double)f->distance_m / 1000.0, (long long)(f->seconds / 60),
	    DW("min", "phút"));
	d->n++;
	return 0;
}

int
dashboard_ward_sections(struct buf *b, struct store *st,
    const struct district_scope *sc, const char *csrf, int64_t from, int64_t to,
    int l)
{
	struct district_row	*v, tot;
	struct dw_list		 d;
	size_t			 i, n;

	if (district_report_rows(st, sc, from, to, &v, &n, &tot) == -1)
		return -1;
	dw_printf(b, "<section id=\"district\"><h2>%s</h2><table><tr><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th></tr>",
	    DW("District roll-up", "Tổng hợp toàn quận"), DW("Ward", "Phường"),
	    DW("Listed", "Cơ sở"), DW("With a code", "Đã tạo mã"),
	    DW("Committed", "Đã ký cam kết"), DW("With check-ins", "Có quét mã"),
	    DW("Check-ins", "Lượt quét"), DW("Inspected", "Đã kiểm tra"),
	    DW("Violations", "Vi phạm"), DW("Fraud flags", "Nghi gian lận"));
	for (i = 0; i < n; i++)
		dw_row(b, &v[i], 0);
	dw_row(b, &tot, 1);
	buf_str(b, "</table></section>");
	district_rows_free(v, n);

	d.b = b;
	d.sc = sc;
	d.csrf = csrf;
	d.l = l;
	d.n = 0;
	dw_printf(b, "<section id=\"registrations\"><h2>%s</h2><ul>",
	    DW("Registrations waiting", "Đăng ký chờ duyệt"));
	if (store_registration_list(st, NULL, "pending", dw_registration,
	    &d) == -1)
		return -1;
	if (d.n == 0)
		dw_printf(b, "<li>%s</li>", DW("None.", "Không có."));
	buf_str(b, "</ul></section>");

	d.n = 0;
	dw_printf(b, "<section id=\"flags\"><h2>%s</h2><ul>",
	    DW("Fraud flags", "Nghi gian lận"));
	if (store_flag_list(st, NULL, from, to, dw_flag, &d) == -1)
		return -1;
	if (d.n == 0)
		dw_printf(b, "<li>%s</li>", DW("None.", "Không có."));
	buf_str(b, "</ul></section>");
	return 0;
}

int
dashboard_ward_venue(struct buf *b, struct store *st, int64_t venue_id,
    const char *code, const char *csrf, int l)
{
	struct inspection	in;
	char			when[40];
	int			rc;

	dw_printf(b, "<section id=\"inspection\"><h2>%s</h2>",
	    DW("Inspections", "Kiểm tra"));
	if ((rc = store_inspection_last(st, venue_id, &in)) == -1)
		return -1;
	if (rc == 1) {
		tz_format_short(in.at, when, sizeof when);
		dw_printf(b, "<p data-last-inspection=\"%s\">%s: %s &middot; ",
		    in.result, DW("Last", "Lần gần nhất"), when);
		dashboard_esc(b, in.result);
		buf_str(b, " &middot; ");
		dashboard_esc(b, in.inspector);
		if (in.note[0] != '\0') {
			buf_str(b, " &middot; ");
			dashboard_esc(b, in.note);
		}
		buf_str(b, "</p>");
	} else
		dw_printf(b, "<p data-last-inspection=\"\">%s</p>",
		    DW("Never inspected.", "Chưa kiểm tra."));
	if (csrf != NULL && csrf[0] != '\0') {
		dw_printf(b, "<form method=\"post\" action=\"/venue/%s/inspections\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<label for=\"result\">%s</label><select id=\"result\" "
		    "name=\"result\"><option value=\"compliant\">%s</option>"
		    "<option value=\"violation\">%s</option>"
		    "<option value=\"closed\">%s</option></select>"
		    "<label for=\"note\">%s</label><input id=\"note\" name=\"note\" "
		    "maxlength=\"500\"><label for=\"fine\">%s</label>"
		    "<input id=\"fine\" name=\"fine\" inputmode=\"numeric\">"
		    "<button type=\"submit\">%s</button></form>", code, csrf,
		    DW("Result", "Kết quả"), DW("Compliant", "Đạt"),
		    DW("Violation", "Vi phạm"), DW("Closed", "Đóng cửa"),
		    DW("Note", "Ghi chú"), DW("Fine (dong)", "Tiền phạt (đồng)"),
		    DW("Record the inspection", "Ghi kết quả kiểm tra"));
	}
	buf_str(b, "</section>");
	return 0;
}
