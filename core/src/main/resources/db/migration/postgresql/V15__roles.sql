-- The roles admins may assign, as data: a name (the one user_roles.role holds) and a description.
-- built_in marks admin, which Userman itself reads and which cannot be deleted. Every role that a
-- user held before this migration is made a role here, so existing assignments stay valid.
-- user_roles gets no foreign key: a node of the previous version, during a rolling upgrade, may
-- still assign a role this table lacks, and must not fail for it; the service checks instead.
CREATE TABLE roles (
  name        VARCHAR(64)  COLLATE "C" NOT NULL PRIMARY KEY,
  description VARCHAR(200) NOT NULL,
  built_in    SMALLINT     NOT NULL,
  created_at  BIGINT       NOT NULL
);
INSERT INTO roles (name, description, built_in, created_at)
  VALUES ('admin', 'Manages users and settings', 1, CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT));
INSERT INTO roles (name, description, built_in, created_at)
  SELECT DISTINCT role, '', 0, CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)
  FROM user_roles WHERE role <> 'admin';
