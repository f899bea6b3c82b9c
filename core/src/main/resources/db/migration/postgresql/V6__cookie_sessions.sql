-- A session signed in from the web pages is held by a browser cookie instead of a refresh token:
-- the SHA-256 of the cookie's secret (null for sessions of API clients).
ALTER TABLE sessions ADD COLUMN cookie_hash VARCHAR(64);
CREATE UNIQUE INDEX ux_sessions_cookie ON sessions (cookie_hash);
