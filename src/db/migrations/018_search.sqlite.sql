-- SQLite's part of 018_search.sql: an FTS5 index over search_doc with the trigram tokenizer
-- (SQLite 3.34 or later; Debian 12 ships 3.40), so any run of three or more characters is
-- found anywhere in a word, Chinese and Japanese text included, which have no spaces between
-- words for a word tokenizer to split on. Letters match in any case.
CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content = 'search_doc',
                                           content_rowid = 'id', tokenize = 'trigram');
INSERT INTO search_fts (search_fts) VALUES ('rebuild');

-- The index follows search_doc (an external-content table is told of each change).
CREATE TRIGGER search_doc_added AFTER INSERT ON search_doc
BEGIN
    INSERT INTO search_fts (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;
CREATE TRIGGER search_doc_removed AFTER DELETE ON search_doc
BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body)
        VALUES ('delete', OLD.id, OLD.title, OLD.body);
END;
CREATE TRIGGER search_doc_changed AFTER UPDATE ON search_doc
BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body)
        VALUES ('delete', OLD.id, OLD.title, OLD.body);
    INSERT INTO search_fts (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;

-- search_doc follows the three tables. Updates rewrite the row only when its text changed
-- (saving an episode sets every column; moderation changes only the state).
CREATE TRIGGER search_episode_added AFTER INSERT ON episode
BEGIN
    INSERT INTO search_doc (kind, ref_id, title, body)
        VALUES (1, NEW.id, NEW.title || ' ' || NEW.subtitle, NEW.body_text);
END;
CREATE TRIGGER search_episode_changed AFTER UPDATE OF title, subtitle, body_text ON episode
    WHEN NEW.title IS NOT OLD.title OR NEW.subtitle IS NOT OLD.subtitle
         OR NEW.body_text IS NOT OLD.body_text
BEGIN
    UPDATE search_doc SET title = NEW.title || ' ' || NEW.subtitle, body = NEW.body_text
        WHERE kind = 1 AND ref_id = NEW.id;
END;
CREATE TRIGGER search_episode_removed AFTER DELETE ON episode
BEGIN
    DELETE FROM search_doc WHERE kind = 1 AND ref_id = OLD.id;
END;

CREATE TRIGGER search_comment_added AFTER INSERT ON comment
BEGIN
    INSERT INTO search_doc (kind, ref_id, title, body) VALUES (2, NEW.id, '', NEW.body);
END;
CREATE TRIGGER search_comment_changed AFTER UPDATE OF body ON comment
    WHEN NEW.body IS NOT OLD.body
BEGIN
    UPDATE search_doc SET body = NEW.body WHERE kind = 2 AND ref_id = NEW.id;
END;
CREATE TRIGGER search_comment_removed AFTER DELETE ON comment
BEGIN
    DELETE FROM search_doc WHERE kind = 2 AND ref_id = OLD.id;
END;

CREATE TRIGGER search_member_added AFTER INSERT ON member
BEGIN
    INSERT INTO search_doc (kind, ref_id, title, body)
        VALUES (3, NEW.id, NEW.display_name || ' ' || NEW.handle, NEW.headline || ' ' || NEW.bio);
END;
CREATE TRIGGER search_member_changed AFTER UPDATE OF display_name, handle, headline, bio ON member
    WHEN NEW.display_name IS NOT OLD.display_name OR NEW.handle IS NOT OLD.handle
         OR NEW.headline IS NOT OLD.headline OR NEW.bio IS NOT OLD.bio
BEGIN
    UPDATE search_doc SET title = NEW.display_name || ' ' || NEW.handle,
                          body = NEW.headline || ' ' || NEW.bio
        WHERE kind = 3 AND ref_id = NEW.id;
END;
CREATE TRIGGER search_member_removed AFTER DELETE ON member
BEGIN
    DELETE FROM search_doc WHERE kind = 3 AND ref_id = OLD.id;
END;
