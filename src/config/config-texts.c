/* config-texts.c: what residents read: reply templates, the declaration's questions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/code.h"
#include "codec/gsm.h"
#include "codec/msg.h"
#include "codec/text.h"
#include "config/config.h"
#include "config/config-impl.h"

#define CONFIG_TEMPLATE_MAX	1000	/* bytes of a reply template */
#define CONFIG_QUESTION_MAX	480	/* bytes of a question text */
#define CONFIG_QUESTIONS_MAX	10	/* questions in one declaration */

#define QSET_OFF(f)	offsetof(struct question_set, f)
#define Q_OFF(f)	offsetof(struct question, f)

static int	config_question_post(struct config_ctx *,
		    const config_setting_t *, const char *, void *);
static void	config_words_warn(const struct config *);

static const struct config_word config_words_qtype[] = {
	{ "yesno", QUESTION_YESNO },
	{ "text", QUESTION_TEXT },
	{ NULL, 0 }
};
static const struct config_word config_words_flag[] = {
	{ "yes", FLAG_ON_YES },
	{ "no", FLAG_ON_NO },
	{ NULL, 0 }
};

/* ask = ( { id = ...; type = ...; vi = ...; en = ...; flag_on = ...; } ) */
static const struct config_entry config_question[] = {
	{ .name = "id", .type = CT_STRING, .store = CS_STR, .off = Q_OFF(id),
	  .required = 1, .min = 1, .max = CONFIG_NAME_MAX,
	  .check = config_check_name,
	  .help = "stored with each answer: [a-z0-9_-]" },
	{ .name = "type", .type = CT_STRING, .store = CS_ENUM,
	  .off = Q_OFF(type), .def_num = QUESTION_YESNO,
	  .words = config_words_qtype,
	  .help = "yesno (1/2, C/K, Y/N) or text (any answer)" },
	{ .name = "vi", .type = CT_STRING, .store = CS_STR,
	  .off = Q_OFF(text[LANG_VI]), .min = 1, .max = CONFIG_QUESTION_MAX,
	  .check = config_check_utf8,
	  .help = "the question in Vietnamese" },
	{ .name = "en", .type = CT_STRING, .store = CS_STR,
	  .off = Q_OFF(text[LANG_EN]), .min = 1, .max = CONFIG_QUESTION_MAX,
	  .check = config_check_utf8,
	  .help = "the question in English" },
	{ .name = "flag_on", .type = CT_STRING, .store = CS_ENUM,
	  .off = Q_OFF(flag_on), .def_num = FLAG_NONE,
	  .words = config_words_flag,
	  .help = "the yes/no answer that flags the declaration" },
};

/* ask = ( ... ): an id is asked once. */
static const struct config_list config_ask_list = {
	.elem = { config_question, nitems(config_question),
	    config_question_post },
	.size = sizeof(struct question),
	.off = QSET_OFF(questions), .noff = QSET_OFF(nquestions),
	.max = CONFIG_QUESTIONS_MAX, .many = "questions",
	.shape = "{ id = ...; ... }",
	.key_name = "id", .key = Q_OFF(id), .twice = "is asked twice",
};

/* questions = ( { kind = ...; ask = ( ... ); }, ... ) */
static const struct config_entry config_qset[] = {
	{ .name = "kind", .type = CT_STRING, .store = CS_STR,
	  .off = QSET_OFF(kind), .required = 1, .min = 1,
	  .max = CONFIG_NAME_MAX, .check = config_check_name,
	  .help = "venue kind these questions are for; \"default\": the rest" },
	{ .name = "ask", .type = CT_LIST, .store = CS_LIST, .required = 1,
	  .list = &config_ask_list,
	  .help = "the questions, asked one SMS each in this order" },
};

/*
 * The declaration used when the configuration has none: COVID-19 screening
 * as Hanoi's check-in points asked it in 2021. Vietnamese without
 * diacritics keeps every question SMS in one GSM-7 segment.
 */
#define CONFIG_Q_SYMPTOMS { "symptoms", QUESTION_YESNO, {		\
	"Trong 14 ngay qua ban co sot, ho, kho tho hoac mat vi giac, "	\
	"khuu giac khong?",						\
	"In the last 14 days have you had fever, cough, shortness of "	\
	"breath, or lost taste or smell?" }, FLAG_ON_YES }
#define CONFIG_Q_CONTACT { "contact", QUESTION_YESNO, {			\
	"Trong 14 ngay qua ban co tiep xuc gan voi nguoi mac COVID-19 "	\
	"(F0) khong?",							\
	"In the last 14 days have you been in close contact with a "	\
	"confirmed COVID-19 (F0) case?" }, FLAG_ON_YES }
#define CONFIG_Q_ROUTE { "route", QUESTION_TEXT, {			\
	"Ban di tu dau den dau? VD: Gia Lam - Hoan Kiem",		\
	"Where are you travelling from and to? E.g. Gia Lam - "		\
	"Hoan Kiem" }, FLAG_NONE }

static struct question config_builtin_default[] = {
	CONFIG_Q_SYMPTOMS,
	CONFIG_Q_CONTACT,
};
static struct question config_builtin_checkpoint[] = {
	CONFIG_Q_SYMPTOMS,
	CONFIG_Q_CONTACT,
	CONFIG_Q_ROUTE,
};
static const struct question_set config_builtin_sets[] = {
	{ "default", config_builtin_default, nitems(config_builtin_default) },
	{ "checkpoint", config_builtin_checkpoint,
	  nitems(config_builtin_checkpoint) },
};

/* Check a template's placeholders against what its message is given. */
static int
config_check_placeholders(enum msg_id id, const char *t, char *why,
    size_t len)
{
	const char	*open, *close;

	for (open = strchr(t, '{'); open != NULL; open = strchr(open + 1,
	    '{')) {
		close = open + 1;
		while ((*close >= 'a' && *close <= 'z') || *close == '_' ||
		    (*close >= '0' && *close <= '9'))
			close++;
		if (*close != '}' || close == open + 1)
			continue;
		if (!msg_var_known(id, open + 1, close - open - 1)) {
			snprintf(why, len, "unknown placeholder {%.*s} (this "
			    "message has: %s)", (int)(close - open - 1),
			    open + 1, *msg_vars(id) != '\0' ? msg_vars(id) :
			    "none");
			return -1;
		}
	}
	return 0;
}

/* Every word setting is read at the end, by config_words_post(). */
int
config_load_later(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	return 0;
}

/* Characters (not bytes) of UTF-8 text. */
static size_t
config_chars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* "vi, en, km": the language codes, for messages. */
static void
config_lang_list(const struct msg_texts *t, char *out, size_t len)
{
	int	 l;

	*out = '\0';
	for (l = 0; l < msg_nlangs(t); l++) {
		if (l > 0)
			strlcat(out, ", ", len);
		strlcat(out, msg_lang_code(t, l), len);
	}
}

/* The language a group of the file is named after, or a failure. */
static int
config_lang_of(struct config_ctx *ctx, const struct config *cfg,
    const config_setting_t *s, const char *name)
{
	char	 list[LANG_MAX * (LANG_CODE_MAX + 2)];
	int	 lang;

	if ((lang = msg_lang_find(&cfg->texts, config_setting_name(s))) == -1) {
		config_lang_list(&cfg->texts, list, sizeof list);
		return config_fail(ctx, s, name, "unknown setting (languages "
		    "are %s)", list);
	}
	return lang;
}

/*
 * The longest values a reply is given (msg.h's budgets: {venue} 40
 * characters, {list} 90), for the one-segment check of a template: with
 * them every built-in reply fits one GSM-7 segment (tests/unit/test-msg.c).
 * {question} is empty here: config_questions_warn() checks each question.
 */
#define CONFIG_WORST_VENUE	"Quán Phở Gia Truyền Bát Đàn Số 49 Hà Nội"
#define CONFIG_WORST_WARD	"Phuong Hang Bong"
/* A registration read back: name and address cut to 30 characters, a reason to 60. */
#define CONFIG_WORST_NAME	"Quan Pho Gia Truyen Bat Dan 49"
#define CONFIG_WORST_ADDRESS	"So 49 pho Bat Dan, Hoan Kiem H"
#define CONFIG_WORST_REASON \
	"Dia chi khong thuoc phuong, de nghi bo sung giay phep kinh do"
#define CONFIG_WORST_LIST \
	"Pho Thin 16/09 08:15, Cho Hang Da 15/09 17:40, " \
	"Nha sach Trang Tien 14/09 10:05, Cafe Giang"

/* Fail if a template could take more than one SMS segment. */
static int
config_check_segment(struct config_ctx *ctx, const struct config *cfg,
    const config_setting_t *s, const char *name, int lang, enum msg_id id)
{
	struct gsm_count	 gc;
	char			 digits[CODE_MAX], code[CODE_MAX + 8], *text;
	int			 n;

	n = cfg->code_digits + 1;
	if (n < 1 || n >= CODE_MAX)
		n = 7;
	memset(digits, '9', n);
	digits[n] = '\0';
	code_group(digits, code, sizeof code);
	{
		struct msg_var	 vars[] = {
			{ "venue", CONFIG_WORST_VENUE },
			{ "ward", CONFIG_WORST_WARD },
			{ "time", "08:15 16/09" },
			{ "code", code },
			{ "code2", code },
			{ "companions", "20" },
			{ "n", "10" },
			{ "total", "10" },
			{ "question", "" },
			{ "hotline", cfg->hotline != NULL ? cfg->hotline : "" },
			{ "short_number", cfg->short_number != NULL ?
			    cfg->short_number : "" },
			{ "list", CONFIG_WORST_LIST },
			{ "lookups", "99" },
			{ "name", CONFIG_WORST_NAME },
			{ "address", CONFIG_WORST_ADDRESS },
			{ "result", "compliant" },
			{ "reason", CONFIG_WORST_REASON },
		};

		text = msg_render(&cfg->texts, lang, id, vars, nitems(vars));
	}
	if (gsm_count(text, strlen(text), &gc) == -1 || gc.segments > 1) {
		free(text);
		return config_fail(ctx, s, name, "can take %zu SMS segments "
		    "with the longest values (a 40-character {venue}); one "
		    "segment is %s", gc.segments, gc.coding == GSM_CODING_GSM7 ?
		    "160 GSM-7 characters" : "70 characters with diacritics "
		    "(UCS-2) unless fold_diacritics is on");
	}
	free(text);
	return 0;
}

/*
 * The groups of texts by language: LANG = { NAME = "text"; ... }, under
 * top. Each text is a non-empty string of valid UTF-8 naming a known text
 * (lookup); take() checks and keeps it.
 */
struct config_words_group {
	const char	*top;		/* "templates", "ussd.screens" */
	const char	*what;		/* "message", "screen" */
	int		 (*lookup)(const char *);
	int		 (*take)(struct config_ctx *, struct config *,
			    const config_setting_t *, const char *, int, int,
			    const char *);
};

static int
config_words_walk(struct config_ctx *ctx, const config_setting_t *s,
    struct config *cfg, const struct config_words_group *g)
{
	const config_setting_t	*lg, *t;
	char			 lname[CONFIG_PATH_MAX], tname[CONFIG_PATH_MAX];
	char			 why[256];
	const char		*str;
	int			 i, j, n, m, lang, id;

	if (s == NULL)
		return 0;
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		lg = config_setting_get_elem(s, i);
		config_join(lname, sizeof lname, g->top,
		    config_setting_name(lg));
		if ((lang = config_lang_of(ctx, cfg, lg, lname)) == -1)
			return -1;
		if (config_setting_type(lg) != CONFIG_TYPE_GROUP)
			return config_fail(ctx, lg, lname, "must be %s",
			    config_type_name(CT_GROUP));
		m = config_setting_length(lg);
		for (j = 0; j < m; j++) {
			t = config_setting_get_elem(lg, j);
			config_join(tname, sizeof tname, lname,
			    config_setting_name(t));
			if ((id = g->lookup(config_setting_name(t))) == -1)
				return config_fail(ctx, t, tname,
				    "unknown setting (not a %s name)", g->what);
			if (config_setting_type(t) != CONFIG_TYPE_STRING)
				return config_fail(ctx, t, tname, "must be %s",
				    config_type_name(CT_STRING));
			str = config_setting_get_string(t);
			if (*str == '\0')
				return config_fail(ctx, t, tname,
				    "must not be empty");
			if (config_check_utf8(str, why, sizeof why) != 0)
				return config_fail(ctx, t, tname, "%s", why);
			if (g->take(ctx, cfg, t, tname, lang, id, str) != 0)
				return -1;
		}
	}
	return 0;
}

/* A reply template: its placeholders known, one segment at its longest. */
static int
config_words_template(struct config_ctx *ctx, struct config *cfg,
    const config_setting_t *t, const char *tname, int lang, int id,
    const char *str)
{
	char	why[256];

	if (strlen(str) > CONFIG_TEMPLATE_MAX)
		return config_fail(ctx, t, tname, "longer than %d bytes",
		    CONFIG_TEMPLATE_MAX);
	if (config_check_placeholders(id, str, why, sizeof why) != 0)
		return config_fail(ctx, t, tname, "%s", why);
	free(cfg->texts.tmpl[lang][id]);
	cfg->texts.tmpl[lang][id] = xstrdup(str);
	return config_check_segment(ctx, cfg, t, tname, lang, id);
}

/* templates = { LANG = { MESSAGE = "..."; ... }; ... } */
static int
config_words_templates(struct config_ctx *ctx, const config_setting_t *s,
    struct config *cfg)
{
	static const struct config_words_group g = {
		"templates", "message", msg_lookup, config_words_template
	};

	return config_words_walk(ctx, s, cfg, &g);
}

/* A screen as it can be at its longest: worst values, the fitted one empty. */
static size_t
config_screen_chars(const struct config *cfg, int lang, enum ussd_text id)
{
	struct msg_var	 vars[] = {
		{ "venue", "" },
		{ "ward", "Phuong Trung Hoa Nhan Ch" },	/* 24 */
		{ "code", "999 999 9999" },
		{ "digits", "10" },
		{ "n", "10" },
		{ "total", "10" },
		{ "question", "" },
		{ "time", "08:15 16/09" },
		{ "hotline", cfg->hotline != NULL ? cfg->hotline : "" },
	};
	struct msg_texts	 one;
	char			*text;
	size_t			 n;

	/* Render the screen as if it were a reply: msg_render expands it. */
	memset(&one, 0, sizeof one);
	one.tmpl[LANG_VI][MSG_STOP] = (char *)msg_screen(&cfg->texts, lang,
	    id);
	text = msg_render(&one, LANG_VI, MSG_STOP, vars, nitems(vars));
	n = config_chars(text);
	free(text);
	return n;
}

/* A USSD screen: its placeholders known (its length is checked in the end). */
static int
config_words_screen(struct config_ctx *ctx, struct config *cfg,
    const config_setting_t *t, const char *tname, int lang, int id,
    const char *str)
{
	const char	*open, *close;

	for (open = strchr(str, '{'); open != NULL;
	    open = strchr(open + 1, '{')) {
		close = open + 1;
		while ((*close >= 'a' && *close <= 'z') || *close == '_' ||
		    (*close >= '0' && *close <= '9'))
			close++;
		if (*close != '}' || close == open + 1 ||
		    msg_screen_var_known(id, open + 1, close - open - 1))
			continue;
		return config_fail(ctx, t, tname, "unknown placeholder {%.*s}"
		    " (this screen has: %s)", (int)(close - open - 1), open + 1,
		    *msg_screen_vars(id) != '\0' ? msg_screen_vars(id) : "none");
	}
	free(cfg->texts.screen[lang][id]);
	cfg->texts.screen[lang][id] = xstrdup(str);
	return 0;
}

/* ussd = { screens = { LANG = { SCREEN = "..."; ... }; ... }; } */
static int
config_words_screens(struct config_ctx *ctx, const config_setting_t *s,
    struct config *cfg)
{
	static const struct config_words_group g = {
		"ussd.screens", "screen", msg_screen_lookup, config_words_screen
	};
	const config_setting_t	*t;
	char			 tname[CONFIG_PATH_MAX];
	size_t			 chars, reason;
	int			 lang, id, j;

	if (config_words_walk(ctx, s, cfg, &g) != 0)
		return -1;
	if (s == NULL)
		return 0;

	/* Each screen, with the longest reason line above it, fits. */
	for (lang = 0; lang < msg_nlangs(&cfg->texts); lang++) {
		reason = 0;
		for (id = UT_R_CHOICE; id < UT_COUNT; id++) {
			if ((chars = config_screen_chars(cfg, lang, id)) >
			    reason)
				reason = chars;
		}
		for (id = UT_NONE + 1; id < UT_COUNT; id++) {
			chars = config_screen_chars(cfg, lang, id);
			if (id < UT_R_CHOICE)
				chars += reason + 1;
			if (chars <= USSD_SCREEN_CHARS)
				continue;
			/* Blame the setting: the screen, or the reason line. */
			if ((t = config_setting_get_member(s, msg_lang_code(
			    &cfg->texts, lang))) != NULL)
				t = config_setting_get_member(t,
				    msg_screen_name(id));
			snprintf(tname, sizeof tname, "ussd.screens.%s.%s",
			    msg_lang_code(&cfg->texts, lang),
			    msg_screen_name(id));
			if (t == NULL)
				continue;	/* a built-in screen: a reason line is to blame */
			return config_fail(ctx, t, tname, "can take %zu "
			    "characters with a 24-character {ward} and the "
			    "longest reason line above it; a USSD screen has "
			    "%d", chars, USSD_SCREEN_CHARS);
		}
		for (id = UT_R_CHOICE; id < UT_COUNT; id++) {
			/* A reason line too long for some screen below it. */
			if ((t = config_setting_get_member(s, msg_lang_code(
			    &cfg->texts, lang))) == NULL ||
			    (t = config_setting_get_member(t,
			    msg_screen_name(id))) == NULL)
				continue;
			for (j = UT_NONE + 1; j < UT_R_CHOICE; j++) {
				chars = config_screen_chars(cfg, lang, j) + 1 +
				    config_screen_chars(cfg, lang, id);
				if (chars <= USSD_SCREEN_CHARS)
					continue;
				snprintf(tname, sizeof tname,
				    "ussd.screens.%s.%s", msg_lang_code(
				    &cfg->texts, lang), msg_screen_name(id));
				return config_fail(ctx, t, tname, "takes %zu "
				    "characters above the screen %s; a USSD "
				    "screen has %d", chars, msg_screen_name(j),
				    USSD_SCREEN_CHARS);
			}
		}
	}
	return 0;
}

#define CONFIG_KEYWORD_MAX	32	/* bytes of a keyword */

/* The keywords being built: the words and where each was written. */
struct config_kwbuild {
	struct msg_keyword		*kw;
	const config_setting_t		**at;	/* NULL: built in */
	char				**path;
	size_t				 n;
};

static void
config_kw_add(struct config_kwbuild *b, const char *word, int kw, int lang,
    const config_setting_t *at, const char *path)
{
	b->kw = xreallocarray(b->kw, b->n + 1, sizeof *b->kw);
	b->at = xreallocarray(b->at, b->n + 1, sizeof *b->at);
	b->path = xreallocarray(b->path, b->n + 1, sizeof *b->path);
	b->kw[b->n].word = xstrdup(word);
	b->kw[b->n].kw = kw;
	b->kw[b->n].lang = lang;
	b->at[b->n] = at;
	b->path[b->n] = path != NULL ? xstrdup(path) : NULL;
	b->n++;
}

/*
 * Add the words of a list setting (folded), or fail: each must be a
 * string that folds to 1..CONFIG_KEYWORD_MAX bytes.
 */
static int
config_kw_list(struct config_ctx *ctx, struct config_kwbuild *b,
    const config_setting_t *s, const char *name, int kw, int lang)
{
	const config_setting_t	*w;
	const char		*str;
	char			*folded, why[256];
	int			 i, n;

	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return config_fail(ctx, s, name, "must be %s",
		    config_type_name(CT_STRINGS));
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		w = config_setting_get_elem(s, i);
		if (config_setting_type(w) != CONFIG_TYPE_STRING)
			return config_fail(ctx, s, name, "must be %s",
			    config_type_name(CT_STRINGS));
		str = config_setting_get_string(w);
		if (config_check_utf8(str, why, sizeof why) != 0)
			return config_fail(ctx, s, name, "%s", why);
		folded = text_fold(str, strlen(str));
		if (*folded == '\0' || strlen(folded) > CONFIG_KEYWORD_MAX) {
			free(folded);
			return config_fail(ctx, s, name, "\"%s\" is not a "
			    "keyword (1 to %d letters, digits or signs)", str,
			    CONFIG_KEYWORD_MAX);
		}
		config_kw_add(b, folded, kw, lang, s, name);
		free(folded);
	}
	return 0;
}

/* Fail if two meanings claim one word (in one language; a language's word in any). */
static int
config_kw_conflicts(struct config_ctx *ctx, const struct config *cfg,
    const struct config_kwbuild *b)
{
	const struct msg_keyword	*x, *y;
	size_t				 i, j, k;

	for (i = 0; i < b->n; i++) {
		for (j = 0; j < i; j++) {
			x = &b->kw[j];
			y = &b->kw[i];
			if (strcmp(x->word, y->word) != 0)
				continue;
			if (x->kw == y->kw && (x->kw != KW_LANG ||
			    x->lang == y->lang))
				continue;
			if (x->kw != KW_LANG && y->kw != KW_LANG &&
			    x->lang != y->lang)
				continue;
			/* Blame the one the operator wrote. */
			k = b->at[i] != NULL ? i : j;
			if (b->at[k] == NULL)
				continue;
			return config_fail(ctx, b->at[k], b->path[k],
			    "\"%s\" means %s%s%s and %s%s%s in %s", y->word,
			    msg_kw_name(x->kw), x->kw == KW_LANG ? " " : "",
			    x->kw == KW_LANG ? msg_lang_code(&cfg->texts,
			    x->lang) : "", msg_kw_name(y->kw),
			    y->kw == KW_LANG ? " " : "", y->kw == KW_LANG ?
			    msg_lang_code(&cfg->texts, y->lang) : "",
			    msg_lang_code(&cfg->texts, x->kw == KW_LANG ?
			    y->lang : x->lang));
		}
	}
	return 0;
}

static void
config_kwbuild_free(struct config_kwbuild *b)
{
	size_t	 i;

	for (i = 0; i < b->n; i++) {
		free((char *)b->kw[i].word);
		free(b->path[i]);
	}
	free(b->kw);
	free(b->at);
	free(b->path);
	memset(b, 0, sizeof *b);
}

/*
 * keywords = { MEANING = { LANG = [ "word", ... ]; ... }; ... }: a list
 * given replaces the built-in words of that meaning in that language. With
 * the languages' own words (langkw, per language: NULL the built-in ones),
 * the table parse.c tries, in the order of the languages.
 */
static int
config_words_keywords(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *langkw[LANG_MAX], const int langidx[LANG_MAX],
    struct config *cfg)
{
	const config_setting_t		*mg, *lg, *given;
	const struct msg_keyword	*bk;
	struct config_kwbuild		 b;
	char				 mname[CONFIG_PATH_MAX];
	char				 lname[CONFIG_PATH_MAX];
	size_t				 nbk, i;
	int				 n, lang, kw, nl;

	memset(&b, 0, sizeof b);
	bk = msg_kw_builtin(&nbk);
	nl = msg_nlangs(&cfg->texts);

	/* Every group and language named must exist. */
	n = s != NULL ? config_setting_length(s) : 0;
	for (i = 0; i < (size_t)n; i++) {
		mg = config_setting_get_elem(s, i);
		config_join(mname, sizeof mname, "keywords",
		    config_setting_name(mg));
		if (msg_kw_lookup(config_setting_name(mg)) == -1)
			return config_fail(ctx, mg, mname, "unknown setting "
			    "(meanings are checkin, checkout, yes, no, declare, "
			    "help, stop, start, history, stats; a language's "
			    "own words are in languages)");
		if (config_setting_type(mg) != CONFIG_TYPE_GROUP)
			return config_fail(ctx, mg, mname, "must be %s",
			    config_type_name(CT_GROUP));
		for (lang = 0; lang < config_setting_length(mg); lang++) {
			lg = config_setting_get_elem(mg, lang);
			config_join(lname, sizeof lname, mname,
			    config_setting_name(lg));
			if (config_lang_of(ctx, cfg, lg, lname) == -1)
				return -1;
		}
	}

	for (lang = 0; lang < nl; lang++) {
		for (kw = 0; kw < KW_LANG; kw++) {
			given = NULL;
			if (s != NULL && (mg = config_setting_get_member(s,
			    msg_kw_name(kw))) != NULL)
				given = config_setting_get_member(mg,
				    msg_lang_code(&cfg->texts, lang));
			if (given != NULL) {
				snprintf(lname, sizeof lname, "keywords.%s.%s",
				    msg_kw_name(kw), msg_lang_code(&cfg->texts,
				    lang));
				if (config_kw_list(ctx, &b, given, lname, kw,
				    lang) != 0)
					goto fail;
				continue;
			}
			for (i = 0; i < nbk; i++) {
				if ((int)bk[i].kw == kw && bk[i].lang == lang)
					config_kw_add(&b, bk[i].word, kw, lang,
					    NULL, NULL);
			}
		}
	}
	for (lang = 0; lang < nl; lang++) {
		if (langkw[lang] != NULL) {
			snprintf(lname, sizeof lname, "languages[%d].keywords",
			    langidx[lang]);
			if (config_kw_list(ctx, &b, langkw[lang], lname, KW_LANG,
			    lang) != 0)
				goto fail;
			continue;
		}
		for (i = 0; i < nbk; i++) {
			if (bk[i].kw == KW_LANG && bk[i].lang == lang)
				config_kw_add(&b, bk[i].word, KW_LANG, lang,
				    NULL, NULL);
		}
	}
	if (config_kw_conflicts(ctx, cfg, &b) != 0)
		goto fail;

	cfg->texts.kw = b.kw;
	cfg->texts.nkw = b.n;
	b.kw = NULL;
	for (i = 0; i < b.n; i++)
		free(b.path[i]);
	free(b.at);
	free(b.path);
	return 0;
fail:
	config_kwbuild_free(&b);
	return -1;
}

/* A language code: 2 to 7 lower-case letters, digits or '-'. */
static int
config_lang_code_ok(const char *s)
{
	size_t	 n = strlen(s);

	if (n < 2 || n >= LANG_CODE_MAX)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n &&
	    s[0] >= 'a' && s[0] <= 'z';
}

/*
 * languages = ( { code = "km"; keywords = [ "KM" ]; fallback = "en"; } ):
 * vi and en are always the first two; the others follow in the order
 * given, which is what residents' choices are stored as.
 */
static int
config_words_languages(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *langkw[LANG_MAX], int langidx[LANG_MAX],
    struct config *cfg)
{
	struct msg_texts	*t = &cfg->texts;
	const config_setting_t	*el, *m, *code;
	char			 ename[CONFIG_PATH_MAX], name[CONFIG_PATH_MAX];
	const char		*str;
	int			 i, j, n, lang, fb;

	t->nlangs = LANG_COUNT;
	for (lang = 0; lang < LANG_COUNT; lang++) {
		strlcpy(t->langs[lang].code, msg_lang_name(lang),
		    sizeof t->langs[lang].code);
		t->langs[lang].fallback = lang;
	}
	n = s != NULL ? config_setting_length(s) : 0;
	for (i = 0; i < n; i++) {
		el = config_setting_get_elem(s, i);
		snprintf(ename, sizeof ename, "languages[%d]", i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP)
			return config_fail(ctx, el, ename, "must be a group "
			    "{ code = ...; ... }");
		for (j = 0; j < config_setting_length(el); j++) {
			m = config_setting_get_elem(el, j);
			if (strcmp(config_setting_name(m), "code") != 0 &&
			    strcmp(config_setting_name(m), "keywords") != 0 &&
			    strcmp(config_setting_name(m), "fallback") != 0) {
				config_join(name, sizeof name, ename,
				    config_setting_name(m));
				return config_fail(ctx, m, name,
				    "unknown setting");
			}
		}
		config_join(name, sizeof name, ename, "code");
		if ((code = config_setting_get_member(el, "code")) == NULL)
			return config_fail(ctx, el, name, "required setting is "
			    "missing (the language's code, e.g. \"km\")");
		if (config_setting_type(code) != CONFIG_TYPE_STRING ||
		    !config_lang_code_ok(str = config_setting_get_string(code)))
			return config_fail(ctx, code, name, "must be a "
			    "language code: 2 to %d lower-case letters, digits "
			    "or -", LANG_CODE_MAX - 1);
		if ((lang = msg_lang_find(t, str)) != -1 &&
		    (lang >= LANG_COUNT || langkw[lang] != NULL))
			return config_fail(ctx, code, name, "\"%s\" is listed "
			    "twice", str);
		if (lang == -1) {
			if (t->nlangs >= LANG_MAX)
				return config_fail(ctx, el, ename, "more than "
				    "%d languages", LANG_MAX);
			lang = t->nlangs++;
			strlcpy(t->langs[lang].code, str,
			    sizeof t->langs[lang].code);
			t->langs[lang].fallback = LANG_EN;
		}
		if ((m = config_setting_get_member(el, "fallback")) != NULL) {
			config_join(name, sizeof name, ename, "fallback");
			if (lang < LANG_COUNT)
				return config_fail(ctx, m, name, "vi and en "
				    "have every text built in");
			if (config_setting_type(m) != CONFIG_TYPE_STRING ||
			    (fb = msg_lang_parse(config_setting_get_string(m)))
			    == -1)
				return config_fail(ctx, m, name, "must be vi "
				    "or en");
			t->langs[lang].fallback = fb;
		}
		if ((m = config_setting_get_member(el, "keywords")) != NULL) {
			langkw[lang] = m;
			langidx[lang] = i;
		}
		else if (lang >= LANG_COUNT) {
			config_join(name, sizeof name, ename, "keywords");
			return config_fail(ctx, el, name, "required setting is "
			    "missing (the words that choose this language)");
		}
	}
	return 0;
}

/* Questions have vi and en texts: a language past them asks its fallback's. */
static void
config_words_questions(struct config *cfg)
{
	struct question	*q;
	size_t		 i, j;
	int		 l;

	for (i = 0; i < cfg->nqsets; i++) {
		for (j = 0; j < cfg->qsets[i].nquestions; j++) {
			q = &cfg->qsets[i].questions[j];
			for (l = LANG_COUNT; l < cfg->texts.nlangs; l++) {
				free(q->text[l]);
				q->text[l] = xstrdup(q->text[
				    cfg->texts.langs[l].fallback]);
			}
		}
	}
}

/* All the words, once the whole file is read (languages first). */
int
config_words_post(struct config_ctx *ctx, const config_setting_t *root,
    struct config *cfg)
{
	const config_setting_t	*langkw[LANG_MAX], *s, *u;
	int			 langidx[LANG_MAX], lang;

	memset(langkw, 0, sizeof langkw);
	memset(langidx, 0, sizeof langidx);
	if (config_words_languages(ctx, config_setting_get_member(root,
	    "languages"), langkw, langidx, cfg) != 0)
		return -1;
	if ((lang = msg_lang_find(&cfg->texts, cfg->language_code)) == -1) {
		char	 list[LANG_MAX * (LANG_CODE_MAX + 2)];

		config_lang_list(&cfg->texts, list, sizeof list);
		return config_fail(ctx, config_setting_get_member(root,
		    "language"), "language", "\"%s\" is not one of %s",
		    cfg->language_code, list);
	}
	cfg->language = lang;
	if (config_words_keywords(ctx, config_setting_get_member(root,
	    "keywords"), langkw, langidx, cfg) != 0)
		return -1;
	if (config_words_templates(ctx, config_setting_get_member(root,
	    "templates"), cfg) != 0)
		return -1;
	s = NULL;
	if ((u = config_setting_get_member(root, "ussd")) != NULL)
		s = config_setting_get_member(u, "screens");
	if (config_words_screens(ctx, s, cfg) != 0)
		return -1;
	config_words_questions(cfg);
	return 0;
}

void
config_words_free(void *target)
{
	struct config	*cfg = target;
	size_t		 i, j;
	int		 l, m;

	for (l = 0; l < LANG_MAX; l++) {
		for (m = 0; m < MSG_COUNT; m++) {
			free(cfg->texts.tmpl[l][m]);
			cfg->texts.tmpl[l][m] = NULL;
		}
		for (m = 0; m < UT_COUNT; m++) {
			free(cfg->texts.screen[l][m]);
			cfg->texts.screen[l][m] = NULL;
		}
	}
	for (i = 0; i < cfg->texts.nkw; i++)
		free((char *)cfg->texts.kw[i].word);
	free(cfg->texts.kw);
	cfg->texts.kw = NULL;
	cfg->texts.nkw = 0;
	for (i = 0; i < cfg->nqsets; i++) {
		for (j = 0; j < cfg->qsets[i].nquestions; j++) {
			for (l = LANG_COUNT; l < LANG_MAX; l++) {
				free(cfg->qsets[i].questions[j].text[l]);
				cfg->qsets[i].questions[j].text[l] = NULL;
			}
		}
	}
}

/* Checks of one question that involve several of its settings. */
static int
config_question_post(struct config_ctx *ctx, const config_setting_t *s,
    const char *path, void *target)
{
	struct question	*q = target;
	char		 name[CONFIG_PATH_MAX];

	if (q->text[LANG_VI] == NULL && q->text[LANG_EN] == NULL) {
		config_join(name, sizeof name, path, "vi");
		return config_fail(ctx, s, name, "a question needs its text "
		    "in vi, en or both");
	}
	if (q->text[LANG_VI] == NULL)
		q->text[LANG_VI] = xstrdup(q->text[LANG_EN]);
	if (q->text[LANG_EN] == NULL)
		q->text[LANG_EN] = xstrdup(q->text[LANG_VI]);
	if (q->type == QUESTION_TEXT && q->flag_on != FLAG_NONE) {
		config_join(name, sizeof name, path, "flag_on");
		return config_fail(ctx, s, name,
		    "only a yesno question can flag a declaration");
	}
	return 0;
}

/* Copy a built-in question set into the configuration. */
static void
config_qset_copy(struct question_set *dst, const struct question_set *src)
{
	size_t	 i;
	int	 l;

	dst->kind = xstrdup(src->kind);
	dst->nquestions = src->nquestions;
	dst->questions = xcalloc(src->nquestions, sizeof *dst->questions);
	for (i = 0; i < src->nquestions; i++) {
		dst->questions[i].id = xstrdup(src->questions[i].id);
		dst->questions[i].type = src->questions[i].type;
		dst->questions[i].flag_on = src->questions[i].flag_on;
		for (l = 0; l < LANG_COUNT; l++)
			dst->questions[i].text[l] =
			    xstrdup(src->questions[i].text[l]);
	}
}

/* Add the built-in sets the file does not define ("default" always). */
static void
config_questions_builtin(struct config *cfg, int all)
{
	const struct question_set	*b;
	size_t				 i, j;

	for (i = 0; i < nitems(config_builtin_sets); i++) {
		b = &config_builtin_sets[i];
		if (!all && strcmp(b->kind, "default") != 0)
			continue;
		for (j = 0; j < cfg->nqsets; j++) {
			if (strcmp(cfg->qsets[j].kind, b->kind) == 0)
				break;
		}
		if (j < cfg->nqsets)
			continue;
		cfg->qsets = xreallocarray(cfg->qsets, cfg->nqsets + 1,
		    sizeof *cfg->qsets);
		memset(&cfg->qsets[cfg->nqsets], 0, sizeof *cfg->qsets);
		config_qset_copy(&cfg->qsets[cfg->nqsets], b);
		cfg->nqsets++;
	}
}

/*
 * Nothing configured: the built-in declaration. Else venues of kinds not
 * listed fall back to "default": make sure it exists.
 */
static int
config_questions_done(struct config_ctx *ctx, const config_setting_t *list,
    const char *name, void *target)
{
	struct config	*cfg = target;

	config_questions_builtin(cfg, cfg->nqsets == 0);
	return 0;
}

/* questions = ( ... ) */
const struct config_list config_questions_list = {
	.elem = { config_qset, nitems(config_qset), NULL },
	.size = sizeof(struct question_set),
	.off = CFG_OFF(qsets), .noff = CFG_OFF(nqsets),
	.shape = "{ kind = ...; ask = ( ... ); }",
	.key_name = "kind", .key = QSET_OFF(kind),
	.twice = "has questions already",
	.done = config_questions_done,
};

/*
 * Warn about questions that will not fit one SMS with their template, in
 * every language, and about languages the USSD menu does not offer.
 */
void
config_questions_warn(const struct config *cfg)
{
	const struct question_set	*qs;
	const struct question		*q;
	struct msg_var			 vars[3];
	struct gsm_count		 gc;
	char				 total[16], *text;
	size_t				 i, j;
	int				 l;

	for (i = 0; i < cfg->nqsets; i++) {
		qs = &cfg->qsets[i];
		snprintf(total, sizeof total, "%zu", qs->nquestions);
		for (j = 0; j < qs->nquestions; j++) {
			q = &qs->questions[j];
			for (l = 0; l < msg_nlangs(&cfg->texts); l++) {
				vars[0] = (struct msg_var){ "n", total };
				vars[1] = (struct msg_var){ "total", total };
				vars[2] = (struct msg_var){ "question",
				    q->text[l] };
				text = msg_render(&cfg->texts, l, q->type == QUESTION_YESNO ?
				    MSG_QUESTION_YESNO : MSG_QUESTION_TEXT, vars,
				    nitems(vars));
				if (gsm_count(text, strlen(text), &gc) == 0 &&
				    gc.segments > 1)
					log_warnx("config: file=%s kind=%s "
					    "question=%s lang=%s segments=%zu "
					    "(the question SMS does not fit "
					    "one message)", cfg->file, qs->kind,
					    q->id, msg_lang_code(&cfg->texts, l),
					    gc.segments);
				free(text);
			}
		}
	}
	config_words_warn(cfg);
}

/*
 * Warn when a language is missing from the menu's language screen: the
 * built-in one lists vi and en only.
 */
static void
config_words_warn(const struct config *cfg)
{
	size_t	 i;
	int	 l;

	if (msg_nlangs(&cfg->texts) <= LANG_COUNT)
		return;
	for (i = 0; i < cfg->ninbound; i++) {
		if (strcmp(cfg->inbound[i].type, "ussd") == 0)
			break;
	}
	if (i == cfg->ninbound)
		return;
	for (l = 0; l < msg_nlangs(&cfg->texts); l++) {
		if (cfg->texts.screen[l][UT_LANG] != NULL)
			continue;
		log_warnx("config: file=%s lang=%s (the USSD menu's language "
		    "screen is the built-in one, which lists vi and en only: "
		    "set ussd.screens.%s.lang)", cfg->file,
		    msg_lang_code(&cfg->texts, l), msg_lang_code(&cfg->texts, l));
	}
}

const struct question_set *
config_builtin_questions(const char *kind)
{
	size_t	 i;

	for (i = 0; i < nitems(config_builtin_sets); i++) {
		if (kind != NULL && strcmp(config_builtin_sets[i].kind,
		    kind) == 0)
			return &config_builtin_sets[i];
	}
	return NULL;
}

const struct question_set *
config_questions(const struct config *cfg, const char *kind)
{
	const struct question_set	*dflt = NULL;
	size_t				 i;

	if (cfg == NULL)
		return config_builtin_questions("default");
	for (i = 0; i < cfg->nqsets; i++) {
		if (kind != NULL && strcmp(cfg->qsets[i].kind, kind) == 0)
			return &cfg->qsets[i];
		if (strcmp(cfg->qsets[i].kind, "default") == 0)
			dflt = &cfg->qsets[i];
	}
	if (dflt == NULL)
		dflt = config_builtin_questions("default");
	return dflt;
}
