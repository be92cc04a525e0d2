package bureau

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"beian/internal/filing"
	"beian/internal/icpnumber"
)

// Seed is the registry seed file of config.md (BEIAN_BUREAU_SEED): the
// filings made through other providers, the domain registry's records and
// the certificate numbers the bureau refuses. The domain registry
// simulator (package domainreg) reads the same file's Domains.
type Seed struct {
	Subjects  []SeedSubject `json:"subjects"`
	Domains   []SeedDomain  `json:"domains"`
	Blacklist []string      `json:"blacklist"`
}

// SeedSubject is a filed subject with its websites.
type SeedSubject struct {
	Number   string         `json:"number"`
	Subject  filing.Subject `json:"subject"`
	Websites []SeedWebsite  `json:"websites"`
}

// SeedWebsite is a filed website.
type SeedWebsite struct {
	Number    string         `json:"number"`
	Providers []string       `json:"providers"`
	Website   filing.Website `json:"website"`
}

// SeedDomain is one domain registration.
type SeedDomain struct {
	Domain            string `json:"domain"`
	HolderName        string `json:"holder_name"`
	HolderCertNumber  string `json:"holder_cert_number"`
	Registrar         string `json:"registrar"`
	RegistrarMainland bool   `json:"registrar_mainland"`
	Verified          bool   `json:"verified"`
	ExpiresOn         string `json:"expires_on"`
	Privacy           bool   `json:"privacy"`
	// Registered false: the registry does not know the domain
	// (domain.not_registered); absent means registered.
	Registered *bool `json:"registered,omitempty"`
}

//go:embed demo_seed.json
var demoSeed []byte

// DemoSeed is the small built-in registry: three subjects in Beijing,
// Shanghai and Guangdong with their websites, domain records (including
// one of each domain.* problem) and one blacklisted certificate.
func DemoSeed() *Seed {
	s, err := ParseSeed(demoSeed)
	if err != nil {
		panic("bureau: embedded demo seed is broken: " + err.Error())
	}
	return s
}

// LoadSeed reads the seed file at path, or returns the demo seed when path is empty.
func LoadSeed(path string) (*Seed, error) {
	if path == "" {
		return DemoSeed(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bureau seed: %w", err)
	}
	s, err := ParseSeed(b)
	if err != nil {
		return nil, fmt.Errorf("bureau seed %s: %w", path, err)
	}
	return s, nil
}

// ParseSeed decodes and checks a seed: every subject and website has a
// number of the right shape, websites' numbers extend their subject's,
// numbers and active domains are unique.
func ParseSeed(b []byte) (*Seed, error) {
	var s Seed
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	numbers := map[string]bool{}
	domains := map[string]string{}
	for i, sub := range s.Subjects {
		at := fmt.Sprintf("subjects[%d]", i)
		if !icpnumber.IsSubject(sub.Number) {
			return nil, fmt.Errorf("%s.number %q is not a subject number like 京ICP备2019000001号", at, sub.Number)
		}
		if sub.Subject.CertType == "" || sub.Subject.CertNumber == "" || sub.Subject.Name == "" || sub.Subject.Province == "" {
			return nil, fmt.Errorf("%s.subject needs province, cert_type, cert_number and name", at)
		}
		if numbers[sub.Number] {
			return nil, fmt.Errorf("%s.number %s appears twice", at, sub.Number)
		}
		numbers[sub.Number] = true
		for j, w := range sub.Websites {
			wat := fmt.Sprintf("%s.websites[%d]", at, j)
			n, ok := websiteSerial(sub.Number, w.Number)
			if !ok || n < 1 {
				return nil, fmt.Errorf("%s.number %q must be %s-<n>", wat, w.Number, sub.Number)
			}
			if numbers[w.Number] {
				return nil, fmt.Errorf("%s.number %s appears twice", wat, w.Number)
			}
			numbers[w.Number] = true
			d := normDomain(w.Website.Domain)
			if d == "" {
				return nil, fmt.Errorf("%s.website.domain is empty", wat)
			}
			if other, dup := domains[d]; dup {
				return nil, fmt.Errorf("%s: domain %s is filed twice (also %s)", wat, d, other)
			}
			domains[d] = w.Number
		}
	}
	for i, d := range s.Domains {
		if normDomain(d.Domain) == "" {
			return nil, fmt.Errorf("domains[%d].domain is empty", i)
		}
		if d.ExpiresOn != "" {
			if _, err := parseDate(d.ExpiresOn); err != nil {
				return nil, fmt.Errorf("domains[%d].expires_on %q is not YYYY-MM-DD", i, d.ExpiresOn)
			}
		}
	}
	return &s, nil
}
