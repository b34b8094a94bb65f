"""The officials' API: tokens and roles, trace, contacts, alerts, reports, venues.

Every test starts a daemon with an admin listener and two tokens (tracer1:
tracer, admin1: admin; the configuration holds only their SHA-256). Before
it starts, a crafted dataset goes straight into the database with python's
sqlite3: stays that overlap and stays that do not, open stays (they count
default_stay, 3600 s), checked-out stays, companions, opted-out numbers,
flagged declarations. Every answer below follows from that table by hand,
and is asserted exactly, in JSON and in CSV.

Day 0 is the local (UTC+7) day three days ago; "d0 10:00" is 10:00 local.

    venue  who   companions  in          out     stay used by queries
    V1     Q     0           d0 08:00    open    08:00-09:00
    V1     E     0           d0 09:30    open    09:30-10:30
    V1     P     1           d0 10:00    11:00   10:00-11:00   (the index case)
    V1     A     2           d0 10:30    10:45   10:30-10:45
    V1     B     0           d0 10:50    open    10:50-11:50
    V1     C     3           d0 11:01    11:30   11:01-11:30
    V2     G     0           d0 13:00    13:59
    V2     P     0           d0 14:00    open    14:00-15:00
    V2     F     0           d0 14:20    14:40
    V2     E     0           d0 14:30    14:45
    V2     F     0           d0 14:45    open    14:45-15:45
    V2     H     0           d0 14:50    open    14:50-15:50   (opted out)
    V2     A     0           d0 15:10    15:30
    V1     I     0           d1 10:00    open
    V1     J     0           d-2 10:00   10:20
    V6     K     0           d-3 09:00   open

Contacts of P on day 0: E at V1 30 min, A at V1 15, B at V1 10, F at V2 20
and 15 (two stays), E at V2 15, H at V2 10. Q and C at V1, G and A at V2
do not overlap.
"""

import csv
import io
import json
import socket
import subprocess
import urllib.parse

import harness
from harness import code_valid, from_iso, iso

DAY = 86400
STAY = 3600

P, A, B, C = "+84910000001", "+84910000002", "+84910000003", "+84910000004"
Q, E, F, G = "+84910000005", "+84910000006", "+84910000007", "+84910000008"
H, I, J, K = "+84910000009", "+84910000010", "+84910000011", "+84910000012"
NUMBERS = (P, A, B, C, Q, E, F, G, H, I, J, K)

# Venues: key -> (name, ward, address, kind, owner)
VENUES = {
    "V1": ("Phở Thìn", "Hàng Bạc", "13 Lò Đúc", "default", "0987000001"),
    "V2": ("Cà phê Giảng", "Hàng Gai", "39 Nguyễn Hữu Huân", "default", None),
    "V3": ("Tạp hóa Lan", "Hàng Bạc", "5 Hàng Bạc", "default", "0987000003"),
    "V4": ("Chốt Long Biên", "Phúc Tân", "Đê Long Biên", "checkpoint", None),
    "V5": ("Quán cũ", "Hàng Gai", "1 Hàng Gai", "default", None),
    "V6": ("Nhà sách Tiền Phong", "Hàng Gai", "175 Nguyễn Thái Học", "default",
           "0987000006"),
}

# (venue, number, companions, (day, hh, mm) in, (day, hh, mm) out or None)
STAYS = [
    ("V1", Q, 0, (0, 8, 0), None),
    ("V1", E, 0, (0, 9, 30), None),
    ("V1", P, 1, (0, 10, 0), (0, 11, 0)),
    ("V1", A, 2, (0, 10, 30), (0, 10, 45)),
    ("V1", B, 0, (0, 10, 50), None),
    ("V1", C, 3, (0, 11, 1), (0, 11, 30)),
    ("V2", G, 0, (0, 13, 0), (0, 13, 59)),
    ("V2", P, 0, (0, 14, 0), None),
    ("V2", F, 0, (0, 14, 20), (0, 14, 40)),
    ("V2", E, 0, (0, 14, 30), (0, 14, 45)),
    ("V2", F, 0, (0, 14, 45), None),
    ("V2", H, 0, (0, 14, 50), None),
    ("V2", A, 0, (0, 15, 10), (0, 15, 30)),
    ("V1", I, 0, (1, 10, 0), None),
    ("V1", J, 0, (-2, 10, 0), (-2, 10, 20)),
    ("V6", K, 0, (-3, 9, 0), None),
]

# Declarations: (number, venue or None, (day, hh, mm) started, flagged)
DECLS = [
    (P, "V1", (0, 10, 1), 1),
    (A, "V1", (0, 10, 31), 0),
    (F, "V2", (0, 14, 21), 1),
    (E, "V2", (0, 14, 31), 1),
    (J, "V1", (-2, 10, 1), 1),      # outside the report period
    (B, None, (0, 11, 0), 1),       # KB without a check-in: no ward
]

# Subscribers: number -> opted_out. E and G have no row (never chose).
SUBSCRIBERS = {P: 0, F: 0, H: 1, A: 1}

# Contacts of P on day 0: (number, venue, overlap from, overlap to).
CONTACTS_D0 = [
    (E, "V1", (0, 10, 0), (0, 10, 30)),
    (A, "V1", (0, 10, 30), (0, 10, 45)),
    (B, "V1", (0, 10, 50), (0, 11, 0)),
    (F, "V2", (0, 14, 20), (0, 14, 40)),
    (E, "V2", (0, 14, 30), (0, 14, 45)),
    (F, "V2", (0, 14, 45), (0, 15, 0)),
    (H, "V2", (0, 14, 50), (0, 15, 0)),
]

ALERT_TEXT = "So Y te: ban co the da tiep xuc F0 tai Ca phe Giang. Goi 1900 9095."

ROLE_OF = {"tracer1": "tracer", "admin1": "admin"}


def one_line(body):
    """A 4xx body: one short line of text."""
    t = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    t = t.rstrip("\r\n")
    return t != "" and "\n" not in t and len(t) <= 200


class Base(harness.AdminCase):
    """The crafted dataset in a daemon with tokens tracer1 and admin1."""

    admin_extra = "max_body = 4096;"

    def venues(self):
        self.t0 = harness.local_midnight(3)
        self.code = {}
        for key, (name, ward, address, kind, owner) in sorted(VENUES.items()):
            self.code[key] = self.d.add_venue(name, ward, kind=kind, owner=owner,
                                              address=address)
        self.vid = {k: self.d.venue_id(c) for k, c in self.code.items()}
        self.ctl("venue", "deactivate", self.code["V5"])
        self.fill()

    def ctl(self, *args):
        p = subprocess.run(
            [self.d.checkinctl, "-d", self.d.dbpath] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=harness.stretch(30))
        self.assertEqual(p.returncode, 0, (args, p.stdout, p.stderr))
        return p.stdout.decode("utf-8")

    def t(self, when):
        day, hh, mm = when
        return self.t0 + day * DAY + hh * 3600 + mm * 60

    def fill(self):
        c = self.db_write()
        c.execute("BEGIN IMMEDIATE")
        self.stay_rows = []
        stats = {}
        # Ids by hand: SQLite's views (over its day tables) give no lastrowid.
        ib, cid = (c.execute("SELECT coalesce(max(id), 0) FROM %s WHERE id < ?" % t,
                             (1 << 32,)).fetchone()[0] for t in ("inbound", "checkins"))
        for venue, number, comp, tin, tout in STAYS:
            sent = self.t(tin)
            out = self.t(tout) if tout else None
            ib += 1
            cid += 1
            c.execute("INSERT INTO inbound (id, channel, ext_id, number, text, received_at,"
                      " replies) VALUES (?, 'test', ?, ?, ?, ?, '[]')",
                      (ib, "crafted-%d" % len(self.stay_rows), number,
                       self.code[venue], sent + 4))
            c.execute("INSERT INTO checkins (id, venue_id, number, companions, sent_at,"
                      " received_at, checked_out_at, channel, inbound_id)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, 'test', ?)",
                      (cid, self.vid[venue], number, comp, sent, sent + 4, out, ib))
            self.stay_rows.append((cid, venue, number, comp, sent, out))
            key = (self.vid[venue], harness.day_start(sent))
            n, people = stats.get(key, (0, set()))
            people.add(number)
            stats[key] = (n + 1, people)
        for (vid, day), (n, people) in stats.items():
            c.execute("INSERT INTO daily_stats (venue_id, day, checkins, people)"
                      " VALUES (?, ?, ?, ?)", (vid, day, n, len(people)))
        for number, venue, when, flagged in DECLS:
            at = self.t(when)
            vid = self.vid[venue] if venue else None
            cin = None
            for cid, v, n, comp, sent, out in self.stay_rows:
                if v == venue and n == number and sent <= at:
                    cin = cid
            did = c.execute("INSERT INTO declarations (number, venue_id, checkin_id,"
                            " started_at, completed_at, flagged) VALUES (?, ?, ?, ?, ?, ?)",
                            (number, vid, cin, at, at + 90, flagged)).lastrowid
            c.execute("INSERT INTO answers (declaration_id, question, answer, flagged,"
                      " answered_at) VALUES (?, 'symptoms', ?, ?, ?)",
                      (did, "yes" if flagged else "no", flagged, at + 30))
            c.execute("INSERT INTO answers (declaration_id, question, answer, flagged,"
                      " answered_at) VALUES (?, 'contact', 'no', 0, ?)", (did, at + 90))
        for number, opted in SUBSCRIBERS.items():
            c.execute("INSERT INTO subscribers (number, lang, opted_out, help_at, updated_at)"
                      " VALUES (?, 0, ?, 0, ?)", (number, opted, self.t0))
        harness.recount_aggregates(c)
        c.execute("COMMIT")
        c.close()

    # Requests.

    def q(self, **kw):
        return urllib.parse.urlencode(kw)

    def window(self, frm, to):
        return {"from": iso(self.t(frm)), "to": iso(self.t(to))}

    def get(self, path, who="tracer1", csv_via=None, **params):
        """GET path?params as who: (status, rows) with rows parsed from JSON,
        or from CSV when csv_via is "format" (format=csv) or "accept"."""
        headers = {}
        if csv_via == "format":
            params["format"] = "csv"
        elif csv_via == "accept":
            headers["Accept"] = "text/csv"
        url = path + ("?" + self.q(**params) if params else "")
        st, h, b = self.d.admin_http("GET", url, who=who, headers=headers)
        if st != 200:
            return st, b.decode("utf-8", "replace")
        if csv_via:
            return st, self.parse_csv(url, h, b)
        self.assertIn("json", h.get("content-type", ""), url)
        try:
            obj = json.loads(b.decode("utf-8"))
        except ValueError:
            self.fail("%s: not JSON: %r" % (url, b[:300]))
        self.assertIsInstance(obj, list, "%s: JSON is an array of objects: %r" % (url, obj))
        for r in obj:
            self.assertIsInstance(r, dict, url)
        return st, obj

    def parse_csv(self, url, h, b):
        self.assertIn("text/csv", h.get("content-type", ""), url)
        self.assertTrue(b.startswith(b"\xef\xbb\xbf"), "%s: CSV without a UTF-8 BOM: %r"
                        % (url, b[:20]))
        text = b[3:].decode("utf-8")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        self.assertGreaterEqual(len(rows), 1, "%s: no header row" % url)
        head = rows[0]
        self.assertEqual(len(set(head)), len(head), head)
        out = []
        for r in rows[1:]:
            self.assertEqual(len(r), len(head), "%s: ragged row %r" % (url, r))
            # A field a spreadsheet would compute (a number's "+") comes with
            # an apostrophe first; the value as stored is what follows it.
            for i, val in enumerate(r):
                self.assertFalse(val != "" and val[0] in "=+-@\t\r", (url, val))
                if val[:1] == "'" and val[1:2] != "" and val[1] in "=+-@\t\r":
                    r[i] = val[1:]
            out.append(dict(zip(head, r)))
        return out

    def same_rows(self, json_rows, csv_rows, what):
        """CSV says what JSON says: same rows, same columns, same values."""
        self.assertEqual(len(csv_rows), len(json_rows), what)
        for j, c in zip(json_rows, csv_rows):
            self.assertEqual(set(c), set(j), "%s: CSV columns %r, JSON keys %r"
                             % (what, sorted(c), sorted(j)))
            for k, v in j.items():
                if v is None:
                    self.assertEqual(c[k], "", (what, k))
                elif isinstance(v, bool):
                    self.assertIn(c[k].lower(), ("1", "true") if v else ("0", "false"),
                                  (what, k))
                elif isinstance(v, (int, float)):
                    self.assertAlmostEqual(float(c[k]), float(v), 6, (what, k, c[k]))
                else:
                    self.assertEqual(c[k], str(v), (what, k))

    def audit(self):
        return self.d.query("SELECT actor, action, subject, query, records FROM audit"
                            " ORDER BY id")

    def assert_audit(self, before, actor, action, subject, records):
        """Exactly one audit row more than before, and it says this."""
        rows = self.audit()
        self.assertEqual(len(rows), len(before) + 1, "audit rows: %r" % rows[len(before):])
        a, act, subj, query, n = rows[-1]
        self.assertEqual((a, act, subj, n), (actor, action, subject, records), rows[-1])
        self.assertTrue(query, "the audit row does not say what was asked: %r" % (rows[-1],))

    # Expectations from the table.

    def at(self, row):
        return from_iso(row) if row else None

    def venue_rows(self, venue, frm, to):
        """Stays at venue overlapping [frm, to), by sent_at: number, companions, in, out."""
        out = []
        for cid, v, n, comp, sent, co in self.stay_rows:
            end = co if co else sent + STAY
            if v == venue and sent < to and end > frm:
                out.append((n, comp, sent, co, end))
        return sorted(out, key=lambda r: r[2])


class TraceTest(Base):

    def check_venue(self, rows, want):
        got = [(r["number"], int(r["companions"]), self.at(r["checked_in"]),
                self.at(r["checked_out"]), self.at(r["stay_end"])) for r in rows]
        self.assertEqual(got, want)

    def test_venue_day(self):
        frm, to = self.t((0, 0, 0)), self.t((1, 0, 0))
        st, rows = self.get("/api/trace/venue", code=self.code["V1"], **self.window(
            (0, 0, 0), (1, 0, 0)))
        self.assertEqual(st, 200, rows)
        want = self.venue_rows("V1", frm, to)
        self.assertEqual([w[0] for w in want], [Q, E, P, A, B, C])
        self.check_venue(rows, want)
        # Open stays end default_stay after they began.
        ends = {r["number"]: self.at(r["stay_end"]) for r in rows}
        self.assertEqual(ends[B], self.t((0, 11, 50)))
        self.assertEqual(ends[P], self.t((0, 11, 0)))
        self.assertIsNone(rows[[r["number"] for r in rows].index(B)]["checked_out"])

    def test_venue_window_overlap(self):
        """A stay that began before the window but lasts into it is in it."""
        frm, to = self.t((0, 10, 40)), self.t((0, 10, 55))
        st, rows = self.get("/api/trace/venue", code=self.code["V1"],
                            **self.window((0, 10, 40), (0, 10, 55)))
        self.assertEqual(st, 200, rows)
        want = self.venue_rows("V1", frm, to)
        self.assertEqual([w[0] for w in want], [P, A, B])
        self.check_venue(rows, want)

    def test_venue_other_days(self):
        for (d0, d1), who in (((1, 2), [I]), ((-2, -1), [J]), ((-1, 0), [])):
            st, rows = self.get("/api/trace/venue", code=self.code["V1"],
                                **self.window((d0, 0, 0), (d1, 0, 0)))
            self.assertEqual(st, 200, rows)
            self.assertEqual([r["number"] for r in rows], who, (d0, d1))

    def test_venue_csv(self):
        w = self.window((0, 0, 0), (1, 0, 0))
        st, rows = self.get("/api/trace/venue", code=self.code["V1"], **w)
        for via in ("format", "accept"):
            st, got = self.get("/api/trace/venue", code=self.code["V1"], csv_via=via, **w)
            self.assertEqual(st, 200, got)
            self.same_rows(rows, got, "trace venue csv via %s" % via)

    def test_person(self):
        st, rows = self.get("/api/trace/person", number=P,
                            **self.window((0, 0, 0), (1, 0, 0)))
        self.assertEqual(st, 200, rows)
        got = [(r["code"], r["venue"], r["ward"], r["address"], self.at(r["checked_in"]),
                self.at(r["checked_out"])) for r in rows]
        v1, v2 = VENUES["V1"], VENUES["V2"]
        self.assertEqual(got, [
            (self.code["V1"], v1[0], v1[1], v1[2], self.t((0, 10, 0)), self.t((0, 11, 0))),
            (self.code["V2"], v2[0], v2[1], v2[2], self.t((0, 14, 0)), None)])
        for via in ("format", "accept"):
            st, c = self.get("/api/trace/person", number=P, csv_via=via,
                             **self.window((0, 0, 0), (1, 0, 0)))
            self.assertEqual(st, 200, c)
            self.same_rows(rows, c, "trace person csv")
        # Vietnamese names come through the CSV intact.
        self.assertEqual(c[1]["venue"], "Cà phê Giảng")

    def test_person_national_form(self):
        """0910000001 is +84910000001."""
        w = self.window((0, 0, 0), (1, 0, 0))
        st, a = self.get("/api/trace/person", number=P, **w)
        st2, b = self.get("/api/trace/person", number="0" + P[3:], **w)
        self.assertEqual((st, st2), (200, 200), (a, b))
        self.assertEqual(a, b)
        self.assertEqual(len(a), 2)

    def test_person_nothing(self):
        st, rows = self.get("/api/trace/person", number="+84919999999",
                            **self.window((0, 0, 0), (1, 0, 0)))
        self.assertEqual((st, rows), (200, []))
        st, rows = self.get("/api/trace/person", number=P,
                            **self.window((1, 0, 0), (2, 0, 0)))
        self.assertEqual((st, rows), (200, []))

    def contacts(self, rows):
        return sorted((r["number"], r["code"], self.at(r["overlap_from"]),
                       self.at(r["overlap_to"]), float(r["overlap_minutes"]))
                      for r in rows)

    def want_contacts(self, sel):
        return sorted((n, self.code[v], self.t(a), self.t(b), (self.t(b) - self.t(a)) / 60.0)
                      for n, v, a, b in sel)

    def test_contacts(self):
        st, rows = self.get("/api/trace/contacts", number=P,
                            **self.window((0, 0, 0), (1, 0, 0)))
        self.assertEqual(st, 200, rows)
        self.assertEqual(self.contacts(rows), self.want_contacts(CONTACTS_D0))
        self.assertNotIn(P, [r["number"] for r in rows])
        by = {(r["number"], r["code"], float(r["overlap_minutes"])) for r in rows}
        for n, v, m in ((E, "V1", 30), (A, "V1", 15), (B, "V1", 10), (F, "V2", 20),
                        (E, "V2", 15), (F, "V2", 15), (H, "V2", 10)):
            self.assertIn((n, self.code[v], float(m)), by)
        for via in ("format", "accept"):
            st, c = self.get("/api/trace/contacts", number=P, csv_via=via,
                             **self.window((0, 0, 0), (1, 0, 0)))
            self.assertEqual(st, 200, c)
            self.same_rows(rows, c, "contacts csv")

    def test_contacts_morning_only(self):
        """A window holding only P's stay at V1: only the contacts there."""
        st, rows = self.get("/api/trace/contacts", number=P,
                            **self.window((0, 0, 0), (0, 12, 0)))
        self.assertEqual(st, 200, rows)
        self.assertEqual(self.contacts(rows), self.want_contacts(
            [x for x in CONTACTS_D0 if x[1] == "V1"]))

    def test_contacts_of_a_contact(self):
        """E's contacts on day 0, by hand and from the table alike. A and F
        arrive the minute E's stays end (10:30 at V1, 14:45 at V2): stays are
        half-open, [in, out), so touching is no contact."""
        st, rows = self.get("/api/trace/contacts", number=E,
                            **self.window((0, 0, 0), (1, 0, 0)))
        self.assertEqual(st, 200, rows)
        want = []
        mine = [r for r in self.stay_rows if r[2] == E]
        for _, v, n, _, sent, co in self.stay_rows:
            if n == E:
                continue
            end = co if co else sent + STAY
            for _, mv, _, _, ms, mco in mine:
                mend = mco if mco else ms + STAY
                a, b = max(sent, ms), min(end, mend)
                if mv == v and a < b:
                    want.append((n, self.code[v], a, b, (b - a) / 60.0))
        # By hand: P at V1 10:00-10:30, P at V2 14:30-14:45, F at V2 14:30-14:40.
        self.assertEqual(sorted(want), self.want_contacts([
            (P, "V1", (0, 10, 0), (0, 10, 30)), (P, "V2", (0, 14, 30), (0, 14, 45)),
            (F, "V2", (0, 14, 30), (0, 14, 40))]))
        self.assertEqual(self.contacts(rows), sorted(want))

    def test_audit(self):
        w = self.window((0, 0, 0), (1, 0, 0))
        before = self.audit()
        self.get("/api/trace/venue", code=self.code["V1"], **w)
        self.assert_audit(before, "tracer1", "trace.venue", self.code["V1"], 6)
        before = self.audit()
        self.get("/api/trace/person", number=P, **w)
        self.assert_audit(before, "tracer1", "trace.person", P, 2)
        before = self.audit()
        self.get("/api/trace/contacts", number=P, **w)
        self.assert_audit(before, "tracer1", "trace.contacts", P, len(CONTACTS_D0))
        before = self.audit()
        self.get("/api/trace/contacts", number=P, csv_via="format", **w)
        self.assert_audit(before, "tracer1", "trace.contacts", P, len(CONTACTS_D0))
        before = self.audit()
        self.get("/api/trace/person", number="+84919999999", who="admin1", **w)
        self.assert_audit(before, "admin1", "trace.person", "+84919999999", 0)
        # The query is written down: the window is in it.
        q = self.audit()[-1][3]
        self.assertTrue(any(s in q for s in (w["from"], urllib.parse.quote(w["from"]),
                                             urllib.parse.quote_plus(w["from"]),
                                             str(self.t((0, 0, 0))))),
                        "the audited query %r does not show the window" % q)
        before = self.audit()
        self.get("/api/reports/inactive", days=10)
        rows = self.audit()[len(before):]
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual((rows[0][0], rows[0][1], rows[0][4]),
                         ("tracer1", "report.inactive", 2), rows)

    def test_lookups_show_in_ls(self):
        """The LS reply tells a resident how many times officials looked them up."""
        w = self.window((0, 0, 0), (1, 0, 0))
        r0 = self.sms(P, "LS")
        self.assertEqual(len(r0), 1, r0)
        self.assertRegex(r0[0], r"tra cuu du lieu cua ban: 0\.", r0)
        for _ in range(3):
            self.get("/api/trace/person", number=P, **w)
        r1 = self.sms(P, "LS")
        self.assertEqual(len(r1), 1, r1)
        self.assertRegex(r1[0], r"tra cuu du lieu cua ban: 3\.", r1)


class AlertTest(Base):

    def post_alert(self, frm, to, dry_run, who="admin1", venue="V2", text=ALERT_TEXT):
        body = {"venue": self.code[venue], "from": iso(self.t(frm)), "to": iso(self.t(to)),
                "text": text, "dry_run": dry_run}
        return self.d.admin_json("POST", "/api/alerts", body, who=who)

    def test_alert_queues_distinct_opted_in(self):
        before = self.audit()
        st, obj = self.post_alert((0, 14, 0), (0, 15, 0), True)
        self.assertEqual(st, 200, obj)
        self.assertEqual(obj, {"would_queue": 3})
        self.assertEqual(self.d.outbox(), [], "a dry run queued texts")
        st, obj = self.post_alert((0, 14, 0), (0, 15, 0), False)
        self.assertEqual(st, 200, obj)
        self.assertEqual(obj, {"queued": 3})
        rows = self.d.outbox()
        # P, F (twice there: once), E; not H (opted out), G (left 13:59), A (came 15:10).
        self.assertEqual(sorted(r["number"] for r in rows), sorted([P, F, E]))
        for r in rows:
            self.assertEqual(r["text"], ALERT_TEXT)
            self.assertEqual(r["route"], "dry")
        rows = self.audit()[len(before):]
        self.assertIn(("admin1", "alert", self.code["V2"], 3),
                      [(a, b, c, e) for a, b, c, d, e in rows], rows)

    def test_alert_open_stays_count(self):
        """14:55-15:05: P's open stay (till 15:00) and F's (14:45, open) are in it."""
        st, obj = self.post_alert((0, 14, 55), (0, 15, 5), True)
        self.assertEqual((st, obj), (200, {"would_queue": 2}))
        st, obj = self.post_alert((0, 14, 55), (0, 15, 5), False)
        self.assertEqual((st, obj), (200, {"queued": 2}))
        self.assertEqual(sorted(r["number"] for r in self.d.outbox()), sorted([P, F]))

    def test_alert_nobody(self):
        st, obj = self.post_alert((0, 20, 0), (0, 21, 0), False)
        self.assertEqual((st, obj), (200, {"queued": 0}))
        self.assertEqual(self.d.outbox(), [])

    def test_alert_all_opted_out(self):
        """15:46-15:50 at V2 holds only H's open stay (F's ended 15:45): H
        opted out, so nobody."""
        st, obj = self.post_alert((0, 15, 46), (0, 15, 50), False)
        self.assertEqual((st, obj), (200, {"queued": 0}))
        self.assertEqual(self.d.outbox(), [])

    def test_alert_needs_admin(self):
        st, obj = self.post_alert((0, 14, 0), (0, 15, 0), False, who="tracer1")
        self.assertEqual(st, 403, obj)
        self.assertEqual(self.d.outbox(), [])

    def test_alert_bad(self):
        good = {"venue": self.code["V2"], "from": iso(self.t((0, 14, 0))),
                "to": iso(self.t((0, 15, 0))), "text": ALERT_TEXT, "dry_run": False}
        unknown = harness.fresh_code(list(self.code.values()))
        cases = [
            ("{not json", "malformed JSON"),
            ("[1, 2]", "not an object"),
            (dict(good, venue=unknown), "unknown venue"),
            (dict(good, venue="1234"), "not a code"),
            (dict(good, **{"from": "yesterday"}), "bad time"),
            (dict(good, to=good["from"]), "from = to"),
            (dict(good, **{"from": good["to"], "to": good["from"]}), "from > to"),
            (dict(good, text=""), "empty text"),
            ({k: v for k, v in good.items() if k != "text"}, "no text"),
            ({k: v for k, v in good.items() if k != "venue"}, "no venue"),
            (dict(good, text="x" * 5000), "over max_body"),
        ]
        for body, what in cases:
            st, h, b = self.d.admin_http("POST", "/api/alerts", body, who="admin1",
                                         headers={"Content-Type": "application/json"})
            self.assertTrue(400 <= st < 500 and st not in (401, 403),
                            "%s: %d %r" % (what, st, b))
            self.assertTrue(one_line(b), "%s: %r" % (what, b))
        self.assertEqual(self.d.outbox(), [])
        self.assertTrue(self.d.alive())


class ReportTest(Base):

    def wards(self, **kw):
        return self.get("/api/reports/wards", **dict(self.window((0, 0, 0), (2, 0, 0)), **kw))

    def check_wards(self, rows):
        got = {}
        for r in rows:
            share = float(r["share"])
            got[r["ward"]] = (int(r["venues"]), int(r["venues_used"]), int(r["checkins"]),
                              int(r["visitors"]), int(r["flagged"]))
            want_share = int(r["venues_used"]) / int(r["venues"]) if int(r["venues"]) else 0
            self.assertTrue(abs(share - want_share) < 0.01 or
                            abs(share - 100 * want_share) < 0.6,
                            "%s: share %r for %s of %s" % (r["ward"], r["share"],
                                                          r["venues_used"], r["venues"]))
        self.assertEqual(got, {
            # V1, V3: V1 used; day 0 six stays and day 1 one; 7 people; P flagged.
            "Hàng Bạc": (2, 1, 7, 7, 1),
            # V2, V6 (V5 is inactive): V2 used; 7 stays by G P F E H A; F, E flagged.
            "Hàng Gai": (2, 1, 7, 6, 2),
            "Phúc Tân": (1, 0, 0, 0, 0),
        })
        self.assertEqual([r["ward"] for r in rows], sorted(got, key=lambda w: w.encode()))

    def test_wards(self):
        st, rows = self.wards()
        self.assertEqual(st, 200, rows)
        self.check_wards(rows)
        for via in ("format", "accept"):
            st, c = self.wards(csv_via=via)
            self.assertEqual(st, 200, c)
            self.check_wards(c)
            self.same_rows(rows, c, "wards csv")

    def test_wards_day1(self):
        st, rows = self.get("/api/reports/wards", **self.window((1, 0, 0), (2, 0, 0)))
        self.assertEqual(st, 200, rows)
        got = {r["ward"]: (int(r["venues_used"]), int(r["checkins"]), int(r["visitors"]),
                           int(r["flagged"])) for r in rows}
        self.assertEqual(got["Hàng Bạc"], (1, 1, 1, 0))
        self.assertEqual(got["Hàng Gai"], (0, 0, 0, 0))

    def check_inactive(self, rows, keys):
        want = []
        for k in keys:
            name, ward, address, kind, owner = VENUES[k]
            want.append((self.code[k], name, address, ward, kind,
                         harness.e164(owner) if owner else None))
        got = [(r["code"], r["venue"], r["address"], r["ward"], r["kind"],
                r["owner"] or None) for r in rows]
        self.assertEqual(got, want)

    def test_inactive(self):
        st, rows = self.get("/api/reports/inactive", days=10)
        self.assertEqual(st, 200, rows)
        self.check_inactive(rows, ["V3", "V4"])
        for r in rows:
            self.assertIn(r["last_checkin"], (None, "", 0), r)
        st, rows = self.get("/api/reports/inactive", days=5)
        self.assertEqual(st, 200, rows)
        self.check_inactive(rows, ["V3", "V6", "V4"])
        last = from_iso(rows[1]["last_checkin"])
        day = harness.day_start(self.t((-3, 9, 0)))
        self.assertTrue(day <= last <= self.t((-3, 9, 0)), rows[1])
        st, rows = self.get("/api/reports/inactive", days=1)
        self.assertEqual(st, 200, rows)
        self.check_inactive(rows, ["V1", "V3", "V2", "V6", "V4"])
        for via in ("format", "accept"):
            st, c = self.get("/api/reports/inactive", days=5, csv_via=via)
            self.assertEqual(st, 200, c)
            self.check_inactive(c, ["V3", "V6", "V4"])
            # Vietnamese names and addresses intact through the BOM'd UTF-8.
            self.assertEqual(c[1]["address"], "175 Nguyễn Thái Học")

    def test_inactive_audited(self):
        before = self.audit()
        self.get("/api/reports/inactive", days=5)
        rows = self.audit()[len(before):]
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual((rows[0][0], rows[0][1], rows[0][4]),
                         ("tracer1", "report.inactive", 3), rows)

    def test_bad_report_queries(self):
        w = self.window((0, 0, 0), (2, 0, 0))
        cases = [
            ("/api/reports/wards", {"from": w["from"]}),
            ("/api/reports/wards", {"from": "2021-02-30T00:00:00+07:00", "to": w["to"]}),
            ("/api/reports/wards", {"from": w["to"], "to": w["from"]}),
            ("/api/reports/inactive", {"days": "-1"}),
            ("/api/reports/inactive", {"days": "abc"}),
            ("/api/reports/inactive", {"days": "99999999999999999999"}),
            ("/api/reports/inactive", {"days": "0"}),
        ]
        for path, params in cases:
            st, body = self.get(path, **params)
            self.assertTrue(400 <= st < 500 and st not in (401, 403),
                            "%s %r: %d %r" % (path, params, st, body))
            self.assertTrue(one_line(body), (path, params, body))
        # Without days: a default period, not an error.
        st, rows = self.get("/api/reports/inactive")
        self.assertEqual(st, 200, rows)
        self.assertIsInstance(rows, list)


class TraceBadTest(Base):

    def test_bad_trace_queries(self):
        w = self.window((0, 0, 0), (1, 0, 0))
        unknown = harness.fresh_code(list(self.code.values()))
        v1 = self.code["V1"]
        cases = [
            ("/api/trace/venue", dict(w, code=v1, **{"from": "yesterday"})),
            ("/api/trace/venue", dict(w, code=v1, to="2021-09-16T25:00:00+07:00")),
            ("/api/trace/venue", dict(w, code=v1, to=w["from"])),
            ("/api/trace/venue", dict(code=v1, **{"from": w["to"], "to": w["from"]})),
            ("/api/trace/venue", {"code": v1, "from": w["from"]}),
            ("/api/trace/venue", dict(w)),
            ("/api/trace/venue", dict(w, code=unknown)),
            ("/api/trace/venue", dict(w, code=harness.typo(v1))),
            ("/api/trace/venue", dict(w, code="12")),
            ("/api/trace/person", dict(w, number="abc")),
            ("/api/trace/person", dict(w, number="")),
            ("/api/trace/person", dict(w, number="+" + "9" * 40)),
            ("/api/trace/person", dict(w)),
            ("/api/trace/person", dict(number=P, **{"from": w["to"], "to": w["from"]})),
            ("/api/trace/contacts", dict(w, number="VIETTEL")),
            ("/api/trace/contacts", dict(number=P, **{"from": w["from"], "to": "x"})),
        ]
        for path, params in cases:
            st, body = self.get(path, **params)
            self.assertTrue(400 <= st < 500 and st not in (401, 403),
                            "%s %r: %d %r" % (path, params, st, body))
            self.assertTrue(one_line(body), (path, params, body))
            for n in NUMBERS:
                self.assertNotIn(n, body)
        self.assertTrue(self.d.alive())

    def test_unknown_paths_and_methods(self):
        for method, path in (("GET", "/api/nothing"), ("GET", "/"), ("GET", "/api/trace"),
                             ("DELETE", "/api/venues/" + self.code["V1"]),
                             ("PUT", "/api/alerts"), ("GET", "/api/alerts")):
            st, h, b = self.d.admin_http(method, path, who="admin1")
            self.assertTrue(400 <= st < 500 and st not in (401, 403),
                            "%s %s: %d %r" % (method, path, st, b))
            self.assertTrue(one_line(b), (method, path, b))
        self.assertEqual(self.d.count("venues", "active = 1"), 5)

    def test_garbage_requests(self):
        """Raw bytes at the admin port: the daemon answers or closes, and lives."""
        junk = [b"\x00\x01\x02\r\n\r\n", b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n",
                b"GET /api/venues HTTP/1.1\r\nAuthorization: Bearer " + b"x" * 9000 +
                b"\r\n\r\n",
                b"POST /api/alerts HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n{",
                b"GET /healthz HTTP/1.1\r\n" + b"X: y\r\n" * 2000 + b"\r\n"]
        for j in junk:
            s = socket.create_connection(("127.0.0.1", self.d.admin_port),
                                         timeout=harness.stretch(5))
            try:
                # The daemon may answer and close before all of it is sent:
                # a reset or a closed socket here is that answer, not a fault.
                try:
                    s.sendall(j)
                    s.shutdown(socket.SHUT_WR)
                    while s.recv(65536):
                        pass
                except OSError:
                    pass
            finally:
                s.close()
        st, h, b = self.d.admin_http("GET", "/healthz")
        self.assertEqual(st, 200)
        self.assertTrue(self.d.alive())


# Every endpoint: (method, path template, body, role needed).
def endpoints(code, other, w):
    return [
        ("GET", "/api/venues", None, "admin"),
        ("POST", "/api/venues", {"name": "Banh Mi 25", "ward": "Hang Ca"}, "admin"),
        ("GET", "/api/venues/" + code, None, "admin"),
        ("PATCH", "/api/venues/" + code, {"name": "Renamed"}, "admin"),
        ("GET", "/api/trace/venue?" + urllib.parse.urlencode(dict(w, code=code)), None,
         "tracer"),
        ("GET", "/api/trace/person?" + urllib.parse.urlencode(dict(w, number=P)), None,
         "tracer"),
        ("GET", "/api/trace/contacts?" + urllib.parse.urlencode(dict(w, number=P)), None,
         "tracer"),
        ("POST", "/api/alerts", {"venue": other, "from": w["from"], "to": w["to"],
                                 "text": "x", "dry_run": False}, "admin"),
        ("GET", "/api/reports/wards?" + urllib.parse.urlencode(w), None, "tracer"),
        ("GET", "/api/reports/inactive?days=5", None, "tracer"),
    ]


class AuthTest(Base):

    def setUp(self):
        Base.setUp(self)
        self.w = self.window((0, 0, 0), (1, 0, 0))
        self.eps = endpoints(self.code["V1"], self.code["V2"], self.w)
        self.secret_bits = list(NUMBERS) + [v[0] for v in VENUES.values()] + [
            harness.e164(v[4]) for v in VENUES.values() if v[4]]

    def leaks(self, body):
        t = body.decode("utf-8", "replace")
        return [s for s in self.secret_bits if s in t] + [
            c for c in self.code.values() if c in t]

    def state(self):
        return (self.audit(), self.d.outbox(),
                self.d.query("SELECT * FROM venues ORDER BY id"))

    def test_missing_and_wrong_tokens(self):
        before = self.state()
        tracer = self.d.token("tracer1")
        admin = self.d.token("admin1")
        bad = [
            ("none", {}),
            ("wrong", {"Authorization": "Bearer not-a-token"}),
            ("empty", {"Authorization": "Bearer "}),
            ("scheme only", {"Authorization": "Bearer"}),
            ("basic", {"Authorization": "Basic " + admin}),
            ("no scheme", {"Authorization": admin}),
            ("hash as token", {"Authorization": "Bearer " + harness.sha256_hex(admin)}),
            ("prefix", {"Authorization": "Bearer " + admin[:-1]}),
            ("suffix", {"Authorization": "Bearer " + admin + "x"}),
            ("two tokens", {"Authorization": "Bearer " + tracer + " " + admin}),
            ("query", {}),
        ]
        for method, path, body, role in self.eps:
            for what, h in bad:
                p = path
                if what == "query":
                    p += ("&" if "?" in p else "?") + "token=" + admin
                st, hd, b = self.d.admin_http(method, p, body, headers=h)
                self.assertEqual(st, 401, "%s %s with %s token: %d %r"
                                 % (method, path, what, st, b))
                self.assertEqual(b.decode("utf-8", "replace").strip(), "unauthorized",
                                 "%s %s with %s token: %r" % (method, path, what, b))
        self.assertEqual(self.state(), before, "an unauthorized request changed something")

    def test_tracer_refused_admin_endpoints(self):
        before = self.state()
        n = 0
        for method, path, body, role in self.eps:
            if role != "admin":
                continue
            n += 1
            st, h, b = self.d.admin_http(method, path, body, who="tracer1")
            self.assertEqual(st, 403, "%s %s as tracer: %d %r" % (method, path, st, b))
            self.assertEqual(self.leaks(b), [], "%s %s: 403 body %r" % (method, path, b))
            self.assertTrue(one_line(b) and len(b) <= 64, b)
        self.assertEqual(n, 5)
        self.assertEqual(self.state(), before, "a refused request changed something")

    def test_roles_allowed(self):
        for method, path, body, role in self.eps:
            whos = ["admin1"] if role == "admin" else ["tracer1", "admin1"]
            for who in whos:
                st, h, b = self.d.admin_http(method, path, body, who=who)
                self.assertIn(st, (200, 201), "%s %s as %s: %d %r" % (method, path, who,
                                                                      st, b[:200]))

    def test_every_personal_read_audited(self):
        """Each personal-data read as a tracer: one audit row naming tracer1."""
        for method, path, body, role in self.eps:
            if role != "tracer" or "/reports/wards" in path:
                continue
            before = self.audit()
            st, h, b = self.d.admin_http(method, path, body, who="tracer1")
            self.assertEqual(st, 200, (path, b))
            rows = self.audit()[len(before):]
            self.assertEqual(len(rows), 1, "%s: audit rows %r" % (path, rows))
            self.assertEqual(rows[0][0], "tracer1")
            n = len(json.loads(b.decode("utf-8")))
            self.assertEqual(rows[0][4], n, (path, rows))

    def test_open_endpoints(self):
        st, h, b = self.d.admin_http("GET", "/healthz")
        self.assertEqual(st, 200, b)
        st, h, b = self.d.admin_http("GET", "/metrics")
        self.assertEqual(st, 200, b)
        self.assertEqual(self.leaks(b), [])


class VenueTest(Base):

    def test_list(self):
        st, rows = self.d.admin_json("GET", "/api/venues")
        self.assertEqual(st, 200, rows)
        self.assertIsInstance(rows, list)
        by = {r["code"]: r for r in rows}
        for k in ("V1", "V2", "V3", "V4", "V6"):
            name, ward, address, kind, owner = VENUES[k]
            r = by.get(self.code[k])
            self.assertIsNotNone(r, (k, rows))
            self.assertEqual((r["name"], r["ward"], r["address"], r["kind"],
                              r["owner"] or None),
                             (name, ward, address, kind,
                              harness.e164(owner) if owner else None))
            self.assertIn(r["active"], (True, 1), r)
        if self.code["V5"] in by:
            self.assertIn(by[self.code["V5"]]["active"], (False, 0))

    def test_create_get_patch(self):
        st, v = self.d.admin_json("POST", "/api/venues", {
            "name": "Bánh mì 25", "ward": "Hàng Cá", "address": "25 Hàng Cá",
            "kind": "default", "owner": "0912345678"})
        self.assertIn(st, (200, 201), v)
        self.assertIsInstance(v, dict, v)
        code = v.get("code", "").replace(" ", "")
        self.assertTrue(code_valid(code), v)
        self.assertNotIn(code, self.code.values())
        row = self.d.query("SELECT name, ward, address, kind, owner, active FROM venues"
                           " WHERE code = ?", (code,))
        self.assertEqual(row, [("Bánh mì 25", "Hàng Cá", "25 Hàng Cá", "default",
                                "+84912345678", 1)])
        before = self.audit()
        st, g = self.d.admin_json("GET", "/api/venues/" + code)
        self.assertEqual(st, 200, g)
        self.assertEqual((g["code"].replace(" ", ""), g["name"], g["ward"]),
                         (code, "Bánh mì 25", "Hàng Cá"))
        # It shows the owner's number: the read is audited.
        self.assert_audit(before, "admin1", "venues.get", code, 1)
        before = self.audit()
        st, _ = self.d.admin_json("GET", "/api/venues")
        self.assertEqual(st, 200)
        self.assertEqual([r[1] for r in self.audit()[len(before):]], ["venues.list"])
        # The new venue takes check-ins at once.
        r = self.sms("0912000555", code)
        self.assertIn("Banh mi 25", r[0])       # SMS replies fold diacritics
        st, p = self.d.admin_json("PATCH", "/api/venues/" + code,
                                  {"name": "Bánh mì 25 Hàng Cá", "active": False})
        self.assertEqual(st, 200, p)
        row = self.d.query("SELECT name, ward, address, kind, owner, active FROM venues"
                           " WHERE code = ?", (code,))
        self.assertEqual(row, [("Bánh mì 25 Hàng Cá", "Hàng Cá", "25 Hàng Cá", "default",
                                "+84912345678", 0)])
        st, p = self.d.admin_json("PATCH", "/api/venues/" + code, {"active": True,
                                                                   "owner": "0912345679"})
        self.assertEqual(st, 200, p)
        self.assertEqual(self.d.query("SELECT owner, active FROM venues WHERE code = ?",
                                      (code,)), [("+84912345679", 1)])

    def test_bad_venue_requests(self):
        unknown = harness.fresh_code(list(self.code.values()))
        before = self.d.query("SELECT * FROM venues ORDER BY id")
        cases = [
            ("GET", "/api/venues/" + unknown, None, 404),
            ("PATCH", "/api/venues/" + unknown, {"name": "x"}, 404),
            ("GET", "/api/venues/abc", None, None),
            ("POST", "/api/venues", {}, 400),
            ("POST", "/api/venues", {"name": ""}, 400),
            ("POST", "/api/venues", {"name": "X", "owner": "not a number"}, 400),
            ("POST", "/api/venues", {"name": 5}, 400),
            ("POST", "/api/venues", "{\"name\": ", 400),
            ("POST", "/api/venues", {"name": "x" * 5000}, None),
            ("PATCH", "/api/venues/" + self.code["V1"], {"active": "maybe"}, 400),
            ("PATCH", "/api/venues/" + self.code["V1"], "[]", 400),
            ("PATCH", "/api/venues/" + self.code["V1"], {"name": ""}, 400),
        ]
        for method, path, body, want in cases:
            h = {"Content-Type": "application/json"}
            st, hd, b = self.d.admin_http(method, path, body, who="admin1", headers=h)
            if want is None:
                self.assertTrue(400 <= st < 500 and st not in (401, 403),
                                "%s %s %r: %d %r" % (method, path, body, st, b))
            else:
                self.assertEqual(st, want, "%s %s %r: %r" % (method, path, body, b))
            self.assertTrue(one_line(b), (method, path, b))
        self.assertEqual(self.d.query("SELECT * FROM venues ORDER BY id"), before)


class OpsTest(Base):

    def test_healthz(self):
        st, h, b = self.d.admin_http("GET", "/healthz")
        self.assertEqual(st, 200, b)

    def test_metrics(self):
        # One check-in and one unknown text through the webhook first.
        self.sms("0912000777", self.code["V1"])
        self.sms("0912000778", "xin chao")
        st, h, b = self.d.admin_http("GET", "/metrics")
        self.assertEqual(st, 200, b)
        self.assertIn("text/plain", h.get("content-type", ""))
        text = b.decode("utf-8")
        m = harness.parse_metrics(text)
        self.assertIn("# TYPE ", text)
        names = set(k[0] for k in m)
        self.assertIn("checkind_inbound_messages_total", names, sorted(names))
        got = sum(v for (n, labels), v in m.items()
                  if n == "checkind_inbound_messages_total" and ("route", "test") in labels)
        self.assertEqual(got, 2, [(k, v) for k, v in m.items()
                                  if k[0] == "checkind_inbound_messages_total"])
        for n in names:
            self.assertTrue(n.startswith("checkind_"), n)
        self.assertNotIn("+84912000777", text)
        # Counters only go up.
        self.sms("0912000779", self.code["V2"])
        m2 = self.d.metrics()
        got2 = sum(v for (n, labels), v in m2.items()
                   if n == "checkind_inbound_messages_total" and ("route", "test") in labels)
        self.assertEqual(got2, 3)


if __name__ == "__main__":
    harness.main(300)
