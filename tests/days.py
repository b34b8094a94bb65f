"""days.py: SQLite's day tables, made by hand for test fixtures and fills.

SQLite keeps check-ins and inbound messages in day tables (schema step
12): checkins_d<N> holds the check-ins whose sent_at is in UTC day N
(N = sent_at // 86400), inbound_d<N> the inbound rows whose received_at is
in day N; checkins_default and inbound_default hold the rest. The daemon
makes the days from yesterday to three days ahead; a test wanting older
days (rows of weeks ago, for the purge) makes them here, the way the
daemon does: the default table's DDL from sqlite_master with the name
replaced, and each of its indexes X (those with sql) as X_d<N> on the day
table. A row of a day table has the id (N << 32) + k, k = 1, 2, ...

The views checkins and inbound (a UNION ALL over the default and every
day table) are rebuilt by the daemon when it opens the database: make and
fill days while it is stopped, then start (or restart) it.

Python 3 standard library only.
"""

import re

DAY = 86400


def day_of(t):
    """The UTC day number N of the time t (seconds since the epoch)."""
    return int(t) // DAY


def day_start(n):
    """The first second of UTC day n."""
    return n * DAY


def day_table(table, n):
    """The name of day n's table of table ("checkins", "inbound")."""
    return "%s_d%d" % (table, n)


def day_id(n, k):
    """The id of the k-th row (k >= 1) of day n's table."""
    return (n << 32) + k


def _name_re(name):
    # A name as sqlite_master may spell it: bare, "quoted", `quoted` or [quoted].
    q = re.escape(name)
    return r'(?:"%s"|`%s`|\[%s\]|%s\b)' % (q, q, q, q)


def day_ddl(conn, table, n):
    """The statements making day n's table of table, from the default's
    DDL: [CREATE TABLE ..., CREATE INDEX ..._d<N> ...]."""
    default = table + "_default"
    name = day_table(table, n)
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ?"
        " AND sql IS NOT NULL AND type IN ('table', 'index')"
        " ORDER BY type = 'index', name", (default,)).fetchall()
    if not rows or rows[0][0] != "table":
        raise ValueError("%s: no table %s (schema step 12?)" % (table, default))
    out = []
    for typ, idx, sql in rows:
        if typ == "table":
            m = re.match(r"(?is)\s*CREATE\s+TABLE\s+%s" % _name_re(default), sql)
            if m is None:
                raise ValueError("%s: unexpected DDL %r" % (default, sql))
            out.append("CREATE TABLE %s%s" % (name, sql[m.end():]))
        else:
            m = re.match(r"(?is)\s*CREATE\s+(UNIQUE\s+)?INDEX\s+%s\s+ON\s+%s"
                         % (_name_re(idx), _name_re(default)), sql)
            if m is None:
                raise ValueError("%s: unexpected DDL %r" % (idx, sql))
            out.append("CREATE %sINDEX %s_d%d ON %s%s"
                       % ((m.group(1) or "").upper(), idx, n, name, sql[m.end():]))
    return out


def has_table(conn, name):
    return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                        " AND name = ?", (name,)).fetchone()[0] > 0


def make_days(conn, table, first_day, last_day):
    """Make the day tables of table ("checkins", "inbound") for the UTC
    days first_day .. last_day (both included) that do not exist yet;
    their names. conn: a sqlite3 connection, in a transaction or not."""
    made = []
    for n in range(first_day, last_day + 1):
        if has_table(conn, day_table(table, n)):
            continue
        for sql in day_ddl(conn, table, n):
            conn.execute(sql)
        made.append(day_table(table, n))
    return made


def day_tables(conn, table):
    """The day numbers of table's day tables, in order."""
    pat = re.compile(r"^%s_d(\d+)$" % re.escape(table))
    days = []
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                " AND name LIKE ? ESCAPE '\\'", (table + "\\_d%",)):
        m = pat.match(name)
        if m:
            days.append(int(m.group(1)))
    return sorted(days)
