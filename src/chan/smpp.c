/*
 * smpp.c: the SMPP 3.4 channel, an ESME bound to an operator's SMSC.
 *
 * One channel per route (driver "smpp"). It keeps one connection bound as
 * a transceiver, or two (a transmitter and a receiver) with bind = "pair".
 * Each connection is a state machine on a bufferevent (enum smpp_state).
 * deliver_sm becomes an inbound message, part or receipt (inbound.c) and
 * is answered with deliver_sm_resp only once inbound.c says it is
 * committed; the route's outbox rows leave as submit_sm (outbox.h), each
 * job done when every part's submit_sm_resp has come. PDUs are packed and
 * parsed by smpp-pdu.c.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>
#include <openssl/evp.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/gsm.h"
#include "codec/smpp-pdu.h"
#include "config/config.h"
#include "store/store.h"
#include "core/inbound.h"
#include "core/metrics.h"
#include "send/outbox.h"
#include "chan/chan.h"

#define SMPP_BATCH		1024	/* PDUs handled per wakeup before yielding */
#define SMPP_UNBIND_WAIT	2.0	/* seconds to wait for unbind_resp */
#define SMPP_TICK		0.5	/* seconds between checks while bound */
#define SMPP_BACKOFF_MIN	0.5	/* seconds before the first reconnection */
#define SMPP_THROTTLE_MIN	0.25	/* seconds of the first pause when throttled */
#define SMPP_THROTTLE_MAX	10.0
#define SMPP_PARTS_MAX		32	/* SMS one outbox row may take */
#define SMPP_DEDUP_WINDOW	600	/* seconds before a bind a redelivered deliver_sm came first */
#define SMPP_DEDUP_AFTER_BIND	120	/* seconds after a bind in which deliver_sm may be redeliveries */

/* A connection's states; each has its timer's meaning. */
enum smpp_state {
	SMPP_IDLE,		/* closed and not reconnecting (stopped); no timer */
	SMPP_CONNECTING,	/* TCP connect under way; timer: connect_timeout */
	SMPP_BINDING,		/* bind_* sent; timer: the route's timeout for its resp */
	SMPP_BOUND,		/* traffic; timer: a tick for enquire_link and resp timeouts */
	SMPP_UNBINDING,		/* unbind sent; timer: SMPP_UNBIND_WAIT for unbind_resp */
	SMPP_WAIT_RECONNECT,	/* closed; timer: the backoff before the next connect */
};

static const char *const smpp_state_names[] = {
	"idle", "connecting", "binding", "bound", "unbinding", "wait_reconnect"
};

/* What a connection is bound as. */
enum smpp_role { SMPP_TRX, SMPP_TX, SMPP_RX };

static const struct {
	const char	*name;
	uint32_t	 bind;
	int		 sends;		/* submit_sm goes out on it */
} smpp_roles[] = {
	{ "transceiver", SMPP_BIND_TRANSCEIVER, 1 },
	{ "transmitter", SMPP_BIND_TRANSMITTER, 1 },
	{ "receiver", SMPP_BIND_RECEIVER, 0 },
};

struct smpp;
struct smpp_conn;

/* One outbox row in flight: done when each of its parts has its resp. */
struct smpp_msg {
	struct outbox_job	*job;
	int64_t			 id;
	unsigned		 nparts;
	unsigned		 nresp;
	enum send_verdict	 verdict;
	int			 retry_after;
	char			 ext_id[66];	/* the first part's message_id */
	char			 err[96];
};

/* One submit_sm waiting for its submit_sm_resp. */
struct smpp_part {
	uint32_t		 seq;
	unsigned		 index;		/* 0 for the first part */
	struct smpp_msg		*msg;
	double			 deadline;	/* monotonic */
	TAILQ_ENTRY(smpp_part)	 entry;
};
TAILQ_HEAD(smpp_parts, smpp_part);

struct smpp_conn {
	struct smpp		*ch;
	enum smpp_role		 role;
	enum smpp_state		 state;
	uint32_t		 gen;		/* changes with every connection attempt */
	struct bufferevent	*bev;
	struct event		*timer;		/* the state's timer */
	struct event		*resume;	/* input left after a batch */
	uint32_t		 seq;
	double			 last_rx;	/* monotonic time of the last PDU read */
	double			 bound_at;	/* wall time of the bind */
	double			 link_sent;	/* our enquire_link awaiting its resp, or 0 */
	double			 backoff;	/* seconds before the next reconnection */
	struct smpp_parts	 parts;		/* submit_sm sent, oldest first */
	size_t			 nparts;
};

struct smpp {
	const struct chan_env	*env;		/* the loop, inbound, outbox, cfg */
	char			 name[64];
	struct smpp_conn	 conn[2];
	size_t			 nconn;		/* 1 (transceiver) or 2 (pair) */
	uint32_t		 gen;
	char			*settings;	/* what a reload compares */
	int			 attached;
	int			 stopping;
	void			(*done)(void *);
	void			*done_arg;
	struct event		*stopped;	/* calls done from the loop */
	struct event		*throttle;	/* the end of a throttle pause */
	double			 throttle_until;
	double			 throttle_backoff;
	uint8_t			 ref;		/* the next concatenation reference */
	uint8_t			*wbuf;		/* SMPP_PDU_MAX octets to pack into */
	struct evdns_base	*dns;		/* made for the first host name */
};

static void	smpp_conn_connect(struct smpp_conn *);
static void	smpp_conn_close(struct smpp_conn *, const char *why, const char *event);
static void	smpp_conn_state(struct smpp_conn *, enum smpp_state, double timeout);
static void	smpp_send(void *, const struct outbox_msg *, struct outbox_job *);

static const struct route *
smpp_route(struct smpp *ch)
{
	return config_route(ch->env->cfg, ch->name);
}

static void
smpp_event(struct smpp *ch, const char *event)
{
	metrics_add(METRIC_CHANNEL_EVENTS, ch->name, event, 1);
}

static struct smpp_conn *
smpp_sender(struct smpp *ch)
{
	return &ch->conn[0];
}

/* Enter a state and arm its timer (timeout <= 0: none). */
static void
smpp_conn_state(struct smpp_conn *c, enum smpp_state st, double timeout)
{
	struct timeval	tv;

	if (c->state != st)
		log_debug("smpp: chan=%s conn=%s state=%s", c->ch->name,
		    smpp_roles[c->role].name, smpp_state_names[st]);
	c->state = st;
	event_del(c->timer);
	if (timeout > 0) {
		tv.tv_sec = (time_t)timeout;
		tv.tv_usec = (suseconds_t)((timeout - (double)tv.tv_sec) * 1e6);
		event_add(c->timer, &tv);
	}
}

/* Queue one packed PDU on a connection. */
static void
smpp_conn_write(struct smpp_conn *c, const uint8_t *pdu, size_t len)
{
	if (len == 0) {
		log_warnx("smpp: chan=%s a PDU does not fit", c->ch->name);
		return;
	}
	if (c->bev != NULL)
		bufferevent_write(c->bev, pdu, len);
}

static uint32_t
smpp_conn_seq(struct smpp_conn *c)
{
	if (++c->seq > 0x7fffffffU)
		c->seq = 1;
	return c->seq;
}

static void
smpp_conn_simple(struct smpp_conn *c, uint32_t id, uint32_t status, uint32_t seq)
{
	uint8_t	pdu[SMPP_HEADER_LEN];

	smpp_conn_write(c, pdu, smpp_pdu_header_only(pdu, sizeof pdu, id, status, seq));
}

/* ready() of the outbox channel: bound, not stopping, not throttled. */
static int
smpp_ready(void *arg)
{
	struct smpp	*ch = arg;

	return !ch->stopping && smpp_sender(ch)->state == SMPP_BOUND &&
	    num_mono() >= ch->throttle_until;
}

/* A row's every part is answered (or lost): tell the outbox. */
static void
smpp_msg_finish(struct smpp_msg *m)
{
	outbox_job_done(m->job, m->verdict, m->verdict == SEND_OK ? m->ext_id : NULL,
	    m->err, m->retry_after);
	free(m);
}

/* How bad a verdict is, to keep the worst of a row's parts. */
static int
smpp_verdict_rank(enum send_verdict v)
{
	static const int rank[] = { [SEND_OK] = 0, [SEND_RETRY] = 1, [SEND_FAIL] = 2 };

	return rank[v];
}

/* One part's outcome; the part is freed, its row finished if it was the last. */
static void
smpp_part_done(struct smpp_conn *c, struct smpp_part *p, enum send_verdict v,
    const char *id, const char *err, int retry_after)
{
	struct smpp_msg	*m = p->msg;

	TAILQ_REMOVE(&c->parts, p, entry);
	c->nparts--;
	if (p->index == 0 && id != NULL)
		strlcpy(m->ext_id, id, sizeof m->ext_id);
	if (smpp_verdict_rank(v) > smpp_verdict_rank(m->verdict)) {
		m->verdict = v;
		strlcpy(m->err, err != NULL ? err : "", sizeof m->err);
		m->retry_after = retry_after;
	}
	free(p);
	if (++m->nresp == m->nparts)
		smpp_msg_finish(m);
}

/* Every submit_sm still unanswered on c is lost: its row is retried. */
static void
smpp_conn_fail_parts(struct smpp_conn *c, const char *why)
{
	struct smpp_part	*p;

	while ((p = TAILQ_FIRST(&c->parts)) != NULL)
		smpp_part_done(c, p, SEND_RETRY, NULL, why, 0);
}

static void
smpp_throttle_over(evutil_socket_t fd, short events, void *arg)
{
	struct smpp	*ch = arg;

	if (smpp_ready(ch))
		outbox_kick(ch->env->outbox);
}

/* The SMSC said slow down: pause sending for a backoff that doubles. */
static void
smpp_throttled(struct smpp *ch)
{
	struct timeval	tv;
	double		now = num_mono(), pause;

	if (now < ch->throttle_until)
		return;		/* answers to what was sent before the pause */
	if (ch->throttle_backoff < SMPP_THROTTLE_MIN)
		ch->throttle_backoff = SMPP_THROTTLE_MIN;
	pause = ch->throttle_backoff;
	ch->throttle_backoff *= 2;
	if (ch->throttle_backoff > SMPP_THROTTLE_MAX)
		ch->throttle_backoff = SMPP_THROTTLE_MAX;
	ch->throttle_until = now + pause;
	tv.tv_sec = (time_t)pause;
	tv.tv_usec = (suseconds_t)((pause - (double)tv.tv_sec) * 1e6);
	evtimer_add(ch->throttle, &tv);
	smpp_event(ch, "throttled");
	log_info("smpp: chan=%s throttled pause=%.2fs", ch->name, pause);
}

/* The verdict on a submit_sm_resp (or generic_nack) status. */
static enum send_verdict
smpp_submit_verdict(uint32_t status)
{
	switch (status) {
	case SMPP_ROK:
		return SEND_OK;
	case SMPP_RTHROTTLED:
	case SMPP_RMSGQFUL:
	case SMPP_RSYSERR:
		return SEND_RETRY;
	default:
		return SEND_FAIL;
	}
}

static struct smpp_part *
smpp_part_find(struct smpp_conn *c, uint32_t seq)
{
	struct smpp_part	*p;

	/* SMSCs answer mostly in order: the oldest is the usual match. */
	TAILQ_FOREACH(p, &c->parts, entry) {
		if (p->seq == seq)
			return p;
	}
	return NULL;
}

/* submit_sm_resp, or a generic_nack that names a submit_sm. */
static void
smpp_on_submit_resp(struct smpp_conn *c, const struct smpp_header *h, const uint8_t *body,
    size_t len)
{
	struct smpp		*ch = c->ch;
	struct smpp_part	*p;
	enum send_verdict	 v;
	char			 id[66], err[64];

	if ((p = smpp_part_find(c, h->seq)) == NULL) {
		log_debug("smpp: chan=%s resp seq=%u matches no submit_sm", ch->name, h->seq);
		return;
	}
	v = smpp_submit_verdict(h->status);
	if (h->id != SMPP_SUBMIT_SM_RESP || smpp_pdu_parse_id(body, len, id, sizeof id) == -1)
		id[0] = '\0';
	if (v == SEND_OK && id[0] == '\0' && p->index == 0) {
		/* Accepted, but no id to match a receipt with: still sent. */
		log_debug("smpp: chan=%s submit_sm_resp seq=%u without message_id",
		    ch->name, h->seq);
	}
	if (v == SEND_OK) {
		if (num_mono() >= ch->throttle_until)
			ch->throttle_backoff = SMPP_THROTTLE_MIN;
		smpp_part_done(c, p, v, id, NULL, 0);
		return;
	}
	snprintf(err, sizeof err, "%s status 0x%08x",
	    h->id == SMPP_GENERIC_NACK ? "generic_nack" : "submit_sm_resp", h->status);
	if (h->status == SMPP_RTHROTTLED || h->status == SMPP_RMSGQFUL) {
		smpp_throttled(ch);
		smpp_part_done(c, p, SEND_RETRY, NULL, err, 1);
		return;
	}
	smpp_part_done(c, p, v, NULL, err, 0);
}

/* The connection is bound: traffic may flow. */
static void
smpp_on_bound(struct smpp_conn *c)
{
	struct smpp		*ch = c->ch;
	struct outbox_channel	 oc = { smpp_ready, smpp_send, ch };

	c->backoff = 0;
	c->link_sent = 0;
	c->last_rx = num_mono();
	c->bound_at = num_wall();
	smpp_conn_state(c, SMPP_BOUND, SMPP_TICK);
	smpp_event(ch, "bound");
	log_info("smpp: chan=%s bound as=%s", ch->name, smpp_roles[c->role].name);
	if (!smpp_roles[c->role].sends)
		return;
	metrics_set(METRIC_CHANNEL_UP, ch->name, NULL, 1);
	outbox_attach(ch->env->outbox, ch->name, &oc);
	ch->attached = 1;
	outbox_kick(ch->env->outbox);
}

static void
smpp_on_bind_resp(struct smpp_conn *c, const struct smpp_header *h, const uint8_t *body,
    size_t len)
{
	if (c->state != SMPP_BINDING || h->id != (smpp_roles[c->role].bind | SMPP_RESP)) {
		log_debug("smpp: chan=%s unexpected %s", c->ch->name,
		    smpp_pdu_cmd_name(h->id));
		return;
	}
	if (h->status != SMPP_ROK) {
		log_warnx("smpp: chan=%s bind refused status=0x%08x", c->ch->name, h->status);
		smpp_conn_close(c, "bind refused", "bind_failed");
		return;
	}
	smpp_on_bound(c);
}

static void
smpp_on_enquire_link(struct smpp_conn *c, const struct smpp_header *h,
    const uint8_t *body, size_t len)
{
	smpp_conn_simple(c, SMPP_ENQUIRE_LINK_RESP, SMPP_ROK, h->seq);
}

static void
smpp_on_enquire_link_resp(struct smpp_conn *c, const struct smpp_header *h,
    const uint8_t *body, size_t len)
{
	c->link_sent = 0;
}

static void
smpp_on_unbind(struct smpp_conn *c, const struct smpp_header *h, const uint8_t *body,
    size_t len)
{
	smpp_conn_simple(c, SMPP_UNBIND_RESP, SMPP_ROK, h->seq);
	smpp_conn_close(c, "unbound by the SMSC", "unbound");
}

static void
smpp_on_unbind_resp(struct smpp_conn *c, const struct smpp_header *h,
    const uint8_t *body, size_t len)
{
	if (c->state == SMPP_UNBINDING)
		smpp_conn_close(c, "unbound", NULL);
}

static void
smpp_on_generic_nack(struct smpp_conn *c, const struct smpp_header *h,
    const uint8_t *body, size_t len)
{
	log_warnx("smpp: chan=%s generic_nack seq=%u status=0x%08x", c->ch->name, h->seq,
	    h->status);
	smpp_event(c->ch, "nacked");
	if (c->state == SMPP_BINDING) {
		smpp_conn_close(c, "bind answered with generic_nack", "bind_failed");
		return;
	}
	smpp_on_submit_resp(c, h, body, len);
}

/* Answer a deliver_sm: now if nothing is to be stored, else from smpp_inbound_done. */
static void
smpp_deliver_resp(struct smpp_conn *c, uint32_t status, uint32_t seq)
{
	uint8_t	pdu[SMPP_HEADER_LEN + 1];

	smpp_conn_write(c, pdu, smpp_pdu_resp_id(pdu, sizeof pdu, SMPP_DELIVER_SM_RESP,
	    status, seq, ""));
}

/* inbound.c committed (or not) what a deliver_sm carried: answer it. */
static void
smpp_inbound_done(void *arg, uint64_t tag, const struct inbound_result *r)
{
	static const uint32_t	 status[] = {
		[INBOUND_STORED] = SMPP_ROK,
		[INBOUND_DUPLICATE] = SMPP_ROK,
		[INBOUND_REFUSED] = SMPP_RX_P_APPN,
		[INBOUND_EFAIL] = SMPP_RX_T_APPN,
	};
	struct smpp		*ch = arg;
	struct smpp_conn	*c;
	uint32_t		 gen = (uint32_t)(tag >> 32), seq = (uint32_t)tag;
	size_t			 i;

	for (i = 0; i < ch->nconn; i++) {
		c = &ch->conn[i];
		if (c->gen != gen || c->bev == NULL ||
		    (c->state != SMPP_BOUND && c->state != SMPP_UNBINDING))
			continue;
		smpp_deliver_resp(c, status[r->status], seq);
		return;
	}
	/* Its connection is gone: the SMSC delivers it again, and dedup knows it. */
	log_debug("smpp: chan=%s deliver_sm seq=%u answer dropped: connection gone",
	    ch->name, seq);
}

/* Text of a deliver_sm by data_coding (SMPP 3.4 5.2.19); out holds 3 * n + 4. */
static ssize_t
smpp_decode(const struct route *r, uint8_t dc, const uint8_t *data, size_t n, char *out,
    size_t outlen)
{
	switch (dc) {
	case 0:
		if (r == NULL || r->alphabet == ROUTE_ALPHABET_GSM7)
			return gsm_decode_septets(data, n, out, outlen);
		return gsm_decode_latin1(data, n, out, outlen);
	case 1:		/* IA5 (ASCII) */
	case 3:		/* Latin-1 */
		return gsm_decode_latin1(data, n, out, outlen);
	case 8:		/* UCS-2 */
		return gsm_decode_ucs2(data, n, out, outlen);
	default:
		log_debug("smpp: data_coding=0x%02x read as Latin-1", dc);
		return gsm_decode_latin1(data, n, out, outlen);
	}
}

/* The redelivery key of a message or part: SHA-256 of what identifies it, in hex. */
static void
smpp_key(const struct smpp_sm *sm, const struct smpp_concat *cc, const uint8_t *data,
    size_t n, char out[65])
{
	static const char	 hex[] = "0123456789abcdef";
	EVP_MD_CTX		*ctx;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0;
	char			 meta[64];
	size_t			 i;

	snprintf(meta, sizeof meta, "%u/%u/%u/%u/%u", sm->esm_class, sm->data_coding,
	    cc->ref, cc->total, cc->seq);
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, sm->src, strlen(sm->src) + 1) != 1 ||
	    EVP_DigestUpdate(ctx, sm->dst, strlen(sm->dst) + 1) != 1 ||
	    EVP_DigestUpdate(ctx, meta, strlen(meta) + 1) != 1 ||
	    EVP_DigestUpdate(ctx, data, n) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
		fatalx("sha256");
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

/* A delivery receipt (esm_class 0x04): handed to inbound.c, answered after. */
static void
smpp_receipt(struct smpp_conn *c, const struct smpp_header *h, const struct smpp_sm *sm,
    const uint8_t *data, size_t n)
{
	struct smpp		*ch = c->ch;
	struct smpp_receipt	 rc;
	struct inbound_dlr	 dlr;
	char			 text[512], esc[128];
	const char		*state;
	ssize_t			 tl;

	if (n > 170)
		n = 170;	/* the receipt's fields are all in its first 160 octets */
	if ((tl = gsm_decode_latin1(data, n, text, sizeof text)) < 0)
		tl = 0;
	text[tl] = '\0';
	smpp_pdu_receipt(text, (size_t)tl, &rc);
	memset(&dlr, 0, sizeof dlr);
	dlr.channel = ch->name;
	dlr.ext_id = sm->has_receipted ? sm->receipted_id : rc.id;
	state = rc.stat;
	if (state[0] == '\0' && (state = smpp_pdu_state_name(sm->message_state)) == NULL)
		state = "UNKNOWN";
	if (dlr.ext_id[0] == '\0') {
		log_warnx("smpp: chan=%s receipt seq=%u without a message id", ch->name,
		    h->seq);
		log_debug("smpp: chan=%s receipt text: %s", ch->name,
		    log_escape(text, (size_t)tl, esc, sizeof esc));
		smpp_event(ch, "malformed");
		smpp_deliver_resp(c, SMPP_ROK, h->seq);
		return;
	}
	dlr.state = state;
	dlr.delivered = smpp_pdu_state(state);
	log_debug("smpp: chan=%s receipt id=%s stat=%s", ch->name,
	    log_escape(dlr.ext_id, strlen(dlr.ext_id), esc, sizeof esc), state);
	inbound_submit_dlr(ch->env->inbound, &dlr, smpp_inbound_done, ch,
	    (uint64_t)c->gen << 32 | h->seq);
}

static void
smpp_on_deliver_sm(struct smpp_conn *c, const struct smpp_header *h, const uint8_t *body,
    size_t len)
{
	struct smpp		*ch = c->ch;
	const struct route	*r = smpp_route(ch);
	struct smpp_sm		 sm;
	struct smpp_concat	 cc;
	struct inbound_sms	 in;
	const uint8_t		*data;
	size_t			 n, hl;
	char			*text, key[65], from[sizeof sm.src + 1];
	ssize_t			 tl;
	int			 st;

	if (c->state != SMPP_BOUND || c->role == SMPP_TX) {
		smpp_deliver_resp(c, SMPP_RINVBNDSTS, h->seq);
		return;
	}
	if ((st = smpp_pdu_parse_sm(body, len, &sm)) != 0) {
		log_warnx("smpp: chan=%s malformed deliver_sm seq=%u status=0x%02x",
		    ch->name, h->seq, st);
		smpp_event(ch, "malformed");
		smpp_conn_simple(c, SMPP_GENERIC_NACK, (uint32_t)st, h->seq);
		return;
	}
	data = sm.sm;
	n = sm.sm_len;
	if (sm.has_payload && sm.payload_len > 0) {
		data = sm.payload;
		n = sm.payload_len;
	}
	if ((sm.esm_class & SMPP_ESM_RECEIPT) ||
	    (sm.esm_class & SMPP_ESM_TYPE_MASK) == SMPP_ESM_INTERMEDIATE) {
		smpp_receipt(c, h, &sm, data, n);
		return;
	}
	memset(&cc, 0, sizeof cc);
	if (sm.esm_class & SMPP_ESM_UDHI) {
		if (smpp_pdu_udh(data, n, &hl, &cc) == -1) {
			log_warnx("smpp: chan=%s deliver_sm seq=%u: broken user data header",
			    ch->name, h->seq);
			smpp_event(ch, "malformed");
			smpp_deliver_resp(c, SMPP_RX_P_APPN, h->seq);
			return;
		}
		smpp_key(&sm, &cc, data, n, key);
		data += hl;
		n -= hl;
	} else {
		if (sm.has_sar && sm.sar_seq >= 1 && sm.sar_seq <= sm.sar_total) {
			cc.ref = sm.sar_ref;
			cc.total = sm.sar_total;
			cc.seq = sm.sar_seq;
		}
		smpp_key(&sm, &cc, data, n, key);
	}
	text = xmalloc(3 * n + 4);
	if ((tl = smpp_decode(r, sm.data_coding, data, n, text, 3 * n + 4)) < 0)
		tl = 0;
	text[tl] = '\0';
	/* An international number comes without its "+" (SMPP 3.4 5.2.5). */
	if (sm.src_ton == 1 && sm.src[0] != '+' && sm.src[0] != '\0' &&
	    strspn(sm.src, "0123456789") == strlen(sm.src))
		snprintf(from, sizeof from, "+%s", sm.src);
	else
		strlcpy(from, sm.src, sizeof from);
	memset(&in, 0, sizeof in);
	in.channel = ch->name;
	in.from = from;
	in.to = sm.dst[0] != '\0' ? sm.dst : NULL;
	in.text = text;
	in.textlen = (size_t)tl;
	in.outbox = 1;		/* replies go back over this bind */
	in.route = ch->name;
	/*
	 * SMPP has no message id: the same text twice from one number is
	 * usually the resident ("1", "1"). An SMSC redelivers what it got no
	 * deliver_sm_resp for, which happens when a bind breaks: so only just
	 * after a bind is a message compared with those received before it.
	 */
	in.key = key;
	if (num_wall() - c->bound_at < SMPP_DEDUP_AFTER_BIND) {
		in.dedup_from = c->bound_at - SMPP_DEDUP_WINDOW;
		in.dedup_until = c->bound_at;
	}
	if (cc.total > 1) {
		in.ref = cc.ref;
		in.total = cc.total;
		in.seq = cc.seq;
	}
	log_debug("smpp: chan=%s deliver_sm seq=%u dc=%u part=%u/%u len=%zd", ch->name,
	    h->seq, sm.data_coding, in.seq, in.total, tl);
	inbound_submit(ch->env->inbound, &in, smpp_inbound_done, ch,
	    (uint64_t)c->gen << 32 | h->seq);
	free(text);
}

/* What to do with each command read off the wire. */
static const struct {
	uint32_t	 id;
	void		(*fn)(struct smpp_conn *, const struct smpp_header *,
			    const uint8_t *, size_t);
} smpp_handlers[] = {
	{ SMPP_BIND_TRANSCEIVER_RESP, smpp_on_bind_resp },
	{ SMPP_BIND_TRANSMITTER_RESP, smpp_on_bind_resp },
	{ SMPP_BIND_RECEIVER_RESP, smpp_on_bind_resp },
	{ SMPP_SUBMIT_SM_RESP, smpp_on_submit_resp },
	{ SMPP_DELIVER_SM, smpp_on_deliver_sm },
	{ SMPP_ENQUIRE_LINK, smpp_on_enquire_link },
	{ SMPP_ENQUIRE_LINK_RESP, smpp_on_enquire_link_resp },
	{ SMPP_UNBIND, smpp_on_unbind },
	{ SMPP_UNBIND_RESP, smpp_on_unbind_resp },
	{ SMPP_GENERIC_NACK, smpp_on_generic_nack },
};

static void
smpp_dispatch(struct smpp_conn *c, const struct smpp_header *h, const uint8_t *body,
    size_t len)
{
	size_t	i;

	for (i = 0; i < nitems(smpp_handlers); i++) {
		if (smpp_handlers[i].id == h->id) {
			smpp_handlers[i].fn(c, h, body, len);
			return;
		}
	}
	smpp_event(c->ch, "unknown_pdu");
	if (h->id & SMPP_RESP) {
		/* A response is never answered, not even with a nack. */
		log_debug("smpp: chan=%s ignored command_id=0x%08x", c->ch->name, h->id);
		return;
	}
	log_warnx("smpp: chan=%s unknown command_id=0x%08x seq=%u", c->ch->name, h->id,
	    h->seq);
	smpp_conn_simple(c, SMPP_GENERIC_NACK, SMPP_RINVCMDID, h->seq);
}

/* Read whole PDUs, at most SMPP_BATCH of them before yielding to the loop. */
static void
smpp_conn_input(struct smpp_conn *c)
{
	struct evbuffer		*in;
	struct smpp_header	 h;
	uint8_t			 hdr[SMPP_HEADER_LEN], *pdu;
	uint32_t		 gen = c->gen;
	size_t			 n;

	for (n = 0; n < SMPP_BATCH; n++) {
		if (c->bev == NULL || c->gen != gen)
			return;		/* closed by the last PDU */
		in = bufferevent_get_input(c->bev);
		if (evbuffer_copyout(in, hdr, sizeof hdr) != (ssize_t)sizeof hdr)
			return;
		if (smpp_pdu_header(hdr, sizeof hdr, &h) == -1) {
			log_warnx("smpp: chan=%s impossible command_length=%u: closing",
			    c->ch->name, h.len);
			smpp_conn_close(c, "impossible command_length", "malformed");
			return;
		}
		if (evbuffer_get_length(in) < h.len)
			return;
		if ((pdu = evbuffer_pullup(in, h.len)) == NULL)
			fatalx("evbuffer_pullup");
		c->last_rx = num_mono();
		smpp_dispatch(c, &h, pdu + SMPP_HEADER_LEN, h.len - SMPP_HEADER_LEN);
		if (c->bev != NULL && c->gen == gen)
			evbuffer_drain(bufferevent_get_input(c->bev), h.len);
	}
	if (c->bev != NULL && c->gen == gen)
		event_active(c->resume, EV_TIMEOUT, 0);
}

static void
smpp_conn_read(struct bufferevent *bev, void *arg)
{
	smpp_conn_input(arg);
}

static void
smpp_conn_resume(evutil_socket_t fd, short events, void *arg)
{
	smpp_conn_input(arg);
}

/* Send bind_transceiver (or _transmitter / _receiver) once connected. */
static void
smpp_conn_bind(struct smpp_conn *c)
{
	struct smpp		*ch = c->ch;
	const struct route	*r = smpp_route(ch);
	uint8_t			 pdu[128];
	size_t			 len;
	int			 one = 1;

	setsockopt(bufferevent_getfd(c->bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	len = smpp_pdu_bind(pdu, sizeof pdu, smpp_roles[c->role].bind, smpp_conn_seq(c),
	    r->system_id, r->password, r->system_type, r->address_range);
	if (len == 0) {
		log_warnx("smpp: chan=%s system_id, password or system_type too long",
		    ch->name);
		smpp_conn_close(c, "bad bind settings", "bind_failed");
		return;
	}
	smpp_conn_write(c, pdu, len);
	smpp_conn_state(c, SMPP_BINDING, r->timeout);
}

static void
smpp_conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct smpp_conn	*c = arg;

	if (what & BEV_EVENT_CONNECTED) {
		smpp_event(c->ch, "connect");
		smpp_conn_bind(c);
		return;
	}
	if (what & BEV_EVENT_EOF)
		smpp_conn_close(c, "closed by the SMSC", "dropped");
	else if (what & (BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		smpp_conn_close(c, evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()),
		    "dropped");
}

/* While bound: our enquire_link after silence, and the answers that did not come. */
static void
smpp_conn_tick(struct smpp_conn *c)
{
	const struct route	*r = smpp_route(c->ch);
	struct smpp_part	*p;
	double			 now = num_mono(), timeout = r != NULL ? r->timeout : 30;
	uint8_t			 pdu[SMPP_HEADER_LEN];

	if ((p = TAILQ_FIRST(&c->parts)) != NULL && now >= p->deadline) {
		log_warnx("smpp: chan=%s no submit_sm_resp in %.0fs: reconnecting",
		    c->ch->name, timeout);
		smpp_conn_close(c, "no submit_sm_resp in time", "timeout");
		return;
	}
	if (c->link_sent > 0 && now - c->link_sent >= timeout) {
		log_warnx("smpp: chan=%s no enquire_link_resp in %.0fs: reconnecting",
		    c->ch->name, timeout);
		smpp_conn_close(c, "no enquire_link_resp", "timeout");
		return;
	}
	if (c->link_sent == 0 && r != NULL && r->enquire_link > 0 &&
	    now - c->last_rx >= r->enquire_link) {
		c->link_sent = now;
		smpp_conn_write(c, pdu, smpp_pdu_header_only(pdu, sizeof pdu,
		    SMPP_ENQUIRE_LINK, 0, smpp_conn_seq(c)));
	}
	smpp_conn_state(c, SMPP_BOUND, SMPP_TICK);
}

static void
smpp_conn_timer(evutil_socket_t fd, short events, void *arg)
{
	struct smpp_conn	*c = arg;

	switch (c->state) {
	case SMPP_CONNECTING:
		smpp_conn_close(c, "connect timed out", "timeout");
		break;
	case SMPP_BINDING:
		smpp_conn_close(c, "no bind_resp", "bind_failed");
		break;
	case SMPP_BOUND:
		smpp_conn_tick(c);
		break;
	case SMPP_UNBINDING:
		smpp_conn_close(c, "no unbind_resp", NULL);
		break;
	case SMPP_WAIT_RECONNECT:
		smpp_conn_connect(c);
		break;
	case SMPP_IDLE:
		break;
	}
}

/* Every connection is closed during a stop: tell chan.c, from the loop. */
static void
smpp_stopped(evutil_socket_t fd, short events, void *arg)
{
	struct smpp	*ch = arg;
	void		(*done)(void *) = ch->done;

	ch->done = NULL;
	if (done != NULL)
		done(ch->done_arg);
}

static void
smpp_check_stopped(struct smpp *ch)
{
	size_t	i;

	if (!ch->stopping || ch->done == NULL)
		return;
	for (i = 0; i < ch->nconn; i++) {
		if (ch->conn[i].state != SMPP_IDLE)
			return;
	}
	event_active(ch->stopped, EV_TIMEOUT, 0);
}

/*
 * Close a connection: what it had in flight is retried, and it connects
 * again after a backoff that doubles up to reconnect_max (not when
 * stopping). event names the metric, NULL for an orderly close.
 */
static void
smpp_conn_close(struct smpp_conn *c, const char *why, const char *event)
{
	struct smpp		*ch = c->ch;
	const struct route	*r = smpp_route(ch);
	double			 max = r != NULL ? r->reconnect_max : 60;
	int			 was_bound = c->state == SMPP_BOUND || c->state == SMPP_UNBINDING;
	struct evbuffer		*out;

	if (c->bev != NULL) {
		out = bufferevent_get_output(c->bev);
		/*
		 * What is queued (unbind_resp, deliver_sm_resp) goes if the
		 * socket takes it now; the bufferevent keeps its output's
		 * start frozen for itself.
		 */
		if (evbuffer_get_length(out) > 0 && bufferevent_getfd(c->bev) != -1) {
			evbuffer_unfreeze(out, 1);
			(void)evbuffer_write(out, bufferevent_getfd(c->bev));
		}
		bufferevent_free(c->bev);
		c->bev = NULL;
	}
	event_del(c->resume);
	c->gen = 0;
	if (event != NULL) {
		smpp_event(ch, event);
		log_warnx("smpp: chan=%s conn=%s closed state=%s reason=\"%s\"", ch->name,
		    smpp_roles[c->role].name, smpp_state_names[c->state], why);
	} else
		log_info("smpp: chan=%s conn=%s closed reason=\"%s\"", ch->name,
		    smpp_roles[c->role].name, why);
	smpp_conn_fail_parts(c, "connection lost");
	if (was_bound && smpp_roles[c->role].sends) {
		metrics_set(METRIC_CHANNEL_UP, ch->name, NULL, 0);
		if (ch->attached)
			outbox_detach(ch->env->outbox, ch->name);
		ch->attached = 0;
	}
	if (ch->stopping || r == NULL) {
		smpp_conn_state(c, SMPP_IDLE, 0);
		smpp_check_stopped(ch);
		return;
	}
	if (c->backoff < SMPP_BACKOFF_MIN)
		c->backoff = SMPP_BACKOFF_MIN;
	else
		c->backoff *= 2;
	if (c->backoff > max)
		c->backoff = max > 0 ? max : SMPP_BACKOFF_MIN;
	smpp_conn_state(c, SMPP_WAIT_RECONNECT, c->backoff);
}

/* Open the TCP connection (non-blocking); the bind follows in smpp_conn_event. */
static void
smpp_conn_connect(struct smpp_conn *c)
{
	struct smpp		*ch = c->ch;
	const struct route	*r = smpp_route(ch);
	struct sockaddr_storage	 ss;
	int			 sslen = sizeof ss, rv;
	char			 hp[300];

	if (r == NULL || ch->stopping) {
		smpp_conn_state(c, SMPP_IDLE, 0);
		smpp_check_stopped(ch);
		return;
	}
	if ((ch->gen = ch->gen + 1) == 0)
		ch->gen = 1;
	c->gen = ch->gen;
	c->seq = 0;
	c->link_sent = 0;
	c->bev = bufferevent_socket_new(ch->env->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
		fatalx("bufferevent_socket_new");
	bufferevent_setcb(c->bev, smpp_conn_read, NULL, smpp_conn_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	smpp_conn_state(c, SMPP_CONNECTING, r->connect_timeout);
	log_debug("smpp: chan=%s connecting host=%s port=%d", ch->name, r->host, r->port);
	snprintf(hp, sizeof hp, "%s:%d", r->host, r->port);
	if (evutil_parse_sockaddr_port(hp, (struct sockaddr *)&ss, &sslen) == 0)
		rv = bufferevent_socket_connect(c->bev, (struct sockaddr *)&ss, sslen);
	else {
		if (ch->dns == NULL &&
		    (ch->dns = evdns_base_new(ch->env->base, EVDNS_BASE_INITIALIZE_NAMESERVERS))
		    == NULL)
			fatalx("evdns_base_new");
		rv = bufferevent_socket_connect_hostname(c->bev, ch->dns, AF_UNSPEC, r->host,
		    r->port);
	}
	if (rv == -1 && c->bev != NULL && c->state == SMPP_CONNECTING)
		smpp_conn_close(c, "cannot connect", "dropped");
}

/* Start unbinding politely; closed right away if not bound. */
static void
smpp_conn_unbind(struct smpp_conn *c)
{
	uint8_t	pdu[SMPP_HEADER_LEN];

	switch (c->state) {
	case SMPP_BOUND:
		smpp_conn_write(c, pdu, smpp_pdu_header_only(pdu, sizeof pdu, SMPP_UNBIND, 0,
		    smpp_conn_seq(c)));
		smpp_conn_state(c, SMPP_UNBINDING, SMPP_UNBIND_WAIT);
		break;
	case SMPP_UNBINDING:
		break;
	case SMPP_IDLE:
		smpp_check_stopped(c->ch);
		break;
	default:
		smpp_conn_close(c, "stopping", NULL);
		break;
	}
}

/* The part of a UTF-8 text at s: its code point and length, or U+FFFD for a bad byte. */
static uint32_t
smpp_utf8(const unsigned char *s, size_t left, size_t *used)
{
	uint32_t	cp;
	size_t		n, i;

	if (s[0] < 0x80) {
		*used = 1;
		return s[0];
	}
	n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
	if (n == 0 || n > left) {
		*used = 1;
		return 0xfffd;
	}
	cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*used = 1;
			return 0xfffd;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}
	*used = n;
	return cp;
}

/*
 * A GSM-7 segment for an SMSC whose data_coding 0 is Latin-1 or ASCII
 * (alphabet setting): the same characters in that alphabet, '?' for those
 * it lacks. Returns the octets written to out (at most GSM_SEGMENT_MAX).
 */
static size_t
smpp_to_8bit(const struct gsm_segment *seg, int ascii, uint8_t *out)
{
	char		utf8[GSM_SEGMENT_MAX * 3 + 1];
	ssize_t		len;
	size_t		i, n = 0, used;
	uint32_t	cp;

	if ((len = gsm_decode_septets(seg->data, seg->len, utf8, sizeof utf8)) < 0)
		return 0;
	for (i = 0; i < (size_t)len && n < GSM_SEGMENT_MAX; i += used) {
		cp = smpp_utf8((const unsigned char *)utf8 + i, (size_t)len - i, &used);
		out[n++] = cp <= (ascii ? 0x7fU : 0xffU) ? (uint8_t)cp : '?';
	}
	return n;
}

/* An address's type of number and numbering plan (SMPP 3.4 5.2.5, 5.2.6). */
static void
smpp_addr(const char *a, char *out, size_t outlen, uint8_t *ton, uint8_t *npi)
{
	const char	*d = a[0] == '+' ? a + 1 : a;
	size_t		 n = strlen(d);

	if (n > 0 && strspn(d, "0123456789") == n) {
		if (a[0] == '+') {
			*ton = 1;	/* international */
			*npi = 1;	/* E.164 */
		} else if (n <= 8) {
			*ton = 3;	/* network specific: a short code */
			*npi = 0;
		} else {
			*ton = 0;
			*npi = 1;
		}
		strlcpy(out, d, outlen);
		return;
	}
	*ton = 5;			/* alphanumeric */
	*npi = 0;
	strlcpy(out, a, outlen);
}

/* Send one submit_sm of a row and remember it until its resp. */
static void
smpp_send_part(struct smpp_conn *c, struct smpp_msg *m, unsigned index,
    const struct smpp_sm *sm, double timeout)
{
	struct smpp		*ch = c->ch;
	struct smpp_part	*p;
	size_t			 len;

	p = xcalloc(1, sizeof *p);
	p->seq = smpp_conn_seq(c);
	p->index = index;
	p->msg = m;
	p->deadline = num_mono() + timeout;
	TAILQ_INSERT_TAIL(&c->parts, p, entry);
	c->nparts++;
	len = smpp_pdu_sm(ch->wbuf, SMPP_PDU_MAX, SMPP_SUBMIT_SM, p->seq, sm);
	if (len == 0) {
		smpp_part_done(c, p, SEND_FAIL, NULL, "does not fit a submit_sm", 0);
		return;
	}
	smpp_conn_write(c, ch->wbuf, len);
}

/* The whole text as one message_payload (long = "payload"). */
static void
smpp_send_payload(struct smpp_conn *c, struct smpp_msg *m, struct smpp_sm *sm,
    const char *text, size_t len, double timeout)
{
	struct gsm_count	gc;
	uint8_t			*buf;
	ssize_t			 n;
	size_t			 size = 2 * len + 16;

	if (gsm_count(text, len, &gc) == -1 || size > 0xffff)
		goto fail;
	buf = xmalloc(size);
	if ((n = gsm_encode(text, len, gc.coding, buf, size)) < 0) {
		free(buf);
		goto fail;
	}
	sm->data_coding = gc.coding == GSM_CODING_UCS2 ? 8 : 0;
	sm->has_payload = 1;
	sm->payload = buf;
	sm->payload_len = (size_t)n;
	smpp_send_part(c, m, 0, sm, timeout);
	free(buf);
	return;
fail:
	m->verdict = SEND_FAIL;
	strlcpy(m->err, "text cannot be encoded", sizeof m->err);
	smpp_msg_finish(m);
}

/* send() of the outbox channel: a row as one submit_sm per part. */
static void
smpp_send(void *arg, const struct outbox_msg *om, struct outbox_job *job)
{
	struct smpp		*ch = arg;
	const struct route	*r = smpp_route(ch);
	struct smpp_conn	*c = smpp_sender(ch);
	struct gsm_segment	*segs;
	enum gsm_coding		 coding;
	struct smpp_sm		 sm;
	struct smpp_msg		*m;
	const char		*from;
	uint8_t			 ud[GSM_SEGMENT_MAX + 8], ref;
	size_t			 len = strlen(om->text), hl;
	int			 i, n;

	if (r == NULL || !smpp_ready(ch)) {
		outbox_job_done(job, SEND_RETRY, NULL, "not bound", 0);
		return;
	}
	m = xcalloc(1, sizeof *m);
	m->job = job;
	m->id = om->id;
	m->verdict = SEND_OK;
	memset(&sm, 0, sizeof sm);
	sm.message_state = -1;
	from = r->from != NULL ? r->from : ch->env->cfg->short_number;
	smpp_addr(from != NULL ? from : "", sm.src, sizeof sm.src, &sm.src_ton, &sm.src_npi);
	smpp_addr(om->number, sm.dst, sizeof sm.dst, &sm.dst_ton, &sm.dst_npi);
	sm.registered_delivery = r->receipts ? 1 : 0;
	log_debug("smpp: chan=%s outbox=%lld to=%s", ch->name, (long long)om->id, sm.dst);

	if (r->long_mode == ROUTE_LONG_PAYLOAD) {
		m->nparts = 1;
		smpp_send_payload(c, m, &sm, om->text, len, r->timeout);
		return;
	}
	segs = xcalloc(SMPP_PARTS_MAX, sizeof *segs);
	if ((n = gsm_split(om->text, len, &coding, segs, SMPP_PARTS_MAX)) <= 0) {
		free(segs);
		m->verdict = SEND_FAIL;
		strlcpy(m->err, n == 0 ? "empty text" : "text cannot be encoded or too long",
		    sizeof m->err);
		smpp_msg_finish(m);
		return;
	}
	m->nparts = (unsigned)n;
	ref = ch->ref++;
	sm.data_coding = coding == GSM_CODING_UCS2 ? 8 : 0;
	for (i = 0; i < n; i++) {
		hl = 0;
		if (n > 1 && r->long_mode == ROUTE_LONG_UDH) {
			/* TS 23.040 9.2.3.24.1: concatenation, 8-bit reference. */
			ud[0] = 5;
			ud[1] = 0x00;
			ud[2] = 3;
			ud[3] = ref;
			ud[4] = (uint8_t)n;
			ud[5] = (uint8_t)(i + 1);
			hl = 6;
			sm.esm_class = SMPP_ESM_UDHI;
		} else if (n > 1) {
			sm.has_sar = 1;
			sm.sar_ref = ref;
			sm.sar_total = (uint8_t)n;
			sm.sar_seq = (uint8_t)(i + 1);
		}
		if (coding == GSM_CODING_GSM7 && r->alphabet != ROUTE_ALPHABET_GSM7)
			sm.sm_len = hl + smpp_to_8bit(&segs[i],
			    r->alphabet == ROUTE_ALPHABET_ASCII, ud + hl);
		else {
			memcpy(ud + hl, segs[i].data, segs[i].len);
			sm.sm_len = hl + segs[i].len;
		}
		sm.sm = ud;
		smpp_send_part(c, m, (unsigned)i, &sm, r->timeout);
	}
	free(segs);
}

/* What a reload compares: the settings a bind is made of. */
static char *
smpp_settings(const struct route *r)
{
	char	*s;

	xasprintf(&s, "%s\n%d\n%s\n%s\n%s\n%s\n%d", r->host != NULL ? r->host : "", r->port,
	    r->system_id != NULL ? r->system_id : "", r->password != NULL ? r->password : "",
	    r->system_type != NULL ? r->system_type : "",
	    r->address_range != NULL ? r->address_range : "", r->bind);
	return s;
}

/* Set up the connections the bind mode asks for (not yet connected). */
static void
smpp_conns_init(struct smpp *ch, const struct route *r)
{
	struct smpp_conn	*c;
	size_t			 i;

	ch->nconn = r->bind == ROUTE_BIND_PAIR ? 2 : 1;
	for (i = 0; i < ch->nconn; i++) {
		c = &ch->conn[i];
		memset(c, 0, sizeof *c);
		c->ch = ch;
		c->role = ch->nconn == 1 ? SMPP_TRX : i == 0 ? SMPP_TX : SMPP_RX;
		c->state = SMPP_IDLE;
		TAILQ_INIT(&c->parts);
		c->timer = evtimer_new(ch->env->base, smpp_conn_timer, c);
		c->resume = event_new(ch->env->base, -1, 0, smpp_conn_resume, c);
		if (c->timer == NULL || c->resume == NULL)
			fatalx("event_new");
	}
}

/* Close every connection for good (what was in flight is retried) and free their events. */
static void
smpp_conns_free(struct smpp *ch)
{
	struct smpp_conn	*c;
	size_t			 i;

	for (i = 0; i < ch->nconn; i++) {
		c = &ch->conn[i];
		if (c->bev != NULL || c->nparts > 0)
			smpp_conn_close(c, "closed", NULL);
		smpp_conn_state(c, SMPP_IDLE, 0);
		event_free(c->timer);
		event_free(c->resume);
	}
	ch->nconn = 0;
	if (ch->attached)
		outbox_detach(ch->env->outbox, ch->name);
	ch->attached = 0;
}

static void *
smpp_start(const struct chan_env *env, const struct route *r)
{
	struct smpp	*ch;
	size_t		 i;

	if (r->host == NULL || r->system_id == NULL) {
		log_warnx("smpp: chan=%s needs host and system_id", r->name);
		return NULL;
	}
	ch = xcalloc(1, sizeof *ch);
	ch->env = env;
	strlcpy(ch->name, r->name, sizeof ch->name);
	ch->wbuf = xmalloc(SMPP_PDU_MAX);
	ch->settings = smpp_settings(r);
	ch->ref = (uint8_t)arc4random();
	if ((ch->throttle = evtimer_new(env->base, smpp_throttle_over, ch)) == NULL ||
	    (ch->stopped = evtimer_new(env->base, smpp_stopped, ch)) == NULL)
		fatalx("evtimer_new");
	metrics_set(METRIC_CHANNEL_UP, ch->name, NULL, 0);
	smpp_conns_init(ch, r);
	for (i = 0; i < ch->nconn; i++)
		smpp_conn_connect(&ch->conn[i]);
	log_info("smpp: chan=%s started bind=%s", ch->name,
	    ch->nconn == 2 ? "pair" : "transceiver");
	return ch;
}

static void
smpp_reload(void *arg, const struct route *r)
{
	struct smpp	*ch = arg;
	char		*s;
	size_t		 i;

	if (ch->stopping)
		return;
	s = smpp_settings(r);
	if (strcmp(s, ch->settings) == 0) {
		free(s);
		return;
	}
	free(ch->settings);
	ch->settings = s;
	log_info("smpp: chan=%s bind settings changed: reconnecting", ch->name);
	smpp_conns_free(ch);
	smpp_conns_init(ch, r);
	for (i = 0; i < ch->nconn; i++)
		smpp_conn_connect(&ch->conn[i]);
}

static void
smpp_stop(void *arg, void (*done)(void *), void *done_arg)
{
	struct smpp	*ch = arg;
	size_t		 i;

	ch->stopping = 1;
	ch->done = done;
	ch->done_arg = done_arg;
	event_del(ch->throttle);
	for (i = 0; i < ch->nconn; i++)
		smpp_conn_unbind(&ch->conn[i]);
	smpp_check_stopped(ch);
}

static void
smpp_free(void *arg)
{
	struct smpp	*ch = arg;

	if (ch == NULL)
		return;
	ch->stopping = 1;
	ch->done = NULL;
	smpp_conns_free(ch);
	inbound_forget(ch->env->inbound, ch);
	metrics_set(METRIC_CHANNEL_UP, ch->name, NULL, 0);
	event_free(ch->throttle);
	event_free(ch->stopped);
	if (ch->dns != NULL)
		evdns_base_free(ch->dns, 0);
	free(ch->settings);
	free(ch->wbuf);
	free(ch);
}

const struct chan_driver smpp_driver = {
	"smpp", smpp_start, smpp_reload, smpp_stop, smpp_free
};
