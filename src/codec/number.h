/* number.h: phone numbers to E.164. */
#ifndef NUMBER_H
#define NUMBER_H

#include <stddef.h>
#include "base/base.h"

enum number_kind {
	NUMBER_INVALID = 0,	/* empty, too long, or junk */
	NUMBER_E164,		/* "+84912345678" */
	NUMBER_SHORT,		/* a short code such as "8088": digits only, 3 to 7 of them */
	NUMBER_ALPHA,		/* an alphanumeric sender such as "VIETTEL": never answered */
};

/*
 * Normalise a sender or receiver as a gateway hands it over: spaces, dashes,
 * dots and brackets dropped; "+CC..." and "00CC..." kept international;
 * "0..." national made "+" country_code without the 0; bare digits starting
 * with the country code and long enough taken as international. At most 15
 * digits (E.164). out gets the normal form (NUL-terminated, at most
 * NUMBER_MAX bytes, empty when invalid); an alphanumeric sender is copied
 * as given, cut to 11 characters.
 */
enum number_kind number_normalize(const char *in, const char *country_code,
	    char out[NUMBER_MAX]);

#endif
