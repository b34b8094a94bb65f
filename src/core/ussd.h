/*
 * ussd.h: check-in and declaration by USSD menu. Each step of a session is
 * one request from the operator; the answer is a screen of at most 182
 * characters that either continues (CON) or ends (END) the session.
 * Check-ins and declarations go through the same core as SMS (dialog.h).
 */
#ifndef USSD_H
#define USSD_H

#include <stdint.h>

struct store;
struct config;

#define USSD_SCREEN_MAX	182	/* characters on one USSD screen (GSM 03.90) */

/* One step as a format hands it over. */
struct ussd_req {
	const char	*channel;	/* inbound route name */
	const char	*session;	/* the operator's session id */
	const char	*from;		/* the subscriber's number, as given */
	const char	*service;	/* the code dialled, "*123#", may be NULL */
	const char	*input;		/* the newest input only ("" on the first step), or NULL: */
	const char	*history;	/* every input so far joined by '*' (africastalking); the
					   newest is what follows the history seen last step */
	int		 ended;		/* the network reports the session ended: no screen */
	int64_t		 now;
};

struct ussd_resp {
	int	 end;		/* 1: END (the session is over), 0: CON */
	char	*text;		/* the screen, UTF-8, at most USSD_SCREEN_MAX characters */
};

/* 0 and a screen; -1 on a storage error (answer 5xx); DIALOG_ESENDER for a bad number. */
int	ussd_handle(struct store *, const struct config *, const struct ussd_req *,
	    struct ussd_resp *);
void	ussd_resp_free(struct ussd_resp *);

#endif
