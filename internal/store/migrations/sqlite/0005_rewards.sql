-- Rewards: campaigns, links from installs to store accounts, and a
-- double-entry ledger. Rewards and the ledger deliberately have no foreign
-- key to installs: a reward once earned survives data deletion.
CREATE TABLE campaigns (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    reward_amount     BIGINT NOT NULL,
    reward_currency   TEXT NOT NULL,
    budget_amount     BIGINT NOT NULL,
    starts_at         BIGINT NOT NULL,
    ends_at           BIGINT NOT NULL,
    new_installs_only INTEGER NOT NULL,
    min_active_days   INTEGER NOT NULL,
    min_page_views    INTEGER NOT NULL,
    created_at        BIGINT NOT NULL
);

CREATE TABLE link_codes (
    code_hash        TEXT PRIMARY KEY,
    store_account_id TEXT NOT NULL,
    expires_at       BIGINT NOT NULL,
    used_at          BIGINT,
    used_by          TEXT
);

CREATE TABLE install_accounts (
    install_id       TEXT PRIMARY KEY,
    store_account_id TEXT NOT NULL,
    linked_at        BIGINT NOT NULL
);
CREATE INDEX install_accounts_account ON install_accounts (store_account_id);

CREATE TABLE ledger_txns (
    id              TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE ledger_postings (
    id       INTEGER PRIMARY KEY,
    txn_id   TEXT NOT NULL REFERENCES ledger_txns (id),
    account  TEXT NOT NULL,
    amount   BIGINT NOT NULL,
    currency TEXT NOT NULL
);
CREATE INDEX ledger_postings_account ON ledger_postings (account);

CREATE TABLE rewards (
    id               TEXT PRIMARY KEY,
    campaign_id      TEXT NOT NULL REFERENCES campaigns (id),
    store_account_id TEXT NOT NULL,
    install_id       TEXT NOT NULL,
    amount           BIGINT NOT NULL,
    currency         TEXT NOT NULL,
    txn_id           TEXT NOT NULL REFERENCES ledger_txns (id),
    granted_at       BIGINT NOT NULL,
    UNIQUE (campaign_id, store_account_id),
    UNIQUE (campaign_id, install_id)
);

CREATE TABLE redemptions (
    id               TEXT PRIMARY KEY,
    store_account_id TEXT NOT NULL,
    amount           BIGINT NOT NULL,
    currency         TEXT NOT NULL,
    code             TEXT NOT NULL UNIQUE,
    idempotency_key  TEXT NOT NULL UNIQUE,
    txn_id           TEXT NOT NULL REFERENCES ledger_txns (id),
    created_at       BIGINT NOT NULL
);
