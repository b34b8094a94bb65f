/*
 * send.h: outbound drivers. Pure: a queued text in, an HTTP request out; an
 * HTTP answer in, a verdict out; a delivery-report request in, its meaning
 * out. send-http.c does the sockets; outbox.c decides when.
 */
#ifndef SEND_H
#define SEND_H

#include <stddef.h>
#include <stdint.h>

struct route;
struct outbox_msg;
struct web_request;

#define SEND_HEADERS_MAX 6

/* One HTTP request to make. Strings are owned; send_req_free frees them. */
struct send_req {
	char	*url;			/* with the query string for GET */
	int	 post;			/* 1 POST with body, 0 GET */
	char	*body;
	size_t	 bodylen;
	char	*headers[SEND_HEADERS_MAX];	/* "Name: value" lines */
	size_t	 nheaders;
	char	*userpwd;		/* "user:password" for basic auth, or NULL */
};

enum send_verdict {
	SEND_OK,	/* accepted: the row is sent */
	SEND_RETRY,	/* try again later (5xx, 429, a transport error) */
	SEND_FAIL,	/* rejected for good (other 4xx, an error the route reports) */
};

/* What a delivery report said. */
struct send_dlr {
	int64_t	outbox_id;		/* our id, when the report carries it; else 0 */
	char	ext_id[128];		/* the route's message id, when it carries it */
	int	delivered;		/* 1 delivered, 0 failed, -1 not final yet */
	char	state[32];		/* the route's own word ("DELIVRD", "Success", "1") */
};

struct send_driver {
	const char	*name;
	int		 http;		/* 0: no request is made ("null") */
	int		 channel;	/* 1: a channel attached to the outbox sends (smpp, modem) */
	/*
	 * Build the request for msg on route; dlr_url is the route's dlr_url
	 * (may be NULL: then no report is asked for).
	 */
	void		(*build)(const struct route *, const struct outbox_msg *,
			    struct send_req *);
	/*
	 * Judge the answer to a request: status is the HTTP status, body the
	 * response body. Writes the route's message id to ext_id (may stay
	 * empty) and a one-line reason to err for RETRY and FAIL.
	 */
	enum send_verdict (*verdict)(const struct route *, long status, const char *body,
			    size_t len, char *ext_id, size_t idlen, char *err, size_t errlen);
	/*
	 * Parse a delivery report sent to /dlr/ROUTE. 0 on success; otherwise
	 * an HTTP status (400) with a one-line reason in err.
	 */
	int		(*dlr)(const struct web_request *, struct send_dlr *, char *err,
			    size_t errlen);
};

/*
 * The senders, each named by its entry in the route-driver table
 * (chan/route-drivers.c): four HTTP APIs, the dry-run null sender, and
 * send_channel for routes whose own link sends (SMPP binds, modems).
 */
extern const struct send_driver send_kannel;
extern const struct send_driver send_africastalking;
extern const struct send_driver send_twilio;
extern const struct send_driver send_json;
extern const struct send_driver send_null;
extern const struct send_driver send_channel;
void	send_req_free(struct send_req *);

/*
 * Seconds to wait before attempt number `attempts` + 1 (attempts >= 1 made so
 * far): base * 2^(attempts-1), at most max, with +-20% jitter from rnd
 * (uniform in [0, 1)). Never less than 1 s unless base is.
 */
double	send_backoff(double base, int max, int attempts, double rnd);

/* Parse an HTTP Retry-After value (seconds, or an HTTP date) relative to now; -1 if absent or bad. */
int64_t	send_retry_after(const char *value, int64_t now);

#endif
