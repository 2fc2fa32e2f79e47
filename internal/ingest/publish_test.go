package ingest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
)

type fixedConsent vitrine.ConsentState

func (c fixedConsent) ConsentState(context.Context, string) (vitrine.ConsentState, error) {
	return vitrine.ConsentState(c), nil
}

// fakePublisher records what it is given; block, when set, holds Publish.
type fakePublisher struct {
	mu      sync.Mutex
	got     [][]vitrine.Event
	install []string
	err     error
	block   chan struct{}
	entered chan struct{}
}

func (p *fakePublisher) Publish(ctx context.Context, installID string, evs []vitrine.Event) error {
	if p.block != nil {
		p.entered <- struct{}{}
		<-p.block
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got = append(p.got, evs)
	p.install = append(p.install, installID)
	return p.err
}

func pageView(id string) string {
	ts := time.Now().Add(-time.Minute).UTC().Format("2006-01-02T15:04:05.000Z07:00")
	return `{"id":"` + id + `","type":"page_view","ts":"` + ts + `","url":"https://shop.example/p/tv","referrer_domain":"","dwell_ms":10}`
}

func linkClick(id string) string {
	ts := time.Now().Add(-time.Minute).UTC().Format("2006-01-02T15:04:05.000Z07:00")
	return `{"id":"` + id + `","type":"link_click","ts":"` + ts + `","from":"https://a.example/x","to":"https://b.example/y"}`
}

const (
	id1 = "0190a0b0-0000-7000-8000-000000000001"
	id2 = "0190a0b0-0000-7000-8000-000000000002"
	id3 = "0190a0b0-0000-7000-8000-000000000003"
)

func TestServiceWithPublisher(t *testing.T) {
	consent := fixedConsent{Member: true, Scopes: []vitrine.Scope{"page_views"}}
	in := vitrine.Install{ID: "ins_abc"}
	ctx := context.Background()

	t.Run("publishes the consented events and answers accepted", func(t *testing.T) {
		pub := &fakePublisher{}
		s := New(Config{Publisher: pub}, nil, consent, nil, nil, nil)
		resp, err := s.Ingest(ctx, in, []byte(`{"events":[`+pageView(id1)+`,`+linkClick(id2)+`,`+pageView(id3)+`]}`))
		if err != nil {
			t.Fatal(err)
		}
		if resp.Accepted != 2 || resp.Duplicate != 0 || resp.Refused != 1 || resp.Refusals[0].Index != 1 {
			t.Fatalf("response %+v: want 2 accepted, the link click refused", resp)
		}
		if len(pub.got) != 1 || len(pub.got[0]) != 2 || pub.got[0][0].ID != id1 || pub.got[0][1].ID != id3 || pub.install[0] != in.ID ||
			pub.got[0][0].InstallID != in.ID || len(pub.got[0][0].Payload) == 0 || pub.got[0][0].ReceivedAt.IsZero() {
			t.Fatalf("published %+v for %v: want one message with the two page views in stored form", pub.got, pub.install)
		}
		if err := s.Close(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("nothing to publish when everything is refused", func(t *testing.T) {
		pub := &fakePublisher{}
		s := New(Config{Publisher: pub}, nil, consent, nil, nil, nil)
		resp, err := s.Ingest(ctx, in, []byte(`{"events":[`+linkClick(id2)+`]}`))
		if err != nil || resp.Refused != 1 || len(pub.got) != 0 {
			t.Fatalf("resp %+v, err %v, published %d", resp, err, len(pub.got))
		}
	})

	t.Run("a failed publish is not acknowledged", func(t *testing.T) {
		pub := &fakePublisher{err: errors.New("nats: timeout")}
		s := New(Config{Publisher: pub}, nil, consent, nil, nil, nil)
		_, err := s.Ingest(ctx, in, []byte(`{"events":[`+pageView(id1)+`]}`))
		if vitrine.ErrorCode(err) != vitrine.EUNAVAILABLE {
			t.Fatalf("err %v: want EUNAVAILABLE", err)
		}
		if _, ok := RetryAfter(err); !ok {
			t.Fatalf("err %v: want a Retry-After", err)
		}
	})

	t.Run("requests beyond the queue get 429", func(t *testing.T) {
		pub := &fakePublisher{block: make(chan struct{}), entered: make(chan struct{}, 1)}
		s := New(Config{Publisher: pub, QueueSize: 1}, nil, consent, nil, nil, nil)
		done := make(chan error, 1)
		go func() {
			_, err := s.Ingest(ctx, in, []byte(`{"events":[`+pageView(id1)+`]}`))
			done <- err
		}()
		<-pub.entered
		if s.Queued() != 1 {
			t.Fatalf("Queued = %d, want 1", s.Queued())
		}
		_, err := s.Ingest(ctx, in, []byte(`{"events":[`+pageView(id3)+`]}`))
		if vitrine.ErrorCode(err) != vitrine.ERATELIMIT {
			t.Fatalf("err %v: want ERATELIMIT", err)
		}
		close(pub.block)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if s.Queued() != 0 {
			t.Fatalf("Queued = %d after the publish, want 0", s.Queued())
		}
	})
}
