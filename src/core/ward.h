/*
 * ward.h: the ward's own workflow in the dialog (issue 18): an inspector's
 * KT report, an owner's DK registration and its confirmation, and the fraud
 * signal computed when a check-in is stored.
 */
#ifndef WARD_H
#define WARD_H

#include <stdint.h>

#include "codec/msg.h"

struct store;
struct config;
struct session;
struct checkin;

#define WARD_VARS	4
#define WARD_VAR_MAX	256

/* One SMS as ward_sms() sees it, and the reply it chose. */
struct ward_sms {
	struct store		*store;
	const struct config	*cfg;
	const char		*from;		/* E.164 */
	const char		*clean;		/* the text as stored */
	int			 lang;
	int64_t			 now;
	const struct session	*session;	/* the number's live one, or NULL */
	int			 yes;		/* the text is yes (1), no (2), neither (0) */
	/* out */
	enum msg_id		 reply;
	struct msg_var		 vars[WARD_VARS];
	size_t			 nvars;
	char			 val[WARD_VARS][WARD_VAR_MAX];
	const char		*action;	/* for the log line */
};

/*
 * A KT from a registered inspector, a DK, or the answer to a DK's
 * question: 1 handled (w->reply set), 0 not one of these (the dialog goes
 * on as usual: an unregistered number's KT gets the ordinary help), -1 a
 * storage error.
 */
int	ward_sms(struct ward_sms *w);

/*
 * The fraud signal of a check-in just stored (c->id set): a check-in of
 * the same number less than fraud.minutes before, at a venue with
 * coordinates farther than fraud.distance_km, is recorded as a flag.
 * Never refuses anything. last: the sent_at of the number's latest
 * check-in before it (INT64_MAX if not known): older than the window, no
 * lookup is needed. 0 (flagged or not), -1 a storage error.
 */
int	ward_fraud_check(struct store *, const struct config *,
	    const struct checkin *c, int64_t last);

/* Metres between two points on the Earth (haversine, mean radius). */
double	ward_distance_m(double lat1, double lon1, double lat2, double lon2);

/*
 * The ward among the store's venues' wards that typed means, ignoring
 * case, diacritics, spacing and a leading "phuong"/"p.": 1 and the ward as
 * written in out, 0 none, -1 a storage error.
 */
int	ward_match(struct store *, const char *typed, char *out, size_t outlen);

/* The registration's state words. */
#define WARD_REG_UNCONFIRMED	"unconfirmed"
#define WARD_REG_PENDING	"pending"
#define WARD_REG_APPROVED	"approved"
#define WARD_REG_REJECTED	"rejected"
#define WARD_REG_CANCELLED	"cancelled"

#endif
