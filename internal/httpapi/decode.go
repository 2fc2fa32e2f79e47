package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/vitrine/vitrine"
)

// maxJSONDepth bounds nesting in request bodies.
const maxJSONDepth = 16

// decode reads one JSON object from the body into v: the content type must
// be JSON, unknown fields are refused, nesting is bounded, and trailing data
// is an error. Messages say what is wrong and where.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return vitrine.Errorf(vitrine.EINVALID, "Content-Type %q: want application/json", ct)
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return vitrine.Errorf(vitrine.ETOOLARGE, "request body is over the limit of %d bytes", mbe.Limit)
		}
		return vitrine.Errorf(vitrine.EINVALID, "reading request body: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return vitrine.Errorf(vitrine.EINVALID, "request body is empty: want a JSON object")
	}
	if d := jsonDepth(body); d > maxJSONDepth {
		return vitrine.Errorf(vitrine.EINVALID, "request body nests %d levels deep, the limit is %d", d, maxJSONDepth)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return vitrine.Errorf(vitrine.EINVALID, "request body has data after the JSON object")
	}
	return nil
}

// jsonDepth returns the maximum nesting of arrays and objects, ignoring strings.
func jsonDepth(b []byte) int {
	depth, maxd := 0, 0
	inStr, esc := false, false
	for _, c := range b {
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			depth++
			maxd = max(maxd, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return maxd
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return vitrine.Errorf(vitrine.EINVALID, "malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the body"
		}
		return vitrine.Errorf(vitrine.EINVALID, "field %s: got JSON %s, want %s", field, typ.Value, typ.Type.String())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return vitrine.Errorf(vitrine.EINVALID, "malformed JSON: unexpected end of body")
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return vitrine.Errorf(vitrine.EINVALID, "%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return vitrine.Errorf(vitrine.EINVALID, "invalid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// bearer extracts the token of an "Authorization: Bearer ..." header.
func bearer(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", vitrine.Errorf(vitrine.EUNAUTHORIZED, "missing Authorization: Bearer <install token>")
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", vitrine.Errorf(vitrine.EUNAUTHORIZED, "Authorization header must be 'Bearer <install token>'")
	}
	return strings.TrimSpace(token), nil
}

// installOf authenticates the request's install.
func (s *Server) installOf(r *http.Request) (vitrine.Install, error) {
	token, err := bearer(r)
	if err != nil {
		return vitrine.Install{}, err
	}
	if len(token) > 200 {
		return vitrine.Install{}, vitrine.Errorf(vitrine.EUNAUTHORIZED, "unknown or revoked install token")
	}
	return s.Shoppers.AuthenticateInstall(r.Context(), token)
}

// requireText validates a required short string field.
func requireText(field, v string, maxLen int) error {
	if strings.TrimSpace(v) == "" {
		return vitrine.Errorf(vitrine.EINVALID, "field %s is required", field)
	}
	if len(v) > maxLen {
		return vitrine.Errorf(vitrine.EINVALID, "field %s is longer than %d bytes", field, maxLen)
	}
	return nil
}
