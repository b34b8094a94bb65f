/* config-texts.c: what residents read: reply templates, the declaration's questions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/gsm.h"
#include "codec/msg.h"
#include "config/config.h"
#include "config/config-impl.h"

#define CONFIG_TEMPLATE_MAX	1000	/* bytes of a reply template */
#define CONFIG_QUESTION_MAX	480	/* bytes of a question text */
#define CONFIG_QUESTIONS_MAX	10	/* questions in one declaration */

#define QSET_OFF(f)	offsetof(struct question_set, f)
#define Q_OFF(f)	offsetof(struct question, f)

static int	config_question_post(struct config_ctx *,
		    const config_setting_t *, const char *, void *);

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

int
config_load_templates(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct config		*cfg = target;
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
		config_join(lname, sizeof lname, name, config_setting_name(lg));
		if ((lang = msg_lang_parse(config_setting_name(lg))) == -1)
			return config_fail(ctx, lg, lname,
			    "unknown setting (languages are vi and en)");
		if (config_setting_type(lg) != CONFIG_TYPE_GROUP)
			return config_fail(ctx, lg, lname, "must be %s",
			    config_type_name(CT_GROUP));
		m = config_setting_length(lg);
		for (j = 0; j < m; j++) {
			t = config_setting_get_elem(lg, j);
			config_join(tname, sizeof tname, lname,
			    config_setting_name(t));
			if ((id = msg_lookup(config_setting_name(t))) == -1)
				return config_fail(ctx, t, tname,
				    "unknown setting (not a message name)");
			if (config_setting_type(t) != CONFIG_TYPE_STRING)
				return config_fail(ctx, t, tname, "must be %s",
				    config_type_name(CT_STRING));
			str = config_setting_get_string(t);
			if (*str == '\0')
				return config_fail(ctx, t, tname,
				    "must not be empty");
			if (strlen(str) > CONFIG_TEMPLATE_MAX)
				return config_fail(ctx, t, tname,
				    "longer than %d bytes", CONFIG_TEMPLATE_MAX);
			if (config_check_utf8(str, why, sizeof why) != 0 ||
			    config_check_placeholders(id, str, why,
			    sizeof why) != 0)
				return config_fail(ctx, t, tname, "%s", why);
			cfg->texts.tmpl[lang][id] = xstrdup(str);
		}
	}
	return 0;
}

void
config_templates_free(void *target)
{
	struct config	*cfg = target;
	int		 l, m;

	for (l = 0; l < LANG_COUNT; l++) {
		for (m = 0; m < MSG_COUNT; m++) {
			free(cfg->texts.tmpl[l][m]);
			cfg->texts.tmpl[l][m] = NULL;
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

/* Warn about questions that will not fit one SMS with their template. */
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
			for (l = 0; l < LANG_COUNT; l++) {
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
					    q->id, msg_lang_name(l), gc.segments);
				free(text);
			}
		}
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
