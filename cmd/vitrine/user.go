package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/password"
)

// cmdUser manages operator and analyst accounts.
func cmdUser(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{"want 'vitrine user create --email E --role admin|analyst'"}
	}
	var c Config
	fs := flagSet(env, "user create", "vitrine user create --email E --role admin|analyst [--password-file F] [--api-token]")
	addDBFlag(fs, &c)
	email := fs.String("email", "", "the user's email address (sign-in name)")
	role := fs.String("role", "", "admin (operator: campaigns, link codes, orders) or analyst (aggregates only)")
	pwFile := fs.String("password-file", "", "read the password from this file (else VITRINE_PASSWORD, else the first line of standard input)")
	apiToken := fs.Bool("api-token", false, "also create an API token for scripts (printed once)")
	if err := parse(fs, env, args[1:]); err != nil {
		return err
	}
	if *email == "" || *role == "" {
		return usageError{"--email and --role are required"}
	}
	pw := env.Getenv("VITRINE_PASSWORD")
	switch {
	case *pwFile != "":
		b, err := os.ReadFile(*pwFile)
		if err != nil {
			return fmt.Errorf("--password-file: %w", err)
		}
		pw = strings.TrimRight(string(b), "\r\n")
	case pw == "" && env.Stdin != nil:
		fmt.Fprintf(env.Stderr, "password for %s (at least %d characters): ", *email, password.MinLength)
		line, _ := bufio.NewReader(env.Stdin).ReadString('\n')
		pw = strings.TrimRight(line, "\r\n")
	}
	if err := password.Validate(pw); err != nil {
		return usageError{err.Error()}
	}
	hash, err := password.Hash(pw, password.Default)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.CreateUser(ctx, *email, *role, hash)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "created %s user %s\n", u.Role, u.Email)
	if *apiToken {
		tok := ids.Token()
		if err := db.SetAPIToken(ctx, u.ID, ids.HashToken(tok)); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "API token (shown once; send as 'Authorization: Bearer <token>'): %s\n", tok)
	}
	fmt.Fprintf(env.Stdout, "user=%s role=%s\n", u.ID, u.Role)
	return nil
}
