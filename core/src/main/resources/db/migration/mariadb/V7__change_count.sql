-- One row that every write transaction of Userman counts up, as its last statement. A node on a
-- server database keeps what requests read in memory while the count stays where it was, and
-- reads it (once for all the requests that ask meanwhile) before it answers from memory; a node
-- on SQLite asks SQLite itself and leaves the row alone.
CREATE TABLE change_count (id INT PRIMARY KEY, n BIGINT NOT NULL);
INSERT INTO change_count (id, n) VALUES (1, 0);
