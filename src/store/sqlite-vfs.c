/*
 * sqlite-vfs.c: SQLite's own file layer ("unix"), with the writes to the
 * WAL gathered. SQLite appends each frame of a commit to the WAL with two
 * pwrite(2) calls, header and page: for a check-in that touches some twenty
 * pages, forty system calls, a third of the daemon's time. This layer keeps
 * the appends of a WAL in memory and writes them in 64 KiB pwrite(2) calls
 * before anything can depend on them:
 *
 * - with the last page of a commit (its frame header says so), so that a
 *   failed write fails the commit; and, to be sure, before SQLite publishes
 *   a commit in the WAL index (xShmBarrier on the database file) and before
 *   it releases or takes a WAL lock (xShmLock): no other connection or
 *   process can see a frame that is not in the file;
 * - before any other use of the WAL file: a read, sync, truncate, size
 *   query, file control, close; and when a write does not follow the ones
 *   kept, or they pass WALBUF_MAX.
 *
 * A commit is thus in the file when it returns, exactly as without this
 * layer; what reaches the disk when is still decided by xSync. The
 * writing connections use it (sqlite_open: the daemon's, checkinctl's);
 * readers and the checkpointer use SQLite's own. Everything else is handed
 * to the real file unchanged.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/base.h"
#include "store/store.h"
#include "store/backend.h"
#include "store/sqlite.h"

/* Appends kept before they are written anyway. */
#define WALBUF_MAX	(4 * 1024 * 1024)
/* The most SQLite's unix layer writes in one call (it masks with 0x1ffff). */
#define WALBUF_CHUNK	(64 * 1024)
/* A WAL frame's header, written apart from its page (SQLite's wal.c). */
#define WAL_FRAME_HDR	24

struct walbuf_file {
	sqlite3_file		 base;		/* methods: ours */
	struct walbuf_file	*wal;		/* a database file's open WAL */
	struct walbuf_file	*db;		/* a WAL's database file */
	int			 is_wal;
	char			*buf;		/* a WAL's appends, from off */
	size_t			 len, cap;
	sqlite3_int64		 off;
	int			 commit;	/* the next page ends a commit */
	sqlite3_file		*real;		/* follows this struct */
};

static sqlite3_vfs	 walbuf_vfs;
static sqlite3_vfs	*walbuf_base;

#define REAL(f)	(((struct walbuf_file *)(f))->real)

/* Write what f keeps: SQLITE_OK, or the error of the write. */
static int
walbuf_flush(struct walbuf_file *f)
{
	size_t	 done, n;
	int	 rc = SQLITE_OK;

	if (f == NULL)
		return SQLITE_OK;
	for (done = 0; done < f->len && rc == SQLITE_OK; done += n) {
		n = f->len - done < WALBUF_CHUNK ? f->len - done : WALBUF_CHUNK;
		rc = f->real->pMethods->xWrite(f->real, f->buf + done, (int)n,
		    f->off + (sqlite3_int64)done);
	}
	f->len = 0;
	return rc;
}

static int
walbuf_close(sqlite3_file *file)
{
	struct walbuf_file	*f = (struct walbuf_file *)file;
	int			 rc, frc;

	frc = walbuf_flush(f);
	if (f->db != NULL && f->db->wal == f)
		f->db->wal = NULL;
	if (f->wal != NULL)
		f->wal->db = NULL;
	free(f->buf);
	rc = f->real->pMethods->xClose(f->real);
	return frc != SQLITE_OK ? frc : rc;
}

static int
walbuf_read(sqlite3_file *file, void *p, int amt, sqlite3_int64 ofst)
{
	int	 rc;

	if ((rc = walbuf_flush((struct walbuf_file *)file)) != SQLITE_OK)
		return rc;
	return REAL(file)->pMethods->xRead(REAL(file), p, amt, ofst);
}

static int
walbuf_write(sqlite3_file *file, const void *p, int amt, sqlite3_int64 ofst)
{
	struct walbuf_file	*f = (struct walbuf_file *)file;
	size_t			 n = (size_t)amt;
	int			 rc;

	if (!f->is_wal)
		return f->real->pMethods->xWrite(f->real, p, amt, ofst);
	if (f->len > 0 && (ofst != f->off + (sqlite3_int64)f->len ||
	    f->len + n > WALBUF_MAX)) {
		if ((rc = walbuf_flush(f)) != SQLITE_OK)
			return rc;
	}
	if (n > WALBUF_CHUNK)
		return f->real->pMethods->xWrite(f->real, p, amt, ofst);
	if (f->len == 0)
		f->off = ofst;
	if (f->len + n > f->cap) {
		f->cap = f->cap == 0 ? 256 * 1024 : f->cap;
		while (f->len + n > f->cap)
			f->cap *= 2;
		f->buf = xreallocarray(f->buf, 1, f->cap);
	}
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	/*
	 * A frame header names the database's size after a commit, 0 in
	 * the others: the page after such a header ends a commit, which
	 * goes to the file now, so that its write's error is SQLite's.
	 */
	if (n == WAL_FRAME_HDR) {
		f->commit = ((const unsigned char *)p)[4] != 0 ||
		    ((const unsigned char *)p)[5] != 0 ||
		    ((const unsigned char *)p)[6] != 0 ||
		    ((const unsigned char *)p)[7] != 0;
		return SQLITE_OK;
	}
	if (f->commit) {
		f->commit = 0;
		return walbuf_flush(f);
	}
	return SQLITE_OK;
}

static int
walbuf_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	int	 rc;

	if ((rc = walbuf_flush((struct walbuf_file *)file)) != SQLITE_OK)
		return rc;
	return REAL(file)->pMethods->xTruncate(REAL(file), size);
}

static int
walbuf_sync(sqlite3_file *file, int flags)
{
	int	 rc;

	if ((rc = walbuf_flush((struct walbuf_file *)file)) != SQLITE_OK)
		return rc;
	return REAL(file)->pMethods->xSync(REAL(file), flags);
}

static int
walbuf_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	int	 rc;

	if ((rc = walbuf_flush((struct walbuf_file *)file)) != SQLITE_OK)
		return rc;
	return REAL(file)->pMethods->xFileSize(REAL(file), size);
}

static int
walbuf_lock(sqlite3_file *file, int lock)
{
	return REAL(file)->pMethods->xLock(REAL(file), lock);
}

static int
walbuf_unlock(sqlite3_file *file, int lock)
{
	return REAL(file)->pMethods->xUnlock(REAL(file), lock);
}

static int
walbuf_check_reserved(sqlite3_file *file, int *out)
{
	return REAL(file)->pMethods->xCheckReservedLock(REAL(file), out);
}

static int
walbuf_file_control(sqlite3_file *file, int op, void *arg)
{
	struct walbuf_file	*f = (struct walbuf_file *)file;
	int			 rc;

	if ((rc = walbuf_flush(f)) != SQLITE_OK ||
	    (rc = walbuf_flush(f->wal)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int
walbuf_sector_size(sqlite3_file *file)
{
	return REAL(file)->pMethods->xSectorSize(REAL(file));
}

static int
walbuf_device_characteristics(sqlite3_file *file)
{
	return REAL(file)->pMethods->xDeviceCharacteristics(REAL(file));
}

static int
walbuf_shm_map(sqlite3_file *file, int page, int size, int extend,
    void volatile **pp)
{
	return REAL(file)->pMethods->xShmMap(REAL(file), page, size, extend,
	    pp);
}

/* A WAL lock taken or released: what the WAL keeps goes to its file first. */
static int
walbuf_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	struct walbuf_file	*f = (struct walbuf_file *)file;
	int			 rc;

	if ((rc = walbuf_flush(f->wal)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

/* SQLite is about to publish a commit in the WAL index. */
static void
walbuf_shm_barrier(sqlite3_file *file)
{
	struct walbuf_file	*f = (struct walbuf_file *)file;

	/*
	 * Nothing is left here by then (the commit's last page wrote it);
	 * an error could not be returned, the next sync of the WAL fails.
	 */
	(void)walbuf_flush(f->wal);
	f->real->pMethods->xShmBarrier(f->real);
}

static int
walbuf_shm_unmap(sqlite3_file *file, int del)
{
	return REAL(file)->pMethods->xShmUnmap(REAL(file), del);
}

static int
walbuf_fetch(sqlite3_file *file, sqlite3_int64 ofst, int amt, void **pp)
{
	int	 rc;

	if ((rc = walbuf_flush((struct walbuf_file *)file)) != SQLITE_OK)
		return rc;
	return REAL(file)->pMethods->xFetch(REAL(file), ofst, amt, pp);
}

static int
walbuf_unfetch(sqlite3_file *file, sqlite3_int64 ofst, void *p)
{
	return REAL(file)->pMethods->xUnfetch(REAL(file), ofst, p);
}

static const sqlite3_io_methods walbuf_methods = {
	3,
	walbuf_close,
	walbuf_read,
	walbuf_write,
	walbuf_truncate,
	walbuf_sync,
	walbuf_file_size,
	walbuf_lock,
	walbuf_unlock,
	walbuf_check_reserved,
	walbuf_file_control,
	walbuf_sector_size,
	walbuf_device_characteristics,
	walbuf_shm_map,
	walbuf_shm_lock,
	walbuf_shm_barrier,
	walbuf_shm_unmap,
	walbuf_fetch,
	walbuf_unfetch,
};

static int
walbuf_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file,
    int flags, int *out_flags)
{
	struct walbuf_file	*f = (struct walbuf_file *)file;
	int			 rc;

	(void)vfs;
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)(f + 1);
	rc = walbuf_base->xOpen(walbuf_base, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		/* SQLite calls no method of a file whose open failed. */
		f->base.pMethods = NULL;
		return rc;
	}
	if (f->real->pMethods->iVersion < 3) {
		f->real->pMethods->xClose(f->real);
		f->base.pMethods = NULL;
		return SQLITE_CANTOPEN;
	}
	f->base.pMethods = &walbuf_methods;
	if ((flags & SQLITE_OPEN_WAL) && name != NULL) {
		f->is_wal = 1;
		f->db = (struct walbuf_file *)sqlite3_database_file_object(name);
		if (f->db != NULL)
			f->db->wal = f;
	}
	return SQLITE_OK;
}

static int
walbuf_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs;
	return walbuf_base->xDelete(walbuf_base, name, sync);
}

static int
walbuf_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return walbuf_base->xAccess(walbuf_base, name, flags, out);
}

static int
walbuf_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return walbuf_base->xFullPathname(walbuf_base, name, n, out);
}

static void *
walbuf_dl_open(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return walbuf_base->xDlOpen(walbuf_base, name);
}

static void
walbuf_dl_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	walbuf_base->xDlError(walbuf_base, n, out);
}

static void
(*walbuf_dl_sym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	return walbuf_base->xDlSym(walbuf_base, h, sym);
}

static void
walbuf_dl_close(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	walbuf_base->xDlClose(walbuf_base, h);
}

static int
walbuf_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return walbuf_base->xRandomness(walbuf_base, n, out);
}

static int
walbuf_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return walbuf_base->xSleep(walbuf_base, us);
}

static int
walbuf_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return walbuf_base->xCurrentTime(walbuf_base, out);
}

static int
walbuf_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return walbuf_base->xGetLastError(walbuf_base, n, out);
}

static int
walbuf_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return walbuf_base->xCurrentTimeInt64(walbuf_base, out);
}

static int	walbuf_registered = SQLITE_ERROR;

static void
walbuf_register(void)
{
	if ((walbuf_base = sqlite3_vfs_find(NULL)) == NULL ||
	    walbuf_base->iVersion < 2)
		return;
	walbuf_vfs.iVersion = 2;
	walbuf_vfs.szOsFile = (int)sizeof(struct walbuf_file) +
	    walbuf_base->szOsFile;
	walbuf_vfs.mxPathname = walbuf_base->mxPathname;
	walbuf_vfs.zName = SQLITE_WALBUF_VFS;
	walbuf_vfs.xOpen = walbuf_open;
	walbuf_vfs.xDelete = walbuf_delete;
	walbuf_vfs.xAccess = walbuf_access;
	walbuf_vfs.xFullPathname = walbuf_full_pathname;
	walbuf_vfs.xDlOpen = walbuf_dl_open;
	walbuf_vfs.xDlError = walbuf_dl_error;
	walbuf_vfs.xDlSym = walbuf_dl_sym;
	walbuf_vfs.xDlClose = walbuf_dl_close;
	walbuf_vfs.xRandomness = walbuf_randomness;
	walbuf_vfs.xSleep = walbuf_sleep;
	walbuf_vfs.xCurrentTime = walbuf_current_time;
	walbuf_vfs.xGetLastError = walbuf_last_error;
	walbuf_vfs.xCurrentTimeInt64 = walbuf_current_time_int64;
	walbuf_registered = sqlite3_vfs_register(&walbuf_vfs, 0);
}

const char *
sqlite_walbuf_vfs(void)
{
	static pthread_once_t	 once = PTHREAD_ONCE_INIT;

	pthread_once(&once, walbuf_register);
	return walbuf_registered == SQLITE_OK ? SQLITE_WALBUF_VFS : NULL;
}
