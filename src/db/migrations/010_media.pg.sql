-- PostgreSQL only (no 010_media.sql, no SQLite part): the bytes of every uploaded image, written
-- in the same transaction as its `image` row, so that any node serves any image. A node keeps a
-- copy in its own DATA/media/<sha256>.<ext> on first request (model/media_store.c); the name is
-- the content's hash, so that copy is never stale. SQLite sites keep the bytes as files only.
CREATE TABLE image_blob (
    image_id BIGINT PRIMARY KEY REFERENCES image(id) ON DELETE CASCADE,
    data     BYTEA  NOT NULL
);
-- Images arrive compressed (PNG, JPEG, WebP, GIF): TOAST's compression would only cost time,
-- and uncompressed out-of-line storage lets substr() read a slice without the whole value,
-- which is how a node copies an image out in bounded memory.
ALTER TABLE image_blob ALTER COLUMN data SET STORAGE EXTERNAL;
