package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/vitrine/vitrine/internal/storetest"
)

// vitrine runs the command in-process and returns its exit code and output.
func runCmd(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// dbs yields a fresh SQLite DSN and, when configured, a fresh PostgreSQL one.
func dbs(t *testing.T, f func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { f(t, "sqlite:"+filepath.Join(t.TempDir(), "v.db")) })
	t.Run("postgres", func(t *testing.T) { f(t, storetest.FreshPostgresSchema(t)) })
}

func historyPoints(t *testing.T, dsn string) int {
	t.Helper()
	driver, src := "pgx", dsn
	if strings.HasPrefix(dsn, "sqlite:") {
		driver, src = "sqlite", strings.TrimPrefix(dsn, "sqlite:")
	}
	db, err := sql.Open(driver, src)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM price_history`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportAcceptance(t *testing.T) {
	dbs(t, func(t *testing.T, dsn string) {
		env := map[string]string{"VITRINE_DB": dsn}
		code, out, errs := runCmd(t, env, "import", "testdata/catalog.tsv", "testdata/catalog.xml")
		if code != 0 || lastLine(out) != "imported=5 updated=0 unchanged=0 rejected=0" {
			t.Fatalf("first import: code %d\n%s\n%s", code, out, errs)
		}
		if n := historyPoints(t, dsn); n != 5 {
			t.Fatalf("%d history points after first import, want 5", n)
		}
		code, out, errs = runCmd(t, env, "import", "testdata/catalog.tsv", "testdata/catalog.xml")
		if code != 0 || lastLine(out) != "imported=0 updated=0 unchanged=5 rejected=0" {
			t.Fatalf("unchanged re-import: code %d\n%s\n%s", code, out, errs)
		}
		if n := historyPoints(t, dsn); n != 5 {
			t.Fatalf("%d history points after unchanged re-import, want 5", n)
		}
		code, out, errs = runCmd(t, env, "import", "testdata/changed.tsv", "testdata/catalog.xml")
		if code != 0 || lastLine(out) != "imported=0 updated=2 unchanged=3 rejected=0" {
			t.Fatalf("import with two price changes: code %d\n%s\n%s", code, out, errs)
		}
		if n := historyPoints(t, dsn); n != 7 {
			t.Fatalf("%d history points after two price changes, want 7", n)
		}
		// One bad row in the middle: nothing changes, the line and column are named.
		code, out, errs = runCmd(t, env, "import", "testdata/bad.tsv")
		if code != 1 || lastLine(out) != "imported=0 updated=0 unchanged=0 rejected=1" {
			t.Fatalf("bad file: code %d\n%s\n%s", code, out, errs)
		}
		if !strings.Contains(errs, "testdata/bad.tsv:4") || !strings.Contains(errs, "price") || !strings.Contains(errs, "nothing was changed") {
			t.Fatalf("bad file: error does not name file:line and column:\n%s", errs)
		}
		if n := historyPoints(t, dsn); n != 7 {
			t.Fatalf("%d history points after failed import, want 7", n)
		}
		// --skip-invalid imports the rest and lists the rejected row.
		code, out, errs = runCmd(t, env, "import", "--skip-invalid", "testdata/bad.tsv")
		if code != 0 || lastLine(out) != "imported=2 updated=1 unchanged=0 rejected=1" {
			t.Fatalf("skip-invalid: code %d\n%s\n%s", code, out, errs)
		}
		if !strings.Contains(errs, "rejected testdata/bad.tsv:4") {
			t.Fatalf("skip-invalid does not list the rejected row:\n%s", errs)
		}
	})
}

func TestCommandLineErrors(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"VITRINE_DB": "sqlite:" + filepath.Join(dir, "v.db")}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, 2, "Commands:"},
		{[]string{"nope"}, 2, `unknown command "nope"`},
		{[]string{"import"}, 2, "no FILE given"},
		{[]string{"import", "x.pdf"}, 2, ".pdf"},
		{[]string{"import", "missing.tsv"}, 1, "missing.tsv"},
		{[]string{"import", "--batch", "0", "testdata/catalog.tsv"}, 2, "--batch 0"},
		{[]string{"serve", "--log-level", "loud"}, 2, `--log-level "loud"`},
		{[]string{"migrate", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"generate", "feed", "--rows", "10"}, 2, "--out FILE is required"},
	} {
		code, out, errs := runCmd(t, env, tc.args...)
		if code != tc.code || !strings.Contains(out+errs, tc.want) {
			t.Errorf("vitrine %v: code %d, want %d; output lacks %q:\n%s%s", tc.args, code, tc.code, tc.want, out, errs)
		}
	}
	// The environment sets defaults; a bad value is named.
	code, _, errs := runCmd(t, map[string]string{"VITRINE_BATCH": "many"}, "import", "testdata/catalog.tsv")
	if code != 2 || !strings.Contains(errs, "VITRINE_BATCH") {
		t.Errorf("bad environment value: code %d: %s", code, errs)
	}
}

func TestMigrateAndVersion(t *testing.T) {
	env := map[string]string{"VITRINE_DB": "sqlite:" + filepath.Join(t.TempDir(), "v.db")}
	code, out, _ := runCmd(t, env, "migrate")
	if code != 0 || !strings.Contains(out, "applied 0001_catalog.sql") || !strings.HasPrefix(lastLine(out), "engine=sqlite applied=") || lastLine(out) == "engine=sqlite applied=0" {
		t.Fatalf("migrate: %d %s", code, out)
	}
	code, out, _ = runCmd(t, env, "migrate")
	if code != 0 || lastLine(out) != "engine=sqlite applied=0" {
		t.Fatalf("second migrate: %d %s", code, out)
	}
	code, out, _ = runCmd(t, nil, "version")
	if code != 0 || !strings.HasPrefix(lastLine(out), "version=") {
		t.Fatalf("version: %d %s", code, out)
	}
}

func TestDBFromFile(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "dsn")
	os.WriteFile(secret, []byte("sqlite:"+filepath.Join(dir, "from-file.db")+"\n"), 0o600)
	code, out, errs := runCmd(t, map[string]string{"VITRINE_DB_FILE": secret}, "migrate")
	if code != 0 {
		t.Fatalf("%d %s %s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "from-file.db")); err != nil {
		t.Fatalf("database not created at the path read from VITRINE_DB_FILE: %v", err)
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	for i := 0; i < 200; i++ {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server at %s never became healthy", base)
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v: %s", url, err, b)
		}
	}
	return res.StatusCode
}

// The demo serves a seeded catalog and the other retailer's site, and shuts
// down gracefully on cancellation.
func TestServeDemo(t *testing.T) {
	addr := freeAddr(t)
	base := "http://" + addr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var errb syncBuffer
	env := map[string]string{"VITRINE_DB": "sqlite:" + filepath.Join(t.TempDir(), "demo.db")}
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", addr}, func(k string) string { return env[k] }, nil, io.Discard, &errb)
	}()
	waitHealthy(t, base)
	var page struct {
		Items      []map[string]any `json:"items"`
		NextCursor string           `json:"next_cursor"`
	}
	if code := getJSON(t, base+"/v1/products?limit=200", &page); code != 200 || len(page.Items) != 200 || page.NextCursor == "" {
		t.Fatalf("demo catalog: status %d, %d items", code, len(page.Items))
	}
	id := page.Items[0]["id"].(string)
	var hist struct {
		Points []any `json:"points"`
	}
	if code := getJSON(t, base+"/v1/products/"+id+"/history", &hist); code != 200 || len(hist.Points) == 0 {
		t.Fatalf("history of %s: %d, %d points", id, code, len(hist.Points))
	}
	var camp struct {
		Campaign *struct {
			Reward struct{ Amount string } `json:"reward"`
		} `json:"campaign"`
	}
	if code := getJSON(t, base+"/v1/campaign", &camp); code != 200 || camp.Campaign == nil || camp.Campaign.Reward.Amount != "10.00" {
		t.Fatalf("demo campaign: %d %+v", code, camp.Campaign)
	}
	res, err := http.Get(base + "/demo/shop/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "text/html") || len(b) < 1000 {
		t.Fatalf("demo shop: %d %q %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(b))
	}
	if !strings.Contains(errb.String(), "http://localhost:"+strings.Split(addr, ":")[1]+"/demo/shop/") {
		t.Errorf("serve --demo does not say what to open:\n%s", errb.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
	}
	fmt.Fprint(io.Discard, errb.String())
}

func TestExtractCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"extract", "--price", "1.299,00 €"}, 0, "amount=1299.00 currency=EUR"},
		{[]string{"extract", "--price", "CHF 1'299.–"}, 0, "amount=1299.00 currency=CHF"},
		{[]string{"extract", "--price", "1 299,00 zł"}, 0, "amount=1299.00 currency=PLN"},
		{[]string{"extract", "--price", "$1,299.00"}, 0, "amount=1299.00 currency=USD"},
		{[]string{"extract", "--price", "$5", "--currency-hint", "CAD"}, 0, "amount=5.00 currency=CAD"},
		{[]string{"extract", "--price", "no digits"}, 1, "price"},
		{[]string{"extract", "--price", "1", "--currency-hint", "dollars"}, 2, "--currency-hint"},
		{[]string{"extract"}, 2, "give one PAGE.html or URL"},
		{[]string{"extract", "testdata/none.html"}, 1, "none.html"},
	} {
		code, out, errs := runCmd(t, nil, tc.args...)
		if code != tc.code || !strings.Contains(out+errs, tc.want) {
			t.Errorf("%v: code %d (want %d), output lacks %q:\n%s%s", tc.args, code, tc.code, tc.want, out, errs)
		}
	}
	code, out, errs := runCmd(t, nil, "extract", "../../testdata/pages/aggregateoffer-range-en-us.html")
	var facts map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &facts) != nil || facts["is_product"] != true {
		t.Fatalf("extract page: %d %s %s", code, out, errs)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer goroutine and readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
