/* test-ussd.c: the USSD menu against a temporary database, step by step. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <unistr.h>

#include "base/base.h"
#include "base/tz.h"
#include "codec/code.h"
#include "config/config.h"
#include "store/store.h"
#include "core/dialog.h"
#include "core/ussd.h"
#include "unit.h"

#define T0	1631754900	/* 2021-09-16 08:15 in Hanoi */

static struct unit	 u;
static char		 dbpath[256];
static struct config	*cfg;
static struct store	*st;
static struct venue	 pho, gate, shop, longv, quiz;
static struct ussd_resp	 scr;

/* A long question, longer than a screen: the menu must cut it. */
#define LONGQ	"Trong 14 ngay qua ban co di qua hoac luu tru tai khu vuc dang " \
		"phong toa, cach ly y te, hoac co tiep xuc gan voi nguoi dang " \
		"theo doi suc khoe, nguoi co ket qua xet nghiem duong tinh, hoac " \
		"nguoi tu vung dich tro ve ma chua khai bao khong?"

static const char conf_text[] =
    "database = \"%s/db/checkind.db\";\n"
    FIXTURE_CONF_USSD
    FIXTURE_CONF_QUESTIONS("Ban co sot ho khong?",
        "Ban di tu dau den dau?") ",\n"
    " { kind = \"quiz\"; ask = (\n"
    "   { id = \"long\"; type = \"yesno\"; vi = \"" LONGQ "\"; en = \"" LONGQ "\"; flag_on = \"yes\"; },\n"
    "   { id = \"longtext\"; type = \"text\"; vi = \"" LONGQ "\"; en = \"" LONGQ "\"; } ); }\n"
    ");\n";

static void
setup(void)
{
	unit_open(&u, "test-ussd", conf_text);
	cfg = u.cfg;
	st = u.st;
	ck_assert_int_eq(cfg->ussd_resume, 300);
	ck_assert_int_eq(cfg->ussd_confirm_sms, 1);
	strlcpy(dbpath, cfg->database, sizeof dbpath);
	unit_venue(st, &pho, "Pho Thin", "Hang Bac", "default", NULL);
	unit_venue(st, &gate, "Chot Cau Chuong Duong", "Chuong Duong", "checkpoint", NULL);
	unit_venue(st, &shop, "Tap hoa Minh", "Hang Ma", "shop", NULL);
	/* 60 characters with diacritics, and a long ward. */
	unit_venue(st, &longv, "Nh\xc3\xa0 h\xc3\xa0ng Ph\xe1\xbb\x9f C\xe1\xbb\x95 Truy\xe1\xbb\x81n "
	    "Gia \xc4\x90\xc3\xacnh H\xc3\xa0 N\xe1\xbb\x99i S\xe1\xbb\x91 M\xe1\xbb\x99t "
	    "Ph\xe1\xbb\x91 H\xc3\xa0ng B\xe1\xba\xa1" "c R\xe1\xba\xa5t D\xc3\xa0i",
	    "Ph\xc6\xb0\xe1\xbb\x9dng H\xc3\xa0ng B\xe1\xba\xa1" "c Qu\xe1\xba\xadn Ho\xc3\xa0n "
	    "Ki\xe1\xba\xbfm H\xc3\xa0 N\xe1\xbb\x99i", "default", NULL);
	unit_venue(st, &quiz, "Cho Dong Xuan Khu Tap Trung Hang Hoa So 4", "Dong Xuan", "quiz",
	    NULL);
	memset(&scr, 0, sizeof scr);
}

static void
teardown(void)
{
	ussd_resp_free(&scr);
	store_venue_free(&pho);
	store_venue_free(&gate);
	store_venue_free(&shop);
	store_venue_free(&longv);
	store_venue_free(&quiz);
	unit_close(&u);
}

/* One caller's session: AT (history) or json (newest input only). */
struct walk {
	char		 sid[160];
	const char	*from;
	int		 json;
	int		 n;		/* inputs sent */
	char		*hist;		/* AT: every input joined by '*' */
};

/* Every screen must fit, in characters, and be valid UTF-8. */
static void
check_screen(const struct ussd_resp *r)
{
	size_t	len, chars;

	ck_assert_ptr_nonnull(r->text);
	if (getenv("USSD_SHOW") != NULL)	/* to read the screens: USSD_SHOW=1 */
		fprintf(stderr, "--- %s\n%s\n", r->end ? "END" : "CON", r->text);
	len = strlen(r->text);
	ck_assert_msg(u8_check((const uint8_t *)r->text, len) == NULL, "bad UTF-8: %s",
	    r->text);
	chars = u8_mbsnlen((const uint8_t *)r->text, len);
	ck_assert_msg(chars <= USSD_SCREEN_MAX, "%zu characters: %s", chars, r->text);
	ck_assert_msg(chars > 0, "empty screen");
}

/* Send a request as the format would hand it over; rc back, screen in scr. */
static int
send_req(const char *sid, const char *from, const char *input, const char *history,
    int ended, int64_t now)
{
	struct ussd_req	req;

	ussd_resp_free(&scr);
	memset(&req, 0, sizeof req);
	req.channel = input != NULL ? "ussd-json" : "ussd-at";
	req.session = sid;
	req.from = from;
	req.service = "*123#";
	req.input = input;
	req.history = history;
	req.ended = ended;
	req.now = now;
	return ussd_handle(st, cfg, &req, &scr);
}

static void
walk_begin(struct walk *w, const char *sid, const char *from, int json, int64_t now)
{
	memset(w, 0, sizeof *w);
	strlcpy(w->sid, sid, sizeof w->sid);
	w->from = from;
	w->json = json;
	w->hist = xstrdup("");
	ck_assert_int_eq(send_req(sid, from, json ? "" : NULL, json ? NULL : "", 0, now), 0);
	check_screen(&scr);
}

static void
walk_free(struct walk *w)
{
	free(w->hist);
	w->hist = NULL;
}

/* The next input of a walk; returns the screen. */
static const char *
walk(struct walk *w, const char *input, int64_t now)
{
	char	*h;

	if (!w->json) {
		xasprintf(&h, "%s%s%s", w->hist, w->n > 0 ? "*" : "", input);
		free(w->hist);
		w->hist = h;
	}
	w->n++;
	ck_assert_int_eq(send_req(w->sid, w->from, w->json ? input : NULL,
	    w->json ? NULL : w->hist, 0, now), 0);
	check_screen(&scr);
	return scr.text;
}

static void
expect(int end, const char *part)
{
	ck_assert_msg(scr.end == end, "end %d, want %d: %s", scr.end, end, scr.text);
	ck_assert_msg(strstr(scr.text, part) != NULL, "\"%s\" not in: %s", part, scr.text);
}

/* The screen a session waits on. */
static const char *
screen_of(const char *sid)
{
	static struct ussd_session	us;

	ck_assert_int_eq(store_ussd_get(st, sid, &us), 1);
	return us.ended ? "(ended)" : us.screen;
}

struct outbox_seen {
	int	n;
	char	text[8][512];
	char	route[8][64];
};

static int
outbox_cb(const struct outbox_msg *m, void *arg)
{
	struct outbox_seen	*seen = arg;

	if (seen->n < 8) {
		strlcpy(seen->text[seen->n], m->text, sizeof seen->text[0]);
		strlcpy(seen->route[seen->n], m->route, sizeof seen->route[0]);
	}
	seen->n++;
	return 0;
}

static int
outbox_count(struct outbox_seen *seen)
{
	memset(seen, 0, sizeof *seen);
	ck_assert_int_ne(store_outbox_list(st, -1, NULL, 100, outbox_cb, seen), -1);
	return seen->n;
}

/* The answers stored for a number, "question=answer;..." in order. */
static char *
answers_of(const char *number)
{
	sqlite3		*db;
	sqlite3_stmt	*q;
	char		*out = xstrdup(""), *next;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT a.question, a.answer FROM answers a"
	    " JOIN declarations d ON d.id = a.declaration_id WHERE d.number = ?1"
	    " ORDER BY a.id", -1, &q, NULL), SQLITE_OK);
	sqlite3_bind_text(q, 1, number, -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW) {
		xasprintf(&next, "%s%s=%s;", out, sqlite3_column_text(q, 0),
		    sqlite3_column_text(q, 1));
		free(out);
		out = next;
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	return out;
}

/* Check-in with companions and a two-question declaration, over AT. */
START_TEST(test_walk_checkin_at)
{
	struct walk		w;
	struct checkin		c;
	struct outbox_seen	seen;
	int64_t			at;
	char			*ans;
	int			flagged = -1;

	walk_begin(&w, "ATUid_1", "+84912345678", 0, T0);
	expect(0, "1 Check-in");
	expect(0, "2 Khai bao y te");
	walk(&w, "1", T0 + 5);
	expect(0, "Nhap ma dia diem (7 chu so");
	walk(&w, pho.code, T0 + 10);
	expect(0, "Pho Thin, Hang Bac");
	expect(0, "1 Dung");
	ck_assert_str_eq(screen_of("ATUid_1"), "confirm");
	walk(&w, "1", T0 + 15);
	expect(0, "So nguoi di cung (0-20)");
	walk(&w, "2", T0 + 20);
	expect(0, "Cau 1/2: Ban co sot ho khong?");
	expect(0, "1 Co\n2 Khong");
	ck_assert_int_eq(store_checkin_open(st, "+84912345678", pho.id, T0 + 3600, &c), 1);
	ck_assert_int_eq(c.companions, 2);
	ck_assert_int_eq(c.sent_at, T0 + 20);
	walk(&w, "2", T0 + 25);
	expect(0, "Cau 2/2: Ban co tiep xuc F0 khong?");
	walk(&w, "1", T0 + 30);
	expect(1, "1900 9095");
	ck_assert_str_eq(screen_of("ATUid_1"), "(ended)");

	ans = answers_of("+84912345678");
	ck_assert_str_eq(ans, "symptoms=no;contact=yes;");
	free(ans);
	ck_assert_int_eq(store_declaration_last(st, "+84912345678", &at), 1);
	ck_assert_int_eq(at, T0 + 30);

	/* Exactly one SMS: the confirmation, by the inbound route's route. */
	ck_assert_int_eq(outbox_count(&seen), 1);
	ck_assert_ptr_nonnull(strstr(seen.text[0], "Pho Thin"));
	ck_assert_ptr_nonnull(strstr(seen.text[0], "2 nguoi"));
	ck_assert_ptr_null(strstr(seen.text[0], "Cau 1"));
	ck_assert_str_eq(seen.route[0], "dry");

	/* The core flagged the declaration it wrote. */
	{
		sqlite3		*db;
		sqlite3_stmt	*q;

		ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT flagged FROM declarations"
		    " WHERE number = '+84912345678'", -1, &q, NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
		flagged = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
		sqlite3_close(db);
	}
	ck_assert_int_eq(flagged, 1);
	walk_free(&w);
}
END_TEST

/* The same walk over json, in English, not flagged; then a second check-in. */
START_TEST(test_walk_checkin_json)
{
	struct walk		w;
	struct outbox_seen	seen;
	char			*ans;

	ck_assert_int_eq(store_subscriber_set_lang(st, "+84987000001", LANG_EN), 0);
	walk_begin(&w, "j-1", "0987000001", 1, T0);
	expect(0, "1 Check in");
	walk(&w, "1", T0 + 1);
	expect(0, "Enter the venue code (7 digits");
	walk(&w, pho.code, T0 + 2);
	expect(0, "Check in at:\nPho Thin, Hang Bac");
	walk(&w, "1", T0 + 3);
	expect(0, "People with you");
	walk(&w, "", T0 + 4);
	expect(0, "Question 1/2: Fever or cough?\n1 Yes\n2 No");
	walk(&w, "2", T0 + 5);
	expect(0, "Question 2/2");
	walk(&w, "2", T0 + 6);
	expect(1, "Thank you, your health declaration is recorded");
	ck_assert_ptr_null(strstr(scr.text, "1900"));
	ans = answers_of("+84987000001");
	ck_assert_str_eq(ans, "symptoms=no;contact=no;");
	free(ans);
	walk_free(&w);

	/* Declared: the next check-in ends at once, with the SMS promised. */
	walk_begin(&w, "j-2", "0987000001", 1, T0 + 600);
	walk(&w, "1", T0 + 601);
	walk(&w, shop.code, T0 + 602);
	expect(0, "Tap hoa Minh, Hang Ma");
	walk(&w, "1", T0 + 603);
	walk(&w, "0", T0 + 604);
	expect(1, "Checked in at Tap hoa Minh, Hang Ma at 08:25 16/09");
	expect(1, "confirmation SMS");
	ck_assert_int_eq(unit_checkins(st, 1000, "+84987000001"), 2);
	ck_assert_int_eq(outbox_count(&seen), 2);
	ck_assert(strstr(seen.text[0], "Pho Thin") != NULL ||
	    strstr(seen.text[1], "Pho Thin") != NULL);
	ck_assert(strstr(seen.text[0], "Tap hoa Minh") != NULL ||
	    strstr(seen.text[1], "Tap hoa Minh") != NULL);
	ck_assert_ptr_nonnull(strstr(seen.text[0], "Checked in"));
	walk_free(&w);
}
END_TEST

/* No confirmation SMS when ussd.confirm_sms is off. */
START_TEST(test_confirm_sms_off)
{
	struct walk		w;
	struct outbox_seen	seen;

	cfg->ussd_confirm_sms = 0;
	walk_begin(&w, "ATUid_off", "0912000002", 0, T0);
	walk(&w, "1", T0);
	walk(&w, gate.code, T0);
	walk(&w, "1", T0);
	walk(&w, "0", T0);
	expect(0, "Cau 1/1: Ban di tu dau den dau?");
	expect(0, "Nhap cau tra loi");
	walk(&w, "Hang Bac*Hang Dao", T0 + 1);
	expect(1, "Cam on ban da khai bao y te");
	ck_assert_int_eq(outbox_count(&seen), 0);
	{
		char	*ans = answers_of("+84912000002");

		/* A '*' typed into a text answer stays in it. */
		ck_assert_str_eq(ans, "route=Hang Bac*Hang Dao;");
		free(ans);
	}
	walk_free(&w);

	walk_begin(&w, "ATUid_off2", "0912000002", 0, T0 + 60);
	walk(&w, "1", T0 + 60);
	walk(&w, pho.code, T0 + 60);
	walk(&w, "1", T0 + 60);
	walk(&w, "", T0 + 60);
	expect(1, "Da check-in tai Pho Thin, Hang Bac luc 08:16 16/09. Cam on ban!");
	ck_assert_int_eq(outbox_count(&seen), 0);
	walk_free(&w);
}
END_TEST

/* A mistyped code corrected through did-you-mean; "2" goes back to the code. */
START_TEST(test_did_you_mean)
{
	struct walk	w;
	struct checkin	c;
	char		typo[CODE_MAX], grouped[CODE_MAX + 4];

	unit_typo(pho.code, typo);
	code_group(pho.code, grouped, sizeof grouped);
	walk_begin(&w, "ATUid_dym", "0912000003", 0, T0);
	walk(&w, "1", T0);
	walk(&w, typo, T0);
	expect(0, "Co phai");
	expect(0, grouped);
	expect(0, "Pho Thin");
	ck_assert_str_eq(screen_of("ATUid_dym"), "dym");
	walk(&w, "3", T0);
	expect(0, "Lua chon khong hop le.\nMa vua nhap");
	walk(&w, "2", T0);
	expect(0, "Nhap ma dia diem");
	walk(&w, typo, T0);
	expect(0, grouped);
	walk(&w, "1", T0);
	expect(0, "So nguoi di cung");
	walk(&w, "1", T0);
	expect(0, "Cau 1/2");
	ck_assert_int_eq(store_checkin_open(st, "+84912000003", pho.id, T0 + 3600, &c), 1);
	ck_assert_int_eq(c.companions, 1);
	walk_free(&w);

	/* The same over json. */
	walk_begin(&w, "j-dym", "0912000004", 1, T0);
	walk(&w, "1", T0);
	walk(&w, typo, T0);
	expect(0, grouped);
	walk(&w, "1", T0);
	walk(&w, "0", T0);
	ck_assert_int_eq(store_checkin_open(st, "+84912000004", pho.id, T0 + 3600, &c), 1);
	walk_free(&w);
}
END_TEST

/* The language switch is kept for the number and used by the next session. */
START_TEST(test_language)
{
	struct walk		w;
	struct subscriber	sub;

	walk_begin(&w, "ATUid_lang", "0912000005", 0, T0);
	walk(&w, "4", T0);
	expect(0, "1 Tieng Viet\n2 English");
	walk(&w, "7", T0);
	expect(0, "Lua chon khong hop le.");
	walk(&w, "2", T0);
	expect(0, "English it is.\nCOVID check-in");
	ck_assert_int_ne(store_subscriber_get(st, "+84912000005", &sub), -1);
	ck_assert_int_eq(sub.lang, LANG_EN);
	walk(&w, "9", T0);
	expect(0, "Not a choice.\nCOVID check-in");
	walk(&w, "0", T0);
	expect(1, "Goodbye");
	walk_free(&w);

	walk_begin(&w, "ATUid_lang2", "0912000005", 0, T0 + 10);
	expect(0, "COVID check-in");
	walk(&w, "4", T0 + 10);
	walk(&w, "0", T0 + 10);
	expect(0, "COVID check-in");
	walk(&w, "4", T0 + 10);
	walk(&w, "1", T0 + 10);
	expect(0, "Da chon tieng Viet.\nCheck-in phong dich");
	ck_assert_int_ne(store_subscriber_get(st, "+84912000005", &sub), -1);
	ck_assert_int_eq(sub.lang, LANG_VI);
	walk_free(&w);
}
END_TEST

/* Invalid input re-prompts the same screen with a reason. */
START_TEST(test_invalid_input)
{
	struct walk	w;
	char		unknown[CODE_MAX];

	/* A well-formed code no venue has and no venue is a typo away from. */
	strlcpy(unknown, "0000000", sizeof unknown);
	unknown[6] = (char)('0' + code_damm(unknown, 6));
	/* An empty first input over AT is a retry of the first request. */
	walk_begin(&w, "ATUid_bad", "0912000006", 0, T0);
	walk(&w, "", T0);
	ck_assert_ptr_eq(strstr(scr.text, "Check-in phong dich"), scr.text);
	ck_assert_str_eq(screen_of("ATUid_bad"), "main");
	ck_assert_int_eq(send_req("j-bad", "0912000006", "", NULL, 0, T0), 0);
	ck_assert_int_eq(send_req("j-bad", "0912000006", "", NULL, 0, T0), 0);
	expect(0, "Lua chon khong hop le.\nCheck-in phong dich");
	walk(&w, "5", T0);
	expect(0, "Lua chon khong hop le.");
	walk(&w, "1", T0);
	walk(&w, "abc", T0);
	expect(0, "Chi nhap chu so.\nNhap ma dia diem");
	walk(&w, "12a4567", T0);
	expect(0, "Chi nhap chu so.");
	walk(&w, "", T0);
	expect(0, "Chi nhap chu so.");
	walk(&w, "123", T0);
	expect(0, "Ma phai co 7 chu so.");
	walk(&w, "123456789012345678901234567890", T0);
	expect(0, "Ma phai co 7 chu so.");
	walk(&w, unknown, T0);
	expect(0, "Ma khong dung, nhap lai:\nNhap ma");
	ck_assert_str_eq(screen_of("ATUid_bad"), "code");
	/* Spaces in a code are fine. */
	{
		char	spaced[CODE_MAX + 4];

		code_group(pho.code, spaced, sizeof spaced);
		walk(&w, spaced, T0);
	}
	expect(0, "Pho Thin");
	walk(&w, "x", T0);
	expect(0, "Lua chon khong hop le.\nCheck-in tai:");
	walk(&w, "1", T0);
	walk(&w, "21", T0);
	expect(0, "Nhap mot so tu 0 den 20.\nSo nguoi");
	walk(&w, "-1", T0);
	expect(0, "Nhap mot so tu 0 den 20.");
	walk(&w, "two", T0);
	expect(0, "Nhap mot so tu 0 den 20.");
	walk(&w, "999999999999", T0);
	expect(0, "Nhap mot so tu 0 den 20.");
	ck_assert_int_eq(unit_checkins(st, 1000, "+84912000006"), 0);
	walk(&w, " 3 ", T0);
	expect(0, "Cau 1/2");
	walk(&w, "co", T0);
	expect(0, "Chon 1 (Co) hoac 2 (Khong).\nCau 1/2");
	walk(&w, "", T0);
	expect(0, "Chon 1 (Co) hoac 2 (Khong).");
	walk(&w, "2", T0);
	expect(0, "Cau 2/2");
	walk(&w, "2", T0);
	expect(1, "Cam on ban da khai bao y te");
	ck_assert_int_eq(unit_checkins(st, 1000, "+84912000006"), 1);
	walk_free(&w);

	/* "0" goes back from the code screen and the language screen. */
	walk_begin(&w, "ATUid_back", "0912000006", 0, T0 + 700);
	walk(&w, "1", T0 + 700);
	walk(&w, "0", T0 + 700);
	expect(0, "Check-in phong dich");
	ck_assert_str_eq(screen_of("ATUid_back"), "main");
	walk_free(&w);
}
END_TEST

/* History and the declaration menu go through the core. */
START_TEST(test_history_and_declare)
{
	struct walk	w;

	walk_begin(&w, "ATUid_h1", "0912000007", 0, T0);
	walk(&w, "3", T0);
	expect(1, "Ban chua co lan check-in nao");
	walk_free(&w);

	walk_begin(&w, "ATUid_h2", "0912000007", 0, T0 + 10);
	walk(&w, "2", T0 + 10);
	expect(0, "Cau 1/2: Ban co sot ho khong?");
	walk(&w, "1", T0 + 11);
	walk(&w, "2", T0 + 12);
	expect(1, "1900 9095");
	walk_free(&w);

	walk_begin(&w, "ATUid_h3", "0912000007", 0, T0 + 20);
	walk(&w, "1", T0 + 20);
	walk(&w, pho.code, T0 + 20);
	walk(&w, "1", T0 + 20);
	walk(&w, "", T0 + 20);
	/* Declared a moment ago: no questions. */
	expect(1, "Da check-in tai Pho Thin");
	walk_free(&w);

	walk_begin(&w, "ATUid_h4", "0912000007", 0, T0 + 30);
	walk(&w, "3", T0 + 30);
	expect(1, "Check-in gan day: 08:15 16/09 Pho Thin");
	walk_free(&w);

	walk_begin(&w, "ATUid_h5", "0912000007", 0, T0 + 40);
	walk(&w, "2", T0 + 40);
	expect(1, "con hieu luc den");
	walk_free(&w);
}
END_TEST

/* A session cut mid-declaration, resumed under a new session id. */
START_TEST(test_resume)
{
	struct walk		w, w2;
	struct ussd_session	us;
	char			*ans;

	walk_begin(&w, "ATUid_cut", "0912000008", 0, T0);
	walk(&w, "1", T0);
	walk(&w, pho.code, T0);
	walk(&w, "1", T0);
	walk(&w, "0", T0);
	walk(&w, "2", T0 + 5);
	expect(0, "Cau 2/2");
	/* The network cuts it and says so: it stays resumable. */
	ck_assert_int_eq(send_req("ATUid_cut", "0912000008", NULL, NULL, 1, T0 + 6), 0);
	ck_assert_int_eq(scr.end, 1);
	ck_assert_ptr_null(scr.text);
	ck_assert_str_eq(screen_of("ATUid_cut"), "question");

	walk_begin(&w2, "ATUid_again", "0912000008", 0, T0 + 60);
	expect(0, "1 Tiep tuc\n2 Menu chinh");
	ck_assert_str_eq(screen_of("ATUid_cut"), "(ended)");
	walk(&w2, "3", T0 + 61);
	expect(0, "Lua chon khong hop le.\nLan truoc");
	walk(&w2, "1", T0 + 62);
	expect(0, "Cau 2/2: Ban co tiep xuc F0 khong?");
	walk(&w2, "2", T0 + 63);
	expect(1, "Cam on ban da khai bao y te");
	ans = answers_of("+84912000008");
	ck_assert_str_eq(ans, "symptoms=no;contact=no;");
	free(ans);
	walk_free(&w);
	walk_free(&w2);

	/* Cut on the confirm screen, cut again on the offer, then resumed. */
	walk_begin(&w, "ATUid_c1", "0912000009", 1, T0 + 100);
	walk(&w, "1", T0 + 100);
	walk(&w, shop.code, T0 + 100);
	expect(0, "Tap hoa Minh");
	walk_free(&w);
	walk_begin(&w, "ATUid_c2", "0912000009", 1, T0 + 200);
	expect(0, "1 Tiep tuc");
	walk_free(&w);
	walk_begin(&w, "ATUid_c3", "0912000009", 1, T0 + 300);
	expect(0, "1 Tiep tuc");
	walk(&w, "1", T0 + 301);
	expect(0, "Check-in tai:\nTap hoa Minh");
	walk(&w, "1", T0 + 302);
	walk(&w, "", T0 + 303);
	expect(0, "Cau 1/2");
	walk(&w, "2", T0 + 304);
	walk(&w, "2", T0 + 305);
	expect(1, "Cam on ban da khai bao y te");
	ck_assert_int_eq(unit_checkins(st, 1000, "+84912000009"), 1);
	walk_free(&w);
	/* Finished: nothing to offer. */
	walk_begin(&w, "ATUid_c4", "0912000009", 1, T0 + 310);
	expect(0, "Check-in phong dich");
	walk_free(&w);

	/* "2 Menu chinh" drops the cut session for good. */
	walk_begin(&w, "ATUid_d1", "0912000010", 0, T0);
	walk(&w, "1", T0);
	walk(&w, pho.code, T0);
	walk_free(&w);
	walk_begin(&w, "ATUid_d2", "0912000010", 0, T0 + 10);
	expect(0, "1 Tiep tuc");
	walk(&w, "2", T0 + 11);
	expect(0, "Check-in phong dich");
	walk_free(&w);
	walk_begin(&w, "ATUid_d3", "0912000010", 0, T0 + 20);
	expect(0, "Check-in phong dich");
	walk_free(&w);

	/* Too late to resume. */
	walk_begin(&w, "ATUid_e1", "0912000011", 0, T0);
	walk(&w, "1", T0);
	walk(&w, pho.code, T0);
	walk_free(&w);
	walk_begin(&w, "ATUid_e2", "0912000011", 0, T0 + 301);
	expect(0, "Check-in phong dich");
	walk_free(&w);

	/* Another number's cut session is not offered. */
	walk_begin(&w, "ATUid_f1", "0912000012", 0, T0 + 400);
	expect(0, "Check-in phong dich");
	walk_free(&w);

	/* The end notification of a session at the main menu finishes it. */
	ck_assert_int_eq(send_req("ATUid_f1", "0912000012", NULL, NULL, 1, T0 + 401), 0);
	ck_assert_int_eq(store_ussd_get(st, "ATUid_f1", &us), 1);
	ck_assert_int_eq(us.ended, 1);
	/* ...and of an unknown session does nothing. */
	ck_assert_int_eq(send_req("ATUid_none", "0912000012", NULL, NULL, 1, T0 + 401), 0);
	ck_assert_ptr_null(scr.text);
	ck_assert_int_eq(store_ussd_get(st, "ATUid_none", &us), 0);
}
END_TEST

/* How AT's history is split into inputs, retries included. */
START_TEST(test_history_split)
{
	struct outbox_seen	seen;
	char			h[64];

	ck_assert_int_eq(send_req("ATUid_s", "0912000013", NULL, "", 0, T0), 0);
	expect(0, "Check-in phong dich");
	ck_assert_int_eq(send_req("ATUid_s", "0912000013", NULL, "1", 0, T0), 0);
	expect(0, "Nhap ma");
	/* The operator retries the same step: the same screen, no second action. */
	ck_assert_int_eq(send_req("ATUid_s", "0912000013", NULL, "1", 0, T0), 0);
	expect(0, "Nhap ma");
	ck_assert_str_eq(screen_of("ATUid_s"), "code");
	snprintf(h, sizeof h, "1*%s", pho.code);
	ck_assert_int_eq(send_req("ATUid_s", "0912000013", NULL, h, 0, T0), 0);
	expect(0, "Pho Thin");
	snprintf(h, sizeof h, "1*%s*1", pho.code);
	ck_assert_int_eq(send_req("ATUid_s", "0912000013", NULL, h, 0, T0), 0);
	expect(0, "So nguoi");
	snprintf(h, sizeof h, "1*%s*1*4", pho.code);
	ck_assert_int_eq(send_req("ATUid_s", "0912000013", NULL, h, 0, T0), 0);
	expect(0, "Cau 1/2");
	/* The check-in step retried: one check-in, one SMS, the same screen. */
	ck_assert_int_eq(send_req("ATUid_s", "0912000013", NULL, h, 0, T0 + 1), 0);
	expect(0, "Cau 1/2");
	ck_assert_int_eq(unit_checkins(st, 1000, "+84912000013"), 1);
	ck_assert_int_eq(outbox_count(&seen), 1);
	/* A history that does not extend the last: the part after its last '*'. */
	ck_assert_int_eq(send_req("ATUid_s", "0912000013", NULL, "9*9*2", 0, T0 + 2), 0);
	expect(0, "Cau 2/2");
	ck_assert_int_eq(send_req("ATUid_s", "0912000013", NULL, "9*9*2*2", 0, T0 + 3), 0);
	expect(1, "Cam on ban da khai bao y te");
	ck_assert_int_eq(unit_checkins(st, 1000, "+84912000013"), 1);
	ck_assert_int_eq(outbox_count(&seen), 1);

	/* A new session id that arrives with a history starts at the main menu. */
	ck_assert_int_eq(send_req("ATUid_t", "0912000013", NULL, "1*2*3", 0, T0 + 10), 0);
	expect(0, "Check-in phong dich");
	ck_assert_int_eq(send_req("ATUid_t", "0912000013", NULL, "1*2*3*1", 0, T0 + 10), 0);
	expect(0, "Nhap ma");
}
END_TEST

/*
 * The core committed a check-in but the session's step (and with it the
 * confirmation) was not written: the operator's retry is replayed by the
 * core as a duplicate and the confirmation is queued then, once.
 */
START_TEST(test_retry_after_lost_step)
{
	struct ussd_session	before;
	struct outbox_seen	seen;
	sqlite3			*db;
	char			h[64];

	ck_assert_int_eq(send_req("ATUid_r", "0912000020", NULL, "", 0, T0), 0);
	ck_assert_int_eq(send_req("ATUid_r", "0912000020", NULL, "1", 0, T0), 0);
	snprintf(h, sizeof h, "1*%s", pho.code);
	ck_assert_int_eq(send_req("ATUid_r", "0912000020", NULL, h, 0, T0), 0);
	snprintf(h, sizeof h, "1*%s*1", pho.code);
	ck_assert_int_eq(send_req("ATUid_r", "0912000020", NULL, h, 0, T0), 0);
	ck_assert_int_eq(store_ussd_get(st, "ATUid_r", &before), 1);
	snprintf(h, sizeof h, "1*%s*1*0", pho.code);
	ck_assert_int_eq(send_req("ATUid_r", "0912000020", NULL, h, 0, T0), 0);
	expect(0, "Cau 1/2");
	ck_assert_int_eq(outbox_count(&seen), 1);

	/* Undo what the step's own transaction wrote. */
	ck_assert_int_eq(store_ussd_put(st, &before), 0);
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "DELETE FROM outbox", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	ck_assert_int_eq(send_req("ATUid_r", "0912000020", NULL, h, 0, T0 + 2), 0);
	expect(0, "Cau 1/2");
	ck_assert_int_eq(unit_checkins(st, 1000, "+84912000020"), 1);
	ck_assert_int_eq(outbox_count(&seen), 1);
	ck_assert_ptr_nonnull(strstr(seen.text[0], "Pho Thin"));
	/* And the retry of that retry changes nothing. */
	ck_assert_int_eq(send_req("ATUid_r", "0912000020", NULL, h, 0, T0 + 3), 0);
	expect(0, "Cau 1/2");
	ck_assert_int_eq(outbox_count(&seen), 1);
}
END_TEST

/* Unknown ids, oversized and junk input, floods, the step limit. */
START_TEST(test_bad_input)
{
	struct walk	 w;
	char		*big, *stars;
	size_t		 i, n = 10 * 1024;
	struct timespec	 t0, t1;
	double		 ms;

	big = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		big[i] = (char)('0' + i % 10);
	big[n] = '\0';
	stars = xmalloc(n + 1);
	memset(stars, '*', n);
	stars[n] = '\0';

	/* A bad number is refused and nothing is kept. */
	ck_assert_int_eq(send_req("x1", "not a number", NULL, "", 0, T0), DIALOG_ESENDER);
	ck_assert_int_eq(send_req("x1", "VIETTEL", NULL, "", 0, T0), DIALOG_ESENDER);
	ck_assert_int_eq(send_req("x1", "", NULL, "", 0, T0), DIALOG_ESENDER);
	{
		struct ussd_session	us;

		ck_assert_int_eq(store_ussd_get(st, "x1", &us), 0);
	}

	/* A 10 kB history on a new session: the main menu. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(send_req("big", "0912000014", NULL, big, 0, T0), 0);
	expect(0, "Check-in phong dich");
	/* ...extended by a 10 kB input: too long. */
	{
		char	*h;

		xasprintf(&h, "%s*%s", big, big);
		ck_assert_int_eq(send_req("big", "0912000014", NULL, h, 0, T0), 0);
		expect(0, "Nhap qua dai.\nCheck-in phong dich");
		free(h);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	ck_assert_msg(ms < 500, "10 kB steps took %.1f ms", ms);

	/* A '*' flood: as a new session, then as an input. */
	ck_assert_int_eq(send_req("stars", "0912000014", NULL, stars, 0, T0), 0);
	expect(0, "Check-in phong dich");
	ck_assert_int_eq(send_req("stars2", "0912000014", NULL, "", 0, T0), 0);
	ck_assert_int_eq(send_req("stars2", "0912000014", NULL, stars, 0, T0), 0);
	expect(0, "Nhap qua dai.");
	ck_assert_int_eq(send_req("stars2", "0912000014", NULL, "1*", 0, T0), 0);
	expect(0, "Lua chon khong hop le.");
	/* json: a 10 kB input, a flood, junk bytes. */
	ck_assert_int_eq(send_req("jbig", "0912000014", "", NULL, 0, T0), 0);
	ck_assert_int_eq(send_req("jbig", "0912000014", big, NULL, 0, T0), 0);
	expect(0, "Nhap qua dai.");
	ck_assert_int_eq(send_req("jbig", "0912000014", stars, NULL, 0, T0), 0);
	expect(0, "Nhap qua dai.");
	ck_assert_int_eq(send_req("jbig", "0912000014", "1\xff\xfe\x01", NULL, 0, T0), 0);
	expect(0, "Lua chon khong hop le.");
	ck_assert_int_eq(send_req("jbig", "0912000014", "1", NULL, 0, T0), 0);
	ck_assert_int_eq(send_req("jbig", "0912000014", "\xe1\xbb\x99\xe1\xbb\x99", NULL, 0, T0), 0);
	expect(0, "Chi nhap chu so.");
	ck_assert_int_eq(send_req("jbig", "0912000014", "\xef\xbc\x91\xef\xbc\x92", NULL, 0, T0), 0);
	expect(0, "Chi nhap chu so.");
	ck_assert_int_eq(send_req("jbig", "0912000014", "1234567*", NULL, 0, T0), 0);
	expect(0, "Chi nhap chu so.");

	/* A session id used by another number is not continued. */
	ck_assert_int_eq(send_req("jbig", "0912999999", "1", NULL, 0, T0), 0);
	expect(1, "Hen gap lai");
	/* Nor one that ended. */
	walk_begin(&w, "done", "0912000015", 1, T0);
	walk(&w, "0", T0);
	expect(1, "Hen gap lai");
	walk(&w, "1", T0);
	expect(1, "Hen gap lai");
	walk_free(&w);

	/* Fifty steps at most. */
	walk_begin(&w, "long", "0912000016", 0, T0);
	for (i = 0; i < 50; i++) {
		walk(&w, "9", T0);
		expect(0, "Lua chon khong hop le.");
	}
	walk(&w, "9", T0);
	expect(1, "Phien qua dai");
	walk_free(&w);

	free(big);
	free(stars);
}
END_TEST

/* What a walk over every screen records. */
struct seen_screens {
	char	names[16][32];
	int	n;
	size_t	longest;
};

static void
seen_add(struct seen_screens *s, const char *sid)
{
	const char	*name = screen_of(sid);
	size_t		 chars;
	int		 i;

	chars = u8_mbsnlen((const uint8_t *)scr.text, strlen(scr.text));
	if (chars > s->longest)
		s->longest = chars;
	for (i = 0; i < s->n; i++) {
		if (strcmp(s->names[i], name) == 0)
			return;
	}
	if (s->n < 16)
		strlcpy(s->names[s->n++], name, sizeof s->names[0]);
}

/* Step and record the screen (its size is checked by walk). */
static void
visit(struct walk *w, struct seen_screens *s, const char *input, int64_t now)
{
	walk(w, input, now);
	seen_add(s, w->sid);
}

/* Every screen and every reason line in one language, with the longest names. */
static void
walk_everything(enum lang lang, const char *number, const char *prefix)
{
	struct seen_screens	 s;
	struct walk		 w;
	char			 sid[64], typo[CODE_MAX], longin[80];
	int64_t			 t = T0;
	int			 k = 0, i;

	memset(&s, 0, sizeof s);
	memset(longin, '7', sizeof longin - 1);
	longin[sizeof longin - 1] = '\0';
	ck_assert_int_eq(store_subscriber_set_lang(st, number, lang), 0);
	unit_typo(longv.code, typo);

#define NEXT_SESSION() do {						\
		snprintf(sid, sizeof sid, "%s-%d", prefix, ++k);	\
		walk_begin(&w, sid, number, 0, t);			\
		seen_add(&s, sid);					\
	} while (0)

	/* main, its reasons, lang and its reasons, history, bye. */
	NEXT_SESSION();
	visit(&w, &s, "8", t);
	visit(&w, &s, longin, t);
	visit(&w, &s, "4", t);
	visit(&w, &s, "8", t);
	visit(&w, &s, longin, t);
	visit(&w, &s, "0", t);
	visit(&w, &s, "3", t);
	ck_assert_int_eq(scr.end, 1);
	walk_free(&w);
	NEXT_SESSION();
	visit(&w, &s, "0", t);
	ck_assert_int_eq(scr.end, 1);
	walk_free(&w);

	/* code with every reason, confirm, dym, companions, the long question. */
	NEXT_SESSION();
	visit(&w, &s, "1", t);
	visit(&w, &s, "x", t);
	visit(&w, &s, "12", t);
	visit(&w, &s, "0000000", t);
	visit(&w, &s, longin, t);
	visit(&w, &s, longv.code, t);
	ck_assert_ptr_nonnull(strstr(scr.text, "Nha hang Pho Co Truyen Gia Dinh Ha Noi S"));
	ck_assert_ptr_null(strstr(scr.text, "Dai"));
	ck_assert_ptr_nonnull(strstr(scr.text, "Phuong Hang Bac Quan Hoa"));
	visit(&w, &s, "5", t);
	visit(&w, &s, longin, t);
	visit(&w, &s, "2", t);
	visit(&w, &s, typo, t);
	visit(&w, &s, "5", t);
	visit(&w, &s, longin, t);
	visit(&w, &s, "1", t);
	visit(&w, &s, "x", t);
	visit(&w, &s, longin, t);
	visit(&w, &s, "20", t);
	/* Checked in; the default questions follow. */
	visit(&w, &s, "x", t);
	visit(&w, &s, longin, t);
	visit(&w, &s, "1", t);
	visit(&w, &s, "1", t);
	ck_assert_int_eq(scr.end, 1);	/* flagged */
	walk_free(&w);

	/* The long questions (cut to fit), a text answer refused empty. */
	t += 2 * 86400;
	NEXT_SESSION();
	visit(&w, &s, "1", t);
	visit(&w, &s, quiz.code, t);
	visit(&w, &s, "1", t);
	visit(&w, &s, "", t);
	ck_assert_ptr_nonnull(strstr(scr.text, lang == LANG_VI ? "1 Co\n2 Khong" :
	    "1 Yes\n2 No"));
	visit(&w, &s, "3", t);
	ck_assert_ptr_nonnull(strstr(scr.text, lang == LANG_VI ? "1 Co\n2 Khong" :
	    "1 Yes\n2 No"));
	visit(&w, &s, longin, t);
	visit(&w, &s, "2", t);
	visit(&w, &s, "", t);
	ck_assert_ptr_nonnull(strstr(scr.text, lang == LANG_VI ? "Nhap cau tra loi:" :
	    "Type your answer:"));
	visit(&w, &s, "   ", t);
	visit(&w, &s, longin, t);
	/* Cut here, resumed: the offer and its reasons. */
	walk_free(&w);
	NEXT_SESSION();
	visit(&w, &s, "5", t);
	visit(&w, &s, longin, t);
	visit(&w, &s, "1", t);
	visit(&w, &s, "Hang Bac", t);
	ck_assert_int_eq(scr.end, 1);
	walk_free(&w);

	/* Declaration still valid; a check-in with no questions; the step limit. */
	NEXT_SESSION();
	visit(&w, &s, "2", t);
	ck_assert_int_eq(scr.end, 1);
	walk_free(&w);
	NEXT_SESSION();
	visit(&w, &s, "1", t);
	visit(&w, &s, longv.code, t);
	visit(&w, &s, "1", t);
	visit(&w, &s, "", t);
	ck_assert_int_eq(scr.end, 1);
	walk_free(&w);
	cfg->ussd_confirm_sms = !cfg->ussd_confirm_sms;
	NEXT_SESSION();
	visit(&w, &s, "1", t + 900);
	visit(&w, &s, longv.code, t + 900);
	visit(&w, &s, "1", t + 900);
	visit(&w, &s, "", t + 900);
	ck_assert_int_eq(scr.end, 1);
	walk_free(&w);
	cfg->ussd_confirm_sms = !cfg->ussd_confirm_sms;
	NEXT_SESSION();
	visit(&w, &s, "3", t + 900);
	ck_assert_int_eq(scr.end, 1);
	walk_free(&w);
	NEXT_SESSION();
	for (i = 0; i < 51; i++)
		visit(&w, &s, "8", t);
	ck_assert_int_eq(scr.end, 1);
	walk_free(&w);
#undef NEXT_SESSION

	/* Every screen of the table was seen (and "(ended)" for the END ones). */
	ck_assert_int_eq(s.n, 9);
	ck_assert_uint_le(s.longest, USSD_SCREEN_MAX);
	ck_assert_uint_gt(s.longest, 150);	/* the long question was cut, not dropped */
}

START_TEST(test_every_screen_vi)
{
	walk_everything(LANG_VI, "+84912000017", "vi");
}
END_TEST

START_TEST(test_every_screen_en)
{
	walk_everything(LANG_EN, "+84912000018", "en");
}
END_TEST

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Time one step. */
static double
timed(struct walk *w, const char *input, int64_t now)
{
	struct timespec	t0, t1;
	char		sid[sizeof w->sid];

	strlcpy(sid, w->sid, sizeof sid);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (input == NULL)
		walk_begin(w, sid, w->from, w->json, now);
	else
		walk(w, input, now);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
}

/* The issue's budget: each step well under 100 ms at the 99th percentile. */
START_TEST(test_step_latency)
{
	static double	 ms[200 * 7];
	struct walk	 w;
	size_t		 n = 0;
	int		 i;

	for (i = 0; i < 200; i++) {
		memset(&w, 0, sizeof w);
		snprintf(w.sid, sizeof w.sid, "lat-%d", i);
		w.from = "0912000019";
		w.json = i % 2;
		ms[n++] = timed(&w, NULL, T0 + i * 90000);
		ms[n++] = timed(&w, "1", T0 + i * 90000);
		ms[n++] = timed(&w, pho.code, T0 + i * 90000);
		ms[n++] = timed(&w, "1", T0 + i * 90000);
		ms[n++] = timed(&w, "2", T0 + i * 90000);
		ms[n++] = timed(&w, "2", T0 + i * 90000);
		ms[n++] = timed(&w, "1", T0 + i * 90000);
		expect(1, "1900 9095");
		walk_free(&w);
	}
	ck_assert_int_eq(unit_checkins(st, 1000, "+84912000019"), 200);
	qsort(ms, n, sizeof ms[0], cmp_double);
	fprintf(stderr, "ussd: %zu steps, median %.2f ms, p99 %.2f ms, max %.2f ms\n", n,
	    ms[n / 2], ms[n * 99 / 100], ms[n - 1]);
	ck_assert_msg(ms[n * 99 / 100] < 100, "p99 %.1f ms", ms[n * 99 / 100]);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("ussd");
	TCase	*tc = tcase_create("menu");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_walk_checkin_at);
	tcase_add_test(tc, test_walk_checkin_json);
	tcase_add_test(tc, test_confirm_sms_off);
	tcase_add_test(tc, test_did_you_mean);
	tcase_add_test(tc, test_language);
	tcase_add_test(tc, test_invalid_input);
	tcase_add_test(tc, test_history_and_declare);
	tcase_add_test(tc, test_resume);
	tcase_add_test(tc, test_history_split);
	tcase_add_test(tc, test_retry_after_lost_step);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_every_screen_vi);
	tcase_add_test(tc, test_every_screen_en);
	tcase_add_test(tc, test_step_latency);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
