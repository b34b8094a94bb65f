/*
 * poster.h: the printable A4 page a venue puts at its door (cairo, with a
 * libqrencode QR code that opens the phone's SMS app with the code typed).
 */
#ifndef POSTER_H
#define POSTER_H

#include <stddef.h>

struct config;
struct venue;

enum poster_format { POSTER_PDF, POSTER_PNG };

/*
 * Render one A4 portrait page per venue (PNG: the first venue only) into a
 * new buffer. 0 on success; -1 with a reason in err.
 */
int	poster_render(const struct config *, const struct venue *venues, size_t n,
	    enum poster_format, unsigned char **out, size_t *len, char *err, size_t errlen);

/*
 * The QR payload for a code: "SMSTO:8088:1234567" by default, or an sms: URI. A new string.
 * Both functions take a NULL configuration for the defaults (8088, 28 days, SMSTO).
 */
char	*poster_qr_payload(const struct config *, const char *code);

#endif
