/* text.h: normalising untrusted SMS text (libunistring). */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * The stored form of an inbound text: invalid UTF-8 sequences replaced by
 * U+FFFD, NUL and control characters made spaces, invisible formatting
 * characters (below) dropped, Unicode NFC, trimmed, runs of whitespace
 * collapsed to one space. Never fails; returns a new string. Input longer
 * than TEXT_MAX bytes is cut at a character boundary.
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
 * dropped, đ/Đ made d/D and invisible formatting characters (below)
 * dropped, keeping case, spacing and everything else:
 * "Phở Thìn Đinh Tiên Hoàng" -> "Pho Thin Dinh Tien Hoang". Invalid UTF-8
 * becomes U+FFFD. Never fails; returns a new string.
 */
char	*text_unaccent(const char *in);

/* A copy of at most maxchars characters of UTF-8 s, never cutting one in two. */
char	*text_cut(const char *s, size_t maxchars);

/*
 * Invisible formatting characters (Unicode general category Cf: the
 * bidirectional controls U+202A-202E, U+2066-2069, U+200E, U+200F, U+061C,
 * the zero-width U+200B-200D, U+2060-2064, U+FEFF, the soft hyphen, ...):
 * a name holding one can read backwards or differ unseen from another. They
 * are refused in what is stored of a venue and dropped from what is echoed;
 * text_clean and text_unaccent drop them too.
 */

/* The first such character of UTF-8 s, or 0 if it has none. */
uint32_t text_invisible(const char *s);

/*
 * 0 if s holds none; -1 otherwise, with a reason naming the field and the
 * character in err ("name holds U+202E, a bidirectional control").
 */
int	 text_visible_check(const char *what, const char *s, char *err,
	    size_t errlen);

/*
 * A copy of s without them, invalid UTF-8 made U+FFFD (so that what is left
 * of a broken sequence cannot join into a new character); NULL gives "".
 */
char	*text_strip_invisible(const char *s);

/* 1 if the string is plain 7-bit ASCII. */
int	 text_is_ascii(const char *);

#endif
