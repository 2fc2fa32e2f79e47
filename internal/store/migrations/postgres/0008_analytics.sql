-- Behaviour analytics (internal/analytics): rollups of panel events, orders
-- reported by the store, and exposures of display experiments.
--
-- rollup_installs is the first level: events counted per hour (Unix ms /
-- 3,600,000), site, type and install. It is what makes distinct-install
-- counts exact over any range without the raw events, and what makes a
-- deletion exact: an install's rows are rebuilt from its remaining raw events
-- (see store.RecomputeInstallRollups). It never leaves the server: reports
-- read rollup_hourly and rollup_daily, and every aggregate shown is
-- suppressed below k distinct installs.
CREATE TABLE rollup_installs (
    hour       BIGINT NOT NULL,
    domain     TEXT NOT NULL,
    type       TEXT NOT NULL,
    install_id TEXT NOT NULL,
    events     BIGINT NOT NULL,
    PRIMARY KEY (hour, domain, type, install_id)
);
CREATE INDEX rollup_installs_install ON rollup_installs (install_id);

CREATE TABLE rollup_hourly (
    hour     BIGINT NOT NULL,
    domain   TEXT NOT NULL,
    type     TEXT NOT NULL,
    events   BIGINT NOT NULL,
    installs BIGINT NOT NULL,
    PRIMARY KEY (hour, domain, type)
);

CREATE TABLE rollup_daily (
    day      BIGINT NOT NULL,
    domain   TEXT NOT NULL,
    type     TEXT NOT NULL,
    events   BIGINT NOT NULL,
    installs BIGINT NOT NULL,
    PRIMARY KEY (day, domain, type)
);

-- watermark: events received at or before it (Unix ms) are in the rollups.
CREATE TABLE rollup_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    watermark BIGINT NOT NULL
);
INSERT INTO rollup_state (id, watermark) VALUES (1, 0);

-- Orders reported by the store (POST /v1/admin/orders), by store account or
-- install. No foreign key: an order is the store's record and survives the
-- deletion of an install (its install_id is then cleared).
CREATE TABLE orders (
    id               TEXT PRIMARY KEY,
    store_account_id TEXT NOT NULL DEFAULT '',
    install_id       TEXT NOT NULL DEFAULT '',
    product_id       TEXT NOT NULL,
    amount           BIGINT NOT NULL,
    currency         TEXT NOT NULL,
    ordered_at       BIGINT NOT NULL,
    received_at      BIGINT NOT NULL
);
CREATE INDEX orders_ordered ON orders (ordered_at);
CREATE INDEX orders_install ON orders (install_id);

-- Exposures of display experiments: a comparison bar shown in a variant.
CREATE TABLE experiment_exposures (
    id          TEXT PRIMARY KEY,
    install_id  TEXT NOT NULL REFERENCES installs (id) ON DELETE CASCADE,
    experiment  TEXT NOT NULL,
    variant     TEXT NOT NULL,
    product_id  TEXT NOT NULL DEFAULT '',
    domain      TEXT NOT NULL DEFAULT '',
    occurred_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX experiment_exposures_experiment ON experiment_exposures (experiment, occurred_at);
CREATE INDEX experiment_exposures_install ON experiment_exposures (install_id);
