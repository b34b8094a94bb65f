"""tests/bench/smpp.py: submit_sm per second, checkind against the simulator's ceiling.

    python3 tests/bench/smpp.py [--rows N] [--window W] [--rate R] [--json FILE]

Environment as for the end-to-end tests: CHECKIND, CHECKINCTL,
CHECKIND_SRCDIR, PYTHONPATH=tests (scripts/bench smpp sets them).

1. The reference: a Python ESME in this process binds to the simulator
   (tests/smscsim.py, recording counts only) and blasts N submit_sm with
   a window of W outstanding: the simulator's own ceiling on this machine.
2. checkind: a daemon with one SMPP route (window W, rate R) bound to a
   fresh simulator; N rows are inserted into its outbox in one transaction
   (as another process would); measured from the first submit_sm the
   simulator reads to the last, and until every row is "sent".
The report gives both rates and their ratio.
"""

import argparse
import json
import os
import socket
import struct
import sys
import threading
import time

import harness
import smscsim


def reference(rows, window):
    """submit_sm/s a window-W client gets from the simulator."""
    smsc = smscsim.SMSC(record_text=False)
    try:
        s = socket.create_connection(("127.0.0.1", smsc.port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(smscsim.pdu(smscsim.BIND_TRANSCEIVER, 0, 1,
                              b"checkind\0pw\0\0\x34\0\0\0"))
        buf = b""
        while len(buf) < 16 or len(buf) < struct.unpack(">I", buf[:4])[0]:
            buf += s.recv(4096)
        buf = buf[struct.unpack(">I", buf[:4])[0]:]
        body = smscsim.sm_body("8088", "84913000000",
                               smscsim.encode("Thong bao: khai bao y te tai 1900 9095", 0),
                               0, 0, src_ton=3, src_npi=0, dst_ton=1, dst_npi=1)
        sent = answered = 0
        t0 = time.monotonic()
        while answered < rows:
            burst = []
            while sent < rows and sent - answered < window:
                sent += 1
                burst.append(smscsim.pdu(smscsim.SUBMIT_SM, 0, sent + 1, body))
            if burst:
                s.sendall(b"".join(burst))
            data = s.recv(65536)
            if not data:
                raise RuntimeError("simulator closed the connection")
            buf += data
            while len(buf) >= 16:
                n = struct.unpack(">I", buf[:4])[0]
                if len(buf) < n:
                    break
                if struct.unpack(">I", buf[4:8])[0] == smscsim.SUBMIT_SM_RESP:
                    answered += 1
                buf = buf[n:]
        elapsed = time.monotonic() - t0
        s.close()
        return rows / elapsed, elapsed
    finally:
        smsc.stop()


def cpu_seconds(pid):
    """User and system CPU seconds process pid has used so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def checkind(rows, window, rate):
    """submit_sm/s checkind sends from its outbox; (rate, seconds, seconds to all sent)."""
    smsc = smscsim.SMSC(record_text=False)
    route = harness.route_conf(
        "smsc1", "smpp", host="127.0.0.1", port=smsc.port, system_id="checkind",
        password="pw", window=window, rate=float(rate), timeout=30)
    d = harness.Daemon(extra=harness.outbound_conf([route], default_route="smsc1"),
                       questions=harness.NO_QUESTIONS, name="bench-smpp")
    try:
        d.__enter__()
        d.start()
        if not smsc.wait_bound(10):
            raise RuntimeError("no bind; log:\n" + harness.tail(d.logpath))
        text = "Thong bao %d: khai bao y te tai 1900 9095"
        cpu0 = cpu_seconds(d.proc.pid)
        t0 = time.monotonic()
        d.outbox_add([{"route": "smsc1", "number": "+849130%05d" % i, "text": text % i}
                      for i in range(rows)])
        if not smsc.wait_submits(rows, 600):
            raise RuntimeError("%d of %d submits; log:\n%s" % (
                smsc.nsubmits, rows, harness.tail(d.logpath)))
        d.wait_outbox("state = %d" % harness.OUTBOX_SENT, (), rows, 120)
        t_sent = time.monotonic() - t0
        span = smsc.last_t - smsc.first_t
        cpu = cpu_seconds(d.proc.pid) - cpu0
        d.stop()
        return (rows - 1) / span, span, t_sent, cpu
    finally:
        d.__exit__(None, None, None)
        smsc.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--window", type=int, default=64)
    ap.add_argument("--rate", type=float, default=10000.0)
    ap.add_argument("--json", help="write the report here too")
    a = ap.parse_args()
    harness.watchdog(1200)
    ref, ref_s = reference(a.rows, a.window)
    got, span, t_sent, cpu = checkind(a.rows, a.window, a.rate)
    report = {"rows": a.rows, "window": a.window, "rate": a.rate,
              "reference_submit_per_s": round(ref, 1), "reference_seconds": round(ref_s, 3),
              "checkind_submit_per_s": round(got, 1), "checkind_seconds": round(span, 3),
              "checkind_all_sent_seconds": round(t_sent, 3),
              "checkind_cpu_us_per_row": round(cpu / a.rows * 1e6, 1),
              "ratio": round(got / ref, 3), "cpus": os.cpu_count(),
              "load_average": os.getloadavg()[0]}
    print("smpp bench: %d rows, window %d, rate %.0f/s" % (a.rows, a.window, a.rate))
    print("  reference (python ESME -> simulator): %8.1f submit_sm/s (%.2f s)" % (ref, ref_s))
    print("  checkind  (outbox -> simulator):      %8.1f submit_sm/s (%.2f s; all rows "
          "sent after %.2f s)" % (got, span, t_sent))
    print("  checkind CPU: %.1f us per row (%.2f s)" % (cpu / a.rows * 1e6, cpu))
    print("  ratio checkind/reference: %.2f (load average %.1f on %d CPUs)" % (
        got / ref, os.getloadavg()[0], os.cpu_count()))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(report, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
