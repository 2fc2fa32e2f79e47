package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vitrine/vitrine/internal/extract"
	"github.com/vitrine/vitrine/internal/money"
)

// cmdExtract prints the product facts of a page, or parses one price text.
func cmdExtract(ctx context.Context, env *Env, args []string) error {
	fs := flagSet(env, "extract", `vitrine extract PAGE.html|URL   or   vitrine extract --price "TEXT" [--currency-hint X]`)
	price := fs.String("price", "", "parse this price text instead of a page")
	hint := fs.String("currency-hint", "", "currency for ambiguous symbols such as $ or kr (ISO 4217)")
	pageURL := fs.String("url", "", "the page's URL, to resolve relative links and ?variant= when reading a file")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if *hint != "" && !money.IsCurrency(strings.ToUpper(*hint)) {
		return usageError{fmt.Sprintf("--currency-hint %q is not an ISO 4217 code", *hint)}
	}
	if *price != "" {
		if fs.NArg() > 0 {
			return usageError{"give either --price or a page, not both"}
		}
		p, err := money.ParseText(*price, strings.ToUpper(*hint))
		if err != nil {
			return err
		}
		line := fmt.Sprintf("amount=%s currency=%s", p.Money.Amount.Format(money.Exponent(p.Money.Currency)), p.Money.Currency)
		if p.Money.Currency == "" {
			line = fmt.Sprintf("amount=%s currency=", p.Money.Amount.String())
		}
		if p.IsRange {
			line += fmt.Sprintf(" range=true high=%s", p.High.Format(money.Exponent(p.Money.Currency)))
		}
		if p.CurrencyFrom != "" {
			line += " currency_from=" + p.CurrencyFrom
		}
		fmt.Fprintln(env.Stdout, line)
		return nil
	}
	if fs.NArg() != 1 {
		return usageError{"give one PAGE.html or URL"}
	}
	arg := fs.Arg(0)
	var r io.Reader
	u := *pageURL
	if strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://") {
		body, err := fetchPage(ctx, arg)
		if err != nil {
			return err
		}
		defer body.Close()
		r, u = body, arg
	} else {
		f, err := os.Open(arg)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
		if u == "" {
			abs, _ := filepath.Abs(arg)
			u = (&url.URL{Scheme: "file", Path: abs}).String()
		}
	}
	facts, err := extract.Extract(r, u)
	if err != nil {
		return fmt.Errorf("%s: %w", arg, err)
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(facts)
}

// fetchPage GETs a page with a timeout and a browser-like Accept header.
func fetchPage(ctx context.Context, u string) (io.ReadCloser, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		cancel()
		return nil, usageError{fmt.Sprintf("URL %q: %v", u, err)}
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	req.Header.Set("User-Agent", "vitrine-extract/1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	if res.StatusCode != 200 {
		res.Body.Close()
		cancel()
		return nil, fmt.Errorf("GET %s: %s", u, res.Status)
	}
	return struct {
		io.Reader
		io.Closer
	}{res.Body, closerFunc(func() error { cancel(); return res.Body.Close() })}, nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }
