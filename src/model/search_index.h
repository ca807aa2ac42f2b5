/* SQLite's search index, kept out of the writers' way (docs/search.md, "How it is built").
 *
 * The index is an FTS5 trigram table without content of its own (search_fts) in a file beside
 * the site's database (db_search_index), over the site's table search_doc, which triggers keep
 * in step with episodes, comments and members (migration 018). Writers only change
 * search_doc: the comments' writers never wait for the index, its merges or its disk reads.
 *
 * What holds after every pass: the index holds exactly the rows of search_doc whose id is at
 * or below its mark (search_state.upto), each with the text it had when it went in, as
 * told by the site's search_old_text up to search_state.done (a row's text before each edit or
 * deletion, migration 023). A pass is one transaction on the index file over one snapshot of
 * the site:
 * - each row at or below the mark with old text since the last pass comes out with its oldest
 *   such text (what the index holds), and goes back in with its text now when it still exists;
 * - the rows above the mark go in, in id order, at most `rows` of them;
 * - the mark becomes the highest id that went in, or, when none did, the site's highest id:
 *   when the newest rows were deleted their ids may be handed out again, and must then count
 *   as new.
 * Once a pass is on disk (the index file syncs every commit), the site's old text it took is
 * deleted, through the writers' turn; a pass skips what is at or below done. A pass that finds
 * the index ahead of the site (old text numbered below done, or rows gone from under the mark
 * with no old text to tell of it: a database restored beside a newer index file) empties the
 * index and takes every row again.
 *
 * The server runs passes on a thread of its own; a search runs one first (search_run), so that
 * what was committed is found; commands that write many rows index everything at their end.
 * On PostgreSQL, whose index follows its table by itself, every function here does nothing. */
#ifndef KD_SEARCH_INDEX_H
#define KD_SEARCH_INDEX_H

#include <stddef.h>

struct db;

/* Makes the index file ready: its tables when missing and, the first time after migration
 * 023, the index the site's file held (search_fts of migrations 018-022), copied as it is and
 * then dropped from the site. Cheap when ready (two reads). 0, or -1 when the database fails. */
int search_index_prepare(struct db *db);

/* One pass (above), at most `rows` new rows. Sets *waiting (may be NULL) to whether rows were
 * left for another pass. 0, or -1 when the database fails (nothing changed then). */
int search_index_pass(struct db *db, size_t rows, int *waiting);

/* Passes until nothing waits: for commands that wrote many rows (bench seed, import). 0 or -1. */
int search_index_all(struct db *db);

/* The server's indexer: a thread with its own connection to db_path (what db_open_url opens),
 * running a pass every KD_SEARCH_INDEX_MS, and at once again while rows are left. Nothing on
 * PostgreSQL. 0, or -1 (logged). */
int search_indexer_start(const char *db_path);
/* Stops it after the pass at hand (at shutdown). */
void search_indexer_stop(void);

#endif
