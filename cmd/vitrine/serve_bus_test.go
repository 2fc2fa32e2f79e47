package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestServeBusFlags(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "v.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--db", db, "--role", "writer"}, "--role writer needs --bus"},
		{[]string{"serve", "--db", db, "--role", "ingest"}, "--role ingest needs --bus"},
		{[]string{"serve", "--db", db, "--role", "reader"}, `--role "reader": want all, ingest or writer`},
		{[]string{"serve", "--db", db, "--bus", "nats://127.0.0.1:4222", "--role", "writer", "--demo"}, "--demo serves pages"},
	} {
		code, _, stderr := runCmd(t, nil, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	// The environment sets them too.
	code, _, stderr := runCmd(t, map[string]string{"VITRINE_ROLE": "writer"}, "serve", "--db", db)
	if code != 2 || !strings.Contains(stderr, "--role writer needs --bus") {
		t.Errorf("VITRINE_ROLE=writer: exit %d, stderr %q", code, stderr)
	}
}
