/* unit.c: the fixtures of the unit tests, on tests/fixture.c, with Check. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "codec/code.h"
#include "unit.h"

/*
 * A fresh folder NAME.XXXXXX, the configuration text conf written there
 * ("%s" standing for the folder) and loaded, its time zone set, and the
 * store it names opened.
 */
void
unit_open(struct unit *u, const char *name, const char *conf)
{
	char	err[512];

	memset(u, 0, sizeof *u);
	ck_assert_int_eq(fixture_dir(u->dir, sizeof u->dir, name), 0);
	u->cfg = fixture_config(u->dir, conf, err, sizeof err);
	ck_assert_msg(u->cfg != NULL, "config: %s", err);
	u->st = store_open(u->cfg->database, err, sizeof err);
	ck_assert_msg(u->st != NULL, "store: %s", err);
}

/* Close the store, free the configuration, remove the folder. */
void
unit_close(struct unit *u)
{
	store_close(u->st);
	config_free(u->cfg);
	ck_assert_int_eq(fixture_rmdir(u->dir), 0);
	memset(u, 0, sizeof *u);
}

/* Add a venue at 1 Hang Bac, Hoan Kiem with a new valid code of seven digits. */
void
unit_venue(struct store *st, struct venue *v, const char *name, const char *ward,
    const char *kind, const char *owner)
{
	const struct fixture_venue	fv = { NULL, name, "1 Hang Bac", ward,
					    "Hoan Kiem", kind, owner };

	ck_assert_int_ne(fixture_venue_add(st, &fv, v), -1);
	ck_assert(code_valid(v->code, 7));
}

static int
unit_count(const struct checkin_seen *cs, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

/* How many of number's newest limit check-ins the history gives. */
int
unit_checkins(struct store *st, int limit, const char *number)
{
	int	n = 0;

	ck_assert_int_ne(store_checkin_history(st, number, limit, unit_count, &n), -1);
	return n;
}

/* A code one digit away from code whose check digit fails. */
void
unit_typo(const char *code, char *out)
{
	int	d;

	for (d = 1; d < 10; d++) {
		strlcpy(out, code, CODE_MAX);
		out[2] = (char)('0' + (code[2] - '0' + d) % 10);
		if (!code_valid(out, 7))
			return;
	}
	ck_abort_msg("no typo found");
}

/* The header lookup chan-http.c would give: a static table, names case-insensitive. */
const char *
unit_header(void *hctx, const char *name)
{
	const struct unit_hdr	*h = hctx;

	for (; h != NULL && h->name != NULL; h++) {
		if (strcasecmp(h->name, name) == 0)
			return h->value;
	}
	return NULL;
}

/* Run a suite; what main() returns. */
int
unit_run(Suite *s)
{
	SRunner	*sr = srunner_create(s);
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
