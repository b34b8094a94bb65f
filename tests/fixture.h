/*
 * fixture.h: what the unit tests and the fuzz targets set up alike, without
 * Check: a temporary folder, a configuration text written there and loaded,
 * venues added to a store, and the pieces of configuration they share.
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include "base/base.h"
#include "config/config.h"
#include "store/store.h"

/*
 * Configuration text of the dialog and USSD tests and targets, to follow
 * their database line: the channels and routes, then the questions.
 */
#define FIXTURE_CONF_HTTP \
    "http = { listen = \"127.0.0.1:18080\"; };\n" \
    "hotline = \"1900 9095\";\n"
#define FIXTURE_CONF_ROUTES \
    "routes = ( { name = \"dry\"; driver = \"null\"; },\n" \
    "  { name = \"viettel\"; driver = \"null\"; prefixes = [ \"+8486\", \"+8496\" ]; } );\n" \
    "outbox = { default_route = \"dry\"; };\n"
/* The SMS channel "test" and the routes. */
#define FIXTURE_CONF_SMS \
    FIXTURE_CONF_HTTP \
    "inbound = ( { name = \"test\"; format = \"json\"; path = \"/sms/json\"; reply = \"inline\"; } );\n" \
    FIXTURE_CONF_ROUTES
/* The USSD channels "ussd-at" and "ussd-json", the routes, the menu. */
#define FIXTURE_CONF_USSD \
    FIXTURE_CONF_HTTP \
    "inbound = (\n" \
    "  { name = \"ussd-at\"; type = \"ussd\"; format = \"africastalking\"; path = \"/ussd/at\"; route = \"dry\"; },\n" \
    "  { name = \"ussd-json\"; type = \"ussd\"; format = \"json\"; path = \"/ussd/json\"; } );\n" \
    FIXTURE_CONF_ROUTES \
    "ussd = { resume = 300; confirm_sms = true; };\n"
/* The kinds default and checkpoint, with their questions' Vietnamese; open. */
#define FIXTURE_CONF_QUESTIONS(symptoms, route) \
    "questions = (\n" \
    " { kind = \"default\"; ask = (\n" \
    "   { id = \"symptoms\"; type = \"yesno\"; vi = \"" symptoms "\"; en = \"Fever or cough?\"; flag_on = \"yes\"; },\n" \
    "   { id = \"contact\"; type = \"yesno\"; vi = \"Ban co tiep xuc F0 khong?\"; en = \"Contact with a case?\"; flag_on = \"yes\"; } ); },\n" \
    " { kind = \"checkpoint\"; ask = (\n" \
    "   { id = \"route\"; type = \"text\"; vi = \"" route "\"; en = \"Your route?\"; } ); }"

/* A venue to add; a NULL payload lets the store allocate a code. */
struct fixture_venue {
	const char	*payload;
	const char	*name;
	const char	*address;
	const char	*ward;
	const char	*district;
	const char	*kind;
	const char	*owner;
};

int		 fixture_dir(char *, size_t, const char *);
int		 fixture_rmdir(const char *);
struct config	*fixture_config(const char *, const char *, char *, size_t);
int64_t		 fixture_venue_add(struct store *, const struct fixture_venue *,
		     struct venue *);
__dead void	 fixture_fail(const char *);
void		 fixture_check_str(const char *, const char *, size_t);

#endif
