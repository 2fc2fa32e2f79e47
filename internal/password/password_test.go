package password

import (
	"errors"
	"strings"
	"testing"
)

var fast = Params{Memory: 1024, Time: 1, Threads: 1}

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse battery", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %s", h)
	}
	if err := Verify("correct horse battery", h); err != nil {
		t.Fatal(err)
	}
	if err := Verify("correct horse batterY", h); !errors.Is(err, ErrMismatch) {
		t.Fatalf("wrong password: %v", err)
	}
	h2, _ := Hash("correct horse battery", fast)
	if h == h2 {
		t.Fatal("same salt twice")
	}
	if _, err := Hash("short", fast); err == nil {
		t.Fatal("short password accepted")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$a$b", "$argon2id$v=19$m=99999999,t=1,p=1$YQ$YQ", "$argon2id$v=19$m=1024,t=1,p=1$!!$YQ"} {
		if Verify("whatever-password", bad) == nil {
			t.Errorf("Verify accepted %q", bad)
		}
	}
}

func FuzzVerify(f *testing.F) {
	h, _ := Hash("correct horse battery", fast)
	f.Add("x", h)
	f.Add("correct horse battery", "$argon2id$v=19$m=1,t=1,p=1$$")
	f.Fuzz(func(t *testing.T, pw, enc string) {
		if strings.Contains(enc, "m=") && !strings.Contains(enc, "m=1,") && !strings.Contains(enc, "m=1024,") {
			return // keep the fuzzer from spending its time on large memory costs
		}
		Verify(pw, enc)
	})
}
