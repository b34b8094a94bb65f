"""SIGHUP reloads (a broken file changes nothing), SIGTERM stops, bad files refuse to start."""

import os
import signal
import time

import harness
from harness import Q_SYMPTOMS_VI


def templates(confirm):
    return 'templates = { vi = { confirm = "%s"; }; };' % confirm


class ReloadTest(harness.TestCase):

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")
        self.seq = 0

    def checkin(self):
        """A check-in from a fresh number; its confirmation."""
        self.seq += 1
        r = self.sms("0915%06d" % self.seq, self.pho)
        self.assertGreaterEqual(len(r), 1, r)
        return r

    def wait_confirm(self, prefix, timeout=harness.stretch(10.0)):
        """Poll until a confirmation starts with prefix; fail with the last one."""
        end = time.monotonic() + timeout
        r = None
        while time.monotonic() < end:
            self.assertTrue(self.d.alive(), "checkind died:\n" + harness.tail(self.d.logpath))
            r = self.checkin()
            if r[0].startswith(prefix):
                return r
            time.sleep(0.1)
        self.fail("after SIGHUP the confirmation is still %r, want %r" % (r, prefix))

    def hup(self, text=None, extra=None):
        self.d.write_config(text=text, extra=extra)
        self.d.signal(signal.SIGHUP)

    def test_reload_template(self):
        r = self.checkin()
        self.assertFalse(r[0].startswith("XAC NHAN"), r)
        self.hup(extra=templates("XAC NHAN {venue} {time}"))
        r = self.wait_confirm("XAC NHAN")
        self.assertIn("XAC NHAN Pho Thin ", r[0])
        self.assertTime(r[0])

    def test_reload_questions(self):
        r = self.checkin()
        self.assertIn(Q_SYMPTOMS_VI, r[1])
        self.d.questions = harness.QUESTIONS.replace(Q_SYMPTOMS_VI, "Ban co ho khan khong?")
        self.hup()
        end = time.monotonic() + harness.stretch(10)
        while time.monotonic() < end:
            r = self.checkin()
            if "Ban co ho khan khong?" in r[1]:
                break
            time.sleep(0.1)
        self.assertIn("Ban co ho khan khong?", r[1])

    def test_broken_reload_keeps_old(self):
        self.hup(extra=templates("XAC NHAN {venue} {time}"))
        self.wait_confirm("XAC NHAN")
        good = self.d.config_text(extra=templates("XAC NHAN {venue} {time}"))
        bad_files = [
            "this is { not libconfig at all",
            good + "\nfrobnicate = 1;\n",
            good.replace('format = "json"', 'format = "smoke-signals"'),
            good.replace("max_body = 16384", 'max_body = "big"'),
            "",
        ]
        for i, bad in enumerate(bad_files, 1):
            self.hup(text=bad)
            refused = harness.wait_for(
                lambda: (self.d.log().count("reload refused") >= i
                         or not self.d.alive()), harness.stretch(10))
            self.assertTrue(refused, "no \"reload refused\" for %r" % bad[-60:])
            self.assertTrue(self.d.alive(), "died on a bad reload %r:\n%s" % (
                bad[-60:], harness.tail(self.d.logpath)))
            r = self.checkin()
            self.assertTrue(r[0].startswith("XAC NHAN Pho Thin"),
                            "bad file %r changed the replies: %r" % (bad[-60:], r))
        self.assertIn("checkind.conf:", self.d.log())
        # And a good file after the bad ones is taken.
        self.hup(extra=templates("VAO {venue} {time}"))
        self.wait_confirm("VAO Pho Thin")

    def test_many_hups_under_traffic(self):
        for i in range(20):
            self.d.signal(signal.SIGHUP)
            self.checkin()
        self.assertTrue(self.d.alive())
        self.assertEqual(self.d.count("checkins"), 20)

    def test_sigterm_exit_0(self):
        self.checkin()
        self.d.stop()   # asserts exit status 0
        self.assertIn(self.d.proc.returncode, (0,))

    def test_sigint_exit_0(self):
        self.checkin()
        self.d.signal(signal.SIGINT)
        self.assertEqual(self.d.proc.wait(harness.stretch(10)), 0,
                         harness.tail(self.d.logpath))
        self.d.kill9()


class StartTest(harness.unittest.TestCase):
    """A bad configuration at start: exit 1 and FILE:LINE on stderr."""

    def refused(self, text, want_line, want_word=None):
        with harness.Daemon() as d:
            d.write_config(text=text)
            d.start(wait=False)
            try:
                rc = d.proc.wait(harness.stretch(10))
            except harness.subprocess.TimeoutExpired:
                self.fail("checkind started with a bad file:\n" + text)
            finally:
                d.kill9()
            log = d.log()
            self.assertEqual(rc, 1, log)
            if want_line is not None:
                self.assertIn("%s:%d" % (d.confpath, want_line), log,
                              "want FILE:LINE %s:%d" % (d.confpath, want_line))
            if want_word is not None:
                self.assertIn(want_word, log)
            self.assertFalse(harness.wait_port(d.port, 0.2))

    def line_of(self, text, needle):
        return text[:text.index(needle)].count("\n") + 1

    def test_unknown_setting(self):
        with harness.Daemon() as d:
            good = d.config_text()
        text = good + "\nfrobnicate = 1;\n"
        self.refused(text, self.line_of(text, "frobnicate"), "frobnicate")

    def test_unknown_setting_in_group(self):
        with harness.Daemon() as d:
            good = d.config_text()
        text = good.replace("max_body = 16384;", "max_body = 16384; colour = \"red\";")
        self.refused(text, self.line_of(text, "colour"), "colour")

    def test_wrong_type(self):
        with harness.Daemon() as d:
            good = d.config_text()
        text = good.replace('country_code = "84";', "country_code = 84;")
        self.refused(text, self.line_of(text, "country_code"), "country_code")

    def test_syntax_error(self):
        with harness.Daemon() as d:
            good = d.config_text()
        text = good.replace('language = "vi";', 'language = "vi"\nhotline = ;')
        self.refused(text, None)
        with harness.Daemon() as d:
            d.write_config(text=text)
            d.start(wait=False)
            d.proc.wait(harness.stretch(10))
            self.assertRegex(d.log(), r"checkind\.conf:\d+")

    def test_unknown_format(self):
        with harness.Daemon() as d:
            good = d.config_text()
        text = good.replace('format = "twilio"', 'format = "pigeon"')
        self.refused(text, self.line_of(text, "pigeon"), "format")

    def test_missing_file(self):
        with harness.Daemon() as d:
            os.unlink(d.confpath)
            d.start(wait=False)
            self.assertEqual(d.proc.wait(harness.stretch(10)), 1, d.log())


if __name__ == "__main__":
    harness.main(120)
