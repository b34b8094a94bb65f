/* find.h: a venue code and a companion count anywhere in a folded text. */
#ifndef FIND_H
#define FIND_H

#include <stddef.h>
#include "base/base.h"

#define FIND_CODES	2	/* codes a text may name before we ask which */

/*
 * What find_code() read. A code-like run is digits, with at most three
 * spaces, dots or dashes between two of them, "o" typed for 0 and "l" or
 * "i" for 1 among them; a run glued to other letters, after a "+", before
 * a currency, or written as a date or a 1.234.567 amount is not one.
 */
struct find_result {
	size_t	ncodes;			/* 0, 1 or FIND_CODES */
	char	codes[FIND_CODES][CODE_MAX];
	int	counted;		/* a companion count was said */
	int	companions;		/* it; -1 if absurd, or two counts disagree */
};

/*
 * Look through the folded text [p, end) for runs of exactly code_len digits
 * (code_len < CODE_MAX) and a companion count ("+2", "2 nguoi", "them 2",
 * "x3", "with 2"), whose digits never join a code. One run: that code,
 * whatever its check digit (the dialog offers did-you-mean). Several: only
 * the ones whose check digit holds count; 1 is the code, 2 or more the
 * first two distinct ones. Returns ncodes.
 */
size_t	find_code(const char *p, const char *end, size_t code_len,
	    struct find_result *);

#endif
