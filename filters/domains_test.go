package filters

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

func TestLoadDomainList(t *testing.T) {
	l, err := LoadDomainList(listPath("domains_ut1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for d := range l.domains {
		got = append(got, d)
	}
	for d := range l.ips {
		got = append(got, d)
	}
	slices.Sort(got)
	want := []string{
		"192.0.2.10", "_tracker.example.org", "ads.example.org", "adult.example.net", "example.com",
		"sub.example.co.test", "xn--eckwd4c7c.example", "xn--r8jz45g.xn--zckzah",
	}
	if !slices.Equal(got, want) || l.Len() != len(want) {
		t.Errorf("entries %q", got)
	}
	if _, err := LoadDomainList(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing file accepted")
	}
}

func TestDomainListMatch(t *testing.T) {
	l, err := LoadDomainList(listPath("domains_ut1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		url, want string
	}{
		{"https://example.com/", "example.com"},
		{"http://a.b.example.com:8080/x?y=1", "example.com"},
		{"https://badexample.com/", ""},
		{"https://example.com.evil.test/", ""},
		{"HTTPS://WWW.Adult.Example.NET./ranking", "adult.example.net"},
		{"http://example.net/", ""},
		{"http://user:pass@ads.example.org/banner.gif", "ads.example.org"},
		{"http://example.org/", ""},
		{"http://_tracker.example.org/p", "_tracker.example.org"},
		{"https://sub.example.co.test/", "sub.example.co.test"},
		{"https://deep.sub.example.co.test/", "sub.example.co.test"},
		{"https://co.test/", ""},
		// IDN in the URL, as Unicode, percent-encoded or punycode
		{"http://例え.テスト/パス", "xn--r8jz45g.xn--zckzah"},
		{"http://www.例え.テスト/", "xn--r8jz45g.xn--zckzah"},
		{"http://%E4%BE%8B%E3%81%88.%E3%83%86%E3%82%B9%E3%83%88/", "xn--r8jz45g.xn--zckzah"},
		{"http://XN--R8JZ45G.xn--zckzah/", "xn--r8jz45g.xn--zckzah"},
		{"http://例え.example/", ""},
		// IPv4 matches exactly; IPv6 is never listed
		{"http://192.0.2.10/", "192.0.2.10"},
		{"http://192.0.2.10:8080/", "192.0.2.10"},
		{"http://192.0.2.100/", ""},
		{"http://1.192.0.2.10/", ""},
		{"http://[2001:db8::1]/", ""},
		// no scheme
		{"example.com/page", "example.com"},
		{"//cdn.example.com/lib.js", "example.com"},
		// unparsable or hostless
		{"http://%zz/", ""},
		{"http://exa mple.com/", ""},
		{"", ""},
		{"/relative/path", ""},
		{"file:///etc/passwd", ""},
		{"http://./", ""},
	}
	for _, c := range cases {
		got, ok := l.Match(c.url)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Match(%q) = %q, %v; want %q", c.url, got, ok, c.want)
		}
	}
}

func TestParseDomainListErrors(t *testing.T) {
	cases := []struct{ text, want string }{
		{"example.com\nhttp://example.org\n", `bad.txt:2: "http://example.org": a URL, not a domain (scheme)`},
		{"example.com/ads\n", `bad.txt:1: "example.com/ads": has a path`},
		{"exa mple.com\n", `bad.txt:1: "exa mple.com": white space inside`},
		{"example..com\n", `bad.txt:1: "example..com": empty label`},
		{".example.com\n", `bad.txt:1: ".example.com": empty label`},
		{"example.com:8080\n", `bad.txt:1: "example.com:8080": has a port or is not a domain`},
		{"*.example.com\n", `bad.txt:1: "*.example.com": character '*' not allowed in a domain`},
		{"# c\n\n" + strings.Repeat("a.", 126) + "ab\n", `bad.txt:3: "` + strings.Repeat("a.", 126) + `ab": 254 bytes, longer than 253`},
		{strings.Repeat("a", 64) + ".com\n", `bad.txt:1: "` + strings.Repeat("a", 64) + `.com": label of 64 bytes, longer than 63`},
		{"ex\xffample.com\n", "bad.txt:1: invalid UTF-8"},
		{"# nothing\n", "bad.txt: no domains"},
		{".\n", `bad.txt:1: ".": empty`},
	}
	for _, c := range cases {
		_, err := ParseDomainList("bad.txt", strings.NewReader(c.text))
		if err == nil || err.Error() != c.want {
			t.Errorf("%.30q: %v\nwant %s", c.text, err, c.want)
		}
	}
	// an IDN that IDNA rejects names the line too
	if _, err := ParseDomainList("bad.txt", strings.NewReader("ok.test\n例え\u200d.jp\n")); err == nil || !strings.HasPrefix(err.Error(), `bad.txt:2: "例え`) {
		t.Errorf("IDN: %v", err)
	}
	path := filepath.Join(t.TempDir(), "domains")
	if err := os.WriteFile(path, []byte("example.com\nhttps://x.test/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDomainList(path); err == nil || !strings.HasPrefix(err.Error(), path+":2: ") {
		t.Errorf("LoadDomainList: %v", err)
	}
}

func TestNewDomainList(t *testing.T) {
	l, err := NewDomainList("allow", "Example.COM.", "例え.テスト")
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := l.MatchHost("WWW.EXAMPLE.COM"); !ok || d != "example.com" {
		t.Errorf("%q %v", d, ok)
	}
	if d, ok := l.MatchHost("例え.テスト."); !ok || d != "xn--r8jz45g.xn--zckzah" {
		t.Errorf("%q %v", d, ok)
	}
	if _, err := NewDomainList("allow", "ok.test", "bad/path"); err == nil || !strings.Contains(err.Error(), "entry 1") {
		t.Errorf("%v", err)
	}
}

func FuzzParseDomainList(f *testing.F) {
	b, err := os.ReadFile(listPath("domains_ut1.txt"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("Ｅｘａｍｐｌｅ.ｊｐ\n"))
	f.Add([]byte("a..b\n1.2.3.4\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseDomainList("f.txt", strings.NewReader(string(data)))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.txt:") {
				t.Fatalf("error without file name: %v", err)
			}
			return
		}
		for d := range joinMaps(l.domains, l.ips) {
			// canonical entries are fixed points and match themselves
			again, err := canonicalDomain(d)
			if err != nil || again != d {
				t.Fatalf("%q canonicalizes to %q, %v", d, again, err)
			}
			if got, ok := l.MatchHost(d); !ok || got != d {
				t.Fatalf("%q does not match itself: %q", d, got)
			}
		}
	})
}

func FuzzDomainListMatch(f *testing.F) {
	l, err := LoadDomainList(listPath("domains_ut1.txt"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("http://a.b.example.com:8080/x")
	f.Add("http://例え.テスト/")
	f.Add("//[::1]:80")
	f.Fuzz(func(t *testing.T, u string) {
		got, ok := l.Match(u)
		if !ok {
			return
		}
		if _, listed := joinMaps(l.domains, l.ips)[got]; !listed {
			t.Fatalf("%q: matched %q, not an entry", u, got)
		}
		// the entry is the host or a parent domain of it
		host, _ := urlHost(u)
		if h, _ := canonicalHost(host); h != got && !strings.HasSuffix(h, "."+got) {
			t.Fatalf("%q: host %q, matched %q", u, h, got)
		}
	})
}

func joinMaps(a, b map[string]struct{}) map[string]struct{} {
	m := make(map[string]struct{})
	for k := range a {
		m[k] = struct{}{}
	}
	for k := range b {
		m[k] = struct{}{}
	}
	return m
}

// BenchmarkDomainListMatch looks up the fixture's document URLs (Diet
// speeches and e-Gov laws) and subdomains of listed names.
func BenchmarkDomainListMatch(b *testing.B) {
	l, err := LoadDomainList(listPath("domains_ut1.txt"))
	if err != nil {
		b.Fatal(err)
	}
	urls := []string{"https://a.b.c.sub.example.co.test/path", "http://例え.テスト/"}
	for _, d := range testcorpus.Fixture(b) {
		if d.URL != "" {
			urls = append(urls, d.URL)
		}
	}
	n := 0
	for _, u := range urls {
		n += len(u)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, u := range urls {
			l.Match(u)
		}
	}
}
