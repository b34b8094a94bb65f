/* fixture.c: the set-up the unit tests and the fuzz targets share (no Check). */
#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/tz.h"
#include "codec/code.h"
#include "chan/fmt.h"
#include "chan/route-drivers.h"
#include "fixture.h"

/* Make a fresh folder NAME.XXXXXX under $TMPDIR (or /tmp) into dir. */
int
fixture_dir(char *dir, size_t size, const char *name)
{
	const char	*tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if ((size_t)snprintf(dir, size, "%s/%s.XXXXXX", tmp, name) >= size)
		return -1;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
fixture_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* Remove a folder and everything in it. */
int
fixture_rmdir(const char *dir)
{
	return nftw(dir, fixture_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Write text to dir/checkind.conf, each "%s" in it replaced by dir, load it
 * and set its time zone. NULL with a reason in err on failure.
 */
struct config *
fixture_config(const char *dir, const char *text, char *err, size_t errlen)
{
	struct config	*cfg;
	const char	*p, *s;
	char		 path[1100];
	FILE		*f;

	snprintf(path, sizeof path, "%s/checkind.conf", dir);
	if ((f = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (p = text; (s = strstr(p, "%s")) != NULL; p = s + 2) {
		fwrite(p, 1, (size_t)(s - p), f);
		fputs(dir, f);
	}
	fputs(p, f);
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((cfg = config_load(path, route_drivers, fmt_formats, err, errlen)) == NULL)
		return NULL;
	if (tz_set(cfg->timezone) == -1) {
		snprintf(err, errlen, "tz_set %s", cfg->timezone);
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

/*
 * Add the venue fv describes (its code the payload and its check digit, or
 * a random one of six digits) into v, which owns copies of the strings.
 */
int64_t
fixture_venue_add(struct store *st, const struct fixture_venue *fv,
    struct venue *v)
{
	size_t	n = 6;

	memset(v, 0, sizeof *v);
	if (fv->payload != NULL) {
		n = strlcpy(v->code, fv->payload, sizeof v->code);
		v->code[n] = '0' + code_damm(v->code, n);
		v->code[n + 1] = '\0';
	}
	v->name = xstrdup(fv->name);
	v->address = xstrdup(fv->address);
	v->ward = xstrdup(fv->ward);
	v->district = xstrdup(fv->district);
	v->kind = xstrdup(fv->kind);
	v->owner = fv->owner != NULL ? xstrdup(fv->owner) : NULL;
	v->active = 1;
	return store_venue_add(st, v, n);
}

/* A broken promise is a finding: say which, and abort for libFuzzer. */
__dead void
fixture_fail(const char *what)
{
	fprintf(stderr, "%s: %s\n", getprogname(), what);
	abort();
}

/* A NUL-terminated string within its field. */
void
fixture_check_str(const char *what, const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		fixture_fail(what);
}
