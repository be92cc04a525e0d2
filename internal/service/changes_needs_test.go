package service

import (
	"testing"

	"beian/internal/filing"
)

// TestChangeNeeds: a change asks for the new documents of what it changes
// — a renamed organization its licence, a replaced leader their ID — and
// nothing for a new mobile or a renamed individual's unchanged person.
func TestChangeNeeds(t *testing.T) {
	leader := filing.Person{Name: "李明", CertType: "resident_id", CertNumber: "110105198803152318", Mobile: "13911110001"}
	other := filing.Person{Name: "王芳", CertType: "resident_id", CertNumber: "110108199006204521", Mobile: "13911110002"}
	filed := filing.Document{Flow: filing.FlowChangeSubject, Subject: filing.Subject{Nature: "enterprise", Name: "甲公司", Leader: leader}}
	kinds := func(doc filing.Document) []string {
		var out []string
		for _, n := range changeNeeds(doc, filed) {
			out = append(out, n.kind)
		}
		return out
	}
	same := filed
	same.Subject.Leader.Mobile = "13911110009"
	if k := kinds(same); len(k) != 0 {
		t.Errorf("a new mobile asks for %v", k)
	}
	renamed := filed
	renamed.Subject.Name = "乙公司"
	if k := kinds(renamed); len(k) != 1 || k[0] != KindSubjectCertificate {
		t.Errorf("renamed: %v", k)
	}
	replaced := filed
	replaced.Subject.Leader = other
	if k := kinds(replaced); len(k) != 1 || k[0] != KindSubjectLeaderID {
		t.Errorf("leader replaced: %v", k)
	}
	both := renamed
	both.Subject.Leader = other
	if k := kinds(both); len(k) != 2 {
		t.Errorf("renamed with a new leader: %v", k)
	}
	// The plan holds the slot and says why; uploading fills it.
	plan := PlanOf(both, &filed, nil, "draft")
	if vs := requiredMissing(both, &filed, nil); len(vs) != 2 || vs[0].Field != "attachments.subject_certificate" || vs[1].Field != "attachments.subject_leader_id" {
		t.Fatalf("missing %v (plan %v)", vs, plan)
	}
	atts := []Attachment{{Kind: KindSubjectCertificate, Website: -1}, {Kind: KindSubjectLeaderID, Website: -1}}
	if vs := requiredMissing(both, &filed, atts); len(vs) != 0 {
		t.Errorf("still missing %v", vs)
	}
	// A website change replacing the website's leader asks for that ID.
	fw := filing.Document{Flow: filing.FlowChangeWebsite, Websites: []filing.Website{{Leader: leader}}}
	cw := filing.Document{Flow: filing.FlowChangeWebsite, Websites: []filing.Website{{Leader: other}}}
	if n := changeNeeds(cw, fw); len(n) != 1 || n[0].kind != KindWebsiteLeaderID || n[0].website != 0 {
		t.Errorf("website leader replaced: %+v", n)
	}
}
