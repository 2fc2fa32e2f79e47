package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/metrics"
	"github.com/vitrine/vitrine/internal/policy"
)

// Authenticator finds the install of a token (vitrine.ShopperStore).
type Authenticator interface {
	AuthenticateInstall(ctx context.Context, token string) (vitrine.Install, error)
}

// ConsentReader reads an install's consent (the consent store).
type ConsentReader interface {
	ConsentState(ctx context.Context, installID string) (vitrine.ConsentState, error)
}

// Config tunes the service. Zero values take the defaults.
type Config struct {
	QueueSize  int           // batches waiting for the writer (default 512)
	MaxGroup   int           // events in one transaction (default 5000)
	Linger     time.Duration // writer's wait for more batches (default 0)
	Rate       float64       // requests per second per install (default 20)
	Burst      int           // burst per install (default 40)
	AuthTTL    time.Duration // token cache (default 30s)
	ConsentTTL time.Duration // consent cache (default 2s)
	CacheSize  int           // entries per cache (default 100,000)
	MaxFuture  time.Duration // events may be this far ahead of the server's clock (default 5m)
	MaxAge     time.Duration // and no older than this (default 30 days)
	Now        func() time.Time
	// Policy is the collection policy URLs are checked against (default policy.Default()).
	Policy *policy.Policy
	// Publisher, when set, takes the validated events in place of the local
	// writer (bus mode, see publish.go); New's st may then be nil.
	Publisher Publisher
}

func (c *Config) defaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defd := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.QueueSize, 512)
	def(&c.MaxGroup, 5000)
	def(&c.Burst, 40)
	def(&c.CacheSize, 100_000)
	if c.Rate <= 0 {
		c.Rate = 20
	}
	defd(&c.AuthTTL, 30*time.Second)
	defd(&c.ConsentTTL, 2*time.Second)
	defd(&c.MaxFuture, 5*time.Minute)
	defd(&c.MaxAge, 30*24*time.Hour)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Policy == nil {
		c.Policy = policy.Default()
	}
}

// Service receives event batches.
type Service struct {
	cfg     Config
	auth    Authenticator
	consent ConsentReader
	writer  *Writer
	log     *slog.Logger
	pub     *publisher // bus mode: set instead of writer

	urls     *urlChecker
	auths    *cache[vitrine.Install]
	consents *cache[vitrine.ConsentState]
	limiter  *limiter

	events   *metrics.CounterVec
	refused  *metrics.CounterVec
	rejected *metrics.CounterVec
	commits  *metrics.HistogramVec
	groups   *metrics.HistogramVec
}

// New starts a service and its writer. consent may be nil: then every event
// is refused for want of consent. reg and log may be nil.
func New(cfg Config, auth Authenticator, consent ConsentReader, st Store, reg *metrics.Registry, log *slog.Logger) *Service {
	cfg.defaults()
	if reg == nil {
		reg = metrics.NewRegistry()
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{cfg: cfg, auth: auth, consent: consent, log: log, urls: newURLChecker(cfg.Policy),
		auths:    newCache[vitrine.Install](cfg.CacheSize, cfg.AuthTTL, cfg.Now),
		consents: newCache[vitrine.ConsentState](cfg.CacheSize, cfg.ConsentTTL, cfg.Now),
		limiter:  newLimiter(cfg.Rate, cfg.Burst, cfg.CacheSize, cfg.Now),
	}
	s.events = reg.NewCounterVec("vitrine_ingest_events_total", "Panel events received, by result: accepted (stored), duplicate (stored before), refused.", "result")
	s.refused = reg.NewCounterVec("vitrine_ingest_refused_total", "Panel events refused, by reason: invalid, consent, install_deleted.", "reason")
	s.rejected = reg.NewCounterVec("vitrine_ingest_rejected_requests_total", "Event requests answered without storing, by reason: invalid, rate_limited, overloaded, unavailable.", "reason")
	s.commits = reg.NewHistogramVec("vitrine_ingest_commit_seconds", "Duration of group commits.", metrics.DefaultBuckets)
	s.groups = reg.NewHistogramVec("vitrine_ingest_commit_events", "Events per group commit.", []float64{1, 10, 100, 500, 1000, 2000, 5000, 10000})
	if cfg.Publisher != nil {
		s.pub = newPublisher(cfg.Publisher, cfg.QueueSize, reg)
		return s
	}
	s.writer = NewWriter(st, cfg.QueueSize, cfg.MaxGroup, cfg.Linger, log)
	s.writer.OnCommit = func(n int, d time.Duration, err error) {
		if err == nil {
			s.commits.Observe(d.Seconds())
			s.groups.Observe(float64(n))
		}
	}
	reg.NewGaugeFunc("vitrine_ingest_queue_batches", "Batches waiting for the group-commit writer.", func() float64 { return float64(s.writer.Queued()) })
	return s
}

// Queued returns the number of batches waiting for the writer.
func (s *Service) Queued() int {
	if s.pub != nil {
		return s.pub.inFlight()
	}
	return s.writer.Queued()
}

// Close stops taking batches and waits for the queued ones to be committed.
// In bus mode there is nothing to wait for once the HTTP server has shut
// down: each request returned after the bus's ack.
func (s *Service) Close(ctx context.Context) error {
	if s.pub != nil {
		return nil
	}
	return s.writer.Close(ctx)
}

// Authenticate finds the install of a token, from a cache of AuthTTL.
// Failures are not cached.
func (s *Service) Authenticate(ctx context.Context, token string) (vitrine.Install, error) {
	key := ids.HashToken(token)
	if in, ok := s.auths.get(key); ok {
		return in, nil
	}
	gen := s.auths.generation()
	in, err := s.auth.AuthenticateInstall(ctx, token)
	if err != nil {
		return in, err
	}
	s.auths.put(key, in, gen)
	return in, nil
}

// Invalidate forgets the cached consent of an install; the consent handlers
// call it after every change, so that a pause or withdrawal in this process
// applies to the very next request. (Other processes see it within
// ConsentTTL.)
func (s *Service) Invalidate(installID string) { s.consents.remove(installID) }

// ForgetTokens empties the token cache (after an install is deleted).
func (s *Service) ForgetTokens() { s.auths.clear() }

func (s *Service) consentOf(ctx context.Context, installID string) (vitrine.ConsentState, error) {
	if st, ok := s.consents.get(installID); ok {
		return st, nil
	}
	if s.consent == nil {
		return vitrine.ConsentState{}, nil
	}
	gen := s.consents.generation()
	st, err := s.consent.ConsentState(ctx, installID)
	if err != nil {
		if vitrine.ErrorCode(err) == vitrine.ENOTFOUND {
			return vitrine.ConsentState{}, nil
		}
		return st, fmt.Errorf("read consent: %w", err)
	}
	s.consents.put(installID, st, gen)
	return st, nil
}

// RetryError is an error after which the client should retry later.
type RetryError struct {
	After time.Duration
	Err   *vitrine.Error
}

func (e *RetryError) Error() string { return e.Err.Error() }
func (e *RetryError) Unwrap() error { return e.Err }

// RetryAfter returns the wait of a RetryError in err's chain, in whole seconds (at least 1).
func RetryAfter(err error) (int, bool) {
	var re *RetryError
	if !errors.As(err, &re) {
		return 0, false
	}
	return max(1, int(math.Ceil(re.After.Seconds()))), true
}

// Allow applies the install's rate limit: a RetryError when it is over.
func (s *Service) Allow(installID string) error {
	if wait, ok := s.limiter.allow(installID); !ok {
		s.rejected.Inc("rate_limited")
		return &RetryError{After: wait, Err: vitrine.Errorf(vitrine.ERATELIMIT, "too many requests from this install: at most %g a second (burst %d)", s.cfg.Rate, s.cfg.Burst)}
	}
	return nil
}

// Response is the answer to a batch.
type Response struct {
	Accepted  int       `json:"accepted"`
	Duplicate int       `json:"duplicate"`
	Refused   int       `json:"refused"`
	Refusals  []Refusal `json:"refusals"`
}

// Ingest validates a batch of the install, refuses what it must, and
// returns once the rest is durably stored.
func (s *Service) Ingest(ctx context.Context, in vitrine.Install, body []byte) (Response, error) {
	var resp Response
	b, err := Parse(body, in.ID, Rules{Now: s.cfg.Now(), MaxFuture: s.cfg.MaxFuture, MaxAge: s.cfg.MaxAge, Policy: s.cfg.Policy})
	if err != nil {
		s.rejected.Inc("invalid")
		return resp, err
	}
	refusals := b.Refusals
	s.refused.Add(uint64(len(refusals)), "invalid")
	evs := b.Events
	var at []int
	if len(evs) > 0 {
		st, err := s.consentOf(ctx, in.ID)
		if err != nil {
			s.rejected.Inc("unavailable")
			return resp, err
		}
		active := st.Active()
		kept, keptAt := evs[:0:0], make([]int, 0, len(evs))
		nconsent := 0
		for i := range evs {
			if !active[evs[i].Scope] {
				nconsent++
				refusals = append(refusals, Refusal{ID: evs[i].ID, Index: b.Index[i], Reason: noConsentReason(st, evs[i].Scope)})
				continue
			}
			kept, keptAt = append(kept, evs[i]), append(keptAt, b.Index[i])
		}
		s.refused.Add(uint64(nconsent), "consent")
		evs, at = kept, keptAt
	}
	if len(evs) > 0 && s.pub != nil {
		if err := s.pub.publish(ctx, in.ID, evs, s.rejected); err != nil {
			return resp, err
		}
		// Duplicates are known only to the bus's writer: in bus mode they
		// are reported as accepted (they are stored once all the same).
		resp.Accepted = len(evs)
	} else if len(evs) > 0 {
		t, err := s.writer.Submit(evs)
		switch {
		case errors.Is(err, ErrOverloaded):
			s.rejected.Inc("overloaded")
			return resp, &RetryError{After: time.Second, Err: vitrine.Errorf(vitrine.ERATELIMIT, "the server is busy storing events: retry later")}
		case errors.Is(err, ErrClosed):
			s.rejected.Inc("unavailable")
			return resp, &RetryError{After: 2 * time.Second, Err: vitrine.Errorf(vitrine.EUNAVAILABLE, "the server is shutting down: retry later")}
		}
		outs, err := t.Wait(ctx)
		if err != nil {
			s.rejected.Inc("unavailable")
			if ctx.Err() != nil {
				return resp, ctx.Err()
			}
			return resp, &RetryError{After: time.Second, Err: vitrine.Errorf(vitrine.EUNAVAILABLE, "events could not be stored: retry later")}
		}
		var ngone int
		for i, o := range outs {
			switch o {
			case Stored:
				resp.Accepted++
			case Duplicate:
				resp.Duplicate++
			default:
				ngone++
				refusals = append(refusals, Refusal{ID: evs[i].ID, Index: at[i], Reason: "the install was deleted"})
			}
		}
		s.refused.Add(uint64(ngone), "install_deleted")
	}
	sort.Slice(refusals, func(i, j int) bool { return refusals[i].Index < refusals[j].Index })
	if refusals == nil {
		refusals = []Refusal{}
	}
	resp.Refused, resp.Refusals = len(refusals), refusals
	s.events.Add(uint64(resp.Accepted), "accepted")
	s.events.Add(uint64(resp.Duplicate), "duplicate")
	s.events.Add(uint64(resp.Refused), "refused")
	return resp, nil
}

func noConsentReason(st vitrine.ConsentState, sc vitrine.Scope) string {
	switch {
	case !st.Member:
		return fmt.Sprintf("no active consent for %s: the install has not joined the panel or has withdrawn", sc)
	case st.Paused:
		return fmt.Sprintf("no active consent for %s: sharing is paused", sc)
	}
	return fmt.Sprintf("no active consent for %s", sc)
}

// cache is a bounded map with a time to live. When full, expired entries
// go first, then arbitrary ones (Go's map order): LRU-ish at O(1) cost.
// A fill that raced with a removal is dropped, thanks to the generation.
type cache[V any] struct {
	mu  sync.Mutex
	m   map[string]cacheEntry[V]
	max int
	ttl time.Duration
	now func() time.Time
	gen uint64
}

type cacheEntry[V any] struct {
	v   V
	exp time.Time
}

func newCache[V any](maxEntries int, ttl time.Duration, now func() time.Time) *cache[V] {
	return &cache[V]{m: map[string]cacheEntry[V]{}, max: maxEntries, ttl: ttl, now: now}
}

func (c *cache[V]) get(k string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || !c.now().Before(e.exp) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *cache[V]) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put stores v unless a removal happened since gen was read.
func (c *cache[V]) put(k string, v V, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	now := c.now()
	if len(c.m) >= c.max {
		evict := max(1, c.max/10)
		for key, e := range c.m {
			if !now.Before(e.exp) {
				delete(c.m, key)
			}
		}
		for key := range c.m {
			if len(c.m) < c.max-evict+1 {
				break
			}
			delete(c.m, key)
		}
	}
	c.m[k] = cacheEntry[V]{v: v, exp: now.Add(c.ttl)}
}

func (c *cache[V]) remove(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.m, k)
}

func (c *cache[V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.m)
}

// limiter is a token bucket per install, in a bounded map.
type limiter struct {
	mu    sync.Mutex
	rate  float64
	burst float64
	max   int
	now   func() time.Time
	b     map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(rate float64, burst, maxEntries int, now func() time.Time) *limiter {
	return &limiter{rate: rate, burst: float64(burst), max: maxEntries, now: now, b: map[string]*bucket{}}
}

// allow takes a token, or says how long until one is there.
func (l *limiter) allow(key string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.b[key]
	if b == nil {
		if len(l.b) >= l.max {
			// Buckets that have refilled carry no state worth keeping.
			for k, x := range l.b {
				if x.tokens+now.Sub(x.last).Seconds()*l.rate >= l.burst {
					delete(l.b, k)
				}
			}
			for k := range l.b {
				if len(l.b) < l.max {
					break
				}
				delete(l.b, k)
			}
		}
		b = &bucket{tokens: l.burst, last: now}
		l.b[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second)), false
}
