package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/store"
)

func cmdMigrate(ctx context.Context, env *Env, args []string) error {
	var c Config
	fs := flagSet(env, "migrate", "vitrine migrate [--db ...]")
	addDBFlag(fs, &c)
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	db, err := store.Open(ctx, c.DB)
	if err != nil {
		return fmt.Errorf("%s: %w", redactDSN(c.DB), err)
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	for _, m := range applied {
		fmt.Fprintf(env.Stdout, "applied %s\n", m)
	}
	fmt.Fprintf(env.Stdout, "engine=%s applied=%d\n", db.Dialect, len(applied))
	return nil
}

// openDB opens the database and applies pending migrations.
func openDB(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", redactDSN(dsn), err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// redactDSN hides a password in a DSN for messages and logs.
func redactDSN(dsn string) string {
	at := strings.LastIndexByte(dsn, '@')
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if user, _, ok := strings.Cut(userinfo, ":"); ok {
		return dsn[:scheme+3] + user + ":xxxxx" + dsn[at:]
	}
	return dsn
}

func cmdVersion(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintln(env.Stderr, "usage: vitrine version")
		return nil
	}
	fmt.Fprintf(env.Stdout, "vitrine %s\nversion=%s\n", vitrine.Version, vitrine.Version)
	return nil
}
