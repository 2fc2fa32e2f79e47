// Package store keeps Vitrine's data in SQLite (the embedded default, through
// the pure-Go modernc.org/sqlite driver) or PostgreSQL (through pgx). Both
// engines run the same plain SQL with $N placeholders; the few differences
// live in the Dialect and in the per-engine migrations.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names a database engine.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations
var migrationsFS embed.FS

// DB is a handle on a Vitrine database. Writes go through w; reads through r.
// On SQLite, w is a single connection taking the write lock at BEGIN
// (SQLite allows one writer at a time) and r is a pool of read-only
// connections; on PostgreSQL both are the same pool.
type DB struct {
	Dialect Dialect
	w, r    *sql.DB
	dsn     string
	Now     func() time.Time

	stmtMu    sync.Mutex
	chunkStmt [2]*sql.Stmt // SQLite: the full-chunk event inserts, without and with RETURNING (events.go)
}

// Open opens a database: "sqlite:PATH", a bare path (SQLite), or a
// "postgres://" / "postgresql://" URL. It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{dsn: dsn, Now: time.Now}
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db.Dialect = Postgres
		p, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		p.SetMaxOpenConns(16)
		p.SetMaxIdleConns(16)
		p.SetConnMaxIdleTime(5 * time.Minute)
		db.w, db.r = p, p
	default:
		db.Dialect = SQLite
		file := strings.TrimPrefix(dsn, "sqlite:")
		file = strings.TrimPrefix(file, "//")
		if file == "" {
			return nil, errors.New("open sqlite: empty path (want sqlite:./vitrine.db)")
		}
		if i := strings.IndexByte(file, '?'); i >= 0 {
			return nil, fmt.Errorf("open sqlite: %q: query parameters are not supported, Vitrine sets its own", dsn)
		}
		base := "file:" + (&url.URL{Path: file}).EscapedPath() +
			"?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"
		w, err := sql.Open("sqlite", base+"&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		r.SetMaxOpenConns(8)
		r.SetMaxIdleConns(8)
		db.w, db.r = w, r
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.w.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", db.Dialect, err)
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.stmtMu.Lock()
	for i, st := range db.chunkStmt {
		if st != nil {
			st.Close()
			db.chunkStmt[i] = nil
		}
	}
	db.stmtMu.Unlock()
	err := db.w.Close()
	if db.r != db.w {
		if e := db.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.r.PingContext(ctx) }

// Migration is one schema change, applied in its own transaction.
type Migration struct {
	Name string
	SQL  string
}

// Migrations returns the embedded migrations of an engine in order.
func Migrations(d Dialect) ([]Migration, error) {
	dir := path.Join("migrations", string(d))
	ents, err := fs.ReadDir(migrationsFS, dir)
	if err != nil {
		return nil, fmt.Errorf("migrations for %s: %w", d, err)
	}
	var ms []Migration
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := fs.ReadFile(migrationsFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Name: e.Name(), SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
	return ms, nil
}

// Migrate applies the migrations not yet applied, each in one transaction,
// and returns the names it applied.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	ms, err := Migrations(db.Dialect)
	if err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range ms {
		done, err := db.applyMigration(ctx, m)
		if err != nil {
			return applied, err
		}
		if done {
			applied = append(applied, m.Name)
		}
	}
	return applied, nil
}

func (db *DB) applyMigration(ctx context.Context, m Migration) (bool, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate %s: %w", m.Name, err)
	}
	defer tx.Rollback()
	if db.Dialect == Postgres {
		// Serialise concurrent migrators (several processes starting at once).
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(727784)`); err != nil {
			return false, fmt.Errorf("migrate %s: lock: %w", m.Name, err)
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = $1`, m.Name).Scan(&n); err != nil {
		return false, fmt.Errorf("migrate %s: %w", m.Name, err)
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, fmt.Errorf("migrate %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, m.Name, db.Now().UnixMilli()); err != nil {
		return false, fmt.Errorf("migrate %s: %w", m.Name, err)
	}
	return true, tx.Commit()
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }
