/*
 * cmd-poster.c: checkinctl poster, the printable posters of
 * officials/poster.c written to a PDF or PNG file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/base.h"
#include "codec/code.h"
#include "store/store.h"
#include "officials/poster.h"
#include "ctl/ctl-cmd.h"

/* The venues a poster command collects, in the order given. */
struct cmd_poster_list {
	struct venue	*v;
	size_t		 n;
	size_t		 size;
};

/* Keep a copy of a venue for the posters. */
static int
cmd_poster_keep(const struct venue *v, void *arg)
{
	struct cmd_poster_list	*p = arg;
	struct venue		*c;

	if (p->n == p->size) {
		p->size = p->size == 0 ? 16 : p->size * 2;
		p->v = xreallocarray(p->v, p->size, sizeof *p->v);
	}
	c = &p->v[p->n++];
	*c = *v;
	c->name = v->name != NULL ? xstrdup(v->name) : NULL;
	c->address = v->address != NULL ? xstrdup(v->address) : NULL;
	c->ward = v->ward != NULL ? xstrdup(v->ward) : NULL;
	c->district = v->district != NULL ? xstrdup(v->district) : NULL;
	c->kind = v->kind != NULL ? xstrdup(v->kind) : NULL;
	c->owner = v->owner != NULL ? xstrdup(v->owner) : NULL;
	return 0;
}

/* The format a file name asks for: ".pdf" or ".png" (any case), else -1. */
static int
cmd_poster_format(const char *file)
{
	size_t	len = strlen(file);

	if (len > 4 && strcasecmp(file + len - 4, ".pdf") == 0)
		return POSTER_PDF;
	if (len > 4 && strcasecmp(file + len - 4, ".png") == 0)
		return POSTER_PNG;
	return -1;
}

/* Write a whole buffer to file, through a temporary name renamed at the end. */
static int
cmd_poster_write(const char *file, const unsigned char *data, size_t len)
{
	FILE	*f;
	char	*tmp;
	int	 rc = 0;

	xasprintf(&tmp, "%s.tmp%ld", file, (long)getpid());
	if ((f = fopen(tmp, "wb")) == NULL) {
		fprintf(stderr, "checkinctl: %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fwrite(data, 1, len, f) != len || fflush(f) == EOF)
		rc = -1;
	if (fclose(f) == EOF)
		rc = -1;
	if (rc == 0 && rename(tmp, file) == -1)
		rc = -1;
	if (rc != 0) {
		fprintf(stderr, "checkinctl: %s: %s\n", file, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/*
 * poster: the printable A4 poster of venues, by code or every active venue
 * of a ward, one page each; a PNG holds a single venue.
 */
int
cmd_poster(struct ctl *ctl, const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "ward",	required_argument,	NULL,	'w' },
		{ "output",	required_argument,	NULL,	'o' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	struct cmd_poster_list		 p;
	struct store			*st;
	struct venue			 v;
	const char			*ward = NULL, *file = NULL;
	char				 code[CODE_MAX], grouped[CODE_MAX + 4];
	char				 err[256];
	unsigned char			*data;
	size_t				 len, i, nargs;
	int				 ch, format, found, rc = 1;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":w:o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'w':
			ward = optarg;
			break;
		case 'o':
			file = optarg;
			break;
		default:
			ctl_bad_option(cmd, ch, argv);
		}
	}
	if (file == NULL) {
		fprintf(stderr, "checkinctl: poster needs -o FILE.pdf or "
		    "FILE.png\n");
		ctl_cmd_usage(cmd);
	}
	if ((format = cmd_poster_format(file)) == -1) {
		fprintf(stderr, "checkinctl: poster: %s: the name must end in "
		    ".pdf or .png\n", file);
		ctl_cmd_usage(cmd);
	}
	if ((ward == NULL) == (optind == argc)) {
		fprintf(stderr, "checkinctl: poster takes codes or --ward, "
		    "one of them\n");
		ctl_cmd_usage(cmd);
	}
	if ((st = ctl_store(ctl)) == NULL)
		return 1;

	memset(&p, 0, sizeof p);
	if (ward != NULL) {
		if (store_venue_list(st, ward, 0, cmd_poster_keep, &p) == -1) {
			fprintf(stderr, "checkinctl: poster: cannot read "
			    "venues\n");
			goto out;
		}
		if (p.n == 0) {
			fprintf(stderr, "checkinctl: no active venue in ward "
			    "%s\n", ward);
			goto out;
		}
	}
	/*
	 * The codes, grouped ("123 4567", "123-4567") or not; the groups may
	 * also come unquoted, as arguments joined until a code is whole.
	 */
	for (i = optind; i < (size_t)argc; i += nargs) {
		nargs = 0;
		do {
			nargs++;
			if (ctl_code_arg((int)nargs, argv + i, code) != 0) {
				fprintf(stderr, "checkinctl: not a venue code: "
				    "%s\n", argv[i + nargs - 1]);
				goto out;
			}
		} while (strlen(code) < ctl->code_digits + 1 &&
		    i + nargs < (size_t)argc);
		code_group(code, grouped, sizeof grouped);
		memset(&v, 0, sizeof v);
		if ((found = store_venue_by_code(st, code, &v)) == -1) {
			fprintf(stderr, "checkinctl: poster: cannot read "
			    "venue\n");
			goto out;
		}
		if (found == 0) {
			fprintf(stderr, "checkinctl: no venue with code %s\n",
			    grouped);
			goto out;
		}
		if (!v.active) {
			fprintf(stderr, "checkinctl: warning: venue %s is "
			    "inactive\n", grouped);
		}
		cmd_poster_keep(&v, &p);
		store_venue_free(&v);
	}
	if (format == POSTER_PNG && p.n != 1) {
		fprintf(stderr, "checkinctl: a PNG holds one venue's poster, "
		    "not %zu: use FILE.pdf\n", p.n);
		goto out;
	}
	/* Without -c: the defaults (short number 8088, 28 days). */
	if (poster_render(ctl->cfg, p.v, p.n, format, &data, &len, err,
	    sizeof err) != 0) {
		fprintf(stderr, "checkinctl: poster: %s\n", err);
		goto out;
	}
	if (cmd_poster_write(file, data, len) == 0) {
		printf("%s: %zu %s\n", file, p.n, p.n == 1 ? "poster" :
		    "posters");
		rc = 0;
	}
	free(data);
out:
	for (i = 0; i < p.n; i++)
		store_venue_free(&p.v[i]);
	free(p.v);
	return rc;
}
