"""The JSON webhook: a resident's whole conversation, and what gets stored."""

import datetime
import os
import time

import harness
from harness import (Q_CONTACT_EN, Q_CONTACT_VI, Q_ROUTE_VI, Q_SYMPTOMS_EN,
                     Q_SYMPTOMS_VI, HOTLINE, e164, group)


class JsonTest(harness.TestCase):

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")
        self.cafe = self.d.add_venue("Cafe Giang", "Hang Gai")
        self.gate = self.d.add_venue("Chot Long Bien", "Phuc Tan", kind="checkpoint")
        self.shop = self.d.add_venue("Tap Hoa Lan", "Hang Bo", owner="0987000001")

    def checkins(self, number):
        return self.d.query(
            "SELECT venue_id, companions, channel, checked_out_at FROM checkins "
            "WHERE number = ? ORDER BY id", (e164(number),))

    def declare(self, number, *answers):
        """Answer the pending questions; the last reply list."""
        replies = None
        for a in answers:
            replies = self.sms(number, a)
        return replies

    def confirm_ok(self, reply, name, ward):
        self.assertIn(name, reply)
        self.assertIn(ward, reply)
        self.assertTime(reply)

    def test_checkinctl_beside_the_daemon(self):
        # The daemon opens several connections to its database. A checkinctl
        # closing its own must not take itself for the last one and delete the
        # WAL the daemon writes in: the daemon's commits would go to a file
        # no one else reads, and an answer would come before its row.
        self.d.add_venue("Quan Moi", "Hang Bac")
        if not self.d.pg:       # PostgreSQL has no WAL file beside the data
            self.assertTrue(os.path.exists(self.d.dbpath + "-wal"))
        n = "0912000099"
        r = self.sms(n, self.pho)
        self.assertEqual(len(r), 2, r)
        self.assertEqual(len(self.checkins(n)), 1)

    # Check-in and declaration.

    def test_checkin_declaration_unflagged(self):
        n = "0912000001"
        r = self.sms(n, self.pho)
        self.assertEqual(len(r), 2, r)
        self.confirm_ok(r[0], "Pho Thin", "Hang Bac")
        self.assertIn(Q_SYMPTOMS_VI, r[1])
        rows = self.checkins(n)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][0], self.d.venue_id(self.pho))
        self.assertEqual(rows[0][1], 0)
        self.assertEqual(rows[0][2], "test")
        self.assertIsNone(rows[0][3])

        r = self.sms(n, "2")
        self.assertEqual(len(r), 1, r)
        self.assertIn(Q_CONTACT_VI, r[0])
        r = self.sms(n, "khong")
        self.assertEqual(len(r), 1, r)
        self.assertNotIn(Q_CONTACT_VI, r[0])
        self.assertNotIn(Q_SYMPTOMS_VI, r[0])

        decl = self.d.query(
            "SELECT id, venue_id, checkin_id, completed_at, flagged FROM declarations "
            "WHERE number = ?", (e164(n),))
        self.assertEqual(len(decl), 1, decl)
        did, vid, cid, done, flagged = decl[0]
        self.assertEqual(vid, self.d.venue_id(self.pho))
        self.assertEqual(cid, self.d.scalar(
            "SELECT id FROM checkins WHERE number = ?", (e164(n),)))
        self.assertIsNotNone(done)
        self.assertEqual(flagged, 0)
        ans = self.d.query("SELECT question, answer, flagged FROM answers "
                           "WHERE declaration_id = ? ORDER BY question", (did,))
        self.assertEqual(ans, [("contact", "no", 0), ("symptoms", "no", 0)])
        # Still one check-in, and one inbound row per message.
        self.assertEqual(len(self.checkins(n)), 1)
        self.assertEqual(self.d.count("inbound", "number = ?", (e164(n),)), 3)

    def test_checkin_declaration_flagged(self):
        n = "0912000002"
        r = self.sms(n, self.pho)
        self.assertIn(Q_SYMPTOMS_VI, r[1])
        r = self.sms(n, "1")
        self.assertEqual(len(r), 1, r)
        self.assertIn(Q_CONTACT_VI, r[0])
        r = self.sms(n, "co")
        self.assertEqual(len(r), 1, r)
        self.assertIn(HOTLINE, r[0])
        decl = self.d.query("SELECT id, completed_at, flagged FROM declarations "
                            "WHERE number = ?", (e164(n),))
        self.assertEqual(len(decl), 1, decl)
        self.assertIsNotNone(decl[0][1])
        self.assertEqual(decl[0][2], 1)
        ans = self.d.query("SELECT question, answer, flagged FROM answers "
                           "WHERE declaration_id = ? ORDER BY question", (decl[0][0],))
        self.assertEqual(ans, [("contact", "yes", 1), ("symptoms", "yes", 1)])

    def test_one_flag_is_enough(self):
        n = "0912000003"
        self.sms(n, self.pho)
        self.sms(n, "2")
        r = self.sms(n, "1")
        self.assertIn(HOTLINE, r[0])
        self.assertEqual(self.d.scalar(
            "SELECT flagged FROM declarations WHERE number = ?", (e164(n),)), 1)
        ans = self.d.query(
            "SELECT question, answer FROM answers a JOIN declarations d "
            "ON a.declaration_id = d.id WHERE d.number = ? ORDER BY question",
            (e164(n),))
        self.assertEqual(ans, [("contact", "yes"), ("symptoms", "no")])

    def test_declaration_valid_for_a_day(self):
        n = "0912000004"
        self.sms(n, self.pho)
        self.declare(n, "2", "2")
        r = self.sms(n, self.cafe)
        self.assertEqual(len(r), 1, r)
        self.confirm_ok(r[0], "Cafe Giang", "Hang Gai")
        self.assertEqual(len(self.checkins(n)), 2)
        self.assertEqual(self.d.count("declarations", "number = ?", (e164(n),)), 1)

    def test_not_an_answer(self):
        n = "0912000005"
        self.sms(n, self.pho)
        r = self.sms(n, "maybe")
        self.assertGreaterEqual(len(r), 1, r)
        self.assertIn(Q_SYMPTOMS_VI, " ".join(r))
        self.assertEqual(self.d.count("answers"), 0)
        r = self.sms(n, "2")
        self.assertIn(Q_CONTACT_VI, r[0])

    # The forms a code comes in.

    def test_code_forms(self):
        g = group(self.pho)
        forms = [
            ("0912000010", "CI " + g, 0),
            ("0912000011", "ma %s-%s" % (self.pho[:3], self.pho[3:]), 0),
            ("0912000012", g + " +2", 2),
            ("0912000013", "  check in   %s.%s " % (self.pho[:3], self.pho[3:]), 0),
            ("0912000014", "Ma " + self.pho, 0),
            ("0912000015", self.pho + " +0", 0),
        ]
        for n, text, companions in forms:
            r = self.sms(n, text)
            self.assertGreaterEqual(len(r), 1, (text, r))
            self.assertIn("Pho Thin", r[0], text)
            rows = self.checkins(n)
            self.assertEqual(len(rows), 1, text)
            self.assertEqual(rows[0][0], self.d.venue_id(self.pho), text)
            self.assertEqual(rows[0][1], companions, text)

    def test_companions_out_of_range(self):
        n = "0912000016"
        r = self.sms(n, self.pho + " +99")
        self.assertGreaterEqual(len(r), 1, r)
        self.assertEqual(self.checkins(n), [])

    # Repeats and retries.

    def test_repeat_window(self):
        n = "0912000020"
        r1 = self.sms(n, self.pho)
        r2 = self.sms(n, self.pho)
        self.assertGreaterEqual(len(r2), 1, r2)
        self.assertEqual(r2[0], r1[0])
        self.assertEqual(len(self.checkins(n)), 1)

    def test_repeat_window_counts_from_sent_time(self):
        """An SMS sent 15 minutes ago that arrives now, then a new one: two visits."""
        n = "0912000024"
        self.sms(n, self.pho, sent_at=int(time.time()) - 15 * 60)
        self.declare(n, "2", "2")
        r = self.sms(n, self.pho)
        self.assertEqual(len(r), 1, r)
        self.assertEqual(len(self.checkins(n)), 2)

    def test_idempotent_retry(self):
        n = "0912000021"
        r1 = self.sms(n, self.pho, id="agg-retry-1")
        r2 = self.sms(n, self.pho, id="agg-retry-1")
        r3 = self.sms(n, self.pho, id="agg-retry-1")
        self.assertEqual(r1, r2)
        self.assertEqual(r1, r3)
        self.assertEqual(len(self.checkins(n)), 1)
        self.assertEqual(self.d.count("inbound", "ext_id = ?", ("agg-retry-1",)), 1)
        # The retried answer must not count twice nor move the dialog on.
        a1 = self.sms(n, "2", id="agg-retry-2")
        a2 = self.sms(n, "2", id="agg-retry-2")
        self.assertEqual(a1, a2)
        self.assertIn(Q_CONTACT_VI, a1[0])
        self.assertEqual(self.d.count("answers"), 1)
        self.assertEqual(self.d.count("inbound", "number = ?", (e164(n),)), 2)

    def test_same_id_other_text_is_still_a_retry(self):
        n = "0912000022"
        r1 = self.sms(n, self.pho, id="agg-x")
        r2 = self.sms(n, self.cafe, id="agg-x")
        self.assertEqual(r1, r2)
        self.assertEqual(len(self.checkins(n)), 1)

    def test_without_id(self):
        n = "0912000023"
        r = self.sms(n, self.pho, id=False)
        self.assertIn("Pho Thin", r[0])
        r = self.sms(n, "2", id=False)
        self.assertIn(Q_CONTACT_VI, r[0])
        self.assertEqual(len(self.checkins(n)), 1)
        self.assertEqual(self.d.count("inbound", "number = ?", (e164(n),)), 2)

    # Wrong codes.

    def test_did_you_mean_changed_digit(self):
        codes = [self.pho, self.cafe, self.gate, self.shop]
        bad = None
        for pos in range(7):
            cand = harness.typo(self.pho, pos)
            near = [c for c in codes if c in harness._typos(cand)]
            if near == [self.pho]:
                bad = cand
                break
        self.assertIsNotNone(bad)
        n = "0912000030"
        r = self.sms(n, bad)
        self.assertGreaterEqual(len(r), 1, r)
        self.assertIn(group(self.pho), " ".join(r))
        self.assertEqual(self.checkins(n), [])
        r = self.sms(n, "1")
        self.assertGreaterEqual(len(r), 1, r)
        self.assertIn("Pho Thin", r[0])
        rows = self.checkins(n)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][0], self.d.venue_id(self.pho))

    def test_did_you_mean_swapped(self):
        codes = [self.pho, self.cafe, self.gate, self.shop]
        bad = None
        for pos in range(6):
            if self.cafe[pos] == self.cafe[pos + 1]:
                continue
            cand = harness.swap(self.cafe, pos)
            if [c for c in codes if c in harness._typos(cand)] == [self.cafe]:
                bad = cand
                break
        self.assertIsNotNone(bad)
        n = "0912000031"
        r = self.sms(n, "CI " + bad)
        self.assertIn(group(self.cafe), " ".join(r))
        self.assertEqual(self.checkins(n), [])
        r = self.sms(n, "1")
        self.assertIn("Cafe Giang", r[0])
        rows = self.checkins(n)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][0], self.d.venue_id(self.cafe))

    def test_wrong_check_digit(self):
        codes = [self.pho, self.cafe, self.gate, self.shop]
        n = "0912000032"
        bad = harness.bad_code(codes)
        r = self.sms(n, bad)
        self.assertGreaterEqual(len(r), 1, r)
        for name in ("Pho Thin", "Cafe Giang", "Chot Long Bien", "Tap Hoa Lan"):
            self.assertNotIn(name, " ".join(r))
        self.assertEqual(self.d.count("checkins"), 0)
        # "1" now is not a check-in anywhere.
        self.sms(n, "1")
        self.assertEqual(self.d.count("checkins"), 0)

    def test_unregistered_code(self):
        codes = [self.pho, self.cafe, self.gate, self.shop]
        n = "0912000033"
        r = self.sms(n, harness.fresh_code(codes))
        self.assertGreaterEqual(len(r), 1, r)
        self.assertEqual(self.d.count("checkins"), 0)

    # Keywords.

    def test_checkout(self):
        n = "0912000040"
        self.sms(n, self.pho)
        self.declare(n, "2", "2")
        r = self.sms(n, "RA")
        self.assertEqual(len(r), 1, r)
        rows = self.checkins(n)
        self.assertEqual(len(rows), 1)
        self.assertIsNotNone(rows[0][3])
        # Nothing left open: a second RA says so and changes nothing.
        out = rows[0][3]
        r = self.sms(n, "ra")
        self.assertEqual(len(r), 1, r)
        self.assertEqual(self.checkins(n)[0][3], out)

    def test_new_checkin_closes_previous(self):
        n = "0912000041"
        self.sms(n, self.pho)
        self.declare(n, "2", "2")
        self.sms(n, self.cafe)
        rows = self.checkins(n)
        self.assertEqual(len(rows), 2)
        self.assertIsNotNone(rows[0][3])
        self.assertIsNone(rows[1][3])

    def test_language(self):
        n = "0912000042"
        r = self.sms(n, "EN")
        self.assertEqual(len(r), 1, r)
        self.assertEqual(self.d.scalar(
            "SELECT lang FROM subscribers WHERE number = ?", (e164(n),)), 1)
        r = self.sms(n, self.pho)
        self.assertEqual(len(r), 2, r)
        self.assertIn("Pho Thin", r[0])
        self.assertIn(Q_SYMPTOMS_EN, r[1])
        r = self.sms(n, "no")
        self.assertIn(Q_CONTACT_EN, r[0])
        self.sms(n, "no")
        r = self.sms(n, "vi")
        self.assertEqual(len(r), 1, r)
        self.assertEqual(self.d.scalar(
            "SELECT lang FROM subscribers WHERE number = ?", (e164(n),)), 0)

    def test_stop_start(self):
        n = "0912000043"
        r = self.sms(n, "STOP")
        self.assertEqual(len(r), 1, r)
        self.assertEqual(self.d.scalar(
            "SELECT opted_out FROM subscribers WHERE number = ?", (e164(n),)), 1)
        r = self.sms(n, "start")
        self.assertEqual(len(r), 1, r)
        self.assertEqual(self.d.scalar(
            "SELECT opted_out FROM subscribers WHERE number = ?", (e164(n),)), 0)

    def test_history(self):
        n = "0912000044"
        self.sms(n, self.pho)
        self.declare(n, "2", "2")
        self.sms(n, self.cafe)
        r = self.sms(n, "LS")
        self.assertEqual(len(r), 1, r)
        self.assertIn("Cafe Giang", r[0])
        self.assertIn("Pho Thin", r[0])
        self.assertNotIn("Tap Hoa Lan", r[0])
        # Someone else's history is not in mine.
        r = self.sms("0912000045", "LS")
        self.assertEqual(len(r), 1, r)
        self.assertNotIn("Pho Thin", r[0])

    def test_owner_stats(self):
        for n in ("0912000050", "0912000051"):
            self.sms(n, self.shop)
        self.sms("0912000052", self.pho)
        self.sms("0912000050", self.shop)    # a repeat is not a visit
        r = self.sms("0987000001", "TK")
        self.assertEqual(len(r), 1, r)
        # msg.h: MSG_STATS lists "name: N luot/M nguoi" per venue.
        self.assertRegex(r[0], r"Tap Hoa Lan: 2\b")
        self.assertNotIn("Pho Thin", r[0])
        # Not an owner: no figures.
        r = self.sms("0912000050", "TK")
        self.assertEqual(len(r), 1, r)
        self.assertNotIn("Tap Hoa Lan", r[0])

    def test_help_throttle(self):
        n = "0912000060"
        r = self.sms(n, "hello")
        self.assertEqual(len(r), 1, r)
        r = self.sms(n, "hello again")
        self.assertEqual(r, [])
        r = self.sms("0912000061", "hello")
        self.assertEqual(len(r), 1, r)
        # Asked for, help always comes.
        r = self.sms(n, "HELP")
        self.assertEqual(len(r), 1, r)

    def test_alphanumeric_sender(self):
        r = self.sms("VIETTEL", self.pho)
        self.assertEqual(r, [])
        r = self.sms("VIETTEL", "hello")
        self.assertEqual(r, [])

    def test_checkpoint_text_question(self):
        n = "0912000070"
        r = self.sms(n, self.gate)
        self.assertEqual(len(r), 2, r)
        self.confirm_ok(r[0], "Chot Long Bien", "Phuc Tan")
        self.assertIn(Q_ROUTE_VI, r[1])
        route = "Pho Hue - Cau Giay, 2 nguoi"
        r = self.sms(n, route)
        self.assertEqual(len(r), 1, r)
        self.assertNotIn(Q_ROUTE_VI, r[0])
        ans = self.d.query(
            "SELECT a.question, a.answer, d.completed_at FROM answers a "
            "JOIN declarations d ON a.declaration_id = d.id WHERE d.number = ?",
            (e164(n),))
        self.assertEqual(len(ans), 1, ans)
        self.assertEqual(ans[0][0], "route")
        self.assertEqual(ans[0][1], route)
        self.assertIsNotNone(ans[0][2])

    def test_numbers_stored_e164(self):
        self.sms("0912000080", self.pho)
        self.sms("+84912000081", self.pho)
        self.sms("84912000082", self.pho)
        got = sorted(r[0] for r in self.d.query("SELECT number FROM checkins"))
        self.assertEqual(got, ["+84912000080", "+84912000081", "+84912000082"])
        got = sorted(r[0] for r in self.d.query("SELECT number FROM inbound"))
        self.assertEqual(got, ["+84912000080", "+84912000081", "+84912000082"])

    def test_sent_at(self):
        now = int(time.time())
        t = now - 20 * 60
        iso = datetime.datetime.fromtimestamp(t, harness.LOCAL_TZ).isoformat()
        self.sms("0912000090", self.pho, sent_at=iso)
        self.sms("0912000091", self.pho, sent_at=t)
        # Two days ahead is a wrong phone or SMSC clock: arrival time instead.
        self.sms("0912000092", self.pho, sent_at=now + 2 * 86400)
        rows = dict((r[0], (r[1], r[2])) for r in self.d.query(
            "SELECT number, sent_at, received_at FROM checkins"))
        self.assertEqual(rows["+84912000090"][0], t, iso)
        self.assertEqual(rows["+84912000091"][0], t)
        for n in ("+84912000090", "+84912000091", "+84912000092"):
            self.assertLessEqual(abs(rows[n][1] - now), harness.stretch(5), rows[n])
        self.assertLessEqual(abs(rows["+84912000092"][0] - now), harness.stretch(5), rows)
        for bad in ("yesterday", "2021-13-45T99:00:00Z", [1], -5):
            st, r = self.d.json_sms("0912000093", self.pho, sent_at=bad)
            self.assertEqual(st, 400, (bad, r))
        self.assertEqual(self.checkins("0912000093"), [])


class WindowsTest(harness.TestCase):
    """The windows are settings: short ones expire while we wait."""

    extra = "duplicate_window = 1; help_interval = 1; declaration_valid = 2;"

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")

    def test_windows_expire(self):
        n = "0912000110"
        r = self.sms(n, self.pho)
        self.assertIn(Q_SYMPTOMS_VI, r[1])
        self.sms(n, "2")
        self.sms(n, "2")
        self.assertEqual(len(self.sms(n, "hello")), 1)
        time.sleep(3.2)   # whole seconds: at least 3 apart whatever the rounding
        r = self.sms(n, self.pho)
        self.assertEqual(len(r), 2, "declaration_valid = 2 is over: %r" % r)
        self.assertIn(Q_SYMPTOMS_VI, r[1])
        self.assertEqual(self.d.count("checkins"), 2, "duplicate_window = 1 is over")
        self.sms(n, "2")
        self.sms(n, "2")
        self.assertEqual(len(self.sms(n, "hello")), 1, "help_interval = 1 is over")
        self.assertEqual(self.d.count("declarations", "completed_at IS NOT NULL"), 2)


class VenueWhileRunningTest(harness.TestCase):
    """No venue before start: the database folder is made by the daemon, and
    a venue added by checkinctl beside the running daemon is known at once."""

    def test_add_while_running(self):
        if self.d.pg:           # the daemon made the schema in the database
            self.assertGreater(self.d.scalar(
                "SELECT max(version) FROM schema_version"), 0)
        else:
            self.assertTrue(os.path.exists(self.d.dbpath))
        code = self.d.add_venue("Banh Mi 25", "Hang Ca")
        r = self.sms("0912000100", code)
        self.assertIn("Banh Mi 25", r[0])
        self.assertEqual(self.d.count("checkins"), 1)


if __name__ == "__main__":
    harness.main(120)
