package service

import (
	"slices"
	"testing"

	"beian/internal/filing"
)

// TestFilingLeaders: each person named as a leader once, with every role;
// a website without a leader yet names nobody.
func TestFilingLeaders(t *testing.T) {
	a := filing.Person{Name: "李明", CertType: "resident_id", CertNumber: "110105198803152318", Mobile: "13911110001", Email: "a@example.com"}
	b := filing.Person{Name: "王芳", CertType: "resident_id", CertNumber: "110108199006204521", Mobile: "13911110002", Email: "b@example.com"}
	doc := filing.Document{Subject: filing.Subject{Leader: a}, Websites: []filing.Website{{Leader: a}, {Leader: b}, {Leader: b}, {}}}
	got := filingLeaders(doc)
	if len(got) != 2 {
		t.Fatalf("leaders %+v", got)
	}
	if got[0].person.Name != "李明" || !slices.Equal(got[0].roles, []string{"subject_leader", "website_leader"}) {
		t.Errorf("first leader %+v", got[0])
	}
	if got[1].person.Name != "王芳" || !slices.Equal(got[1].roles, []string{"website_leader"}) {
		t.Errorf("second leader %+v", got[1])
	}
	// Same name, another certificate: another person (model.md).
	c := a
	c.CertNumber = "110105198803152334"
	if n := len(filingLeaders(filing.Document{Subject: filing.Subject{Leader: a}, Websites: []filing.Website{{Leader: c}}})); n != 2 {
		t.Errorf("%d leaders for two certificates", n)
	}
}
