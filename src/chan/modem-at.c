/*
 * modem-at.c: classifying the lines of a GSM modem in AT command mode.
 * The answers and unsolicited codes follow 3GPP TS 27.005 (3.2.5 +CMS
 * ERROR, 3.4.1 +CMTI/+CMT/+CDS/+CDSI, 4.1 +CMGL, 4.2 +CMGR, 4.3 +CMGS) and
 * TS 27.007 (8.5 +CSQ, 8.3 +CPIN, 9.2 +CME ERROR). Each known line is a row
 * of a table: its prefix, its kind, and the function that reads its fields.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <termios.h>

#include "base/base.h"
#include "chan/modem-at.h"

#define MODEM_AT_FIELDS		12	/* comma-separated fields we look at */
#define MODEM_AT_NUM_MAX	12	/* digits of one numeric field */

/* A line's fields after its "+NAME: ", quotes removed. */
struct modem_at_fields {
	const char	*s[MODEM_AT_FIELDS];
	size_t		 len[MODEM_AT_FIELDS];
	int		 quoted[MODEM_AT_FIELDS];
	size_t		 n;
};

typedef int	(*modem_at_fn)(const struct modem_at_fields *, struct modem_at_line *);

static int	modem_at_cmti(const struct modem_at_fields *, struct modem_at_line *);
static int	modem_at_cmt(const struct modem_at_fields *, struct modem_at_line *);
static int	modem_at_cds(const struct modem_at_fields *, struct modem_at_line *);
static int	modem_at_cmgr(const struct modem_at_fields *, struct modem_at_line *);
static int	modem_at_cmgl(const struct modem_at_fields *, struct modem_at_line *);
static int	modem_at_cmgs(const struct modem_at_fields *, struct modem_at_line *);
static int	modem_at_csq(const struct modem_at_fields *, struct modem_at_line *);
static int	modem_at_cpin(const struct modem_at_fields *, struct modem_at_line *);
static int	modem_at_cpms(const struct modem_at_fields *, struct modem_at_line *);
static int	modem_at_err(const struct modem_at_fields *, struct modem_at_line *);

#define AT_FINAL	0x1
#define AT_URC		0x2
#define AT_PDU		0x4	/* a PDU line follows */
#define AT_PREFIX	0x8	/* the line starts with the word (else: is the word) */
#define AT_LENIENT	0x10	/* fields that do not parse are no reason to ignore it */

static const struct modem_at_entry {
	const char		*word;
	enum modem_at_kind	 kind;
	int			 flags;
	modem_at_fn		 fields;	/* NULL: nothing to read after the word */
} modem_at_table[] = {
	{ "OK", MODEM_AT_OK, AT_FINAL, NULL },
	{ "ERROR", MODEM_AT_ERROR, AT_FINAL, NULL },
	{ "COMMAND NOT SUPPORT", MODEM_AT_ERROR, AT_FINAL, NULL },	/* some ZTE firmware */
	{ "+CME ERROR:", MODEM_AT_CME_ERROR, AT_FINAL|AT_PREFIX|AT_LENIENT, modem_at_err },
	{ "+CMS ERROR:", MODEM_AT_CMS_ERROR, AT_FINAL|AT_PREFIX|AT_LENIENT, modem_at_err },
	{ "+CMTI:", MODEM_AT_CMTI, AT_URC|AT_PREFIX, modem_at_cmti },
	{ "+CMT:", MODEM_AT_CMT, AT_URC|AT_PDU|AT_PREFIX, modem_at_cmt },
	{ "+CDSI:", MODEM_AT_CDSI, AT_URC|AT_PREFIX, modem_at_cmti },
	{ "+CDS:", MODEM_AT_CDS, AT_URC|AT_PDU|AT_PREFIX, modem_at_cds },
	{ "RING", MODEM_AT_RING, AT_URC, NULL },
	{ "+CRING:", MODEM_AT_RING, AT_URC|AT_PREFIX, NULL },
	{ "+CLIP:", MODEM_AT_RING, AT_URC|AT_PREFIX, NULL },
	{ "NO CARRIER", MODEM_AT_RING, AT_URC, NULL },
	{ "+CMGR:", MODEM_AT_CMGR, AT_PDU|AT_PREFIX, modem_at_cmgr },
	{ "+CMGL:", MODEM_AT_CMGL, AT_PDU|AT_PREFIX, modem_at_cmgl },
	{ "+CMGS:", MODEM_AT_CMGS, AT_PREFIX, modem_at_cmgs },
	{ "+CSQ:", MODEM_AT_CSQ, AT_PREFIX, modem_at_csq },
	{ "+CPIN:", MODEM_AT_CPIN, AT_PREFIX, modem_at_cpin },
	{ "+CPMS:", MODEM_AT_CPMS, AT_PREFIX, modem_at_cpms },
};

/* Split "a,\"b,c\",d" into fields; -1 for an unclosed quote or too many fields. */
static int
modem_at_split(const char *s, size_t len, struct modem_at_fields *f)
{
	size_t	i = 0, start;

	memset(f, 0, sizeof *f);
	for (;;) {
		if (f->n == MODEM_AT_FIELDS)
			return -1;
		while (i < len && s[i] == ' ')
			i++;
		if (i < len && s[i] == '"') {
			start = ++i;
			while (i < len && s[i] != '"')
				i++;
			if (i == len)
				return -1;
			f->s[f->n] = s + start;
			f->len[f->n] = i - start;
			f->quoted[f->n] = 1;
			i++;
			while (i < len && s[i] == ' ')
				i++;
			if (i < len && s[i] != ',')
				return -1;
		} else {
			start = i;
			while (i < len && s[i] != ',')
				i++;
			f->s[f->n] = s + start;
			f->len[f->n] = i - start;
			while (f->len[f->n] > 0 && s[start + f->len[f->n] - 1] == ' ')
				f->len[f->n]--;
		}
		f->n++;
		if (i >= len)
			return 0;
		i++;	/* the comma */
	}
}

/* Field i as a number in [min, max]; -1 if it is not one. */
static int
modem_at_num(const struct modem_at_fields *f, size_t i, int min, int max, int *out)
{
	char		 buf[MODEM_AT_NUM_MAX + 1];
	const char	*errstr;
	long long	 v;

	if (i >= f->n || f->quoted[i] || f->len[i] == 0 || f->len[i] > MODEM_AT_NUM_MAX)
		return -1;
	memcpy(buf, f->s[i], f->len[i]);
	buf[f->len[i]] = '\0';
	v = num_parse(buf, min, max, &errstr);
	if (errstr != NULL)
		return -1;
	*out = (int)v;
	return 0;
}

/* Field i as a storage name ("SM"); -1 if it does not look like one. */
static int
modem_at_mem(const struct modem_at_fields *f, size_t i, char *out, size_t outlen)
{
	size_t	j;

	if (i >= f->n || f->len[i] == 0 || f->len[i] >= outlen)
		return -1;
	for (j = 0; j < f->len[i]; j++)
		if (!isalnum((unsigned char)f->s[i][j]))
			return -1;
	memcpy(out, f->s[i], f->len[i]);
	out[f->len[i]] = '\0';
	return 0;
}

/* TPDU lengths: an SMS-SUBMIT or DELIVER is at most 164 octets; allow some room. */
#define MODEM_AT_TPDU_MAX	255

/* +CMTI: <mem>,<index> and +CDSI: <mem>,<index> */
static int
modem_at_cmti(const struct modem_at_fields *f, struct modem_at_line *l)
{
	if (f->n != 2 || modem_at_mem(f, 0, l->mem, sizeof l->mem) == -1)
		return -1;
	return modem_at_num(f, 1, 0, 65535, &l->index);
}

/* +CMT: [<alpha>],<length> */
static int
modem_at_cmt(const struct modem_at_fields *f, struct modem_at_line *l)
{
	if (f->n < 1 || f->n > 2)
		return -1;
	return modem_at_num(f, f->n - 1, 1, MODEM_AT_TPDU_MAX, &l->length);
}

/* +CDS: <length> */
static int
modem_at_cds(const struct modem_at_fields *f, struct modem_at_line *l)
{
	if (f->n != 1)
		return -1;
	return modem_at_num(f, 0, 1, MODEM_AT_TPDU_MAX, &l->length);
}

/* +CMGR: <stat>,[<alpha>],<length> */
static int
modem_at_cmgr(const struct modem_at_fields *f, struct modem_at_line *l)
{
	if (f->n < 2 || f->n > 3 || modem_at_num(f, 0, 0, 4, &l->stat) == -1)
		return -1;
	return modem_at_num(f, f->n - 1, 1, MODEM_AT_TPDU_MAX, &l->length);
}

/* +CMGL: <index>,<stat>,[<alpha>],<length> */
static int
modem_at_cmgl(const struct modem_at_fields *f, struct modem_at_line *l)
{
	if (f->n < 3 || f->n > 4 || modem_at_num(f, 0, 0, 65535, &l->index) == -1 ||
	    modem_at_num(f, 1, 0, 4, &l->stat) == -1)
		return -1;
	return modem_at_num(f, f->n - 1, 1, MODEM_AT_TPDU_MAX, &l->length);
}

/* +CMGS: <mr>[,<scts>] */
static int
modem_at_cmgs(const struct modem_at_fields *f, struct modem_at_line *l)
{
	if (f->n < 1 || f->n > 2)
		return -1;
	return modem_at_num(f, 0, 0, 255, &l->mr);
}

/* +CSQ: <rssi>,<ber> */
static int
modem_at_csq(const struct modem_at_fields *f, struct modem_at_line *l)
{
	if (f->n != 2 || modem_at_num(f, 0, 0, 99, &l->rssi) == -1)
		return -1;
	return modem_at_num(f, 1, 0, 99, &l->ber);
}

/* +CPIN: READY | SIM PIN | SIM PUK | ... */
static int
modem_at_cpin(const struct modem_at_fields *f, struct modem_at_line *l)
{
	size_t	j;

	if (f->n != 1 || f->len[0] == 0 || f->len[0] >= sizeof l->word)
		return -1;
	for (j = 0; j < f->len[0]; j++)
		if (!isprint((unsigned char)f->s[0][j]))
			return -1;
	memcpy(l->word, f->s[0], f->len[0]);
	l->word[f->len[0]] = '\0';
	return 0;
}

/* +CPMS: <used1>,<total1>,... (set) or +CPMS: <mem1>,<used1>,<total1>,... (read) */
static int
modem_at_cpms(const struct modem_at_fields *f, struct modem_at_line *l)
{
	size_t	i = (f->n > 0 && f->quoted[0]) ? 1 : 0;

	if (modem_at_num(f, i, 0, 65535, &l->used) == -1)
		return -1;
	return modem_at_num(f, i + 1, 0, 65535, &l->total);
}

/* +CME ERROR: <n> / +CMS ERROR: <n>, or a text with AT+CMEE=2 (error -1) */
static int
modem_at_err(const struct modem_at_fields *f, struct modem_at_line *l)
{
	if (modem_at_num(f, 0, 0, 65535, &l->error) == -1)
		l->error = -1;
	return 0;
}

/* 1 if every byte is printable ASCII (a line with control bytes is garbage). */
static int
modem_at_printable(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return 1;
}

enum modem_at_kind
modem_at_parse(const char *line, size_t len, struct modem_at_line *l)
{
	const struct modem_at_entry	*e;
	struct modem_at_fields		 f;
	size_t				 i, wl;

	memset(l, 0, sizeof *l);
	while (len > 0 && (line[0] == ' ' || line[0] == '\r' || line[0] == '\n')) {
		line++;
		len--;
	}
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r' ||
	    line[len - 1] == '\n'))
		len--;
	if (len == 0)
		return (l->kind = MODEM_AT_EMPTY);
	l->kind = MODEM_AT_OTHER;
	if (len > MODEM_AT_LINE_MAX || !modem_at_printable(line, len))
		return l->kind;
	if (len >= 2 && (line[0] == 'A' || line[0] == 'a') &&
	    (line[1] == 'T' || line[1] == 't'))
		return (l->kind = MODEM_AT_ECHO);
	for (i = 0; i < nitems(modem_at_table); i++) {
		e = &modem_at_table[i];
		wl = strlen(e->word);
		if (len < wl || memcmp(line, e->word, wl) != 0)
			continue;
		if (!(e->flags & AT_PREFIX) && len != wl)
			continue;
		if (e->fields != NULL) {
			if (modem_at_split(line + wl, len - wl, &f) == -1)
				f.n = 0;
			if ((f.n == 0 || e->fields(&f, l) == -1) && !(e->flags & AT_LENIENT)) {
				memset(l, 0, sizeof *l);
				return (l->kind = MODEM_AT_OTHER);
			}
			if (f.n == 0)
				e->fields(&f, l);
		}
		l->kind = e->kind;
		l->final = (e->flags & AT_FINAL) != 0;
		l->urc = (e->flags & AT_URC) != 0;
		l->pdu_follows = (e->flags & AT_PDU) != 0;
		return l->kind;
	}
	return l->kind;
}

int
modem_at_is_pdu(const char *line, size_t len, size_t maxoctets)
{
	size_t	i;

	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r'))
		len--;
	if (len == 0 || len % 2 != 0 || len > 2 * maxoctets)
		return 0;
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)line[i]))
			return 0;
	return 1;
}

/*
 * +CMS ERROR values (TS 27.005 3.2.5): 0-127 are the RP causes of TS 24.011
 * E.2, 128-255 the TP-FCS of TS 23.040 9.2.3.22, 300-511 the modem's own.
 * What the network or the modem may get over is a retry; what is wrong
 * with this message or its recipient fails it. The rest retries:
 * outbox.max_attempts bounds it.
 */
static const struct modem_at_cms {
	int			lo, hi;
	enum send_verdict	verdict;
	const char		*why;
} modem_at_cms_table[] = {
	{ 1, 1, SEND_FAIL, "unassigned number" },
	{ 8, 8, SEND_FAIL, "operator determined barring" },
	{ 10, 10, SEND_FAIL, "call barred" },
	{ 21, 21, SEND_FAIL, "short message transfer rejected" },
	{ 27, 27, SEND_RETRY, "destination out of service" },
	{ 28, 28, SEND_FAIL, "unidentified subscriber" },
	{ 29, 29, SEND_FAIL, "facility rejected" },
	{ 30, 30, SEND_FAIL, "unknown subscriber" },
	{ 38, 38, SEND_RETRY, "network out of order" },
	{ 41, 41, SEND_RETRY, "temporary failure" },
	{ 42, 42, SEND_RETRY, "congestion" },
	{ 47, 47, SEND_RETRY, "resources unavailable" },
	{ 50, 50, SEND_FAIL, "facility not subscribed" },
	{ 69, 69, SEND_FAIL, "facility not implemented" },
	{ 95, 99, SEND_FAIL, "invalid message" },
	{ 128, 191, SEND_FAIL, "rejected by the service centre" },
	{ 192, 192, SEND_RETRY, "service centre busy" },
	{ 193, 193, SEND_FAIL, "no service centre subscription" },
	{ 194, 194, SEND_RETRY, "service centre failure" },
	{ 195, 195, SEND_FAIL, "invalid destination address" },
	{ 196, 196, SEND_FAIL, "destination barred" },
	{ 197, 197, SEND_FAIL, "rejected as a duplicate" },
	{ 198, 199, SEND_FAIL, "validity period not supported" },
	{ 300, 302, SEND_RETRY, "modem failure" },
	{ 303, 303, SEND_FAIL, "operation not supported" },
	{ 304, 305, SEND_FAIL, "invalid PDU parameter" },
	{ 310, 316, SEND_RETRY, "SIM not ready" },
	{ 320, 320, SEND_RETRY, "memory failure" },
	{ 321, 321, SEND_FAIL, "invalid memory index" },
	{ 322, 322, SEND_RETRY, "memory full" },
	{ 330, 330, SEND_RETRY, "service centre address unknown" },
	{ 331, 331, SEND_RETRY, "no network service" },
	{ 332, 332, SEND_RETRY, "network timeout" },
	{ 500, 500, SEND_RETRY, "unknown error" },
};

enum send_verdict
modem_at_cms_verdict(int error, const char **why)
{
	size_t	i;

	for (i = 0; i < nitems(modem_at_cms_table); i++) {
		if (error >= modem_at_cms_table[i].lo && error <= modem_at_cms_table[i].hi) {
			*why = modem_at_cms_table[i].why;
			return modem_at_cms_table[i].verdict;
		}
	}
	*why = "error";
	return SEND_RETRY;
}

double
modem_at_csq_dbm(int rssi)
{
	if (rssi < 0 || rssi > 31)
		return NAN;
	return -113.0 + 2.0 * rssi;
}

static const struct {
	int		baud;
	speed_t		speed;
} modem_at_speeds[] = {
	{ 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
	{ 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 },
	{ 115200, B115200 }, { 230400, B230400 }, { 460800, B460800 },
	{ 921600, B921600 },
};

unsigned int
modem_at_speed(int baud)
{
	size_t	i;

	for (i = 0; i < nitems(modem_at_speeds); i++)
		if (modem_at_speeds[i].baud == baud)
			return modem_at_speeds[i].speed;
	return 0;
}
