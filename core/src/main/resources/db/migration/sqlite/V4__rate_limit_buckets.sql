-- Token buckets shared by the nodes of a server database. On SQLite, which one node owns, the
-- buckets stay in memory and this table stays empty; it exists so the three schemas stay one.
CREATE TABLE rate_limit_buckets (
  id         TEXT    NOT NULL PRIMARY KEY,
  state      BLOB,
  updated_at INTEGER NOT NULL
);
CREATE INDEX ix_rate_limit_buckets_updated ON rate_limit_buckets (updated_at);
