/*
 * pg-schema.c: the PostgreSQL schema, migrated in numbered steps like the
 * SQLite one (sqlite-schema.c), under an advisory lock.
 */
#include <stdint.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "base/base.h"
#include "store/store.h"
#include "store/backend.h"
#include "store/pg.h"

/* TODO(pg-schema.c): not built yet. */
int
pg_schema_migrate(struct pg_store *q, char *err, size_t errlen)
{
	(void)q;
	snprintf(err, errlen, "PostgreSQL schema not built yet");
	return -1;
}
