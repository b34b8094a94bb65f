/*
 * config-voice.c: the voice group (check-in by phone call) and the spoken
 * prompts of the keypad menu, with their Vietnamese and English defaults.
 *
 *   voice = {
 *     confirm_sms = true;
 *     timeout = 8;
 *     prompts_url = "https://example.org/prompts";	# URL/LANG/NAME.EXT
 *     prompts_ext = "wav";
 *     prompts = { vi = { greeting = "..."; }; en = { ... }; };
 *   };
 *
 * A prompt is spoken by text-to-speech (<Say>) unless prompts_url is set,
 * then played (<Play>) from prompts_url/LANG/NAME.EXT; the venue's name,
 * the questions and the hotline are always spoken.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/msg.h"
#include "config/config.h"
#include "config/config-impl.h"

#define VOICE_PROMPT_MAX	500	/* bytes of one prompt */
#define VOICE_LANG_CODE_MAX	8

static const struct {
	const char	*name;
	const char	*vi;
	const char	*en;
} voice_prompts[VP_COUNT] = {
	[VP_LANGUAGE] = { "language", "vi-VN", "en-US" },
	[VP_GREETING] = { "greeting",
	    "Chào mừng bạn đến với dịch vụ khai báo qua điện thoại.",
	    "Welcome to check-in by phone." },
	[VP_CODE] = { "code",
	    "Vui lòng bấm mã địa điểm ghi trên tờ thông báo, sau đó bấm phím thăng.",
	    "Please key in the venue code written on the poster, then press the "
	    "hash key." },
	[VP_CODE_WRONG] = { "code_wrong",
	    "Mã này không phải là một địa điểm.",
	    "This code is not a venue." },
	[VP_VENUE] = { "venue",
	    "Bạn đang khai báo tại",
	    "You are checking in at" },
	[VP_DYM] = { "did_you_mean",
	    "Có phải bạn muốn khai báo tại",
	    "Did you mean" },
	[VP_CONFIRM_KEYS] = { "confirm_keys",
	    "Bấm 1 để xác nhận, hoặc bấm 2 để nhập lại mã.",
	    "Press 1 to confirm, or 2 to key in the code again." },
	[VP_COMPANIONS] = { "companions",
	    "Có bao nhiêu người đi cùng bạn? Bấm một phím từ 0 đến 9.",
	    "How many people are with you? Press a key from 0 to 9." },
	[VP_CHECKED_IN] = { "checked_in",
	    "Bạn đã khai báo thành công.",
	    "You are checked in." },
	[VP_QUESTIONS] = { "questions",
	    "Tiếp theo là một vài câu hỏi sức khỏe.",
	    "Now a few health questions." },
	[VP_YESNO] = { "yes_no",
	    "Bấm 1 nếu có, bấm 2 nếu không.",
	    "Press 1 for yes, 2 for no." },
	[VP_TEXT_BY_SMS] = { "text_by_sms",
	    "Câu hỏi tiếp theo cần trả lời bằng chữ: vui lòng trả lời bằng tin "
	    "nhắn.",
	    "The next question needs a written answer: please answer it by SMS." },
	[VP_DECL_DONE] = { "declaration_done",
	    "Cảm ơn bạn, tờ khai y tế đã hoàn tất.",
	    "Thank you, your health declaration is complete." },
	[VP_DECL_FLAGGED] = { "declaration_flagged",
	    "Vui lòng gọi đường dây nóng y tế",
	    "Please call the health hotline" },
	[VP_SMS_COMING] = { "sms_coming",
	    "Bạn sẽ nhận được tin nhắn xác nhận.",
	    "A confirmation will reach you by SMS." },
	[VP_THANKS] = { "thanks",
	    "Cảm ơn bạn.",
	    "Thank you." },
	[VP_NOT_HEARD] = { "not_heard",
	    "Chúng tôi chưa nhận được phím nào.",
	    "We did not hear any key." },
	[VP_INVALID] = { "invalid",
	    "Phím này không có trong các lựa chọn.",
	    "That key is not one of the choices." },
	[VP_BYE] = { "bye",
	    "Xin cảm ơn và tạm biệt.",
	    "Goodbye." },
};

static int	config_voice_load_prompts(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static void	config_voice_free_prompts(void *);

static const struct config_word config_words_ext[] = {
	{ "wav", 0 },
	{ "mp3", 0 },
	{ NULL, 0 }
};

/* voice = { ... } */
static const struct config_entry config_voice[] = {
	{ .name = "confirm_sms", .type = CT_BOOL, .store = CS_BOOL,
	  .off = CFG_OFF(voice_confirm_sms), .def_num = 1,
	  .help = "send a confirmation SMS after a check-in by phone" },
	{ .name = "timeout", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(voice_timeout), .min = 3, .max = 60, .def_num = 8,
	  .help = "seconds a prompt waits for the caller's keys" },
	{ .name = "prompts_url", .type = CT_STRING, .store = CS_STR,
	  .off = CFG_OFF(voice_prompts_url), .min = 8, .max = 512,
	  .check = config_check_url,
	  .help = "base URL of recorded prompts, played as URL/LANG/NAME.EXT" },
	{ .name = "prompts_ext", .type = CT_STRING, .store = CS_STR,
	  .off = CFG_OFF(voice_prompts_ext), .def_str = "wav",
	  .words = config_words_ext,
	  .help = "the recordings' file type: wav or mp3" },
	{ .name = "prompts", .type = CT_GROUP, .store = CS_LOAD,
	  .load = config_voice_load_prompts, .free = config_voice_free_prompts,
	  .help = "spoken prompts replacing the built-in ones, per language" },
};

const struct config_table config_voice_table = {
	config_voice, nitems(config_voice), NULL
};

const char *
config_voice_prompt_name(enum voice_prompt id)
{
	if ((int)id < 0 || id >= VP_COUNT)
		return "?";
	return voice_prompts[id].name;
}

enum voice_prompt
config_voice_prompt_find(const char *name)
{
	int	i;

	for (i = 0; i < VP_COUNT; i++) {
		if (strcmp(voice_prompts[i].name, name) == 0)
			return (enum voice_prompt)i;
	}
	return VP_COUNT;
}

const char *
config_voice_prompt(const struct config *cfg, int lang, enum voice_prompt id)
{
	const char	*code;
	size_t		 i;

	if ((int)id < 0 || id >= VP_COUNT)
		return "";
	code = msg_lang_code(&cfg->texts, lang);
	for (i = 0; code != NULL && i < cfg->nvoice_prompts; i++) {
		if (cfg->voice_prompts[i].id == (int)id &&
		    strcmp(cfg->voice_prompts[i].lang, code) == 0)
			return cfg->voice_prompts[i].text;
	}
	return lang == LANG_VI ? voice_prompts[id].vi : voice_prompts[id].en;
}

/* A language code as the languages list spells them: 2 to 8 letters a-z. */
static int
config_voice_lang_ok(const char *s)
{
	size_t	n = strlen(s);

	if (n < 2 || n > VOICE_LANG_CODE_MAX)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz") == n;
}

/* prompts = { LANG = { NAME = "..."; ... }; ... } */
static int
config_voice_load_prompts(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct config		*cfg = target;
	const config_setting_t	*l, *p;
	const char		*lang, *pname, *text;
	char			 path[CONFIG_PATH_MAX], why[128];
	enum voice_prompt	 id;
	int			 i, j, nl, np;

	(void)parent;
	if (s == NULL)
		return 0;
	nl = config_setting_length(s);
	for (i = 0; i < nl; i++) {
		l = config_setting_get_elem(s, i);
		lang = config_setting_name(l);
		snprintf(path, sizeof path, "%s.%s", name, lang != NULL ? lang : "?");
		if (lang == NULL || !config_voice_lang_ok(lang))
			return config_fail(ctx, l, path, "not a language code");
		if (config_setting_type(l) != CONFIG_TYPE_GROUP)
			return config_fail(ctx, l, path, "must be a group "
			    "{ NAME = \"...\"; ... }");
		np = config_setting_length(l);
		for (j = 0; j < np; j++) {
			p = config_setting_get_elem(l, j);
			pname = config_setting_name(p);
			snprintf(path, sizeof path, "%s.%s.%s", name, lang,
			    pname != NULL ? pname : "?");
			if (pname == NULL ||
			    (id = config_voice_prompt_find(pname)) == VP_COUNT)
				return config_fail(ctx, p, path, "unknown prompt "
				    "(see checkind.conf(5), voice.prompts)");
			if (config_setting_type(p) != CONFIG_TYPE_STRING)
				return config_fail(ctx, p, path, "must be a string");
			text = config_setting_get_string(p);
			if (text[0] == '\0' || strlen(text) > VOICE_PROMPT_MAX)
				return config_fail(ctx, p, path, "must be 1 to %d "
				    "bytes long", VOICE_PROMPT_MAX);
			if (config_check_utf8(text, why, sizeof why) != 0)
				return config_fail(ctx, p, path, "%s", why);
			cfg->voice_prompts = xreallocarray(cfg->voice_prompts,
			    cfg->nvoice_prompts + 1, sizeof *cfg->voice_prompts);
			cfg->voice_prompts[cfg->nvoice_prompts].lang = xstrdup(lang);
			cfg->voice_prompts[cfg->nvoice_prompts].id = (int)id;
			cfg->voice_prompts[cfg->nvoice_prompts].text = xstrdup(text);
			cfg->nvoice_prompts++;
		}
	}
	return 0;
}

static void
config_voice_free_prompts(void *target)
{
	struct config	*cfg = target;
	size_t		 i;

	for (i = 0; i < cfg->nvoice_prompts; i++) {
		free(cfg->voice_prompts[i].lang);
		free(cfg->voice_prompts[i].text);
	}
	free(cfg->voice_prompts);
	cfg->voice_prompts = NULL;
	cfg->nvoice_prompts = 0;
}

/* Warn when a check-in by phone is to be confirmed by SMS with no way out. */
void
config_voice_warn(const struct config *cfg)
{
	size_t	 i;

	if (!cfg->voice_confirm_sms || cfg->nroutes != 0)
		return;
	for (i = 0; i < cfg->ninbound; i++) {
		if (strcmp(cfg->inbound[i].type, "voice") != 0)
			continue;
		log_warnx("config: file=%s route=%s (voice.confirm_sms is on "
		    "but there are no outbound routes: check-ins by phone get "
		    "no confirmation SMS)", cfg->file, cfg->inbound[i].name);
		return;
	}
}
