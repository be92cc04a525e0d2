package seed

import (
	"fmt"
	"testing"
	"time"

	"beian/internal/config"
	"beian/internal/filing"
	"beian/internal/rules"
)

var testNow = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

func newTestGenerator(t testing.TB) *Generator {
	t.Helper()
	g, err := NewGenerator(config.DefaultProvider(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGeneratedDocumentsValidate runs a spread sample of generated subjects
// (and their open applications) through the real validator: zero violations
// of any severity.
func TestGeneratedDocumentsValidate(t *testing.T) {
	g := newTestGenerator(t)
	v, err := rules.New(config.DefaultProvider())
	if err != nil {
		t.Fatal(err)
	}
	natures := map[string]int{}
	states := map[string]int{}
	check := func(i int, doc filing.Document) {
		t.Helper()
		if vs := v.Validate(&doc, testNow); len(vs) > 0 {
			for _, x := range vs {
				t.Errorf("subject %d (%s, %s): %s %s: %s", i, doc.Subject.Province, doc.Subject.Nature, x.Rule, x.Field, x.Message.EN)
			}
		}
	}
	// every province, every nature, both website counts, indexes up to 1M and beyond
	for n := 0; n < 3000; n++ {
		i := n*337 + n%7
		s := g.Subject(i)
		natures[s.Doc.Subject.Nature]++
		check(i, s.Doc)
		if s.Open != nil {
			states[s.Open.State]++
			check(i, s.Open.Doc)
		}
		if t.Failed() && n > 20 {
			t.FailNow()
		}
	}
	for _, nat := range []string{"enterprise", "individual", "institution"} {
		if natures[nat] == 0 {
			t.Errorf("no %s in the sample: %v", nat, natures)
		}
	}
	if len(states) != len(OpenStates) {
		t.Errorf("open states in the sample: %v, want all %d", states, len(OpenStates))
	}
	check(-1, g.Fresh("t1", 1_000_000_007))
}

// TestIdentifiersUnique checks the identifiers that must never repeat over
// a contiguous range of subjects.
func TestIdentifiersUnique(t *testing.T) {
	g := newTestGenerator(t)
	seen := map[string]string{}
	put := func(kind, v string, i int) {
		t.Helper()
		key := kind + "|" + v
		if prev, ok := seen[key]; ok {
			t.Fatalf("%s %q repeats: subject %d and %s", kind, v, i, prev)
		}
		seen[key] = fmt.Sprint(i)
	}
	for i := 0; i < 60_000; i++ {
		s := g.Subject(i)
		d := s.Doc
		put("cert", d.Subject.CertType+d.Subject.CertNumber, i)
		put("number", s.SubjectNumber, i)
		put("email", s.AccountEmail, i)
		put("mobile", d.Subject.Leader.Mobile, i)
		put("mobile", d.Subject.EmergencyPhone, i)
		for w, site := range d.Websites {
			put("domain", site.Domain, i)
			if site.Leader.Mobile != d.Subject.Leader.Mobile {
				if w == 0 || d.Websites[0].Leader.Mobile != site.Leader.Mobile {
					put("mobile", site.Leader.Mobile, i)
				}
			}
		}
		if s.Open != nil {
			put("domain", s.Open.Doc.Websites[0].Domain, i)
		}
	}
	if c := g.Capacity(); c < 1_000_000 {
		t.Errorf("capacity %d subjects, want at least 1,000,000", c)
	}
}
