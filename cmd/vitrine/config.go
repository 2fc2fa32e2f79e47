package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vitrine/vitrine/internal/progress"
)

// Config is the whole configuration, filled from flags, then VITRINE_*
// environment variables, then defaults, and passed down from here.
type Config struct {
	Addr            string
	DB              string
	Demo            bool
	LogLevel        string
	LogFormat       string
	ShutdownTimeout time.Duration
	SkipInvalid     bool
	BatchSize       int
	StoreName       string
	StoreDomains    string
	StoreCurrency   string
	RatesFile       string
	RefreshInterval time.Duration
	SecureCookies   bool
	Bus             string // NATS URL of the event bus (serve_bus.go)
	Role            string // all, ingest or writer (with Bus)
}

const defaultDB = "sqlite:./vitrine.db"

// flagSet returns a FlagSet whose defaults come from the environment.
func flagSet(env *Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: %s\n\nflags (each also read from VITRINE_<NAME>):\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// envName turns a flag name into its environment variable: skip-invalid -> VITRINE_SKIP_INVALID.
func envName(flagName string) string {
	return "VITRINE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse parses args, giving every flag not set on the command line its
// environment value when one is set. *_FILE variables hold secrets in files.
func parse(fs *flag.FlagSet, env *Env, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError{err.Error()}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		name := envName(f.Name)
		v := env.Getenv(name)
		if v == "" {
			if file := env.Getenv(name + "_FILE"); file != "" {
				b, rerr := os.ReadFile(file)
				if rerr != nil {
					err = fmt.Errorf("%s_FILE: %w", name, rerr)
					return
				}
				v = strings.TrimSpace(string(b))
			}
		}
		if v == "" {
			return
		}
		if serr := f.Value.Set(v); serr != nil {
			err = usageError{fmt.Sprintf("environment %s=%q: %v", name, v, serr)}
		}
	})
	return err
}

func addDBFlag(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.DB, "db", defaultDB, "database: sqlite:PATH or postgres://user@host:5432/db")
}

func addLogFlags(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&c.LogFormat, "log-format", "auto", "log format: text, json, or auto (text on a terminal, JSON otherwise)")
}

func newLogger(c *Config, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, usageError{fmt.Sprintf("--log-level %q: want debug, info, warn or error", c.LogLevel)}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.LogFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "auto", "":
		if progress.IsTerminal(w) {
			return slog.New(slog.NewTextHandler(w, opts)), nil
		}
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageError{fmt.Sprintf("--log-format %q: want text, json or auto", c.LogFormat)}
}

// positiveInt validates a flag value.
func positiveInt(name string, v, max int) error {
	if v < 1 || v > max {
		return usageError{fmt.Sprintf("--%s %s: want 1..%d", name, strconv.Itoa(v), max)}
	}
	return nil
}
