/*
 * web.h: what webhooks carry (query strings, form bodies, times, Twilio's
 * signature), decoded; and a request as the inbound formats and the
 * drivers' delivery-report parsers see it. Pure: no sockets.
 */
#ifndef CODEC_WEB_H
#define CODEC_WEB_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct inbound_route;
struct route;

struct web_request {
	int		 post;		/* 1 POST, 0 GET */
	const char	*query;		/* the raw query string (after '?'), or NULL */
	const char	*body;		/* request body, not NUL-terminated */
	size_t		 bodylen;
	const char	*url;		/* full URL as the client asked for it (for signatures) */
	/* a request header by name (case-insensitive), or NULL */
	const char	*(*header)(void *hctx, const char *name);
	void		*hctx;
	const struct inbound_route *route;
	/*
	 * Delivery reports (/dlr/ROUTE): the outbound route, or NULL. With
	 * it a driver can check a signature (twilio: X-Twilio-Signature with
	 * the route's password, the auth token, over url).
	 */
	const struct route *outbound;
};

/* One decoded name=value pair of a query string or form body. */
struct web_param {
	char	*name;
	size_t	 namelen;
	char	*value;
	size_t	 valuelen;
};

/* Every pair of a query string or a form body, in order. */
struct web_params {
	struct web_param	*v;
	size_t			 n;
	size_t			 cap;
};

/*
 * Add the pairs of an application/x-www-form-urlencoded string (NULL adds
 * nothing); each side is percent-decoded, so NULs survive with their length.
 */
void	web_params_add(struct web_params *, const char *s, size_t len);
void	web_params_free(struct web_params *);
/* The first pair with this exact name, or NULL. */
const struct web_param *web_params_get(const struct web_params *, const char *name);

/* An owned, NUL-terminated copy of n bytes that may hold NULs. */
char	*web_copy(const char *p, size_t n);

/* Compare a secret in constant time (hashed first: lengths do not show either). */
int	 web_secret_equal(const char *want, const char *got, size_t gotlen);

/*
 * The first parameter called name in a query string or an
 * application/x-www-form-urlencoded body, percent-decoded ('+' is a
 * space): 1 and a new NUL-terminated string in *value (its length, which
 * may count NULs, in *valuelen if not NULL), or 0 and NULL.
 */
int	 web_form_get(const char *form, size_t formlen, const char *name,
	    char **value, size_t *valuelen);

/* A copy of UTF-8 text with every invalid byte made U+FFFD; *outlen its length. */
char	*web_utf8_fix(const char *s, size_t len, size_t *outlen);

/*
 * Append text to b as XML character data or an attribute
 * value (XML 1.0 2.2, 2.4, 3.3.3): invalid UTF-8 made U+FFFD, the markup
 * characters escaped, controls XML cannot carry made spaces; with
 * allspaces set, tab, CR and LF too are made spaces.
 */
void	 web_xml_escape(struct buf *b, const char *s, int allspaces);

/*
 * A time stamp as the formats carry it: decimal epoch seconds, or ISO 8601
 * "2021-09-16T08:00:00+07:00" (also "Z", "+0700", "+07", a fraction of a
 * second, a space for the 'T'). Without an offset the time is taken as UTC
 * if utc_default is set and refused otherwise. 0 with *t in UTC seconds,
 * or -1.
 */
int	 web_time_parse(const char *s, int utc_default, int64_t *t);

/* base64(HMAC-SHA1(key, url + sorted name/value pairs)) as Twilio signs requests. */
char	*web_twilio_signature(const char *auth_token, const char *url,
	    const char *form, size_t formlen);

#endif
