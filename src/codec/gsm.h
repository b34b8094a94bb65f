/* gsm.h: how a text travels as SMS (3GPP TS 23.038 alphabet, TS 23.040 segments). */
#ifndef GSM_H
#define GSM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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

/*
 * One segment of a text as it travels, without any user data header:
 * GSM-7 as septet values one per octet (unpacked, as SMPP carries them and
 * before PDU packing), UCS-2 as big-endian octets.
 */
#define GSM_SEGMENT_MAX	160
struct gsm_segment {
	uint8_t	data[GSM_SEGMENT_MAX];
	size_t	len;		/* septets (GSM-7) or octets (UCS-2) */
};

/*
 * Encode UTF-8 text into the segments gsm_count measures: one segment of
 * up to 160 septets / 70 units, or parts of up to 153 septets / 67 units
 * (room for a concatenation header), never splitting an escape pair or a
 * surrogate pair. *coding gets the alphabet. Returns the number of
 * segments, or -1 for invalid UTF-8 or when more than max would be needed.
 */
int	gsm_split(const char *utf8, size_t len, enum gsm_coding *coding,
	    struct gsm_segment *segs, size_t max);

/*
 * Encode the whole of a text in one alphabet without segmenting (an SMPP
 * message_payload): septets or UCS-2 octets into out; returns the length,
 * or -1 for invalid UTF-8 or if it does not fit outlen. With GSM_CODING_GSM7
 * a character the alphabet lacks becomes "?".
 */
ssize_t	gsm_encode(const char *utf8, size_t len, enum gsm_coding coding,
	    uint8_t *out, size_t outlen);

/*
 * Decode to NUL-terminated UTF-8: unpacked GSM-7 septets (0x1b escapes to
 * the extension table; an unknown escape gives the basic character, a
 * lone trailing escape is dropped), UCS-2/UTF-16BE (surrogate pairs joined,
 * a lone surrogate becomes U+FFFD, an odd last octet is dropped), or
 * Latin-1. U+0000 becomes U+FFFD; escape-escape is a space (TS 23.038
 * 6.2.1.1). Returns the length written, or -1 if out is too small.
 */
ssize_t	gsm_decode_septets(const uint8_t *septets, size_t n, char *out, size_t outlen);
ssize_t	gsm_decode_ucs2(const uint8_t *be, size_t n, char *out, size_t outlen);
ssize_t	gsm_decode_latin1(const uint8_t *in, size_t n, char *out, size_t outlen);

#endif
