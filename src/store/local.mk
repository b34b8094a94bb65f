# src/store: the only code that speaks SQL. store.c is the face (store.h),
# handing each call to a backend (backend.h); sqlite*.c is the SQLite one,
# pg*.c the PostgreSQL one.
noinst_LIBRARIES += libstore.a
libstore_a_SOURCES = src/store/store.c src/store/store.h src/store/backend.h \
	src/store/sqlite.c src/store/sqlite.h src/store/sqlite-schema.c \
	src/store/sqlite-venues.c src/store/sqlite-checkins.c \
	src/store/sqlite-inbound.c src/store/sqlite-outbox.c \
	src/store/sqlite-reports.c src/store/sqlite-purge.c \
	src/store/sqlite-secrets.c src/store/sqlite-vfs.c \
	src/store/sqlite-sessions.c \
	src/store/sqlite-aggregates.c \
	src/store/sqlite-ward.c src/store/store-ward.c \
	src/store/sqlite-days.c \
	src/store/pg.c src/store/pg.h src/store/pg-schema.c \
	src/store/pg-admin.c src/store/pg-resident.c src/store/pg-outbox.c \
	src/store/pg-officials.c
