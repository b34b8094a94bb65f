/*
 * modem.c: the GSM modem channel. One modem per route, on a serial port in
 * raw mode, spoken to in AT commands and PDU mode (3GPP TS 27.005): one
 * command at a time from a queue, each with a timeout; answers and
 * unsolicited codes read line by line (modem-at.c), including the "> "
 * prompt of AT+CMGS, which has no line end.
 *
 * In: +CMTI -> AT+CMGR -> inbound_submit -> committed -> AT+CMGD. A message
 * leaves the SIM only after inbound.c has committed it; one read twice (a
 * crash between commit and AT+CMGD) has the same PDU, whose SHA-256 is its
 * key, and is acknowledged as a duplicate. Messages stored while we were
 * away are listed (AT+CMGL=4) at every start. Status reports come as +CDS
 * (not stored: TS 27.005 3.4.1 needs no AT+CNMA while AT+CSMS is 0, which
 * we leave it at) or +CDSI (stored: read and deleted like a message).
 *
 * Out: the route's outbox rows, one at a time: pdu_encode_submit, then per
 * part AT+CMGS=<n>, the prompt, the PDU and Ctrl-Z, +CMGS: <mr>, OK. The
 * row's external id is the FIRST part's TP-MR in decimal, which is what a
 * status report for that part names.
 *
 * Health: AT+CSQ every route->health seconds, which also proves the modem
 * answers. A command without an answer in time, or a port that reads EOF or
 * fails, resets the channel: the port is closed, a send in flight is
 * retried later, and the port is opened again after 1, 2, 4 ... 30 s.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <openssl/evp.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/pdu.h"
#include "config/config.h"
#include "store/store.h"
#include "core/inbound.h"
#include "core/metrics.h"
#include "send/outbox.h"
#include "chan/chan.h"
#include "chan/modem-at.h"

#define MODEM_TIMEOUT		10	/* seconds for a command's final answer */
#define MODEM_TIMEOUT_CMGS	60	/* AT+CMGS after the PDU: waits for the network */
#define MODEM_TIMEOUT_PROMPT	10	/* AT+CMGS before its "> " */
#define MODEM_TIMEOUT_CMGL	30	/* a full SIM takes a while to list */
#define MODEM_SETTLE_MS		300	/* after opening: ESC sent, old output dropped */
#define MODEM_BACKOFF_MAX	30	/* seconds between two attempts to open, at most */
#define MODEM_CFUN_WAIT		10	/* seconds a modem takes to restart after AT+CFUN=1,1 */
#define MODEM_RESCAN		5	/* seconds before a message that failed to commit is read again */
#define MODEM_LINES_MAX		64	/* lines handled per wakeup */
#define MODEM_PARTS_MAX		32	/* SMS-SUBMIT parts of one text */
#define MODEM_STORAGE_MAX	4	/* "SM", "ME", "MT" */

/* The connection, one state at a time. */
enum modem_state {
	MODEM_CLOSED = 0,	/* no port: the reopen timer runs (or we stopped) */
	MODEM_SETTLE,		/* port open, ESC sent: old output drains for a moment */
	MODEM_INIT,		/* start-up commands, ending with AT+CMGL=4 */
	MODEM_READY,		/* initialised: messages in and out */
};

static const char *const modem_state_names[] = { "closed", "settle", "init", "ready" };

struct modem;
struct modem_cmd;

/* What a kind of command does with its answers. */
struct modem_cmd_type {
	const char	*name;
	int		 timeout;
	int		 hang_cfun;	/* its timeout means a hung modem (AT+CFUN=1,1 may help) */
	/* an information line (+CSQ: ...) while it runs */
	void		(*info)(struct modem *, struct modem_cmd *, const struct modem_at_line *);
	/* its final result code (l) or, with l NULL, the connection reset under it */
	void		(*done)(struct modem *, struct modem_cmd *, const struct modem_at_line *);
};

struct modem_cmd {
	TAILQ_ENTRY(modem_cmd)		 entry;
	const struct modem_cmd_type	*type;
	char				 line[64];	/* without the CR */
	int				 secret;	/* the line carries the PIN: never logged */
	int				 required;	/* start-up: a failure resets */
	int				 index;		/* CMGR, CMGD */
	int				 mr;		/* CMGS: +CMGS: <mr>, -1 none yet */
	char				 word[MODEM_AT_WORD_MAX];	/* CPIN */
};
TAILQ_HEAD(modem_cmds, modem_cmd);

/*
 * A message read from the SIM and handed to inbound.c: its slot must not
 * be read again, nor deleted twice, until its AT+CMGD is over. Slots live
 * across resets (the SIM keeps its messages); those whose AT+CMGD was lost
 * in a reset are dropped, so that AT+CMGL reads them again.
 */
enum modem_slot_state {
	MODEM_SLOT_SUBMITTED,	/* waiting for inbound.c */
	MODEM_SLOT_DELETING,	/* committed: AT+CMGD queued */
};

struct modem_slot {
	TAILQ_ENTRY(modem_slot)	 entry;
	int			 index;
	uint64_t		 tag;
	enum modem_slot_state	 state;
};
TAILQ_HEAD(modem_slots, modem_slot);

/* The outbox row being sent, part by part. */
struct modem_job {
	struct outbox_job	*job;
	int64_t			 id;
	struct pdu_out		*parts;
	int			 nparts;
	int			 next;		/* the part being sent */
	int			 first_mr;	/* -1 until known */
};

/* A PDU line is due after +CMT, +CDS, +CMGR or +CMGL. */
struct modem_due {
	enum modem_at_kind	kind;		/* MODEM_AT_EMPTY: none */
	int			index;		/* the SIM slot, -1 if not stored */
	int			stat;
	int			length;
};

struct modem {
	const struct chan_env	*env;		/* the loop, inbound, outbox, cfg */
	char			*name;		/* the route */
	enum modem_state	 state;
	int			 stopping;
	int			 closed_for_good;
	void			(*stop_done)(void *);
	void			*stop_arg;

	/* the port, and what it was opened with (reload compares) */
	struct bufferevent	*bev;
	uint64_t		 gen;		/* bumped at every close */
	char			*device;
	int			 baud;
	char			*pin;
	char			*storage;
	int			 pin_refused;	/* never try that PIN again: the SIM would lock */
	int			 backoff;	/* seconds before the next open */
	int			 opened_before;	/* an open after the first is a "reopened" */
	int			 open_failing;	/* logged once per outage */
	int			 cfun_pending;	/* AT+CFUN=1,1 first after the next open */
	int			 cfun_done;	/* and not again until ready */

	struct modem_cmds	 queue;
	struct modem_cmd	*cur;		/* written, waiting for its final answer */
	int			 cur_timeout;	/* seconds it was given */
	int			 prompt;	/* cur is AT+CMGS waiting for "> " */
	struct modem_due	 due;

	struct modem_slots	 slots;
	uint64_t		 next_tag;
	struct modem_job	*job;
	unsigned		 ref;		/* concatenation reference, rolling */
	int			 attached;

	struct event		*cmd_timer;
	struct event		*reopen;
	struct event		*settle;
	struct event		*health;
	struct event		*rescan;
	struct event		*more;		/* more buffered lines than one wakeup handles */
};

static void	modem_reset(struct modem *, const char *, const char *);
static void	modem_run(struct modem *);
static struct modem_cmd *modem_queue(struct modem *, const struct modem_cmd_type *,
		    const char *, int);
static void	modem_input(struct modem *);
static void	modem_closed(struct modem *);
static int	modem_can_send(void *);
static void	modem_send(void *, const struct outbox_msg *, struct outbox_job *);

static void	modem_init_done(struct modem *, struct modem_cmd *,
		    const struct modem_at_line *);
static void	modem_cpin_info(struct modem *, struct modem_cmd *,
		    const struct modem_at_line *);
static void	modem_cpin_done(struct modem *, struct modem_cmd *,
		    const struct modem_at_line *);
static void	modem_pin_done(struct modem *, struct modem_cmd *,
		    const struct modem_at_line *);
static void	modem_cmgl_done(struct modem *, struct modem_cmd *,
		    const struct modem_at_line *);
static void	modem_cmgd_done(struct modem *, struct modem_cmd *,
		    const struct modem_at_line *);
static void	modem_cmgs_info(struct modem *, struct modem_cmd *,
		    const struct modem_at_line *);
static void	modem_cmgs_done(struct modem *, struct modem_cmd *,
		    const struct modem_at_line *);
static void	modem_csq_info(struct modem *, struct modem_cmd *,
		    const struct modem_at_line *);
static void	modem_cfun_done(struct modem *, struct modem_cmd *,
		    const struct modem_at_line *);

static const struct modem_cmd_type modem_cmd_init = {
	"init", MODEM_TIMEOUT, 1, NULL, modem_init_done };
static const struct modem_cmd_type modem_cmd_cpin = {
	"cpin", MODEM_TIMEOUT, 1, modem_cpin_info, modem_cpin_done };
static const struct modem_cmd_type modem_cmd_pin = {
	"pin", MODEM_TIMEOUT, 1, NULL, modem_pin_done };
static const struct modem_cmd_type modem_cmd_cmgl = {
	"cmgl", MODEM_TIMEOUT_CMGL, 1, NULL, modem_cmgl_done };
static const struct modem_cmd_type modem_cmd_cmgr = {
	"cmgr", MODEM_TIMEOUT, 1, NULL, NULL };
static const struct modem_cmd_type modem_cmd_cmgd = {
	"cmgd", MODEM_TIMEOUT, 1, NULL, modem_cmgd_done };
static const struct modem_cmd_type modem_cmd_cmgs = {
	"cmgs", MODEM_TIMEOUT_CMGS, 1, modem_cmgs_info, modem_cmgs_done };
static const struct modem_cmd_type modem_cmd_csq = {
	"csq", MODEM_TIMEOUT, 1, modem_csq_info, NULL };
static const struct modem_cmd_type modem_cmd_cfun = {
	"cfun", MODEM_TIMEOUT, 0, NULL, modem_cfun_done };

/* The start-up sequence; AT+CPMS and AT+CMGL are built from the route. */
static const struct modem_step {
	const char			*line;
	const struct modem_cmd_type	*type;
	int				 required;
} modem_steps[] = {
	{ "ATZ", &modem_cmd_init, 0 },
	{ "ATE0", &modem_cmd_init, 0 },		/* echo is skipped by the reader anyway */
	{ "AT+CMEE=1", &modem_cmd_init, 0 },
	{ "AT+CPIN?", &modem_cmd_cpin, 1 },
	{ "AT+CMGF=0", &modem_cmd_init, 1 },
	{ NULL, &modem_cmd_init, 1 },		/* AT+CPMS="SM","SM","SM" */
	{ "AT+CNMI=2,1,0,2,0", &modem_cmd_init, 1 },
	{ "AT+CMGL=4", &modem_cmd_cmgl, 1 },
};

/* The route's current settings, or NULL once it is gone. */
static const struct route *
modem_route(struct modem *m)
{
	return config_route(m->env->cfg, m->name);
}

static void
modem_metric_up(struct modem *m, int up)
{
	metrics_set(METRIC_CHANNEL_UP, m->name, NULL, up);
}

/* The storage name for AT+CPMS: letters and digits only, else "SM". */
static const char *
modem_storage(const struct route *r)
{
	const char	*s = r != NULL ? r->storage : NULL;
	size_t		 i;

	if (s == NULL || *s == '\0' || strlen(s) > MODEM_STORAGE_MAX)
		return "SM";
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]))
			return "SM";
	return s;
}

static void
modem_replace(char **dst, const char *src)
{
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

static int
modem_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Slots. */

static struct modem_slot *
modem_slot_by_index(struct modem *m, int index)
{
	struct modem_slot	*s;

	TAILQ_FOREACH(s, &m->slots, entry) {
		if (s->index == index)
			return s;
	}
	return NULL;
}

static struct modem_slot *
modem_slot_by_tag(struct modem *m, uint64_t tag)
{
	struct modem_slot	*s;

	TAILQ_FOREACH(s, &m->slots, entry) {
		if (s->tag == tag)
			return s;
	}
	return NULL;
}

static void
modem_slot_free(struct modem *m, struct modem_slot *s)
{
	TAILQ_REMOVE(&m->slots, s, entry);
	free(s);
}

/* Read the SIM again a little later (a message failed to commit). */
static void
modem_rescan_later(struct modem *m)
{
	struct timeval	tv = { MODEM_RESCAN, 0 };

	if (!evtimer_pending(m->rescan, NULL))
		evtimer_add(m->rescan, &tv);
}

static void
modem_rescan(evutil_socket_t fd, short events, void *arg)
{
	struct modem	*m = arg;

	if (m->state == MODEM_READY && !m->stopping)
		modem_queue(m, &modem_cmd_cmgl, "AT+CMGL=4", 0);
}

/* Delete a stored message now that it is committed (or beyond use). */
static void
modem_delete(struct modem *m, struct modem_slot *s)
{
	char	line[32];

	if (m->state != MODEM_INIT && m->state != MODEM_READY) {
		/* no port: the next AT+CMGL=4 reads it again, as a duplicate */
		modem_slot_free(m, s);
		return;
	}
	s->state = MODEM_SLOT_DELETING;
	snprintf(line, sizeof line, "AT+CMGD=%d", s->index);
	modem_queue(m, &modem_cmd_cmgd, line, 0)->index = s->index;
}

/* inbound.c committed (or could not commit) what we handed it. */
static void
modem_inbound_done(void *arg, uint64_t tag, const struct inbound_result *r)
{
	enum inbound_status	 status = r->status;
	struct modem		*m = arg;
	struct modem_slot	*s;

	if ((s = modem_slot_by_tag(m, tag)) == NULL) {
		/* not stored (+CMT, +CDS): nothing to delete, nothing to read again */
		if (status == INBOUND_EFAIL)
			log_warnx("modem: chan=%s lost=1 reason=\"delivered by +CMT/+CDS, "
			    "not committed\"", m->name);
		return;
	}
	switch (status) {
	case INBOUND_STORED:
	case INBOUND_DUPLICATE:
	case INBOUND_REFUSED:
		log_debug("modem: chan=%s index=%d committed status=%d", m->name, s->index,
		    (int)status);
		modem_delete(m, s);
		break;
	case INBOUND_EFAIL:
		log_warnx("modem: chan=%s index=%d committed=0 retry_in=%d "
		    "reason=\"left on the SIM\"", m->name, s->index, MODEM_RESCAN);
		modem_slot_free(m, s);
		modem_rescan_later(m);
		break;
	}
	modem_run(m);
}

/* Messages in. */

/* key = hex SHA-256 of the PDU as the modem gave it. */
static void
modem_key(const uint8_t *pdu, size_t len, char *out)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;

	if (EVP_Digest(pdu, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		fatalx("EVP_Digest");
	pdu_hex_encode(md, mdlen, out);
}

static void
modem_malformed(struct modem *m, int index, const char *why)
{
	log_warnx("modem: chan=%s index=%d malformed=\"%s\" deleted=%d", m->name, index,
	    why, index >= 0);
	metrics_add(METRIC_CHANNEL_EVENTS, m->name, "malformed", 1);
}

static int
modem_submit_deliver(struct modem *m, const uint8_t *pdu, size_t len, int index,
    uint64_t tag)
{
	struct pdu_deliver	 d;
	struct inbound_sms	 sms;
	char			 key[65], err[128], esc[64];

	if (pdu_decode_deliver(pdu, len, &d, err, sizeof err) == -1) {
		modem_malformed(m, index, err);
		return -1;
	}
	modem_key(pdu, len, key);
	memset(&sms, 0, sizeof sms);
	sms.channel = m->name;
	sms.from = d.from;
	sms.text = d.text;
	sms.textlen = d.textlen;
	sms.outbox = 1;		/* replies go back through this modem */
	sms.route = m->name;
	sms.sent_at = d.scts;
	sms.key = key;
	sms.key_unique = 1;
	if (d.concat.total > 1) {
		sms.ref = d.concat.ref;
		sms.total = d.concat.total;
		sms.seq = d.concat.seq;
	}
	log_debug("modem: chan=%s sms from=%s part=%u/%u ref=%u key=%.16s", m->name,
	    log_escape(d.from, strlen(d.from), esc, sizeof esc), sms.seq, sms.total, sms.ref,
	    key);
	inbound_submit(m->env->inbound, &sms, modem_inbound_done, m, tag);
	return 0;
}

static int
modem_submit_status(struct modem *m, const uint8_t *pdu, size_t len, int index,
    uint64_t tag)
{
	struct pdu_status	 st;
	struct inbound_dlr	 dlr;
	char			 ext_id[16], state[16], err[128];

	if (pdu_decode_status(pdu, len, &st, err, sizeof err) == -1) {
		modem_malformed(m, index, err);
		return -1;
	}
	snprintf(ext_id, sizeof ext_id, "%d", st.mr);
	snprintf(state, sizeof state, "st=0x%02x", (unsigned int)st.status & 0xff);
	memset(&dlr, 0, sizeof dlr);
	dlr.channel = m->name;
	dlr.ext_id = ext_id;
	dlr.delivered = pdu_status_final(st.status);
	dlr.state = state;
	log_debug("modem: chan=%s status_report mr=%d state=%s", m->name, st.mr, state);
	inbound_submit_dlr(m->env->inbound, &dlr, modem_inbound_done, m, tag);
	return 0;
}

/*
 * A PDU line after +CMT/+CDS (index -1) or +CMGR/+CMGL (stored at index).
 * What cannot be read is deleted from the SIM: kept, it would be read at
 * every start and fill the SIM until no message could arrive.
 */
static void
modem_pdu(struct modem *m, const struct modem_due *due, const char *hex, size_t hexlen)
{
	uint8_t			 pdu[PDU_MAX];
	struct modem_slot	*s = NULL;
	uint64_t		 tag = ++m->next_tag;
	int			 n, type, rc = -1;

	if (due->index >= 0) {
		if (due->stat == 2 || due->stat == 3)
			return;		/* a stored SMS-SUBMIT: not ours to touch */
		if (modem_slot_by_index(m, due->index) != NULL)
			return;		/* already on its way */
	}
	if ((n = pdu_hex_decode(hex, hexlen, pdu, sizeof pdu)) < 1) {
		modem_malformed(m, due->index, "bad hex");
		goto bad;
	}
	if ((size_t)pdu[0] + 1 + (size_t)due->length != (size_t)n)
		log_debug("modem: chan=%s index=%d PDU of %d octets, announced %d + SMSC",
		    m->name, due->index, n, due->length);
	log_debug("modem: chan=%s index=%d pdu=%.*s", m->name, due->index, (int)hexlen, hex);
	if (due->index >= 0) {
		s = xcalloc(1, sizeof *s);
		s->index = due->index;
		s->tag = tag;
		s->state = MODEM_SLOT_SUBMITTED;
		TAILQ_INSERT_TAIL(&m->slots, s, entry);
	}
	switch ((type = pdu_type(pdu, (size_t)n))) {
	case PDU_DELIVER:
		rc = modem_submit_deliver(m, pdu, (size_t)n, due->index, tag);
		break;
	case PDU_STATUS_REPORT:
		rc = modem_submit_status(m, pdu, (size_t)n, due->index, tag);
		break;
	default:
		modem_malformed(m, due->index, "not an SMS-DELIVER or STATUS-REPORT");
		break;
	}
	if (rc == 0)
		return;
bad:
	if (due->index < 0)
		return;
	if (s == NULL) {
		s = xcalloc(1, sizeof *s);
		s->index = due->index;
		s->tag = tag;
		TAILQ_INSERT_TAIL(&m->slots, s, entry);
	}
	modem_delete(m, s);
}

/* +CMTI / +CDSI: a message (or report) stored at index. */
static void
modem_stored(struct modem *m, const struct modem_at_line *l)
{
	char	line[32];

	if (m->stopping || (m->state != MODEM_INIT && m->state != MODEM_READY))
		return;		/* read at the next start */
	if (strcasecmp(l->mem, modem_storage(modem_route(m))) != 0) {
		log_info("modem: chan=%s ignored=1 storage=%s reading=%s", m->name,
		    l->mem, modem_storage(modem_route(m)));
		return;
	}
	if (modem_slot_by_index(m, l->index) != NULL)
		return;
	snprintf(line, sizeof line, "AT+CMGR=%d", l->index);
	modem_queue(m, &modem_cmd_cmgr, line, 0)->index = l->index;
}

/* Commands. */

static struct modem_cmd *
modem_queue(struct modem *m, const struct modem_cmd_type *type, const char *line,
    int required)
{
	struct modem_cmd	*c = xcalloc(1, sizeof *c);

	c->type = type;
	strlcpy(c->line, line, sizeof c->line);
	c->required = required;
	c->index = -1;
	c->mr = -1;
	TAILQ_INSERT_TAIL(&m->queue, c, entry);
	return c;
}

static int
modem_queued(struct modem *m, const struct modem_cmd_type *type)
{
	struct modem_cmd	*c;

	if (m->cur != NULL && m->cur->type == type)
		return 1;
	TAILQ_FOREACH(c, &m->queue, entry) {
		if (c->type == type)
			return 1;
	}
	return 0;
}

static void
modem_write(struct modem *m, const void *data, size_t len)
{
	if (bufferevent_write(m->bev, data, len) == -1)
		log_warnx("modem: chan=%s write failed", m->name);
}

/* Write the next command if none is running. */
static void
modem_run(struct modem *m)
{
	struct modem_cmd	*c;
	struct timeval		 tv;

	if (m->cur != NULL || m->bev == NULL ||
	    (m->state != MODEM_INIT && m->state != MODEM_READY))
		return;
	if ((c = TAILQ_FIRST(&m->queue)) == NULL) {
		if (m->stopping)
			modem_closed(m);
		return;
	}
	TAILQ_REMOVE(&m->queue, c, entry);
	m->cur = c;
	m->prompt = (c->type == &modem_cmd_cmgs);
	log_debug("modem: chan=%s > %s", m->name, c->secret ? "AT+CPIN=<hidden>" : c->line);
	modem_write(m, c->line, strlen(c->line));
	modem_write(m, "\r", 1);
	m->cur_timeout = m->prompt ? MODEM_TIMEOUT_PROMPT : c->type->timeout;
	tv.tv_sec = m->cur_timeout;
	tv.tv_usec = 0;
	evtimer_add(m->cmd_timer, &tv);
}

/* The running command's final answer: l, or NULL when the port closed under it. */
static void
modem_finish(struct modem *m, const struct modem_at_line *l)
{
	struct modem_cmd	*c = m->cur;
	uint64_t		 gen = m->gen;

	m->cur = NULL;
	m->prompt = 0;
	evtimer_del(m->cmd_timer);
	if (c->type->done != NULL)
		c->type->done(m, c, l);
	free(c);
	if (l != NULL && gen == m->gen)
		modem_run(m);
}

static void
modem_cmd_timeout(evutil_socket_t fd, short events, void *arg)
{
	struct modem	*m = arg;
	char		 why[96];

	if (m->cur == NULL)
		return;
	snprintf(why, sizeof why, "no %s to %s in %d s", m->prompt ? "prompt" : "answer",
	    m->cur->secret ? "AT+CPIN" : m->cur->line, m->cur_timeout);
	metrics_add(METRIC_CHANNEL_EVENTS, m->name, "timeout", 1);
	if (m->cur->type->hang_cfun && !m->cfun_done) {
		const struct route *r = modem_route(m);

		m->cfun_pending = r != NULL && r->cfun_reset;
	}
	modem_reset(m, why, NULL);
}

/* Start-up. */

static void
modem_init_done(struct modem *m, struct modem_cmd *c, const struct modem_at_line *l)
{
	char	why[96];

	if (l == NULL || l->kind == MODEM_AT_OK || !c->required)
		return;
	snprintf(why, sizeof why, "%s failed (error %d)", c->line, l->error);
	modem_reset(m, why, NULL);
}

static void
modem_cpin_info(struct modem *m, struct modem_cmd *c, const struct modem_at_line *l)
{
	if (l->kind == MODEM_AT_CPIN)
		strlcpy(c->word, l->word, sizeof c->word);
}

/* AT+CPIN? answered: go on, enter the PIN, or give up on this SIM for a while. */
static void
modem_cpin_done(struct modem *m, struct modem_cmd *c, const struct modem_at_line *l)
{
	struct modem_cmd	*pin;
	const struct route	*r = modem_route(m);

	if (l == NULL)
		return;
	if (l->kind != MODEM_AT_OK) {
		modem_reset(m, "AT+CPIN? failed: no SIM?", NULL);
		return;
	}
	if (strcmp(c->word, "READY") == 0)
		return;
	if (strcmp(c->word, "SIM PIN") != 0) {
		log_warnx("modem: chan=%s sim=\"%s\" reason=\"SIM locked: cannot go on\"",
		    m->name, c->word);
		m->backoff = MODEM_BACKOFF_MAX;
		modem_reset(m, "SIM locked", NULL);
		return;
	}
	if (r == NULL || r->pin == NULL || *r->pin == '\0' || m->pin_refused) {
		log_warnx("modem: chan=%s sim=\"SIM PIN\" reason=\"%s\"", m->name,
		    m->pin_refused ? "the configured PIN was refused" : "no pin configured");
		m->backoff = MODEM_BACKOFF_MAX;
		modem_reset(m, "SIM PIN", NULL);
		return;
	}
	pin = xcalloc(1, sizeof *pin);
	pin->type = &modem_cmd_pin;
	pin->secret = 1;
	pin->required = 1;
	pin->index = -1;
	if ((size_t)snprintf(pin->line, sizeof pin->line, "AT+CPIN=\"%s\"", r->pin) >=
	    sizeof pin->line) {
		free(pin);
		m->pin_refused = 1;
		modem_reset(m, "PIN too long", NULL);
		return;
	}
	TAILQ_INSERT_HEAD(&m->queue, pin, entry);
}

static void
modem_pin_done(struct modem *m, struct modem_cmd *c, const struct modem_at_line *l)
{
	if (l == NULL || l->kind == MODEM_AT_OK) {
		if (l != NULL)
			log_info("modem: chan=%s pin=accepted", m->name);
		return;
	}
	/* A SIM locks itself after three wrong PINs: never guess twice. */
	m->pin_refused = 1;
	log_warnx("modem: chan=%s pin=refused error=%d reason=\"not tried again until "
	    "the pin setting changes\"", m->name, l->error);
	m->backoff = MODEM_BACKOFF_MAX;
	modem_reset(m, "PIN refused", NULL);
}

static void
modem_ready(struct modem *m)
{
	struct outbox_channel	 ch;

	m->state = MODEM_READY;
	m->backoff = 1;
	m->cfun_done = 0;
	m->open_failing = 0;
	modem_metric_up(m, 1);
	if (m->opened_before)
		metrics_add(METRIC_CHANNEL_EVENTS, m->name, "reopened", 1);
	m->opened_before = 1;
	log_info("modem: chan=%s ready device=%s", m->name, m->device);
	if (!m->attached) {
		memset(&ch, 0, sizeof ch);
		ch.ready = modem_can_send;
		ch.send = modem_send;
		ch.arg = m;
		outbox_attach(m->env->outbox, m->name, &ch);
		m->attached = 1;
	}
	outbox_kick(m->env->outbox);
}

static void
modem_cmgl_done(struct modem *m, struct modem_cmd *c, const struct modem_at_line *l)
{
	if (l == NULL)
		return;
	if (l->kind != MODEM_AT_OK) {
		log_warnx("modem: chan=%s cmd=AT+CMGL=4 error=%d retry_in=%d", m->name,
		    l->error, MODEM_RESCAN);
		modem_rescan_later(m);
	}
	if (m->state == MODEM_INIT)
		modem_ready(m);
}

static void
modem_cmgd_done(struct modem *m, struct modem_cmd *c, const struct modem_at_line *l)
{
	struct modem_slot	*s = modem_slot_by_index(m, c->index);

	if (l != NULL && l->kind != MODEM_AT_OK) {
		log_warnx("modem: chan=%s cmd=AT+CMGD index=%d error=%d", m->name, c->index,
		    l->error);
		modem_rescan_later(m);
	}
	if (s != NULL && s->state == MODEM_SLOT_DELETING)
		modem_slot_free(m, s);
}

static void
modem_csq_info(struct modem *m, struct modem_cmd *c, const struct modem_at_line *l)
{
	if (l->kind != MODEM_AT_CSQ)
		return;
	metrics_set(METRIC_MODEM_SIGNAL, m->name, NULL, modem_at_csq_dbm(l->rssi));
	log_debug("modem: chan=%s signal rssi=%d ber=%d", m->name, l->rssi, l->ber);
}

/* AT+CFUN=1,1 answered (or not): the modem restarts; open it again later. */
static void
modem_cfun_done(struct modem *m, struct modem_cmd *c, const struct modem_at_line *l)
{
	if (l == NULL)
		return;
	m->backoff = MODEM_CFUN_WAIT;
	modem_reset(m, "restarted with AT+CFUN=1,1", NULL);
}

/* Queue the start-up commands (or the restart) once the port has settled. */
static void
modem_settled(evutil_socket_t fd, short events, void *arg)
{
	struct modem		*m = arg;
	const struct route	*r = modem_route(m);
	const struct modem_step	*st;
	char			 line[64];
	size_t			 i;

	if (m->bev == NULL || m->state != MODEM_SETTLE)
		return;
	evbuffer_drain(bufferevent_get_input(m->bev),
	    evbuffer_get_length(bufferevent_get_input(m->bev)));
	m->state = MODEM_INIT;
	if (m->cfun_pending) {
		m->cfun_pending = 0;
		m->cfun_done = 1;
		log_info("modem: chan=%s restart=AT+CFUN=1,1", m->name);
		modem_queue(m, &modem_cmd_cfun, "AT+CFUN=1,1", 0);
		modem_run(m);
		return;
	}
	for (i = 0; i < nitems(modem_steps); i++) {
		st = &modem_steps[i];
		if (st->line == NULL) {
			const char *s = modem_storage(r);

			snprintf(line, sizeof line, "AT+CPMS=\"%s\",\"%s\",\"%s\"", s, s, s);
			modem_queue(m, st->type, line, st->required);
		} else
			modem_queue(m, st->type, st->line, st->required);
	}
	modem_run(m);
}

/* Messages out. */

static int
modem_can_send(void *arg)
{
	struct modem	*m = arg;

	return m->state == MODEM_READY && m->job == NULL && !m->stopping;
}

static void
modem_job_end(struct modem *m, enum send_verdict v, const char *err)
{
	struct modem_job	*j = m->job;
	char			 ext[16];
	const char		*ext_id = NULL;

	m->job = NULL;
	if (v == SEND_OK && j->first_mr >= 0) {
		snprintf(ext, sizeof ext, "%d", j->first_mr);
		ext_id = ext;
	}
	log_info("modem: chan=%s msg=%lld parts=%d %s%s%s", m->name, (long long)j->id,
	    j->nparts, v == SEND_OK ? "sent" : v == SEND_RETRY ? "retry" : "failed",
	    err != NULL ? " error=" : "", err != NULL ? err : "");
	outbox_job_done(j->job, v, ext_id, err, 0);
	free(j->parts);
	free(j);
	if (!m->stopping && m->state == MODEM_READY)
		outbox_kick(m->env->outbox);
}

static void
modem_send_part(struct modem *m)
{
	char	line[32];

	snprintf(line, sizeof line, "AT+CMGS=%zu", m->job->parts[m->job->next].tpdu_len);
	modem_queue(m, &modem_cmd_cmgs, line, 0);
}

static void
modem_send(void *arg, const struct outbox_msg *msg, struct outbox_job *job)
{
	struct modem		*m = arg;
	const struct route	*r = modem_route(m);
	struct pdu_submit_opts	 opts;
	struct modem_job	*j;
	char			 err[128];
	int			 n;

	if (!modem_can_send(m) || r == NULL) {
		outbox_job_done(job, SEND_RETRY, NULL, "modem not ready", 0);
		return;
	}
	memset(&opts, 0, sizeof opts);
	opts.validity = r->validity;
	opts.status_report = r->receipts;
	opts.ref = m->ref++ & 0xff;
	j = xcalloc(1, sizeof *j);
	j->parts = xcalloc(MODEM_PARTS_MAX, sizeof *j->parts);
	n = pdu_encode_submit(msg->number, msg->text, strlen(msg->text), &opts, j->parts,
	    MODEM_PARTS_MAX, err, sizeof err);
	if (n <= 0) {
		log_warnx("modem: chan=%s msg=%lld encode_error=\"%s\"", m->name,
		    (long long)msg->id, err);
		free(j->parts);
		free(j);
		outbox_job_done(job, SEND_FAIL, NULL, err, 0);
		return;
	}
	j->job = job;
	j->id = msg->id;
	j->nparts = n;
	j->first_mr = -1;
	m->job = j;
	modem_send_part(m);
	modem_run(m);
}

/* "> " came: the PDU and Ctrl-Z. */
static void
modem_prompted(struct modem *m)
{
	const struct pdu_out	*p;
	char			 hex[2 * PDU_MAX + 2];
	struct timeval		 tv = { MODEM_TIMEOUT_CMGS, 0 };

	m->prompt = 0;
	m->cur_timeout = MODEM_TIMEOUT_CMGS;
	evtimer_add(m->cmd_timer, &tv);
	if (m->job == NULL) {
		modem_write(m, "\x1b", 1);	/* nothing to send: abort (ESC) */
		return;
	}
	p = &m->job->parts[m->job->next];
	pdu_hex_encode(p->bytes, p->len, hex);
	log_debug("modem: chan=%s > pdu=%s", m->name, hex);
	hex[2 * p->len] = 0x1a;
	modem_write(m, hex, 2 * p->len + 1);
}

static void
modem_cmgs_info(struct modem *m, struct modem_cmd *c, const struct modem_at_line *l)
{
	if (l->kind == MODEM_AT_CMGS)
		c->mr = l->mr;
}

static void
modem_cmgs_done(struct modem *m, struct modem_cmd *c, const struct modem_at_line *l)
{
	struct modem_job	*j = m->job;
	const char		*why;
	char			 err[96];
	enum send_verdict	 v;

	if (j == NULL)
		return;
	if (l == NULL) {
		modem_job_end(m, SEND_RETRY, "modem reset while sending");
		return;
	}
	if (l->kind == MODEM_AT_OK) {
		if (j->next == 0)
			j->first_mr = c->mr;
		log_debug("modem: chan=%s msg=%lld part=%d/%d mr=%d", m->name,
		    (long long)j->id, j->next + 1, j->nparts, c->mr);
		if (++j->next < j->nparts)
			modem_send_part(m);
		else
			modem_job_end(m, SEND_OK, NULL);
		return;
	}
	if (l->kind == MODEM_AT_CMS_ERROR) {
		v = modem_at_cms_verdict(l->error, &why);
		snprintf(err, sizeof err, "+CMS ERROR: %d (%s)", l->error, why);
	} else {
		v = SEND_RETRY;
		snprintf(err, sizeof err, "%s %d", l->kind == MODEM_AT_CME_ERROR ?
		    "+CME ERROR:" : "ERROR", l->error);
	}
	modem_job_end(m, v, err);
}

/* Health. */

static void
modem_health_arm(struct modem *m)
{
	const struct route	*r = modem_route(m);
	struct timeval		 tv = { r != NULL && r->health > 0 ? r->health : 30, 0 };

	evtimer_add(m->health, &tv);
}

static void
modem_health(evutil_socket_t fd, short events, void *arg)
{
	struct modem	*m = arg;

	if (m->stopping)
		return;
	if (m->state == MODEM_READY && !modem_queued(m, &modem_cmd_csq)) {
		modem_queue(m, &modem_cmd_csq, "AT+CSQ", 0);
		modem_run(m);
	}
	modem_health_arm(m);
}

/* Reading. */

static void
modem_urc(struct modem *m, const struct modem_at_line *l)
{
	switch (l->kind) {
	case MODEM_AT_CMTI:
	case MODEM_AT_CDSI:
		modem_stored(m, l);
		modem_run(m);
		break;
	case MODEM_AT_CMT:
	case MODEM_AT_CDS:
		m->due.kind = l->kind;
		m->due.index = -1;
		m->due.stat = 0;
		m->due.length = l->length;
		break;
	default:
		break;		/* RING and the like */
	}
}

/* One line from the modem, without its line end. */
static void
modem_line(struct modem *m, const char *line, size_t len)
{
	struct modem_at_line	l;
	struct modem_due	due = m->due;
	char			esc[128];

	if (due.kind != MODEM_AT_EMPTY && len > 0) {
		m->due.kind = MODEM_AT_EMPTY;
		if (modem_at_is_pdu(line, len, PDU_MAX)) {
			modem_pdu(m, &due, line, len);
			return;
		}
		modem_malformed(m, -1, "a PDU line is missing");
	}
	if (modem_at_parse(line, len, &l) == MODEM_AT_EMPTY)
		return;
	if (l.kind == MODEM_AT_ECHO)
		return;		/* our own command (it may carry the PIN): not logged */
	log_debug("modem: chan=%s < %s", m->name, log_escape(line, len, esc, sizeof esc));
	if (l.urc) {
		modem_urc(m, &l);
		return;
	}
	if (m->cur == NULL)
		return;		/* an answer to nothing (vendor noise, a late OK) */
	if (l.final) {
		modem_finish(m, &l);
		return;
	}
	if (l.pdu_follows && ((l.kind == MODEM_AT_CMGR && m->cur->type == &modem_cmd_cmgr) ||
	    (l.kind == MODEM_AT_CMGL && m->cur->type == &modem_cmd_cmgl))) {
		m->due.kind = l.kind;
		m->due.index = l.kind == MODEM_AT_CMGR ? m->cur->index : l.index;
		m->due.stat = l.stat;
		m->due.length = l.length;
		return;
	}
	if (m->cur->type->info != NULL)
		m->cur->type->info(m, m->cur, &l);
}

/* Waiting for "> ": skip line ends; 1 if the prompt was there and is consumed. */
static int
modem_prompt(struct modem *m, struct evbuffer *in)
{
	unsigned char	*p;
	size_t		 n = evbuffer_get_length(in), skip = 0;

	if (n == 0)
		return 0;
	if ((p = evbuffer_pullup(in, (ev_ssize_t)(n < 8 ? n : 8))) == NULL)
		return 0;
	while (skip < n && skip < 8 && (p[skip] == '\r' || p[skip] == '\n'))
		skip++;
	if (skip == n || skip == 8 || p[skip] != '>')
		return 0;
	evbuffer_drain(in, skip + 1);
	if (evbuffer_get_length(in) > 0 && *evbuffer_pullup(in, 1) == ' ')
		evbuffer_drain(in, 1);
	modem_prompted(m);
	return 1;
}

static void
modem_input(struct modem *m)
{
	struct evbuffer	*in;
	char		*line;
	size_t		 len;
	uint64_t	 gen = m->gen;
	int		 n;

	for (n = 0; n < MODEM_LINES_MAX; n++) {
		if (m->bev == NULL || gen != m->gen)
			return;
		in = bufferevent_get_input(m->bev);
		if (m->state == MODEM_SETTLE) {
			evbuffer_drain(in, evbuffer_get_length(in));
			return;
		}
		if (m->prompt && modem_prompt(m, in))
			continue;
		if ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_ANY)) == NULL) {
			if (evbuffer_get_length(in) > MODEM_AT_LINE_MAX) {
				evbuffer_drain(in, evbuffer_get_length(in));
				modem_malformed(m, -1, "line too long");
			}
			return;
		}
		modem_line(m, line, len);
		free(line);
	}
	if (m->bev != NULL && gen == m->gen &&
	    evbuffer_get_length(bufferevent_get_input(m->bev)) > 0)
		event_active(m->more, 0, 0);
}

static void
modem_more(evutil_socket_t fd, short events, void *arg)
{
	modem_input(arg);
}

static void
modem_read(struct bufferevent *bev, void *arg)
{
	modem_input(arg);
}

static void
modem_event(struct bufferevent *bev, short what, void *arg)
{
	struct modem	*m = arg;

	if (what & BEV_EVENT_EOF)
		modem_reset(m, "the port closed", NULL);
	else if (what & BEV_EVENT_ERROR)
		modem_reset(m, strerror(EVUTIL_SOCKET_ERROR()), NULL);
}

/* The port. */

static void
modem_reopen_in(struct modem *m, int seconds)
{
	struct timeval	tv = { seconds, 0 };

	evtimer_add(m->reopen, &tv);
}

static int
modem_termios(int fd, int baud, char *err, size_t errlen)
{
	struct termios	t;
	speed_t		sp = modem_at_speed(baud);

	if (sp == 0) {
		snprintf(err, errlen, "baud %d not supported", baud);
		return -1;
	}
	if (tcgetattr(fd, &t) == -1) {
		snprintf(err, errlen, "not a terminal: %s", strerror(errno));
		return -1;
	}
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (cfsetispeed(&t, sp) == -1 || cfsetospeed(&t, sp) == -1 ||
	    tcsetattr(fd, TCSANOW, &t) == -1) {
		snprintf(err, errlen, "cannot set the line: %s", strerror(errno));
		return -1;
	}
	tcflush(fd, TCIOFLUSH);
	return 0;
}

static void
modem_open(evutil_socket_t fd_, short events, void *arg)
{
	struct modem		*m = arg;
	const struct route	*r = modem_route(m);
	struct timeval		 tv = { 0, MODEM_SETTLE_MS * 1000 };
	char			 err[128];
	int			 fd;

	if (m->stopping || m->bev != NULL)
		return;
	if (r == NULL || r->device == NULL) {
		modem_reopen_in(m, MODEM_BACKOFF_MAX);
		return;
	}
	modem_replace(&m->device, r->device);
	modem_replace(&m->pin, r->pin);
	modem_replace(&m->storage, modem_storage(r));
	m->baud = r->baud;
	fd = open(m->device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		snprintf(err, sizeof err, "%s", strerror(errno));
	else if (modem_termios(fd, m->baud, err, sizeof err) == -1) {
		close(fd);
		fd = -1;
	}
	if (fd == -1) {
		if (!m->open_failing)
			log_warnx("modem: chan=%s device=%s open_error=\"%s\" retry=backoff",
			    m->name, m->device, err);
		else
			log_debug("modem: chan=%s device=%s open_error=\"%s\"", m->name,
			    m->device, err);
		m->open_failing = 1;
		modem_reopen_in(m, m->backoff);
		m->backoff = m->backoff * 2 > MODEM_BACKOFF_MAX ? MODEM_BACKOFF_MAX :
		    m->backoff * 2;
		return;
	}
	if ((m->bev = bufferevent_socket_new(m->env->base, fd, BEV_OPT_CLOSE_ON_FREE)) ==
	    NULL)
		fatalx("bufferevent_socket_new");
	bufferevent_setcb(m->bev, modem_read, NULL, modem_event, m);
	bufferevent_enable(m->bev, EV_READ | EV_WRITE);
	log_info("modem: chan=%s opened device=%s baud=%d", m->name, m->device, m->baud);
	m->state = MODEM_SETTLE;
	/* ESC ends a half-written AT+CMGS left by a crash; what it says is dropped. */
	modem_write(m, "\x1b", 1);
	evtimer_add(m->settle, &tv);
}

/* Close the port and forget every command; a send in flight is retried later. */
static void
modem_close(struct modem *m)
{
	struct modem_cmd	*c;
	struct modem_slot	*s, *s1;

	m->gen++;
	if (m->bev != NULL) {
		bufferevent_free(m->bev);
		m->bev = NULL;
	}
	if (m->state == MODEM_READY)
		modem_metric_up(m, 0);
	m->state = MODEM_CLOSED;
	evtimer_del(m->cmd_timer);
	evtimer_del(m->settle);
	event_del(m->more);
	m->prompt = 0;
	m->due.kind = MODEM_AT_EMPTY;
	if ((c = m->cur) != NULL) {
		m->cur = NULL;
		if (c->type->done != NULL)
			c->type->done(m, c, NULL);
		free(c);
	}
	while ((c = TAILQ_FIRST(&m->queue)) != NULL) {
		TAILQ_REMOVE(&m->queue, c, entry);
		if (c->type->done != NULL)
			c->type->done(m, c, NULL);
		free(c);
	}
	TAILQ_FOREACH_SAFE(s, &m->slots, entry, s1) {
		if (s->state == MODEM_SLOT_DELETING)
			modem_slot_free(m, s);
	}
	if (m->job != NULL)
		modem_job_end(m, SEND_RETRY, "modem reset while sending");
}

/* Something went wrong: close, and open again after the backoff. */
static void
modem_reset(struct modem *m, const char *why, const char *event)
{
	int	wait;

	if (m->state == MODEM_CLOSED)
		return;
	log_info("modem: chan=%s reset state=%s reason=\"%s\"", m->name,
	    modem_state_names[m->state], why);
	metrics_add(METRIC_CHANNEL_EVENTS, m->name, "reset", 1);
	if (event != NULL)
		metrics_add(METRIC_CHANNEL_EVENTS, m->name, event, 1);
	modem_close(m);
	if (m->stopping) {
		modem_closed(m);
		return;
	}
	wait = m->backoff;
	m->backoff = m->backoff * 2 > MODEM_BACKOFF_MAX ? MODEM_BACKOFF_MAX : m->backoff * 2;
	if (wait < 1)
		wait = 1;
	modem_reopen_in(m, wait);
}

/* Stopping, and nothing left to do: closed for good. */
static void
modem_closed(struct modem *m)
{
	void	(*done)(void *) = m->stop_done;

	if (m->closed_for_good)
		return;
	m->closed_for_good = 1;
	if (m->state != MODEM_CLOSED)
		modem_close(m);
	evtimer_del(m->reopen);
	evtimer_del(m->health);
	evtimer_del(m->rescan);
	if (m->attached) {
		outbox_detach(m->env->outbox, m->name);
		m->attached = 0;
	}
	log_info("modem: chan=%s closed", m->name);
	m->stop_done = NULL;
	if (done != NULL)
		done(m->stop_arg);
}

/* The driver. */

static void *
modem_start(const struct chan_env *env, const struct route *r)
{
	struct modem	*m;

	if (r->device == NULL || *r->device == '\0') {
		log_warnx("modem: chan=%s error=\"no device\"", r->name);
		return NULL;
	}
	m = xcalloc(1, sizeof *m);
	m->env = env;
	m->name = xstrdup(r->name);
	m->backoff = 1;
	m->ref = arc4random_uniform(256);
	TAILQ_INIT(&m->queue);
	TAILQ_INIT(&m->slots);
	if ((m->cmd_timer = evtimer_new(env->base, modem_cmd_timeout, m)) == NULL ||
	    (m->reopen = evtimer_new(env->base, modem_open, m)) == NULL ||
	    (m->settle = evtimer_new(env->base, modem_settled, m)) == NULL ||
	    (m->health = evtimer_new(env->base, modem_health, m)) == NULL ||
	    (m->rescan = evtimer_new(env->base, modem_rescan, m)) == NULL ||
	    (m->more = event_new(env->base, -1, 0, modem_more, m)) == NULL)
		fatalx("evtimer_new");
	modem_metric_up(m, 0);
	metrics_set(METRIC_MODEM_SIGNAL, m->name, NULL, NAN);
	modem_health_arm(m);
	modem_reopen_in(m, 0);
	return m;
}

static void
modem_reload(void *arg, const struct route *r)
{
	struct modem	*m = arg;

	if (m->stopping)
		return;
	if (!modem_same(m->pin, r->pin))
		m->pin_refused = 0;
	evtimer_del(m->health);
	modem_health_arm(m);
	if (m->state == MODEM_CLOSED)
		return;
	if (!modem_same(m->device, r->device) || m->baud != r->baud ||
	    !modem_same(m->pin, r->pin) || !modem_same(m->storage, modem_storage(r))) {
		m->backoff = 1;
		modem_reset(m, "settings changed", NULL);
	}
}

static void
modem_stop(void *arg, void (*done)(void *), void *darg)
{
	struct modem	*m = arg;

	m->stopping = 1;
	m->stop_done = done;
	m->stop_arg = darg;
	evtimer_del(m->health);
	evtimer_del(m->rescan);
	evtimer_del(m->reopen);
	/* A send or a deletion under way may finish; nothing new starts. */
	if (m->state == MODEM_READY && (m->cur != NULL || !TAILQ_EMPTY(&m->queue)))
		return;
	modem_closed(m);
}

static void
modem_free(void *arg)
{
	struct modem		*m = arg;
	struct modem_slot	*s;

	m->stopping = 1;
	m->stop_done = NULL;
	modem_closed(m);
	inbound_forget(m->env->inbound, m);
	while ((s = TAILQ_FIRST(&m->slots)) != NULL)
		modem_slot_free(m, s);
	event_free(m->cmd_timer);
	event_free(m->reopen);
	event_free(m->settle);
	event_free(m->health);
	event_free(m->rescan);
	event_free(m->more);
	free(m->device);
	free(m->pin);
	free(m->storage);
	free(m->name);
	free(m);
}

const struct chan_driver modem_driver = {
	"modem", modem_start, modem_reload, modem_stop, modem_free
};
