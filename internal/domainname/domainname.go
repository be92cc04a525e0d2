// Package domainname checks website domains and homepage URLs: syntax (labels,
// lengths, IDN) through golang.org/x/net/idna, registrability (exactly a
// public suffix plus one label) through golang.org/x/net/publicsuffix.
// Domains are stored lower case, IDNs in Unicode.
package domainname

import (
	"errors"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// Errors of Normalize and ParseHomepage.
var (
	ErrEmpty   = errors.New("empty domain")
	ErrInvalid = errors.New("not a valid domain name")
	ErrURL     = errors.New("a URL, not a domain name")
)

// profile is IDNA 2008 lookup processing with DNS length checks and STD3
// host name rules (letters, digits, hyphen; no leading or trailing hyphen).
var profile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.ValidateLabels(true),
	idna.VerifyDNSLength(true),
	idna.StrictDomainName(true),
	idna.Transitional(false),
)

// Name is a syntactically valid domain name in its two forms.
type Name struct {
	Unicode string // storage and display form, e.g. "中国移动.中国"
	ASCII   string // punycode form, e.g. "xn--fiq02ib9d179b.xn--fiqs8s"
}

// TLD is the last label in Unicode form ("com", "中国").
func (n Name) TLD() string { return lastLabel(n.Unicode) }

func lastLabel(s string) string {
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// Labels counts the labels.
func (n Name) Labels() int { return strings.Count(n.ASCII, ".") + 1 }

// Parse checks s as a host name: trimmed, case-folded, a trailing dot
// dropped; Unicode or punycode labels. It refuses anything URL-like
// (scheme, path, port, credentials, spaces) and a numeric top-level label,
// so an IP address is not a domain.
func Parse(s string) (Name, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Name{}, ErrEmpty
	}
	if !utf8.ValidString(s) || len(s) > 1024 {
		return Name{}, ErrInvalid
	}
	if strings.ContainsAny(s, "/:?#@\\ \t\r\n") {
		return Name{}, ErrURL
	}
	s = strings.TrimSuffix(s, ".")
	// IDNA mapping folds case and full-width forms (ｅｘａｍｐｌｅ．ｃｏｍ) and
	// decodes punycode labels, refusing invalid ones. A plain lower-case
	// host name (most of them) is its own mapping: checked here instead.
	ascii := s
	if !plainHost(s) {
		var err error
		if ascii, err = profile.ToASCII(s); err != nil || ascii == "" {
			return Name{}, ErrInvalid
		}
	}
	uni := ascii // mapped already; only a punycode label reads differently in Unicode
	if strings.Contains(ascii, "xn--") {
		var err error
		if uni, err = profile.ToUnicode(ascii); err != nil {
			return Name{}, ErrInvalid
		}
	}
	tld := lastLabel(ascii)
	if tld == "" || isNumeric(tld) || strings.Contains(ascii, "..") {
		return Name{}, ErrInvalid
	}
	return Name{Unicode: uni, ASCII: ascii}, nil
}

// plainHost reports a name the IDNA profile would return unchanged and
// accept: lower-case letters, digits and hyphens in labels of 1 to 63
// characters that neither start nor end with a hyphen nor hold one in
// their third and fourth place (where xn-- and other reserved forms are),
// at most 253 characters in all. TestPlainHostAgrees holds it to idna.
func plainHost(s string) bool {
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			c := s[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
			continue
		}
		label := s[start:i]
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' ||
			(len(label) >= 4 && label[2] == '-' && label[3] == '-') {
			return false
		}
		start = i + 1
	}
	return true
}

func isNumeric(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Normalize returns the storage form of a domain (lower case, Unicode for
// IDN) or ErrEmpty, ErrURL or ErrInvalid.
func Normalize(s string) (string, error) {
	n, err := Parse(s)
	if err != nil {
		return "", err
	}
	return n.Unicode, nil
}

// icannSuffix is the public suffix of an ASCII name under the ICANN section
// only: private entries such as "github.io" or "cn.com" do not make a
// registrable domain for filing purposes.
func icannSuffix(ascii string) string {
	suffix, icann := publicsuffix.PublicSuffix(ascii)
	for !icann && strings.Contains(suffix, ".") {
		parent := suffix[strings.IndexByte(suffix, '.')+1:]
		suffix, icann = publicsuffix.PublicSuffix(parent)
		if !icann && !strings.Contains(suffix, ".") {
			break // an unlisted TLD: the default rule "*"
		}
	}
	return suffix
}

// PublicSuffix is the name's ICANN public suffix in ASCII ("com.cn").
func (n Name) PublicSuffix() string { return icannSuffix(n.ASCII) }

// IsPublicSuffix reports whether the name itself is a public suffix
// ("com", "com.cn", "中国").
func (n Name) IsPublicSuffix() bool { return icannSuffix(n.ASCII) == n.ASCII }

// Registrable reports whether the name is exactly a public suffix plus one
// label: "example.com.cn" is, "www.example.com" and "com.cn" are not.
func (n Name) Registrable() bool {
	suffix := icannSuffix(n.ASCII)
	if suffix == n.ASCII || !strings.HasSuffix(n.ASCII, "."+suffix) {
		return false
	}
	rest := n.ASCII[:len(n.ASCII)-len(suffix)-1]
	return rest != "" && !strings.Contains(rest, ".")
}

// RegistrableDomain returns the registrable domain a name belongs to
// (Unicode), or "" for a public suffix.
func (n Name) RegistrableDomain() string {
	suffix := icannSuffix(n.ASCII)
	if suffix == n.ASCII || !strings.HasSuffix(n.ASCII, "."+suffix) {
		return ""
	}
	rest := n.ASCII[:len(n.ASCII)-len(suffix)-1]
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		rest = rest[i+1:]
	}
	uni, err := profile.ToUnicode(rest + "." + suffix)
	if err != nil {
		return ""
	}
	return uni
}

// IsUnder reports whether host is domain or a name under it (both parsed).
func IsUnder(host, domain Name) bool {
	return host.ASCII == domain.ASCII || strings.HasSuffix(host.ASCII, "."+domain.ASCII)
}

// Homepage errors.
var (
	ErrHomepagePath = errors.New("homepage URL has a path, query or fragment")
	ErrHomepagePort = errors.New("homepage URL has a port")
	ErrHomepageUser = errors.New("homepage URL has credentials")
	ErrHomepageHost = errors.New("homepage URL has a bad host")
)

// ParseHomepage reads a homepage URL: an optional http:// or https://, a
// host name, at most a lone trailing '/'; no path, query, fragment, port or
// credentials.
func ParseHomepage(s string) (Name, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Name{}, ErrEmpty
	}
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "http://"):
		s = s[len("http://"):]
	case strings.HasPrefix(lower, "https://"):
		s = s[len("https://"):]
	case strings.Contains(s, "://"):
		return Name{}, ErrHomepageHost
	}
	s = strings.TrimSuffix(s, "/")
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		return Name{}, ErrHomepagePath
	}
	if strings.Contains(s, "@") {
		return Name{}, ErrHomepageUser
	}
	if strings.Contains(s, ":") {
		return Name{}, ErrHomepagePort
	}
	n, err := Parse(s)
	if err != nil {
		return Name{}, ErrHomepageHost
	}
	return n, nil
}

// KnownTLD reports whether the last label is a top-level domain of the
// ICANN section of the public suffix list.
func (n Name) KnownTLD() bool { return IsKnownTLD(lastLabel(n.ASCII)) }

// IsKnownTLD reports whether label (ASCII, lower case) is an ICANN TLD.
func IsKnownTLD(label string) bool {
	if label == "" {
		return false
	}
	suffix, icann := publicsuffix.PublicSuffix(label)
	return icann && suffix == label
}
