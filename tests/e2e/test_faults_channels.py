"""Faults on the SMPP and modem channels (issue "Hardening", item 3): kill -9
every 2 s during a 20 s load over SMPP, the modem, and all three channels at
once; and a full disk.

The SMSC simulator (tests/smscsim.py) delivers check-ins as deliver_sm and,
as a real SMSC does, delivers again every one whose deliver_sm_resp did not
come (the bind dropped, or an error status). The modem simulator
(tests/modemsim.py) stores check-ins on its SIM and announces them; one is
acknowledged when the daemon deletes it (AT+CMGD), and what is left on the
SIM is read again after a restart. Meanwhile the daemon is killed with
SIGKILL every 2 s and started again at once.

At the end, after the last start, every message is acknowledged, and each
is stored exactly once: one inbound row, one check-in and one reply queued
for its number. Replies go out at least once: only a reply in flight at a
kill may leave twice.

Disk full (max_database_mb) on the same two channels: a deliver_sm is
refused with an error status and a text stays on the SIM until space
returns; then both are taken, once.
"""

import collections
import http.client
import threading
import time

import harness
import modemsim
import smscsim
from harness import OUTBOX_SENT, e164
from test_faults import Client, fill_filler, replies

SMPP = "smsc1"
MODEM = "modem1"
INBOUND = """
  { name = "test"; format = "json"; path = "/sms/json"; reply = "inline"; }
"""


class Load:
    """One channel's traffic: a thread (or more) per load until stop, then
    finish() delivers what is still unacknowledged to the daemon left
    running. acked: the numbers acknowledged."""

    channel = None

    def __init__(self, test):
        self.t = test
        self.lock = threading.Lock()
        self.acked = []
        self.stats = collections.Counter()
        self.bad = []
        self.stop = threading.Event()
        self.threads = []

    def start(self):
        for t in self.threads:
            t.start()

    def join(self, timeout):
        self.stop.set()
        for t in self.threads:
            t.join(timeout)
        return not any(t.is_alive() for t in self.threads)

    def count(self, what, n=1):
        with self.lock:
            self.stats[what] += n

    def summary(self):
        return "%s: %d acknowledged, %s" % (
            self.channel, len(self.acked),
            ", ".join("%s %d" % kv for kv in sorted(self.stats.items())))

    def verify(self, t):
        """Each acknowledged number: exactly one inbound row on the
        channel, one check-in, one reply in the outbox."""
        numbers = [e164(n) for n in self.acked]
        self.t.assertEqual(len(set(numbers)), len(numbers))
        inb = dict(t.d.query("SELECT number, count(*) FROM inbound WHERE "
                             "channel = ? GROUP BY number", (self.channel,)))
        chk = dict(t.d.query("SELECT number, count(*) FROM checkins WHERE "
                             "channel = ? GROUP BY number", (self.channel,)))
        out = dict(t.d.query("SELECT number, count(*) FROM outbox GROUP BY number"))
        for what, got in (("inbound rows", inb), ("check-ins", chk)):
            wrong = sorted((n, got.get(n, 0)) for n in numbers if got.get(n, 0) != 1)
            t.assertEqual(wrong, [], "%s: acknowledged, but %s not exactly one: %r"
                          % (self.channel, what, wrong[:20]))
            t.assertEqual(set(got), set(numbers),
                          "%s: %s for numbers never acknowledged" % (self.channel, what))
        wrong = sorted((n, out.get(n, 0)) for n in numbers if out.get(n, 0) != 1)
        t.assertEqual(wrong, [], "%s: replies queued not exactly one: %r" % (
            self.channel, wrong[:20]))


class SmppLoad(Load):
    """THREADS senders, each one deliver_sm at a time on the bound
    transceiver, delivered again until answered with status 0."""

    channel = SMPP
    THREADS = 2

    def __init__(self, test, smsc):
        Load.__init__(self, test)
        self.smsc = smsc
        self.threads = [threading.Thread(target=self.run, args=(k,))
                        for k in range(self.THREADS)]

    def conn(self, deadline):
        while time.monotonic() < deadline:
            cs = self.smsc.bound_conns(receiver=True)
            if cs:
                return cs[-1]
            time.sleep(0.02)
        return None

    def deliver_until_acked(self, number, code, finishing):
        """False if it gave up (only once finishing, after a long while)."""
        tries = 0
        give_up = time.monotonic() + harness.stretch(30)
        while True:
            if finishing() and time.monotonic() > give_up:
                return False
            c = self.conn(time.monotonic() + 1.0)
            if c is None:
                continue
            tries += 1
            if tries > 1:
                self.count("redelivered")
            key = self.smsc.deliver(number, code, coding=0, conn=c)
            end = time.monotonic() + harness.stretch(5)
            while time.monotonic() < end:
                r = self.smsc.resp(key)
                if r is not None or c.closed:
                    break
                time.sleep(0.005)
            if r is None:
                self.count("dropped" if c.closed else "no answer in 5 s")
                continue
            if r[0] == 0:
                return True
            self.count("status 0x%02x" % r[0])
            time.sleep(0.1)

    def run(self, k):
        code = self.t.pho
        i = 0
        while not self.stop.is_set():
            number = "+8492%d%06d" % (k + 1, i)
            i += 1
            if self.deliver_until_acked(number, code, self.stop.is_set):
                with self.lock:
                    self.acked.append(number)
            else:
                with self.lock:
                    self.bad.append((number, "never acknowledged"))

    def verify(self, t):
        Load.verify(self, t)
        # Every reply leaves, at least once.
        numbers = set(self.acked)
        rows = t.d.wait_outbox("route = ? AND state = %d" % OUTBOX_SENT, (SMPP,),
                               len(numbers), harness.stretch(60))
        t.assertEqual(set(r["number"] for r in rows), numbers)
        got = collections.Counter("+" + s["dest"] for s in self.smsc.accepted())
        missing = sorted(numbers - set(got))
        t.assertEqual(missing, [], "acknowledged, reply never submitted")
        twice = sum(1 for n in numbers if got[n] > 1)
        self.stats["replies submitted twice"] = twice


class ModemLoad(Load):
    """Texts arrive on the simulated SIM (at most BACKLOG waiting); one is
    acknowledged when the daemon deletes it."""

    channel = MODEM
    BACKLOG = 10

    def __init__(self, test, sim):
        Load.__init__(self, test)
        self.sim = sim
        self.pdus = {}          # pdu bytes -> number
        self.threads = [threading.Thread(target=self.run)]

    def run(self):
        i = 0
        while not self.stop.is_set():
            with self.sim.lock:
                waiting = len(self.sim.sim)
            if waiting >= self.BACKLOG:
                time.sleep(0.01)
                continue
            number = "+8493%07d" % i
            i += 1
            pdu = modemsim.deliver_pdu(number, "CI " + self.t.pho)
            with self.lock:
                self.pdus[pdu] = number
            self.sim.deliver(pdu)
            self.count("delivered to the SIM")
            time.sleep(0.01)

    def deleted(self):
        with self.sim.lock:
            return [p for _, _, p in self.sim.deleted]

    def finish(self, t):
        """Wait until the SIM is empty; acked = every number deleted."""
        t.wait(lambda: not self.sim.sim, 60, "the SIM emptied")
        dels = collections.Counter(self.deleted())
        self.acked = [self.pdus[p] for p in dels if p in self.pdus]
        self.stats["deleted twice"] = sum(1 for p, c in dels.items() if c > 1)
        t.assertEqual(len(self.acked), len(self.pdus), "texts never deleted")

    def verify(self, t):
        Load.verify(self, t)
        numbers = set(self.acked)
        t.d.wait_outbox("route = ? AND state = %d" % OUTBOX_SENT, (MODEM,),
                        len(numbers), harness.stretch(60))
        missing = sorted(n for n in numbers if not self.sim.sent_to(n))
        t.assertEqual(missing, [], "acknowledged, reply never sent")
        self.stats["replies sent twice"] = sum(
            1 for n in numbers if len(self.sim.sent_to(n)) > 1)


class HttpLoad(Load):
    """JSON webhooks with unique ids, retried (same id) on no answer or 5xx."""

    channel = "test"
    THREADS = 2

    def __init__(self, test):
        Load.__init__(self, test)
        self.threads = [threading.Thread(target=self.run, args=(k,))
                        for k in range(self.THREADS)]

    def run(self, k):
        cl = Client(self.t.d)
        i = 0
        try:
            while not self.stop.is_set():
                number, mid = "0914%d%05d" % (k + 1, i), "kc-%d-%05d" % (k, i)
                i += 1
                give_up = None
                while True:
                    try:
                        st, body = cl.post(number, self.t.pho, mid)
                    except (OSError, http.client.HTTPException):
                        st = None
                    if st == 200:
                        if "Pho Thin" not in replies(body)[0]:
                            self.bad.append((mid, body))
                        with self.lock:
                            self.acked.append(number)
                        break
                    self.count("retried")
                    if st is not None and st < 500:
                        self.bad.append((mid, st))
                        break
                    if self.stop.is_set():
                        give_up = give_up or time.monotonic() + harness.stretch(30)
                        if time.monotonic() > give_up:
                            self.bad.append((mid, "never acknowledged"))
                            break
                    time.sleep(0.02)
        finally:
            cl.close()

    def verify(self, t):
        # Inline replies: none queued in the outbox.
        numbers = [e164(n) for n in self.acked]
        inb = dict(t.d.query("SELECT number, count(*) FROM inbound WHERE "
                             "channel = 'test' GROUP BY number"))
        chk = dict(t.d.query("SELECT number, count(*) FROM checkins WHERE "
                             "channel = 'test' GROUP BY number"))
        for what, got in (("inbound rows", inb), ("check-ins", chk)):
            wrong = sorted((n, got.get(n, 0)) for n in numbers if got.get(n, 0) != 1)
            t.assertEqual(wrong, [], "http: %s not exactly one: %r" % (what, wrong[:20]))
            t.assertEqual(set(got), set(numbers))


class Base(harness.TestCase):
    """A daemon with the routes of self.channels: "smpp", "modem"."""

    channels = ()
    extra = ""
    SECONDS = 20
    PERIOD = 2.0

    def prepare(self):
        """Before the daemon starts."""

    def setUp(self):
        self.smsc = self.sim = None
        if "smpp" in self.channels:
            self.smsc = smscsim.SMSC()
            self.addCleanup(self.smsc.stop)
        if "modem" in self.channels:
            self.sim = modemsim.ModemSim(capacity=60)
            self.addCleanup(self.sim.stop)
        self.d = harness.Daemon(extra=self.extra, inbound=INBOUND,
                                questions=harness.NO_QUESTIONS,
                                name=type(self).__name__, outbound=self.outbound)
        self.d.__enter__()
        self.addCleanup(self._cleanup)
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")
        self.prepare()
        self.d.start()
        self.ready(1)

    def outbound(self, d):
        routes = []
        if self.smsc is not None:
            routes.append(harness.route_conf(
                SMPP, "smpp", host="127.0.0.1", port=self.smsc.port,
                system_id="checkind", password="pw", window=64, rate=1000.0,
                # Safety nets: stretched.
                timeout=int(harness.stretch(5)), connect_timeout=int(harness.stretch(2)),
                reconnect_max=1, enquire_link=30))
        if self.sim is not None:
            routes.append(harness.route_conf(
                MODEM, "modem", device=self.sim.device, baud=115200, rate=50.0,
                health=2))
        default = SMPP if self.smsc is not None else MODEM
        return harness.outbound_conf(routes, default_route=default,
                                     max_attempts=20, retry_base=0.2, retry_max=2)

    def ready(self, n):
        """Wait until the channels are up after the n-th start."""
        if self.smsc is not None:
            self.assertTrue(self.smsc.wait_bound(harness.stretch(15)),
                            "no bind; log:\n%s" % harness.tail(self.d.logpath))
        if self.sim is not None:
            self.wait(lambda: self.d.log().count("chan=%s ready" % MODEM) >= n, 15,
                      "modem ready (%d)" % n)

    def wait(self, pred, timeout, what):
        """Poll pred() until true; timeout is seconds on a quiet machine."""
        return harness.wait_until(pred, timeout, what, self.d)

    def kill_loop(self, loads):
        """Start the loads, kill -9 every PERIOD s for SECONDS, stop the loads,
        let them finish against the last daemon, verify each."""
        for ld in loads:
            ld.start()
        restarts = 0
        t0 = time.monotonic()
        try:
            while (restarts + 1) * self.PERIOD < self.SECONDS:
                time.sleep(max(0.0, t0 + (restarts + 1) * self.PERIOD -
                               time.monotonic()))
                self.d.kill9()
                if self.sim is not None:
                    # The simulator must see the port closed before the next
                    # open, as a modem sees DTR drop.
                    self.sim.wait(lambda: self.sim._closed_seen, harness.stretch(10),
                                  "port closed")
                self.d.start()
                restarts += 1
            time.sleep(max(0.0, t0 + self.SECONDS - time.monotonic()))
        finally:
            for ld in loads:
                self.assertTrue(ld.join(harness.stretch(90)), "%s: a client hangs" % ld.channel)
        self.ready(restarts + 1)
        for ld in loads:
            if isinstance(ld, ModemLoad):
                ld.finish(self)
        self.assertEqual(restarts, int(self.SECONDS / self.PERIOD) - 1)
        for ld in loads:
            ld.verify(self)
            print("kill -9 every %.0f s for %d s, %d restarts: %s" % (
                self.PERIOD, self.SECONDS, restarts, ld.summary()))
        for ld in loads:
            self.assertEqual(ld.bad, [], ld.channel)
            # At least one per second (stretched) of the killing.
            self.assertGreater(len(ld.acked), restarts * self.PERIOD / harness.stretch(1.0),
                               "%s: the load never got going" % ld.channel)
        self.assertEqual(self.d.integrity_check(), "ok")
        return restarts


class SmppKill9(Base):
    channels = ("smpp",)

    def test_smpp_kill9_every_2s(self):
        ld = SmppLoad(self, self.smsc)
        self.kill_loop([ld])
        self.assertGreater(ld.stats["dropped"], 0, "no kill hit a deliver_sm in flight")


class ModemKill9(Base):
    channels = ("modem",)

    def test_modem_kill9_every_2s(self):
        self.kill_loop([ModemLoad(self, self.sim)])


class AllKill9(Base):
    """HTTP, SMPP and the modem at once, one daemon."""

    channels = ("smpp", "modem")

    def test_all_channels_kill9_every_2s(self):
        self.kill_loop([HttpLoad(self), SmppLoad(self, self.smsc),
                        ModemLoad(self, self.sim)])


# Disk full (max_database_mb) on the SMPP and modem channels.

class DiskFull(Base):
    """max_database_mb = 1, most of it taken before the start. While full,
    a deliver_sm is answered with an error status and a text stays on the
    SIM; once the limit is raised (SIGHUP), the SMSC's redeliveries and
    the texts on the SIM are taken, each stored once."""

    channels = ("smpp", "modem")
    extra = "max_database_mb = 1;"

    def prepare(self):
        # max_database_mb is SQLite's max_page_count: the PostgreSQL backend
        # has no such limit (its disk is the cluster's).
        harness.sqlite_only("max_database_mb fills SQLite's file")
        fill_filler(self.d, 1024 * 1024 - 96 * 1024)

    def raise_limit(self):
        before = self.d.log().count("configuration reloaded")
        self.d.write_config(extra="max_database_mb = 8;")
        self.d.signal(1)        # SIGHUP
        self.wait(lambda: self.d.log().count("configuration reloaded") > before,
                  10, "reload")

    def test_smpp_and_modem_full(self):
        ld = SmppLoad(self, self.smsc)
        # One at a time until the SMSC is refused.
        acked, refused = [], []
        for i in range(3000):
            number = "+84925%06d" % i
            key = self.smsc.deliver(number, self.pho, coding=0)
            st = self.smsc.wait_resp(key)
            self.assertIsNotNone(st, "no deliver_sm_resp")
            if st == 0:
                acked.append(number)
                continue
            refused.append((number, st))
            if len(refused) == 10:
                break
        self.assertEqual(len(refused), 10, "never full after %d" % len(acked))
        first = len(acked)
        print("smpp: full after %d deliver_sm; then statuses %r" % (
            first, sorted(set(st for _, st in refused))))
        self.assertEqual([n for n, st in refused if st == 0], [])
        # A text arrives at the modem while full: it stays on the SIM.
        number = "+84935000001"
        pdu = modemsim.deliver_pdu(number, "CI " + self.pho)
        self.sim.deliver(pdu)
        # Time to (wrongly) store and delete it: a check that it did not.
        time.sleep(harness.stretch(2.0))
        with self.sim.lock:
            on_sim = [p for _, p in self.sim.sim.values()]
        self.assertIn(pdu, on_sim, "deleted from the SIM although not stored")
        for n, _ in refused:
            self.assertEqual(self.d.count("inbound", "number = ?", (n,)), 0)
        self.assertEqual(self.d.count("inbound", "number = ?", (number,)), 0)

        self.raise_limit()
        # The SMSC delivers again what it was refused.
        for n, _ in refused:
            self.assertTrue(ld.deliver_until_acked(n, self.pho, lambda: True), n)
        ld.acked = acked + [n for n, _ in refused]
        # The text left on the SIM is taken now (at the latest by the
        # modem's next health check).
        self.wait(lambda: not self.sim.sim, 30, "the SIM emptied after space returned")
        self.assertEqual(self.d.count("checkins", "number = ?", (number,)), 1)
        self.assertEqual(self.d.count("inbound", "number = ?", (number,)), 1)
        ld.verify(self)


if __name__ == "__main__":
    harness.main(240)
