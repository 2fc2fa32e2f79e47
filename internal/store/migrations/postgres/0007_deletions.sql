-- Deletion receipts: what kind of deletion a shopper asked for and how many
-- rows went from each table. The deleted site or dates are not kept (that
-- would keep the data); only a hash of the request, to match a receipt.
CREATE TABLE deletions (
    id           TEXT PRIMARY KEY,
    install_id   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    counts       TEXT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX deletions_install ON deletions (install_id, at);
