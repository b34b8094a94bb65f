/* gsm.h: how a text travels as SMS (3GPP TS 23.038 alphabet, TS 23.040 segments). */
#ifndef GSM_H
#define GSM_H

#include <stddef.h>
#include <stdint.h>

enum gsm_coding { GSM_CODING_GSM7, GSM_CODING_UCS2 };

struct gsm_count {
	enum gsm_coding	coding;
	size_t		units;		/* septets (GSM-7) or UTF-16 code units (UCS-2) */
	size_t		segments;	/* SMS needed: 1 if units fit 160/70, else parts of 153/67 */
	size_t		per_segment;	/* 160, 153, 70 or 67 */
};

/*
 * Septets the code point takes in the GSM 7-bit default alphabet: 1 for the
 * basic table, 2 for the extension table (^{}\[~]|€ and form feed), 0 if the
 * alphabet cannot carry it.
 */
int	gsm_septets(uint32_t);

/*
 * Measure UTF-8 text: GSM-7 if every character is in the default alphabet or
 * its extension, UCS-2 otherwise. An extension character never straddles two
 * GSM-7 parts and a surrogate pair never straddles two UCS-2 parts.
 * Returns -1 for invalid UTF-8.
 */
int	gsm_count(const char *utf8, size_t len, struct gsm_count *);

#endif
