"""Delivery reports are authenticated; the configuration is safe by default.

A report to /dlr/ROUTE must carry the route's secret (?secret=, put in every
URL we give the aggregator: dlr_secret when configured, else one generated
once and kept in the database) and come from the route's allow list;
otherwise it is a 403 and the outbox row is exactly as before. A report only
moves a row forward: delivered is final. The shipped example's placeholder
secrets stop the daemon at start ("FILE:LINE: setting: reason"); an inbound
route neither signed nor allow-listed on a listener that is not loopback is
warned of at start and at every reload, by name, never with a secret; and
checkinctl check-config prints the same findings (exit 0 clean, 1 findings,
2 refused).
"""

import json
import os
import re
import signal
import subprocess
import time
import unittest
import urllib.parse

import harness
from harness import OUTBOX_DELIVERED, OUTBOX_FAILED, OUTBOX_SENT, e164

STATE = harness.OUTBOX_STATE_NAMES


class Base(harness.OutboxCase):

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")
        self.seq = 0

    def sent_row(self):
        """A check-in through /sms/q from a fresh number: its row, once sent."""
        self.seq += 1
        number = "09127%05d" % self.seq
        self.assertEqual(self.queue(number, self.pho), 1)
        rows = self.d.outbox("number = ?", (e164(number),))
        self.assertEqual(len(rows), 1, rows)
        return self.d.wait_outbox("id = ? AND state = %d" % OUTBOX_SENT,
                                  (rows[0]["id"],), 1)[0]

    def request_of(self, rid):
        """The fake aggregator's request that sent row rid."""
        self.assertTrue(self.agg.wait_count(1, harness.stretch(10)))
        for r in self.agg.snapshot():
            if r.msg(self.flavour).get("id") == rid:
                return r
        self.fail("no request for row %d in %r" % (rid, self.agg.snapshot()))

    def unchanged_after(self, fn):
        """Run fn(); the outbox must be exactly as before. fn's result."""
        before = self.d.outbox()
        out = fn()
        time.sleep(0.2)
        self.assertEqual(self.d.outbox(), before)
        return out

    def get(self, url):
        """GET a URL of ours (path and query only); (status, body)."""
        u = urllib.parse.urlsplit(url)
        st, _, body = self.d.http("GET", u.path + "?" + u.query)
        return st, body

    def kept_secret(self, route):
        return self.d.scalar("SELECT secret FROM route_secrets WHERE route = ?",
                             (route,))


class GeneratedSecretTest(Base):
    """Kannel, no dlr_secret: the daemon makes one and keeps it."""

    driver = "kannel"
    route = "kannel"
    route_opts = {"dlr_secret": None}

    def report_url(self, row, status):
        """The dlr-url the row was sent with, as Kannel fills it in."""
        url = self.request_of(row["id"]).q("dlr-url")
        self.assertTrue(url.startswith(self.d.dlr_url("kannel") + "?secret="), url)
        return url.replace("%d", str(status)).replace("%i", "smsc1").replace(
            "%A", "ACK")

    def test_forged_refused(self):
        row = self.sent_row()
        secret = self.kept_secret("kannel")
        self.assertRegex(secret or "", r"^[0-9a-f]{64}$")
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(
            self.report_url(row, 1)).query))
        self.assertEqual(q["secret"], secret)
        self.assertEqual(q["id"], str(row["id"]))
        # The attack: our own counting id, no secret.
        for query in ("id=%d&status=16" % row["id"],
                      "secret=&id=%d&status=16" % row["id"],
                      "secret=%s&id=%d&status=16" % ("0" * 64, row["id"]),
                      "secret=%s&id=%d&status=16" % (secret[:-1], row["id"]),
                      "secret=%sX&id=%d&status=16" % (secret, row["id"]),
                      "secret=%s&id=%d&status=16" % (secret.upper(), row["id"])):
            st, _, body = self.unchanged_after(
                lambda: self.d.http("GET", "/dlr/kannel?" + query))
            self.assertEqual(st, 403, (query, body))
            self.assertIn(b"secret", body)
        # A form body does not stand in for the URL's secret.
        st, _, body = self.unchanged_after(lambda: self.d.http(
            "POST", "/dlr/kannel?id=%d&status=16" % row["id"],
            "secret=" + secret, {"Content-Type": "application/x-www-form-urlencoded"}))
        self.assertEqual(st, 403, body)
        self.assertEqual(self.d.outbox_row(row["id"])["state"], OUTBOX_SENT)
        # The URL we gave is accepted.
        st, body = self.get(self.report_url(row, 16))
        self.assertEqual(st, 200, body)
        r = self.d.outbox_row(row["id"])
        self.assertEqual(STATE[r["state"]], "failed")
        self.assertTrue(r["dlr_state"].startswith("16"), r)
        # The secret is not written to the log.
        self.assertNotIn(secret, self.d.log())

    def test_delivered_is_final(self):
        row = self.sent_row()
        st, body = self.get(self.report_url(row, 1))
        self.assertEqual(st, 200, body)
        r = self.d.outbox_row(row["id"])
        self.assertEqual(STATE[r["state"]], "delivered")
        before = dict(r)
        for status in (16, 2, 8, 4):
            st, body = self.get(self.report_url(row, status))
            self.assertEqual(st, 200, body)
            r = self.d.outbox_row(row["id"])
            self.assertEqual(STATE[r["state"]], "delivered", (status, r))
            self.assertIsNone(r["error"], r)
            self.assertEqual(r["dlr_state"], before["dlr_state"], status)
        # Failed then delivered moves forward: the network retried.
        row2 = self.sent_row()
        st, body = self.get(self.report_url(row2, 16))
        self.assertEqual(st, 200, body)
        self.assertEqual(self.d.outbox_row(row2["id"])["state"], OUTBOX_FAILED)
        st, body = self.get(self.report_url(row2, 1))
        self.assertEqual(st, 200, body)
        self.assertEqual(self.d.outbox_row(row2["id"])["state"], OUTBOX_DELIVERED)

    def test_secret_survives_restart(self):
        row = self.sent_row()
        url = self.report_url(row, 1)
        secret = self.kept_secret("kannel")
        self.d.restart()
        self.assertEqual(self.kept_secret("kannel"), secret)
        self.assertEqual(self.d.count("route_secrets"), 1)
        st, body = self.get(url)
        self.assertEqual(st, 200, body)
        self.assertEqual(self.d.outbox_row(row["id"])["state"], OUTBOX_DELIVERED)
        # Messages sent after the restart carry the same secret.
        row2 = self.sent_row()
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(
            self.report_url(row2, 1)).query))
        self.assertEqual(q["secret"], secret)
        # And so after a reload.
        self.d.signal(signal.SIGHUP)
        harness.wait_until(lambda: "configuration reloaded" in self.d.log(),
                           harness.stretch(10), "the reload", self.d)
        st, body = self.get(self.report_url(row2, 16))
        self.assertEqual(st, 200, body)
        self.assertEqual(self.d.outbox_row(row2["id"])["state"], OUTBOX_FAILED)


class AllowListTest(Base):
    """json, with a dlr_secret and an allow list that leaves us out."""

    driver = "json"
    route = "agg"
    route_opts = {"allow": ["10.0.0.0/8", "::2"]}

    def report(self, row, status, secret=harness.DLR_SECRET):
        body = json.dumps({"id": str(row["id"]), "status": status})
        return self.d.http("POST", self.d.dlr_path("agg", secret), body,
                           {"Content-Type": "application/json"})

    def test_allow_list(self):
        row = self.sent_row()
        req = self.request_of(row["id"])
        self.assertEqual(req.json.get("dlr_url"), self.d.dlr_url("agg") +
                         "?secret=" + harness.DLR_SECRET)
        # The right secret from an address not allowed.
        st, _, body = self.unchanged_after(lambda: self.report(row, "failed"))
        self.assertEqual(st, 403, body)
        self.assertIn(b"address", body)
        self.assertIn("dlr route=agg status=403", self.d.log())
        # Allowed now: no secret, a wrong one are still refused.
        self.reconfigure(route_opts={"allow": ["10.0.0.0/8", "127.0.0.0/8"]})
        st, _, body = self.unchanged_after(lambda: self.d.http(
            "POST", "/dlr/agg", json.dumps({"id": str(row["id"]), "status": "failed"}),
            {"Content-Type": "application/json"}))
        self.assertEqual(st, 403, body)
        st, _, body = self.unchanged_after(
            lambda: self.report(row, "failed", "dlr-s3cret-0123456788"))
        self.assertEqual(st, 403, body)
        st, _, body = self.report(row, "failed")
        self.assertEqual(st, 200, body)
        self.assertEqual(self.d.outbox_row(row["id"])["state"], OUTBOX_FAILED)
        # The configured secret is what counts; none is generated.
        self.assertEqual(self.d.count("route_secrets"), 0)


class TwilioSecretTest(Base):
    """Twilio: signed, and the StatusCallback carries the secret too."""

    driver = "twilio"
    route = "tw"

    def test_signed_and_secret(self):
        row = self.sent_row()
        cb = self.request_of(row["id"]).f("StatusCallback")
        self.assertEqual(cb, self.d.dlr_url("tw") + "?secret=%s&id=%d" % (
            harness.DLR_SECRET, row["id"]))
        params = [("MessageSid", row["ext_id"]), ("MessageStatus", "delivered")]
        # Signed correctly, but for a URL without the secret: refused.
        bare = self.d.dlr_url("tw") + "?id=%d" % row["id"]
        st, _, body = self.unchanged_after(lambda: self.d.http(
            "POST", "/dlr/tw?id=%d" % row["id"], urllib.parse.urlencode(params),
            {"Content-Type": "application/x-www-form-urlencoded",
             "X-Twilio-Signature": harness.twilio_signature("twtoken", bare, params)}))
        self.assertEqual(st, 403, body)
        st, _, body = self.d.http(
            "POST", urllib.parse.urlsplit(cb).path + "?" + urllib.parse.urlsplit(cb).query,
            urllib.parse.urlencode(params),
            {"Content-Type": "application/x-www-form-urlencoded",
             "X-Twilio-Signature": harness.twilio_signature("twtoken", cb, params)})
        self.assertEqual(st, 200, body)
        self.assertEqual(self.d.outbox_row(row["id"])["state"], OUTBOX_DELIVERED)


def run(argv, timeout=harness.stretch(30)):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


def line_of(text, needle):
    """The 1-based line of text holding needle."""
    for i, line in enumerate(text.split("\n")):
        if needle in line:
            return i + 1
    raise AssertionError("%r not in the text" % needle)


OPEN_SECRET = "json-secret-0123456789abcdef"

# An open route, a signed one, an allow-listed one; the listener on every
# address when listen says so.
def open_config(d, listen, inbound_extra=""):
    return """database = "%s";
timezone = "Asia/Ho_Chi_Minh";
country_code = "84";
http = { listen = "%s"; };
inbound = (
  { name = "wide-open"; format = "json"; path = "/sms/json"; },
  { name = "signed"; format = "json"; path = "/sms/j2"; secret = "%s"; },
  { name = "fenced"; format = "kannel"; path = "/sms/kannel"; allow = [ "127.0.0.1" ]; }%s
);
""" % (d.dbpath, listen, OPEN_SECRET, inbound_extra)


class ConfigTest(unittest.TestCase):
    """Placeholders, the open-route warning, checkinctl check-config."""

    def setUp(self):
        self.d = harness.Daemon(name="secconf")
        self.d.__enter__()
        self.addCleanup(self.d.__exit__, None, None, None)

    def write(self, name, text):
        path = os.path.join(self.d.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_placeholders_refused(self):
        cases = []
        base = self.d.config_text()
        # The shipped example's own lines.
        text = base.replace('secret = "%s";' % harness.SECRET, 'secret = "change-me";')
        cases.append((text, 'secret = "change-me"', "inbound[1].secret", "change-me"))
        text = base.replace('auth_token = "%s";' % harness.TWILIO_TOKEN,
                            'auth_token = "change-me-too";')
        cases.append((text, "change-me-too", "inbound[2].auth_token", "change-me-too"))
        for setting in ("token", "dlr_secret"):
            route = harness.route_conf("agg", "json", url="http://127.0.0.1:9/send",
                                       **{setting: "CHANGE-ME"})
            text = base + harness.outbound_conf([route])
            cases.append((text, "CHANGE-ME", "routes[0].%s" % setting, "CHANGE-ME"))
        path = self.write("kannel.pw", "change-me\n")
        route = harness.route_conf("k", "kannel", url="http://127.0.0.1:9/x",
                                   username="u", password_file=path)
        text = base + harness.outbound_conf([route])
        cases.append((text, "password_file", "routes[0].password_file", "change-me"))
        for text, needle, setting, value in cases:
            self.d.write_config(text)
            rc, out, err = run([self.d.checkind, "-f", "-c", self.d.confpath])
            self.assertNotEqual(rc, 0, (setting, out, err))
            want = "%s:%d: %s: " % (self.d.confpath, line_of(text, needle), setting)
            self.assertIn(want, err, setting)
            self.assertIn('"%s" is the placeholder of the shipped example' % value,
                          err, setting)
            self.assertFalse(os.path.exists(self.d.dbpath), "started anyway")
            rc, out, err = run([self.d.checkinctl, "check-config", self.d.confpath])
            self.assertEqual(rc, 2, (setting, out, err))
            self.assertIn(want, out, setting)

    def test_open_route_warning(self):
        # Every address: the one way not to be loopback on any machine.
        self.d.write_config(open_config(self.d, "0.0.0.0:%d" % self.d.port))
        self.d.start(wait=False)
        self.d.wait_started()
        pat = re.compile(r"level=warn config: file=\S+ route=(\S+) \(inbound route "
                         r"has neither a secret nor an allow list")
        self.assertEqual(pat.findall(self.d.log()), ["wide-open"])
        for n in (1, 2):
            self.d.signal(signal.SIGHUP)
            harness.wait_until(
                lambda: self.d.log().count("configuration reloaded") >= n,
                harness.stretch(10), "reload %d" % n, self.d)
            self.assertEqual(pat.findall(self.d.log()), ["wide-open"] * (n + 1))
        self.assertNotIn(OPEN_SECRET, self.d.log())
        self.d.stop()
        # On loopback, no warning.
        self.d.write_config(open_config(self.d, "127.0.0.1:%d" % self.d.port))
        self.d.start()
        self.d.wait_started()
        self.assertEqual(pat.findall(self.d.log()), ["wide-open"] * 3)
        self.d.stop()

    def test_check_config(self):
        ctl = self.d.checkinctl
        clean = self.write("clean.conf", open_config(self.d, "127.0.0.1:8080"))
        rc, out, err = run([ctl, "check-config", clean])
        self.assertEqual((rc, out), (0, "%s: no findings\n" % clean), err)
        rc, out, err = run([ctl, "-c", clean, "check-config"])
        self.assertEqual(rc, 0, (out, err))

        at = harness.route_conf("at", "africastalking", url="http://127.0.0.1:9/x",
                                username="sandbox", api_key="atkey")
        wide = self.write("wide.conf", open_config(self.d, "0.0.0.0:8080") +
                          harness.outbound_conf([at]))
        for argv in ([ctl, "check-config", wide], [ctl, "-c", wide, "check-config"]):
            rc, out, err = run(argv)
            self.assertEqual(rc, 1, (out, err))
            lines = out.splitlines()
            self.assertEqual(len(lines), 2, out)
            self.assertTrue(lines[0].startswith(
                "%s: route wide-open: inbound route has neither a secret nor an "
                "allow list" % wide), out)
            self.assertTrue(lines[1].startswith(
                "%s: route at: africastalking route without dlr_secret" % wide), out)
            self.assertNotIn(OPEN_SECRET, out + err)
            self.assertNotIn("atkey", out + err)
        # The AT route with its secret: only the open route is left.
        at = harness.route_conf("at", "africastalking", url="http://127.0.0.1:9/x",
                                username="sandbox", api_key="atkey",
                                dlr_secret="at-dlr-secret-0123456789")
        wide = self.write("wide.conf", open_config(self.d, "[::]:8080") +
                          harness.outbound_conf([at]))
        rc, out, err = run([ctl, "check-config", wide])
        self.assertEqual(rc, 1, (out, err))
        self.assertEqual(len(out.splitlines()), 1, out)
        self.assertNotIn("at-dlr-secret", out + err)

        bad = self.write("bad.conf", "database = ;\n")
        rc, out, err = run([ctl, "check-config", bad])
        self.assertEqual(rc, 2, (out, err))
        self.assertIn("%s:1: syntax error" % bad, out)
        rc, out, err = run([ctl, "check-config", os.path.join(self.d.dir, "none.conf")])
        self.assertEqual(rc, 2, (out, err))
        short = self.write("short.conf", open_config(self.d, "127.0.0.1:8080") +
                           harness.outbound_conf([harness.route_conf(
                               "j", "json", url="http://127.0.0.1:9/", dlr_secret="short")]))
        rc, out, err = run([ctl, "check-config", short])
        self.assertEqual(rc, 2, (out, err))
        self.assertIn("routes[0].dlr_secret: at least 16 characters", out)
        rc, out, err = run([ctl, "check-config", clean, "extra"])
        self.assertEqual(rc, 2, (out, err))


if __name__ == "__main__":
    harness.main()
