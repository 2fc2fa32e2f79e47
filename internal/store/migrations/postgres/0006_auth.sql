-- Operators and analysts (users), browser sessions for them and for
-- shoppers' dashboards, and one-time login links opened from the extension.
-- Secrets (passwords, session ids, links, API tokens) are stored hashed.
CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    api_token_hash TEXT UNIQUE,
    created_at     BIGINT NOT NULL
);

CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_subject ON sessions (kind, subject);

CREATE TABLE login_links (
    token_hash TEXT PRIMARY KEY,
    install_id TEXT NOT NULL REFERENCES installs (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
