/*
 * bench-parse.c: the parser's cost per message (scripts/bench parse). Reads
 * the texts of tests/corpus/checkin.tsv (or the file given), then times
 * text_fold + parse_message, and parse_message alone on the folded texts,
 * over the whole corpus until BENCH_PARSE_SECONDS (default 2) of CPU time
 * have passed (CPU time: a shared machine leaves wall time meaningless).
 * Prints nanoseconds per message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "codec/text.h"
#include "core/parse.h"

#define BENCH_TEXTS_MAX	4096
#define BENCH_CODE_LEN	7

static double
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Undo the corpus's escapes (\n \t \\) in place. */
static void
bench_unescape(char *s)
{
	char	*o = s;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			*o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
		} else
			*o++ = *s;
	}
	*o = '\0';
}

int
main(int argc, char *argv[])
{
	static char		*texts[BENCH_TEXTS_MAX], *folded[BENCH_TEXTS_MAX];
	struct parse_result	 r;
	FILE			*fp;
	char			*line = NULL, *t, *f;
	const char		*path, *env;
	size_t			 cap = 0, n = 0, i, done;
	ssize_t			 len;
	double			 seconds = 2, t0, el;

	path = argc > 1 ? argv[1] : "tests/corpus/checkin.tsv";
	if ((env = getenv("BENCH_PARSE_SECONDS")) != NULL)
		seconds = atof(env);
	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		return 1;
	}
	while ((len = getline(&line, &cap, fp)) != -1 && n < BENCH_TEXTS_MAX) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#' || strncmp(line, "venue\t", 6) == 0)
			continue;
		if ((t = strchr(line, '\t')) == NULL ||
		    (t = strchr(t + 1, '\t')) == NULL)
			continue;
		texts[n] = xstrdup(t + 1);
		bench_unescape(texts[n]);
		folded[n] = text_fold(texts[n], strlen(texts[n]));
		n++;
	}
	free(line);
	fclose(fp);
	if (n == 0) {
		fprintf(stderr, "%s: no texts\n", path);
		return 1;
	}

	t0 = bench_now();
	for (done = 0; (el = bench_now() - t0) < seconds;) {
		for (i = 0; i < n; i++, done++) {
			parse_message(folded[i], BENCH_CODE_LEN, &r);
		}
	}
	printf("parse: %zu texts, parse_message %.0f ns/message\n", n,
	    el * 1e9 / done);
	t0 = bench_now();
	for (done = 0; (el = bench_now() - t0) < seconds;) {
		for (i = 0; i < n; i++, done++) {
			f = text_fold(texts[i], strlen(texts[i]));
			parse_message(f, BENCH_CODE_LEN, &r);
			free(f);
		}
	}
	printf("parse: %zu texts, text_fold + parse_message %.0f ns/message\n",
	    n, el * 1e9 / done);
	for (i = 0; i < n; i++) {
		free(texts[i]);
		free(folded[i]);
	}
	return 0;
}
