/* A SQLite VFS that gathers a transaction's writes to the -wal file into one write.
 *
 * SQLite appends each WAL frame as two writes (its 24-byte header, then the page), so a commit
 * of 50 pages made 100 pwrite calls, each a system call that costs several microseconds on a
 * virtual machine (measured in docs/performance.md, "WAL writes gathered"). This VFS wraps the
 * default one: every file but a -wal passes straight through; writes to a -wal that follow one
 * another in the file are kept in a buffer and written at once when the frame that ends a
 * commit has arrived (its header carries the database's new size), before anything else touches
 * the file (a read, a sync, a truncate, its size), when the next write is not the next in the
 * file, or when KD_WAL_WRITE_BUFFER bytes are waiting. A commit's frames therefore reach the
 * file before SQLite publishes the commit to other connections (the wal-index header, written
 * after the frames), so readers on other connections never see a frame that is not in the file
 * yet; a failed write fails the write of the commit frame, so SQLite rolls the transaction back
 * as it would have. What is on disk and when is unchanged: nothing here syncs, and the WAL's
 * format is SQLite's own. */
#ifndef KD_WAL_VFS_H
#define KD_WAL_VFS_H

#include <stdint.h>

/* The VFS's name for sqlite3_open_v2, registered (not as the default) at the first call; NULL
 * if it could not be, and connections then open with the default VFS. Thread-safe. */
const char *wal_vfs_name(void);

/* Counted over the process, for tests and benchmarks. */
struct wal_vfs_stats {
        uint64_t asked;   /* writes SQLite asked of -wal files */
        uint64_t written; /* writes made to them */
};
struct wal_vfs_stats wal_vfs_stats(void);

#endif
