/*
 * test-corpus.c: tests/corpus/checkin.tsv, resident texts as people type
 * them, through the real parser and dialog against a database holding the
 * corpus's venues, some deactivated (issue 17). At least 99% of the
 * positives must check in at their venue with their companions; no
 * negative may check in anywhere. The rates are printed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "codec/code.h"
#include "codec/msg.h"
#include "config/config.h"
#include "store/store.h"
#include "core/dialog.h"
#include "unit.h"

#ifndef CORPUS_DIR
#define CORPUS_DIR	"tests/corpus"
#endif
#define CORPUS_FILE	"checkin.tsv"
#define CORPUS_VENUES	32
#define CORPUS_POS_MIN	400	/* the issue asks at least this many */
#define CORPUS_NEG_MIN	200
#define CORPUS_TIMEOUT	300	/* seconds: ~800 texts under the sanitizers */
#define T0		1631754900	/* 2021-09-16 08:15 in Hanoi */

static const char conf_text[] =
    "database = \"%s/db/checkind.db\";\n"
    FIXTURE_CONF_SMS
    FIXTURE_CONF_QUESTIONS("Ban co sot ho khong?",
        "Ban di tu dau den dau?") "\n"
    ");\n";

static struct unit	 u;
static struct venue	 venues[CORPUS_VENUES];
static size_t		 nvenues;

/* Undo the corpus's escapes (\n \t \\) in place. */
static void
unescape(char *s)
{
	char	*o = s;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			*o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
		} else
			*o++ = *s;
	}
	*o = '\0';
}

static void
add_venue(const char *code, const char *state, const char *name)
{
	struct fixture_venue	 fv = { NULL, name, "1 Hang Bac", "Hang Bac",
				    "Hoan Kiem", "default", NULL };
	char			 payload[CODE_MAX];

	ck_assert_uint_lt(nvenues, CORPUS_VENUES);
	ck_assert_msg(code_valid(code, 7), "venue code %s", code);
	strlcpy(payload, code, sizeof payload);
	payload[6] = '\0';
	fv.payload = payload;
	ck_assert_int_ne(fixture_venue_add(u.st, &fv, &venues[nvenues]), -1);
	ck_assert_str_eq(venues[nvenues].code, code);
	if (strcmp(state, "inactive") == 0) {
		ck_assert_int_eq(store_venue_set_active(u.st, code, 0), 0);
		venues[nvenues].active = 0;
	}
	nvenues++;
}

/* The venue number checked in at by the last text, or NULL. */
static const struct venue *
checked_in(const char *number, int *companions)
{
	struct checkin	c;
	size_t		i;

	for (i = 0; i < nvenues; i++) {
		memset(&c, 0, sizeof c);
		if (store_checkin_open(u.st, number, venues[i].id, T0 + 3600, &c) == 1) {
			*companions = c.companions;
			return &venues[i];
		}
	}
	return NULL;
}

/*
 * Does reply text say what message id says with code and code2 grouped and
 * the name of code's venue?
 */
static int
said(const char *text, enum msg_id id, const char *code, const char *code2)
{
	char		 g[CODE_MAX + 4], g2[CODE_MAX + 4], *want;
	const char	*name = "";
	struct msg_var	 vars[] = { { "code", g }, { "code2", g2 },
			    { "venue", NULL } };
	size_t		 i;
	int		 same;

	for (i = 0; i < nvenues; i++) {
		if (strcmp(venues[i].code, code) == 0)
			name = venues[i].name;
	}
	vars[2].value = name;

	code_group(code, g, sizeof g);
	code_group(code2 != NULL ? code2 : "", g2, sizeof g2);
	want = msg_render(&u.cfg->texts, LANG_VI, id, vars, nitems(vars));
	same = strcmp(text, want) == 0;
	free(want);
	return same;
}

START_TEST(test_corpus)
{
	const struct venue	*v;
	struct dialog_reply	 rep;
	struct dialog_msg	 m;
	FILE			*fp;
	char			 path[1024], from[32], e164[32], id[32];
	char			*line = NULL, *kind, *expect, *text, *plus, *comma;
	const char		*dir;
	size_t			 cap = 0, pos = 0, pos_ok = 0, neg = 0, false_ci = 0;
	size_t			 asked = 0, asked_ok = 0, n = 0;
	ssize_t			 len;
	int			 companions, want;

	unit_open(&u, "test-corpus", conf_text);
	/* Hundreds of texts: a lost test database is no loss, skip the fsyncs. */
	ck_assert_int_eq(store_set_durable(u.st, 0), 0);
	if ((dir = getenv("CHECKIND_SRCDIR")) != NULL)
		snprintf(path, sizeof path, "%s/tests/corpus/%s", dir, CORPUS_FILE);
	else
		snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, CORPUS_FILE);
	ck_assert_msg((fp = fopen(path, "r")) != NULL, "%s", path);
	while ((len = getline(&line, &cap, fp)) != -1) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		kind = strsep(&line, "\t");
		expect = strsep(&line, "\t");
		text = line;
		line = kind;	/* getline's buffer, for the next line */
		ck_assert_msg(expect != NULL && text != NULL, "bad corpus line");
		if (strcmp(kind, "venue") == 0) {
			char	*state = strsep(&text, "\t");

			add_venue(expect, state, text != NULL ? text : "x");
			continue;
		}
		unescape(text);
		n++;
		snprintf(from, sizeof from, "09%08zu", n);
		snprintf(e164, sizeof e164, "+849%08zu", n);
		snprintf(id, sizeof id, "c%zu", n);
		memset(&rep, 0, sizeof rep);
		memset(&m, 0, sizeof m);
		m.channel = "test";
		m.ext_id = id;
		m.from = from;
		m.to = "8088";
		m.text = text;
		m.textlen = strlen(text);
		m.received_at = T0 + (int64_t)n;
		ck_assert_int_eq(dialog_handle(u.st, u.cfg, &m, &rep), DIALOG_OK);
		v = checked_in(e164, &companions);

		if (strcmp(kind, "checkin") == 0) {
			pos++;
			ck_assert((plus = strchr(expect, '+')) != NULL);
			*plus = '\0';
			want = atoi(plus + 1);
			if (v != NULL && strcmp(v->code, expect) == 0 &&
			    companions == want)
				pos_ok++;
			else if (v != NULL) {
				false_ci++;
				fprintf(stderr, "WRONG check-in %s+%d: %s\n",
				    v->code, companions, text);
			} else
				fprintf(stderr, "not understood (%s): %s\n",
				    rep.n > 0 ? rep.text[0] : "no reply", text);
			dialog_reply_free(&rep);
			continue;
		}
		neg++;
		if (v != NULL) {
			false_ci++;
			fprintf(stderr, "FALSE check-in %s: %s\n", v->code, text);
		}
		if (strcmp(kind, "none") != 0) {
			asked++;
			comma = strchr(expect, ',');
			if (comma != NULL)
				*comma++ = '\0';
			if (rep.n > 0 && ((strcmp(kind, "twocodes") == 0 &&
			    said(rep.text[0], MSG_TWO_CODES, expect, comma)) ||
			    (strcmp(kind, "badcount") == 0 &&
			    said(rep.text[0], MSG_ASK_COUNT, expect, NULL)) ||
			    (strcmp(kind, "didyoumean") == 0 &&
			    rep.text[0] != NULL && strstr(rep.text[0], "Co phai") != NULL)))
				asked_ok++;
			else
				fprintf(stderr, "not asked %s (%s): %s\n", kind,
				    rep.n > 0 ? rep.text[0] : "no reply", text);
		}
		dialog_reply_free(&rep);
	}
	free(line);
	fclose(fp);

	printf("corpus: %zu positives, %zu understood (%.1f%%); %zu negatives, "
	    "%zu false check-ins; %zu asked back, %zu right\n", pos, pos_ok,
	    pos > 0 ? 100.0 * pos_ok / pos : 0.0, neg, false_ci, asked, asked_ok);
	fflush(stdout);
	ck_assert_uint_ge(pos, CORPUS_POS_MIN);
	ck_assert_uint_ge(neg, CORPUS_NEG_MIN);
	ck_assert_uint_eq(false_ci, 0);
	ck_assert_msg(pos_ok * 100 >= pos * 99, "%zu of %zu positives understood",
	    pos_ok, pos);
	ck_assert_uint_eq(asked_ok, asked);
	while (nvenues > 0)
		store_venue_free(&venues[--nvenues]);
	unit_close(&u);
}
END_TEST

static Suite *
corpus_suite(void)
{
	Suite	*s = suite_create("corpus");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, CORPUS_TIMEOUT);
	tcase_add_test(tc, test_corpus);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(corpus_suite());
}
