-- A rotated key is published before it signs: it activates at this time (null: when created).
ALTER TABLE signing_keys ADD COLUMN activates_at BIGINT;
