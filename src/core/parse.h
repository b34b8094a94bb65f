/* parse.h: what a resident's SMS means (the grammar of DESIGN.md). */
#ifndef PARSE_H
#define PARSE_H

#include "base/base.h"

#define PARSE_COMPANIONS_MAX 20
#define PARSE_LINE_MAX	160	/* a longer folded text is never a command */

/*
 * Choices the grammar makes where DESIGN.md is silent (examples in
 * tests/unit/test-parse.c):
 * - a keyword may be glued to its code: "ci1234567", "ma:123 4567";
 * - a check-in keyword alone ("ci", "ma") is PARSE_UNKNOWN (it may be a
 *   free-text answer); "ra" alone is PARSE_CHECKOUT with an empty code;
 * - after a keyword, any wrong number of digits is PARSE_BADCODE; without
 *   one, only 4 to 12 digits are (so "3" or "123" alone is PARSE_UNKNOWN);
 * - companions are "+N", "+ N", "them N" or "va N", optionally followed by
 *   "nguoi", "ng", "people", "person(s)" or "pax"; PARSE_BADCOUNT keeps N in
 *   companions, or -1 when N has more than 6 digits; a code with the wrong
 *   number of digits is PARSE_BADCODE whatever N says; "RA CODE +N" is
 *   PARSE_UNKNOWN;
 * - trailing . ! ? , ; : are ignored ("?" alone is help);
 * - a text the grammar above does not place, and with no command word in
 *   it (STOP, RA, KB, LS, TK, HD, START...), is looked through for a code
 *   anywhere (find.h: "toi o quan pho, ma 123 4567 nhe", "*12O4567#",
 *   "1234567 cam on") and a companion count ("2 nguoi", "x3", "with 2"):
 *   one code is PARSE_CHECKIN (or PARSE_BADCOUNT), two valid ones
 *   PARSE_TWOCODES, none PARSE_UNKNOWN.
 */

enum parse_kind {
	PARSE_EMPTY,		/* nothing but whitespace */
	PARSE_CHECKIN,		/* [KW] CODE [+N]: code, companions */
	PARSE_BADCODE,		/* looks like a code but has the wrong number of digits: code holds the digits seen */
	PARSE_BADCOUNT,		/* a code with +N out of 0..20 */
	PARSE_CHECKOUT,		/* RA [CODE], OUT, CHECKOUT: code may be empty */
	PARSE_YES,		/* 1 C CO Y YES (also CÓ, ĐỒNG Ý folded) */
	PARSE_NO,		/* 2 K KHONG N NO */
	PARSE_DECLARE,		/* KB */
	PARSE_HELP,		/* HD HELP ? */
	PARSE_LANG,		/* VI EN: lang */
	PARSE_STOP,		/* STOP TC HUY */
	PARSE_START,		/* START */
	PARSE_HISTORY,		/* LS */
	PARSE_STATS,		/* TK */
	PARSE_TWOCODES,		/* two valid codes in one text: code, code2 */
	PARSE_UNKNOWN,		/* anything else (may still be a free-text answer) */
};

struct parse_result {
	enum parse_kind	kind;
	char		code[CODE_MAX];	/* digits only */
	char		code2[CODE_MAX];	/* PARSE_TWOCODES: the other code */
	int		companions;
	enum lang	lang;
};

/*
 * Parse a folded text (text_fold: lower case, no diacritics, single spaces).
 * code_len is the full length of a venue code (payload + check digit).
 */
void	parse_message(const char *folded, size_t code_len, struct parse_result *);

/*
 * The same with the keywords of words (the configuration's, struct
 * msg_texts of codec/msg.h); NULL: the built-in keywords.
 */
struct msg_texts;
void	parse_message_words(const struct msg_texts *words, const char *folded,
	    size_t code_len, struct parse_result *);

/* The name of a kind, for logs and tests ("checkin", "yes", ...). */
const char *parse_kind_name(enum parse_kind);

#endif
