// Package crashtest kills the real server with SIGKILL under load, many
// times, and checks that no acknowledged event was lost and none was stored
// twice. It builds the vitrine binary, so it runs only when asked:
//
//	VITRINE_CRASHTEST=1 go test ./internal/ingest/crashtest -run TestCrash -count=1 -v
//
// VITRINE_CRASHTEST_KILLS sets the number of kills per engine (default 5,
// about 15 s per engine); PostgreSQL runs too when VITRINE_TEST_POSTGRES is
// set. scripts/crashtest.sh runs the short and the long versions.
package crashtest

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

func TestCrash(t *testing.T) {
	if os.Getenv("VITRINE_CRASHTEST") != "1" {
		t.Skip("crash test skipped: set VITRINE_CRASHTEST=1 (it builds the binary and kills it with SIGKILL under load)")
	}
	kills := 5
	if v := os.Getenv("VITRINE_CRASHTEST_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("VITRINE_CRASHTEST_KILLS=%q: want a positive integer", v)
		}
		kills = n
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "vitrine")
	build := exec.Command("go", "build", "-o", bin, "github.com/vitrine/vitrine/cmd/vitrine")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("sqlite", func(t *testing.T) {
		crash(t, bin, "sqlite:"+filepath.Join(t.TempDir(), "crash.db"), kills)
	})
	t.Run("postgres", func(t *testing.T) {
		crash(t, bin, storetest.FreshPostgresSchema(t), kills)
	})
}

type server struct {
	t    *testing.T
	bin  string
	dsn  string
	addr string
	log  *os.File
	cmd  *exec.Cmd
}

func (s *server) start() {
	s.t.Helper()
	s.cmd = exec.Command(s.bin, "serve", "--addr", s.addr, "--db", s.dsn, "--log-format", "json", "--log-level", "warn", "--shutdown-timeout", "5s")
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.Env = append(os.Environ(), "VITRINE_DB=")
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start server: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get("http://" + s.addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("server did not become healthy in 30s (see %s)", s.log.Name())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		s.kill()
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

func crash(t *testing.T, bin, dsn string, kills int) {
	dir := t.TempDir()
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	srv := &server{t: t, bin: bin, dsn: dsn, addr: freeAddr(t), log: logf}
	srv.start()
	acked := filepath.Join(dir, "acked.log")
	// The load runs through every kill and a little beyond.
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	waits := make([]time.Duration, kills)
	var total time.Duration
	for i := range waits {
		waits[i] = time.Duration(300+rng.IntN(1500)) * time.Millisecond
		total += waits[i] + time.Second
	}
	lg := exec.Command(bin, "loadgen", "--url", "http://"+srv.addr, "--duration", (total + 3*time.Second).String(),
		"--concurrency", "8", "--batch", "100", "--installs", "50", "--acked-log", acked, "--progress", "0")
	lgOut, err := os.Create(filepath.Join(dir, "loadgen.out"))
	if err != nil {
		t.Fatal(err)
	}
	defer lgOut.Close()
	lg.Stdout, lg.Stderr = lgOut, lgOut
	if err := lg.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // registration and first batches
	for i, w := range waits {
		time.Sleep(w)
		srv.kill()
		time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
		t.Logf("kill %d after %s", i+1, w)
		srv.start()
	}
	if err := lg.Wait(); err != nil {
		out, _ := os.ReadFile(lgOut.Name())
		t.Fatalf("loadgen: %v\n%s", err, out)
	}
	srv.stop()
	out, _ := os.ReadFile(lgOut.Name())
	summary := lastLine(string(out))
	t.Logf("loadgen: %s", summary)
	if !strings.HasPrefix(summary, "acked=") {
		t.Fatalf("loadgen output:\n%s", out)
	}

	// Compare the store with the acknowledged log.
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stored := map[string]int{}
	if err := db.EachEventID(context.Background(), func(id string) error { stored[id]++; return nil }); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(acked)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var nAcked, lost, twice int
	seen := map[string]bool{}
	for sc.Scan() {
		id := sc.Text()
		if seen[id] {
			continue
		}
		seen[id] = true
		nAcked++
		if stored[id] == 0 {
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged event %s is not stored", id)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for id, n := range stored {
		if n > 1 {
			twice++
			if twice <= 5 {
				t.Errorf("event %s stored %d times", id, n)
			}
		}
	}
	t.Logf("kills=%d acked=%d stored=%d lost=%d stored_twice=%d (stored but never acknowledged: %d, in flight at a kill or when the load stopped)",
		kills, nAcked, len(stored), lost, twice, len(stored)-nAcked+lost)
	if nAcked == 0 {
		t.Fatal("no event was acknowledged: the test tested nothing")
	}
	if lost > 0 || twice > 0 {
		t.Fatalf("lost=%d stored_twice=%d (logs in %s)", lost, twice, dir)
	}
	fmt.Fprintf(os.Stderr, "crashtest %s: kills=%d acked=%d lost=0 stored_twice=0\n", strings.SplitN(dsn, ":", 2)[0], kills, nAcked)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
