package filters

import "strings"

// swallowURLRejected is swallow-corpus ngurl.py's Checker.check (2d03507,
// ngurl.py:25-37) turned around: true when the reference drops the URL.
// The host is Python's urllib.parse.urlparse(url).hostname (pyHostname);
// the document is dropped when the host ends in ".5ch.net" (5ch.net itself
// passes), when it ends in "wikipedia.org" (no dot: notwikipedia.org too),
// or when the host itself — exactly, not a parent domain, and a trailing
// dot kept — is in hosts, which stands for the reference's host map
// restricted to its NG categories (ngurl.py:15, :32-36). A URL without a
// host, which makes the reference crash (hostname is None), is not
// dropped; hosts may be nil (then only the two suffix rules apply).
func swallowURLRejected(rawURL string, hosts *DomainList) bool {
	host, ok := pyHostname(rawURL)
	if !ok {
		return false
	}
	if strings.HasSuffix(host, ".5ch.net") || strings.HasSuffix(host, "wikipedia.org") {
		return true
	}
	if hosts == nil || strings.HasSuffix(host, ".") {
		return false // list entries have no trailing dot; the reference's map neither
	}
	h, ip := canonicalHost(host) // punycode for an IDN, as the list stores it
	if ip {
		_, listed := hosts.ips[h]
		return listed
	}
	_, listed := hosts.domains[h]
	return listed
}

// pyHostname returns what Python 3.11's urllib.parse.urlparse(u).hostname
// gives (urllib/parse.py urlsplit, _hostinfo, hostname): the URL loses
// its leading C0 controls and spaces and every tab, CR and LF; a scheme (an
// ASCII letter, then letters, digits, "+", "-", ".") ends at the first ":";
// the netloc follows "//" up to the first "/", "?" or "#"; the host is the
// netloc after its last "@", then the part inside "[…]" when there is a
// "[", else the part before the first ":", lower-cased. ok is false when
// there is no host (Python's None) and when Python raises (a "[" without
// "]" in the netloc, or the reverse). Python lower-cases with str.lower,
// this with strings.ToLower; they differ only on a few non-ASCII letters.
// Shared by the swallow (ngurl.py) and llm-jp (filter_data.py) URL rules.
func pyHostname(u string) (host string, ok bool) {
	u = strings.TrimLeftFunc(u, func(r rune) bool { return r <= ' ' })
	if strings.ContainsAny(u, "\t\r\n") {
		u = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(u)
	}
	if i := strings.IndexByte(u, ':'); i > 0 && isSchemeStart(u[0]) && isScheme(u[:i]) {
		u = u[i+1:]
	}
	if !strings.HasPrefix(u, "//") {
		return "", false
	}
	netloc := u[2:]
	if i := strings.IndexAny(netloc, "/?#"); i >= 0 {
		netloc = netloc[:i]
	}
	if strings.Contains(netloc, "[") != strings.Contains(netloc, "]") {
		return "", false // Python raises ValueError ("Invalid IPv6 URL")
	}
	if i := strings.LastIndexByte(netloc, '@'); i >= 0 {
		netloc = netloc[i+1:]
	}
	if i := strings.IndexByte(netloc, '['); i >= 0 {
		host = netloc[i+1:]
		if end := strings.IndexByte(host, ']'); end >= 0 {
			host = host[:end]
		}
	} else if i := strings.IndexByte(netloc, ':'); i >= 0 {
		host = netloc[:i]
	} else {
		host = netloc
	}
	if host == "" {
		return "", false
	}
	// Python lower-cases before any '%' only (an IPv6 zone keeps its case)
	h, zone, pct := strings.Cut(host, "%")
	h = strings.ToLower(h)
	if pct {
		h += "%" + zone
	}
	return h, true
}

func isSchemeStart(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isSchemeStart(c) || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
