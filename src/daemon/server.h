/* server.h: the daemon: one event loop, the configuration, the database. */
#ifndef SERVER_H
#define SERVER_H

/* Load cfg_path, open the database, listen, run until SIGTERM/SIGINT. Exit status. */
int	server_main(const char *cfg_path, int foreground, int verbose);

#endif
