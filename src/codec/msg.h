/*
 * msg.h: the words of checkind: reply texts, USSD screens and keywords,
 * Vietnamese and English built in, overridable and extensible (more
 * languages) from the configuration.
 */
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
	MSG_INSPECTED,		/* {venue} {code} {result}: an inspection recorded */
	MSG_INSPECT_USAGE,	/* KT without a known code or result */
	MSG_REGISTER_CONFIRM,	/* {name} {address} {ward}: reply 1 to send */
	MSG_REGISTER_USAGE,	/* DK without name, address and ward */
	MSG_REGISTER_WARD,	/* {ward}: no such ward */
	MSG_REGISTER_SENT,	/* sent to the ward */
	MSG_REGISTER_PENDING,	/* one registration is already waiting */
	MSG_REGISTER_CANCELLED,
	MSG_REGISTER_APPROVED,	/* {venue} {code} */
	MSG_REGISTER_REJECTED,	/* {reason} */
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

/* The texts of the USSD menu (core/ussd.c); msg.c's table gives each a key. */
enum ussd_text {
	UT_NONE = 0,
	UT_MAIN,
	UT_RESUME,
	UT_CODE,		/* {digits} */
	UT_CONFIRM,		/* {venue} {ward} {code} */
	UT_DYM,			/* {venue} {ward} {code} */
	UT_COMPANIONS,
	UT_QUESTION_YESNO,	/* {n} {total} {question} */
	UT_QUESTION_TEXT,	/* {n} {total} {question} */
	UT_LANG,
	UT_BYE,
	UT_CHECKED_IN,		/* {venue} {ward} {time} */
	UT_CHECKED_IN_SMS,	/* {venue} {ward} {time} */
	UT_DECL_DONE,
	UT_DECL_FLAGGED,	/* {hotline} */
	UT_TOO_MANY,
	UT_R_CHOICE,		/* reason lines (UT_R_*) go above a screen */
	UT_R_DIGITS,
	UT_R_CODE_LEN,		/* {digits} */
	UT_R_CODE,
	UT_R_COUNT,
	UT_R_LONG,
	UT_R_ANSWER,
	UT_R_EMPTY,
	UT_R_LANG,
	UT_COUNT
};

#define USSD_SCREEN_CHARS	182	/* characters of one USSD screen */
#define USSD_NAME_CHARS		40	/* a venue name on a screen */
#define USSD_WARD_CHARS		24	/* a ward on a screen */

/* The configuration key of a screen ("main", ...), and back (-1). */
const char	*msg_screen_name(enum ussd_text);
int		 msg_screen_lookup(const char *name);
/* The built-in text of a screen in a language. */
const char	*msg_screen_default(enum ussd_text, enum lang);
/* The placeholders a screen is given, as msg_vars() and msg_var_known(). */
const char	*msg_screen_vars(enum ussd_text);
int		 msg_screen_var_known(enum ussd_text, const char *name,
		    size_t len);

/*
 * What a keyword means (a whole message, or for checkin and checkout a word
 * before a code). KW_LANG words choose a reply language; they come from the
 * languages, not the keyword table of the configuration.
 */
enum msg_kw {
	KW_CHECKIN,
	KW_CHECKOUT,
	KW_YES,
	KW_NO,
	KW_DECLARE,
	KW_HELP,
	KW_STOP,
	KW_START,
	KW_HISTORY,
	KW_STATS,
	KW_INSPECT,		/* KT CODE RESULT [note]: an inspector's report */
	KW_RESULT_OK,		/* a result of KT: compliant */
	KW_RESULT_VIOLATION,	/* a result of KT: a violation, a note may follow */
	KW_RESULT_CLOSED,	/* a result of KT: closed on the spot */
	KW_REGISTER,		/* DK name, address, ward: an owner registers */
	KW_LANG,
	KW_COUNT
};

struct msg_keyword {
	const char	*word;	/* folded (text_fold) */
	enum msg_kw	 kw;
	int		 lang;	/* whose word; KW_LANG: the one it chooses */
};

/* The configuration key of a meaning ("checkin", "yes", ...), and back (-1). */
const char	*msg_kw_name(enum msg_kw);
int		 msg_kw_lookup(const char *name);
/* The built-in keywords, in the order they are tried. */
const struct msg_keyword *msg_kw_builtin(size_t *n);

#define LANG_CODE_MAX	8	/* bytes of a language code and its NUL */

struct msg_lang {
	char	code[LANG_CODE_MAX];	/* "vi", "en", "km" */
	int	fallback;		/* whose text is used where it has none */
};

/*
 * The words in force: the languages, the operator's templates and screens
 * (NULL where the built-in or the fallback language's text stays), the
 * keywords, and whether replies lose their diacritics. The configuration
 * holds one; rendering and parsing need nothing else of it. All zero is the
 * built-in words: Vietnamese and English.
 */
struct msg_texts {
	char			*tmpl[LANG_MAX][MSG_COUNT];
	char			*screen[LANG_MAX][UT_COUNT];
	int			 fold_diacritics;
	int			 nlangs;	/* 0: vi and en alone */
	struct msg_lang		 langs[LANG_MAX];
	struct msg_keyword	*kw;		/* NULL: the built-in ones */
	size_t			 nkw;
};

/* The number of languages (2 at least) and the code of one ("vi"), or NULL. */
int		 msg_nlangs(const struct msg_texts *);
const char	*msg_lang_code(const struct msg_texts *, int lang);
/* The position of a language code, or -1. */
int		 msg_lang_find(const struct msg_texts *, const char *code);
/* The template of id in lang: the operator's, the fallback's, the built-in. */
const char	*msg_template(const struct msg_texts *, int lang,
		    enum msg_id);
/* The same for a USSD screen. */
const char	*msg_screen(const struct msg_texts *, int lang, enum ussd_text);
/* The keywords in force, in the order they are tried. */
const struct msg_keyword *msg_keywords(const struct msg_texts *, size_t *n);

/*
 * Expand the template for id in lang (msg_template: texts' one if set, its
 * fallback language's, the built-in), replacing each {name} with its value. Unknown placeholders are
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
