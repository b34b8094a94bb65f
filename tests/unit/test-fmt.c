/* test-fmt.c: the inbound HTTP formats (json, kannel, twilio, africastalking), parse and render. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "config/config.h"
#include "core/dialog.h"
#include "core/ussd.h"
#include "chan/fmt.h"
#include "unit.h"

#define TW_URL		"https://gw.example.org/sms/twilio"
#define TW_TOKEN	"tok3n"
#define TW_FORM		"ToCountry=VN&From=%2B84912345678&To=%2B18005551212" \
			"&Body=Xin+ch%C3%A0o+%3C1%3E&MessageSid=SM0123456789abcdef" \
			"&AccountSid=AC1&NumMedia=0"
#define TW_SIG		"WInw5KZ5sV2mFs+Kuzoc7+t1hqU="

/* "Xin chào" as the UTF-16BE bytes Kannel posts without mo-recode. */
#define XIN_CHAO_UTF16	"\0X\0i\0n\0 \0c\0h\0\xe0\0o"
#define XIN_CHAO	"Xin ch\xc3\xa0o"
#define HA_NOI_Q	"%00X%00i%00n%00%20%00c%00h%00%E0%00o%00%20%00H%00%E0%00%20%00N%1E%D9%00i"
#define HA_NOI		"Xin ch\xc3\xa0o H\xc3\xa0 N\xe1\xbb\x99i"

#define N65		"12345678901234567890123456789012345678901234567890123456789012345"
#define ID129		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

struct pcase {
	const char	*desc;
	const char	*format;
	int		 post;
	const char	*query;
	const char	*body;
	size_t		 bodylen;	/* 0: strlen(body) */
	struct unit_hdr	 hdrs[8];
	const char	*secret;
	const char	*auth_token;
	const char	*url;
	int		 status;	/* 0: parsed */
	const char	*reason;	/* must appear in the reason of a failure */
	const char	*from;
	const char	*to;
	const char	*text;
	size_t		 textlen;	/* 0: strlen(text) */
	const char	*ext_id;
	int64_t		 sent_at;
};

static const struct pcase pcases[] = {
	/* json */
	{ .desc = "json full", .format = "json", .post = 1,
	  .body = "{\"from\":\"0912345678\",\"to\":\"8088\",\"text\":\"1234567\","
	    "\"id\":\"m1\",\"sent_at\":\"2021-09-16T08:00:00+07:00\"}",
	  .from = "0912345678", .to = "8088", .text = "1234567", .ext_id = "m1",
	  .sent_at = 1631754000 },
	{ .desc = "json minimal", .format = "json", .post = 1,
	  .body = "{\"from\":\"+84912345678\",\"text\":\"HD\"}",
	  .from = "+84912345678", .text = "HD" },
	{ .desc = "json utf-8 and unknown members", .format = "json", .post = 1,
	  .body = "{\"text\":\"M\xc3\xa3 123 4567\",\"from\":\"0912\",\"x\":[1,{}]}",
	  .from = "0912", .text = "M\xc3\xa3 123 4567" },
	{ .desc = "json escapes", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"a\\u1ed9\\n\\\"\"}",
	  .from = "1", .text = "a\xe1\xbb\x99\n\"" },
	{ .desc = "json nulls", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"\",\"to\":null,\"id\":null,\"sent_at\":null}",
	  .from = "1", .text = "" },
	{ .desc = "json GET", .format = "json", .post = 0, .query = "from=1&text=x",
	  .status = 405 },
	{ .desc = "json bad", .format = "json", .post = 1, .body = "{\"from\":",
	  .status = 400, .reason = "bad JSON" },
	{ .desc = "json empty body", .format = "json", .post = 1, .body = "",
	  .status = 400, .reason = "bad JSON" },
	{ .desc = "json trailing junk", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\"} x", .status = 400 },
	{ .desc = "json array", .format = "json", .post = 1, .body = "[1]",
	  .status = 400, .reason = "object" },
	{ .desc = "json missing from", .format = "json", .post = 1,
	  .body = "{\"text\":\"x\"}", .status = 400, .reason = "missing from" },
	{ .desc = "json empty from", .format = "json", .post = 1,
	  .body = "{\"from\":\"\",\"text\":\"x\"}", .status = 400, .reason = "missing from" },
	{ .desc = "json missing text", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\"}", .status = 400, .reason = "missing text" },
	{ .desc = "json from number", .format = "json", .post = 1,
	  .body = "{\"from\":84912345678,\"text\":\"x\"}", .status = 400,
	  .reason = "from must be a string" },
	{ .desc = "json text number", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":5}", .status = 400,
	  .reason = "text must be a string" },
	{ .desc = "json to array", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"to\":[]}", .status = 400,
	  .reason = "to must be a string" },
	{ .desc = "json invalid utf-8", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"a\xff\"}", .status = 400, .reason = "bad JSON" },
	{ .desc = "json overlong utf-8", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"\xc0\xaf\"}", .status = 400 },
	{ .desc = "json \\u0000", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"a\\u0000b\"}", .status = 400,
	  .reason = "bad JSON" },
	{ .desc = "json raw NUL", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"a\0b\"}", .bodylen = 25, .status = 400 },
	{ .desc = "json lone surrogate escape", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"\\ud800\"}", .status = 400 },
	{ .desc = "json duplicate key", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"from\":\"2\",\"text\":\"x\"}", .status = 400 },
	{ .desc = "json number too long", .format = "json", .post = 1,
	  .body = "{\"from\":\"" N65 "\",\"text\":\"x\"}", .status = 400,
	  .reason = "number too long" },
	{ .desc = "json to too long", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"to\":\"" N65 "\",\"text\":\"x\"}", .status = 400,
	  .reason = "number too long" },
	{ .desc = "json id too long", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"id\":\"" ID129 "\",\"text\":\"x\"}", .status = 400,
	  .reason = "id too long" },
	{ .desc = "json id integer", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"id\":42}", .from = "1", .text = "x",
	  .ext_id = "42" },
	{ .desc = "json id negative", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"id\":-7}", .from = "1", .text = "x",
	  .ext_id = "-7" },
	{ .desc = "json id real", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"id\":1.5}", .status = 400, .reason = "id" },
	{ .desc = "json id object", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"id\":{}}", .status = 400 },
	{ .desc = "json sent_at Z", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"sent_at\":\"2021-09-16T01:00:00Z\"}",
	  .from = "1", .text = "x", .sent_at = 1631754000 },
	{ .desc = "json sent_at +0700 fraction", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"sent_at\":\"2021-09-16T08:00:00.250+0700\"}",
	  .from = "1", .text = "x", .sent_at = 1631754000 },
	{ .desc = "json sent_at negative offset", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"sent_at\":\"2021-09-15T20:30:00-04:30\"}",
	  .from = "1", .text = "x", .sent_at = 1631754000 },
	{ .desc = "json sent_at leap day", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"sent_at\":\"2024-02-29T00:00:00Z\"}",
	  .from = "1", .text = "x", .sent_at = 1709164800 },
	{ .desc = "json sent_at epoch", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"sent_at\":1631754000}",
	  .from = "1", .text = "x", .sent_at = 1631754000 },
	{ .desc = "json sent_at epoch string", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"sent_at\":\"946684800\"}",
	  .from = "1", .text = "x", .sent_at = 946684800 },
	{ .desc = "json sent_at words", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"sent_at\":\"yesterday\"}",
	  .status = 400, .reason = "bad sent_at" },
	{ .desc = "json sent_at no offset", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"sent_at\":\"2021-09-16T08:00:00\"}",
	  .status = 400, .reason = "bad sent_at" },
	{ .desc = "json sent_at Feb 29 2023", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"sent_at\":\"2023-02-29T00:00:00Z\"}",
	  .status = 400, .reason = "bad sent_at" },
	{ .desc = "json sent_at hour 24", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"sent_at\":\"2021-09-16T24:00:00Z\"}",
	  .status = 400, .reason = "bad sent_at" },
	{ .desc = "json sent_at junk after", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"sent_at\":\"2021-09-16T08:00:00Zjunk\"}",
	  .status = 400, .reason = "bad sent_at" },
	{ .desc = "json sent_at negative", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"sent_at\":-5}",
	  .status = 400, .reason = "bad sent_at" },
	{ .desc = "json sent_at real", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"sent_at\":1.5}",
	  .status = 400, .reason = "bad sent_at" },
	{ .desc = "json sent_at bool", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"sent_at\":true}",
	  .status = 400, .reason = "bad sent_at" },
	{ .desc = "json sent_at before 1970", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"text\":\"x\",\"sent_at\":\"1969-12-31T23:59:59Z\"}",
	  .status = 400, .reason = "bad sent_at" },
	{ .desc = "json bearer ok", .format = "json", .post = 1, .secret = "s3cr3t",
	  .hdrs = { { "Authorization", "Bearer s3cr3t" } },
	  .body = "{\"from\":\"1\",\"text\":\"x\"}", .from = "1", .text = "x" },
	{ .desc = "json bearer case and blanks", .format = "json", .post = 1,
	  .secret = "s3cr3t", .hdrs = { { "authorization", " bearer   s3cr3t  " } },
	  .body = "{\"from\":\"1\",\"text\":\"x\"}", .from = "1", .text = "x" },
	{ .desc = "json bearer wrong", .format = "json", .post = 1, .secret = "s3cr3t",
	  .hdrs = { { "Authorization", "Bearer s3cr3x" } },
	  .body = "{\"from\":\"1\",\"text\":\"x\"}", .status = 401,
	  .reason = "missing or wrong token" },
	{ .desc = "json bearer prefix", .format = "json", .post = 1, .secret = "s3cr3t",
	  .hdrs = { { "Authorization", "Bearer s3cr3" } },
	  .body = "{\"from\":\"1\",\"text\":\"x\"}", .status = 401 },
	{ .desc = "json bearer longer", .format = "json", .post = 1, .secret = "s3cr3t",
	  .hdrs = { { "Authorization", "Bearer s3cr3tt" } },
	  .body = "{\"from\":\"1\",\"text\":\"x\"}", .status = 401 },
	{ .desc = "json basic scheme", .format = "json", .post = 1, .secret = "s3cr3t",
	  .hdrs = { { "Authorization", "Basic s3cr3t" } },
	  .body = "{\"from\":\"1\",\"text\":\"x\"}", .status = 401 },
	{ .desc = "json bearer glued", .format = "json", .post = 1, .secret = "s3cr3t",
	  .hdrs = { { "Authorization", "Bearers3cr3t" } },
	  .body = "{\"from\":\"1\",\"text\":\"x\"}", .status = 401 },
	{ .desc = "json bearer missing", .format = "json", .post = 1, .secret = "s3cr3t",
	  .body = "{\"from\":\"1\",\"text\":\"x\"}", .status = 401 },
	{ .desc = "json auth before body", .format = "json", .post = 1, .secret = "s3cr3t",
	  .body = "not json", .status = 401 },

	/* kannel get-url */
	{ .desc = "kannel GET utf-8", .format = "kannel",
	  .query = "from=%2B84912345678&to=8088&text=Xin%20ch%C3%A0o%20H%C3%A0%20N%E1%BB%99i"
	    "&time=1631754000&id=0f6b1e0a-2d4c-4f0e-9a43-7c1b2f0e9d11&coding=0"
	    "&charset=UTF-8&smsc=viettel&udh=&foo=bar",
	  .from = "+84912345678", .to = "8088", .text = HA_NOI,
	  .ext_id = "0f6b1e0a-2d4c-4f0e-9a43-7c1b2f0e9d11", .sent_at = 1631754000 },
	{ .desc = "kannel GET plus is space", .format = "kannel",
	  .query = "from=0912345678&text=CI+123+4567",
	  .from = "0912345678", .text = "CI 123 4567" },
	{ .desc = "kannel GET utf-16be", .format = "kannel",
	  .query = "from=0912345678&to=8088&text=" HA_NOI_Q "&coding=2&charset=UTF-16BE",
	  .from = "0912345678", .to = "8088", .text = HA_NOI },
	{ .desc = "kannel GET xin chao utf-16be", .format = "kannel",
	  .query = "from=1&text=%00X%00i%00n%00%20%00c%00h%00%E0%00o&coding=2&charset=UTF-16BE",
	  .from = "1", .text = XIN_CHAO },
	{ .desc = "kannel GET coding 2 no charset", .format = "kannel",
	  .query = "from=1&text=" HA_NOI_Q "&coding=2", .from = "1", .text = HA_NOI },
	{ .desc = "kannel GET coding 2 empty charset", .format = "kannel",
	  .query = "from=1&text=" HA_NOI_Q "&coding=2&charset=", .from = "1", .text = HA_NOI },
	{ .desc = "kannel GET UCS-2 label", .format = "kannel",
	  .query = "from=1&text=" HA_NOI_Q "&coding=2&charset=UCS-2", .from = "1",
	  .text = HA_NOI },
	{ .desc = "kannel GET lower-case label", .format = "kannel",
	  .query = "from=1&text=" HA_NOI_Q "&charset=utf-16be", .from = "1", .text = HA_NOI },
	{ .desc = "kannel GET UTF-16 with LE BOM", .format = "kannel",
	  .query = "from=1&text=%FF%FEX%00%E0%00&charset=UTF-16", .from = "1",
	  .text = "X\xc3\xa0" },
	{ .desc = "kannel GET UTF-16 without BOM", .format = "kannel",
	  .query = "from=1&text=%00X%00%E0&charset=UTF-16", .from = "1", .text = "X\xc3\xa0" },
	{ .desc = "kannel GET surrogate pair", .format = "kannel",
	  .query = "from=1&text=%D8%3D%DE%00&coding=2", .from = "1",
	  .text = "\xf0\x9f\x98\x80" },
	{ .desc = "kannel GET lone surrogate", .format = "kannel",
	  .query = "from=1&text=%D8%3D%00A&coding=2", .from = "1", .text = "\xef\xbf\xbd" "A" },
	{ .desc = "kannel GET utf-16 NUL unit", .format = "kannel",
	  .query = "from=1&text=%00a%00%00%00b&coding=2", .from = "1", .text = "a\0b",
	  .textlen = 3 },
	{ .desc = "kannel GET empty utf-16", .format = "kannel",
	  .query = "from=1&text=&coding=2", .from = "1", .text = "" },
	{ .desc = "kannel GET latin-1", .format = "kannel",
	  .query = "from=1&text=caf%E9&charset=ISO-8859-1", .from = "1", .text = "caf\xc3\xa9" },
	{ .desc = "kannel GET windows-1252", .format = "kannel",
	  .query = "from=1&text=%80%20%E0&charset=WINDOWS-1252", .from = "1",
	  .text = "\xe2\x82\xac \xc3\xa0" },
	{ .desc = "kannel GET 8-BIT", .format = "kannel",
	  .query = "from=1&text=%01%02&coding=1&charset=8-BIT", .from = "1", .text = "\x01\x02" },
	{ .desc = "kannel GET unknown charset", .format = "kannel",
	  .query = "from=1&text=abc&charset=KOI8-R", .status = 415, .reason = "charset" },
	{ .desc = "kannel GET charset prefix", .format = "kannel",
	  .query = "from=1&text=abc&charset=UTF-16BEX", .status = 415 },
	{ .desc = "kannel GET odd utf-16", .format = "kannel",
	  .query = "from=1&text=%00X%00&coding=2&charset=UTF-16BE", .status = 400,
	  .reason = "odd" },
	{ .desc = "kannel GET odd utf-16 no charset", .format = "kannel",
	  .query = "from=1&text=abc&coding=2", .status = 400 },
	{ .desc = "kannel GET coding 7", .format = "kannel",
	  .query = "from=1&text=abc&coding=7", .status = 415, .reason = "coding" },
	{ .desc = "kannel GET coding junk", .format = "kannel",
	  .query = "from=1&text=abc&coding=2x", .status = 415 },
	{ .desc = "kannel GET coding undefined", .format = "kannel",
	  .query = "from=1&text=abc&coding=-1", .from = "1", .text = "abc" },
	{ .desc = "kannel GET invalid utf-8 passed", .format = "kannel",
	  .query = "from=1&text=%FF%FEa&charset=UTF-8", .from = "1", .text = "\xff\xfe" "a" },
	{ .desc = "kannel GET NUL kept", .format = "kannel",
	  .query = "from=1&text=a%00b", .from = "1", .text = "a\0b", .textlen = 3 },
	{ .desc = "kannel GET no text", .format = "kannel", .query = "from=1",
	  .from = "1", .text = "" },
	{ .desc = "kannel GET no query", .format = "kannel", .status = 400,
	  .reason = "missing from" },
	{ .desc = "kannel GET empty from", .format = "kannel", .query = "from=&text=x",
	  .status = 400, .reason = "missing from" },
	{ .desc = "kannel GET from with NUL", .format = "kannel",
	  .query = "from=1%002&text=x", .status = 400, .reason = "bad from" },
	{ .desc = "kannel GET number too long", .format = "kannel",
	  .query = "from=" N65 "&text=x", .status = 400, .reason = "number too long" },
	{ .desc = "kannel GET id too long", .format = "kannel",
	  .query = "from=1&text=x&id=" ID129, .status = 400, .reason = "id too long" },
	{ .desc = "kannel GET odd pieces", .format = "kannel",
	  .query = "&&from=1&&text&=z&to=2&", .from = "1", .to = "2", .text = "" },
	{ .desc = "kannel GET first value wins", .format = "kannel",
	  .query = "from=1&from=2&text=a&text=b", .from = "1", .text = "a" },
	{ .desc = "kannel GET time text", .format = "kannel",
	  .query = "from=1&text=x&time=2021-09-16+01%3A00%3A00", .from = "1", .text = "x",
	  .sent_at = 1631754000 },
	{ .desc = "kannel GET time junk ignored", .format = "kannel",
	  .query = "from=1&text=x&time=soon", .from = "1", .text = "x" },
	{ .desc = "kannel GET from header", .format = "kannel",
	  .hdrs = { { "X-Kannel-From", "+84912345678" } }, .query = "text=x",
	  .from = "+84912345678", .text = "x" },
	{ .desc = "kannel secret ok", .format = "kannel", .secret = "k3y",
	  .query = "secret=k3y&from=1&text=x", .from = "1", .text = "x" },
	{ .desc = "kannel secret encoded", .format = "kannel", .secret = "k 3&y",
	  .query = "secret=k+3%26y&from=1&text=x", .from = "1", .text = "x" },
	{ .desc = "kannel secret header", .format = "kannel", .secret = "k3y",
	  .hdrs = { { "X-Checkind-Secret", "k3y" } },
	  .query = "from=1&text=x", .from = "1", .text = "x" },
	{ .desc = "kannel secret wrong", .format = "kannel", .secret = "k3y",
	  .query = "secret=k3x&from=1&text=x", .status = 401, .reason = "secret" },
	{ .desc = "kannel secret prefix", .format = "kannel", .secret = "k3y",
	  .query = "secret=k3&from=1&text=x", .status = 401 },
	{ .desc = "kannel secret NUL suffix", .format = "kannel", .secret = "k3y",
	  .query = "secret=k3y%00&from=1&text=x", .status = 401 },
	{ .desc = "kannel secret missing", .format = "kannel", .secret = "k3y",
	  .query = "from=1&text=x", .status = 401 },
	{ .desc = "kannel secret header wrong", .format = "kannel", .secret = "k3y",
	  .hdrs = { { "X-Checkind-Secret", "nope" } },
	  .query = "from=1&text=x", .status = 401 },

	/* kannel post-url */
	{ .desc = "kannel POST utf-16be with headers", .format = "kannel", .post = 1,
	  .secret = "k3y", .query = "secret=k3y&id=abc-1",
	  .body = XIN_CHAO_UTF16, .bodylen = 16,
	  .hdrs = { { "Content-Type", "text/plain; charset=\"UTF-16BE\"" },
	    { "X-Kannel-From", "+84912345678" }, { "X-Kannel-To", "8088" },
	    { "X-Kannel-Time", "2021-09-16 01:00:00" }, { "X-Kannel-Coding", "2" },
	    { "X-Kannel-SMSC", "viettel" }, { "X-Kannel-Service", "checkin" } },
	  .from = "+84912345678", .to = "8088", .text = XIN_CHAO, .ext_id = "abc-1",
	  .sent_at = 1631754000 },
	{ .desc = "kannel POST utf-16be coding only", .format = "kannel", .post = 1,
	  .body = XIN_CHAO_UTF16, .bodylen = 16,
	  .hdrs = { { "Content-Type", "application/octet-stream" },
	    { "X-Kannel-From", "1" }, { "X-Kannel-Coding", "2" } },
	  .from = "1", .text = XIN_CHAO },
	{ .desc = "kannel POST utf-8", .format = "kannel", .post = 1,
	  .body = "M\xc3\xa3 123 4567",
	  .hdrs = { { "Content-Type", "text/plain; charset=UTF-8" },
	    { "X-Kannel-From", "1" }, { "X-Kannel-To", "8088" },
	    { "X-Kannel-ID", "kid" }, { "X-Kannel-Coding", "0" } },
	  .from = "1", .to = "8088", .text = "M\xc3\xa3 123 4567", .ext_id = "kid" },
	{ .desc = "kannel POST latin-1 content type", .format = "kannel", .post = 1,
	  .body = "caf\xe9",
	  .hdrs = { { "Content-Type", "text/plain;charset=iso-8859-1" },
	    { "X-Kannel-From", "1" } },
	  .from = "1", .text = "caf\xc3\xa9" },
	{ .desc = "kannel POST unknown content charset", .format = "kannel", .post = 1,
	  .body = "x", .hdrs = { { "Content-Type", "text/plain; charset=\"EBCDIC\"" },
	    { "X-Kannel-From", "1" } }, .status = 415 },
	{ .desc = "kannel POST odd utf-16", .format = "kannel", .post = 1,
	  .body = "\0X\0", .bodylen = 3,
	  .hdrs = { { "Content-Type", "text/plain; charset=\"UTF-16BE\"" },
	    { "X-Kannel-From", "1" } }, .status = 400 },
	{ .desc = "kannel POST NUL kept", .format = "kannel", .post = 1,
	  .body = "a\0b", .bodylen = 3,
	  .hdrs = { { "Content-Type", "text/plain" }, { "X-Kannel-From", "1" } },
	  .from = "1", .text = "a\0b", .textlen = 3 },
	{ .desc = "kannel POST form", .format = "kannel", .post = 1,
	  .body = "from=0912345678&to=8088&text=KB&coding=0",
	  .hdrs = { { "Content-Type", "application/x-www-form-urlencoded" } },
	  .from = "0912345678", .to = "8088", .text = "KB" },
	{ .desc = "kannel POST form utf-16", .format = "kannel", .post = 1,
	  .body = "from=1&text=" HA_NOI_Q "&coding=2&charset=UTF-16BE",
	  .hdrs = { { "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" } },
	  .from = "1", .text = HA_NOI },
	{ .desc = "kannel POST empty body, query text", .format = "kannel", .post = 1,
	  .query = "from=1&text=RA", .body = "", .from = "1", .text = "RA" },
	{ .desc = "kannel POST without from", .format = "kannel", .post = 1,
	  .body = "x", .hdrs = { { "Content-Type", "text/plain" } }, .status = 400,
	  .reason = "missing from" },
	{ .desc = "kannel POST secret missing", .format = "kannel", .post = 1,
	  .secret = "k3y", .body = "x",
	  .hdrs = { { "Content-Type", "text/plain" }, { "X-Kannel-From", "1" } },
	  .status = 401 },
	{ .desc = "kannel POST secret in form", .format = "kannel", .post = 1,
	  .secret = "k3y", .body = "secret=k3y&from=1&text=x",
	  .hdrs = { { "Content-Type", "application/x-www-form-urlencoded" } },
	  .from = "1", .text = "x" },

	/* twilio */
	{ .desc = "twilio ok", .format = "twilio", .post = 1, .auth_token = TW_TOKEN,
	  .url = TW_URL, .body = TW_FORM, .hdrs = { { "X-Twilio-Signature", TW_SIG } },
	  .from = "+84912345678", .to = "+18005551212", .text = "Xin ch\xc3\xa0o <1>",
	  .ext_id = "SM0123456789abcdef" },
	{ .desc = "twilio no To", .format = "twilio", .post = 1, .auth_token = TW_TOKEN,
	  .url = TW_URL, .body = "From=%2B84912345678&Body=x&MessageSid=SM1",
	  .hdrs = { { "X-Twilio-Signature", "fKwO55794HO3XCUpxMjnqGpvhwM=" } },
	  .from = "+84912345678", .text = "x", .ext_id = "SM1" },
	{ .desc = "twilio SmsSid and empty Body", .format = "twilio", .post = 1,
	  .auth_token = TW_TOKEN, .url = TW_URL,
	  .body = "From=%2B84912345678&Body=&SmsSid=SM9",
	  .hdrs = { { "X-Twilio-Signature", "6aFXesnC293Yx2KlJCHhXGmB/I4=" } },
	  .from = "+84912345678", .text = "", .ext_id = "SM9" },
	{ .desc = "twilio no From", .format = "twilio", .post = 1, .auth_token = TW_TOKEN,
	  .url = TW_URL, .body = "Body=x&MessageSid=SM1",
	  .hdrs = { { "X-Twilio-Signature", "oe1GzDI7VxRdk3IpLWPCNbpHCag=" } },
	  .status = 400, .reason = "missing from" },
	{ .desc = "twilio tampered body", .format = "twilio", .post = 1,
	  .auth_token = TW_TOKEN, .url = TW_URL,
	  .body = "ToCountry=VN&From=%2B84912345679&To=%2B18005551212"
	    "&Body=Xin+ch%C3%A0o+%3C1%3E&MessageSid=SM0123456789abcdef&AccountSid=AC1&NumMedia=0",
	  .hdrs = { { "X-Twilio-Signature", TW_SIG } }, .status = 403,
	  .reason = "bad signature" },
	{ .desc = "twilio other url", .format = "twilio", .post = 1, .auth_token = TW_TOKEN,
	  .url = "http://gw.example.org/sms/twilio", .body = TW_FORM,
	  .hdrs = { { "X-Twilio-Signature", TW_SIG } }, .status = 403 },
	{ .desc = "twilio other token", .format = "twilio", .post = 1, .auth_token = "tok3N",
	  .url = TW_URL, .body = TW_FORM,
	  .hdrs = { { "X-Twilio-Signature", TW_SIG } }, .status = 403 },
	{ .desc = "twilio truncated signature", .format = "twilio", .post = 1,
	  .auth_token = TW_TOKEN, .url = TW_URL, .body = TW_FORM,
	  .hdrs = { { "X-Twilio-Signature", "WInw5KZ5sV2mFs+Kuzoc7+t1hqU" } }, .status = 403 },
	{ .desc = "twilio empty signature", .format = "twilio", .post = 1,
	  .auth_token = TW_TOKEN, .url = TW_URL, .body = TW_FORM,
	  .hdrs = { { "X-Twilio-Signature", "" } }, .status = 403 },
	{ .desc = "twilio missing signature", .format = "twilio", .post = 1,
	  .auth_token = TW_TOKEN, .url = TW_URL, .body = TW_FORM, .status = 403,
	  .reason = "missing signature" },
	{ .desc = "twilio route without auth_token", .format = "twilio", .post = 1,
	  .url = TW_URL, .body = TW_FORM, .hdrs = { { "X-Twilio-Signature", TW_SIG } },
	  .status = 403 },
	{ .desc = "twilio GET", .format = "twilio", .post = 0, .auth_token = TW_TOKEN,
	  .url = TW_URL, .query = TW_FORM, .hdrs = { { "X-Twilio-Signature", TW_SIG } },
	  .status = 405 },

	/* africastalking */
	{ .desc = "at full", .format = "africastalking", .post = 1,
	  .hdrs = { { "Content-Type", "application/x-www-form-urlencoded" } },
	  .body = "linkId=SampleLinkId123&text=Xin+ch%C3%A0o+H%C3%A0+N%E1%BB%99i&to=8088"
	    "&id=ATSMSid_12345&date=2021-09-16+01%3A00%3A00&from=%2B84912345678",
	  .from = "+84912345678", .to = "8088", .text = HA_NOI, .ext_id = "ATSMSid_12345",
	  .sent_at = 1631754000 },
	{ .desc = "at iso date with fraction", .format = "africastalking", .post = 1,
	  .body = "from=%2B84912345678&to=8088&text=1234567&id=a1"
	    "&date=2021-09-16T01%3A00%3A00.522Z",
	  .from = "+84912345678", .to = "8088", .text = "1234567", .ext_id = "a1",
	  .sent_at = 1631754000 },
	{ .desc = "at date with offset", .format = "africastalking", .post = 1,
	  .body = "from=1&text=x&date=2021-09-16T04%3A00%3A00%2B03%3A00",
	  .from = "1", .text = "x", .sent_at = 1631754000 },
	{ .desc = "at date junk ignored", .format = "africastalking", .post = 1,
	  .body = "from=1&text=x&date=yesterday", .from = "1", .text = "x" },
	{ .desc = "at date too long ignored", .format = "africastalking", .post = 1,
	  .body = "from=1&text=x&date=" N65 N65, .from = "1", .text = "x" },
	{ .desc = "at charset in content type", .format = "africastalking", .post = 1,
	  .hdrs = { { "Content-Type", "application/x-www-form-urlencoded; charset=UTF-8" } },
	  .body = "from=0912345678&text=KB", .from = "0912345678", .text = "KB" },
	{ .desc = "at no text", .format = "africastalking", .post = 1, .body = "from=1&to=8088",
	  .from = "1", .to = "8088", .text = "" },
	{ .desc = "at NUL kept", .format = "africastalking", .post = 1,
	  .body = "from=1&text=a%00b", .from = "1", .text = "a\0b", .textlen = 3 },
	{ .desc = "at invalid utf-8 passed", .format = "africastalking", .post = 1,
	  .body = "from=1&text=%FFa", .from = "1", .text = "\xff" "a" },
	{ .desc = "at unknown fields ignored", .format = "africastalking", .post = 1,
	  .body = "networkCode=45204&from=1&text=x&cost=0&&=&x", .from = "1", .text = "x" },
	{ .desc = "at first value wins", .format = "africastalking", .post = 1,
	  .body = "from=1&from=2&text=a&text=b", .from = "1", .text = "a" },
	{ .desc = "at query ignored for fields", .format = "africastalking", .post = 1,
	  .query = "from=9&text=q", .body = "from=1&text=x", .from = "1", .text = "x" },
	{ .desc = "at missing from", .format = "africastalking", .post = 1,
	  .body = "to=8088&text=x", .status = 400, .reason = "missing from" },
	{ .desc = "at empty body", .format = "africastalking", .post = 1, .body = "",
	  .status = 400, .reason = "missing from" },
	{ .desc = "at from too long", .format = "africastalking", .post = 1,
	  .body = "from=" N65 "&text=x", .status = 400, .reason = "number too long" },
	{ .desc = "at from with NUL", .format = "africastalking", .post = 1,
	  .body = "from=1%002&text=x", .status = 400, .reason = "bad from" },
	{ .desc = "at id too long", .format = "africastalking", .post = 1,
	  .body = "from=1&text=x&id=" ID129, .status = 400, .reason = "id too long" },
	{ .desc = "at GET", .format = "africastalking", .post = 0,
	  .query = "from=1&text=x", .status = 405 },
	{ .desc = "at JSON body", .format = "africastalking", .post = 1,
	  .hdrs = { { "Content-Type", "application/json" } },
	  .body = "{\"from\":\"1\",\"text\":\"x\"}", .status = 415 },
	{ .desc = "at secret in query", .format = "africastalking", .post = 1,
	  .secret = "k3y", .query = "secret=k3y", .body = "from=1&text=x",
	  .from = "1", .text = "x" },
	{ .desc = "at secret header", .format = "africastalking", .post = 1,
	  .secret = "k3y", .hdrs = { { "X-Checkind-Secret", "k3y" } },
	  .body = "from=1&text=x", .from = "1", .text = "x" },
	{ .desc = "at secret wrong", .format = "africastalking", .post = 1,
	  .secret = "k3y", .query = "secret=k3Y", .body = "from=1&text=x", .status = 401,
	  .reason = "secret" },
	{ .desc = "at secret missing", .format = "africastalking", .post = 1,
	  .secret = "k3y", .body = "from=1&text=x", .status = 401 },
	{ .desc = "at secret only in body", .format = "africastalking", .post = 1,
	  .secret = "k3y", .body = "secret=k3y&from=1&text=x", .status = 401 },
	{ .desc = "at secret before content type", .format = "africastalking", .post = 1,
	  .secret = "k3y", .hdrs = { { "Content-Type", "text/plain" } },
	  .body = "x", .status = 401 },
};

START_TEST(test_parse_case)
{
	const struct pcase	*c = &pcases[_i];
	const struct fmt_entry	*fe;
	struct inbound_route	 route;
	struct web_request	 req;
	struct fmt_inbound	 in;
	char			 err[256];
	size_t			 tlen;
	int			 rc;

	memset(&route, 0, sizeof route);
	route.name = (char *)"test";
	route.format = (char *)c->format;
	route.secret = (char *)c->secret;
	route.auth_token = (char *)c->auth_token;

	memset(&req, 0, sizeof req);
	req.post = c->post;
	req.query = c->query;
	req.body = c->body;
	req.bodylen = c->body == NULL ? 0 : c->bodylen != 0 ? c->bodylen : strlen(c->body);
	req.url = c->url;
	req.header = unit_header;
	req.hctx = (void *)c->hdrs;
	req.route = &route;

	fe = fmt_find(c->format);
	ck_assert_ptr_nonnull(fe);
	memset(&in, 0xa5, sizeof in);	/* parse must not trust what it is given */
	err[0] = '\0';
	rc = fe->parse(&req, &in, err, sizeof err);
	ck_assert_msg(rc == c->status, "%s: status %d, want %d (%s)", c->desc, rc,
	    c->status, err);
	if (c->status != 0) {
		ck_assert_msg(err[0] != '\0', "%s: no reason", c->desc);
		ck_assert_msg(strchr(err, '\n') == NULL && strchr(err, '\r') == NULL,
		    "%s: reason spans lines", c->desc);
		if (c->reason != NULL)
			ck_assert_msg(strstr(err, c->reason) != NULL,
			    "%s: reason \"%s\" lacks \"%s\"", c->desc, err, c->reason);
		if (c->secret != NULL)
			ck_assert(strstr(err, c->secret) == NULL);
		ck_assert_ptr_null(in.from);
		ck_assert_ptr_null(in.text);
		fmt_inbound_free(&in);
		return;
	}
	ck_assert_msg(in.from != NULL && strcmp(in.from, c->from) == 0,
	    "%s: from %s", c->desc, in.from != NULL ? in.from : "(null)");
	if (c->to == NULL)
		ck_assert_msg(in.to == NULL, "%s: to %s", c->desc, in.to);
	else
		ck_assert_msg(in.to != NULL && strcmp(in.to, c->to) == 0, "%s: to", c->desc);
	if (c->ext_id == NULL)
		ck_assert_msg(in.ext_id == NULL, "%s: id %s", c->desc, in.ext_id);
	else
		ck_assert_msg(in.ext_id != NULL && strcmp(in.ext_id, c->ext_id) == 0,
		    "%s: id %s", c->desc, in.ext_id != NULL ? in.ext_id : "(null)");
	tlen = c->textlen != 0 ? c->textlen : strlen(c->text);
	ck_assert_ptr_nonnull(in.text);
	ck_assert_msg(in.textlen == tlen, "%s: textlen %zu, want %zu", c->desc,
	    in.textlen, tlen);
	ck_assert_msg(memcmp(in.text, c->text, tlen) == 0, "%s: text differs", c->desc);
	ck_assert_msg(in.text[tlen] == '\0', "%s: text not terminated", c->desc);
	ck_assert_msg(in.sent_at == c->sent_at, "%s: sent_at %lld, want %lld", c->desc,
	    (long long)in.sent_at, (long long)c->sent_at);
	fmt_inbound_free(&in);
	ck_assert_ptr_null(in.text);
	fmt_inbound_free(&in);
}
END_TEST

/* Twilio's own worked example ("Webhooks security"), parameters out of order. */
START_TEST(test_twilio_vector)
{
	static const char	 form[] = "To=%2B18005551212&CallSid=CA1234567890ABCDE"
	    "&Digits=1234&From=%2B12349013030&Caller=%2B12349013030";
	char			*sig;

	sig = web_twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2",
	    form, strlen(form));
	ck_assert_str_eq(sig, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
	free(sig);

	sig = web_twilio_signature(TW_TOKEN, TW_URL, TW_FORM, strlen(TW_FORM));
	ck_assert_str_eq(sig, TW_SIG);
	free(sig);

	/* Same name twice: sorted by value too. */
	sig = web_twilio_signature(TW_TOKEN, TW_URL,
	    "From=%2B84912345678&Body=b&Body=a&MessageSid=SM2",
	    strlen("From=%2B84912345678&Body=b&Body=a&MessageSid=SM2"));
	ck_assert_str_eq(sig, "db5sCb4T0MAcJqvxC2bQ9WR3zXQ=");
	free(sig);

	sig = web_twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2",
	    form, strlen(form) - 1);
	ck_assert_str_ne(sig, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
	free(sig);
}
END_TEST

/* A text longer than TEXT_MAX is taken whole: the core cuts it. */
START_TEST(test_long_text)
{
	struct web_request	 req;
	struct fmt_inbound	 in;
	struct inbound_route	 route;
	char			*body, err[128];
	size_t			 n = TEXT_MAX + 1000;

	body = malloc(n + 64);
	ck_assert_ptr_nonnull(body);
	strcpy(body, "{\"from\":\"1\",\"text\":\"");
	memset(body + strlen(body), 'a', n);
	strcpy(body + strlen("{\"from\":\"1\",\"text\":\"") + n, "\"}");
	memset(&route, 0, sizeof route);
	memset(&req, 0, sizeof req);
	req.post = 1;
	req.body = body;
	req.bodylen = strlen(body);
	req.route = &route;
	ck_assert_int_eq(fmt_find("json")->parse(&req, &in, err, sizeof err), 0);
	ck_assert_uint_eq(in.textlen, n);
	fmt_inbound_free(&in);
	free(body);
}
END_TEST

/* A request with no header callback at all. */
START_TEST(test_no_headers)
{
	struct web_request	 req;
	struct fmt_inbound	 in;
	struct inbound_route	 route;
	char			 err[128];

	memset(&route, 0, sizeof route);
	memset(&req, 0, sizeof req);
	req.query = "from=1&text=x";
	req.route = &route;
	ck_assert_int_eq(fmt_find("kannel")->parse(&req, &in, err, sizeof err), 0);
	fmt_inbound_free(&in);
	route.secret = (char *)"k";
	ck_assert_int_eq(fmt_find("kannel")->parse(&req, &in, err, sizeof err), 401);
	req.post = 1;
	ck_assert_int_eq(fmt_find("json")->parse(&req, &in, err, sizeof err), 401);
	ck_assert_int_eq(fmt_find("africastalking")->parse(&req, &in, err, sizeof err), 401);
	route.auth_token = (char *)"k";
	ck_assert_int_eq(fmt_find("twilio")->parse(&req, &in, err, sizeof err), 403);
}
END_TEST

struct tcase_time {
	const char	*s;
	int		 utc_default;
	int		 ok;
	int64_t		 t;
};

static const struct tcase_time tcases[] = {
	{ "2021-09-16T08:00:00+07:00", 0, 1, 1631754000 },
	{ "2021-09-16T01:00:00Z", 0, 1, 1631754000 },
	{ "2021-09-16t01:00:00z", 0, 1, 1631754000 },
	{ "2021-09-16T08:00+07:00", 0, 1, 1631754000 },
	{ "2021-09-16T08:00:00+07", 0, 1, 1631754000 },
	{ "2021-09-16T08:00:00,5+0700", 0, 1, 1631754000 },
	{ "2021-09-16 01:00:00", 1, 1, 1631754000 },
	{ "2021-09-16 01:00:00", 0, 0, 0 },
	{ "1631754000", 0, 1, 1631754000 },
	{ "0", 0, 1, 0 },
	{ "1970-01-01T00:00:00Z", 0, 1, 0 },
	{ "2000-01-01T00:00:00Z", 0, 1, 946684800 },
	{ "9999-12-31T23:59:59Z", 0, 1, 253402300799LL },
	{ "253402300800", 0, 0, 0 },
	{ "99999999999999999999999", 0, 0, 0 },
	{ "-1", 0, 0, 0 },
	{ "", 0, 0, 0 },
	{ "2021-09-16", 1, 0, 0 },
	{ "2021-9-16T08:00:00Z", 0, 0, 0 },
	{ "2021-09-16T08:00:00+7:00", 0, 0, 0 },
	{ "2021-09-16T08:00:00+07:0", 0, 0, 0 },
	{ "2021-09-16T08:00:00+24:00", 0, 0, 0 },
	{ "2021-09-16T08:60:00Z", 0, 0, 0 },
	{ "2021-09-16T08:00:61Z", 0, 0, 0 },
	{ "2021-13-01T00:00:00Z", 0, 0, 0 },
	{ "2021-00-01T00:00:00Z", 0, 0, 0 },
	{ "2021-04-31T00:00:00Z", 0, 0, 0 },
	{ "2100-02-29T00:00:00Z", 0, 0, 0 },
	{ "2000-02-29T00:00:00Z", 0, 1, 951782400 },
	{ "2021-09-16T08:00:00.Z", 0, 0, 0 },
	{ "2021-09-16T08:00:00Z ", 0, 0, 0 },
	{ " 2021-09-16T08:00:00Z", 0, 0, 0 },
	{ "1970-01-01T00:00:00+01:00", 0, 0, 0 },
};

START_TEST(test_time_case)
{
	const struct tcase_time	*c = &tcases[_i];
	int64_t			 t = -42;
	int			 rc;

	rc = web_time_parse(c->s, c->utc_default, &t);
	ck_assert_msg((rc == 0) == c->ok, "\"%s\": rc %d", c->s, rc);
	if (c->ok)
		ck_assert_msg(t == c->t, "\"%s\": %lld, want %lld", c->s, (long long)t,
		    (long long)c->t);
}
END_TEST

struct rcase {
	const char	*format;
	size_t		 n;
	const char	*replies[DIALOG_REPLIES_MAX];
	const char	*content_type;
	const char	*body;
	const char	*header_name;	/* NULL: no extra header */
	const char	*header_value;
};

#define TWIML_HEAD	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"

static const struct rcase rcases[] = {
	{ "json", 0, { NULL }, "application/json", "{\"replies\":[]}", NULL, NULL },
	{ "json", 1, { "Da ghi nhan" }, "application/json",
	  "{\"replies\":[\"Da ghi nhan\"]}", NULL, NULL },
	{ "json", 2, { "Ma \"A\" \\ ok", "C\xe1\xba\xa3m \xc6\xa1n" }, "application/json",
	  "{\"replies\":[\"Ma \\\"A\\\" \\\\ ok\",\"C\xe1\xba\xa3m \xc6\xa1n\"]}", NULL, NULL },
	{ "json", 1, { "a\nb\tc" }, "application/json",
	  "{\"replies\":[\"a\\nb\\tc\"]}", NULL, NULL },
	{ "json", 1, { "a\xff" "b" }, "application/json",
	  "{\"replies\":[\"a\xef\xbf\xbd" "b\"]}", NULL, NULL },
	{ "kannel", 0, { NULL }, "text/plain; charset=UTF-8", "", NULL, NULL },
	{ "kannel", 2, { "Da ghi nhan", "Cam on" }, "text/plain; charset=UTF-8",
	  "Da ghi nhan\nCam on", NULL, NULL },
	{ "kannel", 1, { XIN_CHAO }, "text/plain; charset=UTF-8", XIN_CHAO, NULL, NULL },
	{ "kannel", 1, { "Gia 5\xe2\x82\xac [x]" }, "text/plain; charset=UTF-8",
	  "Gia 5\xe2\x82\xac [x]", NULL, NULL },
	{ "kannel", 1, { "C\xe1\xba\xa3m \xc6\xa1n" }, "text/plain; charset=UTF-8",
	  "C\xe1\xba\xa3m \xc6\xa1n", "X-Kannel-Coding", "2" },
	{ "kannel", 2, { "Da ghi nhan", HA_NOI }, "text/plain; charset=UTF-8",
	  "Da ghi nhan\n" HA_NOI, "X-Kannel-Coding", "2" },
	{ "kannel", 1, { "\xf0\x9f\x98\x80" }, "text/plain; charset=UTF-8",
	  "\xf0\x9f\x98\x80", "X-Kannel-Coding", "2" },
	{ "twilio", 0, { NULL }, "text/xml", TWIML_HEAD "<Response/>", NULL, NULL },
	{ "twilio", 1, { "a&b<c>\"d'e" }, "text/xml",
	  TWIML_HEAD "<Response><Message>a&amp;b&lt;c&gt;&quot;d&apos;e</Message></Response>",
	  NULL, NULL },
	{ "twilio", 2, { "Da ghi nhan", HA_NOI }, "text/xml",
	  TWIML_HEAD "<Response><Message>Da ghi nhan</Message><Message>" HA_NOI
	  "</Message></Response>", NULL, NULL },
	{ "twilio", 1, { "a\x01" "b\nc" }, "text/xml",
	  TWIML_HEAD "<Response><Message>a b\nc</Message></Response>", NULL, NULL },
	{ "twilio", 1, { "]]><x/>" }, "text/xml",
	  TWIML_HEAD "<Response><Message>]]&gt;&lt;x/&gt;</Message></Response>", NULL, NULL },
};

START_TEST(test_render_case)
{
	const struct rcase	*c = &rcases[_i];
	struct dialog_reply	 dr;
	struct fmt_response	 r;
	size_t			 i;

	memset(&dr, 0, sizeof dr);
	dr.n = c->n;
	for (i = 0; i < c->n; i++)
		dr.text[i] = (char *)c->replies[i];
	memset(&r, 0xa5, sizeof r);
	fmt_find(c->format)->render(&dr, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.content_type, c->content_type);
	ck_assert_ptr_nonnull(r.body);
	ck_assert_msg(r.bodylen == strlen(c->body) && memcmp(r.body, c->body, r.bodylen) == 0,
	    "%s #%d: body \"%.*s\"", c->format, _i, (int)r.bodylen, r.body);
	if (c->header_name == NULL) {
		ck_assert_ptr_null(r.header_name);
		ck_assert_ptr_null(r.header_value);
	} else {
		ck_assert_str_eq(r.header_name, c->header_name);
		ck_assert_str_eq(r.header_value, c->header_value);
	}
	fmt_response_free(&r);
	ck_assert_ptr_null(r.body);
	fmt_response_free(&r);
}
END_TEST

/* A NULL reply set renders like an empty one. */
START_TEST(test_render_null)
{
	struct fmt_response	r;

	fmt_find("json")->render(NULL, &r);
	ck_assert_str_eq(r.body, "{\"replies\":[]}");
	fmt_response_free(&r);
	fmt_find("kannel")->render(NULL, &r);
	ck_assert_uint_eq(r.bodylen, 0);
	ck_assert_ptr_null(r.header_name);
	fmt_response_free(&r);
}
END_TEST

/* Replies put in the outbox: every format answers "accepted" without them. */
struct qcase {
	const char	*format;
	int		 queued;
	size_t		 n;
	const char	*replies[DIALOG_REPLIES_MAX];
	const char	*content_type;
	const char	*body;
};

static const struct qcase qcases[] = {
	{ "json", 2, 0, { NULL }, "application/json", "{\"replies\":[],\"queued\":2}" },
	{ "json", 1, 1, { "Da ghi nhan" }, "application/json",
	  "{\"replies\":[],\"queued\":1}" },
	{ "json", 0, 1, { "Da ghi nhan" }, "application/json",
	  "{\"replies\":[\"Da ghi nhan\"]}" },
	{ "kannel", 3, 0, { NULL }, "text/plain; charset=UTF-8", "" },
	{ "kannel", 1, 1, { HA_NOI }, "text/plain; charset=UTF-8", "" },
	{ "twilio", 2, 0, { NULL }, "text/xml", TWIML_HEAD "<Response/>" },
	{ "twilio", 1, 1, { "Da ghi nhan" }, "text/xml", TWIML_HEAD "<Response/>" },
	{ "africastalking", 2, 0, { NULL }, "text/plain", "" },
	{ "africastalking", 0, 0, { NULL }, "text/plain", "" },
	{ "africastalking", 0, 2, { "Da ghi nhan", HA_NOI }, "text/plain", "" },
};

START_TEST(test_render_queued)
{
	const struct qcase	*c = &qcases[_i];
	struct dialog_reply	 dr;
	struct fmt_response	 r;
	size_t			 i;

	memset(&dr, 0, sizeof dr);
	dr.n = c->n;
	dr.queued = c->queued;
	for (i = 0; i < c->n; i++)
		dr.text[i] = (char *)c->replies[i];
	memset(&r, 0xa5, sizeof r);
	fmt_find(c->format)->render(&dr, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.content_type, c->content_type);
	ck_assert_ptr_nonnull(r.body);
	ck_assert_msg(r.bodylen == strlen(c->body) && memcmp(r.body, c->body, r.bodylen) == 0,
	    "%s #%d: body \"%.*s\"", c->format, _i, (int)r.bodylen, r.body);
	ck_assert_int_eq(r.body[r.bodylen], '\0');
	ck_assert_ptr_null(r.header_name);
	ck_assert_ptr_null(r.header_value);
	fmt_response_free(&r);
}
END_TEST

START_TEST(test_render_at_null)
{
	struct fmt_response	r;

	fmt_find("africastalking")->render(NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.content_type, "text/plain");
	ck_assert_uint_eq(r.bodylen, 0);
	ck_assert_ptr_nonnull(r.body);
	fmt_response_free(&r);
}
END_TEST

struct fcase {
	const char	*form;
	size_t		 len;		/* 0: strlen(form) */
	const char	*name;
	int		 found;
	const char	*value;
	size_t		 valuelen;	/* 0: strlen(value) */
};

static const struct fcase fcases[] = {
	{ "a=1&b=2", 0, "b", 1, "2", 0 },
	{ "a=1&b=2", 0, "a", 1, "1", 0 },
	{ "a=1&a=2", 0, "a", 1, "1", 0 },
	{ "a=1&b=2", 0, "c", 0, NULL, 0 },
	{ "A=1", 0, "a", 0, NULL, 0 },
	{ "ab=1", 0, "a", 0, NULL, 0 },
	{ "a", 0, "a", 1, "", 0 },
	{ "a=", 0, "a", 1, "", 0 },
	{ "x=%00y", 0, "x", 1, "\0y", 2 },
	{ "a+b=c%20d+e", 0, "a b", 1, "c d e", 0 },
	{ "t=%E1%BB%99%2B%26%3D", 0, "t", 1, "\xe1\xbb\x99+&=", 0 },
	{ "&&=&a=1&", 0, "a", 1, "1", 0 },
	{ "a=1&b=2", 3, "b", 0, NULL, 0 },
	{ "a=123&b=2", 4, "a", 1, "12", 0 },
	{ "", 0, "a", 0, NULL, 0 },
};

START_TEST(test_form_get_case)
{
	const struct fcase	*c = &fcases[_i];
	char			*v = (char *)"junk";
	size_t			 n = 99, want;
	int			 found;

	found = web_form_get(c->form, c->len != 0 ? c->len : strlen(c->form), c->name, &v, &n);
	ck_assert_msg(found == c->found, "#%d: found %d", _i, found);
	if (!found) {
		ck_assert_ptr_null(v);
		ck_assert_uint_eq(n, 0);
		return;
	}
	want = c->valuelen != 0 ? c->valuelen : strlen(c->value);
	ck_assert_msg(n == want && memcmp(v, c->value, n) == 0, "#%d: \"%.*s\"", _i, (int)n, v);
	ck_assert_int_eq(v[n], '\0');
	free(v);
	/* valuelen may be NULL. */
	ck_assert_int_eq(web_form_get(c->form, c->len != 0 ? c->len : strlen(c->form), c->name,
	    &v, NULL), 1);
	free(v);
}
END_TEST

START_TEST(test_utf8_fix)
{
	char	*s;
	size_t	 n;

	s = web_utf8_fix(HA_NOI, strlen(HA_NOI), &n);
	ck_assert_uint_eq(n, strlen(HA_NOI));
	ck_assert_str_eq(s, HA_NOI);
	free(s);
	s = web_utf8_fix("a\xff" "b", 3, &n);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(s, "a\xef\xbf\xbd" "b");
	free(s);
	s = web_utf8_fix("a\0b", 3, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert(memcmp(s, "a\0b", 4) == 0);
	free(s);
	s = web_utf8_fix("\xe1\xbb", 2, &n);	/* cut in the middle of a character */
	ck_assert(strstr(s, "\xef\xbf\xbd") == s);
	ck_assert_int_eq(s[n], '\0');
	free(s);
	s = web_utf8_fix("", 0, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(test_find)
{
	ck_assert_str_eq(fmt_find("json")->name, "json");
	ck_assert_str_eq(fmt_find("kannel")->name, "kannel");
	ck_assert_str_eq(fmt_find("twilio")->name, "twilio");
	ck_assert_str_eq(fmt_find("africastalking")->name, "africastalking");
	ck_assert_ptr_null(fmt_find("JSON"));
	ck_assert_ptr_null(fmt_find(""));
	ck_assert_ptr_null(fmt_find("africas-talking"));
	ck_assert_ptr_null(fmt_find(NULL));
}
END_TEST

START_TEST(test_free_zeroed)
{
	struct fmt_inbound	in;
	struct fmt_response	r;

	memset(&in, 0, sizeof in);
	memset(&r, 0, sizeof r);
	fmt_inbound_free(&in);
	fmt_response_free(&r);
	fmt_inbound_free(NULL);
	fmt_response_free(NULL);
}
END_TEST

/* USSD formats: africastalking and json. */
#define AT_FIRST	"sessionId=ATUid_1&serviceCode=%2A384%2A123%23" \
			"&phoneNumber=%2B254711000111&networkCode=63902&text="
#define SID128		"ATUid_" ID129

struct ucase {
	const char	*desc;
	const char	*format;
	int		 post;
	const char	*query;
	const char	*body;
	size_t		 bodylen;	/* 0: strlen(body) */
	struct unit_hdr	 hdrs[4];
	const char	*secret;
	int		 status;	/* 0: parsed */
	const char	*reason;
	const char	*session;
	const char	*from;
	const char	*service;	/* NULL: none */
	const char	*input;		/* NULL: none (africastalking) */
	const char	*history;	/* NULL: none (json, or an end notification) */
	int		 ended;
};

static const struct ucase ucases[] = {
	/* africastalking */
	{ .desc = "at first step", .format = "africastalking", .post = 1,
	  .body = AT_FIRST, .session = "ATUid_1", .from = "+254711000111",
	  .service = "*384*123#", .history = "" },
	{ .desc = "at later step", .format = "africastalking", .post = 1,
	  .body = "sessionId=ATUid_1&serviceCode=*384*123%23&phoneNumber=0912345678"
	    "&networkCode=45204&text=1%2A1234567",
	  .session = "ATUid_1", .from = "0912345678", .service = "*384*123#",
	  .history = "1*1234567" },
	{ .desc = "at raw stars and spaces", .format = "africastalking", .post = 1,
	  .body = "sessionId=s&phoneNumber=1&text=1*0*Hang+Bac*Hang%20Dao",
	  .session = "s", .from = "1", .history = "1*0*Hang Bac*Hang Dao" },
	{ .desc = "at star flood", .format = "africastalking", .post = 1,
	  .body = "sessionId=s&phoneNumber=1&text=*****",
	  .session = "s", .from = "1", .history = "*****" },
	{ .desc = "at utf-8 text", .format = "africastalking", .post = 1,
	  .body = "sessionId=s&phoneNumber=1&text=1%2A%E1%BB%99",
	  .session = "s", .from = "1", .history = "1*\xe1\xbb\x99" },
	{ .desc = "at no text: a first step", .format = "africastalking", .post = 1,
	  .body = "sessionId=s&phoneNumber=1", .session = "s", .from = "1", .history = "" },
	{ .desc = "at form content type", .format = "africastalking", .post = 1,
	  .hdrs = { { "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" } },
	  .body = "sessionId=s&phoneNumber=1&text=2", .session = "s", .from = "1",
	  .history = "2" },
	{ .desc = "at end of session", .format = "africastalking", .post = 1,
	  .body = "date=2021-09-16+08%3A00%3A00&sessionId=ATUid_1&serviceCode=*384%23"
	    "&networkCode=63902&phoneNumber=%2B254711000111&status=Success"
	    "&cost=KES+0.00&durationInMillis=1234&hopsCount=3&input=1*1"
	    "&lastAppResponse=END+bye&errorMessage=",
	  .session = "ATUid_1", .from = "+254711000111", .service = "*384#", .ended = 1 },
	{ .desc = "at end of session failed", .format = "africastalking", .post = 1,
	  .body = "sessionId=ATUid_2&phoneNumber=1&status=Failed&errorMessage=timeout",
	  .session = "ATUid_2", .from = "1", .ended = 1 },
	{ .desc = "at status with text is a step", .format = "africastalking", .post = 1,
	  .body = "sessionId=s&phoneNumber=1&status=x&text=1", .session = "s",
	  .from = "1", .history = "1" },
	{ .desc = "at session id too long", .format = "africastalking", .post = 1,
	  .body = "phoneNumber=1&sessionId=" ID129, .status = 400, .reason = "too long" },
	{ .desc = "at missing sessionId", .format = "africastalking", .post = 1,
	  .body = "phoneNumber=1&text=1", .status = 400, .reason = "missing sessionId" },
	{ .desc = "at empty sessionId", .format = "africastalking", .post = 1,
	  .body = "sessionId=&phoneNumber=1&text=1", .status = 400,
	  .reason = "missing sessionId" },
	{ .desc = "at missing phoneNumber", .format = "africastalking", .post = 1,
	  .body = "sessionId=s&text=1", .status = 400, .reason = "missing phoneNumber" },
	{ .desc = "at end without phoneNumber", .format = "africastalking", .post = 1,
	  .body = "sessionId=s&status=Success", .status = 400,
	  .reason = "missing phoneNumber" },
	{ .desc = "at phoneNumber too long", .format = "africastalking", .post = 1,
	  .body = "sessionId=s&text=&phoneNumber=" N65, .status = 400, .reason = "too long" },
	{ .desc = "at NUL in text", .format = "africastalking", .post = 1,
	  .body = "sessionId=s&phoneNumber=1&text=1%00", .status = 400, .reason = "bad text" },
	{ .desc = "at NUL in session", .format = "africastalking", .post = 1,
	  .body = "sessionId=s%00t&phoneNumber=1&text=1", .status = 400,
	  .reason = "bad sessionId" },
	{ .desc = "at GET", .format = "africastalking", .post = 0,
	  .query = "sessionId=s&phoneNumber=1&text=", .status = 405 },
	{ .desc = "at JSON body", .format = "africastalking", .post = 1,
	  .hdrs = { { "Content-Type", "application/json" } },
	  .body = "{\"sessionId\":\"s\"}", .status = 415 },
	{ .desc = "at empty body", .format = "africastalking", .post = 1, .body = "",
	  .status = 400 },
	{ .desc = "at secret in query", .format = "africastalking", .post = 1,
	  .secret = "k3y", .query = "secret=k3y", .body = "sessionId=s&phoneNumber=1&text=",
	  .session = "s", .from = "1", .history = "" },
	{ .desc = "at secret header", .format = "africastalking", .post = 1,
	  .secret = "k3y", .hdrs = { { "X-Checkind-Secret", "k3y" } },
	  .body = "sessionId=s&phoneNumber=1&text=", .session = "s", .from = "1",
	  .history = "" },
	{ .desc = "at secret wrong", .format = "africastalking", .post = 1,
	  .secret = "k3y", .query = "secret=nope", .body = "sessionId=s&phoneNumber=1",
	  .status = 401 },
	{ .desc = "at secret missing", .format = "africastalking", .post = 1,
	  .secret = "k3y", .body = "sessionId=s&phoneNumber=1&secret=k3y", .status = 401 },

	/* json */
	{ .desc = "json full", .format = "json", .post = 1,
	  .body = "{\"session\":\"s1\",\"from\":\"+84912345678\",\"service\":\"*123#\","
	    "\"input\":\"1\"}",
	  .session = "s1", .from = "+84912345678", .service = "*123#", .input = "1" },
	{ .desc = "json minimal", .format = "json", .post = 1,
	  .body = "{\"session\":\"s1\",\"from\":\"0912\"}", .session = "s1", .from = "0912",
	  .input = "" },
	{ .desc = "json nulls and unknown members", .format = "json", .post = 1,
	  .body = "{\"session\":\"s1\",\"from\":\"1\",\"input\":null,\"service\":null,"
	    "\"ended\":null,\"x\":[{}]}",
	  .session = "s1", .from = "1", .input = "" },
	{ .desc = "json input with stars", .format = "json", .post = 1,
	  .body = "{\"session\":\"s1\",\"from\":\"1\",\"input\":\"a*b\\u1ed9\"}",
	  .session = "s1", .from = "1", .input = "a*b\xe1\xbb\x99" },
	{ .desc = "json ended", .format = "json", .post = 1,
	  .body = "{\"session\":\"s1\",\"from\":\"1\",\"ended\":true}",
	  .session = "s1", .from = "1", .input = "", .ended = 1 },
	{ .desc = "json not ended", .format = "json", .post = 1,
	  .body = "{\"session\":\"s1\",\"from\":\"1\",\"ended\":false,\"input\":\"2\"}",
	  .session = "s1", .from = "1", .input = "2" },
	{ .desc = "json ended not a boolean", .format = "json", .post = 1,
	  .body = "{\"session\":\"s1\",\"from\":\"1\",\"ended\":1}", .status = 400,
	  .reason = "ended" },
	{ .desc = "json missing session", .format = "json", .post = 1,
	  .body = "{\"from\":\"1\",\"input\":\"1\"}", .status = 400, .reason = "missing session" },
	{ .desc = "json empty session", .format = "json", .post = 1,
	  .body = "{\"session\":\"\",\"from\":\"1\"}", .status = 400,
	  .reason = "missing session" },
	{ .desc = "json session too long", .format = "json", .post = 1,
	  .body = "{\"session\":\"" SID128 "\",\"from\":\"1\"}", .status = 400,
	  .reason = "too long" },
	{ .desc = "json missing from", .format = "json", .post = 1,
	  .body = "{\"session\":\"s\"}", .status = 400, .reason = "missing from" },
	{ .desc = "json session a number", .format = "json", .post = 1,
	  .body = "{\"session\":5,\"from\":\"1\"}", .status = 400,
	  .reason = "session must be a string" },
	{ .desc = "json input a number", .format = "json", .post = 1,
	  .body = "{\"session\":\"s\",\"from\":\"1\",\"input\":1}", .status = 400,
	  .reason = "input must be a string" },
	{ .desc = "json \\u0000", .format = "json", .post = 1,
	  .body = "{\"session\":\"s\",\"from\":\"1\",\"input\":\"a\\u0000\"}", .status = 400 },
	{ .desc = "json bad", .format = "json", .post = 1, .body = "{\"session\":",
	  .status = 400, .reason = "bad JSON" },
	{ .desc = "json array", .format = "json", .post = 1, .body = "[]",
	  .status = 400, .reason = "object" },
	{ .desc = "json duplicate keys", .format = "json", .post = 1,
	  .body = "{\"session\":\"a\",\"session\":\"b\",\"from\":\"1\"}", .status = 400 },
	{ .desc = "json GET", .format = "json", .post = 0, .status = 405 },
	{ .desc = "json token", .format = "json", .post = 1, .secret = "t0k",
	  .hdrs = { { "Authorization", "Bearer t0k" } },
	  .body = "{\"session\":\"s\",\"from\":\"1\"}", .session = "s", .from = "1",
	  .input = "" },
	{ .desc = "json token missing", .format = "json", .post = 1, .secret = "t0k",
	  .body = "{\"session\":\"s\",\"from\":\"1\"}", .status = 401 },
	{ .desc = "json token wrong", .format = "json", .post = 1, .secret = "t0k",
	  .hdrs = { { "Authorization", "Bearer t0K" } },
	  .body = "{\"session\":\"s\",\"from\":\"1\"}", .status = 401 },
};

static void
ustr_eq(const char *desc, const char *what, const char *got, const char *want)
{
	if (want == NULL)
		ck_assert_msg(got == NULL, "%s: %s \"%s\", want none", desc, what, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0, "%s: %s \"%s\", want \"%s\"",
		    desc, what, got != NULL ? got : "(null)", want);
}

START_TEST(test_ussd_parse_case)
{
	const struct ucase		*c = &ucases[_i];
	const struct fmt_ussd_entry	*fe;
	struct inbound_route		 route;
	struct web_request		 req;
	struct fmt_ussd_hold		 hold;
	struct ussd_req			 u;
	char				 err[256];
	int				 rc;

	memset(&route, 0, sizeof route);
	route.name = (char *)"ussd-test";
	route.type = (char *)"ussd";
	route.format = (char *)c->format;
	route.secret = (char *)c->secret;
	memset(&req, 0, sizeof req);
	req.post = c->post;
	req.query = c->query;
	req.body = c->body;
	req.bodylen = c->body == NULL ? 0 : c->bodylen != 0 ? c->bodylen : strlen(c->body);
	req.header = unit_header;
	req.hctx = (void *)c->hdrs;
	req.route = &route;

	ck_assert_ptr_nonnull(fe = fmt_ussd_find(c->format));
	memset(&u, 0xa5, sizeof u);		/* parse must not trust what it is given */
	memset(&hold, 0xa5, sizeof hold);
	err[0] = '\0';
	rc = fe->parse(&req, &u, &hold, err, sizeof err);
	ck_assert_msg(rc == c->status, "%s: status %d, want %d (%s)", c->desc, rc, c->status,
	    err);
	if (c->status != 0) {
		ck_assert_msg(err[0] != '\0', "%s: no reason", c->desc);
		ck_assert_msg(strchr(err, '\n') == NULL, "%s: reason spans lines", c->desc);
		if (c->reason != NULL)
			ck_assert_msg(strstr(err, c->reason) != NULL,
			    "%s: reason \"%s\" lacks \"%s\"", c->desc, err, c->reason);
		if (c->secret != NULL)
			ck_assert(strstr(err, c->secret) == NULL);
		ck_assert_ptr_null(u.session);
		ck_assert_uint_eq(hold.n, 0);
		fmt_ussd_hold_free(&hold);
		return;
	}
	ustr_eq(c->desc, "session", u.session, c->session);
	ustr_eq(c->desc, "from", u.from, c->from);
	ustr_eq(c->desc, "service", u.service, c->service);
	ustr_eq(c->desc, "input", u.input, c->input);
	ustr_eq(c->desc, "history", u.history, c->history);
	ck_assert_msg(u.ended == c->ended, "%s: ended %d", c->desc, u.ended);
	ustr_eq(c->desc, "channel", u.channel, "ussd-test");
	ck_assert_int_eq(u.now, 0);
	ck_assert_uint_le(hold.n, nitems(hold.strings));
	fmt_ussd_hold_free(&hold);
	ck_assert_uint_eq(hold.n, 0);
	fmt_ussd_hold_free(&hold);
}
END_TEST

/* A 10 kB history and a 10 kB input are taken whole: the menu refuses them. */
START_TEST(test_ussd_parse_long)
{
	struct web_request	 req;
	struct fmt_ussd_hold	 hold;
	struct ussd_req		 u;
	char			*body, err[128];
	size_t			 n = 10 * 1024, off;

	body = malloc(n + 128);
	ck_assert_ptr_nonnull(body);
	off = (size_t)snprintf(body, 128, "sessionId=s&phoneNumber=1&text=");
	memset(body + off, '*', n);
	body[off + n] = '\0';
	memset(&req, 0, sizeof req);
	req.post = 1;
	req.body = body;
	req.bodylen = strlen(body);
	ck_assert_int_eq(fmt_ussd_find("africastalking")->parse(&req, &u, &hold, err,
	    sizeof err), 0);
	ck_assert_uint_eq(strlen(u.history), n);
	ck_assert_ptr_null(u.channel);		/* no route given */
	fmt_ussd_hold_free(&hold);

	off = (size_t)snprintf(body, 128, "{\"session\":\"s\",\"from\":\"1\",\"input\":\"");
	memset(body + off, '7', n);
	strcpy(body + off + n, "\"}");
	req.bodylen = strlen(body);
	ck_assert_int_eq(fmt_ussd_find("json")->parse(&req, &u, &hold, err, sizeof err), 0);
	ck_assert_uint_eq(strlen(u.input), n);
	fmt_ussd_hold_free(&hold);
	free(body);
}
END_TEST

struct urcase {
	const char	*format;
	int		 end;
	const char	*text;		/* NULL: an end notification was answered */
	const char	*content_type;
	const char	*body;
};

static const struct urcase urcases[] = {
	{ "africastalking", 0, "Menu\n1 Check-in\n0 Thoat", "text/plain; charset=UTF-8",
	  "CON Menu\n1 Check-in\n0 Thoat" },
	{ "africastalking", 1, "Cam on ban.", "text/plain; charset=UTF-8", "END Cam on ban." },
	{ "africastalking", 1, "", "text/plain; charset=UTF-8", "END " },
	{ "africastalking", 1, NULL, "text/plain; charset=UTF-8", "" },
	{ "africastalking", 0, NULL, "text/plain; charset=UTF-8", "" },
	{ "africastalking", 0, "a\xff" "b", "text/plain; charset=UTF-8",
	  "CON a\xef\xbf\xbd" "b" },
	{ "africastalking", 0, HA_NOI, "text/plain; charset=UTF-8", "CON " HA_NOI },
	{ "json", 0, "Menu\n1 Check-in", "application/json",
	  "{\"text\":\"Menu\\n1 Check-in\",\"end\":false}" },
	{ "json", 1, "Ma \"A\" \\ ok", "application/json",
	  "{\"text\":\"Ma \\\"A\\\" \\\\ ok\",\"end\":true}" },
	{ "json", 1, NULL, "application/json", "{\"text\":\"\",\"end\":true}" },
	{ "json", 0, NULL, "application/json", "{\"text\":\"\",\"end\":true}" },
	{ "json", 0, "a\xff", "application/json", "{\"text\":\"a\xef\xbf\xbd\",\"end\":false}" },
};

START_TEST(test_ussd_render_case)
{
	const struct urcase	*c = &urcases[_i];
	struct ussd_resp	 r;
	struct fmt_response	 out;

	r.end = c->end;
	r.text = (char *)c->text;
	memset(&out, 0xa5, sizeof out);
	fmt_ussd_find(c->format)->render(&r, &out);
	ck_assert_int_eq(out.status, 200);
	ck_assert_str_eq(out.content_type, c->content_type);
	ck_assert_msg(out.bodylen == strlen(c->body) && memcmp(out.body, c->body,
	    out.bodylen) == 0, "%s #%d: body \"%.*s\"", c->format, _i, (int)out.bodylen,
	    out.body);
	ck_assert_int_eq(out.body[out.bodylen], '\0');
	ck_assert_ptr_null(out.header_name);
	fmt_response_free(&out);
}
END_TEST

START_TEST(test_ussd_find)
{
	struct fmt_ussd_hold	hold;
	struct fmt_response	out;

	ck_assert_str_eq(fmt_ussd_find("africastalking")->name, "africastalking");
	ck_assert_str_eq(fmt_ussd_find("json")->name, "json");
	ck_assert_ptr_null(fmt_ussd_find("kannel"));
	ck_assert_ptr_null(fmt_ussd_find("twilio"));
	ck_assert_ptr_null(fmt_ussd_find(""));
	ck_assert_ptr_null(fmt_ussd_find(NULL));
	memset(&hold, 0, sizeof hold);
	fmt_ussd_hold_free(&hold);
	fmt_ussd_hold_free(NULL);
	fmt_ussd_find("africastalking")->render(NULL, &out);
	ck_assert_uint_eq(out.bodylen, 0);
	fmt_response_free(&out);
	fmt_ussd_find("json")->render(NULL, &out);
	ck_assert_str_eq(out.body, "{\"text\":\"\",\"end\":true}");
	fmt_response_free(&out);
}
END_TEST

static Suite *
fmt_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("fmt");
	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse_case, 0, nitems(pcases));
	tcase_add_test(tc, test_twilio_vector);
	tcase_add_test(tc, test_long_text);
	tcase_add_test(tc, test_no_headers);
	suite_add_tcase(s, tc);
	tc = tcase_create("time");
	tcase_add_loop_test(tc, test_time_case, 0, nitems(tcases));
	suite_add_tcase(s, tc);
	tc = tcase_create("render");
	tcase_add_loop_test(tc, test_render_case, 0, nitems(rcases));
	tcase_add_test(tc, test_render_null);
	tcase_add_loop_test(tc, test_render_queued, 0, nitems(qcases));
	tcase_add_test(tc, test_render_at_null);
	suite_add_tcase(s, tc);
	tc = tcase_create("helpers");
	tcase_add_loop_test(tc, test_form_get_case, 0, nitems(fcases));
	tcase_add_test(tc, test_utf8_fix);
	suite_add_tcase(s, tc);
	tc = tcase_create("table");
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_free_zeroed);
	suite_add_tcase(s, tc);
	tc = tcase_create("ussd");
	tcase_add_loop_test(tc, test_ussd_parse_case, 0, nitems(ucases));
	tcase_add_test(tc, test_ussd_parse_long);
	tcase_add_loop_test(tc, test_ussd_render_case, 0, nitems(urcases));
	tcase_add_test(tc, test_ussd_find);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(fmt_suite());
}
