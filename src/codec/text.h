/* text.h: normalising untrusted SMS text (libunistring). */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>

/*
 * The stored form of an inbound text: invalid UTF-8 sequences replaced by
 * U+FFFD, NUL and control characters made spaces, Unicode NFC, trimmed,
 * runs of whitespace collapsed to one space. Never fails; returns a new
 * string. Input longer than TEXT_MAX bytes is cut at a character boundary.
 */
char	*text_clean(const char *in, size_t len);

/*
 * The matching form: text_clean, then compatibility decomposition (full-width
 * digits and letters become ASCII), combining marks dropped (Vietnamese
 * diacritics folded: "MÃ" -> "ma", "KHÔNG" -> "khong"), đ/Đ -> d, and
 * lower-cased. Characters with no ASCII form stay as they are.
 */
char	*text_fold(const char *in, size_t len);

/*
 * A name fitted for GSM-7: compatibility decomposition, Latin accents
 * dropped and đ/Đ made d/D, keeping case, spacing and everything else:
 * "Phở Thìn Đinh Tiên Hoàng" -> "Pho Thin Dinh Tien Hoang". Invalid UTF-8
 * becomes U+FFFD. Never fails; returns a new string.
 */
char	*text_unaccent(const char *in);

/* A copy of at most maxchars characters of UTF-8 s, never cutting one in two. */
char	*text_cut(const char *s, size_t maxchars);

/* 1 if the string is plain 7-bit ASCII. */
int	 text_is_ascii(const char *);

#endif
