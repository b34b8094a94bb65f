#!/usr/bin/env python3
"""Soak checkind with check-ins and watch its resident memory (issue
"Hardening", item 5): RSS must stay flat, within 10%, after a warm-up.

    tests/bench/soak.py [options]

Sends --messages (1,000,000) JSON check-ins to /sms/json, each from a
random number (09 and 8 digits) to a random venue of the 1,000, with a
unique id, over --procs (4) client processes of --threads (16) keep-alive
connections each: 64 connections, as scripts/bench's wrk uses (the commits
of concurrent check-ins share an fsync), and processes because one Python
process would be the bottleneck. Every --every (50,000) messages it reads
VmRSS, RssAnon and VmHWM from /proc/PID/status and the size of the WAL,
and prints a line of the curve. At the end it prints the maximum over the
minimum of VmRSS and of RssAnon after the warm-up (the first --warmup
(200,000) messages: SQLite's page cache, 32 MB, fills as the database
grows, and libevent and malloc reach their working sets), and exits 1 if
VmRSS grew more than 10% (--limit), 2 on a usage or start-up error, 3 if
a check-in was answered anything but 200, the rows stored are not the 200
answers, or the daemon died.

Two ways to run:

- against a daemon already running (what `scripts/bench soak` does):
  --pid PID --port PORT --codes FILE [--db DATABASE]
- on its own: --checkind BIN --checkinctl BIN (or CHECKIND, CHECKINCTL in
  the environment) [--dir DIR]: a fresh work folder with the configuration
  of scripts/bench (one inline json route, no questions), 1,000 venues, the
  daemon started and stopped by this script.

Python 3 standard library only; 127.0.0.1 only.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

WARDS = ("Chuong Duong", "Cua Dong", "Cua Nam", "Dong Xuan", "Hang Bac",
         "Hang Bai", "Hang Bo", "Hang Bong", "Hang Buom", "Hang Dao",
         "Hang Gai", "Hang Ma", "Hang Trong", "Ly Thai To", "Phan Chu Trinh",
         "Phuc Tan", "Trang Tien", "Tran Hung Dao")
KINDS = ("shop", "restaurant", "cafe", "office", "pharmacy", "market",
         "school", "checkpoint")

CONFIG = """# tests/bench/soak.py: every check-in is one request, one row, one reply.
database = "%(db)s";
timezone = "Asia/Ho_Chi_Minh";
http = { listen = "127.0.0.1:%(port)d"; };
inbound = (
	{ name = "bench"; format = "json"; path = "/sms/json"; reply = "inline"; }
);
questions = ( { kind = "default"; ask = ( ); } );
"""


def wal_mb(db):
    """The size of the daemon's WAL in MB (0 if none, or no database given)."""
    try:
        return os.path.getsize(db + "-wal") / 1048576.0 if db else 0.0
    except OSError:
        return 0.0


def status(pid):
    """{field: kB} of /proc/PID/status for the memory fields."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM"):
                out[k] = int(v.split()[0])
    return out


def rows(db):
    """Rows of inbound. The connection is closed at once: a statement left
    open would hold a read snapshot and keep the daemon's WAL from being
    checkpointed, and the WAL would grow for the whole soak."""
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    try:
        return c.execute("SELECT count(*) FROM inbound").fetchall()[0][0]
    finally:
        c.close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# The clients: processes, each with threads, each thread one connection.

def client_proc(port, codes, start, step, total, counter, errors, seed, threads):
    """Messages start, start + step, ... below total; counter counts 200s."""
    import threading

    def run(k):
        rng = random.Random(seed * 1000 + k)
        c = None
        i = start + k * step
        stride = step * threads
        local = 0
        while i < total:
            body = json.dumps({
                "from": "09%08d" % rng.randrange(10 ** 8), "to": "8088",
                "text": rng.choice(codes), "id": "soak-%d" % i}).encode()
            for attempt in range(3):
                try:
                    if c is None:
                        c = http.client.HTTPConnection("127.0.0.1", port,
                                                       timeout=30)
                    c.request("POST", "/sms/json", body,
                              {"Content-Type": "application/json"})
                    r = c.getresponse()
                    r.read()
                    st = r.status
                    break
                except (OSError, http.client.HTTPException):
                    # A kept-alive connection the server closed: once more
                    # on a new one (the id makes a repeat a duplicate).
                    if c is not None:
                        c.close()
                    c = None
                    st = None
            if st != 200:
                with errors.get_lock():
                    errors.value += 1
            else:
                local += 1
                if local == 50:
                    with counter.get_lock():
                        counter.value += local
                    local = 0
            i += stride
        if local:
            with counter.get_lock():
                counter.value += local
        if c is not None:
            c.close()

    ts = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def standalone(args):
    """A work folder, a configuration, 1,000 venues, the daemon: (pid, port,
    codes, db, stop function)."""
    ckd = args.checkind or os.environ.get("CHECKIND")
    ctl = args.checkinctl or os.environ.get("CHECKINCTL")
    if not ckd or not ctl:
        sys.exit("soak: give --pid/--port/--codes, or --checkind and "
                 "--checkinctl (or CHECKIND, CHECKINCTL)")
    work = args.dir or tempfile.mkdtemp(prefix="checkind-soak-")
    os.makedirs(work, exist_ok=True)
    port = free_port()
    db = os.path.join(work, "checkind.db")
    conf = os.path.join(work, "checkind.conf")
    with open(conf, "w") as f:
        f.write(CONFIG % {"db": db, "port": port})
    csv = os.path.join(work, "venues.csv")
    with open(csv, "w") as f:
        f.write("name,address,ward,kind,owner_phone\n")
        for i in range(args.venues):
            f.write("Soak venue %04d,%d Pho Soak,%s,%s,\n" % (
                i + 1, i + 1, WARDS[i % len(WARDS)], KINDS[i % len(KINDS)]))
    p = subprocess.run([ctl, "-c", conf, "venue", "import", csv],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit("soak: venue import: %s" % p.stderr.decode())
    codes = [l.split("\t")[0].replace(" ", "") for l in
             p.stdout.decode().splitlines() if l.strip()]
    log = open(os.path.join(work, "checkind.log"), "wb")
    proc = subprocess.Popen([ckd, "-f", "-c", conf], stdin=subprocess.DEVNULL,
                            stdout=log, stderr=log)
    end = time.monotonic() + 10
    while time.monotonic() < end:
        if proc.poll() is not None:
            sys.exit("soak: checkind exited %d at start (%s)" % (
                proc.returncode, os.path.join(work, "checkind.log")))
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        sys.exit("soak: checkind did not listen on %d" % port)

    def stop():
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
        log.close()
        if rc == 0 and not args.dir and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif args.keep or rc != 0:
            print("soak: work folder kept: %s (checkind exit %d)" % (work, rc))
        return rc

    return proc.pid, port, codes, db, stop


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=1000000)
    ap.add_argument("--every", type=int, default=50000,
                    help="sample RSS every N messages (default 50000)")
    ap.add_argument("--warmup", type=int, default=200000,
                    help="messages before the flatness check (default 200000)")
    ap.add_argument("--limit", type=float, default=1.10,
                    help="max/min VmRSS after warm-up allowed (default 1.10)")
    ap.add_argument("--procs", type=int, default=4, help="client processes")
    ap.add_argument("--threads", type=int, default=16,
                    help="connections per client process")
    ap.add_argument("--venues", type=int, default=1000)
    ap.add_argument("--pid", type=int)
    ap.add_argument("--port", type=int)
    ap.add_argument("--codes", help="venue codes, one a line")
    ap.add_argument("--db", help="the daemon's database: rows are counted")
    ap.add_argument("--checkind")
    ap.add_argument("--checkinctl")
    ap.add_argument("--dir", help="work folder (standalone; kept)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--json", help="write the curve and result here")
    args = ap.parse_args()
    if args.messages < 1 or args.every < 1 or args.warmup >= args.messages:
        ap.error("need messages >= 1, every >= 1, warmup < messages")

    stop = None
    if args.pid is not None:
        if args.port is None or args.codes is None:
            ap.error("--pid needs --port and --codes")
        with open(args.codes) as f:
            codes = [l.strip().replace(" ", "") for l in f if l.strip()]
        pid, port, db = args.pid, args.port, args.db
    else:
        pid, port, codes, db, stop = standalone(args)
    if not codes:
        sys.exit("soak: no venue codes")

    before = rows(db) if db else None

    counter = multiprocessing.Value("q", 0)
    errors = multiprocessing.Value("q", 0)
    procs = [multiprocessing.Process(
        target=client_proc, args=(port, codes, p, args.procs, args.messages,
                                  counter, errors, random.randrange(1 << 30),
                                  args.threads))
             for p in range(args.procs)]
    print("soak: %d check-ins, %d venues, %d processes x %d connections, "
          "RSS every %d, warm-up %d, pid %d" % (
              args.messages, len(codes), args.procs, args.threads, args.every,
              args.warmup, pid))
    print("%10s %8s %8s %10s %10s %10s %10s" % (
        "messages", "seconds", "msg/s", "VmRSS MB", "RssAnon MB", "VmHWM MB",
        "WAL MB"))
    curve = []
    t0 = time.monotonic()
    s = status(pid)
    s["wal_mb"] = wal_mb(db)
    curve.append((0, 0.0, s))
    print("%10d %8.1f %8s %10.1f %10.1f %10.1f %10.1f" % (
        0, 0.0, "-", s["VmRSS"] / 1024, s.get("RssAnon", 0) / 1024,
        s["VmHWM"] / 1024, s["wal_mb"]), flush=True)
    for p in procs:
        p.start()
    mark = args.every
    last_n, last_t = 0, t0
    dead = False
    while True:
        alive = any(p.is_alive() for p in procs)
        n = counter.value + errors.value
        if n >= mark or (not alive and n > curve[-1][0]):
            now = time.monotonic()
            try:
                s = status(pid)
            except OSError:
                dead = True
                break
            s["wal_mb"] = wal_mb(db)
            curve.append((n, now - t0, s))
            rate = (n - last_n) / (now - last_t) if now > last_t else 0
            print("%10d %8.1f %8.0f %10.1f %10.1f %10.1f %10.1f" % (
                n, now - t0, rate, s["VmRSS"] / 1024, s.get("RssAnon", 0) / 1024,
                s["VmHWM"] / 1024, s["wal_mb"]), flush=True)
            last_n, last_t = n, now
            while mark <= n:
                mark += args.every
        if not alive:
            break
        if not os.path.exists("/proc/%d" % pid):
            dead = True
            break
        time.sleep(0.01)
    for p in procs:
        p.join()
    took = time.monotonic() - t0

    rc = 0
    after = None
    if dead:
        print("soak: checkind (pid %d) is gone" % pid)
        rc = 3
    elif db:
        after = rows(db)

    warm = [(n, t, s) for n, t, s in curve if n >= args.warmup]
    result = {"messages": args.messages, "ok": counter.value,
              "errors": errors.value, "seconds": round(took, 1),
              "rate": round(counter.value / took, 1) if took > 0 else 0,
              "warmup": args.warmup, "limit": args.limit,
              "curve": [{"messages": n, "seconds": round(t, 2),
                         "vmrss_kb": s["VmRSS"], "rssanon_kb": s.get("RssAnon", 0),
                         "vmhwm_kb": s["VmHWM"], "wal_mb": round(s["wal_mb"], 1)}
                        for n, t, s in curve]}
    print("soak: %d answered 200, %d errors, %.0f s, %.0f check-ins/s" % (
        counter.value, errors.value, took, result["rate"]))
    if after is not None:
        stored = after - before
        result["rows_stored"] = stored
        print("soak: rows stored %d (%s the 200 answers)" % (
            stored, "equal to" if stored == counter.value else "DIFFERENT from"))
        if stored != counter.value:
            rc = 3
    if errors.value:
        rc = 3
    if len(warm) >= 2:
        for key in ("VmRSS", "RssAnon"):
            vals = [s.get(key, 0) for _, _, s in warm]
            lo, hi = min(vals), max(vals)
            ratio = hi / lo if lo else float("inf")
            result[key.lower() + "_ratio"] = round(ratio, 4)
            print("soak: %s after %d messages: min %.1f MB, max %.1f MB, "
                  "max/min %.3f" % (key, args.warmup, lo / 1024, hi / 1024, ratio))
        ok = result["vmrss_ratio"] <= args.limit
        print("soak: RSS flat within %.0f%% after warm-up: %s" % (
            (args.limit - 1) * 100, "met" if ok else "MISSED"))
        if not ok and rc == 0:
            rc = 1
    else:
        print("soak: too few samples after the warm-up")
        rc = rc or 2
    if stop is not None and not dead:
        st = stop()
        if st != 0:
            print("soak: checkind exited %d on SIGTERM" % st)
            rc = rc or 3
    if args.json:
        result["exit"] = rc
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
    return rc


if __name__ == "__main__":
    sys.exit(main())
