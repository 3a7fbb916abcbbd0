package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// scannerCases are JSON records, valid and not, compared with encoding/json.
var scannerCases = []string{
	`{}`, ` {"text":"x"} `, "\t{\r\n\"text\" : \"x\" ,\"id\":7}\n", `{"a":[1,2,{"b":null}],"text":"t"}`,
	`{"a":{}}`, `{"a":[]}`, `{"a":[[]]}`, `{"a":true,"b":false,"c":null}`,
	`{"a":0}`, `{"a":-0}`, `{"a":-0.0e-0}`, `{"a":1E+2}`, `{"a":12.5e10}`, `{"a":123456789012345678901234567890}`,
	`{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`, `{"a":1e}`, `{"a":1e+}`, `{"a":+1}`, `{"a":0x1}`,
	`{"a":tru}`, `{"a":nul}`, `{"a":True}`, `{"a":truex}`,
	"{\"a\":\"\x01\"}", "{\"a\":\"\x7f\"}", `{"a":"\q"}`, `{"a":"\x41"}`, `{"a":"\U0041"}`, `{"a":"\u12"}`, `{"a":"\u12G4"}`, `{"a":"\`, `{"a":"`,
	`{"a":1,}`, `{,}`, `{"a" 1}`, `{"a":1}}`, `{"a":1} {}`, `{"a":1}x`, `{"a":[1,]}`, `{"a":[,1]}`, `{"a":[1 2]}`,
	`{1:2}`, `{"a"}`, `{"a":}`, `{`, `{"a":1`, `[1]`, `"s"`, `1`, `null`, ``, ` `,
	`{"\u0074ext":"escaped key","i\u0064":"k"}`, `{"text":"a","text":"b"}`,
	`{"text":"\ud83d\ude00"}`, `{"text":"\ud800"}`, `{"text":"\ud800\u0041"}`, `{"text":"\udc00x"}`,
	`{"text":"\ud800\ud800"}`, `{"text":"\ud83d\ude00\ud83d"}`, `{"text":"\"\\\/\b\f\n\r\t"}`,
	`{"text":"日本語\n改行\u3042"}`, `{"text":"a\u0000b"}`, `{"id":"\ud800\udc00","url":"u"}`,
	`{"a":{"text":"nested is not top level"}}`,
	strings.Repeat("[", 10) + strings.Repeat("]", 10),
	`{"a":` + strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth) + `}`,
	`{"a":` + strings.Repeat("[", maxJSONDepth-1) + strings.Repeat("]", maxJSONDepth-1) + `}`,
}

// checkScanner compares fieldScanner with encoding/json on one input.
func checkScanner(t *testing.T, in []byte) {
	t.Helper()
	if !utf8.Valid(in) {
		return // rejected before scanning
	}
	names := []string{"text", "id", "url", "a"}
	s := newFieldScanner(names)
	err := s.scan(in)
	var ref map[string]json.RawMessage
	refErr := json.Unmarshal(in, &ref)
	isObject := bytes.HasPrefix(bytes.TrimLeft(in, " \t\r\n"), []byte{'{'})
	if wantOK := refErr == nil && isObject; (err == nil) != wantOK {
		t.Fatalf("%q: scanner error %v, encoding/json error %v", in, err, refErr)
	}
	if err != nil {
		return
	}
	for k, name := range names {
		want, ok := ref[name]
		got := s.vals[k]
		if ok != (got != nil) || !bytes.Equal(got, want) {
			t.Fatalf("%q: field %s = %q, want %q (present %v)", in, name, got, want, ok)
		}
		if ok && want[0] == '"' {
			var ws string
			if err := json.Unmarshal(want, &ws); err != nil {
				t.Fatal(err)
			}
			if us := unquote(got); us != ws {
				t.Fatalf("%q: unquote(%s) = %q, want %q", in, name, us, ws)
			}
		}
	}
}

// TestFieldScanner checks the one-pass scanner against encoding/json.
func TestFieldScanner(t *testing.T) {
	for _, c := range scannerCases {
		checkScanner(t, []byte(c))
	}
	// every real record
	for _, line := range splitLines(gunzip(t, mustRead(t, speechesPath))) {
		checkScanner(t, line)
	}
}

// FuzzFieldScanner compares the scanner with encoding/json on random input.
func FuzzFieldScanner(f *testing.F) {
	for _, c := range scannerCases {
		f.Add([]byte(c))
	}
	for _, line := range splitLines(mustRead(f, fixturePath))[:5] {
		f.Add(line)
	}
	f.Fuzz(checkScanner)
}
