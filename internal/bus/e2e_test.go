package bus

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

// The end-to-end tests run the real binary as separate processes on this
// machine: one writer and two ingest nodes (vitrine serve --bus ... --role),
// NATS and PostgreSQL, with vitrine loadgen sending to both ingest nodes.

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vitrine")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/vitrine/vitrine/cmd/vitrine").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// node is one vitrine serve process.
type node struct {
	t    *testing.T
	bin  string
	args []string
	addr string
	log  *os.File
	cmd  *exec.Cmd
}

// cluster is a writer and two ingest nodes on one database and stream.
type cluster struct {
	t       *testing.T
	bin     string
	dsn     string
	cfg     Config
	writer  *node
	ingests []*node
	dir     string
}

func newCluster(t *testing.T, ackWait time.Duration) *cluster {
	cfg := testConfig(t)
	cfg.AckWait = ackWait
	dsn := storetest.FreshPostgresSchema(t)
	bin := buildBinary(t)
	c := &cluster{t: t, bin: bin, dsn: dsn, cfg: cfg, dir: t.TempDir()}
	openBus(t, cfg, true) // creates the stream now, deletes it at the end
	c.writer = c.node("writer", "writer")
	c.writer.start() // first: it migrates the database
	for i := 1; i <= 2; i++ {
		n := c.node(fmt.Sprintf("ingest%d", i), "ingest")
		n.start()
		c.ingests = append(c.ingests, n)
	}
	t.Cleanup(func() {
		for _, n := range append([]*node{c.writer}, c.ingests...) {
			n.stop()
		}
	})
	return c
}

func (c *cluster) node(name, role string) *node {
	f, err := os.Create(filepath.Join(c.dir, name+".log"))
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { f.Close() })
	addr := freeAddr(c.t)
	return &node{t: c.t, bin: c.bin, addr: addr, log: f, args: []string{"serve", "--addr", addr, "--db", c.dsn, "--role", role,
		"--bus", c.cfg.URL, "--bus-stream", c.cfg.Stream, "--bus-subject", c.cfg.Subject, "--bus-consumer", c.cfg.Consumer,
		"--bus-ack-wait", c.cfg.AckWait.String(), "--ingest-rate", "1000", "--ingest-burst", "2000",
		"--log-format", "json", "--log-level", "warn", "--shutdown-timeout", "5s"}}
}

func (n *node) start() {
	n.t.Helper()
	n.cmd = exec.Command(n.bin, n.args...)
	n.cmd.Stdout, n.cmd.Stderr = n.log, n.log
	n.cmd.Env = append(os.Environ(), "VITRINE_DB=")
	if err := n.cmd.Start(); err != nil {
		n.t.Fatalf("start %v: %v", n.args, err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get("http://" + n.addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(n.log.Name())
			n.t.Fatalf("%s did not become healthy in 60s:\n%s", n.log.Name(), out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (n *node) kill() {
	n.cmd.Process.Signal(syscall.SIGKILL)
	n.cmd.Wait()
}

func (n *node) stop() {
	if n.cmd == nil || n.cmd.ProcessState != nil {
		return
	}
	n.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { n.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		n.kill()
	}
}

// metric returns the lines of a metric from the node's /metrics.
func (n *node) metric(name string) string {
	res, err := http.Get("http://" + n.addr + "/metrics")
	if err != nil {
		return err.Error()
	}
	defer res.Body.Close()
	var out []string
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), name+"{") {
			out = append(out, sc.Text())
		}
	}
	return strings.Join(out, "; ")
}

// load is one vitrine loadgen process.
type load struct {
	cmd   *exec.Cmd
	out   string
	acked string
}

func (c *cluster) startLoad(i int, n *node, d time.Duration, concurrency, batch, installs int) *load {
	l := &load{out: filepath.Join(c.dir, fmt.Sprintf("loadgen%d.out", i)), acked: filepath.Join(c.dir, fmt.Sprintf("acked%d.log", i))}
	f, err := os.Create(l.out)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { f.Close() })
	l.cmd = exec.Command(c.bin, "loadgen", "--url", "http://"+n.addr, "--duration", d.String(), "--concurrency", strconv.Itoa(concurrency),
		"--batch", strconv.Itoa(batch), "--installs", strconv.Itoa(installs), "--acked-log", l.acked, "--seed", strconv.Itoa(i+1), "--progress", "0")
	l.cmd.Stdout, l.cmd.Stderr = f, f
	if err := l.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	return l
}

// wait returns the loadgen's summary line.
func (l *load) wait(t *testing.T) string {
	t.Helper()
	err := l.cmd.Wait()
	out, _ := os.ReadFile(l.out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	last := lines[len(lines)-1]
	if err != nil || !strings.HasPrefix(last, "acked=") {
		t.Fatalf("loadgen: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "client error") || strings.Contains(string(out), "refused events=") {
		t.Fatalf("loadgen saw refusals or client errors:\n%s", out)
	}
	return last
}

// check compares the stored event ids with the acknowledged logs: every
// acknowledged id stored, none stored twice. It returns the counts.
func (c *cluster) check(logs ...string) (acked, stored int) {
	t := c.t
	t.Helper()
	db, err := store.Open(context.Background(), c.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := map[string]int{}
	if err := db.EachEventID(context.Background(), func(id string) error { count[id]++; return nil }); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var lost, twice int
	for _, name := range logs {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			id := sc.Text()
			if seen[id] {
				continue
			}
			seen[id] = true
			if count[id] == 0 {
				lost++
				if lost <= 5 {
					t.Errorf("acknowledged event %s is not stored", id)
				}
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	for id, n := range count {
		if n > 1 {
			twice++
			if twice <= 5 {
				t.Errorf("event %s stored %d times", id, n)
			}
		}
	}
	if len(seen) == 0 {
		t.Fatal("no event was acknowledged: the test tested nothing")
	}
	if lost > 0 || twice > 0 {
		t.Fatalf("acked=%d stored=%d lost=%d stored_twice=%d (logs in %s)", len(seen), len(count), lost, twice, c.dir)
	}
	return len(seen), len(count)
}

func summaryValue(line, key string) float64 {
	for _, f := range strings.Fields(line) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			x, _ := strconv.ParseFloat(v, 64)
			return x
		}
	}
	return 0
}

func TestTwoIngestNodesOneWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: builds the binary and runs five processes")
	}
	natsURL(t)
	storetest.PostgresDSN(t)
	c := newCluster(t, 5*time.Second)
	l1 := c.startLoad(1, c.ingests[0], 4*time.Second, 4, 100, 20)
	l2 := c.startLoad(2, c.ingests[1], 4*time.Second, 4, 100, 20)
	s1, s2 := l1.wait(t), l2.wait(t)
	t.Logf("ingest1: %s", s1)
	t.Logf("ingest2: %s", s2)
	if summaryValue(s1, "acked") == 0 || summaryValue(s2, "acked") == 0 {
		t.Fatal("an ingest node acknowledged nothing")
	}
	b := openBus(t, c.cfg, false)
	waitEmpty(t, b, 30*time.Second)
	acked, stored := c.check(l1.acked, l2.acked)
	t.Logf("acked=%d stored=%d lost=0 stored_twice=0", acked, stored)
}

// TestCrashBus kills the writer with SIGKILL at random moments under load
// on two ingest nodes (and, every third time, an ingest node too), restarts
// it, and checks that every acknowledged event is stored once. It runs only
// when asked (scripts/crashtest.sh bus):
//
//	VITRINE_CRASHTEST=1 VITRINE_CRASHTEST_KILLS=5 go test ./internal/bus -run TestCrashBus -count=1 -v
func TestCrashBus(t *testing.T) {
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
	natsURL(t)
	storetest.PostgresDSN(t)
	c := newCluster(t, 2*time.Second)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	waits := make([]time.Duration, kills)
	var total time.Duration
	for i := range waits {
		waits[i] = time.Duration(300+rng.IntN(1500)) * time.Millisecond
		total += waits[i] + time.Second
	}
	d := total + 3*time.Second
	l1 := c.startLoad(1, c.ingests[0], d, 4, 100, 25)
	l2 := c.startLoad(2, c.ingests[1], d, 4, 100, 25)
	time.Sleep(time.Second)
	ingestKills := 0
	for i, w := range waits {
		time.Sleep(w)
		c.writer.kill()
		also := ""
		if i%3 == 2 {
			c.ingests[1].kill()
			ingestKills++
			also = " and ingest2"
		}
		time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
		t.Logf("kill %d: writer%s after %s", i+1, also, w)
		c.writer.start()
		if also != "" {
			c.ingests[1].start()
		}
	}
	s1, s2 := l1.wait(t), l2.wait(t)
	t.Logf("ingest1: %s", s1)
	t.Logf("ingest2: %s", s2)
	b := openBus(t, c.cfg, false)
	waitEmpty(t, b, 30*time.Second)
	t.Logf("last writer's counters (redelivered events show as duplicate): %s", c.writer.metric("vitrine_bus_writer_events_total"))
	acked, stored := c.check(l1.acked, l2.acked)
	t.Logf("writer_kills=%d ingest_kills=%d acked=%d stored=%d lost=0 stored_twice=0 (stored but never acknowledged: %d, in flight at a kill or when the load stopped)",
		kills, ingestKills, acked, stored, stored-acked)
	fmt.Fprintf(os.Stderr, "crashtest bus: writer_kills=%d ingest_kills=%d acked=%d lost=0 stored_twice=0\n", kills, ingestKills, acked)
}
