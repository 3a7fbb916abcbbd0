package ingest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

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
//
// A line in a buffer of its own (a long line read back from the spill file,
// see parseOwned) is not handed to the fastjson parser, which would copy it
// whole: after fastjson's validation, the wanted top-level values are
// located by a scan of the line, and their strings decoded as encoding/json
// decodes them.
type record struct {
	p     fastjson.Parser
	names []string
	vals  []*fastjson.Value
	// strs overrides string values that fastjson decodes differently from
	// encoding/json: lone UTF-16 surrogate escapes ("\ud800"), which
	// encoding/json turns into U+FFFD and fastjson keeps or drops.
	strs map[int]string

	// After parseOwned: line is the line and spans[k] where the value of
	// field k lies in it.
	owned   bool
	line    []byte
	spans   []span
	maxName int    // longest name, in bytes
	key     []byte // scratch for unescaped keys
}

// span is where a value lies in the line: line[start:end]; end 0 when
// the field is missing.
type span struct{ start, end int }

func newRecord(names []string) *record {
	r := &record{names: names, vals: make([]*fastjson.Value, len(names)), spans: make([]span, len(names))}
	for _, n := range names {
		r.maxName = max(r.maxName, len(n))
	}
	return r
}

// parse validates b and records the wanted fields; a value is nil when its
// field is missing. The values live until the next call.
func (r *record) parse(b []byte) error {
	return r.parseWith(&r.p, b)
}

// parseWith is parse with the parser p.
func (r *record) parseWith(p *fastjson.Parser, b []byte) error {
	clear(r.vals)
	r.owned, r.line = false, nil
	if err := fastjson.ValidateBytes(b); err != nil {
		return err
	}
	if err := controlInString(b); err != nil {
		return err
	}
	v, err := p.ParseBytes(b)
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

// parseOwned is parse for a line that the caller gives up for good (an
// owned line, see line.owned): the values are read from b itself, and text
// may rewrite b. It accepts and rejects what parse does, with the same
// errors, and the accessors give the same values. (Keys are decoded as
// encoding/json decodes them, where fastjson keeps a lone surrogate escape
// as written; no field name contains either.)
func (r *record) parseOwned(b []byte) error {
	clear(r.vals)
	clear(r.spans)
	r.owned, r.line = false, nil
	if err := fastjson.ValidateBytes(b); err != nil {
		return err
	}
	if err := controlInString(b); err != nil {
		return err
	}
	i := skipJSONSpace(b, 0) // b is valid JSON: not all space
	if b[i] != '{' {
		return fmt.Errorf("the line is %s, not a JSON object", typeName(typeAt(b[i])))
	}
	if !r.scanObject(b, i) {
		// nested deeper than the scan follows: fastjson decides, with a
		// parser of its own so that r.p does not keep a copy of the line
		return r.parseWith(new(fastjson.Parser), b)
	}
	r.owned, r.line = true, b
	return nil
}

// release drops the references to the line of the last parse, so that a
// long line whose text was copied or rejected is not kept alive.
func (r *record) release() {
	clear(r.vals)
	r.owned, r.line = false, nil
}

// typeOf returns the JSON type of field k; false if the field is missing.
func (r *record) typeOf(k int) (fastjson.Type, bool) {
	if r.owned {
		sp := r.spans[k]
		if sp.end == 0 {
			return 0, false
		}
		return typeAt(r.line[sp.start]), true
	}
	if v := r.vals[k]; v != nil {
		return v.Type(), true
	}
	return 0, false
}

// str returns the string value of field k (which must be a string).
func (r *record) str(k int) string {
	if r.owned {
		b := unescapeInPlace(bytes.Clone(r.rawString(k)))
		return unsafe.String(unsafe.SliceData(b), len(b)) // b is this string's own
	}
	if s, ok := r.strs[k]; ok {
		return s
	}
	return string(r.vals[k].GetStringBytes())
}

// blank reports whether the string value of field k is empty or white
// space (see isBlank), without copying it.
func (r *record) blank(k int) bool {
	if r.owned {
		return blankJSONString(r.rawString(k))
	}
	if s, ok := r.strs[k]; ok {
		return isBlank(s)
	}
	return isBlank(r.vals[k].GetStringBytes())
}

// text returns the string value of field k (which must be a string), the
// last value taken from this line: after parseOwned it is decoded in place
// in the line, which other fields must not be read from afterwards.
func (r *record) text(k int) string {
	if !r.owned {
		return r.str(k)
	}
	t := unescapeInPlace(r.rawString(k))
	if len(t) < len(r.line)/2 {
		return string(t) // a small part of the line: do not keep the rest alive
	}
	// The line was allocated for this record alone (read back from the
	// spill file) and given up by the lineReader, which never reuses an
	// owned buffer; after this call nothing writes to it (JSONL.parse takes
	// the text last, and Problems copy their Raw). So the text can share
	// it: the string's bytes never change.
	return unsafe.String(unsafe.SliceData(t), len(t))
}

// jsonText returns the compact JSON text of field k (not a string): a
// number as written, true, false, null, or an object or array without
// white space.
func (r *record) jsonText(k int) string {
	if !r.owned {
		return string(r.vals[k].MarshalTo(nil))
	}
	sp := r.spans[k]
	raw := r.line[sp.start:sp.end]
	switch typeAt(raw[0]) {
	case fastjson.TypeObject, fastjson.TypeArray:
		p := &r.p
		if len(raw) > spillThreshold {
			p = new(fastjson.Parser) // do not keep a copy of a long value in r.p
		}
		v, err := p.ParseBytes(raw)
		if err != nil { // cannot happen: the line was validated
			return string(raw)
		}
		return string(v.MarshalTo(nil))
	}
	return string(raw) // a number or a literal: no white space inside
}

// rawString returns the raw bytes (escapes undecoded) of string field k
// of an owned line.
func (r *record) rawString(k int) []byte {
	sp := r.spans[k]
	return r.line[sp.start+1 : sp.end-1]
}

// maxScanDepth is the deepest nesting scanObject follows; fastjson's parser
// refuses more than fastjson.MaxDepth (300) levels, which scanObject leaves
// to it.
const maxScanDepth = 256

// scanObject records the spans of the wanted fields of the object at b[i]
// (b is valid JSON), the last of duplicate keys winning. It returns false
// if a value is nested deeper than maxScanDepth.
func (r *record) scanObject(b []byte, i int) bool {
	i = skipJSONSpace(b, i+1)
	if b[i] == '}' {
		return true
	}
	for {
		end := stringEnd(b, i+1) // b[i] is the key's opening quote
		key := b[i+1 : end]
		i = skipJSONSpace(b, end+1)     // ':'
		i = skipJSONSpace(b, i+1)       // the value
		vend, ok := skipJSONValue(b, i) // just after it
		if !ok {
			return false
		}
		r.match(key, span{i, vend})
		i = skipJSONSpace(b, vend)
		if b[i] == '}' {
			return true
		}
		i = skipJSONSpace(b, i+1) // after ','
	}
}

// match records sp for every wanted field named key (raw, escapes
// undecoded).
func (r *record) match(key []byte, sp span) {
	if bytes.IndexByte(key, '\\') >= 0 {
		if len(key) > 6*r.maxName { // an escape gives at least 1 byte for 6
			return
		}
		r.key = unescapeInPlace(append(r.key[:0], key...))
		key = r.key
	}
	for k, name := range r.names {
		if string(key) == name {
			r.spans[k] = sp
		}
	}
}

// skipJSONSpace returns the index of the first byte of b at or after i that
// is not JSON white space.
func skipJSONSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// stringEnd returns the index of the quote that closes the JSON string whose
// content starts at b[i] (b is valid JSON).
func stringEnd(b []byte, i int) int {
	for {
		q := i + bytes.IndexByte(b[i:], '"')
		n := 0 // backslashes just before: an odd number escapes the quote
		for b[q-1-n] == '\\' {
			n++
		}
		if n%2 == 0 {
			return q
		}
		i = q + 1
	}
}

// skipJSONValue returns the index just after the value at b[i] (b is valid
// JSON); false if it is nested deeper than maxScanDepth.
func skipJSONValue(b []byte, i int) (int, bool) {
	switch b[i] {
	case '"':
		return stringEnd(b, i+1) + 1, true
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = stringEnd(b, j+1)
			case '{', '[':
				depth++
				if depth > maxScanDepth {
					return 0, false
				}
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return len(b), true // not reached: b is valid
	}
	j := i // a number, true, false or null
	for j < len(b) {
		switch b[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return j, true
		}
		j++
	}
	return j, true
}

// typeAt returns the type of the JSON value that starts with byte c.
func typeAt(c byte) fastjson.Type {
	switch c {
	case '{':
		return fastjson.TypeObject
	case '[':
		return fastjson.TypeArray
	case '"':
		return fastjson.TypeString
	case 't':
		return fastjson.TypeTrue
	case 'f':
		return fastjson.TypeFalse
	case 'n':
		return fastjson.TypeNull
	}
	return fastjson.TypeNumber
}

// decodeEscape decodes the escape sequence at b[i] (b[i] == '\\', valid
// JSON string content) as encoding/json does: a UTF-16 surrogate that is
// not part of a high+low pair becomes U+FFFD. It returns the rune and the
// index after the sequence.
func decodeEscape(b []byte, i int) (rune, int) {
	switch c := b[i+1]; c {
	case 'b':
		return '\b', i + 2
	case 'f':
		return '\f', i + 2
	case 'n':
		return '\n', i + 2
	case 'r':
		return '\r', i + 2
	case 't':
		return '\t', i + 2
	case 'u':
		r := hex4(b[i+2 : i+6])
		if !utf16.IsSurrogate(r) {
			return r, i + 6
		}
		if i+12 <= len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
			if pair := utf16.DecodeRune(r, hex4(b[i+8:i+12])); pair != utf8.RuneError {
				return pair, i + 12
			}
		}
		return utf8.RuneError, i + 6
	default: // '"', '\\', '/'
		return rune(c), i + 2
	}
}

// hex4 decodes four hexadecimal digits (valid ones: the line was validated).
func hex4(h []byte) rune {
	var r rune
	for _, c := range h[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// unescapeInPlace decodes the escapes of the JSON string content b in b
// itself and returns the decoded prefix. Every escape is at least as long
// as what it decodes to ("\n" 2 bytes to 1, "\uXXXX" 6 to at most 3, a
// surrogate pair 12 to 4), so the write index never passes the read index.
func unescapeInPlace(b []byte) []byte {
	i := bytes.IndexByte(b, '\\')
	if i < 0 {
		return b
	}
	w := i
	for i < len(b) {
		if b[i] != '\\' {
			n := bytes.IndexByte(b[i:], '\\')
			if n < 0 {
				n = len(b) - i
			}
			w += copy(b[w:], b[i:i+n])
			i += n
			continue
		}
		var r rune
		r, i = decodeEscape(b, i) // reads only b[i:next], past w
		if r < utf8.RuneSelf {
			b[w] = byte(r)
			w++
		} else {
			w += utf8.EncodeRune(b[w:], r)
		}
	}
	return b[:w]
}

// blankJSONString reports whether the JSON string content b decodes to
// empty or white space only (as isBlank of the decoded string).
func blankJSONString(b []byte) bool {
	for i := 0; i < len(b); {
		var r rune
		switch c := b[i]; {
		case c == '\\':
			r, i = decodeEscape(b, i)
		case c < utf8.RuneSelf:
			r = rune(c)
			i++
		default:
			var n int
			r, n = utf8.DecodeRune(b[i:])
			i += n
		}
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
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
// surrogate that is not part of a high+low pair. A "\u" whose backslash is
// itself escaped ("\\ud800": an even run of backslashes) is not an escape.
func hasLoneSurrogate(b []byte) bool {
	for i := 0; ; {
		k := bytes.Index(b[i:], []byte(`\u`))
		if k < 0 {
			return false
		}
		i += k
		n := 1 // backslashes ending at b[i]
		for i-n >= 0 && b[i-n] == '\\' {
			n++
		}
		if n%2 == 0 || len(b) < i+6 { // escaped backslash, or cut short (not valid JSON)
			i += 2
			continue
		}
		switch surrogate(b[i+2 : i+6]) {
		case 'h': // high: must be followed by a low one
			if len(b) < i+12 || b[i+6] != '\\' || b[i+7] != 'u' || surrogate(b[i+8:i+12]) != 'l' {
				return true
			}
			i += 12
		case 'l': // low without a high before it
			return true
		default:
			i += 6
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
func kindOf(v *fastjson.Value) string { return typeName(v.Type()) }

// typeName names a JSON type for messages.
func typeName(t fastjson.Type) string {
	switch t {
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

// controlInString reports a control character (below U+0020) inside a
// string of the valid JSON b, which RFC 8259 and encoding/json refuse but
// fastjson lets through in long strings. Lines without control bytes (all
// but the rare ones with tabs or CR) cost one quick pass.
func controlInString(b []byte) error {
	if !hasControl(b) {
		return nil
	}
	inStr, esc := false, false
	for _, c := range b {
		switch {
		case esc:
			esc = false
		case c == '\\' && inStr:
			esc = true
		case c == '"':
			inStr = !inStr
		case c < 0x20 && inStr:
			return fmt.Errorf("cannot parse JSON: string cannot contain control char 0x%02X", c)
		}
	}
	return nil
}

// hasControl reports whether b holds a byte below 0x20, eight bytes at a
// time: x - 0x20… borrows into the top bit of every byte below 0x20 (and
// of none at or above it when the byte's own top bit is clear).
func hasControl(b []byte) bool {
	const lo, hi = 0x2020202020202020, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if (x-lo)&^x&hi != 0 {
			return true
		}
	}
	for ; i < len(b); i++ {
		if b[i] < 0x20 {
			return true
		}
	}
	return false
}
