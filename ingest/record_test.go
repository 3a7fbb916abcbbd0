package ingest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// recordCases are JSON records, valid and not, compared with encoding/json.
var recordCases = []string{
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
	`{"a":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`,
}

// checkRecord compares record with encoding/json on one input: the same
// inputs are accepted, and the wanted fields have the same values.
func checkRecord(t *testing.T, in []byte) {
	t.Helper()
	if !utf8.Valid(in) {
		return // rejected before parsing
	}
	names := []string{"text", "id", "url", "a"}
	r := newRecord(names)
	err := r.parse(in)
	var ref map[string]json.RawMessage
	refErr := json.Unmarshal(in, &ref)
	isObject := bytes.HasPrefix(bytes.TrimLeft(in, " \t\r\n"), []byte{'{'})
	if wantOK := refErr == nil && isObject; (err == nil) != wantOK {
		t.Fatalf("%q: record error %v, encoding/json error %v", in, err, refErr)
	}
	if err != nil {
		return
	}
	for k, name := range names {
		want, ok := ref[name]
		got := r.vals[k]
		if ok != (got != nil) {
			t.Fatalf("%q: field %s present %v, want %v", in, name, got != nil, ok)
		}
		if !ok {
			continue
		}
		var wv, gv any
		if err := unmarshalNumbers(want, &wv); err != nil {
			t.Fatal(err)
		}
		if err := unmarshalNumbers(got.MarshalTo(nil), &gv); err != nil {
			t.Fatalf("%q: field %s re-marshals to invalid JSON %q", in, name, got.MarshalTo(nil))
		}
		if !reflect.DeepEqual(wv, gv) {
			t.Fatalf("%q: field %s = %#v, want %#v", in, name, gv, wv)
		}
		if s, isStr := wv.(string); isStr && r.str(k) != s {
			t.Fatalf("%q: field %s string %q, want %q", in, name, r.str(k), s)
		}
	}
}

// unmarshalNumbers decodes b with numbers kept as their JSON text, so a
// number no float64 holds (2e1010) compares too.
func unmarshalNumbers(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// TestRecord checks the fastjson-based record against encoding/json.
func TestRecord(t *testing.T) {
	for _, c := range recordCases {
		checkRecord(t, []byte(c))
	}
	// every real record
	for _, line := range splitLines(gunzip(t, mustRead(t, speechesPath))) {
		checkRecord(t, line)
	}
}

// FuzzRecord compares record with encoding/json on random input.
func FuzzRecord(f *testing.F) {
	for _, c := range recordCases {
		f.Add([]byte(c))
	}
	for _, line := range splitLines(mustRead(f, fixturePath))[:5] {
		f.Add(line)
	}
	f.Fuzz(checkRecord)
}
