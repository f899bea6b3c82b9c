-- Token buckets shared by the nodes: a hashed key, Bucket4j's serialized state, the last write.
CREATE TABLE rate_limit_buckets (
  id         VARCHAR(100) NOT NULL PRIMARY KEY,
  state      BYTEA,
  updated_at BIGINT      NOT NULL
);
CREATE INDEX ix_rate_limit_buckets_updated ON rate_limit_buckets (updated_at);
