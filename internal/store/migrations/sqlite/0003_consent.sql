-- Panel consent: an append-only history per install. The current state is
-- the replay of the history. notice_hash is the SHA-256 of the exact notice
-- text shown (internal/policy).
CREATE TABLE consent_records (
    id             INTEGER PRIMARY KEY,
    install_id     TEXT NOT NULL REFERENCES installs (id) ON DELETE CASCADE,
    action         TEXT NOT NULL,
    scopes         TEXT NOT NULL DEFAULT '',
    notice_version TEXT NOT NULL,
    notice_hash    TEXT NOT NULL,
    lang           TEXT NOT NULL DEFAULT '',
    gpc            INTEGER NOT NULL DEFAULT 0,
    at             BIGINT NOT NULL
);
CREATE INDEX consent_records_install ON consent_records (install_id, id);
