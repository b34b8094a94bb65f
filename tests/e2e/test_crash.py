"""kill -9: what was acknowledged is in the database, and retries stay retries."""

import http.client
import json
import sqlite3
import threading
import time

import harness
from harness import e164


class CrashTest(harness.TestCase):

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")

    def integrity(self):
        self.assertEqual(self.d.integrity_check(), "ok")

    def test_acknowledged_survives_kill9(self):
        for i in range(5):
            n = "0914000%03d" % i
            r = self.sms(n, self.pho)
            self.assertIn("Pho Thin", r[0])
            self.d.kill9()
            self.d.start()
            rows = self.d.query("SELECT venue_id FROM checkins WHERE number = ?", (e164(n),))
            self.assertEqual(rows, [(self.d.venue_id(self.pho),)], "round %d" % i)
            self.assertEqual(self.d.count("inbound", "number = ?", (e164(n),)), 1)
        self.assertEqual(self.d.count("checkins"), 5)
        self.integrity()

    def test_answer_survives_kill9(self):
        n = "0914000100"
        self.sms(n, self.pho)
        r = self.sms(n, "1")
        self.assertIn(harness.Q_CONTACT_VI, r[0])
        self.d.kill9()
        self.d.start()
        # The session survived too: the next answer closes the declaration.
        r = self.sms(n, "2")
        self.assertIn(harness.HOTLINE, r[0])
        ans = dict(self.d.query(
            "SELECT a.question, a.answer FROM answers a JOIN declarations d "
            "ON a.declaration_id = d.id WHERE d.number = ?", (e164(n),)))
        self.assertEqual(ans, {"symptoms": "yes", "contact": "no"})

    def test_retry_after_restart(self):
        n = "0914000200"
        r1 = self.sms(n, self.pho, id="crash-retry-1")
        self.d.kill9()
        self.d.start()
        r2 = self.sms(n, self.pho, id="crash-retry-1")
        self.assertEqual(r1, r2)
        self.assertEqual(self.d.count("checkins"), 1)
        self.assertEqual(self.d.count("inbound"), 1)
        # Kannel's retry of the same message id, after a crash, as well.
        params = self.d.kannel_params("0914000201", self.pho)
        st, h, b1 = self.d.kannel_get(params)
        self.assertEqual(st, 200)
        self.d.kill9()
        self.d.start()
        st, h, b2 = self.d.kannel_get(params)
        self.assertEqual(st, 200)
        self.assertEqual(b1, b2)
        self.assertEqual(self.d.count("checkins"), 2)
        self.assertEqual(self.d.count("inbound"), 2)

    def test_kill9_under_load(self):
        """Every message that got its 200 before the kill is stored."""
        acked, lock, stop = [], threading.Lock(), threading.Event()

        def worker(k):
            i = 0
            while not stop.is_set():
                n = "09141%02d%03d" % (k, i)
                i += 1
                try:
                    st, r = self.d.json_sms(n, self.pho)
                except (OSError, http.client.HTTPException):
                    return
                if st == 200:
                    with lock:
                        acked.append(n)

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        # Some load first: at least 0.7 s of it, and more than 4 answers.
        time.sleep(0.7)
        harness.wait_for(lambda: len(acked) > 4, harness.stretch(10))
        self.d.kill9()
        stop.set()
        for t in threads:
            t.join(harness.stretch(30))
        self.assertGreater(len(acked), 4, "the load never got going")
        self.d.start()
        stored = set(r[0] for r in self.d.query("SELECT number FROM checkins"))
        lost = [n for n in acked if e164(n) not in stored]
        self.assertEqual(lost, [], "%d of %d acknowledged check-ins lost" % (
            len(lost), len(acked)))
        self.integrity()

    def test_sigterm_then_start(self):
        n = "0914000300"
        self.sms(n, self.pho)
        self.d.stop()
        self.d.start()
        self.assertEqual(self.d.count("checkins", "number = ?", (e164(n),)), 1)
        r = self.sms(n, self.pho)
        self.assertEqual(self.d.count("checkins", "number = ?", (e164(n),)), 1, r)

    def test_storage_busy_503(self):
        """A write lock held past the busy timeout: 503, nothing kept, the retry works."""
        n = "0914000400"
        lock = sqlite3.connect(self.d.dbpath, isolation_level=None,
                               timeout=harness.stretch(10))
        try:
            lock.execute("BEGIN IMMEDIATE")
            if self.d.pg:
                # PostgreSQL's counterpart of SQLite's write lock: the table
                # a check-in writes first, locked past lock_timeout (the
                # busy timeout).
                lock.execute("LOCK TABLE inbound IN SHARE ROW EXCLUSIVE MODE")
            st, h, b = self.d.http("POST", "/sms/json", json.dumps(
                {"from": n, "to": "8088", "text": self.pho, "id": "busy-1"}),
                {"Content-Type": "application/json"}, timeout=harness.stretch(30))
            self.assertEqual(st, 503, b)
            self.assertTrue(b.strip())
            self.assertNotIn(b"\n", b.strip())
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        self.assertEqual(self.d.count("inbound"), 0)
        self.assertEqual(self.d.count("checkins"), 0)
        r = self.sms(n, self.pho, id="busy-1")
        self.assertIn("Pho Thin", r[0])
        self.assertEqual(self.d.count("checkins"), 1)
        self.assertEqual(self.d.count("inbound"), 1)


if __name__ == "__main__":
    harness.main(120)
