# src/officials: health officials and ward offices: admin API, dashboard, exports, posters, purge.
noinst_LIBRARIES += libofficials.a
libofficials_a_SOURCES = src/officials/admin.c src/officials/admin.h \
	src/officials/admin-req.h src/officials/admin-reports.c \
	src/officials/admin-venues.c src/officials/alert.c src/officials/alert.h \
	src/officials/dashboard.c src/officials/dashboard.h src/officials/export.c \
	src/officials/export.h src/officials/poster.c src/officials/poster.h \
	src/officials/purge.c src/officials/purge.h src/officials/report.c \
	src/officials/report.h src/officials/trace.c src/officials/trace.h \
	src/officials/readers.c src/officials/readers.h src/officials/admin-read.c \
	src/officials/district.c src/officials/district.h \
	src/officials/admin-wards.c src/officials/dashboard-ward.c
libofficials_a_SOURCES += src/officials/admin-thread.c
