/*
 * store.c: the database, in SQLite. The only file that speaks SQL.
 *
 * One connection per process, used from one thread (the daemon's loop, or
 * checkinctl beside it: WAL lets one writer and many readers share the file).
 * Every statement is prepared once at open and reset after each use, so no
 * half-read query keeps an old snapshot (and the WAL) alive between messages.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>
#include <sqlite3.h>

#include "base/base.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/tz.h"
#include "codec/code.h"
#include "store/store.h"

#define STORE_BUSY_TIMEOUT	5000	/* ms: checkinctl and the daemon take turns */
#define STORE_CKPT_MS		200	/* ms between two checkpoints of the checkpointer */
#define STORE_CKPT_RESTART	4096	/* WAL frames (16 MB) past which it is emptied */
#define STORE_CKPT_WAIT_MS	50	/* ms emptying it may wait for the writer and readers */
#define STORE_CODE_TRIES	1000	/* random codes tried before giving up */
#define STORE_DIR_MODE		0750
#define STORE_FILE_MODE		0640	/* personal data: not world-readable */
#define STORE_STAY_MAX		86400	/* s: the longest stay traces look for */

/*
 * Numbered migrations, applied in order, each in its own transaction that
 * also sets PRAGMA user_version. Never edit a shipped step: add a new one.
 */
struct store_migration {
	int		 version;
	const char	*sql;
};

static const struct store_migration store_migrations[] = {
	{ 1,
	"CREATE TABLE venues ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  address TEXT NOT NULL DEFAULT '',"
	"  ward TEXT NOT NULL DEFAULT '',"
	"  district TEXT NOT NULL DEFAULT '',"
	"  kind TEXT NOT NULL DEFAULT 'default',"
	"  owner TEXT,"
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX venues_owner ON venues(owner);"
	"CREATE INDEX venues_ward ON venues(ward);"

	"CREATE TABLE checkins ("
	"  id INTEGER PRIMARY KEY,"
	"  venue_id INTEGER NOT NULL REFERENCES venues(id),"
	"  number TEXT NOT NULL,"
	"  companions INTEGER NOT NULL DEFAULT 0,"
	"  sent_at INTEGER NOT NULL,"
	"  received_at INTEGER NOT NULL,"
	"  checked_out_at INTEGER,"
	"  channel TEXT NOT NULL,"
	"  inbound_id INTEGER);"
	"CREATE INDEX checkins_number_sent ON checkins(number, sent_at);"
	"CREATE INDEX checkins_venue_sent ON checkins(venue_id, sent_at);"

	"CREATE TABLE declarations ("
	"  id INTEGER PRIMARY KEY,"
	"  number TEXT NOT NULL,"
	"  venue_id INTEGER,"
	"  checkin_id INTEGER,"
	"  started_at INTEGER NOT NULL,"
	"  completed_at INTEGER,"
	"  flagged INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX declarations_number_completed"
	"  ON declarations(number, completed_at);"

	"CREATE TABLE answers ("
	"  id INTEGER PRIMARY KEY,"
	"  declaration_id INTEGER NOT NULL REFERENCES declarations(id),"
	"  question TEXT NOT NULL,"
	"  answer TEXT NOT NULL,"
	"  flagged INTEGER NOT NULL DEFAULT 0,"
	"  answered_at INTEGER NOT NULL);"

	"CREATE TABLE sessions ("
	"  number TEXT PRIMARY KEY,"
	"  kind INTEGER NOT NULL,"
	"  venue_id INTEGER,"
	"  decl_id INTEGER,"
	"  step INTEGER NOT NULL DEFAULT 0,"
	"  companions INTEGER NOT NULL DEFAULT 0,"
	"  qset TEXT NOT NULL DEFAULT '',"
	"  expires_at INTEGER NOT NULL);"

	"CREATE TABLE subscribers ("
	"  number TEXT PRIMARY KEY,"
	"  lang INTEGER,"
	"  opted_out INTEGER NOT NULL DEFAULT 0,"
	"  help_at INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER NOT NULL);"

	"CREATE TABLE inbound ("
	"  id INTEGER PRIMARY KEY,"
	"  channel TEXT NOT NULL,"
	"  ext_id TEXT,"
	"  number TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  received_at INTEGER NOT NULL,"
	"  replies TEXT,"
	"  UNIQUE(channel, ext_id));"
	"CREATE INDEX inbound_received ON inbound(received_at);"

	"CREATE TABLE daily_stats ("
	"  venue_id INTEGER NOT NULL,"
	"  day INTEGER NOT NULL,"
	"  checkins INTEGER NOT NULL DEFAULT 0,"
	"  people INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY(venue_id, day));"

	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  subject TEXT,"
	"  query TEXT,"
	"  records INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX audit_subject ON audit(subject);"
	},
	{ 2,
	/*
	 * The outbox. state holds enum outbox_state (0 queued, 1 sending,
	 * 2 sent, 3 delivered, 4 failed, 5 expired); ext_key is ext_id as
	 * store_outbox_key() normalises it, for matching delivery reports.
	 */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  route TEXT NOT NULL,"
	"  number TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  state INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  next_at REAL NOT NULL,"
	"  expires_at INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER NOT NULL,"
	"  sent_at INTEGER,"
	"  ext_id TEXT,"
	"  ext_key TEXT,"
	"  dlr_state TEXT,"
	"  dlr_at INTEGER,"
	"  error TEXT,"
	"  inbound_id INTEGER);"
	"CREATE INDEX outbox_due ON outbox(route, state, next_at);"
	"CREATE INDEX outbox_ext ON outbox(route, ext_key);"
	"CREATE INDEX outbox_state ON outbox(state, updated_at);"
	"CREATE INDEX outbox_created ON outbox(created_at);"
	},
	{ 3,
	/*
	 * Officials' queries, retention and USSD. The traces range over
	 * checkins_venue_sent and checkins_number_sent (migration 1); the
	 * purge finds old rows by time through the *_sent, *_started,
	 * *_expires and *_updated indexes, answers through their declaration
	 * (which also serves store_declaration_flagged); the ward report
	 * finds a day's figures through daily_stats_day.
	 */
	"CREATE INDEX checkins_sent ON checkins(sent_at);"
	"CREATE INDEX declarations_started ON declarations(started_at);"
	"CREATE INDEX answers_declaration ON answers(declaration_id);"
	"CREATE INDEX sessions_expires ON sessions(expires_at);"
	"CREATE INDEX daily_stats_day ON daily_stats(day);"

	"CREATE TABLE ussd_sessions ("
	"  id TEXT PRIMARY KEY,"
	"  number TEXT NOT NULL,"
	"  screen TEXT NOT NULL,"
	"  data TEXT NOT NULL DEFAULT '',"
	"  lang INTEGER NOT NULL DEFAULT -1,"
	"  updated_at INTEGER NOT NULL,"
	"  ended INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX ussd_sessions_number ON ussd_sessions(number, updated_at);"
	"CREATE INDEX ussd_sessions_updated ON ussd_sessions(updated_at);"
	},
	{ 4,
	/*
	 * Parts of long messages from the SMPP and modem channels, kept until
	 * their set is whole (then marked done, and kept a while to recognise
	 * a part delivered again). parts_set finds a set and its copies;
	 * parts_waiting the sets that waited too long.
	 */
	"CREATE TABLE parts ("
	"  id INTEGER PRIMARY KEY,"
	"  channel TEXT NOT NULL,"
	"  number TEXT NOT NULL,"
	"  ref INTEGER NOT NULL,"
	"  total INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  sent_at INTEGER NOT NULL,"
	"  received_at INTEGER NOT NULL,"
	"  done INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX parts_set ON parts(channel, number, ref, total, seq);"
	"CREATE INDEX parts_waiting ON parts(done, received_at);"
	/* The abuse limits count a number's recent messages (store_inbound_recent_from). */
	"CREATE INDEX inbound_number ON inbound(number, received_at);"
	},
};

/* Every statement the store runs, prepared once at open. */
enum store_stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_SAVEPOINT,
	STMT_RELEASE,
	STMT_ROLLBACK_TO,
	STMT_VERSION,
	STMT_VENUE_CODE_TAKEN,
	STMT_VENUE_ADD,
	STMT_VENUE_BY_CODE,
	STMT_VENUE_BY_ID,
	STMT_VENUE_LIST,
	STMT_VENUE_SET_ACTIVE,
	STMT_VENUE_OWNED_TODAY,
	STMT_INBOUND_FIND,
	STMT_INBOUND_ADD,
	STMT_INBOUND_SET_REPLIES,
	STMT_CHECKIN_SEEN_DAY,
	STMT_CHECKIN_ADD,
	STMT_STATS_BUMP,
	STMT_CHECKIN_RECENT,
	STMT_CHECKIN_OPEN,
	STMT_CHECKIN_CLOSE,
	STMT_CHECKIN_CLOSE_ALL,
	STMT_CHECKIN_HISTORY,
	STMT_DECL_START,
	STMT_DECL_ANSWER,
	STMT_DECL_FINISH,
	STMT_DECL_LAST,
	STMT_DECL_FLAGGED,
	STMT_SESSION_GET,
	STMT_SESSION_PUT,
	STMT_SESSION_CLEAR,
	STMT_SUB_GET,
	STMT_SUB_SET_LANG,
	STMT_SUB_SET_OPTOUT,
	STMT_SUB_SET_HELP,
	STMT_AUDIT_COUNT,
	STMT_OUTBOX_ADD,
	STMT_OUTBOX_DUE,
	STMT_OUTBOX_NEXT,
	STMT_OUTBOX_CLAIM,
	STMT_OUTBOX_SENT,
	STMT_OUTBOX_RETRY,
	STMT_OUTBOX_FINAL,
	STMT_OUTBOX_DLR_BY_ID,
	STMT_OUTBOX_DLR_BY_KEY,
	STMT_OUTBOX_DLR_SET,
	STMT_OUTBOX_REQUEUE_SENDING,
	STMT_OUTBOX_GET,
	STMT_OUTBOX_LIST,
	STMT_OUTBOX_LIST_STATE,
	STMT_OUTBOX_REQUEUE,
	STMT_OUTBOX_CANCEL,
	STMT_OUTBOX_COUNT,
	STMT_TRACE_VENUE,
	STMT_TRACE_PERSON,
	STMT_TRACE_CONTACTS,
	STMT_AUDIT_ADD,
	STMT_ALERT_NUMBERS,
	STMT_REPORT_KEPT_FROM,
	STMT_REPORT_DAY_RAW,
	STMT_REPORT_DAY_STATS,
	STMT_REPORT_WARDS,
	STMT_REPORT_INACTIVE,
	STMT_DAILY_SERIES,
	STMT_PURGE_CHECKINS,
	STMT_PURGE_CHECKINS_COUNT,
	STMT_PURGE_ANSWERS,
	STMT_PURGE_ANSWERS_COUNT,
	STMT_PURGE_DECLARATIONS,
	STMT_PURGE_DECLARATIONS_COUNT,
	STMT_PURGE_INBOUND,
	STMT_PURGE_INBOUND_COUNT,
	STMT_PURGE_OUTBOX,
	STMT_PURGE_OUTBOX_COUNT,
	STMT_PURGE_USSD,
	STMT_PURGE_USSD_COUNT,
	STMT_PURGE_SESSIONS,
	STMT_PURGE_SESSIONS_COUNT,
	STMT_VENUE_UPDATE,
	STMT_OUTBOX_DEPTH,
	STMT_USSD_GET,
	STMT_USSD_PUT,
	STMT_USSD_LAST,
	STMT_INBOUND_RECENT,
	STMT_INBOUND_RECENT_FROM,
	STMT_PART_SEEN,
	STMT_PART_ADD,
	STMT_PART_COUNT,
	STMT_PART_TEXTS,
	STMT_PART_DONE,
	STMT_PART_OLDEST,
	STMT_PART_FORGET,
	STMT_USSD_END,
	STMT_COUNT
};

#define VENUE_COLUMNS \
	"id, code, name, address, ward, district, kind, owner, active, created_at"
#define CHECKIN_COLUMNS \
	"id, venue_id, number, companions, sent_at, received_at, checked_out_at"
#define OUTBOX_COLUMNS \
	"id, route, number, text, state, attempts, created_at, next_at," \
	" expires_at, updated_at, ext_id, dlr_state, error, inbound_id"
#define USSD_COLUMNS \
	"id, number, screen, data, lang, updated_at, ended"

/*
 * Tracing binds the window as ?2 (from) and ?3 (to), default_stay as ?4 and
 * the longest stay looked for as ?5 (STORE_STAY_MAX, or default_stay if
 * longer).
 *
 * STAY_END is where a stay ends for overlap: at its check-out, or ?4 after
 * it began if it was never closed; at most ?5 after it began, so that a
 * search can start ?5 before the window on the (.., sent_at) indexes
 * instead of reading every older row (a stay closed days later, because a
 * resident never texted RA and the next check-in closed it, counts for one
 * day); and at least a second, so that a check-out stamped before its
 * check-in still leaves the visit on record.
 */
#define STAY_END(t) \
	"max(" t ".sent_at + 1, min(coalesce(" t ".checked_out_at, " t \
	".sent_at + ?4), " t ".sent_at + ?5))"
/*
 * The stay t overlaps the window [?2, ?3), which is empty unless ?2 < ?3;
 * the sent_at terms bound the index range.
 */
#define STAY_IN_WINDOW(t) \
	"?2 < ?3 AND " t ".sent_at >= ?2 - ?5 AND " t ".sent_at < ?3" \
	" AND " STAY_END(t) " > ?2"
/* The columns of a trace_row, of stay t at venue v. */
#define TRACE_COLUMNS(t) \
	t ".number, " t ".companions, " t ".sent_at, " t ".received_at, " \
	t ".checked_out_at, coalesce(" t ".checked_out_at, " t ".sent_at + ?4)," \
	" v.code, v.name, v.ward, v.address"

static const char *const store_sql[STMT_COUNT] = {
	[STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STMT_COMMIT] = "COMMIT",
	[STMT_ROLLBACK] = "ROLLBACK",
	/* Makes a multi-statement call atomic with or without a transaction. */
	[STMT_SAVEPOINT] = "SAVEPOINT store_call",
	[STMT_RELEASE] = "RELEASE store_call",
	[STMT_ROLLBACK_TO] = "ROLLBACK TO store_call",
	[STMT_VERSION] = "PRAGMA user_version",

	[STMT_VENUE_CODE_TAKEN] = "SELECT 1 FROM venues WHERE code = ?1",
	[STMT_VENUE_ADD] =
	    "INSERT INTO venues (code, name, address, ward, district, kind,"
	    " owner, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[STMT_VENUE_BY_CODE] =
	    "SELECT " VENUE_COLUMNS " FROM venues WHERE code = ?1",
	[STMT_VENUE_BY_ID] =
	    "SELECT " VENUE_COLUMNS " FROM venues WHERE id = ?1",
	[STMT_VENUE_LIST] =
	    "SELECT " VENUE_COLUMNS " FROM venues"
	    " WHERE (?1 IS NULL OR ward = ?1) AND (?2 OR active)"
	    " ORDER BY ward, name, id",
	[STMT_VENUE_SET_ACTIVE] =
	    "UPDATE venues SET active = ?2 WHERE code = ?1",
	[STMT_VENUE_OWNED_TODAY] =
	    "SELECT v.code, v.name, coalesce(d.checkins, 0), coalesce(d.people, 0)"
	    " FROM venues v LEFT JOIN daily_stats d"
	    " ON d.venue_id = v.id AND d.day = ?2"
	    " WHERE v.owner = ?1 AND v.active ORDER BY v.name, v.id",

	[STMT_INBOUND_FIND] =
	    "SELECT coalesce(replies, '') FROM inbound"
	    " WHERE channel = ?1 AND ext_id = ?2",
	[STMT_INBOUND_ADD] =
	    "INSERT INTO inbound (channel, ext_id, number, text, received_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[STMT_INBOUND_SET_REPLIES] =
	    "UPDATE inbound SET replies = ?2 WHERE id = ?1",

	/*
	 * A number's own check-ins are few, a venue's many: without
	 * statistics the planner would walk the venue's day row by row.
	 */
	[STMT_CHECKIN_SEEN_DAY] =
	    "SELECT 1 FROM checkins INDEXED BY checkins_number_sent"
	    " WHERE number = ?1 AND venue_id = ?2"
	    " AND sent_at >= ?3 AND sent_at < ?4 LIMIT 1",
	[STMT_CHECKIN_ADD] =
	    "INSERT INTO checkins (venue_id, number, companions, sent_at,"
	    " received_at, checked_out_at, channel, inbound_id)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[STMT_STATS_BUMP] =
	    "INSERT INTO daily_stats (venue_id, day, checkins, people)"
	    " VALUES (?1, ?2, 1, ?3) ON CONFLICT (venue_id, day) DO UPDATE"
	    " SET checkins = checkins + 1, people = people + excluded.people",
	[STMT_CHECKIN_RECENT] =
	    "SELECT " CHECKIN_COLUMNS " FROM checkins INDEXED BY checkins_number_sent"
	    " WHERE number = ?1 AND venue_id = ?2 AND sent_at >= ?3"
	    " ORDER BY sent_at DESC, id DESC LIMIT 1",
	[STMT_CHECKIN_OPEN] =
	    "SELECT " CHECKIN_COLUMNS " FROM checkins"
	    " WHERE number = ?1 AND checked_out_at IS NULL"
	    " AND (?2 = 0 OR venue_id = ?2)"
	    " ORDER BY sent_at DESC, id DESC LIMIT 1",
	/* A late SMS must not end a stay before it began. */
	[STMT_CHECKIN_CLOSE] =
	    "UPDATE checkins SET checked_out_at = max(?2, sent_at)"
	    " WHERE id = ?1 AND checked_out_at IS NULL",
	[STMT_CHECKIN_CLOSE_ALL] =
	    "UPDATE checkins SET checked_out_at = max(?2, sent_at)"
	    " WHERE number = ?1 AND checked_out_at IS NULL",
	[STMT_CHECKIN_HISTORY] =
	    "SELECT c.id, c.venue_id, c.number, c.companions, c.sent_at,"
	    " c.received_at, c.checked_out_at, v.code, v.name"
	    " FROM checkins c JOIN venues v ON v.id = c.venue_id"
	    " WHERE c.number = ?1 ORDER BY c.sent_at DESC, c.id DESC LIMIT ?2",

	[STMT_DECL_START] =
	    "INSERT INTO declarations (number, venue_id, checkin_id, started_at)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[STMT_DECL_ANSWER] =
	    "INSERT INTO answers (declaration_id, question, answer, flagged,"
	    " answered_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	/* A flag once raised stays raised. */
	[STMT_DECL_FINISH] =
	    "UPDATE declarations SET completed_at = ?3, flagged = max(flagged, ?2)"
	    " WHERE id = ?1",
	[STMT_DECL_LAST] =
	    "SELECT completed_at FROM declarations"
	    " WHERE number = ?1 AND completed_at IS NOT NULL"
	    " ORDER BY completed_at DESC LIMIT 1",

	[STMT_DECL_FLAGGED] =
	    "SELECT max(d.flagged, coalesce((SELECT max(a.flagged) FROM answers a"
	    " WHERE a.declaration_id = d.id), 0)) FROM declarations d"
	    " WHERE d.id = ?1",

	[STMT_SESSION_GET] =
	    "SELECT kind, venue_id, decl_id, step, companions, qset, expires_at"
	    " FROM sessions WHERE number = ?1 AND expires_at > ?2",
	[STMT_SESSION_PUT] =
	    "INSERT INTO sessions (number, kind, venue_id, decl_id, step,"
	    " companions, qset, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	    " ON CONFLICT (number) DO UPDATE SET kind = excluded.kind,"
	    " venue_id = excluded.venue_id, decl_id = excluded.decl_id,"
	    " step = excluded.step, companions = excluded.companions,"
	    " qset = excluded.qset, expires_at = excluded.expires_at",
	[STMT_SESSION_CLEAR] = "DELETE FROM sessions WHERE number = ?1",

	[STMT_SUB_GET] =
	    "SELECT lang, opted_out, help_at FROM subscribers WHERE number = ?1",
	[STMT_SUB_SET_LANG] =
	    "INSERT INTO subscribers (number, lang, updated_at) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT (number) DO UPDATE SET lang = excluded.lang,"
	    " updated_at = excluded.updated_at",
	[STMT_SUB_SET_OPTOUT] =
	    "INSERT INTO subscribers (number, opted_out, updated_at)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (number) DO UPDATE"
	    " SET opted_out = excluded.opted_out, updated_at = excluded.updated_at",
	[STMT_SUB_SET_HELP] =
	    "INSERT INTO subscribers (number, help_at, updated_at)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (number) DO UPDATE"
	    " SET help_at = excluded.help_at, updated_at = excluded.updated_at",

	[STMT_AUDIT_COUNT] = "SELECT count(*) FROM audit WHERE subject = ?1",

	/*
	 * Outbox states as stored: 0 queued, 1 sending, 2 sent, 3 delivered,
	 * 4 failed, 5 expired.
	 */
	[STMT_OUTBOX_ADD] =
	    "INSERT INTO outbox (route, number, text, state, attempts, created_at,"
	    " next_at, expires_at, updated_at, inbound_id)"
	    " VALUES (?1, ?2, ?3, 0, 0, ?4, ?4, ?5, ?4, ?6)",
	/* Walks the outbox_due index in order: no sort. */
	[STMT_OUTBOX_DUE] =
	    "SELECT " OUTBOX_COLUMNS " FROM outbox"
	    " WHERE route = ?1 AND state = 0 AND next_at <= ?2"
	    " ORDER BY next_at, id LIMIT ?3",
	[STMT_OUTBOX_NEXT] =
	    "SELECT min(next_at) FROM outbox WHERE route = ?1 AND state = 0",
	/* Compare-and-set: of two claimers only one changes the row. */
	[STMT_OUTBOX_CLAIM] =
	    "UPDATE outbox SET state = 1, attempts = attempts + 1,"
	    " route = coalesce(?2, route), updated_at = ?3"
	    " WHERE id = ?1 AND state = 0",
	/*
	 * A report can beat the HTTP answer that carries the route's id: a
	 * row already delivered or failed keeps its state and gains the id.
	 */
	[STMT_OUTBOX_SENT] =
	    "UPDATE outbox SET state = CASE state WHEN 1 THEN 2 ELSE state END,"
	    " ext_id = ?2, ext_key = ?3, sent_at = ?4, updated_at = ?4"
	    " WHERE id = ?1 AND state IN (1, 3, 4)",
	[STMT_OUTBOX_RETRY] =
	    "UPDATE outbox SET state = 0, next_at = ?2, error = ?3, updated_at = ?4"
	    " WHERE id = ?1 AND state = 1",
	[STMT_OUTBOX_FINAL] =
	    "UPDATE outbox SET state = ?2, error = ?3, updated_at = ?4"
	    " WHERE id = ?1 AND state IN (0, 1)",
	[STMT_OUTBOX_DLR_BY_ID] =
	    "SELECT id, state FROM outbox WHERE id = ?1 AND route = ?2",
	/* Message ids get reused (SMSC counters wrap): the newest row wins. */
	[STMT_OUTBOX_DLR_BY_KEY] =
	    "SELECT id, state FROM outbox WHERE route = ?1 AND ext_key = ?2"
	    " ORDER BY id DESC LIMIT 1",
	/* Compare-and-set on the state the report was judged against. */
	[STMT_OUTBOX_DLR_SET] =
	    "UPDATE outbox SET state = ?3, dlr_state = coalesce(?4, dlr_state),"
	    " dlr_at = ?5, updated_at = ?5,"
	    " error = CASE WHEN ?7 THEN ?6 ELSE error END,"
	    " ext_id = coalesce(ext_id, ?8), ext_key = coalesce(ext_key, ?9)"
	    " WHERE id = ?1 AND state = ?2",
	[STMT_OUTBOX_REQUEUE_SENDING] =
	    "UPDATE outbox SET state = 0, updated_at = ?1 WHERE state = 1",
	[STMT_OUTBOX_GET] =
	    "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?1",
	[STMT_OUTBOX_LIST] =
	    "SELECT " OUTBOX_COLUMNS " FROM outbox"
	    " WHERE (?1 IS NULL OR route = ?1)"
	    " ORDER BY updated_at DESC, id DESC LIMIT ?2",
	/* Walks the outbox_state index backwards. */
	[STMT_OUTBOX_LIST_STATE] =
	    "SELECT " OUTBOX_COLUMNS " FROM outbox"
	    " WHERE state = ?3 AND (?1 IS NULL OR route = ?1)"
	    " ORDER BY updated_at DESC, id DESC LIMIT ?2",
	/* A fresh start: the last outcome no longer describes the row. */
	[STMT_OUTBOX_REQUEUE] =
	    "UPDATE outbox SET state = 0, attempts = 0, next_at = ?2, created_at = ?2,"
	    " updated_at = ?2, error = NULL, dlr_state = NULL, dlr_at = NULL"
	    " WHERE id = ?1 AND state IN (4, 5)",
	[STMT_OUTBOX_CANCEL] =
	    "UPDATE outbox SET state = 4, error = 'cancelled', updated_at = ?2"
	    " WHERE id = ?1 AND state = 0",
	[STMT_OUTBOX_COUNT] =
	    "SELECT route, state, count(*) FROM outbox GROUP BY route, state"
	    " ORDER BY route, state",

	/* A range of checkins_venue_sent: ?5 before the window to its end. */
	[STMT_TRACE_VENUE] =
	    "SELECT " TRACE_COLUMNS("c") " FROM checkins c"
	    " JOIN venues v ON v.id = c.venue_id"
	    " WHERE c.venue_id = ?1 AND " STAY_IN_WINDOW("c")
	    " ORDER BY c.sent_at, c.id",
	/* The same on checkins_number_sent. */
	[STMT_TRACE_PERSON] =
	    "SELECT " TRACE_COLUMNS("c") " FROM checkins c"
	    " JOIN venues v ON v.id = c.venue_id"
	    " WHERE c.number = ?1 AND " STAY_IN_WINDOW("c")
	    " ORDER BY c.sent_at, c.id",
	/*
	 * The number's stays (a) in the window, and for each the other
	 * numbers' stays (b) at that venue that overlap it: b began at most
	 * ?5 before a did and before a ended, and ended after a began. The
	 * window picks a; the overlap is the whole intersection of a and b.
	 */
	[STMT_TRACE_CONTACTS] =
	    "SELECT " TRACE_COLUMNS("b") ", max(a.sent_at, b.sent_at),"
	    " min(" STAY_END("a") ", " STAY_END("b") ")"
	    " FROM checkins a"
	    " JOIN checkins b ON b.venue_id = a.venue_id"
	    " AND b.sent_at >= a.sent_at - ?5 AND b.sent_at < " STAY_END("a")
	    " AND " STAY_END("b") " > a.sent_at AND b.number <> a.number"
	    " JOIN venues v ON v.id = a.venue_id"
	    " WHERE a.number = ?1 AND " STAY_IN_WINDOW("a")
	    " ORDER BY a.sent_at, a.id, b.sent_at, b.id",

	[STMT_AUDIT_ADD] =
	    "INSERT INTO audit (at, actor, action, subject, query, records)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",

	[STMT_ALERT_NUMBERS] =
	    "SELECT DISTINCT c.number FROM checkins c"
	    " WHERE c.venue_id = ?1 AND " STAY_IN_WINDOW("c")
	    " AND NOT EXISTS (SELECT 1 FROM subscribers s"
	    " WHERE s.number = c.number AND s.opted_out)"
	    " ORDER BY c.number",

	/* Where the check-ins kept begin, to tell purged days from whole ones. */
	[STMT_REPORT_KEPT_FROM] = "SELECT min(sent_at) FROM checkins",
	[STMT_REPORT_DAY_RAW] =
	    "SELECT count(*) FROM checkins WHERE sent_at >= ?1 AND sent_at < ?2",
	[STMT_REPORT_DAY_STATS] =
	    "SELECT coalesce(sum(checkins), 0) FROM daily_stats WHERE day = ?1",
	/*
	 * ?1 the start of the local day holding the period's start ?2, ?3 its
	 * end, ?4 the first day whose check-ins are all still kept. Figures
	 * from daily_stats count the whole local days the period touches;
	 * distinct visitors are counted in the check-ins from ?4 on and, for
	 * older (purged) days, taken as the sum of each venue-day's distinct
	 * numbers. A flagged declaration is one flagged itself or with a
	 * flagged answer (one left unfinished after a flagged answer counts).
	 */
	[STMT_REPORT_WARDS] =
	    "SELECT w.ward, w.venues, w.used, w.checkins,"
	    " w.people + coalesce(r.visitors, 0), coalesce(f.flagged, 0)"
	    " FROM (SELECT v.ward AS ward, count(*) AS venues,"
	    "  sum(EXISTS (SELECT 1 FROM daily_stats d WHERE d.venue_id = v.id"
	    "   AND d.day >= ?1 AND d.day < ?3 AND d.checkins > 0)"
	    "   OR EXISTS (SELECT 1 FROM checkins c WHERE c.venue_id = v.id"
	    "   AND c.sent_at >= ?2 AND c.sent_at < ?3)) AS used,"
	    "  sum((SELECT coalesce(sum(d.checkins), 0) FROM daily_stats d"
	    "   WHERE d.venue_id = v.id AND d.day >= ?1 AND d.day < ?3))"
	    "   AS checkins,"
	    "  sum((SELECT coalesce(sum(d.people), 0) FROM daily_stats d"
	    "   WHERE d.venue_id = v.id AND d.day >= ?1 AND d.day < min(?3, ?4)))"
	    "   AS people"
	    " FROM venues v WHERE v.active GROUP BY v.ward) w"
	    " LEFT JOIN (SELECT v.ward AS ward,"
	    "  count(DISTINCT c.number) AS visitors"
	    "  FROM checkins c JOIN venues v ON v.id = c.venue_id"
	    "  WHERE v.active AND c.sent_at >= max(?2, ?4) AND c.sent_at < ?3"
	    "  GROUP BY v.ward) r ON r.ward = w.ward"
	    " LEFT JOIN (SELECT v.ward AS ward, count(*) AS flagged"
	    "  FROM declarations x JOIN venues v ON v.id = x.venue_id"
	    "  WHERE v.active AND x.started_at >= ?2 AND x.started_at < ?3"
	    "  AND (x.flagged OR EXISTS (SELECT 1 FROM answers a"
	    "  WHERE a.declaration_id = x.id AND a.flagged))"
	    "  GROUP BY v.ward) f ON f.ward = w.ward"
	    " ORDER BY w.ward",
	/* ?1 the start of the local day holding ?2, the time since. */
	[STMT_REPORT_INACTIVE] =
	    "SELECT v.id, v.code, v.name, v.address, v.ward, v.district, v.kind,"
	    " v.owner, v.active, v.created_at,"
	    " coalesce((SELECT max(c.sent_at) FROM checkins c"
	    " WHERE c.venue_id = v.id), (SELECT max(d.day) FROM daily_stats d"
	    " WHERE d.venue_id = v.id), 0)"
	    " FROM venues v WHERE v.active"
	    " AND NOT EXISTS (SELECT 1 FROM daily_stats d"
	    " WHERE d.venue_id = v.id AND d.day >= ?1)"
	    " AND NOT EXISTS (SELECT 1 FROM checkins c"
	    " WHERE c.venue_id = v.id AND c.sent_at >= ?2)"
	    " ORDER BY v.ward, v.name, v.id",
	/* ?1 the first day, ?2 the end, ?3 a venue id or 0 for all. */
	[STMT_DAILY_SERIES] =
	    "SELECT day, sum(checkins) FROM daily_stats"
	    " WHERE day >= ?1 AND day < ?2 AND (?3 = 0 OR venue_id = ?3)"
	    " GROUP BY day ORDER BY day",

	/*
	 * Retention: ?1 the cut-off, ?2 the most rows one statement deletes,
	 * oldest first along the time indexes. Answers go with their
	 * declaration (and before it: answers reference declarations).
	 */
	[STMT_PURGE_CHECKINS] =
	    "DELETE FROM checkins WHERE id IN (SELECT id FROM checkins"
	    " WHERE sent_at < ?1 ORDER BY sent_at, id LIMIT ?2)",
	[STMT_PURGE_CHECKINS_COUNT] =
	    "SELECT count(*) FROM checkins WHERE sent_at < ?1",
	[STMT_PURGE_ANSWERS] =
	    "DELETE FROM answers WHERE id IN (SELECT a.id FROM declarations d"
	    " JOIN answers a ON a.declaration_id = d.id WHERE d.started_at < ?1"
	    " ORDER BY d.started_at, d.id LIMIT ?2)",
	[STMT_PURGE_ANSWERS_COUNT] =
	    "SELECT count(*) FROM declarations d"
	    " JOIN answers a ON a.declaration_id = d.id WHERE d.started_at < ?1",
	[STMT_PURGE_DECLARATIONS] =
	    "DELETE FROM declarations WHERE id IN (SELECT d.id FROM declarations d"
	    " WHERE d.started_at < ?1 AND NOT EXISTS (SELECT 1 FROM answers a"
	    " WHERE a.declaration_id = d.id) ORDER BY d.started_at, d.id LIMIT ?2)",
	[STMT_PURGE_DECLARATIONS_COUNT] =
	    "SELECT count(*) FROM declarations WHERE started_at < ?1",
	[STMT_PURGE_INBOUND] =
	    "DELETE FROM inbound WHERE id IN (SELECT id FROM inbound"
	    " WHERE received_at < ?1 ORDER BY received_at, id LIMIT ?2)",
	[STMT_PURGE_INBOUND_COUNT] =
	    "SELECT count(*) FROM inbound WHERE received_at < ?1",
	/* Settled rows only (sent, delivered, failed, expired); "+" keeps outbox_created in use. */
	[STMT_PURGE_OUTBOX] =
	    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
	    " WHERE created_at < ?1 AND +state IN (2, 3, 4, 5)"
	    " ORDER BY created_at, id LIMIT ?2)",
	[STMT_PURGE_OUTBOX_COUNT] =
	    "SELECT count(*) FROM outbox WHERE created_at < ?1"
	    " AND +state IN (2, 3, 4, 5)",
	[STMT_PURGE_USSD] =
	    "DELETE FROM ussd_sessions WHERE rowid IN (SELECT rowid"
	    " FROM ussd_sessions WHERE updated_at < ?1"
	    " ORDER BY updated_at, rowid LIMIT ?2)",
	[STMT_PURGE_USSD_COUNT] =
	    "SELECT count(*) FROM ussd_sessions WHERE updated_at < ?1",
	[STMT_PURGE_SESSIONS] =
	    "DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions"
	    " WHERE expires_at < ?1 ORDER BY expires_at, rowid LIMIT ?2)",
	[STMT_PURGE_SESSIONS_COUNT] =
	    "SELECT count(*) FROM sessions WHERE expires_at < ?1",

	/* NULL keeps a field; an empty owner clears it, an empty kind is "default". */
	[STMT_VENUE_UPDATE] =
	    "UPDATE venues SET name = coalesce(?2, name),"
	    " address = coalesce(?3, address), ward = coalesce(?4, ward),"
	    " kind = CASE WHEN ?5 IS NULL THEN kind WHEN ?5 = '' THEN 'default'"
	    " ELSE ?5 END,"
	    " owner = CASE WHEN ?6 IS NULL THEN owner WHEN ?6 = '' THEN NULL"
	    " ELSE ?6 END,"
	    " active = CASE WHEN ?7 < 0 THEN active ELSE ?7 END"
	    " WHERE code = ?1",
	[STMT_OUTBOX_DEPTH] =
	    "SELECT route, count(*), min(created_at) FROM outbox WHERE state = 0"
	    " GROUP BY route ORDER BY route",

	[STMT_USSD_GET] =
	    "SELECT " USSD_COLUMNS " FROM ussd_sessions WHERE id = ?1",
	[STMT_USSD_PUT] =
	    "INSERT INTO ussd_sessions (" USSD_COLUMNS ")"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (id) DO UPDATE SET number = excluded.number,"
	    " screen = excluded.screen, data = excluded.data,"
	    " lang = excluded.lang, updated_at = excluded.updated_at,"
	    " ended = excluded.ended",
	/* Walks ussd_sessions_number backwards from the newest. */
	/* ext_id is the key, "@" and a time of ten digits, ".", six: ordered as text. */
	[STMT_INBOUND_RECENT] =
	    "SELECT 1 FROM inbound WHERE channel = ?1 AND ext_id >= ?2"
	    " AND ext_id < ?3 LIMIT 1",
	[STMT_INBOUND_RECENT_FROM] =
	    "SELECT coalesce(sum(received_at >= ?3), 0),"
	    " coalesce(sum(replies IS NOT NULL AND replies <> ''), 0),"
	    " coalesce(sum(text = ?4 AND replies IS NOT NULL AND replies <> ''), 0)"
	    " FROM inbound INDEXED BY inbound_number"
	    " WHERE number = ?1 AND received_at >= ?2 AND id <> ?5",
	[STMT_PART_SEEN] =
	    "SELECT 1 FROM parts WHERE channel = ?1 AND number = ?2 AND ref = ?3"
	    " AND total = ?4 AND seq = ?5 AND (done = 0 OR received_at >= ?6) LIMIT 1",
	[STMT_PART_ADD] =
	    "INSERT INTO parts (channel, number, ref, total, seq, text, sent_at,"
	    " received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[STMT_PART_COUNT] =
	    "SELECT count(*) FROM parts WHERE channel = ?1 AND number = ?2"
	    " AND ref = ?3 AND total = ?4 AND done = 0",
	[STMT_PART_TEXTS] =
	    "SELECT text, sent_at FROM parts WHERE channel = ?1 AND number = ?2"
	    " AND ref = ?3 AND total = ?4 AND done = 0 ORDER BY seq",
	[STMT_PART_DONE] =
	    "UPDATE parts SET done = 1 WHERE channel = ?1 AND number = ?2"
	    " AND ref = ?3 AND total = ?4 AND done = 0",
	[STMT_PART_OLDEST] =
	    "SELECT channel, number, ref, total FROM parts"
	    " WHERE done = 0 AND received_at < ?1 ORDER BY received_at LIMIT 1",
	[STMT_PART_FORGET] =
	    "DELETE FROM parts WHERE done = 1 AND received_at < ?1",
	[STMT_USSD_LAST] =
	    "SELECT " USSD_COLUMNS " FROM ussd_sessions"
	    " WHERE number = ?1 AND updated_at >= ?2 AND NOT ended"
	    " ORDER BY updated_at DESC, rowid DESC LIMIT 1",
	[STMT_USSD_END] =
	    "UPDATE ussd_sessions SET ended = 1, updated_at = ?2 WHERE id = ?1",
};

/* Statements whose query plans store_plan() shows, by name. */
static const struct store_named {
	const char	*name;
	enum store_stmt	 stmt;
} store_named[] = {
	{ "trace_venue", STMT_TRACE_VENUE },
	{ "trace_person", STMT_TRACE_PERSON },
	{ "trace_contacts", STMT_TRACE_CONTACTS },
	{ "alert_numbers", STMT_ALERT_NUMBERS },
	{ "report_kept_from", STMT_REPORT_KEPT_FROM },
	{ "report_day_raw", STMT_REPORT_DAY_RAW },
	{ "report_day_stats", STMT_REPORT_DAY_STATS },
	{ "report_wards", STMT_REPORT_WARDS },
	{ "report_inactive", STMT_REPORT_INACTIVE },
	{ "daily_series", STMT_DAILY_SERIES },
	{ "purge_checkins", STMT_PURGE_CHECKINS },
	{ "purge_answers", STMT_PURGE_ANSWERS },
	{ "purge_declarations", STMT_PURGE_DECLARATIONS },
	{ "purge_inbound", STMT_PURGE_INBOUND },
	{ "purge_outbox", STMT_PURGE_OUTBOX },
	{ "purge_ussd", STMT_PURGE_USSD },
	{ "purge_sessions", STMT_PURGE_SESSIONS },
	{ "declaration_flagged", STMT_DECL_FLAGGED },
	{ "outbox_depth", STMT_OUTBOX_DEPTH },
	{ "ussd_last", STMT_USSD_LAST },
};

/*
 * One purge step per kind of personal row, in the order they go: a
 * statement deleting the oldest rows up to a limit, and one counting all
 * that would go.
 */
static const struct store_purge_step {
	const char	*what;
	enum store_stmt	 remove;
	enum store_stmt	 count;
} store_purge_steps[] = {
	{ "checkins", STMT_PURGE_CHECKINS, STMT_PURGE_CHECKINS_COUNT },
	{ "answers", STMT_PURGE_ANSWERS, STMT_PURGE_ANSWERS_COUNT },
	{ "declarations", STMT_PURGE_DECLARATIONS,
	    STMT_PURGE_DECLARATIONS_COUNT },
	{ "inbound", STMT_PURGE_INBOUND, STMT_PURGE_INBOUND_COUNT },
	{ "outbox", STMT_PURGE_OUTBOX, STMT_PURGE_OUTBOX_COUNT },
	{ "ussd sessions", STMT_PURGE_USSD, STMT_PURGE_USSD_COUNT },
	{ "sessions", STMT_PURGE_SESSIONS, STMT_PURGE_SESSIONS_COUNT },
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*stmt[STMT_COUNT];
	char		*path;

	/* The checkpointer: a thread with its own connection (store_checkpointer). */
	pthread_t	 ckpt;
	int		 ckpt_running;
	int		 ckpt_stop;
	pthread_mutex_t	 ckpt_mu;
	pthread_cond_t	 ckpt_cv;
};

/* Log the connection's last error for what we were doing. */
static void
store_error(struct store *s, const char *what)
{
	log_warnx("store: %s error=\"%s\"", what, sqlite3_errmsg(s->db));
}

/* A prepared statement, reset and with its bindings cleared. */
static sqlite3_stmt *
store_stmt(struct store *s, enum store_stmt id)
{
	sqlite3_stmt	*st = s->stmt[id];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/* Reset after use, so no read stays open and keeps an old snapshot. */
static void
store_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static int
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static int
store_bind_int(sqlite3_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(st, i, v);
}

/* Bind an id or a time where 0 means "none" and is stored as NULL. */
static int
store_bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
	if (v == 0)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int64(st, i, v);
}

/* A text column as a C string, "" for NULL; valid until the next step. */
static const char *
store_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char	*p = sqlite3_column_text(st, i);

	return p == NULL ? "" : (const char *)p;
}

/* A text column copied into a fixed buffer. */
static void
store_col_copy(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	snprintf(buf, len, "%s", store_col_text(st, i));
}

/* Run a statement that returns no rows; 0 or -1 (logged). */
static int
store_exec(struct store *s, sqlite3_stmt *st, const char *what)
{
	int	rc;

	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_error(s, what);
		store_done(st);
		return -1;
	}
	store_done(st);
	return 0;
}

/*
 * Step a lookup once: 1 with the row left current (the caller reads it and
 * calls store_done), 0 when there is none, -1 on error (logged).
 */
static int
store_row(struct store *s, sqlite3_stmt *st, const char *what)
{
	int	rc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		store_error(s, what);
	store_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Create the folder that will hold path, and its parents (mkdir -p). */
static int
store_mkdirs(const char *path, char *err, size_t errlen)
{
	char	*dir, *p;
	int	 last, rc = 0;

	if ((p = strrchr(path, '/')) == NULL || p == path)
		return 0;
	dir = xstrndup(path, p - path);
	for (p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		last = *p == '\0';
		*p = '\0';
		if (mkdir(dir, STORE_DIR_MODE) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			rc = -1;
			break;
		}
		if (last)
			break;
		*p = '/';
	}
	free(dir);
	return rc;
}

/*
 * Create the database file ourselves when it is missing, so it (and the WAL
 * and shared-memory files SQLite derives from it) is not world-readable.
 */
static int
store_create_file(const char *path, char *err, size_t errlen)
{
	int	fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, STORE_FILE_MODE)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * A pragma or other one-off statement run at open; its first value as text.
 * Switching a fresh file to WAL while another process opens it too can fail
 * with SQLITE_BUSY at once (SQLite skips the busy handler where waiting could
 * deadlock), so a busy statement is retried here for the busy timeout.
 */
static int
store_pragma(sqlite3 *db, const char *sql, char *out, size_t outlen)
{
	sqlite3_stmt	*st;
	int		 rc, waited = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) != SQLITE_ROW && rc != SQLITE_DONE &&
	    (rc & 0xff) == SQLITE_BUSY && waited < STORE_BUSY_TIMEOUT) {
		sqlite3_reset(st);
		sqlite3_sleep(10);
		waited += 10;
	}
	if (out != NULL && outlen > 0) {
		if (rc == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
			snprintf(out, outlen, "%s", sqlite3_column_text(st, 0));
		else
			out[0] = '\0';
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* The schema version of the file; -1 with a reason in err. */
static int
store_user_version(sqlite3 *db, int *version, char *err, size_t errlen)
{
	const char	*errstr;
	char		 buf[32];

	if (store_pragma(db, "PRAGMA user_version", buf, sizeof buf) == -1) {
		snprintf(err, errlen, "schema version: %s", sqlite3_errmsg(db));
		return -1;
	}
	*version = num_parse(buf, 0, INT32_MAX, &errstr);
	if (errstr != NULL) {
		snprintf(err, errlen, "bad schema version \"%s\"", buf);
		return -1;
	}
	return 0;
}

/* Refuse a file written by a newer checkind: we cannot know its schema. */
static int
store_too_new(int version, int latest, char *err, size_t errlen)
{
	if (version <= latest)
		return 0;
	snprintf(err, errlen, "database schema version %d is newer than this"
	    " program knows (%d): upgrade checkind", version, latest);
	return 1;
}

/*
 * Bring the schema up to the newest migration, one transaction per step.
 * The version is read again inside each transaction: checkinctl and the
 * daemon may both open a fresh file at once, and only one must migrate it.
 */
static int
store_migrate(struct store *s, char *err, size_t errlen)
{
	const struct store_migration	*m;
	char				 sql[64], *msg = NULL;
	int				 version, latest;
	size_t				 i;

	latest = store_migrations[nitems(store_migrations) - 1].version;
	if (store_user_version(s->db, &version, err, errlen) == -1)
		return -1;
	if (store_too_new(version, latest, err, errlen))
		return -1;
	for (i = 0; i < nitems(store_migrations); i++) {
		m = &store_migrations[i];
		if (m->version <= version)
			continue;
		if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL,
		    &msg) != SQLITE_OK)
			goto fail;
		if (store_user_version(s->db, &version, err, errlen) == -1 ||
		    store_too_new(version, latest, err, errlen)) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		if (m->version <= version) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			continue;	/* someone else got there first */
		}
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", m->version);
		if (sqlite3_exec(s->db, m->sql, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(s->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
		version = m->version;
		log_info("store: migrated schema=%d", m->version);
	}
	return 0;

fail:
	snprintf(err, errlen, "schema migration to %d: %s", m->version,
	    msg != NULL ? msg : sqlite3_errmsg(s->db));
	sqlite3_free(msg);
	return -1;
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	static const char *const pragmas[] = {
		/* Every commit reaches the disk before a message is acknowledged. */
		"PRAGMA synchronous = FULL",
		/* 32 MB of pages: a check-in's lookups hit memory, not pread(). */
		"PRAGMA cache_size = -32768",
		"PRAGMA foreign_keys = ON",
	};
	struct store	*s;
	char		 mode[16];
	int		 memory;
	size_t		 i;

	memory = strcmp(path, ":memory:") == 0;
	if (!memory) {
		if (store_mkdirs(path, err, errlen) == -1)
			return NULL;
		if (store_create_file(path, err, errlen) == -1)
			return NULL;
	}

	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, s->db != NULL ?
		    sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT);

	if (store_pragma(s->db, "PRAGMA journal_mode = WAL", mode,
	    sizeof mode) == -1) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if (!memory && strcasecmp(mode, "wal") != 0) {
		snprintf(err, errlen, "%s: cannot use WAL (journal mode %s)",
		    path, mode);
		goto fail;
	}
	for (i = 0; i < nitems(pragmas); i++) {
		if (store_pragma(s->db, pragmas[i], NULL, 0) == -1) {
			snprintf(err, errlen, "%s: %s", path,
			    sqlite3_errmsg(s->db));
			goto fail;
		}
	}

	if (store_migrate(s, err, errlen) == -1)
		goto fail;

	for (i = 0; i < STMT_COUNT; i++) {
		if (sqlite3_prepare_v3(s->db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) != SQLITE_OK) {
			snprintf(err, errlen, "preparing \"%s\": %s",
			    store_sql[i], sqlite3_errmsg(s->db));
			goto fail;
		}
	}
	return s;

fail:
	store_close(s);
	return NULL;
}

void
store_set_busy_timeout(struct store *s, int ms)
{
	sqlite3_busy_timeout(s->db, ms);
}

int
store_set_max_size(struct store *s, int64_t bytes)
{
	char	sql[96], out[32];

	if (bytes <= 0)
		return 0;
	/* Whole pages, at least one: SQLite answers SQLITE_FULL beyond it. */
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld",
	    (long long)(bytes / 4096 > 0 ? bytes / 4096 : 1));
	return store_pragma(s->db, sql, out, sizeof out);
}

/*
 * The checkpointer's loop: every STORE_CKPT_MS, copy what the WAL holds back
 * into the database file (PASSIVE: never waits for, nor blocks, a writer).
 */
static void *
store_checkpointer_run(void *arg)
{
	struct store	*s = arg;
	struct timespec	 ts;
	sqlite3		*db = NULL;
	int		 stop = 0, nlog;

	if (sqlite3_open_v2(s->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		log_warnx("store: checkpointer cannot open the database");
		sqlite3_close_v2(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT);
	/*
	 * A connection that has read nothing has not opened the WAL: before
	 * SQLite 3.42 a checkpoint on it does nothing at all (*pnLog = -1).
	 */
	if (sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL,
	    NULL) != SQLITE_OK)
		log_warnx("store: checkpointer: %s", sqlite3_errmsg(db));
	while (!stop) {
		pthread_mutex_lock(&s->ckpt_mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += STORE_CKPT_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		if (!s->ckpt_stop)
			pthread_cond_timedwait(&s->ckpt_cv, &s->ckpt_mu, &ts);
		stop = s->ckpt_stop;
		pthread_mutex_unlock(&s->ckpt_mu);
		if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE,
		    &nlog, NULL) != SQLITE_OK || nlog < STORE_CKPT_RESTART)
			continue;
		/*
		 * Under steady load a PASSIVE checkpoint never finds the WAL
		 * idle, no commit starts it again from the beginning, and it
		 * grows without bound. Once it is long, TRUNCATE: copy the
		 * rest and cut the file to nothing, here, so that the loop's
		 * next commit neither rewinds nor trims a large file (a 1 GB
		 * WAL took a purge chunk 1.3 s to trim). It waits a little for
		 * the loop's commit in progress, but not long: while it waits
		 * for a reader (a long checkinctl export) no writer may commit.
		 * It is tried again in 200 ms. Writers that meet it meanwhile
		 * wait from a timer (INBOUND_LOCK_WAIT), not on the loop.
		 */
		sqlite3_busy_timeout(db, STORE_CKPT_WAIT_MS);
		sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT);
	}
	sqlite3_close_v2(db);
	return NULL;
}

int
store_checkpointer(struct store *s)
{
	if (s->ckpt_running || strcmp(s->path, ":memory:") == 0)
		return 0;
	pthread_mutex_init(&s->ckpt_mu, NULL);
	pthread_cond_init(&s->ckpt_cv, NULL);
	if (pthread_create(&s->ckpt, NULL, store_checkpointer_run, s) != 0) {
		log_warn("store: cannot start the checkpointer");
		return -1;
	}
	s->ckpt_running = 1;
	/* From now on commits only append to the WAL; the thread writes back. */
	if (store_pragma(s->db, "PRAGMA wal_autocheckpoint = 0", NULL, 0) == -1) {
		store_error(s, "wal_autocheckpoint");
		return -1;
	}
	return 0;
}

int
store_set_durable(struct store *s, int full)
{
	if (store_pragma(s->db, full ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL", NULL, 0) == -1) {
		store_error(s, "synchronous");
		return -1;
	}
	return 0;
}

void
store_close(struct store *s)
{
	size_t	i;

	if (s == NULL)
		return;
	if (s->ckpt_running) {
		pthread_mutex_lock(&s->ckpt_mu);
		s->ckpt_stop = 1;
		pthread_cond_signal(&s->ckpt_cv);
		pthread_mutex_unlock(&s->ckpt_mu);
		pthread_join(s->ckpt, NULL);
		pthread_mutex_destroy(&s->ckpt_mu);
		pthread_cond_destroy(&s->ckpt_cv);
	}
	free(s->path);
	for (i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	if (s->db != NULL && sqlite3_close_v2(s->db) != SQLITE_OK)
		log_warnx("store: close error=\"%s\"", sqlite3_errmsg(s->db));
	free(s);
}

int
store_version(struct store *s)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_VERSION);
	int		 v, rc;

	if ((rc = store_row(s, st, "version")) != 1)
		return -1;
	v = sqlite3_column_int(st, 0);
	store_done(st);
	return v;
}

int
store_begin(struct store *s)
{
	return store_exec(s, store_stmt(s, STMT_BEGIN), "begin");
}

int
store_begin_try(struct store *s)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_BEGIN);
	int		 rc;

	rc = sqlite3_step(st);
	store_done(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc == SQLITE_BUSY)
		return 1;	/* not an error: another connection writes */
	store_error(s, "begin");
	return -1;
}

int
store_commit(struct store *s)
{
	return store_exec(s, store_stmt(s, STMT_COMMIT), "commit");
}

void
store_rollback(struct store *s)
{
	sqlite3_stmt	*st;

	if (sqlite3_get_autocommit(s->db))
		return;		/* no transaction (SQLite may have ended it) */
	st = store_stmt(s, STMT_ROLLBACK);
	if (sqlite3_step(st) != SQLITE_DONE)
		log_debug("store: rollback error=\"%s\"", sqlite3_errmsg(s->db));
	store_done(st);
}

/* Open a savepoint around a call that runs several statements. */
int
store_savepoint(struct store *s)
{
	return store_exec(s, store_stmt(s, STMT_SAVEPOINT), "savepoint");
}

/* Close the savepoint: keep its work (ok) or undo it. */
int
store_savepoint_end(struct store *s, int ok)
{
	if (ok)
		return store_exec(s, store_stmt(s, STMT_RELEASE), "release");
	store_exec(s, store_stmt(s, STMT_ROLLBACK_TO), "rollback to");
	store_exec(s, store_stmt(s, STMT_RELEASE), "release");
	return -1;
}

/* Venues. */

/* Fill v from the current row of a VENUE_COLUMNS query, copying strings. */
static void
store_venue_fill(sqlite3_stmt *st, struct venue *v)
{
	memset(v, 0, sizeof *v);
	v->id = sqlite3_column_int64(st, 0);
	store_col_copy(st, 1, v->code, sizeof v->code);
	v->name = xstrdup(store_col_text(st, 2));
	v->address = xstrdup(store_col_text(st, 3));
	v->ward = xstrdup(store_col_text(st, 4));
	v->district = xstrdup(store_col_text(st, 5));
	v->kind = xstrdup(store_col_text(st, 6));
	if (sqlite3_column_type(st, 7) != SQLITE_NULL)
		v->owner = xstrdup(store_col_text(st, 7));
	v->active = sqlite3_column_int(st, 8);
	v->created_at = sqlite3_column_int64(st, 9);
}

/* 1 if a venue (active or not) already has this code. */
static int
store_venue_code_taken(struct store *s, const char *code)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_VENUE_CODE_TAKEN);
	int		 rc;

	store_bind_text(st, 1, code);
	if ((rc = store_row(s, st, "venue code")) == 1)
		store_done(st);
	return rc;
}

int64_t
store_venue_add(struct store *s, struct venue *v, size_t code_payload)
{
	sqlite3_stmt	*st;
	int		 i, rc, made = 0;

	if (v->code[0] == '\0') {
		made = 1;
		if (code_payload == 0 || code_payload + 2 > CODE_MAX) {
			log_warnx("store: venue add error=\"bad code length %zu\"",
			    code_payload);
			return -1;
		}
		for (i = 0; i < STORE_CODE_TRIES; i++) {
			code_make(v->code, code_payload);
			if ((rc = store_venue_code_taken(s, v->code)) == -1) {
				v->code[0] = '\0';
				return -1;
			}
			if (rc == 0)
				break;
		}
		if (i == STORE_CODE_TRIES) {
			log_warnx("store: venue add error=\"no free code of %zu"
			    " digits after %d tries\"", code_payload + 1, i);
			v->code[0] = '\0';
			return -1;
		}
	}
	if (v->created_at == 0)
		v->created_at = time(NULL);
	v->active = 1;

	st = store_stmt(s, STMT_VENUE_ADD);
	store_bind_text(st, 1, v->code);
	store_bind_text(st, 2, v->name);
	store_bind_text(st, 3, v->address != NULL ? v->address : "");
	store_bind_text(st, 4, v->ward != NULL ? v->ward : "");
	store_bind_text(st, 5, v->district != NULL ? v->district : "");
	store_bind_text(st, 6, v->kind != NULL && *v->kind != '\0' ?
	    v->kind : "default");
	store_bind_text(st, 7, v->owner != NULL && *v->owner != '\0' ?
	    v->owner : NULL);
	store_bind_int(st, 8, 1);
	store_bind_int(st, 9, v->created_at);
	if (store_exec(s, st, "venue add") == -1) {
		if (made)
			v->code[0] = '\0';
		return -1;
	}
	v->id = sqlite3_last_insert_rowid(s->db);
	return v->id;
}

/* Look a venue up with a prepared single-row statement. */
static int
store_venue_get(struct store *s, sqlite3_stmt *st, struct venue *v)
{
	int	rc;

	if ((rc = store_row(s, st, "venue")) != 1)
		return rc;
	store_venue_fill(st, v);
	store_done(st);
	return 1;
}

int
store_venue_by_code(struct store *s, const char *code, struct venue *v)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_VENUE_BY_CODE);

	store_bind_text(st, 1, code);
	return store_venue_get(s, st, v);
}

int
store_venue_by_id(struct store *s, int64_t id, struct venue *v)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_VENUE_BY_ID);

	store_bind_int(st, 1, id);
	return store_venue_get(s, st, v);
}

/*
 * Every venue (of one ward, or all with ward NULL), by ward and name. The
 * venue handed to cb is only valid during the call.
 */
int
store_venue_list(struct store *s, const char *ward, int include_inactive,
    int (*cb)(const struct venue *, void *), void *arg)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_VENUE_LIST);
	struct venue	 v;
	int		 rc = SQLITE_DONE, stop = 0;

	store_bind_text(st, 1, ward);
	store_bind_int(st, 2, include_inactive ? 1 : 0);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_venue_fill(st, &v);
		stop = cb(&v, arg);
		store_venue_free(&v);
	}
	if (!stop && rc != SQLITE_DONE) {
		store_error(s, "venue list");
		store_done(st);
		return -1;
	}
	store_done(st);
	return 0;
}

int
store_venue_set_active(struct store *s, const char *code, int active)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_VENUE_SET_ACTIVE);

	store_bind_text(st, 1, code);
	store_bind_int(st, 2, active ? 1 : 0);
	if (store_exec(s, st, "venue set active") == -1)
		return -1;
	return sqlite3_changes(s->db) == 0 ? 1 : 0;
}

int
store_venue_owned_today(struct store *s, const char *owner, int64_t day_start,
    int (*cb)(const struct venue_day *, void *), void *arg)
{
	sqlite3_stmt		*st = store_stmt(s, STMT_VENUE_OWNED_TODAY);
	struct venue_day	 d;
	int			 rc = SQLITE_DONE, n = 0, stop = 0;

	store_bind_text(st, 1, owner);
	store_bind_int(st, 2, day_start);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&d, 0, sizeof d);
		store_col_copy(st, 0, d.code, sizeof d.code);
		d.name = store_col_text(st, 1);
		d.checkins = sqlite3_column_int(st, 2);
		d.people = sqlite3_column_int(st, 3);
		n++;
		if (cb != NULL)
			stop = cb(&d, arg);
	}
	if (!stop && rc != SQLITE_DONE) {
		store_error(s, "venue owned today");
		store_done(st);
		return -1;
	}
	store_done(st);
	return n;
}

void
store_venue_free(struct venue *v)
{
	free(v->name);
	free(v->address);
	free(v->ward);
	free(v->district);
	free(v->kind);
	free(v->owner);
	memset(v, 0, sizeof *v);
}

/* Inbound messages. */

int
store_inbound_find(struct store *s, const char *channel, const char *ext_id,
    char **replies)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (replies != NULL)
		*replies = NULL;
	if (ext_id == NULL || *ext_id == '\0')
		return 0;	/* no id: every message is new */
	st = store_stmt(s, STMT_INBOUND_FIND);
	store_bind_text(st, 1, channel);
	store_bind_text(st, 2, ext_id);
	if ((rc = store_row(s, st, "inbound find")) != 1)
		return rc;
	if (replies != NULL)
		*replies = xstrdup(store_col_text(st, 0));
	store_done(st);
	return 1;
}

int64_t
store_inbound_add(struct store *s, const char *channel, const char *ext_id,
    const char *number, const char *text, int64_t received_at)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_INBOUND_ADD);

	store_bind_text(st, 1, channel);
	store_bind_text(st, 2, ext_id != NULL && *ext_id != '\0' ? ext_id : NULL);
	store_bind_text(st, 3, number);
	store_bind_text(st, 4, text);
	store_bind_int(st, 5, received_at);
	if (store_exec(s, st, "inbound add") == -1)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

int
store_inbound_set_replies(struct store *s, int64_t id, const char *replies)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_INBOUND_SET_REPLIES);

	store_bind_int(st, 1, id);
	store_bind_text(st, 2, replies);
	return store_exec(s, st, "inbound set replies");
}

/* Check-ins. */

/* Fill c from the current row of a CHECKIN_COLUMNS query. */
static void
store_checkin_fill(sqlite3_stmt *st, struct checkin *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	c->venue_id = sqlite3_column_int64(st, 1);
	store_col_copy(st, 2, c->number, sizeof c->number);
	c->companions = sqlite3_column_int(st, 3);
	c->sent_at = sqlite3_column_int64(st, 4);
	c->received_at = sqlite3_column_int64(st, 5);
	c->checked_out_at = sqlite3_column_int64(st, 6);	/* NULL is 0 */
}

/* 1 if number already checked in at venue during [from, to). */
static int
store_checkin_seen(struct store *s, const struct checkin *c, int64_t from,
    int64_t to)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_CHECKIN_SEEN_DAY);
	int		 rc;

	store_bind_text(st, 1, c->number);
	store_bind_int(st, 2, c->venue_id);
	store_bind_int(st, 3, from);
	store_bind_int(st, 4, to);
	if ((rc = store_row(s, st, "checkin seen")) == 1)
		store_done(st);
	return rc;
}

/*
 * Record a check-in and count it in daily_stats: one more check-in, and one
 * more person if the number was not yet seen at the venue that local day.
 */
int64_t
store_checkin_add(struct store *s, const struct checkin *c, const char *channel,
    int64_t inbound_id)
{
	sqlite3_stmt	*st;
	int64_t		 day, next, id;
	int		 seen;

	day = tz_day_start(c->sent_at);
	/* 30 hours on is inside the next day, whatever DST does. */
	next = tz_day_start(day + 30 * 3600);

	if (store_savepoint(s) == -1)
		return -1;
	if ((seen = store_checkin_seen(s, c, day, next)) == -1)
		goto fail;

	st = store_stmt(s, STMT_CHECKIN_ADD);
	store_bind_int(st, 1, c->venue_id);
	store_bind_text(st, 2, c->number);
	store_bind_int(st, 3, c->companions);
	store_bind_int(st, 4, c->sent_at);
	store_bind_int(st, 5, c->received_at);
	store_bind_opt(st, 6, c->checked_out_at);
	store_bind_text(st, 7, channel);
	store_bind_opt(st, 8, inbound_id > 0 ? inbound_id : 0);
	if (store_exec(s, st, "checkin add") == -1)
		goto fail;
	id = sqlite3_last_insert_rowid(s->db);

	st = store_stmt(s, STMT_STATS_BUMP);
	store_bind_int(st, 1, c->venue_id);
	store_bind_int(st, 2, day);
	store_bind_int(st, 3, seen ? 0 : 1);
	if (store_exec(s, st, "daily stats") == -1)
		goto fail;

	if (store_savepoint_end(s, 1) == -1)
		return -1;
	return id;

fail:
	store_savepoint_end(s, 0);
	return -1;
}

/* Look a check-in up with a prepared single-row statement. */
static int
store_checkin_get(struct store *s, sqlite3_stmt *st, struct checkin *c)
{
	int	rc;

	if ((rc = store_row(s, st, "checkin")) != 1)
		return rc;
	store_checkin_fill(st, c);
	store_done(st);
	return 1;
}

int
store_checkin_recent(struct store *s, const char *number, int64_t venue_id,
    int64_t since, struct checkin *c)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_CHECKIN_RECENT);

	store_bind_text(st, 1, number);
	store_bind_int(st, 2, venue_id);
	store_bind_int(st, 3, since);
	return store_checkin_get(s, st, c);
}

int
store_checkin_open(struct store *s, const char *number, int64_t venue_id,
    struct checkin *c)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_CHECKIN_OPEN);

	store_bind_text(st, 1, number);
	store_bind_int(st, 2, venue_id);
	return store_checkin_get(s, st, c);
}

int
store_checkin_close(struct store *s, int64_t id, int64_t at)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_CHECKIN_CLOSE);

	store_bind_int(st, 1, id);
	store_bind_int(st, 2, at);
	return store_exec(s, st, "checkin close");
}

int
store_checkin_close_all(struct store *s, const char *number, int64_t at)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_CHECKIN_CLOSE_ALL);

	store_bind_text(st, 1, number);
	store_bind_int(st, 2, at);
	return store_exec(s, st, "checkin close all");
}

/* A number's own check-ins, newest first, at most limit (all if limit <= 0). */
int
store_checkin_history(struct store *s, const char *number, int limit,
    int (*cb)(const struct checkin_seen *, void *), void *arg)
{
	sqlite3_stmt		*st = store_stmt(s, STMT_CHECKIN_HISTORY);
	struct checkin_seen	 cs;
	int			 rc = SQLITE_DONE, stop = 0;

	store_bind_text(st, 1, number);
	store_bind_int(st, 2, limit > 0 ? limit : -1);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&cs, 0, sizeof cs);
		store_checkin_fill(st, &cs.checkin);
		store_col_copy(st, 7, cs.code, sizeof cs.code);
		cs.venue_name = store_col_text(st, 8);
		stop = cb(&cs, arg);
	}
	if (!stop && rc != SQLITE_DONE) {
		store_error(s, "checkin history");
		store_done(st);
		return -1;
	}
	store_done(st);
	return 0;
}

/* Health declarations. */

int64_t
store_declaration_start(struct store *s, const char *number, int64_t venue_id,
    int64_t checkin_id, int64_t at)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_DECL_START);

	store_bind_text(st, 1, number);
	store_bind_opt(st, 2, venue_id);
	store_bind_opt(st, 3, checkin_id);
	store_bind_int(st, 4, at);
	if (store_exec(s, st, "declaration start") == -1)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

int
store_declaration_answer(struct store *s, int64_t decl_id, const char *question,
    const char *answer, int flagged, int64_t at)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_DECL_ANSWER);

	store_bind_int(st, 1, decl_id);
	store_bind_text(st, 2, question);
	store_bind_text(st, 3, answer);
	store_bind_int(st, 4, flagged ? 1 : 0);
	store_bind_int(st, 5, at);
	return store_exec(s, st, "declaration answer");
}

int
store_declaration_finish(struct store *s, int64_t decl_id, int flagged,
    int64_t at)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_DECL_FINISH);

	store_bind_int(st, 1, decl_id);
	store_bind_int(st, 2, flagged ? 1 : 0);
	store_bind_int(st, 3, at);
	return store_exec(s, st, "declaration finish");
}

int
store_declaration_last(struct store *s, const char *number,
    int64_t *completed_at)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_DECL_LAST);
	int		 rc;

	store_bind_text(st, 1, number);
	if ((rc = store_row(s, st, "declaration last")) != 1)
		return rc;
	if (completed_at != NULL)
		*completed_at = sqlite3_column_int64(st, 0);
	store_done(st);
	return 1;
}

/* 0 and *flagged: 1 if the declaration or one of its answers is flagged. */
int
store_declaration_flagged(struct store *s, int64_t decl_id, int *flagged)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_DECL_FLAGGED);
	int		 rc;

	*flagged = 0;
	store_bind_int(st, 1, decl_id);
	if ((rc = store_row(s, st, "declaration flagged")) != 1)
		return rc;	/* no such declaration: 0, not flagged */
	*flagged = sqlite3_column_int(st, 0) != 0;
	store_done(st);
	return 0;
}

/* Sessions. */

int
store_session_get(struct store *s, const char *number, int64_t now,
    struct session *ss)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_SESSION_GET);
	int		 rc;

	store_bind_text(st, 1, number);
	store_bind_int(st, 2, now);
	if ((rc = store_row(s, st, "session get")) != 1)
		return rc;
	memset(ss, 0, sizeof *ss);
	snprintf(ss->number, sizeof ss->number, "%s", number);
	ss->kind = (enum session_kind)sqlite3_column_int(st, 0);
	ss->venue_id = sqlite3_column_int64(st, 1);
	ss->decl_id = sqlite3_column_int64(st, 2);
	ss->step = sqlite3_column_int(st, 3);
	ss->companions = sqlite3_column_int(st, 4);
	store_col_copy(st, 5, ss->qset, sizeof ss->qset);
	ss->expires_at = sqlite3_column_int64(st, 6);
	store_done(st);
	return 1;
}

int
store_session_put(struct store *s, const struct session *ss)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_SESSION_PUT);

	store_bind_text(st, 1, ss->number);
	store_bind_int(st, 2, ss->kind);
	store_bind_opt(st, 3, ss->venue_id);
	store_bind_opt(st, 4, ss->decl_id);
	store_bind_int(st, 5, ss->step);
	store_bind_int(st, 6, ss->companions);
	store_bind_text(st, 7, ss->qset);
	store_bind_int(st, 8, ss->expires_at);
	return store_exec(s, st, "session put");
}

int
store_session_clear(struct store *s, const char *number)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_SESSION_CLEAR);

	store_bind_text(st, 1, number);
	return store_exec(s, st, "session clear");
}

/* Subscribers. */

int
store_subscriber_get(struct store *s, const char *number, struct subscriber *sub)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_SUB_GET);
	int		 rc;

	sub->lang = -1;
	sub->opted_out = 0;
	sub->help_at = 0;
	store_bind_text(st, 1, number);
	if ((rc = store_row(s, st, "subscriber get")) != 1)
		return rc;
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		sub->lang = sqlite3_column_int(st, 0);
	sub->opted_out = sqlite3_column_int(st, 1);
	sub->help_at = sqlite3_column_int64(st, 2);
	store_done(st);
	return 1;
}

/* Upsert one subscriber setting with a prepared statement. */
static int
store_subscriber_set(struct store *s, enum store_stmt id, const char *number,
    int null_if_negative, int64_t value, const char *what)
{
	sqlite3_stmt	*st = store_stmt(s, id);

	store_bind_text(st, 1, number);
	if (null_if_negative && value < 0)
		sqlite3_bind_null(st, 2);
	else
		store_bind_int(st, 2, value);
	store_bind_int(st, 3, time(NULL));
	return store_exec(s, st, what);
}

int
store_subscriber_set_lang(struct store *s, const char *number, int lang)
{
	return store_subscriber_set(s, STMT_SUB_SET_LANG, number, 1, lang,
	    "subscriber set lang");
}

int
store_subscriber_set_optout(struct store *s, const char *number, int opted_out)
{
	return store_subscriber_set(s, STMT_SUB_SET_OPTOUT, number, 0,
	    opted_out ? 1 : 0, "subscriber set optout");
}

int
store_subscriber_set_help_at(struct store *s, const char *number, int64_t at)
{
	return store_subscriber_set(s, STMT_SUB_SET_HELP, number, 0, at,
	    "subscriber set help");
}

/* The outbox. */

static const char *const store_outbox_states[OUTBOX_STATE_COUNT] = {
	[OUTBOX_QUEUED] = "queued",
	[OUTBOX_SENDING] = "sending",
	[OUTBOX_SENT] = "sent",
	[OUTBOX_DELIVERED] = "delivered",
	[OUTBOX_FAILED] = "failed",
	[OUTBOX_EXPIRED] = "expired",
};

const char *
store_outbox_state_name(enum outbox_state state)
{
	if ((unsigned)state >= OUTBOX_STATE_COUNT)
		return "unknown";
	return store_outbox_states[state];
}

int
store_outbox_state_parse(const char *name)
{
	int	i;

	if (name == NULL)
		return -1;
	for (i = 0; i < OUTBOX_STATE_COUNT; i++) {
		if (strcmp(name, store_outbox_states[i]) == 0)
			return i;
	}
	return -1;
}

/* The value of digits in base 16 or 10; -1 if it needs more than 64 bits. */
static int
store_outbox_key_value(const char *p, size_t len, int base, uint64_t *v)
{
	uint64_t	d;
	size_t		i;

	*v = 0;
	for (i = 0; i < len; i++) {
		if (p[i] <= '9')
			d = p[i] - '0';
		else
			d = p[i] - 'a' + 10;
		if (*v > (UINT64_MAX - d) / (uint64_t)base)
			return -1;
		*v = *v * base + d;
	}
	return 0;
}

/*
 * The key a route's message id is matched on (the ext_key column). SMSCs
 * and aggregators spell one id differently in different places: an SMPP
 * SMSC may answer submit_sm with a hex message_id ("0A1B") and put it in
 * decimal in the receipt's "id:" field ("2587") (SMPP 3.4 5.2.23 and
 * Appendix B leave the format to the SMSC), Kannel passes either on, some
 * pad with zeros, some change case. The rule:
 *   - trim blanks, lower-case ASCII letters;
 *   - an id of hex digits of which at least one is a-f (or any hex digits
 *     after "0x"), or of decimal digits only, becomes its value as a
 *     decimal string when that fits in 64 bits ("0a1b" and "2587" -> "2587",
 *     "000123" -> "123"), else just loses its leading zeros;
 *   - anything else (UUIDs, Twilio's "SM..." sids) is the lower-cased text.
 * An all-decimal id is read as decimal: "1234" from a hex-speaking SMSC
 * cannot be told from decimal 1234, and receipts are decimal more often.
 * NULL for an empty id.
 */
static char *
store_outbox_key(const char *ext_id)
{
	const char	*blank = " \t\r\n\v\f";
	char		*key, *p;
	size_t		 len, i, ndec, nhex;
	uint64_t	 v;
	int		 base;

	if (ext_id == NULL)
		return NULL;
	while (*ext_id != '\0' && strchr(blank, *ext_id) != NULL)
		ext_id++;
	len = strlen(ext_id);
	while (len > 0 && strchr(blank, ext_id[len - 1]) != NULL)
		len--;
	if (len == 0)
		return NULL;

	key = xmalloc(len + 24);	/* room for a 20-digit decimal value */
	ndec = nhex = 0;
	for (i = 0; i < len; i++) {
		key[i] = ext_id[i];
		if (key[i] >= 'A' && key[i] <= 'Z')
			key[i] += 'a' - 'A';
		if (key[i] >= '0' && key[i] <= '9')
			ndec++;
		else if (key[i] >= 'a' && key[i] <= 'f')
			nhex++;
	}
	key[len] = '\0';

	p = key;
	if (len > 2 && key[0] == '0' && key[1] == 'x' &&
	    ndec + nhex == len - 1) {
		p += 2;		/* "0x1a": "x" was the only non-digit */
		base = 16;
	} else if (ndec == len)
		base = 10;
	else if (ndec + nhex == len)
		base = 16;
	else
		return key;

	if (store_outbox_key_value(p, strlen(p), base, &v) == 0) {
		snprintf(key, len + 24, "%llu", (unsigned long long)v);
		return key;
	}
	while (p[0] == '0' && p[1] != '\0')
		p++;
	memmove(key, p, strlen(p) + 1);
	return key;
}

/* Fill m from the current row of an OUTBOX_COLUMNS query, copying strings. */
static void
store_outbox_fill(sqlite3_stmt *st, struct outbox_msg *m)
{
	int	state;

	memset(m, 0, sizeof *m);
	m->id = sqlite3_column_int64(st, 0);
	store_col_copy(st, 1, m->route, sizeof m->route);
	store_col_copy(st, 2, m->number, sizeof m->number);
	m->text = xstrdup(store_col_text(st, 3));
	state = sqlite3_column_int(st, 4);
	m->state = state >= 0 && state < OUTBOX_STATE_COUNT ?
	    (enum outbox_state)state : OUTBOX_FAILED;
	m->attempts = sqlite3_column_int(st, 5);
	m->created_at = sqlite3_column_int64(st, 6);
	m->next_at = sqlite3_column_double(st, 7);
	m->expires_at = sqlite3_column_int64(st, 8);
	m->updated_at = sqlite3_column_int64(st, 9);
	if (sqlite3_column_type(st, 10) != SQLITE_NULL)
		m->ext_id = xstrdup(store_col_text(st, 10));
	if (sqlite3_column_type(st, 11) != SQLITE_NULL)
		m->dlr_state = xstrdup(store_col_text(st, 11));
	if (sqlite3_column_type(st, 12) != SQLITE_NULL)
		m->error = xstrdup(store_col_text(st, 12));
	m->inbound_id = sqlite3_column_int64(st, 13);	/* NULL is 0 */
}

/* Hand each row of an OUTBOX_COLUMNS query to cb until it returns non-zero. */
static int
store_outbox_each(struct store *s, sqlite3_stmt *st, const char *what,
    int (*cb)(const struct outbox_msg *, void *), void *arg)
{
	struct outbox_msg	m;
	int			rc = SQLITE_DONE, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_outbox_fill(st, &m);
		stop = cb(&m, arg);
		store_outbox_free(&m);
	}
	if (!stop && rc != SQLITE_DONE) {
		store_error(s, what);
		store_done(st);
		return -1;
	}
	store_done(st);
	return 0;
}

/* Queue a text: due at once (next_at = now); expires_at 0 for never. */
int64_t
store_outbox_add(struct store *s, const char *route, const char *number,
    const char *text, int64_t now, int64_t expires_at, int64_t inbound_id)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_OUTBOX_ADD);

	store_bind_text(st, 1, route);
	store_bind_text(st, 2, number);
	store_bind_text(st, 3, text);
	store_bind_int(st, 4, now);
	store_bind_int(st, 5, expires_at > 0 ? expires_at : 0);
	store_bind_opt(st, 6, inbound_id > 0 ? inbound_id : 0);
	if (store_exec(s, st, "outbox add") == -1)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

int
store_outbox_due(struct store *s, const char *route, double now, int limit,
    int (*cb)(const struct outbox_msg *, void *), void *arg)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_OUTBOX_DUE);

	store_bind_text(st, 1, route);
	sqlite3_bind_double(st, 2, now);
	store_bind_int(st, 3, limit > 0 ? limit : -1);
	return store_outbox_each(s, st, "outbox due", cb, arg);
}

int
store_outbox_next(struct store *s, const char *route, double *at)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_OUTBOX_NEXT);
	int		 rc;

	store_bind_text(st, 1, route);
	if ((rc = store_row(s, st, "outbox next")) != 1)
		return rc;
	if (sqlite3_column_type(st, 0) == SQLITE_NULL)
		rc = 0;		/* min() of no rows */
	else if (at != NULL)
		*at = sqlite3_column_double(st, 0);
	store_done(st);
	return rc;
}

int
store_outbox_claim(struct store *s, int64_t id, const char *route, int64_t now)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_OUTBOX_CLAIM);

	store_bind_int(st, 1, id);
	store_bind_text(st, 2, route);
	store_bind_int(st, 3, now);
	if (store_exec(s, st, "outbox claim") == -1)
		return -1;
	return sqlite3_changes(s->db) != 0 ? 1 : 0;
}

/* The route took the text: sending -> sent, with its message id (or NULL). */
int
store_outbox_sent(struct store *s, int64_t id, const char *ext_id, int64_t now)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_OUTBOX_SENT);
	char		*key;
	int		 rc;

	key = store_outbox_key(ext_id);
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, key != NULL ? ext_id : NULL);
	store_bind_text(st, 3, key);
	store_bind_int(st, 4, now);
	rc = store_exec(s, st, "outbox sent");
	free(key);
	if (rc == 0 && sqlite3_changes(s->db) == 0)
		log_debug("store: outbox sent id=%lld not sending",
		    (long long)id);
	return rc;
}

int
store_outbox_retry(struct store *s, int64_t id, double next_at,
    const char *error, int64_t now)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_OUTBOX_RETRY);

	store_bind_int(st, 1, id);
	sqlite3_bind_double(st, 2, next_at);
	store_bind_text(st, 3, error);
	store_bind_int(st, 4, now);
	if (store_exec(s, st, "outbox retry") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		log_debug("store: outbox retry id=%lld not sending",
		    (long long)id);
	return 0;
}

/* Give a queued or sending row up: failed or expired. */
int
store_outbox_final(struct store *s, int64_t id, enum outbox_state state,
    const char *error, int64_t now)
{
	sqlite3_stmt	*st;

	if (state != OUTBOX_FAILED && state != OUTBOX_EXPIRED) {
		log_warnx("store: outbox final id=%lld error=\"not a final"
		    " state: %s\"", (long long)id,
		    store_outbox_state_name(state));
		return -1;
	}
	st = store_stmt(s, STMT_OUTBOX_FINAL);
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, state);
	store_bind_text(st, 3, error);
	store_bind_int(st, 4, now);
	if (store_exec(s, st, "outbox final") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		log_debug("store: outbox final id=%lld not queued or sending",
		    (long long)id);
	return 0;
}

/* What a delivery report does to a row, by the row's state. */
enum store_dlr_do {
	DLR_IGNORE,	/* leave the row alone */
	DLR_NOTE,	/* record the report's state and time only */
	DLR_DELIVER,	/* -> delivered */
	DLR_FAIL,	/* -> failed, "delivery failed: STATE" */
};

static const struct store_dlr_rule {
	enum store_dlr_do	on_delivered;
	enum store_dlr_do	on_failed;
	enum store_dlr_do	on_pending;	/* not final yet (-1) */
} store_dlr_rules[OUTBOX_STATE_COUNT] = {
	/* Waiting for another attempt, whose own reports will tell. */
	[OUTBOX_QUEUED] = { DLR_IGNORE, DLR_IGNORE, DLR_IGNORE },
	/* The report beat the HTTP answer. */
	[OUTBOX_SENDING] = { DLR_DELIVER, DLR_FAIL, DLR_NOTE },
	[OUTBOX_SENT] = { DLR_DELIVER, DLR_FAIL, DLR_NOTE },
	/* Final: a late or repeated report does not undo it. */
	[OUTBOX_DELIVERED] = { DLR_NOTE, DLR_IGNORE, DLR_IGNORE },
	/*
	 * Networks retry within the validity period, so "delivered" may
	 * follow a failed report; and a row given up after a timed-out
	 * request may have gone through after all. The phone got it.
	 */
	[OUTBOX_FAILED] = { DLR_DELIVER, DLR_NOTE, DLR_IGNORE },
	/* Withdrawn by us. */
	[OUTBOX_EXPIRED] = { DLR_IGNORE, DLR_IGNORE, DLR_IGNORE },
};

/* Find the row a report is about: 1 with *rid and *state, 0, or -1. */
static int
store_outbox_dlr_find(struct store *s, int64_t id, const char *route,
    const char *key, int64_t *rid, int *state)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (route == NULL)
		return 0;
	if (id > 0) {
		st = store_stmt(s, STMT_OUTBOX_DLR_BY_ID);
		store_bind_int(st, 1, id);
		store_bind_text(st, 2, route);
	} else {
		if (key == NULL)
			return 0;
		st = store_stmt(s, STMT_OUTBOX_DLR_BY_KEY);
		store_bind_text(st, 1, route);
		store_bind_text(st, 2, key);
	}
	if ((rc = store_row(s, st, "outbox dlr find")) != 1)
		return rc;
	*rid = sqlite3_column_int64(st, 0);
	*state = sqlite3_column_int(st, 1);
	store_done(st);
	return 1;
}

/*
 * Apply a delivery report (see store.h), by the table above. A row that
 * matches but is left alone still counts as found: the report was ours.
 */
int
store_outbox_dlr(struct store *s, int64_t id, const char *route,
    const char *ext_id, int delivered, const char *dlr_state, int64_t now)
{
	const struct store_dlr_rule	*rule;
	enum store_dlr_do		 what;
	sqlite3_stmt			*st;
	char				*key, error[128];
	int64_t				 rid;
	int				 rc, state, next;

	key = store_outbox_key(ext_id);
	if ((rc = store_outbox_dlr_find(s, id, route, key, &rid, &state)) != 1)
		goto out;
	if (state < 0 || state >= OUTBOX_STATE_COUNT) {
		log_warnx("store: outbox dlr id=%lld error=\"bad state %d\"",
		    (long long)rid, state);
		goto out;
	}
	rule = &store_dlr_rules[state];
	if (delivered > 0)
		what = rule->on_delivered;
	else if (delivered == 0)
		what = rule->on_failed;
	else
		what = rule->on_pending;
	if (what == DLR_IGNORE) {
		log_debug("store: outbox dlr id=%lld state=%s ignored",
		    (long long)rid, store_outbox_states[state]);
		goto out;
	}

	next = state;
	if (what == DLR_DELIVER)
		next = OUTBOX_DELIVERED;
	else if (what == DLR_FAIL) {
		next = OUTBOX_FAILED;
		snprintf(error, sizeof error, "delivery failed: %s",
		    dlr_state != NULL && *dlr_state != '\0' ? dlr_state :
		    "unknown");
	}
	st = store_stmt(s, STMT_OUTBOX_DLR_SET);
	store_bind_int(st, 1, rid);
	store_bind_int(st, 2, state);
	store_bind_int(st, 3, next);
	store_bind_text(st, 4, dlr_state != NULL && *dlr_state != '\0' ?
	    dlr_state : NULL);
	store_bind_int(st, 5, now);
	store_bind_text(st, 6, what == DLR_FAIL ? error : NULL);
	store_bind_int(st, 7, what == DLR_DELIVER || what == DLR_FAIL);
	store_bind_text(st, 8, key != NULL ? ext_id : NULL);
	store_bind_text(st, 9, key);
	if (store_exec(s, st, "outbox dlr") == -1)
		rc = -1;
	else if (sqlite3_changes(s->db) == 0)
		log_debug("store: outbox dlr id=%lld changed meanwhile",
		    (long long)rid);
out:
	free(key);
	return rc;
}

/* At start: rows a dead process was sending go back to the queue. */
int
store_outbox_requeue_sending(struct store *s, int64_t now)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_OUTBOX_REQUEUE_SENDING);

	store_bind_int(st, 1, now);
	if (store_exec(s, st, "outbox requeue sending") == -1)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_outbox_get(struct store *s, int64_t id, struct outbox_msg *m)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_OUTBOX_GET);
	int		 rc;

	store_bind_int(st, 1, id);
	if ((rc = store_row(s, st, "outbox get")) != 1)
		return rc;
	store_outbox_fill(st, m);
	store_done(st);
	return 1;
}

/* Rows of one state and/or route, most recently changed first. */
int
store_outbox_list(struct store *s, int state, const char *route, int limit,
    int (*cb)(const struct outbox_msg *, void *), void *arg)
{
	sqlite3_stmt	*st;

	if (state < 0)
		st = store_stmt(s, STMT_OUTBOX_LIST);
	else {
		st = store_stmt(s, STMT_OUTBOX_LIST_STATE);
		store_bind_int(st, 3, state);
	}
	store_bind_text(st, 1, route);
	store_bind_int(st, 2, limit > 0 ? limit : -1);
	return store_outbox_each(s, st, "outbox list", cb, arg);
}

int
store_outbox_requeue(struct store *s, int64_t id, int64_t now)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_OUTBOX_REQUEUE);

	store_bind_int(st, 1, id);
	store_bind_int(st, 2, now);
	if (store_exec(s, st, "outbox requeue") == -1)
		return -1;
	return sqlite3_changes(s->db) == 0 ? 1 : 0;
}

int
store_outbox_cancel(struct store *s, int64_t id, int64_t now)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_OUTBOX_CANCEL);

	store_bind_int(st, 1, id);
	store_bind_int(st, 2, now);
	if (store_exec(s, st, "outbox cancel") == -1)
		return -1;
	return sqlite3_changes(s->db) == 0 ? 1 : 0;
}

int
store_outbox_count(struct store *s, int (*cb)(const char *, enum outbox_state, int64_t,
    void *), void *arg)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_OUTBOX_COUNT);
	int		 rc = SQLITE_DONE, stop = 0, state;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		state = sqlite3_column_int(st, 1);
		if (state < 0 || state >= OUTBOX_STATE_COUNT)
			continue;
		stop = cb((const char *)sqlite3_column_text(st, 0), (enum outbox_state)state,
		    sqlite3_column_int64(st, 2), arg);
	}
	if (!stop && rc != SQLITE_DONE) {
		store_error(s, "outbox count");
		store_done(st);
		return -1;
	}
	store_done(st);
	return 0;
}

void
store_outbox_free(struct outbox_msg *m)
{
	free(m->text);
	free(m->ext_id);
	free(m->dlr_state);
	free(m->error);
	memset(m, 0, sizeof *m);
}

/* Audit. */

int
store_audit_count_subject(struct store *s, const char *number, int *count)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_AUDIT_COUNT);
	int		 rc;

	*count = 0;
	store_bind_text(st, 1, number);
	if ((rc = store_row(s, st, "audit count")) != 1)
		return -1;
	*count = sqlite3_column_int(st, 0);
	store_done(st);
	return 0;
}

int
store_audit_add(struct store *s, const char *actor, const char *action,
    const char *subject, const char *query, int64_t records, int64_t at)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_AUDIT_ADD);

	store_bind_int(st, 1, at);
	store_bind_text(st, 2, actor);
	store_bind_text(st, 3, action);
	store_bind_text(st, 4, subject);
	store_bind_text(st, 5, query);
	store_bind_int(st, 6, records);
	return store_exec(s, st, "audit add");
}

/* Tracing. */

/* Bind the window, default_stay and the longest stay looked for (?2..?5). */
static void
store_bind_window(sqlite3_stmt *st, int64_t from, int64_t to, int default_stay)
{
	int64_t	stay, longest;

	stay = default_stay > 0 ? default_stay : 0;
	longest = stay > STORE_STAY_MAX ? stay : STORE_STAY_MAX;
	store_bind_int(st, 2, from);
	store_bind_int(st, 3, to);
	store_bind_int(st, 4, stay);
	store_bind_int(st, 5, longest);
}

/*
 * Hand each row of a trace statement (TRACE_COLUMNS, then the overlap for
 * contacts) to cb until it returns non-zero.
 */
static int
store_trace_each(struct store *s, sqlite3_stmt *st, const char *what,
    const char *contact_of, int (*cb)(const struct trace_row *, void *),
    void *arg)
{
	struct trace_row	r;
	int			rc = SQLITE_DONE, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		store_col_copy(st, 0, r.number, sizeof r.number);
		r.companions = sqlite3_column_int(st, 1);
		r.sent_at = sqlite3_column_int64(st, 2);
		r.received_at = sqlite3_column_int64(st, 3);
		r.checked_out_at = sqlite3_column_int64(st, 4);	/* NULL is 0 */
		r.stay_end = sqlite3_column_int64(st, 5);
		store_col_copy(st, 6, r.code, sizeof r.code);
		r.venue_name = store_col_text(st, 7);
		r.ward = store_col_text(st, 8);
		r.address = store_col_text(st, 9);
		if (contact_of != NULL) {
			snprintf(r.contact_of, sizeof r.contact_of, "%s",
			    contact_of);
			r.overlap_from = sqlite3_column_int64(st, 10);
			r.overlap_to = sqlite3_column_int64(st, 11);
		}
		stop = cb(&r, arg);
	}
	if (!stop && rc != SQLITE_DONE) {
		store_error(s, what);
		store_done(st);
		return -1;
	}
	store_done(st);
	return 0;
}

int
store_trace_venue(struct store *s, int64_t venue_id, int64_t from, int64_t to,
    int default_stay, int (*cb)(const struct trace_row *, void *), void *arg)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_TRACE_VENUE);

	store_bind_int(st, 1, venue_id);
	store_bind_window(st, from, to, default_stay);
	return store_trace_each(s, st, "trace venue", NULL, cb, arg);
}

int
store_trace_person(struct store *s, const char *number, int64_t from,
    int64_t to, int default_stay, int (*cb)(const struct trace_row *, void *),
    void *arg)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_TRACE_PERSON);

	store_bind_text(st, 1, number);
	store_bind_window(st, from, to, default_stay);
	return store_trace_each(s, st, "trace person", NULL, cb, arg);
}

/*
 * One row per pair of overlapping stays (the contact's, number's), ordered
 * by number's stay, then the contact's. The row describes the contact's
 * stay; overlap_from and overlap_to bound the time both were there.
 */
int
store_trace_contacts(struct store *s, const char *number, int64_t from,
    int64_t to, int default_stay, int (*cb)(const struct trace_row *, void *),
    void *arg)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_TRACE_CONTACTS);

	store_bind_text(st, 1, number);
	store_bind_window(st, from, to, default_stay);
	return store_trace_each(s, st, "trace contacts", number, cb, arg);
}

/* The distinct numbers whose stay at the venue overlapped [from, to), opted-out ones left out. */
int
store_alert_numbers(struct store *s, int64_t venue_id, int64_t from, int64_t to,
    int default_stay, int (*cb)(const char *, void *), void *arg)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_ALERT_NUMBERS);
	int		 rc = SQLITE_DONE, stop = 0;

	store_bind_int(st, 1, venue_id);
	store_bind_window(st, from, to, default_stay);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = cb(store_col_text(st, 0), arg);
	if (!stop && rc != SQLITE_DONE) {
		store_error(s, "alert numbers");
		store_done(st);
		return -1;
	}
	store_done(st);
	return 0;
}

/* Reports. */

/* The start of the local day after the one beginning at day. */
static int64_t
store_next_day(int64_t day)
{
	/* 30 hours on is inside the next day, whatever DST does. */
	return tz_day_start(day + 30 * 3600);
}

/* A single integer from a one-row statement; NULL is 0. */
static int
store_value(struct store *s, sqlite3_stmt *st, const char *what, int64_t *v,
    int *null)
{
	int	rc;

	*v = 0;
	if (null != NULL)
		*null = 1;
	if ((rc = store_row(s, st, what)) != 1)
		return rc == 0 ? 0 : -1;
	if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*v = sqlite3_column_int64(st, 0);
		if (null != NULL)
			*null = 0;
	}
	store_done(st);
	return 0;
}

/*
 * The start of the first local day whose check-ins are all still there
 * (INT64_MAX if none are). The purge takes the oldest first, so only the
 * day of the oldest check-in left can be partly gone: it is whole if it
 * still holds as many check-ins as daily_stats counted for it.
 */
static int
store_kept_since(struct store *s, int64_t *kept)
{
	sqlite3_stmt	*st;
	int64_t		 oldest, day, next, raw, counted;
	int		 none;

	*kept = INT64_MAX;
	st = store_stmt(s, STMT_REPORT_KEPT_FROM);
	if (store_value(s, st, "report kept", &oldest, &none) == -1)
		return -1;
	if (none)
		return 0;
	day = tz_day_start(oldest);
	next = store_next_day(day);
	st = store_stmt(s, STMT_REPORT_DAY_RAW);
	store_bind_int(st, 1, day);
	store_bind_int(st, 2, next);
	if (store_value(s, st, "report day", &raw, NULL) == -1)
		return -1;
	st = store_stmt(s, STMT_REPORT_DAY_STATS);
	store_bind_int(st, 1, day);
	if (store_value(s, st, "report day stats", &counted, NULL) == -1)
		return -1;
	*kept = raw >= counted ? day : next;
	return 0;
}

/*
 * The ward report (see STMT_REPORT_WARDS for how each figure is counted):
 * every ward that has an active venue, by ward.
 */
int
store_report_wards(struct store *s, int64_t from, int64_t to,
    int (*cb)(const struct ward_row *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct ward_row	 w;
	int64_t		 kept;
	int		 rc = SQLITE_DONE, stop = 0;

	if (store_kept_since(s, &kept) == -1)
		return -1;
	st = store_stmt(s, STMT_REPORT_WARDS);
	store_bind_int(st, 1, tz_day_start(from));
	store_bind_int(st, 2, from);
	store_bind_int(st, 3, to);
	store_bind_int(st, 4, kept);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&w, 0, sizeof w);
		w.ward = store_col_text(st, 0);
		w.venues = sqlite3_column_int64(st, 1);
		w.venues_used = sqlite3_column_int64(st, 2);
		w.checkins = sqlite3_column_int64(st, 3);
		w.visitors = sqlite3_column_int64(st, 4);
		w.flagged = sqlite3_column_int64(st, 5);
		stop = cb(&w, arg);
	}
	if (!stop && rc != SQLITE_DONE) {
		store_error(s, "report wards");
		store_done(st);
		return -1;
	}
	store_done(st);
	return 0;
}

/*
 * Active venues without a daily_stats row from the local day holding since
 * on, nor a check-in since then; with the last check-in still kept, else
 * the start of the last day counted, else 0.
 */
int
store_report_inactive(struct store *s, int64_t since,
    int (*cb)(const struct venue *, int64_t, void *), void *arg)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_REPORT_INACTIVE);
	struct venue	 v;
	int64_t		 last;
	int		 rc = SQLITE_DONE, stop = 0;

	store_bind_int(st, 1, tz_day_start(since));
	store_bind_int(st, 2, since);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_venue_fill(st, &v);
		last = sqlite3_column_int64(st, 10);
		stop = cb(&v, last, arg);
		store_venue_free(&v);
	}
	if (!stop && rc != SQLITE_DONE) {
		store_error(s, "report inactive");
		store_done(st);
		return -1;
	}
	store_done(st);
	return 0;
}

/*
 * The check-ins of each local day of [from, to) that has any, from
 * daily_stats, oldest first: of one venue, or of all (venue_id 0).
 */
int
store_daily_series(struct store *s, int64_t venue_id, int64_t from, int64_t to,
    int (*cb)(int64_t day, int64_t checkins, void *), void *arg)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_DAILY_SERIES);
	int		 rc = SQLITE_DONE, stop = 0;

	store_bind_int(st, 1, tz_day_start(from));
	store_bind_int(st, 2, to);
	store_bind_int(st, 3, venue_id);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = cb(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), arg);
	if (!stop && rc != SQLITE_DONE) {
		store_error(s, "daily series");
		store_done(st);
		return -1;
	}
	store_done(st);
	return 0;
}

/* Retention. */

/*
 * Delete up to chunk personal rows older than before, table by table in
 * store_purge_steps order, oldest first within each: every statement is
 * bounded, so one call stays short however much is due, and the caller
 * calls again until *deleted is 0. chunk <= 0 removes everything due. A dry
 * run counts every row due and changes nothing. Atomic: on error nothing of
 * this call remains.
 */
int
store_purge(struct store *s, int64_t before, int chunk, int dry_run,
    int64_t *deleted)
{
	const struct store_purge_step	*p;
	sqlite3_stmt			*st;
	int64_t				 n, left;
	size_t				 i;

	*deleted = 0;
	if (dry_run) {
		for (i = 0; i < nitems(store_purge_steps); i++) {
			p = &store_purge_steps[i];
			st = store_stmt(s, p->count);
			store_bind_int(st, 1, before);
			if (store_value(s, st, p->what, &n, NULL) == -1)
				return -1;
			*deleted += n;
		}
		return 0;
	}

	left = chunk > 0 ? chunk : -1;	/* LIMIT -1: no limit */
	if (store_savepoint(s) == -1)
		return -1;
	for (i = 0; i < nitems(store_purge_steps) && left != 0; i++) {
		p = &store_purge_steps[i];
		st = store_stmt(s, p->remove);
		store_bind_int(st, 1, before);
		store_bind_int(st, 2, left);
		if (store_exec(s, st, p->what) == -1) {
			store_savepoint_end(s, 0);
			*deleted = 0;
			return -1;
		}
		n = sqlite3_changes(s->db);
		*deleted += n;
		if (left > 0)
			left -= n;
		if (n > 0)
			log_debug("store: purge %s=%lld before=%lld", p->what,
			    (long long)n, (long long)before);
	}
	if (store_savepoint_end(s, 1) == -1) {
		*deleted = 0;
		return -1;
	}
	return 0;
}

/* Venues, for the admin API. */

int
store_venue_update(struct store *s, const char *code, const char *name,
    const char *address, const char *ward, const char *kind, const char *owner,
    int active)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_VENUE_UPDATE);

	store_bind_text(st, 1, code);
	store_bind_text(st, 2, name);
	store_bind_text(st, 3, address);
	store_bind_text(st, 4, ward);
	store_bind_text(st, 5, kind);
	store_bind_text(st, 6, owner);
	store_bind_int(st, 7, active < 0 ? -1 : active ? 1 : 0);
	if (store_exec(s, st, "venue update") == -1)
		return -1;
	return sqlite3_changes(s->db) == 0 ? 1 : 0;
}

int
store_outbox_depth(struct store *s, int (*cb)(const char *, int64_t, int64_t,
    void *), void *arg)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_OUTBOX_DEPTH);
	int		 rc = SQLITE_DONE, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = cb(store_col_text(st, 0), sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2), arg);
	if (!stop && rc != SQLITE_DONE) {
		store_error(s, "outbox depth");
		store_done(st);
		return -1;
	}
	store_done(st);
	return 0;
}

/* USSD sessions. */

/* Look a USSD session up with a prepared USSD_COLUMNS statement. */
static int
store_ussd_row(struct store *s, sqlite3_stmt *st, const char *what,
    struct ussd_session *u)
{
	int	rc;

	if ((rc = store_row(s, st, what)) != 1)
		return rc;
	memset(u, 0, sizeof *u);
	store_col_copy(st, 0, u->id, sizeof u->id);
	store_col_copy(st, 1, u->number, sizeof u->number);
	store_col_copy(st, 2, u->screen, sizeof u->screen);
	store_col_copy(st, 3, u->data, sizeof u->data);
	u->lang = sqlite3_column_int(st, 4);
	u->updated_at = sqlite3_column_int64(st, 5);
	u->ended = sqlite3_column_int(st, 6) != 0;
	store_done(st);
	return 1;
}

int
store_ussd_get(struct store *s, const char *id, struct ussd_session *u)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_USSD_GET);

	store_bind_text(st, 1, id);
	return store_ussd_row(s, st, "ussd get", u);
}

/* Create the session or replace every field of it. */
int
store_ussd_put(struct store *s, const struct ussd_session *u)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_USSD_PUT);

	store_bind_text(st, 1, u->id);
	store_bind_text(st, 2, u->number);
	store_bind_text(st, 3, u->screen);
	store_bind_text(st, 4, u->data);
	store_bind_int(st, 5, u->lang);
	store_bind_int(st, 6, u->updated_at);
	store_bind_int(st, 7, u->ended ? 1 : 0);
	return store_exec(s, st, "ussd put");
}

int
store_ussd_last(struct store *s, const char *number, int64_t since,
    struct ussd_session *u)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_USSD_LAST);

	store_bind_text(st, 1, number);
	store_bind_int(st, 2, since);
	return store_ussd_row(s, st, "ussd last", u);
}

/* Mark a session ended at `at` (no error if there is none). */
int
store_ussd_end(struct store *s, const char *id, int64_t at)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_USSD_END);

	store_bind_text(st, 1, id);
	store_bind_int(st, 2, at);
	return store_exec(s, st, "ussd end");
}

/* Diagnostics. */

int
store_plan(struct store *s, const char *name, char *buf, size_t len)
{
	sqlite3_stmt	*st;
	char		*sql;
	size_t		 i;
	int		 rc;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < nitems(store_named); i++) {
		if (strcmp(store_named[i].name, name) == 0)
			break;
	}
	if (i == nitems(store_named))
		return 0;
	xasprintf(&sql, "EXPLAIN QUERY PLAN %s",
	    store_sql[store_named[i].stmt]);
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		store_error(s, "plan");
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		strlcat(buf, store_col_text(st, 3), len);
		strlcat(buf, "; ", len);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_error(s, "plan");
		return -1;
	}
	return 1;
}

int
store_inbound_recent(struct store *s, const char *channel, const char *key, double from,
    double until)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_INBOUND_RECENT);
	char		 lo[STORE_KEY_MAX], hi[STORE_KEY_MAX];
	int		 rc;

	store_inbound_key(lo, sizeof lo, key, from);
	store_inbound_key(hi, sizeof hi, key, until);
	store_bind_text(st, 1, channel);
	store_bind_text(st, 2, lo);
	store_bind_text(st, 3, hi);
	if ((rc = store_row(s, st, "inbound recent")) == 1)
		store_done(st);
	return rc;
}

void
store_inbound_key(char *out, size_t len, const char *key, double at)
{
	snprintf(out, len, "%s@%017.6f", key, at < 0 ? 0.0 : at);
}

/* Bind the four columns that name a set of parts. */
static void
store_bind_set(sqlite3_stmt *st, const struct part_key *k)
{
	store_bind_text(st, 1, k->channel);
	store_bind_text(st, 2, k->number);
	store_bind_int(st, 3, k->ref);
	store_bind_int(st, 4, k->total);
}

int
store_part_add(struct store *s, const struct part_key *k, unsigned seq, const char *text,
    int64_t sent_at, int64_t received_at, int64_t dedup_since)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_PART_SEEN);
	int		 rc;

	store_bind_set(st, k);
	store_bind_int(st, 5, seq);
	store_bind_int(st, 6, dedup_since);
	if ((rc = store_row(s, st, "part seen")) != 0) {
		if (rc == 1)
			store_done(st);
		return rc == 1 ? 0 : -1;
	}
	st = store_stmt(s, STMT_PART_ADD);
	store_bind_set(st, k);
	store_bind_int(st, 5, seq);
	store_bind_text(st, 6, text);
	store_bind_int(st, 7, sent_at);
	store_bind_int(st, 8, received_at);
	return store_exec(s, st, "part add") == -1 ? -1 : 1;
}

/* The waiting parts of a set joined in order, and how many there were; the set marked done. */
static int
store_part_join(struct store *s, const struct part_key *k, char **text, int64_t *sent_at,
    unsigned *got)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_PART_TEXTS);
	struct buf	 b = { NULL, 0, 0 };
	int64_t		 t;
	int		 rc;

	*got = 0;
	*sent_at = 0;
	store_bind_set(st, k);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		buf_add(&b, store_col_text(st, 0), strlen(store_col_text(st, 0)));
		t = sqlite3_column_int64(st, 1);
		if (t != 0 && (*sent_at == 0 || t < *sent_at))
			*sent_at = t;
		(*got)++;
	}
	store_done(st);
	if (rc != SQLITE_DONE) {
		store_error(s, "part texts");
		free(b.p);
		return -1;
	}
	st = store_stmt(s, STMT_PART_DONE);
	store_bind_set(st, k);
	if (store_exec(s, st, "part done") == -1) {
		free(b.p);
		return -1;
	}
	*text = buf_take(&b);
	return 0;
}

int
store_part_take(struct store *s, const struct part_key *k, char **text, int64_t *sent_at)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_PART_COUNT);
	unsigned	 got;
	int64_t		 n;
	int		 rc;

	*text = NULL;
	store_bind_set(st, k);
	if ((rc = store_row(s, st, "part count")) != 1)
		return rc;
	n = sqlite3_column_int64(st, 0);
	store_done(st);
	if (n < (int64_t)k->total)
		return 0;
	return store_part_join(s, k, text, sent_at, &got) == -1 ? -1 : 1;
}

int
store_part_expired(struct store *s, int64_t before, struct part_set *set)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_PART_OLDEST);
	int		 rc;

	memset(set, 0, sizeof *set);
	store_bind_int(st, 1, before);
	if ((rc = store_row(s, st, "part oldest")) != 1)
		return rc;
	store_col_copy(st, 0, set->key.channel, sizeof set->key.channel);
	store_col_copy(st, 1, set->key.number, sizeof set->key.number);
	set->key.ref = (unsigned)sqlite3_column_int64(st, 2);
	set->key.total = (unsigned)sqlite3_column_int64(st, 3);
	store_done(st);
	if (store_part_join(s, &set->key, &set->text, &set->sent_at, &set->got) == -1)
		return -1;
	return 1;
}

int
store_part_forget(struct store *s, int64_t before)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_PART_FORGET);

	store_bind_int(st, 1, before);
	return store_exec(s, st, "part forget");
}

int
store_inbound_recent_from(struct store *s, const char *number, int64_t now, const char *text,
    int64_t except, struct inbound_recent *r)
{
	sqlite3_stmt	*st = store_stmt(s, STMT_INBOUND_RECENT_FROM);
	int		 rc;

	memset(r, 0, sizeof *r);
	store_bind_text(st, 1, number);
	store_bind_int(st, 2, now - 3600);
	store_bind_int(st, 3, now - 60);
	store_bind_text(st, 4, text);
	store_bind_int(st, 5, except);
	if ((rc = store_row(s, st, "inbound recent from")) != 1)
		return rc == 0 ? 0 : -1;
	r->last_minute = sqlite3_column_int64(st, 0);
	r->answered_hour = sqlite3_column_int64(st, 1);
	r->same_answered_hour = sqlite3_column_int64(st, 2);
	store_done(st);
	return 0;
}
