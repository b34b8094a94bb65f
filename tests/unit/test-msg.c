/* test-msg.c: every built-in reply fits one GSM-7 SMS; templates and placeholders. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/gsm.h"
#include "codec/msg.h"
#include "codec/text.h"
#include "config/config.h"
#include "unit.h"

/* Exactly 40 characters with diacritics: the longest venue name we allow. */
#define VENUE		"Quán Phở Gia Truyền Bát Đàn Số 49 Hà Nội"
#define VENUE_FOLDED	"Quan Pho Gia Truyen Bat Dan So 49 Ha Noi"
#define WARD		"Trần Hưng Đạo"
#define LIST90 \
	"Pho Thin 16/09 08:15, Cho Hang Da 15/09 17:40, " \
	"Nha sach Trang Tien 14/09 10:05, Cafe Giang"

/* The configuration key of each message, as operators write them. */
static const char *keys[MSG_COUNT] = {
	[MSG_CHECKED_IN] = "confirm",
	[MSG_CHECKED_IN_GROUP] = "confirm_group",
	[MSG_CODE_INVALID] = "code_invalid",
	[MSG_CODE_UNKNOWN] = "code_unknown",
	[MSG_DIDYOUMEAN] = "did_you_mean",
	[MSG_BADCOUNT] = "bad_count",
	[MSG_CHECKOUT] = "checkout",
	[MSG_CHECKOUT_NONE] = "checkout_none",
	[MSG_QUESTION_YESNO] = "question_yesno",
	[MSG_QUESTION_TEXT] = "question_text",
	[MSG_ANSWER_YESNO] = "answer_yesno",
	[MSG_DECL_DONE] = "declaration_done",
	[MSG_DECL_FLAGGED] = "declaration_flagged",
	[MSG_DECL_VALID] = "declaration_valid",
	[MSG_HELP] = "help",
	[MSG_LANG] = "lang",
	[MSG_STOP] = "stop",
	[MSG_START] = "start",
	[MSG_HISTORY] = "history",
	[MSG_HISTORY_NONE] = "history_none",
	[MSG_STATS] = "stats",
	[MSG_STATS_NONE] = "stats_none",
	[MSG_TWO_CODES] = "two_codes",
	[MSG_ASK_COUNT] = "ask_count",
	[MSG_INSPECTED] = "inspected",
	[MSG_INSPECT_USAGE] = "inspect_usage",
	[MSG_REGISTER_CONFIRM] = "register_confirm",
	[MSG_REGISTER_USAGE] = "register_usage",
	[MSG_REGISTER_WARD] = "register_ward",
	[MSG_REGISTER_SENT] = "register_sent",
	[MSG_REGISTER_PENDING] = "register_pending",
	[MSG_REGISTER_CANCELLED] = "register_cancelled",
	[MSG_REGISTER_APPROVED] = "register_approved",
	[MSG_REGISTER_REJECTED] = "register_rejected",
};

/* Characters (not bytes) of UTF-8 text. */
static size_t
utf8_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

static void
render_worst(enum msg_id id, enum lang lang, const char *question)
{
	struct msg_var		 vars[] = {
		{ "venue", VENUE },
		{ "ward", WARD },
		{ "time", "08:15 16/09" },
		{ "code", "123 4567" },
		{ "code2", "765 4321" },
		{ "companions", "20" },
		{ "n", "3" },
		{ "total", "3" },
		{ "question", question },
		{ "hotline", "1900 9095" },
		{ "short_number", "8088" },
		{ "list", LIST90 },
		{ "lookups", "12" },
		/* A registration read back: 30, 30 and 24 characters; a reason 60. */
		{ "name", "Quán Phở Gia Truyền Bát Đàn 49" },
		{ "address", "Số 49 phố Bát Đàn, Hoàn Kiếm H" },
		{ "result", "violation" },
		{ "reason", "Dia chi khong thuoc phuong, de nghi bo sung giay phep kinh do" },
	};
	struct gsm_count	 gc;
	char			*s;

	s = msg_render(NULL, lang, id, vars, nitems(vars));
	ck_assert_ptr_nonnull(s);
	ck_assert_msg(gsm_count(s, strlen(s), &gc) == 0,
	    "%s/%s: invalid UTF-8", msg_name(id), msg_lang_name(lang));
	ck_assert_msg(gc.coding == GSM_CODING_GSM7,
	    "%s/%s is not GSM-7 (%zu UCS-2 units): %s", msg_name(id),
	    msg_lang_name(lang), gc.units, s);
	ck_assert_msg(gc.segments == 1 && gc.units <= 160,
	    "%s/%s takes %zu septets, %zu segments: %s", msg_name(id),
	    msg_lang_name(lang), gc.units, gc.segments, s);
	ck_assert_msg(strchr(s, '{') == NULL && strchr(s, '}') == NULL,
	    "%s/%s has a placeholder left: %s", msg_name(id),
	    msg_lang_name(lang), s);
	free(s);
}

/* THE one-segment test: every message, both languages, longest values. */
START_TEST(test_one_segment)
{
	static const char		*kinds[] = { "default", "checkpoint" };
	const struct question_set	*qs;
	enum lang			 lang;
	size_t				 k, q;
	int				 id, asked;

	ck_assert_uint_eq(utf8_chars(VENUE), 40);
	ck_assert_uint_eq(strlen(LIST90), 90);
	for (id = 0; id < MSG_COUNT; id++) {
		for (lang = 0; lang < LANG_COUNT; lang++) {
			asked = 0;
			for (k = 0; k < nitems(kinds); k++) {
				qs = config_builtin_questions(kinds[k]);
				ck_assert_ptr_nonnull(qs);
				for (q = 0; q < qs->nquestions; q++) {
					render_worst(id, lang,
					    qs->questions[q].text[lang]);
					asked++;
				}
			}
			ck_assert_int_ge(asked, 3);
		}
	}
}
END_TEST

/* The built-in questions are GSM-7 themselves, in both languages. */
START_TEST(test_builtin_questions)
{
	static const char		*kinds[] = { "default", "checkpoint" };
	const struct question_set	*qs;
	struct gsm_count		 gc;
	size_t				 k, q, flagged;
	int				 l;

	for (k = 0; k < nitems(kinds); k++) {
		qs = config_builtin_questions(kinds[k]);
		ck_assert_ptr_nonnull(qs);
		ck_assert_str_eq(qs->kind, kinds[k]);
		flagged = 0;
		for (q = 0; q < qs->nquestions; q++) {
			for (l = 0; l < LANG_COUNT; l++) {
				ck_assert_int_eq(gsm_count(
				    qs->questions[q].text[l],
				    strlen(qs->questions[q].text[l]), &gc), 0);
				ck_assert_int_eq(gc.coding, GSM_CODING_GSM7);
			}
			if (qs->questions[q].flag_on == FLAG_ON_YES)
				flagged++;
		}
		ck_assert_uint_ge(flagged, 2);
	}
	qs = config_builtin_questions("checkpoint");
	ck_assert_int_eq(qs->questions[qs->nquestions - 1].type, QUESTION_TEXT);
}
END_TEST

START_TEST(test_names)
{
	int	 id, j;

	for (id = 0; id < MSG_COUNT; id++) {
		ck_assert_ptr_nonnull(keys[id]);
		ck_assert_ptr_nonnull(msg_name(id));
		ck_assert_str_eq(msg_name(id), keys[id]);
		ck_assert_int_eq(msg_lookup(keys[id]), id);
		ck_assert_ptr_nonnull(msg_default(id, LANG_VI));
		ck_assert_ptr_nonnull(msg_default(id, LANG_EN));
		ck_assert_str_ne(msg_default(id, LANG_VI),
		    msg_default(id, LANG_EN));
		for (j = 0; j < id; j++)
			ck_assert_str_ne(msg_name(j), msg_name(id));
	}
	ck_assert_int_eq(msg_lookup("Confirm"), -1);
	ck_assert_int_eq(msg_lookup("confirm "), -1);
	ck_assert_int_eq(msg_lookup(""), -1);
	ck_assert_int_eq(msg_lookup(NULL), -1);
	ck_assert_ptr_null(msg_name(MSG_COUNT));
	ck_assert_ptr_null(msg_default(MSG_COUNT, LANG_VI));

	ck_assert_int_eq(msg_lang_parse("vi"), LANG_VI);
	ck_assert_int_eq(msg_lang_parse("en"), LANG_EN);
	ck_assert_int_eq(msg_lang_parse("VI"), -1);
	ck_assert_int_eq(msg_lang_parse("fr"), -1);
	ck_assert_int_eq(msg_lang_parse(""), -1);
	ck_assert_int_eq(msg_lang_parse("vie"), -1);
	ck_assert_int_eq(msg_lang_parse(NULL), -1);
	ck_assert_str_eq(msg_lang_name(LANG_VI), "vi");
	ck_assert_str_eq(msg_lang_name(LANG_EN), "en");
	ck_assert_ptr_null(msg_lang_name(LANG_COUNT));
}
END_TEST

/* Each built-in text uses only placeholders its message is given, and all of them. */
START_TEST(test_placeholders)
{
	const char	*t, *open, *close, *v, *end;
	char		 brace[64];
	int		 id, l;

	for (id = 0; id < MSG_COUNT; id++) {
		for (l = 0; l < LANG_COUNT; l++) {
			t = msg_default(id, l);
			for (open = strchr(t, '{'); open != NULL;
			    open = strchr(close, '{')) {
				close = strchr(open, '}');
				ck_assert_ptr_nonnull(close);
				ck_assert_msg(msg_var_known(id, open + 1,
				    close - open - 1), "%s/%s: {%.*s}",
				    msg_name(id), msg_lang_name(l),
				    (int)(close - open - 1), open + 1);
			}
			for (v = msg_vars(id); *v != '\0'; v = end) {
				v += strspn(v, " ");
				end = v + strcspn(v, " ");
				snprintf(brace, sizeof brace, "{%.*s}",
				    (int)(end - v), v);
				ck_assert_msg(strstr(t, brace) != NULL,
				    "%s/%s does not use %s", msg_name(id),
				    msg_lang_name(l), brace);
			}
		}
	}
	ck_assert_int_eq(msg_var_known(MSG_CHECKED_IN, "venue", 5), 1);
	ck_assert_int_eq(msg_var_known(MSG_CHECKED_IN, "venu", 4), 0);
	ck_assert_int_eq(msg_var_known(MSG_CHECKED_IN, "venues", 6), 0);
	ck_assert_int_eq(msg_var_known(MSG_CHECKED_IN, "code", 4), 0);
	ck_assert_int_eq(msg_var_known(MSG_HELP, "short_number", 12), 1);
	ck_assert_int_eq(msg_var_known(MSG_STOP, "", 0), 0);
}
END_TEST

static const struct msg_var test_vars[] = {
	{ "venue", VENUE },
	{ "ward", WARD },
	{ "time", "08:15 16/09" },
	{ "code", "123 4567" },
	{ "empty", "" },
	{ "null", NULL },
};

/* A template rendered with test_vars, with and without fold_diacritics. */
static const struct {
	const char	*tmpl;
	int		 fold;
	const char	*want;
} render_cases[] = {
	/* GSM-7 template: values with diacritics are folded. */
	{ "Tai {venue}, {ward}", 0, "Tai " VENUE_FOLDED ", Tran Hung Dao" },
	{ "{code}", 0, "123 4567" },
	{ "{venue}{venue}", 0, VENUE_FOLDED VENUE_FOLDED },
	{ "no placeholders", 0, "no placeholders" },
	{ "", 0, "" },
	/* Unknown or malformed placeholders stay as written. */
	{ "Tai {place} luc {time}", 0, "Tai {place} luc 08:15 16/09" },
	{ "{Venue} {VENUE}", 0, "{Venue} {VENUE}" },
	{ "{} { } {{venue}} }{", 0, "{} { } {" VENUE_FOLDED "} }{" },
	{ "unterminated {venue", 0, "unterminated {venue" },
	{ "{venue {time}", 0, "{venue 08:15 16/09" },
	{ "{ven-ue}", 0, "{ven-ue}" },
	{ "[{empty}]({null})", 0, "[]()" },
	/* A template with diacritics keeps values as they are (UCS-2). */
	{ "Đã check-in tại {venue}, {ward}", 0,
	  "Đã check-in tại " VENUE ", " WARD },
	/* fold_diacritics folds everything, the template too. */
	{ "Đã check-in tại {venue}, {ward}", 1,
	  "Da check-in tai " VENUE_FOLDED ", Tran Hung Dao" },
	{ "ĐẾN {place}", 1, "DEN {place}" },
	{ "Tai {venue}", 1, "Tai " VENUE_FOLDED },
};

START_TEST(test_render_template)
{
	struct msg_texts	 cfg;
	char		*s;
	size_t		 i;

	for (i = 0; i < nitems(render_cases); i++) {
		memset(&cfg, 0, sizeof cfg);
		cfg.fold_diacritics = render_cases[i].fold;
		cfg.tmpl[LANG_EN][MSG_CHECKOUT] = (char *)render_cases[i].tmpl;
		s = msg_render(&cfg, LANG_EN, MSG_CHECKOUT, test_vars,
		    nitems(test_vars));
		ck_assert_msg(strcmp(s, render_cases[i].want) == 0,
		    "case %zu: \"%s\", want \"%s\"", i, s, render_cases[i].want);
		free(s);

		/* The other language still has its built-in text. */
		s = msg_render(&cfg, LANG_VI, MSG_CHECKOUT, test_vars,
		    nitems(test_vars));
		ck_assert_ptr_nonnull(strstr(s, "Da ghi nhan"));
		free(s);
	}
}
END_TEST

START_TEST(test_render_builtin)
{
	struct gsm_count	 gc;
	struct msg_texts		 cfg;
	char			*s, *t;

	/* No configuration: the built-in text, venue folded to keep GSM-7. */
	s = msg_render(NULL, LANG_VI, MSG_CHECKED_IN, test_vars,
	    nitems(test_vars));
	ck_assert_str_eq(s, "Da check-in tai " VENUE_FOLDED ", Tran Hung Dao, "
	    "luc 08:15 16/09. Ra ve nhan RA. Giu tin nay de xuat trinh.");
	free(s);

	/* A configuration without templates renders the same. */
	memset(&cfg, 0, sizeof cfg);
	s = msg_render(NULL, LANG_EN, MSG_DIDYOUMEAN, test_vars,
	    nitems(test_vars));
	t = msg_render(&cfg, LANG_EN, MSG_DIDYOUMEAN, test_vars,
	    nitems(test_vars));
	ck_assert_str_eq(s, t);
	ck_assert_ptr_nonnull(strstr(s, "123 4567"));
	ck_assert_ptr_nonnull(strstr(s, VENUE_FOLDED));
	free(s);
	free(t);

	/* GSM-7 letters with accents (é, Ü) are not folded needlessly. */
	{
		struct msg_var	 v[] = { { "venue", "Café Übel" },
				    { "time", "08:15" } };

		s = msg_render(NULL, LANG_EN, MSG_CHECKOUT, v, nitems(v));
		ck_assert_ptr_nonnull(strstr(s, "Café Übel"));
		ck_assert_int_eq(gsm_count(s, strlen(s), &gc), 0);
		ck_assert_int_eq(gc.coding, GSM_CODING_GSM7);
		free(s);
	}

	/* No variables at all: placeholders stay, nothing crashes. */
	s = msg_render(NULL, LANG_EN, MSG_CHECKOUT, NULL, 0);
	ck_assert_ptr_nonnull(strstr(s, "{venue}"));
	free(s);

	/* A language out of range falls back to Vietnamese. */
	s = msg_render(NULL, LANG_COUNT, MSG_STOP, NULL, 0);
	ck_assert_str_eq(s, msg_default(MSG_STOP, LANG_VI));
	free(s);

	/* fold_diacritics on built-in texts changes nothing (already ASCII). */
	memset(&cfg, 0, sizeof cfg);
	cfg.fold_diacritics = 1;
	s = msg_render(&cfg, LANG_VI, MSG_HELP, NULL, 0);
	ck_assert_str_eq(s, msg_default(MSG_HELP, LANG_VI));
	free(s);
}
END_TEST

/* A venue name stored with U+202E or a zero-width space: the reply has neither. */
START_TEST(test_render_invisible)
{
	struct msg_texts	 cfg;
	struct msg_var		 v[] = {
		{ "venue", "Ph\xe1\xbb\x9f\xe2\x80\xae Th\xc3\xacn\xe2\x80\x8b" },
		{ "time", "08:15" },
	};
	char			*s;

	/* A GSM-7 template: the name is folded, and nothing invisible is left. */
	s = msg_render(NULL, LANG_EN, MSG_CHECKOUT, v, nitems(v));
	ck_assert_ptr_nonnull(strstr(s, "Pho Thin"));
	ck_assert_ptr_null(strstr(s, "\xe2\x80"));
	free(s);

	/* A UCS-2 template keeps the name's accents, not its controls. */
	memset(&cfg, 0, sizeof cfg);
	cfg.tmpl[LANG_VI][MSG_CHECKOUT] = (char *)"Đã ra khỏi {venue}";
	s = msg_render(&cfg, LANG_VI, MSG_CHECKOUT, v, nitems(v));
	ck_assert_str_eq(s, "Đã ra khỏi Ph\xe1\xbb\x9f Th\xc3\xacn");
	free(s);
}
END_TEST

/* The built-in keywords are folded and none means two things in one language. */
START_TEST(test_builtin_keywords)
{
	const struct msg_keyword	*kw;
	size_t				 n, i, j;
	char				*f;

	kw = msg_kw_builtin(&n);
	ck_assert_uint_gt(n, 40);
	for (i = 0; i < n; i++) {
		f = text_fold(kw[i].word, strlen(kw[i].word));
		ck_assert_str_eq(f, kw[i].word);
		free(f);
		ck_assert_int_lt(kw[i].kw, KW_COUNT);
		ck_assert_int_lt(kw[i].lang, LANG_COUNT);
		for (j = 0; j < i; j++) {
			if (strcmp(kw[i].word, kw[j].word) != 0)
				continue;
			ck_assert_msg(kw[i].kw == kw[j].kw ||
			    (kw[i].kw != KW_LANG && kw[j].kw != KW_LANG &&
			    kw[i].lang != kw[j].lang), "\"%s\" means %s and %s",
			    kw[i].word, msg_kw_name(kw[i].kw),
			    msg_kw_name(kw[j].kw));
		}
	}
	/* Names and lookups agree; a language's words are not a meaning. */
	for (i = 0; i < KW_LANG; i++)
		ck_assert_int_eq(msg_kw_lookup(msg_kw_name(i)), (int)i);
	ck_assert_int_eq(msg_kw_lookup("lang"), -1);
	ck_assert_int_eq(msg_screen_lookup("main"), UT_MAIN);
	ck_assert_int_eq(msg_screen_lookup("none"), -1);
	ck_assert_str_eq(msg_screen_name(UT_R_LANG), "lang_set");
}
END_TEST

static Suite *
msg_suite(void)
{
	Suite	*s = suite_create("msg");
	TCase	*tc = tcase_create("msg");

	tcase_add_test(tc, test_one_segment);
	tcase_add_test(tc, test_builtin_questions);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_placeholders);
	tcase_add_test(tc, test_render_template);
	tcase_add_test(tc, test_render_builtin);
	tcase_add_test(tc, test_render_invisible);
	tcase_add_test(tc, test_builtin_keywords);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(msg_suite());
}
