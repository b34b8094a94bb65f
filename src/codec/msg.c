/*
 * msg.c: the words of checkind: reply texts, USSD screens and keywords in
 * Vietnamese and English, and how the configuration's words (more
 * languages, other texts, other keywords) take their place.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/buf.h"
#include "codec/gsm.h"
#include "codec/msg.h"
#include "codec/text.h"

/*
 * The built-in replies. Vietnamese is written without diacritics so that
 * every text stays in the GSM 7-bit default alphabet (3GPP TS 23.038 6.2.1)
 * and, with the longest values the dialog engine passes, fits one 160-septet
 * segment; tests/unit/test-msg.c holds every entry to that.
 *
 * Budgets the callers keep: {venue} at most 40 characters, {list} at most 90.
 */
static const struct msg_entry {
	enum msg_id	 id;
	const char	*key;
	const char	*vars;			/* the placeholders it may use */
	const char	*text[LANG_COUNT];	/* indexed by enum lang */
} msg_table[MSG_COUNT] = {
	[MSG_CHECKED_IN] = { MSG_CHECKED_IN, "confirm", "venue ward time", {
	    "Da check-in tai {venue}, {ward}, luc {time}. Ra ve nhan RA. "
	    "Giu tin nay de xuat trinh.",
	    "Checked in at {venue}, {ward}, at {time}. Text RA when you leave. "
	    "Keep this SMS to show if asked." } },
	[MSG_CHECKED_IN_GROUP] = { MSG_CHECKED_IN_GROUP, "confirm_group",
	    "venue ward time companions", {
	    "Da check-in ban va {companions} nguoi di cung tai {venue}, {ward}, "
	    "luc {time}. Ra ve nhan RA. Giu tin nay de xuat trinh.",
	    "Checked in you and {companions} companions at {venue}, {ward}, "
	    "at {time}. Text RA when you leave. Keep this SMS to show." } },
	[MSG_CODE_INVALID] = { MSG_CODE_INVALID, "code_invalid", "code", {
	    "Ma {code} khong hop le. Ma dia diem gom 7 chu so, in tren bang "
	    "dan tai cua. Kiem tra va gui lai.",
	    "Code {code} is not valid. A venue code has 7 digits, printed on "
	    "the poster at the door. Please check and send it again." } },
	[MSG_CODE_UNKNOWN] = { MSG_CODE_UNKNOWN, "code_unknown", "code", {
	    "Ma {code} chua duoc dang ky hoac da ngung hoat dong. Kiem tra lai "
	    "ma tren bang dan tai cua.",
	    "Code {code} is not registered or no longer active. Please check "
	    "the code on the poster at the door." } },
	[MSG_DIDYOUMEAN] = { MSG_DIDYOUMEAN, "did_you_mean", "code venue", {
	    "Ma ban gui khong dung. Co phai {code} - {venue}? "
	    "Tra loi 1 de check-in.",
	    "The code you sent is not right. Did you mean {code} - {venue}? "
	    "Reply 1 to check in." } },
	[MSG_BADCOUNT] = { MSG_BADCOUNT, "bad_count", "", {
	    "So nguoi di cung phai tu 0 den 20. VD: 123 4567 +2 la ban va "
	    "2 nguoi di cung.",
	    "Companions must be 0 to 20. E.g. 123 4567 +2 checks in you and "
	    "2 companions." } },
	[MSG_CHECKOUT] = { MSG_CHECKOUT, "checkout", "venue time", {
	    "Da ghi nhan ban ra ve khoi {venue} luc {time}. Cam on ban.",
	    "Checked out of {venue} at {time}. Thank you." } },
	[MSG_CHECKOUT_NONE] = { MSG_CHECKOUT_NONE, "checkout_none", "", {
	    "Ban khong co lan check-in nao dang mo. De check-in, nhan ma dia "
	    "diem (7 chu so).",
	    "You have no open check-in. To check in, send the venue's 7-digit "
	    "code." } },
	[MSG_QUESTION_YESNO] = { MSG_QUESTION_YESNO, "question_yesno",
	    "n total question", {
	    "Cau {n}/{total}: {question} Tra loi 1=Co, 2=Khong",
	    "Question {n}/{total}: {question} Reply 1=Yes, 2=No" } },
	[MSG_QUESTION_TEXT] = { MSG_QUESTION_TEXT, "question_text",
	    "n total question", {
	    "Cau {n}/{total}: {question} Tra loi bang mot tin nhan.",
	    "Question {n}/{total}: {question} Reply in one message." } },
	[MSG_ANSWER_YESNO] = { MSG_ANSWER_YESNO, "answer_yesno", "question", {
	    "Chua hieu cau tra loi. {question} Tra loi 1=Co, 2=Khong",
	    "Sorry, we did not understand. {question} Reply 1=Yes, 2=No" } },
	[MSG_DECL_DONE] = { MSG_DECL_DONE, "declaration_done", "", {
	    "Cam on ban da khai bao y te. Hay deo khau trang, rua tay thuong "
	    "xuyen va giu khoang cach.",
	    "Thank you, your health declaration is recorded. Stay safe: wear "
	    "a mask and wash your hands often." } },
	[MSG_DECL_FLAGGED] = { MSG_DECL_FLAGGED, "declaration_flagged",
	    "hotline", {
	    "Cam on ban da khai bao. Ban co yeu to nguy co: han che tiep xuc, "
	    "deo khau trang va goi ngay duong day nong {hotline} de duoc "
	    "huong dan.",
	    "Thank you. Your answers show a risk: limit contact with others, "
	    "wear a mask and call the hotline {hotline} now for advice." } },
	[MSG_DECL_VALID] = { MSG_DECL_VALID, "declaration_valid", "time", {
	    "Ban da khai bao y te, con hieu luc den {time}. Khong can khai bao "
	    "lai.",
	    "Your health declaration is valid until {time}. No need to "
	    "declare again." } },
	[MSG_HELP] = { MSG_HELP, "help", "short_number", {
	    "Check-in: nhan MA SO dia diem (7 chu so) gui {short_number}. "
	    "VD: 123 4567. Co nguoi di cung: 123 4567 +2. RA: ra ve. "
	    "KB: khai bao y te. LS: lich su. EN: English.",
	    "Check in: text the venue's 7-digit CODE to {short_number}, "
	    "e.g. 123 4567. With companions: 123 4567 +2. RA: leave. "
	    "KB: health declaration. LS: history." } },
	[MSG_LANG] = { MSG_LANG, "lang", "", {
	    "Tu nay tin tra loi se bang tieng Viet. Nhan EN de chuyen sang "
	    "tieng Anh.",
	    "From now on replies will be in English. Text VI for "
	    "Vietnamese." } },
	[MSG_STOP] = { MSG_STOP, "stop", "", {
	    "Ban se khong nhan canh bao dich te qua tin nhan nua. Nhan START "
	    "de nhan lai.",
	    "You will no longer get exposure alerts by SMS. Text START to get "
	    "them again." } },
	[MSG_START] = { MSG_START, "start", "", {
	    "Ban se nhan tin canh bao neu noi ban da check-in co ca nhiem. "
	    "Nhan STOP de ngung nhan.",
	    "You will get an SMS alert if a place you checked in at had a "
	    "case. Text STOP to stop them." } },
	[MSG_HISTORY] = { MSG_HISTORY, "history", "list lookups", {
	    "Check-in gan day: {list}. So lan co quan y te tra cuu du lieu "
	    "cua ban: {lookups}.",
	    "Recent check-ins: {list}. Times health officials looked up your "
	    "data: {lookups}." } },
	[MSG_HISTORY_NONE] = { MSG_HISTORY_NONE, "history_none", "lookups", {
	    "Ban chua co lan check-in nao duoc luu. So lan co quan y te tra "
	    "cuu du lieu cua ban: {lookups}.",
	    "No check-ins of yours are stored. Times health officials looked "
	    "up your data: {lookups}." } },
	[MSG_STATS] = { MSG_STATS, "stats", "list", {
	    "Check-in hom nay (luot/nguoi): {list}",
	    "Today's check-ins (visits/people): {list}" } },
	[MSG_STATS_NONE] = { MSG_STATS_NONE, "stats_none", "", {
	    "So nay chua dang ky la chu dia diem nao. Lien he UBND phuong de "
	    "dang ky.",
	    "This number is not registered as the owner of any venue. Contact "
	    "your ward office to register." } },
	[MSG_TWO_CODES] = { MSG_TWO_CODES, "two_codes", "code code2", {
	    "Tin nhan co 2 ma: {code} va {code2}. Ban dang o dia diem nao? "
	    "Tra loi dung ma do de check-in.",
	    "Your text has 2 codes: {code} and {code2}. Which place are you "
	    "at? Reply with that one code to check in." } },
	[MSG_ASK_COUNT] = { MSG_ASK_COUNT, "ask_count", "venue", {
	    "{venue}: ban di cung bao nhieu nguoi? Tra loi mot so tu 0 den "
	    "20, VD: 2.",
	    "{venue}: how many people are with you? Reply a number 0-20, "
	    "e.g. 2." } },
	[MSG_INSPECTED] = { MSG_INSPECTED, "inspected", "venue code result", {
	    "Da ghi ket qua kiem tra {venue} ({code}): {result}.",
	    "Inspection of {venue} ({code}) recorded: {result}." } },
	[MSG_INSPECT_USAGE] = { MSG_INSPECT_USAGE, "inspect_usage", "", {
	    "Cu phap: KT <ma> OK, KT <ma> VP <ghi chu> hoac KT <ma> DONG. "
	    "VD: KT 123 4567 VP khong quet ma.",
	    "Usage: KT <code> OK, KT <code> VP <note> or KT <code> DONG. "
	    "E.g. KT 123 4567 VP no scanning." } },
	[MSG_REGISTER_CONFIRM] = { MSG_REGISTER_CONFIRM, "register_confirm",
	    "name address ward", {
	    "DK: {name}, {address}, {ward}. Tra loi 1 de gui phuong duyet, "
	    "2 de huy.",
	    "Register: {name}, {address}, {ward}. Reply 1 to send it to the "
	    "ward, 2 to cancel." } },
	[MSG_REGISTER_USAGE] = { MSG_REGISTER_USAGE, "register_usage", "", {
	    "De dang ky dia diem, nhan: DK <ten>, <dia chi>, <phuong>. "
	    "VD: DK Pho Ha, 12 Hang Bac, Hang Bac",
	    "To register a venue, text: DK <name>, <address>, <ward>. "
	    "E.g. DK Pho Ha, 12 Hang Bac, Hang Bac" } },
	[MSG_REGISTER_WARD] = { MSG_REGISTER_WARD, "register_ward", "ward", {
	    "Khong tim thay phuong {ward}. Gui lai: DK <ten>, <dia chi>, "
	    "<phuong>.",
	    "No ward {ward} is known. Send again: DK <name>, <address>, "
	    "<ward>." } },
	[MSG_REGISTER_SENT] = { MSG_REGISTER_SENT, "register_sent", "", {
	    "Da gui dang ky cho UBND phuong. Ban se nhan ma check-in qua SMS "
	    "khi duoc duyet.",
	    "Your registration was sent to the ward. You will get the "
	    "check-in code by SMS once it is approved." } },
	[MSG_REGISTER_PENDING] = { MSG_REGISTER_PENDING, "register_pending", "", {
	    "Ban da co mot dang ky dang cho phuong duyet. Vui long doi ket "
	    "qua.",
	    "You already have a registration waiting for the ward. Please "
	    "wait for its answer." } },
	[MSG_REGISTER_CANCELLED] = { MSG_REGISTER_CANCELLED,
	    "register_cancelled", "", {
	    "Da huy dang ky.",
	    "Registration cancelled." } },
	[MSG_REGISTER_APPROVED] = { MSG_REGISTER_APPROVED, "register_approved",
	    "venue code", {
	    "{venue} da duoc duyet. Ma check-in: {code}. In ma tai cua; nhan "
	    "TK de xem so luot hom nay.",
	    "{venue} is approved. Check-in code: {code}. Print it at the "
	    "door; text TK for today's figures." } },
	[MSG_REGISTER_REJECTED] = { MSG_REGISTER_REJECTED, "register_rejected",
	    "reason", {
	    "Dang ky dia diem chua duoc duyet: {reason}. Lien he UBND phuong.",
	    "Your venue registration was not approved: {reason}. Contact the "
	    "ward." } },
};

/*
 * The built-in USSD screens (core/ussd.c), Vietnamese without diacritics and
 * English. With a 40-character {venue}, a 24-character {ward} and the
 * longest reason line above it, each fits USSD_SCREEN_CHARS
 * (tests/unit/test-ussd.c walks them).
 */
static const struct ussd_text_entry {
	enum ussd_text	 id;
	const char	*key;
	const char	*text[LANG_COUNT];
} ussd_texts[UT_COUNT] = {
	[UT_NONE] = { UT_NONE, "none", { "", "" } },
	[UT_MAIN] = { UT_MAIN, "main", {
	    "Check-in phong dich\n1 Check-in\n2 Khai bao y te\n3 Lich su\n"
	    "4 Ngon ngu/Language\n0 Thoat",
	    "COVID check-in\n1 Check in\n2 Health declaration\n3 My check-ins\n"
	    "4 Ngon ngu/Language\n0 Exit" } },
	[UT_RESUME] = { UT_RESUME, "resume", {
	    "Lan truoc ban dung giua chung.\n1 Tiep tuc\n2 Menu chinh",
	    "You stopped half-way last time.\n1 Continue\n2 Main menu" } },
	[UT_CODE] = { UT_CODE, "code", {
	    "Nhap ma dia diem ({digits} chu so, tren bang dan tai cua):\n0 Quay lai",
	    "Enter the venue code ({digits} digits, on the poster at the door):\n"
	    "0 Back" } },
	[UT_CONFIRM] = { UT_CONFIRM, "confirm", {
	    "Check-in tai:\n{venue}, {ward}\n1 Dung\n2 Sai, nhap lai ma",
	    "Check in at:\n{venue}, {ward}\n1 Yes\n2 No, enter the code again" } },
	[UT_DYM] = { UT_DYM, "did_you_mean", {
	    "Ma vua nhap khong dung. Co phai {code} - {venue}?\n1 Dung\n"
	    "2 Khong, nhap lai ma",
	    "That code is not right. Did you mean {code} - {venue}?\n1 Yes\n"
	    "2 No, enter the code again" } },
	[UT_COMPANIONS] = { UT_COMPANIONS, "companions", {
	    "So nguoi di cung (0-20):\n(0 hoac de trong: di mot minh)",
	    "People with you (0-20):\n(0 or empty: none)" } },
	[UT_QUESTION_YESNO] = { UT_QUESTION_YESNO, "question_yesno", {
	    "Cau {n}/{total}: {question}\n1 Co\n2 Khong",
	    "Question {n}/{total}: {question}\n1 Yes\n2 No" } },
	[UT_QUESTION_TEXT] = { UT_QUESTION_TEXT, "question_text", {
	    "Cau {n}/{total}: {question}\nNhap cau tra loi:",
	    "Question {n}/{total}: {question}\nType your answer:" } },
	[UT_LANG] = { UT_LANG, "lang", {
	    "Chon ngon ngu / Language:\n1 Tieng Viet\n2 English\n0 Quay lai",
	    "Ngon ngu / Language:\n1 Tieng Viet\n2 English\n0 Back" } },
	[UT_BYE] = { UT_BYE, "bye", {
	    "Cam on ban. Hen gap lai!",
	    "Thank you. Goodbye!" } },
	[UT_CHECKED_IN] = { UT_CHECKED_IN, "checked_in", {
	    "Da check-in tai {venue}, {ward} luc {time}. Cam on ban!",
	    "Checked in at {venue}, {ward} at {time}. Thank you!" } },
	[UT_CHECKED_IN_SMS] = { UT_CHECKED_IN_SMS, "checked_in_sms", {
	    "Da check-in tai {venue}, {ward} luc {time}. Tin nhan xac nhan "
	    "se duoc gui toi ban.",
	    "Checked in at {venue}, {ward} at {time}. A confirmation SMS is "
	    "on its way." } },
	[UT_DECL_DONE] = { UT_DECL_DONE, "declaration_done", {
	    "Cam on ban da khai bao y te. Hay deo khau trang va rua tay "
	    "thuong xuyen.",
	    "Thank you, your health declaration is recorded. Wear a mask and "
	    "wash your hands often." } },
	[UT_DECL_FLAGGED] = { UT_DECL_FLAGGED, "declaration_flagged", {
	    "Cam on ban. Ban co yeu to nguy co: han che tiep xuc va goi ngay "
	    "{hotline} de duoc huong dan.",
	    "Thank you. Your answers show a risk: limit contact and call "
	    "{hotline} now for advice." } },
	[UT_TOO_MANY] = { UT_TOO_MANY, "too_many_steps", {
	    "Phien qua dai. Vui long quay so lai.",
	    "This session is too long. Please dial again." } },
	[UT_R_CHOICE] = { UT_R_CHOICE, "bad_choice", {
	    "Lua chon khong hop le.",
	    "Not a choice." } },
	[UT_R_DIGITS] = { UT_R_DIGITS, "bad_digits", {
	    "Chi nhap chu so.",
	    "Digits only, please." } },
	[UT_R_CODE_LEN] = { UT_R_CODE_LEN, "bad_code_length", {
	    "Ma phai co {digits} chu so.",
	    "A code has {digits} digits." } },
	[UT_R_CODE] = { UT_R_CODE, "bad_code", {
	    "Ma khong dung, nhap lai:",
	    "Wrong code, try again:" } },
	[UT_R_COUNT] = { UT_R_COUNT, "bad_count", {
	    "Nhap mot so tu 0 den 20.",
	    "Enter a number from 0 to 20." } },
	[UT_R_LONG] = { UT_R_LONG, "too_long", {
	    "Nhap qua dai.",
	    "Too long." } },
	[UT_R_ANSWER] = { UT_R_ANSWER, "bad_answer", {
	    "Chon 1 (Co) hoac 2 (Khong).",
	    "Choose 1 (Yes) or 2 (No)." } },
	[UT_R_EMPTY] = { UT_R_EMPTY, "empty_answer", {
	    "Hay nhap cau tra loi.",
	    "Please type an answer." } },
	[UT_R_LANG] = { UT_R_LANG, "lang_set", {
	    "Da chon tieng Viet.",
	    "English it is." } },
};


/* The placeholders each screen is given (ussd.c's calls of ussd_compose). */
static const char *msg_screen_var_names[UT_COUNT] = {
	[UT_CODE] = "digits",
	[UT_CONFIRM] = "venue ward code",
	[UT_DYM] = "venue ward code",
	[UT_QUESTION_YESNO] = "n total question",
	[UT_QUESTION_TEXT] = "n total question",
	[UT_CHECKED_IN] = "venue ward time",
	[UT_CHECKED_IN_SMS] = "venue ward time",
	[UT_DECL_FLAGGED] = "hotline",
	[UT_R_CODE_LEN] = "digits",
};

/*
 * The built-in keywords, folded, in the order they are tried: the
 * Vietnamese ones, then the English ones, then the words that choose a
 * language. A word a resident of either language may use is in both lists.
 */
#define KV(w, k)	{ w, k, LANG_VI }
#define KE(w, k)	{ w, k, LANG_EN }
static const struct msg_keyword msg_kw_table[] = {
	KV("ci", KW_CHECKIN), KV("checkin", KW_CHECKIN),
	KV("check in", KW_CHECKIN), KV("check-in", KW_CHECKIN),
	KV("ma", KW_CHECKIN),			/* "mã" */
	KV("ma so", KW_CHECKIN),		/* "mã số" */
	KV("ma qr", KW_CHECKIN), KV("qr", KW_CHECKIN),
	KV("ra", KW_CHECKOUT), KV("out", KW_CHECKOUT),
	KV("checkout", KW_CHECKOUT), KV("check out", KW_CHECKOUT),
	KV("check-out", KW_CHECKOUT),
	KV("1", KW_YES), KV("c", KW_YES), KV("co", KW_YES),
	KV("co a", KW_YES),			/* "có ạ" */
	KV("da co", KW_YES),			/* "dạ có" */
	KV("y", KW_YES), KV("yes", KW_YES), KV("ok", KW_YES),
	KV("dong y", KW_YES),			/* "đồng ý" */
	KV("vang", KW_YES),			/* "vâng" */
	KV("2", KW_NO), KV("k", KW_NO), KV("ko", KW_NO), KV("kg", KW_NO),
	KV("khg", KW_NO), KV("khong", KW_NO),
	KV("khong a", KW_NO),			/* "không ạ" */
	KV("khong co", KW_NO),			/* "không có" */
	KV("ko co", KW_NO),
	KV("da khong", KW_NO),			/* "dạ không" */
	KV("n", KW_NO), KV("no", KW_NO),
	KV("kb", KW_DECLARE),
	KV("khai bao", KW_DECLARE),		/* "khai báo" */
	KV("hd", KW_HELP), KV("help", KW_HELP), KV("?", KW_HELP),
	KV("huong dan", KW_HELP),		/* "hướng dẫn" */
	KV("tro giup", KW_HELP),		/* "trợ giúp" */
	KV("stop", KW_STOP), KV("tc", KW_STOP),
	KV("huy", KW_STOP),			/* "hủy", "huỷ" */
	KV("tu choi", KW_STOP),			/* "từ chối" */
	KV("start", KW_START),
	KV("ls", KW_HISTORY),
	KV("lich su", KW_HISTORY),		/* "lịch sử" */
	KV("tk", KW_STATS),
	KV("thong ke", KW_STATS),		/* "thống kê" */
	KV("kt", KW_INSPECT),
	KV("kiem tra", KW_INSPECT),		/* "kiểm tra" */
	KV("dat", KW_RESULT_OK),		/* "đạt"; "ok" (yes) too */
	KV("vp", KW_RESULT_VIOLATION),
	KV("vi pham", KW_RESULT_VIOLATION),	/* "vi phạm" */
	KV("dong", KW_RESULT_CLOSED),		/* "đóng" */
	KV("dong cua", KW_RESULT_CLOSED),	/* "đóng cửa" */
	KV("dk", KW_REGISTER),
	KV("dang ky", KW_REGISTER),		/* "đăng ký" */
	KE("ci", KW_CHECKIN), KE("checkin", KW_CHECKIN),
	KE("check in", KW_CHECKIN), KE("check-in", KW_CHECKIN),
	KE("qr", KW_CHECKIN),
	KE("ra", KW_CHECKOUT), KE("out", KW_CHECKOUT),
	KE("checkout", KW_CHECKOUT), KE("check out", KW_CHECKOUT),
	KE("check-out", KW_CHECKOUT),
	KE("1", KW_YES), KE("y", KW_YES), KE("yes", KW_YES), KE("ok", KW_YES),
	KE("2", KW_NO), KE("n", KW_NO), KE("no", KW_NO),
	KE("kb", KW_DECLARE),
	KE("help", KW_HELP), KE("?", KW_HELP), KE("hd", KW_HELP),
	KE("stop", KW_STOP),
	KE("start", KW_START),
	KE("ls", KW_HISTORY),
	KE("tk", KW_STATS),
	KE("kt", KW_INSPECT), KE("inspect", KW_INSPECT),
	KE("pass", KW_RESULT_OK), KE("compliant", KW_RESULT_OK),
	KE("vp", KW_RESULT_VIOLATION), KE("violation", KW_RESULT_VIOLATION),
	KE("dong", KW_RESULT_CLOSED), KE("closed", KW_RESULT_CLOSED),
	KE("dk", KW_REGISTER), KE("register", KW_REGISTER),
	KV("vi", KW_LANG),
	KV("tieng viet", KW_LANG),		/* "tiếng Việt" */
	KE("en", KW_LANG), KE("english", KW_LANG),
	KE("tieng anh", KW_LANG),		/* "tiếng Anh" */
};
#undef KV
#undef KE

static const char *msg_kw_names[KW_COUNT] = {
	[KW_CHECKIN] = "checkin",
	[KW_CHECKOUT] = "checkout",
	[KW_YES] = "yes",
	[KW_NO] = "no",
	[KW_DECLARE] = "declare",
	[KW_HELP] = "help",
	[KW_STOP] = "stop",
	[KW_START] = "start",
	[KW_HISTORY] = "history",
	[KW_STATS] = "stats",
	[KW_INSPECT] = "inspect",
	[KW_RESULT_OK] = "inspect_ok",
	[KW_RESULT_VIOLATION] = "inspect_violation",
	[KW_RESULT_CLOSED] = "inspect_closed",
	[KW_REGISTER] = "register",
	[KW_LANG] = "lang",
};

static const char *msg_lang_names[LANG_COUNT] = {
	[LANG_VI] = "vi",
	[LANG_EN] = "en",
};

const char *
msg_name(enum msg_id id)
{
	if ((unsigned)id >= MSG_COUNT)
		return NULL;
	return msg_table[id].key;
}

int
msg_lookup(const char *name)
{
	size_t	 i;

	if (name == NULL)
		return -1;
	for (i = 0; i < nitems(msg_table); i++) {
		if (strcmp(msg_table[i].key, name) == 0)
			return (int)msg_table[i].id;
	}
	return -1;
}

const char *
msg_default(enum msg_id id, enum lang lang)
{
	if ((unsigned)id >= MSG_COUNT)
		return NULL;
	if ((unsigned)lang >= LANG_COUNT)
		lang = LANG_VI;
	return msg_table[id].text[lang];
}

int
msg_var_known(enum msg_id id, const char *name, size_t len)
{
	const char	*p, *end;

	if ((unsigned)id >= MSG_COUNT || len == 0)
		return 0;
	for (p = msg_table[id].vars; *p != '\0'; p = end) {
		while (*p == ' ')
			p++;
		end = p + strcspn(p, " ");
		if ((size_t)(end - p) == len && memcmp(p, name, len) == 0)
			return 1;
	}
	return 0;
}

const char *
msg_vars(enum msg_id id)
{
	if ((unsigned)id >= MSG_COUNT)
		return NULL;
	return msg_table[id].vars;
}

int
msg_lang_parse(const char *s)
{
	size_t	 i;

	if (s == NULL)
		return -1;
	for (i = 0; i < nitems(msg_lang_names); i++) {
		if (strcmp(msg_lang_names[i], s) == 0)
			return (int)i;
	}
	return -1;
}

const char *
msg_lang_name(enum lang lang)
{
	if ((unsigned)lang >= LANG_COUNT)
		return NULL;
	return msg_lang_names[lang];
}

int
msg_nlangs(const struct msg_texts *t)
{
	if (t == NULL || t->nlangs < LANG_COUNT)
		return LANG_COUNT;
	return t->nlangs < LANG_MAX ? t->nlangs : LANG_MAX;
}

const char *
msg_lang_code(const struct msg_texts *t, int lang)
{
	if (lang < 0 || lang >= msg_nlangs(t))
		return NULL;
	if (t == NULL || t->nlangs < LANG_COUNT)
		return msg_lang_names[lang];
	return t->langs[lang].code;
}

int
msg_lang_find(const struct msg_texts *t, const char *code)
{
	int	 i;

	if (code == NULL)
		return -1;
	for (i = 0; i < msg_nlangs(t); i++) {
		if (strcmp(msg_lang_code(t, i), code) == 0)
			return i;
	}
	return -1;
}

/* The language a text in lang falls back to; lang out of range: Vietnamese. */
static int
msg_lang_valid(const struct msg_texts *t, int lang)
{
	return lang >= 0 && lang < msg_nlangs(t) ? lang : LANG_VI;
}

static int
msg_fallback(const struct msg_texts *t, int lang)
{
	return msg_lang_valid(t, t->langs[lang].fallback);
}

/*
 * The languages a text in lang is looked for in, in order: lang, then its
 * fallbacks while it is one added by configuration. The last one is built
 * in unless the chain is cut at LANG_MAX. Returns how many, at least 1.
 */
static int
msg_langs(const struct msg_texts *t, int lang, int tried[LANG_MAX])
{
	int	n = 0;

	lang = msg_lang_valid(t, lang);
	tried[n++] = lang;
	while (t != NULL && lang >= LANG_COUNT && n < LANG_MAX) {
		lang = msg_fallback(t, lang);
		tried[n++] = lang;
	}
	return n;
}

/* The built-in text's language for the last language tried. */
static int
msg_builtin_lang(int lang)
{
	return lang < LANG_COUNT ? lang : LANG_VI;
}

const char *
msg_template(const struct msg_texts *t, int lang, enum msg_id id)
{
	int	 tried[LANG_MAX], n, i;

	if ((unsigned)id >= MSG_COUNT)
		return "";
	n = msg_langs(t, lang, tried);
	for (i = 0; t != NULL && i < n; i++) {
		if (t->tmpl[tried[i]][id] != NULL)
			return t->tmpl[tried[i]][id];
	}
	return msg_table[id].text[msg_builtin_lang(tried[n - 1])];
}

const char *
msg_screen(const struct msg_texts *t, int lang, enum ussd_text id)
{
	int	 tried[LANG_MAX], n, i;

	if ((unsigned)id >= UT_COUNT)
		return "";
	n = msg_langs(t, lang, tried);
	for (i = 0; t != NULL && i < n; i++) {
		if (t->screen[tried[i]][id] != NULL)
			return t->screen[tried[i]][id];
	}
	return ussd_texts[id].text[msg_builtin_lang(tried[n - 1])];
}

const char *
msg_screen_name(enum ussd_text id)
{
	if ((unsigned)id >= UT_COUNT)
		return NULL;
	return ussd_texts[id].key;
}

int
msg_screen_lookup(const char *name)
{
	size_t	 i;

	if (name == NULL)
		return -1;
	for (i = UT_NONE + 1; i < nitems(ussd_texts); i++) {
		if (strcmp(ussd_texts[i].key, name) == 0)
			return (int)i;
	}
	return -1;
}

const char *
msg_screen_default(enum ussd_text id, enum lang lang)
{
	if ((unsigned)id >= UT_COUNT)
		return NULL;
	if ((unsigned)lang >= LANG_COUNT)
		lang = LANG_VI;
	return ussd_texts[id].text[lang];
}

const char *
msg_screen_vars(enum ussd_text id)
{
	if ((unsigned)id >= UT_COUNT)
		return NULL;
	return msg_screen_var_names[id] != NULL ? msg_screen_var_names[id] : "";
}

/* 1 if name (len bytes) is one of the space-separated words of vars. */
static int
msg_in_vars(const char *vars, const char *name, size_t len)
{
	const char	*p, *end;

	if (len == 0)
		return 0;
	for (p = vars; *p != '\0'; p = end) {
		while (*p == ' ')
			p++;
		end = p + strcspn(p, " ");
		if ((size_t)(end - p) == len && memcmp(p, name, len) == 0)
			return 1;
	}
	return 0;
}

int
msg_screen_var_known(enum ussd_text id, const char *name, size_t len)
{
	if ((unsigned)id >= UT_COUNT)
		return 0;
	return msg_in_vars(msg_screen_vars(id), name, len);
}

const char *
msg_kw_name(enum msg_kw kw)
{
	if ((unsigned)kw >= KW_COUNT)
		return NULL;
	return msg_kw_names[kw];
}

int
msg_kw_lookup(const char *name)
{
	int	 i;

	if (name == NULL)
		return -1;
	for (i = 0; i < KW_COUNT; i++) {
		if (i != KW_LANG && strcmp(msg_kw_names[i], name) == 0)
			return i;
	}
	return -1;
}

const struct msg_keyword *
msg_kw_builtin(size_t *n)
{
	*n = nitems(msg_kw_table);
	return msg_kw_table;
}

const struct msg_keyword *
msg_keywords(const struct msg_texts *t, size_t *n)
{
	if (t == NULL || t->kw == NULL)
		return msg_kw_builtin(n);
	*n = t->nkw;
	return t->kw;
}

/* 1 if the UTF-8 text is valid and fits the GSM 7-bit alphabet. */
static int
msg_is_gsm7(const char *s)
{
	struct gsm_count	 gc;

	if (gsm_count(s, strlen(s), &gc) == -1)
		return 0;
	return gc.coding == GSM_CODING_GSM7;
}

/* The variable called name (len bytes), or NULL. */
static const struct msg_var *
msg_find_var(const struct msg_var *vars, size_t nvars, const char *name,
    size_t len)
{
	size_t	 i;

	for (i = 0; i < nvars; i++) {
		if (vars[i].name != NULL && strlen(vars[i].name) == len &&
		    memcmp(vars[i].name, name, len) == 0)
			return &vars[i];
	}
	return NULL;
}

/*
 * Append a value without its invisible formatting characters (a venue name
 * stored with U+202E must not reverse the reply); folded when a GSM-7
 * template would otherwise turn UCS-2.
 */
static void
msg_add_value(struct buf *b, const char *value, int gsm7)
{
	char	*visible, *folded;

	if (value == NULL)
		return;
	visible = text_strip_invisible(value);
	if (gsm7 && !msg_is_gsm7(visible)) {
		folded = text_unaccent(visible);
		buf_add(b, folded, strlen(folded));
		free(folded);
	} else
		buf_add(b, visible, strlen(visible));
	free(visible);
}

char *
msg_render(const struct msg_texts *texts, enum lang lang, enum msg_id id,
    const struct msg_var *vars, size_t nvars)
{
	struct buf		 b = { NULL, 0, 0 };
	const struct msg_var	*v;
	const char		*tmpl, *p, *open, *close;
	char			*folded;
	int			 gsm7;

	if ((unsigned)id >= MSG_COUNT)
		return xstrdup("");
	tmpl = msg_template(texts, lang, id);

	/*
	 * A template the operator wrote in GSM-7 is meant to go out as one
	 * 7-bit segment: a venue name with diacritics must not turn the whole
	 * reply into UCS-2 (70 characters a segment), so such values are
	 * folded. A template written with diacritics is sent as UCS-2 anyway.
	 */
	gsm7 = msg_is_gsm7(tmpl);

	buf_add(&b, "", 0);
	p = tmpl;
	while ((open = strchr(p, '{')) != NULL) {
		buf_add(&b, p, open - p);
		close = open + 1;
		while ((*close >= 'a' && *close <= 'z') || *close == '_' ||
		    (*close >= '0' && *close <= '9'))
			close++;
		if (*close != '}' || close == open + 1 ||
		    (v = msg_find_var(vars, nvars, open + 1,
		    close - open - 1)) == NULL) {
			/* Not a placeholder we know: keep the brace as written. */
			buf_add(&b, "{", 1);
			p = open + 1;
			continue;
		}
		msg_add_value(&b, v->value, gsm7);
		p = close + 1;
	}
	buf_add(&b, p, strlen(p));

	if (texts != NULL && texts->fold_diacritics) {
		folded = text_unaccent(b.p);
		free(b.p);
		return folded;
	}
	return b.p;
}
