# Included by Makefile.am: the libFuzzer targets, built with --enable-fuzzing.
# The library is built with -fsanitize=fuzzer-no-link (configure.ac); only
# the targets link libFuzzer's main. scripts/fuzz TARGET SECONDS runs one,
# with its seed corpus tests/fuzz/corpus/TARGET (tests/fuzz/README.md).
if FUZZING
FUZZ_TARGETS = tests/fuzz/fuzz-parse tests/fuzz/fuzz-dialog tests/fuzz/fuzz-fmt \
	tests/fuzz/fuzz-ussd tests/fuzz/fuzz-config tests/fuzz/fuzz-pdu tests/fuzz/fuzz-smpp \
	tests/fuzz/fuzz-csv tests/fuzz/fuzz-voice
noinst_PROGRAMS = $(FUZZ_TARGETS)
FUZZ_LIBS = $(LAYER_LIBS) $(DEPS_LIBS)
FUZZ_LINK = $(AM_LDFLAGS) -fsanitize=fuzzer
# tests/fixture.c: the set-up the unit tests share, without Check.
FUZZ_FIXTURE = tests/fixture.c tests/fixture.h
FUZZ_FIXTURE_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests

tests_fuzz_fuzz_parse_SOURCES = tests/fuzz/fuzz-parse.c
tests_fuzz_fuzz_parse_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_parse_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_dialog_SOURCES = tests/fuzz/fuzz-dialog.c $(FUZZ_FIXTURE)
tests_fuzz_fuzz_dialog_CPPFLAGS = $(FUZZ_FIXTURE_CPPFLAGS)
tests_fuzz_fuzz_dialog_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_dialog_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_fmt_SOURCES = tests/fuzz/fuzz-fmt.c
tests_fuzz_fuzz_fmt_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_fmt_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_ussd_SOURCES = tests/fuzz/fuzz-ussd.c $(FUZZ_FIXTURE)
tests_fuzz_fuzz_ussd_CPPFLAGS = $(FUZZ_FIXTURE_CPPFLAGS)
tests_fuzz_fuzz_ussd_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_ussd_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz-config.c
tests_fuzz_fuzz_config_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_config_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_pdu_SOURCES = tests/fuzz/fuzz-pdu.c $(FUZZ_FIXTURE)
tests_fuzz_fuzz_pdu_CPPFLAGS = $(FUZZ_FIXTURE_CPPFLAGS)
tests_fuzz_fuzz_pdu_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_pdu_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_smpp_SOURCES = tests/fuzz/fuzz-smpp.c $(FUZZ_FIXTURE)
tests_fuzz_fuzz_smpp_CPPFLAGS = $(FUZZ_FIXTURE_CPPFLAGS)
tests_fuzz_fuzz_smpp_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_smpp_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_csv_SOURCES = tests/fuzz/fuzz-csv.c
tests_fuzz_fuzz_csv_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_csv_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_voice_SOURCES = tests/fuzz/fuzz-voice.c $(FUZZ_FIXTURE)
tests_fuzz_fuzz_voice_CPPFLAGS = $(FUZZ_FIXTURE_CPPFLAGS)
tests_fuzz_fuzz_voice_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_voice_LDFLAGS = $(FUZZ_LINK)
endif
