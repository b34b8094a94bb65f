/*
 * config-impl.h: what the files of src/config share, and nothing else
 * includes: the tables that describe every setting and the loader that
 * walks them. Included after config/config.h, whose structs the tables
 * describe.
 */
#ifndef CONFIG_IMPL_H
#define CONFIG_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <libconfig.h>

#define CONFIG_NAME_MAX		63	/* route names, question ids, venue kinds (a session keeps 64 bytes) */
#define CONFIG_SECRET_MAX	1024	/* bytes of a secret or token */
#define CONFIG_PREFIX_DIGITS	15	/* digits of an E.164 number at most */
#define CONFIG_PATH_MAX		256	/* a setting's dotted name, for messages */
#define CONFIG_SHA256_HEX	64	/* hex digits of a SHA-256 */

/* What the loader is doing: the file and where the first error goes. */
struct config_ctx {
	const char			*file;
	char				*err;
	size_t				 errlen;
	const struct route_driver	*drivers;	/* what routes may name */
	const struct inbound_format	*formats;	/* what inbound routes may name */
};

/* The shape a setting must have in the file. */
enum config_type {
	CT_STRING,
	CT_INT,
	CT_BOOL,
	CT_GROUP,
	CT_LIST,	/* ( { ... }, { ... } ) */
	CT_STRINGS,	/* [ "a", "b" ] or ( "a", "b" ) */
	CT_FLOAT	/* 10.0, or a whole number: 50 */
};

/* Where and how a value is kept in the target struct. */
enum config_store {
	CS_STR,		/* char *, a copy */
	CS_INT,		/* int */
	CS_SIZE,	/* size_t */
	CS_BOOL,	/* int, 0 or 1 */
	CS_ENUM,	/* int, the value of the matching word */
	CS_FILE,	/* char *, the first line of the named file */
	CS_DOUBLE,	/* double */
	CS_GROUP,	/* a group: its table, into target + off */
	CS_LIST,	/* a list of groups: an array of the target */
	CS_LOAD		/* anything else: the entry's loader keeps it */
};

/* An allowed value of a string setting. */
struct config_word {
	const char	*name;
	int		 value;
};

typedef int	(*config_load_cb)(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
typedef void	(*config_free_cb)(void *);
typedef int	(*config_check_cb)(const char *, char *, size_t);
typedef int	(*config_post_cb)(struct config_ctx *, const config_setting_t *,
		    const char *, void *);
typedef int	(*config_pair_cb)(struct config_ctx *, const config_setting_t *,
		    const char *, size_t, const void *, size_t, const void *);

struct config;
struct config_table;
struct config_list;

/*
 * One setting: its name, shape, limits, default and help. Every group of the
 * file (top level, http, each inbound route, each outbound route, outbox,
 * each question set, each question) is a table of these, walked by
 * config_group(); a group in it is an entry naming the group's table
 * (CS_GROUP), a list of groups one naming its struct config_list (CS_LIST).
 * config_free() walks the same tables.
 */
struct config_entry {
	const char			*name;
	enum config_type		 type;
	enum config_store		 store;
	size_t				 off;		/* into the target struct */
	int				 required;
	long long			 min;		/* numbers: range; strings: length */
	long long			 max;
	long long			 def_num;	/* default of a number or bool */
	double				 fmin;		/* CT_FLOAT: range */
	double				 fmax;
	int				 fmin_open;	/* CT_FLOAT: > fmin */
	double				 fdef;		/* CT_FLOAT: default */
	const char			*def_str;	/* default of a string, or NULL */
	const struct config_word	*words;		/* allowed values, NULL-ended */
	config_check_cb			 check;		/* further checks of a string */
	const struct config_table	*group;		/* CS_GROUP: its settings */
	const struct config_list	*list;		/* CS_LIST: its elements */
	config_load_cb			 load;		/* CS_LOAD: keeps the value */
	config_free_cb			 free;		/* CS_LOAD: frees it */
	const char			*conflicts;	/* entry sharing the same field */
	const char			*help;
};

/* A group of settings, and the checks that involve more than one of them. */
struct config_table {
	const struct config_entry	*tab;
	size_t				 ntab;
	config_post_cb			 post;		/* or NULL */
};

/*
 * A list of groups ( { ... }, ... ): each element is walked against one
 * table into an array of the target, then checked against those before it.
 */
struct config_list {
	struct config_table	 elem;
	size_t			 size;		/* of one element */
	size_t			 off;		/* the array's pointer in the target */
	size_t			 noff;		/* its length, a size_t */
	int			 max;		/* elements at most, 0: no limit */
	const char		*many;		/* "routes", as in "more than 64 routes" */
	const char		*none;		/* the error of an empty list, or NULL */
	const char		*shape;		/* "{ name = ...; ... }" */
	const char		*key_name;	/* a setting no two elements share */
	size_t			 key;		/* where it is kept, a string */
	const char		*twice;		/* the error when two share it, after
						   the value; NULL: "is already the
						   KEY of LIST[J]" */
	config_pair_cb		 pair;		/* element i against an earlier j */
	config_post_cb		 done;		/* once all are read, or NULL */
};

#define CFG_OFF(f)	offsetof(struct config, f)

/* config.c: the walk. */
int	config_fail(struct config_ctx *, const config_setting_t *, const char *,
	    const char *, ...) __attribute__((format(printf, 4, 5)));
int	config_fail_member(struct config_ctx *, const config_setting_t *,
	    size_t, const char *, const char *, const char *, ...)
	    __attribute__((format(printf, 6, 7)));
void	config_join(char *, size_t, const char *, const char *);
const char *config_type_name(enum config_type);
const struct config_entry *config_entry_find(const struct config_table *,
	    const char *);
int	config_group(struct config_ctx *, const config_setting_t *,
	    const config_setting_t *, const char *, const struct config_table *,
	    void *);
int	config_list(struct config_ctx *, const config_setting_t *,
	    const config_setting_t *, const char *, const struct config_list *,
	    void *);
void	config_group_free(const struct config_table *, void *);
void	config_list_free(const struct config_list *, void *);

/* config-check.c: the checks of one string setting. */
int	config_check_timezone(const char *, char *, size_t);
int	config_check_digits(const char *, char *, size_t);
int	config_check_number(const char *, char *, size_t);
int	config_check_hotline(const char *, char *, size_t);
int	config_check_listen(const char *, char *, size_t);
int	config_check_name(const char *, char *, size_t);
int	config_check_path(const char *, char *, size_t);
int	config_check_url(const char *, char *, size_t);
int	config_check_utf8(const char *, char *, size_t);
int	config_check_word(const char *, char *, size_t);
int	config_check_sender(const char *, char *, size_t);
int	config_check_token_name(const char *, char *, size_t);
int	config_check_sha256(const char *, char *, size_t);
int	config_check_secret(const char *, char *, size_t);
int	config_check_dlr_secret(const char *, char *, size_t);
int	config_listen_loopback(const char *);
int	config_sha256_decode(const char *, int, unsigned char *, char *,
	    size_t);
int	config_prefix_match(const unsigned char *, const unsigned char *, int);
/* config-routes.c: "ADDR" or "ADDR/PREFIX" into a CIDR block; -1 and why if bad. */
int	config_allow_parse(const char *, struct allow_net *, char *why, size_t len);
int	config_allow_load(struct config_ctx *, const config_setting_t *,
	    const char *name, struct allow_net **, size_t *);
int	config_listen_addr(const char *, unsigned char *, uint16_t *);
int	config_addr_any(int, const unsigned char *);

/* config-routes.c: inbound entry points, outbound routes. */
extern const struct config_list		config_inbound_list;
extern const struct config_list		config_routes_list;
int	config_routes_post(struct config_ctx *, const config_setting_t *,
	    struct config *);
void	config_ussd_warn(const struct config *);
void	config_routes_warn(const struct config *);

/*
 * config-texts.c: the words (languages, keywords, reply templates, USSD
 * screens) and the declaration's questions. The words depend on one another
 * and on the languages, wherever they are in the file: their entries only
 * accept them (config_load_later) and config_words_post() reads them all.
 */
extern const struct config_list		config_questions_list;
int	config_load_later(struct config_ctx *, const config_setting_t *,
	    const config_setting_t *, const char *, void *);
int	config_words_post(struct config_ctx *, const config_setting_t *,
	    struct config *);
void	config_words_free(void *);
void	config_questions_warn(const struct config *);

/* config-voice.c: voice = { ... } */
extern const struct config_table	config_voice_table;
void	config_voice_warn(const struct config *);

/* config-admin.c: the officials' API listener and tokens. */
int	config_load_admin(struct config_ctx *, const config_setting_t *,
	    const config_setting_t *, const char *, void *);
void	config_admin_free(void *);
int	config_admin_post(struct config_ctx *, const config_setting_t *,
	    struct config *);
void	config_admin_warn(const struct config *);

#endif
