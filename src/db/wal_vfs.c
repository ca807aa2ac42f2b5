/* See wal_vfs.h. The WAL's layout (https://www.sqlite.org/fileformat2.html, "WAL File
 * Format"): a 32-byte header whose bytes 8-11 give the page size, then frames, each a 24-byte
 * header (bytes 4-7: the database's size in pages after a commit, 0 in frames that end none)
 * and a page. Only writes that are exactly those parts, where the layout puts them, are kept:
 * anything else is written at once, after what is kept, so a commit frame cannot pass unseen. */
#include "db/wal_vfs.h"
#include "core/limits.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { WAL_HEADER = 32, FRAME_HEADER = 24 };

/* What the Unix VFS writes in one call at most (0x1ffff bytes), and room for a frame's header and
 * its largest page, which must fit together (wf_write) */
_Static_assert(KD_WAL_WRITE_BUFFER <= 0x1ffff, "a write the Unix VFS would cut short");
_Static_assert(KD_WAL_WRITE_BUFFER >= 24 + 65536, "no room for a frame of 64 KiB pages");

struct wal_file {
        sqlite3_file base;  /* first: SQLite sees only this */
        sqlite3_file *real; /* the wrapped file, in the same allocation after this */
        unsigned char *buf; /* writes kept, from the file's offset start */
        size_t len, cap;
        sqlite3_int64 start;
        sqlite3_int64 flush_at;  /* where the commit frame being kept ends, 0: none */
        sqlite3_int64 page_size; /* from the WAL's header; 0 until known (nothing is kept) */
        bool unreadable;         /* the header could not be read from the file */
};

static sqlite3_vfs wal_vfs;
static const sqlite3_io_methods wal_io;
static atomic_uint_fast64_t asked, written;

static struct wal_file *WF(sqlite3_file *f)
{
        return (struct wal_file *)f;
}

static sqlite3_vfs *real_vfs(void)
{
        return wal_vfs.pAppData;
}

static uint32_t be32(const unsigned char *p)
{
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Writes what is kept: SQLITE_OK, or the wrapped file's error (what is kept is then dropped:
 * the transaction that wrote it fails). */
static int flush(struct wal_file *w)
{
        if (!w->len)
                return SQLITE_OK;
        int rc = w->real->pMethods->xWrite(w->real, w->buf, (int)w->len, w->start);
        atomic_fetch_add_explicit(&written, 1, memory_order_relaxed);
        if (w->start + (sqlite3_int64)w->len >= w->flush_at)
                w->flush_at = 0; /* else its page is still to come, and written when it does */
        w->len = 0;
        return rc;
}

/* The page size from a WAL header (its magic number checked), or 0. */
static sqlite3_int64 header_page_size(const unsigned char *h)
{
        uint32_t magic = be32(h), size = be32(h + 8);
        if ((magic & 0xFFFFFFFEu) != 0x377F0682u || size < 512 || size > 65536 ||
            (size & (size - 1)) != 0)
                return 0;
        return size;
}

/* Learns the page size from the header being written, or from the file's (a write past the
 * header means the header is in the file, written by this connection or another). */
static void learn_page_size(struct wal_file *w, const void *data, int n, sqlite3_int64 off)
{
        unsigned char h[WAL_HEADER];
        if (off == 0 && n >= WAL_HEADER)
                memcpy(h, data, WAL_HEADER);
        else if (w->unreadable || flush(w) != SQLITE_OK ||
                 w->real->pMethods->xRead(w->real, h, WAL_HEADER, 0) != SQLITE_OK) {
                w->unreadable = true; /* until a header is written through this file */
                return;
        }
        w->page_size = header_page_size(h);
}

/* Which part of the layout a write is: 1 the WAL header, 2 a frame's header, 3 a frame's page,
 * 4 a whole frame, 0 none (written at once). *frame_end: where the frame ends. */
static int part_of(const struct wal_file *w, int n, sqlite3_int64 off, sqlite3_int64 *frame_end)
{
        sqlite3_int64 ps = w->page_size, frame = FRAME_HEADER + ps;
        if (off == 0)
                return n == WAL_HEADER ? 1 : 0;
        if (off < WAL_HEADER)
                return 0;
        sqlite3_int64 at = (off - WAL_HEADER) % frame;
        *frame_end = off - at + frame;
        if (at == 0 && n == FRAME_HEADER)
                return 2;
        if (at == 0 && n == frame)
                return 4;
        if (at == FRAME_HEADER && n == ps)
                return 3;
        return 0;
}

static int wf_write(sqlite3_file *f, const void *data, int n, sqlite3_int64 off)
{
        struct wal_file *w = WF(f);
        atomic_fetch_add_explicit(&asked, 1, memory_order_relaxed);
        int rc;
        if (w->len && off != w->start + (sqlite3_int64)w->len && (rc = flush(w)) != SQLITE_OK)
                return rc;
        if (!w->page_size)
                learn_page_size(w, data, n, off);
        sqlite3_int64 frame_end = 0;
        int part = w->page_size && n > 0 ? part_of(w, n, off, &frame_end) : 0;
        /* a frame's header comes with room for its page, so that a commit frame's page finds
         * its header kept (flush also keeps flush_at until the page is written) */
        size_t room = part == 2 ? (size_t)(FRAME_HEADER + w->page_size) : (size_t)n;
        if (part && w->len + room > KD_WAL_WRITE_BUFFER && (rc = flush(w)) != SQLITE_OK)
                return rc;
        if (!part || (size_t)n > KD_WAL_WRITE_BUFFER) {
                if ((rc = flush(w)) != SQLITE_OK)
                        return rc;
                atomic_fetch_add_explicit(&written, 1, memory_order_relaxed);
                return w->real->pMethods->xWrite(w->real, data, n, off);
        }
        if (w->len + (size_t)n > w->cap) {
                size_t cap = w->cap ? w->cap : 16384;
                while (cap < w->len + (size_t)n)
                        cap *= 2;
                if (cap > KD_WAL_WRITE_BUFFER)
                        cap = KD_WAL_WRITE_BUFFER;
                unsigned char *b = realloc(w->buf, cap);
                if (!b) { /* no room to keep it: written at once */
                        if ((rc = flush(w)) != SQLITE_OK)
                                return rc;
                        atomic_fetch_add_explicit(&written, 1, memory_order_relaxed);
                        return w->real->pMethods->xWrite(w->real, data, n, off);
                }
                w->buf = b;
                w->cap = cap;
        }
        if (!w->len)
                w->start = off;
        memcpy(w->buf + w->len, data, (size_t)n);
        w->len += (size_t)n;
        /* a frame that ends a commit: written as soon as its page is here */
        if ((part == 2 || part == 4) && be32((const unsigned char *)data + 4) != 0)
                w->flush_at = frame_end;
        if (w->flush_at && w->start + (sqlite3_int64)w->len >= w->flush_at)
                return flush(w);
        return SQLITE_OK;
}

/* Every other use of the file but a read comes after what is kept has been written. */
static int wf_close(sqlite3_file *f)
{
        struct wal_file *w = WF(f);
        int rc = flush(w);
        free(w->buf);
        w->buf = NULL;
        int closed = w->real->pMethods ? w->real->pMethods->xClose(w->real) : SQLITE_OK;
        return rc != SQLITE_OK ? rc : closed;
}

/* A read of what is kept writes it first; a read of what is not kept (a frame of an earlier
 * commit, or one a large transaction spilled before) finds it in the file already: whatever this
 * file wrote outside the kept run was written at once or before the run began. */
static int wf_read(sqlite3_file *f, void *data, int n, sqlite3_int64 off)
{
        struct wal_file *w = WF(f);
        int rc = SQLITE_OK;
        if (w->len && off + n > w->start && off < w->start + (sqlite3_int64)w->len)
                rc = flush(w);
        return rc != SQLITE_OK ? rc : w->real->pMethods->xRead(w->real, data, n, off);
}

static int wf_truncate(sqlite3_file *f, sqlite3_int64 size)
{
        int rc = flush(WF(f));
        return rc != SQLITE_OK ? rc : WF(f)->real->pMethods->xTruncate(WF(f)->real, size);
}

static int wf_sync(sqlite3_file *f, int flags)
{
        int rc = flush(WF(f));
        return rc != SQLITE_OK ? rc : WF(f)->real->pMethods->xSync(WF(f)->real, flags);
}

static int wf_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
        int rc = flush(WF(f));
        return rc != SQLITE_OK ? rc : WF(f)->real->pMethods->xFileSize(WF(f)->real, size);
}

static int wf_lock(sqlite3_file *f, int level)
{
        return WF(f)->real->pMethods->xLock(WF(f)->real, level);
}

static int wf_unlock(sqlite3_file *f, int level)
{
        return WF(f)->real->pMethods->xUnlock(WF(f)->real, level);
}

static int wf_check_reserved(sqlite3_file *f, int *out)
{
        return WF(f)->real->pMethods->xCheckReservedLock(WF(f)->real, out);
}

static int wf_file_control(sqlite3_file *f, int op, void *arg)
{
        int rc = flush(WF(f));
        return rc != SQLITE_OK ? rc : WF(f)->real->pMethods->xFileControl(WF(f)->real, op, arg);
}

static int wf_sector_size(sqlite3_file *f)
{
        return WF(f)->real->pMethods->xSectorSize(WF(f)->real);
}

static int wf_device(sqlite3_file *f)
{
        return WF(f)->real->pMethods->xDeviceCharacteristics(WF(f)->real);
}

/* The shared-memory methods belong to the database file, never to a -wal: passed on all the
 * same, as the wrapped methods would answer. */
static int wf_shm_map(sqlite3_file *f, int pg, int size, int extend, void volatile **p)
{
        const sqlite3_io_methods *m = WF(f)->real->pMethods;
        return m->iVersion >= 2 ? m->xShmMap(WF(f)->real, pg, size, extend, p) : SQLITE_IOERR;
}

static int wf_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
        const sqlite3_io_methods *m = WF(f)->real->pMethods;
        return m->iVersion >= 2 ? m->xShmLock(WF(f)->real, offset, n, flags) : SQLITE_IOERR;
}

static void wf_shm_barrier(sqlite3_file *f)
{
        const sqlite3_io_methods *m = WF(f)->real->pMethods;
        if (m->iVersion >= 2)
                m->xShmBarrier(WF(f)->real);
}

static int wf_shm_unmap(sqlite3_file *f, int delete_flag)
{
        const sqlite3_io_methods *m = WF(f)->real->pMethods;
        return m->iVersion >= 2 ? m->xShmUnmap(WF(f)->real, delete_flag) : SQLITE_OK;
}

static int wf_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
        const sqlite3_io_methods *m = WF(f)->real->pMethods;
        *p = NULL;
        int rc = flush(WF(f));
        return rc != SQLITE_OK || m->iVersion < 3 ? rc : m->xFetch(WF(f)->real, off, n, p);
}

static int wf_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
        const sqlite3_io_methods *m = WF(f)->real->pMethods;
        return m->iVersion >= 3 ? m->xUnfetch(WF(f)->real, off, p) : SQLITE_OK;
}

static const sqlite3_io_methods wal_io = {
    .iVersion = 3,
    .xClose = wf_close,
    .xRead = wf_read,
    .xWrite = wf_write,
    .xTruncate = wf_truncate,
    .xSync = wf_sync,
    .xFileSize = wf_file_size,
    .xLock = wf_lock,
    .xUnlock = wf_unlock,
    .xCheckReservedLock = wf_check_reserved,
    .xFileControl = wf_file_control,
    .xSectorSize = wf_sector_size,
    .xDeviceCharacteristics = wf_device,
    .xShmMap = wf_shm_map,
    .xShmLock = wf_shm_lock,
    .xShmBarrier = wf_shm_barrier,
    .xShmUnmap = wf_shm_unmap,
    .xFetch = wf_fetch,
    .xUnfetch = wf_unfetch,
};

/* ------------------------------------------------------------------ the VFS */

/* A -wal file is wrapped; any other opens as the default VFS would open it, in place. */
static int vfs_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags,
                    int *out_flags)
{
        (void)vfs;
        sqlite3_vfs *real = real_vfs();
        if (!(flags & SQLITE_OPEN_WAL))
                return real->xOpen(real, name, f, flags, out_flags);
        struct wal_file *w = WF(f);
        memset(w, 0, sizeof(*w));
        w->real = (sqlite3_file *)(w + 1);
        memset(w->real, 0, (size_t)real->szOsFile);
        int rc = real->xOpen(real, name, w->real, flags, out_flags);
        if (rc != SQLITE_OK) {
                if (w->real->pMethods) /* closed here: SQLite will not call our xClose */
                        w->real->pMethods->xClose(w->real);
                w->base.pMethods = NULL;
                return rc;
        }
        w->base.pMethods = &wal_io;
        return SQLITE_OK;
}

static int vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
        (void)vfs;
        return real_vfs()->xDelete(real_vfs(), name, sync_dir);
}

static int vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
        (void)vfs;
        return real_vfs()->xAccess(real_vfs(), name, flags, out);
}

static int vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
        (void)vfs;
        return real_vfs()->xFullPathname(real_vfs(), name, n, out);
}

static void *vfs_dl_open(sqlite3_vfs *vfs, const char *name)
{
        (void)vfs;
        return real_vfs()->xDlOpen(real_vfs(), name);
}

static void vfs_dl_error(sqlite3_vfs *vfs, int n, char *out)
{
        (void)vfs;
        real_vfs()->xDlError(real_vfs(), n, out);
}

static void (*vfs_dl_sym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
        (void)vfs;
        return real_vfs()->xDlSym(real_vfs(), h, sym);
}

static void vfs_dl_close(sqlite3_vfs *vfs, void *h)
{
        (void)vfs;
        real_vfs()->xDlClose(real_vfs(), h);
}

static int vfs_randomness(sqlite3_vfs *vfs, int n, char *out)
{
        (void)vfs;
        return real_vfs()->xRandomness(real_vfs(), n, out);
}

static int vfs_sleep(sqlite3_vfs *vfs, int us)
{
        (void)vfs;
        return real_vfs()->xSleep(real_vfs(), us);
}

static int vfs_current_time(sqlite3_vfs *vfs, double *out)
{
        (void)vfs;
        return real_vfs()->xCurrentTime(real_vfs(), out);
}

static int vfs_last_error(sqlite3_vfs *vfs, int n, char *out)
{
        (void)vfs;
        return real_vfs()->xGetLastError(real_vfs(), n, out);
}

static int vfs_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
        (void)vfs;
        return real_vfs()->xCurrentTimeInt64(real_vfs(), out);
}

static int vfs_set_system_call(sqlite3_vfs *vfs, const char *name, sqlite3_syscall_ptr fn)
{
        (void)vfs;
        return real_vfs()->xSetSystemCall(real_vfs(), name, fn);
}

static sqlite3_syscall_ptr vfs_get_system_call(sqlite3_vfs *vfs, const char *name)
{
        (void)vfs;
        return real_vfs()->xGetSystemCall(real_vfs(), name);
}

static const char *vfs_next_system_call(sqlite3_vfs *vfs, const char *name)
{
        (void)vfs;
        return real_vfs()->xNextSystemCall(real_vfs(), name);
}

static pthread_once_t register_once = PTHREAD_ONCE_INIT;
static bool registered;

static void register_vfs(void)
{
        sqlite3_vfs *real = sqlite3_vfs_find(NULL);
        /* the default VFS of a Unix build: version 3 (the system-call methods) */
        if (!real || real->iVersion < 3)
                return;
        wal_vfs = (sqlite3_vfs){
            .iVersion = 3,
            .szOsFile = (int)sizeof(struct wal_file) + real->szOsFile,
            .mxPathname = real->mxPathname,
            .zName = "kindred-wal",
            .pAppData = real,
            .xOpen = vfs_open,
            .xDelete = vfs_delete,
            .xAccess = vfs_access,
            .xFullPathname = vfs_full_pathname,
            .xDlOpen = vfs_dl_open,
            .xDlError = vfs_dl_error,
            .xDlSym = vfs_dl_sym,
            .xDlClose = vfs_dl_close,
            .xRandomness = vfs_randomness,
            .xSleep = vfs_sleep,
            .xCurrentTime = vfs_current_time,
            .xGetLastError = vfs_last_error,
            .xCurrentTimeInt64 = vfs_current_time_int64,
            .xSetSystemCall = vfs_set_system_call,
            .xGetSystemCall = vfs_get_system_call,
            .xNextSystemCall = vfs_next_system_call,
        };
        registered = sqlite3_vfs_register(&wal_vfs, 0) == SQLITE_OK;
}

const char *wal_vfs_name(void)
{
        pthread_once(&register_once, register_vfs);
        return registered ? wal_vfs.zName : NULL;
}

struct wal_vfs_stats wal_vfs_stats(void)
{
        return (struct wal_vfs_stats){
            .asked = atomic_load_explicit(&asked, memory_order_relaxed),
            .written = atomic_load_explicit(&written, memory_order_relaxed),
        };
}
