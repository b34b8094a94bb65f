/*
 * fmt.h: inbound HTTP formats (json, kannel, twilio, africastalking). Pure: a request's
 * parts in, a message or a 4xx reason out; replies in, a response body out.
 * chan-http.c does the sockets.
 */
#ifndef FMT_H
#define FMT_H

#include <stddef.h>
#include <stdint.h>

#include "codec/web.h"
#include "config/config.h"

struct inbound_route;
struct route;
struct dialog_reply;


/* What a format found in a request. Strings are owned and freed by fmt_inbound_free. */
struct fmt_inbound {
	char	*from;
	char	*to;
	char	*text;		/* UTF-8, may hold any bytes the sender sent (cleaned later) */
	size_t	 textlen;
	char	*ext_id;	/* the sender's message id, or NULL */
	int64_t	 sent_at;	/* 0 if not given */
};

struct fmt_response {
	int	 status;		/* 200 */
	char	*content_type;		/* "application/json" */
	char	*body;
	size_t	 bodylen;
	char	*header_name;		/* one extra header, or NULL ("X-Kannel-Coding") */
	char	*header_value;
};

struct fmt_entry {
	const char	*name;
	/*
	 * Parse a request. 0 on success; otherwise an HTTP status (400, 401,
	 * 403, 405, 415) with a one-line reason in err.
	 */
	int		(*parse)(const struct web_request *, struct fmt_inbound *, char *err,
			    size_t errlen);
	/* Render the replies as this format's success response. */
	void		(*render)(const struct dialog_reply *, struct fmt_response *);
};

/* The sms format called name in fmt_formats, or NULL. */
const struct fmt_entry	*fmt_find(const char *name);

struct ussd_req;
struct ussd_resp;

/*
 * USSD formats: "africastalking" (form sessionId, serviceCode, phoneNumber,
 * networkCode, text = every input so far joined by '*'; answer text/plain
 * "CON ..." or "END ...") and "json" ({"session","from","service","input"}
 * -> {"text","end"}). The strings a parse puts in req point into *hold,
 * freed by fmt_ussd_hold_free.
 */
struct fmt_ussd_hold {
	char	*strings[8];
	size_t	 n;
};

struct fmt_ussd_entry {
	const char	*name;
	/*
	 * Parse one step (africastalking fills req->history, json req->input).
	 * 0 on success, else an HTTP status with a one-line reason in err.
	 */
	int		(*parse)(const struct web_request *, struct ussd_req *,
			    struct fmt_ussd_hold *, char *err, size_t errlen);
	void		(*render)(const struct ussd_resp *, struct fmt_response *);
};

/* The ussd format called name in fmt_formats, or NULL. */
const struct fmt_ussd_entry *fmt_ussd_find(const char *name);

struct voice_req;
struct voice_resp;

/*
 * Voice formats (voice-fmt.c): "twilio" (the Voice webhook, TwiML answers)
 * and "africastalking" (the voice callback, AT's XML). A parse fills a
 * struct voice_req whose strings live in the hold (fmt_ussd_hold_free); a
 * render writes the answer, url being the callback's own URL (its step
 * goes in s=). A parse refusing a request with 400 is answered by the
 * render of a hang-up with no parts, so that the call ends cleanly.
 */
struct fmt_voice_entry {
	const char	*name;
	int		(*parse)(const struct web_request *, struct voice_req *,
			    struct fmt_ussd_hold *, char *err, size_t errlen);
	void		(*render)(const struct voice_resp *, const char *url,
			    struct fmt_response *);
};
extern const struct fmt_voice_entry	fmt_voice_twilio;
extern const struct fmt_voice_entry	fmt_voice_at;

/* The voice format called name in fmt_formats, or NULL. */
const struct fmt_voice_entry *fmt_voice_find(const char *name);

/* Every inbound format (sms, ussd, voice), each described once; then a NULL name. */
extern const struct inbound_format fmt_formats[];
void	fmt_ussd_hold_free(struct fmt_ussd_hold *);
void			 fmt_inbound_free(struct fmt_inbound *);
void			 fmt_response_free(struct fmt_response *);


#define FMT_NUMBER_MAX	64	/* longest sender or receiver taken (bytes, as sent) */
#define FMT_ID_MAX	128	/* longest message id taken */




#endif
