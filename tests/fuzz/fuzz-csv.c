/*
 * fuzz-csv.c: libFuzzer target for the CSV writer (export.c) and the
 * invisible-character functions of text.c. The input is a venue's fields
 * separated by NUL bytes (name, address, ward, district, kind, owner), any
 * bytes otherwise. The venue is exported as CSV and read back with a strict
 * RFC 4180 reader: two records of nine fields, no field a spreadsheet would
 * compute (first character =, +, -, @, TAB or CR), and every field that was
 * valid UTF-8 reads back as it went in, with an apostrophe first where one
 * is due.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "base/base.h"
#include "base/buf.h"
#include "base/log.h"
#include "codec/text.h"
#include "store/store.h"
#include "officials/export.h"

#define FUZZ_FIELDS	6
#define FUZZ_COLUMNS	9	/* code, name, address, ward, district, kind, owner, active, created_at */
#define FUZZ_FORMULA	"=+-@\t\r"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static __dead void
fuzz_fail(const char *what, const char *s)
{
	char	buf[256];

	fprintf(stderr, "fuzz-csv: %s: \"%s\"\n", what,
	    log_escape(s, strlen(s), buf, sizeof buf));
	abort();
}

/*
 * One RFC 4180 record from *p into fields (each a malloc'd string); the
 * number of fields, or -1 on a syntax error. CRLF ends a record.
 */
static int
fuzz_record(const char **p, char **fields, int max)
{
	const char	*s = *p;
	struct buf	 b;
	int		 n = 0;

	for (;;) {
		if (n == max)
			return -1;
		memset(&b, 0, sizeof b);
		buf_add(&b, "", 0);
		if (*s == '"') {
			for (s++;; s++) {
				if (*s == '\0')
					goto bad;
				if (*s == '"' && s[1] == '"')
					s++;
				else if (*s == '"') {
					s++;
					break;
				}
				buf_add(&b, s, 1);
			}
		} else {
			for (; *s != ',' && *s != '\r' && *s != '\0'; s++) {
				if (*s == '"' || *s == '\n')
					goto bad;
				buf_add(&b, s, 1);
			}
		}
		fields[n++] = b.p;
		if (*s == ',') {
			s++;
			continue;
		}
		if (s[0] != '\r' || s[1] != '\n')
			return -1;
		*p = s + 2;
		return n;
bad:
		free(b.p);
		return -1;
	}
}

static void
fuzz_free(char **fields, int n)
{
	while (n > 0)
		free(fields[--n]);
}

/*
 * The strip leaves none and valid UTF-8; on valid input it changes s
 * exactly when text_invisible finds one.
 */
static void
fuzz_check_invisible(const char *s)
{
	char	*stripped, err[128];

	stripped = text_strip_invisible(s);
	if (text_invisible(stripped) != 0)
		fuzz_fail("text_strip_invisible left one", s);
	if (u8_check((const uint8_t *)stripped, strlen(stripped)) != NULL)
		fuzz_fail("text_strip_invisible: invalid UTF-8", s);
	if (u8_check((const uint8_t *)s, strlen(s)) == NULL &&
	    (text_invisible(s) == 0) != (strcmp(stripped, s) == 0))
		fuzz_fail("text_invisible and text_strip_invisible disagree", s);
	if ((text_visible_check("f", s, err, sizeof err) == 0) !=
	    (text_invisible(s) == 0))
		fuzz_fail("text_visible_check disagrees", s);
	free(stripped);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*in[FUZZ_FIELDS], *copy, *doc, *want, *got[FUZZ_COLUMNS + 1];
	const char	*p, *end;
	struct export	*e;
	struct venue	 v;
	size_t		 i, off, len;
	int		 n;

	/* The fields: NUL-separated, missing ones empty. */
	copy = xmalloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (i = off = 0; i < FUZZ_FIELDS; i++) {
		in[i] = off <= size ? copy + off : copy + size;
		off += strlen(in[i]) + 1;
	}
	for (i = 0; i < FUZZ_FIELDS; i++)
		fuzz_check_invisible(in[i]);

	memset(&v, 0, sizeof v);
	strlcpy(v.code, "1234567", sizeof v.code);
	v.name = in[0];
	v.address = in[1];
	v.ward = in[2];
	v.district = in[3];
	v.kind = in[4];
	v.owner = *in[5] != '\0' ? in[5] : NULL;
	v.active = 1;
	v.created_at = 1631754000;
	e = export_new(EXPORT_CSV, EXPORT_VENUES);
	export_venue(e, &v);
	doc = export_finish(e, &len);
	if (strlen(doc) != len || strncmp(doc, "\xef\xbb\xbf", 3) != 0)
		fuzz_fail("no BOM, or a NUL inside", doc);

	p = doc + 3;
	if ((n = fuzz_record(&p, got, FUZZ_COLUMNS + 1)) != FUZZ_COLUMNS)
		fuzz_fail("header", doc);
	fuzz_free(got, n);
	if ((n = fuzz_record(&p, got, FUZZ_COLUMNS + 1)) != FUZZ_COLUMNS)
		fuzz_fail("row does not read back as nine fields", doc);
	if (*p != '\0')
		fuzz_fail("bytes after the row", doc);
	for (i = 0; i < FUZZ_COLUMNS; i++) {
		if (got[i][0] != '\0' && strchr(FUZZ_FORMULA, got[i][0]) != NULL)
			fuzz_fail("a field a spreadsheet computes", got[i]);
	}
	for (i = 0; i < FUZZ_FIELDS; i++) {
		end = in[i] + strlen(in[i]);
		if (u8_check((const uint8_t *)in[i], end - in[i]) != NULL)
			continue;	/* export_clean mended it: not the same bytes */
		if (in[i][0] != '\0' && strchr(FUZZ_FORMULA, in[i][0]) != NULL)
			xasprintf(&want, "'%s", in[i]);
		else
			want = xstrdup(in[i]);
		if (strcmp(got[i + 1], want) != 0)
			fuzz_fail("a field did not read back", got[i + 1]);
		free(want);
	}
	fuzz_free(got, n);
	free(doc);
	free(copy);
	return 0;
}
