/*
 * cmd-venue-import.c: checkinctl venue import, venues from CSV (RFC 4180)
 * `name,address,ward,kind,owner_phone[,lat,lon[,call_number]]`: every good
 * row in one transaction, each bad one reported with its line, the way a
 * spreadsheet writes it. lat,lon place the venue (the fraud signal);
 * call_number is the venue's own phone number (a call to it checks the
 * caller in there: core/voice.c). --listed: the ward's list of
 * businesses, none given a code yet.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <csv.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/code.h"
#include "codec/number.h"
#include "store/store.h"
#include "ctl/ctl-cmd.h"

#define CMD_IMPORT_SHORT	5	/* name,address,ward,kind,owner_phone */
#define CMD_IMPORT_COORDS	7	/* and lat,lon */
#define CMD_IMPORT_FIELDS	8	/* and call_number */
#define CMD_IMPORT_PROGRESS	100	/* rows between two progress lines */

/* The state of one venue import while libcsv calls back. */
struct cmd_venue_import_state {
	struct ctl	*ctl;
	const char	*file;		/* as named in messages */
	size_t		 line;		/* line of the byte being fed */
	size_t		 row_line;	/* line the current row began on */
	int		 in_row;
	int		 first_done;	/* the first row (a header?) was seen */
	char		*fields[CMD_IMPORT_FIELDS];
	size_t		 nfields;	/* fields in the row, 6th on too */
	const char	*bad;		/* why the row is already known bad */
	size_t		 rows;
	size_t		 imported;
	size_t		 rejected;
	int		 failed;	/* storage error: stop, roll back */
	int		 progress;	/* stderr is a terminal */
	int		 progress_shown;
	FILE		*out;		/* lines for stdout, after commit */
	int		 listed;	/* --listed: businesses without a code yet */
};

/* Report a rejected row as "FILE:LINE: reason". */
static void
cmd_venue_import_reject(struct cmd_venue_import_state *im, const char *reason)
{
	ctl_unprogress(&im->progress_shown);
	fprintf(stderr, "%s:%zu: %s\n", im->file, im->row_line, reason);
	im->rejected++;
}

/* Forget the current row's fields. */
static void
cmd_venue_import_reset(struct cmd_venue_import_state *im)
{
	size_t	i;

	for (i = 0; i < CMD_IMPORT_FIELDS; i++) {
		free(im->fields[i]);
		im->fields[i] = NULL;
	}
	im->nfields = 0;
	im->bad = NULL;
	im->in_row = 0;
}

/* libcsv's field callback: keep copies of the first CMD_IMPORT_FIELDS. */
static void
cmd_venue_import_field(void *s, size_t len, void *arg)
{
	struct cmd_venue_import_state	*im = arg;
	char			*f;

	if (im->failed)
		return;
	if (im->nfields < CMD_IMPORT_FIELDS) {
		if (memchr(s, '\0', len) != NULL)
			im->bad = "a field has a NUL byte";
		f = xmalloc(len + 1);
		memcpy(f, s, len);
		f[len] = '\0';
		im->fields[im->nfields] = f;
	}
	im->nfields++;
}

/*
 * The row's call_number (eighth field) made E.164 into out, "" if none: 0;
 * else the row is rejected (not a number, another venue's) and 1.
 */
static int
cmd_venue_import_call(struct cmd_venue_import_state *im, char *out, size_t len)
{
	struct venue	 other;
	char		*s, err[128];
	int		 r;

	out[0] = '\0';
	if (im->nfields < CMD_IMPORT_FIELDS)
		return 0;
	s = ctl_trim(im->fields[CMD_IMPORT_FIELDS - 1]);
	if (*s == '\0') {
		free(s);
		return 0;
	}
	if (len < NUMBER_MAX ||
	    number_normalize(s, im->ctl->country_code, out) != NUMBER_E164) {
		free(s);
		out[0] = '\0';
		cmd_venue_import_reject(im, "call_number is not a valid phone number");
		return 1;
	}
	free(s);
	if ((r = store_venue_by_call_number(im->ctl->store, out, &other)) == 0)
		return 0;
	if (r == 1) {
		code_group(other.code, err, sizeof err);
		store_venue_free(&other);
		snprintf(err + strlen(err), sizeof err - strlen(err),
		    " already has call_number %s", out);
		cmd_venue_import_reject(im, err);
		out[0] = '\0';
		return 1;
	}
	ctl_unprogress(&im->progress_shown);
	fprintf(stderr, "%s:%zu: cannot read venues\n", im->file, im->row_line);
	im->failed = 1;
	out[0] = '\0';
	return 1;
}

/* One row of the import: check it, add the venue, or say why not. */
static void
cmd_venue_import_row(struct cmd_venue_import_state *im)
{
	struct cmd_venue_fields	 in;
	struct venue		 v;
	char			 err[256], grouped[CODE_MAX + 4], *first, *end;
	char			 call[NUMBER_MAX];
	double			 lat = 0, lon = 0;
	int			 header, has;

	if (!im->first_done) {
		im->first_done = 1;
		first = ctl_trim(im->fields[0]);
		header = strcasecmp(first, "name") == 0;
		free(first);
		if (header)
			return;
	}
	im->rows++;
	if (im->bad != NULL) {
		cmd_venue_import_reject(im, im->bad);
		return;
	}
	if (im->nfields != CMD_IMPORT_SHORT && im->nfields != CMD_IMPORT_COORDS &&
	    im->nfields != CMD_IMPORT_FIELDS) {
		snprintf(err, sizeof err, "expected %d, %d or %d fields "
		    "(name,address,ward,kind,owner_phone[,lat,lon[,call_number]]),"
		    " found %zu", CMD_IMPORT_SHORT, CMD_IMPORT_COORDS,
		    CMD_IMPORT_FIELDS, im->nfields);
		cmd_venue_import_reject(im, err);
		return;
	}
	if (cmd_venue_import_call(im, call, sizeof call) != 0)
		return;
	has = 0;
	if (im->nfields >= CMD_IMPORT_COORDS &&
	    (*im->fields[5] != '\0' || *im->fields[6] != '\0')) {
		lat = strtod(im->fields[5], &end);
		if (*im->fields[5] == '\0' || *end != '\0' || lat < -90 ||
		    lat > 90) {
			cmd_venue_import_reject(im, "lat is not a number from -90 "
			    "to 90");
			return;
		}
		lon = strtod(im->fields[6], &end);
		if (*im->fields[6] == '\0' || *end != '\0' || lon < -180 ||
		    lon > 180) {
			cmd_venue_import_reject(im, "lon is not a number from -180 "
			    "to 180");
			return;
		}
		has = 1;
	}
	memset(&in, 0, sizeof in);
	in.name = im->fields[0];
	in.address = im->fields[1];
	in.ward = im->fields[2];
	in.kind = im->fields[3];
	in.owner = im->fields[4];
	if (cmd_venue_make(im->ctl, &in, &v, err, sizeof err) != 0) {
		cmd_venue_import_reject(im, err);
		return;
	}
	if ((im->listed ? store_venue_add_listed(im->ctl->store, &v) :
	    store_venue_add(im->ctl->store, &v, im->ctl->code_digits)) == -1 ||
	    (has && store_venue_coords(im->ctl->store, v.id, 1, lat, lon) != 0)) {
		ctl_unprogress(&im->progress_shown);
		fprintf(stderr, "%s:%zu: cannot store the venue\n", im->file,
		    im->row_line);
		im->failed = 1;
		store_venue_free(&v);
		return;
	}
	if (call[0] != '\0' &&
	    store_venue_set_call_number(im->ctl->store, v.code, call) != 0) {
		ctl_unprogress(&im->progress_shown);
		fprintf(stderr, "%s:%zu: cannot store the venue's call number\n",
		    im->file, im->row_line);
		im->failed = 1;
		store_venue_free(&v);
		return;
	}
	if (im->listed)
		snprintf(grouped, sizeof grouped, "L%lld", (long long)v.id);
	else
		code_group(v.code, grouped, sizeof grouped);
	fprintf(im->out, "%s\t", grouped);
	ctl_put(im->out, v.name);
	fputc('\t', im->out);
	ctl_put(im->out, v.ward);
	fputc('\n', im->out);
	im->imported++;
	store_venue_free(&v);
}

/* libcsv's row callback. */
static void
cmd_venue_import_end(int c, void *arg)
{
	struct cmd_venue_import_state	*im = arg;

	if (!im->failed)
		cmd_venue_import_row(im);
	cmd_venue_import_reset(im);
	if (im->progress && im->rows > 0 &&
	    im->rows % CMD_IMPORT_PROGRESS == 0) {
		fprintf(stderr, "\rvenue import: %zu rows, %zu rejected",
		    im->rows, im->rejected);
		im->progress_shown = 1;
	}
}

#define CMD_IMPORT_CSV	(CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI)

/*
 * A row broke RFC 4180's quoting (a quote inside an unquoted field, text
 * after a closing quote): reject it, start a fresh parser and go on at the
 * next line.
 */
static void
cmd_venue_import_badquote(struct csv_parser *p,
    struct cmd_venue_import_state *im)
{
	im->first_done = 1;
	im->rows++;
	cmd_venue_import_reject(im, "bad quoting: a quote inside an unquoted "
	    "field or text after a closing quote (RFC 4180 2.5-2.7)");
	cmd_venue_import_reset(im);
	csv_free(p);
	if (csv_init(p, CMD_IMPORT_CSV) != 0)
		fatalx("csv_init failed");
}

/*
 * Feed the file to libcsv a byte at a time, which is how we know the line a
 * row began on: blank lines are skipped by libcsv (as they are here) and a
 * quoted field may hold line breaks. A line ends at LF, CR or CRLF.
 */
static int
cmd_venue_import_feed(struct csv_parser *p,
    struct cmd_venue_import_state *im, FILE *f)
{
	unsigned char	buf[65536], c, prev = 0;
	size_t		n, i, parsed, skip = 0;
	int		first = 1, resync = 0;

	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		/* A UTF-8 byte order mark (from spreadsheets) is no data. */
		if (first && n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
			skip = 3;
		first = 0;
		for (i = skip; i < n && !im->failed; i++) {
			c = buf[i];
			if (resync) {
				/* The rest of a line with bad quoting. */
				if (c == '\r' || c == '\n')
					resync = 0;
			} else {
				if (!im->in_row && c != ' ' && c != '\t' &&
				    c != '\r' && c != '\n') {
					im->in_row = 1;
					im->row_line = im->line;
				}
				parsed = csv_parse(p, &c, 1,
				    cmd_venue_import_field,
				    cmd_venue_import_end, im);
				if (parsed != 1 && csv_error(p) == CSV_EPARSE) {
					cmd_venue_import_badquote(p, im);
					resync = 1;
				} else if (parsed != 1) {
					ctl_unprogress(&im->progress_shown);
					fprintf(stderr, "%s:%zu: %s\n",
					    im->file, im->row_line,
					    csv_strerror(csv_error(p)));
					im->failed = 1;
				}
			}
			if (c == '\r' || (c == '\n' && prev != '\r'))
				im->line++;
			prev = c;
		}
		skip = 0;
		if (im->failed)
			return -1;
	}
	if (ferror(f)) {
		ctl_unprogress(&im->progress_shown);
		fprintf(stderr, "checkinctl: %s: %s\n", im->file,
		    strerror(errno));
		return -1;
	}
	if (csv_fini(p, cmd_venue_import_field, cmd_venue_import_end,
	    im) != 0) {
		/* A quoted field still open at the end of the file. */
		im->rows++;
		cmd_venue_import_reject(im, "quoted field not closed before "
		    "the end of the file");
		cmd_venue_import_reset(im);
	}
	return im->failed ? -1 : 0;
}

/*
 * venue import: venues from CSV (RFC 4180) `name,address,ward,kind,
 * owner_phone`, every good row in one transaction, each bad one reported.
 */
int
cmd_venue_import(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	struct cmd_venue_import_state	 im;
	struct csv_parser	 p;
	FILE			*f;
	char			*outbuf = NULL;
	size_t			 outlen = 0;
	int			 rv;

	static const struct option	opts[] = {
		{ "listed",	no_argument,	NULL,	'l' },
		{ "help",	no_argument,	NULL,	'h' },
		{ NULL,		0,		NULL,	0 }
	};
	int				listed = 0, ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (ch == 'l')
			listed = 1;
		else
			ctl_bad_option(cmd, ch, argv);
	}
	if (argc - optind != 1)
		ctl_cmd_usage(cmd);

	memset(&im, 0, sizeof im);
	im.listed = listed;
	im.ctl = ctl;
	im.line = 1;
	if (strcmp(argv[optind], "-") == 0) {
		f = stdin;
		im.file = "stdin";
	} else {
		im.file = argv[optind];
		if ((f = fopen(im.file, "rb")) == NULL) {
			fprintf(stderr, "checkinctl: %s: %s\n", im.file,
			    strerror(errno));
			return 1;
		}
	}
	if (ctl_store(ctl) == NULL || store_begin(ctl->store) == -1) {
		if (ctl->store != NULL)
			fprintf(stderr, "checkinctl: cannot start a "
			    "transaction\n");
		if (f != stdin)
			fclose(f);
		return 1;
	}
	if ((im.out = open_memstream(&outbuf, &outlen)) == NULL)
		fatal("open_memstream");
	im.progress = isatty(STDERR_FILENO);
	if (csv_init(&p, CMD_IMPORT_CSV) != 0)
		fatalx("csv_init failed");

	rv = cmd_venue_import_feed(&p, &im, f);
	csv_free(&p);
	cmd_venue_import_reset(&im);
	if (f != stdin)
		fclose(f);
	fclose(im.out);
	ctl_unprogress(&im.progress_shown);

	if (rv == 0 && store_commit(ctl->store) == -1) {
		fprintf(stderr, "checkinctl: cannot commit the import\n");
		rv = -1;
	}
	if (rv != 0) {
		store_rollback(ctl->store);
		fprintf(stderr, "checkinctl: nothing imported from %s\n",
		    im.file);
		free(outbuf);
		return 1;
	}
	fwrite(outbuf, 1, outlen, stdout);
	free(outbuf);
	fprintf(stderr, "imported %zu venues, %zu rows rejected\n", im.imported,
	    im.rejected);
	return im.rejected == 0 ? 0 : 1;
}
