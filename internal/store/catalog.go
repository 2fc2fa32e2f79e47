package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ident"
	"github.com/vitrine/vitrine/internal/money"
)

var _ vitrine.CatalogStore = (*DB)(nil)

// productColumns are the columns written by an upsert, in order.
var productColumns = []string{
	"id", "title", "description", "brand", "gtin", "mpn", "sku", "category", "product_type",
	"link", "image_link", "condition", "item_group_id", "extra",
	"price_amount", "price_currency", "sale_amount", "sale_currency", "sale_start_at", "sale_end_at",
	"availability", "brand_key", "search_text", "content_hash",
	"last_amount", "last_currency", "last_availability", "version", "created_at", "updated_at",
}

// upsertBatch bounds the rows of one multi-row statement (parameters stay
// well below SQLite's 32766 and PostgreSQL's 65535).
const upsertBatch = 500

// extra holds the repeatable and free-form attributes, stored as JSON.
type extra struct {
	AdditionalImageLinks []string            `json:"additional_image_links,omitempty"`
	Attributes           map[string][]string `json:"attributes,omitempty"`
}

// catalogImport is an import in progress: one write transaction.
type catalogImport struct {
	db      *DB
	tx      *sql.Tx
	at      time.Time
	version int64
	done    bool
}

// BeginImport starts an import; nothing is visible to readers before Commit,
// and Rollback (or any failure) leaves the catalog exactly as it was.
func (db *DB) BeginImport(ctx context.Context, at time.Time) (vitrine.CatalogImport, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin import: %w", err)
	}
	// Taking the next catalog version also serialises imports on PostgreSQL
	// (the row stays locked until commit); SQLite has one writer anyway.
	var v int64
	if err := tx.QueryRowContext(ctx, `UPDATE catalog_meta SET version = version + 1 WHERE id = 1 RETURNING version`).Scan(&v); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("begin import: %w", err)
	}
	return &catalogImport{db: db, tx: tx, at: at.UTC(), version: v}, nil
}

func (im *catalogImport) Commit() error {
	if im.done {
		return errors.New("import already finished")
	}
	im.done = true
	if err := im.tx.Commit(); err != nil {
		return fmt.Errorf("commit import: %w", err)
	}
	return nil
}

func (im *catalogImport) Rollback() error {
	if im.done {
		return nil
	}
	im.done = true
	return im.tx.Rollback()
}

type existing struct {
	hash         string
	lastAmount   int64
	lastCurrency string
	lastAvail    string
	createdAt    int64
}

// Upsert inserts new products, updates changed ones and appends a price
// history point whenever the effective price or availability differs from
// the last point. When the same id appears twice, the later row wins.
func (im *catalogImport) Upsert(ctx context.Context, items []vitrine.Item) (vitrine.ImportStats, error) {
	var st vitrine.ImportStats
	if im.done {
		return st, errors.New("import already finished")
	}
	for len(items) > 0 {
		n := min(len(items), upsertBatch)
		s, err := im.upsertChunk(ctx, items[:n])
		if err != nil {
			return st, err
		}
		st.Imported += s.Imported
		st.Updated += s.Updated
		st.Unchanged += s.Unchanged
		st.History += s.History
		items = items[n:]
	}
	return st, nil
}

func (im *catalogImport) upsertChunk(ctx context.Context, items []vitrine.Item) (vitrine.ImportStats, error) {
	var st vitrine.ImportStats
	// Later rows with the same id win.
	last := make(map[string]int, len(items))
	for i, it := range items {
		last[it.ID] = i
	}
	ids := make([]any, 0, len(last))
	for i, it := range items {
		if last[it.ID] == i {
			ids = append(ids, it.ID)
		}
	}
	cur, err := im.existing(ctx, ids)
	if err != nil {
		return st, err
	}
	at := ms(im.at)
	var rows [][]any
	var hist [][]any
	for i, it := range items {
		if last[it.ID] != i {
			continue
		}
		if err := validItem(it); err != nil {
			return st, err
		}
		row, hash, err := productRow(it)
		if err != nil {
			return st, err
		}
		eff := it.Offer.EffectivePrice(im.at)
		old, found := cur[it.ID]
		changedPoint := !found || old.lastAmount != int64(eff.Amount) || old.lastCurrency != eff.Currency || old.lastAvail != string(it.Offer.Availability)
		switch {
		case !found:
			st.Imported++
		case old.hash != hash:
			st.Updated++
		default:
			st.Unchanged++
		}
		if found && old.hash == hash && !changedPoint {
			continue
		}
		created := at
		if found {
			created = old.createdAt
		}
		row = append(row, int64(eff.Amount), eff.Currency, string(it.Offer.Availability), im.version, created, at)
		rows = append(rows, row)
		if changedPoint {
			hist = append(hist, []any{it.ID, at, int64(eff.Amount), eff.Currency, string(it.Offer.Availability)})
			st.History++
		}
	}
	if err := im.insertRows(ctx, rows); err != nil {
		return st, err
	}
	if err := im.insertHistory(ctx, hist); err != nil {
		return st, err
	}
	return st, nil
}

func (im *catalogImport) existing(ctx context.Context, ids []any) (map[string]existing, error) {
	out := make(map[string]existing, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	q := `SELECT id, content_hash, last_amount, last_currency, last_availability, created_at FROM products WHERE id IN (` + placeholders(im.db.Dialect, 1, len(ids)) + `)`
	rows, err := im.tx.QueryContext(ctx, q, ids...)
	if err != nil {
		return nil, fmt.Errorf("import: read existing products: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var e existing
		if err := rows.Scan(&id, &e.hash, &e.lastAmount, &e.lastCurrency, &e.lastAvail, &e.createdAt); err != nil {
			return nil, fmt.Errorf("import: read existing products: %w", err)
		}
		out[id] = e
	}
	return out, rows.Err()
}

func (im *catalogImport) insertRows(ctx context.Context, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("INSERT INTO products (")
	b.WriteString(strings.Join(productColumns, ", "))
	b.WriteString(") VALUES ")
	args := make([]any, 0, len(rows)*len(productColumns))
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		b.WriteString(placeholders(im.db.Dialect, len(args)+1, len(r)))
		b.WriteString(")")
		args = append(args, r...)
	}
	b.WriteString(" ON CONFLICT (id) DO UPDATE SET ")
	first := true
	for _, c := range productColumns {
		if c == "id" || c == "created_at" {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		b.WriteString(c + " = excluded." + c)
	}
	if _, err := im.tx.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("import: write products: %w", err)
	}
	return nil
}

func (im *catalogImport) insertHistory(ctx context.Context, hist [][]any) error {
	if len(hist) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("INSERT INTO price_history (product_id, at, amount, currency, availability) VALUES ")
	args := make([]any, 0, len(hist)*5)
	for i, h := range hist {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(" + placeholders(im.db.Dialect, len(args)+1, 5) + ")")
		args = append(args, h...)
	}
	if _, err := im.tx.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("import: write price history: %w", err)
	}
	return nil
}

// validItem checks the invariants the database relies on. Feed parsers give
// precise, line-numbered errors first; this is the last line of defence for
// every other caller.
func validItem(it vitrine.Item) error {
	switch {
	case strings.TrimSpace(it.ID) == "":
		return vitrine.Errorf(vitrine.EINVALID, "product without id")
	case strings.TrimSpace(it.Title) == "":
		return vitrine.Errorf(vitrine.EINVALID, "product %q: empty title", it.ID)
	case !money.IsCurrency(it.Offer.Price.Currency):
		return vitrine.Errorf(vitrine.EINVALID, "product %q: price currency %q is not an ISO 4217 code", it.ID, it.Offer.Price.Currency)
	case it.Offer.Price.Amount < 0:
		return vitrine.Errorf(vitrine.EINVALID, "product %q: negative price", it.ID)
	case !it.Offer.Availability.Valid():
		return vitrine.Errorf(vitrine.EINVALID, "product %q: availability %q", it.ID, it.Offer.Availability)
	case it.Condition != "" && !it.Condition.Valid():
		return vitrine.Errorf(vitrine.EINVALID, "product %q: condition %q", it.ID, it.Condition)
	case it.Offer.SalePrice != nil && it.Offer.SalePrice.Currency != it.Offer.Price.Currency:
		return vitrine.Errorf(vitrine.EINVALID, "product %q: sale price currency %s differs from price currency %s", it.ID, it.Offer.SalePrice.Currency, it.Offer.Price.Currency)
	}
	if it.GTIN != "" {
		if _, err := ident.NormalizeGTIN(it.GTIN); err != nil {
			return vitrine.Errorf(vitrine.EINVALID, "product %q: %v", it.ID, err)
		}
	}
	return nil
}

// productRow returns the values of productColumns up to content_hash, and the hash.
func productRow(it vitrine.Item) ([]any, string, error) {
	gtin := it.GTIN
	if gtin != "" {
		gtin, _ = ident.NormalizeGTIN(gtin)
	}
	ex, err := json.Marshal(extra{AdditionalImageLinks: it.AdditionalImageLinks, Attributes: it.Attributes})
	if err != nil {
		return nil, "", fmt.Errorf("import: product %q: %w", it.ID, err)
	}
	var saleAmount, saleStart, saleEnd any
	var saleCurrency any
	if s := it.Offer.SalePrice; s != nil {
		saleAmount, saleCurrency = int64(s.Amount), s.Currency
	}
	if t := it.Offer.SaleStart; t != nil {
		saleStart = ms(*t)
	}
	if t := it.Offer.SaleEnd; t != nil {
		saleEnd = ms(*t)
	}
	row := []any{
		it.ID, it.Title, it.Description, it.Brand, gtin, it.MPN, it.SKU, it.Category, it.ProductType,
		it.Link, it.ImageLink, string(it.Condition), it.ItemGroupID, string(ex),
		int64(it.Offer.Price.Amount), it.Offer.Price.Currency, saleAmount, saleCurrency, saleStart, saleEnd,
		string(it.Offer.Availability), brandKey(it.Brand), searchText(it.Product),
	}
	h := sha256.New()
	for _, v := range row {
		fmt.Fprintf(h, "%v\x00", v)
	}
	hash := hex.EncodeToString(h.Sum(nil)[:16])
	return append(row, hash), hash, nil
}

func brandKey(b string) string { return strings.ToLower(strings.TrimSpace(b)) }

func searchText(p vitrine.Product) string {
	return strings.ToLower(strings.Join([]string{p.Title, p.Brand, p.MPN, p.SKU, p.ID}, " "))
}

const selectItem = `SELECT id, title, description, brand, gtin, mpn, sku, category, product_type,
	link, image_link, condition, item_group_id, extra,
	price_amount, price_currency, sale_amount, sale_currency, sale_start_at, sale_end_at,
	availability, updated_at FROM products`

func scanItem(sc interface{ Scan(...any) error }) (vitrine.Item, error) {
	var it vitrine.Item
	var cond, ex, avail string
	var saleAmount, saleStart, saleEnd sql.NullInt64
	var saleCurrency sql.NullString
	var price, updated int64
	err := sc.Scan(&it.ID, &it.Title, &it.Description, &it.Brand, &it.GTIN, &it.MPN, &it.SKU, &it.Category, &it.ProductType,
		&it.Link, &it.ImageLink, &cond, &it.ItemGroupID, &ex,
		&price, &it.Offer.Price.Currency, &saleAmount, &saleCurrency, &saleStart, &saleEnd,
		&avail, &updated)
	if err != nil {
		return it, err
	}
	it.Condition = vitrine.Condition(cond)
	it.Offer.Price.Amount = money.Amount(price)
	it.Offer.Availability = vitrine.Availability(avail)
	if saleAmount.Valid {
		it.Offer.SalePrice = &money.Money{Amount: money.Amount(saleAmount.Int64), Currency: saleCurrency.String}
	}
	if saleStart.Valid {
		t := fromMS(saleStart.Int64)
		it.Offer.SaleStart = &t
	}
	if saleEnd.Valid {
		t := fromMS(saleEnd.Int64)
		it.Offer.SaleEnd = &t
	}
	it.UpdatedAt = fromMS(updated)
	var e extra
	if err := json.Unmarshal([]byte(ex), &e); err != nil {
		return it, fmt.Errorf("product %q: corrupt extra attributes: %w", it.ID, err)
	}
	it.AdditionalImageLinks, it.Attributes = e.AdditionalImageLinks, e.Attributes
	return it, nil
}

// Item returns one product with its offer.
func (db *DB) Item(ctx context.Context, id string) (vitrine.Item, error) {
	it, err := scanItem(db.r.QueryRowContext(ctx, selectItem+` WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return it, vitrine.Errorf(vitrine.ENOTFOUND, "product %q not found", id)
	}
	if err != nil {
		return it, fmt.Errorf("read product: %w", err)
	}
	return it, nil
}

// Items lists products in id order, filtered, one page at a time.
func (db *DB) Items(ctx context.Context, f vitrine.ProductFilter) (vitrine.ProductPage, error) {
	var page vitrine.ProductPage
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > vitrine.MaxPageSize {
		return page, vitrine.Errorf(vitrine.EINVALID, "limit %d is above the maximum of %d", f.Limit, vitrine.MaxPageSize)
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Cursor != "" {
		after, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		if err != nil {
			return page, vitrine.Errorf(vitrine.EINVALID, "cursor is not one this server issued")
		}
		where = append(where, "id > "+arg(string(after)))
	}
	if f.GTIN != "" {
		g, err := ident.NormalizeGTIN(f.GTIN)
		if err != nil {
			return page, vitrine.Errorf(vitrine.EINVALID, "gtin: %v", err)
		}
		where = append(where, "gtin = "+arg(g))
	}
	if f.Brand != "" {
		where = append(where, "brand_key = "+arg(brandKey(f.Brand)))
	}
	words := strings.Fields(strings.ToLower(f.Query))
	if len(words) > 10 {
		return page, vitrine.Errorf(vitrine.EINVALID, "q has %d words, at most 10 are allowed", len(words))
	}
	for _, w := range words {
		where = append(where, "search_text LIKE "+arg("%"+escapeLike(w)+"%")+` ESCAPE '\'`)
	}
	q := selectItem
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id LIMIT " + arg(f.Limit+1)
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return page, fmt.Errorf("list products: %w", err)
	}
	defer rows.Close()
	page.Items = []vitrine.Item{}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return page, fmt.Errorf("list products: %w", err)
		}
		page.Items = append(page.Items, it)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("list products: %w", err)
	}
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		page.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(page.Items[f.Limit-1].ID))
	}
	return page, nil
}

// History returns a product's price history, oldest first.
func (db *DB) History(ctx context.Context, id string) ([]vitrine.PricePoint, error) {
	if _, err := db.Item(ctx, id); err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT at, amount, currency, availability FROM price_history WHERE product_id = $1 ORDER BY at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("read price history: %w", err)
	}
	defer rows.Close()
	pts := []vitrine.PricePoint{}
	for rows.Next() {
		var at, amount int64
		var p vitrine.PricePoint
		var avail string
		if err := rows.Scan(&at, &amount, &p.Price.Currency, &avail); err != nil {
			return nil, fmt.Errorf("read price history: %w", err)
		}
		p.At, p.Price.Amount, p.Availability = fromMS(at), money.Amount(amount), vitrine.Availability(avail)
		pts = append(pts, p)
	}
	return pts, rows.Err()
}

// CountProducts returns the number of products in the catalog.
func (db *DB) CountProducts(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM products`).Scan(&n)
	return n, err
}

// placeholders returns n bind parameters numbered from `from`. SQLite gets
// anonymous "?" parameters: it treats "$N" as a named parameter and looks
// names up linearly, which makes multi-row statements quadratic.
func placeholders(d Dialect, from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		if d == SQLite {
			b.WriteByte('?')
		} else {
			fmt.Fprintf(&b, "$%d", from+i)
		}
	}
	return b.String()
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
