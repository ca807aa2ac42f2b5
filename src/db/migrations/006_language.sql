-- Languages (docs/i18n.md). A member's interface language (NULL: not chosen, so the browser's
-- Accept-Language or the site default decides), and the language an episode or a comment is
-- written in, for its lang attribute (NULL: the site default, KINDRED_LANGUAGE). Tags are those
-- with a catalog ("en", "zh-CN"); new episodes and comments take their author's language.
ALTER TABLE member ADD COLUMN language TEXT;
ALTER TABLE episode ADD COLUMN language TEXT;
ALTER TABLE comment ADD COLUMN language TEXT;
