-- Whether a member has a comment or an answer under an episode (model/footprint.h): a reader's
-- episode page is served from the page kept for every reader unless it shows them something of
-- their own (web/member_page.h). comment_by_author is ordered by time, so it would walk all of a
-- prolific member's comments; comment_by_episode all of a long conversation's. One small index
-- more per comment written (docs/performance.md, "Member pages kept whole").
CREATE INDEX comment_by_author_episode ON comment(author_id, episode_id);
