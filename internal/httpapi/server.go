// Package httpapi serves Vitrine's HTTP API. routes.go lists the whole
// surface; each resource has its own file of handlers that decode, validate,
// call the store and encode.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/analytics"
	"github.com/vitrine/vitrine/internal/authn"
	"github.com/vitrine/vitrine/internal/compare"
	"github.com/vitrine/vitrine/internal/ingest"
	"github.com/vitrine/vitrine/internal/metrics"
	"github.com/vitrine/vitrine/internal/policy"
)

// Store is what the API needs from the database.
type Store interface {
	vitrine.CatalogStore
	Ping(ctx context.Context) error
}

// Server holds the API's collaborators.
type Server struct {
	Store    Store
	Shoppers vitrine.ShopperStore
	Compare  *compare.Service
	Consent  vitrine.ConsentStore
	Rewards  vitrine.RewardStore
	Auth     *authn.Authn
	Policy   *policy.Policy
	// OnConsentChange is called after an install's consent changed, so
	// caches (ingestion's consent cache) can drop it at once.
	OnConsentChange func(installID string)
	// Ingest receives panel events (POST /v1/events); nil answers 503.
	Ingest *ingest.Service
	// Analytics serves reports, orders, recommendations, intent and
	// experiments (internal/httpapi/analytics.go); nil answers 503.
	Analytics *analytics.Service
	// StoreInfo names the store and its own domains (where no comparison is shown).
	StoreInfo compare.StoreInfo
	Logger    *slog.Logger
	Metrics   *metrics.Registry
	// Extra mounts additional handlers (the demo shop) on path prefixes.
	Extra map[string]http.Handler
	// MaxBodyBytes bounds request bodies (default 1 MiB).
	MaxBodyBytes int64

	requests *metrics.CounterVec
	latency  *metrics.HistogramVec
	compares *metrics.CounterVec
}

// Handler returns the API with its middleware.
func (s *Server) Handler() http.Handler {
	if s.Logger == nil {
		s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.Metrics == nil {
		s.Metrics = metrics.NewRegistry()
	}
	if s.Policy == nil {
		s.Policy = policy.Default()
	}
	if s.MaxBodyBytes == 0 {
		s.MaxBodyBytes = 1 << 20
	}
	s.requests = s.Metrics.NewCounterVec("vitrine_http_requests_total", "HTTP requests by route and status code.", "route", "code")
	s.latency = s.Metrics.NewHistogramVec("vitrine_http_request_duration_seconds", "HTTP request latency by route.", metrics.DefaultBuckets, "route")
	s.compares = s.Metrics.NewCounterVec("vitrine_compare_total", "Comparisons answered by status and how the match was found.", "status", "matched_by")
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.Method+" "+rt.Path, s.instrument(rt.Method+" "+rt.Path, rt.Handler))
	}
	for prefix, h := range s.Extra {
		mux.Handle(prefix, s.instrument(prefix, h))
	}
	mux.Handle("/", s.instrument("other", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The catch-all hides ServeMux's own 405: find the methods the path has.
		var allow []string
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "/" && pattern != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.writeError(w, r, vitrine.Errorf(EMETHOD, "method %s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, strings.Join(allow, ", ")))
			return
		}
		s.writeError(w, r, vitrine.Errorf(vitrine.ENOTFOUND, "no route for %s %s", r.Method, r.URL.Path))
	})))
	return s.recoverer(s.limitBody(mux))
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) instrument(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		d := time.Since(start)
		s.requests.Inc(route, strconv.Itoa(sw.code))
		s.latency.Observe(d.Seconds(), route)
		// Only the path is logged: query strings may carry search terms.
		s.Logger.Debug("http", "method", r.Method, "path", r.URL.Path, "status", sw.code, "duration", d)
	})
}

func (s *Server) limitBody(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.MaxBodyBytes {
			s.writeError(w, r, vitrine.Errorf(vitrine.ETOOLARGE, "request body of %d bytes is over the limit of %d bytes", r.ContentLength, s.MaxBodyBytes))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.MaxBodyBytes)
		h.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.writeError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// EMETHOD is the HTTP-only error code for a known path with the wrong method.
const EMETHOD = "method_not_allowed"

// statusOf maps error codes to HTTP statuses: the one table of the API.
var statusOf = map[string]int{
	vitrine.EINVALID:      http.StatusBadRequest,
	vitrine.EUNAUTHORIZED: http.StatusUnauthorized,
	vitrine.EFORBIDDEN:    http.StatusForbidden,
	vitrine.ENOTFOUND:     http.StatusNotFound,
	vitrine.ECONFLICT:     http.StatusConflict,
	vitrine.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	vitrine.ERATELIMIT:    http.StatusTooManyRequests,
	vitrine.EUNAVAILABLE:  http.StatusServiceUnavailable,
	vitrine.EINTERNAL:     http.StatusInternalServerError,
	EMETHOD:               http.StatusMethodNotAllowed,
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// writeError writes {"error":{"code","message"}}. Internal errors are logged
// with their detail and answered with a generic message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := vitrine.ErrorCode(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		code = vitrine.ETOOLARGE
		err = vitrine.Errorf(code, "request body is over the limit of %d bytes", mbe.Limit)
	}
	if code == vitrine.EINTERNAL {
		s.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	var body errorBody
	body.Error.Code = code
	body.Error.Message = vitrine.ErrorMessage(err)
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// queryInt reads an optional integer query parameter within [min, max].
func queryInt(r *http.Request, name string, def, min, max int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, vitrine.Errorf(vitrine.EINVALID, "query parameter %s=%q is not an integer", name, v)
	}
	if n < min || n > max {
		return 0, vitrine.Errorf(vitrine.EINVALID, "query parameter %s=%d is out of range %d..%d", name, n, min, max)
	}
	return n, nil
}
