package reco

import (
	"reflect"
	"strings"
	"testing"
)

func TestReadSortsLikeSessionRec(t *testing.T) {
	in := "SessionId\tItemId\tTime\n" +
		"10\tc\t5.5\n" +
		"9\tb\t7\n" +
		"10\ta\t1.25\n" +
		"9\ta\t3\n" +
		"2\tz\t100\n"
	got, err := Read(strings.NewReader(in), "x.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := []Session{
		{ID: "2", Items: []string{"z"}, Times: []float64{100}},
		{ID: "9", Items: []string{"a", "b"}, Times: []float64{3, 7}},
		{ID: "10", Items: []string{"a", "c"}, Times: []float64{1.25, 5.5}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestReadMapsColumnsAndKeepsEqualTimesInFileOrder(t *testing.T) {
	in := "Time\titemid\tsessionid\textra\r\n" +
		"1\tq\ts1\tx\r\n" +
		"1\tp\ts1\tx\r\n" +
		"0\tr\ts0\tx\r\n"
	got, err := Read(strings.NewReader(in), "x.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "s0" || !reflect.DeepEqual(got[1].Items, []string{"q", "p"}) {
		t.Fatalf("got %+v", got)
	}
}

func TestReadRefusesMalformedLines(t *testing.T) {
	const h = "SessionId\tItemId\tTime\n"
	for _, c := range []struct{ name, in, want string }{
		{"empty", "", "bad.txt: empty file"},
		{"header", "session\titem\ttime stamp\n1\t2\t3\n", "bad.txt:1: header"},
		{"fields", h + "1\t2\t3\n1\t2\n", "bad.txt:3: 2 tab-separated fields, the header has 3"},
		{"time", h + "1\t2\t3\n1\t2\tyesterday\n", `bad.txt:3: Time "yesterday"`},
		{"negative time", h + "1\t2\t-4\n", `bad.txt:2: Time "-4"`},
		{"nan", h + "1\t2\tNaN\n", `bad.txt:2: Time "NaN"`},
		{"item", h + "1\t\t3\n", "bad.txt:2: empty ItemId"},
		{"session", h + "\t5\t3\n", "bad.txt:2: empty SessionId"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(c.in), "bad.txt")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestDataDir(t *testing.T) {
	dir := t.TempDir()
	env := func(string) string { return "" }
	if _, err := DataDir(env, dir); err == nil {
		t.Error("found shared/data where there is none")
	}
	d, err := DataDir(func(string) string { return dir }, "/nonexistent")
	if err != nil || d != dir {
		t.Errorf("VITRINE_DATA: %q %v", d, err)
	}
	if _, err := DataDir(func(string) string { return dir + "/missing" }, dir); err == nil {
		t.Error("missing VITRINE_DATA accepted")
	}
}

func FuzzRead(f *testing.F) {
	f.Add("SessionId\tItemId\tTime\n1\t2\t3.5\n1\t3\t4\n")
	f.Add("Time\tItemId\tSessionId\n1e9\ta\tb\n")
	f.Add("SessionId\tItemId\tTime\n1\t2\n")
	f.Fuzz(func(t *testing.T, in string) {
		ss, err := Read(strings.NewReader(in), "f")
		if err != nil {
			return
		}
		for _, s := range ss {
			if len(s.Items) == 0 || len(s.Items) != len(s.Times) {
				t.Fatalf("session %+v", s)
			}
			for i := 1; i < len(s.Times); i++ {
				if s.Times[i] < s.Times[i-1] {
					t.Fatalf("times out of order in %+v", s)
				}
			}
		}
	})
}
