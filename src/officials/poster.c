/*
 * poster.c: the A4 page a venue puts at its door. Drawn with cairo's own
 * text API (no pango): words are wrapped here by measuring them, and a name
 * too long for its box is set smaller, then cut with an ellipsis, so nothing
 * ever runs off the page. The QR code comes from libqrencode and is drawn as
 * filled squares with the 4-module quiet zone of ISO/IEC 18004:2015 5.3.8.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <qrencode.h>
#include <unistr.h>

#include "base/base.h"
#include "codec/code.h"
#include "config/config.h"
#include "store/store.h"
#include "officials/poster.h"

/* A4 portrait in PostScript points (210 x 297 mm). */
#define POSTER_PAGE_W		595.276
#define POSTER_PAGE_H		841.890
#define POSTER_MARGIN		36.0	/* nothing is drawn closer to the edge */
#define POSTER_CW		(POSTER_PAGE_W - 2 * POSTER_MARGIN)
#define POSTER_PNG_DPI		150.0
#define POSTER_FONT		"DejaVu Sans"
#define POSTER_LINE		1.22	/* line height, in font sizes */
#define POSTER_LINES_MAX	12	/* lines of one text block at most */
#define POSTER_TEXT_MAX		1024	/* bytes of one field drawn at most */
#define POSTER_QR_SIZE		200.0	/* points, quiet zone included */
#define POSTER_QR_QUIET		4	/* modules */
#define POSTER_STEPS		6	/* lines of instructions beside the QR code */
#define POSTER_STEP_SIZE	14.0

#define POSTER_DEFAULT_NUMBER	"8088"
#define POSTER_DEFAULT_DAYS	28

/* Where the parts of the page go (top of a box, or a baseline). */
#define POSTER_BAR_TOP		POSTER_MARGIN
#define POSTER_BAR_H		46.0
#define POSTER_NAME_TOP		100.0
#define POSTER_NAME_H		124.0
#define POSTER_ADDR_TOP		230.0
#define POSTER_ADDR_H		40.0
#define POSTER_RULE_Y		280.0
#define POSTER_ASK_VI_Y		314.0
#define POSTER_ASK_EN_Y		340.0
#define POSTER_CODE_TOP		356.0
#define POSTER_CODE_H		128.0
#define POSTER_SEND_Y		534.0
#define POSTER_QR_TOP		556.0
#define POSTER_FOOT_Y		(POSTER_PAGE_H - POSTER_MARGIN - 8.0)

enum poster_align { ALIGN_LEFT, ALIGN_CENTRE };

/* A growing buffer cairo writes a PDF or PNG into. */
struct poster_buf {
	unsigned char	*data;
	size_t		 len;
	size_t		 size;
};

/* One block of wrapped text: its box, face, and the largest and smallest size. */
struct poster_block {
	double			 x, y;		/* top left of the box */
	double			 w, h;
	int			 bold;
	double			 size, min_size;
	enum poster_align	 align;
	int			 middle;	/* centre the lines in the box's height */
	double			 r, g, b;
};

/* What a page says, filled in once per venue. */
struct poster_page {
	const char	*number;	/* short number */
	int		 days;		/* retention */
	char		 grouped[CODE_MAX + 4];
	char		*payload;	/* of the QR code */
};

static cairo_status_t
poster_write(void *arg, const unsigned char *data, unsigned int len)
{
	struct poster_buf	*b = arg;

	if (b->len + len > b->size) {
		while (b->len + len > b->size)
			b->size = b->size == 0 ? 65536 : b->size * 2;
		b->data = xreallocarray(b->data, 1, b->size);
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return CAIRO_STATUS_SUCCESS;
}

char *
poster_qr_payload(const struct config *cfg, const char *code)
{
	const char	*number = POSTER_DEFAULT_NUMBER;
	char		*s;
	int		 form = POSTER_QR_SMSTO;

	if (cfg != NULL) {
		if (cfg->short_number != NULL && *cfg->short_number != '\0')
			number = cfg->short_number;
		form = cfg->poster_qr;
	}
	switch (form) {
	case POSTER_QR_SMS:
		/* RFC 5724 3: no body, the resident types the code. */
		xasprintf(&s, "sms:%s", number);
		break;
	case POSTER_QR_SMS_BODY:
		/* RFC 5724 2.2: a code is digits, nothing to percent-encode. */
		xasprintf(&s, "sms:%s?body=%s", number, code);
		break;
	default:
		/* The zxing "SMSTO:number:message" form. */
		xasprintf(&s, "SMSTO:%s:%s", number, code);
		break;
	}
	return s;
}

/*
 * A copy of untrusted text cairo can draw: at most POSTER_TEXT_MAX bytes,
 * invalid UTF-8 as "?", control characters and line breaks as spaces.
 */
static char *
poster_clean(const char *s)
{
	const uint8_t	*p = (const uint8_t *)s, *end;
	char		*out, *o;
	ucs4_t		 uc;
	int		 n;

	if (s == NULL)
		s = "";
	end = p + strlen(s);
	o = out = xmalloc(strlen(s) + 1);
	while (p < end) {
		n = u8_mbtoucr(&uc, p, end - p);
		if (n < 0) {
			*o++ = '?';
			p++;
		} else if (uc < 0x20 || (uc >= 0x7f && uc < 0xa0) ||
		    uc == 0x2028 || uc == 0x2029) {
			*o++ = ' ';
			p += n;
		} else {
			if (o - out + n > POSTER_TEXT_MAX)
				break;
			memcpy(o, p, n);
			o += n;
			p += n;
		}
		if (o - out >= POSTER_TEXT_MAX)
			break;
	}
	*o = '\0';
	return out;
}

static void
poster_font(cairo_t *cr, int bold, double size)
{
	cairo_select_font_face(cr, POSTER_FONT, CAIRO_FONT_SLANT_NORMAL,
	    bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

/* How far the pen moves over the first n bytes of s. */
static double
poster_width(cairo_t *cr, const char *s, size_t n)
{
	cairo_text_extents_t	 te;
	char			*t;

	t = xstrndup(s, n);
	cairo_text_extents(cr, t, &te);
	free(t);
	/* The ink may reach past the advance (bold, italic overhangs). */
	return te.x_advance > te.x_bearing + te.width ? te.x_advance :
	    te.x_bearing + te.width;
}

/* Bytes of the longest run of whole characters of s (n bytes) that fits w. */
static size_t
poster_fit_chars(cairo_t *cr, const char *s, size_t n, double w)
{
	size_t	fit = 0, i;
	int	len;

	for (i = 0; i < n; i += len) {
		if ((len = u8_mblen((const uint8_t *)s + i, n - i)) <= 0)
			len = 1;
		if (poster_width(cr, s, i + len) > w)
			break;
		fit = i + len;
	}
	if (fit == 0 && n > 0)	/* one character always goes on a line */
		fit = (len = u8_mblen((const uint8_t *)s, n)) > 0 ?
		    (size_t)len : 1;
	return fit;
}

/*
 * Wrap s into lines of width w at the current font: words split at spaces,
 * a word wider than a line split between characters. At most max lines;
 * returns how many lines the whole text needs (may be more than max).
 */
static size_t
poster_wrap(cairo_t *cr, const char *s, double w, char **lines, size_t max)
{
	const char	*p = s, *q;
	char		*line = NULL, *try;
	size_t		 n = 0, fit;

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (q = p; *q != '\0' && *q != ' '; q++)
			;
		if (line != NULL) {
			xasprintf(&try, "%s %.*s", line, (int)(q - p), p);
			if (poster_width(cr, try, strlen(try)) <= w) {
				free(line);
				line = try;
				p = q;
				continue;
			}
			free(try);
			if (n < max)
				lines[n] = line;
			else
				free(line);
			n++;
			line = NULL;
		}
		if (poster_width(cr, p, q - p) <= w) {
			line = xstrndup(p, q - p);
			p = q;
			continue;
		}
		/* A word longer than the line: as much as fits, then the rest. */
		fit = poster_fit_chars(cr, p, q - p, w);
		if (n < max)
			lines[n] = xstrndup(p, fit);
		n++;
		p += fit;
	}
	if (line != NULL) {
		if (n < max)
			lines[n] = line;
		else
			free(line);
		n++;
	}
	return n;
}

static void
poster_lines_free(char **lines, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(lines[i]);
}

/*
 * Cut the last line so that it and an ellipsis fit w: the text went on
 * beyond the box even at the smallest size.
 */
static void
poster_ellipsis(cairo_t *cr, char **line, double w)
{
	char	*s;
	size_t	 n;

	n = strlen(*line);
	for (;;) {
		while (n > 0 && ((unsigned char)(*line)[n] & 0xc0) == 0x80)
			n--;
		xasprintf(&s, "%.*s\xe2\x80\xa6", (int)n, *line);
		if (n == 0 || poster_width(cr, s, strlen(s)) <= w)
			break;
		free(s);
		n--;
	}
	free(*line);
	*line = s;
}

/*
 * Draw text wrapped into a box at the largest size from b->size down to
 * b->min_size at which every line fits; cut at the smallest if it never
 * does. Returns the height used.
 */
static double
poster_block(cairo_t *cr, const struct poster_block *b, const char *text)
{
	cairo_font_extents_t	 fe;
	char			*lines[POSTER_LINES_MAX], *clean;
	size_t			 n, need, i, max;
	double			 size, lh, y, lw;

	clean = poster_clean(text);
	for (size = b->size;; size -= 1.0) {
		if (size < b->min_size)
			size = b->min_size;
		poster_font(cr, b->bold, size);
		lh = size * POSTER_LINE;
		max = (size_t)(b->h / lh);
		if (max == 0)
			max = 1;
		if (max > POSTER_LINES_MAX)
			max = POSTER_LINES_MAX;
		need = poster_wrap(cr, clean, b->w, lines, max);
		n = need < max ? need : max;
		if (need <= max || size <= b->min_size)
			break;
		poster_lines_free(lines, n);
	}
	if (need > n && n > 0)
		poster_ellipsis(cr, &lines[n - 1], b->w);

	cairo_save(cr);
	cairo_rectangle(cr, b->x, b->y, b->w, b->h);
	cairo_clip(cr);
	cairo_set_source_rgb(cr, b->r, b->g, b->b);
	cairo_font_extents(cr, &fe);
	y = b->y + fe.ascent;
	if (b->middle && n * lh < b->h)
		y += (b->h - n * lh) / 2;
	for (i = 0; i < n; i++) {
		lw = poster_width(cr, lines[i], strlen(lines[i]));
		cairo_move_to(cr, b->align == ALIGN_CENTRE ?
		    b->x + (b->w - lw) / 2 : b->x, y);
		cairo_show_text(cr, lines[i]);
		y += lh;
	}
	cairo_restore(cr);
	poster_lines_free(lines, n);
	free(clean);
	return n * lh;
}

/* One line of our own text, centred on the page at baseline y, shrunk to fit. */
static void
poster_centre(cairo_t *cr, const char *s, int bold, double size, double y)
{
	double	w;

	poster_font(cr, bold, size);
	while ((w = poster_width(cr, s, strlen(s))) > POSTER_CW && size > 6) {
		size -= 1.0;
		poster_font(cr, bold, size);
	}
	cairo_move_to(cr, POSTER_MARGIN + (POSTER_CW - w) / 2, y);
	cairo_show_text(cr, s);
}

static void
poster_round_rect(cairo_t *cr, double x, double y, double w, double h,
    double r)
{
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
	cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
	cairo_close_path(cr);
}

/* The QR code of payload as a size x size square at x, y, quiet zone included. */
static int
poster_qr(cairo_t *cr, const char *payload, double x, double y, double size,
    char *err, size_t errlen)
{
	QRcode	*qr;
	double	 m;
	int	 r, c;

	qr = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr == NULL) {
		snprintf(err, errlen, "cannot make a QR code of \"%s\"",
		    payload);
		return -1;
	}
	m = size / (qr->width + 2 * POSTER_QR_QUIET);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (r = 0; r < qr->width; r++) {
		for (c = 0; c < qr->width; c++) {
			/* Bit 0 of each byte: the module is dark. */
			if ((qr->data[r * qr->width + c] & 1) == 0)
				continue;
			cairo_rectangle(cr, x + (c + POSTER_QR_QUIET) * m,
			    y + (r + POSTER_QR_QUIET) * m, m, m);
		}
	}
	/* One fill: neighbouring squares join without hairline gaps. */
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
	cairo_fill(cr);
	QRcode_free(qr);
	return 0;
}

/* "address, ward, district" of a venue, leaving out what is empty. */
static char *
poster_where(const struct venue *v)
{
	const char	*part[] = { v->address, v->ward, v->district };
	char		*s = xstrdup(""), *t;
	size_t		 i;

	for (i = 0; i < nitems(part); i++) {
		if (part[i] == NULL || *part[i] == '\0')
			continue;
		xasprintf(&t, "%s%s%s", s, *s != '\0' ? ", " : "", part[i]);
		free(s);
		s = t;
	}
	return s;
}

/*
 * The steps beside the QR code: how to check in, in Vietnamese then in
 * English, then the companions hint ("+N" after the code) in both.
 */
static void
poster_steps(const char *code, const char *number, char *steps[POSTER_STEPS])
{
	xasprintf(&steps[0], "1. Soạn tin %s, gửi tới %s.", code, number);
	steps[1] = xstrdup("2. Nhận tin xác nhận, trả lời câu hỏi sức khoẻ.");
	xasprintf(&steps[2], "1. Text %s to %s.", code, number);
	steps[3] = xstrdup("2. Get a confirmation, answer the health "
	    "questions.");
	xasprintf(&steps[4], "Đi cùng người khác: %s +2", code);
	xasprintf(&steps[5], "With others: %s +2 (you and 2 more)", code);
}

/* Draw one venue's page on cr (in points). */
static int
poster_page(cairo_t *cr, const struct config *cfg, const struct venue *v,
    char *err, size_t errlen)
{
	struct poster_page	 pg;
	struct poster_block	 b;
	cairo_font_extents_t	 fe;
	char			*s, *where, *steps[POSTER_STEPS];
	double			 size, w, col, y;
	size_t			 i;
	int			 rc;

	memset(&pg, 0, sizeof pg);
	pg.number = POSTER_DEFAULT_NUMBER;
	pg.days = POSTER_DEFAULT_DAYS;
	if (cfg != NULL) {
		if (cfg->short_number != NULL && *cfg->short_number != '\0')
			pg.number = cfg->short_number;
		if (cfg->retention_days > 0)
			pg.days = cfg->retention_days;
	}
	code_group(v->code, pg.grouped, sizeof pg.grouped);
	pg.payload = poster_qr_payload(cfg, v->code);

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);

	/* The band that says what the poster is for. */
	cairo_set_source_rgb(cr, 0.04, 0.33, 0.42);
	poster_round_rect(cr, POSTER_MARGIN, POSTER_BAR_TOP, POSTER_CW,
	    POSTER_BAR_H, 8);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	poster_centre(cr, "KHAI BÁO Y TẾ BẰNG TIN NHẮN · SMS CHECK-IN", 1, 18,
	    POSTER_BAR_TOP + 30);

	/* The venue: its name as large as fits, then where it is. */
	memset(&b, 0, sizeof b);
	b.x = POSTER_MARGIN;
	b.y = POSTER_NAME_TOP;
	b.w = POSTER_CW;
	b.h = POSTER_NAME_H;
	b.bold = 1;
	b.size = 40;
	b.min_size = 14;
	b.align = ALIGN_CENTRE;
	b.middle = 1;
	poster_block(cr, &b, v->name);
	where = poster_where(v);
	b.y = POSTER_ADDR_TOP;
	b.h = POSTER_ADDR_H;
	b.bold = 0;
	b.size = 15;
	b.min_size = 10;
	b.middle = 0;
	b.r = b.g = b.b = 0.3;
	poster_block(cr, &b, where);
	free(where);

	cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
	cairo_set_line_width(cr, 1);
	cairo_move_to(cr, POSTER_MARGIN, POSTER_RULE_Y);
	cairo_line_to(cr, POSTER_PAGE_W - POSTER_MARGIN, POSTER_RULE_Y);
	cairo_stroke(cr);

	/* What to do, in both languages, and the code itself. */
	cairo_set_source_rgb(cr, 0, 0, 0);
	xasprintf(&s, "Nhắn tin mã này tới %s", pg.number);
	poster_centre(cr, s, 1, 24, POSTER_ASK_VI_Y);
	free(s);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	xasprintf(&s, "Text this code to %s", pg.number);
	poster_centre(cr, s, 0, 18, POSTER_ASK_EN_Y);
	free(s);

	cairo_set_source_rgb(cr, 0.93, 0.96, 0.97);
	poster_round_rect(cr, POSTER_MARGIN, POSTER_CODE_TOP, POSTER_CW,
	    POSTER_CODE_H, 14);
	cairo_fill_preserve(cr);
	cairo_set_source_rgb(cr, 0.04, 0.33, 0.42);
	cairo_set_line_width(cr, 3);
	cairo_stroke(cr);
	size = 104;
	poster_font(cr, 1, size);
	while ((w = poster_width(cr, pg.grouped, strlen(pg.grouped))) >
	    POSTER_CW - 32 && size > 20) {
		size -= 2;
		poster_font(cr, 1, size);
	}
	cairo_font_extents(cr, &fe);
	cairo_set_source_rgb(cr, 0, 0, 0);
	/* Digits have no descent: centre their cap height (~0.73 em). */
	cairo_move_to(cr, POSTER_MARGIN + (POSTER_CW - w) / 2,
	    POSTER_CODE_TOP + (POSTER_CODE_H + 0.73 * size) / 2);
	cairo_show_text(cr, pg.grouped);

	cairo_set_source_rgb(cr, 0.04, 0.33, 0.42);
	xasprintf(&s, "Gửi tới · Send to:  %s", pg.number);
	poster_centre(cr, s, 1, 36, POSTER_SEND_Y);
	free(s);

	/* The QR code on the left, the steps beside it. */
	rc = poster_qr(cr, pg.payload, POSTER_MARGIN, POSTER_QR_TOP,
	    POSTER_QR_SIZE, err, errlen);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	poster_font(cr, 0, 10);
	s = "Quét để mở tin nhắn · Scan to text";
	w = poster_width(cr, s, strlen(s));
	if (w > POSTER_QR_SIZE)
		w = POSTER_QR_SIZE;
	cairo_move_to(cr, POSTER_MARGIN + (POSTER_QR_SIZE - w) / 2,
	    POSTER_QR_TOP + POSTER_QR_SIZE + 10);
	cairo_show_text(cr, s);

	col = POSTER_MARGIN + POSTER_QR_SIZE + 18;
	memset(&b, 0, sizeof b);
	b.x = col;
	b.w = POSTER_PAGE_W - POSTER_MARGIN - col;
	b.min_size = 9;
	b.align = ALIGN_LEFT;
	y = POSTER_QR_TOP + 4;
	poster_steps(pg.grouped, pg.number, steps);
	for (i = 0; i < nitems(steps); i++) {
		if (i % 2 == 0 && i > 0)
			y += 8;
		b.y = y;
		b.h = POSTER_STEP_SIZE * POSTER_LINE * 2;
		b.bold = i < 2 || i == 4;
		b.size = b.bold ? POSTER_STEP_SIZE : POSTER_STEP_SIZE - 1;
		b.r = b.g = b.b = b.bold ? 0 : 0.3;
		y += poster_block(cr, &b, steps[i]) + 3;
		free(steps[i]);
	}

	/* The promise at the foot of the page. */
	cairo_set_source_rgb(cr, 0.04, 0.33, 0.42);
	xasprintf(&s, "Dữ liệu được xoá sau %d ngày · Deleted after %d days",
	    pg.days, pg.days);
	poster_centre(cr, s, 1, 14, POSTER_FOOT_Y);
	free(s);
	free(pg.payload);

	if (rc == 0 && cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "cairo: %s",
		    cairo_status_to_string(cairo_status(cr)));
		rc = -1;
	}
	return rc;
}

static int
poster_pdf(const struct config *cfg, const struct venue *venues, size_t n,
    struct poster_buf *out, char *err, size_t errlen)
{
	cairo_surface_t	*sf;
	cairo_t		*cr;
	cairo_status_t	 st;
	size_t		 i;
	int		 rc = 0;

	sf = cairo_pdf_surface_create_for_stream(poster_write, out, POSTER_PAGE_W,
	    POSTER_PAGE_H);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE,
	    n == 1 ? venues[0].name : "checkind posters");
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR,
	    "checkind");
	cr = cairo_create(sf);
	for (i = 0; i < n && rc == 0; i++) {
		rc = poster_page(cr, cfg, &venues[i], err, errlen);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(sf);
	st = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (rc == 0 && st != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "cairo: %s", cairo_status_to_string(st));
		rc = -1;
	}
	return rc;
}

static int
poster_png(const struct config *cfg, const struct venue *v,
    struct poster_buf *out, char *err, size_t errlen)
{
	cairo_surface_t	*sf;
	cairo_t		*cr;
	cairo_status_t	 st;
	double		 scale = POSTER_PNG_DPI / 72.0;
	int		 rc;

	sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
	    (int)(POSTER_PAGE_W * scale + 0.5), (int)(POSTER_PAGE_H * scale + 0.5));
	cr = cairo_create(sf);
	cairo_scale(cr, scale, scale);
	rc = poster_page(cr, cfg, v, err, errlen);
	cairo_destroy(cr);
	if (rc == 0) {
		st = cairo_surface_write_to_png_stream(sf, poster_write, out);
		if (st != CAIRO_STATUS_SUCCESS) {
			snprintf(err, errlen, "cairo: %s",
			    cairo_status_to_string(st));
			rc = -1;
		}
	}
	cairo_surface_destroy(sf);
	return rc;
}

int
poster_render(const struct config *cfg, const struct venue *venues, size_t n,
    enum poster_format format, unsigned char **out, size_t *len, char *err,
    size_t errlen)
{
	struct poster_buf	b;
	int			rc;

	*out = NULL;
	*len = 0;
	if (n == 0) {
		snprintf(err, errlen, "no venue to make a poster of");
		return -1;
	}
	memset(&b, 0, sizeof b);
	if (format == POSTER_PNG)
		rc = poster_png(cfg, &venues[0], &b, err, errlen);
	else
		rc = poster_pdf(cfg, venues, n, &b, err, errlen);
	if (rc != 0) {
		free(b.data);
		return -1;
	}
	*out = b.data;
	*len = b.len;
	return 0;
}
