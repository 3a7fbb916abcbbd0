package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxJSONDepth bounds the nesting of arrays and objects, as encoding/json does.
const maxJSONDepth = 10000

// fieldScanner validates one JSON Lines record in a single pass and picks out
// the raw values of the fields it was asked for. It accepts exactly what
// encoding/json accepts (RFC 8259) and, like decoding into a map, keeps the
// last of duplicate keys. Input must be valid UTF-8 (checked beforehand).
type fieldScanner struct {
	names []string // field names wanted
	vals  [][]byte // raw value of names[k] in the last record; nil if absent
	key   []byte   // scratch for keys with escapes
	b     []byte
	i     int
	depth int
}

// newFieldScanner returns a scanner for the given field names.
func newFieldScanner(names []string) *fieldScanner {
	return &fieldScanner{names: names, vals: make([][]byte, len(names))}
}

// scan validates b as one JSON object surrounded by optional white space
// and records the wanted top-level fields. The recorded values are slices
// of b.
func (s *fieldScanner) scan(b []byte) error {
	clear(s.vals)
	s.b, s.i, s.depth = b, 0, 0
	defer func() { s.b = nil }()
	s.ws()
	if s.i >= len(b) || b[s.i] != '{' {
		return fmt.Errorf("record is not a JSON object")
	}
	if err := s.object(true); err != nil {
		return err
	}
	s.ws()
	if s.i < len(b) {
		return s.errAt("after top-level value")
	}
	return nil
}

// ws skips JSON white space.
func (s *fieldScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// errAt reports an unexpected character (or end) at s.i.
func (s *fieldScanner) errAt(context string) error {
	if s.i >= len(s.b) {
		return fmt.Errorf("unexpected end of JSON input")
	}
	r, _ := utf8.DecodeRune(s.b[s.i:])
	return fmt.Errorf("invalid character %q %s at byte %d", r, context, s.i)
}

// value scans any JSON value starting at s.i.
func (s *fieldScanner) value() error {
	if s.i >= len(s.b) {
		return s.errAt("")
	}
	switch c := s.b[s.i]; {
	case c == '{':
		return s.object(false)
	case c == '[':
		return s.array()
	case c == '"':
		_, err := s.str()
		return err
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	}
	return s.errAt("looking for beginning of value")
}

// object scans an object; at the top level it records the wanted fields.
func (s *fieldScanner) object(top bool) error {
	if s.depth++; s.depth > maxJSONDepth {
		return fmt.Errorf("exceeded max depth at byte %d", s.i)
	}
	s.i++ // '{'
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		s.depth--
		return nil
	}
	for {
		if s.i >= len(s.b) || s.b[s.i] != '"' {
			return s.errAt("looking for beginning of object key string")
		}
		start := s.i
		esc, err := s.str()
		if err != nil {
			return err
		}
		key := s.b[start+1 : s.i-1]
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return s.errAt("after object key")
		}
		s.i++
		s.ws()
		vstart := s.i
		if err := s.value(); err != nil {
			return err
		}
		if top {
			if esc {
				s.key = appendUnquoted(s.key[:0], s.b[start:start+len(key)+2])
				key = s.key
			}
			for k, name := range s.names {
				if string(key) == name {
					s.vals[k] = s.b[vstart:s.i]
				}
			}
		}
		s.ws()
		if s.i < len(s.b) {
			switch s.b[s.i] {
			case ',':
				s.i++
				s.ws()
				continue
			case '}':
				s.i++
				s.depth--
				return nil
			}
		}
		return s.errAt("after object key:value pair")
	}
}

// array scans an array.
func (s *fieldScanner) array() error {
	if s.depth++; s.depth > maxJSONDepth {
		return fmt.Errorf("exceeded max depth at byte %d", s.i)
	}
	s.i++ // '['
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		s.depth--
		return nil
	}
	for {
		if err := s.value(); err != nil {
			return err
		}
		s.ws()
		if s.i < len(s.b) {
			switch s.b[s.i] {
			case ',':
				s.i++
				s.ws()
				continue
			case ']':
				s.i++
				s.depth--
				return nil
			}
		}
		return s.errAt("after array element")
	}
}

// strSpecial marks the bytes that end the fast scan of a string.
var strSpecial = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// str scans a string and reports whether it contains escapes.
func (s *fieldScanner) str() (esc bool, err error) {
	b := s.b
	i := s.i + 1
	for {
		for i < len(b) && !strSpecial[b[i]] {
			i++
		}
		if i >= len(b) {
			s.i = i
			return esc, s.errAt("")
		}
		switch b[i] {
		case '"':
			s.i = i + 1
			return esc, nil
		case '\\':
			esc = true
			if i+1 >= len(b) {
				s.i = i + 1
				return esc, s.errAt("")
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for k := i + 2; k < i+6; k++ {
					if k >= len(b) || !isHex(b[k]) {
						s.i = k
						return esc, s.errAt("in \\u hexadecimal character escape")
					}
				}
				i += 6
			default:
				s.i = i + 1
				return esc, s.errAt("in string escape code")
			}
		default:
			s.i = i
			return esc, s.errAt("in string literal")
		}
	}
}

// literal scans true, false or null.
func (s *fieldScanner) literal(lit string) error {
	for k := 0; k < len(lit); k++ {
		if s.i >= len(s.b) || s.b[s.i] != lit[k] {
			return s.errAt("in literal " + lit)
		}
		s.i++
	}
	return nil
}

// number scans a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *fieldScanner) number() error {
	if s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.i < len(s.b) && s.b[s.i] >= '1' && s.b[s.i] <= '9':
		s.digits()
	default:
		return s.errAt("in numeric literal")
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if !s.digits() {
			return s.errAt("after decimal point in numeric literal")
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if !s.digits() {
			return s.errAt("in exponent of numeric literal")
		}
	}
	return nil
}

// digits skips decimal digits and reports whether there was one.
func (s *fieldScanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// hexVal returns the value of a hexadecimal digit.
func hexVal(c byte) rune {
	switch {
	case c <= '9':
		return rune(c - '0')
	case c >= 'a':
		return rune(c - 'a' + 10)
	}
	return rune(c - 'A' + 10)
}

// u4 decodes the 4 hex digits after "\u" at b[0:6], or returns -1.
func u4(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range b[2:6] {
		if !isHex(c) {
			return -1
		}
		r = r<<4 | hexVal(c)
	}
	return r
}

// unquote decodes a raw JSON string validated by fieldScanner.
func unquote(raw []byte) string {
	body := raw[1 : len(raw)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		return string(body)
	}
	var sb strings.Builder
	sb.Grow(len(body))
	decodeEscapes(body, func(p []byte) { sb.Write(p) }, func(r rune) { sb.WriteRune(r) })
	return sb.String()
}

// appendUnquoted appends the decoded raw JSON string to dst.
func appendUnquoted(dst, raw []byte) []byte {
	decodeEscapes(raw[1:len(raw)-1],
		func(p []byte) { dst = append(dst, p...) },
		func(r rune) { dst = utf8.AppendRune(dst, r) })
	return dst
}

// decodeEscapes walks a validated string body, passing literal runs to lit
// and escaped characters to esc. Invalid surrogates become U+FFFD, as in
// encoding/json.
func decodeEscapes(body []byte, lit func([]byte), esc func(rune)) {
	for len(body) > 0 {
		k := bytes.IndexByte(body, '\\')
		if k < 0 {
			lit(body)
			return
		}
		lit(body[:k])
		body = body[k:]
		switch c := body[1]; c {
		case 'u':
			r := u4(body)
			body = body[6:]
			if utf16.IsSurrogate(r) {
				if dec := utf16.DecodeRune(r, u4(body)); dec != utf8.RuneError {
					r = dec
					body = body[6:]
				} else {
					r = utf8.RuneError
				}
			}
			esc(r)
			continue
		case 'b':
			esc('\b')
		case 'f':
			esc('\f')
		case 'n':
			esc('\n')
		case 'r':
			esc('\r')
		case 't':
			esc('\t')
		default: // '"', '\\', '/'
			esc(rune(c))
		}
		body = body[2:]
	}
}

// compactJSON returns a raw JSON value without insignificant white space.
func compactJSON(raw []byte) (string, error) {
	if raw[0] != '{' && raw[0] != '[' {
		return string(raw), nil // numbers and literals hold no white space
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return "", err
	}
	return buf.String(), nil
}
