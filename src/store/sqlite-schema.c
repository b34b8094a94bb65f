/*
 * sqlite-schema.c: the schema, as numbered migrations checked against PRAGMA
 * user_version, in SQLite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/base.h"
#include "base/log.h"
#include "store/store.h"
#include "store/backend.h"
#include "store/sqlite.h"

/*
 * Numbered migrations, applied in order, each in its own transaction that
 * also sets PRAGMA user_version. Never edit a shipped step: add a new one.
 */
struct sqlite_schema_step {
	int		 version;
	const char	*sql;
};

static const struct sqlite_schema_step sqlite_schema_steps[] = {
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
	{ 5,
	/*
	 * The secret of each outbound route's delivery reports, generated once
	 * when the route has no dlr_secret of its own: the URLs given with
	 * messages sent before a restart must still match after it.
	 */
	"CREATE TABLE route_secrets ("
	"  route TEXT PRIMARY KEY,"
	"  secret TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	},
	{ 6,
	/*
	 * Browsers signed in to the admin listener, found by a hash of their
	 * cookie (never the cookie itself) on every page request; ended when
	 * they expire (admin_sessions_expires), or when their token changes;
	 * a token keeps its newest few (admin_sessions_token).
	 */
	"CREATE TABLE admin_sessions ("
	"  id_hash TEXT PRIMARY KEY,"
	"  token_name TEXT NOT NULL,"
	"  token_sha256 TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  used_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX admin_sessions_expires ON admin_sessions(expires_at);"
	"CREATE INDEX admin_sessions_token ON admin_sessions(token_sha256, created_at);"
	},
	{ 7,
	/*
	 * Aggregates kept as check-ins arrive (sqlite-aggregates.c), so that
	 * reports never read the raw rows and outlive the purge. daily_seen
	 * holds who was first seen in a ward on a local day (personal: purged
	 * with the check-ins); ward_days counts them, one a person a ward a
	 * day; daily_stats gains the flagged declarations of a venue's day,
	 * each counted once (declarations.counted). The rows already stored
	 * are counted now; for days already purged a ward-day's visitors is
	 * the sum of its venues' (daily_stats.people).
	 */
	"CREATE TABLE daily_seen ("
	"  day INTEGER NOT NULL,"
	"  ward TEXT NOT NULL,"
	"  number TEXT NOT NULL,"
	"  PRIMARY KEY(day, ward, number)) WITHOUT ROWID;"
	"CREATE TABLE ward_days ("
	"  day INTEGER NOT NULL,"
	"  ward TEXT NOT NULL,"
	"  visitors INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY(day, ward)) WITHOUT ROWID;"
	"ALTER TABLE daily_stats ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE declarations ADD COLUMN counted INTEGER NOT NULL DEFAULT 0;"
	"INSERT OR IGNORE INTO daily_seen (day, ward, number)"
	"  SELECT checkind_local_day(c.sent_at), v.ward, c.number"
	"  FROM checkins c JOIN venues v ON v.id = c.venue_id;"
	"INSERT INTO ward_days (day, ward, visitors)"
	"  SELECT day, ward, count(*) FROM daily_seen GROUP BY day, ward;"
	"INSERT OR IGNORE INTO ward_days (day, ward, visitors)"
	"  SELECT d.day, v.ward, sum(d.people) FROM daily_stats d"
	"  JOIN venues v ON v.id = d.venue_id GROUP BY d.day, v.ward;"
	"UPDATE declarations SET counted = 1 WHERE venue_id IS NOT NULL"
	"  AND (flagged OR EXISTS (SELECT 1 FROM answers a"
	"  WHERE a.declaration_id = declarations.id AND a.flagged));"
	"INSERT INTO daily_stats (venue_id, day, flagged)"
	"  SELECT venue_id, checkind_local_day(started_at), count(*)"
	"  FROM declarations WHERE counted GROUP BY 1, 2"
	"  ON CONFLICT (venue_id, day) DO UPDATE SET flagged = excluded.flagged;"
	},
	{ 8,
	/*
	 * The ward's own workflow (issue 18). A listed venue is a business
	 * the ward knows that has no code yet: it is inactive and its code
	 * column holds '#' and random hex, which no resident's digits match,
	 * until activation gives it a code. A commitment is when, who signed
	 * and who recorded it; lat/lon are the venue's place for the fraud
	 * signal. Inspections by venue and time; inspectors by number;
	 * registrations by SMS by number (one open at a time) and by ward;
	 * fraud flags by time, pointing at the two check-ins.
	 */
	"ALTER TABLE venues ADD COLUMN listed INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE venues ADD COLUMN committed_at INTEGER;"
	"ALTER TABLE venues ADD COLUMN committed_by TEXT;"
	"ALTER TABLE venues ADD COLUMN committed_recorder TEXT;"
	"ALTER TABLE venues ADD COLUMN lat REAL;"
	"ALTER TABLE venues ADD COLUMN lon REAL;"

	"CREATE TABLE inspectors ("
	"  number TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  ward TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL);"

	"CREATE TABLE inspections ("
	"  id INTEGER PRIMARY KEY,"
	"  venue_id INTEGER NOT NULL REFERENCES venues(id),"
	"  at INTEGER NOT NULL,"
	"  inspector TEXT NOT NULL,"
	"  result TEXT NOT NULL,"
	"  note TEXT NOT NULL DEFAULT '',"
	"  fine INTEGER,"
	"  channel TEXT NOT NULL);"
	"CREATE INDEX inspections_venue ON inspections(venue_id, at);"
	"CREATE INDEX inspections_at ON inspections(at);"

	"CREATE TABLE registrations ("
	"  id INTEGER PRIMARY KEY,"
	"  number TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  address TEXT NOT NULL,"
	"  ward TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  reason TEXT,"
	"  venue_id INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  decided_at INTEGER,"
	"  decided_by TEXT);"
	"CREATE INDEX registrations_number ON registrations(number, state);"
	"CREATE INDEX registrations_ward ON registrations(ward, state);"

	"CREATE TABLE flags ("
	"  id INTEGER PRIMARY KEY,"
	"  checkin_id INTEGER NOT NULL,"
	"  venue_id INTEGER NOT NULL,"
	"  prev_checkin_id INTEGER NOT NULL,"
	"  prev_venue_id INTEGER NOT NULL,"
	"  distance_m INTEGER NOT NULL,"
	"  seconds INTEGER NOT NULL,"
	"  at INTEGER NOT NULL);"
	"CREATE INDEX flags_at ON flags(at);"
	/* The wards an official's token sees, on each audit row (NULL: the district). */
	"ALTER TABLE audit ADD COLUMN scope TEXT;"
	},
	{ 9,
	/*
	 * A venue's own phone number (E.164): a call to it checks the caller
	 * in there (core/voice.c). At most one venue a number.
	 */
	"ALTER TABLE venues ADD COLUMN call_number TEXT;"
	"CREATE UNIQUE INDEX venues_call_number ON venues(call_number)"
	"  WHERE call_number IS NOT NULL;"
	},
	{ 10,
	/*
	 * A route's token bucket (store_route_take), shared by every process
	 * sending through the file: the tokens left at refilled_at (Unix
	 * seconds), and how many the last take got (RETURNING sees only the
	 * new row).
	 */
	"CREATE TABLE route_tokens ("
	"  route TEXT PRIMARY KEY,"
	"  tokens REAL NOT NULL,"
	"  refilled_at REAL NOT NULL,"
	"  granted INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	},
	/*
	 * PostgreSQL's step 11 puts check-ins, inbound messages and daily_seen
	 * in day partitions (pg-schema.c); SQLite's tables stay whole.
	 */
	{ 11, "SELECT 1;" },
	/*
	 * Check-ins and inbound messages in day tables (sqlite-days.c): the
	 * tables become the defaults, holding the rows stored so far (no
	 * copy: they leave with the purge, row by row), and views of the old
	 * names read the defaults and every day. The days are made when a
	 * writer opens the file.
	 */
	{ 12,
	"ALTER TABLE checkins RENAME TO checkins_default;"
	"ALTER TABLE inbound RENAME TO inbound_default;"
	"CREATE VIEW checkins AS SELECT * FROM checkins_default;"
	"CREATE VIEW inbound AS SELECT * FROM inbound_default;"
	},
};

/* The schema version of the file; -1 with a reason in err. */
static int
sqlite_schema_version(sqlite3 *db, int *version, char *err, size_t errlen)
{
	const char	*errstr;
	char		 buf[32];

	if (sqlite_pragma(db, "PRAGMA user_version", buf, sizeof buf) == -1) {
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
sqlite_schema_too_new(int version, int latest, char *err, size_t errlen)
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
int
sqlite_schema_migrate(sqlite3 *db, char *err, size_t errlen)
{
	const struct sqlite_schema_step	*m;
	char				 sql[64], *msg = NULL;
	int				 version, latest;
	size_t				 i;

	latest = sqlite_schema_steps[nitems(sqlite_schema_steps) - 1].version;
	if (sqlite_aggregates_functions(db) == -1) {
		snprintf(err, errlen, "cannot add SQL functions: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite_schema_version(db, &version, err, errlen) == -1)
		return -1;
	if (sqlite_schema_too_new(version, latest, err, errlen))
		return -1;
	for (i = 0; i < nitems(sqlite_schema_steps); i++) {
		m = &sqlite_schema_steps[i];
		if (m->version <= version)
			continue;
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
		    &msg) != SQLITE_OK)
			goto fail;
		if (sqlite_schema_version(db, &version, err, errlen) == -1 ||
		    sqlite_schema_too_new(version, latest, err, errlen)) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		if (m->version <= version) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			continue;	/* someone else got there first */
		}
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", m->version);
		if (sqlite3_exec(db, m->sql, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
		version = m->version;
		log_info("store: migrated schema=%d", m->version);
	}
	return 0;

fail:
	snprintf(err, errlen, "schema migration to %d: %s", m->version,
	    msg != NULL ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}
