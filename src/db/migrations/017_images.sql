-- Responsive images and avatars (docs/images.md).
--
-- Every uploaded image gets resized copies (480, 960 and 1600 px wide, WebP and its own format)
-- named <sha256>-<width>.<ext> beside the original in DATA/media. They are derived from the
-- original's bytes alone, so no row names them: any node makes a missing one from the original
-- on request. `variants` records only whether they have been made once (for the start-up pass
-- that makes them for images stored before this migration or brought in by an import):
-- 0 not yet, 1 made, 2 cannot be made (an animated GIF is served as it is; a file libvips
-- refuses keeps only its original).
ALTER TABLE image ADD COLUMN variants INTEGER NOT NULL DEFAULT 0 CHECK (variants IN (0, 1, 2));
-- A member's uploaded avatar: a square WebP made from their upload, stored like any image.
-- NULL: the generated one (initials on a colour, model/avatar.h).
ALTER TABLE member ADD COLUMN avatar_image_id INTEGER REFERENCES image(id);
