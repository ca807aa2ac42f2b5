
-- key: the limit's name and what it counts, such as "comment_minute|member:7"
CREATE UNLOGGED TABLE limit_counter (
    key          TEXT   PRIMARY KEY,
    window_start BIGINT NOT NULL, -- Unix seconds: when this key's window opened
    count        BIGINT NOT NULL  -- events counted in it (may run past the limit: refused)
);
CREATE INDEX limit_counter_window ON limit_counter (window_start);

CREATE UNLOGGED TABLE limit_throttle (
    key          TEXT   PRIMARY KEY, -- such as "login_handle|member:7"
    window_start BIGINT NOT NULL,    -- when the first failure of the window happened
    fails        BIGINT NOT NULL,
    locked_until BIGINT NOT NULL     -- Unix seconds; 0 when not locked
);
CREATE INDEX limit_throttle_window ON limit_throttle (window_start);
