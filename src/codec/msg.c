/* msg.c: reply texts in Vietnamese and English, overridable in the configuration. */
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
};

static const char *msg_lang_names[LANG_COUNT] = {
	[LANG_VI] = "vi",
	[LANG_EN] = "en",
};

/* A growing output string. */
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

	if ((unsigned)lang >= LANG_COUNT)
		lang = LANG_VI;
	if ((unsigned)id >= MSG_COUNT)
		return xstrdup("");
	tmpl = NULL;
	if (texts != NULL)
		tmpl = texts->tmpl[lang][id];
	if (tmpl == NULL)
		tmpl = msg_table[id].text[lang];

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
