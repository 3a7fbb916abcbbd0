package filters

import (
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"strings"

	"golang.org/x/net/idna"
)

// maxDomainBytes is the longest domain name (RFC 1035), without the root dot.
const maxDomainBytes = 253

// DomainList is a set of domain names and IPv4 addresses, as in the UT1
// blacklists (one per line). A name covers itself and its subdomains. Whether
// a match blocks or allows a document is the caller's choice.
type DomainList struct {
	// Name is the file the list was read from.
	Name    string
	domains map[string]struct{} // names
	ips     map[string]struct{} // IPv4 addresses, canonical dotted form
}

// LoadDomainList reads the domain list at path (see ParseDomainList).
func LoadDomainList(path string) (*DomainList, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseDomainList(path, f)
}

// ParseDomainList reads a domain list from r; name (a file name) is used in
// errors. Each line that is not blank or a '#' comment holds one domain name
// (example.com, sub.example.co.jp) or IPv4 address (192.0.2.1); white space
// around it is trimmed. Names are lowercased, lose a trailing dot, and
// internationalized names (例え.jp) are converted to punycode
// (xn--r8jz45g.jp) with the IDNA lookup profile of golang.org/x/net/idna.
// ASCII names may hold letters, digits, '-' and '_' (UT1 lists have host
// names with '_'). Errors name the file and line: invalid UTF-8, white space
// inside the name, a scheme ("http://"), a path, a port, an empty label, a
// label over 63 bytes, a name over 253 bytes, other characters, an IDN that
// IDNA rejects, or a list with no domain.
func ParseDomainList(name string, r io.Reader) (*DomainList, error) {
	l := newDomainList(name)
	err := scanList(name, r, func(line int, s string) error {
		d, err := canonicalDomain(s)
		if err != nil {
			return fmt.Errorf("%s:%d: %q: %v", name, line, s, err)
		}
		l.add(d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if l.Len() == 0 {
		return nil, fmt.Errorf("%s: no domains", name)
	}
	return l, nil
}

// NewDomainList returns a list of the given names, canonicalized and checked
// as ParseDomainList does; errors name the entry's index.
func NewDomainList(name string, domains ...string) (*DomainList, error) {
	l := newDomainList(name)
	for i, s := range domains {
		d, err := canonicalDomain(s)
		if err != nil {
			return nil, fmt.Errorf("%s: entry %d %q: %v", name, i, s, err)
		}
		l.add(d)
	}
	return l, nil
}

func newDomainList(name string) *DomainList {
	return &DomainList{Name: name, domains: make(map[string]struct{}), ips: make(map[string]struct{})}
}

// add adds a canonical entry.
func (l *DomainList) add(d string) {
	if _, err := netip.ParseAddr(d); err == nil {
		l.ips[d] = struct{}{}
	} else {
		l.domains[d] = struct{}{}
	}
}

// Len returns the number of distinct entries.
func (l *DomainList) Len() int { return len(l.domains) + len(l.ips) }

// canonicalDomain checks a list entry and returns its lowercase ASCII form.
func canonicalDomain(s string) (string, error) {
	switch {
	case strings.Contains(s, "://"):
		return "", fmt.Errorf("a URL, not a domain (scheme)")
	case strings.ContainsAny(s, "/?#"):
		return "", fmt.Errorf("has a path")
	case strings.ContainsAny(s, " \t\u3000"):
		return "", fmt.Errorf("white space inside")
	case strings.Contains(s, ":"):
		return "", fmt.Errorf("has a port or is not a domain")
	}
	if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
		return a.String(), nil
	}
	s = strings.TrimSuffix(s, ".")
	if !isASCII(s) {
		a, err := idna.Lookup.ToASCII(s)
		if err != nil {
			return "", fmt.Errorf("IDNA: %v", err)
		}
		s = a
	}
	s = strings.ToLower(s)
	if err := checkHostname(s); err != nil {
		return "", err
	}
	return s, nil
}

// checkHostname checks a lowercase ASCII host name.
func checkHostname(s string) error {
	if s == "" {
		return fmt.Errorf("empty")
	}
	if len(s) > maxDomainBytes {
		return fmt.Errorf("%d bytes, longer than %d", len(s), maxDomainBytes)
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" {
			return fmt.Errorf("empty label")
		}
		if len(label) > 63 {
			return fmt.Errorf("label of %d bytes, longer than 63", len(label))
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return fmt.Errorf("character %q not allowed in a domain", c)
			}
		}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Match reports whether the host of rawURL or one of its parent domains is
// in the list, and returns the entry that matched, the most specific one: an
// entry example.com matches http://a.b.example.com/ but not
// http://badexample.com/. The host is lowercased and loses its port and a
// trailing dot, and an internationalized host is converted to punycode. A
// URL without "://" (example.com/page) is read as a host and path. IPv4 hosts
// match only an identical entry. A URL that cannot be parsed, or has no host,
// does not match. The cost is one map look-up per label.
func (l *DomainList) Match(rawURL string) (matched string, ok bool) {
	host, ok := urlHost(rawURL)
	if !ok {
		return "", false
	}
	return l.MatchHost(host)
}

// urlHost returns the host of rawURL, without port, not yet canonical.
func urlHost(rawURL string) (string, bool) {
	if !strings.Contains(rawURL, "://") && !strings.HasPrefix(rawURL, "//") {
		rawURL = "//" + rawURL
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", false
	}
	h := u.Hostname()
	return h, h != ""
}

// MatchHost is Match for a host name (or IPv4 address) without scheme and
// port.
func (l *DomainList) MatchHost(host string) (matched string, ok bool) {
	host, ip := canonicalHost(host)
	if host == "" {
		return "", false
	}
	if ip {
		if _, ok := l.ips[host]; ok {
			return host, true
		}
		return "", false
	}
	for d := host; ; {
		if _, ok := l.domains[d]; ok {
			return d, true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			return "", false
		}
		d = d[i+1:]
	}
}

// canonicalHost returns host lowercased, without a trailing dot, in punycode,
// and whether it is an IPv4 address; "" when it is not usable (an IPv6
// address, an IDN that IDNA rejects).
func canonicalHost(host string) (string, bool) {
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return "", false
	}
	if !isASCII(host) {
		a, err := idna.Lookup.ToASCII(host)
		if err != nil {
			return "", false
		}
		host = a
	}
	host = lowerASCII(host)
	if a, err := netip.ParseAddr(host); err == nil {
		if !a.Is4() {
			return "", false
		}
		return a.String(), true
	}
	return host, false
}

// lowerASCII lowercases s without allocating when it is lowercase already.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
