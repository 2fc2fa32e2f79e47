package extract

import (
	"encoding/json"
	"testing"
)

func TestParseLaxJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // canonical JSON of the result; "" means an error is expected
	}{
		{"plain", `{"a": 1, "b": "x"}`, `{"a":"1","b":"x"}`},
		{"number kept as text", `{"price": 1299.00}`, `{"price":"1299.00"}`},
		{"trailing comma object", `{"a": "x",}`, `{"a":"x"}`},
		{"trailing comma array", `["a", "b",]`, `["a","b"]`},
		{"trailing commas nested", `{"o": {"p": "1",}, "l": [1,],}`, `{"l":["1"],"o":{"p":"1"}}`},
		{"raw newline in string", "{\"d\": \"line one\nline two\"}", `{"d":"line one\nline two"}`},
		{"raw tab and control char", "{\"d\": \"a\tb\x0bc\"}", `{"d":"a\tb\u000bc"}`},
		{"html comment around", "<!--\n{\"a\": true}\n-->", `{"a":true}`},
		{"cdata around", "//<![CDATA[\n{\"a\": null}\n//]]>", `{"a":null}`},
		{"trailing semicolon", `{"a": "x"};`, `{"a":"x"}`},
		{"bom", "\uFEFF{\"a\": \"x\"}", `{"a":"x"}`},
		{"unknown escape kept", `{"a": "it\'s"}`, `{"a":"it's"}`},
		{"unicode escapes", `{"a": "\u00e9\ud83d\ude00"}`, `{"a":"é😀"}`},
		{"lone surrogate", `{"a": "\ud83d"}`, `{"a":"�"}`},
		{"two values", `{"a": 1}{"b": 2}`, `[{"a":"1"},{"b":"2"}]`},
		{"last duplicate key wins", `{"a": 1, "a": 2}`, `{"a":"2"}`},
		{"top-level array", `[{"@type": "Product"}]`, `[{"@type":"Product"}]`},
		{"empty", "  ", ""},
		{"unterminated object", `{"a": 1`, ""},
		{"unterminated string", `{"a": "x`, ""},
		{"unquoted key", `{a: 1}`, ""},
		{"missing colon", `{"a" 1}`, ""},
		{"garbage", `hello`, ""},
		{"too deep", string(make([]byte, 0)) + repeat("[", 100) + repeat("]", 100), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := parseLaxJSON(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("parseLaxJSON(%q) = %v, want an error", tt.in, v)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseLaxJSON(%q): %v", tt.in, err)
			}
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("parseLaxJSON(%q) = %s, want %s", tt.in, b, tt.want)
			}
		})
	}
}

func repeat(s string, n int) string {
	b := make([]byte, 0, len(s)*n)
	for i := 0; i < n; i++ {
		b = append(b, s...)
	}
	return string(b)
}
