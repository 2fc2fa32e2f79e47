-- The store catalog: one row per product with its offer, and the price history.
-- Money: *_amount columns are integers in ten-thousandths of the currency's
-- major unit (see internal/money). Times: *_at columns are Unix milliseconds (UTC).
CREATE TABLE products (
    id                TEXT PRIMARY KEY,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    brand             TEXT NOT NULL DEFAULT '',
    gtin              TEXT NOT NULL DEFAULT '',
    mpn               TEXT NOT NULL DEFAULT '',
    sku               TEXT NOT NULL DEFAULT '',
    category          TEXT NOT NULL DEFAULT '',
    product_type      TEXT NOT NULL DEFAULT '',
    link              TEXT NOT NULL DEFAULT '',
    image_link        TEXT NOT NULL DEFAULT '',
    condition         TEXT NOT NULL DEFAULT '',
    item_group_id     TEXT NOT NULL DEFAULT '',
    extra             TEXT NOT NULL DEFAULT '{}',
    price_amount      BIGINT NOT NULL,
    price_currency    TEXT NOT NULL,
    sale_amount       BIGINT,
    sale_currency     TEXT,
    sale_start_at     BIGINT,
    sale_end_at       BIGINT,
    availability      TEXT NOT NULL,
    brand_key         TEXT NOT NULL DEFAULT '',
    search_text       TEXT NOT NULL DEFAULT '',
    content_hash      TEXT NOT NULL,
    last_amount       BIGINT NOT NULL,
    last_currency     TEXT NOT NULL,
    last_availability TEXT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX products_gtin ON products (gtin) WHERE gtin <> '';
CREATE INDEX products_brand_key ON products (brand_key, id);
CREATE INDEX products_version ON products (version);

-- catalog_meta.version counts committed imports; each product row carries the
-- version of the import that last changed it, so readers holding the catalog
-- in memory load only what changed since the version they have.
CREATE TABLE catalog_meta (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO catalog_meta (id, version) VALUES (1, 0);

CREATE TABLE price_history (
    id           BIGSERIAL PRIMARY KEY,
    product_id   TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    at           BIGINT NOT NULL,
    amount       BIGINT NOT NULL,
    currency     TEXT NOT NULL,
    availability TEXT NOT NULL
);
CREATE INDEX price_history_product ON price_history (product_id, at);
