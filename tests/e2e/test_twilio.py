"""The Twilio webhook: signed form POSTs in, TwiML out."""

import urllib.parse
import xml.etree.ElementTree as ET

import harness
from harness import Q_CONTACT_VI, Q_SYMPTOMS_VI, TWILIO_TOKEN


class TwilioTest(harness.TestCase):

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")
        self.amp = self.d.add_venue("Bun & Cha <Ba> \"Lan\"", "Hang Gai")

    def twiml(self, st, h, body, what):
        """The <Message> texts of a TwiML answer."""
        self.assertEqual(st, 200, "%s -> %d %r" % (what, st, body))
        self.assertIn("xml", h.get("content-type", ""), h)
        try:
            root = ET.fromstring(body.encode("utf-8"))
        except ET.ParseError as e:
            self.fail("%s: not XML (%s): %r" % (what, e, body))
        self.assertEqual(root.tag, "Response", body)
        msgs = []
        for m in root:
            self.assertEqual(m.tag, "Message", body)
            msgs.append("".join(m.itertext()))
        return msgs

    def test_signed_checkin(self):
        n = "+84912200001"
        st, h, b = self.d.twilio_sms(n, self.pho, sid="SM" + "1" * 32)
        msgs = self.twiml(st, h, b, "signed check-in")
        self.assertGreaterEqual(len(msgs), 1, b)
        self.assertIn("Pho Thin", msgs[0])
        self.assertIn("Hang Bac", msgs[0])
        self.assertTime(msgs[0])
        self.assertIn(Q_SYMPTOMS_VI, " ".join(msgs))
        rows = self.d.query("SELECT c.channel, i.ext_id FROM checkins c JOIN inbound i "
                            "ON c.inbound_id = i.id WHERE c.number = ?", (n,))
        self.assertEqual(rows, [("twilio", "SM" + "1" * 32)])
        st, h, b = self.d.twilio_sms(n, "2")
        msgs = self.twiml(st, h, b, "answer")
        self.assertIn(Q_CONTACT_VI, " ".join(msgs))

    def test_bad_signature(self):
        n = "+84912200002"
        for sig in ("", "AAAA", harness.twilio_signature("other", self.d.twilio_url(),
                                                         [("Body", self.pho)])):
            st, h, b = self.d.twilio_sms(n, self.pho, signature=sig)
            self.assertEqual(st, 403, "signature %r -> %d %r" % (sig, st, b))
        st, h, b = self.d.twilio_sms(n, self.pho, token="wrong-token")
        self.assertEqual(st, 403, b)
        # Signed for one text, sent with another.
        params = [("MessageSid", "SM" + "2" * 32), ("From", n), ("To", "+848088"),
                  ("Body", "hello")]
        sig = harness.twilio_signature(TWILIO_TOKEN, self.d.twilio_url(), params)
        params[3] = ("Body", self.pho)
        st, h, b = self.d.http("POST", "/sms/twilio", urllib.parse.urlencode(params), {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": sig})
        self.assertEqual(st, 403, b)
        # No signature header at all.
        st, h, b = self.d.http("POST", "/sms/twilio", urllib.parse.urlencode(params), {
            "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(st, 403, b)
        self.assertEqual(self.d.count("checkins"), 0)
        self.assertEqual(self.d.count("inbound"), 0)

    def test_unknown_fields(self):
        n = "+84912200003"
        extra = [("FromCity", "HA NOI"), ("FromState", ""), ("FromCountry", "VN"),
                 ("ToCountry", "VN"), ("SmsStatus", "received"), ("ApiVersion", "2010-04-01"),
                 ("MessagingServiceSid", "MG" + "3" * 32), ("SmsMessageSid", "SM" + "3" * 32),
                 ("AddOns", '{"status":"successful","results":{}}'),
                 ("SomeFieldTwilioAddsNextYear", "x & y = z")]
        st, h, b = self.d.twilio_sms(n, self.pho, extra=extra)
        msgs = self.twiml(st, h, b, "unknown fields")
        self.assertIn("Pho Thin", msgs[0])
        self.assertEqual(self.d.count("checkins", "number = ?", (n,)), 1)

    def test_utf8_body(self):
        n = "+84912200004"
        st, h, b = self.d.twilio_sms(n, "MÃ " + harness.group(self.pho))
        msgs = self.twiml(st, h, b, "diacritics")
        self.assertIn("Pho Thin", msgs[0])
        self.assertEqual(self.d.count("checkins", "number = ?", (n,)), 1)

    def test_xml_escaped(self):
        n = "+84912200005"
        st, h, b = self.d.twilio_sms(n, self.amp)
        msgs = self.twiml(st, h, b, "venue name with XML specials")
        self.assertIn('Bun & Cha <Ba> "Lan"', msgs[0])

    def test_retry_same_sid(self):
        n = "+84912200006"
        sid = "SM" + "6" * 32
        r1 = self.d.twilio_sms(n, self.pho, sid=sid)
        r2 = self.d.twilio_sms(n, self.pho, sid=sid)
        self.assertEqual(r1[0], 200)
        self.assertEqual(r1[2], r2[2])
        self.assertEqual(self.d.count("checkins"), 1)
        self.assertEqual(self.d.count("inbound"), 1)

    def test_no_reply_is_empty_response(self):
        n = "+84912200007"
        msgs = self.twiml(*self.d.twilio_sms(n, "hello"), what="help")
        self.assertEqual(len(msgs), 1)
        msgs = self.twiml(*self.d.twilio_sms(n, "hello again"), what="help again")
        self.assertEqual(msgs, [])

    def test_get_not_allowed(self):
        st, h, b = self.d.http("GET", "/sms/twilio?From=%2B84912200008&Body=x")
        self.assertEqual(st, 405, b)
        self.assertEqual(self.d.count("inbound"), 0)


if __name__ == "__main__":
    harness.main(120)
