// Package bus carries validated panel events from stateless ingest nodes to
// writers through NATS JetStream, for when one node is not enough.
//
// An ingest node validates a request as in local mode (token, consent,
// schema), then publishes its events, in their stored form, as one message
// to the stream VITRINE_EVENTS on the subject vitrine.events.<install id>,
// and acknowledges the HTTP request only after JetStream's ack. A writer
// (vitrine serve --role writer) consumes the stream through one durable pull
// consumer with explicit acks, writes the events of many messages in one
// transaction (ingest.StoreEvents: event ids deduplicate) and acks each
// message only after the commit. A writer killed before its acks gets its
// messages redelivered after AckWait, to itself or another writer, and the
// second write stores nothing twice.
//
// The stream keeps messages in files, one replica, with work-queue
// retention: a message leaves the stream when a writer acks it. So the
// messages of an install still in the stream are exactly its events not yet
// written to the database; deletions wait for them (see Dashboard).
//
// Durability of the ack: JetStream acks a publish once the message is in
// its file store. A NATS server killed with SIGKILL keeps it (the file is
// written before the ack); a power loss of the NATS host can lose what the
// server had not yet synced (sync_interval, 2 minutes by default) unless
// the server syncs every write (nats-server >= 2.10: jetstream {
// sync_interval: always }) or the stream has three replicas.
package bus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/vitrine/vitrine"
)

// Defaults of Config.
const (
	DefaultStream   = "VITRINE_EVENTS"
	DefaultSubject  = "vitrine.events"
	DefaultConsumer = "vitrine-writer"
)

// Config names the stream and tunes the bus. Zero values take the defaults.
type Config struct {
	URL      string        // nats://host:4222 (required)
	Stream   string        // stream name (default VITRINE_EVENTS)
	Subject  string        // subject prefix: messages go to <Subject>.<install id> (default vitrine.events)
	Consumer string        // durable name shared by the writers (default vitrine-writer)
	AckWait  time.Duration // redelivery of unacked messages after this (default 30s)
	// Duplicates is JetStream's deduplication window for the message ids
	// (default 2 minutes): a retried request inside it is not stored twice
	// in the stream (the database deduplicates in any case).
	Duplicates time.Duration
	// PublishTimeout bounds the wait for JetStream's ack (default 10s).
	PublishTimeout time.Duration
	// Name is the client's connection name, seen in the server's monitoring.
	Name string
}

func (c *Config) defaults() {
	if c.Stream == "" {
		c.Stream = DefaultStream
	}
	if c.Subject == "" {
		c.Subject = DefaultSubject
	}
	if c.Consumer == "" {
		c.Consumer = DefaultConsumer
	}
	if c.AckWait <= 0 {
		c.AckWait = 30 * time.Second
	}
	if c.Duplicates <= 0 {
		c.Duplicates = 2 * time.Minute
	}
	if c.PublishTimeout <= 0 {
		c.PublishTimeout = 10 * time.Second
	}
	if c.Name == "" {
		c.Name = "vitrine"
	}
}

func (c *Config) validate() error {
	if c.URL == "" {
		return errors.New("bus: no NATS URL")
	}
	for _, n := range []struct{ what, v string }{{"stream", c.Stream}, {"consumer", c.Consumer}} {
		if !safeToken(n.v) {
			return fmt.Errorf("bus: %s name %q: use letters, digits, '-' and '_' only", n.what, n.v)
		}
	}
	for _, tok := range strings.Split(c.Subject, ".") {
		if !safeToken(tok) {
			return fmt.Errorf("bus: subject prefix %q: want dot-separated tokens of letters, digits, '-' and '_'", c.Subject)
		}
	}
	return nil
}

// safeToken reports whether s can be a subject token or a stream name.
func safeToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Bus is a connection to the stream.
type Bus struct {
	cfg    Config
	nc     *nats.Conn
	js     jetstream.JetStream
	stream jetstream.Stream
	log    *slog.Logger
}

// Connect connects to NATS and creates the stream, or updates it to this
// configuration (idempotent: every node does it at start).
func Connect(ctx context.Context, cfg Config, log *slog.Logger) (*Bus, error) {
	cfg.defaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	server := RedactURL(cfg.URL)
	nc, err := nats.Connect(cfg.URL, nats.Name(cfg.Name), nats.Timeout(5*time.Second),
		nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("bus: disconnected from NATS", "server", server, "err", err)
			}
		}),
		nats.ReconnectHandler(func(*nats.Conn) { log.Info("bus: reconnected to NATS", "server", server) }))
	if err != nil {
		return nil, fmt.Errorf("bus: connect to %s: %w", server, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("bus: %w", err)
	}
	b := &Bus{cfg: cfg, nc: nc, js: js, log: log}
	b.stream, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        cfg.Stream,
		Description: "Vitrine panel events waiting for a writer (one subject per install)",
		Subjects:    []string{cfg.Subject + ".>"},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		Replicas:    1,
		Duplicates:  cfg.Duplicates,
		Discard:     jetstream.DiscardNew,
	})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("bus: create or update stream %s on %s: %w", cfg.Stream, server, err)
	}
	return b, nil
}

// Close closes the connection.
func (b *Bus) Close() { b.nc.Close() }

// Config returns the configuration in force (with defaults).
func (b *Bus) Config() Config { return b.cfg }

// Healthy returns an error when the connection to NATS is down.
func (b *Bus) Healthy() error {
	if s := b.nc.Status(); s != nats.CONNECTED {
		return fmt.Errorf("bus: NATS connection is %s", s)
	}
	return nil
}

// RedactURL hides the user information of a NATS URL (several URLs may be
// separated by commas) for messages and logs.
func RedactURL(s string) string {
	parts := strings.Split(s, ",")
	for i, p := range parts {
		u, err := url.Parse(strings.TrimSpace(p))
		if err != nil || u.Host == "" {
			parts[i] = "nats-url"
			continue
		}
		u.User = nil
		parts[i] = u.Scheme + "://" + u.Host
	}
	return strings.Join(parts, ",")
}

// Subject returns the subject of an install's messages. Install ids are
// letters, digits and '_'; any other id is hashed into a safe token.
func (b *Bus) Subject(installID string) string {
	if safeToken(installID) {
		return b.cfg.Subject + "." + installID
	}
	h := sha256.Sum256([]byte(installID))
	return b.cfg.Subject + ".h" + hex.EncodeToString(h[:16])
}

// wireEvent is the stored form of an event in a message: exactly what
// store.InsertEvents writes.
type wireEvent struct {
	ID         string          `json:"id"`
	InstallID  string          `json:"install_id"`
	Type       string          `json:"type"`
	Scope      string          `json:"scope"`
	OccurredAt int64           `json:"occurred_at_ns"`
	ReceivedAt int64           `json:"received_at_ns"`
	Domain     string          `json:"domain,omitempty"`
	Payload    json.RawMessage `json:"payload,omitempty"`
}

type message struct {
	V      int         `json:"v"`
	Events []wireEvent `json:"events"`
}

// encode writes events as a message body. The payloads are canonical JSON
// already (ingest.Parse makes them with json.Marshal); the encoder keeps
// them byte for byte.
func encode(evs []vitrine.Event) ([]byte, error) {
	m := message{V: 1, Events: make([]wireEvent, len(evs))}
	for i := range evs {
		e := &evs[i]
		m.Events[i] = wireEvent{ID: e.ID, InstallID: e.InstallID, Type: string(e.Type), Scope: string(e.Scope),
			OccurredAt: e.OccurredAt.UnixNano(), ReceivedAt: e.ReceivedAt.UnixNano(), Domain: e.Domain, Payload: e.Payload}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&m); err != nil {
		return nil, fmt.Errorf("bus: encode events: %w", err)
	}
	return buf.Bytes(), nil
}

// decode reads a message body.
func decode(data []byte) ([]vitrine.Event, error) {
	var m message
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("bus: decode message: %w", err)
	}
	if m.V != 1 {
		return nil, fmt.Errorf("bus: message version %d: this writer reads version 1", m.V)
	}
	evs := make([]vitrine.Event, len(m.Events))
	for i, w := range m.Events {
		if w.ID == "" || w.InstallID == "" {
			return nil, fmt.Errorf("bus: decode message: event %d has no id or install id", i)
		}
		evs[i] = vitrine.Event{ID: w.ID, InstallID: w.InstallID, Type: vitrine.EventType(w.Type), Scope: vitrine.Scope(w.Scope),
			OccurredAt: time.Unix(0, w.OccurredAt).UTC(), ReceivedAt: time.Unix(0, w.ReceivedAt).UTC(), Domain: w.Domain, Payload: []byte(w.Payload)}
	}
	return evs, nil
}

// msgID is the JetStream deduplication id of a message: a hash of its
// install and event ids, so a retried request within the window is
// recognised.
func msgID(installID string, evs []vitrine.Event) string {
	h := sha256.New()
	h.Write([]byte(installID))
	for i := range evs {
		h.Write([]byte{0})
		h.Write([]byte(evs[i].ID))
	}
	return hex.EncodeToString(h.Sum(nil)[:20])
}

// Publish publishes one request's events (all of installID) and returns
// after JetStream acked them. The events go as one message; a batch whose
// stored form is over the server's largest message is split in halves,
// each with its own message id. An error means the request must not be
// acknowledged: part of it may be stored, and the client's retry is then
// deduplicated. It implements ingest.Publisher.
func (b *Bus) Publish(ctx context.Context, installID string, evs []vitrine.Event) error {
	if len(evs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.PublishTimeout)
	defer cancel()
	return b.publish(ctx, b.Subject(installID), installID, evs)
}

func (b *Bus) publish(ctx context.Context, subject, installID string, evs []vitrine.Event) error {
	data, err := encode(evs)
	if err != nil {
		return err
	}
	// Leave room for the headers.
	if int64(len(data)) > b.nc.MaxPayload()-1024 {
		if len(evs) == 1 {
			return fmt.Errorf("bus: one event of %d bytes is over the NATS server's max_payload of %d bytes", len(data), b.nc.MaxPayload())
		}
		half := len(evs) / 2
		if err := b.publish(ctx, subject, installID, evs[:half]); err != nil {
			return err
		}
		return b.publish(ctx, subject, installID, evs[half:])
	}
	m := nats.NewMsg(subject)
	m.Data = data
	if _, err := b.js.PublishMsg(ctx, m, jetstream.WithMsgID(msgID(installID, evs)), jetstream.WithExpectStream(b.cfg.Stream)); err != nil {
		return fmt.Errorf("bus: publish %d events: %w", len(evs), err)
	}
	return nil
}

// Pending returns the number of the install's messages still in the
// stream: published and not yet written and acked by a writer.
func (b *Bus) Pending(ctx context.Context, installID string) (uint64, error) {
	subject := b.Subject(installID)
	info, err := b.stream.Info(ctx, jetstream.WithSubjectFilter(subject))
	if err != nil {
		return 0, fmt.Errorf("bus: stream info: %w", err)
	}
	return info.State.Subjects[subject], nil
}

// Messages returns the number of messages in the stream (of every install).
func (b *Bus) Messages(ctx context.Context) (uint64, error) {
	info, err := b.stream.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("bus: stream info: %w", err)
	}
	return info.State.Msgs, nil
}

// PurgeInstall removes the install's messages from the stream and returns
// how many it removed. A message a writer has already fetched is removed
// from the stream too, but that writer may still store its events: purge
// is not a substitute for waiting (see Dashboard).
func (b *Bus) PurgeInstall(ctx context.Context, installID string) (int64, error) {
	req, _ := json.Marshal(map[string]string{"filter": b.Subject(installID)})
	msg, err := b.nc.RequestWithContext(ctx, "$JS.API.STREAM.PURGE."+b.cfg.Stream, req)
	if err != nil {
		return 0, fmt.Errorf("bus: purge install: %w", err)
	}
	var resp struct {
		Success bool  `json:"success"`
		Purged  int64 `json:"purged"`
		Error   *struct {
			Code        int    `json:"code"`
			Description string `json:"description"`
		} `json:"error"`
	}
	if err := json.Unmarshal(msg.Data, &resp); err != nil {
		return 0, fmt.Errorf("bus: purge install: %w", err)
	}
	if resp.Error != nil || !resp.Success {
		desc := "no success"
		if resp.Error != nil {
			desc = resp.Error.Description
		}
		return 0, fmt.Errorf("bus: purge install: %s", desc)
	}
	return resp.Purged, nil
}

// WaitDrained waits until the install has no message left in the stream,
// that is until the writers have committed and acked every event published
// for it so far, checking every 50 ms for at most timeout. It returns the
// number of messages there were at the start. When they are not drained in
// time the error is EUNAVAILABLE: the writers are down or far behind.
func (b *Bus) WaitDrained(ctx context.Context, installID string, timeout time.Duration) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	first, err := b.Pending(ctx, installID)
	if err != nil {
		return 0, err
	}
	n := first
	for n > 0 {
		select {
		case <-ctx.Done():
			return first, vitrine.Errorf(vitrine.EUNAVAILABLE, "%d recent batches of your events are still being stored; nothing was deleted: try again in a minute", n)
		case <-time.After(50 * time.Millisecond):
		}
		if n, err = b.Pending(ctx, installID); err != nil {
			if ctx.Err() != nil {
				continue
			}
			return first, err
		}
	}
	return first, nil
}

// DeleteStream deletes the stream and its consumers (tests, and an
// operator's reset). Every message in it is lost.
func (b *Bus) DeleteStream(ctx context.Context) error {
	if err := b.js.DeleteStream(ctx, b.cfg.Stream); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("bus: delete stream: %w", err)
	}
	return nil
}
