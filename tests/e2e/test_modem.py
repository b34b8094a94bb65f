"""The GSM modem channel against a simulated modem (tests/modemsim.py).

Each test starts a modem simulator on a pseudo-terminal and a daemon whose
route "modem1" (driver "modem") opens it. Texts arrive as SMS-DELIVER PDUs
the simulator stores on its SIM and announces with +CMTI; replies leave
through AT+CMGS, and the simulator decodes the SMS-SUBMIT back to number
and text. The tests look at what the daemon stored (inbound, checkins,
outbox) and what the simulator recorded (commands, sent texts, deletions).
"""

import os
import shutil
import tempfile
import signal
import threading
import time

import harness
import modemsim
from harness import OUTBOX_DELIVERED, OUTBOX_FAILED, OUTBOX_SENT, e164

ROUTE = "modem1"

# Vietnamese with diacritics: UCS-2, 3 parts of at most 67 units.
VI_LONG = ("Xin chào, tôi vừa đến chợ Đồng Xuân lúc bảy giờ sáng để mua rau, "
           "cá và thịt cho cả nhà. Người bán hàng rất thân thiện, giá cả hợp lý. "
           "Tôi sẽ quay lại vào tuần sau cùng với mẹ và em gái của tôi nhé!")


class ModemCase(harness.TestCase):
    """A modem simulator self.sim and a daemon self.d whose route modem1 uses it."""

    link = False            # device is a symlink (for the vanishing device)
    pin = None              # the SIM wants this PIN
    route_pin = None        # the PIN configured on the route
    route_opts = {}
    capacity = 60
    daemon_class = harness.Daemon

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="modemsim-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        link = os.path.join(self.tmp, "ttyGSM0") if self.link else None
        self.sim = modemsim.ModemSim(link=link, pin=self.pin, capacity=self.capacity)
        self.addCleanup(self.sim.stop)
        self.before_start()
        self.d = self.daemon_class(extra=self.extra, questions=harness.NO_QUESTIONS,
                                   name=type(self).__name__, outbound=self.outbound)
        self.d.__enter__()
        self.addCleanup(self._cleanup)
        self.venues()
        self.d.start()
        self.wait_ready()

    def before_start(self):
        pass

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")
        self.cafe = self.d.add_venue("Cafe Giang", "Hang Gai")

    def outbound(self, d):
        opts = dict(device=self.sim.device, baud=115200, rate=50.0, health=2)
        if self.route_pin is not None:
            opts["pin"] = self.route_pin
        opts.update(self.route_opts)
        return harness.outbound_conf(
            [harness.route_conf(ROUTE, "modem", **opts)], default_route=ROUTE,
            max_attempts=6, retry_base=0.2, retry_max=2)

    # Waiting.

    def wait(self, pred, timeout=10.0, what="condition"):
        """Poll pred() until true; timeout is seconds on a quiet machine
        (as every timeout this class's helpers take)."""
        return harness.wait_until(pred, timeout, what, self.d, alive=True,
                                  detail=lambda: "modem saw %r" % self.sim.commands[-15:])

    def readies(self):
        return self.d.log().count("chan=%s ready" % ROUTE)

    def wait_ready(self, n=1, timeout=15.0):
        self.wait(lambda: self.readies() >= n, timeout, "modem ready (%d)" % n)

    def checkins(self, number):
        return self.d.count("checkins", "number = ?", (e164(number),))

    def inbound_rows(self, number):
        return self.d.query("SELECT text, channel FROM inbound WHERE number = ?",
                            (e164(number),))

    def text_in(self, sender, text, **kw):
        """A text arrives at the modem (parts in order); the SIM indexes."""
        return [self.sim.deliver(p, **kw) for p in modemsim.deliver_pdus(sender, text)]

    def wait_sent(self, number, n=1, timeout=10.0):
        return self.wait(lambda: len(self.sim.sent_to(number)) >= n and
                         self.sim.sent_to(number), timeout, "%d sent to %s" % (n, number))

    def assertReplied(self, number, venue="Pho Thin"):
        """Exactly one text went to number, naming the venue."""
        sent = self.wait_sent(number)
        time.sleep(0.3)
        sent = self.sim.sent_to(number)
        self.assertEqual(len(sent), 1, sent)
        self.assertIn(venue, sent[0].text)
        return sent[0]


class TestBasics(ModemCase):

    def test_checkin_reply_and_delete_after_commit(self):
        """+CMTI -> AT+CMGR -> check-in committed -> AT+CMGD; reply by AT+CMGS."""
        sender = "+84912340001"
        seen_at_delete = []

        def at_delete(cmd):
            seen_at_delete.append(self.checkins(sender))

        self.sim.on_command("AT+CMGD", at_delete)
        idx = self.text_in(sender, "CI " + harness.group(self.pho))
        self.wait(lambda: self.checkins(sender) == 1, 10, "check-in row")
        row = self.d.query("SELECT channel, sent_at, received_at FROM checkins "
                           "WHERE number = ?", (sender,))[0]
        self.assertEqual(row[0], ROUTE)
        self.assertLessEqual(abs(row[1] - time.time()), harness.stretch(120),
                             "sent_at from the SCTS")
        sent = self.assertReplied(sender)
        self.assertEqual(sent.to, sender)
        self.assertTrue(sent.parts[0]["srr"], "receipts asked for by default")
        self.assertEqual(sent.parts[0]["vpf"], 2, "relative validity period")
        # The SIM slot went only after the row existed.
        self.wait(lambda: not self.sim.sim, 5, "SIM emptied")
        self.assertEqual([i for _, i, _ in self.sim.deleted], idx)
        self.assertEqual(seen_at_delete, [1])
        self.assertEqual(self.sim.seen("AT+CMGR"), ["AT+CMGR=%d" % idx[0]])
        # The outbox row carries the TP-MR; a status report marks it delivered.
        rows = self.d.wait_outbox("number = ? AND state = ?", (sender, OUTBOX_SENT))
        self.assertEqual(rows[0]["route"], ROUTE)
        self.assertEqual(rows[0]["ext_id"], str(sent.mrs[0]))
        self.sim.report(sent.mrs[0], 0x00)
        self.d.wait_outbox("number = ? AND state = ?", (sender, OUTBOX_DELIVERED),
                           timeout=harness.stretch(10))
        inb = self.inbound_rows(sender)
        self.assertEqual(len(inb), 1)
        self.assertEqual(inb[0][1], ROUTE)

    def test_start_up_commands(self):
        """The start-up sequence, in order, and the health probe."""
        cmds = [c.upper() for _, c in self.sim.commands]
        want = ["ATZ", "ATE0", "AT+CMEE=1", "AT+CPIN?", "AT+CMGF=0",
                'AT+CPMS="SM","SM","SM"', "AT+CNMI=2,1,0,2,0", "AT+CMGL=4"]
        self.assertEqual(cmds[:len(want)], want)
        self.wait(lambda: self.sim.seen("AT+CSQ"), 6, "AT+CSQ health probe")

    def test_long_ucs2_out_of_order(self):
        """Three UCS-2 parts delivered 3, 1, 2 make one inbound text."""
        sender = "+84912340002"
        pdus = modemsim.deliver_pdus(sender, VI_LONG, ref=0x42)
        self.assertEqual(len(pdus), 3)
        for i in (2, 0, 1):
            self.sim.deliver(pdus[i])
            time.sleep(0.05)
        self.wait(lambda: self.inbound_rows(sender), 10, "inbound row")
        time.sleep(0.3)
        rows = self.inbound_rows(sender)
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0][0], VI_LONG)
        self.wait(lambda: not self.sim.sim, 5, "every part deleted from the SIM")
        self.assertEqual(len(self.sim.deleted), 3)

    def test_long_gsm7_in_reverse(self):
        """GSM-7 parts (septets after the UDH fill bits) delivered last first."""
        sender = "+84912340007"
        text = "Toi da den cho Dong Xuan luc 7 gio sang {tuan} ~ [le] " * 5 + "het"
        pdus = modemsim.deliver_pdus(sender, text, ref=0x99)
        self.assertEqual(len(pdus), 2)
        for p in reversed(pdus):
            self.sim.deliver(p)
        self.wait(lambda: self.inbound_rows(sender), 10, "inbound row")
        self.assertEqual([r[0] for r in self.inbound_rows(sender)], [text])

    def test_long_gsm7_reply_is_concatenated(self):
        """A text of more than 160 characters leaves as parts with one reference."""
        number = "+84912340003"
        text = ("Thong bao: " + "Ban da tiep xuc voi nguoi nhiem tai cho Dong Xuan. " * 5)
        self.d.outbox_add([{"route": ROUTE, "number": number, "text": text}])
        sent = self.wait_sent(number)[0]
        self.assertEqual(sent.text, text)
        self.assertGreater(len(sent.parts), 1)
        self.assertEqual(len({p["concat"][0] for p in sent.parts}), 1)
        row = self.d.wait_outbox("number = ? AND state = ?", (number, OUTBOX_SENT))[0]
        self.assertEqual(row["ext_id"], str(sent.mrs[0]), "the first part's TP-MR")

    def test_direct_delivery_and_broken_pdu(self):
        """+CMT (not stored) is handled; a PDU that cannot be read is deleted, not looped on."""
        a, b = "+84912340004", "+84912340005"
        bad = modemsim.deliver_pdus(a, "CI " + self.pho)[0][:14]
        bad_idx = self.sim.deliver(bad)
        self.sim.deliver_direct(modemsim.deliver_pdus(b, "CI " + self.cafe)[0])
        self.wait(lambda: self.checkins(b) == 1, 10, "check-in from +CMT")
        self.wait(lambda: bad_idx not in self.sim.sim, 10, "broken PDU deleted")
        self.assertEqual(self.checkins(a), 0)
        self.assertReplied(b, "Cafe Giang")
        # the daemon still reads the SIM
        self.text_in(a, "CI " + self.pho)
        self.wait(lambda: self.checkins(a) == 1, 10, "check-in after the broken PDU")

    def test_stored_status_report(self):
        """+CDSI: the report is read, matched by TP-MR, and deleted from the SIM."""
        number = "+84912340006"
        self.d.outbox_add([{"route": ROUTE, "number": number, "text": "Xin chao"}])
        sent = self.wait_sent(number)[0]
        self.d.wait_outbox("number = ? AND state = ?", (number, OUTBOX_SENT))
        idx = self.sim.report(sent.mrs[0], 0x00, stored=True)
        self.d.wait_outbox("number = ? AND state = ?", (number, OUTBOX_DELIVERED),
                           timeout=harness.stretch(10))
        self.wait(lambda: idx not in self.sim.sim, 5, "report deleted")


class TestTwoModems(ModemCase):
    """Two modems, two routes with their prefixes: replies leave by the modem
    the message came in on; SIGHUP moves a route to another device."""

    def setUp(self):
        self.sim2 = modemsim.ModemSim()
        self.addCleanup(self.sim2.stop)
        ModemCase.setUp(self)
        self.wait(lambda: self.d.log().count("chan=modem2 ready") >= 1, 15,
                  "second modem ready")

    def outbound(self, d):
        return harness.outbound_conf([
            harness.route_conf(ROUTE, "modem", device=self.sim.device, rate=50.0,
                               health=2, prefixes=["+8491"]),
            harness.route_conf("modem2", "modem", device=self.sim2.device, rate=50.0,
                               health=2, prefixes=["+8498"])],
            default_route=ROUTE, max_attempts=6, retry_base=0.2, retry_max=2)

    def test_replies_leave_by_their_modem(self):
        a, b = "+84912340061", "+84982340062"
        self.sim2.deliver(modemsim.deliver_pdus(a, "CI " + self.pho)[0])
        self.sim.deliver(modemsim.deliver_pdus(b, "CI " + self.cafe)[0])
        self.wait(lambda: self.checkins(a) == 1 and self.checkins(b) == 1, 10,
                  "both check-ins")
        self.assertEqual(self.d.query("SELECT channel FROM checkins WHERE number = ?",
                                      (a,)), [("modem2",)])
        self.sim2.wait(lambda: self.sim2.sent_to(a), harness.stretch(10), "reply to a on modem2")
        self.wait_sent(b)
        time.sleep(0.3)
        self.assertEqual(self.sim.sent_to(a), [])
        self.assertEqual(self.sim2.sent_to(b), [])

    def test_reload_moves_the_device(self):
        """SIGHUP with modem1's device changed: it closes the old one and opens the new."""
        sim3 = modemsim.ModemSim()
        self.addCleanup(sim3.stop)
        old = self.sim
        self.sim = sim3
        self.d.write_config()
        self.d.signal(signal.SIGHUP)
        sim3.wait(lambda: sim3.seen("AT+CMGL=4"), harness.stretch(10), "new device initialised")
        self.wait_ready(2)
        sender = "+84912340063"
        sim3.deliver(modemsim.deliver_pdus(sender, "CI " + self.pho)[0])
        self.wait(lambda: self.checkins(sender) == 1, 10, "check-in on the new device")
        sim3.wait(lambda: sim3.sent_to(sender), harness.stretch(10), "reply on the new device")
        n = len(old.commands)
        time.sleep(3)
        self.assertEqual(len(old.commands), n, "the old device is left alone")
        self.assertEqual(self.sim2.opens, 1, "modem2's settings did not change: kept open")


class TestStoredWhileDown(ModemCase):

    SENDERS = ("+84912340011", "+84912340012", "+84912340013")

    def venues(self):
        ModemCase.venues(self)
        # On the SIM before the daemon ever opened the port: no +CMTI for them.
        for i, s in enumerate(self.SENDERS):
            pdu = modemsim.deliver_pdus(s, "CI " + self.pho, t=time.time() - 60)[0]
            self.sim.store(pdu, stat=1 if i == 0 else 0)

    def test_processed_at_start_once(self):
        for s in self.SENDERS:
            self.wait(lambda: self.checkins(s) == 1, 10, "check-in of %s" % s)
        self.wait(lambda: not self.sim.sim, 5, "SIM emptied")
        for s in self.SENDERS:
            self.assertReplied(s)
        self.assertEqual(self.sim.seen("AT+CMGR"), [], "read by AT+CMGL alone")
        # Again: nothing is read twice.
        self.d.stop()
        self.d.start()
        self.wait_ready(2)
        time.sleep(1.0)
        for s in self.SENDERS:
            self.assertEqual(self.checkins(s), 1)
            self.assertEqual(len(self.inbound_rows(s)), 1)
            self.assertEqual(len(self.sim.sent_to(s)), 1)
        self.assertEqual(len(self.sim.deleted), 3)


class TestCrash(ModemCase):

    def restart_after_kill(self):
        self.d.kill9()
        self.sim.wait(lambda: self.sim._closed_seen, harness.stretch(10), "port closed")
        self.sim.stall_prefix = None
        self.d.start()

    def test_kill_before_delete(self):
        """kill -9 after the commit, before AT+CMGD is answered: processed once."""
        sender = "+84912340021"
        self.sim.stall("AT+CMGD")
        self.text_in(sender, "CI " + self.pho)
        self.wait(lambda: self.sim.stalled, 10, "AT+CMGD sent")
        self.assertEqual(self.checkins(sender), 1, "AT+CMGD only after the commit")
        self.restart_after_kill()
        self.wait(lambda: not self.sim.sim, 15, "deleted after the restart")
        self.assertReplied(sender)
        time.sleep(0.5)
        self.assertEqual(self.checkins(sender), 1)
        self.assertEqual(len(self.inbound_rows(sender)), 1)
        self.assertEqual(len(self.d.outbox("number = ?", (sender,))), 1)
        self.assertEqual(len(self.sim.sent_to(sender)), 1)

    def test_kill_at_read(self):
        """kill -9 as AT+CMGR arrives (nothing committed yet): processed once."""
        sender = "+84912340022"
        proc = self.d.proc
        killed = threading.Event()

        def kill(cmd):
            if not killed.is_set():
                killed.set()
                proc.kill()

        self.sim.on_command("AT+CMGR", kill)
        self.text_in(sender, "CI " + self.pho)
        self.assertTrue(killed.wait(harness.stretch(10)), "AT+CMGR never came")
        self.d.proc.wait(harness.stretch(10))
        self.sim.hooks = []
        self.restart_after_kill()
        self.wait(lambda: self.checkins(sender) == 1, 15, "check-in after restart")
        self.assertReplied(sender)
        self.wait(lambda: not self.sim.sim, 5, "SIM emptied")
        self.assertEqual(len(self.inbound_rows(sender)), 1)


class TestFaults(ModemCase):

    def test_hung_modem_recovers(self):
        """A modem that stops answering is reset; queued texts then go out, once."""
        a, b, c = "+84912340031", "+84912340032", "+84912340033"
        t0 = time.monotonic()
        self.sim.hang(until_reopen=True)
        self.d.outbox_add([{"route": ROUTE, "number": a, "text": "Tin 1"},
                           {"route": ROUTE, "number": b, "text": "Tin 2"}])
        self.text_in(c, "CI " + self.pho)       # stored; no +CMTI from a hung modem
        self.wait(lambda: self.sim.sent_to(a) and self.sim.sent_to(b), 30,
                  "queued texts after the reset")
        self.wait(lambda: self.checkins(c) == 1, 30, "check-in read after the reset")
        self.assertReplied(c)
        took = time.monotonic() - t0
        print("\nhung modem: recovered and sent in %.1f s" % took)
        self.assertLess(took, harness.stretch(30))
        self.assertGreaterEqual(self.sim.opens, 2)
        self.assertIn("reset", self.d.log())
        time.sleep(0.5)
        self.assertEqual(len(self.sim.sent_to(a)), 1)
        self.assertEqual(len(self.sim.sent_to(b)), 1)
        self.assertEqual(self.sim.sent_to(a)[0].text, "Tin 1")

    def test_cms_error_500_retried_once(self):
        """+CMS ERROR: 500 on AT+CMGS: the reply goes out on the retry, once."""
        sender = "+84912340034"
        self.sim.fail_next(1, "+CMS ERROR: 500", "AT+CMGS")
        self.text_in(sender, "CI " + self.pho)
        self.assertReplied(sender)
        self.assertEqual(len(self.sim.failed), 1)
        row = self.d.wait_outbox("number = ? AND state = ?", (sender, OUTBOX_SENT))[0]
        self.assertGreaterEqual(row["attempts"], 2)

    def test_cms_error_304_fails(self):
        """+CMS ERROR: 304 (invalid PDU parameter) is permanent: failed, not retried."""
        number = "+84912340035"
        self.sim.fail_next(1, "+CMS ERROR: 304", "AT+CMGS")
        self.d.outbox_add([{"route": ROUTE, "number": number, "text": "Tin"}])
        row = self.d.wait_outbox("number = ? AND state = ?", (number, OUTBOX_FAILED),
                                 timeout=harness.stretch(10))[0]
        self.assertIn("304", row["error"] or "")
        time.sleep(0.5)
        self.assertEqual(self.sim.sent_to(number), [])
        self.assertEqual(len(self.sim.failed), 1)

    def test_garbage_and_interleaved_urcs(self):
        """Garbage lines, +CMTI before the "> " prompt and inside answers."""
        a, b, c = "+84912340036", "+84912340037", "+84912340038"
        self.sim.garbage = True
        self.sim.send_garbage(5)
        # b arrives between the AT+CMGS of a's reply and its prompt
        self.sim.urc_before_prompt(modemsim.deliver_pdus(b, "CI " + self.cafe)[0])
        self.text_in(a, "CI " + self.pho)
        self.assertReplied(a)
        self.wait(lambda: self.checkins(b) == 1, 10, "check-in announced before a prompt")
        self.assertReplied(b, "Cafe Giang")
        # c is announced inside the next answer, before its OK
        self.sim.deliver(modemsim.deliver_pdus(c, "CI " + self.pho)[0], mid_response=True)
        self.wait(lambda: self.checkins(c) == 1, 10, "check-in announced mid-answer")
        self.assertReplied(c)
        self.assertEqual(self.sim.bad_submits, [])
        self.wait(lambda: not self.sim.sim, 5, "SIM emptied")
        self.assertEqual(len(self.sim.deleted), 3)

    def test_error_answers_at_start(self):
        """A modem answering ERROR to everything for a while is started again later."""
        self.d.stop()
        self.sim.fail_next(6, "ERROR", "AT")
        self.d.start()
        self.wait_ready(2, 30)
        sender = "+84912340039"
        self.text_in(sender, "CI " + self.pho)
        self.wait(lambda: self.checkins(sender) == 1, 10, "check-in after the errors")


class TestCfunReset(ModemCase):
    route_opts = {"cfun_reset": True}

    def test_hung_modem_restarted_with_cfun(self):
        """cfun_reset: after a hang the modem is restarted (AT+CFUN=1,1), then set up again."""
        sender = "+84912340071"
        self.sim.hang(until_reopen=True)
        self.text_in(sender, "CI " + self.pho)
        self.wait(lambda: self.sim.seen("AT+CFUN=1,1"), 20, "AT+CFUN=1,1")
        self.wait_ready(2, 30)
        self.wait(lambda: self.checkins(sender) == 1, 10, "check-in after the restart")
        self.assertReplied(sender)
        cmds = [c.upper() for _, c in self.sim.commands]
        i = cmds.index("AT+CFUN=1,1")
        self.assertIn("AT+CMGL=4", cmds[i:], "set up again after the restart")
        self.assertEqual(cmds.count("AT+CFUN=1,1"), 1)


class TestMetrics(ModemCase):
    daemon_class = harness.AdminDaemon

    def metric(self, name, **labels):
        return self.d.metrics().get((name, frozenset(labels.items())))

    def test_signal_up_and_reset_events(self):
        self.wait(lambda: self.metric("checkind_modem_signal_dbm", route=ROUTE) == -73.0,
                  8, "signal -73 dBm (AT+CSQ rssi 20)")
        self.assertEqual(self.metric("checkind_channel_up", route=ROUTE), 1.0)
        self.sim.hang(until_reopen=True)
        self.wait(lambda: self.metric("checkind_channel_up", route=ROUTE) == 0.0, 20,
                  "channel down while hung")
        self.wait_ready(2, 20)
        self.assertEqual(self.metric("checkind_channel_up", route=ROUTE), 1.0)
        for ev in ("timeout", "reset", "reopened"):
            self.assertGreaterEqual(self.metric("checkind_channel_events_total",
                                                route=ROUTE, event=ev) or 0, 1, ev)


class TestVanish(ModemCase):
    link = True

    def test_device_vanishes_and_comes_back(self):
        sender = "+84912340041"
        t0 = time.monotonic()
        self.sim.vanish()
        self.wait(lambda: "reset" in self.d.log(), 10, "reset noticed")
        time.sleep(2.5)
        self.assertFalse(os.path.exists(self.sim.device))
        self.sim.come_back()
        self.wait_ready(2, 30)
        self.text_in(sender, "CI " + self.pho)
        self.wait(lambda: self.checkins(sender) == 1, 10, "check-in after reopening")
        self.assertReplied(sender)
        print("\nvanished device: back in %.1f s" % (time.monotonic() - t0))
        self.assertGreaterEqual(self.d.log().count("opened device="), 2)


class TestPin(ModemCase):
    pin = "7391"
    route_pin = "7391"

    def test_pin_entered_never_logged(self):
        self.assertEqual(self.sim.seen("AT+CPIN="), ['AT+CPIN="7391"'])
        sender = "+84912340051"
        self.text_in(sender, "CI " + self.pho)
        self.wait(lambda: self.checkins(sender) == 1, 10, "check-in")
        self.assertNotIn("7391", self.d.log())


class TestPinEcho(TestPin):
    """A modem that keeps echoing (ATE0 refused): the echoed PIN is not logged either."""

    def before_start(self):
        self.sim.fail_next(1000, "ERROR", "ATE0")

    def wait_ready(self, n=1, timeout=15.0):
        self.wait(lambda: self.sim.seen("AT+CPIN="), timeout, "PIN entered")

    def test_pin_entered_never_logged(self):
        self.assertTrue(self.sim.echo)
        self.wait(lambda: self.readies() >= 1, 10, "ready with echo on")
        sender = "+84912340052"
        self.text_in(sender, "CI " + self.pho)
        self.wait(lambda: self.checkins(sender) == 1, 10, "check-in with echo on")
        self.assertReplied(sender)
        self.assertNotIn("7391", self.d.log())


class TestWrongPin(ModemCase):
    pin = "7391"
    route_pin = "1111"

    def wait_ready(self, n=1, timeout=15.0):
        self.wait(lambda: self.sim.seen("AT+CPIN="), timeout, "PIN tried")

    def test_wrong_pin_tried_once(self):
        """A refused PIN is not tried again: three wrong ones lock the SIM."""
        time.sleep(4)
        self.assertEqual(len(self.sim.seen("AT+CPIN=")), 1)
        self.assertEqual(self.readies(), 0)
        self.assertNotIn("1111", self.d.log())


class TestLatency(ModemCase):

    def test_latency(self):
        """+CMTI to committed check-in, one message at a time (printed, loosely bounded)."""
        n = 50
        lat = []
        for i in range(n):
            sender = "+8491235%04d" % i
            code = self.pho if i % 2 else self.cafe
            pdu = modemsim.deliver_pdus(sender, "CI " + code)[0]
            before = self.d.count("checkins")
            t0 = time.monotonic()
            self.sim.deliver(pdu)
            while self.d.count("checkins") == before:
                if time.monotonic() - t0 > harness.stretch(10):
                    raise AssertionError("message %d not committed; log:\n%s" % (
                        i, harness.tail(self.d.logpath)))
                time.sleep(0.002)
            lat.append(time.monotonic() - t0)
        lat.sort()
        p50 = lat[len(lat) // 2]
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        print("\n+CMTI to committed check-in over %d messages: p50 %.1f ms, p99 %.1f ms, "
              "max %.1f ms" % (n, p50 * 1000, p99 * 1000, lat[-1] * 1000))
        self.wait(lambda: len(self.sim.sent) >= n, 30, "every reply sent")
        self.wait(lambda: not self.sim.sim, 10, "SIM emptied")
        self.assertEqual(self.d.count("checkins"), n)


if __name__ == "__main__":
    harness.main(timeout=600)
