package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/valyala/fastjson"
)

// record picks the wanted top-level fields out of one JSON object. It uses
// valyala/fastjson (validation plus a reusable parser, no per-field
// reflection): encoding/json into a map ran at about 24 MB/s here, which
// would make JSON parsing the slowest part of ingest.
//
// What it accepts is what encoding/json accepts for an object (RFC 8259,
// checked by fastjson.Validate first), and, as when decoding into a map, the
// last of duplicate keys wins. Input must be valid UTF-8 (checked before).
type record struct {
	p     fastjson.Parser
	names []string
	vals  []*fastjson.Value
	// strs overrides string values that fastjson decodes differently from
	// encoding/json: lone UTF-16 surrogate escapes ("\ud800"), which
	// encoding/json turns into U+FFFD and fastjson keeps or drops.
	strs map[int]string
}

func newRecord(names []string) *record {
	return &record{names: names, vals: make([]*fastjson.Value, len(names))}
}

// parse validates b and records the wanted fields; a value is nil when its
// field is missing. The values live until the next call.
func (r *record) parse(b []byte) error {
	clear(r.vals)
	if err := fastjson.ValidateBytes(b); err != nil {
		return err
	}
	v, err := r.p.ParseBytes(b)
	if err != nil {
		return err
	}
	o, err := v.Object()
	if err != nil {
		return fmt.Errorf("the line is %s, not a JSON object", kindOf(v))
	}
	o.Visit(func(key []byte, v *fastjson.Value) {
		for k, name := range r.names {
			if string(key) == name {
				r.vals[k] = v
			}
		}
	})
	clear(r.strs)
	if hasLoneSurrogate(b) {
		return r.slowStrings(b)
	}
	return nil
}

// str returns the string value of field k (which must be a string).
func (r *record) str(k int) string {
	if s, ok := r.strs[k]; ok {
		return s
	}
	return string(r.vals[k].GetStringBytes())
}

// slowStrings decodes the wanted string fields with encoding/json.
func (r *record) slowStrings(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	if r.strs == nil {
		r.strs = map[int]string{}
	}
	for k, name := range r.names {
		var s string
		if raw, ok := m[name]; ok && json.Unmarshal(raw, &s) == nil {
			r.strs[k] = s
		}
	}
	return nil
}

// hasLoneSurrogate reports whether b may hold a \uXXXX escape of a UTF-16
// surrogate that is not part of a high+low pair. False positives (an escaped
// backslash before "ud800") only cost the slow path.
func hasLoneSurrogate(b []byte) bool {
	for {
		i := bytes.Index(b, []byte(`\u`))
		if i < 0 || len(b) < i+6 {
			return false
		}
		switch surrogate(b[i+2 : i+6]) {
		case 'h': // high: must be followed by a low one
			if len(b) < i+12 || b[i+6] != '\\' || b[i+7] != 'u' || surrogate(b[i+8:i+12]) != 'l' {
				return true
			}
			b = b[i+12:]
		case 'l': // low without a high before it
			return true
		default:
			b = b[i+2:]
		}
	}
}

// surrogate classifies four hex digits as a high ('h') or low ('l')
// surrogate, or neither (0).
func surrogate(h []byte) byte {
	if h[0] != 'd' && h[0] != 'D' {
		return 0
	}
	switch h[1] {
	case '8', '9', 'a', 'b', 'A', 'B':
		return 'h'
	case 'c', 'd', 'e', 'f', 'C', 'D', 'E', 'F':
		return 'l'
	}
	return 0
}

// kindOf names the JSON type of v for messages.
func kindOf(v *fastjson.Value) string {
	switch v.Type() {
	case fastjson.TypeObject:
		return "an object"
	case fastjson.TypeArray:
		return "an array"
	case fastjson.TypeString:
		return "a string"
	case fastjson.TypeNull:
		return "null"
	case fastjson.TypeTrue, fastjson.TypeFalse:
		return "a boolean"
	}
	return "a number"
}
