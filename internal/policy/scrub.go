package policy

import (
	"errors"
	"net/url"
	"sort"
	"strings"
)

// ErrNotCollectable marks URLs that must never be collected at all.
var ErrNotCollectable = errors.New("not collectable")

// ScrubURL applies the scrub rules to a page URL, exactly as the extension
// does before anything leaves the device: only http and https; no user
// info; the host lower-cased; the fragment dropped; query parameters kept
// only when allowlisted (sorted by name, values kept); each path segment that
// looks like an email, a token, a long number, an order id or a UUID
// replaced by a placeholder. URLs of sensitive sites are not collectable.
func (p *Policy) ScrubURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", errors.New("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", errors.Join(ErrNotCollectable, errors.New("only http and https pages are collected"))
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return "", errors.New("URL has no host")
	}
	if c := p.SensitiveCategory(host); c != "" {
		return "", errors.Join(ErrNotCollectable, errors.New("sensitive site ("+c+")"))
	}
	out := url.URL{Scheme: u.Scheme, Host: host}
	if port := u.Port(); port != "" && !(u.Scheme == "http" && port == "80") && !(u.Scheme == "https" && port == "443") {
		out.Host = host + ":" + port
	}
	segs := strings.Split(u.EscapedPath(), "/")
	for i, s := range segs {
		if s == "" {
			continue
		}
		dec, err := url.PathUnescape(s)
		if err != nil {
			dec = s
		}
		if r := p.ScrubSegment(dec); r != dec {
			segs[i] = r
		} else {
			segs[i] = s
		}
	}
	path := strings.Join(segs, "/")
	if path == "" {
		path = "/"
	}
	out.RawPath = path
	out.Path, _ = url.PathUnescape(path)
	q := u.Query()
	var keep []string
	for k := range q {
		if contains(p.Scrub.QueryAllowlist, strings.ToLower(k)) {
			keep = append(keep, k)
		}
	}
	sort.Strings(keep)
	var parts []string
	for _, k := range keep {
		for _, v := range q[k] {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	out.RawQuery = strings.Join(parts, "&")
	s := out.String()
	if max := p.Scrub.MaxURLLength; max > 0 && len(s) > max {
		return "", errors.New("URL longer than the policy allows after scrubbing")
	}
	return s, nil
}

// IsScrubbed reports whether a URL is already in scrubbed form: the server
// refuses URLs the device should have scrubbed, rather than storing them.
func (p *Policy) IsScrubbed(raw string) bool {
	if _, ok := p.QuickScrubbed(raw); ok {
		return true
	}
	s, err := p.ScrubURL(raw)
	return err == nil && s == raw
}
