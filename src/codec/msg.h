/* msg.h: reply texts, Vietnamese and English, overridable from the configuration. */
#ifndef MSG_H
#define MSG_H

#include <stddef.h>
#include "base/base.h"

struct config;

/* Every reply the dialog engine can send; msg.c's table gives each a config key. */
enum msg_id {
	MSG_CHECKED_IN,		/* {venue} {ward} {time} */
	MSG_CHECKED_IN_GROUP,	/* {venue} {ward} {time} {companions} */
	MSG_CODE_INVALID,	/* {code}: check digit or length wrong */
	MSG_CODE_UNKNOWN,	/* {code}: well formed, not registered or inactive */
	MSG_DIDYOUMEAN,		/* {code} {venue}: one typo away, reply 1 */
	MSG_BADCOUNT,		/* +N out of range */
	MSG_CHECKOUT,		/* {venue} {time} */
	MSG_CHECKOUT_NONE,
	MSG_QUESTION_YESNO,	/* {n} {total} {question} */
	MSG_QUESTION_TEXT,	/* {n} {total} {question} */
	MSG_ANSWER_YESNO,	/* {question}: the answer was not yes or no */
	MSG_DECL_DONE,
	MSG_DECL_FLAGGED,	/* {hotline} */
	MSG_DECL_VALID,		/* KB while a declaration is still valid: {time} */
	MSG_HELP,		/* {short_number} */
	MSG_LANG,
	MSG_STOP,
	MSG_START,
	MSG_HISTORY,		/* {list} {lookups} */
	MSG_HISTORY_NONE,	/* {lookups} */
	MSG_STATS,		/* {list}: "name: N luot/M nguoi" per venue */
	MSG_STATS_NONE,		/* this number owns no venue */
	MSG_TWO_CODES,		/* {code} {code2}: two valid codes in one text */
	MSG_ASK_COUNT,		/* {venue}: companions out of range, how many? */
	MSG_COUNT
};

struct msg_var {
	const char	*name;
	const char	*value;
};

/* The configuration key of a message ("confirm", "did_you_mean", ...). */
const char	*msg_name(enum msg_id);
/* The message id of a configuration key, or -1. */
int		 msg_lookup(const char *name);
/* The built-in text of a message in a language. */
const char	*msg_default(enum msg_id, enum lang);
/* "vi" -> LANG_VI, "en" -> LANG_EN, -1 otherwise; and back. */
int		 msg_lang_parse(const char *);
const char	*msg_lang_name(enum lang);

/*
 * The reply texts in force: the operator's templates (NULL where the
 * built-in text stays) and whether replies lose their diacritics. The
 * configuration holds one; rendering needs nothing else of it.
 */
struct msg_texts {
	char	*tmpl[LANG_COUNT][MSG_COUNT];
	int	 fold_diacritics;
};

/*
 * Expand the template for id in lang (texts' one if set, the built-in
 * otherwise), replacing each {name} with its value. Unknown placeholders are
 * left as written. texts may be NULL (built-in texts). Returns a new string.
 */
char	*msg_render(const struct msg_texts *texts, enum lang, enum msg_id,
	    const struct msg_var *vars, size_t nvars);

/*
 * The placeholders a message is given, space-separated ("venue ward time"),
 * and whether name (len bytes, without braces) is one of them: the
 * configuration uses it to reject a template with a misspelt placeholder.
 */
const char	*msg_vars(enum msg_id);
int		 msg_var_known(enum msg_id, const char *name, size_t len);

#endif
