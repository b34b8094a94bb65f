"""Real Kannel 1.4.5 in front of checkind.

fakesmsc (the SMSC simulator of kannel-extras) injects MO messages into a
bearerbox `smsc = fake`; smsbox's catch-all sms-service calls checkind's
/sms/kannel; the HTTP answer goes back out through bearerbox to fakesmsc,
which prints each MT it receives as "Got message N: <from to type data>".

fakesmsc line format (test/fakesmsc.c, gw/smsc/smsc_fake.c):
  MO we write:  "SENDER RECEIVER text TEXT"      (taken as is, coding 0)
                "SENDER RECEIVER ucs2 URLENC"    (UTF-16BE bytes, coding 2)
  MT it prints: "SENDER RECEIVER text TEXT"      (GSM-7 reply, raw)
                "SENDER RECEIVER ucs-2 URLENC"   (UCS-2 reply, UTF-16BE)
                "SENDER RECEIVER udh URLENC data URLENC"   (a part of a
                concatenated reply; the coding is not printed)
A plain-text MT that holds a newline is printed over several lines.
"""

import os
import re
import signal
import subprocess
import sys
import time
import unittest
import urllib.parse

import harness
from harness import (HOTLINE, Q_CONTACT_VI, Q_SYMPTOMS_VI, e164, group,
                     free_port, tail, wait_port)

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"

SHORT = "8088"

# A confirmation with diacritics: Kannel must get X-Kannel-Coding: 2 and
# send it as UCS-2, or every Vietnamese letter arrives as '?'.
# One UCS-2 segment (70) with a 40-character venue name, as checkind demands.
UCS2_CONFIRM = "Check-in tại {venue} lúc {time}"
UCS2_TEMPLATES = 'templates = { vi = { confirm = "%s"; }; };' % UCS2_CONFIRM


def need_kannel():
    missing = [p for p in (BEARERBOX, SMSBOX, FAKESMSC) if not os.access(p, os.X_OK)]
    if not missing:
        return
    if os.environ.get("CHECKIND_ALLOW_SKIP") == "1":
        sys.stderr.write("skip: %s missing\n" % " ".join(missing))
        sys.exit(77)
    sys.stderr.write("%s missing: install kannel kannel-extras\n" % " ".join(missing))
    sys.exit(1)


def ucs2_line(frm, text):
    """A fakesmsc MO line carrying text as UCS-2."""
    return "%s %s ucs2 %s\n" % (
        frm, SHORT, urllib.parse.quote(text.encode("utf-16-be"), safe=""))


def unquote_bytes(s):
    """Kannel's octstr_url_encode reversed: '+' is a space, %XX a byte."""
    return urllib.parse.unquote_to_bytes(s.replace("+", " "))


class Kannel:
    """bearerbox + smsbox + fakesmsc, all on free ports in one folder."""

    def __init__(self, dir, target_port, mo_recode, post=False):
        self.dir = dir
        self.admin_port = free_port()
        self.smsbox_port = free_port()
        self.fake_port = free_port()
        self.sendsms_port = free_port()
        self.conf = os.path.join(dir, "kannel.conf")
        self.logpath = os.path.join(dir, "bearerbox.log")
        self.smsbox_log = os.path.join(dir, "smsbox.log")
        self.fake_out = os.path.join(dir, "fakesmsc.out")
        self.access_log = os.path.join(dir, "access.log")
        self.procs = {}
        query = ("secret=%s&from=%%p&to=%%P&time=%%T&id=%%I&coding=%%c&charset=%%C"
                 % harness.SECRET)
        if post:
            service = 'post-url = "http://127.0.0.1:%d/sms/kannel?%s"' % (
                target_port, query)
        else:
            service = 'get-url = "http://127.0.0.1:%d/sms/kannel?%s&text=%%b"' % (
                target_port, query)
        with open(self.conf, "w") as f:
            f.write("""group = core
admin-port = %(admin)d
admin-password = "bar"
admin-interface = "127.0.0.1"
smsbox-port = %(smsbox)d
smsbox-interface = "127.0.0.1"
box-allow-ip = "127.0.0.1"
log-file = "%(log)s"
log-level = 0
access-log = "%(access)s"

group = smsc
smsc = fake
smsc-id = fake
port = %(fake)d
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = "127.0.0.1"
bearerbox-port = %(smsbox)d
sendsms-port = %(sendsms)d
sendsms-interface = "127.0.0.1"
log-file = "%(sblog)s"
log-level = 0
mo-recode = %(recode)s

group = sms-service
keyword = default
catch-all = true
%(service)s
accept-x-kannel-headers = true
max-messages = 3
concatenation = true
omit-empty = true
""" % {"admin": self.admin_port, "smsbox": self.smsbox_port, "log": self.logpath,
       "access": self.access_log, "fake": self.fake_port,
       "sendsms": self.sendsms_port, "sblog": self.smsbox_log,
       "recode": "true" if mo_recode else "false", "service": service})

    def _spawn(self, name, argv, stdin=subprocess.DEVNULL):
        out = open(os.path.join(self.dir, name + ".out"), "ab")
        p = subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=out,
                             cwd=self.dir)
        out.close()
        self.procs[name] = p
        return p

    def alive(self):
        return all(p.poll() is None for p in self.procs.values())

    def start(self):
        harness._live.append(self)
        bb = self._spawn("bearerbox", [BEARERBOX, self.conf])
        if not wait_port(self.admin_port, harness.stretch(15), lambda: bb.poll() is None):
            raise AssertionError("bearerbox did not start:\n" +
                                 tail(os.path.join(self.dir, "bearerbox.out")))
        sb = self._spawn("smsbox", [SMSBOX, self.conf])
        if not wait_port(self.sendsms_port, harness.stretch(15), lambda: sb.poll() is None):
            raise AssertionError("smsbox did not start:\n" +
                                 tail(os.path.join(self.dir, "smsbox.out")))
        self._wait_log(self.logpath, "Client connected from", 1, "smsbox to connect")
        self._wait_log(self.logpath, "smsc_fake: start called", 1, "the fake SMSC")
        # fakesmsc panics if the listener is not there yet: retry a little.
        for attempt in range(20):
            self.fake = self._spawn(
                "fakesmsc", [FAKESMSC, "-H", "127.0.0.1", "-r", str(self.fake_port),
                             "-i", "0.01"], stdin=subprocess.PIPE)
            try:
                self._wait_log(self.logpath, "Fakesmsc client connected", 1,
                               "fakesmsc to connect", harness.stretch(10), self.fake)
                return
            except AssertionError:
                if self.fake.poll() is None:
                    raise
                time.sleep(0.3)
        raise AssertionError("fakesmsc never connected:\n" + tail(self.fake_out))

    def _wait_log(self, path, needle, count, what, timeout=harness.stretch(15), proc=None):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                with open(path, "rb") as f:
                    if f.read().decode("utf-8", "replace").count(needle) >= count:
                        return
            except OSError:
                pass
            if proc is not None and proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError("waiting for %s:\n%s" % (what, tail(path)))

    def send(self, line):
        """One MO line to fakesmsc's stdin."""
        if isinstance(line, str):
            line = line.encode("utf-8")
        assert len(line) < 250, "fakesmsc reads at most 255 bytes a line"
        self.fake.stdin.write(line)
        self.fake.stdin.flush()

    def mt_lines(self):
        """The MT lines fakesmsc printed, continuation lines joined back."""
        try:
            with open(self.fake_out, "rb") as f:
                raw = f.read().decode("utf-8", "replace")
        except OSError:
            return []
        out = []
        for m in re.finditer(r"Got message \d+: <(.*?)>?$", raw, re.M):
            body = m.group(1)
            if re.match(r"^\S+ \S+ (text|ucs-2|data|udh) ", body) or not out:
                out.append(body)
            else:
                out[-1] += "\n" + body
        return out

    def messages(self):
        """Complete MT messages: (sender, receiver, text), parts reassembled."""
        done, parts = [], {}
        for line in self.mt_lines():
            m = re.match(r"^(\S+) (\S+) (text|ucs-2|data) (.*)$", line, re.S)
            if m:
                frm, to, kind, data = m.groups()
                if kind == "text":
                    text = data
                elif kind == "ucs-2":
                    text = unquote_bytes(data).decode("utf-16-be", "replace")
                else:
                    text = unquote_bytes(data).decode("latin-1")
                done.append((frm, to, text))
                continue
            m = re.match(r"^(\S+) (\S+) udh (\S+) data (.*)$", line, re.S)
            if not m:
                done.append(("?", "?", line))
                continue
            frm, to, udh, data = m.groups()
            udh, data = unquote_bytes(udh), unquote_bytes(data)
            ref, total, seq = self._concat(udh)
            key = (frm, to, ref)
            parts.setdefault(key, {})[seq] = data
            if len(parts[key]) == total:
                chunks = [parts[key][i] for i in sorted(parts[key])]
                if any(b"\x00" in c for c in chunks):
                    text = b"".join(chunks).decode("utf-16-be", "replace")
                else:
                    text = b"".join(chunks).decode("utf-8", "replace")
                del parts[key]
                done.append((frm, to, text))
        return done

    @staticmethod
    def _concat(udh):
        """(reference, total, sequence) of a concatenation UDH (3GPP TS 23.040 9.2.3.24.1, .8)."""
        i = 1
        while i + 1 < len(udh):
            iei, ln = udh[i], udh[i + 1]
            v = udh[i + 2:i + 2 + ln]
            if iei == 0x00 and ln == 3:
                return v[0], v[1], v[2]
            if iei == 0x08 and ln == 4:
                return (v[0] << 8) | v[1], v[2], v[3]
            i += 2 + ln
        return None, 1, 1

    def stop(self):
        """fakesmsc by SIGINT, the boxes by SIGTERM, a kill on timeout."""
        for name, sig in (("fakesmsc", signal.SIGINT), ("smsbox", signal.SIGTERM),
                          ("bearerbox", signal.SIGTERM)):
            p = self.procs.get(name)
            if p is None or p.poll() is not None:
                continue
            p.send_signal(sig)
            if p.stdin is not None:
                p.stdin.close()
            try:
                p.wait(harness.stretch(15))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(harness.stretch(5))
        if self in harness._live:
            harness._live.remove(self)

    def kill9(self):
        for p in self.procs.values():
            if p.poll() is None:
                p.kill()
                try:
                    p.wait(harness.stretch(5))
                except subprocess.TimeoutExpired:
                    pass
        if self in harness._live:
            harness._live.remove(self)


class KannelCase(harness.TestCase):
    """A private daemon (self.d) and Kannel (self.k) per test, set up by the
    subclass; cleanup() stops both and, when the test failed, shows Kannel's
    logs beside the daemon's."""

    def cleanup(self):
        if self.k is not None:
            self.k.stop()
        try:
            if self.d.alive():
                self.d.stop()
            report = self.d.sanitizer_report()
            if report:
                raise AssertionError("checkind log reports:\n" + report)
        except BaseException:
            self.d.__exit__(AssertionError, None, None)
            raise
        failed = False
        res = getattr(getattr(self, "_outcome", None), "result", None)
        if res is not None:
            failed = any(t is self for t, _ in list(res.failures) + list(res.errors))
        if failed:
            for name in ("fakesmsc.out", "smsbox.log", "bearerbox.log"):
                sys.stderr.write("--- %s ---\n%s\n" % (
                    name, tail(os.path.join(self.d.dir, name), 25)))
            self.d.__exit__(AssertionError, None, None)
        else:
            self.d.__exit__(None, None, None)


class KannelInterop(KannelCase):
    mo_recode = False
    post = False
    extra = ""

    def setUp(self):
        self.k = None
        self.d = harness.Daemon(extra=self.extra, name="kannel-interop")
        self.d.__enter__()
        self.addCleanup(self.cleanup)
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")
        self.d.start()
        self.k = Kannel(self.d.dir, self.d.port, self.mo_recode, self.post)
        self.k.start()

    def exchange(self, line, to, timeout=harness.stretch(20)):
        """Send one MO; wait for the one MT answer to `to` and return its text."""
        before = len([m for m in self.k.messages() if m[1] == to])
        self.k.send(line)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            got = [m for m in self.k.messages() if m[1] == to]
            if len(got) > before:
                time.sleep(0.3)  # a second message would be a bug: let it show
                got = [m for m in self.k.messages() if m[1] == to]
                self.assertEqual(len(got), before + 1,
                                 "one MO gave %d MTs: %r" % (len(got) - before,
                                                            got[before:]))
                self.assertEqual(got[-1][0], SHORT)
                return got[-1][2]
            self.assertTrue(self.k.alive(), "a Kannel box died")
            self.assertTrue(self.d.alive(), "checkind died:\n" + tail(self.d.logpath))
            time.sleep(0.1)
        raise AssertionError("no MT to %s after %r within %.0f s; fakesmsc:\n%s\n"
                             "smsbox:\n%s" % (to, line, timeout, tail(self.k.fake_out),
                                              tail(self.k.smsbox_log, 15)))

    def no_answer(self, line, to, wait=3):
        before = len([m for m in self.k.messages() if m[1] == to])
        self.k.send(line)
        time.sleep(wait)
        got = [m for m in self.k.messages() if m[1] == to]
        self.assertEqual(got[before:], [])

    def answers(self, number):
        return dict(self.d.query(
            "SELECT a.question, a.answer FROM answers a JOIN declarations d "
            "ON a.declaration_id = d.id WHERE d.number = ?", (e164(number),)))

    def conversation(self):
        """Check in (ASCII), answer KHÔNG as UCS-2, answer Có as UTF-8."""
        n = "0912345678"
        r = self.exchange("%s %s text %s\n" % (n, SHORT, self.pho), n)
        self.assertIn("Pho Thin", r)
        self.assertIn("Hang Bac", r)
        self.assertIn(Q_SYMPTOMS_VI, r)
        rows = self.d.query("SELECT channel, inbound_id FROM checkins WHERE number = ?",
                            (e164(n),))
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0][0], "kannel")
        ext = self.d.scalar("SELECT ext_id FROM inbound WHERE id = ?", (rows[0][1],))
        self.assertRegex(ext or "", r"^[0-9a-f]{8}-[0-9a-f]{4}-", "Kannel's %I is the id")

        r = self.exchange(ucs2_line(n, "KHÔNG"), n)
        self.assertIn(Q_CONTACT_VI, r)
        self.assertEqual(self.answers(n), {"symptoms": "no"})

        r = self.exchange("%s %s text Có\n" % (n, SHORT), n)
        self.assertIn(HOTLINE, r)
        self.assertEqual(self.answers(n), {"symptoms": "no", "contact": "yes"})
        self.assertEqual(self.d.scalar(
            "SELECT flagged FROM declarations WHERE number = ?", (e164(n),)), 1)
        return r

    def diacritics_checkin(self):
        """MÃ 123 4567 as UCS-2 from a second phone; the text stored intact."""
        n = "0987654321"
        text = "MÃ " + group(self.pho)
        r = self.exchange(ucs2_line(n, text), n)
        self.assertIn("Pho Thin", r)
        self.assertEqual(self.d.count("checkins", "number = ?", (e164(n),)), 1)
        self.assertEqual(self.d.scalar(
            "SELECT text FROM inbound WHERE number = ?", (e164(n),)), text)
        return r

    def help_throttled(self):
        """Two unknown texts: one help, then silence (an empty body, no MT)."""
        n = "0911111111"
        r = self.exchange("%s %s text xin chao\n" % (n, SHORT), n)
        self.assertTrue(r.strip())
        self.no_answer("%s %s text xin chao lan nua\n" % (n, SHORT), n)


class GetRecodeOff(KannelInterop):
    """get-url, mo-recode = false: UCS-2 reaches checkind as UTF-16BE bytes."""
    mo_recode = False

    def test_conversation(self):
        self.conversation()
        self.diacritics_checkin()
        self.help_throttled()


class GetRecodeOn(KannelInterop):
    """get-url, mo-recode = true: UCS-2 reaches checkind recoded as UTF-8."""
    mo_recode = True
    extra = UCS2_TEMPLATES

    def test_conversation_ucs2_reply(self):
        r = self.diacritics_checkin()
        # Sent as UCS-2 with every letter intact, not '?'.
        self.assertIn("Check-in tại Pho Thin lúc ", r)
        self.assertNotIn("?", r.split(Q_SYMPTOMS_VI)[0])
        self.assertIn(Q_SYMPTOMS_VI, r)
        n = "0987654321"
        r = self.exchange(ucs2_line(n, "KHÔNG"), n)
        self.assertIn(Q_CONTACT_VI, r)
        r = self.exchange("%s %s text 2\n" % (n, SHORT), n)
        self.assertNotIn(HOTLINE, r)
        self.assertEqual(self.answers(n), {"symptoms": "no", "contact": "no"})


class PostRecodeOff(KannelInterop):
    """post-url: the text is the request body, the rest in the URL."""
    mo_recode = False
    post = True

    def test_conversation(self):
        self.conversation()
        self.diacritics_checkin()


if __name__ == "__main__":
    need_kannel()
    harness.main(300)
