/* code.c: numeric venue codes with a Damm check digit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/code.h"

/*
 * The Damm algorithm (H. Michael Damm, "Total anti-symmetrische
 * Quasigruppen", dissertation, Philipps-Universitaet Marburg, 2004): this
 * weakly totally anti-symmetric quasigroup of order 10 with a zero diagonal
 * catches every single-digit error and every adjacent transposition. The
 * check digit is the interim digit after the payload; a code with its check
 * digit appended runs the table to 0.
 */
static const unsigned char code_damm_table[10][10] = {
	{ 0, 3, 1, 7, 5, 9, 8, 6, 4, 2 },
	{ 7, 0, 9, 2, 1, 5, 4, 8, 6, 3 },
	{ 4, 2, 0, 6, 8, 7, 1, 3, 5, 9 },
	{ 1, 7, 5, 0, 9, 8, 3, 4, 2, 6 },
	{ 6, 1, 2, 3, 0, 4, 5, 9, 7, 8 },
	{ 3, 6, 7, 4, 2, 0, 9, 5, 8, 1 },
	{ 5, 8, 6, 9, 7, 2, 0, 1, 3, 4 },
	{ 8, 9, 4, 5, 3, 6, 2, 0, 1, 7 },
	{ 9, 4, 3, 8, 6, 1, 7, 2, 0, 5 },
	{ 2, 5, 8, 1, 4, 3, 6, 7, 9, 0 },
};

int
code_damm(const char *digits, size_t n)
{
	size_t		i;
	unsigned int	interim = 0;

	if (digits == NULL && n != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (digits[i] < '0' || digits[i] > '9')
			return -1;
		interim = code_damm_table[interim][digits[i] - '0'];
	}
	return (int)interim;
}

int
code_valid(const char *code, size_t len)
{
	if (code == NULL || len < 2 || len >= CODE_MAX)
		return 0;
	if (strnlen(code, len + 1) != len)
		return 0;
	return code_damm(code, len) == 0;
}

void
code_make(char out[CODE_MAX], size_t payload)
{
	size_t	i;

	if (payload > CODE_MAX - 2)
		payload = CODE_MAX - 2;
	for (i = 0; i < payload; i++)
		out[i] = '0' + (char)arc4random_uniform(10);
	out[payload] = '0' + (char)code_damm(out, payload);
	out[payload + 1] = '\0';
}

int
code_alloc(char out[CODE_MAX], size_t payload, int tries,
    int (*claim)(const char *, void *), void *arg)
{
	int	i, rc = 1;

	out[0] = '\0';
	if (payload == 0 || payload + 2 > CODE_MAX)
		return -1;
	for (i = 0; i < tries; i++) {
		code_make(out, payload);
		if ((rc = claim(out, arg)) != 1)
			break;
	}
	if (i == tries || rc == -1) {
		out[0] = '\0';
		return i == tries ? 1 : -1;
	}
	return 0;
}

void
code_group(const char *code, char *out, size_t outlen)
{
	if (out == NULL || outlen == 0)
		return;
	if (code == NULL) {
		out[0] = '\0';
		return;
	}
	if (strlen(code) <= 3)
		snprintf(out, outlen, "%s", code);
	else
		snprintf(out, outlen, "%.3s %s", code, code + 3);
}

/* Add cand to out[0..n) unless it is code itself, already there, or invalid. */
static size_t
code_add_neighbour(const char *code, const char *cand, size_t len,
    char (*out)[CODE_MAX], size_t n, size_t max)
{
	size_t	i;

	if (n >= max || strcmp(cand, code) == 0 || !code_valid(cand, len))
		return n;
	for (i = 0; i < n; i++) {
		if (strcmp(out[i], cand) == 0)
			return n;
	}
	memcpy(out[n], cand, len + 1);
	return n + 1;
}

size_t
code_neighbours(const char *code, char (*out)[CODE_MAX], size_t max)
{
	char	cand[CODE_MAX], c;
	size_t	len, i, n = 0;
	int	d;

	if (code == NULL || out == NULL)
		return 0;
	len = strnlen(code, CODE_MAX);
	if (len < 2 || len >= CODE_MAX || code_damm(code, len) == -1)
		return 0;

	/* One digit changed. */
	for (i = 0; i < len; i++) {
		for (d = 0; d < 10; d++) {
			if (code[i] == '0' + d)
				continue;
			memcpy(cand, code, len + 1);
			cand[i] = '0' + (char)d;
			n = code_add_neighbour(code, cand, len, out, n, max);
		}
	}

	/* Two neighbouring, different digits swapped. */
	for (i = 0; i + 1 < len; i++) {
		if (code[i] == code[i + 1])
			continue;
		memcpy(cand, code, len + 1);
		c = cand[i];
		cand[i] = cand[i + 1];
		cand[i + 1] = c;
		n = code_add_neighbour(code, cand, len, out, n, max);
	}
	return n;
}
