# src/store: the only code that speaks SQL.
noinst_LIBRARIES += libstore.a
libstore_a_SOURCES = src/store/store.c src/store/store.h
