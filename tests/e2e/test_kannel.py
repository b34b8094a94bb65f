"""The Kannel webhook, spoken the way Kannel 1.4.5's smsbox speaks it."""

import http.client

import harness
from harness import (HOTLINE, Q_CONTACT_VI, Q_SYMPTOMS_VI, SECRET, SHORT, e164,
                     group)

# One UCS-2 segment (70) even with a 40-character venue name: a longer
# template is refused at load.
UCS2_CONFIRM = "Check-in tại {venue} lúc {time}"


class KannelTest(harness.TestCase):

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")
        self.cafe = self.d.add_venue("Cafe Giang", "Hang Gai")

    def ok(self, st, h, body, what):
        self.assertEqual(st, 200, "%s -> %d %r" % (what, st, body))
        self.assertTrue(h.get("content-type", "").startswith("text/plain"), h)
        return body

    def gsm(self, h):
        """An all-ASCII reply is not flagged as UCS-2."""
        self.assertNotEqual(h.get("x-kannel-coding"), "2", h)

    def test_get_conversation(self):
        n = "0912100001"
        params = self.d.kannel_params(n, self.pho)
        st, h, b = self.d.kannel_get(params)
        body = self.ok(st, h, b.decode("utf-8"), "GET check-in")
        self.gsm(h)
        lines = body.split("\n")
        self.assertIn("Pho Thin", lines[0])
        self.assertIn("Hang Bac", lines[0])
        self.assertTime(lines[0])
        self.assertIn(Q_SYMPTOMS_VI, body)
        rows = self.d.query("SELECT c.channel, i.ext_id, c.sent_at FROM checkins c "
                            "JOIN inbound i ON c.inbound_id = i.id WHERE c.number = ?",
                            (e164(n),))
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0][0], "kannel")
        self.assertEqual(rows[0][1], params["id"])
        self.assertLessEqual(abs(rows[0][2] - int(params["time"])), 1)

        st, h, b = self.d.kannel_sms(n, "2")
        self.assertIn(Q_CONTACT_VI, self.ok(st, h, b, "answer 2"))
        # KHÔNG as UCS-2 (coding=2, charset=UTF-16BE, raw bytes %-encoded).
        st, h, b = self.d.kannel_sms(n, "KHÔNG".encode("utf-16-be"))
        body = self.ok(st, h, b, "answer KHÔNG in UCS-2")
        self.assertNotIn(Q_CONTACT_VI, body)
        self.assertNotIn(HOTLINE, body)
        ans = dict(self.d.query(
            "SELECT a.question, a.answer FROM answers a JOIN declarations d "
            "ON a.declaration_id = d.id WHERE d.number = ?", (e164(n),)))
        self.assertEqual(ans, {"symptoms": "no", "contact": "no"})

    def test_ucs2_yes_flags(self):
        n = "0912100002"
        self.d.kannel_sms(n, self.pho)
        st, h, b = self.d.kannel_sms(n, "CÓ".encode("utf-16-be"))
        self.assertIn(Q_CONTACT_VI, self.ok(st, h, b, "CÓ in UCS-2"))
        st, h, b = self.d.kannel_sms(n, "Có")
        self.assertIn(HOTLINE, self.ok(st, h, b, "Có in UTF-8"))
        self.assertEqual(self.d.scalar(
            "SELECT flagged FROM declarations WHERE number = ?", (e164(n),)), 1)

    def test_utf8_code_with_diacritics(self):
        n = "0912100003"
        text = "MÃ " + group(self.pho)
        st, h, b = self.d.kannel_sms(n, text)
        self.assertIn("Pho Thin", self.ok(st, h, b, text))
        self.assertEqual(self.d.count("checkins", "number = ?", (e164(n),)), 1)
        self.assertEqual(self.d.scalar(
            "SELECT text FROM inbound WHERE number = ?", (e164(n),)), text)

    def test_ucs2_code_with_diacritics(self):
        n = "0912100004"
        text = "MÃ " + group(self.cafe)
        st, h, b = self.d.kannel_sms(n, text.encode("utf-16-be"))
        self.assertIn("Cafe Giang", self.ok(st, h, b, text))
        self.assertEqual(self.d.count("checkins", "number = ?", (e164(n),)), 1)
        self.assertEqual(self.d.scalar(
            "SELECT text FROM inbound WHERE number = ?", (e164(n),)), text)

    def test_ucs2_fullwidth_digits(self):
        n = "0912100005"
        wide = "".join(chr(0xFF10 + int(c)) for c in self.pho)
        st, h, b = self.d.kannel_sms(n, wide.encode("utf-16-be"))
        self.assertIn("Pho Thin", self.ok(st, h, b, "full-width code"))
        self.assertEqual(self.d.count("checkins", "number = ?", (e164(n),)), 1)

    def test_post_url(self):
        """post-url: the same URL substitutions, the text as the body."""
        n = "0912100006"
        st, h, b = self.d.kannel_sms(n, self.pho, method="POST")
        self.assertIn("Pho Thin", self.ok(st, h, b, "post-url"))
        st, h, b = self.d.kannel_sms(n, "KHÔNG".encode("utf-16-be"), method="POST")
        self.assertIn(Q_CONTACT_VI, self.ok(st, h, b, "post-url UCS-2"))
        self.assertEqual(self.d.count("checkins", "number = ?", (e164(n),)), 1)

    def test_post_url_kannel_headers(self):
        """post-url with the numbers only in X-Kannel-* headers.

        smsbox swaps sender and receiver before it calls the service, so
        X-Kannel-From (send-sender = true) is the resident's number.
        """
        n = "0912100007"
        q = "secret=%s&id=hdr-1" % SECRET
        st, h, b = self.d.http("POST", "/sms/kannel?" + q, self.pho.encode(), {
            "Content-Type": "text/plain",
            "X-Kannel-From": n, "X-Kannel-To": SHORT,
            "X-Kannel-Time": "2021-09-16 01:00:00"})
        self.assertEqual(st, 200, b)
        self.assertEqual(self.d.count("checkins"), 1)

    def test_post_form(self):
        n = "0912100008"
        params = self.d.kannel_params(n, self.pho)
        st, h, b = self.d.http("POST", "/sms/kannel",
                               self.d.kannel_query(params),
                               {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertIn("Pho Thin", self.ok(st, h, b.decode(), "form POST"))
        self.assertEqual(self.d.count("checkins", "number = ?", (e164(n),)), 1)

    def test_secret_required(self):
        n = "0912100009"
        params = self.d.kannel_params(n, self.pho)
        st, h, b = self.d.kannel_get(params, secret=None)
        self.assertEqual(st, 401, b)
        st, h, b = self.d.kannel_get(params, secret="wrong")
        self.assertEqual(st, 401, b)
        st, h, b = self.d.kannel_get(params, secret=SECRET + "x")
        self.assertEqual(st, 401, b)
        st, h, b = self.d.kannel_get(params, secret="")
        self.assertEqual(st, 401, b)
        self.assertEqual(self.d.count("checkins"), 0)
        self.assertEqual(self.d.count("inbound"), 0)
        st, h, b = self.d.kannel_get(params)
        self.assertEqual(st, 200, b)

    def test_retry_same_id(self):
        n = "0912100010"
        params = self.d.kannel_params(n, self.pho)
        r1 = self.d.kannel_get(params)
        r2 = self.d.kannel_get(params)
        self.assertEqual(r1[0], 200)
        self.assertEqual(r1[2], r2[2])
        self.assertEqual(self.d.count("checkins"), 1)
        self.assertEqual(self.d.count("inbound"), 1)

    def test_same_id_on_two_routes(self):
        """Dedup is per route: one id on json and on kannel is two messages."""
        st, r = self.d.json_sms("0912100013", self.pho, id="shared-id-1")
        self.assertEqual(st, 200, r)
        params = self.d.kannel_params("0912100014", self.pho, id="shared-id-1")
        st, h, b = self.d.kannel_get(params)
        self.assertIn("Pho Thin", self.ok(st, h, b.decode(), "same id, other route"))
        self.assertEqual(self.d.count("checkins"), 2)
        self.assertEqual(self.d.count("inbound", "ext_id = ?", ("shared-id-1",)), 2)

    def test_venue_name_folded(self):
        """A name with diacritics is folded in the default (GSM-7) replies."""
        code = self.d.add_venue("Phở Thìn Lò Đúc", "Hàng Bạc")
        st, h, b = self.d.kannel_sms("0912100015", code)
        body = self.ok(st, h, b, "venue with diacritics")
        self.assertIn("Pho Thin Lo Duc", body)
        self.assertIn("Hang Bac", body)
        self.gsm(h)

    def test_keep_alive(self):
        """Kannel's HTTP client reuses connections: ten requests on one."""
        c = http.client.HTTPConnection("127.0.0.1", self.d.port, timeout=harness.stretch(10))
        try:
            for i in range(10):
                q = self.d.kannel_query(self.d.kannel_params("09121001%02d" % (50 + i),
                                                             self.pho))
                c.request("GET", "/sms/kannel?" + q)
                r = c.getresponse()
                body = r.read().decode()
                self.assertEqual(r.status, 200, body)
                self.assertIn("Pho Thin", body)
        finally:
            c.close()
        self.assertEqual(self.d.count("checkins"), 10)

    def test_empty_body_when_no_reply(self):
        n = "0912100011"
        st, h, b = self.d.kannel_sms(n, "xin chao")
        self.assertTrue(self.ok(st, h, b, "help").strip())
        st, h, b = self.d.kannel_sms(n, "xin chao nua")
        self.assertEqual(self.ok(st, h, b, "help again"), "")
        st, h, b = self.d.kannel_sms("VIETTEL", self.pho)
        self.assertEqual(self.ok(st, h, b, "alphanumeric"), "")

    def test_kannel_undefined_coding(self):
        """Kannel writes coding=-1 (%c of an undefined coding) and no charset."""
        n = "0912100012"
        params = self.d.kannel_params(n, self.pho)
        params["coding"] = "-1"
        params["charset"] = ""
        st, h, b = self.d.kannel_get(params)
        self.assertEqual(st, 200, b)
        self.assertEqual(self.d.count("checkins"), 1)


class KannelUcs2ReplyTest(harness.TestCase):
    """A template with diacritics: the reply must be flagged for UCS-2."""

    extra = 'templates = { vi = { confirm = "%s"; }; };' % UCS2_CONFIRM

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")

    def test_x_kannel_coding(self):
        n = "0912100020"
        st, h, b = self.d.kannel_sms(n, self.pho)
        self.assertEqual(st, 200, b)
        self.assertEqual(h.get("x-kannel-coding"), "2", h)
        self.assertIn("Check-in tại Pho Thin lúc ", b)
        self.assertTrue(any("lúc " + t in b for t in harness.local_times()), b)
        self.assertIn(Q_SYMPTOMS_VI, b)
        # The answer is ASCII again: no UCS-2 flag.
        st, h, b = self.d.kannel_sms(n, "2")
        self.assertEqual(st, 200, b)
        self.assertIn(Q_CONTACT_VI, b)
        self.assertNotEqual(h.get("x-kannel-coding"), "2", h)


if __name__ == "__main__":
    harness.main(120)
