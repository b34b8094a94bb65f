"""Replies out through real Kannel 1.4.5: the outbox's kannel route.

checkind queues the replies of a check-in (a json route with reply =
"outbox" and route = "kannel"); its kannel route sends them to smsbox's
cgi-bin/sendsms; bearerbox hands them to the fake SMSC and fakesmsc prints
them. Kannel's delivery reports come back to checkind's /dlr/kannel.

What Kannel 1.4.5's fake SMSC reports (gw/smsc/smsc_fake.c, checked by
running it): with dlr-mask 31 bearerbox first sends type 8 (SMSC accepted,
reply "ACK/") when the message is written to fakesmsc, then smsc_fake
itself makes a final type 1 (delivered) report for the same message. Both
reach dlr-url (smsbox logs each fetch), so a row ends "delivered".
"""

import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
import test_kannel_interop as ki  # noqa: E402
from harness import (OUTBOX_DELIVERED, OUTBOX_SENT, Q_CONTACT_VI,  # noqa: E402
                     Q_SYMPTOMS_VI, e164, tail)

SHORT = ki.SHORT
CONFIRM = "Check-in tại {venue} lúc {time}"
TEMPLATES = 'templates = { vi = { confirm = "%s"; }; };' % CONFIRM

INBOUND = """
  { name = "test"; format = "json"; path = "/sms/json"; reply = "inline"; },
  { name = "q"; format = "json"; path = "/sms/q"; reply = "outbox"; route = "kannel"; },
  { name = "kannel"; format = "kannel"; path = "/sms/kannel"; reply = "inline"; secret = "%s"; }
""" % harness.SECRET


class KannelSendsms(ki.KannelCase):

    def setUp(self):
        self.k = None
        self.d = harness.Daemon(extra=TEMPLATES, inbound=INBOUND, name="kannel-sendsms")
        self.d.__enter__()
        self.addCleanup(self.cleanup)
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")
        self.k = ki.Kannel(self.d.dir, self.d.port, mo_recode=True)
        with open(self.k.conf, "a") as f:
            f.write('\ngroup = sendsms-user\nusername = "gw"\npassword = "pw"\n'
                    'max-messages = 3\nconcatenation = true\n')
        self.d.outbound = self.outbound
        self.d.write_config()
        self.d.start()
        self.k.start()

    def outbound(self, d):
        route = harness.route_conf(
            "kannel", "kannel",
            url="http://127.0.0.1:%d/cgi-bin/sendsms" % self.k.sendsms_port,
            username="gw", password="pw", **{"from": SHORT}, rate=20.0, inflight=2,
            # Safety nets: a timed-out send would go twice. Stretched.
            timeout=int(harness.stretch(10)), connect_timeout=int(harness.stretch(2)),
            dlr_url=d.dlr_url("kannel"))
        return harness.outbound_conf([route], max_attempts=4, max_age=3600,
                                     default_route="kannel", retry_base=0.5,
                                     retry_max=2)

    def queue(self, frm, text):
        st, replies = self.d.json_sms(frm, text, path="/sms/q")
        self.assertEqual(st, 200, replies)
        self.assertEqual(replies, [])
        return self.d.last

    def mts(self, to, n, timeout=harness.stretch(20)):
        """Wait for n MT messages to `to` at fakesmsc; them (sender, receiver, text)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            got = [m for m in self.k.messages() if m[1] == to]
            if len(got) >= n:
                return got
            self.assertTrue(self.k.alive(), "a Kannel box died")
            self.assertTrue(self.d.alive(), "checkind died:\n" + tail(self.d.logpath))
            time.sleep(0.1)
        raise AssertionError("%d MT to %s within %.0f s, wanted %d; outbox %r; fakesmsc:\n%s\n"
                             "smsbox:\n%s\ncheckind:\n%s" % (
                                 len([m for m in self.k.messages() if m[1] == to]), to,
                                 timeout, n, self.d.outbox(), tail(self.k.fake_out),
                                 tail(self.k.smsbox_log, 15), tail(self.d.logpath)))

    def dlr_fetches(self):
        """(our id, type) of every dlr-url fetch smsbox logged, in order."""
        try:
            with open(self.k.smsbox_log, "rb") as f:
                log = f.read().decode("utf-8", "replace")
        except OSError:
            return []
        out = []
        for m in re.finditer(r"Parsing URL `(http://127\.0\.0\.1:%d/dlr/kannel\?[^']*)'"
                             % self.d.port, log):
            q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(m.group(1)).query))
            out.append((int(q.get("id", "0")), q.get("status")))
        return out

    def test_reply_through_kannel(self):
        n = "0912345678"
        self.queue(n, self.pho)
        rows = self.d.outbox("number = ?", (e164(n),))
        self.assertEqual(len(rows), 2, rows)
        self.assertTrue(all(r["route"] == "kannel" for r in rows), rows)

        got = self.mts(e164(n), 2)
        time.sleep(0.5)   # a third would be a duplicate: let it show
        got = [m for m in self.k.messages() if m[1] == e164(n)]
        self.assertEqual(len(got), 2, got)
        self.assertTrue(all(m[0] == SHORT for m in got), got)
        texts = [m[2] for m in got]
        confirm = [t for t in texts if "Pho Thin" in t]
        self.assertEqual(len(confirm), 1, texts)
        # Vietnamese letters intact: sent as UCS-2, not '?'.
        self.assertTrue(confirm[0].startswith("Check-in tại Pho Thin lúc "), confirm)
        self.assertNotIn("?", confirm[0])
        self.assertTime(confirm[0])
        self.assertEqual(confirm[0], rows[0]["text"])
        question = [t for t in texts if Q_SYMPTOMS_VI in t]
        self.assertEqual(question, [rows[1]["text"]])
        # The GSM-7 question goes as text (coding 0), the confirmation as UCS-2.
        lines = self.k.mt_lines()
        self.assertTrue(any(re.match(r"^%s \S+ ucs-2 " % SHORT, l) for l in lines), lines)
        self.assertTrue(any(re.match(r"^%s \S+ text .*%s" % (SHORT, re.escape(Q_SYMPTOMS_VI)),
                                     l) for l in lines), lines)

        # Kannel's reports: 8 (SMSC accepted), then 1 (delivered), for each row.
        ids = [r["id"] for r in rows]
        done = self.d.wait_outbox("number = ? AND state = %d" % OUTBOX_DELIVERED,
                                  (e164(n),), 2, harness.stretch(20))
        for r in done:
            self.assertEqual(r["dlr_state"], "1", r)
            self.assertIsNotNone(r["dlr_at"])
            self.assertEqual(r["attempts"], 1)
        fetches = self.dlr_fetches()
        for rid in ids:
            types = [t for i, t in fetches if i == rid]
            self.assertEqual(types, ["8", "1"], (rid, fetches))

        # The answer goes the same way.
        self.queue(n, "2")
        got = self.mts(e164(n), 3)
        self.assertIn(Q_CONTACT_VI, got[-1][2])
        self.d.wait_outbox("number = ? AND state = %d" % OUTBOX_DELIVERED,
                           (e164(n),), 3, harness.stretch(20))

    def test_long_ucs2_reply_concatenated(self):
        """A row longer than one UCS-2 segment (70) comes out whole, in parts."""
        text = ("Thông báo: quý khách đã đến địa điểm có ca nhiễm. Hãy theo dõi sức "
                "khỏe và gọi 1900 9095 nếu có triệu chứng sốt, ho, khó thở.")
        self.assertGreater(len(text), 70)
        rid = self.d.outbox_add([{"route": "kannel", "number": "+84987654321",
                                  "text": text}])[0]
        got = self.mts("+84987654321", 1)
        self.assertEqual(got[0][2], text)
        parts = [l for l in self.k.mt_lines() if l.startswith("%s +84987654321 udh " % SHORT)]
        self.assertEqual(len(parts), 2, parts)
        row = self.d.wait_outbox("id = ? AND state IN (%d, %d)" % (
            OUTBOX_SENT, OUTBOX_DELIVERED), (rid,), 1, harness.stretch(20))[0]
        self.assertEqual(row["attempts"], 1)
        # Kannel reports the parts; the row ends delivered.
        end = time.monotonic() + harness.stretch(10)
        while time.monotonic() < end and self.d.outbox_row(rid)["state"] != OUTBOX_DELIVERED:
            time.sleep(0.1)
        fetches = [t for i, t in self.dlr_fetches() if i == rid]
        print("long reply: %d parts, reports %r, row %r" % (
            len(parts), fetches, {k: self.d.outbox_row(rid)[k]
                                   for k in ("state", "dlr_state")}))
        self.assertEqual(self.d.outbox_row(rid)["state"], OUTBOX_DELIVERED)


if __name__ == "__main__":
    ki.need_kannel()
    harness.main(300)
