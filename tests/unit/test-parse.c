/* test-parse.c: the grammar of a resident's SMS (parse.c), through text_fold. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "codec/msg.h"
#include "codec/text.h"
#include "core/parse.h"
#include "unit.h"

#define CODE_LEN	7

/*
 * Messages as residents type them on feature phones. The parser counts
 * digits and leaves the check digit to the dialog, so "1234567" (check
 * digit wrong) parses the same as "1234566", "2010200", "9876549" and
 * "5550004" (check digits right).
 */
struct parse_case {
	const char	*in;
	enum parse_kind	 kind;
	const char	*code;		/* NULL: "" */
	int		 companions;
	enum lang	 lang;		/* checked for PARSE_LANG only */
};

static const struct parse_case cases[] = {
	/* Check-ins: a code alone, with and without keywords. */
	{ "1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "1234566", PARSE_CHECKIN, "1234566", 0, 0 },
	{ "2010200", PARSE_CHECKIN, "2010200", 0, 0 },
	{ "ci 1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "CI 9876549", PARSE_CHECKIN, "9876549", 0, 0 },
	{ "CI1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "ci:1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "Ci: 123 4567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "Ma: 123 4567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "M\xc3\x83 123-4567", PARSE_CHECKIN, "1234567", 0, 0 },	/* MÃ */
	{ "m\xc3\xa3 123.4567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "Ma\xcc\x83 5550004", PARSE_CHECKIN, "5550004", 0, 0 },	/* decomposed */
	{ "M\xc3\xa3 s\xe1\xbb\x91 1234566", PARSE_CHECKIN, "1234566", 0, 0 },
	{ "MA SO: 1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "M\xc3\xa3 QR 1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "MA1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "ma-1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "ci #1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "check in 123.4567 +2", PARSE_CHECKIN, "1234567", 2, 0 },
	{ "CHECK IN 1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "Check-in 1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "checkin 1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "CHECKIN1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "QR 1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "qr1234567", PARSE_CHECKIN, "1234567", 0, 0 },

	/* Grouped, padded, punctuated and full-width codes. */
	{ "123 4567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "123.4567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "123-4567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "1 2 3 4 5 6 7", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "123 - 4567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "12.34.567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "  1234567  ", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "\t1234567\r\n", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "1234567.", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "1234567!", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "1234567!!!", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "1234567?", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96"
	    "\xef\xbc\x97", PARSE_CHECKIN, "1234567", 0, 0 },		/* １２３４５６７ */
	{ "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xe3\x80\x80\xef\xbc\x94\xef\xbc\x95"
	    "\xef\xbc\x96\xef\xbc\x97\xef\xbc\x8b\xef\xbc\x92", PARSE_CHECKIN,
	    "1234567", 2, 0 },					/* １２３　４５６７＋２ */
	{ "123\xc2\xa0" "4567", PARSE_CHECKIN, "1234567", 0, 0 },	/* U+00A0 */

	/* Companions. */
	{ "1234567+3", PARSE_CHECKIN, "1234567", 3, 0 },
	{ "1234567 +3", PARSE_CHECKIN, "1234567", 3, 0 },
	{ "1234567 + 3", PARSE_CHECKIN, "1234567", 3, 0 },
	{ "1234567 +3 nguoi", PARSE_CHECKIN, "1234567", 3, 0 },
	{ "1234567 +3 ng\xc6\xb0\xe1\xbb\x9di", PARSE_CHECKIN, "1234567", 3, 0 },
	{ "1234567 +3ng", PARSE_CHECKIN, "1234567", 3, 0 },
	{ "1234567 th\xc3\xaam 2 ng\xc6\xb0\xe1\xbb\x9di", PARSE_CHECKIN, "1234567", 2, 0 },
	{ "ci 123 4567 them 3", PARSE_CHECKIN, "1234567", 3, 0 },
	{ "1234567 v\xc3\xa0 1 ng\xc6\xb0\xe1\xbb\x9di", PARSE_CHECKIN, "1234567", 1, 0 },
	{ "1234567 +2 people", PARSE_CHECKIN, "1234567", 2, 0 },
	{ "Ma:1234567 +2 nguoi.", PARSE_CHECKIN, "1234567", 2, 0 },
	{ "1234567 +0", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "1234567 +02", PARSE_CHECKIN, "1234567", 2, 0 },
	{ "1234567 +20", PARSE_CHECKIN, "1234567", 20, 0 },
	{ "1234567 +21", PARSE_BADCOUNT, "1234567", 21, 0 },
	{ "1234567 +25", PARSE_BADCOUNT, "1234567", 25, 0 },
	{ "1234567 + 21 nguoi", PARSE_BADCOUNT, "1234567", 21, 0 },
	{ "1234567 +999999", PARSE_BADCOUNT, "1234567", 999999, 0 },
	{ "1234567 +99999999999", PARSE_BADCOUNT, "1234567", -1, 0 },

	/*
	 * A code anywhere (issue 17): the grammar does not place these, the
	 * finder does. Once these were PARSE_UNKNOWN.
	 */
	{ "1234567 +", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "1234567 +2 ngu", PARSE_CHECKIN, "1234567", 2, 0 },
	{ "1234567 +2 +3", PARSE_BADCOUNT, "1234567", -1, 0 },	/* which? */
	{ "random 1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "1234567 cam on", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "ci ci 1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "co 1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "Toi o quan pho, ma so 123 4567 nhe", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "ma so 1234567 nhe", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "checkin tai quan pho 123 4567 a", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "M\xc3\xa3 \"123 4567\"", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "(1234567)", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "*1234567#", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "#1234567*", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "1234567 \xf0\x9f\x91\x8d", PARSE_CHECKIN, "1234567", 0, 0 },	/* thumbs up */
	{ "123456O", PARSE_CHECKIN, "1234560", 0, 0 },		/* O for 0 */
	{ "l234567", PARSE_CHECKIN, "1234567", 0, 0 },		/* l for 1 */
	{ "I23 4567", PARSE_CHECKIN, "1234567", 0, 0 },		/* I for 1 */
	{ "code: 1234567\nSent from my iPhone", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "1234567\n--\nNam", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "ma1234567 nha", PARSE_CHECKIN, "1234567", 0, 0 },
	/* Companions however written, never part of the code. */
	{ "123 4567 2 nguoi", PARSE_CHECKIN, "1234567", 2, 0 },
	{ "1234567 2 ng\xc6\xb0\xe1\xbb\x9di", PARSE_CHECKIN, "1234567", 2, 0 },
	{ "ma 1234567 cung 2 nguoi", PARSE_CHECKIN, "1234567", 2, 0 },
	{ "1234567 va 2 ban", PARSE_CHECKIN, "1234567", 2, 0 },
	{ "1234567 x3", PARSE_CHECKIN, "1234567", 2, 0 },	/* me and two */
	{ "1234567 x 3", PARSE_CHECKIN, "1234567", 2, 0 },
	{ "1234567 x1", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "1234567 with 2", PARSE_CHECKIN, "1234567", 2, 0 },
	{ "1234567 and 2 friends", PARSE_CHECKIN, "1234567", 2, 0 },
	{ "code 1234567, 2 people", PARSE_CHECKIN, "1234567", 2, 0 },
	{ "them 3 nguoi, ma 123 4567", PARSE_CHECKIN, "1234567", 3, 0 },
	{ "1234567 them 25 nguoi", PARSE_BADCOUNT, "1234567", 25, 0 },
	{ "1234567 x0", PARSE_BADCOUNT, "1234567", -1, 0 },
	{ "ma 1234566 va 987 6549", PARSE_TWOCODES, "1234566", 0, 0 },
	{ "1234567 hoac 9876549", PARSE_CHECKIN, "9876549", 0, 0 },	/* one valid */
	{ "1234567, 1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	/* The examples of README's "What a resident can text". */
	{ "4 8 3 0 2 9 5", PARSE_CHECKIN, "4830295", 0, 0 },
	{ "Toi o quan pho, ma so 483 0295 nhe", PARSE_CHECKIN, "4830295", 0, 0 },
	{ "I'm at the pho place, code 4830295. Thanks", PARSE_CHECKIN, "4830295", 0, 0 },
	{ "[4830295]", PARSE_CHECKIN, "4830295", 0, 0 },
	{ "#4830295", PARSE_CHECKIN, "4830295", 0, 0 },
	{ "483O295", PARSE_CHECKIN, "4830295", 0, 0 },
	{ "483o295", PARSE_CHECKIN, "4830295", 0, 0 },
	{ "l057160", PARSE_CHECKIN, "1057160", 0, 0 },
	{ "4830295\n[Tin nhan tu Zalo]", PARSE_CHECKIN, "4830295", 0, 0 },
	{ "4830295+2", PARSE_CHECKIN, "4830295", 2, 0 },
	{ "+2 4830295", PARSE_CHECKIN, "4830295", 2, 0 },
	{ "483 0295 +2 nguoi", PARSE_CHECKIN, "4830295", 2, 0 },
	{ "4830295 them 2", PARSE_CHECKIN, "4830295", 2, 0 },
	{ "4830295 c\xc3\xb9ng 2 ng\xc6\xb0\xe1\xbb\x9di", PARSE_CHECKIN, "4830295", 2, 0 },
	{ "4830295 v\xc3\xa0 2 b\xe1\xba\xa1n", PARSE_CHECKIN, "4830295", 2, 0 },
	{ "4830295 2 people", PARSE_CHECKIN, "4830295", 2, 0 },
	{ "ma 4830295 va 1057160", PARSE_TWOCODES, "4830295", 0, 0 },
	{ "sdt 4830295", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "HUY 4830295", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "LS 4830295", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "TK 4830295", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "HD 4830295", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "10:30", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "7h30", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "50.000d", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "OTP 4830295", PARSE_UNKNOWN, NULL, 0, 0 },
	/* Not codes: commands, phone numbers, dates, amounts, passwords. */
	{ "stop 1234567 nhe", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "RA 1234567 cam on", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "kb 1234567 nhe", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "goi 0912 345 678 nhe", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "sdt +84 912 345 678", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "ngay 2.11.2021 nhe", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "gia 1.500.000 dong", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "het 1234567 d", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "ma OTP cua ban la 1234567", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "ma xac thuc 123456", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "200k nhe, 10h30 gap", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "1234567 7654321 8", PARSE_UNKNOWN, NULL, 0, 0 },
	/* Codes with the wrong number of digits. */
	{ "123456", PARSE_BADCODE, "123456", 0, 0 },
	{ "12345678", PARSE_BADCODE, "12345678", 0, 0 },
	{ "1234", PARSE_BADCODE, "1234", 0, 0 },
	{ "123 456", PARSE_BADCODE, "123456", 0, 0 },
	{ "123456789012", PARSE_BADCODE, "123456789012", 0, 0 },
	{ "0912 345 678", PARSE_BADCODE, "0912345678", 0, 0 },	/* a phone number */
	{ "ma 12", PARSE_BADCODE, "12", 0, 0 },
	{ "ci 1234 567 8", PARSE_BADCODE, "12345678", 0, 0 },
	{ "ci 12345678901234567890", PARSE_BADCODE, "123456789012345", 0, 0 },
	{ "123456 +2", PARSE_BADCODE, "123456", 0, 0 },
	{ "1234567 1", PARSE_BADCODE, "12345671", 0, 0 },
	{ "123", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "12", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "1234567890123", PARSE_UNKNOWN, NULL, 0, 0 },

	/* Check-outs. */
	{ "Ra", PARSE_CHECKOUT, NULL, 0, 0 },
	{ "ra", PARSE_CHECKOUT, NULL, 0, 0 },
	{ "Ra.", PARSE_CHECKOUT, NULL, 0, 0 },
	{ "RA 1234567", PARSE_CHECKOUT, "1234567", 0, 0 },
	{ "ra1234567", PARSE_CHECKOUT, "1234567", 0, 0 },
	{ "Ra: 123 4567", PARSE_CHECKOUT, "1234567", 0, 0 },
	{ "out", PARSE_CHECKOUT, NULL, 0, 0 },
	{ "OUT 123 4567", PARSE_CHECKOUT, "1234567", 0, 0 },
	{ "checkout", PARSE_CHECKOUT, NULL, 0, 0 },
	{ "Check out", PARSE_CHECKOUT, NULL, 0, 0 },
	{ "CHECK-OUT 1234567", PARSE_CHECKOUT, "1234567", 0, 0 },
	{ "ra 12345", PARSE_BADCODE, "12345", 0, 0 },
	{ "ra 1234567 +2", PARSE_UNKNOWN, NULL, 0, 0 },

	/* Yes. */
	{ "C\xc3\xb3", PARSE_YES, NULL, 0, 0 },			/* Có */
	{ "co", PARSE_YES, NULL, 0, 0 },
	{ "CO", PARSE_YES, NULL, 0, 0 },
	{ "c", PARSE_YES, NULL, 0, 0 },
	{ "Y", PARSE_YES, NULL, 0, 0 },
	{ "yes", PARSE_YES, NULL, 0, 0 },
	{ "Yes!", PARSE_YES, NULL, 0, 0 },
	{ "OK", PARSE_YES, NULL, 0, 0 },
	{ "\xc4\x90\xe1\xbb\x93ng \xc3\xbd", PARSE_YES, NULL, 0, 0 },	/* Đồng ý */
	{ "dong y", PARSE_YES, NULL, 0, 0 },
	{ "C\xc3\xb3 \xe1\xba\xa1", PARSE_YES, NULL, 0, 0 },	/* Có ạ */
	{ "V\xc3\xa2ng", PARSE_YES, NULL, 0, 0 },		/* Vâng */
	{ "1", PARSE_YES, NULL, 0, 0 },
	{ "1.", PARSE_YES, NULL, 0, 0 },
	{ " 1 ", PARSE_YES, NULL, 0, 0 },
	{ "\xef\xbc\x91", PARSE_YES, NULL, 0, 0 },		/* １ */

	/* No. */
	{ "KH\xc3\x94NG", PARSE_NO, NULL, 0, 0 },		/* KHÔNG */
	{ "Kh\xc3\xb4ng", PARSE_NO, NULL, 0, 0 },
	{ "khong", PARSE_NO, NULL, 0, 0 },
	{ "k", PARSE_NO, NULL, 0, 0 },
	{ "K", PARSE_NO, NULL, 0, 0 },
	{ "ko", PARSE_NO, NULL, 0, 0 },
	{ "No", PARSE_NO, NULL, 0, 0 },
	{ "n", PARSE_NO, NULL, 0, 0 },
	{ "2", PARSE_NO, NULL, 0, 0 },
	{ "Kh\xc3\xb4ng c\xc3\xb3", PARSE_NO, NULL, 0, 0 },	/* Không có */
	{ "Kh\xc3\xb4ng \xe1\xba\xa1.", PARSE_NO, NULL, 0, 0 },	/* Không ạ. */

	/* Commands. */
	{ "kb", PARSE_DECLARE, NULL, 0, 0 },
	{ "KB", PARSE_DECLARE, NULL, 0, 0 },
	{ "Khai b\xc3\xa1o", PARSE_DECLARE, NULL, 0, 0 },
	{ "HD", PARSE_HELP, NULL, 0, 0 },
	{ "help", PARSE_HELP, NULL, 0, 0 },
	{ "HELP!", PARSE_HELP, NULL, 0, 0 },
	{ "?", PARSE_HELP, NULL, 0, 0 },
	{ "??", PARSE_HELP, NULL, 0, 0 },
	{ "H\xc6\xb0\xe1\xbb\x9bng d\xe1\xba\xabn", PARSE_HELP, NULL, 0, 0 },
	{ "vi", PARSE_LANG, NULL, 0, LANG_VI },
	{ "VI", PARSE_LANG, NULL, 0, LANG_VI },
	{ "EN", PARSE_LANG, NULL, 0, LANG_EN },
	{ "en", PARSE_LANG, NULL, 0, LANG_EN },
	{ "Ti\xe1\xba\xbfng Vi\xe1\xbb\x87t", PARSE_LANG, NULL, 0, LANG_VI },
	{ "English", PARSE_LANG, NULL, 0, LANG_EN },
	{ "stop", PARSE_STOP, NULL, 0, 0 },
	{ "STOP", PARSE_STOP, NULL, 0, 0 },
	{ "Hu\xe1\xbb\xb7", PARSE_STOP, NULL, 0, 0 },		/* Huỷ */
	{ "H\xe1\xbb\xa7y", PARSE_STOP, NULL, 0, 0 },		/* Hủy */
	{ "TC", PARSE_STOP, NULL, 0, 0 },
	{ "T\xe1\xbb\xab ch\xe1\xbb\x91i", PARSE_STOP, NULL, 0, 0 },	/* Từ chối */
	{ "start", PARSE_START, NULL, 0, 0 },
	{ "Start", PARSE_START, NULL, 0, 0 },
	{ "LS", PARSE_HISTORY, NULL, 0, 0 },
	{ "L\xe1\xbb\x8b" "ch s\xe1\xbb\xad", PARSE_HISTORY, NULL, 0, 0 },
	{ "tk", PARSE_STATS, NULL, 0, 0 },
	{ "TK", PARSE_STATS, NULL, 0, 0 },
	{ "Th\xe1\xbb\x91ng k\xc3\xaa", PARSE_STATS, NULL, 0, 0 },

	/* Empty. */
	{ "", PARSE_EMPTY, NULL, 0, 0 },
	{ "   ", PARSE_EMPTY, NULL, 0, 0 },
	{ "\xc2\xa0\xe3\x80\x80\n", PARSE_EMPTY, NULL, 0, 0 },

	/* Anything else, and free-text answers. */
	{ "hello", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "xin chao", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "Xin ch\xc3\xa0o", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "3", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "ci", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "ma", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "M\xc3\xa3:", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "ci abc", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "ci +2", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "Ha Noi - Hai Phong", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "H\xc3\xa0 N\xe1\xbb\x99i - H\xe1\xba\xa3i Ph\xc3\xb2ng", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "S\xe1\xbb\x91t, ho", PARSE_UNKNOWN, NULL, 0, 0 },	/* Sốt, ho */
	{ "T\xc3\xb4i \xe1\xbb\x9f 12 H\xc3\xa0ng B\xe1\xba\xa1" "c", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "marathon", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "1 2", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "+2", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "+84912345678", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "...", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "!", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "kbx", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "okay", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "STOPP", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "stop 1234567", PARSE_UNKNOWN, NULL, 0, 0 },

	/*
	 * An inspector's KT and an owner's DK (core/ward.c reads them) keep
	 * their meaning: a code in them is never a check-in. Result words
	 * alone, or in a resident's text, are no command.
	 */
	{ "KT 123 4567 OK", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "kt 1234567 vp khong quet ma", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "Ki\xe1\xbb\x83m tra 123 4567 \xc4\x91\xc3\xb3ng c\xe1\xbb\xad" "a", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "DK Pho Ha, 12 Hang Bac 1234567, Hang Bac", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "\xc4\x90\xc4\x83ng k\xc3\xbd 1234567", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "kt", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "vp", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "dong", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "toi o cho dong xuan ma 123 4567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "dat 1234567", PARSE_CHECKIN, "1234567", 0, 0 },
	{ "\xff\xfe", PARSE_UNKNOWN, NULL, 0, 0 },
	{ "\xe4\xb8\xad\xe6\x96\x87", PARSE_UNKNOWN, NULL, 0, 0 },	/* 中文 */
};

START_TEST(test_table)
{
	const struct parse_case	*c = &cases[_i];
	struct parse_result	 r;
	char			*folded;

	folded = text_fold(c->in, strlen(c->in));
	parse_message(folded, CODE_LEN, &r);
	ck_assert_msg(r.kind == c->kind, "row %d \"%s\" (folded \"%s\"): "
	    "kind %s, want %s", _i, c->in, folded, parse_kind_name(r.kind),
	    parse_kind_name(c->kind));
	ck_assert_msg(strcmp(r.code, c->code != NULL ? c->code : "") == 0,
	    "row %d \"%s\": code \"%s\"", _i, c->in, r.code);
	ck_assert_msg(r.companions == c->companions, "row %d \"%s\": "
	    "companions %d", _i, c->in, r.companions);
	if (c->kind == PARSE_LANG)
		ck_assert_int_eq(r.lang, c->lang);
	free(folded);
}
END_TEST

/* The code length is a parameter, not a constant. */
START_TEST(test_code_len)
{
	struct parse_result	r;

	parse_message("123456", 6, &r);
	ck_assert_int_eq(r.kind, PARSE_CHECKIN);
	ck_assert_str_eq(r.code, "123456");
	parse_message("1234567", 6, &r);
	ck_assert_int_eq(r.kind, PARSE_BADCODE);
	ck_assert_str_eq(r.code, "1234567");
	parse_message("123456789012345", 15, &r);
	ck_assert_int_eq(r.kind, PARSE_CHECKIN);
	ck_assert_str_eq(r.code, "123456789012345");
	/* A length no code can have makes every code wrong, never a check-in. */
	parse_message("ci 1234567890123456", 16, &r);
	ck_assert_int_eq(r.kind, PARSE_BADCODE);
	ck_assert_str_eq(r.code, "123456789012345");
}
END_TEST

/* Long texts are cheap and never commands; buffers end where they end. */
START_TEST(test_long)
{
	struct parse_result	 r;
	char			*in, *folded;
	size_t			 n = TEXT_MAX;

	in = xmalloc(n + 1);
	memset(in, '1', n);
	in[n] = '\0';
	parse_message(in, CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_UNKNOWN);
	ck_assert_str_eq(r.code, "");

	memset(in, ' ', n);
	parse_message(in, CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_EMPTY);

	/* Spaces collapse in text_fold: what is left is a short check-in. */
	memcpy(in, "1234567", 7);
	memcpy(in + n - 2, "+2", 2);
	folded = text_fold(in, n);
	parse_message(folded, CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_CHECKIN);
	ck_assert_int_eq(r.companions, 2);
	free(folded);

	/* Exactly PARSE_LINE_MAX bytes still parse; one more does not. */
	memset(in, '.', PARSE_LINE_MAX);
	memcpy(in, "ci 1234567", 10);
	in[PARSE_LINE_MAX] = '\0';
	parse_message(in, CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_CHECKIN);
	in[PARSE_LINE_MAX] = '.';
	in[PARSE_LINE_MAX + 1] = '\0';
	parse_message(in, CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_UNKNOWN);
	free(in);

	/* Every prefix of a message, each in a buffer of exactly its size. */
	{
		const char	*msg = "check in 123.4567 + 20 nguoi";
		size_t		 i, len = strlen(msg);

		for (i = 0; i <= len; i++) {
			in = xmalloc(i + 1);
			memcpy(in, msg, i);
			in[i] = '\0';
			parse_message(in, CODE_LEN, &r);
			ck_assert(r.kind <= PARSE_UNKNOWN);
			ck_assert(strlen(r.code) < CODE_MAX);
			free(in);
		}
	}
}
END_TEST

START_TEST(test_null)
{
	struct parse_result	r;

	r.kind = PARSE_CHECKIN;
	parse_message(NULL, CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_EMPTY);
	ck_assert_str_eq(r.code, "");
}
END_TEST

START_TEST(test_names)
{
	static const struct {
		enum parse_kind	 kind;
		const char	*name;
	} names[] = {
		{ PARSE_EMPTY, "empty" },
		{ PARSE_CHECKIN, "checkin" },
		{ PARSE_BADCODE, "badcode" },
		{ PARSE_BADCOUNT, "badcount" },
		{ PARSE_CHECKOUT, "checkout" },
		{ PARSE_YES, "yes" },
		{ PARSE_NO, "no" },
		{ PARSE_DECLARE, "declare" },
		{ PARSE_HELP, "help" },
		{ PARSE_LANG, "lang" },
		{ PARSE_STOP, "stop" },
		{ PARSE_START, "start" },
		{ PARSE_HISTORY, "history" },
		{ PARSE_STATS, "stats" },
		{ PARSE_UNKNOWN, "unknown" },
	};
	size_t	i;

	for (i = 0; i < nitems(names); i++)
		ck_assert_str_eq(parse_kind_name(names[i].kind), names[i].name);
	ck_assert_str_eq(parse_kind_name((enum parse_kind)99), "invalid");
}
END_TEST

/* The keywords are data: a table handed in replaces the built-in one. */
START_TEST(test_words)
{
	static const struct msg_keyword	 kw[] = {
		{ "vao", KW_CHECKIN, LANG_VI },		/* "vào" */
		{ "check in", KW_CHECKIN, LANG_VI },
		{ "ve", KW_CHECKOUT, LANG_VI },		/* "về" */
		{ "da", KW_YES, LANG_VI },		/* "dạ" */
		{ "baat", KW_YES, 2 },
		{ "chuoy", KW_HELP, 2 },
		{ "km", KW_LANG, 2 },
		{ "vi", KW_LANG, LANG_VI },
	};
	struct msg_texts	 t;
	struct parse_result	 r;

	memset(&t, 0, sizeof t);
	t.kw = (struct msg_keyword *)kw;
	t.nkw = nitems(kw);

	parse_message_words(&t, "vao 123 4567 +2", CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_CHECKIN);
	ck_assert_str_eq(r.code, "1234567");
	ck_assert_int_eq(r.companions, 2);
	parse_message_words(&t, "check in:1234567", CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_CHECKIN);
	parse_message_words(&t, "ve", CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_CHECKOUT);
	parse_message_words(&t, "ve 1234567", CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_CHECKOUT);
	ck_assert_str_eq(r.code, "1234567");
	parse_message_words(&t, "da.", CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_YES);
	parse_message_words(&t, "baat", CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_YES);
	parse_message_words(&t, "chuoy", CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_HELP);
	parse_message_words(&t, "km", CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_LANG);
	ck_assert_int_eq(r.lang, 2);
	parse_message_words(&t, "vi", CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_LANG);
	ck_assert_int_eq(r.lang, LANG_VI);

	/* What the table leaves out is no keyword any more. */
	parse_message_words(&t, "co", CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_UNKNOWN);
	parse_message_words(&t, "ra", CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_UNKNOWN);
	/* A code anywhere is a check-in: "ra" no longer checks out. */
	parse_message_words(&t, "ra 1234567", CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_CHECKIN);
	ck_assert_str_eq(r.code, "1234567");
	/* A bare code needs no keyword. */
	parse_message_words(&t, "1234567", CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_CHECKIN);

	/* No table: the built-in keywords, as parse_message. */
	parse_message_words(NULL, "co", CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_YES);
	t.kw = NULL;
	parse_message_words(&t, "ra", CODE_LEN, &r);
	ck_assert_int_eq(r.kind, PARSE_CHECKOUT);
	/* "vao" is no built-in keyword: "vao ra 1234567" is no check-in, it
	 * holds the command "ra"; with "vao" a keyword it would be one. */
	parse_message_words(&t, "vao ra 1234567", CODE_LEN, &r);
	ck_assert_int_ne(r.kind, PARSE_CHECKIN);
}
END_TEST

static Suite *
parse_suite(void)
{
	Suite	*s = suite_create("parse");
	TCase	*tc = tcase_create("core");

	tcase_add_loop_test(tc, test_table, 0, nitems(cases));
	tcase_add_test(tc, test_code_len);
	tcase_add_test(tc, test_long);
	tcase_add_test(tc, test_null);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_words);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(parse_suite());
}
