/*
 * fuzz-config.c: libFuzzer target for the configuration loader (config.c
 * over libconfig). The input is a configuration file, written to a
 * temporary file; a configuration that loads is then asked what the
 * daemon asks of it (routes by name and number, questions, inbound paths,
 * allow lists, tokens, listen addresses, the words of every language) and
 * checked against the limits config.c promises.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/gsm.h"
#include "codec/msg.h"
#include "config/config.h"
#include "chan/fmt.h"
#include "chan/route-drivers.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * The words: every language has a code and every text; a template the file
 * sets fits one SMS segment with the longest values; no word means two
 * things in one language; a language's own word means nothing else.
 */
static void
fuzz_words(const struct config *cfg)
{
	static const struct msg_var	 vars[] = {
		{ "venue", "Quán Phở Gia Truyền Bát Đàn Số 49 Hà Nội" },
		{ "ward", "Phuong Hang Bong" }, { "time", "08:15 16/09" },
		{ "code", "123 4567" }, { "companions", "20" }, { "n", "10" },
		{ "total", "10" }, { "question", "" }, { "list", "" },
		{ "lookups", "99" },
	};
	const struct msg_texts		*t = &cfg->texts;
	const struct msg_keyword	*kw;
	struct gsm_count		 gc;
	char				*s;
	size_t				 n, i, j;
	int				 l, id;

	if (msg_nlangs(t) < LANG_COUNT || msg_nlangs(t) > LANG_MAX ||
	    (int)cfg->language < 0 || (int)cfg->language >= msg_nlangs(t))
		abort();
	for (l = 0; l < msg_nlangs(t); l++) {
		if (msg_lang_code(t, l) == NULL ||
		    msg_lang_find(t, msg_lang_code(t, l)) != l)
			abort();
		for (id = 0; id < MSG_COUNT; id++) {
			if (msg_template(t, l, id) == NULL)
				abort();
			if (t->tmpl[l][id] == NULL || strstr(t->tmpl[l][id],
			    "{short_number}") != NULL || strstr(t->tmpl[l][id],
			    "{hotline}") != NULL || strstr(t->tmpl[l][id],
			    "{list}") != NULL || strstr(t->tmpl[l][id],
			    "{code}") != NULL)
				continue;
			s = msg_render(t, l, id, vars, nitems(vars));
			if (gsm_count(s, strlen(s), &gc) != 0 || gc.segments > 1)
				abort();
			free(s);
		}
		for (id = UT_NONE + 1; id < UT_COUNT; id++) {
			if (msg_screen(t, l, id) == NULL)
				abort();
		}
	}
	kw = msg_keywords(t, &n);
	for (i = 0; i < n; i++) {
		if (kw[i].word == NULL || kw[i].word[0] == '\0' ||
		    kw[i].lang < 0 || kw[i].lang >= msg_nlangs(t))
			abort();
		for (j = 0; j < i; j++) {
			if (strcmp(kw[i].word, kw[j].word) != 0 ||
			    kw[i].kw == kw[j].kw)
				continue;
			if (kw[i].kw == KW_LANG || kw[j].kw == KW_LANG ||
			    kw[i].lang == kw[j].lang)
				abort();
		}
	}
}

/* Ask the configuration what the daemon asks it. */
static void
fuzz_use(const struct config *cfg)
{
	static const unsigned char	 v4[4] = { 127, 0, 0, 1 };
	static const unsigned char	 v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	const struct question_set	*qs;
	const struct route		*r;
	char				 host[256];
	uint16_t			 port;
	size_t				 i;

	if (cfg->code_digits < 4 || cfg->code_digits > 9 || cfg->database == NULL)
		abort();
	qs = config_questions(cfg, "default");
	if (qs == NULL || config_questions(cfg, "checkpoint") == NULL)
		abort();
	for (i = 0; i < qs->nquestions; i++) {
		if (qs->questions[i].id == NULL)
			abort();
	}
	for (i = 0; i < cfg->nroutes; i++) {
		if (config_route(cfg, cfg->routes[i].name) == NULL)
			abort();
	}
	r = config_route_for(cfg, "+84912345678");
	if (cfg->nroutes > 0 && r == NULL)
		abort();
	for (i = 0; i < cfg->ninbound; i++) {
		if (config_inbound_by_path(cfg, cfg->inbound[i].path) == NULL)
			abort();
		config_allowed(&cfg->inbound[i], AF_INET, v4);
		config_allowed(&cfg->inbound[i], AF_INET6, v6);
	}
	config_token(cfg, "not-a-token");
	if (cfg->http_listen != NULL)
		config_listen_split(cfg->http_listen, host, sizeof host, &port);
	if (cfg->admin_listen != NULL)
		config_listen_split(cfg->admin_listen, host, sizeof host, &port);
	fuzz_words(cfg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 init;
	struct config	*cfg;
	char		 path[] = "/tmp/fuzz-config.XXXXXX", err[1024];
	int		 fd;

	if (!init) {
		log_init(1, getenv("FUZZ_DEBUG") != NULL ? 1 : -1);
		init = 1;
	}
	/* A file of its own each time, gone before anything can abort. */
	if ((fd = mkstemp(path)) == -1)
		fatal("mkstemp");
	if (write(fd, data, size) != (ssize_t)size)
		fatal("write %s", path);
	close(fd);
	err[0] = '\0';
	cfg = config_load(path, route_drivers, fmt_formats, err, sizeof err);
	unlink(path);
	if (cfg == NULL) {
		if (err[0] == '\0')
			abort();	/* every refusal says why */
		log_debug("fuzz: refused: %s", err);
		return 0;
	}
	log_debug("fuzz: loaded: %zu routes, %zu inbound", cfg->nroutes, cfg->ninbound);
	fuzz_use(cfg);
	config_free(cfg);
	return 0;
}
