/*
 * voice.h: check-in by phone call. A call to the short number is a keypad
 * menu, one provider callback a step; a call to a venue's own number
 * (call_number) checks the caller in there and is rejected unanswered.
 * Check-ins and declarations go through the same core as SMS (dialog.h).
 */
#ifndef VOICE_H
#define VOICE_H

#include <stdint.h>

struct store;
struct config;

#define VOICE_CALL_MAX		100	/* bytes of a call id (CallSid, sessionId) */
#define VOICE_DIGITS_MAX	64	/* keys of one callback */
#define VOICE_PARTS_MAX		12	/* prompts in one answer */

/* One callback as a format hands it over. */
struct voice_req {
	const char	*channel;	/* inbound route name */
	const char	*call;		/* the provider's call id: the message id */
	const char	*from;		/* the caller, as given */
	const char	*to;		/* the number called, as given, or NULL */
	const char	*digits;	/* the keys pressed (no '#'), or NULL: none */
	long long	 step;		/* the step the callback answers (s=), -1 if absent */
	int		 ended;		/* the provider says the call is over: no answer */
	int64_t		 now;
};

enum voice_action {
	VOICE_GATHER,		/* the parts, then wait for keys */
	VOICE_HANGUP,		/* the parts, then hang up */
	VOICE_REJECT,		/* reject the call unanswered (first and only verb) */
	VOICE_NONE		/* an empty answer (the call is over) */
};

/* Something said (text-to-speech) or played (a recording's URL). */
struct voice_part {
	int	 play;
	char	*text;
};

struct voice_resp {
	enum voice_action	 action;
	struct voice_part	 part[VOICE_PARTS_MAX];
	size_t			 nparts;
	char			 language[16];	/* BCP-47 tag of the spoken parts */
	int			 num_digits;	/* VOICE_GATHER: keys at most, 0: until '#' */
	int			 timeout;	/* VOICE_GATHER: seconds */
	long long		 step;		/* VOICE_GATHER: what the next callback answers */
};

/* 0 and an answer; -1 on a storage error (answer 5xx); DIALOG_ESENDER for a bad number. */
int	voice_handle(struct store *, const struct config *, const struct voice_req *,
	    struct voice_resp *);
void	voice_resp_free(struct voice_resp *);

#endif
