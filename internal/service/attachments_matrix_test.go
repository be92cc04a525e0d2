package service_test

import (
	"slices"
	"strings"
	"testing"

	"beian/internal/filing"
	"beian/internal/service"
)

// TestRequiredAttachmentsMatrix walks model.md's "Attachments" table row
// by row: who needs which kind, per website where it is per website.
func TestRequiredAttachmentsMatrix(t *testing.T) {
	boss := filing.Person{Name: "王强", CertType: "resident_id", CertNumber: "330106198001010014"}
	other := filing.Person{Name: "李娜", CertType: "resident_id", CertNumber: "33010619850202002X"}
	site := func(domain string, leader filing.Person, preApprovals int) filing.Website {
		w := filing.Website{Domain: domain, Leader: leader}
		for range preApprovals {
			w.PreApprovals = append(w.PreApprovals, filing.PreApproval{Category: "news", Number: "X"})
		}
		return w
	}
	doc := func(flow, nature string, sites ...filing.Website) filing.Document {
		return filing.Document{Flow: flow, Subject: filing.Subject{Nature: nature, Name: "杭州示例网络科技有限公司", Leader: boss}, Websites: sites}
	}
	att := func(kind string, website int, signedOn ...string) service.Attachment {
		a := service.Attachment{Kind: kind, Website: website}
		if len(signedOn) > 0 {
			a.SignedOn = signedOn[0]
		}
		return a
	}
	declared := func(w filing.Website) filing.Website {
		w.DomainHolder = filing.DomainHolder{Relation: "shareholder", Name: "杭州示例控股有限公司"}
		return w
	}
	in := func(province string, d filing.Document) filing.Document { d.Subject.Province = province; return d }
	form := func(website int) service.Attachment { return att("verification_form", website, "2026-11-20") }
	complete := []service.Attachment{att("subject_certificate", -1), att("subject_leader_id", -1), form(0), att("site_photo", 0)}

	tests := []struct {
		name string
		doc  filing.Document
		atts []service.Attachment
		want []string // "rule field"
	}{
		{"enterprise first filing, nothing uploaded", doc("first_filing", "enterprise", site("a.cn", boss, 0)), nil, []string{
			"attachment.missing attachments.subject_certificate", "attachment.missing attachments.subject_leader_id",
			"attachment.missing attachments.verification_form[0]", "attachment.missing attachments.site_photo[0]"}},
		{"enterprise first filing, complete", doc("first_filing", "enterprise", site("a.cn", boss, 0)), complete, nil},
		{"an individual has no subject certificate", doc("first_filing", "individual", site("a.cn", boss, 0)),
			[]service.Attachment{att("subject_leader_id", -1), form(0), att("site_photo", 0)}, nil},
		{"an individual still needs the leader's ID", doc("first_filing", "individual", site("a.cn", boss, 0)),
			[]service.Attachment{form(0), att("site_photo", 0)}, []string{"attachment.missing attachments.subject_leader_id"}},
		{"a website leader who is not the subject leader", doc("first_filing", "enterprise", site("a.cn", boss, 0), site("b.cn", other, 0)),
			append(slices.Clone(complete), form(1), att("site_photo", 1)), []string{"attachment.missing attachments.website_leader_id[1]"}},
		{"…whose ID is there", doc("first_filing", "enterprise", site("a.cn", other, 0)),
			append(slices.Clone(complete), att("website_leader_id", 0)), nil},
		{"the domain certificate stands in for the photo at submission", doc("new_website", "enterprise", site("a.cn", boss, 0)),
			[]service.Attachment{att("subject_certificate", -1), att("subject_leader_id", -1), form(0), att("domain_certificate", 0)}, nil},
		{"per website: one website's files do not cover another", doc("new_access", "enterprise", site("a.cn", boss, 0), site("b.cn", boss, 0)),
			complete, []string{"attachment.missing attachments.verification_form[1]", "attachment.missing attachments.site_photo[1]"}},
		{"one document per pre-approval listed", doc("first_filing", "enterprise", site("a.cn", boss, 2)),
			append(slices.Clone(complete), att("pre_approval_document", 0)), []string{"attachment.missing attachments.pre_approval_document[0]"}},
		{"…both there", doc("first_filing", "enterprise", site("a.cn", boss, 2)),
			append(slices.Clone(complete), att("pre_approval_document", 0), att("pre_approval_document", 0)), nil},
		{"a verification form without its signature date", doc("first_filing", "enterprise", site("a.cn", boss, 0)),
			[]service.Attachment{att("subject_certificate", -1), att("subject_leader_id", -1), att("verification_form", 0), att("site_photo", 0)},
			[]string{"attachment.signed_on.required attachments.verification_form[0]"}},
		{"change_website: only the verification form", doc("change_website", "enterprise", site("a.cn", other, 1)), nil,
			[]string{"attachment.missing attachments.verification_form[0]"}},
		{"change_access: the form, dated", doc("change_access", "enterprise", site("a.cn", boss, 0)), []service.Attachment{att("verification_form", 0)},
			[]string{"attachment.signed_on.required attachments.verification_form[0]"}},
		{"change_website with its form", doc("change_website", "enterprise", site("a.cn", other, 0)), []service.Attachment{form(0)}, nil},
		{"change_subject includes no website", doc("change_subject", "enterprise"), nil, nil},
		{"cancel_subject needs nothing", doc("cancel_subject", "enterprise", site("a.cn", other, 1)), nil, nil},
		{"cancel_website needs nothing", doc("cancel_website", "individual", site("a.cn", boss, 0)), nil, nil},
		{"cancel_access needs nothing", doc("cancel_access", "enterprise", site("a.cn", boss, 0)), nil, nil},
		// The province table (rules/data/province_rules.json).
		{"Guangdong asks for its commitment letter", in("440000", doc("first_filing", "enterprise", site("a.cn", boss, 0))), complete,
			[]string{"attachment.missing attachments.commitment_letter"}},
		{"…there", in("440000", doc("first_filing", "enterprise", site("a.cn", boss, 0))), append(slices.Clone(complete), att("commitment_letter", -1)), nil},
		{"Jiangsu: the letter and every website's domain certificate", in("320000", doc("new_website", "enterprise", site("a.cn", boss, 0), site("b.cn", boss, 0))),
			append(slices.Clone(complete), form(1), att("site_photo", 1), att("domain_certificate", 0)),
			[]string{"attachment.missing attachments.commitment_letter", "attachment.missing attachments.domain_certificate[1]"}},
		{"Hunan: the domain certificate, no letter", in("430000", doc("first_filing", "enterprise", site("a.cn", boss, 0))), complete,
			[]string{"attachment.missing attachments.domain_certificate[0]"}},
		// A declared domain holder (seed 2.3 (5)) needs its proof.
		{"a declared shareholder's proof", doc("first_filing", "enterprise", declared(site("a.cn", boss, 0))), complete,
			[]string{"attachment.missing attachments.domain_holder_proof[0]"}},
		{"…there", doc("first_filing", "enterprise", declared(site("a.cn", boss, 0))), append(slices.Clone(complete), att("domain_holder_proof", 0)), nil},
		{"an individual's declaration counts for nothing (the rules refuse it)", doc("first_filing", "individual", declared(site("a.cn", boss, 0))),
			[]service.Attachment{att("subject_leader_id", -1), form(0), att("site_photo", 0)}, nil},
		{"a change keeps the filed domain: no proof", doc("change_website", "enterprise", declared(site("a.cn", boss, 0))), []service.Attachment{form(0)}, nil},
		{"a change asks for no province documents", in("320000", doc("change_website", "enterprise", site("a.cn", boss, 0))), []service.Attachment{form(0)}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, v := range service.RequiredAttachmentsMissing(tc.doc, tc.atts) {
				got = append(got, v.Rule+" "+v.Field)
				if v.Severity != filing.SeverityError || v.Message.ZH == "" || v.Message.EN == "" {
					t.Errorf("%s: severity %q, messages %q / %q", v.Field, v.Severity, v.Message.ZH, v.Message.EN)
				}
			}
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}
