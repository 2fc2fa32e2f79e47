// Package storetest gives each test a fresh, migrated, real database: SQLite
// always, and PostgreSQL when VITRINE_TEST_POSTGRES holds a DSN. Under CI
// (CI=true) a missing PostgreSQL DSN fails the test instead of skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/vitrine/vitrine/internal/store"
)

// EnvPostgres names the environment variable holding the PostgreSQL DSN for tests.
const EnvPostgres = "VITRINE_TEST_POSTGRES"

// Engines runs f once per available engine, as subtests named "sqlite" and
// "postgres", each on a fresh database.
func Engines(t *testing.T, f func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { f(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, OpenPostgres(t)) })
}

// OpenSQLite returns a fresh migrated SQLite database in a temporary directory.
func OpenSQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, "sqlite:"+filepath.Join(t.TempDir(), "vitrine.db"))
}

// PostgresDSN returns the DSN of the test PostgreSQL server, skipping the
// test (or failing it under CI) when none is configured.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvPostgres)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: PostgreSQL tests are mandatory in CI", EnvPostgres)
		}
		t.Skipf("PostgreSQL tests skipped: set %s=postgres://root@127.0.0.1:5432/test?sslmode=disable to run them", EnvPostgres)
	}
	return dsn
}

// OpenPostgres returns a fresh migrated PostgreSQL database: a new schema
// on the server named by VITRINE_TEST_POSTGRES, dropped when the test ends.
func OpenPostgres(t testing.TB) *store.DB {
	t.Helper()
	dsn := FreshPostgresSchema(t)
	return open(t, dsn)
}

// FreshPostgresSchema creates an empty schema and returns a DSN whose
// search_path points at it. The schema is dropped when the test ends.
func FreshPostgresSchema(t testing.TB) string {
	t.Helper()
	base := PostgresDSN(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "vt_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema on %s: %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}
