"""Per-number limits: a flood and an auto-reply robot are stored, not answered.

limits.messages_per_minute caps what one number gets answered in a minute;
limits.repeats cuts a loop with a robot that answers every reply with the
same text; limits.replies_per_hour caps the rest. Answers to a pending
declaration question are only held to the flood limit. What is over a
limit is still stored, and counted in checkind_unanswered_messages_total.
"""

import harness
from harness import e164


def unanswered(d, reason):
    st, h, b = d.admin_http("GET", "/metrics")
    assert st == 200, b
    m = harness.parse_metrics(b.decode("utf-8"))
    return sum(v for (n, labels), v in m.items()
               if n == "checkind_unanswered_messages_total" and ("reason", reason) in labels)


class FloodTest(harness.AdminCase):
    extra = """
limits = { messages_per_minute = 5; replies_per_hour = 0; repeats = 0; };
help_interval = 0;
"""

    def venues(self):
        self.codes = [self.d.add_venue("Quan %d" % i, "Hang Bac") for i in range(8)]

    def test_flood_stored_not_answered(self):
        n = "0912000501"
        answered = [len(self.sms(n, self.codes[i])) > 0 for i in range(8)]
        self.assertEqual(answered, [True] * 5 + [False] * 3)
        # Every message is kept: the first five made check-ins, the rest are inbound rows.
        self.assertEqual(self.d.count("inbound", "number = ?", (e164(n),)), 8)
        self.assertEqual(self.d.count("checkins", "number = ?", (e164(n),)), 5)
        self.assertEqual(self.d.count("inbound", "number = ? AND replies IS NULL",
                                      (e164(n),)), 3)
        self.assertEqual(unanswered(self.d, "rate_limited"), 3)
        # Another number is not held back by the first one's flood.
        self.assertTrue(self.sms("0912000502", self.codes[0]))
        info = [l for l in self.d.log().splitlines() if "level=debug" not in l]
        self.assertEqual([l for l in info if e164(n)[3:] in l], [], "a number logged")


class LoopTest(harness.AdminCase):
    extra = """
limits = { messages_per_minute = 100; replies_per_hour = 6; repeats = 3; };
help_interval = 0;
"""

    def venues(self):
        self.pho = self.d.add_venue("Pho Thin", "Hang Bac")

    def test_robot_repeating_itself(self):
        robot = "0912000601"
        auto = "Toi dang ban, se goi lai cho ban sau. (tin nhan tu dong)"
        got = [len(self.sms(robot, auto)) for _ in range(6)]
        self.assertEqual([g > 0 for g in got], [True] * 3 + [False] * 3, got)
        self.assertEqual(self.d.count("inbound", "number = ?", (e164(robot),)), 6)
        self.assertEqual(unanswered(self.d, "loop_cut"), 3)
        # The same number texting a venue code is still a check-in: not the same text.
        self.assertTrue(self.sms(robot, self.pho))

    def test_declaration_answers_not_cut(self):
        n = "0912000602"
        r = self.sms(n, self.pho)
        self.assertEqual(len(r), 2, r)
        # The three questions answered "2", "2", then a text: each answer is answered.
        for _ in range(2):
            self.assertTrue(self.sms(n, "2"))
        self.assertTrue(self.sms(n, "Gia Lam - Hoan Kiem"))
        self.assertEqual(self.d.count("declarations", "completed_at IS NOT NULL"), 1)
        self.assertEqual(unanswered(self.d, "loop_cut"), 0)

    def test_replies_per_hour(self):
        n = "0912000603"
        texts = ["cau hoi %d" % i for i in range(8)]
        got = [len(self.sms(n, t)) > 0 for t in texts]
        self.assertEqual(got, [True] * 6 + [False] * 2)
        self.assertEqual(unanswered(self.d, "loop_cut"), 2)


if __name__ == "__main__":
    harness.main(120)
