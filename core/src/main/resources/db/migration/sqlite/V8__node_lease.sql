-- Nodes on a server database hold leases in this table; a node on SQLite asks SQLite itself and
-- leaves it empty. It is here so that every database has the same schema versions.
CREATE TABLE node_lease (
  id TEXT PRIMARY KEY,
  seen INTEGER NOT NULL,
  lease_until TEXT NOT NULL
);
