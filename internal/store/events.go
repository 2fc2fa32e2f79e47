package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/vitrine/vitrine"
)

// eventColumns are the columns of the events table, in insert order.
var eventColumns = []string{"id", "install_id", "type", "scope", "occurred_at", "received_at", "domain", "payload"}

// sqliteChunk is the number of rows per multi-row INSERT on SQLite: 8
// parameters a row stays far below SQLite's limit of 32766 parameters.
const sqliteChunk = 500

// PostgresInsert chooses how InsertEvents writes to PostgreSQL: "copy" (COPY
// into a temporary table, then INSERT ... SELECT ... ON CONFLICT DO NOTHING)
// or "unnest" (one INSERT ... SELECT FROM unnest($1::text[], ...)). Both are
// exact; the default is the one measured faster (see internal/ingest/RESULTS.md).
var PostgresInsert = "unnest"

// SQLiteInsert chooses how InsertEvents writes to SQLite: "exec" (multi-row
// INSERT ... ON CONFLICT DO NOTHING, sqliteChunk rows a statement, inside a
// savepoint: when fewer rows were inserted than offered, the chunk is rolled
// back to the savepoint and written again the "multi" way to learn which
// ids were new), "multi" (the same statement with RETURNING id, always) or
// "rows" (a prepared single-row INSERT ... ON CONFLICT DO NOTHING per event,
// counting rows affected). Placeholders are "?": with "$N" the driver binds
// a many-row statement in quadratic time.
var SQLiteInsert = "exec"

// InsertEvents stores events in one transaction, durably: it returns after
// the commit has reached stable storage (SQLite: synchronous=FULL on the
// write connection; PostgreSQL: synchronous_commit=on for the transaction).
// inserted[i] is true when evs[i] was stored by this call and false when an
// event with its id was already stored, or appears earlier in evs: event ids
// deduplicate. An event of an install that does not exist fails the whole
// call (a foreign key); see MissingInstalls.
func (db *DB) InsertEvents(ctx context.Context, evs []vitrine.Event) ([]bool, error) {
	inserted := make([]bool, len(evs))
	if len(evs) == 0 {
		return inserted, nil
	}
	// Repeated ids within evs: only the first is offered to the database;
	// first[j] is the index in evs of uniq[j] when there are repeats.
	uniq, first := evs, []int(nil)
	seen := make(map[string]struct{}, len(evs))
	for i := range evs {
		if _, dup := seen[evs[i].ID]; dup {
			uniq, first = nil, nil
			clear(seen)
			for k := range evs {
				if _, ok := seen[evs[k].ID]; !ok {
					seen[evs[k].ID] = struct{}{}
					uniq, first = append(uniq, evs[k]), append(first, k)
				}
			}
			break
		}
		seen[evs[i].ID] = struct{}{}
	}
	var got map[string]struct{}
	var err error
	if db.Dialect == Postgres {
		got, err = db.insertEventsPostgres(ctx, uniq)
	} else {
		got, err = db.insertEventsSQLite(ctx, uniq)
	}
	if err != nil {
		return nil, fmt.Errorf("insert events: %w", err)
	}
	for j := range uniq {
		if _, ok := got[uniq[j].ID]; ok {
			i := j
			if first != nil {
				i = first[j]
			}
			inserted[i] = true
		}
	}
	return inserted, nil
}

var insertSQLCache sync.Map // int (rows) -> string

// sqliteInsertSQL is the deduplicating insert of rows events, with
// RETURNING id when returning is set.
func sqliteInsertSQL(rows int, returning bool) string {
	key := rows
	if !returning {
		key = -rows
	}
	if s, ok := insertSQLCache.Load(key); ok {
		return s.(string)
	}
	s := rawInsertSQL(rows) + " ON CONFLICT (id) DO NOTHING"
	if returning {
		s += " RETURNING id"
	}
	insertSQLCache.Store(key, s)
	return s
}

// rawInsertSQL is a plain INSERT of rows events with "?" placeholders.
func rawInsertSQL(rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO events (id, install_id, type, scope, occurred_at, received_at, domain, payload) VALUES ")
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := 0; c < 8; c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('?')
		}
		b.WriteByte(')')
	}
	return b.String()
}

// sqliteChunkStmt returns a full-chunk insert statement (returning: with
// RETURNING id), prepared once on the write connection (call it without
// holding that connection; a transaction's StmtContext then reuses it, or
// prepares it again on a new connection): compiling a 500-row statement for
// every chunk cost about a sixth of the insert (CPU profile of
// BenchmarkInsertEvents).
func (db *DB) sqliteChunkStmt(ctx context.Context, returning bool) (*sql.Stmt, error) {
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	k := 0
	if returning {
		k = 1
	}
	if db.chunkStmt[k] == nil {
		st, err := db.w.PrepareContext(ctx, sqliteInsertSQL(sqliteChunk, returning))
		if err != nil {
			return nil, err
		}
		db.chunkStmt[k] = st
	}
	return db.chunkStmt[k], nil
}

func eventArgs(args []any, e *vitrine.Event) []any {
	return append(args, e.ID, e.InstallID, string(e.Type), string(e.Scope), ms(e.OccurredAt), ms(e.ReceivedAt), e.Domain, string(e.Payload))
}

func (db *DB) insertEventsSQLite(ctx context.Context, evs []vitrine.Event) (map[string]struct{}, error) {
	// Prepared before taking the (single) write connection, which they need.
	chunkStmt, err := db.sqliteChunkStmt(ctx, true)
	if err != nil {
		return nil, err
	}
	execStmt, err := db.sqliteChunkStmt(ctx, false)
	if err != nil {
		return nil, err
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	// A commit in WAL mode with synchronous=NORMAL survives a crash of the
	// process but not a power loss; FULL syncs the WAL at each commit, which
	// is what "acknowledged only when durable" needs.
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous=FULL`); err != nil {
		return nil, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// The statements run without cancellation: with a cancellable context
	// the driver watches it per statement, which costs more than the insert
	// of a row; the caller's deadline still bounds BEGIN and the connection.
	ctx = context.WithoutCancel(ctx)
	got := make(map[string]struct{}, len(evs))
	if SQLiteInsert == "rows" {
		st, err := tx.PrepareContext(ctx, `INSERT INTO events (id, install_id, type, scope, occurred_at, received_at, domain, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`)
		if err != nil {
			return nil, err
		}
		defer st.Close()
		for i := range evs {
			e := &evs[i]
			res, err := st.ExecContext(ctx, e.ID, e.InstallID, string(e.Type), string(e.Scope), ms(e.OccurredAt), ms(e.ReceivedAt), e.Domain, string(e.Payload))
			if err != nil {
				return nil, err
			}
			if n, err := res.RowsAffected(); err != nil {
				return nil, err
			} else if n == 1 {
				got[e.ID] = struct{}{}
			}
		}
		return got, tx.Commit()
	}
	args := make([]any, 0, sqliteChunk*8)
	for start := 0; start < len(evs); start += sqliteChunk {
		end := min(start+sqliteChunk, len(evs))
		args = args[:0]
		for i := start; i < end; i++ {
			args = eventArgs(args, &evs[i])
		}
		if SQLiteInsert == "exec" {
			// Duplicates are rare (retries): insert without RETURNING, and
			// only when a row was skipped learn which, the RETURNING way.
			all, err := insertChunkNoDup(ctx, tx, execStmt, end-start, args)
			if err != nil {
				return nil, err
			}
			if all {
				for i := start; i < end; i++ {
					got[evs[i].ID] = struct{}{}
				}
				continue
			}
		}
		var rows *sql.Rows
		if end-start == sqliteChunk {
			rows, err = tx.StmtContext(ctx, chunkStmt).QueryContext(ctx, args...)
			if err != nil {
				return nil, err
			}
		} else if rows, err = tx.QueryContext(ctx, sqliteInsertSQL(end-start, true), args...); err != nil {
			return nil, err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			got[id] = struct{}{}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return got, tx.Commit()
}

// insertChunkNoDup inserts one chunk of n events (args) without RETURNING
// inside a savepoint. all is true when every row was inserted; otherwise
// the chunk is rolled back to the savepoint, nothing of it stays, and the
// caller writes it again in a way that tells which ids were new.
func insertChunkNoDup(ctx context.Context, tx *sql.Tx, full *sql.Stmt, n int, args []any) (all bool, err error) {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT events_chunk"); err != nil {
		return false, err
	}
	var res sql.Result
	if n == sqliteChunk {
		res, err = tx.StmtContext(ctx, full).ExecContext(ctx, args...)
	} else {
		res, err = tx.ExecContext(ctx, sqliteInsertSQL(n, false), args...)
	}
	if err != nil {
		return false, err
	}
	k, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	if k != int64(n) {
		if _, err := tx.ExecContext(ctx, "ROLLBACK TO events_chunk"); err != nil {
			return false, err
		}
	}
	_, err = tx.ExecContext(ctx, "RELEASE events_chunk")
	return err == nil && k == int64(n), err
}

// pgConn runs f on a raw pgx connection of the pool.
func (db *DB) pgConn(ctx context.Context, f func(c *pgx.Conn) error) error {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("postgres driver connection is %T, want *stdlib.Conn", dc)
		}
		return f(sc.Conn())
	})
}

func (db *DB) insertEventsPostgres(ctx context.Context, evs []vitrine.Event) (map[string]struct{}, error) {
	got := make(map[string]struct{}, len(evs))
	err := db.pgConn(ctx, func(c *pgx.Conn) error {
		tx, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		// The server's default is on; a server configured otherwise must not
		// make us acknowledge events that a crash can lose.
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = on`); err != nil {
			return err
		}
		var rows pgx.Rows
		switch PostgresInsert {
		case "copy":
			if _, err := tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS events_in (LIKE events) ON COMMIT DELETE ROWS`); err != nil {
				return err
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"events_in"}, eventColumns, copySource(evs)); err != nil {
				return err
			}
			rows, err = tx.Query(ctx, `INSERT INTO events (id, install_id, type, scope, occurred_at, received_at, domain, payload)
				SELECT id, install_id, type, scope, occurred_at, received_at, domain, payload FROM events_in
				ON CONFLICT (id) DO NOTHING RETURNING id`)
		default:
			n := len(evs)
			id, inst, typ, scope, dom, pay := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
			occ, rec := make([]int64, n), make([]int64, n)
			for i := range evs {
				e := &evs[i]
				id[i], inst[i], typ[i], scope[i], dom[i], pay[i] = e.ID, e.InstallID, string(e.Type), string(e.Scope), e.Domain, string(e.Payload)
				occ[i], rec[i] = ms(e.OccurredAt), ms(e.ReceivedAt)
			}
			rows, err = tx.Query(ctx, `INSERT INTO events (id, install_id, type, scope, occurred_at, received_at, domain, payload)
				SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[])
				ON CONFLICT (id) DO NOTHING RETURNING id`, id, inst, typ, scope, occ, rec, dom, pay)
		}
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			got[id] = struct{}{}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	return got, err
}

func copySource(evs []vitrine.Event) pgx.CopyFromSource {
	i := -1
	return pgx.CopyFromFunc(func() ([]any, error) {
		i++
		if i >= len(evs) {
			return nil, nil
		}
		e := &evs[i]
		return []any{e.ID, e.InstallID, string(e.Type), string(e.Scope), ms(e.OccurredAt), ms(e.ReceivedAt), e.Domain, string(e.Payload)}, nil
	})
}

// RawInsertEvents is the benchmark baseline: the same rows written the
// plainest fast way with the same durability, without deduplication or
// reporting. SQLite: one transaction of single-row prepared INSERTs;
// PostgreSQL: one COPY into events. A repeated id fails it.
func (db *DB) RawInsertEvents(ctx context.Context, evs []vitrine.Event) error {
	if db.Dialect == Postgres {
		return db.pgConn(ctx, func(c *pgx.Conn) error {
			tx, err := c.Begin(ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx)
			if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = on`); err != nil {
				return err
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"events"}, eventColumns, copySource(evs)); err != nil {
				return fmt.Errorf("raw copy events: %w", err)
			}
			return tx.Commit(ctx)
		})
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous=FULL`); err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The fastest plain insert measured: multi-row statements of sqliteChunk
	// rows, each prepared once in the transaction (not cached: the raw
	// baseline pays its own compilation once per call).
	ctx = context.WithoutCancel(ctx)
	args := make([]any, 0, sqliteChunk*8)
	var full *sql.Stmt
	for start := 0; start < len(evs); start += sqliteChunk {
		end := min(start+sqliteChunk, len(evs))
		args = args[:0]
		for i := start; i < end; i++ {
			args = eventArgs(args, &evs[i])
		}
		q := rawInsertSQL(end - start)
		if end-start == sqliteChunk {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, q); err != nil {
					return err
				}
				defer full.Close()
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, q, args...)
		}
		if err != nil {
			return fmt.Errorf("raw insert events: %w", err)
		}
	}
	return tx.Commit()
}

// MissingInstalls returns those of installIDs that have no install (any
// more): their events cannot be stored.
func (db *DB) MissingInstalls(ctx context.Context, installIDs []string) ([]string, error) {
	var missing []string
	for _, id := range installIDs {
		var n int
		if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM installs WHERE id = $1`, id).Scan(&n); err != nil {
			return nil, fmt.Errorf("missing installs: %w", err)
		}
		if n == 0 {
			missing = append(missing, id)
		}
	}
	return missing, nil
}

const selectEvent = `SELECT id, install_id, type, scope, occurred_at, received_at, domain, payload FROM events`

func scanEvent(rows *sql.Rows) (vitrine.Event, error) {
	var e vitrine.Event
	var occ, rec int64
	var typ, scope, payload string
	if err := rows.Scan(&e.ID, &e.InstallID, &typ, &scope, &occ, &rec, &e.Domain, &payload); err != nil {
		return e, err
	}
	e.Type, e.Scope, e.Payload = vitrine.EventType(typ), vitrine.Scope(scope), []byte(payload)
	e.OccurredAt, e.ReceivedAt = fromMS(occ), fromMS(rec)
	return e, nil
}

// EventsForInstall returns an install's events in time order (occurred_at,
// then id), at most limit of them (limit <= 0: all).
func (db *DB) EventsForInstall(ctx context.Context, installID string, limit int) ([]vitrine.Event, error) {
	q := selectEvent + ` WHERE install_id = $1 ORDER BY occurred_at, id`
	args := []any{installID}
	if limit > 0 {
		q += ` LIMIT $2`
		args = append(args, limit)
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("events for install: %w", err)
	}
	defer rows.Close()
	evs := []vitrine.Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("events for install: %w", err)
		}
		evs = append(evs, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events for install: %w", err)
	}
	return evs, nil
}

// CountEvents returns the number of stored events, of one install when
// installID is not empty.
func (db *DB) CountEvents(ctx context.Context, installID string) (int64, error) {
	var n int64
	var err error
	if installID == "" {
		err = db.r.QueryRowContext(ctx, `SELECT count(*) FROM events`).Scan(&n)
	} else {
		err = db.r.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE install_id = $1`, installID).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("count events: %w", err)
	}
	return n, nil
}

// EachEventID calls fn with the id of every stored event, one row at a time
// (a row stored twice would be seen twice). The crash test compares them
// with the acknowledged log.
func (db *DB) EachEventID(ctx context.Context, fn func(id string) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT id FROM events`)
	if err != nil {
		return fmt.Errorf("event ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("event ids: %w", err)
		}
		if err := fn(id); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("event ids: %w", err)
	}
	return nil
}

// AllEvents returns every stored event (benchmarks and tests).
func (db *DB) AllEvents(ctx context.Context) ([]vitrine.Event, error) {
	rows, err := db.r.QueryContext(ctx, selectEvent)
	if err != nil {
		return nil, fmt.Errorf("all events: %w", err)
	}
	defer rows.Close()
	var evs []vitrine.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("all events: %w", err)
		}
		evs = append(evs, e)
	}
	return evs, rows.Err()
}

// DeleteAllEvents empties the events table (benchmarks: the raw baseline
// re-inserts the same rows into the same, empty table).
func (db *DB) DeleteAllEvents(ctx context.Context) error {
	q := `DELETE FROM events`
	if db.Dialect == Postgres {
		q = `TRUNCATE events`
	}
	if _, err := db.w.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("delete all events: %w", err)
	}
	return nil
}
