-- A row for each serving node that answers requests from memory without a round trip while its
-- lease holds: while requests come, it renews lease_until whenever the count of change_count moved
-- and at least every 25 ms, reporting the count it has taken in (seen). A writer, after its commit,
-- waits until every other node whose lease may be live has seen its count. Unlogged: a lease is
-- worth nothing after a crash.
CREATE UNLOGGED TABLE node_lease (
  id VARCHAR(64) PRIMARY KEY,
  seen BIGINT NOT NULL,
  lease_until TIMESTAMPTZ NOT NULL
);
