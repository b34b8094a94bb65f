"""Words by configuration: a third language, keywords, templates and USSD screens.

Khmer ("km") is added by configuration alone: the words that choose it,
its keywords (romanised, as feature phones type them), some reply
templates (one in Khmer script, sent as UCS-2) and USSD screens. A reply
it lacks is its fallback's (English); the declaration questions too.
A keyword changed by SIGHUP is taken; a template that could take two SMS
segments is refused at start with FILE:LINE.
"""

import json
import random
import signal

import harness
from harness import Q_CONTACT_EN, Q_SYMPTOMS_EN, e164

KM_LANG = "ឥឡូវនេះ ចម្លើយជាភាសាខ្មែរ។"
KM_CONFIRM = "Chol {venue}, {ward}, maong {time}. Phnheu CHENH pel chenh."
KM_HELP = "Phnheu lek kaut 7 khtang tov {short_number}. CHENH: chenh. KM: Khmer."
KM_CHECKOUT = "Chenh pi {venue} maong {time}. Arkoun."
KM_DONE = "Arkoun. Sokhapheap la."
KM_YESNO = "Sam {n}/{total}: {question} Chhlaoy 1=Baat, 2=Te"

WORDS = r"""
languages = ( { code = "km"; keywords = [ "KM", "KHMER", "ខ្មែរ" ]; fallback = "en"; } );
keywords = {
  checkin = { km = [ "CHOL" ]; };
  checkout = { km = [ "CHENH" ]; };
  yes = { km = [ "1", "BAAT", "CHAA" ]; };
  no = { km = [ "2", "TE", "OT TE" ]; };
  help = { km = [ "CHUOY", "?" ]; };
};
templates = {
  km = {
    lang = "%s";
    confirm = "%s";
    help = "%s";
    checkout = "%s";
    declaration_done = "%s";
    question_yesno = "%s";
  };
};
""" % (KM_LANG, KM_CONFIRM, KM_HELP, KM_CHECKOUT, KM_DONE, KM_YESNO)

USSD = r"""
ussd = {
  confirm_sms = false;
  screens = {
    km = {
      main = "Check-in\n1 Chol\n2 Prakas sokhapheap\n3 Pravatt\n4 Pheasa/Language\n0 Chenh";
      lang = "Pheasa / Language:\n1 Tieng Viet\n2 English\n3 Khmer\n0 Trolob";
      lang_set = "Pheasa Khmer.";
      code = "Phnheu lek kaut ({digits} khtang):\n0 Trolob";
    };
    vi = { lang = "Chon ngon ngu / Language:\n1 Tieng Viet\n2 English\n3 Khmer\n0 Quay lai"; };
  };
};
"""


def fill(tmpl, **kw):
    for k, v in kw.items():
        tmpl = tmpl.replace("{%s}" % k, v)
    return tmpl


class WordsTest(harness.AdminCase):

    inbound = harness.USSD_INBOUND
    extra = WORDS + USSD

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")

    def lang_of(self, number):
        return self.d.scalar("SELECT lang FROM subscribers WHERE number = ?",
                             (e164(number),))

    def ussd(self, session, number, inp):
        st, h, body = harness.ussd_json_post(self.d, session, number, inp)
        self.assertEqual(st, 200, body)
        obj = json.loads(body.decode("utf-8"))
        self.assertLessEqual(len(obj["text"]), 182, obj["text"])
        return obj["end"], obj["text"]

    def test_sms_in_khmer(self):
        n = "0916000001"
        r = self.sms(n, "Khmer")
        self.assertEqual(r, [KM_LANG])
        self.assertEqual(self.lang_of(n), 2)

        # A check-in with the language's keyword: its confirmation, then
        # the questions in the fallback language inside its template.
        r = self.sms(n, "chol " + harness.group(self.pho))
        self.assertEqual(len(r), 2, r)
        self.assertTrue(r[0].startswith("Chol Pho Thin, Hang Bac, maong "), r)
        self.assertTime(r[0])
        self.assertEqual(r[1], fill(KM_YESNO, n="1", total="2", question=Q_SYMPTOMS_EN))
        r = self.sms(n, "te")
        self.assertEqual(r, [fill(KM_YESNO, n="2", total="2", question=Q_CONTACT_EN)])
        r = self.sms(n, "ot te")
        self.assertEqual(r, [KM_DONE])
        self.assertEqual(self.d.scalar(
            "SELECT flagged FROM declarations WHERE number = ?", (e164(n),)), 0)

        self.assertEqual(self.sms(n, "CHUOY"), [fill(KM_HELP, short_number="8088")])
        r = self.sms(n, "chenh")
        self.assertTrue(r[0].startswith("Chenh pi Pho Thin maong "), r)
        # A text the language lacks is its fallback's (English).
        r = self.sms(n, "STOP")
        self.assertTrue(r[0].startswith("You will no longer get"), r)
        # Back to Vietnamese by its built-in word.
        r = self.sms(n, "VI")
        self.assertTrue(r[0].startswith("Tu nay tin tra loi se bang tieng Viet"), r)
        self.assertEqual(self.lang_of(n), 0)
        # The Khmer-script word chooses Khmer too.
        self.assertEqual(self.sms(n, "ខ្មែរ"), [KM_LANG])

    def test_ussd_in_khmer(self):
        n = "0916000002"
        s = "ATUid_%032x" % random.getrandbits(128)
        end, text = self.ussd(s, n, "")
        self.assertFalse(end)
        self.assertIn("1 Check-in", text)            # Vietnamese built-in menu
        end, text = self.ussd(s, n, "4")
        self.assertIn("3 Khmer", text)
        end, text = self.ussd(s, n, "3")
        self.assertFalse(end)
        self.assertEqual(text, "Pheasa Khmer.\nCheck-in\n1 Chol\n2 Prakas sokhapheap\n"
                         "3 Pravatt\n4 Pheasa/Language\n0 Chenh")
        self.assertEqual(self.lang_of(n), 2)
        end, text = self.ussd(s, n, "1")
        self.assertEqual(text, "Phnheu lek kaut (7 khtang):\n0 Trolob")
        # A screen the language lacks is English.
        end, text = self.ussd(s, n, self.pho)
        self.assertIn("Check in at:\nPho Thin, Hang Bac", text)
        # A language past the list is no choice.
        s2 = "ATUid_%032x" % random.getrandbits(128)
        end, text = self.ussd(s2, "0916000003", "")
        end, text = self.ussd(s2, "0916000003", "4")
        end, text = self.ussd(s2, "0916000003", "4")
        self.assertTrue(text.startswith("Lua chon khong hop le."), text)

    def test_keyword_by_sighup(self):
        # A command word, not a check-in keyword: a code anywhere in a text
        # is a check-in whatever word stands before it.
        n = "0916000004"
        stopped = "khong nhan canh bao"
        r = self.sms(n, "NGUNG")
        self.assertFalse(any(stopped in x for x in r), r)
        changed = self.extra.replace('checkin = { km = [ "CHOL" ]; };',
                                     'checkin = { km = [ "CHOL" ]; };\n'
                                     '  stop = { vi = [ "stop", "tc", "huy", "ngừng" ]; };')
        self.assertNotEqual(changed, self.extra)
        self.d.write_config(extra=changed)
        self.d.signal(signal.SIGHUP)
        got = harness.wait_for(lambda: any(stopped in x for x in self.sms(n, "ngừng")),
                               harness.stretch(10))
        self.assertTrue(got, harness.tail(self.d.logpath))
        self.assertNotIn("reload refused", self.d.log())
        # A keyword with two meanings is refused; the words in force stay.
        self.d.write_config(extra=self.extra.replace('"OT TE" ]', '"OT TE", "CHOL" ]'))
        self.d.signal(signal.SIGHUP)
        self.assertTrue(harness.wait_for(lambda: "reload refused" in self.d.log(),
                                         harness.stretch(10)))
        self.assertIn("keywords.no.km: \"chol\" means checkin and no in km", self.d.log())
        r = self.sms("0916000005", "ngung")
        self.assertTrue(any(stopped in x for x in r), r)


class RefusedTest(harness.unittest.TestCase):

    def test_overlong_template_refused(self):
        long_tmpl = ("Checked in at {venue}, {ward}, at {time}. Text RA when you leave. "
                     "Keep this SMS to show if asked by the ward office or the police.")
        with harness.Daemon() as d:
            text = d.config_text(extra='templates = {\n  en = {\n    confirm = "%s";\n  };\n};'
                                 % long_tmpl)
            d.write_config(text=text)
            line = text[:text.index("confirm = ")].count("\n") + 1
            d.start(wait=False)
            try:
                rc = d.proc.wait(harness.stretch(10))
            finally:
                d.kill9()
            log = d.log()
            self.assertEqual(rc, 1, log)
            self.assertIn("%s:%d: templates.en.confirm: can take 2 SMS segments"
                          % (d.confpath, line), log)


if __name__ == "__main__":
    harness.main(120)
