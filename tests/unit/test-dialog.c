/* test-dialog.c: the core's conversations against a temporary database. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "base/tz.h"
#include "codec/code.h"
#include "codec/msg.h"
#include "config/config.h"
#include "store/store.h"
#include "core/dialog.h"
#include "core/ward.h"
#include "unit.h"

#define T0	1631754900	/* 2021-09-16 08:15 in Hanoi */

static struct unit	 u;
static struct config	*cfg;
static struct store	*st;
static struct venue	 pho, gate, shop;
static struct dialog_reply rep;
static int		 idn;

static const char conf_text[] =
    "database = \"%s/db/checkind.db\";\n"
    FIXTURE_CONF_SMS
    FIXTURE_CONF_QUESTIONS("Ban co sot ho khong?",
        "Ban di tu dau den dau?") "\n"
    ");\n";

static void
setup(void)
{
	unit_open(&u, "test-dialog", conf_text);
	cfg = u.cfg;
	st = u.st;
	unit_venue(st, &pho, "Pho Thin", "Hang Bac", "default", NULL);
	unit_venue(st, &gate, "Chot Cau Chuong Duong", "Chuong Duong", "checkpoint", NULL);
	unit_venue(st, &shop, "Tap hoa Minh", "Hang Ma", "shop", "+84987654321");
	memset(&rep, 0, sizeof rep);
	idn = 0;
}

static void
teardown(void)
{
	dialog_reply_free(&rep);
	store_venue_free(&pho);
	store_venue_free(&gate);
	store_venue_free(&shop);
	unit_close(&u);
}

/* Send text from a number at time now with a fresh message id. */
static int
sendx(const char *from, const char *text, int64_t now, const char *id)
{
	struct dialog_msg	m;
	char			idbuf[32];

	if (id == NULL) {
		snprintf(idbuf, sizeof idbuf, "m%d", ++idn);
		id = idbuf;
	}
	dialog_reply_free(&rep);
	memset(&m, 0, sizeof m);
	m.channel = "test";
	m.ext_id = id;
	m.from = from;
	m.to = "8088";
	m.text = text;
	m.textlen = strlen(text);
	m.received_at = now;
	return dialog_handle(st, cfg, &m, &rep);
}

static void
say(const char *from, const char *text, int64_t now)
{
	ck_assert_int_eq(sendx(from, text, now, NULL), DIALOG_OK);
}

/* Assert reply i is exactly message id in lang with vars. */
static void
expect(size_t i, enum lang lang, enum msg_id id, const struct msg_var *vars, size_t n)
{
	char	*want = msg_render(&cfg->texts, lang, id, vars, n);

	ck_assert_uint_gt(rep.n, i);
	ck_assert_str_eq(rep.text[i], want);
	free(want);
}

START_TEST(test_checkin_and_declaration)
{
	struct checkin	c;
	int64_t		at;

	say("0912345678", pho.code, T0);
	ck_assert_int_eq(rep.n, 2);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Pho Thin"));
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Hang Bac"));
	ck_assert_ptr_nonnull(strstr(rep.text[0], "08:15"));
	ck_assert_ptr_nonnull(strstr(rep.text[1], "Ban co sot ho khong?"));
	ck_assert_int_eq(store_checkin_open(st, "+84912345678", pho.id, T0 + 3600, &c), 1);
	ck_assert_int_eq(c.companions, 0);

	say("0912345678", "khong", T0 + 30);
	ck_assert_int_eq(rep.n, 1);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Ban co tiep xuc F0 khong?"));
	say("0912345678", "2", T0 + 60);
	ck_assert_int_eq(rep.n, 1);
	ck_assert_ptr_null(strstr(rep.text[0], "1900 9095"));
	ck_assert_int_eq(store_declaration_last(st, "+84912345678", &at), 1);
	ck_assert_int_eq(at, T0 + 60);

	/* Declared: the next check-in, elsewhere, is confirmed alone. */
	say("0912345678", shop.code, T0 + 3600);
	ck_assert_int_eq(rep.n, 1);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Tap hoa Minh"));
	/* ...and the first stay was closed by it. */
	ck_assert_int_eq(store_checkin_open(st, "+84912345678", pho.id, T0 + 3600, &c), 0);
}
END_TEST

START_TEST(test_flagged)
{
	int	flagged = 0;

	say("0912000001", pho.code, T0);
	say("0912000001", "Có", T0 + 10);
	say("0912000001", "k", T0 + 20);
	ck_assert_int_eq(rep.n, 1);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "1900 9095"));
	ck_assert_int_ne(store_declaration_flagged(st, 1, &flagged), -1);
	ck_assert_int_eq(flagged, 1);
}
END_TEST

START_TEST(test_bad_answer_asks_again)
{
	say("0912000002", pho.code, T0);
	say("0912000002", "maybe", T0 + 10);
	ck_assert_int_eq(rep.n, 1);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Ban co sot ho khong?"));
	say("0912000002", "1", T0 + 20);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Ban co tiep xuc F0 khong?"));
}
END_TEST

START_TEST(test_text_question)
{
	say("0912000003", gate.code, T0);
	ck_assert_int_eq(rep.n, 2);
	ck_assert_ptr_nonnull(strstr(rep.text[1], "Ban di tu dau den dau?"));
	say("0912000003", "Ha Noi - Hai Phong", T0 + 10);
	ck_assert_int_eq(rep.n, 1);
	expect(0, LANG_VI, MSG_DECL_DONE, NULL, 0);
}
END_TEST

START_TEST(test_repeat_and_retry)
{
	char	*first;

	say("0912000004", pho.code, T0);
	first = xstrdup(rep.text[0]);
	/* The same message again (an aggregator retrying): same replies. */
	ck_assert_int_eq(sendx("0912000004", pho.code, T0 + 5, "m1"), DIALOG_OK);
	ck_assert_int_eq(rep.duplicate, 1);
	ck_assert_int_eq(rep.n, 2);
	ck_assert_str_eq(rep.text[0], first);
	/* A new message, same venue, inside the window: the first confirmation. */
	say("0912000004", pho.code, T0 + 300);
	ck_assert_int_eq(rep.duplicate, 0);
	ck_assert_str_eq(rep.text[0], first);
	ck_assert_int_eq(unit_checkins(st, 100, "+84912000004"), 1);
	/* Outside the window it is a new visit. */
	say("0912000004", pho.code, T0 + 700);
	ck_assert_int_eq(unit_checkins(st, 100, "+84912000004"), 2);
	free(first);
}
END_TEST

START_TEST(test_companions_and_spacing)
{
	char		text[64], grouped[16];
	struct checkin	c;

	code_group(pho.code, grouped, sizeof grouped);
	snprintf(text, sizeof text, "CI %s +3", grouped);
	say("0912000005", text, T0);
	ck_assert_int_eq(store_checkin_open(st, "+84912000005", pho.id, T0 + 3600, &c), 1);
	ck_assert_int_eq(c.companions, 3);
	snprintf(text, sizeof text, "%s +25", pho.code);
	say("0912000006", text, T0);
	ck_assert_int_eq(rep.n, 1);
	ck_assert_int_eq(unit_checkins(st, 100, "+84912000006"), 0);
}
END_TEST

START_TEST(test_did_you_mean)
{
	char	typo[CODE_MAX], grouped[16];

	unit_typo(pho.code, typo);
	code_group(pho.code, grouped, sizeof grouped);
	say("0912000007", typo, T0);
	ck_assert_int_eq(rep.n, 1);
	ck_assert_ptr_nonnull(strstr(rep.text[0], grouped));
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Pho Thin"));
	ck_assert_int_eq(unit_checkins(st, 100, "+84912000007"), 0);
	say("0912000007", "1", T0 + 20);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Pho Thin"));
	ck_assert_int_eq(unit_checkins(st, 100, "+84912000007"), 1);
}
END_TEST

START_TEST(test_unknown_code)
{
	char		code[CODE_MAX], grouped[16];
	struct msg_var	vars[] = { { "code", grouped } };

	/* A well-formed code nobody registered. */
	do
		code_make(code, 6);
	while (strcmp(code, pho.code) == 0 || strcmp(code, shop.code) == 0 ||
	    strcmp(code, gate.code) == 0);
	code_group(code, grouped, sizeof grouped);
	say("0912000008", code, T0);
	expect(0, LANG_VI, MSG_CODE_UNKNOWN, vars, 1);
	/* Too few digits: says what a code looks like. */
	say("0912000008", "123456", T0);
	ck_assert_int_eq(rep.n, 1);
	strlcpy(grouped, "123 456", sizeof grouped);
	expect(0, LANG_VI, MSG_CODE_INVALID, vars, 1);
	ck_assert_int_eq(unit_checkins(st, 100, "+84912000008"), 0);
}
END_TEST

START_TEST(test_help_throttle)
{
	say("0912000009", "hello", T0);
	ck_assert_int_eq(rep.n, 1);
	say("0912000009", "are you there", T0 + 60);
	ck_assert_int_eq(rep.n, 0);
	say("0912000009", "HD", T0 + 120);
	ck_assert_int_eq(rep.n, 1);
	say("0912000009", "hello", T0 + 700);
	ck_assert_int_eq(rep.n, 1);
}
END_TEST

START_TEST(test_alpha_and_invalid_sender)
{
	say("VIETTEL", pho.code, T0);
	ck_assert_int_eq(rep.n, 0);
	ck_assert_int_eq(sendx("12345678901234567890", "hi", T0, NULL), DIALOG_ESENDER);
	ck_assert_int_eq(sendx("", "hi", T0, NULL), DIALOG_ESENDER);
}
END_TEST

START_TEST(test_checkout)
{
	struct checkin	c;

	say("0912000010", "RA", T0);
	expect(0, LANG_VI, MSG_CHECKOUT_NONE, NULL, 0);
	say("0912000010", pho.code, T0);
	say("0912000010", "ra", T0 + 1800);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Pho Thin"));
	ck_assert_int_eq(store_checkin_open(st, "+84912000010", 0, T0 + 3600, &c), 0);
}
END_TEST

START_TEST(test_language_and_optout)
{
	struct subscriber	sub;

	say("0912000011", "EN", T0);
	expect(0, LANG_EN, MSG_LANG, NULL, 0);
	say("0912000011", pho.code, T0 + 10);
	ck_assert_ptr_nonnull(strstr(rep.text[1], "Fever or cough?"));
	say("0912000011", "STOP", T0 + 20);
	ck_assert_int_eq(store_subscriber_get(st, "+84912000011", &sub), 1);
	ck_assert_int_eq(sub.opted_out, 1);
	ck_assert_int_eq(sub.lang, LANG_EN);
	say("0912000011", "start", T0 + 30);
	ck_assert_int_eq(store_subscriber_get(st, "+84912000011", &sub), 1);
	ck_assert_int_eq(sub.opted_out, 0);
}
END_TEST

START_TEST(test_history_and_stats)
{
	say("0912000012", "LS", T0);
	expect(0, LANG_VI, MSG_HISTORY_NONE, (struct msg_var[]){ { "lookups", "0" } }, 1);
	say("0912000012", pho.code, T0);
	say("0912000012", shop.code, T0 + 3600);
	say("0912000013", shop.code, T0 + 3700);
	say("0912000012", "LS", T0 + 4000);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Tap hoa Minh"));
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Pho Thin"));
	ck_assert_ptr_nonnull(strstr(rep.text[0], "09:15"));

	/* Only the owner gets the venue's figures. */
	say("0912000012", "TK", T0 + 4000);
	expect(0, LANG_VI, MSG_STATS_NONE, NULL, 0);
	say("0987654321", "TK", T0 + 4000);
	ck_assert_msg(strstr(rep.text[0], "Tap hoa Minh: 2/2") != NULL, "got %s", rep.text[0]);
}
END_TEST

START_TEST(test_session_timeout)
{
	say("0912000014", pho.code, T0);
	/* 31 minutes later the question is gone: "1" means nothing. */
	say("0912000014", "1", T0 + 31 * 60);
	ck_assert_int_eq(rep.n, 1);
	ck_assert_ptr_null(strstr(rep.text[0], "Ban co tiep xuc F0 khong?"));
}
END_TEST

START_TEST(test_declaration_kb)
{
	say("0912000015", "KB", T0);
	ck_assert_int_eq(rep.n, 1);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Ban co sot ho khong?"));
	say("0912000015", "2", T0 + 10);
	say("0912000015", "2", T0 + 20);
	say("0912000015", "KB", T0 + 30);
	ck_assert_int_eq(rep.n, 1);
	ck_assert_ptr_null(strstr(rep.text[0], "Ban co sot ho khong?"));
}
END_TEST

START_TEST(test_late_sms_uses_sent_time)
{
	struct dialog_msg	m;
	struct checkin		c;

	memset(&m, 0, sizeof m);
	m.channel = "test";
	m.from = "0912000016";
	m.text = pho.code;
	m.textlen = strlen(pho.code);
	m.sent_at = T0 - 2 * 3600;	/* sent two hours before it arrived */
	m.received_at = T0;
	ck_assert_int_eq(dialog_handle(st, cfg, &m, &rep), DIALOG_OK);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "06:15"));
	ck_assert_int_eq(store_checkin_open(st, "+84912000016", pho.id, T0 + 3600, &c), 1);
	ck_assert_int_eq(c.sent_at, T0 - 2 * 3600);
	ck_assert_int_eq(c.received_at, T0);
	/* A time stamp from the future is not believed. */
	dialog_reply_free(&rep);
	m.from = "0912000017";
	m.sent_at = T0 + 86400;
	ck_assert_int_eq(dialog_handle(st, cfg, &m, &rep), DIALOG_OK);
	ck_assert_int_eq(store_checkin_open(st, "+84912000017", pho.id, T0 + 3600, &c), 1);
	ck_assert_int_eq(c.sent_at, T0);
}
END_TEST

START_TEST(test_inactive_venue)
{
	say("0912000018", shop.code, T0);
	ck_assert_int_eq(store_venue_set_active(st, shop.code, 0), 0);
	say("0912000019", shop.code, T0);
	ck_assert_int_eq(rep.n, 1);
	ck_assert_int_eq(unit_checkins(st, 100, "+84912000019"), 0);
}
END_TEST

struct outbox_seen {
	int	n;
	char	route[64];
	int64_t	expires_at[8];
	int64_t	inbound_id;
};

static int
outbox_cb(const struct outbox_msg *m, void *arg)
{
	struct outbox_seen	*seen = arg;

	if (seen->n < 8)
		seen->expires_at[seen->n] = m->expires_at;
	seen->n++;
	strlcpy(seen->route, m->route, sizeof seen->route);
	seen->inbound_id = m->inbound_id;
	return 0;
}

/* Replies to a message from an "outbox" route are queued, not returned. */
START_TEST(test_replies_queued)
{
	struct dialog_msg	m;
	struct outbox_seen	seen;

	memset(&m, 0, sizeof m);
	m.channel = "test";
	m.ext_id = "q1";
	m.from = "0912000020";
	m.text = pho.code;
	m.textlen = strlen(pho.code);
	m.received_at = T0;
	m.outbox = 1;
	ck_assert_int_eq(dialog_handle(st, cfg, &m, &rep), DIALOG_OK);
	ck_assert_int_eq(rep.n, 0);
	ck_assert_int_eq(rep.queued, 2);
	memset(&seen, 0, sizeof seen);
	ck_assert_int_ne(store_outbox_list(st, OUTBOX_QUEUED, NULL, 10, outbox_cb, &seen), -1);
	ck_assert_int_eq(seen.n, 2);
	ck_assert_str_eq(seen.route, "dry");
	ck_assert_int_eq(seen.inbound_id, rep.inbound_id);
	/* The question expires with its session; the confirmation never does. */
	ck_assert(seen.expires_at[0] == T0 + 1800 || seen.expires_at[1] == T0 + 1800);
	ck_assert(seen.expires_at[0] == 0 || seen.expires_at[1] == 0);

	/* A retry queues nothing more. */
	dialog_reply_free(&rep);
	ck_assert_int_eq(dialog_handle(st, cfg, &m, &rep), DIALOG_OK);
	ck_assert_int_eq(rep.duplicate, 1);
	ck_assert_int_eq(rep.queued, 2);
	memset(&seen, 0, sizeof seen);
	ck_assert_int_ne(store_outbox_list(st, -1, NULL, 10, outbox_cb, &seen), -1);
	ck_assert_int_eq(seen.n, 2);

	/* A Viettel number's replies go by its prefix route. */
	dialog_reply_free(&rep);
	m.ext_id = "q2";
	m.from = "0961234567";
	ck_assert_int_eq(dialog_handle(st, cfg, &m, &rep), DIALOG_OK);
	memset(&seen, 0, sizeof seen);
	ck_assert_int_ne(store_outbox_list(st, -1, "viettel", 10, outbox_cb, &seen), -1);
	ck_assert_int_eq(seen.n, 2);
}
END_TEST

/* Issue 17: a count out of range asks how many; two codes ask which. */
START_TEST(test_count_and_two_codes)
{
	struct checkin	 c;
	struct msg_var	 vars[2];
	char		 text[128], g[16], g2[16];

	/* "+25": nobody checked in, asked how many, a number answers. */
	snprintf(text, sizeof text, "ma %s them 25 nguoi nhe", pho.code);
	say("0912000101", text, T0);
	vars[0].name = "venue";
	vars[0].value = "Pho Thin";
	expect(0, LANG_VI, MSG_ASK_COUNT, vars, 1);
	ck_assert_int_eq(store_checkin_open(st, "+84912000101", 0, T0 + 3600, &c), 0);
	say("0912000101", "99", T0 + 10);		/* still too many: again */
	expect(0, LANG_VI, MSG_ASK_COUNT, vars, 1);
	ck_assert_int_eq(store_checkin_open(st, "+84912000101", 0, T0 + 3600, &c), 0);
	say("0912000101", "3", T0 + 20);
	ck_assert_int_eq(store_checkin_open(st, "+84912000101", pho.id, T0 + 3600, &c), 1);
	ck_assert_int_eq(c.companions, 3);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Pho Thin"));
	/* The question is gone: "2" now answers the declaration. */
	say("0912000101", "2", T0 + 30);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Ban co tiep xuc F0 khong?"));

	/* "2" answers "how many" too, though it is also "no". */
	snprintf(text, sizeof text, "%s x50", shop.code);
	say("0912000102", text, T0);
	say("0912000102", "2", T0 + 5);
	ck_assert_int_eq(store_checkin_open(st, "+84912000102", shop.id, T0 + 3600, &c), 1);
	ck_assert_int_eq(c.companions, 2);

	/* Two valid codes: asked which, nothing stored; the code answers. */
	snprintf(text, sizeof text, "checkin %s hoac %s", pho.code, gate.code);
	say("0912000103", text, T0);
	code_group(pho.code, g, sizeof g);
	code_group(gate.code, g2, sizeof g2);
	vars[0].name = "code";
	vars[0].value = g;
	vars[1].name = "code2";
	vars[1].value = g2;
	expect(0, LANG_VI, MSG_TWO_CODES, vars, 2);
	ck_assert_int_eq(rep.n, 1);
	ck_assert_int_eq(store_checkin_open(st, "+84912000103", 0, T0 + 3600, &c), 0);
	say("0912000103", gate.code, T0 + 10);
	ck_assert_int_eq(store_checkin_open(st, "+84912000103", gate.id, T0 + 3600, &c), 1);

	/* A code among words is a check-in; a deactivated venue's is not. */
	snprintf(text, sizeof text, "Toi o quan pho, ma so %.3s %s nhe a",
	    pho.code, pho.code + 3);
	say("0912000104", text, T0);
	ck_assert_int_eq(store_checkin_open(st, "+84912000104", pho.id, T0 + 3600, &c), 1);
	ck_assert_int_eq(store_venue_set_active(st, shop.code, 0), 0);
	snprintf(text, sizeof text, "ma %s nhe", shop.code);
	say("0912000105", text, T0);
	ck_assert_int_eq(store_checkin_open(st, "+84912000105", 0, T0 + 3600, &c), 0);
}
END_TEST

/* Words by configuration: a synonym, a changed keyword, a third language. */
static const char conf_words[] =
    "database = \"%s/db/checkind.db\";\n"
    FIXTURE_CONF_SMS
    FIXTURE_CONF_QUESTIONS("Ban co sot ho khong?",
        "Ban di tu dau den dau?") "\n"
    ");\n"
    "languages = ( { code = \"km\"; keywords = [ \"KM\", \"Khmer\" ]; } );\n"
    "keywords = {\n"
    "  checkin = { vi = [ \"ci\", \"ma\", \"vào\" ]; };\n"
    "  checkout = { vi = [ \"ra\", \"về\" ]; };\n"
    "  no = { km = [ \"te\", \"2\" ]; };\n"
    "};\n"
    "templates = { km = { lang = \"Pheasa Khmer pi nih tov.\";\n"
    "  declaration_done = \"Arkoun. Sokhapheap la.\"; }; };\n";

START_TEST(test_words_configured)
{
	struct subscriber	 sub;
	char			 text[64];

	store_venue_free(&pho);
	store_venue_free(&gate);
	store_venue_free(&shop);
	unit_close(&u);
	unit_open(&u, "test-dialog", conf_words);
	cfg = u.cfg;
	st = u.st;
	unit_venue(st, &pho, "Pho Thin", "Hang Bac", "default", NULL);
	unit_venue(st, &gate, "Chot Cau Chuong Duong", "Chuong Duong", "checkpoint", NULL);
	unit_venue(st, &shop, "Tap hoa Minh", "Hang Ma", "shop", "+84987654321");

	/* "VÀO CODE" checks in, "VỀ" checks out: synonyms from the file. */
	snprintf(text, sizeof text, "VÀO %s", pho.code);
	say("0912000021", text, T0);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Pho Thin"));
	say("0912000021", "khong", T0 + 10);
	say("0912000021", "khong", T0 + 20);
	say("0912000021", "Về", T0 + 60);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Pho Thin"));
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Da ghi nhan ban ra ve"));

	/* The third language: chosen by its word, its texts, else English. */
	say("0912000022", "khmer", T0);
	expect(0, 2, MSG_LANG, NULL, 0);
	ck_assert_str_eq(rep.text[0], "Pheasa Khmer pi nih tov.");
	ck_assert_int_eq(store_subscriber_get(st, "+84912000022", &sub), 1);
	ck_assert_int_eq(sub.lang, 2);
	say("0912000022", pho.code, T0 + 10);
	ck_assert_ptr_nonnull(strstr(rep.text[0], "Checked in at Pho Thin"));
	ck_assert_ptr_nonnull(strstr(rep.text[1], "Fever or cough?"));
	say("0912000022", "te", T0 + 20);
	say("0912000022", "TE", T0 + 30);
	expect(0, 2, MSG_DECL_DONE, NULL, 0);
	ck_assert_str_eq(rep.text[0], "Arkoun. Sokhapheap la.");
}
END_TEST

/* The fraud signal's distance: the haversine on a sphere of the Earth's mean radius. */
START_TEST(test_ward_distance)
{
	double	d;

	ck_assert(ward_distance_m(21.0285, 105.8542, 21.0285, 105.8542) == 0.0);
	/* One degree of latitude: 111.2 km. */
	d = ward_distance_m(21.0, 105.85, 22.0, 105.85);
	ck_assert_msg(d > 111150 && d < 111250, "%f", d);
	/* Hoan Kiem lake to Noi Bai airport, about 21 km. */
	d = ward_distance_m(21.0285, 105.8522, 21.2187, 105.8042);
	ck_assert_msg(d > 20500 && d < 21800, "%f", d);
	/* Ha Noi to Sai Gon, about 1138 km, either way. */
	d = ward_distance_m(21.0285, 105.8542, 10.7769, 106.7009);
	ck_assert_msg(d > 1130000 && d < 1145000, "%f", d);
	ck_assert(ward_distance_m(10.7769, 106.7009, 21.0285, 105.8542) == d);
	/* Antipodes: half the circumference, and no NaN. */
	d = ward_distance_m(0, 0, 0, 180);
	ck_assert_msg(d > 20015000 && d < 20016000, "%f", d);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("dialog");
	TCase	*tc = tcase_create("flows");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_checkin_and_declaration);
	tcase_add_test(tc, test_flagged);
	tcase_add_test(tc, test_bad_answer_asks_again);
	tcase_add_test(tc, test_text_question);
	tcase_add_test(tc, test_repeat_and_retry);
	tcase_add_test(tc, test_companions_and_spacing);
	tcase_add_test(tc, test_did_you_mean);
	tcase_add_test(tc, test_unknown_code);
	tcase_add_test(tc, test_help_throttle);
	tcase_add_test(tc, test_alpha_and_invalid_sender);
	tcase_add_test(tc, test_checkout);
	tcase_add_test(tc, test_language_and_optout);
	tcase_add_test(tc, test_history_and_stats);
	tcase_add_test(tc, test_session_timeout);
	tcase_add_test(tc, test_declaration_kb);
	tcase_add_test(tc, test_late_sms_uses_sent_time);
	tcase_add_test(tc, test_inactive_venue);
	tcase_add_test(tc, test_replies_queued);
	tcase_add_test(tc, test_count_and_two_codes);
	tcase_add_test(tc, test_words_configured);
	tcase_add_test(tc, test_ward_distance);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
