package filters

import "strings"

// PIIOptions are the placeholders that MaskPII writes over each kind of
// personal information; an empty placeholder leaves that kind alone (it is
// neither masked nor counted).
type PIIOptions struct {
	Email  string `yaml:"email" json:"email"`
	Phone  string `yaml:"phone" json:"phone"`
	Postal string `yaml:"postal" json:"postal"`
	Card   string `yaml:"card" json:"card"`
}

// DefaultPIIOptions masks every kind: <EMAIL>, <PHONE>, <POSTAL>, <CARD>.
func DefaultPIIOptions() PIIOptions {
	return PIIOptions{Email: "<EMAIL>", Phone: "<PHONE>", Postal: "<POSTAL>", Card: "<CARD>"}
}

// PIICounts are the numbers of items MaskPII masked, per kind.
type PIICounts struct {
	Email, Phone, Postal, Card int
}

// Total returns the number of items masked.
func (c PIICounts) Total() int { return c.Email + c.Phone + c.Postal + c.Card }

// MaskPII replaces e-mail addresses, Japanese phone numbers, postal codes
// after 〒 and credit-card numbers in text with the placeholders of o, and
// returns text itself when nothing was masked. It expects NFKC-normalized
// text (ASCII digits, '@', '(' and '-') and runs in linear time: one pass
// over the bytes that starts hand-written scanners at digits, '@', '+' and
// '(' (no regexp). What it masks:
//
//   - E-mail: an ASCII local part of [A-Za-z0-9._%+-] (leading dots
//     dropped), '@', and a domain of at least two labels of [A-Za-z0-9-]
//     (no label starting or ending with '-') whose last label is two or more
//     letters; the longest such domain is taken, so a final '.' stays.
//   - Phone: a Japanese number of 10 digits (fixed lines 0X-XXXX-XXXX,
//     0XX-XXX-XXXX, 0XXX-XX-XXXX, 0XXXX-X-XXXX; 0120-XXX-XXX and
//     0570-XXX-XXX) or 11 digits (020/050/060/070/080/090-XXXX-XXXX,
//     0800-XXX-XXXX), 010 and 00 excluded; groups separated by '-',
//     U+2010–U+2013, U+2212, U+FE63, U+FF0D or one space, or with the area
//     code in parentheses ((03)1234-5678, (03) 1234-5678, 03(1234)5678), or
//     not separated at all (exactly 10 or 11 digits with a valid prefix); and
//     +81 forms (+81-3-1234-5678, +81 90 1234 5678, +81 (0)3-1234-5678,
//     +819012345678). Two-group forms (03-12345678) are not matched.
//   - Postal: 7 digits (NNN-NNNN or NNNNNNN) right after 〒 or "〒 "; only the
//     digits are replaced, 〒 stays. Without 〒 a NNN-NNNN is not masked:
//     it is as often a document, part or account number.
//   - Card: 13–19 digits passing the Luhn check whose first digit is 2–6
//     (the ranges of Visa, Mastercard, JCB, Amex, Diners, Discover and
//     UnionPay; this keeps out ISBN-13 and many product and invoice codes),
//     except 13 digits starting 45 or 49 (Japanese JAN product codes),
//     either unseparated or as groups joined by single spaces or hyphens,
//     the first group of 4 digits and the others of 3–6.
//
// A number never matches inside a longer one: the characters just before
// and after it must not be ASCII digits or letters, '_' or a hyphen (or, for
// a decimal point, a '.') next to another digit, and '@' may not follow it
// (the digits are then the local part of an e-mail address). Kana and kanji
// may touch it (電話03-1234-5678まで), and so may the ASCII words TEL, FAX,
// PHONE and MOBILE in any case (TEL03-1234-5678). A space never joins two
// numbers: "03-1234-5678 03-1234-5679" is two phone numbers.
//
// MaskPII(MaskPII(t)) equals MaskPII(t) when no placeholder holds an ASCII
// digit or '@' and each starts and ends with a character that cannot be part
// of an address or number (not an ASCII letter or digit, nor one of ._%+-),
// as the defaults do. (A bare PHONE could complete an address that failed
// before: x@a.0312345678 would give x@a.PHONE, an address.)
func MaskPII(text string, o PIIOptions) (out string, counts PIICounts) {
	return maskPII(text, o, nil)
}

// piiSpan is a masked item, for tests.
type piiSpan struct {
	start, end int
	repl       string
}

// maskPII is MaskPII; it appends the masked spans to spans if not nil.
func maskPII(text string, o PIIOptions, spans *[]piiSpan) (string, PIICounts) {
	m := masker{s: text, spans: spans}
	s := text
	n := len(s)
	for i := 0; i < n; {
		c := s[i]
		if !piiTrigger[c] {
			i++
			continue
		}
		switch {
		case c == '@':
			if o.Email != "" {
				if start, end, ok := scanEmail(s, i, m.last); ok {
					m.mask(start, end, o.Email)
					m.n.Email++
					i = end
					continue
				}
			}
			i++
		case c == '+' || c == '(':
			if o.Phone != "" && beforeOK(s, i, m.last) {
				var end int
				var ok bool
				if c == '+' {
					end, ok = scanPlus81(s, i)
				} else {
					end, ok = scanParenPhone(s, i)
				}
				if ok {
					m.mask(i, end, o.Phone)
					m.n.Phone++
					i = end
					continue
				}
			}
			i++
		default: // a digit
			j := i + 1
			for j < n && isDigit(s[j]) {
				j++
			}
			if o.Postal != "" && afterPostalMark(s, i) {
				if end, ok := scanPostal(s, i); ok {
					m.mask(i, end, o.Postal)
					m.n.Postal++
					i = end
					continue
				}
			}
			if beforeOK(s, i, m.last) {
				if o.Phone != "" && c == '0' {
					if end, ok := scanPhone(s, i, false); ok {
						m.mask(i, end, o.Phone)
						m.n.Phone++
						i = end
						continue
					}
				}
				if o.Card != "" && '2' <= c && c <= '6' {
					if end, ok := scanCard(s, i); ok {
						m.mask(i, end, o.Card)
						m.n.Card++
						i = end
						continue
					}
				}
			}
			i = j
		}
	}
	return m.result(), m.n
}

// piiTrigger marks the bytes where a scanner may start.
var piiTrigger = [256]bool{
	'0': true, '1': true, '2': true, '3': true, '4': true,
	'5': true, '6': true, '7': true, '8': true, '9': true,
	'@': true, '+': true, '(': true,
}

// masker builds the masked text lazily: text[last:] is not yet copied.
type masker struct {
	s     string
	b     strings.Builder
	last  int
	n     PIICounts
	spans *[]piiSpan
}

func (m *masker) mask(start, end int, repl string) {
	if m.spans != nil {
		*m.spans = append(*m.spans, piiSpan{start, end, repl})
	}
	if m.b.Cap() == 0 {
		m.b.Grow(len(m.s))
	}
	m.b.WriteString(m.s[m.last:start])
	m.b.WriteString(repl)
	m.last = end
}

func (m *masker) result() string {
	if m.b.Cap() == 0 {
		return m.s
	}
	m.b.WriteString(m.s[m.last:])
	return m.b.String()
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }

// hyphenAt returns the byte width of a hyphen-like separator at s[p:], or 0:
// '-', U+2010 ‐, U+2011, U+2012, U+2013 –, U+2212 −, U+FE63 ﹣, U+FF0D －.
func hyphenAt(s string, p int) int {
	if p >= len(s) {
		return 0
	}
	switch s[p] {
	case '-':
		return 1
	case 0xE2:
		if p+2 < len(s) && (s[p+1] == 0x80 && 0x90 <= s[p+2] && s[p+2] <= 0x93 || s[p+1] == 0x88 && s[p+2] == 0x92) {
			return 3
		}
	case 0xEF:
		if p+2 < len(s) && (s[p+1] == 0xB9 && s[p+2] == 0xA3 || s[p+1] == 0xBC && s[p+2] == 0x8D) {
			return 3
		}
	}
	return 0
}

// hyphenBefore returns the byte width of a hyphen-like separator ending at
// s[:p], or 0.
func hyphenBefore(s string, p int) int {
	if p >= 1 && s[p-1] == '-' {
		return 1
	}
	if p >= 3 && hyphenAt(s, p-3) == 3 {
		return 3
	}
	return 0
}

// beforeOK reports whether a number may start at s[i]: the previous
// character is not an ASCII letter (except the words TEL, FAX, PHONE and
// MOBILE), digit, '_' or '+', nor a hyphen or '.' after a digit. Bytes
// before floor have been masked and count as neither (as the placeholder
// will not, when MaskPII runs again).
func beforeOK(s string, i, floor int) bool {
	if i == 0 || i-1 < floor {
		return true
	}
	digitAt := func(j int) bool { return j >= floor && isDigit(s[j]) }
	c := s[i-1]
	switch {
	case isDigit(c), c == '_', c == '+':
		return false
	case isLetter(c):
		return afterPhoneWord(s, i, floor)
	case c == '.':
		return i < 2 || !digitAt(i-2)
	}
	if w := hyphenBefore(s, i); w > 0 {
		return i-w == 0 || !digitAt(i-w-1)
	}
	return true
}

// afterPhoneWord reports whether s[floor:i] ends with TEL, FAX, PHONE or
// MOBILE (any case) that does not itself follow a letter, digit or a
// character of an address or identifier.
func afterPhoneWord(s string, i, floor int) bool {
	k := i
	for k > floor && i-k < 7 && isLetter(s[k-1]) {
		k--
	}
	if k > floor {
		if c := s[k-1]; isAlnum(c) || strings.IndexByte("._-@+%/", c) >= 0 {
			return false
		}
	}
	switch w := strings.ToLower(s[k:i]); w {
	case "tel", "fax", "phone", "mobile":
		return true
	}
	return false
}

// afterOK reports whether a number may end at s[end:]: the next character is
// not an ASCII letter, digit, '_' or '@', nor a hyphen or '.' before a digit.
func afterOK(s string, end int) bool {
	if end >= len(s) {
		return true
	}
	c := s[end]
	switch {
	case isAlnum(c), c == '_', c == '@':
		return false
	case c == '.':
		return end+1 >= len(s) || !isDigit(s[end+1])
	}
	if w := hyphenAt(s, end); w > 0 {
		return end+w >= len(s) || !isDigit(s[end+w])
	}
	return true
}

// digitsAt returns the end of the run of digits at s[p:].
func digitsAt(s string, p int) int {
	for p < len(s) && isDigit(s[p]) {
		p++
	}
	return p
}

// phoneNum collects the digits and groups of a phone number candidate.
type phoneNum struct {
	d      [11]byte
	nd     int
	groups [3]int
	ng     int
}

// add appends the digits s[p:q] as a new group; false if there are too many.
func (pn *phoneNum) add(s string, p, q int) bool {
	if pn.ng == len(pn.groups) || pn.nd+q-p > len(pn.d) {
		return false
	}
	pn.nd += copy(pn.d[pn.nd:], s[p:q])
	pn.groups[pn.ng] = q - p
	pn.ng++
	return true
}

// valid reports whether the digits and the first ng groups form a Japanese
// phone number.
func (pn *phoneNum) valid(ng int) bool {
	n := 0
	for _, g := range pn.groups[:ng] {
		n += g
	}
	d := pn.d[:n]
	if n < 10 || d[0] != '0' {
		return false
	}
	eleven := d[2] == '0' && strings.IndexByte("256789", d[1]) >= 0
	ten := d[1] != '0' && !eleven && !(d[1] == '1' && d[2] == '0')
	switch ng {
	case 1:
		return n == 10 && ten || n == 11 && eleven
	case 3:
		a, b, c := pn.groups[0], pn.groups[1], pn.groups[2]
		p4 := string(d[:4])
		if n == 10 && ten {
			return c == 4 && a >= 2 && a+b == 6 ||
				a == 4 && b == 3 && c == 3 && (p4 == "0120" || p4 == "0570")
		}
		if n == 11 && eleven {
			return a == 3 && b == 4 && c == 4 || a == 4 && b == 3 && c == 4 && p4 == "0800"
		}
	}
	return false
}

// scanPhone matches a domestic phone number whose digits start at s[p] (a
// '0' unless lead0, which adds the 0 of a +81 number) and returns its end.
func scanPhone(s string, p int, lead0 bool) (int, bool) {
	var pn phoneNum
	if lead0 {
		pn.d[0] = '0'
		pn.nd = 1
	}
	q := digitsAt(s, p)
	if !pn.add(s, p, q) {
		return 0, false
	}
	if lead0 {
		pn.groups[0]++
	}
	// 03(1234)5678
	if q < len(s) && s[q] == '(' && !lead0 {
		r := digitsAt(s, q+1)
		if r == q+1 || r >= len(s) || s[r] != ')' || !pn.add(s, q+1, r) {
			return 0, false
		}
		e := digitsAt(s, r+1)
		if e == r+1 || !pn.add(s, r+1, e) || !pn.valid(3) || !afterOK(s, e) {
			return 0, false
		}
		return e, true
	}
	var ends [3]int
	ends[0] = q
	for pn.ng < 3 {
		w := hyphenAt(s, q)
		if w == 0 && q < len(s) && s[q] == ' ' {
			w = 1
		}
		if w == 0 {
			break
		}
		e := digitsAt(s, q+w)
		if e == q+w || !pn.add(s, q+w, e) {
			break
		}
		q = e
		ends[pn.ng-1] = e
	}
	// the longest valid prefix of groups that ends at a boundary (a hyphen
	// before more digits continues the number, a space does not)
	for k := pn.ng; k >= 1; k-- {
		if pn.valid(k) && afterOK(s, ends[k-1]) {
			return ends[k-1], true
		}
	}
	return 0, false
}

// scanPlus81 matches +81 phone numbers at s[i] == '+'.
func scanPlus81(s string, i int) (int, bool) {
	if !strings.HasPrefix(s[i+1:], "81") {
		return 0, false
	}
	p := i + 3
	sep := func() {
		if w := hyphenAt(s, p); w > 0 {
			p += w
		} else if p < len(s) && s[p] == ' ' {
			p++
		}
	}
	sep()
	if strings.HasPrefix(s[p:], "(0)") {
		p += 3
		sep()
	}
	if p >= len(s) || !isDigit(s[p]) {
		return 0, false
	}
	return scanPhone(s, p, s[p] != '0')
}

// scanParenPhone matches (03)1234-5678, (03) 1234-5678 and (03)12345678 at
// s[i] == '('.
func scanParenPhone(s string, i int) (int, bool) {
	var pn phoneNum
	p := i + 1
	q := digitsAt(s, p)
	if q-p < 2 || q-p > 5 || s[p] != '0' || q >= len(s) || s[q] != ')' {
		return 0, false
	}
	pn.add(s, p, q)
	p = q + 1
	if p < len(s) && s[p] == ' ' {
		p++
	}
	q = digitsAt(s, p)
	if q == p || !pn.add(s, p, q) {
		return 0, false
	}
	w := hyphenAt(s, q)
	if w == 0 && q < len(s) && s[q] == ' ' {
		w = 1
	}
	if w > 0 {
		if e := digitsAt(s, q+w); e > q+w && pn.add(s, q+w, e) {
			if pn.valid(3) && afterOK(s, e) {
				return e, true
			}
			return 0, false
		}
	}
	// two groups: judged as the unseparated digits
	pn.groups[0] += pn.groups[1]
	if pn.valid(1) && afterOK(s, q) {
		return q, true
	}
	return 0, false
}

// afterPostalMark reports whether s[:i] ends with "〒" or "〒 ".
func afterPostalMark(s string, i int) bool {
	if i >= 1 && s[i-1] == ' ' {
		i--
	}
	return strings.HasSuffix(s[:i], "〒")
}

// scanPostal matches NNN-NNNN or NNNNNNN at s[i].
func scanPostal(s string, i int) (int, bool) {
	q := digitsAt(s, i)
	switch q - i {
	case 7:
	case 3:
		w := hyphenAt(s, q)
		if w == 0 {
			return 0, false
		}
		e := digitsAt(s, q+w)
		if e-(q+w) != 4 {
			return 0, false
		}
		q = e
	default:
		return 0, false
	}
	return q, afterOK(s, q)
}

// scanCard matches a Luhn-valid card number at s[i].
func scanCard(s string, i int) (int, bool) {
	var d [19]byte
	var groups, ends [8]int
	nd, ng := 0, 0
	p := i
	for ng < len(groups) {
		q := digitsAt(s, p)
		if nd+q-p > len(d) {
			if ng == 0 {
				return 0, false
			}
			break
		}
		nd += copy(d[nd:], s[p:q])
		groups[ng], ends[ng] = q-p, q
		ng++
		if q+1 < len(s) && (s[q] == ' ' || s[q] == '-') && isDigit(s[q+1]) {
			p = q + 1
			continue
		}
		break
	}
	for k := ng; k >= 1; k-- {
		n := 0
		ok := k == 1 || groups[0] == 4
		for j, g := range groups[:k] {
			n += g
			if j > 0 && (g < 3 || g > 6) {
				ok = false
			}
		}
		if n == 13 && d[0] == '4' && (d[1] == '5' || d[1] == '9') {
			ok = false // a JAN code of GS1 Japan, not an (obsolete) 13-digit Visa
		}
		if ok && n >= 13 && luhn(d[:n]) && afterOK(s, ends[k-1]) {
			return ends[k-1], true
		}
	}
	return 0, false
}

// luhn reports whether the digits pass the Luhn check.
func luhn(d []byte) bool {
	sum := 0
	for k := range d {
		v := int(d[len(d)-1-k] - '0')
		if k%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

// scanEmail matches an e-mail address around s[at] == '@' whose local part
// starts at or after floor; it returns the address's bounds.
func scanEmail(s string, at, floor int) (start, end int, ok bool) {
	start = at
	for start > floor && isEmailLocal(s[start-1]) {
		start--
	}
	for start < at && s[start] == '.' {
		start++
	}
	if start == at {
		return 0, 0, false
	}
	// digits after a hyphen after a digit continue a number (as for phone
	// numbers): 〒100−0001−23@example.jp is left alone
	if w := hyphenBefore(s, start); w > 0 && isDigit(s[start]) && start-w-1 >= floor && isDigit(s[start-w-1]) {
		return 0, 0, false
	}
	end = -1
	labels := 0
	for p := at + 1; ; {
		q := p
		letters := true
		for q < len(s) && (isAlnum(s[q]) || s[q] == '-') {
			letters = letters && isLetter(s[q])
			q++
		}
		if q == p || s[p] == '-' || s[q-1] == '-' {
			break
		}
		labels++
		if labels >= 2 && letters && q-p >= 2 {
			end = q
		}
		if q+1 < len(s) && s[q] == '.' {
			p = q + 1
			continue
		}
		break
	}
	return start, end, end > 0
}

func isEmailLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}
