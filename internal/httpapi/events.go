package httpapi

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ingest"
)

// handleEvents receives a batch of panel events: POST /v1/events with
// Authorization: Bearer <install token> and {"events":[...]}. A body that is
// not a batch is a 400/413 and stores nothing; single bad events, and events
// without active consent for their scope, are refused one by one in a 200
// answer (see package ingest). The answer comes after the commit: what it
// counts as accepted or duplicate is durably stored. Overload and the
// per-install rate limit answer 429 with Retry-After.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	if s.Ingest == nil {
		s.writeError(w, r, vitrine.Errorf(vitrine.EUNAVAILABLE, "event ingestion is not enabled on this server"))
		return
	}
	token, err := bearer(r)
	if err == nil && len(token) > 200 {
		err = vitrine.Errorf(vitrine.EUNAUTHORIZED, "unknown or revoked install token")
	}
	var in vitrine.Install
	if err == nil {
		in, err = s.Ingest.Authenticate(r.Context(), token)
	}
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vitrine"`)
		s.writeError(w, r, err)
		return
	}
	if err := s.Ingest.Allow(in.ID); err != nil {
		s.writeRetry(w, r, err)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, "Content-Type %q: want application/json", ct))
			return
		}
	}
	if r.ContentLength > ingest.MaxBodyBytes {
		s.writeError(w, r, vitrine.Errorf(vitrine.ETOOLARGE, "request body of %d bytes is over the limit of %d bytes", r.ContentLength, ingest.MaxBodyBytes))
		return
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength) + 1)
	}
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, ingest.MaxBodyBytes+1)); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.writeError(w, r, vitrine.Errorf(vitrine.ETOOLARGE, "request body is over the limit of %d bytes", mbe.Limit))
			return
		}
		s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, "reading request body: %v", err))
		return
	}
	resp, err := s.Ingest.Ingest(r.Context(), in, buf.Bytes())
	if err != nil {
		if r.Context().Err() != nil {
			// The client went away before the commit: nothing to answer. Its
			// events may still be stored; its retry will count them duplicate.
			return
		}
		s.writeRetry(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// writeRetry writes an error with Retry-After when the error has one.
func (s *Server) writeRetry(w http.ResponseWriter, r *http.Request, err error) {
	if secs, ok := ingest.RetryAfter(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	s.writeError(w, r, err)
}
