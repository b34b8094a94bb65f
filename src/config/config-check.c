/* config-check.c: the checks of one value, and the addresses settings name. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/base.h"
#include "codec/gsm.h"
#include "config/config.h"
#include "config/config-impl.h"

#define CONFIG_ZONEINFO		"/usr/share/zoneinfo"
#define CONFIG_SENDER_ALNUM	11	/* sender id (3GPP TS 23.040 9.1.2.5) */

int
config_check_timezone(const char *s, char *why, size_t len)
{
	char		 path[512];
	struct stat	 sb;

	/* A zone name is a relative path under the zoneinfo folder. */
	if (*s == '/' || strstr(s, "..") != NULL ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789/_+-") != strlen(s)) {
		snprintf(why, len, "\"%s\" is not a time zone name", s);
		return -1;
	}
	snprintf(path, sizeof path, "%s/%s", CONFIG_ZONEINFO, s);
	if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    access(path, R_OK) == -1) {
		snprintf(why, len, "unknown time zone \"%s\" (no %s)", s, path);
		return -1;
	}
	return 0;
}

/* 0 if s holds only bytes of set, else -1 and why: "\"S\" what". */
static int
config_check_set(const char *s, const char *set, const char *what, char *why,
    size_t len)
{
	if (strspn(s, set) == strlen(s))
		return 0;
	snprintf(why, len, "\"%s\" %s", s, what);
	return -1;
}

int
config_check_digits(const char *s, char *why, size_t len)
{
	return config_check_set(s, "0123456789", "must be digits only", why,
	    len);
}

int
config_check_number(const char *s, char *why, size_t len)
{
	if (*s == '+')
		s++;
	if (*s == '\0' || strspn(s, "0123456789") != strlen(s)) {
		snprintf(why, len, "\"%s\" must be digits, with an optional "
		    "leading +", s);
		return -1;
	}
	return 0;
}

int
config_check_hotline(const char *s, char *why, size_t len)
{
	if (strspn(s, "0123456789 +-.") != strlen(s) ||
	    strpbrk(s, "0123456789") == NULL) {
		snprintf(why, len, "\"%s\" must be a phone number (digits, "
		    "spaces, + - .)", s);
		return -1;
	}
	return 0;
}

int
config_listen_split(const char *listen, char *host, size_t hostlen,
    uint16_t *port)
{
	const char		*colon, *end;
	const char		*errstr;
	struct in6_addr		 a6;
	size_t			 n;
	long long		 p;

	if (listen == NULL)
		return -1;
	if (*listen == '[') {
		if ((end = strchr(listen, ']')) == NULL || end[1] != ':')
			return -1;
		n = end - listen - 1;
		colon = end + 1;
		if (n == 0 || n >= hostlen || n >= INET6_ADDRSTRLEN)
			return -1;
		memcpy(host, listen + 1, n);
		host[n] = '\0';
		if (inet_pton(AF_INET6, host, &a6) != 1)
			return -1;
	} else {
		if ((colon = strrchr(listen, ':')) == NULL)
			return -1;
		n = colon - listen;
		if (n == 0 || n >= hostlen || memchr(listen, ':', n) != NULL)
			return -1;
		memcpy(host, listen, n);
		host[n] = '\0';
		/* An IPv4 address or a host name: letters, digits, - and . */
		if (strspn(host, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != n ||
		    *host == '-' || *host == '.')
			return -1;
	}
	if (strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return -1;
	p = num_parse(colon + 1, 1, 65535, &errstr);
	if (errstr != NULL)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

int
config_check_listen(const char *s, char *why, size_t len)
{
	char		 host[256];
	uint16_t	 port;

	if (config_listen_split(s, host, sizeof host, &port) != 0) {
		snprintf(why, len, "\"%s\" is not HOST:PORT (\"127.0.0.1:8080\", "
		    "\"[::1]:8080\"; port 1..65535)", s);
		return -1;
	}
	return 0;
}

int
config_check_name(const char *s, char *why, size_t len)
{
	return config_check_set(s, "abcdefghijklmnopqrstuvwxyz0123456789_-",
	    "may hold only a-z, 0-9, _ and -", why, len);
}

int
config_check_path(const char *s, char *why, size_t len)
{
	const char	*p;

	if (*s != '/') {
		snprintf(why, len, "\"%s\" must start with /", s);
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		if (*p <= ' ' || *p >= 0x7f || *p == '?' || *p == '#' ||
		    *p == '%') {
			snprintf(why, len, "\"%s\" may not hold spaces, control "
			    "bytes, ?, # or %%", s);
			return -1;
		}
	}
	return 0;
}

int
config_check_url(const char *s, char *why, size_t len)
{
	if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0) {
		snprintf(why, len, "\"%s\" must start with http:// or https://",
		    s);
		return -1;
	}
	return config_check_word(s, why, len);
}

int
config_check_utf8(const char *s, char *why, size_t len)
{
	struct gsm_count	 gc;

	if (gsm_count(s, strlen(s), &gc) == -1) {
		snprintf(why, len, "not valid UTF-8");
		return -1;
	}
	return 0;
}

int
config_check_word(const char *s, char *why, size_t len)
{
	const char	*p;

	for (p = s; *p != '\0'; p++) {
		if (*p <= ' ' || *p >= 0x7f) {
			snprintf(why, len, "\"%s\" may not hold spaces or "
			    "control bytes", s);
			return -1;
		}
	}
	return 0;
}

/*
 * A sender: a number (a short code or E.164, at most 15 digits) or an
 * alphanumeric id of at most 11 characters with a letter in it (3GPP TS
 * 23.040 9.1.2.5; aggregators allow letters, digits, spaces, - . and _).
 */
int
config_check_sender(const char *s, char *why, size_t len)
{
	const char	*digits = *s == '+' ? s + 1 : s;
	size_t		 n = strlen(s);

	if (*digits != '\0' && strspn(digits, "0123456789") == strlen(digits)) {
		if (strlen(digits) <= CONFIG_PREFIX_DIGITS)
			return 0;
		snprintf(why, len, "\"%s\" has more than %d digits", s,
		    CONFIG_PREFIX_DIGITS);
		return -1;
	}
	if (*s == '+' || n > CONFIG_SENDER_ALNUM ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789 -._") != n || strpbrk(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL || *s == ' ') {
		snprintf(why, len, "\"%s\" is neither a number (+ and up to %d "
		    "digits) nor a sender id (1 to %d letters, digits, spaces, "
		    "- . _, with a letter)", s, CONFIG_PREFIX_DIGITS,
		    CONFIG_SENDER_ALNUM);
		return -1;
	}
	return 0;
}

/* A token's name goes into audit rows and logs as it is: no odd bytes. */
int
config_check_token_name(const char *s, char *why, size_t len)
{
	return config_check_set(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-",
	    "may hold only a-z, 0-9, _, . and -", why, len);
}

/*
 * Decode the SHA-256 at the start of s: 64 hex digits in either case, then
 * the end of s, or with rest set a blank and anything (sha256sum(1) prints
 * "DIGEST  -"). 0, or -1 with the reason in why.
 */
int
config_sha256_decode(const char *s, int rest, unsigned char *md, char *why,
    size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const char		*hi, *lo;
	size_t			 n, i;

	n = strspn(s, "0123456789abcdefABCDEF");
	if (n == CONFIG_SHA256_HEX && s[n] != '\0' &&
	    (!rest || (s[n] != ' ' && s[n] != '\t'))) {
		snprintf(why, len, "not a SHA-256: more follows its %d hex "
		    "digits (checkinctl token NAME ROLE prints the digest)",
		    CONFIG_SHA256_HEX);
		return -1;
	}
	if (n != CONFIG_SHA256_HEX) {
		if (s[n] != '\0' && s[n] != ' ' && s[n] != '\t')
			snprintf(why, len, "not a SHA-256: character %zu is not "
			    "a hex digit (checkinctl token NAME ROLE prints "
			    "the digest)", n + 1);
		else
			snprintf(why, len, "not a SHA-256: %zu hex digits, not "
			    "%d (checkinctl token NAME ROLE prints the digest)",
			    n, CONFIG_SHA256_HEX);
		return -1;
	}
	for (i = 0; i < CONFIG_SHA256_HEX / 2; i++) {
		hi = strchr(hex, s[2 * i] | 0x20);
		lo = strchr(hex, s[2 * i + 1] | 0x20);
		md[i] = (unsigned char)((hi - hex) << 4 | (lo - hex));
	}
	return 0;
}

int
config_check_sha256(const char *s, char *why, size_t len)
{
	unsigned char	 md[CONFIG_SHA256_HEX / 2];

	return config_sha256_decode(s, 0, md, why, len);
}

/*
 * The address a listen setting binds, as AF_INET or AF_INET6 bytes in
 * addr; "localhost" is 127.0.0.1. 0 for another host name, -1 if the
 * setting is malformed.
 */
int
config_listen_addr(const char *listen, unsigned char *addr, uint16_t *port)
{
	char	 host[256];

	if (config_listen_split(listen, host, sizeof host, port) != 0)
		return -1;
	memset(addr, 0, 16);
	if (strcasecmp(host, "localhost") == 0)
		strlcpy(host, "127.0.0.1", sizeof host);
	if (inet_pton(AF_INET, host, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, host, addr) == 1)
		return AF_INET6;
	return 0;
}

/* 1 if the address is 0.0.0.0 or ::, which binds every address. */
int
config_addr_any(int family, const unsigned char *addr)
{
	static const unsigned char	 zero[16];

	if (family == AF_INET)
		return memcmp(addr, zero, 4) == 0;
	if (family == AF_INET6)
		return memcmp(addr, zero, 16) == 0;
	return 0;
}

/* 1 if the first bits of a and b are the same. */
int
config_prefix_match(const unsigned char *a, const unsigned char *b, int bits)
{
	int		 whole = bits / 8, rest = bits % 8;
	unsigned char	 mask;

	if (memcmp(a, b, whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

/*
 * The placeholders of the shipped example (conf/checkind.conf): a daemon
 * started on them would trust whoever read the example.
 */
static const char *const config_placeholders[] = {
	"change-me",
	"change-me-too",
};

/* A secret, token or password: anything but a shipped placeholder. */
int
config_check_secret(const char *s, char *why, size_t len)
{
	size_t	i;

	for (i = 0; i < nitems(config_placeholders); i++) {
		if (strcasecmp(s, config_placeholders[i]) == 0) {
			snprintf(why, len, "\"%s\" is the placeholder of the "
			    "shipped example: set a secret of your own "
			    "(openssl rand -hex 32)", s);
			return -1;
		}
	}
	return 0;
}

/*
 * A delivery-report secret goes into the URLs given to the aggregator, and
 * Kannel reads % in its dlr-url: 16 or more of A-Z a-z 0-9 . _ ~ -
 * (RFC 3986 2.3), which need no escaping anywhere.
 */
int
config_check_dlr_secret(const char *s, char *why, size_t len)
{
	if (config_check_secret(s, why, len) != 0)
		return -1;
	if (strlen(s) < 16) {
		snprintf(why, len, "at least 16 characters (openssl rand "
		    "-hex 32)");
		return -1;
	}
	if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._~-") != strlen(s)) {
		snprintf(why, len, "only letters, digits and . _ ~ - (it goes "
		    "into URLs)");
		return -1;
	}
	return 0;
}

/* 1 if a listen setting binds a loopback address only (127/8, ::1). */
int
config_listen_loopback(const char *listen)
{
	static const unsigned char	 v4mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	static const unsigned char	 v6loop[16] = { [15] = 1 };
	unsigned char			 addr[16];
	uint16_t			 port;
	int				 family;

	family = config_listen_addr(listen, addr, &port);
	if (family == AF_INET6 && memcmp(addr, v4mapped, sizeof v4mapped) == 0)
		return addr[12] == 127;
	if (family == AF_INET)
		return addr[0] == 127;
	if (family == AF_INET6)
		return memcmp(addr, v6loop, sizeof v6loop) == 0;
	return 0;
}
