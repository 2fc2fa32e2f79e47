// Command vitrine is the whole Vitrine platform in one binary: the server,
// the catalog importer, the matcher tools and the load generator.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/vitrine/vitrine"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// command is one subcommand.
type command struct {
	name, usage, summary string
	run                  func(ctx context.Context, env *Env, args []string) error
}

// Env carries the process environment to commands, so tests can run them in-process.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

func commands() []command {
	return []command{
		{"serve", "vitrine serve [--addr 127.0.0.1:8080] [--db sqlite:./vitrine.db | postgres://...] [--demo]", "run the HTTP server (migrates the database first)", cmdServe},
		{"import", "vitrine import [--db ...] [--skip-invalid] FILE...", "import catalog files: Merchant Center .tsv/.txt/.xml, .csv, .jsonl", cmdImport},
		{"migrate", "vitrine migrate [--db ...]", "apply database migrations", cmdMigrate},
		{"extract", `vitrine extract PAGE.html|URL | --price "TEXT" [--currency-hint X]`, "print the product facts of a page as JSON, or parse a price text", cmdExtract},
		{"generate", "vitrine generate feed --rows N --out FILE.tsv", "write a synthetic Merchant Center feed (benchmarks, load tests)", cmdGenerate},
		{"match", "vitrine match train DIR... --out MODEL | eval DIR [--model M] | lookup --catalog B --queries A --gold G", "train and evaluate the product matcher (pair F1, catalog lookup F1)", cmdMatch},
		{"bench-compare", "vitrine bench-compare --db DSN | --url URL [--rate 1000] [--duration 30s] [--concurrency 64] [--rows N]", "measure POST /v1/compare latency open-loop; ends \"rate=X p50_ms=Y p99_ms=Z rss_mb=W\" (W is 0 with --url: the server is not measured)", cmdBenchCompare},
		{"reco", "vitrine reco eval --train FILE --test FILE [--algo NAME]", "train and evaluate next-item recommenders on session-rec TSV files (HR@20, MRR@20)", cmdReco},
		{"loadgen", "vitrine loadgen --url URL [--duration 10s] [--concurrency 8] [--batch 100] [--installs 1000] [--acked-log FILE]", "send realistic panel event traffic; ends \"acked=N events_per_sec=X p99_ms=Y\"", cmdLoadgen},
		{"simulate", "vitrine simulate --url URL --admin-token TOKEN [--installs 300] [--days 28] [--seed 1]", "send a synthetic panel (installs, consent, events, exposures, orders) through a server's API; ends \"installs=N events=N orders=N\"", cmdSimulate},
		{"user", "vitrine user create --email E --role admin|analyst [--api-token]", "create an operator or analyst account (password hashed with Argon2id)", cmdUser},
		{"version", "vitrine version", "print the version", cmdVersion},
		{"help", "vitrine help [COMMAND]", "show help", nil},
	}
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &Env{Getenv: getenv, Stdin: stdin, Stdout: stdout, Stderr: stderr}
	if len(args) == 0 {
		printHelp(stderr)
		return 2
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		if len(args) > 1 {
			for _, c := range commands() {
				if c.name == args[1] && c.run != nil {
					c.run(ctx, env, []string{"-h"})
					return 0
				}
			}
		}
		printHelp(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != name || c.run == nil {
			continue
		}
		err := c.run(ctx, env, args[1:])
		var ue usageError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "vitrine %s: %v\nusage: %s\n", name, err, c.usage)
			return 2
		case errors.Is(err, errReported):
			return 1
		default:
			fmt.Fprintf(stderr, "vitrine %s: %s\n", name, errorText(err))
			return 1
		}
	}
	fmt.Fprintf(stderr, "vitrine: unknown command %q\n\n", name)
	printHelp(stderr)
	return 2
}

// errReported means the command already told the user what went wrong.
var errReported = errors.New("reported")

func errorText(err error) string {
	var e *vitrine.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

func printHelp(w io.Writer) {
	fmt.Fprintf(w, "Vitrine %s: a self-hostable shopping assistant platform.\n\nCommands:\n", vitrine.Version)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n           %s\n", c.name, c.summary, c.usage)
	}
	fmt.Fprint(w, "\nEvery flag can also be set with an environment variable VITRINE_<FLAG> (for example VITRINE_DB);\n"+
		"flags win over the environment, which wins over defaults. VITRINE_DB_FILE reads the DSN from a file.\n"+
		"Run 'vitrine help COMMAND' for a command's flags.\n")
}
