-- When an operator last lifted the user's sign-in lock: the per-account limit counts wrong
-- passwords in a bucket named after the user and this time, so lifting the lock starts a new,
-- full bucket on every node, whichever store holds the buckets. Null: never.
ALTER TABLE users ADD COLUMN unlocked_at BIGINT;
