#!/usr/bin/env python3
"""End-to-end tests of checkinctl's venue and outbox commands, on a private database.

CHECKINCTL must name the checkinctl binary (an absolute path) and
CHECKIND_SRCDIR the source tree (for conf/demo-venues.csv); `make check` sets
both. Every test works in `-d DATABASE` mode, in its own temporary folder,
and looks at what checkinctl printed and at what it stored (python's sqlite3).
"""

import base64
import csv
import datetime
import hashlib
import io
import itertools
import json
import os
import pwd
import re
import sqlite3
import subprocess
import tempfile
import time
import unittest

import harness

CHECKINCTL = harness.env("CHECKINCTL")
SRCDIR = harness.env("CHECKIND_SRCDIR")

CODE_RE = re.compile(r"^\d{3} \d{4}$")
LOG_RE = re.compile(r"^\S+Z level=\w+ ")
ISO_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")

HCM = harness.LOCAL_TZ   # Asia/Ho_Chi_Minh

# The numbers of the officials' dataset (see CtlTest.dataset).
P, Q, R, S, U, O = ("+8491200000%d" % i for i in range(1, 7))

iso = harness.iso               # UTC seconds as checkinctl writes them: +07:00
fromiso = harness.from_iso
local_day = harness.day_start   # the start of the Hanoi day holding t
damm_ok = harness.code_valid


def at(day, hour, minute=0):
    """September 2021 in Hanoi, as UTC seconds."""
    return int(datetime.datetime(2021, 9, day, hour, minute,
                                 tzinfo=HCM).timestamp())


OUTBOX_STATES = [harness.OUTBOX_STATE_NAMES[i] for i in range(6)]
QUEUED, SENDING, SENT, DELIVERED, FAILED, EXPIRED = range(6)

WARDS = [
    "Chương Dương", "Cửa Đông", "Cửa Nam", "Đồng Xuân", "Hàng Bạc", "Hàng Bài",
    "Hàng Bồ", "Hàng Bông", "Hàng Buồm", "Hàng Đào", "Hàng Gai", "Hàng Mã",
    "Hàng Trống", "Lý Thái Tổ", "Phan Chu Trinh", "Phúc Tân", "Tràng Tiền",
    "Trần Hưng Đạo",
]


def unused_code(used):
    """The first valid 7-digit code that is not in used."""
    for n in range(100000, 1000000):
        code = str(n) + str(harness.damm(str(n)))
        if code not in used:
            return code
    raise AssertionError("no free code")


PG_DBS = itertools.count(1)


class CtlTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if not CHECKINCTL or not os.path.isabs(CHECKINCTL):
            raise RuntimeError("set CHECKINCTL to the absolute path of the "
                               "checkinctl binary (make check does)")
        if not os.access(CHECKINCTL, os.X_OK):
            raise RuntimeError("CHECKINCTL=%s is not an executable" % CHECKINCTL)

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="checkinctl-")
        self.addCleanup(self.tmp.cleanup)
        if harness.PG:
            # A database of its own in this process's cluster: checkinctl
            # makes the schema in it as it makes a SQLite file.
            self.db = harness.pg_server().create_database(
                "ctl_%d_%d" % (os.getpid(), next(PG_DBS)))
        else:
            self.db = os.path.join(self.tmp.name, "var", "checkind.db")

    def db_exists(self):
        """Whether checkinctl has made the database (SQLite's file, or
        PostgreSQL's schema)."""
        if harness.PG:
            return harness.pg_query(self.db, "SELECT to_regclass("
                                    "'schema_version') IS NOT NULL")[1][0][0] == 1
        return os.path.exists(self.db)

    # -- helpers --------------------------------------------------------

    def run_ctl(self, *args, stdin=None, db=True):
        """Run checkinctl; returns (exit status, stdout text, stderr text)."""
        argv = [CHECKINCTL]
        if db:
            argv += ["-d", self.db]
        argv += list(args)
        p = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=harness.stretch(120),
                           cwd=self.tmp.name)
        # Log lines (a schema migration on first open, say) are not output.
        err = "".join(line for line in
                      p.stderr.decode("utf-8").splitlines(keepends=True)
                      if not LOG_RE.match(line))
        return p.returncode, p.stdout.decode("utf-8"), err

    def ok(self, *args, stdin=None):
        rc, out, err = self.run_ctl(*args, stdin=stdin)
        self.assertEqual(rc, 0, "checkinctl %s: exit %d, stderr %r" %
                         (" ".join(args), rc, err))
        return out, err

    def add(self, name, *args):
        out, _ = self.ok("venue", "add", "--name", name, *args)
        self.assertRegex(out, r"^\d{3} \d{4}\n$")
        return out.strip()

    def rows(self, where="1", params=()):
        con = sqlite3.connect(self.db)
        con.row_factory = sqlite3.Row
        con.text_factory = bytes
        try:
            return con.execute(
                "SELECT code, name, address, ward, district, kind, owner, "
                "active, created_at FROM venues WHERE %s ORDER BY id"
                % harness._where(where, harness.PG),
                params).fetchall()
        finally:
            con.close()

    def venue(self, grouped):
        rows = self.rows("code = ?", (grouped.replace(" ", ""),))
        self.assertEqual(len(rows), 1, "no row for code %s" % grouped)
        return rows[0]

    def write(self, name, data):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    def list_lines(self, *args):
        out, _ = self.ok("venue", "list", *args)
        return [line.split("\t") for line in out.splitlines()]

    def venue_count(self):
        if not self.db_exists():
            return 0
        return len(self.rows())

    # -- venue add ------------------------------------------------------

    def test_add_prints_grouped_code_and_stores_row(self):
        before = int(time.time())
        grouped = self.add("Quán Phở Bà Lan", "--address", "12 Hàng Bạc",
                           "--ward", "Hàng Bạc", "--kind", "restaurant",
                           "--owner", "0912 345 678")
        self.assertRegex(grouped, CODE_RE)
        code = grouped.replace(" ", "")
        self.assertTrue(damm_ok(code), "check digit of %s" % code)
        row = self.venue(grouped)
        self.assertEqual(row["code"], code.encode())
        self.assertEqual(row["name"], "Quán Phở Bà Lan".encode())
        self.assertEqual(row["address"], "12 Hàng Bạc".encode())
        self.assertEqual(row["ward"], "Hàng Bạc".encode())
        self.assertEqual(row["district"], "Hoàn Kiếm".encode())
        self.assertEqual(row["kind"], b"restaurant")
        self.assertEqual(row["owner"], b"+84912345678")
        self.assertEqual(row["active"], 1)
        self.assertTrue(before - 5 <= row["created_at"] <= time.time() + 5)

    def test_add_defaults(self):
        grouped = self.add("Tạp hoá Minh")
        row = self.venue(grouped)
        self.assertEqual(row["kind"], b"default")
        self.assertEqual(row["district"], "Hoàn Kiếm".encode())
        self.assertIsNone(row["owner"])
        self.assertEqual(row["active"], 1)

    def test_add_owner_forms(self):
        for given, stored in [("0912345678", "+84912345678"),
                              ("+84 91 234 5679", "+84912345679"),
                              ("0084912345670", "+84912345670"),
                              ("091-234-5671", "+84912345671")]:
            grouped = self.add("Nhà thuốc " + given, "--owner", given)
            self.assertEqual(self.venue(grouped)["owner"], stored.encode(),
                             given)

    def test_add_district_and_kind(self):
        grouped = self.add("Chốt kiểm soát số 1", "--district", "Ba Đình",
                           "--kind", "Checkpoint")
        row = self.venue(grouped)
        self.assertEqual(row["district"], "Ba Đình".encode())
        self.assertEqual(row["kind"], b"checkpoint")

    def test_add_codes_differ(self):
        codes = {self.add("Cửa hàng %d" % i) for i in range(25)}
        self.assertEqual(len(codes), 25)

    def test_add_bad_input(self):
        cases = [
            (["--name", ""], "name"),
            (["--name", "   "], "name"),
            (["--name", "x" * 121], "name"),
            (["--name", "Quán\nPhở"], "name"),
            (["--name", "Quán A", "--owner", "abc"], "owner"),
            (["--name", "Quán A", "--owner", "12"], "owner"),
            (["--name", "Quán A", "--owner", "VIETTEL"], "owner"),
            (["--name", "Quán A", "--kind", "quán ăn"], "kind"),
        ]
        for args, field in cases:
            rc, out, err = self.run_ctl("venue", "add", *args)
            self.assertEqual(rc, 1, "%r: %r" % (args, err))
            self.assertEqual(out, "", args)
            self.assertIn(field, err, args)
        self.assertEqual(self.venue_count(), 0)

    def test_add_name_of_120_bytes(self):
        name = "Đ" * 60                     # 2 bytes each: exactly the limit
        grouped = self.add(name)
        self.assertEqual(self.venue(grouped)["name"], name.encode())
        rc, _, err = self.run_ctl("venue", "add", "--name", name + "a")
        self.assertEqual(rc, 1)
        self.assertIn("name", err)

    def test_add_usage_errors(self):
        for args in (["venue", "add"],
                     ["venue", "add", "--address", "1 Hàng Gai"],
                     ["venue", "add", "--name"],
                     ["venue", "add", "--name", "A", "--colour", "red"],
                     ["venue", "add", "--name", "A", "extra"]):
            rc, out, err = self.run_ctl(*args)
            self.assertEqual(rc, 2, "%r: %r" % (args, err))
            self.assertIn("usage:", err)
            self.assertEqual(out, "")

    # -- venue list -----------------------------------------------------

    def test_list(self):
        a = self.add("Cà phê Góc Nhỏ", "--ward", "Hàng Gai", "--kind", "cafe",
                     "--owner", "0987654321")
        b = self.add("Chợ dân sinh tổ 3", "--ward", "Hàng Bồ", "--kind",
                     "market")
        lines = self.list_lines()
        self.assertIn([a, "Cà phê Góc Nhỏ", "Hàng Gai", "cafe", "+84987654321",
                       "active"], lines)
        self.assertIn([b, "Chợ dân sinh tổ 3", "Hàng Bồ", "market", "-",
                       "active"], lines)
        self.assertEqual(len(lines), 2)
        self.assertEqual([l[0] for l in self.list_lines("--ward", "Hàng Bồ")],
                         [b])
        self.assertEqual(self.list_lines("--ward", "Hàng Bạc"), [])

    def test_list_empty_database(self):
        self.assertEqual(self.list_lines(), [])
        self.assertEqual(self.list_lines("--all"), [])

    # -- venue show -----------------------------------------------------

    def test_show_accepts_code_forms(self):
        grouped = self.add("Bún chả Cô Hạnh", "--address", "5 Hàng Mành",
                           "--ward", "Hàng Gai", "--kind", "restaurant",
                           "--owner", "0912000111")
        code = grouped.replace(" ", "")
        out, _ = self.ok("venue", "show", code)
        fields = dict(line.split(": ", 1) for line in out.splitlines())
        self.assertEqual(fields["code"], grouped)
        self.assertEqual(fields["name"], "Bún chả Cô Hạnh")
        self.assertEqual(fields["address"], "5 Hàng Mành")
        self.assertEqual(fields["ward"], "Hàng Gai")
        self.assertEqual(fields["district"], "Hoàn Kiếm")
        self.assertEqual(fields["kind"], "restaurant")
        self.assertEqual(fields["owner"], "+84912000111")
        self.assertEqual(fields["active"], "yes")
        self.assertRegex(fields["created"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")
        for form in ([grouped], [code[:3] + "." + code[3:]],
                     [code[:3] + "-" + code[3:]], [code[:3], code[3:]],
                     [" " + grouped + " "]):
            again, _ = self.ok("venue", "show", *form)
            self.assertEqual(again, out, form)

    def test_show_unknown(self):
        grouped = self.add("Quán Cơm Bà Tư")
        other = unused_code({grouped.replace(" ", "")})
        rc, out, err = self.run_ctl("venue", "show", other)
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        self.assertEqual(err.strip(), "checkinctl: no venue with code %s %s" %
                         (other[:3], other[3:]))
        rc, out, err = self.run_ctl("venue", "show", "12a4567")
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        rc, _, err = self.run_ctl("venue", "show")
        self.assertEqual(rc, 2)

    # -- venue deactivate -----------------------------------------------

    def test_deactivate(self):
        keep = self.add("Nhà thuốc An Bình số 2", "--ward", "Hàng Bài")
        gone = self.add("Tạp hoá Lan", "--ward", "Hàng Bài")
        out, _ = self.ok("venue", "deactivate", gone.replace(" ", ""))
        self.assertEqual(out, "deactivated %s\n" % gone)
        self.assertEqual(self.venue(gone)["active"], 0)
        self.assertEqual(self.venue(keep)["active"], 1)
        self.assertEqual([l[0] for l in self.list_lines()], [keep])
        lines = {l[0]: l for l in self.list_lines("--all")}
        self.assertEqual(set(lines), {keep, gone})
        self.assertEqual(lines[gone][5], "inactive")
        self.assertEqual(lines[keep][5], "active")
        out, _ = self.ok("venue", "show", gone)
        self.assertIn("active: no\n", out)
        self.assertEqual({l[0] for l in
                          self.list_lines("--ward", "Hàng Bài", "--all")},
                         {keep, gone})

    def test_deactivate_unknown(self):
        grouped = self.add("Quán Nem Chú Sơn")
        other = unused_code({grouped.replace(" ", "")})
        rc, out, err = self.run_ctl("venue", "deactivate", other)
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        self.assertIn("no venue with code %s %s" % (other[:3], other[3:]), err)
        self.assertEqual(self.venue(grouped)["active"], 1)

    # -- venue import ---------------------------------------------------

    def test_import_demo_venues(self):
        path = os.path.join(SRCDIR, "conf", "demo-venues.csv")
        with open(path, "rb") as f:
            expect = list(csv.reader(io.StringIO(f.read().decode("utf-8"))))[1:]
        rc, out, err = self.run_ctl("venue", "import", path)
        self.assertEqual(rc, 0, err)
        self.assertGreaterEqual(len(expect), 180)
        self.assertLessEqual(len(expect), 220)
        self.assertEqual(err, "imported %d venues, 0 rows rejected\n" %
                         len(expect))
        self.assertNotIn("\r", err)         # no progress in a pipe
        lines = [l.split("\t") for l in out.splitlines()]
        self.assertEqual(len(lines), len(expect))
        for (grouped, name, ward), row in zip(lines, expect):
            self.assertRegex(grouped, CODE_RE)
            self.assertEqual((name, ward), (row[0], row[2]))
        rows = self.rows()
        self.assertEqual(len(rows), len(expect))
        codes = [r["code"].decode() for r in rows]
        self.assertEqual(len(set(codes)), len(codes))
        self.assertTrue(all(damm_ok(c) for c in codes))
        self.assertEqual(codes, [l[0].replace(" ", "") for l in lines])
        self.assertEqual({r["ward"].decode() for r in rows}, set(WARDS))
        for r, e in zip(rows, expect):
            self.assertEqual(r["name"], e[0].encode())
            self.assertEqual(r["address"], e[1].encode())
            self.assertEqual(r["kind"], e[3].encode())
            if e[4]:
                self.assertEqual(r["owner"], ("+84" + e[4][1:]).encode())
            else:
                self.assertIsNone(r["owner"])

    def test_import_reports_bad_rows(self):
        data = (
            "name,address,ward,kind,owner_phone\n"          # 1
            "Quán Phở Cô Lan,12 Hàng Bạc,Hàng Bạc,restaurant,0912345678\n"
            ",3 Hàng Gai,Hàng Gai,shop,\n"                   # 3: empty name
            "Tạp hoá Hùng,\"Số 4,\n"                        # 4: two lines
            "ngõ 7 Hàng Bồ\",Hàng Bồ,shop,\n"               # 5
            "\n"                                             # 6: blank
            "Cà phê Mây,5 Hàng Mã,Hàng Mã,cafe\n"            # 7: 4 fields
            "Nhà thuốc Minh Anh,8 Hàng Bài,Hàng Bài,pharmacy,\n"
            "Chợ tạm,1 Phúc Tân,Phúc Tân,market,09abc\n"     # 9: bad phone
            "Bánh mì Chú Tư,2 Hàng Buồm,Hàng Buồm,restaurant,\n"
        )
        path = self.write("venues.csv", data)
        rc, out, err = self.run_ctl("venue", "import", path)
        self.assertEqual(rc, 1, err)
        for line, word in ((3, "name"), (7, "field"), (9, "owner")):
            self.assertRegex(err, r"(?m)^%s:%d: .*%s" % (re.escape(path), line,
                                                        word))
        self.assertEqual(len(re.findall(r"(?m)^%s:\d+: " % re.escape(path),
                                        err)), 3)
        self.assertIn("imported 4 venues, 3 rows rejected\n", err)
        names = [l.split("\t")[1] for l in out.splitlines()]
        self.assertEqual(names, ["Quán Phở Cô Lan", "Tạp hoá Hùng",
                                 "Nhà thuốc Minh Anh", "Bánh mì Chú Tư"])
        rows = self.rows()
        self.assertEqual([r["name"].decode() for r in rows], names)
        self.assertEqual(rows[1]["address"], "Số 4,\nngõ 7 Hàng Bồ".encode())

    def test_import_more_bad_rows(self):
        data = (
            b"Quan A,1 Hang Gai,Hang Gai,shop,\n"              # 1: no header
            b"Qu\xe1n B,2 Hang Gai,Hang Gai,shop,\n"           # 2: Latin-1
            + ("x" * 121).encode() + b",3 Hang Gai,Hang Gai,shop,\n"  # 3
            + ("é" * 60).encode() + b",4 Hang Gai,Hang Gai,shop,\n"   # 4: 120 bytes
            b"Quan C,5 Hang Gai,Hang Gai,shop,0912345678,extra\n"    # 5: 6 fields
            b"Quan D,6 Hang Gai,Hang Gai,caf\xc3,\n"           # 6: cut UTF-8
            b"Quan E,7 Hang Gai,Hang Gai,shop,+1 202 555 0100\n"     # 7: good
            b"Quan \"F\",8 Hang Gai,Hang Gai,shop,\n"          # 8: stray quote
            b"\"Quan G\"x,9 Hang Gai,Hang Gai,shop,\n"         # 9: after quote
            b"Quan H,10 Hang Gai,Hang Gai,shop,\n"             # 10: good again
            b"Quan I,\"unclosed,Hang Gai,shop,\n"             # 11: never closed
            b"Quan J,12 Hang Gai,Hang Gai,shop,\n"
        )
        path = self.write("bad.csv", data)
        rc, out, err = self.run_ctl("venue", "import", path)
        self.assertEqual(rc, 1)
        bad = sorted(int(m) for m in
                     re.findall(r"(?m)^%s:(\d+): " % re.escape(path), err))
        self.assertEqual(bad, [2, 3, 5, 6, 8, 9, 11], err)
        self.assertRegex(err, r"(?m)^%s:2: .*UTF-8" % re.escape(path))
        self.assertRegex(err, r"(?m)^%s:3: .*name.*120" % re.escape(path))
        self.assertRegex(err, r"(?m)^%s:8: .*quot" % re.escape(path))
        self.assertRegex(err, r"(?m)^%s:11: .*quot" % re.escape(path))
        self.assertIn("imported 4 venues, 7 rows rejected\n", err)
        rows = self.rows()
        self.assertEqual([r["name"] for r in rows],
                         [b"Quan A", ("é" * 60).encode(), b"Quan E",
                          b"Quan H"])
        self.assertEqual(rows[2]["owner"], b"+12025550100")

    def test_import_quoted_fields(self):
        name = 'Quán "Ngon", Bà Tư'
        address = "Số 5,\nngõ 12, Hàng Bạc"
        data = (
            "NAME,Address,Ward,Kind,Owner_Phone\r\n"
            '"Quán ""Ngon"", Bà Tư","Số 5,\r\nngõ 12, Hàng Bạc",Hàng Bạc,'
            'restaurant,"0912 345 678"\r\n'
            '"Cà phê ""Sớm""",  "  18 Hàng Đào  " , Hàng Đào ,cafe,\r\n'
            "  \r\n"
            'Tạp hoá Yến,"",Hàng Bạc,"",\r\n'
        )
        path = self.write("quoted.csv", data)
        rc, out, err = self.run_ctl("venue", "import", path)
        self.assertEqual(rc, 0, err)
        self.assertEqual(err, "imported 3 venues, 0 rows rejected\n")
        rows = self.rows()
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[0]["name"].decode(), name)
        # A CRLF inside quotes is data; RFC 4180 keeps it as it is.
        self.assertIn(rows[0]["address"].decode(),
                      {address, address.replace("\n", "\r\n")})
        self.assertEqual(rows[0]["owner"], b"+84912345678")
        self.assertEqual(rows[1]["name"].decode(), 'Cà phê "Sớm"')
        self.assertEqual(rows[1]["address"].decode(), "18 Hàng Đào")
        self.assertEqual(rows[1]["ward"].decode(), "Hàng Đào")
        self.assertEqual(rows[2]["address"], b"")
        self.assertEqual(rows[2]["kind"], b"default")
        first = out.splitlines()[0].split("\t")
        self.assertEqual(first[1:], [name, "Hàng Bạc"])
        # show keeps one field a line even when the address has a line break
        out, _ = self.ok("venue", "show", first[0])
        self.assertIn("name: %s\n" % name, out)
        self.assertEqual(len(out.splitlines()), 9)

    def test_import_stdin_and_line_numbers(self):
        data = ("\n\nname,address,ward,kind,owner_phone\n"
                "\n"
                "Quán A,1 Hàng Gai,Hàng Gai,shop,\n"
                '"Quán B","1\n2\n3",Hàng Gai,shop,\n'
                "Quán C,,Hàng Gai,shop,00\n"                  # line 9
                "\r\n"
                '"",,,,\n')                                   # line 11
        rc, out, err = self.run_ctl("venue", "import", "-",
                                    stdin=data.encode("utf-8"))
        self.assertEqual(rc, 1)
        self.assertRegex(err, r"(?m)^stdin:9: .*owner")
        self.assertRegex(err, r"(?m)^stdin:11: .*name")
        self.assertIn("imported 2 venues, 2 rows rejected\n", err)
        self.assertEqual(len(out.splitlines()), 2)

    def test_import_bom_and_missing_file(self):
        path = self.write("bom.csv", b"\xef\xbb\xbfname,address,ward,kind,"
                          b"owner_phone\nQuan A,,,,\n")
        rc, out, err = self.run_ctl("venue", "import", path)
        self.assertEqual(rc, 0, err)
        self.assertEqual([r["name"] for r in self.rows()], [b"Quan A"])
        rc, out, err = self.run_ctl("venue", "import",
                                    os.path.join(self.tmp.name, "nope.csv"))
        self.assertEqual(rc, 1)
        self.assertIn("nope.csv", err)
        rc, out, err = self.run_ctl("venue", "import")
        self.assertEqual(rc, 2)

    def test_import_only_bad_rows(self):
        path = self.write("all-bad.csv", ",,,,\nx,y\n")
        rc, out, err = self.run_ctl("venue", "import", path)
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        self.assertIn("imported 0 venues, 2 rows rejected\n", err)
        self.assertEqual(self.venue_count(), 0)

    def test_import_then_add_share_codes(self):
        path = os.path.join(SRCDIR, "conf", "demo-venues.csv")
        if not os.path.exists(path):
            self.fail("conf/demo-venues.csv not found under CHECKIND_SRCDIR")
        self.ok("venue", "import", path)
        grouped = self.add("Quán mới")
        codes = [r["code"] for r in self.rows()]
        self.assertEqual(len(codes), len(set(codes)))
        self.assertIn(grouped.replace(" ", "").encode(), codes)

    # -- Vietnamese text ------------------------------------------------

    def test_vietnamese_round_trip(self):
        names = [
            "Cà phê Đường Thành — Ấm Áp",
            "Phở Gà Trộn Hàng Điếu 42 ĐẶC BIỆT",
            "Nhà thuốc Thuỳ Dương",
            # the same letters decomposed (NFD): kept as given, not recomposed
            "Nha\u0300 thuo\u0302\u0301c Thu\u0309y",
            "Tiệm Bánh Trôi Nước ẩm thực 🍜",
        ]
        codes = [self.add(n, "--ward", "Hàng Đào", "--address",
                          "Số 7 Lương Văn Can") for n in names]
        for grouped, name in zip(codes, names):
            row = self.venue(grouped)
            self.assertEqual(row["name"], name.encode("utf-8"))
            self.assertEqual(row["ward"], "Hàng Đào".encode("utf-8"))
            out, _ = self.ok("venue", "show", grouped)
            self.assertIn("name: %s\n" % name, out)
        listed = {l[0]: l[1] for l in self.list_lines()}
        self.assertEqual(listed, dict(zip(codes, names)))

    # -- outbox ---------------------------------------------------------

    def outbox_db(self):
        """Create and migrate the database (checkinctl does), then open it."""
        if not self.db_exists():
            self.ok("venue", "list")
        con = sqlite3.connect(self.db)
        self.addCleanup(con.close)
        return con

    def outbox_add(self, con, **kw):
        """Insert one outbox row as the daemon would have; returns its id."""
        now = int(time.time())
        row = {"route": "kannel", "number": "+84912345678",
               "text": "Cảm ơn! Bạn đã check-in tại Quán Phở Bà Lan.",
               "state": QUEUED, "attempts": 0, "created_at": now - 60,
               "next_at": now - 60, "expires_at": 0, "updated_at": now - 60,
               "sent_at": None, "ext_id": None, "ext_key": None,
               "dlr_state": None, "dlr_at": None, "error": None,
               "inbound_id": None}
        row.update(kw)
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cur = con.execute("INSERT INTO outbox (%s) VALUES (%s)" % (cols, marks),
                          list(row.values()))
        con.commit()
        return cur.lastrowid

    def outbox_row(self, con, ident):
        con.row_factory = sqlite3.Row
        try:
            return con.execute("SELECT * FROM outbox WHERE id = ?",
                               (ident,)).fetchone()
        finally:
            con.row_factory = None

    def outbox_lines(self, *args):
        out, _ = self.ok("outbox", "list", *args)
        return [line.split("\t") for line in out.splitlines()]

    def outbox_mix(self, con):
        """One row in each state over three routes; returns the ids by name."""
        now = int(time.time())
        ids = {}
        ids["queued"] = self.outbox_add(con, created_at=now - 600,
                                        next_at=now + 30)
        ids["sending"] = self.outbox_add(con, state=SENDING, attempts=1,
                                         route="at", number="+84861234567",
                                         created_at=now - 500)
        ids["sent"] = self.outbox_add(con, state=SENT, attempts=1,
                                      ext_id="0a1b2c", sent_at=now - 390,
                                      created_at=now - 400)
        ids["delivered"] = self.outbox_add(con, state=DELIVERED, attempts=2,
                                           route="at", ext_id="ATPid_77",
                                           dlr_state="Success",
                                           created_at=now - 300)
        ids["failed"] = self.outbox_add(con, state=FAILED, attempts=8,
                                        route="tw",
                                        error="HTTP 500\nretry\tgave up",
                                        created_at=now - 200)
        ids["expired"] = self.outbox_add(con, state=EXPIRED, attempts=0,
                                         route="tw", created_at=now - 100)
        return ids

    def test_outbox_list(self):
        con = self.outbox_db()
        ids = self.outbox_mix(con)
        lines = self.outbox_lines()
        self.assertEqual(len(lines), 6)
        for l in lines:
            self.assertEqual(len(l), 9, l)
        # newest first
        self.assertEqual([int(l[0]) for l in lines],
                         sorted(ids.values(), reverse=True))
        by_id = {int(l[0]): l for l in lines}
        for name, ident in ids.items():
            l = by_id[ident]
            self.assertEqual(l[1], name)
            self.assertRegex(l[5], ISO_RE)
            if name != "queued":
                self.assertEqual(l[6], "-", name)
        q = by_id[ids["queued"]]
        self.assertEqual(q[2:5], ["kannel", "+84912345678", "0"])
        self.assertRegex(q[6], ISO_RE)
        self.assertEqual(q[7:], ["-", "-"])
        self.assertEqual(by_id[ids["sending"]][2:5],
                         ["at", "+84861234567", "1"])
        self.assertEqual(by_id[ids["sent"]][7], "0a1b2c")
        self.assertEqual(by_id[ids["delivered"]][7], "ATPid_77")
        # control characters in the error become spaces: one row a line
        self.assertEqual(by_id[ids["failed"]][8], "HTTP 500 retry gave up")
        self.assertEqual(by_id[ids["failed"]][4], "8")

    def test_outbox_list_filters(self):
        con = self.outbox_db()
        ids = self.outbox_mix(con)
        for state in OUTBOX_STATES:
            lines = self.outbox_lines("--state", state)
            self.assertEqual([int(l[0]) for l in lines], [ids[state]], state)
        self.assertEqual(sorted(int(l[0]) for l in
                                self.outbox_lines("--route", "tw")),
                         sorted([ids["failed"], ids["expired"]]))
        self.assertEqual([int(l[0]) for l in
                          self.outbox_lines("--route=at", "--state=delivered")],
                         [ids["delivered"]])
        self.assertEqual(self.outbox_lines("--route", "tw", "--state", "sent"),
                         [])
        self.assertEqual(self.outbox_lines("--route", "nope"), [])
        # the limit keeps the newest
        self.assertEqual([int(l[0]) for l in self.outbox_lines("--limit", "2")],
                         [ids["expired"], ids["failed"]])
        self.assertEqual(len(self.outbox_lines("--limit", "1000000")), 6)

    def test_outbox_list_recently_changed_first(self):
        con = self.outbox_db()
        now = int(time.time())
        old = self.outbox_add(con, state=FAILED, created_at=now - 900,
                              updated_at=now - 5, error="HTTP 400")
        new = self.outbox_add(con, state=SENT, created_at=now - 100,
                              updated_at=now - 90)
        newer = self.outbox_add(con, created_at=now - 50, updated_at=now - 50)
        self.assertEqual([int(l[0]) for l in self.outbox_lines()],
                         [old, newer, new])
        self.assertEqual([int(l[0]) for l in self.outbox_lines("--limit=1")],
                         [old])
        # a retried message comes to the top again
        self.ok("outbox", "retry", str(old))
        self.ok("outbox", "cancel", str(newer))
        self.assertEqual(int(self.outbox_lines()[0][0]), newer)

    def test_outbox_list_default_limit_and_text(self):
        con = self.outbox_db()
        now = int(time.time())
        for i in range(60):
            self.outbox_add(con, created_at=now - 1000 + i,
                            text="Tin nhắn số %d\nDòng hai\x07" % i)
        lines = self.outbox_lines()
        self.assertEqual(len(lines), 50)
        lines = self.outbox_lines("--text", "--limit", "60")
        self.assertEqual(len(lines), 60)
        texts = {l[9] for l in lines}
        self.assertEqual(texts,
                         {"Tin nhắn số %d Dòng hai " % i for i in range(60)})
        for l in lines:
            self.assertEqual(len(l), 10)

    def test_outbox_list_usage_errors(self):
        self.outbox_db()
        rc, out, err = self.run_ctl("outbox", "list", "--state", "lost")
        self.assertEqual(rc, 2, err)
        self.assertEqual(out, "")
        self.assertIn("lost", err)
        for state in OUTBOX_STATES:
            self.assertIn(state, err)
        self.assertIn("usage:", err)
        for args in (["--limit", "0"], ["--limit", "-1"], ["--limit", "x"],
                     ["--limit", "1000001"], ["--limit"], ["--state"],
                     ["--colour", "red"], ["extra"]):
            rc, out, err = self.run_ctl("outbox", "list", *args)
            self.assertEqual(rc, 2, "%r: %r" % (args, err))
            self.assertEqual(out, "", args)
            self.assertIn("usage:", err, args)

    def test_outbox_show(self):
        con = self.outbox_db()
        ident = self.outbox_add(
            con, state=DELIVERED, attempts=2, route="at",
            number="+84961234567", ext_id="ATPid_9", dlr_state="Success",
            inbound_id=42, error="HTTP 503",
            text="Câu 1/3: Bạn có sốt không?\nTrả lời C hoặc K",
            expires_at=int(time.time()) + 3600)
        out, _ = self.ok("outbox", "show", str(ident))
        fields = dict(line.split(": ", 1) for line in out.splitlines())
        self.assertEqual(fields["id"], str(ident))
        self.assertEqual(fields["state"], "delivered")
        self.assertEqual(fields["route"], "at")
        self.assertEqual(fields["number"], "+84961234567")
        self.assertEqual(fields["attempts"], "2")
        self.assertRegex(fields["created"], ISO_RE)
        self.assertRegex(fields["expires"], ISO_RE)
        self.assertRegex(fields["updated"], ISO_RE)
        self.assertEqual(fields["next"], "-")
        self.assertEqual(fields["ext_id"], "ATPid_9")
        self.assertEqual(fields["dlr_state"], "Success")
        self.assertEqual(fields["error"], "HTTP 503")
        self.assertEqual(fields["inbound"], "42")
        self.assertEqual(fields["text"],
                         "Câu 1/3: Bạn có sốt không? Trả lời C hoặc K")
        plain = self.outbox_add(con)
        out, _ = self.ok("outbox", "show", str(plain))
        fields = dict(line.split(": ", 1) for line in out.splitlines())
        for key in ("ext_id", "dlr_state", "error", "inbound", "expires"):
            self.assertEqual(fields[key], "-", key)
        self.assertRegex(fields["next"], ISO_RE)

    def test_outbox_show_errors(self):
        con = self.outbox_db()
        ident = self.outbox_add(con)
        rc, out, err = self.run_ctl("outbox", "show", str(ident + 1))
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        self.assertIn("no message %d" % (ident + 1), err)
        for bad in ("abc", "0", "1x", "99999999999999999999"):
            rc, out, err = self.run_ctl("outbox", "show", bad)
            self.assertEqual(rc, 1, bad)
            self.assertEqual(out, "", bad)
            self.assertIn(bad, err)
        for args in ([], [str(ident), str(ident)], ["--all", str(ident)]):
            rc, out, err = self.run_ctl("outbox", "show", *args)
            self.assertEqual(rc, 2, args)
            self.assertIn("usage:", err)

    def test_outbox_retry(self):
        con = self.outbox_db()
        ids = self.outbox_mix(con)
        before = {n: tuple(self.outbox_row(con, i)) for n, i in ids.items()}
        out, _ = self.ok("outbox", "retry", str(ids["failed"]),
                         str(ids["expired"]))
        self.assertEqual(out, "retried %d\nretried %d\n" %
                         (ids["failed"], ids["expired"]))
        now = time.time()
        for name in ("failed", "expired"):
            row = self.outbox_row(con, ids[name])
            self.assertEqual(row["state"], QUEUED, name)
            self.assertEqual(row["attempts"], 0, name)
            self.assertLessEqual(row["next_at"], now + 1, name)
            self.assertEqual(row["text"], before[name][3], name)
        for name in ("queued", "sending", "sent", "delivered"):
            self.assertEqual(tuple(self.outbox_row(con, ids[name])),
                             before[name], name)
        lines = self.outbox_lines("--state", "queued")
        self.assertEqual(sorted(int(l[0]) for l in lines),
                         sorted([ids["queued"], ids["failed"],
                                 ids["expired"]]))

    def test_outbox_retry_refused(self):
        con = self.outbox_db()
        ids = self.outbox_mix(con)
        before = {n: tuple(self.outbox_row(con, i)) for n, i in ids.items()}
        for name in ("queued", "sending", "sent", "delivered"):
            rc, out, err = self.run_ctl("outbox", "retry", str(ids[name]))
            self.assertEqual(rc, 1, name)
            self.assertEqual(out, "", name)
            self.assertIn("message %d is %s" % (ids[name], name), err)
            self.assertEqual(tuple(self.outbox_row(con, ids[name])),
                             before[name], name)
        missing = max(ids.values()) + 1
        rc, out, err = self.run_ctl("outbox", "retry", str(ids["sent"]),
                                    str(missing), str(ids["failed"]))
        self.assertEqual(rc, 1)
        self.assertEqual(out, "retried %d\n" % ids["failed"])
        self.assertIn("message %d is sent" % ids["sent"], err)
        self.assertIn("no message %d" % missing, err)
        self.assertEqual(self.outbox_row(con, ids["failed"])["state"], QUEUED)
        # a bad id changes nothing, not even the good ones before it
        rc, out, err = self.run_ctl("outbox", "retry", str(ids["expired"]),
                                    "seven")
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        self.assertIn("seven", err)
        self.assertEqual(self.outbox_row(con, ids["expired"])["state"],
                         EXPIRED)
        rc, _, err = self.run_ctl("outbox", "retry")
        self.assertEqual(rc, 2)
        self.assertIn("usage:", err)

    def test_outbox_cancel(self):
        con = self.outbox_db()
        ids = self.outbox_mix(con)
        second = self.outbox_add(con, number="+84987654321")
        before = {n: tuple(self.outbox_row(con, i)) for n, i in ids.items()}
        out, _ = self.ok("outbox", "cancel", str(ids["queued"]), str(second))
        self.assertEqual(out, "cancelled %d\ncancelled %d\n" %
                         (ids["queued"], second))
        for ident in (ids["queued"], second):
            row = self.outbox_row(con, ident)
            self.assertEqual(row["state"], FAILED)
            self.assertEqual(row["error"], "cancelled")
        for name in ("sending", "sent", "delivered", "failed", "expired"):
            rc, out, err = self.run_ctl("outbox", "cancel", str(ids[name]))
            self.assertEqual(rc, 1, name)
            self.assertEqual(out, "")
            self.assertIn("message %d is %s, not queued" % (ids[name], name),
                          err)
            self.assertEqual(tuple(self.outbox_row(con, ids[name])),
                             before[name], name)
        # twice: the second time it is no longer queued
        rc, _, err = self.run_ctl("outbox", "cancel", str(second))
        self.assertEqual(rc, 1)
        self.assertIn("is failed", err)
        rc, _, err = self.run_ctl("outbox", "cancel", "-3")
        self.assertEqual(rc, 2)
        # cancelled then retried: queued again
        out, _ = self.ok("outbox", "retry", str(second))
        self.assertEqual(self.outbox_row(con, second)["state"], QUEUED)

    def test_outbox_stats(self):
        con = self.outbox_db()
        out, _ = self.ok("outbox", "stats")
        header = "route\t" + "\t".join(OUTBOX_STATES) + "\ttotal"
        self.assertEqual(out, header + "\n(all)\t0\t0\t0\t0\t0\t0\t0\n")
        self.outbox_mix(con)
        for _ in range(3):
            self.outbox_add(con, route="at", state=SENT)
        self.outbox_add(con, route="dry", state=DELIVERED)
        out, _ = self.ok("outbox", "stats")
        lines = out.splitlines()
        self.assertEqual(lines[0], header)
        self.assertEqual(lines[1:], [
            "at\t0\t1\t3\t1\t0\t0\t5",
            "dry\t0\t0\t0\t1\t0\t0\t1",
            "kannel\t1\t0\t1\t0\t0\t0\t2",
            "tw\t0\t0\t0\t0\t1\t1\t2",
            "(all)\t1\t1\t4\t2\t1\t1\t10",
        ])
        rc, _, err = self.run_ctl("outbox", "stats", "extra")
        self.assertEqual(rc, 2)
        self.assertIn("usage:", err)

    def test_outbox_vietnamese_and_nasty_text(self):
        con = self.outbox_db()
        texts = ["Cảm ơn Quý khách. ĐÃ CHECK-IN thành công 🍜",
                 "Nha\u0300 thuo\u0302\u0301c",
                 "a\tb\r\nc\x1b[31mred\x7f"]
        ids = [self.outbox_add(con, text=t) for t in texts]
        lines = {int(l[0]): l for l in self.outbox_lines("--text")}
        self.assertEqual(lines[ids[0]][9], texts[0])
        self.assertEqual(lines[ids[1]][9], texts[1])
        self.assertEqual(lines[ids[2]][9], "a b  c [31mred ")
        out, _ = self.ok("outbox", "show", str(ids[2]))
        self.assertEqual(len(out.splitlines()), 14)
        self.assertIn("text: a b  c [31mred \n", out)

    # -- officials: a dataset known by construction ---------------------

    def con(self):
        """The database, created and migrated by checkinctl, opened."""
        if not self.db_exists():
            self.ok("venue", "list")
        con = sqlite3.connect(self.db)
        self.addCleanup(con.close)
        return con

    def venue_id(self, con, grouped):
        return con.execute("SELECT id FROM venues WHERE code = ?",
                           (grouped.replace(" ", ""),)).fetchone()[0]

    def checkin(self, con, vid, number, sent, out=None, companions=0):
        """A check-in as store_checkin_add stores it, daily_stats included."""
        con.execute("INSERT INTO checkins (venue_id, number, companions, "
                    "sent_at, received_at, checked_out_at, channel, inbound_id)"
                    " VALUES (?, ?, ?, ?, ?, ?, 'test', NULL)",
                    (vid, number, companions, sent, sent + 4, out))
        day = local_day(sent)
        again = con.execute(
            "SELECT count(*) FROM checkins WHERE number = ? AND venue_id = ?"
            " AND sent_at >= ? AND sent_at < ?",
            (number, vid, day, day + 86400)).fetchone()[0] > 1
        con.execute("INSERT INTO daily_stats (venue_id, day, checkins, people)"
                    " VALUES (?, ?, 1, ?) ON CONFLICT (venue_id, day) DO UPDATE"
                    " SET checkins = daily_stats.checkins + 1, people ="
                    " daily_stats.people + excluded.people", (vid, day, 0 if again else 1))
        # And the ward's day (sqlite-aggregates.c): a person once a ward a
        # day. Told from the check-ins rather than daily_seen, so that the
        # purge counts below are those of the history rows alone.
        if con.execute("SELECT count(*) FROM checkins c JOIN venues v"
                       " ON v.id = c.venue_id WHERE c.number = ?"
                       " AND v.ward = (SELECT ward FROM venues WHERE id = ?)"
                       " AND c.sent_at >= ? AND c.sent_at < ?",
                       (number, vid, day, day + 86400)).fetchone()[0] == 1:
            con.execute("INSERT INTO ward_days (day, ward, visitors)"
                        " SELECT ?, ward, 1 FROM venues WHERE id = ?"
                        " ON CONFLICT (day, ward) DO UPDATE"
                        " SET visitors = ward_days.visitors + 1", (day, vid))

    def declaration(self, con, number, vid, started, flagged=0,
                    answer_flagged=None):
        cur = con.execute(
            "INSERT INTO declarations (number, venue_id, checkin_id, "
            "started_at, completed_at, flagged) VALUES (?, ?, NULL, ?, ?, ?)",
            (number, vid, started, started + 120, flagged))
        if answer_flagged is not None:
            con.execute("INSERT INTO answers (declaration_id, question, answer,"
                        " flagged, answered_at) VALUES (?, 'fever', ?, ?, ?)",
                        (cur.lastrowid, "CO" if answer_flagged else "KHONG",
                         answer_flagged, started + 60))
        if vid is not None and (flagged or answer_flagged):
            # Counted once on its venue's day, as sqlite-aggregates.c does.
            con.execute("UPDATE declarations SET counted = 1 WHERE id = ?",
                        (cur.lastrowid,))
            con.execute("INSERT INTO daily_stats (venue_id, day, flagged)"
                        " VALUES (?, ?, 1) ON CONFLICT (venue_id, day) DO UPDATE"
                        " SET flagged = daily_stats.flagged + 1", (vid, local_day(started)))
        return cur.lastrowid

    def subscriber(self, con, number, opted_out):
        con.execute("INSERT INTO subscribers (number, lang, opted_out, help_at,"
                    " updated_at) VALUES (?, 0, ?, 0, ?)",
                    (number, opted_out, at(15, 9)))

    def dataset(self):
        """Venues and stays on 16-17 September 2021 whose traces are known.

        At A (default_stay 3600): P 08:00-09:00 with 2 companions; R 07:30
        open (to 08:30); Q 08:30-08:45 and again 08:50 open; O (opted out)
        08:10-08:20; S 09:00-10:00 (touches P's end: no contact); U
        06:00-07:00. At B: P 12:00 open (to 13:00), R 12:30-14:00, P again
        on the 17th. At C: S. D and E have none; F is deactivated.
        """
        v = {}
        v["A"] = self.add("Quán Phở Bà Lan", "--ward", "Hàng Bạc",
                          "--address", "12 Hàng Bạc")
        v["B"] = self.add("Cà phê Góc, \"Nhỏ\"", "--ward", "Hàng Bạc",
                          "--address", "3 Hàng Bạc")
        v["C"] = self.add("Chợ Đồng Xuân", "--ward", "Hàng Gai")
        v["D"] = self.add("Tạp hoá Minh", "--ward", "Hàng Gai",
                          "--owner", "0912345678")
        v["E"] = self.add("Nhà thuốc An Bình", "--ward", "Cửa Nam")
        v["F"] = self.add("Quán đã đóng", "--ward", "Hàng Gai")
        self.ok("venue", "deactivate", v["F"])
        con = self.con()
        a, b, c, f = (self.venue_id(con, v[k]) for k in "ABCF")
        self.checkin(con, a, U, at(16, 6), at(16, 7))
        self.checkin(con, a, R, at(16, 7, 30))
        self.checkin(con, a, P, at(16, 8), at(16, 9), companions=2)
        self.checkin(con, a, O, at(16, 8, 10), at(16, 8, 20))
        self.checkin(con, a, Q, at(16, 8, 30), at(16, 8, 45), companions=1)
        self.checkin(con, a, Q, at(16, 8, 50))
        self.checkin(con, a, S, at(16, 9), at(16, 10))
        self.checkin(con, b, P, at(16, 12))
        self.checkin(con, b, R, at(16, 12, 30), at(16, 14))
        self.checkin(con, b, P, at(17, 12), at(17, 12, 30))
        self.checkin(con, c, S, at(16, 12), at(16, 12, 30))
        self.checkin(con, f, S, at(16, 15), at(16, 15, 30))
        self.subscriber(con, O, 1)
        self.subscriber(con, P, 0)
        self.declaration(con, P, a, at(16, 8, 1), flagged=1)
        self.declaration(con, Q, a, at(16, 8, 31), answer_flagged=0)
        self.declaration(con, R, b, at(16, 12, 31), answer_flagged=1)
        self.declaration(con, S, c, at(16, 12, 1), answer_flagged=0)
        self.declaration(con, S, c, at(18, 12, 1), flagged=1)
        con.commit()
        return v, con

    def csv_rows(self, *args):
        """Run a command whose output is CSV; the rows as dicts."""
        out, _ = self.ok(*args)
        self.assertTrue(out.startswith("\ufeff"), "no BOM: %r" % out[:20])
        self.assertTrue(out.endswith("\r\n"), out[-20:])
        rows = list(csv.DictReader(io.StringIO(out[1:], newline="")))
        # A field a spreadsheet would compute (a number's "+") comes with an
        # apostrophe first; the value as stored is what follows it.
        for r in rows:
            for k, val in r.items():
                self.assertFalse(val != "" and val[0] in "=+-@\t\r", (k, val))
                if val[:1] == "'" and val[1:2] != "" and val[1] in "=+-@\t\r":
                    r[k] = val[1:]
        return rows

    def audit(self, con):
        return con.execute("SELECT at, actor, action, subject, query, records"
                           " FROM audit ORDER BY id").fetchall()

    def assert_audit(self, row, action, subject, query, records):
        self.assertEqual(row[1], "checkinctl:" + pwd.getpwuid(os.getuid()).pw_name)
        self.assertEqual(row[2:], (action, subject, query, records))
        self.assertLessEqual(abs(row[0] - time.time()), harness.stretch(30))

    # -- trace ----------------------------------------------------------

    def test_trace_venue(self):
        v, con = self.dataset()
        code = v["A"].replace(" ", "")
        args = ["trace", "venue", code, "--from", iso(at(16, 8)),
                "--to", iso(at(16, 9)), "--format", "csv"]
        rows = self.csv_rows(*args)
        self.assertEqual(list(rows[0]), ["number", "companions", "checked_in",
                                         "checked_out", "stay_end", "received",
                                         "code", "venue"])
        self.assertEqual([(r["number"], r["companions"], r["checked_in"],
                           r["checked_out"], r["stay_end"]) for r in rows], [
            (R, "0", iso(at(16, 7, 30)), "", iso(at(16, 8, 30))),
            (P, "2", iso(at(16, 8)), iso(at(16, 9)), iso(at(16, 9))),
            (O, "0", iso(at(16, 8, 10)), iso(at(16, 8, 20)), iso(at(16, 8, 20))),
            (Q, "1", iso(at(16, 8, 30)), iso(at(16, 8, 45)), iso(at(16, 8, 45))),
            (Q, "0", iso(at(16, 8, 50)), "", iso(at(16, 9, 50))),
        ])
        for r in rows:
            self.assertEqual((r["code"], r["venue"]), (code, "Quán Phở Bà Lan"))
            self.assertEqual(r["received"], iso(fromiso(r["checked_in"]) + 4))
        audit = self.audit(con)
        self.assertEqual(len(audit), 1)
        self.assert_audit(audit[0], "trace.venue", code, " ".join(args), 5)

        # A whole local day, the code grouped and as two words, epoch
        # seconds: every stay of the day, in order.
        for when in (["--from", "2021-09-16", "--to", "2021-09-16"],
                     ["--from", str(at(16, 0)), "--to", str(at(17, 0))],
                     ["--from", "2021-09-15T17:00:00Z",
                      "--to", "2021-09-16T17:00:00+0000"]):
            for form in ([v["A"]], v["A"].split()):
                rows = self.csv_rows("trace", "venue", *form, *when)
                self.assertEqual([r["number"] for r in rows],
                                 [U, R, P, O, Q, Q, S], (form, when))
        # B's name has a comma and quotes: CSV quotes it, csv reads it back.
        rows = self.csv_rows("trace", "venue", v["B"], "--from", "2021-09-16",
                             "--to", "2021-09-17")
        self.assertEqual([(r["number"], r["venue"]) for r in rows],
                         [(P, "Cà phê Góc, \"Nhỏ\""),
                          (R, "Cà phê Góc, \"Nhỏ\""),
                          (P, "Cà phê Góc, \"Nhỏ\"")])
        # Nobody at D: the header alone, still audited (0 records).
        rows = self.csv_rows("trace", "venue", v["D"], "--from", "2021-09-16",
                             "--to", "2021-09-17")
        self.assertEqual(rows, [])
        audit = self.audit(con)
        self.assertEqual(len(audit), 1 + 6 + 1 + 1)
        self.assertEqual(audit[-1][2:4], ("trace.venue", v["D"].replace(" ", "")))
        self.assertEqual(audit[-1][5], 0)

    def test_trace_person(self):
        v, con = self.dataset()
        args = ["trace", "person", "0912 000 001", "--from", "2021-09-16",
                "--to", "2021-09-16"]
        rows = self.csv_rows(*args)
        self.assertEqual(list(rows[0]), ["code", "venue", "ward", "address",
                                         "checked_in", "checked_out",
                                         "stay_end", "companions", "received"])
        self.assertEqual([(r["code"], r["venue"], r["ward"], r["address"],
                           r["checked_in"], r["checked_out"], r["stay_end"],
                           r["companions"]) for r in rows], [
            (v["A"].replace(" ", ""), "Quán Phở Bà Lan", "Hàng Bạc",
             "12 Hàng Bạc", iso(at(16, 8)), iso(at(16, 9)), iso(at(16, 9)), "2"),
            (v["B"].replace(" ", ""), "Cà phê Góc, \"Nhỏ\"", "Hàng Bạc",
             "3 Hàng Bạc", iso(at(16, 12)), "", iso(at(16, 13)), "0"),
        ])
        audit = self.audit(con)
        self.assert_audit(audit[0], "trace.person", P, " ".join(args), 2)
        # --to a day takes all of it, and no more.
        rows = self.csv_rows("trace", "person", P, "--from", "2021-09-16",
                             "--to", "2021-09-17")
        self.assertEqual([r["checked_in"] for r in rows],
                         [iso(at(16, 8)), iso(at(16, 12)), iso(at(17, 12))])
        rows = self.csv_rows("trace", "person", P, "--from", "2021-09-17",
                             "--to", "2021-09-17")
        self.assertEqual([r["checked_in"] for r in rows], [iso(at(17, 12))])
        # An open stay counts default_stay: still there at 12:59, not at 13:00.
        rows = self.csv_rows("trace", "person", P, "--from", iso(at(16, 12, 59)),
                             "--to", iso(at(16, 14)))
        self.assertEqual(len(rows), 1)
        rows = self.csv_rows("trace", "person", P, "--from", iso(at(16, 13)),
                             "--to", iso(at(16, 14)))
        self.assertEqual(rows, [])
        # JSON: typed values, null for an open stay's check-out.
        out, _ = self.ok("trace", "person", P, "--from", "2021-09-16",
                         "--to", "2021-09-16", "--format", "json")
        objs = json.loads(out)
        self.assertEqual([(o["companions"], o["checked_out"]) for o in objs],
                         [(2, iso(at(16, 9))), (0, None)])
        # text: a header, dashes, a line per row, all as wide.
        out, _ = self.ok("trace", "person", P, "--from", "2021-09-16",
                         "--to", "2021-09-16", "--format", "text")
        lines = out.splitlines()
        self.assertEqual(len(lines), 4)
        self.assertTrue(lines[0].startswith("code"))
        self.assertRegex(lines[1], r"^-+( +-+)+$")
        self.assertEqual(len(self.audit(con)), 7)
        self.assertEqual({r[3] for r in self.audit(con)}, {P})

    def test_trace_contacts(self):
        v, con = self.dataset()
        a, b = (v[k].replace(" ", "") for k in "AB")
        expect = [(R, a, at(16, 8), at(16, 8, 30), "30"),
                  (O, a, at(16, 8, 10), at(16, 8, 20), "10"),
                  (Q, a, at(16, 8, 30), at(16, 8, 45), "15"),
                  (Q, a, at(16, 8, 50), at(16, 9), "10"),
                  (R, b, at(16, 12, 30), at(16, 13), "30")]
        for to in ("2021-09-16", "2021-09-17"):
            args = ["trace", "contacts", P, "--from", "2021-09-16", "--to", to]
            rows = self.csv_rows(*args)
            self.assertEqual([(r["number"], r["code"], r["overlap_from"],
                               r["overlap_to"], r["overlap_minutes"])
                              for r in rows],
                             [(n, c, iso(f), iso(t), m)
                              for n, c, f, t, m in expect], to)
            self.assertEqual({r["contact_of"] for r in rows}, {P})
            self.assert_audit(self.audit(con)[-1], "trace.contacts", P,
                              " ".join(args), 5)
        # Only P's stay at B is in the afternoon.
        rows = self.csv_rows("trace", "contacts", P, "--from", iso(at(16, 11)),
                             "--to", iso(at(16, 18)))
        self.assertEqual([(r["number"], r["code"]) for r in rows], [(R, b)])
        # S's stay at A began when P's ended (no contact) and overlapped
        # Q's open one; at C nobody else.
        rows = self.csv_rows("trace", "contacts", S, "--from", "2021-09-16",
                             "--to", "2021-09-16")
        self.assertEqual([(r["number"], r["overlap_from"], r["overlap_to"],
                           r["overlap_minutes"], r["contact_of"])
                          for r in rows],
                         [(Q, iso(at(16, 9)), iso(at(16, 9, 50)), "50", S)])
        self.assertEqual(self.audit(con)[-1][3:], (S, " ".join([
            "trace", "contacts", S, "--from", "2021-09-16", "--to",
            "2021-09-16"]), 1))
        # U left A before anyone came.
        rows = self.csv_rows("trace", "contacts", U, "--from", "2021-09-16",
                             "--to", "2021-09-16")
        self.assertEqual(rows, [])
        self.assertEqual(self.audit(con)[-1][3:5], (U, " ".join([
            "trace", "contacts", U, "--from", "2021-09-16", "--to",
            "2021-09-16"])))
        self.assertEqual(self.audit(con)[-1][5], 0)

    def test_trace_default_format(self):
        # Into a pipe, CSV; --format overrides.
        v, con = self.dataset()
        out, _ = self.ok("trace", "venue", v["A"], "--from", "2021-09-16",
                         "--to", "2021-09-17")
        self.assertTrue(out.startswith("\ufeffnumber,companions,"), out[:40])
        out, _ = self.ok("trace", "venue", v["A"], "--from=2021-09-16",
                         "--to=2021-09-17", "--format=json")
        self.assertEqual(len(json.loads(out)), 7)

    def test_trace_errors(self):
        v, con = self.dataset()
        day = ["--from", "2021-09-16", "--to", "2021-09-17"]
        for args in (["trace", "venue", v["A"], "--from", "2021-09-16"],
                     ["trace", "venue", v["A"], "--to", "2021-09-16"],
                     ["trace", "venue", "--from", "2021-09-16", "--to",
                      "2021-09-17"],
                     ["trace", "venue", v["A"], "--from", "2021-09-17",
                      "--to", "2021-09-16"],
                     ["trace", "venue", v["A"], "--from", iso(at(16, 8)),
                      "--to", iso(at(16, 8))],
                     ["trace", "venue", v["A"], "--from", "yesterday",
                      "--to", "2021-09-16"],
                     ["trace", "venue", v["A"], "--from", "2021-02-30",
                      "--to", "2021-09-16"],
                     ["trace", "venue", v["A"], "--from", "2021-9-16",
                      "--to", "2021-09-17"],
                     ["trace", "venue", v["A"], "--from",
                      "2021-09-16T08:00:00", "--to", "2021-09-17"],
                     ["trace", "venue", v["A"], "--format", "xml"] + day,
                     ["trace", "venue", v["A"], "--colour", "red"] + day,
                     ["trace", "person", P, Q] + day,
                     ["trace", "person"] + day,
                     ["trace", "contacts", P, "--from"],
                     ["trace", "people", P] + day,
                     ["trace"]):
            rc, out, err = self.run_ctl(*args)
            self.assertEqual(rc, 2, "%r: %r" % (args, err))
            self.assertEqual(out, "", args)
            self.assertIn("usage:", err, args)
        other = unused_code({c.replace(" ", "") for c in v.values()})
        for args, msg in ((["trace", "venue", other] + day, "no venue"),
                          (["trace", "venue", "12a4567"] + day,
                           "not a venue code"),
                          (["trace", "person", "abc"] + day,
                           "not a phone number"),
                          (["trace", "contacts", "12"] + day,
                           "not a phone number")):
            rc, out, err = self.run_ctl(*args)
            self.assertEqual(rc, 1, "%r: %r" % (args, err))
            self.assertEqual(out, "", args)
            self.assertIn(msg, err, args)
        self.assertEqual(self.audit(con), [])

    # -- reports --------------------------------------------------------

    def test_report_wards(self):
        v, con = self.dataset()
        rows = self.csv_rows("report", "wards", "--from", "2021-09-16",
                             "--to", "2021-09-16")
        self.assertEqual(list(rows[0]), ["ward", "venues", "venues_used",
                                         "share", "checkins", "visitors",
                                         "flagged"])
        self.assertEqual([tuple(r.values()) for r in rows], [
            ("Cửa Nam", "1", "0", "0.0", "0", "0", "0"),
            ("Hàng Bạc", "2", "2", "100.0", "9", "6", "2"),
            ("Hàng Gai", "2", "1", "50.0", "1", "1", "0"),
        ])
        rows = self.csv_rows("report", "wards", "--from", "2021-09-16",
                             "--to", "2021-09-18")
        # Visitors over several days are ward-days: 6 on the 16th, and the
        # one who came back on the 17th counts again.
        self.assertEqual([tuple(r.values()) for r in rows], [
            ("Cửa Nam", "1", "0", "0.0", "0", "0", "0"),
            ("Hàng Bạc", "2", "2", "100.0", "10", "7", "2"),
            ("Hàng Gai", "2", "1", "50.0", "1", "1", "1"),
        ])
        rows = self.csv_rows("report", "wards", "--from", "2021-09-17",
                             "--to", "2021-09-17")
        self.assertEqual([tuple(r.values())[:5] for r in rows], [
            ("Cửa Nam", "1", "0", "0.0", "0"),
            ("Hàng Bạc", "2", "1", "50.0", "1"),
            ("Hàng Gai", "2", "0", "0.0", "0"),
        ])
        out, _ = self.ok("report", "wards", "--from", "2021-09-16", "--to",
                         "2021-09-16", "--format", "json")
        self.assertEqual(json.loads(out)[1], {
            "ward": "Hàng Bạc", "venues": 2, "venues_used": 2, "share": 100.0,
            "checkins": 9, "visitors": 6, "flagged": 2})
        out, _ = self.ok("report", "wards", "--from", "2021-09-16", "--to",
                         "2021-09-16", "--format", "text")
        lines = out.splitlines()
        self.assertEqual(len(lines), 5)
        self.assertEqual(len({len(l) for l in lines}), 1, lines)
        # Figures, not personal data: no audit.
        self.assertEqual(self.audit(con), [])
        for args in (["report", "wards"],
                     ["report", "wards", "--from", "2021-09-16"],
                     ["report", "wards", "--from", "2021-09-16", "--to",
                      "2021-09-17", "extra"],
                     ["report", "regions"], ["report"]):
            rc, out, err = self.run_ctl(*args)
            self.assertEqual(rc, 2, "%r: %r" % (args, err))
            self.assertIn("usage:", err)

    def test_report_inactive(self):
        now = int(time.time())
        busy = self.add("Quán Bún Chả", "--ward", "Hàng Bạc")
        quiet = self.add("Tiệm May Đo", "--ward", "Hàng Bạc",
                         "--address", "7 Hàng Bạc", "--owner", "0987654321",
                         "--kind", "shop")
        never = self.add("Hiệu Sách Cũ", "--ward", "Cửa Nam")
        closed = self.add("Quán Đóng Cửa", "--ward", "Cửa Nam")
        self.ok("venue", "deactivate", closed)
        con = self.con()
        # Today, even in the first hour after local midnight.
        self.checkin(con, self.venue_id(con, busy), P,
                     max(now - 3600, harness.local_midnight(0, now)))
        self.checkin(con, self.venue_id(con, quiet), Q, now - 10 * 86400)
        con.commit()

        args = ["report", "inactive"]
        rows = self.csv_rows(*args)
        self.assertEqual(list(rows[0]), ["code", "venue", "address", "ward",
                                         "kind", "owner", "last_checkin"])
        self.assertEqual([tuple(r.values()) for r in rows], [
            (never.replace(" ", ""), "Hiệu Sách Cũ", "", "Cửa Nam", "default",
             "", ""),
            (quiet.replace(" ", ""), "Tiệm May Đo", "7 Hàng Bạc", "Hàng Bạc",
             "shop", "+84987654321", iso(now - 10 * 86400)),
        ])
        self.assert_audit(self.audit(con)[0], "report.inactive", None,
                          "report inactive", 2)
        rows = self.csv_rows("report", "inactive", "--days", "30")
        self.assertEqual([r["code"] for r in rows], [never.replace(" ", "")])
        self.assert_audit(self.audit(con)[1], "report.inactive", None,
                          "report inactive --days 30", 1)
        rows = self.csv_rows("report", "inactive", "--days", "1")
        self.assertEqual(len(rows), 2)
        for bad in ("0", "-1", "x", "3651"):
            rc, _, err = self.run_ctl("report", "inactive", "--days", bad)
            self.assertEqual(rc, 2, bad)
            self.assertIn("usage:", err)
        self.assertEqual(len(self.audit(con)), 3)

    # -- alerts ---------------------------------------------------------

    def outbox(self, con):
        return con.execute("SELECT route, number, text, state, attempts, "
                           "expires_at, inbound_id FROM outbox ORDER BY number"
                           ).fetchall()

    def test_alert_dry_run(self):
        v, con = self.dataset()
        code = v["A"].replace(" ", "")
        args = ["alert", v["A"], "--from", "2021-09-16", "--to", "2021-09-16",
                "--text", "Bạn đã ở Quán Phở Bà Lan ngày 16/9: hãy xét nghiệm.",
                "--dry-run"]
        out, _ = self.ok(*args)
        self.assertEqual(out, "would queue 5\n")        # O opted out
        self.assert_audit(self.audit(con)[0], "alert.dry_run", code, " ".join(args), 5)
        out, _ = self.ok("alert", code, "--from", iso(at(16, 8)), "--to",
                         iso(at(16, 9)), "--text", "x", "--dry-run")
        self.assertEqual(out, "would queue 3\n")        # R, P, Q
        out, _ = self.ok("alert", v["E"], "--from", "2021-09-16", "--to",
                         "2021-09-16", "--text", "x", "--dry-run")
        self.assertEqual(out, "would queue 0\n")
        self.assertEqual(self.outbox(con), [])
        self.assertEqual(len(self.audit(con)), 3)

    def test_alert_queues_distinct_opted_in_numbers(self):
        v, con = self.dataset()
        text = "Bạn đã ở Quán Phở Bà Lan ngày 16/9: hãy xét nghiệm."
        # -d only: the configuration's routes are unknown.
        rc, out, err = self.run_ctl("alert", v["A"], "--from", "2021-09-16",
                                    "--to", "2021-09-16", "--text", text)
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        self.assertIn("no route: give --route or -c", err)
        self.assertEqual(self.outbox(con), [])
        self.assertEqual(self.audit(con), [])

        args = ["alert", v["A"], "--from", "2021-09-16", "--to", "2021-09-16",
                "--text", "  " + text + "\n", "--route", "kannel"]
        out, _ = self.ok(*args)
        self.assertEqual(out, "queued 5\n")
        self.assertEqual(self.outbox(con), [
            ("kannel", n, text, QUEUED, 0, 0, None) for n in sorted([P, Q, R, S, U])])
        # The query as typed, control characters made spaces.
        self.assert_audit(self.audit(con)[0], "alert", v["A"].replace(" ", ""),
                          " ".join(args).replace("\n", " "), 5)
        # Queued now, for the daemon to send.
        row = con.execute("SELECT min(created_at), max(next_at) FROM outbox"
                          ).fetchone()
        self.assertLessEqual(abs(row[0] - time.time()), harness.stretch(30))
        self.assertLessEqual(row[1], time.time() + 1)

    def test_alert_routes_from_config(self):
        v, con = self.dataset()
        conf = self.write("checkind.conf", """
database = "%s";
default_stay = 1800;
inbound = ( { name = "t"; format = "json"; path = "/sms/json"; reply = "outbox"; } );
routes = (
  { name = "viettel"; driver = "null"; prefixes = [ "+84912000001", "+84912000003" ]; },
  { name = "other"; driver = "null"; }
);
outbox = { default_route = "other"; };
""" % self.db)
        rc, out, err = self.run_ctl("-c", conf, "alert", v["A"], "--from",
                                    "2021-09-16", "--to", "2021-09-16",
                                    "--text", "x", "--route", "nowhere",
                                    db=False)
        self.assertEqual(rc, 1)
        self.assertIn("no route nowhere", err)
        # default_stay 1800 from the file: R's open stay ends 08:00, before P.
        rc, out, err = self.run_ctl("-c", conf, "alert", v["A"], "--from",
                                    iso(at(16, 8)), "--to", iso(at(16, 9)),
                                    "--text", "Xét nghiệm ngay", db=False)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "queued 2\n")
        self.assertEqual([(r[0], r[1]) for r in self.outbox(con)],
                         [("viettel", P), ("other", Q)])

    def test_alert_errors(self):
        v, con = self.dataset()
        day = ["--from", "2021-09-16", "--to", "2021-09-16"]
        for args in (["alert", v["A"]] + day,
                     ["alert", v["A"], "--text", "x"],
                     ["alert", "--text", "x"] + day,
                     ["alert", v["A"], "--text", "x", "--format", "csv"] + day,
                     ["alert", v["A"], "--text"]):
            rc, out, err = self.run_ctl(*args)
            self.assertEqual(rc, 2, "%r: %r" % (args, err))
            self.assertIn("usage:", err)
        for text, msg in (("", "empty"), ("   ", "empty"),
                          ("a\x1bb", "control"), ("Xét nghiệm " * 60, "SMS"),
                          ("x" * 1025, "longer")):
            rc, out, err = self.run_ctl("alert", v["A"], "--text", text,
                                        "--route", "kannel", *day)
            self.assertEqual(rc, 1, "%r: %r" % (text, err))
            self.assertIn(msg, err)
        rc, _, err = self.run_ctl("alert", "1234", "--text", "x", "--route",
                                  "kannel", *day)
        self.assertEqual(rc, 1)
        self.assertIn("no venue", err)
        self.assertEqual(self.outbox(con), [])
        self.assertEqual(self.audit(con), [])

    # -- retention ------------------------------------------------------

    def purge_dataset(self, old_checkins=3):
        """Rows 40 days old and 1 day old; returns the database."""
        now = int(time.time())
        old, young = now - 40 * 86400, now - 86400
        a = self.add("Quán Phở Bà Lan", "--ward", "Hàng Bạc")
        con = self.con()
        vid = self.venue_id(con, a)
        for i in range(old_checkins):
            self.checkin(con, vid, "+8491200%04d" % i, old + i)
        for n in (P, Q):
            self.checkin(con, vid, n, young)
        for t in (old, old + 1, young):
            con.execute("INSERT INTO inbound (channel, ext_id, number, text,"
                        " received_at) VALUES ('test', ?, ?, 'CI 123', ?)",
                        ("m%d" % t, P, t))
        for state, t in ((SENT, old), (QUEUED, old), (DELIVERED, young)):
            con.execute("INSERT INTO outbox (route, number, text, state, "
                        "created_at, next_at, updated_at) VALUES "
                        "('kannel', ?, 'Cảm ơn', ?, ?, ?, ?)",
                        (P, state, t, t, t))
        self.declaration(con, P, vid, old, answer_flagged=0)
        con.execute("INSERT INTO answers (declaration_id, question, answer,"
                    " flagged, answered_at) SELECT max(id), 'cough', 'KHONG',"
                    " 0, ? FROM declarations", (old,))
        self.declaration(con, Q, vid, young, answer_flagged=0)
        con.commit()
        return con

    def counts(self, con):
        return {t: con.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
                for t in ("checkins", "inbound", "outbox", "declarations",
                          "answers", "daily_stats")}

    def test_purge(self):
        con = self.purge_dataset()
        before = self.counts(con)
        stats = con.execute("SELECT * FROM daily_stats ORDER BY day").fetchall()
        self.assertEqual(before, {"checkins": 5, "inbound": 3, "outbox": 3,
                                  "declarations": 2, "answers": 3,
                                  "daily_stats": 2})
        # 3 check-ins, 2 inbound, 1 settled outbox row (the queued one
        # stays), 1 declaration and its 2 answers.
        out, err = self.ok("purge", "--dry-run")
        self.assertRegex(out, r"^would purge 9 rows older than "
                              r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00\n$")
        cut = fromiso(out.split()[-1])
        self.assertLessEqual(abs(cut - (time.time() - 28 * 86400)), harness.stretch(30))
        self.assertEqual(self.counts(con), before)
        out, err = self.ok("purge")
        self.assertRegex(out, r"^purged 9 rows older than ")
        self.assertNotIn("\r", err)             # no progress in a pipe
        self.assertEqual(self.counts(con), {"checkins": 2, "inbound": 1,
                                            "outbox": 2, "declarations": 1,
                                            "answers": 1, "daily_stats": 2})
        self.assertEqual(con.execute("SELECT state FROM outbox ORDER BY id"
                                     ).fetchall(), [(QUEUED,), (DELIVERED,)])
        self.assertEqual(con.execute("SELECT * FROM daily_stats ORDER BY day"
                                     ).fetchall(), stats)
        out, _ = self.ok("purge", "--dry-run")
        self.assertRegex(out, r"^would purge 0 rows ")
        out, _ = self.ok("purge")
        self.assertRegex(out, r"^purged 0 rows ")
        # --before: the young rows go too.
        out, _ = self.ok("purge", "--before", iso(int(time.time()) - 3600))
        self.assertRegex(out, r"^purged 6 rows ")
        self.assertEqual(self.counts(con), {"checkins": 0, "inbound": 0,
                                            "outbox": 1, "declarations": 0,
                                            "answers": 0, "daily_stats": 2})
        # The ward report still counts the purged days from daily_stats.
        today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 3600))
        rows = self.csv_rows("report", "wards", "--from", "2000-01-01",
                             "--to", today)
        self.assertEqual([(r["ward"], r["checkins"], r["visitors"])
                          for r in rows], [("Hàng Bạc", "5", "5")])

    def test_purge_in_chunks(self):
        con = self.purge_dataset(old_checkins=1234)
        out, _ = self.ok("purge", "--dry-run")
        self.assertRegex(out, r"^would purge 1240 rows ")
        out, _ = self.ok("purge")
        self.assertRegex(out, r"^purged 1240 rows ")
        self.assertEqual(self.counts(con)["checkins"], 2)

    def test_purge_retention_from_config(self):
        now = int(time.time())
        a = self.add("Quán Phở Bà Lan", "--ward", "Hàng Bạc")
        con = self.con()
        vid = self.venue_id(con, a)
        for days in (5, 15, 30):
            self.checkin(con, vid, P, now - days * 86400)
        con.commit()
        conf = self.write("checkind.conf", """
database = "%s";
retention_days = 10;
inbound = ( { name = "t"; format = "json"; path = "/sms/json"; } );
""" % self.db)
        rc, out, err = self.run_ctl("-c", conf, "purge", db=False)
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"^purged 2 rows ")
        self.assertEqual(con.execute("SELECT sent_at FROM checkins").fetchall(),
                         [(now - 5 * 86400,)])

    def test_purge_errors(self):
        future = iso(int(time.time()) + 86400)
        for args in (["purge", "--before", future], ["purge", "--before", "x"],
                     ["purge", "--before"], ["purge", "now"],
                     ["purge", "--all"]):
            rc, out, err = self.run_ctl(*args)
            self.assertEqual(rc, 2, "%r: %r" % (args, err))
            self.assertIn("usage:", err)
            self.assertEqual(out, "")

    # -- tokens ---------------------------------------------------------

    def test_token(self):
        seen = set()
        for name, role in (("ward-hang-bac", "tracer"), ("so_y_te.1", "admin"),
                           ("ward-hang-bac", "tracer")):
            rc, out, err = self.run_ctl("token", name, role, db=False)
            self.assertEqual(rc, 0, err)
            lines = out.split("\n")
            self.assertEqual(len(lines), 3, out)
            self.assertEqual(lines[2], "")
            token = lines[0]
            self.assertRegex(token, r"^[A-Za-z0-9_-]{43}$")
            self.assertEqual(len(base64.urlsafe_b64decode(token + "=")), 32)
            self.assertEqual(lines[1], '{ name = "%s"; role = "%s"; sha256 = '
                             '"%s"; }' % (name, role, hashlib.sha256(
                                 token.encode()).hexdigest()))
            self.assertIn("shown once", err)
            self.assertNotIn(token, err)
            seen.add(token)
        self.assertEqual(len(seen), 3)
        self.assertFalse(self.db_exists())   # no database needed
        for args in (["token"], ["token", "x"], ["token", "x", "root"],
                     ["token", "x", "tracer", "y"], ["token", "-x", "tracer"]):
            rc, out, err = self.run_ctl(*args, db=False)
            self.assertEqual(rc, 2, "%r: %r" % (args, err))
            self.assertEqual(out, "")
            self.assertIn("usage:", err)
        for name in ('a"b', "", "a b", "x" * 65, "Phường"):
            rc, out, err = self.run_ctl("token", name, "admin", db=False)
            self.assertEqual(rc, 1, name)
            self.assertEqual(out, "")

    def test_token_in_config(self):
        # The line checkinctl prints is a valid admin.tokens entry.
        rc, out, err = self.run_ctl("token", "tracer-1", "tracer", db=False)
        self.assertEqual(rc, 0, err)
        entry = out.split("\n")[1].rstrip(",")
        conf = self.write("checkind.conf", """
database = "%s";
inbound = ( { name = "t"; format = "json"; path = "/sms/json"; } );
admin = { listen = "127.0.0.1:18081"; tokens = ( %s ); };
""" % (self.db, entry))
        rc, out, err = self.run_ctl("-c", conf, "venue", "list", db=False)
        self.assertEqual(rc, 0, err)

    # -- the command line -----------------------------------------------

    def test_usage(self):
        for args in ([], ["-h"], ["frobnicate"], ["venue"],
                     ["venue", "frobnicate"], ["-x", "venue", "list"],
                     ["-d"], ["outbox"], ["outbox", "purge"]):
            rc, out, err = self.run_ctl(*args, db=False)
            self.assertEqual(rc, 2, "%r: %r" % (args, err))
            self.assertEqual(out, "", args)
            self.assertIn("usage:", err, args)
        rc, _, err = self.run_ctl("-h", db=False)
        for cmd in ("venue add", "venue list", "venue show", "venue import",
                    "venue deactivate", "outbox list", "outbox show",
                    "outbox retry", "outbox cancel", "outbox stats",
                    "trace venue", "trace person", "trace contacts",
                    "report wards", "report inactive", "alert", "purge",
                    "token"):
            self.assertRegex(err, r"\n    %s( |\n)" % cmd)
        rc, _, err = self.run_ctl("frobnicate")
        self.assertEqual(rc, 2)
        self.assertIn("unknown command", err)
        for cmd in (["outbox", "list"], ["outbox", "show"],
                    ["outbox", "retry"], ["outbox", "cancel"],
                    ["outbox", "stats"], ["venue", "list"],
                    ["trace", "venue"], ["trace", "person"],
                    ["trace", "contacts"], ["report", "wards"],
                    ["report", "inactive"], ["alert"], ["purge"],
                    ["token"]):
            for opt in ("-h", "--help"):
                rc, out, err = self.run_ctl(*cmd, opt)
                self.assertEqual(rc, 2, "%r: %r" % (cmd, err))
                self.assertEqual(out, "")
                self.assertIn("usage: checkinctl %s" % " ".join(cmd), err)
        self.assertFalse(self.db_exists())

    def test_database_override_needs_no_config(self):
        # -d alone: no configuration file is read, even if none exists.
        rc, out, err = self.run_ctl("venue", "list")
        self.assertEqual(rc, 0, err)
        self.assertTrue(self.db_exists())


if __name__ == "__main__":
    # The harness's watchdog: no checkinctl hangs the suite.
    harness.main(300)
