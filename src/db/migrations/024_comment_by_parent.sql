-- A comment's replies are found by parent_id (and the foreign key's check when a comment is
-- deleted looks there too), but a new thread's comment has none, and most comments start a
-- thread: the index held one entry per comment, nearly all of them NULL, and every new thread
-- wrote one, in the writers' turn. Now it holds replies only. A lookup by a parent
-- (parent_id = ?) implies parent_id IS NOT NULL, so both engines still use it for those and for
-- the foreign key; nothing looks up parent_id IS NULL through it (docs/performance.md, "A new
-- thread's comment writes one index fewer").
DROP INDEX comment_by_parent;
CREATE INDEX comment_by_parent ON comment(parent_id) WHERE parent_id IS NOT NULL;
