-- SQLite's part of 007_participation.sql: the member directory's FTS5 trigram index with the
-- triggers that keep it, and the triggers that keep reports' item_gone.
CREATE VIRTUAL TABLE member_search USING fts5(display_name, handle, headline, content = 'member',
                                              content_rowid = 'id', tokenize = 'trigram');
INSERT INTO member_search (member_search) VALUES ('rebuild');
CREATE TRIGGER member_search_added AFTER INSERT ON member
BEGIN
    INSERT INTO member_search (rowid, display_name, handle, headline)
        VALUES (NEW.id, NEW.display_name, NEW.handle, NEW.headline);
END;
CREATE TRIGGER member_search_removed AFTER DELETE ON member
BEGIN
    INSERT INTO member_search (member_search, rowid, display_name, handle, headline)
        VALUES ('delete', OLD.id, OLD.display_name, OLD.handle, OLD.headline);
END;
CREATE TRIGGER member_search_changed AFTER UPDATE OF display_name, handle, headline ON member
BEGIN
    INSERT INTO member_search (member_search, rowid, display_name, handle, headline)
        VALUES ('delete', OLD.id, OLD.display_name, OLD.handle, OLD.headline);
    INSERT INTO member_search (rowid, display_name, handle, headline)
        VALUES (NEW.id, NEW.display_name, NEW.handle, NEW.headline);
END;

CREATE TRIGGER report_comment_deleted AFTER UPDATE OF state ON comment
    WHEN NEW.state = 'deleted' BEGIN
    UPDATE report SET item_gone = 1 WHERE target = 'comment' AND target_id = NEW.id;
END;
CREATE TRIGGER report_comment_gone AFTER DELETE ON comment BEGIN
    DELETE FROM report WHERE target = 'comment' AND target_id = OLD.id;
END;
CREATE TRIGGER report_buildon_deleted AFTER UPDATE OF state ON buildon
    WHEN NEW.state = 'deleted' BEGIN
    UPDATE report SET item_gone = 1 WHERE target = 'buildon' AND target_id = NEW.id;
END;
CREATE TRIGGER report_buildon_gone AFTER DELETE ON buildon BEGIN
    DELETE FROM report WHERE target = 'buildon' AND target_id = OLD.id;
END;
CREATE TRIGGER report_post_deleted AFTER UPDATE OF state ON space_post
    WHEN NEW.state = 'deleted' BEGIN
    UPDATE report SET item_gone = 1 WHERE target = 'post' AND target_id = NEW.id;
END;
CREATE TRIGGER report_post_gone AFTER DELETE ON space_post BEGIN
    DELETE FROM report WHERE target = 'post' AND target_id = OLD.id;
END;
CREATE TRIGGER report_ask_deleted AFTER UPDATE OF state ON ask
    WHEN NEW.state = 'deleted' BEGIN
    UPDATE report SET item_gone = 1 WHERE target = 'ask' AND target_id = NEW.id;
END;
CREATE TRIGGER report_ask_gone AFTER DELETE ON ask BEGIN
    DELETE FROM report WHERE target = 'ask' AND target_id = OLD.id;
END;
