-- Panel events (POST /v1/events). id is the UUIDv7 the device made: the
-- primary key is what deduplicates retried batches. Times are Unix ms (UTC):
-- occurred_at from the device clock, received_at from the server's.
-- payload is the event type's fields as canonical JSON; domain is the site
-- the shopper was on (for "by site" views and deletion of one site).
CREATE TABLE events (
    id           TEXT PRIMARY KEY,
    install_id   TEXT NOT NULL REFERENCES installs (id) ON DELETE CASCADE,
    type         TEXT NOT NULL,
    scope        TEXT NOT NULL,
    occurred_at  BIGINT NOT NULL,
    received_at  BIGINT NOT NULL,
    domain       TEXT NOT NULL DEFAULT '',
    payload      TEXT NOT NULL
);
-- The shopper's dashboard and deletions go by install and time; retention by receipt time.
CREATE INDEX events_install_occurred ON events (install_id, occurred_at);
CREATE INDEX events_received ON events (received_at);
