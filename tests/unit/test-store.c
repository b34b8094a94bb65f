/*
 * test-store.c: the SQLite store, on real database files in a temporary
 * folder. Reads back through store.h, and through plain SQL where the
 * columns themselves are the contract (other code and the Python tests read
 * them).
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <check.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "base/tz.h"
#include "codec/code.h"
#include "store/store.h"
#include "unit.h"

/* 2021-09-16 in Asia/Ho_Chi_Minh (UTC+7). */
#define DAY16		1631725200LL	/* 00:00 local */
#define AT0800		1631754000LL	/* 08:00 local */
#define AT2359		1631811540LL	/* 23:59 local: still the 16th */
#define DAY17		1631811600LL	/* 00:00 local on the 17th */
#define AT0001		1631811660LL	/* 00:01 local on the 17th, same UTC date */

#define N1	"+84912345678"
#define N2	"+84987654321"
#define N3	"+84901111222"

#define SCHEMA_VERSION	12	/* the newest migration */

static char		 tmpdir[1024];
static char		 dbdir[1024 + 16];
static char		 dbpath[1024 + 32];
static struct store	*st;

static struct store *
open_store(void)
{
	char		 err[256] = "";
	struct store	*s;

	s = store_open(dbpath, err, sizeof err);
	ck_assert_msg(s != NULL, "store_open: %s", err);
	return s;
}

static void
setup(void)
{
	ck_assert_int_eq(tz_set("Asia/Ho_Chi_Minh"), 0);
	ck_assert_int_eq(fixture_dir(tmpdir, sizeof tmpdir, "test-store"), 0);
	snprintf(dbdir, sizeof dbdir, "%s/var/lib", tmpdir);
	snprintf(dbpath, sizeof dbpath, "%s/checkind.db", dbdir);
	st = open_store();
}

static void
teardown(void)
{
	store_close(st);
	st = NULL;
	fixture_rmdir(tmpdir);
}

/* Run one SQL query on a separate connection; the first column of the first row. */
static long long
sql_value(const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*q;
	long long	 v = -1;

	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

/* Like sql_value, for a text value. */
static void
sql_text(const char *sql, char *buf, size_t len)
{
	sqlite3		*db;
	sqlite3_stmt	*q;

	buf[0] = '\0';
	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0) != NULL)
		snprintf(buf, len, "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
}

/* Run SQL that returns nothing on a separate connection. */
static void
sql_exec(const char *sql)
{
	sqlite3	*db;
	char	*msg = NULL;

	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK,
	    "%s: %s", sql, msg != NULL ? msg : "?");
	sqlite3_close(db);
}

/* 1 if sql fails. */
static int
sql_fails(const char *sql)
{
	sqlite3	*db;
	int	 rc;

	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK;
	sqlite3_close(db);
	return rc;
}

static int64_t
add_venue(const char *name, const char *ward, const char *owner)
{
	struct venue	v;
	int64_t		id;

	memset(&v, 0, sizeof v);
	v.name = (char *)name;
	v.ward = (char *)ward;
	v.owner = (char *)owner;
	id = store_venue_add(st, &v, 6);
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(v.id, id);
	ck_assert(code_valid(v.code, 7));
	return id;
}

static int64_t
add_checkin(int64_t venue, const char *number, int64_t sent_at, int companions)
{
	struct checkin	c;
	int64_t		id;

	memset(&c, 0, sizeof c);
	c.venue_id = venue;
	snprintf(c.number, sizeof c.number, "%s", number);
	c.companions = companions;
	c.sent_at = sent_at;
	c.received_at = sent_at + 5;
	id = store_checkin_add(st, &c, "test", 0);
	ck_assert_int_gt(id, 0);
	return id;
}

static long long
stat_of(int64_t venue, int64_t day, const char *col)
{
	char	sql[256];

	snprintf(sql, sizeof sql, "SELECT %s FROM daily_stats WHERE venue_id = %lld"
	    " AND day = %lld", col, (long long)venue, (long long)day);
	return sql_value(sql);
}

START_TEST(test_open_creates_folder)
{
	struct stat	sb;
	char		mode[16];

	ck_assert_int_eq(stat(dbdir, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	ck_assert_int_eq(sb.st_mode & 0777, 0750);
	ck_assert_int_eq(stat(dbpath, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0640);
	ck_assert_int_eq(store_version(st), SCHEMA_VERSION);
	ck_assert_int_eq(sql_value("PRAGMA user_version"), SCHEMA_VERSION);
	/* WAL is a property of the file: another connection sees it. */
	sql_text("PRAGMA journal_mode", mode, sizeof mode);
	ck_assert_str_eq(mode, "wal");
	ck_assert_int_eq(sql_value("SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name NOT GLOB '*_d[0-9]*'"), 21);
	/* Yesterday .. three days ahead, for check-ins and inbound messages. */
	ck_assert_int_eq(sql_value("SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name GLOB '*_d[0-9]*'"), 10);
}
END_TEST

START_TEST(test_open_bad_path)
{
	char		 path[sizeof dbdir + 32], err[256] = "";
	struct store	*s;

	/* A file where a folder should be. */
	snprintf(path, sizeof path, "%s/checkind.db/sub/x.db", dbdir);
	s = store_open(path, err, sizeof err);
	ck_assert_ptr_null(s);
	ck_assert_str_ne(err, "");
}
END_TEST

/* A route's generated report secret: made once, kept across reopening. */
START_TEST(test_route_secret)
{
	char	a[STORE_SECRET_LEN + 1], b[STORE_SECRET_LEN + 1];
	char	c[STORE_SECRET_LEN + 1], small[STORE_SECRET_LEN];

	ck_assert_int_eq(store_route_secret(st, "kannel", a, sizeof a), 0);
	ck_assert_uint_eq(strlen(a), STORE_SECRET_LEN);
	ck_assert_uint_eq(strspn(a, "0123456789abcdef"), STORE_SECRET_LEN);
	ck_assert_int_eq(store_route_secret(st, "kannel", b, sizeof b), 0);
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(store_route_secret(st, "agg", c, sizeof c), 0);
	ck_assert_str_ne(a, c);
	ck_assert_int_eq(store_route_secret(st, "kannel", small, sizeof small), -1);
	store_close(st);
	st = open_store();
	ck_assert_int_eq(store_route_secret(st, "kannel", b, sizeof b), 0);
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM route_secrets"), 2);
}
END_TEST

START_TEST(test_reopen)
{
	struct venue	v;
	char		code[CODE_MAX];

	memset(&v, 0, sizeof v);
	v.name = "Pho Thin";
	ck_assert_int_gt(store_venue_add(st, &v, 6), 0);
	snprintf(code, sizeof code, "%s", v.code);
	store_close(st);
	/* A second run of migration 1 would fail on CREATE TABLE. */
	st = open_store();
	ck_assert_int_eq(store_version(st), SCHEMA_VERSION);
	ck_assert_int_eq(store_venue_by_code(st, code, &v), 1);
	ck_assert_str_eq(v.name, "Pho Thin");
	store_venue_free(&v);
	store_close(st);
	st = open_store();
	ck_assert_int_eq(store_version(st), SCHEMA_VERSION);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM venues"), 1);
}
END_TEST

static const int future_versions[] = {
	SCHEMA_VERSION + 1, SCHEMA_VERSION + 2, 99, INT_MAX
};

START_TEST(test_future_version)
{
	char		 sql[64], err[256] = "";
	struct store	*s;

	store_close(st);
	st = NULL;
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", future_versions[_i]);
	sql_exec(sql);
	s = store_open(dbpath, err, sizeof err);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, "newer") != NULL, "err: %s", err);
	/* Refusing must not have touched the schema. */
	ck_assert_int_eq(sql_value("PRAGMA user_version"), future_versions[_i]);
}
END_TEST

/* The columns other parts read by name. */
static const char *const schema_queries[] = {
	"SELECT id, code, name, address, ward, district, kind, owner, active,"
	" created_at FROM venues",
	"SELECT id, venue_id, number, companions, sent_at, received_at,"
	" checked_out_at, channel, inbound_id FROM checkins",
	"SELECT id, number, venue_id, checkin_id, started_at, completed_at,"
	" flagged FROM declarations",
	"SELECT id, declaration_id, question, answer, flagged, answered_at"
	" FROM answers",
	"SELECT number, kind, venue_id, decl_id, step, companions, qset,"
	" expires_at FROM sessions",
	"SELECT number, lang, opted_out, help_at, updated_at FROM subscribers",
	"SELECT id, channel, ext_id, number, text, received_at, replies"
	" FROM inbound",
	"SELECT venue_id, day, checkins, people FROM daily_stats",
	"SELECT id, at, actor, action, subject, query, records FROM audit",
	"SELECT id, route, number, text, state, attempts, created_at, next_at,"
	" expires_at, updated_at, sent_at, ext_id, ext_key, dlr_state, dlr_at,"
	" error, inbound_id FROM outbox",
	"SELECT id, number, screen, data, lang, updated_at, ended"
	" FROM ussd_sessions",
	"SELECT id, channel, number, ref, total, seq, text, sent_at, received_at, done"
	" FROM parts",
	"SELECT route, tokens, refilled_at, granted FROM route_tokens",
};

START_TEST(test_schema_columns)
{
	sql_value(schema_queries[_i]);
}
END_TEST

START_TEST(test_schema_indexes)
{
	/* venues_ward, venues_owner and (migration 9) venues_call_number. */
	ck_assert_int_eq(sql_value("SELECT count(*) FROM pragma_index_list('venues')"
	    " WHERE origin = 'c'"), 3);
	ck_assert_int_eq(sql_value("SELECT count(*)"
	    " FROM pragma_index_list('checkins_default') WHERE origin = 'c'"), 3);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM pragma_index_list('declarations')"
	    " WHERE origin = 'c'"), 2);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM pragma_index_list('answers')"
	    " WHERE origin = 'c'"), 1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM pragma_index_list('sessions')"
	    " WHERE origin = 'c'"), 1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM pragma_index_list('daily_stats')"
	    " WHERE origin = 'c'"), 1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM pragma_index_list('ussd_sessions')"
	    " WHERE origin = 'c'"), 2);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM pragma_index_list('inbound_default')"
	    " WHERE \"unique\""), 1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM pragma_index_list('inbound_default')"
	    " WHERE origin = 'c'"), 2);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM pragma_index_list('parts')"
	    " WHERE origin = 'c'"), 2);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM pragma_index_list('audit')"),
	    1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM pragma_index_list('outbox')"
	    " WHERE origin = 'c'"), 4);
	ck_assert_int_eq(sql_value("PRAGMA foreign_key_check"), -1);
}
END_TEST

static int
cmp_code(const void *a, const void *b)
{
	return strcmp(a, b);
}

START_TEST(test_venue_codes_unique)
{
	static char	codes[2000][CODE_MAX];
	struct venue	v;
	char		name[32];
	int		i;

	ck_assert_int_eq(store_begin(st), 0);
	for (i = 0; i < 2000; i++) {
		memset(&v, 0, sizeof v);
		snprintf(name, sizeof name, "Venue %d", i);
		v.name = name;
		ck_assert_int_gt(store_venue_add(st, &v, 6), 0);
		ck_assert_msg(code_valid(v.code, 7), "bad code %s", v.code);
		ck_assert_int_eq(strlen(v.code), 7);
		snprintf(codes[i], CODE_MAX, "%s", v.code);
	}
	ck_assert_int_eq(store_commit(st), 0);
	qsort(codes, 2000, CODE_MAX, cmp_code);
	for (i = 1; i < 2000; i++)
		ck_assert_str_ne(codes[i - 1], codes[i]);
	ck_assert_int_eq(sql_value("SELECT count(DISTINCT code) FROM venues"), 2000);
}
END_TEST

START_TEST(test_venue_codes_exhausted)
{
	struct venue	v;
	int		i;

	/* One payload digit: ten codes in all, then no more. */
	for (i = 0; i < 10; i++) {
		memset(&v, 0, sizeof v);
		v.name = "small";
		ck_assert_int_gt(store_venue_add(st, &v, 1), 0);
		ck_assert(code_valid(v.code, 2));
	}
	memset(&v, 0, sizeof v);
	v.name = "one too many";
	ck_assert_int_eq(store_venue_add(st, &v, 1), -1);
	ck_assert_str_eq(v.code, "");
	ck_assert_int_eq(store_venue_add(st, &v, 0), -1);
	ck_assert_int_eq(store_venue_add(st, &v, CODE_MAX), -1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM venues"), 10);
}
END_TEST

START_TEST(test_venue_explicit_code)
{
	struct venue	v, w;

	memset(&v, 0, sizeof v);
	snprintf(v.code, sizeof v.code, "1234567");
	v.name = "Cho Dong Xuan";
	v.created_at = AT0800;
	ck_assert_int_gt(store_venue_add(st, &v, 6), 0);
	ck_assert_str_eq(v.code, "1234567");
	ck_assert_int_eq(v.created_at, AT0800);
	/* The same code twice is refused. */
	memset(&w, 0, sizeof w);
	snprintf(w.code, sizeof w.code, "1234567");
	w.name = "copy";
	ck_assert_int_eq(store_venue_add(st, &w, 6), -1);
	/* A venue needs a name. */
	memset(&w, 0, sizeof w);
	ck_assert_int_eq(store_venue_add(st, &w, 6), -1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM venues"), 1);
}
END_TEST

START_TEST(test_venue_by_code)
{
	struct venue	v, got;
	time_t		before = time(NULL);

	memset(&v, 0, sizeof v);
	v.name = "Nhà sách Tràng Tiền";
	v.address = "32 Tràng Tiền";
	v.ward = "Tràng Tiền";
	v.district = "Hoàn Kiếm";
	v.kind = "checkpoint";
	v.owner = N1;
	ck_assert_int_gt(store_venue_add(st, &v, 6), 0);
	ck_assert_int_ge(v.created_at, before);
	ck_assert_int_le(v.created_at, time(NULL));
	ck_assert_int_eq(v.active, 1);

	ck_assert_int_eq(store_venue_by_code(st, v.code, &got), 1);
	ck_assert_int_eq(got.id, v.id);
	ck_assert_str_eq(got.code, v.code);
	ck_assert_str_eq(got.name, "Nhà sách Tràng Tiền");
	ck_assert_str_eq(got.address, "32 Tràng Tiền");
	ck_assert_str_eq(got.ward, "Tràng Tiền");
	ck_assert_str_eq(got.district, "Hoàn Kiếm");
	ck_assert_str_eq(got.kind, "checkpoint");
	ck_assert_str_eq(got.owner, N1);
	ck_assert_int_eq(got.active, 1);
	ck_assert_int_eq(got.created_at, v.created_at);
	store_venue_free(&got);
	ck_assert_ptr_null(got.name);
	ck_assert_int_eq(got.id, 0);

	ck_assert_int_eq(store_venue_by_id(st, v.id, &got), 1);
	ck_assert_str_eq(got.code, v.code);
	store_venue_free(&got);

	/* Defaults for what was left out. */
	memset(&v, 0, sizeof v);
	v.name = "Quán nước";
	ck_assert_int_gt(store_venue_add(st, &v, 6), 0);
	ck_assert_int_eq(store_venue_by_code(st, v.code, &got), 1);
	ck_assert_str_eq(got.address, "");
	ck_assert_str_eq(got.ward, "");
	ck_assert_str_eq(got.kind, "default");
	ck_assert_ptr_null(got.owner);
	store_venue_free(&got);

	/* Misses. */
	ck_assert_int_eq(store_venue_by_code(st, "0000000", &got), 0);
	ck_assert_int_eq(store_venue_by_code(st, "", &got), 0);
	ck_assert_int_eq(store_venue_by_code(st, "1' OR '1'='1", &got), 0);
	ck_assert_int_eq(store_venue_by_id(st, 9999, &got), 0);
	ck_assert_int_eq(store_venue_by_id(st, -1, &got), 0);
}
END_TEST

struct list_seen {
	int	n;
	int	stop_after;
	char	names[16][64];
};

static int
list_cb(const struct venue *v, void *arg)
{
	struct list_seen	*ls = arg;

	ck_assert_int_lt(ls->n, 16);
	snprintf(ls->names[ls->n++], sizeof ls->names[0], "%s", v->name);
	return ls->stop_after != 0 && ls->n >= ls->stop_after;
}

START_TEST(test_venue_list_and_active)
{
	struct list_seen	ls;
	struct venue		v;
	char			code[CODE_MAX];

	add_venue("Cafe Giang", "Hàng Gai", NULL);
	add_venue("Banh Mi 25", "Hàng Bạc", NULL);
	add_venue("Bun Cha", "Hàng Gai", NULL);
	memset(&v, 0, sizeof v);
	v.name = "Ao Dai";
	v.ward = "Hàng Bạc";
	ck_assert_int_gt(store_venue_add(st, &v, 6), 0);
	snprintf(code, sizeof code, "%s", v.code);

	memset(&ls, 0, sizeof ls);
	ck_assert_int_eq(store_venue_list(st, NULL, 0, list_cb, &ls), 0);
	ck_assert_int_eq(ls.n, 4);
	ck_assert_str_eq(ls.names[0], "Ao Dai");
	ck_assert_str_eq(ls.names[1], "Banh Mi 25");
	ck_assert_str_eq(ls.names[2], "Bun Cha");
	ck_assert_str_eq(ls.names[3], "Cafe Giang");

	ck_assert_int_eq(store_venue_set_active(st, code, 0), 0);
	ck_assert_int_eq(store_venue_by_code(st, code, &v), 1);
	ck_assert_int_eq(v.active, 0);
	store_venue_free(&v);
	/* Setting the same value again is still "found". */
	ck_assert_int_eq(store_venue_set_active(st, code, 0), 0);
	ck_assert_int_eq(store_venue_set_active(st, "7654321", 0), 1);
	ck_assert_int_eq(store_venue_set_active(st, "", 1), 1);

	memset(&ls, 0, sizeof ls);
	ck_assert_int_eq(store_venue_list(st, "Hàng Bạc", 0, list_cb, &ls), 0);
	ck_assert_int_eq(ls.n, 1);
	ck_assert_str_eq(ls.names[0], "Banh Mi 25");
	memset(&ls, 0, sizeof ls);
	ck_assert_int_eq(store_venue_list(st, "Hàng Bạc", 1, list_cb, &ls), 0);
	ck_assert_int_eq(ls.n, 2);
	memset(&ls, 0, sizeof ls);
	ck_assert_int_eq(store_venue_list(st, "Hàng Mã", 1, list_cb, &ls), 0);
	ck_assert_int_eq(ls.n, 0);
	memset(&ls, 0, sizeof ls);
	ls.stop_after = 2;
	ck_assert_int_eq(store_venue_list(st, NULL, 1, list_cb, &ls), 0);
	ck_assert_int_eq(ls.n, 2);

	ck_assert_int_eq(store_venue_set_active(st, code, 1), 0);
	memset(&ls, 0, sizeof ls);
	ck_assert_int_eq(store_venue_list(st, NULL, 0, list_cb, &ls), 0);
	ck_assert_int_eq(ls.n, 4);
}
END_TEST

START_TEST(test_checkin_daily_stats)
{
	int64_t	a, b;

	a = add_venue("A", "Hàng Bồ", NULL);
	b = add_venue("B", "Hàng Bồ", NULL);
	ck_assert_int_eq(tz_day_start(AT0800), DAY16);
	ck_assert_int_eq(tz_day_start(AT0001), DAY17);

	add_checkin(a, N1, AT0800, 2);
	ck_assert_int_eq(stat_of(a, DAY16, "checkins"), 1);
	ck_assert_int_eq(stat_of(a, DAY16, "people"), 1);
	add_checkin(a, N1, AT0800 + 3600, 0);
	ck_assert_int_eq(stat_of(a, DAY16, "checkins"), 2);
	ck_assert_int_eq(stat_of(a, DAY16, "people"), 1);
	add_checkin(a, N2, AT0800 + 7200, 0);
	ck_assert_int_eq(stat_of(a, DAY16, "checkins"), 3);
	ck_assert_int_eq(stat_of(a, DAY16, "people"), 2);
	/* 23:59 local is the same day; N1 is not a new person. */
	add_checkin(a, N1, AT2359, 0);
	ck_assert_int_eq(stat_of(a, DAY16, "checkins"), 4);
	ck_assert_int_eq(stat_of(a, DAY16, "people"), 2);
	/* 00:01 local is the next day although the UTC date is the same. */
	add_checkin(a, N1, AT0001, 0);
	ck_assert_int_eq(stat_of(a, DAY16, "checkins"), 4);
	ck_assert_int_eq(stat_of(a, DAY17, "checkins"), 1);
	ck_assert_int_eq(stat_of(a, DAY17, "people"), 1);
	/* Another venue counts on its own. */
	add_checkin(b, N1, AT0800, 0);
	ck_assert_int_eq(stat_of(b, DAY16, "people"), 1);
	ck_assert_int_eq(stat_of(a, DAY16, "people"), 2);
	/* A late SMS from earlier that day still finds N2 already counted. */
	add_checkin(a, N2, DAY16 + 60, 0);
	ck_assert_int_eq(stat_of(a, DAY16, "checkins"), 5);
	ck_assert_int_eq(stat_of(a, DAY16, "people"), 2);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM daily_stats"), 3);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM checkins"), 7);
	/* Tomorrow first, then a late one from tonight: a new person tonight. */
	add_checkin(b, N2, AT0001, 0);
	add_checkin(b, N2, AT2359, 0);
	ck_assert_int_eq(stat_of(b, DAY16, "people"), 2);
	ck_assert_int_eq(stat_of(b, DAY17, "people"), 1);
	ck_assert_int_eq(sql_value("SELECT companions FROM checkins WHERE id = 1"), 2);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM checkins"
	    " WHERE checked_out_at IS NULL AND inbound_id IS NULL"
	    " AND channel = 'test'"), 9);
}
END_TEST

START_TEST(test_checkin_bad_venue)
{
	struct checkin	c;
	int64_t		a;

	memset(&c, 0, sizeof c);
	c.venue_id = 4242;
	snprintf(c.number, sizeof c.number, "%s", N1);
	c.sent_at = c.received_at = AT0800;
	ck_assert_int_eq(store_checkin_add(st, &c, "test", 0), -1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM daily_stats"), 0);

	/* A failed call inside a transaction leaves the transaction usable. */
	ck_assert_int_eq(store_begin(st), 0);
	a = add_venue("kept", "", NULL);
	ck_assert_int_eq(store_checkin_add(st, &c, "test", 0), -1);
	add_checkin(a, N1, AT0800, 0);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM checkins"), 1);
	ck_assert_int_eq(sql_value("SELECT checkins FROM daily_stats"), 1);
}
END_TEST

START_TEST(test_checkin_atomic)
{
	struct checkin	c;
	int64_t		a;
	char		sql[256];

	/* The check-in and its daily_stats row are kept or lost together. */
	a = add_venue("A", "", NULL);
	snprintf(sql, sizeof sql, "CREATE TRIGGER stats_fail BEFORE INSERT ON"
	    " daily_stats WHEN NEW.venue_id = %lld BEGIN"
	    " SELECT RAISE(ABORT, 'disk on fire'); END", (long long)a);
	sql_exec(sql);
	memset(&c, 0, sizeof c);
	c.venue_id = a;
	snprintf(c.number, sizeof c.number, "%s", N1);
	c.sent_at = c.received_at = AT0800;
	ck_assert_int_eq(store_checkin_add(st, &c, "test", 0), -1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM checkins"), 0);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM daily_stats"), 0);

	/* And the store carries on once the fault is gone. */
	sql_exec("DROP TRIGGER stats_fail");
	ck_assert_int_gt(store_checkin_add(st, &c, "test", 12), 0);
	ck_assert_int_eq(sql_value("SELECT inbound_id FROM checkins"), 12);
	ck_assert_int_eq(stat_of(a, DAY16, "people"), 1);
}
END_TEST

START_TEST(test_checkin_recent_open_close)
{
	struct checkin	c;
	int64_t		a, b, c1, c2, c3;

	a = add_venue("A", "", NULL);
	b = add_venue("B", "", NULL);
	c1 = add_checkin(a, N1, AT0800, 3);
	c2 = add_checkin(b, N1, AT0800 + 600, 0);

	ck_assert_int_eq(store_checkin_recent(st, N1, a, AT0800 - 600, &c), 1);
	ck_assert_int_eq(c.id, c1);
	ck_assert_int_eq(c.venue_id, a);
	ck_assert_str_eq(c.number, N1);
	ck_assert_int_eq(c.companions, 3);
	ck_assert_int_eq(c.sent_at, AT0800);
	ck_assert_int_eq(c.received_at, AT0800 + 5);
	ck_assert_int_eq(c.checked_out_at, 0);
	ck_assert_int_eq(store_checkin_recent(st, N1, a, AT0800, &c), 1);
	ck_assert_int_eq(store_checkin_recent(st, N1, a, AT0800 + 1, &c), 0);
	ck_assert_int_eq(store_checkin_recent(st, N2, a, 0, &c), 0);
	ck_assert_int_eq(store_checkin_recent(st, N1, 9999, 0, &c), 0);

	ck_assert_int_eq(store_checkin_open(st, N1, 0, AT0800 + 3600, &c), 1);
	ck_assert_int_eq(c.id, c2);
	ck_assert_int_eq(store_checkin_open(st, N1, a, AT0800 + 3600, &c), 1);
	ck_assert_int_eq(c.id, c1);
	ck_assert_int_eq(store_checkin_open(st, N2, 0, AT0800 + 3600, &c), 0);

	ck_assert_int_eq(store_checkin_close(st, c2, AT0800 + 1800), 0);
	ck_assert_int_eq(store_checkin_open(st, N1, 0, AT0800 + 3600, &c), 1);
	ck_assert_int_eq(c.id, c1);
	ck_assert_int_eq(store_checkin_open(st, N1, b, AT0800 + 3600, &c), 0);
	ck_assert_int_eq(store_checkin_recent(st, N1, b, 0, &c), 1);
	ck_assert_int_eq(c.checked_out_at, AT0800 + 1800);
	/* Closing again keeps the first time. */
	ck_assert_int_eq(store_checkin_close(st, c2, AT0800 + 9000), 0);
	ck_assert_int_eq(store_checkin_recent(st, N1, b, 0, &c), 1);
	ck_assert_int_eq(c.checked_out_at, AT0800 + 1800);

	c3 = add_checkin(a, N2, AT0800, 0);
	ck_assert_int_eq(store_checkin_close_all(st, N1, AT0800 + 3600), 0);
	ck_assert_int_eq(store_checkin_open(st, N1, 0, AT0800 + 3600, &c), 0);
	ck_assert_int_eq(store_checkin_recent(st, N1, a, 0, &c), 1);
	ck_assert_int_eq(c.checked_out_at, AT0800 + 3600);
	/* Other numbers are untouched. */
	ck_assert_int_eq(store_checkin_open(st, N2, 0, AT0800 + 3600, &c), 1);
	ck_assert_int_eq(c.id, c3);
	/* A check-out time before the stay began is clamped to its start. */
	ck_assert_int_eq(store_checkin_close(st, c3, AT0800 - 100), 0);
	ck_assert_int_eq(store_checkin_recent(st, N2, a, 0, &c), 1);
	ck_assert_int_eq(c.checked_out_at, AT0800);
	ck_assert_int_eq(store_checkin_close_all(st, N3, AT0800), 0);
}
END_TEST

struct hist_seen {
	int	n;
	int	stop_after;
	int64_t	sent[8];
	char	code[8][CODE_MAX];
	char	name[8][64];
};

static int
hist_cb(const struct checkin_seen *cs, void *arg)
{
	struct hist_seen	*hs = arg;

	ck_assert_int_lt(hs->n, 8);
	ck_assert_str_eq(cs->checkin.number, N1);
	hs->sent[hs->n] = cs->checkin.sent_at;
	snprintf(hs->code[hs->n], CODE_MAX, "%s", cs->code);
	snprintf(hs->name[hs->n], sizeof hs->name[0], "%s", cs->venue_name);
	hs->n++;
	return hs->stop_after != 0 && hs->n >= hs->stop_after;
}

START_TEST(test_checkin_history)
{
	struct hist_seen	hs;
	struct venue		va;
	int64_t			a, b;

	a = add_venue("Hiệu thuốc", "", NULL);
	b = add_venue("Chợ Hàng Da", "", NULL);
	ck_assert_int_eq(store_venue_by_id(st, a, &va), 1);
	add_checkin(a, N1, AT0800 + 100, 0);
	add_checkin(b, N1, AT0800 + 300, 0);
	add_checkin(a, N2, AT0800 + 400, 0);
	add_checkin(b, N1, AT0800 - 5000, 0);	/* arrived late, sent early */
	add_checkin(a, N1, AT0800 + 200, 0);

	memset(&hs, 0, sizeof hs);
	ck_assert_int_eq(store_checkin_history(st, N1, 10, hist_cb, &hs), 0);
	ck_assert_int_eq(hs.n, 4);
	ck_assert_int_eq(hs.sent[0], AT0800 + 300);
	ck_assert_str_eq(hs.name[0], "Chợ Hàng Da");
	ck_assert_int_eq(hs.sent[1], AT0800 + 200);
	ck_assert_str_eq(hs.name[1], "Hiệu thuốc");
	ck_assert_str_eq(hs.code[1], va.code);
	ck_assert_int_eq(hs.sent[2], AT0800 + 100);
	ck_assert_int_eq(hs.sent[3], AT0800 - 5000);

	memset(&hs, 0, sizeof hs);
	ck_assert_int_eq(store_checkin_history(st, N1, 2, hist_cb, &hs), 0);
	ck_assert_int_eq(hs.n, 2);
	ck_assert_int_eq(hs.sent[1], AT0800 + 200);

	memset(&hs, 0, sizeof hs);
	hs.stop_after = 1;
	ck_assert_int_eq(store_checkin_history(st, N1, 0, hist_cb, &hs), 0);
	ck_assert_int_eq(hs.n, 1);

	memset(&hs, 0, sizeof hs);
	ck_assert_int_eq(store_checkin_history(st, N3, 5, hist_cb, &hs), 0);
	ck_assert_int_eq(hs.n, 0);
	store_venue_free(&va);
}
END_TEST

START_TEST(test_inbound_dedup)
{
	char	*r;
	int64_t	 id, id2;

	ck_assert_int_eq(store_inbound_find(st, "kannel", "m-1", &r), 0);
	ck_assert_ptr_null(r);
	id = store_inbound_add(st, "kannel", "m-1", N1, "1234567", AT0800);
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(store_inbound_find(st, "kannel", "m-1", &r), 1);
	ck_assert_str_eq(r, "");
	free(r);
	ck_assert_int_eq(store_inbound_set_replies(st, id, "Da check in\x1eKhai bao?"), 0);
	ck_assert_int_eq(store_inbound_find(st, "kannel", "m-1", &r), 1);
	ck_assert_str_eq(r, "Da check in\x1eKhai bao?");
	free(r);
	ck_assert_int_eq(store_inbound_find(st, "kannel", "m-1", NULL), 1);

	/* The id is per channel, and case matters. */
	ck_assert_int_eq(store_inbound_find(st, "twilio", "m-1", &r), 0);
	ck_assert_int_eq(store_inbound_find(st, "kannel", "M-1", &r), 0);
	id2 = store_inbound_add(st, "twilio", "m-1", N2, "RA", AT0800);
	ck_assert_int_gt(id2, id);
	/* A retry that slipped past find is refused by the constraint. */
	ck_assert_int_eq(store_inbound_add(st, "kannel", "m-1", N1, "x", AT0800), -1);

	/* Without an id nothing is ever a duplicate. */
	ck_assert_int_gt(store_inbound_add(st, "json", NULL, N1, "HD", AT0800), 0);
	ck_assert_int_gt(store_inbound_add(st, "json", NULL, N1, "HD", AT0800), 0);
	ck_assert_int_gt(store_inbound_add(st, "json", "", N1, "HD", AT0800), 0);
	ck_assert_int_gt(store_inbound_add(st, "json", "", N1, "HD", AT0800), 0);
	ck_assert_int_eq(store_inbound_find(st, "json", NULL, &r), 0);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(store_inbound_find(st, "json", "", &r), 0);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM inbound"), 6);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM inbound WHERE ext_id IS NULL"), 4);
	ck_assert_int_eq(sql_value("SELECT received_at FROM inbound WHERE id = 1"), AT0800);
}
END_TEST

START_TEST(test_declarations)
{
	int64_t	a, c, d1, d2, d3, at;
	int	flagged;

	a = add_venue("A", "", NULL);
	c = add_checkin(a, N1, AT0800, 0);
	ck_assert_int_eq(store_declaration_last(st, N1, &at), 0);

	d1 = store_declaration_start(st, N1, a, c, AT0800);
	ck_assert_int_gt(d1, 0);
	ck_assert_int_eq(store_declaration_last(st, N1, &at), 0);	/* not finished */
	ck_assert_int_eq(store_declaration_answer(st, d1, "fever", "2", 0, AT0800 + 10), 0);
	ck_assert_int_eq(store_declaration_answer(st, d1, "contact", "1", 1, AT0800 + 20), 0);
	ck_assert_int_eq(store_declaration_finish(st, d1, 1, AT0800 + 30), 0);
	ck_assert_int_eq(store_declaration_last(st, N1, &at), 1);
	ck_assert_int_eq(at, AT0800 + 30);

	/* Without venue or check-in ("KB"), and one left unfinished. */
	d2 = store_declaration_start(st, N1, 0, 0, AT0800 + 7200);
	ck_assert_int_gt(d2, d1);
	ck_assert_int_eq(store_declaration_finish(st, d2, 0, AT0800 + 7300), 0);
	d3 = store_declaration_start(st, N1, a, 0, AT0800 + 9000);
	ck_assert_int_gt(d3, d2);
	ck_assert_int_eq(store_declaration_last(st, N1, &at), 1);
	ck_assert_int_eq(at, AT0800 + 7300);
	ck_assert_int_eq(store_declaration_last(st, N2, &at), 0);

	ck_assert_int_eq(sql_value("SELECT flagged FROM declarations WHERE id = 1"), 1);
	/* Flagged by an answer, by the declaration, or not at all. */
	flagged = -1;
	ck_assert_int_eq(store_declaration_flagged(st, d1, &flagged), 0);
	ck_assert_int_eq(flagged, 1);
	ck_assert_int_eq(store_declaration_flagged(st, d2, &flagged), 0);
	ck_assert_int_eq(flagged, 0);
	ck_assert_int_eq(store_declaration_answer(st, d3, "fever", "1", 1, AT0800 + 9001), 0);
	ck_assert_int_eq(store_declaration_answer(st, d3, "contact", "2", 0, AT0800 + 9002), 0);
	ck_assert_int_eq(store_declaration_flagged(st, d3, &flagged), 0);
	ck_assert_int_eq(flagged, 1);
	/* A flag once raised stays raised. */
	ck_assert_int_eq(store_declaration_finish(st, d3, 0, AT0800 + 9003), 0);
	ck_assert_int_eq(sql_value("SELECT flagged FROM declarations WHERE id = 3"), 0);
	ck_assert_int_eq(store_declaration_finish(st, d1, 0, AT0800 + 40), 0);
	ck_assert_int_eq(sql_value("SELECT flagged FROM declarations WHERE id = 1"), 1);
	ck_assert_int_eq(store_declaration_flagged(st, 999, &flagged), 0);
	ck_assert_int_eq(flagged, 0);
	ck_assert_int_eq(sql_value("SELECT flagged FROM declarations WHERE id = 2"), 0);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM declarations"
	    " WHERE id = 2 AND venue_id IS NULL AND checkin_id IS NULL"), 1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM answers"
	    " WHERE declaration_id = 1"), 2);
	ck_assert_int_eq(sql_value("SELECT flagged FROM answers"
	    " WHERE question = 'contact'"), 1);
	/* Answers belong to a declaration. */
	ck_assert_int_eq(store_declaration_answer(st, 999, "q", "a", 0, AT0800), -1);
}
END_TEST

START_TEST(test_sessions)
{
	struct session	s, got;

	ck_assert_int_eq(store_session_get(st, N1, AT0800, &got), 0);
	memset(&s, 0, sizeof s);
	snprintf(s.number, sizeof s.number, "%s", N1);
	s.kind = SESSION_QUESTION;
	s.decl_id = 7;
	s.venue_id = 3;
	s.step = 2;
	s.companions = 4;
	snprintf(s.qset, sizeof s.qset, "checkpoint");
	s.expires_at = AT0800 + 1800;
	ck_assert_int_eq(store_session_put(st, &s), 0);

	ck_assert_int_eq(store_session_get(st, N1, AT0800, &got), 1);
	ck_assert_str_eq(got.number, N1);
	ck_assert_int_eq(got.kind, SESSION_QUESTION);
	ck_assert_int_eq(got.decl_id, 7);
	ck_assert_int_eq(got.venue_id, 3);
	ck_assert_int_eq(got.step, 2);
	ck_assert_int_eq(got.companions, 4);
	ck_assert_str_eq(got.qset, "checkpoint");
	ck_assert_int_eq(got.expires_at, AT0800 + 1800);
	ck_assert_int_eq(store_session_get(st, N1, AT0800 + 1799, &got), 1);
	ck_assert_int_eq(store_session_get(st, N1, AT0800 + 1800, &got), 0);
	ck_assert_int_eq(store_session_get(st, N1, AT0800 + 99999, &got), 0);
	ck_assert_int_eq(store_session_get(st, N2, AT0800, &got), 0);

	/* Put replaces. */
	s.kind = SESSION_DIDYOUMEAN;
	s.decl_id = 0;
	s.step = 0;
	s.qset[0] = '\0';
	s.expires_at = AT0800 + 99999 + 1;
	ck_assert_int_eq(store_session_put(st, &s), 0);
	ck_assert_int_eq(store_session_get(st, N1, AT0800 + 99999, &got), 1);
	ck_assert_int_eq(got.kind, SESSION_DIDYOUMEAN);
	ck_assert_int_eq(got.decl_id, 0);
	ck_assert_str_eq(got.qset, "");
	ck_assert_int_eq(sql_value("SELECT count(*) FROM sessions"), 1);

	ck_assert_int_eq(store_session_clear(st, N1), 0);
	ck_assert_int_eq(store_session_get(st, N1, AT0800, &got), 0);
	ck_assert_int_eq(store_session_clear(st, N1), 0);
}
END_TEST

START_TEST(test_subscribers)
{
	struct subscriber	sub;

	sub.lang = 5;
	sub.opted_out = 1;
	sub.help_at = 9;
	ck_assert_int_eq(store_subscriber_get(st, N1, &sub), 0);
	ck_assert_int_eq(sub.lang, -1);
	ck_assert_int_eq(sub.opted_out, 0);
	ck_assert_int_eq(sub.help_at, 0);

	ck_assert_int_eq(store_subscriber_set_lang(st, N1, LANG_EN), 0);
	ck_assert_int_eq(store_subscriber_get(st, N1, &sub), 1);
	ck_assert_int_eq(sub.lang, LANG_EN);
	ck_assert_int_eq(sub.opted_out, 0);
	ck_assert_int_eq(sub.help_at, 0);

	ck_assert_int_eq(store_subscriber_set_optout(st, N1, 1), 0);
	ck_assert_int_eq(store_subscriber_set_help_at(st, N1, AT0800), 0);
	ck_assert_int_eq(store_subscriber_get(st, N1, &sub), 1);
	ck_assert_int_eq(sub.lang, LANG_EN);
	ck_assert_int_eq(sub.opted_out, 1);
	ck_assert_int_eq(sub.help_at, AT0800);

	ck_assert_int_eq(store_subscriber_set_lang(st, N1, LANG_VI), 0);
	ck_assert_int_eq(store_subscriber_set_optout(st, N1, 0), 0);
	ck_assert_int_eq(store_subscriber_get(st, N1, &sub), 1);
	ck_assert_int_eq(sub.lang, LANG_VI);
	ck_assert_int_eq(sub.opted_out, 0);
	ck_assert_int_eq(sub.help_at, AT0800);

	/* Each setter alone creates the row with the other defaults. */
	ck_assert_int_eq(store_subscriber_set_optout(st, N2, 1), 0);
	ck_assert_int_eq(store_subscriber_get(st, N2, &sub), 1);
	ck_assert_int_eq(sub.lang, -1);
	ck_assert_int_eq(sub.opted_out, 1);
	ck_assert_int_eq(store_subscriber_set_help_at(st, N3, AT0800), 0);
	ck_assert_int_eq(store_subscriber_get(st, N3, &sub), 1);
	ck_assert_int_eq(sub.lang, -1);
	ck_assert_int_eq(sub.opted_out, 0);
	ck_assert_int_eq(sub.help_at, AT0800);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM subscribers"), 3);
}
END_TEST

START_TEST(test_rollback)
{
	struct venue	v;
	char		code[CODE_MAX];
	int64_t		id;

	ck_assert_int_eq(store_begin(st), 0);
	memset(&v, 0, sizeof v);
	v.name = "gone";
	id = store_venue_add(st, &v, 6);
	ck_assert_int_gt(id, 0);
	snprintf(code, sizeof code, "%s", v.code);
	add_checkin(id, N1, AT0800, 0);
	ck_assert_int_gt(store_inbound_add(st, "kannel", "r-1", N1, code, AT0800), 0);
	ck_assert_int_eq(store_subscriber_set_lang(st, N1, LANG_EN), 0);
	ck_assert_int_eq(store_venue_by_code(st, code, &v), 1);	/* visible inside */
	store_venue_free(&v);
	store_rollback(st);

	ck_assert_int_eq(store_venue_by_code(st, code, &v), 0);
	ck_assert_int_eq(store_inbound_find(st, "kannel", "r-1", NULL), 0);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM checkins"), 0);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM daily_stats"), 0);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM subscribers"), 0);

	/* Rollback outside a transaction is harmless; commit is an error. */
	store_rollback(st);
	ck_assert_int_eq(store_commit(st), -1);

	ck_assert_int_eq(store_begin(st), 0);
	add_venue("kept", "", NULL);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM venues"), 1);
}
END_TEST

START_TEST(test_two_connections)
{
	struct store	*other;
	struct venue	 v;
	int64_t		 id;

	/* checkinctl beside the daemon: each sees the other's commits. */
	other = open_store();
	ck_assert_int_eq(store_version(other), SCHEMA_VERSION);
	id = add_venue("shared", "", NULL);
	ck_assert_int_eq(store_venue_by_id(other, id, &v), 1);
	ck_assert_str_eq(v.name, "shared");
	ck_assert_int_eq(store_begin(other), 0);
	ck_assert_int_eq(store_venue_set_active(other, v.code, 0), 0);
	ck_assert_int_eq(store_commit(other), 0);
	store_venue_free(&v);
	ck_assert_int_eq(store_venue_by_id(st, id, &v), 1);
	ck_assert_int_eq(v.active, 0);
	store_venue_free(&v);
	store_close(other);
	store_close(NULL);
}
END_TEST

/*
 * The daemon's connection gathers its WAL writes (sqlite-vfs.c): every
 * commit must be in the file when it returns, for any other connection,
 * whatever its size (one page, past the 64 KiB a write, past the 4 MiB
 * kept), after a checkpoint that restarts the WAL, after a rollback, and
 * with the flush left to store_sync.
 */
START_TEST(test_wal_writes_gathered)
{
	static const int	 sizes[] = { 1, 40, 9000, 3, 200 };
	char			 pad[681], name[700], buf[64];
	long long		 want = 0;
	size_t			 i;
	int			 j;

	memset(pad, 'x', sizeof pad - 1);
	pad[sizeof pad - 1] = '\0';
	for (i = 0; i < nitems(sizes); i++) {
		ck_assert_int_eq(i % 2 ? store_begin_later(st) : store_begin(st),
		    0);
		for (j = 0; j < sizes[i]; j++) {
			snprintf(name, sizeof name, "%zu-%05d-%s", i, j, pad);
			add_venue(name, "w", NULL);
		}
		ck_assert_int_eq(i % 2 ? store_commit_later(st) :
		    store_commit(st), 0);
		want += sizes[i];
		ck_assert_int_eq(sql_value("SELECT count(*) FROM venues"), want);
		if (i % 2)
			ck_assert_int_eq(store_sync(st), 0);
		if (i == 2)
			ck_assert_int_eq(sql_value(
			    "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
	}
	ck_assert_int_eq(store_begin(st), 0);
	for (j = 0; j < 500; j++)
		add_venue("undone", "w", NULL);
	store_rollback(st);
	add_venue("after", "w", NULL);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM venues"), want + 1);
	store_close(st);
	st = open_store();
	sql_text("PRAGMA integrity_check", buf, sizeof buf);
	ck_assert_str_eq(buf, "ok");
	ck_assert_int_eq(sql_value("SELECT count(*) FROM venues"), want + 1);
}
END_TEST

START_TEST(test_open_race)
{
	char		 path[sizeof dbdir + 32], err[256];
	struct store	*s;
	pid_t		 pids[6];
	int		 i, status;

	/* The daemon and checkinctl opening a fresh file at the same moment. */
	snprintf(path, sizeof path, "%s/race/race.db", dbdir);
	for (i = 0; i < (int)nitems(pids); i++) {
		pids[i] = fork();
		ck_assert_int_ne(pids[i], -1);
		if (pids[i] == 0) {
			s = store_open(path, err, sizeof err);
			if (s == NULL || store_version(s) != SCHEMA_VERSION) {
				fprintf(stderr, "open_race: %s\n", err);
				_exit(1);
			}
			store_close(s);
			_exit(0);
		}
	}
	for (i = 0; i < (int)nitems(pids); i++) {
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status));
		ck_assert_int_eq(WEXITSTATUS(status), 0);
	}
	s = store_open(path, err, sizeof err);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(store_version(s), SCHEMA_VERSION);
	store_close(s);
}
END_TEST

struct owned_seen {
	int	n;
	int	stop_after;
	char	name[4][32];
	int	checkins[4];
	int	people[4];
};

static int
owned_cb(const struct venue_day *d, void *arg)
{
	struct owned_seen	*os = arg;

	ck_assert_int_lt(os->n, 4);
	ck_assert(code_valid(d->code, 7));
	snprintf(os->name[os->n], sizeof os->name[0], "%s", d->name);
	os->checkins[os->n] = d->checkins;
	os->people[os->n] = d->people;
	os->n++;
	return os->stop_after != 0 && os->n >= os->stop_after;
}

START_TEST(test_owned_today)
{
	struct owned_seen	os;
	struct venue		v;
	int64_t			a, b, c, o;

	a = add_venue("Alpha", "", N1);
	b = add_venue("Beta", "", N1);
	c = add_venue("Closed", "", N1);
	o = add_venue("Other", "", N2);
	ck_assert_int_eq(store_venue_by_id(st, c, &v), 1);
	ck_assert_int_eq(store_venue_set_active(st, v.code, 0), 0);
	store_venue_free(&v);

	add_checkin(a, N2, AT0800, 0);
	add_checkin(a, N2, AT0800 + 60, 0);
	add_checkin(a, N3, AT0800 + 120, 1);
	add_checkin(c, N3, AT0800, 0);
	add_checkin(o, N3, AT0800, 0);
	add_checkin(b, N3, AT0001, 0);		/* tomorrow */

	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_venue_owned_today(st, N1, DAY16, owned_cb, &os), 2);
	ck_assert_int_eq(os.n, 2);
	ck_assert_str_eq(os.name[0], "Alpha");
	ck_assert_int_eq(os.checkins[0], 3);
	ck_assert_int_eq(os.people[0], 2);
	ck_assert_str_eq(os.name[1], "Beta");
	ck_assert_int_eq(os.checkins[1], 0);
	ck_assert_int_eq(os.people[1], 0);

	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_venue_owned_today(st, N1, DAY17, owned_cb, &os), 2);
	ck_assert_int_eq(os.checkins[0], 0);
	ck_assert_int_eq(os.checkins[1], 1);
	ck_assert_int_eq(os.people[1], 1);

	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_venue_owned_today(st, N2, DAY16, owned_cb, &os), 1);
	ck_assert_str_eq(os.name[0], "Other");
	ck_assert_int_eq(os.people[0], 1);

	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_venue_owned_today(st, N3, DAY16, owned_cb, &os), 0);
	ck_assert_int_eq(os.n, 0);

	memset(&os, 0, sizeof os);
	os.stop_after = 1;
	ck_assert_int_eq(store_venue_owned_today(st, N1, DAY16, owned_cb, &os), 1);
	ck_assert_int_eq(os.n, 1);
}
END_TEST

START_TEST(test_audit_count)
{
	int	n = -1;

	ck_assert_int_eq(store_audit_count_subject(st, N1, &n), 0);
	ck_assert_int_eq(n, 0);
	sql_exec("INSERT INTO audit (at, actor, action, subject, records) VALUES"
	    " (1, 'ward-hang-bac', 'trace.person', '" N1 "', 3),"
	    " (2, 'ward-hang-bac', 'trace.contacts', '" N1 "', 0),"
	    " (3, 'admin', 'trace.venue', '1234567', 9),"
	    " (4, 'admin', 'trace.person', '" N2 "', 1)");
	ck_assert_int_eq(store_audit_count_subject(st, N1, &n), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(store_audit_count_subject(st, N2, &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(store_audit_count_subject(st, N3, &n), 0);
	ck_assert_int_eq(n, 0);
}
END_TEST

/* Migrations and the outbox. */

#define T0	AT0800

/*
 * What migration 12 and the day tables made, undone: the days' rows go
 * back into the tables they came from (renamed back).
 */
static void
undo_v12(void)
{
	sqlite3		*db;
	sqlite3_stmt	*q;
	char		 sql[256];
	const char	*name;

	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN; DROP VIEW checkins;"
	    " DROP VIEW inbound; ALTER TABLE checkins_default RENAME TO checkins;"
	    " ALTER TABLE inbound_default RENAME TO inbound;", NULL, NULL, NULL),
	    SQLITE_OK);
	for (;;) {
		ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT name FROM"
		    " sqlite_master WHERE type = 'table'"
		    " AND name GLOB '*_d[0-9]*'", -1, &q, NULL), SQLITE_OK);
		if (sqlite3_step(q) != SQLITE_ROW) {
			sqlite3_finalize(q);
			break;
		}
		name = (const char *)sqlite3_column_text(q, 0);
		snprintf(sql, sizeof sql, "INSERT INTO %.*s SELECT * FROM %s;"
		    " DROP TABLE %s;", (int)(strstr(name, "_d") - name), name,
		    name, name);
		sqlite3_finalize(q);
		ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL),
		    SQLITE_OK);
	}
	ck_assert_int_eq(sqlite3_exec(db, "COMMIT; PRAGMA user_version = 11",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* What migration 10 added, undone (after undo_v12). */
#define UNDO_V10 \
	"DROP TABLE route_tokens;"

/* What migrations 9 and 10 added, undone. */
#define UNDO_V9 UNDO_V10 \
	" DROP INDEX venues_call_number; ALTER TABLE venues DROP COLUMN call_number;"

/* What migrations 8 and 9 added, undone. */
#define UNDO_V8 UNDO_V9 \
	" DROP TABLE flags; DROP TABLE registrations; DROP TABLE inspections;" \
	" DROP TABLE inspectors; ALTER TABLE venues DROP COLUMN listed;" \
	" ALTER TABLE venues DROP COLUMN committed_at;" \
	" ALTER TABLE venues DROP COLUMN committed_by;" \
	" ALTER TABLE venues DROP COLUMN committed_recorder;" \
	" ALTER TABLE venues DROP COLUMN lat; ALTER TABLE venues DROP COLUMN lon;" \
	" ALTER TABLE audit DROP COLUMN scope;"

/* What migrations 7 to 9 added, undone. */
#define UNDO_V7 UNDO_V8 \
	" DROP TABLE daily_seen; DROP TABLE ward_days;" \
	" ALTER TABLE daily_stats DROP COLUMN flagged;" \
	" ALTER TABLE declarations DROP COLUMN counted;"

/* What migrations 6 to 9 added, undone. */
#define UNDO_V6 UNDO_V7 \
	" DROP TABLE admin_sessions;"

/* What migrations 5 and 6 added, undone. */
#define UNDO_V5 UNDO_V6 \
	" DROP TABLE route_secrets;"

/* What migrations 4 to 6 added, undone. */
#define UNDO_V4 UNDO_V5 \
	" DROP TABLE parts; DROP INDEX inbound_number;"

/* What migrations 3 to 6 added, undone. */
#define UNDO_V3 UNDO_V4 \
	" DROP TABLE ussd_sessions; DROP INDEX checkins_sent;" \
	" DROP INDEX declarations_started; DROP INDEX answers_declaration;" \
	" DROP INDEX sessions_expires; DROP INDEX daily_stats_day;"

/* A database left by a version that knew only migration 1. */
static void
make_v1(void)
{
	store_close(st);
	st = NULL;
	undo_v12();
	sql_exec(UNDO_V3 " DROP TABLE outbox; PRAGMA user_version = 1");
	ck_assert_int_eq(sql_value("SELECT count(*) FROM sqlite_master"
	    " WHERE tbl_name = 'outbox'"), 0);
}

START_TEST(test_migrate_from_v1)
{
	struct venue	v;
	int64_t		id, ob;

	id = add_venue("Cafe Giang", "Hang Bac", N1);
	make_v1();
	ck_assert_int_eq(sql_value("PRAGMA user_version"), 1);
	st = open_store();
	ck_assert_int_eq(store_version(st), SCHEMA_VERSION);
	ck_assert_int_eq(sql_value("PRAGMA user_version"), SCHEMA_VERSION);
	/* The old rows are kept, the new table and its indexes are there. */
	ck_assert_int_eq(store_venue_by_id(st, id, &v), 1);
	ck_assert_str_eq(v.name, "Cafe Giang");
	store_venue_free(&v);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM outbox"), 0);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'index' AND tbl_name = 'outbox'"), 4);
	ob = store_outbox_add(st, "kannel", N1, "x", T0, 0, 0);
	ck_assert_int_gt(ob, 0);
	/* And a second open does not run migration 2 again. */
	store_close(st);
	st = open_store();
	ck_assert_int_eq(store_version(st), SCHEMA_VERSION);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM outbox"), 1);
}
END_TEST

START_TEST(test_migrate_atomic)
{
	char		 err[256] = "";
	struct store	*s;

	/* The last statement of migration 2 fails: none of it may remain. */
	make_v1();
	sql_exec("CREATE INDEX outbox_created ON venues(created_at)");
	s = store_open(dbpath, err, sizeof err);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, "migration to 2") != NULL, "err: %s", err);
	ck_assert_int_eq(sql_value("PRAGMA user_version"), 1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM sqlite_master"
	    " WHERE name IN ('outbox', 'outbox_due', 'outbox_ext',"
	    " 'outbox_state')"), 0);
	sql_exec("DROP INDEX outbox_created");
	st = open_store();
	ck_assert_int_eq(store_version(st), SCHEMA_VERSION);
}
END_TEST

/* Queue a text on route at now. */
static int64_t
ob_add(const char *route, const char *number, int64_t now)
{
	int64_t	id;

	id = store_outbox_add(st, route, number, "Đã check-in tại Phở Thìn", now,
	    0, 0);
	ck_assert_int_gt(id, 0);
	return id;
}

/* A row that must exist. */
static void
ob_get(int64_t id, struct outbox_msg *m)
{
	ck_assert_int_eq(store_outbox_get(st, id, m), 1);
	ck_assert_int_eq(m->id, id);
}

static enum outbox_state
ob_state(int64_t id)
{
	struct outbox_msg	m;
	enum outbox_state	state;

	ob_get(id, &m);
	state = m.state;
	store_outbox_free(&m);
	return state;
}

/* One column of a row, through SQL. */
static long long
ob_value(int64_t id, const char *col)
{
	char	sql[256];

	snprintf(sql, sizeof sql, "SELECT %s FROM outbox WHERE id = %lld", col,
	    (long long)id);
	return sql_value(sql);
}

static void
ob_text(int64_t id, const char *col, char *buf, size_t len)
{
	char	sql[256];

	snprintf(sql, sizeof sql, "SELECT %s FROM outbox WHERE id = %lld", col,
	    (long long)id);
	sql_text(sql, buf, len);
}

/* A new row taken through claim and sent with the route's id ext_id. */
static int64_t
ob_sent(const char *route, const char *ext_id, int64_t now)
{
	int64_t	id;

	id = ob_add(route, N1, now);
	ck_assert_int_eq(store_outbox_claim(st, id, route, now), 1);
	ck_assert_int_eq(store_outbox_sent(st, id, ext_id, now + 1), 0);
	ck_assert_int_eq(ob_state(id), OUTBOX_SENT);
	return id;
}

struct ob_seen {
	int	n;
	int	stop_after;
	int64_t	id[16];
};

static int
ob_cb(const struct outbox_msg *m, void *arg)
{
	struct ob_seen	*os = arg;

	ck_assert_int_lt(os->n, 16);
	ck_assert_ptr_nonnull(m->text);
	os->id[os->n++] = m->id;
	return os->stop_after != 0 && os->n >= os->stop_after;
}

/* Run a due or list query; check the ids it handed over, in order. */
#define OB_EXPECT(os, ...) do {						\
	const int64_t	want_[] = { __VA_ARGS__ };			\
	size_t		i_;						\
									\
	ck_assert_int_eq((os).n, (int)nitems(want_));			\
	for (i_ = 0; i_ < nitems(want_); i_++)				\
		ck_assert_int_eq((os).id[i_], want_[i_]);		\
} while (0)

/* The query plan of sql, its steps joined with "; ". */
static void
sql_plan(const char *sql, char *buf, size_t len)
{
	sqlite3		*db;
	sqlite3_stmt	*q;
	char		 plan[1024];

	buf[0] = '\0';
	snprintf(plan, sizeof plan, "EXPLAIN QUERY PLAN %s", sql);
	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, plan, -1, &q, NULL) == SQLITE_OK,
	    "%s: %s", plan, sqlite3_errmsg(db));
	while (sqlite3_step(q) == SQLITE_ROW) {
		strlcat(buf, (const char *)sqlite3_column_text(q, 3), len);
		strlcat(buf, "; ", len);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
}

START_TEST(test_outbox_fields)
{
	static const char *const names[OUTBOX_STATE_COUNT] = {
		"queued", "sending", "sent", "delivered", "failed", "expired"
	};
	static const char *const bad[] = {
		"", "QUEUED", "sent ", " sent", "deliver", "unknown", "cancelled"
	};
	struct outbox_msg	m;
	int64_t			id, id2;
	size_t			i;

	id = store_outbox_add(st, "kannel", N2, "Cảm ơn! Bạn đã check-in.\n2/3",
	    T0, T0 + 600, 42);
	ck_assert_int_gt(id, 0);
	ob_get(id, &m);
	ck_assert_str_eq(m.route, "kannel");
	ck_assert_str_eq(m.number, N2);
	ck_assert_str_eq(m.text, "Cảm ơn! Bạn đã check-in.\n2/3");
	ck_assert_int_eq(m.state, OUTBOX_QUEUED);
	ck_assert_int_eq(m.attempts, 0);
	ck_assert_int_eq(m.created_at, T0);
	ck_assert_double_eq(m.next_at, T0);
	ck_assert_int_eq(m.expires_at, T0 + 600);
	ck_assert_int_eq(m.updated_at, T0);
	ck_assert_ptr_null(m.ext_id);
	ck_assert_ptr_null(m.dlr_state);
	ck_assert_ptr_null(m.error);
	ck_assert_int_eq(m.inbound_id, 42);
	store_outbox_free(&m);
	ck_assert_ptr_null(m.text);
	ck_assert_int_eq(ob_value(id, "expires_at"), T0 + 600);

	id2 = store_outbox_add(st, "dry", N3, "", T0 + 1, 0, 0);
	ck_assert_int_gt(id2, id);
	ob_get(id2, &m);
	ck_assert_str_eq(m.text, "");
	ck_assert_int_eq(m.expires_at, 0);
	ck_assert_int_eq(m.inbound_id, 0);
	store_outbox_free(&m);
	ck_assert_int_eq(ob_value(id2, "expires_at"), 0);
	ck_assert_int_eq(ob_value(id2, "inbound_id IS NULL"), 1);
	ck_assert_int_eq(ob_value(id2, "sent_at IS NULL"), 1);

	ck_assert_int_eq(store_outbox_get(st, id2 + 100, &m), 0);
	ck_assert_int_eq(store_outbox_get(st, 0, &m), 0);
	ck_assert_int_eq(store_outbox_get(st, -1, &m), 0);

	for (i = 0; i < OUTBOX_STATE_COUNT; i++) {
		ck_assert_str_eq(store_outbox_state_name(i), names[i]);
		ck_assert_int_eq(store_outbox_state_parse(names[i]), (int)i);
	}
	for (i = 0; i < nitems(bad); i++)
		ck_assert_int_eq(store_outbox_state_parse(bad[i]), -1);
	ck_assert_int_eq(store_outbox_state_parse(NULL), -1);
	ck_assert_str_eq(store_outbox_state_name(OUTBOX_STATE_COUNT), "unknown");
}
END_TEST

START_TEST(test_outbox_due)
{
	struct ob_seen	os;
	char		plan[1024];
	int64_t		r1, r2, r3, r4, r5;
	double		at;

	r1 = ob_add("a", N1, T0 + 30);
	r2 = ob_add("a", N2, T0);
	r3 = ob_add("a", N3, T0);
	r4 = ob_add("a", N1, T0 + 100);
	r5 = ob_add("b", N1, T0);

	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_due(st, "a", T0 + 60, 0, ob_cb, &os), 0);
	OB_EXPECT(os, r2, r3, r1);
	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_due(st, "a", T0 + 60, 2, ob_cb, &os), 0);
	OB_EXPECT(os, r2, r3);
	memset(&os, 0, sizeof os);
	os.stop_after = 1;
	ck_assert_int_eq(store_outbox_due(st, "a", T0 + 60, 0, ob_cb, &os), 0);
	OB_EXPECT(os, r2);
	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_due(st, "a", T0 - 1, 0, ob_cb, &os), 0);
	ck_assert_int_eq(os.n, 0);
	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_due(st, "a", T0 + 100, 0, ob_cb, &os), 0);
	OB_EXPECT(os, r2, r3, r1, r4);
	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_due(st, "b", T0 + 100, 0, ob_cb, &os), 0);
	OB_EXPECT(os, r5);
	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_due(st, "c", T0 + 100, 0, ob_cb, &os), 0);
	ck_assert_int_eq(os.n, 0);

	ck_assert_int_eq(store_outbox_next(st, "a", &at), 1);
	ck_assert_double_eq(at, T0);
	/* Only queued rows are due. */
	ck_assert_int_eq(store_outbox_claim(st, r2, "a", T0 + 1), 1);
	ck_assert_int_eq(store_outbox_claim(st, r3, "a", T0 + 1), 1);
	ck_assert_int_eq(store_outbox_next(st, "a", &at), 1);
	ck_assert_double_eq(at, T0 + 30);
	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_due(st, "a", T0 + 60, 0, ob_cb, &os), 0);
	OB_EXPECT(os, r1);
	/* A retried row comes back at its next_at, in order. */
	ck_assert_int_eq(store_outbox_retry(st, r2, T0 + 50, "HTTP 503", T0 + 2), 0);
	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_due(st, "a", T0 + 60, 0, ob_cb, &os), 0);
	OB_EXPECT(os, r1, r2);
	ck_assert_int_eq(store_outbox_final(st, r5, OUTBOX_EXPIRED, NULL, T0), 0);
	at = -1;
	ck_assert_int_eq(store_outbox_next(st, "b", &at), 0);
	ck_assert_int_eq(at, -1);
	ck_assert_int_eq(store_outbox_next(st, "c", &at), 0);

	/* The due query walks its index in order: no sort, no scan. */
	sql_plan("SELECT id, text FROM outbox WHERE route = 'a' AND state = 0"
	    " AND next_at <= 5 ORDER BY next_at, id LIMIT 10", plan, sizeof plan);
	ck_assert_msg(strstr(plan, "USING INDEX outbox_due") != NULL &&
	    strstr(plan, "TEMP B-TREE") == NULL, "plan: %s", plan);
}
END_TEST

START_TEST(test_outbox_claim)
{
	struct outbox_msg	 m;
	struct store		*other;
	int64_t			 id, id2, id3, id4;

	id = ob_add("a", N1, T0);
	ck_assert_int_eq(store_outbox_claim(st, id, "a", T0 + 5), 1);
	ck_assert_int_eq(store_outbox_claim(st, id, "a", T0 + 6), 0);
	ob_get(id, &m);
	ck_assert_int_eq(m.state, OUTBOX_SENDING);
	ck_assert_int_eq(m.attempts, 1);
	ck_assert_int_eq(m.updated_at, T0 + 5);
	store_outbox_free(&m);
	ck_assert_int_eq(store_outbox_claim(st, id + 100, "a", T0), 0);

	/* A fallback route takes the row over. */
	id2 = ob_add("a", N2, T0);
	ck_assert_int_eq(store_outbox_claim(st, id2, "b", T0), 1);
	ob_get(id2, &m);
	ck_assert_str_eq(m.route, "b");
	store_outbox_free(&m);
	id3 = ob_add("a", N2, T0);
	ck_assert_int_eq(store_outbox_claim(st, id3, NULL, T0), 1);
	ob_get(id3, &m);
	ck_assert_str_eq(m.route, "a");
	store_outbox_free(&m);

	/* Two processes: only one wins. */
	id4 = ob_add("a", N3, T0);
	other = open_store();
	ck_assert_int_eq(store_outbox_claim(other, id4, "a", T0), 1);
	ck_assert_int_eq(store_outbox_claim(st, id4, "a", T0), 0);
	ck_assert_int_eq(ob_value(id4, "attempts"), 1);
	store_close(other);
}
END_TEST

START_TEST(test_outbox_transitions)
{
	struct outbox_msg	m;
	char			buf[64];
	int64_t			id, id2, id3, id4, id5;

	id = ob_add("a", N1, T0);
	ck_assert_int_eq(store_outbox_claim(st, id, "a", T0), 1);
	ck_assert_int_eq(store_outbox_retry(st, id, T0 + 10, "HTTP 503", T0 + 1), 0);
	ob_get(id, &m);
	ck_assert_int_eq(m.state, OUTBOX_QUEUED);
	ck_assert_double_eq(m.next_at, T0 + 10);
	ck_assert_str_eq(m.error, "HTTP 503");
	ck_assert_int_eq(m.updated_at, T0 + 1);
	ck_assert_int_eq(m.attempts, 1);
	store_outbox_free(&m);
	/* Only a row being sent is retried. */
	ck_assert_int_eq(store_outbox_retry(st, id, T0 + 99, "x", T0 + 2), 0);
	ck_assert_int_eq(ob_value(id, "next_at"), T0 + 10);
	/* Nor sent. */
	ck_assert_int_eq(store_outbox_sent(st, id, "1", T0 + 2), 0);
	ck_assert_int_eq(ob_state(id), OUTBOX_QUEUED);
	ck_assert_int_eq(ob_value(id, "ext_id IS NULL"), 1);

	ck_assert_int_eq(store_outbox_claim(st, id, "a", T0 + 10), 1);
	ck_assert_int_eq(store_outbox_sent(st, id, "ABC", T0 + 11), 0);
	ob_get(id, &m);
	ck_assert_int_eq(m.state, OUTBOX_SENT);
	ck_assert_int_eq(m.attempts, 2);
	ck_assert_str_eq(m.ext_id, "ABC");
	ck_assert_int_eq(m.updated_at, T0 + 11);
	store_outbox_free(&m);
	ck_assert_int_eq(ob_value(id, "sent_at"), T0 + 11);
	ob_text(id, "ext_key", buf, sizeof buf);
	ck_assert_str_eq(buf, "2748");

	/* Sent is past final, retry and another claim. */
	ck_assert_int_eq(store_outbox_final(st, id, OUTBOX_FAILED, "x", T0 + 12), 0);
	ck_assert_int_eq(store_outbox_retry(st, id, T0 + 99, "x", T0 + 12), 0);
	ck_assert_int_eq(store_outbox_claim(st, id, "a", T0 + 12), 0);
	ob_get(id, &m);
	ck_assert_int_eq(m.state, OUTBOX_SENT);
	ck_assert_int_eq(m.attempts, 2);
	ck_assert_int_eq(m.updated_at, T0 + 11);
	store_outbox_free(&m);
	/* final takes only final states. */
	ck_assert_int_eq(store_outbox_final(st, id, OUTBOX_SENT, NULL, T0), -1);
	ck_assert_int_eq(store_outbox_final(st, id, OUTBOX_QUEUED, NULL, T0), -1);
	ck_assert_int_eq(store_outbox_final(st, id, OUTBOX_DELIVERED, NULL, T0), -1);

	id2 = ob_add("a", N1, T0);
	ck_assert_int_eq(store_outbox_claim(st, id2, "a", T0), 1);
	ck_assert_int_eq(store_outbox_final(st, id2, OUTBOX_FAILED,
	    "HTTP 400: invalid number", T0 + 3), 0);
	ob_get(id2, &m);
	ck_assert_int_eq(m.state, OUTBOX_FAILED);
	ck_assert_str_eq(m.error, "HTTP 400: invalid number");
	ck_assert_int_eq(m.updated_at, T0 + 3);
	store_outbox_free(&m);
	/* Final stays final. */
	ck_assert_int_eq(store_outbox_final(st, id2, OUTBOX_EXPIRED, "y", T0 + 4), 0);
	ck_assert_int_eq(ob_state(id2), OUTBOX_FAILED);

	id3 = ob_add("a", N1, T0);
	ck_assert_int_eq(store_outbox_final(st, id3, OUTBOX_EXPIRED,
	    "question timed out", T0 + 5), 0);
	ob_get(id3, &m);
	ck_assert_int_eq(m.state, OUTBOX_EXPIRED);
	ck_assert_int_eq(m.attempts, 0);
	ck_assert_str_eq(m.error, "question timed out");
	store_outbox_free(&m);
	ck_assert_int_eq(store_outbox_claim(st, id3, "a", T0 + 6), 0);

	/* A route that gives no id, or only blanks. */
	id4 = ob_sent("a", NULL, T0);
	ck_assert_int_eq(ob_value(id4, "ext_id IS NULL AND ext_key IS NULL"), 1);
	id5 = ob_sent("a", " \t ", T0);
	ck_assert_int_eq(ob_value(id5, "ext_id IS NULL AND ext_key IS NULL"), 1);
}
END_TEST

START_TEST(test_outbox_dlr_by_id)
{
	struct outbox_msg	m;
	int64_t			id, id2, id3, id4, id5, id6, id7;

	id = ob_sent("kannel", "77", T0);
	ck_assert_int_eq(store_outbox_dlr(st, id, "kannel", NULL, -1, "ENROUTE",
	    T0 + 5), 1);
	ob_get(id, &m);
	ck_assert_int_eq(m.state, OUTBOX_SENT);
	ck_assert_str_eq(m.dlr_state, "ENROUTE");
	ck_assert_int_eq(m.updated_at, T0 + 5);
	store_outbox_free(&m);
	ck_assert_int_eq(ob_value(id, "dlr_at"), T0 + 5);
	/* Our id on another route's endpoint, or none: not ours. */
	ck_assert_int_eq(store_outbox_dlr(st, id, "tw", NULL, 1, "delivered",
	    T0 + 6), 0);
	ck_assert_int_eq(store_outbox_dlr(st, id, NULL, NULL, 1, "delivered",
	    T0 + 6), 0);
	ck_assert_int_eq(ob_state(id), OUTBOX_SENT);
	ck_assert_int_eq(store_outbox_dlr(st, id, "kannel", NULL, 1, "DELIVRD",
	    T0 + 9), 1);
	ob_get(id, &m);
	ck_assert_int_eq(m.state, OUTBOX_DELIVERED);
	ck_assert_str_eq(m.dlr_state, "DELIVRD");
	ck_assert_ptr_null(m.error);
	store_outbox_free(&m);
	/* Late reports do not undo delivered. */
	ck_assert_int_eq(store_outbox_dlr(st, id, "kannel", NULL, 0, "UNDELIV",
	    T0 + 10), 1);
	ck_assert_int_eq(store_outbox_dlr(st, id, "kannel", NULL, -1, "ENROUTE",
	    T0 + 11), 1);
	ob_get(id, &m);
	ck_assert_int_eq(m.state, OUTBOX_DELIVERED);
	ck_assert_str_eq(m.dlr_state, "DELIVRD");
	ck_assert_int_eq(m.updated_at, T0 + 9);
	store_outbox_free(&m);

	/* Unknown ids. */
	ck_assert_int_eq(store_outbox_dlr(st, id + 1000, "kannel", NULL, 1,
	    "DELIVRD", T0), 0);
	ck_assert_int_eq(store_outbox_dlr(st, id + 1000, "kannel", "77", 1,
	    "DELIVRD", T0), 0);
	ck_assert_int_eq(store_outbox_dlr(st, 0, "kannel", "78", 1, "DELIVRD",
	    T0), 0);
	ck_assert_int_eq(store_outbox_dlr(st, 0, "kannel", NULL, 1, "DELIVRD",
	    T0), 0);
	ck_assert_int_eq(store_outbox_dlr(st, 0, "kannel", "", 1, "DELIVRD",
	    T0), 0);
	/* No id of ours (0 or negative): the route's id decides. */
	ck_assert_int_eq(store_outbox_dlr(st, -1, "kannel", "077", 1, "DELIVRD",
	    T0), 1);

	/* Failed by report, then delivered after all. */
	id2 = ob_sent("kannel", "78", T0);
	ck_assert_int_eq(store_outbox_dlr(st, id2, "kannel", NULL, 0, "UNDELIV",
	    T0 + 20), 1);
	ob_get(id2, &m);
	ck_assert_int_eq(m.state, OUTBOX_FAILED);
	ck_assert_str_eq(m.error, "delivery failed: UNDELIV");
	ck_assert_str_eq(m.dlr_state, "UNDELIV");
	store_outbox_free(&m);
	ck_assert_int_eq(store_outbox_dlr(st, id2, "kannel", NULL, 0, "REJECTD",
	    T0 + 21), 1);
	ck_assert_int_eq(store_outbox_dlr(st, id2, "kannel", NULL, -1, "ENROUTE",
	    T0 + 22), 1);
	ob_get(id2, &m);
	ck_assert_int_eq(m.state, OUTBOX_FAILED);
	ck_assert_str_eq(m.dlr_state, "REJECTD");
	ck_assert_str_eq(m.error, "delivery failed: UNDELIV");
	store_outbox_free(&m);
	ck_assert_int_eq(store_outbox_dlr(st, id2, "kannel", NULL, 1, "DELIVRD",
	    T0 + 23), 1);
	ob_get(id2, &m);
	ck_assert_int_eq(m.state, OUTBOX_DELIVERED);
	ck_assert_str_eq(m.dlr_state, "DELIVRD");
	ck_assert_ptr_null(m.error);
	store_outbox_free(&m);

	/* A failure without a state word. */
	id3 = ob_sent("kannel", "79", T0);
	ck_assert_int_eq(store_outbox_dlr(st, id3, "kannel", NULL, 0, NULL,
	    T0 + 20), 1);
	ob_get(id3, &m);
	ck_assert_int_eq(m.state, OUTBOX_FAILED);
	ck_assert_str_eq(m.error, "delivery failed: unknown");
	ck_assert_ptr_null(m.dlr_state);
	store_outbox_free(&m);

	/* Queued and expired rows are left alone. */
	id4 = ob_add("kannel", N1, T0);
	ck_assert_int_eq(store_outbox_dlr(st, id4, "kannel", NULL, 1, "DELIVRD",
	    T0 + 1), 1);
	ob_get(id4, &m);
	ck_assert_int_eq(m.state, OUTBOX_QUEUED);
	ck_assert_ptr_null(m.dlr_state);
	ck_assert_int_eq(m.updated_at, T0);
	store_outbox_free(&m);
	id5 = ob_add("kannel", N1, T0);
	ck_assert_int_eq(store_outbox_final(st, id5, OUTBOX_EXPIRED, NULL, T0), 0);
	ck_assert_int_eq(store_outbox_dlr(st, id5, "kannel", NULL, 1, "DELIVRD",
	    T0 + 1), 1);
	ck_assert_int_eq(ob_state(id5), OUTBOX_EXPIRED);

	/* The report beats the HTTP answer: the answer must not undo it. */
	id6 = ob_add("kannel", N1, T0);
	ck_assert_int_eq(store_outbox_claim(st, id6, "kannel", T0), 1);
	ck_assert_int_eq(store_outbox_dlr(st, id6, "kannel", NULL, -1, "ACCEPTD",
	    T0 + 1), 1);
	ck_assert_int_eq(ob_state(id6), OUTBOX_SENDING);
	ck_assert_int_eq(store_outbox_dlr(st, id6, "kannel", NULL, 1, "DELIVRD",
	    T0 + 2), 1);
	ck_assert_int_eq(ob_state(id6), OUTBOX_DELIVERED);
	ck_assert_int_eq(store_outbox_sent(st, id6, "0x1F", T0 + 3), 0);
	ck_assert_int_eq(store_outbox_retry(st, id6, T0 + 60, "timeout", T0 + 3), 0);
	ck_assert_int_eq(store_outbox_final(st, id6, OUTBOX_FAILED, "x", T0 + 3), 0);
	ob_get(id6, &m);
	ck_assert_int_eq(m.state, OUTBOX_DELIVERED);
	ck_assert_str_eq(m.ext_id, "0x1F");
	ck_assert_ptr_null(m.error);
	store_outbox_free(&m);
	ck_assert_int_eq(store_outbox_dlr(st, 0, "kannel", "31", 1, "DELIVRD",
	    T0 + 4), 1);

	/* A report by our id teaches us the route's id. */
	id7 = ob_sent("kannel", NULL, T0);
	ck_assert_int_eq(store_outbox_dlr(st, id7, "kannel", "ABC", -1, "ACCEPTD",
	    T0 + 1), 1);
	ob_get(id7, &m);
	ck_assert_str_eq(m.ext_id, "ABC");
	ck_assert_str_eq(m.dlr_state, "ACCEPTD");
	store_outbox_free(&m);
	ck_assert_int_eq(store_outbox_dlr(st, 0, "kannel", "0xabc", 1, "DELIVRD",
	    T0 + 2), 1);
	ck_assert_int_eq(ob_state(id7), OUTBOX_DELIVERED);
	/* But never overwrites the one it has. */
	ck_assert_int_eq(store_outbox_dlr(st, id7, "kannel", "999", 1, "DELIVRD",
	    T0 + 3), 1);
	ob_get(id7, &m);
	ck_assert_str_eq(m.ext_id, "ABC");
	store_outbox_free(&m);
}
END_TEST

/*
 * The route's id as the submit answer gave it, as a report gives it, the
 * normalised key stored, and whether the two are the same message.
 */
static const struct {
	const char	*sent;
	const char	*report;
	const char	*key;
	int		 match;
} ext_pairs[] = {
	{ "0A1B", "2587", "2587", 1 },		/* hex answer, decimal receipt */
	{ "2587", "0a1b", "2587", 1 },
	{ "000123", "123", "123", 1 },
	{ "123", "000123", "123", 1 },
	{ "ABCDEF12", "abcdef12", "2882400018", 1 },
	{ "abcdef12", "2882400018", "2882400018", 1 },
	{ "0x1A", "26", "26", 1 },
	{ "0X00ff", "255", "255", 1 },
	{ "  42\r\n", "42", "42", 1 },
	{ "\t0042 ", "0x2a", "42", 1 },
	{ "0", "000", "0", 1 },
	{ "ffffffffffffffff", "18446744073709551615", "18446744073709551615", 1 },
	/* Past 64 bits: the digits, without leading zeros. */
	{ "0018446744073709551616", "18446744073709551616",
	    "18446744073709551616", 1 },
	{ "10000000000000000A", "0010000000000000000a", "10000000000000000a", 1 },
	{ "123E4567-E89B-12D3-A456-426614174000",
	    "123e4567-e89b-12d3-a456-426614174000",
	    "123e4567-e89b-12d3-a456-426614174000", 1 },
	{ " SM0123456789abcdef0123456789ABCDEF ",
	    "sm0123456789ABCDEF0123456789abcdef",
	    "sm0123456789abcdef0123456789abcdef", 1 },
	{ "ATPid_2f1c9a", "atpid_2F1C9A", "atpid_2f1c9a", 1 },
	/* An all-decimal hex id cannot be told from decimal. */
	{ "1234", "4660", "1234", 0 },
	{ "abc-01", "abc-1", "abc-01", 0 },	/* text keeps its zeros */
	{ "12 34", "1234", "12 34", 0 },
	{ "123", "1230", "123", 0 },
	{ "0a1b", "a1b0", "2587", 0 },
	{ "18446744073709551616", "0", "18446744073709551616", 0 },
	{ "123e4567-e89b-12d3-a456-426614174000",
	    "123e4567e89b12d3a456426614174000",
	    "123e4567-e89b-12d3-a456-426614174000", 0 },
	{ "0x", "0", "0x", 0 },
	{ "x1a", "26", "x1a", 0 },
};

START_TEST(test_outbox_dlr_key)
{
	struct outbox_msg	m;
	char			buf[128];
	int64_t			id, decoy;
	int			match = ext_pairs[_i].match;

	decoy = ob_sent("other", ext_pairs[_i].sent, T0);
	id = ob_sent("smsc", ext_pairs[_i].sent, T0);
	ob_text(id, "ext_key", buf, sizeof buf);
	ck_assert_str_eq(buf, ext_pairs[_i].key);
	ob_get(id, &m);
	ck_assert_str_eq(m.ext_id, ext_pairs[_i].sent);	/* kept as given */
	store_outbox_free(&m);

	ck_assert_int_eq(store_outbox_dlr(st, 0, "smsc", ext_pairs[_i].report, 1,
	    "DELIVRD", T0 + 5), match);
	ck_assert_int_eq(ob_state(id), match ? OUTBOX_DELIVERED : OUTBOX_SENT);
	ck_assert_int_eq(ob_state(decoy), OUTBOX_SENT);
}
END_TEST

START_TEST(test_outbox_dlr_newest)
{
	char	plan[1024];
	int64_t	old, new, other;

	/* SMSC counters wrap: the same id twice on a route, the newest is meant. */
	old = ob_sent("smsc", "5", T0);
	new = ob_sent("smsc", "005", T0 + 3600);
	other = ob_sent("tw", "5", T0 + 7200);
	ck_assert_int_eq(store_outbox_dlr(st, 0, "smsc", "0x5", 0, "EXPIRED",
	    T0 + 7201), 1);
	ck_assert_int_eq(ob_state(new), OUTBOX_FAILED);
	ck_assert_int_eq(ob_state(old), OUTBOX_SENT);
	ck_assert_int_eq(ob_state(other), OUTBOX_SENT);

	sql_plan("SELECT id, state FROM outbox WHERE route = 'smsc'"
	    " AND ext_key = '5' ORDER BY id DESC LIMIT 1", plan, sizeof plan);
	ck_assert_msg(strstr(plan, "outbox_ext") != NULL &&
	    strstr(plan, "TEMP B-TREE") == NULL, "plan: %s", plan);
}
END_TEST

START_TEST(test_outbox_requeue_sending)
{
	struct ob_seen		os;
	struct outbox_msg	m;
	int64_t			q, s1, s2, sent;

	q = ob_add("a", N1, T0);
	s1 = ob_add("a", N2, T0 + 1);
	s2 = ob_add("b", N3, T0 + 2);
	sent = ob_sent("a", "9", T0 + 3);
	ck_assert_int_eq(store_outbox_claim(st, s1, "a", T0 + 10), 1);
	ck_assert_int_eq(store_outbox_claim(st, s2, "b", T0 + 10), 1);

	/* The daemon died with s1 and s2 in flight. */
	ck_assert_int_eq(store_outbox_requeue_sending(st, T0 + 100), 2);
	ob_get(s1, &m);
	ck_assert_int_eq(m.state, OUTBOX_QUEUED);
	ck_assert_int_eq(m.attempts, 1);
	ck_assert_double_eq(m.next_at, T0 + 1);
	ck_assert_int_eq(m.updated_at, T0 + 100);
	store_outbox_free(&m);
	ck_assert_int_eq(ob_state(s2), OUTBOX_QUEUED);
	ck_assert_int_eq(ob_state(q), OUTBOX_QUEUED);
	ck_assert_int_eq(ob_value(q, "updated_at"), T0);
	ck_assert_int_eq(ob_state(sent), OUTBOX_SENT);
	ck_assert_int_eq(store_outbox_requeue_sending(st, T0 + 101), 0);

	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_due(st, "a", T0 + 100, 0, ob_cb, &os), 0);
	OB_EXPECT(os, q, s1);
}
END_TEST

START_TEST(test_outbox_list)
{
	struct ob_seen	os;
	int64_t		a1, a2, b1, b2, a3;

	a1 = ob_add("a", N1, T0);
	a2 = ob_add("a", N1, T0);
	ck_assert_int_eq(store_outbox_final(st, a2, OUTBOX_FAILED, "x", T0 + 2), 0);
	b1 = ob_add("b", N1, T0 + 1);
	b2 = ob_sent("b", "1", T0 + 2);		/* updated at T0 + 3 */
	a3 = ob_add("a", N1, T0 + 4);

	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_list(st, -1, NULL, 0, ob_cb, &os), 0);
	OB_EXPECT(os, a3, b2, a2, b1, a1);
	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_list(st, OUTBOX_QUEUED, NULL, 0, ob_cb,
	    &os), 0);
	OB_EXPECT(os, a3, b1, a1);
	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_list(st, OUTBOX_QUEUED, "a", 0, ob_cb,
	    &os), 0);
	OB_EXPECT(os, a3, a1);
	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_list(st, -1, "b", 0, ob_cb, &os), 0);
	OB_EXPECT(os, b2, b1);
	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_list(st, OUTBOX_FAILED, "b", 0, ob_cb,
	    &os), 0);
	ck_assert_int_eq(os.n, 0);
	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_list(st, OUTBOX_FAILED, NULL, 0, ob_cb,
	    &os), 0);
	OB_EXPECT(os, a2);
	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_list(st, -1, NULL, 2, ob_cb, &os), 0);
	OB_EXPECT(os, a3, b2);
	memset(&os, 0, sizeof os);
	os.stop_after = 1;
	ck_assert_int_eq(store_outbox_list(st, -1, NULL, 0, ob_cb, &os), 0);
	OB_EXPECT(os, a3);
	memset(&os, 0, sizeof os);
	ck_assert_int_eq(store_outbox_list(st, -1, "nowhere", 0, ob_cb, &os), 0);
	ck_assert_int_eq(os.n, 0);
}
END_TEST

START_TEST(test_outbox_requeue_cancel)
{
	struct outbox_msg	m;
	int64_t			f, e, q, s, sent, d, r;

	f = ob_add("a", N1, T0);
	ck_assert_int_eq(store_outbox_claim(st, f, "a", T0), 1);
	ck_assert_int_eq(store_outbox_final(st, f, OUTBOX_FAILED, "HTTP 400", T0), 0);
	ck_assert_int_eq(store_outbox_requeue(st, f, T0 + 50), 0);
	ob_get(f, &m);
	ck_assert_int_eq(m.state, OUTBOX_QUEUED);
	ck_assert_int_eq(m.attempts, 0);
	ck_assert_double_eq(m.next_at, T0 + 50);
	ck_assert_int_eq(m.updated_at, T0 + 50);
	ck_assert_ptr_null(m.error);
	store_outbox_free(&m);
	ck_assert_int_eq(store_outbox_claim(st, f, "a", T0 + 50), 1);
	ck_assert_int_eq(ob_value(f, "attempts"), 1);

	e = ob_add("a", N1, T0);
	ck_assert_int_eq(store_outbox_final(st, e, OUTBOX_EXPIRED, NULL, T0), 0);
	ck_assert_int_eq(store_outbox_requeue(st, e, T0 + 1), 0);
	ck_assert_int_eq(ob_state(e), OUTBOX_QUEUED);

	/* Failed by report: the old report goes with the requeue. */
	r = ob_sent("a", "7", T0);
	ck_assert_int_eq(store_outbox_dlr(st, r, "a", NULL, 0, "UNDELIV", T0 + 1), 1);
	ck_assert_int_eq(store_outbox_requeue(st, r, T0 + 2), 0);
	ob_get(r, &m);
	ck_assert_int_eq(m.state, OUTBOX_QUEUED);
	ck_assert_ptr_null(m.dlr_state);
	ck_assert_ptr_null(m.error);
	store_outbox_free(&m);

	/* Only final rows are requeued. */
	q = ob_add("a", N1, T0);
	s = ob_add("a", N1, T0);
	ck_assert_int_eq(store_outbox_claim(st, s, "a", T0), 1);
	sent = ob_sent("a", "8", T0);
	d = ob_sent("a", "9", T0);
	ck_assert_int_eq(store_outbox_dlr(st, 0, "a", "9", 1, "DELIVRD", T0), 1);
	ck_assert_int_eq(store_outbox_requeue(st, q, T0 + 5), 1);
	ck_assert_int_eq(store_outbox_requeue(st, s, T0 + 5), 1);
	ck_assert_int_eq(store_outbox_requeue(st, sent, T0 + 5), 1);
	ck_assert_int_eq(store_outbox_requeue(st, d, T0 + 5), 1);
	ck_assert_int_eq(store_outbox_requeue(st, d + 100, T0 + 5), 1);
	ck_assert_int_eq(ob_state(s), OUTBOX_SENDING);
	ck_assert_int_eq(ob_state(d), OUTBOX_DELIVERED);
	ck_assert_int_eq(ob_value(q, "updated_at"), T0);

	/* Only queued rows are cancelled. */
	ck_assert_int_eq(store_outbox_cancel(st, q, T0 + 6), 0);
	ob_get(q, &m);
	ck_assert_int_eq(m.state, OUTBOX_FAILED);
	ck_assert_str_eq(m.error, "cancelled");
	ck_assert_int_eq(m.updated_at, T0 + 6);
	store_outbox_free(&m);
	ck_assert_int_eq(store_outbox_cancel(st, q, T0 + 7), 1);
	ck_assert_int_eq(store_outbox_cancel(st, s, T0 + 7), 1);
	ck_assert_int_eq(store_outbox_cancel(st, sent, T0 + 7), 1);
	ck_assert_int_eq(store_outbox_cancel(st, d, T0 + 7), 1);
	ck_assert_int_eq(store_outbox_cancel(st, d + 100, T0 + 7), 1);
	ck_assert_int_eq(ob_state(s), OUTBOX_SENDING);
	ck_assert_int_eq(ob_state(sent), OUTBOX_SENT);
	/* A cancelled row can be sent after all. */
	ck_assert_int_eq(store_outbox_requeue(st, q, T0 + 8), 0);
	ck_assert_int_eq(ob_state(q), OUTBOX_QUEUED);
}
END_TEST

/* Migration 3 and the officials' queries. */

/* A database left by a version that knew migrations 1 and 2. */
static void
make_v2(void)
{
	store_close(st);
	st = NULL;
	undo_v12();
	sql_exec(UNDO_V3 " PRAGMA user_version = 2");
}

START_TEST(test_migrate_from_v2)
{
	int64_t	v, c;

	v = add_venue("Cafe Giang", "Hàng Bạc", N1);
	c = add_checkin(v, N1, AT0800, 0);
	make_v2();
	ck_assert_int_eq(sql_value("SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'ussd_sessions'"), 0);
	st = open_store();
	ck_assert_int_eq(store_version(st), SCHEMA_VERSION);
	ck_assert_int_eq(sql_value("SELECT id FROM checkins"), c);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'index' AND name IN ('checkins_sent',"
	    " 'declarations_started', 'answers_declaration', 'sessions_expires',"
	    " 'daily_stats_day', 'ussd_sessions_number',"
	    " 'ussd_sessions_updated')"), 7);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM ussd_sessions"), 0);
	store_close(st);
	st = open_store();
	ck_assert_int_eq(store_version(st), SCHEMA_VERSION);
}
END_TEST

/* A database of the version before channels: the parts table comes, data stays. */
START_TEST(test_migrate_from_v3)
{
	int64_t	v, c;

	v = add_venue("Cafe Giang", "Hàng Bạc", N1);
	c = add_checkin(v, N1, AT0800, 0);
	store_close(st);
	st = NULL;
	undo_v12();
	sql_exec(UNDO_V4 " PRAGMA user_version = 3");
	st = open_store();
	ck_assert_int_eq(store_version(st), SCHEMA_VERSION);
	ck_assert_int_eq(sql_value("SELECT id FROM checkins"), c);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM sqlite_master"
	    " WHERE name IN ('parts', 'parts_set', 'parts_waiting', 'inbound_number')"), 4);
}
END_TEST

/* A venue's own phone number: one venue a number, found by it, cleared. */
START_TEST(test_venue_call_number)
{
	struct venue	v;
	char		code1[CODE_MAX], code2[CODE_MAX], cur[NUMBER_MAX];
	int64_t		id1, id2;

	id1 = add_venue("Cafe Giang", "Hang Gai", NULL);
	id2 = add_venue("Pho Thin", "Hang Bac", NULL);
	ck_assert_int_eq(store_venue_by_id(st, id1, &v), 1);
	strlcpy(code1, v.code, sizeof code1);
	store_venue_free(&v);
	ck_assert_int_eq(store_venue_by_id(st, id2, &v), 1);
	strlcpy(code2, v.code, sizeof code2);
	store_venue_free(&v);

	ck_assert_int_eq(store_venue_call_number(st, code1, cur, sizeof cur), 0);
	ck_assert_int_eq(store_venue_by_call_number(st, "+842471000001", &v), 0);
	ck_assert_int_eq(store_venue_set_call_number(st, code1, "+842471000001"), 0);
	ck_assert_int_eq(store_venue_call_number(st, code1, cur, sizeof cur), 1);
	ck_assert_str_eq(cur, "+842471000001");
	ck_assert_int_eq(store_venue_by_call_number(st, "+842471000001", &v), 1);
	ck_assert_int_eq(v.id, id1);
	store_venue_free(&v);
	/* Set again on the same venue: fine; on another: refused. */
	ck_assert_int_eq(store_venue_set_call_number(st, code1, "+842471000001"), 0);
	ck_assert_int_eq(store_venue_set_call_number(st, code2, "+842471000001"), 2);
	ck_assert_int_eq(store_venue_set_call_number(st, "9999999", "+842471000002"), 1);
	/* Cleared: the number is free for the other venue. */
	ck_assert_int_eq(store_venue_set_call_number(st, code1, NULL), 0);
	ck_assert_int_eq(store_venue_by_call_number(st, "+842471000001", &v), 0);
	ck_assert_int_eq(store_venue_set_call_number(st, code2, "+842471000001"), 0);
	ck_assert_int_eq(store_venue_by_call_number(st, "+842471000001", &v), 1);
	ck_assert_int_eq(v.id, id2);
	store_venue_free(&v);
}
END_TEST

/* A database of the version before venue numbers: migration 9 keeps the venues. */
START_TEST(test_migrate_from_v8)
{
	struct venue	v;
	int64_t		id;

	id = add_venue("Cafe Giang", "Hang Gai", NULL);
	store_close(st);
	st = NULL;
	undo_v12();
	sql_exec(UNDO_V9 " PRAGMA user_version = 8");
	ck_assert_int_eq(sql_value("SELECT count(*) FROM pragma_table_info('venues')"
	    " WHERE name = 'call_number'"), 0);
	st = open_store();
	ck_assert_int_eq(store_version(st), SCHEMA_VERSION);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'venues_call_number'"), 1);
	ck_assert_int_eq(store_venue_by_id(st, id, &v), 1);
	ck_assert_int_eq(store_venue_set_call_number(st, v.code, "+842471000001"), 0);
	store_venue_free(&v);
}
END_TEST

/* A database of version 9: migration 10 adds the routes' buckets, rows stay. */
START_TEST(test_migrate_from_v9)
{
	int64_t	id;
	int	granted;
	double	wait;

	id = add_venue("Cafe Giang", "Hang Gai", NULL);
	store_close(st);
	st = NULL;
	undo_v12();
	sql_exec(UNDO_V10 " PRAGMA user_version = 9");
	ck_assert_int_eq(sql_value("SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'route_tokens'"), 0);
	st = open_store();
	ck_assert_int_eq(store_version(st), SCHEMA_VERSION);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM venues"), 1);
	ck_assert_int_eq(sql_value("SELECT max(id) FROM venues"), id);
	ck_assert_int_eq(store_route_take(st, "kannel", 10, 2, 1, T0, &granted,
	    &wait), 0);
	ck_assert_int_eq(granted, 1);
}
END_TEST

START_TEST(test_migrate_atomic_v3)
{
	char		 err[256] = "";
	struct store	*s;

	/* The last statement of migration 3 fails: none of it may remain. */
	make_v2();
	sql_exec("CREATE INDEX ussd_sessions_updated ON venues(created_at)");
	s = store_open(dbpath, err, sizeof err);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, "migration to 3") != NULL, "err: %s", err);
	ck_assert_int_eq(sql_value("PRAGMA user_version"), 2);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM sqlite_master"
	    " WHERE name IN ('ussd_sessions', 'checkins_sent',"
	    " 'answers_declaration', 'ussd_sessions_number')"), 0);
	sql_exec("DROP INDEX ussd_sessions_updated");
	st = open_store();
	ck_assert_int_eq(store_version(st), SCHEMA_VERSION);
}
END_TEST

/*
 * The crafted dataset. Times on 2021-09-16 local unless said; a stay
 * without a check-out lasts default_stay (1 h) unless a test says.
 */
#define H(h, m)	(DAY16 + (h) * 3600LL + (m) * 60LL)
#define DAY15	(DAY16 - 86400)
#define STAY	3600

#define TN	"+84900000001"	/* the traced number */
#define P1	"+84900000011"
#define P2	"+84900000012"
#define P3	"+84900000013"
#define P4	"+84900000014"
#define P5	"+84900000015"
#define P6	"+84900000016"
#define P7	"+84900000017"
#define P8	"+84900000018"	/* opted out */
#define PZ	"+84900000019"	/* checked out at the second it checked in */
#define NB	"+84900000020"
#define Q1	"+84900000021"
#define Q2	"+84900000022"
#define Q3	"+84900000023"
#define Q4	"+84900000024"
#define P9	"+84900000029"
#define PG	"+84900000030"

enum { VA, VB, VC, VD, VE, VF, VG, NVENUES };

static const struct tvenue {
	const char	*name;
	const char	*ward;
	const char	*address;
	const char	*owner;
	int		 active;
} tvenues[NVENUES] = {
	[VA] = { "Phở Thìn", "Hàng Bạc", "13 Lò Đúc", "+84911000001", 1 },
	[VB] = { "Cafe Giang", "Hàng Bạc", "39 Nguyễn Hữu Huân", NULL, 1 },
	[VC] = { "Bún Chả", "Hàng Gai", "1 Hàng Mành", NULL, 1 },
	[VD] = { "Kem Tràng Tiền", "Tràng Tiền", "35 Tràng Tiền",
	    "+84911000004", 1 },
	[VE] = { "Quán Cũ", "Lý Thái Tổ", "", NULL, 0 },	/* inactive */
	[VF] = { "Xôi Yến", "Hàng Gai", "35B Nguyễn Hữu Huân", NULL, 1 },
	[VG] = { "Bánh Cuốn", "Hàng Bạc", "14 Hàng Gà", NULL, 1 },
};

static const struct tstay {
	int		 venue;
	const char	*number;
	int64_t		 sent;
	int64_t		 out;		/* 0: never checked out */
	int		 companions;
} tstays[] = {
	{ VA, P1, H(8, 0), 0, 0 },		/* ends as the window opens */
	{ VA, P2, H(8, 30), H(9, 30), 0 },	/* began before, overlaps */
	{ VA, P3, H(7, 0), H(9, 15), 1 },	/* began long before, overlaps */
	{ VA, P4, H(9, 10), H(9, 20), 0 },
	{ VA, P5, H(10, 0), 0, 0 },		/* begins as the window closes */
	{ VA, P6, H(9, 59), 0, 0 },
	{ VA, TN, H(9, 0), H(9, 45), 2 },
	{ VA, P7, H(-40, 0), H(32, 0), 0 },	/* 14th 08:00 to 17th 08:00 */
	{ VA, P2, H(9, 40), 0, 0 },		/* P2 again */
	{ VA, P8, H(9, 5), 0, 3 },
	{ VA, PZ, H(9, 20), H(9, 20), 0 },
	{ VB, NB, H(9, 0), H(10, 0), 0 },
	{ VB, Q1, H(10, 30), 0, 0 },
	{ VB, TN, H(11, 0), 0, 0 },
	{ VB, Q2, H(11, 50), H(13, 10), 0 },
	{ VB, Q3, H(12, 0), 0, 0 },		/* begins as TN's stay ends */
	{ VC, TN, H(14, 0), H(14, 30), 0 },
	{ VC, Q4, H(14, 10), 0, 0 },
	{ VC, P1, H(11, 0), 0, 0 },		/* with TN, but elsewhere */
	{ VC, P1, H(-4, 0), 0, 0 },		/* the 15th, 20:00 */
	{ VE, P9, H(10, 0), 0, 0 },
	{ VG, PG, H(-6 * 24 + 10, 0), 0, 0 },	/* the 10th */
	{ VA, TN, H(-24 + 9, 0), H(-24 + 9, 30), 0 },	/* the 15th */
	{ VA, Q4, H(-24 + 9, 10), 0, 0 },
};

static int64_t	tvid[NVENUES];
static char	tcode[NVENUES][CODE_MAX];

/* A declaration at venue (-1: none) started at, with one answer. */
static int64_t
add_declaration(int venue, const char *number, int64_t at, int answer_flag,
    int finish, int finish_flag)
{
	int64_t	d;

	d = store_declaration_start(st, number, venue >= 0 ? tvid[venue] : 0,
	    0, at);
	ck_assert_int_gt(d, 0);
	ck_assert_int_eq(store_declaration_answer(st, d, "fever",
	    answer_flag ? "1" : "2", answer_flag, at + 10), 0);
	if (finish)
		ck_assert_int_eq(store_declaration_finish(st, d, finish_flag,
		    at + 20), 0);
	return d;
}

static void
load_dataset(void)
{
	const struct tstay	*t;
	struct venue		 v;
	int64_t			 id;
	size_t			 i;

	for (i = 0; i < NVENUES; i++) {
		memset(&v, 0, sizeof v);
		v.name = (char *)tvenues[i].name;
		v.ward = (char *)tvenues[i].ward;
		v.address = (char *)tvenues[i].address;
		v.owner = (char *)tvenues[i].owner;
		v.created_at = H(-30 * 24, 0);
		tvid[i] = store_venue_add(st, &v, 6);
		ck_assert_int_gt(tvid[i], 0);
		snprintf(tcode[i], sizeof tcode[i], "%s", v.code);
		if (!tvenues[i].active)
			ck_assert_int_eq(store_venue_set_active(st, v.code, 0), 0);
	}
	for (i = 0; i < nitems(tstays); i++) {
		t = &tstays[i];
		id = add_checkin(tvid[t->venue], t->number, t->sent,
		    t->companions);
		if (t->out != 0)
			ck_assert_int_eq(store_checkin_close(st, id, t->out), 0);
	}
	ck_assert_int_eq(store_subscriber_set_optout(st, P8, 1), 0);
	/* Out and back in, and a subscriber who only chose a language. */
	ck_assert_int_eq(store_subscriber_set_optout(st, P1, 1), 0);
	ck_assert_int_eq(store_subscriber_set_optout(st, P1, 0), 0);
	ck_assert_int_eq(store_subscriber_set_lang(st, P4, 1), 0);

	add_declaration(VA, TN, H(9, 1), 1, 1, 1);
	add_declaration(VB, Q1, H(10, 31), 1, 0, 0);	/* flagged answer, unfinished */
	add_declaration(VB, Q2, H(11, 51), 0, 1, 0);	/* not flagged */
	add_declaration(VC, Q4, H(14, 11), 0, 1, 1);
	add_declaration(VA, TN, H(-24 + 9, 1), 0, 1, 1);	/* the 15th */
	add_declaration(VE, P9, H(10, 1), 0, 1, 1);	/* inactive venue */
	add_declaration(-1, P5, H(12, 0), 0, 1, 1);	/* no venue */
}

/* A trace row as a test expects it. */
struct want_row {
	const char	*number;
	int		 venue;
	int64_t		 sent;
	int64_t		 out;
	int64_t		 stay_end;
	int		 companions;
	int64_t		 overlap;	/* contacts: seconds both were there */
	int64_t		 overlap_from;
};

struct trace_seen {
	int		 n;
	int		 stop_after;
	struct trace_row rows[32];
	char		 names[32][64];
	char		 wards[32][64];
	char		 addresses[32][64];
};

static int
trace_cb(const struct trace_row *r, void *arg)
{
	struct trace_seen	*ts = arg;

	ck_assert_int_lt(ts->n, 32);
	ck_assert_ptr_nonnull(r->venue_name);
	ck_assert_ptr_nonnull(r->ward);
	ck_assert_ptr_nonnull(r->address);
	ts->rows[ts->n] = *r;
	snprintf(ts->names[ts->n], sizeof ts->names[0], "%s", r->venue_name);
	snprintf(ts->wards[ts->n], sizeof ts->wards[0], "%s", r->ward);
	snprintf(ts->addresses[ts->n], sizeof ts->addresses[0], "%s",
	    r->address);
	ts->n++;
	return ts->stop_after != 0 && ts->n >= ts->stop_after;
}

/* Hold what a trace gave to the expected rows, in order. */
static void
trace_expect(const struct trace_seen *ts, const struct want_row *w, size_t nw,
    const char *contact_of)
{
	const struct trace_row	*r;
	size_t			 i;

	ck_assert_int_eq(ts->n, (int)nw);
	for (i = 0; i < nw; i++) {
		r = &ts->rows[i];
		ck_assert_msg(strcmp(r->number, w[i].number) == 0,
		    "row %zu: %s, want %s", i, r->number, w[i].number);
		ck_assert_int_eq(r->sent_at, w[i].sent);
		ck_assert_int_eq(r->received_at, w[i].sent + 5);
		ck_assert_int_eq(r->checked_out_at, w[i].out);
		ck_assert_int_eq(r->stay_end, w[i].stay_end);
		ck_assert_int_eq(r->companions, w[i].companions);
		ck_assert_str_eq(r->code, tcode[w[i].venue]);
		ck_assert_str_eq(ts->names[i], tvenues[w[i].venue].name);
		ck_assert_str_eq(ts->wards[i], tvenues[w[i].venue].ward);
		ck_assert_str_eq(ts->addresses[i], tvenues[w[i].venue].address);
		if (contact_of == NULL) {
			ck_assert_str_eq(r->contact_of, "");
			ck_assert_int_eq(r->overlap_from, 0);
			ck_assert_int_eq(r->overlap_to, 0);
			continue;
		}
		ck_assert_str_eq(r->contact_of, contact_of);
		ck_assert_int_eq(r->overlap_from, w[i].overlap_from);
		ck_assert_msg(r->overlap_to - r->overlap_from == w[i].overlap,
		    "row %zu (%s): overlap %lld, want %lld", i, r->number,
		    (long long)(r->overlap_to - r->overlap_from),
		    (long long)w[i].overlap);
	}
}

#define TRACE_EXPECT(ts, contact_of, ...) do {				\
	const struct want_row	want_[] = { __VA_ARGS__ };		\
									\
	trace_expect(&(ts), want_, nitems(want_), (contact_of));	\
} while (0)

START_TEST(test_trace_venue)
{
	struct trace_seen	ts;

	load_dataset();
	/* Everyone at Phở Thìn from 09:00 to 10:00. */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_venue(st, tvid[VA], H(9, 0), H(10, 0),
	    STAY, trace_cb, &ts), 0);
	TRACE_EXPECT(ts, NULL,
	    { P3, VA, H(7, 0), H(9, 15), H(9, 15), 1, 0, 0 },
	    { P2, VA, H(8, 30), H(9, 30), H(9, 30), 0, 0, 0 },
	    { TN, VA, H(9, 0), H(9, 45), H(9, 45), 2, 0, 0 },
	    { P8, VA, H(9, 5), 0, H(10, 5), 3, 0, 0 },
	    { P4, VA, H(9, 10), H(9, 20), H(9, 20), 0, 0, 0 },
	    { PZ, VA, H(9, 20), H(9, 20), H(9, 20), 0, 0, 0 },
	    { P2, VA, H(9, 40), 0, H(10, 40), 0, 0, 0 },
	    { P6, VA, H(9, 59), 0, H(10, 59), 0, 0, 0 });

	/* Open stays of two hours: P1's 08:00 now reaches into the window. */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_venue(st, tvid[VA], H(9, 0), H(10, 0),
	    2 * STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 9);
	ck_assert_str_eq(ts.rows[1].number, P1);
	ck_assert_int_eq(ts.rows[1].stay_end, H(10, 0));

	/* The window's edges: [10:00, 10:00) is empty, [10:00, 10:01) is not. */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_venue(st, tvid[VA], H(10, 0), H(10, 0),
	    STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 0);
	ck_assert_int_eq(store_trace_venue(st, tvid[VA], H(10, 1), H(10, 0),
	    STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 0);
	ck_assert_int_eq(store_trace_person(st, TN, H(10, 1), H(9, 0),
	    STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 0);
	ck_assert_int_eq(store_trace_contacts(st, TN, H(9, 30), H(9, 30),
	    STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 0);
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_venue(st, tvid[VA], H(10, 0), H(10, 1),
	    STAY, trace_cb, &ts), 0);
	TRACE_EXPECT(ts, NULL,
	    { P8, VA, H(9, 5), 0, H(10, 5), 3, 0, 0 },
	    { P2, VA, H(9, 40), 0, H(10, 40), 0, 0, 0 },
	    { P6, VA, H(9, 59), 0, H(10, 59), 0, 0, 0 },
	    { P5, VA, H(10, 0), 0, H(11, 0), 0, 0, 0 });
	/* Q3 came as the window closed. */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_venue(st, tvid[VB], H(9, 0), H(12, 0), STAY,
	    trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 4);
	ck_assert_str_eq(ts.rows[3].number, Q2);
	/* A zero-length stay is there for its second. */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_venue(st, tvid[VA], H(9, 20) + 1,
	    H(9, 21), STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 3);	/* P2 TN P8; P3 and P4 left, PZ too */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_venue(st, tvid[VA], H(9, 20), H(9, 20) + 1,
	    STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 4);	/* and PZ; P4 until 09:20 only */
	ck_assert_str_eq(ts.rows[3].number, PZ);

	/*
	 * P7's stay, closed three days later, counts for a day: seen on the
	 * 14th and early on the 15th, not after the 15th 08:00.
	 */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_venue(st, tvid[VA], H(-36, 0), H(-35, 0),
	    STAY, trace_cb, &ts), 0);
	TRACE_EXPECT(ts, NULL,
	    { P7, VA, H(-40, 0), H(32, 0), H(32, 0), 0, 0, 0 });
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_venue(st, tvid[VA], H(-17, 0), H(-16, 30),
	    STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 1);
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_venue(st, tvid[VA], H(-16, 0), H(-15, 0),
	    STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 0);
	/* An open stay longer than a day widens the search as far. */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_venue(st, tvid[VA], H(-16, 0), H(-15, 0),
	    2 * 86400, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 1);
	ck_assert_str_eq(ts.rows[0].number, P7);

	/* An inactive venue still answers; unknown venues have nobody. */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_venue(st, tvid[VE], DAY16, DAY17, STAY,
	    trace_cb, &ts), 0);
	TRACE_EXPECT(ts, NULL, { P9, VE, H(10, 0), 0, H(11, 0), 0, 0, 0 });
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_venue(st, 9999, DAY16, DAY17, STAY,
	    trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 0);
	/* A callback can stop it. */
	memset(&ts, 0, sizeof ts);
	ts.stop_after = 2;
	ck_assert_int_eq(store_trace_venue(st, tvid[VA], H(9, 0), H(10, 0),
	    STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 2);
}
END_TEST

START_TEST(test_trace_person)
{
	struct trace_seen	ts;

	load_dataset();
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_person(st, TN, H(8, 0), H(13, 0), STAY,
	    trace_cb, &ts), 0);
	TRACE_EXPECT(ts, NULL,
	    { TN, VA, H(9, 0), H(9, 45), H(9, 45), 2, 0, 0 },
	    { TN, VB, H(11, 0), 0, H(12, 0), 0, 0, 0 });

	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_person(st, TN, DAY15, H(48, 0), STAY,
	    trace_cb, &ts), 0);
	TRACE_EXPECT(ts, NULL,
	    { TN, VA, H(-15, 0), H(-15, 0) + 1800, H(-15, 0) + 1800, 0, 0, 0 },
	    { TN, VA, H(9, 0), H(9, 45), H(9, 45), 2, 0, 0 },
	    { TN, VB, H(11, 0), 0, H(12, 0), 0, 0, 0 },
	    { TN, VC, H(14, 0), H(14, 30), H(14, 30), 0, 0, 0 });

	/* A stay that began before the window and is still on then. */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_person(st, P3, H(9, 0), H(9, 1), STAY,
	    trace_cb, &ts), 0);
	TRACE_EXPECT(ts, NULL, { P3, VA, H(7, 0), H(9, 15), H(9, 15), 1, 0, 0 });
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_person(st, P3, H(9, 15), H(12, 0), STAY,
	    trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 0);
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_person(st, "+84999999999", DAY15, DAY17,
	    STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 0);
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_person(st, "' OR 1=1 --", DAY15, DAY17,
	    STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 0);
}
END_TEST

START_TEST(test_trace_contacts)
{
	struct trace_seen	ts;

	load_dataset();
	/*
	 * TN at Phở Thìn 09:00-09:45 and at Cafe Giang 11:00-12:00 (open):
	 * the overlaps, by construction. Not P1 (left as TN came), P6 and
	 * P5 (came after TN left), NB (left Cafe Giang before), Q3 (came as
	 * TN's open stay ended), P1 at Bún Chả at 11:00 (another venue),
	 * TN's own stays, nor anyone on the 15th.
	 */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_contacts(st, TN, H(8, 0), H(13, 0), STAY,
	    trace_cb, &ts), 0);
	TRACE_EXPECT(ts, TN,
	    { P3, VA, H(7, 0), H(9, 15), H(9, 15), 1, 900, H(9, 0) },
	    { P2, VA, H(8, 30), H(9, 30), H(9, 30), 0, 1800, H(9, 0) },
	    { P8, VA, H(9, 5), 0, H(10, 5), 3, 2400, H(9, 5) },
	    { P4, VA, H(9, 10), H(9, 20), H(9, 20), 0, 600, H(9, 10) },
	    { PZ, VA, H(9, 20), H(9, 20), H(9, 20), 0, 1, H(9, 20) },
	    { P2, VA, H(9, 40), 0, H(10, 40), 0, 300, H(9, 40) },
	    { Q1, VB, H(10, 30), 0, H(11, 30), 0, 1800, H(11, 0) },
	    { Q2, VB, H(11, 50), H(13, 10), H(13, 10), 0, 600, H(11, 50) });

	/* The 15th: Q4 was there with TN; P7's long stay no longer counts. */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_contacts(st, TN, DAY15, DAY16, STAY,
	    trace_cb, &ts), 0);
	TRACE_EXPECT(ts, TN,
	    { Q4, VA, H(-15, 10), 0, H(-14, 10), 0, 1200, H(-15, 10) });

	/* Longer open stays make more overlap: P1 now stays until 10:00. */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_contacts(st, TN, H(9, 0), H(9, 1),
	    2 * STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 7);	/* P3 P1 P2 P8 P4 PZ P2; P6 came at 09:59 */
	ck_assert_str_eq(ts.rows[1].number, P1);
	ck_assert_int_eq(ts.rows[1].stay_end, H(10, 0));
	ck_assert_int_eq(ts.rows[1].overlap_from, H(9, 0));
	ck_assert_int_eq(ts.rows[1].overlap_to, H(9, 45));
	ck_assert_int_eq(ts.rows[3].overlap_to, H(9, 45));	/* P8 */
	ck_assert_str_eq(ts.rows[6].number, P2);
	ck_assert_int_eq(ts.rows[6].overlap_from, H(9, 40));
	ck_assert_int_eq(ts.rows[6].overlap_to, H(9, 45));

	/*
	 * Seen from the other side: P4's contacts, all at Phở Thìn; not PZ,
	 * who came as P4 left.
	 */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_contacts(st, P4, DAY16, DAY17, STAY,
	    trace_cb, &ts), 0);
	TRACE_EXPECT(ts, P4,
	    { P3, VA, H(7, 0), H(9, 15), H(9, 15), 1, 300, H(9, 10) },
	    { P2, VA, H(8, 30), H(9, 30), H(9, 30), 0, 600, H(9, 10) },
	    { TN, VA, H(9, 0), H(9, 45), H(9, 45), 2, 600, H(9, 10) },
	    { P8, VA, H(9, 5), 0, H(10, 5), 3, 600, H(9, 10) });
	/* PZ's one second: with everyone there then. */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_contacts(st, PZ, DAY16, DAY17, STAY,
	    trace_cb, &ts), 0);
	TRACE_EXPECT(ts, PZ,
	    { P2, VA, H(8, 30), H(9, 30), H(9, 30), 0, 1, H(9, 20) },
	    { TN, VA, H(9, 0), H(9, 45), H(9, 45), 2, 1, H(9, 20) },
	    { P8, VA, H(9, 5), 0, H(10, 5), 3, 1, H(9, 20) });

	/* A number alone, and one never seen. */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_contacts(st, PG, DAY15 - 7 * 86400, DAY17,
	    STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 0);
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_contacts(st, "+84999999999", DAY15, DAY17,
	    STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 0);
}
END_TEST

struct number_seen {
	int	n;
	char	numbers[32][NUMBER_MAX];
};

static int
number_cb(const char *number, void *arg)
{
	struct number_seen	*ns = arg;

	ck_assert_int_lt(ns->n, 32);
	snprintf(ns->numbers[ns->n++], NUMBER_MAX, "%s", number);
	return 0;
}

#define NUMBERS_EXPECT(ns, ...) do {					\
	const char	*want_[] = { __VA_ARGS__ };			\
	size_t		 i_;						\
									\
	ck_assert_int_eq((ns).n, (int)nitems(want_));			\
	for (i_ = 0; i_ < nitems(want_); i_++)				\
		ck_assert_str_eq((ns).numbers[i_], want_[i_]);		\
} while (0)

START_TEST(test_alert_numbers)
{
	struct number_seen	ns;

	load_dataset();
	/* P2 twice but once here, P8 opted out, P1 back in but not there. */
	memset(&ns, 0, sizeof ns);
	ck_assert_int_eq(store_alert_numbers(st, tvid[VA], H(9, 0), H(10, 0),
	    STAY, number_cb, &ns), 0);
	NUMBERS_EXPECT(ns, TN, P2, P3, P4, P6, PZ);

	/* With two-hour open stays P1 is there, and opted back in. */
	memset(&ns, 0, sizeof ns);
	ck_assert_int_eq(store_alert_numbers(st, tvid[VA], H(9, 0), H(10, 0),
	    2 * STAY, number_cb, &ns), 0);
	NUMBERS_EXPECT(ns, TN, P1, P2, P3, P4, P6, PZ);

	/* The whole day at Phở Thìn (P7's stay of the 14th counts for a day). */
	memset(&ns, 0, sizeof ns);
	ck_assert_int_eq(store_alert_numbers(st, tvid[VA], DAY16, DAY17, STAY,
	    number_cb, &ns), 0);
	NUMBERS_EXPECT(ns, TN, P1, P2, P3, P4, P5, P6, PZ);
	memset(&ns, 0, sizeof ns);
	ck_assert_int_eq(store_alert_numbers(st, tvid[VA], DAY15, DAY16, STAY,
	    number_cb, &ns), 0);
	NUMBERS_EXPECT(ns, TN, P7, Q4);
	/* An empty or backward window holds nobody. */
	memset(&ns, 0, sizeof ns);
	ck_assert_int_eq(store_alert_numbers(st, tvid[VA], H(9, 30), H(9, 30),
	    STAY, number_cb, &ns), 0);
	ck_assert_int_eq(ns.n, 0);
	ck_assert_int_eq(store_alert_numbers(st, tvid[VA], DAY17, DAY16, STAY,
	    number_cb, &ns), 0);
	ck_assert_int_eq(ns.n, 0);

	/* Opting out later takes a number off the next alert. */
	ck_assert_int_eq(store_subscriber_set_optout(st, P2, 1), 0);
	memset(&ns, 0, sizeof ns);
	ck_assert_int_eq(store_alert_numbers(st, tvid[VA], H(9, 0), H(10, 0),
	    STAY, number_cb, &ns), 0);
	NUMBERS_EXPECT(ns, TN, P3, P4, P6, PZ);

	memset(&ns, 0, sizeof ns);
	ck_assert_int_eq(store_alert_numbers(st, tvid[VD], DAY15, DAY17, STAY,
	    number_cb, &ns), 0);
	ck_assert_int_eq(ns.n, 0);
}
END_TEST

struct ward_seen {
	int		n;
	struct ward_row	rows[16];
	char		wards[16][64];
};

static int
ward_cb(const struct ward_row *w, void *arg)
{
	struct ward_seen	*ws = arg;

	ck_assert_int_lt(ws->n, 16);
	ws->rows[ws->n] = *w;
	snprintf(ws->wards[ws->n], sizeof ws->wards[0], "%s", w->ward);
	ws->rows[ws->n].ward = NULL;
	ws->n++;
	return 0;
}

struct want_ward {
	const char	*ward;
	int64_t		 venues, used, checkins, visitors, flagged;
};

static void
wards_expect(int64_t from, int64_t to, const struct want_ward *w, size_t nw)
{
	struct ward_seen	ws;
	size_t			i;

	memset(&ws, 0, sizeof ws);
	ck_assert_int_eq(store_report_wards(st, from, to, ward_cb, &ws), 0);
	ck_assert_int_eq(ws.n, (int)nw);
	for (i = 0; i < nw; i++) {
		ck_assert_str_eq(ws.wards[i], w[i].ward);
		ck_assert_msg(ws.rows[i].venues == w[i].venues &&
		    ws.rows[i].venues_used == w[i].used &&
		    ws.rows[i].checkins == w[i].checkins &&
		    ws.rows[i].visitors == w[i].visitors &&
		    ws.rows[i].flagged == w[i].flagged,
		    "%s: %lld %lld %lld %lld %lld, want %lld %lld %lld %lld %lld",
		    w[i].ward, (long long)ws.rows[i].venues,
		    (long long)ws.rows[i].venues_used,
		    (long long)ws.rows[i].checkins,
		    (long long)ws.rows[i].visitors,
		    (long long)ws.rows[i].flagged, (long long)w[i].venues,
		    (long long)w[i].used, (long long)w[i].checkins,
		    (long long)w[i].visitors, (long long)w[i].flagged);
	}
}

#define WARDS_EXPECT(from, to, ...) do {				\
	const struct want_ward	want_[] = { __VA_ARGS__ };		\
									\
	wards_expect((from), (to), want_, nitems(want_));		\
} while (0)

START_TEST(test_report_wards)
{
	load_dataset();
	/*
	 * The 16th. Hàng Bạc: Phở Thìn 10 check-ins by 9 numbers, Cafe
	 * Giang 5 by 5, TN at both: 13 people; Bánh Cuốn unused. Flagged:
	 * TN's, and Q1's by its answer. Hàng Gai: Bún Chả 3, Xôi Yến none.
	 * Tràng Tiền: nothing, still listed. Lý Thái Tổ's only venue is
	 * inactive: no row, its check-in and flag count nowhere.
	 */
	WARDS_EXPECT(DAY16, DAY17,
	    { "Hàng Bạc", 3, 2, 15, 13, 2 },
	    { "Hàng Gai", 2, 1, 3, 3, 1 },
	    { "Tràng Tiền", 1, 0, 0, 0, 0 });
	/* The 15th. */
	WARDS_EXPECT(DAY15, DAY16,
	    { "Hàng Bạc", 3, 1, 2, 2, 1 },
	    { "Hàng Gai", 2, 1, 1, 1, 0 },
	    { "Tràng Tiền", 1, 0, 0, 0, 0 });
	/*
	 * Both days: visitors are ward-days, the sum of each day's distinct
	 * numbers (ward_days): 13 + 2 in Hàng Bạc, though Q4 is the one new
	 * face of the 15th; 3 + 1 in Hàng Gai.
	 */
	WARDS_EXPECT(DAY15, DAY17,
	    { "Hàng Bạc", 3, 2, 17, 15, 3 },
	    { "Hàng Gai", 2, 1, 4, 4, 1 },
	    { "Tràng Tiền", 1, 0, 0, 0, 0 });
	/* An hour: every figure counts the whole local day it falls in. */
	WARDS_EXPECT(H(9, 0), H(10, 0),
	    { "Hàng Bạc", 3, 2, 15, 13, 2 },
	    { "Hàng Gai", 2, 1, 3, 3, 1 },
	    { "Tràng Tiền", 1, 0, 0, 0, 0 });
	/* A week before: nothing but Bánh Cuốn's one visitor on the 10th. */
	WARDS_EXPECT(DAY16 - 7 * 86400, DAY16 - 5 * 86400,
	    { "Hàng Bạc", 3, 1, 1, 1, 0 },
	    { "Hàng Gai", 2, 0, 0, 0, 0 },
	    { "Tràng Tiền", 1, 0, 0, 0, 0 });
}
END_TEST

START_TEST(test_report_wards_empty)
{
	struct ward_seen	ws;

	memset(&ws, 0, sizeof ws);
	ck_assert_int_eq(store_report_wards(st, DAY16, DAY17, ward_cb, &ws), 0);
	ck_assert_int_eq(ws.n, 0);
	add_venue("Cafe Giang", "Hàng Bạc", NULL);
	WARDS_EXPECT(DAY16, DAY17, { "Hàng Bạc", 1, 0, 0, 0, 0 });
}
END_TEST

struct inactive_seen {
	int	n;
	int	venue[16];
	int64_t	last[16];
};

static int
inactive_cb(const struct venue *v, int64_t last, void *arg)
{
	struct inactive_seen	*is = arg;
	int			 i;

	ck_assert_int_lt(is->n, 16);
	for (i = 0; i < NVENUES; i++) {
		if (tvid[i] == v->id)
			break;
	}
	ck_assert_int_lt(i, NVENUES);
	ck_assert_str_eq(v->code, tcode[i]);
	ck_assert_str_eq(v->name, tvenues[i].name);
	ck_assert_str_eq(v->address, tvenues[i].address);
	ck_assert_str_eq(v->ward, tvenues[i].ward);
	if (tvenues[i].owner != NULL)
		ck_assert_str_eq(v->owner, tvenues[i].owner);
	else
		ck_assert_ptr_null(v->owner);
	ck_assert_int_eq(v->active, 1);
	is->venue[is->n] = i;
	is->last[is->n++] = last;
	return 0;
}

/* The inactive report since `since`: venues (by index) and last check-ins. */
static void
inactive_expect(int64_t since, const int *venues, const int64_t *last,
    size_t n)
{
	struct inactive_seen	is;
	size_t			i;

	memset(&is, 0, sizeof is);
	ck_assert_int_eq(store_report_inactive(st, since, inactive_cb, &is), 0);
	ck_assert_int_eq(is.n, (int)n);
	for (i = 0; i < n; i++) {
		ck_assert_msg(is.venue[i] == venues[i], "row %zu: %s, want %s",
		    i, tvenues[is.venue[i]].name, tvenues[venues[i]].name);
		ck_assert_int_eq(is.last[i], last[i]);
	}
}

START_TEST(test_report_inactive)
{
	const int	all[] = { VG, VB, VA, VC, VF, VD };
	const int64_t	all_last[] = { H(-6 * 24 + 10, 0), H(12, 0), H(10, 0),
			    H(14, 10), 0, 0 };
	const int	day[] = { VG, VF, VD };
	const int64_t	day_last[] = { H(-6 * 24 + 10, 0), 0, 0 };

	load_dataset();
	/* Nothing since the 17th: every active venue, by ward and name. */
	inactive_expect(DAY17, all, all_last, nitems(all));
	/* Since noon on the 16th: a check-in that day is enough. */
	inactive_expect(H(12, 0), day, day_last, nitems(day));
	inactive_expect(DAY16, day, day_last, nitems(day));
	/* Since the 11th: Bánh Cuốn's 10th is too old. */
	inactive_expect(DAY16 - 5 * 86400, day, day_last, nitems(day));
	/* Since the 10th: only those never used. */
	inactive_expect(DAY16 - 6 * 86400, day + 1, day_last + 1, 2);
}
END_TEST

/* Every row of a table. */
static long long
rows_of(const char *table)
{
	char	sql[128];

	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	return sql_value(sql);
}

/* daily_stats as one figure that changes if any row does. */
static long long
stats_digest(void)
{
	return sql_value("SELECT count(*) * 1000000 + sum(checkins) * 1000"
	    " + sum(people) + sum(day % 1000) FROM daily_stats");
}

START_TEST(test_purge_dataset)
{
	struct trace_seen	ts;
	int64_t			n;
	long long		stats;
	const int		all[] = { VG, VB, VA, VC, VF, VD };
	const int64_t		all_last[] = { DAY16 - 6 * 86400, H(12, 0),
				    H(10, 0), H(14, 10), 0, 0 };

	load_dataset();
	stats = stats_digest();
	/*
	 * Up to 09:00 on the 16th: P1 P2 P3 at Phở Thìn that morning, P7,
	 * P1 at Bún Chả on the 15th, PG on the 10th, TN and Q4 on the 15th;
	 * TN's declaration of the 15th and its answer; and the first-seen
	 * rows (daily_seen) of the days wholly before: P7 on the 14th, PG on
	 * the 10th, TN and Q4 (Hàng Bạc) and P1 (Hàng Gai) on the 15th.
	 */
	ck_assert_int_eq(store_purge(st, H(9, 0), 100, 1, &n), 0);
	ck_assert_int_eq(n, 15);
	ck_assert_int_eq(rows_of("checkins"), (long long)nitems(tstays));
	ck_assert_int_eq(store_purge(st, H(9, 0), 0, 0, &n), 0);	/* no limit */
	ck_assert_int_eq(n, 15);
	ck_assert_int_eq(rows_of("checkins"), (long long)nitems(tstays) - 8);
	ck_assert_int_eq(sql_value("SELECT min(sent_at) FROM checkins"),
	    H(9, 0));
	ck_assert_int_eq(rows_of("declarations"), 6);
	ck_assert_int_eq(rows_of("answers"), 6);
	ck_assert_int_eq(stats_digest(), stats);
	ck_assert_int_eq(store_purge(st, H(9, 0), 100, 0, &n), 0);
	ck_assert_int_eq(n, 0);

	/*
	 * The 16th is now partly gone, the 15th whole: every figure comes
	 * from the aggregates, kept, and is what it was (TN's flagged
	 * declaration of the 15th still counts).
	 */
	WARDS_EXPECT(DAY16, DAY17,
	    { "Hàng Bạc", 3, 2, 15, 13, 2 },
	    { "Hàng Gai", 2, 1, 3, 3, 1 },
	    { "Tràng Tiền", 1, 0, 0, 0, 0 });
	WARDS_EXPECT(DAY15, DAY16,
	    { "Hàng Bạc", 3, 1, 2, 2, 1 },
	    { "Hàng Gai", 2, 1, 1, 1, 0 },
	    { "Tràng Tiền", 1, 0, 0, 0, 0 });
	/* Bánh Cuốn's last day is all that is left of its check-in. */
	inactive_expect(DAY17, all, all_last, nitems(all));

	/* What is left to trace. */
	memset(&ts, 0, sizeof ts);
	ck_assert_int_eq(store_trace_venue(st, tvid[VA], H(9, 0), H(10, 0),
	    STAY, trace_cb, &ts), 0);
	ck_assert_int_eq(ts.n, 6);
	ck_assert_str_eq(ts.rows[0].number, TN);

	/* The whole day goes: the 16th is whole again from the 17th on. */
	ck_assert_int_eq(store_purge(st, DAY17, 0, 0, &n), 0);
	ck_assert_int_eq(rows_of("checkins"), 0);
	ck_assert_int_eq(rows_of("declarations"), 0);
	ck_assert_int_eq(rows_of("answers"), 0);
	ck_assert_int_eq(stats_digest(), stats);
	ck_assert_int_eq(rows_of("daily_seen"), 0);
	WARDS_EXPECT(DAY16, DAY17,
	    { "Hàng Bạc", 3, 2, 15, 13, 2 },
	    { "Hàng Gai", 2, 1, 3, 3, 1 },
	    { "Tràng Tiền", 1, 0, 0, 0, 0 });
}
END_TEST

#define OLD(k)		(DAY16 - (k))	/* k seconds before the cut-off */

/*
 * 35 old rows across every kind the purge takes, and young ones (and
 * unsettled old outbox rows) it must leave.
 */
static void
load_purge_rows(int64_t *ids)
{
	struct ussd_session	u;
	struct session		ss;
	char			ext[32];
	int64_t			v, d, ob;
	int			i, j;

	v = add_venue("Phở Thìn", "Hàng Bạc", NULL);
	for (i = 0; i < 12; i++)	/* 12: from 12 h to 1 h before */
		ids[i] = add_checkin(v, i % 2 ? N1 : N2, OLD((12 - i) * 3600), 0);
	add_checkin(v, N1, DAY16, 0);
	add_checkin(v, N2, DAY16 + 60, 0);
	add_checkin(v, N3, AT0800, 0);

	for (i = 0; i < 4; i++) {	/* 4 + 8 answers */
		d = store_declaration_start(st, N1, v, 0, OLD(600 * (i + 1)));
		ck_assert_int_gt(d, 0);
		for (j = 0; j < 2; j++)
			ck_assert_int_eq(store_declaration_answer(st, d, "q",
			    "1", 0, DAY16 + j), 0);	/* answered late: goes with d */
	}
	d = store_declaration_start(st, N1, v, 0, DAY16);
	ck_assert_int_eq(store_declaration_answer(st, d, "q", "1", 0, DAY16), 0);

	for (i = 0; i < 7; i++) {	/* 5 old */
		snprintf(ext, sizeof ext, "m%d", i);
		ck_assert_int_gt(store_inbound_add(st, "test", ext, N1, "1234567",
		    i < 5 ? OLD(i + 1) : DAY16 + i), 0);
	}

	/* 4 old and settled; old queued and sending stay, as does a young one. */
	ob = ob_sent("kannel", "a1", OLD(100));
	ob = ob_sent("kannel", "a2", OLD(90));
	ck_assert_int_eq(store_outbox_dlr(st, ob, "kannel", NULL, 1, "DELIVRD",
	    OLD(80)), 1);
	ob = ob_add("kannel", N1, OLD(70));
	ck_assert_int_eq(store_outbox_final(st, ob, OUTBOX_FAILED, "x",
	    OLD(70)), 0);
	ob = ob_add("kannel", N1, OLD(60));
	ck_assert_int_eq(store_outbox_final(st, ob, OUTBOX_EXPIRED, NULL,
	    OLD(60)), 0);
	ob_add("kannel", N1, OLD(50));
	ob = ob_add("kannel", N1, OLD(40));
	ck_assert_int_eq(store_outbox_claim(st, ob, "kannel", OLD(40)), 1);
	ob_sent("kannel", "a3", DAY16);

	memset(&u, 0, sizeof u);	/* 1 old */
	snprintf(u.id, sizeof u.id, "ATUid_old");
	snprintf(u.number, sizeof u.number, "%s", N1);
	snprintf(u.screen, sizeof u.screen, "main");
	u.updated_at = OLD(1);
	ck_assert_int_eq(store_ussd_put(st, &u), 0);
	snprintf(u.id, sizeof u.id, "ATUid_young");
	u.updated_at = DAY16;
	ck_assert_int_eq(store_ussd_put(st, &u), 0);

	memset(&ss, 0, sizeof ss);	/* 1 old */
	snprintf(ss.number, sizeof ss.number, "%s", N1);
	ss.kind = SESSION_QUESTION;
	ss.expires_at = OLD(1);
	ck_assert_int_eq(store_session_put(st, &ss), 0);
	snprintf(ss.number, sizeof ss.number, "%s", N2);
	ss.expires_at = DAY16 + 1800;
	ck_assert_int_eq(store_session_put(st, &ss), 0);
}

START_TEST(test_purge_chunks)
{
	int64_t		ids[12], n, counts[8];
	long long	stats, total;
	int		calls;

	load_purge_rows(ids);
	stats = stats_digest();
	total = rows_of("checkins") + rows_of("declarations") +
	    rows_of("answers") + rows_of("inbound") + rows_of("outbox") +
	    rows_of("ussd_sessions") + rows_of("sessions");
	ck_assert_int_eq(total, 35 + 3 + 2 + 2 + 3 + 1 + 1);

	/*
	 * A dry run counts everything, whatever the chunk, and deletes
	 * nothing: 35 rows and the 2 first-seen rows of their day.
	 */
	ck_assert_int_eq(store_purge(st, DAY16, 10, 1, &n), 0);
	ck_assert_int_eq(n, 37);
	ck_assert_int_eq(store_purge(st, DAY16, 1, 1, &n), 0);
	ck_assert_int_eq(n, 37);
	ck_assert_int_eq(rows_of("checkins") + rows_of("declarations") +
	    rows_of("answers") + rows_of("inbound") + rows_of("outbox") +
	    rows_of("ussd_sessions") + rows_of("sessions"), total);
	/* Nothing is older than the oldest row. */
	ck_assert_int_eq(store_purge(st, OLD(12 * 3600), 10, 1, &n), 0);
	ck_assert_int_eq(n, 0);

	/* Chunks of 10, in the caller's transactions, the oldest first. */
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_purge(st, DAY16, 10, 0, &n), 0);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(n, 10);
	ck_assert_int_eq(rows_of("checkins"), 5);
	ck_assert_int_eq(sql_value("SELECT min(id) FROM checkins"), ids[10]);
	ck_assert_int_eq(rows_of("answers"), 9);

	calls = 1;
	counts[0] = n;
	for (;;) {
		ck_assert_int_lt(calls, 8);
		ck_assert_int_eq(store_begin(st), 0);
		ck_assert_int_eq(store_purge(st, DAY16, 10, 0, &n), 0);
		ck_assert_int_eq(store_commit(st), 0);
		if (n == 0)
			break;
		counts[calls++] = n;
	}
	/* And the 2 first-seen rows (daily_seen) of the old check-ins' day. */
	ck_assert_int_eq(calls, 4);
	ck_assert_int_eq(counts[1], 10);
	ck_assert_int_eq(counts[2], 10);
	ck_assert_int_eq(counts[3], 7);

	/* The young rows, the unsettled outbox rows and daily_stats remain. */
	ck_assert_int_eq(rows_of("checkins"), 3);
	ck_assert_int_eq(sql_value("SELECT min(sent_at) FROM checkins"), DAY16);
	ck_assert_int_eq(rows_of("declarations"), 1);
	ck_assert_int_eq(rows_of("answers"), 1);
	ck_assert_int_eq(rows_of("inbound"), 2);
	ck_assert_int_eq(rows_of("outbox"), 3);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM outbox"
	    " WHERE state IN (0, 1) AND created_at < 1631725200"), 2);
	ck_assert_int_eq(rows_of("ussd_sessions"), 1);
	ck_assert_int_eq(rows_of("sessions"), 1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM sessions"
	    " WHERE number = '" N2 "'"), 1);
	ck_assert_int_eq(stats_digest(), stats);
	ck_assert_int_eq(rows_of("daily_stats"), 2);
	ck_assert_int_eq(sql_value("PRAGMA foreign_key_check"), -1);
	ck_assert_int_eq(store_purge(st, DAY16, 10, 1, &n), 0);
	ck_assert_int_eq(n, 0);
}
END_TEST

START_TEST(test_purge_rollback)
{
	int64_t	ids[12], n;

	load_purge_rows(ids);
	/* The caller's rollback undoes the chunk. */
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_purge(st, DAY16, 20, 0, &n), 0);
	ck_assert_int_eq(n, 20);
	store_rollback(st);
	ck_assert_int_eq(store_purge(st, DAY16, 0, 1, &n), 0);
	ck_assert_int_eq(n, 37);
	/* Chunks of one: 35 calls. */
	ck_assert_int_eq(store_purge(st, DAY16, 1, 0, &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM checkins"
	    " WHERE id = 1"), 0);
	ck_assert_int_eq(rows_of("checkins"), 14);
}
END_TEST

/*
 * Query plans: every lookup by an index, never a walk through a table.
 * checkins is a view over its default and day tables (sqlite-days.c): a
 * query of it is each table searched on its own index, its rows put
 * together (the view's scan, "c"); "_d" is a day's index.
 */
static const struct plan_case {
	const char	*name;
	const char	*want[3];	/* steps that must be there */
	const char	*scans;		/* what may be scanned */
} plan_cases[] = {
	{ "trace_venue", { "SEARCH checkins_default USING INDEX"
	    " checkins_venue_sent (venue_id=? AND sent_at>? AND sent_at<?)",
	    "USING INDEX checkins_venue_sent_d",
	    "SEARCH v USING INTEGER PRIMARY KEY" }, "c" },
	{ "trace_person", { "SEARCH checkins_default USING INDEX"
	    " checkins_number_sent (number=? AND sent_at>? AND sent_at<?)",
	    "USING INDEX checkins_number_sent_d" }, "c" },
	{ "trace_contacts", { "SEARCH checkins_default USING INDEX"
	    " checkins_number_sent (number=? AND sent_at>? AND sent_at<?)",
	    "USING INDEX checkins_number_sent_d" }, "c" },
	/* The others at the venue of each of the number's stays. */
	{ "trace_contacts_b", { "SEARCH checkins_default USING INDEX"
	    " checkins_venue_sent (venue_id=? AND sent_at>? AND sent_at<?)",
	    "USING INDEX checkins_venue_sent_d" }, "b" },
	{ "alert_numbers", { "SEARCH checkins_default USING INDEX"
	    " checkins_venue_sent",
	    "SEARCH s USING INDEX sqlite_autoindex_subscribers_1" }, "c" },
	{ "purge_checkins", { "checkins_sent (sent_at<?)" }, "" },
	{ "purge_answers", { "declarations_started (started_at<?)",
	    "answers_declaration (declaration_id=?)" }, "" },
	{ "purge_declarations", { "declarations_started (started_at<?)" }, "" },
	{ "purge_inbound", { "inbound_received (received_at<?)" }, "" },
	{ "purge_outbox", { "outbox_created (created_at<?)" }, "" },
	{ "purge_ussd", { "ussd_sessions_updated (updated_at<?)" }, "" },
	{ "purge_sessions", { "sessions_expires (expires_at<?)" }, "" },
	/* Each table's index in order, merged: the first row ends it. */
	{ "report_kept_from", { "SCAN checkins_default USING COVERING INDEX"
	    " checkins_sent", "MERGE (UNION ALL)" }, "CONSTANT checkins_d*" },
	{ "report_day_stats", { "daily_stats_day (day=?)" }, "" },
	/* Venues are walked, a few thousand; their rows are looked up. */
	/* From the aggregates alone, a few rows a day. */
	{ "report_wards", { "daily_stats_day (day>? AND day<?)",
	    "ward_days USING PRIMARY KEY (day>? AND day<?)" }, "venues w" },
	{ "report_inactive", { "checkins_venue_sent",
	    "sqlite_autoindex_daily_stats_1" }, "v" },
	{ "declaration_flagged", { "answers_declaration" }, "" },
	{ "ussd_last", { "ussd_sessions_number (number=? AND updated_at>?)" },
	    "" },
};

/* 1 if alias is one of the words of allowed ("x*": begins with x). */
static int
plan_scan_allowed(const char *allowed, const char *alias)
{
	size_t	n;

	for (; *allowed != '\0'; allowed += n + strspn(allowed + n, " ")) {
		n = strcspn(allowed, " ");
		if (n > 1 && allowed[n - 1] == '*' ?
		    strncmp(alias, allowed, n - 1) == 0 :
		    strlen(alias) == n && strncmp(alias, allowed, n) == 0)
			return 1;
	}
	return 0;
}

START_TEST(test_query_plans)
{
	const struct plan_case	*pc = &plan_cases[_i];
	char			 plan[8192], alias[32], *p;
	size_t			 i, n;

	ck_assert_int_eq(store_plan(st, pc->name, plan, sizeof plan), 1);
	for (i = 0; i < nitems(pc->want) && pc->want[i] != NULL; i++)
		ck_assert_msg(strstr(plan, pc->want[i]) != NULL,
		    "%s: no \"%s\" in %s", pc->name, pc->want[i], plan);
	for (p = plan; (p = strstr(p, "SCAN ")) != NULL; p += n) {
		p += 5;
		n = strcspn(p, " ;");
		snprintf(alias, sizeof alias, "%.*s", (int)n, p);
		ck_assert_msg(n > 0 && plan_scan_allowed(pc->scans, alias),
		    "%s scans %s: %s", pc->name, alias, plan);
	}
}
END_TEST

START_TEST(test_query_plan_unknown)
{
	char	plan[64] = "x";

	ck_assert_int_eq(store_plan(st, "no_such_statement", plan, sizeof plan),
	    0);
	ck_assert_str_eq(plan, "");
	/* A short buffer is cut, not overrun. */
	ck_assert_int_eq(store_plan(st, "trace_contacts", plan, 16), 1);
	ck_assert_int_eq(strlen(plan), 15);
}
END_TEST

START_TEST(test_audit_add)
{
	char	buf[256];
	int	n = -1;

	ck_assert_int_eq(store_audit_add(st, "ward-hang-bac", "trace.person", N1,
	    "from=2021-09-16T08:00:00+07:00&to=2021-09-17T08:00:00+07:00", 4,
	    AT0800), 0);
	ck_assert_int_eq(store_audit_add(st, "admin", "alert", "1234567",
	    "{\"dry_run\":true}", 12, AT0800 + 1), 0);
	ck_assert_int_eq(store_audit_add(st, "admin", "report.wards", NULL, NULL,
	    3, AT0800 + 2), 0);
	ck_assert_int_eq(store_audit_count_subject(st, N1, &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(store_audit_count_subject(st, "1234567", &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(sql_value("SELECT records FROM audit WHERE id = 1"), 4);
	ck_assert_int_eq(sql_value("SELECT at FROM audit WHERE id = 2"),
	    AT0800 + 1);
	sql_text("SELECT actor || '|' || action || '|' || subject || '|' || query"
	    " FROM audit WHERE id = 1", buf, sizeof buf);
	ck_assert_str_eq(buf, "ward-hang-bac|trace.person|" N1
	    "|from=2021-09-16T08:00:00+07:00&to=2021-09-17T08:00:00+07:00");
	ck_assert_int_eq(sql_value("SELECT count(*) FROM audit WHERE id = 3"
	    " AND subject IS NULL AND query IS NULL"), 1);
	/* An actor is required. */
	ck_assert_int_eq(store_audit_add(st, NULL, "x", NULL, NULL, 0, 1), -1);
	ck_assert_int_eq(rows_of("audit"), 3);
}
END_TEST

START_TEST(test_venue_update)
{
	struct venue	v, got;

	memset(&v, 0, sizeof v);
	v.name = "Phở Thìn";
	v.address = "13 Lò Đúc";
	v.ward = "Hàng Bạc";
	v.district = "Hoàn Kiếm";
	v.kind = "restaurant";
	v.owner = N1;
	ck_assert_int_gt(store_venue_add(st, &v, 6), 0);

	/* NULL leaves every field alone. */
	ck_assert_int_eq(store_venue_update(st, v.code, NULL, NULL, NULL, NULL,
	    NULL, -1), 0);
	ck_assert_int_eq(store_venue_by_code(st, v.code, &got), 1);
	ck_assert_str_eq(got.name, "Phở Thìn");
	ck_assert_str_eq(got.address, "13 Lò Đúc");
	ck_assert_str_eq(got.ward, "Hàng Bạc");
	ck_assert_str_eq(got.kind, "restaurant");
	ck_assert_str_eq(got.owner, N1);
	ck_assert_int_eq(got.active, 1);
	store_venue_free(&got);

	ck_assert_int_eq(store_venue_update(st, v.code, "Phở Thìn Lò Đúc", NULL,
	    "Phạm Đình Hổ", NULL, N2, 0), 0);
	ck_assert_int_eq(store_venue_by_code(st, v.code, &got), 1);
	ck_assert_str_eq(got.name, "Phở Thìn Lò Đúc");
	ck_assert_str_eq(got.address, "13 Lò Đúc");
	ck_assert_str_eq(got.ward, "Phạm Đình Hổ");
	ck_assert_str_eq(got.district, "Hoàn Kiếm");
	ck_assert_str_eq(got.kind, "restaurant");
	ck_assert_str_eq(got.owner, N2);
	ck_assert_int_eq(got.active, 0);
	ck_assert_int_eq(got.created_at, v.created_at);
	store_venue_free(&got);

	/* An empty owner clears it, an empty kind is the default one. */
	ck_assert_int_eq(store_venue_update(st, v.code, NULL, "", NULL, "", "",
	    1), 0);
	ck_assert_int_eq(store_venue_by_code(st, v.code, &got), 1);
	ck_assert_ptr_null(got.owner);
	ck_assert_str_eq(got.kind, "default");
	ck_assert_str_eq(got.address, "");
	ck_assert_int_eq(got.active, 1);
	store_venue_free(&got);
	ck_assert_int_eq(store_venue_update(st, v.code, NULL, NULL, NULL, NULL,
	    NULL, 7), 0);
	ck_assert_int_eq(sql_value("SELECT active FROM venues"), 1);

	ck_assert_int_eq(store_venue_update(st, "0000000", "x", NULL, NULL, NULL,
	    NULL, -1), 1);
	ck_assert_int_eq(store_venue_update(st, "", NULL, NULL, NULL, NULL, NULL,
	    -1), 1);
	ck_assert_int_eq(store_venue_update(st, "' OR 1=1 --", "x", NULL, NULL,
	    NULL, NULL, -1), 1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM venues"
	    " WHERE name = 'x'"), 0);
}
END_TEST

struct depth_seen {
	int	n;
	char	route[8][64];
	int64_t	queued[8];
	int64_t	oldest[8];
};

static int
depth_cb(const char *route, int64_t queued, int64_t oldest, void *arg)
{
	struct depth_seen	*ds = arg;

	ck_assert_int_lt(ds->n, 8);
	snprintf(ds->route[ds->n], sizeof ds->route[0], "%s", route);
	ds->queued[ds->n] = queued;
	ds->oldest[ds->n++] = oldest;
	return 0;
}

START_TEST(test_outbox_depth)
{
	struct depth_seen	ds;
	int64_t			id;

	memset(&ds, 0, sizeof ds);
	ck_assert_int_eq(store_outbox_depth(st, depth_cb, &ds), 0);
	ck_assert_int_eq(ds.n, 0);

	ob_add("modem1", N1, T0 + 7);
	ob_add("kannel", N1, T0 + 5);
	ob_add("kannel", N2, T0);
	ob_add("kannel", N2, T0 + 9);
	id = ob_add("kannel", N1, T0 - 100);	/* sending: not queued */
	ck_assert_int_eq(store_outbox_claim(st, id, "kannel", T0), 1);
	id = ob_add("smsc1", N1, T0 - 200);	/* failed */
	ck_assert_int_eq(store_outbox_final(st, id, OUTBOX_FAILED, "x", T0), 0);
	ob_sent("smsc1", "7", T0 - 300);

	memset(&ds, 0, sizeof ds);
	ck_assert_int_eq(store_outbox_depth(st, depth_cb, &ds), 0);
	ck_assert_int_eq(ds.n, 2);
	ck_assert_str_eq(ds.route[0], "kannel");
	ck_assert_int_eq(ds.queued[0], 3);
	ck_assert_int_eq(ds.oldest[0], T0);
	ck_assert_str_eq(ds.route[1], "modem1");
	ck_assert_int_eq(ds.queued[1], 1);
	ck_assert_int_eq(ds.oldest[1], T0 + 7);
}
END_TEST

/* A USSD session as the menu would leave it. */
static void
ussd_put(const char *id, const char *number, const char *screen,
    const char *data, int lang, int64_t at)
{
	struct ussd_session	u;

	memset(&u, 0, sizeof u);
	snprintf(u.id, sizeof u.id, "%s", id);
	snprintf(u.number, sizeof u.number, "%s", number);
	snprintf(u.screen, sizeof u.screen, "%s", screen);
	snprintf(u.data, sizeof u.data, "%s", data);
	u.lang = lang;
	u.updated_at = at;
	ck_assert_int_eq(store_ussd_put(st, &u), 0);
}

START_TEST(test_ussd_sessions)
{
	struct ussd_session	u;
	char			longid[128], data[256];

	ck_assert_int_eq(store_ussd_get(st, "ATUid_1", &u), 0);
	ck_assert_int_eq(store_ussd_last(st, N1, 0, &u), 0);

	ussd_put("ATUid_1", N1, "code", "123", -1, T0);
	ck_assert_int_eq(store_ussd_get(st, "ATUid_1", &u), 1);
	ck_assert_str_eq(u.id, "ATUid_1");
	ck_assert_str_eq(u.number, N1);
	ck_assert_str_eq(u.screen, "code");
	ck_assert_str_eq(u.data, "123");
	ck_assert_int_eq(u.lang, -1);
	ck_assert_int_eq(u.updated_at, T0);
	ck_assert_int_eq(u.ended, 0);

	/* Put replaces every field. */
	ussd_put("ATUid_1", N1, "confirm", "venue=5;comp=2", 1, T0 + 10);
	ck_assert_int_eq(store_ussd_get(st, "ATUid_1", &u), 1);
	ck_assert_str_eq(u.screen, "confirm");
	ck_assert_str_eq(u.data, "venue=5;comp=2");
	ck_assert_int_eq(u.lang, 1);
	ck_assert_int_eq(u.updated_at, T0 + 10);
	ck_assert_int_eq(rows_of("ussd_sessions"), 1);

	/* The newest unfinished one of the number, from since on. */
	ussd_put("ATUid_2", N1, "main", "", 0, T0 + 20);
	ussd_put("ATUid_3", N2, "main", "", 0, T0 + 30);
	ck_assert_int_eq(store_ussd_last(st, N1, T0, &u), 1);
	ck_assert_str_eq(u.id, "ATUid_2");
	ck_assert_int_eq(store_ussd_end(st, "ATUid_2", T0 + 25), 0);
	ck_assert_int_eq(store_ussd_get(st, "ATUid_2", &u), 1);
	ck_assert_int_eq(u.ended, 1);
	ck_assert_int_eq(u.updated_at, T0 + 25);
	ck_assert_int_eq(store_ussd_last(st, N1, T0, &u), 1);
	ck_assert_str_eq(u.id, "ATUid_1");
	ck_assert_int_eq(store_ussd_last(st, N1, T0 + 10, &u), 1);
	ck_assert_int_eq(store_ussd_last(st, N1, T0 + 11, &u), 0);
	ck_assert_int_eq(store_ussd_last(st, N3, 0, &u), 0);
	ck_assert_int_eq(store_ussd_end(st, "no such session", T0), 0);

	/* Two at the same second: the one written last. */
	ussd_put("b", N3, "main", "", 0, T0 + 40);
	ussd_put("a", N3, "code", "", 0, T0 + 40);
	ck_assert_int_eq(store_ussd_last(st, N3, T0, &u), 1);
	ck_assert_str_eq(u.id, "a");

	/* Ids and data at their full length, and odd bytes. */
	memset(longid, 'x', sizeof longid - 1);
	longid[sizeof longid - 1] = '\0';
	memset(data, '*', sizeof data - 1);
	data[sizeof data - 1] = '\0';
	ussd_put(longid, N1, "declaration", data, 0, T0 + 50);
	ck_assert_int_eq(store_ussd_get(st, longid, &u), 1);
	ck_assert_str_eq(u.id, longid);
	ck_assert_str_eq(u.data, data);
	ussd_put("'; DROP TABLE ussd_sessions; --", N1, "main", "Đã", 0, T0);
	ck_assert_int_eq(store_ussd_get(st, "'; DROP TABLE ussd_sessions; --",
	    &u), 1);
	ck_assert_str_eq(u.data, "Đã");
}
END_TEST

static void
part_key(struct part_key *k, const char *chan, const char *num, unsigned ref,
    unsigned total)
{
	memset(k, 0, sizeof *k);
	strlcpy(k->channel, chan, sizeof k->channel);
	strlcpy(k->number, num, sizeof k->number);
	k->ref = ref;
	k->total = total;
}

/* Parts in any order, copies dropped, the whole text once all are there. */
START_TEST(test_parts_reassembly)
{
	static const char *const texts[] = { "Xin chào ", "Hoàn ", "Kiếm" };
	static const unsigned order[] = { 3, 1, 3, 2 };	/* the 3rd comes twice */
	struct part_key	 k, other;
	char		*whole = NULL;
	int64_t		 sent;
	size_t		 i;

	part_key(&k, "smsc1", "+84912345678", 200, 3);
	part_key(&other, "smsc1", "+84912345678", 201, 3);
	for (i = 0; i < nitems(order); i++) {
		int added = store_part_add(st, &k, order[i], texts[order[i] - 1],
		    AT0800 + (int64_t)order[i], AT0800 + 10, AT0800 - 86400);

		ck_assert_int_eq(added, i == 2 ? 0 : 1);
		if (i < 3)
			ck_assert_int_eq(store_part_take(st, &k, &whole, &sent), 0);
	}
	/* Another set of the same sender does not mix in. */
	ck_assert_int_eq(store_part_add(st, &other, 1, "khac", 0, AT0800, 0), 1);
	ck_assert_int_eq(store_part_take(st, &k, &whole, &sent), 1);
	ck_assert_str_eq(whole, "Xin chào Hoàn Kiếm");
	ck_assert_int_eq(sent, AT0800 + 1);
	free(whole);
	/* Done: taken once; a copy arriving later is still recognised. */
	ck_assert_int_eq(store_part_take(st, &k, &whole, &sent), 0);
	ck_assert_int_eq(store_part_add(st, &k, 2, "Hoàn ", 0, AT0800 + 60,
	    AT0800 - 86400), 0);
	/* A day later the same reference is a new message. */
	ck_assert_int_eq(store_part_add(st, &k, 2, "moi", 0, AT0800 + 90000,
	    AT0800 + 90000 - 86400), 1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM parts WHERE done = 1"), 3);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM parts WHERE done = 0"), 2);
}
END_TEST

/* Sets that waited too long come out as what arrived, oldest first. */
START_TEST(test_parts_expired)
{
	struct part_key	 a, b;
	struct part_set	 set;

	part_key(&a, "modem1", "+84911111111", 7, 3);
	part_key(&b, "modem1", "+84922222222", 9, 2);
	ck_assert_int_eq(store_part_add(st, &a, 3, "ba", AT0800, AT0800, 0), 1);
	ck_assert_int_eq(store_part_add(st, &a, 1, "mot ", AT0800, AT0800 + 5, 0), 1);
	ck_assert_int_eq(store_part_add(st, &b, 2, "hai", AT0800, AT0800 + 100, 0), 1);
	ck_assert_int_eq(store_part_expired(st, AT0800 + 50, &set), 1);
	ck_assert_str_eq(set.key.channel, "modem1");
	ck_assert_str_eq(set.key.number, "+84911111111");
	ck_assert_uint_eq(set.key.ref, 7);
	ck_assert_uint_eq(set.key.total, 3);
	ck_assert_uint_eq(set.got, 2);
	ck_assert_str_eq(set.text, "mot ba");
	free(set.text);
	/* b is younger than the line; a is done. */
	ck_assert_int_eq(store_part_expired(st, AT0800 + 50, &set), 0);
	ck_assert_int_eq(store_part_expired(st, AT0800 + 101, &set), 1);
	ck_assert_str_eq(set.text, "hai");
	free(set.text);
	ck_assert_int_eq(store_part_forget(st, AT0800 + 6), 0);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM parts"), 1);
}
END_TEST

/* A content key seen within a window of its arrival times. */
START_TEST(test_inbound_recent)
{
	const char	*key = "3f2a9c";
	char		 ext[STORE_KEY_MAX];
	const double	 t = 1631754000.25;

	store_inbound_key(ext, sizeof ext, key, t);
	ck_assert_str_eq(ext, "3f2a9c@1631754000.250000");
	ck_assert_int_eq(store_inbound_recent(st, "smsc1", key, 0, t + 1), 0);
	ck_assert_int_gt(store_inbound_add(st, "smsc1", ext, N1, "1234567", AT0800), 0);
	ck_assert_int_eq(store_inbound_recent(st, "smsc1", key, t - 600, t + 1), 1);
	ck_assert_int_eq(store_inbound_recent(st, "smsc1", key, t - 600, t + 0.000001), 1);
	/* Arrived at or after until (on the current bind): not a redelivery. */
	ck_assert_int_eq(store_inbound_recent(st, "smsc1", key, t - 600, t), 0);
	ck_assert_int_eq(store_inbound_recent(st, "smsc1", key, t + 0.5, t + 600), 0);
	ck_assert_int_eq(store_inbound_recent(st, "modem1", key, 0, t + 1), 0);
	ck_assert_int_eq(store_inbound_recent(st, "smsc1", "3f2a9", 0, t + 1), 0);
	ck_assert_int_eq(store_inbound_recent(st, "smsc1", "3f2a9d", 0, t + 1), 0);
}
END_TEST

/* What the abuse limits count: the last minute, and the answered last hour. */
START_TEST(test_inbound_recent_from)
{
	struct inbound_recent	 r;
	int64_t			 id, cur;
	int			 i;

	for (i = 0; i < 5; i++) {
		id = store_inbound_add(st, "test", NULL, N1, "AUTO REPLY", AT0800 - 3000 + i);
		ck_assert_int_gt(id, 0);
		ck_assert_int_eq(store_inbound_set_replies(st, id, "help"), 0);
	}
	ck_assert_int_gt(store_inbound_add(st, "test", NULL, N1, "1234567", AT0800 - 30), 0);
	ck_assert_int_gt(store_inbound_add(st, "test", NULL, N1, "1234567", AT0800 - 4000), 0);
	ck_assert_int_gt(store_inbound_add(st, "test", NULL, N2, "AUTO REPLY", AT0800 - 10), 0);
	cur = store_inbound_add(st, "test", NULL, N1, "AUTO REPLY", AT0800);
	ck_assert_int_eq(store_inbound_recent_from(st, N1, AT0800, "AUTO REPLY", cur, &r), 0);
	ck_assert_int_eq(r.last_minute, 1);
	ck_assert_int_eq(r.answered_hour, 5);
	ck_assert_int_eq(r.same_answered_hour, 5);
	ck_assert_int_eq(store_inbound_recent_from(st, N1, AT0800, "1234567", cur, &r), 0);
	ck_assert_int_eq(r.same_answered_hour, 0);
	ck_assert_int_eq(store_inbound_recent_from(st, N3, AT0800, "x", 0, &r), 0);
	ck_assert_int_eq(r.last_minute + r.answered_hour + r.same_answered_hour, 0);
}
END_TEST

/*
 * Venues by code are held in memory inside transactions: a change another
 * connection commits, or this one makes or undoes, is seen at once.
 */
START_TEST(test_venue_cache_refresh)
{
	struct venue	v;
	char		code[CODE_MAX], sql[256];
	int64_t		id = add_venue("Cache", "Hang Bac", NULL);

	ck_assert_int_eq(store_venue_by_id(st, id, &v), 1);
	strlcpy(code, v.code, sizeof code);
	store_venue_free(&v);
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_venue_by_code(st, code, &v), 1);
	ck_assert_str_eq(v.name, "Cache");
	store_venue_free(&v);
	ck_assert_int_eq(store_venue_by_code(st, "7654321", &v), 0);
	ck_assert_int_eq(store_venue_by_code(st, code, &v), 1);	/* held */
	ck_assert_str_eq(v.name, "Cache");
	store_venue_free(&v);
	ck_assert_int_eq(store_commit(st), 0);

	snprintf(sql, sizeof sql, "UPDATE venues SET name = 'Renamed', active = 0"
	    " WHERE id = %lld; INSERT INTO venues (code, name, created_at)"
	    " VALUES ('7654321', 'New', 0)", (long long)id);
	sql_exec(sql);
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_venue_by_code(st, code, &v), 1);
	ck_assert_str_eq(v.name, "Renamed");
	ck_assert_int_eq(v.active, 0);
	store_venue_free(&v);
	ck_assert_int_eq(store_venue_by_code(st, "7654321", &v), 1);
	ck_assert_str_eq(v.name, "New");
	store_venue_free(&v);
	ck_assert_int_eq(store_venue_update(st, code, "Mine", NULL, NULL, NULL, NULL, 1), 0);
	ck_assert_int_eq(store_venue_by_code(st, code, &v), 1);
	ck_assert_str_eq(v.name, "Mine");
	ck_assert_int_eq(v.active, 1);
	store_venue_free(&v);
	store_rollback(st);

	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_venue_by_code(st, code, &v), 1);
	ck_assert_str_eq(v.name, "Renamed");
	store_venue_free(&v);
	store_rollback(st);
}
END_TEST

static int
owned_today_cb(const struct venue_day *vd, void *arg)
{
	struct venue_day	*out = arg;

	out->checkins = vd->checkins;
	out->people = vd->people;
	return 0;
}

/*
 * daily_stats counts wait for the commit: what a savepoint undoes is not
 * counted, and an owner's figures in the same transaction include them.
 */
START_TEST(test_stats_held_to_commit)
{
	struct venue_day	vd;
	int64_t			v = add_venue("Stats", "Hang Bac", N3);

	ck_assert_int_eq(store_begin(st), 0);
	add_checkin(v, N1, AT0800, 0);
	ck_assert_int_eq(store_savepoint(st), 0);
	add_checkin(v, N2, AT0800 + 60, 0);
	ck_assert_int_eq(store_savepoint_end(st, 0), -1);
	ck_assert_int_eq(store_savepoint(st), 0);
	add_checkin(v, N1, AT0800 + 120, 0);
	ck_assert_int_eq(store_savepoint_end(st, 1), 0);
	memset(&vd, 0, sizeof vd);
	ck_assert_int_eq(store_venue_owned_today(st, N3, DAY16, owned_today_cb, &vd), 1);
	ck_assert_int_eq(vd.checkins, 2);
	ck_assert_int_eq(vd.people, 1);
	ck_assert_int_eq(stat_of(v, DAY16, "checkins"), -1);	/* not yet */
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(stat_of(v, DAY16, "checkins"), 2);
	ck_assert_int_eq(stat_of(v, DAY16, "people"), 1);

	/* Rolled back: nothing counted. */
	ck_assert_int_eq(store_begin(st), 0);
	add_checkin(v, N2, AT0800 + 180, 0);
	store_rollback(st);
	ck_assert_int_eq(store_begin(st), 0);
	add_checkin(v, N3, AT0800 + 240, 0);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(stat_of(v, DAY16, "checkins"), 3);
	ck_assert_int_eq(stat_of(v, DAY16, "people"), 2);
}
END_TEST

/*
 * Day tables (sqlite-days.c): a check-in or an inbound message of a day
 * that has a table (yesterday .. three days ahead) goes in it, with an id
 * that tells the day; the view reads every table.
 */
START_TEST(test_days_checkins)
{
	struct checkin	c;
	struct resident	r;
	char		sql[256];
	int64_t		now = (int64_t)time(NULL), day = now / 86400;
	int64_t		midnight = day * 86400, v, a, b, old;

	v = add_venue("Cafe Giang", "Hang Bac", NULL);
	a = add_checkin(v, N1, midnight - 60, 0);	/* yesterday, 23:59 UTC */
	b = add_checkin(v, N2, midnight + 60, 0);
	old = add_checkin(v, N3, AT0800, 0);		/* no table: the default */
	ck_assert_int_eq(a >> 32, day - 1);
	ck_assert_int_eq(b >> 32, day);
	ck_assert_int_eq(b & 0xffffffffLL, 1);
	ck_assert_int_lt(old, 1LL << 32);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM checkins_d%lld"
	    " WHERE id = %lld", (long long)day, (long long)b);
	ck_assert_int_eq(sql_value(sql), 1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM checkins_default"),
	    1);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM checkins"), 3);
	ck_assert_int_eq(add_checkin(v, N2, midnight + 90, 0), b + 1);

	/* A repeat across midnight is found in yesterday's table. */
	ck_assert_int_eq(store_checkin_recent(st, N1, v, midnight - 600, &c), 1);
	ck_assert_int_eq(c.id, a);
	ck_assert_int_eq(store_resident_get(st, N1, midnight + 30,
	    midnight + 30, "x", &r), 0);
	ck_assert_int_eq(r.last_checkin, midnight - 60);
	ck_assert_int_eq(r.open, 1);
	/* Open: closed by id, in its own table. */
	ck_assert_int_eq(store_checkin_open(st, N2, 0, midnight + 100, &c), 1);
	ck_assert_int_eq(c.id, b + 1);
	ck_assert_int_eq(store_checkin_close(st, c.id, midnight + 120), 0);
	ck_assert_int_eq(store_checkin_open(st, N2, 0, midnight + 130, &c), 1);
	ck_assert_int_eq(c.id, b);
	ck_assert_int_eq(store_checkin_close_all(st, N2, midnight + 140), 0);
	ck_assert_int_eq(store_checkin_open(st, N2, 0, midnight + 150, &c), 0);
	/* A check-in open for more than STORE_OPEN_MAX is left open. */
	ck_assert_int_eq(store_checkin_open(st, N1, 0,
	    midnight - 60 + STORE_OPEN_MAX + 1, &c), 0);
	ck_assert_int_eq(store_checkin_close_all(st, N1,
	    midnight - 60 + STORE_OPEN_MAX + 1), 0);
	snprintf(sql, sizeof sql, "SELECT checked_out_at IS NULL FROM checkins"
	    " WHERE id = %lld", (long long)a);
	ck_assert_int_eq(sql_value(sql), 1);
}
END_TEST

START_TEST(test_days_inbound)
{
	char	buf[64], sql[256];
	int64_t	now = (int64_t)time(NULL), day = now / 86400, a, b, old;

	ck_assert_int_eq(store_begin(st), 0);
	a = store_inbound_reserve(st, now);
	ck_assert_int_eq(a, (day << 32) + 1);
	ck_assert_int_eq(store_inbound_add_replies(st, a, "test", "m1", N1, "hi",
	    now, "r1"), 0);
	/* Across midnight, inside one transaction: the next day's first. */
	b = store_inbound_reserve(st, (day + 1) * 86400);
	ck_assert_int_eq(b, ((day + 1) << 32) + 1);
	ck_assert_int_eq(store_inbound_add_replies(st, b, "test", "m2", N1, "hi",
	    (day + 1) * 86400, NULL), 0);
	old = store_inbound_reserve(st, AT0800);
	ck_assert_int_lt(old, 1LL << 32);
	ck_assert_int_eq(store_inbound_add_replies(st, old, "test", "m3", N1,
	    "hi", AT0800, NULL), 0);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(store_inbound_set_replies(st, b, "r2"), 0);
	snprintf(sql, sizeof sql, "SELECT replies FROM inbound_d%lld",
	    (long long)day + 1);
	sql_text(sql, buf, sizeof buf);
	ck_assert_str_eq(buf, "r2");
	ck_assert_int_eq(store_inbound_find(st, "test", "m1", NULL), 1);
	ck_assert_int_eq(store_inbound_find(st, "test", "m3", NULL), 1);
	ck_assert_int_eq(store_inbound_find(st, "test", "m4", NULL), 0);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM inbound"), 3);
}
END_TEST

/* Rows inserted through the views go to the default. */
START_TEST(test_days_views)
{
	char	sql[256];
	int64_t	now = (int64_t)time(NULL), v, b;

	v = add_venue("Cafe Giang", "Hang Bac", NULL);
	b = add_checkin(v, N1, now, 0);
	snprintf(sql, sizeof sql, "INSERT INTO checkins (venue_id, number,"
	    " sent_at, received_at, channel) VALUES (%lld, '%s', %lld, %lld,"
	    " 'test')", (long long)v, N2, (long long)now, (long long)now);
	sql_exec(sql);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM checkins_default"),
	    1);
	/* No update through the view (a row's id tells its day). */
	snprintf(sql, sizeof sql, "UPDATE checkins SET sent_at = %lld"
	    " WHERE id = %lld", (long long)AT0800, (long long)b);
	ck_assert_int_eq(sql_fails(sql), 1);
	ck_assert_int_eq(store_checkin_close(st, b, now + 60), 0);
	snprintf(sql, sizeof sql, "SELECT checked_out_at FROM checkins"
	    " WHERE id = %lld", (long long)b);
	ck_assert_int_eq(sql_value(sql), now + 60);
	sql_exec("DELETE FROM checkins");
	ck_assert_int_eq(sql_value("SELECT count(*) FROM checkins"), 0);
}
END_TEST

/*
 * The purge drops a day's table whole, a day a call, its rows counted;
 * the days about now are made again first.
 */
START_TEST(test_days_purge)
{
	char	sql[256];
	int64_t	now = (int64_t)time(NULL), day = now / 86400, v, n;
	int	i;

	v = add_venue("Cafe Giang", "Hang Bac", NULL);
	for (i = 0; i < 30; i++)
		add_checkin(v, N1, (day - 1) * 86400 + i * 60, 0);
	for (i = 0; i < 20; i++)
		add_checkin(v, N2, day * 86400 + i * 60, 0);
	add_checkin(v, N3, AT0800, 0);
	/*
	 * Cut-off at today's start: yesterday, the default's row, and who
	 * was first seen where those days (daily_seen).
	 */
	ck_assert_int_eq(store_purge(st, day * 86400, 0, 1, &n), 0);
	ck_assert_int_eq(n, 33);
	ck_assert_int_eq(store_purge(st, day * 86400 + 600, 5, 0, &n), 0);
	ck_assert_int_eq(n, 30);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'checkins_d%lld'", (long long)day - 1);
	ck_assert_int_eq(sql_value(sql), 0);
	/* Today is not wholly before the cut-off: its rows stay. */
	ck_assert_int_eq(store_purge(st, day * 86400 + 600, 5, 0, &n), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(store_purge(st, day * 86400 + 600, 5, 0, &n), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM checkins"), 20);
	sql_text("PRAGMA integrity_check", sql, sizeof sql);
	ck_assert_str_eq(sql, "ok");
}
END_TEST

/*
 * An inbound id reserved is the next free one, counted in memory while no
 * other connection writes; the row is written once with its replies.
 */
START_TEST(test_inbound_reserve)
{
	char	buf[64];
	int64_t	a, b, c;

	ck_assert_int_eq(store_begin(st), 0);
	a = store_inbound_reserve(st, AT0800);
	b = store_inbound_reserve(st, AT0800);
	ck_assert_int_gt(a, 0);
	ck_assert_int_eq(b, a + 1);
	ck_assert_int_eq(store_inbound_add_replies(st, b, "test", "x1", N1, "hi", AT0800,
	    "r1\x1er2"), 0);
	ck_assert_int_eq(store_commit(st), 0);
	sql_exec("INSERT INTO inbound (id, channel, number, text, received_at)"
	    " VALUES (1000, 'other', '+84900000000', 't', 0)");
	ck_assert_int_eq(store_begin(st), 0);
	c = store_inbound_reserve(st, AT0800);
	ck_assert_int_eq(c, 1001);
	ck_assert_int_eq(store_inbound_add_replies(st, c, "test", NULL, N1, "hi", AT0800,
	    NULL), 0);
	ck_assert_int_eq(store_commit(st), 0);
	sql_text("SELECT replies FROM inbound WHERE ext_id = 'x1'", buf, sizeof buf);
	ck_assert_str_eq(buf, "r1\x1er2");
	ck_assert_int_eq(sql_value("SELECT count(*) FROM inbound WHERE id = 1001"
	    " AND replies IS NULL AND ext_id IS NULL"), 1);
	ck_assert_int_eq(store_inbound_find(st, "test", "x1", NULL), 1);
}
END_TEST

/* A number's rows before its message, in one read. */
START_TEST(test_resident_get)
{
	struct resident	r;
	struct session	s;
	int64_t		v = add_venue("Res", "Hang Bac", NULL), decl, id;
	int		i;

	ck_assert_int_eq(store_resident_get(st, N1, AT0800, AT0800, "x", &r), 0);
	ck_assert_int_eq(r.sub.lang, -1);
	ck_assert_int_eq(r.sub.opted_out, 0);
	ck_assert_int_eq(r.has_session, 0);
	ck_assert_int_eq(r.declared_at, 0);
	ck_assert_int_eq(r.open, 0);
	ck_assert_int_eq(r.recent.last_minute + r.recent.answered_hour, 0);

	ck_assert_int_eq(store_subscriber_set_lang(st, N1, 1), 0);
	ck_assert_int_eq(store_subscriber_set_help_at(st, N1, AT0800 - 77), 0);
	memset(&s, 0, sizeof s);
	strlcpy(s.number, N1, sizeof s.number);
	s.kind = SESSION_QUESTION;
	s.venue_id = v;
	s.decl_id = 9;
	s.step = 2;
	s.companions = 1;
	strlcpy(s.qset, "default", sizeof s.qset);
	s.expires_at = AT0800 + 100;
	ck_assert_int_eq(store_session_put(st, &s), 0);
	decl = store_declaration_start(st, N1, v, 0, AT0800 - 500);
	ck_assert_int_gt(decl, 0);
	ck_assert_int_eq(store_declaration_finish(st, decl, 0, AT0800 - 400), 0);
	add_checkin(v, N1, AT0800 - 60, 0);
	for (i = 0; i < 3; i++) {
		id = store_inbound_add(st, "test", NULL, N1, "AUTO REPLY", AT0800 - 3000 + i);
		ck_assert_int_eq(store_inbound_set_replies(st, id, "help"), 0);
	}
	ck_assert_int_gt(store_inbound_add(st, "test", NULL, N1, "1", AT0800 - 30), 0);

	ck_assert_int_eq(store_resident_get(st, N1, AT0800, AT0800, "AUTO REPLY", &r), 0);
	ck_assert_int_eq(r.sub.lang, 1);
	ck_assert_int_eq(r.sub.help_at, AT0800 - 77);
	ck_assert_int_eq(r.has_session, 1);
	ck_assert_str_eq(r.session.number, N1);
	ck_assert_int_eq(r.session.kind, SESSION_QUESTION);
	ck_assert_int_eq(r.session.venue_id, v);
	ck_assert_int_eq(r.session.decl_id, 9);
	ck_assert_int_eq(r.session.step, 2);
	ck_assert_int_eq(r.session.companions, 1);
	ck_assert_str_eq(r.session.qset, "default");
	ck_assert_int_eq(r.session.expires_at, AT0800 + 100);
	ck_assert_int_eq(r.declared_at, AT0800 - 400);
	ck_assert_int_eq(r.open, 1);
	ck_assert_int_eq(r.recent.last_minute, 1);
	ck_assert_int_eq(r.recent.answered_hour, 3);
	ck_assert_int_eq(r.recent.same_answered_hour, 3);

	/* The session has expired; the stay is closed. */
	ck_assert_int_eq(store_checkin_close_all(st, N1, AT0800), 0);
	ck_assert_int_eq(store_resident_get(st, N1, AT0800 + 100, AT0800 + 100, "x", &r), 0);
	ck_assert_int_eq(r.has_session, 0);
	ck_assert_int_eq(r.open, 0);
	ck_assert_int_eq(r.recent.same_answered_hour, 0);
}
END_TEST

/* A database setting shown in an error never carries its password. */
static const struct {
	const char	*database, *shown;
} shown_cases[] = {
	{ "/var/lib/checkind/checkind.db", "/var/lib/checkind/checkind.db" },
	{ "postgresql://checkind@10.0.0.5:5432/checkind",
	  "postgresql://checkind@10.0.0.5:5432/checkind" },
	{ "postgresql://checkind:s3cret@10.0.0.5:5432,10.0.0.6:5432/checkind"
	  "?target_session_attrs=read-write",
	  "postgresql://checkind:***@10.0.0.5:5432,10.0.0.6:5432/checkind"
	  "?target_session_attrs=read-write" },
	{ "postgres://u:p%40ss@h/db?sslmode=require&password=other&x=1",
	  "postgres://u:***@h/db?sslmode=require&password=***&x=1" },
	{ "postgresql://h/db?user=u&password=s3cret",
	  "postgresql://h/db?user=u&password=***" },
	{ "postgresql://a@b:c@h/db", "postgresql://a@b:c@h/db" },
	{ "", "" },
};

START_TEST(test_shown)
{
	char	buf[256], small[12];

	ck_assert_str_eq(store_shown(shown_cases[_i].database, buf, sizeof buf),
	    shown_cases[_i].shown);
	/* Cut short, never overrun, still terminated. */
	store_shown(shown_cases[_i].database, small, sizeof small);
	ck_assert_uint_le(strlen(small), sizeof small - 1);
	ck_assert(strstr(small, "s3cret") == NULL);
}
END_TEST

/* A route's bucket: full at first, refilled at its rate, never over burst. */
START_TEST(test_route_take)
{
	int	g;
	double	w;

	/* Never seen: a full bucket of 5, 3 taken, 2 left. */
	ck_assert_int_eq(store_route_take(st, "agg", 100, 5, 3, T0, &g, &w), 0);
	ck_assert_int_eq(g, 3);
	ck_assert(w == 0);
	/* The 2 left, though 4 are wanted: the next whole token in 1/100 s. */
	ck_assert_int_eq(store_route_take(st, "agg", 100, 5, 4, T0, &g, &w), 0);
	ck_assert_int_eq(g, 2);
	ck_assert(fabs(w - 0.01) < 1e-9);
	ck_assert_int_eq(store_route_take(st, "agg", 100, 5, 1, T0, &g, &w), 0);
	ck_assert_int_eq(g, 0);
	ck_assert(fabs(w - 0.01) < 1e-9);
	/* 25 ms later: 2.5 tokens, 2 of them whole; half a token's wait after. */
	ck_assert_int_eq(store_route_take(st, "agg", 100, 5, 8, T0 + 0.025, &g, &w), 0);
	ck_assert_int_eq(g, 2);
	ck_assert(fabs(w - 0.005) < 1e-6);
	/* An hour idle fills the bucket to its size, no further. */
	ck_assert_int_eq(store_route_take(st, "agg", 100, 5, 64, T0 + 3600, &g, &w), 0);
	ck_assert_int_eq(g, 5);
	/* Another route has its own bucket. */
	ck_assert_int_eq(store_route_take(st, "smpp", 1, 1, 2, T0, &g, &w), 0);
	ck_assert_int_eq(g, 1);
	ck_assert(fabs(w - 1) < 1e-9);
	ck_assert_int_eq(sql_value("SELECT count(*) FROM route_tokens"), 2);
	/* A clock gone back a day: the refill starts again from then. */
	ck_assert_int_eq(store_route_take(st, "smpp", 1, 1, 1, T0 - 86400, &g, &w), 0);
	ck_assert_int_eq(g, 0);
	ck_assert_int_eq(store_route_take(st, "smpp", 1, 1, 1, T0 - 86399, &g, &w), 0);
	ck_assert_int_eq(g, 1);
	/* A clock gone back a little: no refill, none lost. */
	ck_assert_int_eq(store_route_take(st, "smpp", 1, 1, 1, T0 - 86399.5, &g, &w), 0);
	ck_assert_int_eq(g, 0);
	ck_assert_int_eq(store_route_take(st, "smpp", 1, 1, 1, T0 - 86398, &g, &w), 0);
	ck_assert_int_eq(g, 1);
	/* Bad arguments are refused. */
	ck_assert_int_eq(store_route_take(st, "agg", 0, 5, 1, T0, &g, &w), -1);
	ck_assert_int_eq(store_route_take(st, "agg", 100, 5, 0, T0, &g, &w), -1);
}
END_TEST

/* Tokens taken in a transaction rolled back are still there. */
START_TEST(test_route_take_rollback)
{
	int	g;
	double	w;

	ck_assert_int_eq(store_route_take(st, "agg", 10, 4, 1, T0, &g, &w), 0);
	ck_assert_int_eq(g, 1);
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_route_take(st, "agg", 10, 4, 3, T0, &g, &w), 0);
	ck_assert_int_eq(g, 3);
	store_rollback(st);
	ck_assert_int_eq(store_route_take(st, "agg", 10, 4, 3, T0, &g, &w), 0);
	ck_assert_int_eq(g, 3);
	ck_assert(fabs(w - 0.1) < 1e-9);
}
END_TEST

/* Two processes' stores on one file share a route's bucket. */
START_TEST(test_route_take_shared)
{
	struct store	*other;
	int		 g, i, total = 0;
	double		 w;

	other = open_store();
	for (i = 0; i < 10; i++) {
		ck_assert_int_eq(store_route_take(i % 2 ? other : st, "agg", 10, 3, 2,
		    T0 + i * 0.1, &g, &w), 0);
		total += g;
	}
	/* 3 at first, then 9 tenths of a second at 10 a second: 12. */
	ck_assert_int_eq(total, 12);
	store_close(other);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite	*s = suite_create("store");
	TCase	*tc;

	tc = tcase_create("open");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_creates_folder);
	tcase_add_test(tc, test_open_bad_path);
	tcase_add_test(tc, test_reopen);
	tcase_add_test(tc, test_route_secret);
	tcase_add_loop_test(tc, test_future_version, 0, nitems(future_versions));
	tcase_add_loop_test(tc, test_schema_columns, 0, nitems(schema_queries));
	tcase_add_test(tc, test_schema_indexes);
	tcase_add_test(tc, test_two_connections);
	tcase_add_test(tc, test_wal_writes_gathered);
	tcase_add_test(tc, test_open_race);
	tcase_add_loop_test(tc, test_shown, 0, nitems(shown_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("venues");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_venue_codes_unique);
	tcase_add_test(tc, test_venue_codes_exhausted);
	tcase_add_test(tc, test_venue_explicit_code);
	tcase_add_test(tc, test_venue_by_code);
	tcase_add_test(tc, test_venue_list_and_active);
	tcase_add_test(tc, test_owned_today);
	suite_add_tcase(s, tc);

	tc = tcase_create("checkins");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_checkin_daily_stats);
	tcase_add_test(tc, test_checkin_bad_venue);
	tcase_add_test(tc, test_checkin_atomic);
	tcase_add_test(tc, test_checkin_recent_open_close);
	tcase_add_test(tc, test_checkin_history);
	suite_add_tcase(s, tc);

	tc = tcase_create("dialog state");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_inbound_dedup);
	tcase_add_test(tc, test_declarations);
	tcase_add_test(tc, test_sessions);
	tcase_add_test(tc, test_subscribers);
	tcase_add_test(tc, test_rollback);
	tcase_add_test(tc, test_audit_count);
	suite_add_tcase(s, tc);

	tc = tcase_create("outbox");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_migrate_from_v1);
	tcase_add_test(tc, test_migrate_atomic);
	tcase_add_test(tc, test_outbox_fields);
	tcase_add_test(tc, test_outbox_due);
	tcase_add_test(tc, test_outbox_claim);
	tcase_add_test(tc, test_outbox_transitions);
	tcase_add_test(tc, test_outbox_dlr_by_id);
	tcase_add_loop_test(tc, test_outbox_dlr_key, 0, nitems(ext_pairs));
	tcase_add_test(tc, test_outbox_dlr_newest);
	tcase_add_test(tc, test_outbox_requeue_sending);
	tcase_add_test(tc, test_outbox_list);
	tcase_add_test(tc, test_outbox_requeue_cancel);
	tcase_add_test(tc, test_outbox_depth);
	tcase_add_test(tc, test_route_take);
	tcase_add_test(tc, test_route_take_rollback);
	tcase_add_test(tc, test_route_take_shared);
	suite_add_tcase(s, tc);

	tc = tcase_create("officials");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_migrate_from_v2);
	tcase_add_test(tc, test_migrate_atomic_v3);
	tcase_add_test(tc, test_migrate_from_v3);
	tcase_add_test(tc, test_venue_call_number);
	tcase_add_test(tc, test_migrate_from_v8);
	tcase_add_test(tc, test_migrate_from_v9);
	tcase_add_test(tc, test_trace_venue);
	tcase_add_test(tc, test_trace_person);
	tcase_add_test(tc, test_trace_contacts);
	tcase_add_test(tc, test_alert_numbers);
	tcase_add_test(tc, test_report_wards);
	tcase_add_test(tc, test_report_wards_empty);
	tcase_add_test(tc, test_report_inactive);
	tcase_add_test(tc, test_purge_dataset);
	tcase_add_test(tc, test_purge_chunks);
	tcase_add_test(tc, test_purge_rollback);
	tcase_add_loop_test(tc, test_query_plans, 0, nitems(plan_cases));
	tcase_add_test(tc, test_query_plan_unknown);
	tcase_add_test(tc, test_audit_add);
	tcase_add_test(tc, test_venue_update);
	tcase_add_test(tc, test_ussd_sessions);
	tcase_add_test(tc, test_parts_reassembly);
	tcase_add_test(tc, test_parts_expired);
	tcase_add_test(tc, test_inbound_recent);
	tcase_add_test(tc, test_inbound_recent_from);
	tcase_add_test(tc, test_venue_cache_refresh);
	tcase_add_test(tc, test_stats_held_to_commit);
	tcase_add_test(tc, test_inbound_reserve);
	tcase_add_test(tc, test_days_checkins);
	tcase_add_test(tc, test_days_inbound);
	tcase_add_test(tc, test_days_views);
	tcase_add_test(tc, test_days_purge);
	tcase_add_test(tc, test_resident_get);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	umask(022);
	return unit_run(store_suite());
}
