-- Extension installs, price watches, alerts and lists.
CREATE TABLE installs (
    id            TEXT PRIMARY KEY,
    token_hash    TEXT NOT NULL UNIQUE,
    browser       TEXT NOT NULL DEFAULT '',
    version       TEXT NOT NULL DEFAULT '',
    min_drop_bp   INTEGER NOT NULL DEFAULT 0,
    daily_cap     INTEGER NOT NULL DEFAULT 5,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL
);

CREATE TABLE watches (
    id                TEXT PRIMARY KEY,
    install_id        TEXT NOT NULL REFERENCES installs (id) ON DELETE CASCADE,
    product_id        TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    target_amount     BIGINT NOT NULL,
    target_currency   TEXT NOT NULL,
    base_amount       BIGINT NOT NULL,
    base_currency     TEXT NOT NULL,
    last_alert_amount BIGINT,
    created_at        BIGINT NOT NULL,
    UNIQUE (install_id, product_id)
);

CREATE TABLE alerts (
    id           TEXT PRIMARY KEY,
    watch_id     TEXT NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
    install_id   TEXT NOT NULL REFERENCES installs (id) ON DELETE CASCADE,
    product_id   TEXT NOT NULL,
    amount       BIGINT NOT NULL,
    currency     TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX alerts_install_created ON alerts (install_id, created_at);

CREATE TABLE lists (
    id          TEXT PRIMARY KEY,
    install_id  TEXT NOT NULL REFERENCES installs (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (install_id, name)
);

CREATE TABLE list_items (
    list_id     TEXT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    product_id  TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    added_at    BIGINT NOT NULL,
    PRIMARY KEY (list_id, product_id)
);
