"""Strict HTTP framing on both listeners (issue 21 "Security", item 5),
src/chan/httpd.c.

evhttp alone takes the first of two Content-Length headers, reads "+43" as
43, ignores a Transfer-Encoding it does not know and joins folded lines;
behind a proxy that frames otherwise, a request hides in another's body.
Each case here sends one bad request with a second, smuggled one behind
it, on a raw socket, to the webhook (/sms/json) and to the admin listener
(POST /api/venues). Each must get 400 with a one-line reason, the
connection must close, the smuggled request must never be answered, and
nothing may be stored. Two identical Content-Length headers are refused
too. Good framing (a chunked body, pipelined requests) still works.
"""

import json
import socket

import harness


def exchange(port, data, timeout=harness.stretch(10)):
    """Send data, read until the server closes: the list of (status, body)
    answers found, and whether the server closed within the timeout."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        closed = True
        try:
            resp = harness.read_all(s)
        except socket.timeout:
            closed = False
            resp = b""
    finally:
        s.close()
    answers = []
    for part in resp.split(b"HTTP/1.")[1:]:
        head, _, body = part.partition(b"\r\n\r\n")
        answers.append((int(head.split(b" ", 2)[1]), body))
    return answers, closed, resp


def chunked(body):
    return b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)


class FramingCase:
    """Shared by the webhook and admin cases: request(headers, body) builds
    one request; stored() counts what a request that got through stores."""

    def smuggled(self):
        return self.request(b"Content-Length: %d\r\n" % len(self.body2), self.body2)

    def assertRefused(self, headers, body, why):
        data = self.request(headers, body) + self.smuggled()
        answers, closed, resp = exchange(self.port(), data)
        self.assertTrue(answers, "no answer at all: %r" % resp)
        self.assertEqual(len(answers), 1, "more than one answer (smuggled "
                         "request answered): %r" % resp)
        st, text = answers[0]
        self.assertEqual(st, 400, resp)
        self.assertIn(why.encode(), text, resp)
        self.assertEqual(text.count(b"\n"), 1, "not one line: %r" % text)
        self.assertTrue(closed, "connection left open")
        self.assertEqual(self.stored(), 0, "a refused request stored something")

    def test_two_different_lengths(self):
        self.assertRefused(b"Content-Length: %d\r\nContent-Length: %d\r\n" % (
            len(self.body), len(self.body) + len(self.smuggled())), self.body,
            "Content-Length given more than once")

    def test_two_equal_lengths(self):
        self.assertRefused(b"Content-Length: %d\r\nContent-Length: %d\r\n" % (
            len(self.body), len(self.body)), self.body,
            "Content-Length given more than once")

    def test_signed_length(self):
        self.assertRefused(b"Content-Length: +%d\r\n" % len(self.body), self.body,
                           "Content-Length is not a number")

    def test_space_inside_length(self):
        n = b"%d" % len(self.body)
        self.assertRefused(b"Content-Length: " + n[:1] + b" " + n[1:] + b"\r\n",
                           self.body, "Content-Length is not a number")

    def test_nondigit_length(self):
        self.assertRefused(b"Content-Length: %dx\r\n" % len(self.body), self.body,
                           "Content-Length is not a number")

    def test_overflowing_length(self):
        self.assertRefused(b"Content-Length: 18446744073709551616%d\r\n"
                           % len(self.body), self.body,
                           "Content-Length is not a number")

    def test_gzip_chunked(self):
        self.assertRefused(b"Transfer-Encoding: gzip, chunked\r\n",
                           chunked(self.body), "Transfer-Encoding other than chunked")

    def test_two_codings(self):
        self.assertRefused(b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                           chunked(self.body), "Transfer-Encoding given more than once")

    def test_coding_with_length(self):
        body = chunked(self.body)
        self.assertRefused(b"Transfer-Encoding: chunked\r\nContent-Length: %d\r\n"
                           % len(body), body, "Transfer-Encoding with Content-Length")

    def test_length_with_coding(self):
        self.assertRefused(b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n"
                           % len(self.body), self.body,
                           "Transfer-Encoding with Content-Length")

    def test_folded_header(self):
        self.assertRefused(b"X-Note: one\r\n two\r\nContent-Length: %d\r\n"
                           % len(self.body), self.body, "obsolete line folding")

    def test_folded_length(self):
        n = b"%d" % len(self.body)
        self.assertRefused(b"Content-Length: " + n[:1] + b"\r\n\t" + n[1:] + b"\r\n",
                           self.body, "obsolete line folding")

    def test_space_before_colon(self):
        self.assertRefused(b"Content-Length : %d\r\n" % len(self.body), self.body,
                           "whitespace between a header's name and colon")

    def test_bad_framing_before_the_body(self):
        """Refused as soon as the headers end, not after a body that never comes."""
        data = self.request(b"Content-Length: 10\r\nContent-Length: 20\r\n", b"")
        answers, closed, resp = exchange(self.port(), data)
        self.assertEqual([a[0] for a in answers], [400], resp)
        self.assertIn(b"Content-Length given more than once", resp)
        self.assertTrue(closed)

    def test_good_framing(self):
        """A chunked body and two pipelined requests are all answered."""
        data = (self.request(b"Transfer-Encoding: chunked\r\n", chunked(self.body),
                             close=False) + self.smuggled())
        answers, closed, resp = exchange(self.port(), data)
        self.assertEqual([a[0] for a in answers], [self.good] * 2, resp)
        self.assertEqual(self.stored(), 2)


class WebhookFramingTest(FramingCase, harness.TestCase):
    good = 200

    def setUp(self):
        harness.TestCase.setUp(self)
        self.body = self.sms("0912000001", "one")
        self.body2 = self.sms("0912000002", "two")

    def sms(self, frm, text):
        return json.dumps({"from": frm, "to": harness.SHORT, "text": text,
                           "id": "framing-" + frm}).encode()

    def port(self):
        return self.d.port

    def request(self, headers, body, close=False):
        return (b"POST /sms/json HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\n" + headers + b"\r\n" + body)

    def smuggled(self):
        return self.request(b"Content-Length: %d\r\nConnection: close\r\n"
                            % len(self.body2), self.body2)

    def stored(self):
        return self.d.count("inbound")


class AdminFramingTest(FramingCase, harness.AdminCase):
    good = 201

    def setUp(self):
        harness.AdminCase.setUp(self)
        self.body = json.dumps({"name": "Pho One", "ward": "Hang Bac"}).encode()
        self.body2 = json.dumps({"name": "Pho Two", "ward": "Hang Bac"}).encode()

    def port(self):
        return self.d.admin_port

    def request(self, headers, body, close=False):
        return (b"POST /api/venues HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Authorization: Bearer " + self.d.token("admin1").encode() +
                b"\r\nContent-Type: application/json\r\n" + headers + b"\r\n" + body)

    def smuggled(self):
        return self.request(b"Content-Length: %d\r\nConnection: close\r\n"
                            % len(self.body2), self.body2)

    def stored(self):
        return self.d.count("venues")


if __name__ == "__main__":
    harness.main(240)
