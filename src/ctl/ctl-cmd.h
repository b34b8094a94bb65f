/*
 * ctl-cmd.h: what checkinctl's command files share. ctl.c parses the
 * command line, finds the command in ctl_cmds and holds the helpers below;
 * each family of commands is a file of its own, cmd-FAMILY.c, as tmux has
 * them.
 */
#ifndef CTL_CMD_H
#define CTL_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/base.h"
#include "codec/code.h"
#include "codec/number.h"
#include "officials/export.h"
#include "officials/trace.h"

/* What a command needs before it runs. */
#define CTL_NOSETUP	0x1	/* neither the configuration nor the database */

#define CTL_ACTOR_MAX	128	/* bytes of an audit row's actor */

/* What every command works with. */
struct ctl {
	struct config	*cfg;		/* NULL in -d mode without -c */
	const char	*config_file;	/* -c, or NULL */
	const char	*database;
	const char	*country_code;
	size_t		 code_digits;	/* payload digits of a new code */
	struct store	*store;		/* opened on first use */
};

/*
 * A command: "name sub" (sub NULL for a command of one word). exec gets
 * argv from the last word of the command on, as getopt_long wants it.
 */
struct ctl_cmd {
	const char	*name;
	const char	*sub;
	const char	*usage;
	int		 flags;
	int		(*exec)(struct ctl *, const struct ctl_cmd *, int,
			    char **);
};

/* The options officials' commands share: --from, --to and --format. */
struct ctl_period {
	int64_t			from;
	int64_t			to;
	int			has_from;
	int			has_to;
	enum export_format	format;
};

/* A venue as the administrator typed it, before checking. */
struct cmd_venue_fields {
	const char	*name;
	const char	*address;
	const char	*ward;
	const char	*district;
	const char	*kind;
	const char	*owner;
};

struct venue;

/* The commands, one family a file. */
int	cmd_venue_add(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_venue_list(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_venue_show(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_venue_deactivate(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_venue_import(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_venue_call_number(struct ctl *, const struct ctl_cmd *, int, char **);
/* cmd-venue-call.c: set (number) or clear (NULL) a venue's call_number; 0 or 1. */
int	cmd_venue_set_call(struct ctl *, const char *what, const char *code,
	    const char *number);
int	cmd_venue_activate(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_inspector_add(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_inspector_del(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_inspector_list(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_outbox_list(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_outbox_show(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_outbox_retry(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_outbox_cancel(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_outbox_stats(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_trace(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_report_wards(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_report_inactive(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_alert(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_purge(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_token(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_config_check(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_sessions(struct ctl *, const struct ctl_cmd *, int, char **);
int	cmd_poster(struct ctl *, const struct ctl_cmd *, int, char **);

/* cmd-venue.c: check what was typed and build a venue of it; -1 and why in err. */
int	cmd_venue_make(struct ctl *, const struct cmd_venue_fields *,
	    struct venue *, char *err, size_t errlen);

/* ctl.c: usage and options. Usage errors exit 2. */
__dead void	 ctl_cmd_usage(const struct ctl_cmd *);
/* Report what getopt_long did not like ('?' or ':'), then the usage. */
__dead void	 ctl_bad_option(const struct ctl_cmd *, int ch, char **argv);
/* Options of a command that takes none (only -h). */
void		 ctl_no_options(const struct ctl_cmd *, int argc, char **argv);
/* Nothing may follow the options. */
void		 ctl_no_args(const struct ctl_cmd *, int argc, char **argv);
/* No --from or --to yet; text on a terminal, CSV into a pipe or file. */
void		 ctl_period_init(struct ctl_period *);
/* Take --from ('f'), --to ('t') or --format ('F'); anything else is a usage error. */
void		 ctl_period_opt(const struct ctl_cmd *, int ch, char **argv,
		    struct ctl_period *);
/* Both ends of the window are given, in order. */
void		 ctl_period_check(const struct ctl_cmd *, const struct ctl_period *);
/* The options of a command taking --from, --to and --format only. */
void		 ctl_period_parse(const struct ctl_cmd *, int argc, char **argv,
		    struct ctl_period *);
/* A time: ISO 8601 with an offset, epoch seconds, or a local day (end: the next midnight). */
int		 ctl_time_parse(const char *, int end, int64_t *);
/* A time option that is not a time. */
__dead void	 ctl_bad_time(const struct ctl_cmd *, const char *opt, const char *arg);

/* ctl.c: what the commands work on. */
/* The store, opened on first use so usage errors never touch the file. */
struct store	*ctl_store(struct ctl *);
/* An open stay counts this long (seconds). */
int		 ctl_default_stay(const struct ctl *);
/* The audit row's actor: "checkinctl:" and the Unix user. */
void		 ctl_actor(char *buf, size_t len);
/* What was asked, for the audit row: the command as typed. */
char		*ctl_query(const struct ctl_cmd *, int argc, char **argv);
/* Print the rows of an audited read, or say why it failed (what: what it reads): the exit status. */
int		 ctl_audited(const struct ctl_cmd *, enum trace_step,
		    const char *action, const char *what, struct export *);
/* Write the rendered rows to standard output; frees e. */
void		 ctl_export_print(struct export *);

/* ctl.c: what was typed. */
/* A copy of s without leading and trailing blanks. */
char		*ctl_trim(const char *);
/* Valid UTF-8, at most max bytes, no control characters; -1 and why in err. */
int		 ctl_text_check(const char *what, const char *s, size_t max,
		    int multiline, char *err, size_t errlen);
/* A venue code given as the arguments, separators dropped; -1 if not one. */
int		 ctl_code_arg(int argc, char **argv, char out[CODE_MAX]);
/* The code of a command taking CODE, from what getopt left. */
int		 ctl_code_of(const struct ctl_cmd *, int argc, char **argv,
		    char code[CODE_MAX], char *grouped, size_t glen);
/* A phone number made E.164; -1 and a message if it is not one. */
int		 ctl_number_arg(struct ctl *, const char *, char out[NUMBER_MAX]);
/* The venue named by the code in argv: its id; -1 and a message if none. */
int		 ctl_venue_arg(struct ctl *, int argc, char **argv,
		    char code[CODE_MAX], int64_t *id);

/* ctl.c: what is shown. */
/* Text for a line-oriented listing: control characters become spaces, "-" for none. */
void		 ctl_put(FILE *, const char *);
/* Wipe a progress line on standard error, if one is shown. */
void		 ctl_unprogress(int *shown);

#endif
