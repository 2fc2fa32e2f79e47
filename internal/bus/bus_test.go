package bus

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/metrics"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

// EnvNATS names the environment variable with the NATS URL of the tests.
const EnvNATS = "VITRINE_TEST_NATS"

// natsURL returns the test NATS server (JetStream on), default
// nats://127.0.0.1:4222. An unreachable server skips the test, unless CI=true
// or VITRINE_TEST_NATS is set: then it fails (bus tests are mandatory there).
func natsURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvNATS)
	set := u != ""
	if !set {
		u = "nats://127.0.0.1:4222"
	}
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatalf("%s=%q: %v", EnvNATS, u, err)
	}
	c, err := net.DialTimeout("tcp", pu.Host, 2*time.Second)
	if err != nil {
		if set || os.Getenv("CI") == "true" {
			t.Fatalf("NATS server %s unreachable (%v): bus tests are mandatory when %s is set or CI=true; start one with: nats-server -a 127.0.0.1 -p 4222 -js", RedactURL(u), err, EnvNATS)
		}
		t.Skipf("bus tests skipped: no NATS server at %s (%v); start nats-server -js or set %s", RedactURL(u), err, EnvNATS)
	}
	c.Close()
	return u
}

func suffix() string {
	b := make([]byte, 5)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// testConfig names a stream, subject and consumer of this test only.
func testConfig(t testing.TB) Config {
	s := suffix()
	return Config{URL: natsURL(t), Stream: "VT_TEST_" + s, Subject: "vitrine.test" + s, Consumer: "w" + s, Name: "vitrine-test"}
}

// openBus connects with cfg; the first connection of a config deletes the
// stream when the test ends.
func openBus(t testing.TB, cfg Config, owner bool) *Bus {
	t.Helper()
	b, err := Connect(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if owner {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := b.DeleteStream(ctx); err != nil {
				t.Errorf("delete stream: %v", err)
			}
		}
		b.Close()
	})
	return b
}

func newInstall(t testing.TB, db *store.DB) string {
	t.Helper()
	in, _, err := db.CreateInstall(context.Background(), "chrome", "test")
	if err != nil {
		t.Fatal(err)
	}
	return in.ID
}

var seq atomic.Int64

// makeEvents returns n page views of an install on a domain.
func makeEvents(installID, domain string, n int) []vitrine.Event {
	now := time.Now().UTC().Truncate(time.Millisecond)
	evs := make([]vitrine.Event, n)
	for i := range evs {
		k := seq.Add(1)
		evs[i] = vitrine.Event{ID: ids.UUIDv7(), InstallID: installID, Type: vitrine.EventType("page_view"), Scope: vitrine.Scope("page_views"),
			OccurredAt: now.Add(-time.Duration(k) * time.Millisecond), ReceivedAt: now, Domain: domain,
			Payload: []byte(fmt.Sprintf(`{"url":"https://%s/p/%d","referrer_domain":"","dwell_ms":%d}`, domain, k, k))}
	}
	return evs
}

// waitEmpty waits until the stream has no message, failing when the count
// has not gone down for timeout (a backlog may take longer to drain).
func waitEmpty(t testing.TB, b *Bus, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	last := uint64(1<<64 - 1)
	for {
		n, err := b.Messages(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if n < last {
			last, deadline = n, time.Now().Add(timeout)
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream still has %d messages, none written for %s", n, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// storedOnce checks that every event is stored exactly once, as published.
func storedOnce(t testing.TB, db *store.DB, want []vitrine.Event) {
	t.Helper()
	count := map[string]int{}
	if err := db.EachEventID(context.Background(), func(id string) error { count[id]++; return nil }); err != nil {
		t.Fatal(err)
	}
	all, err := db.AllEvents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]vitrine.Event{}
	for _, e := range all {
		got[e.ID] = e
	}
	for _, e := range want {
		if count[e.ID] != 1 {
			t.Fatalf("event %s stored %d times, want 1", e.ID, count[e.ID])
		}
		g := got[e.ID]
		if g.InstallID != e.InstallID || g.Type != e.Type || g.Scope != e.Scope || g.Domain != e.Domain ||
			!g.OccurredAt.Equal(e.OccurredAt) || !g.ReceivedAt.Equal(e.ReceivedAt) || !bytes.Equal(g.Payload, e.Payload) {
			t.Fatalf("event %s stored as %+v, want %+v", e.ID, g, e)
		}
	}
	if len(count) != len(want) {
		t.Fatalf("%d distinct events stored, want %d", len(count), len(want))
	}
}

func TestEncodeDecode(t *testing.T) {
	evs := makeEvents("ins_0123abcd", "shop.example", 3)
	evs[1].Payload = []byte(`{"facts":{"title":"A <b>&amp; \u00e9 \"q\" \\ B"}}`)
	evs[2].OccurredAt = time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
	evs[2].Payload = nil
	data, err := encode(evs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(evs) {
		t.Fatalf("decoded %d events, want %d", len(got), len(evs))
	}
	for i := range evs {
		e, g := evs[i], got[i]
		if g.ID != e.ID || g.InstallID != e.InstallID || g.Type != e.Type || g.Scope != e.Scope || g.Domain != e.Domain ||
			!g.OccurredAt.Equal(e.OccurredAt) || !g.ReceivedAt.Equal(e.ReceivedAt) || !bytes.Equal(g.Payload, e.Payload) {
			t.Errorf("event %d: got %+v\nwant %+v", i, g, e)
		}
	}
	for _, bad := range []string{``, `{`, `{"v":2,"events":[]}`, `{"v":1,"events":[{"id":"x"}]}`} {
		if _, err := decode([]byte(bad)); err == nil {
			t.Errorf("decode(%q): no error", bad)
		}
	}
	again := append([]vitrine.Event(nil), evs...)
	if msgID("a", evs) != msgID("a", again) || msgID("a", evs) == msgID("b", evs) || msgID("a", evs) == msgID("a", evs[:2]) {
		t.Error("msgID is not a function of the install and the event ids")
	}
}

func TestSubjectAndConfig(t *testing.T) {
	b := &Bus{cfg: Config{Subject: "vitrine.events"}}
	if got := b.Subject("ins_0af3"); got != "vitrine.events.ins_0af3" {
		t.Errorf("Subject = %q", got)
	}
	for _, id := range []string{"a.b", "a*", "a>", "a b", ""} {
		s := b.Subject(id)
		tok := strings.TrimPrefix(s, "vitrine.events.")
		if !safeToken(tok) || s == b.Subject(id+"x") {
			t.Errorf("Subject(%q) = %q: not one safe token", id, s)
		}
	}
	for _, c := range []Config{{}, {URL: "nats://x", Stream: "a.b"}, {URL: "nats://x", Subject: "a..b"}, {URL: "nats://x", Consumer: "c>"}} {
		c.defaults()
		if c.URL != "" && c.Stream == DefaultStream && c.Subject == DefaultSubject && c.Consumer == DefaultConsumer {
			continue
		}
		if err := c.validate(); err == nil {
			t.Errorf("validate(%+v): no error", c)
		}
	}
	if got := RedactURL("nats://user:secret@h:4222,nats://h2:4222"); strings.Contains(got, "secret") || got != "nats://h:4222,nats://h2:4222" {
		t.Errorf("RedactURL = %q", got)
	}
}

func TestRoundTrip(t *testing.T) {
	cfg := testConfig(t)
	db := storetest.OpenPostgres(t)
	b := openBus(t, cfg, true)
	ctx := context.Background()
	a, c := newInstall(t, db), newInstall(t, db)
	var want []vitrine.Event
	for i := 0; i < 5; i++ {
		evs := makeEvents(a, "a.example", 20)
		if err := b.Publish(ctx, a, evs); err != nil {
			t.Fatal(err)
		}
		want = append(want, evs...)
	}
	evs := makeEvents(c, "c.example", 7)
	if err := b.Publish(ctx, c, evs); err != nil {
		t.Fatal(err)
	}
	want = append(want, evs...)
	// The same request again (a retry): JetStream deduplicates it by id.
	if err := b.Publish(ctx, c, evs); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Pending(ctx, a); err != nil || n != 5 {
		t.Fatalf("Pending(a) = %d, %v; want 5", n, err)
	}
	if n, err := b.Pending(ctx, c); err != nil || n != 1 {
		t.Fatalf("Pending(c) = %d, %v; want 1 (the retry deduplicated)", n, err)
	}
	w, err := b.StartWriter(ctx, db, WriterConfig{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(ctx)
	waitEmpty(t, b, 20*time.Second)
	storedOnce(t, db, want)
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestPublishSplitsLargeBatch(t *testing.T) {
	cfg := testConfig(t)
	db := storetest.OpenPostgres(t)
	b := openBus(t, cfg, true)
	ctx := context.Background()
	a := newInstall(t, db)
	evs := makeEvents(a, "big.example", 500)
	pad := strings.Repeat("x", int(b.nc.MaxPayload())/200) // ~2.5x max_payload in all
	for i := range evs {
		evs[i].Payload = []byte(`{"url":"https://big.example/` + pad + `"}`)
	}
	if err := b.Publish(ctx, a, evs); err != nil {
		t.Fatal(err)
	}
	n, err := b.Pending(ctx, a)
	if err != nil || n < 3 {
		t.Fatalf("Pending = %d, %v: want the batch split in at least 3 messages", n, err)
	}
	w, err := b.StartWriter(ctx, db, WriterConfig{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(ctx)
	waitEmpty(t, b, 20*time.Second)
	storedOnce(t, db, evs)
}

// A writer that dies after its commit and before its acks: the messages
// come back after AckWait to another writer, and nothing is stored twice.
func TestRedeliveryAfterWriterDies(t *testing.T) {
	cfg := testConfig(t)
	cfg.AckWait = time.Second
	db := storetest.OpenPostgres(t)
	b := openBus(t, cfg, true)
	ctx := context.Background()
	a := newInstall(t, db)
	var want []vitrine.Event
	for i := 0; i < 10; i++ {
		evs := makeEvents(a, "a.example", 50)
		if err := b.Publish(ctx, a, evs); err != nil {
			t.Fatal(err)
		}
		want = append(want, evs...)
	}
	// The first writer has its own connection, closed between its first
	// commit and its acks: as if the process were killed there.
	b1 := openBus(t, cfg, false)
	died := make(chan struct{})
	var once atomic.Bool
	if _, err := b1.StartWriter(ctx, db, WriterConfig{MaxEvents: 200, afterCommit: func() {
		if once.CompareAndSwap(false, true) {
			b1.nc.Close()
			close(died)
		}
	}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-died:
	case <-time.After(20 * time.Second):
		t.Fatal("the first writer never committed")
	}
	stored, err := db.CountEvents(ctx, a)
	if err != nil || stored == 0 {
		t.Fatalf("first writer's commit stored %d events (%v)", stored, err)
	}
	left, err := b.Messages(ctx)
	if err != nil || left == 0 {
		t.Fatalf("after the first writer died, %d messages (%v): its commit must not have been acked", left, err)
	}
	t.Logf("first writer committed %d events and died before acking; %d messages left", stored, left)
	reg := metrics.NewRegistry()
	w2, err := b.StartWriter(ctx, db, WriterConfig{}, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close(ctx)
	waitEmpty(t, b, 30*time.Second)
	storedOnce(t, db, want)
	var out bytes.Buffer
	reg.Write(&out)
	if !regexp.MustCompile(`vitrine_bus_writer_events_total\{result="duplicate"\} [1-9]`).Match(out.Bytes()) {
		t.Errorf("the second writer saw no redelivered event:\n%s", out.String())
	}
}

func TestPurgeAndWaitDrained(t *testing.T) {
	cfg := testConfig(t)
	db := storetest.OpenPostgres(t)
	b := openBus(t, cfg, true)
	ctx := context.Background()
	a, c := newInstall(t, db), newInstall(t, db)
	for i := 0; i < 3; i++ {
		if err := b.Publish(ctx, a, makeEvents(a, "a.example", 5)); err != nil {
			t.Fatal(err)
		}
	}
	keep := makeEvents(c, "c.example", 5)
	if err := b.Publish(ctx, c, keep); err != nil {
		t.Fatal(err)
	}
	// No writer: the wait gives up, with the count of pending messages.
	start := time.Now()
	n, err := b.WaitDrained(ctx, a, 300*time.Millisecond)
	if vitrine.ErrorCode(err) != vitrine.EUNAVAILABLE || n != 3 || time.Since(start) > 5*time.Second {
		t.Fatalf("WaitDrained without a writer = %d, %v; want 3, EUNAVAILABLE", n, err)
	}
	purged, err := b.PurgeInstall(ctx, a)
	if err != nil || purged != 3 {
		t.Fatalf("PurgeInstall = %d, %v; want 3", purged, err)
	}
	if n, _ := b.Pending(ctx, a); n != 0 {
		t.Fatalf("after purge Pending(a) = %d", n)
	}
	if n, _ := b.Pending(ctx, c); n != 1 {
		t.Fatalf("purging a touched c: Pending(c) = %d, want 1", n)
	}
	w, err := b.StartWriter(ctx, db, WriterConfig{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(ctx)
	if _, err := b.WaitDrained(ctx, c, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	storedOnce(t, db, keep)
}

// An unreadable message is terminated (not redelivered forever) and logged
// without its body; the events around it are stored.
func TestUnreadableMessage(t *testing.T) {
	cfg := testConfig(t)
	db := storetest.OpenPostgres(t)
	b := openBus(t, cfg, true)
	ctx := context.Background()
	a := newInstall(t, db)
	first, last := makeEvents(a, "a.example", 3), makeEvents(a, "a.example", 3)
	if err := b.Publish(ctx, a, first); err != nil {
		t.Fatal(err)
	}
	if _, err := b.js.Publish(ctx, b.Subject(a), []byte(`{"v":1,"events":[{"secret-payload":`)); err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(ctx, a, last); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil))
	w, err := b.StartWriter(ctx, db, WriterConfig{}, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	waitEmpty(t, b, 20*time.Second)
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	storedOnce(t, db, append(first, last...))
	out := logs.String()
	if !strings.Contains(out, "unreadable message") || strings.Contains(out, "secret-payload") || strings.Contains(out, a) {
		t.Fatalf("log: %s", out)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// A backlog waiting behind slow commits longer than AckWait is kept alive
// (in progress), not redelivered and written twice.
func TestBacklogOutlivesAckWait(t *testing.T) {
	cfg := testConfig(t)
	cfg.AckWait = time.Second
	db := storetest.OpenPostgres(t)
	b := openBus(t, cfg, true)
	ctx := context.Background()
	a := newInstall(t, db)
	var want []vitrine.Event
	for i := 0; i < 30; i++ {
		evs := makeEvents(a, "a.example", 50)
		if err := b.Publish(ctx, a, evs); err != nil {
			t.Fatal(err)
		}
		want = append(want, evs...)
	}
	reg := metrics.NewRegistry()
	start := time.Now()
	w, err := b.StartWriter(ctx, db, WriterConfig{MaxEvents: 100, afterCommit: func() { time.Sleep(150 * time.Millisecond) }}, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(ctx)
	waitEmpty(t, b, 20*time.Second)
	if d := time.Since(start); d < 2*cfg.AckWait {
		t.Fatalf("drained in %s: the test needs a backlog older than AckWait (%s)", d, cfg.AckWait)
	}
	storedOnce(t, db, want)
	var out bytes.Buffer
	reg.Write(&out)
	if !regexp.MustCompile(`vitrine_bus_writer_events_total\{result="duplicate"\} 0\n`).Match(out.Bytes()) {
		t.Fatalf("messages were redelivered while waiting:\n%s", out.String())
	}
}
