"""Voice: check-in by phone call, over Twilio's and Africa's Talking's formats.

A fake provider (Call) posts the callbacks as each provider documents them
and parses the XML answers with xml.etree, never comparing strings:

- Twilio's Voice webhook: a form POST (CallSid, AccountSid, From, To,
  CallStatus, Direction, ApiVersion; Digits after a <Gather>) signed with
  X-Twilio-Signature over the URL posted to; answers are TwiML: <Gather
  input="dtmf" action=...> around <Say>/<Play>, then <Redirect> (followed
  when no key came), or the parts then <Hangup/>, or <Reject/> alone.
- Africa's Talking's voice callback: a form POST (sessionId, direction,
  isActive, callerNumber, destinationNumber; dtmfDigits after a
  <GetDigits>); answers: <GetDigits callbackUrl=...> around <Say>/<Play
  url>, then <Redirect>, or the parts alone (AT hangs up after the last
  action), or <Reject/> alone.

The menu (src/core/voice.c): greeting and the code with '#' -> the venue
name read back (or "did you mean") 1/2 -> companions 0-9 -> the yes/no
questions of the venue's kind 1/2 -> goodbye; a venue's call_number checks
the caller in there and is rejected unanswered. Each walk records the time
of every step; the slowest and the median go to the log (the report's
per-step latency), never asserted.
"""

import random
import statistics
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET

import harness
from harness import (HOTLINE, Q_CONTACT_VI, Q_ROUTE_VI, Q_SYMPTOMS_VI, TWILIO_TOKEN,
                     e164)

VOICE_INBOUND = """
  { name = "test";     format = "json"; path = "/sms/json"; reply = "inline"; },
  { name = "voice";    type = "voice"; format = "twilio"; path = "/voice/twilio";
    auth_token = "%s"; },
  { name = "voice-at"; type = "voice"; format = "africastalking"; path = "/voice/at"; }
""" % TWILIO_TOKEN

VENUE_LINE = "+842471000001"	# a venue's own number (call_number)
SHORT_LINE = "+842471009999"	# the menu's number

LATENCIES = []


class Answer:
    """A parsed answer: kind (gather, hangup, reject, empty), what is said
    and played in order, the callback URL (gather) and the silence URL."""

    def __init__(self, t, fmt, body):
        self.t = t
        root = ET.fromstring(body)
        t.assertEqual(root.tag, "Response", body)
        kids = list(root)
        self.said, self.played, self.parts = [], [], []
        self.action = self.redirect = None
        self.num_digits = None
        self.language = None
        if not kids:
            self.kind = "empty"
            return
        if kids[0].tag == "Reject":
            t.assertEqual(len(kids), 1, "verbs after <Reject>: %r" % body)
            self.kind = "reject"
            return
        gather = "Gather" if fmt == "twilio" else "GetDigits"
        g = [k for k in kids if k.tag == gather]
        if g:
            self.kind = "gather"
            t.assertEqual(len(g), 1, body)
            g = g[0]
            if fmt == "twilio":
                t.assertEqual(g.get("input"), "dtmf", body)
                self.action = g.get("action")
            else:
                self.action = g.get("callbackUrl")
            t.assertTrue(self.action, body)
            t.assertGreater(int(g.get("timeout")), 0, body)
            nd = g.get("numDigits")
            self.num_digits = int(nd) if nd is not None else None
            if nd is None:
                t.assertEqual(g.get("finishOnKey"), "#", body)
            self.read(fmt, list(g))
            red = [k for k in kids if k.tag == "Redirect"]
            t.assertEqual(len(red), 1, "no <Redirect> for silence: %r" % body)
            self.redirect = red[0].text
            t.assertEqual(kids[-1].tag, "Redirect", body)
            return
        self.kind = "hangup"
        if fmt == "twilio":
            t.assertEqual(kids[-1].tag, "Hangup", body)
            kids = kids[:-1]
        self.read(fmt, kids)

    def read(self, fmt, elems):
        for e in elems:
            if e.tag == "Say":
                self.said.append(e.text or "")
                self.parts.append(("say", e.text or ""))
                if fmt == "twilio":
                    self.language = e.get("language")
            elif e.tag == "Play":
                url = e.text if fmt == "twilio" else e.get("url")
                self.played.append(url)
                self.parts.append(("play", url))
            else:
                self.t.fail("unexpected <%s>" % e.tag)

    def text(self):
        return " ".join(self.said)


class Call:
    """One call of one number, as the provider posts it."""

    def __init__(self, t, fmt, number, to=SHORT_LINE, call=None):
        self.t = t
        self.d = t.d
        self.fmt = fmt
        self.number = e164(number)
        self.to = to
        self.path = "/voice/twilio" if fmt == "twilio" else "/voice/at"
        if call is None:
            call = ("CA%032x" if fmt == "twilio" else "ATVId_%032x") % \
                random.getrandbits(128)
        self.call = call
        self.next = None	# the URL of the next callback
        self.silent = None
        self.last = None	# (url, params) of the last callback

    def params(self, keys=None, active=True):
        if self.fmt == "twilio":
            p = [("CallSid", self.call), ("AccountSid", "AC" + "0" * 32),
                 ("From", self.number), ("To", self.to), ("Caller", self.number),
                 ("Called", self.to), ("Direction", "inbound"),
                 ("ApiVersion", "2010-04-01"),
                 ("CallStatus", "in-progress" if active else "completed")]
            if keys is not None:
                p.append(("Digits", keys))
        else:
            p = [("sessionId", self.call), ("direction", "Inbound"),
                 ("isActive", "1" if active else "0"),
                 ("callerNumber", self.number), ("destinationNumber", self.to)]
            if keys is not None:
                p.append(("dtmfDigits", keys))
            if not active:
                p += [("durationInSeconds", "42"), ("currencyCode", "USD"),
                      ("amount", "0.05"), ("status", "Success")]
        return p

    def base(self):
        if getattr(self.t, "public_url", None):
            return self.t.public_url
        return "http://127.0.0.1:%d%s" % (self.d.port, self.path)

    def post(self, url, params, signature=None, raw=None):
        u = urllib.parse.urlsplit(url)
        path = u.path + ("?" + u.query if u.query else "")
        body = raw if raw is not None else urllib.parse.urlencode(params)
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.fmt == "twilio":
            h["X-Twilio-Signature"] = signature if signature is not None else \
                harness.twilio_signature(TWILIO_TOKEN, url, params)
        self.last = (url, params)
        t0 = time.monotonic()
        st, hd, b = self.d.http("POST", path, body, h)
        LATENCIES.append(time.monotonic() - t0)
        return st, hd, b.decode("utf-8")

    def answer(self, st, hd, body):
        self.t.assertEqual(st, 200, body)
        self.t.assertIn("xml", hd.get("content-type", ""), body)
        a = Answer(self.t, self.fmt, body)
        if a.kind == "gather":
            self.next, self.silent = a.action, a.redirect
        return a

    def start(self):
        return self.answer(*self.post(self.base(), self.params()))

    def press(self, keys):
        self.t.assertIsNotNone(self.next, "no prompt is waiting")
        k = keys if self.fmt == "africastalking" else keys
        return self.answer(*self.post(self.next, self.params(k)))

    def silence(self):
        return self.answer(*self.post(self.silent, self.params()))

    def replay(self):
        url, params = self.last
        return self.answer(*self.post(url, params))

    def hangup(self):
        return self.answer(*self.post(self.next or self.base(),
                                      self.params(active=False)))


def report_latency():
    if LATENCIES:
        s = sorted(LATENCIES)
        sys.stderr.write("voice step latency: n=%d median=%.1fms p95=%.1fms max=%.1fms\n"
                         % (len(s), 1000 * statistics.median(s),
                            1000 * s[int(0.95 * (len(s) - 1))], 1000 * s[-1]))


class Base(harness.AdminCase):

    inbound = VOICE_INBOUND
    extra = "voice = { confirm_sms = true; timeout = 7; };"
    fmt = "twilio"

    def venues(self):
        self.pho = self.d.add_venue("Phở Thìn", "Hang Bac")
        self.cafe = self.d.add_venue("Cafe Giang", "Hang Gai")
        self.gate = self.d.add_venue("Chot Long Bien", "Phuc Tan", kind="checkpoint")
        self.codes = [self.pho, self.cafe, self.gate]

    def route(self):
        return "voice" if self.fmt == "twilio" else "voice-at"

    def call(self, number, **kw):
        return Call(self, self.fmt, number, **kw)

    def checkins(self, number):
        return self.d.query("SELECT venue_id, companions, channel FROM checkins"
                            " WHERE number = ? ORDER BY id", (e164(number),))

    def answers(self, number):
        return self.d.query(
            "SELECT a.question, a.answer, a.flagged FROM answers a JOIN declarations d"
            " ON a.declaration_id = d.id WHERE d.number = ? ORDER BY a.question",
            (e164(number),))

    def sms_rows(self, number):
        return self.d.outbox("number = ?", (e164(number),))

    def gathers(self, a, *needles, digits=1):
        self.assertEqual(a.kind, "gather", a.parts)
        self.assertEqual(a.num_digits, digits if digits else None, a.parts)
        for n in needles:
            self.assertIn(n, a.text())
        return a

    def ends(self, a, *needles):
        self.assertEqual(a.kind, "hangup", a.parts)
        for n in needles:
            self.assertIn(n, a.text())
        return a

    def typo_of(self, code):
        for pos in range(7):
            cand = harness.typo(code, pos)
            near = [c for c in self.codes if c in harness._typos(cand)]
            if near == [code]:
                return cand
        self.fail("no typo of %s away from the others" % code)


class WalkTests:

    def test_checkin_companions_declaration(self):
        n = "0912400001"
        c = self.call(n)
        a = self.gathers(c.start(), "Chào mừng", "mã địa điểm", digits=0)
        if self.fmt == "twilio":
            self.assertEqual(a.language, "vi-VN")
        a = self.gathers(c.press(self.pho + "#"), "Phở Thìn", "Bấm 1")
        a = self.gathers(c.press("1"), "Có bao nhiêu người")
        a = self.gathers(c.press("2"), "thành công", Q_SYMPTOMS_VI, "Bấm 1 nếu có")
        self.assertEqual(self.checkins(n), [(self.d.venue_id(self.pho), 2, self.route())])
        a = self.gathers(c.press("1"), Q_CONTACT_VI)
        a = self.ends(c.press("2"), HOTLINE)
        self.assertEqual(self.answers(n), [("contact", "no", 0), ("symptoms", "yes", 1)])
        self.assertEqual(self.d.query("SELECT completed_at IS NOT NULL, flagged"
                                      " FROM declarations WHERE number = ?", (e164(n),)),
                         [(1, 1)])
        rows = self.sms_rows(n)
        self.assertEqual(len(rows), 1, rows)
        self.assertIn("Pho Thin", rows[0]["text"])
        self.assertEqual(rows[0]["route"], "dry")
        # The call is over: a late callback hears goodbye, nothing more.
        self.assertEqual(c.press("1").kind, "hangup")
        self.assertEqual(len(self.checkins(n)), 1)
        # The provider's end-of-call notification: an empty answer.
        self.assertEqual(c.hangup().kind, "empty")
        report_latency()

    def test_did_you_mean(self):
        n = "0912400002"
        bad = self.typo_of(self.pho)
        c = self.call(n)
        code = self.gathers(c.start(), digits=0)
        dym = self.gathers(c.press(bad), "Có phải", "Phở Thìn")
        # A key outside the menu: said so, the same question again.
        again = self.gathers(c.press("7"), "không có trong", "Phở Thìn")
        self.assertGreater(len(again.said), len(dym.said) - 1)
        self.assertEqual(self.checkins(n), [])
        # 2: the code again; then the right code.
        self.gathers(c.press("2"), "mã địa điểm", digits=0)
        self.gathers(c.press(self.pho), "Phở Thìn")
        self.gathers(c.press("1"), "Có bao nhiêu")
        self.gathers(c.press("0"), Q_SYMPTOMS_VI)
        self.gathers(c.press("2"), Q_CONTACT_VI)
        end = self.ends(c.press("2"))
        self.assertNotIn(HOTLINE, end.text())
        self.assertEqual(self.checkins(n), [(self.d.venue_id(self.pho), 0, self.route())])
        self.assertEqual(self.answers(n), [("contact", "no", 0), ("symptoms", "no", 0)])
        self.assertNotEqual(code.text(), "")

    def test_wrong_code_and_bad_keys_reprompt(self):
        n = "0912400003"
        c = self.call(n)
        self.gathers(c.start(), digits=0)
        a = self.gathers(c.press("123"), "không phải là một địa điểm", "mã địa điểm",
                         digits=0)
        a = self.gathers(c.press(harness.bad_code(self.codes)), "không phải",
                         digits=0)
        self.gathers(c.press(self.cafe), "Cafe Giang")
        self.gathers(c.press("1"))
        a = self.gathers(c.press("*"), "không có trong", "Có bao nhiêu")
        self.gathers(c.press("3"), Q_SYMPTOMS_VI)
        a = self.gathers(c.press("9"), "không có trong", Q_SYMPTOMS_VI)
        self.assertEqual(self.checkins(n), [(self.d.venue_id(self.cafe), 3, self.route())])
        self.assertEqual(self.answers(n), [])

    def test_silent_caller(self):
        n = "0912400004"
        c = self.call(n)
        first = self.gathers(c.start(), digits=0)
        second = self.gathers(c.silence(), "chưa nhận được", "mã địa điểm", digits=0)
        self.assertNotEqual(first.said, second.said)
        end = self.ends(c.silence(), "tạm biệt")
        self.assertEqual(self.checkins(n), [])
        self.assertEqual(self.d.scalar("SELECT ended FROM ussd_sessions WHERE id = ?",
                                       ("voice:" + c.call,)), 1)
        self.assertNotEqual(end.said, [])

    def test_silence_mid_menu_then_answer(self):
        n = "0912400005"
        c = self.call(n)
        c.start()
        self.gathers(c.press(self.cafe), "Cafe Giang")
        self.gathers(c.silence(), "chưa nhận được", "Cafe Giang")
        self.gathers(c.press("1"), "Có bao nhiêu")
        # One silence, then keys: the count starts again.
        self.gathers(c.silence(), "chưa nhận được")
        self.gathers(c.press("1"), Q_SYMPTOMS_VI)
        self.assertEqual(len(self.checkins(n)), 1)

    def test_replayed_callback_stored_once(self):
        n = "0912400006"
        c = self.call(n)
        c.start()
        c.press(self.pho)
        c.press("1")
        q = self.gathers(c.press("4"), Q_SYMPTOMS_VI)
        inbound = self.d.count("inbound")
        # The provider posts the companions callback again: the current
        # prompt again, nothing acted on twice.
        r = self.gathers(c.replay(), Q_SYMPTOMS_VI)
        self.assertEqual(r.action, q.action)
        self.assertEqual(self.checkins(n), [(self.d.venue_id(self.pho), 4, self.route())])
        self.assertEqual(self.d.count("inbound"), inbound)
        self.assertEqual(self.answers(n), [])
        self.assertEqual(len(self.sms_rows(n)), 1)
        # And the first callback again.
        self.gathers(c.answer(*c.post(c.base(), c.params())), Q_SYMPTOMS_VI)
        self.gathers(c.press("2"), Q_CONTACT_VI)
        self.ends(c.press("2"))
        self.assertEqual(self.answers(n), [("contact", "no", 0), ("symptoms", "no", 0)])

    def test_venue_number_rejected_and_stored(self):
        n = "0912400007"
        self.set_call_number(self.cafe, VENUE_LINE)
        c = self.call(n, to=VENUE_LINE)
        a = c.start()
        self.assertEqual(a.kind, "reject")
        self.assertEqual(self.checkins(n), [(self.d.venue_id(self.cafe), 0, self.route())])
        inbound = self.d.query("SELECT ext_id, channel FROM inbound WHERE number = ?",
                               (e164(n),))
        self.assertEqual(inbound, [(c.call, self.route())])
        rows = self.sms_rows(n)
        self.assertTrue(any("Cafe Giang" in r["text"] for r in rows), rows)
        nsms = len(rows)
        # The provider's retry: rejected again, stored once.
        self.assertEqual(c.replay().kind, "reject")
        self.assertEqual(len(self.checkins(n)), 1)
        self.assertEqual(len(self.sms_rows(n)), nsms)
        # A second call a minute later is a repeat (duplicate_window): no new check-in.
        c2 = self.call(n, to=VENUE_LINE)
        self.assertEqual(c2.start().kind, "reject")
        self.assertEqual(len(self.checkins(n)), 1)

    def test_text_question_by_sms(self):
        n = "0912400008"
        c = self.call(n)
        c.start()
        self.gathers(c.press(self.gate), "Chot Long Bien")
        self.gathers(c.press("1"), "Có bao nhiêu")
        a = self.ends(c.press("1"), "thành công", "tin nhắn")
        self.assertNotIn(Q_ROUTE_VI, a.text())
        self.assertEqual(self.checkins(n), [(self.d.venue_id(self.gate), 1, self.route())])
        texts = [r["text"] for r in self.sms_rows(n)]
        self.assertEqual(len(texts), 2, texts)
        self.assertTrue(any(Q_ROUTE_VI in t for t in texts), texts)
        # The answer by SMS completes the declaration.
        self.sms(n, "Ha Noi - Bac Ninh")
        self.assertEqual(self.answers(n), [("route", "Ha Noi - Bac Ninh", 0)])

    def test_bad_input_clean_hangup(self):
        n = "0912400009"
        c = self.call(n)
        c.start()
        def without(*names):
            return [p for p in c.params("1") if p[0] not in names]

        def with_(name, value):
            return [(k, value if k == name else v) for k, v in c.params("1")]

        caller = "From" if self.fmt == "twilio" else "callerNumber"
        for what, params in (
                ("no call id", without("CallSid", "sessionId")),
                ("no caller", without("From", "callerNumber")),
                ("10 kB of keys", c.params("1" * 10240)),
                ("non-digits", c.params("12a")),
                ("a NUL", c.params("1\x00")),
                ("a caller that is no number", with_(caller, "not a number"))):
            st, hd, body = c.post(c.next, params)
            a = c.answer(st, hd, body)
            # AT hangs up after the last action: an empty document is its hang-up.
            self.assertIn(a.kind, ("hangup",) if self.fmt == "twilio" else
                          ("hangup", "empty"), (what, body))
            self.assertEqual(a.said, [], (what, body))
        self.assertTrue(self.d.alive())
        self.assertEqual(self.checkins(n), [])
        # The call itself goes on.
        self.gathers(c.press(self.pho), "Phở Thìn")

    def test_markup_in_a_name_is_escaped(self):
        n = "0912400013"
        odd = self.d.add_venue('Bún & Chả <"Hà Nội">', "Hang Bac")
        c = self.call(n)
        c.start()
        # The answer parses (xml.etree) and says the name as it is.
        a = self.gathers(c.press(odd))
        self.assertIn('Bún & Chả <"Hà Nội">', a.said)
        self.assertIn("s=%d" % 1, c.next)

    def set_call_number(self, code, number):
        self.ctl("venue", "call-number", "--number", number, code)

    def ctl(self, *args):
        import subprocess
        p = subprocess.run([self.d.checkinctl, "-d", self.d.dbpath] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=harness.stretch(30))
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.decode("utf-8")


class TwilioWalks(WalkTests, Base):
    fmt = "twilio"

    def test_bad_signature_refused(self):
        n = "0912400010"
        c = self.call(n)
        for sig in ("AAAA", harness.twilio_signature("other", c.base(), c.params())):
            st, hd, body = c.post(c.base(), c.params(), signature=sig)
            self.assertEqual(st, 403, body)
        # Signed over another URL (a proxy changed it): refused too.
        st, hd, body = c.post(c.base(), c.params(), signature=harness.twilio_signature(
            TWILIO_TOKEN, c.base() + "x", c.params()))
        self.assertEqual(st, 403, body)
        self.assertEqual(self.d.count("ussd_sessions"), 0)
        self.assertEqual(self.checkins(n), [])
        # A step signed wrong changes nothing either.
        c.start()
        st, hd, body = c.post(c.next, c.params(self.pho), signature="bad")
        self.assertEqual(st, 403)
        self.gathers(c.press(self.pho), "Phở Thìn")


class AtWalks(WalkTests, Base):
    fmt = "africastalking"


class VenueNumberTests(Base):
    """call_number by the admin API, the import and checkinctl; /metrics."""

    def test_api_sets_shows_and_refuses_a_taken_number(self):
        st, v = self.d.admin_json("POST", "/api/venues", {
            "name": "Bun Cha Huong Lien", "ward": "Le Dai Hanh",
            "call_number": "024 7100 0002"})
        self.assertEqual(st, 201, v)
        self.assertEqual(v["call_number"], "+842471000002")
        st, body = self.d.admin_json("PATCH", "/api/venues/" + self.pho,
                                     {"call_number": "+842471000002"})
        self.assertEqual(st, 409, body)
        st, body = self.d.admin_json("PATCH", "/api/venues/" + self.pho,
                                     {"call_number": "not a number"})
        self.assertEqual(st, 400, body)
        st, got = self.d.admin_json("GET", "/api/venues/" + v["code"])
        self.assertEqual(got["call_number"], "+842471000002")
        # Cleared, then the number is free for another venue.
        st, got = self.d.admin_json("PATCH", "/api/venues/" + v["code"],
                                    {"call_number": None})
        self.assertEqual((st, got["call_number"]), (200, None))
        st, got = self.d.admin_json("PATCH", "/api/venues/" + self.pho,
                                    {"call_number": "+842471000002"})
        self.assertEqual((st, got["call_number"]), (200, "+842471000002"))
        c = Call(self, "twilio", "0912400020", to="+842471000002")
        self.assertEqual(c.start().kind, "reject")
        self.assertEqual(self.checkins("0912400020"),
                         [(self.d.venue_id(self.pho), 0, "voice")])
        m = self.d.metrics()
        self.assertEqual(m.get(("checkind_checkins_total",
                                frozenset({("route", "voice")}))), 1)

    def test_import_and_ctl(self):
        import os
        import subprocess
        path = os.path.join(self.d.dir, "venues.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("name,address,ward,kind,owner_phone,call_number\n"
                    "Quan A,1 Pho Hue,Pho Hue,default,,,,0247 100 0003\n"
                    "Quan B,2 Pho Hue,Pho Hue,default,,,,\n"
                    "Quan C,3 Pho Hue,Pho Hue,default,,,,+842471000003\n"
                    "Quan D,4 Pho Hue,Pho Hue,default,,,,12ab\n"
                    "Quan E,5 Pho Hue,Pho Hue,default,\n")
        p = subprocess.run([self.d.checkinctl, "-d", self.d.dbpath, "venue", "import",
                            path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=harness.stretch(30))
        err = p.stderr.decode("utf-8")
        self.assertIn("venues.csv:4:", err)
        self.assertIn("already has call_number", err)
        self.assertIn("venues.csv:5:", err)
        names = self.d.query("SELECT name, call_number FROM venues"
                             " WHERE ward = 'Pho Hue' ORDER BY name")
        self.assertEqual(names, [("Quan A", "+842471000003"), ("Quan B", None),
                                 ("Quan E", None)])
        code = self.d.scalar("SELECT code FROM venues WHERE name = 'Quan A'")
        out = self.ctl("venue", "show", code)
        self.assertIn("call_number: +842471000003", out)
        self.assertIn("+842471000003", self.ctl("venue", "call-number", code))
        self.ctl("venue", "call-number", "--clear", code)
        self.assertIsNone(self.d.scalar("SELECT call_number FROM venues WHERE code = ?",
                                        (code,)))

    def ctl(self, *args):
        return WalkTests.ctl(self, *args)


class ProxyUrlTests(Base):
    """Behind a proxy: Twilio signs the public URL (the route's url)."""

    public_url = "https://checkin.example.org/voice/twilio"
    inbound = VOICE_INBOUND.replace(
        'path = "/voice/twilio";', 'path = "/voice/twilio"; url = "%s";'
        % "https://checkin.example.org/voice/twilio")

    def test_signed_over_the_public_url(self):
        n = "0912400030"
        c = self.call(n)
        a = self.gathers(c.start(), digits=0)
        # The callback URL is the public one, with the step.
        self.assertEqual(a.action, self.public_url + "?s=0")
        self.gathers(c.press(self.cafe), "Cafe Giang")
        # Signed over the local URL, as if no proxy were there: refused.
        st, hd, body = c.post(c.next, c.params("1"), signature=harness.twilio_signature(
            TWILIO_TOKEN, "http://127.0.0.1:%d/voice/twilio?s=1" % self.d.port,
            c.params("1")))
        self.assertEqual(st, 403, body)
        self.gathers(c.press("1"), "Có bao nhiêu")


class PromptTests(Base):
    """Recorded prompts and configured texts."""

    extra = """voice = { confirm_sms = false; prompts_url = "https://media.example.org/p";
  prompts_ext = "mp3"; prompts = { en = { greeting = "Hello from the test."; }; }; };"""

    def test_recorded_prompts_name_said(self):
        n = "0912400011"
        c = self.call(n)
        a = self.gathers(c.start(), digits=0)
        self.assertEqual(a.said, [])
        self.assertEqual(a.played, ["https://media.example.org/p/vi/greeting.mp3",
                                    "https://media.example.org/p/vi/code.mp3"])
        a = self.gathers(c.press(self.pho))
        self.assertEqual(a.parts, [("play", "https://media.example.org/p/vi/venue.mp3"),
                                   ("say", "Phở Thìn"),
                                   ("play", "https://media.example.org/p/vi/confirm_keys.mp3")])
        c.press("1")
        c.press("0")
        # confirm_sms off: no text queued.
        self.assertEqual(self.sms_rows(n), [])


class EnglishPromptTests(Base):
    extra = """voice = { prompts = { en = { greeting = "Hello from the test."; }; }; };"""

    def test_configured_english_prompt(self):
        n = "0912400012"
        self.sms(n, "EN")
        c = self.call(n)
        a = self.gathers(c.start(), "Hello from the test.", "venue code", digits=0)
        self.assertEqual(a.language, "en-US")


if __name__ == "__main__":
    harness.main()
