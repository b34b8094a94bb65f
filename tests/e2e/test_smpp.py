"""The SMPP channel against the SMSC simulator (tests/smscsim.py).

Each test starts a simulator and a daemon with one SMPP route "smsc1"
bound to it as a transceiver. Check-ins arrive as deliver_sm; their replies
leave as submit_sm; receipts come back as deliver_sm with esm_class 0x04.
The assertions look at what the daemon stored (checkins, inbound, outbox)
and at what the simulator received.
"""

import collections
import signal
import sqlite3
import struct
import time

import harness
import smscsim
from harness import OUTBOX_DELIVERED, OUTBOX_SENT

ROUTE = "smsc1"
VI_TEXT = ("Tôi đã đến quán phở Thìn ở phố Lò Đúc lúc bảy giờ sáng nay, "
           "và ghi nhận mã check-in cho cả gia đình gồm bốn người. Xin cảm ơn "
           "các bạn đã hướng dẫn rất nhiệt tình; hẹn gặp lại vào tuần sau nhé!")


class Base(harness.TestCase):
    """A daemon whose route smsc1 binds to self.smsc."""

    route_opts = {}
    id_format = "hex"
    questions = harness.NO_QUESTIONS

    def setUp(self):
        self.smsc = smscsim.SMSC(id_format=self.id_format)
        self.addCleanup(self.smsc.stop)
        self.d = harness.Daemon(extra=self.extra, questions=self.questions,
                                name=type(self).__name__, outbound=self.outbound)
        self.d.__enter__()
        self.addCleanup(self._cleanup)
        self.venues()
        self.d.start()
        self.assertBound()

    def tearDown(self):
        self.assertEqual(self.smsc.dup_resps, [], "a deliver_sm answered twice")

    def route_settings(self):
        kw = {"host": "127.0.0.1", "port": self.smsc.port, "system_id": "checkind",
              "password": "pw", "window": 64, "rate": 1000.0,
              # Safety nets unless a test sets its own: stretched.
              "timeout": int(harness.stretch(5)),
              "connect_timeout": int(harness.stretch(2)),
              "reconnect_max": 2, "enquire_link": 30}
        kw.update(self.route_opts)
        return kw

    def outbound(self, d):
        return harness.outbound_conf(
            [harness.route_conf(ROUTE, "smpp", **self.route_settings())],
            default_route=ROUTE, max_attempts=8, retry_base=0.2, retry_max=2)

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")

    def assertBound(self, n=1, timeout=harness.stretch(10.0)):
        self.assertTrue(self.smsc.wait_bound(timeout, n),
                        "no bind in %.0f s; binds %r; log:\n%s" % (
                            timeout, self.smsc.binds, harness.tail(self.d.logpath)))

    def resp(self, key, timeout=harness.stretch(10.0)):
        st = self.smsc.wait_resp(key, timeout)
        self.assertIsNotNone(st, "no deliver_sm_resp; log:\n%s" % harness.tail(self.d.logpath))
        return st

    def inbound_rows(self, number):
        return self.d.query("SELECT text FROM inbound WHERE number = ? ORDER BY id",
                            (number,))

    def submits_to(self, number):
        dest = number.lstrip("+")
        return [s for s in self.smsc.accepted() if s["dest"] == dest]

    def wait_submits_to(self, number, n=1, timeout=harness.stretch(10.0)):
        dest = number.lstrip("+")
        ok = self.smsc.wait(lambda: len([s for s in self.smsc.submits
                                         if s["dest"] == dest and s["status"] == 0]) >= n,
                            timeout)
        self.assertTrue(ok, "%d submit_sm to %s in %.0f s; outbox %r; log:\n%s" % (
            len(self.submits_to(number)), number, timeout, self.d.outbox_states(),
            harness.tail(self.d.logpath)))
        return self.submits_to(number)

    def add_rows(self, n, text="Tin nhan thu %d", prefix="+8491300"):
        rows = [{"route": ROUTE, "number": "%s%04d" % (prefix, i), "text": text % i}
                for i in range(n)]
        return self.d.outbox_add(rows)


class CheckinTest(Base):

    def test_checkin_reply_and_ack_after_commit(self):
        number = "+84912000001"
        vid = self.d.venue_id(self.pho)
        seen = {}

        def on_resp(status, seq):
            # The answer must follow the commit: the row is there already.
            seen[seq] = (status, self.d.count("checkins", "venue_id = ? AND number = ?",
                                              (vid, number)))

        self.smsc.on_deliver_resp = on_resp
        key = self.smsc.deliver(number, self.pho, coding=0)
        self.assertEqual(self.resp(key), 0)
        self.assertEqual(seen[key[1]], (0, 1), "deliver_sm_resp before the check-in row")
        self.assertEqual(self.d.count("checkins", "venue_id = ? AND number = ?",
                                      (vid, number)), 1)
        self.assertEqual(self.d.scalar("SELECT channel FROM checkins WHERE number = ?",
                                       (number,)), ROUTE)
        # The reply: one submit_sm with the confirmation the outbox holds.
        sub = self.wait_submits_to(number)[0]
        row = self.d.wait_outbox("number = ? AND state = %d" % OUTBOX_SENT, (number,))[0]
        self.assertEqual(sub["text"], row["text"])
        self.assertIn("Pho Thin", sub["text"])
        self.assertEqual((sub["dst_ton"], sub["dst_npi"]), (1, 1))
        self.assertEqual(sub["source"], harness.SHORT)
        self.assertEqual((sub["src_ton"], sub["src_npi"]), (3, 0))
        self.assertEqual(sub["data_coding"], 0)
        self.assertEqual(sub["registered_delivery"], 1)
        self.assertEqual(row["ext_id"], "%x" % sub["id"])
        self.assertEqual(row["route"], ROUTE)

        # The same text again on the same bind is the resident again (SMPP
        # has no message id): a repeat check-in, answered, not a new check-in.
        key2 = self.smsc.deliver(number, self.pho, coding=0)
        self.assertEqual(self.resp(key2), 0)
        self.wait_submits_to(number, 2)
        self.assertEqual(self.d.count("checkins", "number = ?", (number,)), 1)
        self.assertEqual(self.d.count("inbound", "number = ?", (number,)), 2)

    def test_ack_lost_redelivery_after_rebind(self):
        """The bind breaks after the commit, before deliver_sm_resp reaches
        the SMSC: it redelivers on the next bind, and that copy is known."""
        number = "+84912000011"
        self.smsc.deliver(number, self.pho, coding=0)
        self.assertTrue(self.smsc.wait(lambda: self.d.count(
            "checkins", "number = ?", (number,)) == 1, harness.stretch(10)))
        self.smsc.drop()
        self.assertTrue(self.smsc.wait(lambda: len(self.smsc.binds) >= 2,
                                       harness.stretch(10)), "no second bind")
        self.assertBound()
        key = self.smsc.deliver(number, self.pho, coding=0)
        self.assertEqual(self.resp(key), 0)
        time.sleep(0.5)
        self.assertEqual(self.d.count("inbound", "number = ?", (number,)), 1)
        self.assertEqual(self.d.count("checkins", "number = ?", (number,)), 1)
        # No second reply was queued for the copy.
        self.assertEqual(self.d.count("outbox", "number = ?", (number,)), 1)


class DeclarationTest(Base):
    questions = harness.QUESTIONS

    def test_declaration_same_answer_twice(self):
        """ "1" then "1" within a second: two answers, not a redelivery."""
        number = "+84912000012"
        self.assertEqual(self.resp(self.smsc.deliver(number, self.pho)), 0)
        self.assertEqual(self.resp(self.smsc.deliver(number, "1")), 0)
        self.assertEqual(self.resp(self.smsc.deliver(number, "1")), 0)
        self.assertEqual(self.d.count("inbound", "number = ?", (number,)), 3)
        self.assertEqual(self.d.count("declarations", "number = ? AND completed_at IS NOT NULL",
                                      (number,)), 1)
        self.assertEqual(self.d.count("answers"), 2)

    def test_source_ton(self):
        """An international source comes without "+"; a national one with its 0."""
        for src, ton, want in (("84912000111", 1, "+84912000111"),
                               ("0912000112", 0, "+84912000112")):
            body = smscsim.sm_body(src, "8088", smscsim.encode(self.pho, 0), src_ton=ton)
            self.assertEqual(self.resp(self.smsc.deliver_body(body)), 0)
            self.assertEqual(self.d.count("checkins", "number = ?", (want,)), 1, src)
            self.wait_submits_to(want)

    def test_alphanumeric_sender_not_answered(self):
        """An operator's alphanumeric sender: acknowledged, never replied to."""
        body = smscsim.sm_body("VIETTEL", "8088", smscsim.encode(self.pho, 0), src_ton=5,
                               src_npi=0)
        self.assertEqual(self.resp(self.smsc.deliver_body(body)), 0)
        time.sleep(0.5)
        self.assertEqual(self.d.count("outbox"), 0)
        self.assertEqual(self.smsc.nsubmits, 0)

    def test_codings(self):
        """data_coding 0 (GSM-7), 1 (ASCII), 3 (Latin-1), 8 (UCS-2) all decode."""
        cases = [(0, "Gia {ok} €5 @home"), (1, "plain ascii text"),
                 (3, "café crème"), (8, "Xin chào Việt Nam 😀")]
        for i, (dc, text) in enumerate(cases):
            number = "+8491200010%d" % i
            self.assertEqual(self.resp(self.smsc.deliver(number, text, coding=dc)), 0)
            self.assertEqual(self.inbound_rows(number), [(text,)], "data_coding %d" % dc)

    def test_long_reply_udh(self):
        """A reply over 160 characters goes as UDH parts with one reference."""
        rid = self.add_rows(1, text="Thong bao " + "x" * 300 + " %d")[0]
        self.d.wait_outbox("id = ? AND state = %d" % OUTBOX_SENT, (rid,), 1,
                           harness.stretch(10))
        subs = self.submits_to("+84913000000")
        self.assertEqual(len(subs), 3)
        self.assertEqual({s["esm_class"] & 0x40 for s in subs}, {0x40})
        refs = {s["concat"][0] for s in subs}
        self.assertEqual(len(refs), 1)
        self.assertEqual(sorted(s["concat"][1:] for s in subs), [(3, 1), (3, 2), (3, 3)])
        text = "".join(s["text"] for s in sorted(subs, key=lambda s: s["concat"][2]))
        self.assertEqual(text, "Thong bao " + "x" * 300 + " 0")
        first = [s for s in subs if s["concat"][2] == 1][0]
        self.assertEqual(self.d.outbox_row(rid)["ext_id"], "%x" % first["id"])


class MultipartTest(Base):
    """A three-part Vietnamese UCS-2 message, parts out of order."""

    def check(self, number, keys):
        for k in keys:
            self.assertEqual(self.resp(k), 0)
        end = time.monotonic() + harness.stretch(10)
        while time.monotonic() < end and not self.inbound_rows(number):
            time.sleep(0.05)
        self.assertEqual(self.inbound_rows(number), [(VI_TEXT,)])

    def test_udh_out_of_order(self):
        number = "+84912000201"
        keys = self.smsc.deliver_parts(number, VI_TEXT, mode="udh", order=[3, 1, 2])
        self.assertEqual(len(keys), 3)
        self.check(number, keys)

    def test_udh16_out_of_order(self):
        number = "+84912000202"
        keys = self.smsc.deliver_parts(number, VI_TEXT, mode="udh", ref=0x1234,
                                       udh16=True, order=[2, 3, 1])
        self.check(number, keys)

    def test_sar_out_of_order(self):
        number = "+84912000203"
        keys = self.smsc.deliver_parts(number, VI_TEXT, mode="sar", ref=0x0101,
                                       order=[2, 1, 3])
        self.check(number, keys)

    def test_payload(self):
        number = "+84912000204"
        keys = self.smsc.deliver_parts(number, VI_TEXT * 3, mode="payload")
        self.assertEqual(self.resp(keys[0]), 0)
        end = time.monotonic() + harness.stretch(10)
        while time.monotonic() < end and not self.inbound_rows(number):
            time.sleep(0.05)
        self.assertEqual(self.inbound_rows(number), [(VI_TEXT * 3,)])

    def test_unknown_ie_skipped(self):
        """A UDH with another IE before the concatenation one."""
        number = "+84912000205"
        chunks = [VI_TEXT[:67], VI_TEXT[67:134], VI_TEXT[134:]]
        keys = []
        for n in (2, 1, 3):
            udh = bytes([10, 0x24, 3, 1, 2, 3, 0x00, 3, 0x77, 3, n])
            keys.append(self.smsc.deliver(number, None, coding=8, esm_class=0x40,
                                          data=udh + smscsim.encode(chunks[n - 1], 8)))
        self.check(number, keys)


class ReceiptTest(Base):
    id_format = "hex"

    def test_receipt_hex_resp_decimal_receipt(self):
        number = "+84912000301"
        self.assertEqual(self.resp(self.smsc.deliver(number, self.pho)), 0)
        sub = self.wait_submits_to(number)[0]
        row = self.d.wait_outbox("number = ? AND state = %d" % OUTBOX_SENT, (number,))[0]
        self.assertEqual(row["ext_id"], "%x" % sub["id"])
        self.assertTrue(any(c in "abcdef" for c in row["ext_id"]), row["ext_id"])
        self.assertEqual(self.resp(self.smsc.receipt(sub, "DELIVRD", id_format="dec")), 0)
        row = self.d.wait_outbox("number = ? AND state = %d" % OUTBOX_DELIVERED, (number,))[0]
        self.assertEqual(row["dlr_state"], "DELIVRD")

    def test_receipt_failed_and_tlvs(self):
        rids = self.add_rows(2)
        self.d.wait_outbox("state = %d" % OUTBOX_SENT, (), 2, harness.stretch(10))
        subs = {s["dest"]: s for s in self.smsc.accepted()}
        # Intermediate state: only dlr_state changes.
        s0 = subs["84913000000"]
        self.assertEqual(self.resp(self.smsc.receipt(s0, "ENROUTE", tlvs=True)), 0)
        row = self.d.wait_outbox("id = ? AND dlr_state = 'ENROUTE'", (rids[0],))[0]
        self.assertEqual(row["state"], OUTBOX_SENT)
        # Undeliverable: final, failed.
        s1 = subs["84913000001"]
        self.assertEqual(self.resp(self.smsc.receipt(s1, "UNDELIV", tlvs=True)), 0)
        row = self.d.wait_outbox("id = ? AND dlr_state = 'UNDELIV'", (rids[1],))[0]
        self.assertNotIn(row["state"], (OUTBOX_SENT, OUTBOX_DELIVERED))
        # A receipt for an id nobody sent: acknowledged, nothing changes.
        before = self.d.outbox()
        fake = dict(s0, id=0xFFFFFF)
        self.assertEqual(self.resp(self.smsc.receipt(fake, "DELIVRD")), 0)
        time.sleep(0.3)
        self.assertEqual(self.d.outbox(), before)


class DropTest(Base):
    route_opts = {"rate": 2000.0}

    def test_drop_mid_traffic(self):
        n = 400
        ids = self.add_rows(n)
        self.smsc.drop_at = 150
        self.d.wait_outbox("state = %d" % OUTBOX_SENT, (), n, harness.stretch(30))
        self.assertGreaterEqual(len([b for b in self.smsc.binds if b[4] == 0]), 2,
                                "no second bind")
        self.assertEqual(self.d.outbox_states(), {"sent": n})
        subs = list(self.smsc.submits)
        lost = set(s["dest"] for s in subs if s["lost"])
        self.assertGreaterEqual(len(lost), 1)
        # Only rows whose submit_sm_resp was lost, at most a window of them, go twice.
        self.assertLessEqual(len(lost), 64)
        per_dest = collections.Counter(s["dest"] for s in subs)
        self.assertEqual(len(per_dest), n)
        twice = set(d for d, c in per_dest.items() if c > 1)
        self.assertTrue(twice <= lost, sorted(twice - lost))
        self.assertLessEqual(max(per_dest.values()), 2)
        accepted = collections.Counter(s["dest"] for s in self.smsc.accepted())
        self.assertEqual(len(accepted), n)
        self.assertEqual(max(accepted.values()), 1, "a row accepted twice")
        ext = dict((s["dest"], "%x" % s["id"]) for s in self.smsc.accepted())
        for r in self.d.outbox():
            self.assertEqual(r["ext_id"], ext[r["number"].lstrip("+")])
        print("drop: %d lost answers, %d rows sent twice" % (len(lost), len(twice)))


class StorageFailTest(Base):

    def test_efail_then_redelivery_once(self):
        number = "+84912000501"
        c = sqlite3.connect(self.d.dbpath, timeout=harness.stretch(30), isolation_level=None)
        try:
            self.d.write_locked(c)
            key = self.smsc.deliver(number, self.pho)
            st = self.resp(key)
        finally:
            c.execute("ROLLBACK")
            c.close()
        self.assertEqual(st, smscsim.RX_T_APPN)
        self.assertEqual(self.d.count("checkins", "number = ?", (number,)), 0)
        # The SMSC retries: now it is stored, once, and acknowledged.
        self.assertEqual(self.resp(self.smsc.deliver(number, self.pho)), 0)
        self.assertEqual(self.d.count("checkins", "number = ?", (number,)), 1)
        self.assertEqual(self.d.count("inbound", "number = ?", (number,)), 1)


class MalformedTest(Base):

    def good_checkin(self, number):
        self.assertEqual(self.resp(self.smsc.deliver(number, self.pho)), 0)
        self.assertEqual(self.d.count("checkins", "number = ?", (number,)), 1)

    def test_nacks(self):
        conn = self.smsc.conn()
        # Unknown command id.
        self.smsc.send_raw(smscsim.pdu(0x00000777, 0, 9001), conn)
        # A deliver_sm whose body stops in the middle of source_addr.
        body = smscsim.sm_body("+84912000601", "8088", b"hello")
        self.smsc.send_raw(smscsim.pdu(smscsim.DELIVER_SM, 0, 9002, body[:6]), conn)
        # short_message longer than the body; then a broken TLV.
        bad = bytearray(body)
        bad[body.index(b"hello") - 1] = 200
        self.smsc.send_raw(smscsim.pdu(smscsim.DELIVER_SM, 0, 9003, bytes(bad)), conn)
        self.smsc.send_raw(smscsim.pdu(smscsim.DELIVER_SM, 0, 9004,
                                       body + struct.pack(">HH", 0x0424, 50) + b"xx"),
                           conn)
        ok = self.smsc.wait(lambda: len(self.smsc.nacks) >= 4, harness.stretch(10))
        self.assertTrue(ok, "nacks %r" % self.smsc.nacks)
        nacks = dict((seq, st) for st, seq in self.smsc.nacks)
        self.assertEqual(nacks[9001], smscsim.RINVCMDID)
        self.assertEqual(nacks[9002], smscsim.RINVCMDLEN)
        self.assertEqual(nacks[9003], smscsim.RINVCMDLEN)
        self.assertIn(nacks[9004], (smscsim.RINVCMDLEN, 0xC0))
        self.assertTrue(self.d.alive())
        self.assertEqual(self.d.count("inbound"), 0)
        # Still bound on the same connection.
        self.assertFalse(conn.closed)
        self.good_checkin("+84912000602")

    def test_impossible_lengths(self):
        for length in (8, 0x7FFFFFFF):
            conn = self.smsc.conn()
            self.smsc.send_raw(struct.pack(">IIII", length, smscsim.DELIVER_SM, 0, 1), conn)
            self.assertTrue(self.smsc.wait(lambda: conn.closed, harness.stretch(10)),
                            "length %d: connection not closed" % length)
            self.assertTrue(self.d.alive())
            self.assertTrue(self.smsc.wait(
                lambda: len([c for c in self.smsc.conns if c.bound and not c.closed]),
                harness.stretch(10)), "no rebind")
        self.good_checkin("+84912000603")

    def test_truncated_then_rest(self):
        """A PDU split over several segments is read whole."""
        conn = self.smsc.conn()
        body = smscsim.sm_body("+84912000604", "8088", smscsim.encode(self.pho, 0))
        data = smscsim.pdu(smscsim.DELIVER_SM, 0, 7001, body)
        for i in range(0, len(data), 7):
            conn.send(data[i:i + 7])
            time.sleep(0.01)
        self.assertEqual(self.resp((conn, 7001)), 0)
        self.assertEqual(self.d.count("checkins", "number = ?", ("+84912000604",)), 1)


class ThrottleTest(Base):

    def test_throttled_submits_retried_once(self):
        n = 60
        self.smsc.throttle_next = 20
        ids = self.add_rows(n)
        self.d.wait_outbox("state = %d" % OUTBOX_SENT, (), n, harness.stretch(30))
        accepted = collections.Counter(s["dest"] for s in self.smsc.accepted())
        self.assertEqual(len(accepted), n)
        self.assertEqual(max(accepted.values()), 1)
        throttled = [s for s in self.smsc.submits if s["status"] == smscsim.RTHROTTLED]
        self.assertEqual(len(throttled), 20)
        self.assertEqual(self.d.scalar("SELECT max(attempts) FROM outbox"), 2)
        self.assertEqual(self.d.count("outbox", "attempts = 2"), 20)
        self.assertTrue(all(self.d.outbox_row(i)["ext_id"] for i in ids))

    def test_permanent_error_fails(self):
        self.smsc.fail_next = 1
        rid = self.add_rows(1)[0]
        row = self.d.wait_outbox("id = ? AND state = %d" % harness.OUTBOX_FAILED, (rid,),
                                 1, harness.stretch(10))[0]
        self.assertIn("0x00000045", row["error"])


class LinkTest(Base):
    route_opts = {"enquire_link": 5, "timeout": 2}

    def test_enquire_link_both_ways(self):
        # Ours, after 5 s of silence.
        self.assertTrue(self.smsc.wait(lambda: self.smsc.enquire_links >= 1,
                                       harness.stretch(8)), "no enquire_link from us")
        # Theirs, answered.
        conn = self.smsc.conn()
        conn.send(smscsim.pdu(smscsim.ENQUIRE_LINK, 0, conn.next_seq()))
        self.assertTrue(self.smsc.wait(lambda: self.smsc.enquire_link_resps >= 1,
                                       harness.stretch(10)), "our enquire_link unanswered")
        self.assertFalse(conn.closed)
        self.assertEqual(len(self.smsc.binds), 1)

    def test_missed_enquire_link_resp_reconnects(self):
        self.smsc.answer_enquire = False
        first = self.smsc.conn()
        self.assertTrue(self.smsc.wait(lambda: first.closed, harness.stretch(12)),
                        "still connected without enquire_link_resp")
        self.assertTrue(self.smsc.enquire_links >= 1)
        self.smsc.answer_enquire = True
        self.assertBound()
        self.assertGreaterEqual(len(self.smsc.binds), 2)


class SubmitTimeoutTest(Base):
    route_opts = {"timeout": 2}

    def test_unanswered_submit_drops_bind(self):
        self.smsc.answer_submits = False
        first = self.smsc.conn()
        rid = self.add_rows(1)[0]
        self.assertTrue(self.smsc.wait_submits(1))
        self.assertTrue(self.smsc.wait(lambda: first.closed, harness.stretch(6)),
                        "bind kept without submit_sm_resp")
        self.smsc.answer_submits = True
        row = self.d.wait_outbox("id = ? AND state = %d" % OUTBOX_SENT, (rid,), 1,
                                 harness.stretch(15))[0]
        self.assertEqual(row["attempts"], 2)
        self.assertEqual(len(self.smsc.accepted()), 1)


class BindFailTest(Base):
    route_opts = {"password": "wrong", "reconnect_max": 1}

    def assertBound(self, n=1, timeout=harness.stretch(10.0)):
        pass

    def test_refused_bind_retried(self):
        self.assertTrue(self.smsc.wait(lambda: len(self.smsc.binds) >= 3,
                                       harness.stretch(10)), self.smsc.binds)
        self.assertTrue(all(b[4] == smscsim.RINVPASWD for b in self.smsc.binds))
        self.assertTrue(self.d.alive())


class PairTest(Base):
    route_opts = {"bind": "pair"}

    def test_pair(self):
        self.assertBound(2)
        kinds = sorted(b[0] for b in self.smsc.binds if b[4] == 0)
        self.assertEqual(kinds, ["receiver", "transmitter"])
        number = "+84912000801"
        self.assertEqual(self.resp(self.smsc.deliver(number, self.pho)), 0)
        sub = self.wait_submits_to(number)[0]
        self.assertIn("Pho Thin", sub["text"])


class StopTest(Base):

    def test_sigterm_unbinds(self):
        # The SMSC has sent bind_resp; the daemon must have read it too (a
        # daemon still binding has nothing to unbind): wait for that.
        bound = "smpp: chan=%s bound" % ROUTE
        self.assertTrue(harness.wait_for(lambda: bound in self.d.log(), harness.stretch(10)),
                        "never bound; log:\n%s" % harness.tail(self.d.logpath))
        self.d.stop()
        self.assertTrue(self.smsc.wait(lambda: self.smsc.unbinds >= 1), "no unbind")

    def test_smsc_unbind_answered_and_rebound(self):
        conn = self.smsc.conn()
        conn.send(smscsim.pdu(smscsim.UNBIND, 0, conn.next_seq()))
        self.assertTrue(self.smsc.wait(lambda: self.smsc.unbind_resps >= 1,
                                       harness.stretch(10)), "no unbind_resp")
        self.assertTrue(self.smsc.wait(lambda: len(self.smsc.binds) >= 2, harness.stretch(10)))
        self.assertBound()
        self.assertEqual(self.resp(self.smsc.deliver("+84912000901", self.pho)), 0)


class ReloadTest(Base):

    def test_bind_settings_reload(self):
        self.route_opts = {"system_type": "vas"}
        self.d.write_config()
        self.d.signal(signal.SIGHUP)
        self.assertTrue(self.smsc.wait(lambda: [b for b in self.smsc.binds
                                                if b[3] == "vas" and b[4] == 0],
                                       harness.stretch(10)), self.smsc.binds)
        # Unchanged settings: no new bind.
        n = len(self.smsc.binds)
        self.d.signal(signal.SIGHUP)
        time.sleep(1)
        self.assertEqual(len(self.smsc.binds), n)
        self.assertEqual(self.resp(self.smsc.deliver("+84912001001", self.pho)), 0)


class OutModesBase(Base):
    """A long Vietnamese text (UCS-2) sent per route_opts' long mode."""

    def send_long(self):
        rid = self.add_rows(1, text=VI_TEXT + " %d")[0]
        self.d.wait_outbox("id = ? AND state = %d" % OUTBOX_SENT, (rid,), 1,
                           harness.stretch(10))
        subs = self.submits_to("+84913000000")
        self.assertEqual({s["data_coding"] for s in subs}, {8})
        return rid, subs


class SarOutTest(OutModesBase):
    route_opts = {"long": "sar"}

    def test_sar(self):
        rid, subs = self.send_long()
        self.assertEqual(len(subs), 3)
        self.assertEqual({s["esm_class"] & 0x40 for s in subs}, {0})
        self.assertEqual(len({s["concat"][0] for s in subs}), 1)
        subs.sort(key=lambda s: s["concat"][2])
        self.assertEqual([s["concat"][1:] for s in subs], [(3, 1), (3, 2), (3, 3)])
        self.assertEqual("".join(s["text"] for s in subs), VI_TEXT + " 0")
        self.assertEqual(self.d.outbox_row(rid)["ext_id"], "%x" % subs[0]["id"])


class PayloadOutTest(OutModesBase):
    route_opts = {"long": "payload", "receipts": False}

    def test_payload(self):
        rid, subs = self.send_long()
        self.assertEqual(len(subs), 1)
        self.assertEqual(subs[0]["short_message"], b"")
        self.assertIn(smscsim.TLV_PAYLOAD, subs[0]["tlvs"])
        self.assertEqual(subs[0]["text"], VI_TEXT + " 0")
        self.assertEqual(subs[0]["registered_delivery"], 0)


if __name__ == "__main__":
    harness.main(600)
