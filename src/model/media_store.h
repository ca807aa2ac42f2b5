/* Where an uploaded image's bytes live. On every engine, a file in the data folder:
 * media/<sha256>.<ext>. On PostgreSQL also the image_blob table (migration 010), written in the
 * same transaction as the image's row, so that several nodes without a shared folder all serve
 * every image: a node whose folder lacks a file copies it out of the database the first time it
 * is asked for it. The name is the SHA-256 of the bytes, so such a copy is never stale, and a
 * copy is only kept once its bytes hash to its name. SQLite keeps no bytes in the database.
 *
 * Memory: the database is read in slices of KD_MEDIA_DB_SLICE_BYTES, so copying an image into
 * the folder never holds the whole of it; loading one into a buffer holds it once. */
#ifndef KD_MEDIA_STORE_H
#define KD_MEDIA_STORE_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct db;

enum media_result {
        MEDIA_OK = 0,
        MEDIA_IN_MEMORY = 1,  /* media_cache_fill: the folder refused the copy; bytes in *body */
        MEDIA_NOT_FOUND = -1, /* no such image, or (SQLite) no bytes outside the folder */
        MEDIA_IO_ERROR = -2,  /* the data folder could not be read or written (logged) */
        MEDIA_DB_ERROR = -3,  /* the database failed (logged) */
        MEDIA_CORRUPT = -4,   /* stored bytes do not hash to their name or length (logged) */
};

/* Writes data to <data_dir>/media/<name> through a temporary file in that folder, made
 * readable by all, synced, then renamed: a reader never sees half a file, and writers racing
 * for one name leave one whole file. Creates the folder when needed. Returns MEDIA_OK or
 * MEDIA_IO_ERROR (logged). */
int media_write_file(const char *data_dir, const char *name, const void *data, size_t len);

/* On PostgreSQL, records the bytes of image image_id in image_blob unless they are there
 * already (call inside the transaction that writes the image's row); on SQLite does nothing.
 * Returns MEDIA_OK or MEDIA_DB_ERROR. */
int media_record_bytes(struct db *db, int64_t image_id, const void *data, size_t len);

/* Whether the database holds the bytes of the stored file name "<sha256>.<ext>" (an image
 * whose format matches the extension): MEDIA_OK, MEDIA_NOT_FOUND (always on SQLite) or
 * MEDIA_DB_ERROR. */
int media_in_database(struct db *db, const char *name);

/* Copies image name ("<sha256>.<ext>") from the database into <data_dir>/media/<name>,
 * slice by slice through a temporary file, checking its length and SHA-256 before renaming it
 * into place. Returns MEDIA_OK (the file is there now), MEDIA_NOT_FOUND (not in the database;
 * always on SQLite), MEDIA_CORRUPT or MEDIA_DB_ERROR; when the folder cannot take the file
 * (read-only, full), MEDIA_IN_MEMORY with the checked bytes in body (reset first) instead,
 * and a warning logged. */
int media_cache_fill(struct db *db, const char *data_dir, const char *name, struct buf *body);

/* Appends the bytes of the image with this SHA-256 (64 lowercase hex) and MIME type to out
 * (reset first), checked against the hash: on PostgreSQL from image_blob, else (or when the
 * database has no bytes for it) from <data_dir>/media. Returns MEDIA_OK, MEDIA_NOT_FOUND,
 * MEDIA_CORRUPT, MEDIA_IO_ERROR or MEDIA_DB_ERROR. */
int media_load(struct db *db, const char *data_dir, const char *sha256, const char *mime,
               struct buf *out);

/* Removes temporary files that a process killed mid-write left in <data_dir>/media, when older
 * than max_age_s seconds (younger ones may be another node's write in progress, when nodes on
 * one machine share the folder). Returns how many it removed. */
int media_sweep_partials(const char *data_dir, int64_t max_age_s);

/* On PostgreSQL, copies into image_blob every image the database has no bytes for and whose
 * file is in <data_dir>/media with the right hash (a site that ran before migration 010), one
 * image and one transaction at a time; logs what it copied and warns about images found in
 * neither place. Sets *copied and *missing (may be NULL). On SQLite does nothing. Returns
 * MEDIA_OK or MEDIA_DB_ERROR. */
int media_backfill(struct db *db, const char *data_dir, int *copied, int *missing);

#endif
