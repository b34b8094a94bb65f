/* code.h: numeric venue codes with a Damm check digit. */
#ifndef CODE_H
#define CODE_H

#include <stddef.h>
#include "base/base.h"

#define CODE_NEIGHBOURS_MAX 128

/* The Damm check digit (0-9) of n ASCII digits; -1 if any is not a digit. */
int	code_damm(const char *digits, size_t n);

/* 1 if code is all digits, has exactly len digits and its check digit holds. */
int	code_valid(const char *code, size_t len);

/* A fresh random code: payload random digits plus the check digit. */
void	code_make(char out[CODE_MAX], size_t payload);

/*
 * Allocate a code: up to tries fresh codes of payload random digits, each
 * offered to claim(), which answers 0 (claimed: keep it), 1 (taken: try
 * another) or -1 (an error). 0 with the claimed code in out, 1 if every
 * code tried was taken, -1 on claim's error or a bad payload; out is left
 * empty unless a code was claimed.
 */
int	code_alloc(char out[CODE_MAX], size_t payload, int tries,
	    int (*claim)(const char *code, void *arg), void *arg);

/* "1234567" -> "123 4567": a group of three, then the rest (4 digits). */
void	code_group(const char *code, char *out, size_t outlen);

/*
 * Every valid code one typo away from code (one digit changed, or two
 * neighbouring digits swapped), without code itself and without duplicates.
 * Returns how many were written to out (at most max).
 */
size_t	code_neighbours(const char *code, char (*out)[CODE_MAX], size_t max);

#endif
