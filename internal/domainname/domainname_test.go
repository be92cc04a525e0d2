package domainname

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	cases := []struct {
		in, want string
		err      error
	}{
		{"example.com", "example.com", nil},
		{"  Example.COM ", "example.com", nil},
		{"example.com.", "example.com", nil},
		{"ｅｘａｍｐｌｅ．ｃｏｍ", "example.com", nil},
		{"中国移动.中国", "中国移动.中国", nil},
		{"xn--fiq02ib9d179b.xn--fiqs8s", "中国移动.中国", nil},
		{"XN--FIQ02IB9D179B.XN--FIQS8S", "中国移动.中国", nil},
		{"abc.xn--io0a7i", "abc.网络", nil},
		{"例子.公司", "例子.公司", nil},
		{"12306.cn", "12306.cn", nil},
		{"", "", ErrEmpty},
		{"   ", "", ErrEmpty},
		{"http://example.com", "", ErrURL},
		{"example.com/index.html", "", ErrURL},
		{"example.com:8080", "", ErrURL},
		{"user@example.com", "", ErrURL},
		{"exa mple.com", "", ErrURL},
		{"xn--abc.com", "", ErrInvalid},
		{"-abc.com", "", ErrInvalid},
		{"abc-.com", "", ErrInvalid},
		{"a_b.com", "", ErrInvalid},
		{"a..com", "", ErrInvalid},
		{".com", "", ErrInvalid},
		{"1.2.3.4", "", ErrInvalid},
		{strings.Repeat("a", 64) + ".com", "", ErrInvalid},
		{strings.Repeat("abcdefghi.", 26) + "com", "", ErrInvalid}, // over 253
		{"exa!mple.com", "", ErrInvalid},
		{"\xff.com", "", ErrInvalid},
	}
	for _, c := range cases {
		got, err := Normalize(c.in)
		if got != c.want || !errors.Is(err, c.err) {
			t.Errorf("Normalize(%q) = %q, %v; want %q, %v", c.in, got, err, c.want, c.err)
		}
	}
}

func TestRegistrable(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"example.com", true},
		{"example.com.cn", true},
		{"sina.com.cn", true},
		{"pku.edu.cn", true},
		{"beijing.gov.cn", true},
		{"example.sh.cn", true},
		{"中国移动.中国", true},
		{"例子.公司", true},
		{"example.中文网", true},
		{"12306.cn", true},
		{"www.example.com", false},
		{"www.example.com.cn", false},
		{"com.cn", false},
		{"gov.cn", false},
		{"com", false},
		{"中国", false},
		{"abc.github.io", false}, // private suffix: not a registry
		{"abc.cn.com", false},
	}
	for _, c := range cases {
		n, err := Parse(c.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.in, err)
		}
		if got := n.Registrable(); got != c.want {
			t.Errorf("Registrable(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	n, _ := Parse("www.example.com.cn")
	if rd := n.RegistrableDomain(); rd != "example.com.cn" {
		t.Errorf("RegistrableDomain = %q", rd)
	}
	if n, _ := Parse("中国移动.中国"); n.TLD() != "中国" || n.Labels() != 2 || !n.KnownTLD() {
		t.Errorf("TLD = %q", n.TLD())
	}
	if n, _ := Parse("example"); n.KnownTLD() {
		t.Error("example is no TLD")
	}
	if !IsKnownTLD("io") || IsKnownTLD("js") || IsKnownTLD("") {
		t.Error("IsKnownTLD")
	}
}

func TestParseHomepage(t *testing.T) {
	cases := []struct {
		in, host string
		err      error
	}{
		{"www.example.com", "www.example.com", nil},
		{"example.com", "example.com", nil},
		{"http://www.example.com", "www.example.com", nil},
		{"HTTPS://WWW.Example.com/", "www.example.com", nil},
		{"https://中国移动.中国", "中国移动.中国", nil},
		{"", "", ErrEmpty},
		{"www.example.com/index.html", "", ErrHomepagePath},
		{"www.example.com?a=1", "", ErrHomepagePath},
		{"www.example.com#top", "", ErrHomepagePath},
		{"www.example.com:8080", "", ErrHomepagePort},
		{"http://user:pw@www.example.com", "", ErrHomepageUser},
		{"ftp://www.example.com", "", ErrHomepageHost},
		{"http://", "", ErrHomepageHost},
		{"http://exa_mple.com", "", ErrHomepageHost},
		{"42.159.88.1", "", ErrHomepageHost},
	}
	for _, c := range cases {
		n, err := ParseHomepage(c.in)
		if n.Unicode != c.host || !errors.Is(err, c.err) {
			t.Errorf("ParseHomepage(%q) = %q, %v; want %q, %v", c.in, n.Unicode, err, c.host, c.err)
		}
	}
	d, _ := Parse("example.com")
	for in, want := range map[string]bool{"www.example.com": true, "example.com": true, "a.b.example.com": true, "badexample.com": false, "example.com.cn": false} {
		h, _ := Parse(in)
		if IsUnder(h, d) != want {
			t.Errorf("IsUnder(%s) != %v", in, want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"example.com", "中国移动.中国", "xn--fiqs8s", "xn--abc", "a..b", "http://x", "ｅｘａｍｐｌｅ．ｃｏｍ", "\u200d.com", "-.-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		// The storage form parses to itself.
		again, err := Parse(n.Unicode)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its Unicode form %q fails: %v", s, n.Unicode, err)
		}
		if again.ASCII != n.ASCII {
			t.Fatalf("not idempotent: %q → %q → %q", s, n.ASCII, again.ASCII)
		}
		_ = n.Registrable()
		_ = n.RegistrableDomain()
		if _, err := ParseHomepage("https://" + n.Unicode); err != nil {
			t.Fatalf("homepage of valid host %q: %v", n.Unicode, err)
		}
	})
}

func FuzzParseHomepage(f *testing.F) {
	for _, s := range []string{"www.example.com", "http://a.b/", "https://u@h:1/p?q#f", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseHomepage(s)
		if err == nil && strings.ContainsAny(n.ASCII, "/:@?#") {
			t.Fatalf("%q accepted as %q", s, n.ASCII)
		}
	})
}

// TestPlainHostAgrees: every name the fast path takes, the IDNA profile
// returns unchanged and accepts. Names built from the characters and
// shapes near its edges (hyphens, lengths, digits, empty labels).
func TestPlainHostAgrees(t *testing.T) {
	pieces := []string{"a", "z", "0", "9", "-", ".", "ab", "xn", "--", "a-b", "1-", "-1", "ex", "中", "A", "_",
		strings.Repeat("a", 62), strings.Repeat("b", 63), strings.Repeat("c", 64)}
	rng := rand.New(rand.NewPCG(1, 2))
	checked := 0
	for range 200000 {
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		if rng.IntN(20) == 0 {
			s = strings.Repeat(s+".", 260/(len(s)+1)) + "cn"
		}
		if !plainHost(s) {
			continue
		}
		checked++
		got, err := profile.ToASCII(s)
		if err != nil || got != s {
			t.Fatalf("plainHost(%q) but idna: %q, %v", s, got, err)
		}
	}
	if checked < 10000 {
		t.Fatalf("only %d plain names generated", checked)
	}
	for _, s := range []string{"example.com", "www.a-b.cn", "1.2.3.cn", "ab--c.cn", "xn--fiqs8s", "-a.cn", "a-.cn", "a..cn", strings.Repeat("a", 64) + ".cn"} {
		want := s == "example.com" || s == "www.a-b.cn" || s == "1.2.3.cn"
		if plainHost(s) != want {
			t.Errorf("plainHost(%q) = %v", s, !want)
		}
	}
}
