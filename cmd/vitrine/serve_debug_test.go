package main

import (
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

func TestServeDebugAddr(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "v.db")
	for _, tc := range []struct{ addr, want string }{
		{"0.0.0.0:6060", "must be a loopback address"},
		{"10.1.2.3:6060", "must be a loopback address"},
		{"6060", "want host:port"},
	} {
		code, _, stderr := runCmd(t, nil, "serve", "--db", db, "--debug-addr", tc.addr)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("--debug-addr %s: exit %d, stderr %q; want 2 and %q", tc.addr, code, stderr, tc.want)
		}
	}
}

func TestServeDebugProfiles(t *testing.T) {
	var logs strings.Builder
	stop, err := serveDebug("127.0.0.1:0", slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	i := strings.Index(logs.String(), "url=")
	if i < 0 {
		t.Fatalf("no url logged: %s", logs.String())
	}
	url := strings.Fields(logs.String()[i+4:])[0]
	resp, err := http.Get(url + "heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "heap profile") {
		t.Fatalf("heap profile: %d %.200s", resp.StatusCode, body)
	}
}
