package service

import (
	"beian/internal/fault"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"beian/internal/filing"
	"beian/internal/refdata"
	"beian/internal/storage"
	"beian/internal/workflow"
)

// Which parts of a document the applicant may edit, by flow (workflow.md
// "Filing types"; issue 5):
//   - new_website: a subject filed here by the same account is read-only;
//     one filed elsewhere is entered and must match the registry;
//   - new_access: subject and website filed here by the same account are
//     read-only and only the access is entered; anyone else's filing (here
//     or elsewhere) is entered and must match it (issue 12: the pre-check
//     shows another account's filing as the flow and the subject's name);
//   - change_subject: the subject (not its province, certificate type or
//     number: lockPrecheckFields); no websites;
//   - change_website: the website (not its domain); the subject and the
//     access stay as filed;
//   - change_access: the access only;
//   - cancel_*: nothing but the reason (the remark of what is cancelled).
// What is sent for a read-only part is replaced by the filed data, so a
// client may send the document back as it got it.

// lockRecordSections puts the read-only parts of doc back from old (the
// stored document) or from the filed records. Called by SaveDocument after
// lockPrecheckFields.
func (s *Service) lockRecordSections(ctx context.Context, sa *storage.Application, doc *filing.Document, old filing.Document) error {
	one := func() {
		if len(doc.Websites) == 0 {
			doc.Websites = []filing.Website{{}}
		}
		doc.Websites = doc.Websites[:1]
	}
	switch sa.Flow {
	case filing.FlowNewWebsite:
		own, err := s.ownSubjectRecord(ctx, sa)
		if err != nil {
			return err
		}
		if own != nil {
			var sub filing.Subject
			if err := s.openJSON(own.Data, &sub); err != nil {
				return err
			}
			doc.Subject = sub
		}
	case filing.FlowNewAccess:
		one()
		own, err := s.ownSubjectRecord(ctx, sa)
		if err != nil || own == nil {
			return err // another account's filing: the applicant enters it (workflow.md)
		}
		sub, site, err := s.filedSubjectAndSite(ctx, sa, old)
		if err != nil {
			return err
		}
		if sub != nil {
			doc.Subject = *sub
		}
		if site != nil {
			access := doc.Websites[0].Access
			doc.Websites[0] = *site
			doc.Websites[0].Access = access
		}
	case filing.FlowChangeSubject:
		doc.Websites = nil
	case filing.FlowChangeWebsite:
		one()
		doc.Subject = old.Subject
		if len(old.Websites) > 0 {
			doc.Websites[0].Domain = old.Websites[0].Domain
			doc.Websites[0].Access = old.Websites[0].Access
		}
	case filing.FlowChangeAccess:
		one()
		doc.Subject = old.Subject
		if len(old.Websites) > 0 {
			access := doc.Websites[0].Access
			doc.Websites[0] = old.Websites[0]
			doc.Websites[0].Access = access
		}
	case filing.FlowCancelSubject:
		reason := doc.Subject.Remark
		*doc = old
		doc.Subject.Remark = strings.TrimSpace(reason)
	case filing.FlowCancelWebsite, filing.FlowCancelAccess:
		reason := ""
		if len(doc.Websites) > 0 {
			reason = doc.Websites[0].Remark
		}
		*doc = old
		if len(doc.Websites) > 0 {
			doc.Websites[0].Remark = strings.TrimSpace(reason)
		}
	}
	return nil
}

// ownSubjectRecord is the subject record a filing flow started from when
// the same account filed it here, else nil.
func (s *Service) ownSubjectRecord(ctx context.Context, sa *storage.Application) (*storage.SubjectRecord, error) {
	if sa.RecordNumber == "" {
		return nil, nil
	}
	sr, err := s.st.SubjectRecordByNumber(ctx, sa.RecordNumber)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, storeErr(err)
	}
	if sr.OwnerID != sa.OwnerID || sr.Status != storage.RecordActive {
		return nil, nil
	}
	return sr, nil
}

// filedSubjectAndSite are the filed subject and website of a new_access:
// Beian's records first, else the registry. nil when unknown (the
// pre-check found them, so only a registry change meanwhile gets here).
func (s *Service) filedSubjectAndSite(ctx context.Context, sa *storage.Application, old filing.Document) (*filing.Subject, *filing.Website, error) {
	var sub *filing.Subject
	var site *filing.Website
	domain := ""
	if len(old.Websites) > 0 {
		domain = old.Websites[0].Domain
	}
	if sa.RecordNumber != "" {
		sr, err := s.st.SubjectRecordByNumber(ctx, sa.RecordNumber)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, nil, storeErr(err)
		}
		if sr != nil && sr.Status == storage.RecordActive {
			sub = new(filing.Subject)
			if err := s.openJSON(sr.Data, sub); err != nil {
				return nil, nil, err
			}
		}
	}
	if domain != "" {
		ws, err := s.st.WebsiteRecordsByDomain(ctx, domain)
		if err != nil {
			return nil, nil, storeErr(err)
		}
		if len(ws) > 0 {
			site = new(filing.Website)
			if err := s.openJSON(ws[0].Data, site); err != nil {
				return nil, nil, err
			}
		}
	}
	if s.registry != nil && sub == nil {
		rs, err := s.registry.LookupSubject(ctx, old.Subject.CertType, old.Subject.CertNumber)
		if err != nil {
			return nil, nil, storeErr(err)
		}
		if rs != nil {
			filed := rs.Subject // a copy: the registry's answer may be cached
			sub = &filed
		}
	}
	if s.registry != nil && site == nil && domain != "" {
		rw, err := s.registry.LookupDomain(ctx, domain)
		if err != nil {
			return nil, nil, storeErr(err)
		}
		if rw != nil {
			filed := rw.Website
			filed.ContentTypes, filed.Languages, filed.PreApprovals = slices.Clone(filed.ContentTypes), slices.Clone(filed.Languages), slices.Clone(filed.PreApprovals)
			site = &filed
		}
	}
	if sub != nil {
		// The pre-check inputs stay as typed (lockPrecheckFields compares them).
		sub.CertType, sub.CertNumber = old.Subject.CertType, old.Subject.CertNumber
	}
	if site != nil {
		site.Domain = domain
	}
	return sub, site, nil
}

// recordViolations adjusts a document's violations for flows that start
// from filed records: a subject filed elsewhere must match the registry
// (new_website), and a cancellation is judged only on its reason (the
// filed data is on record; rules that changed since do not block it).
func (s *Service) recordViolations(ctx context.Context, sa *storage.Application, doc filing.Document, vs []filing.Violation) ([]filing.Violation, error) {
	switch sa.Flow {
	case filing.FlowNewAccess:
		own, err := s.ownSubjectRecord(ctx, sa)
		if err != nil {
			return nil, err
		}
		if own != nil {
			// The account's own filing, read-only here: what the rules find
			// in it cannot block this access (the applicant could not fix
			// it); the reviewer still sees it.
			return readOnlyAsWarnings(vs, func(field string) bool {
				return strings.HasPrefix(field, "subject.") || (strings.HasPrefix(field, "websites[0].") && !strings.HasPrefix(field, "websites[0].access"))
			}), nil
		}
		// Someone else's filing (here or through another provider): the
		// applicant entered it, and it must match what is filed.
		sub, site, err := s.filedSubjectAndSite(ctx, sa, doc)
		if err != nil {
			return nil, err
		}
		if sub != nil {
			vs = append(vs, subjectMismatches(doc.Subject, *sub)...)
		}
		if site != nil && len(doc.Websites) > 0 {
			vs = append(vs, websiteMismatches(doc.Websites[0], *site)...)
		}
	case filing.FlowNewWebsite:
		own, err := s.ownSubjectRecord(ctx, sa)
		if err != nil || s.registry == nil {
			return vs, err
		}
		if own != nil {
			return readOnlyAsWarnings(vs, func(field string) bool { return strings.HasPrefix(field, "subject.") }), nil
		}
		rs, err := s.registry.LookupSubject(ctx, doc.Subject.CertType, doc.Subject.CertNumber)
		if err != nil {
			return nil, storeErr(err)
		}
		if rs != nil {
			vs = append(vs, subjectMismatches(doc.Subject, rs.Subject)...)
		}
	case filing.FlowCancelSubject, filing.FlowCancelWebsite, filing.FlowCancelAccess:
		reason := doc.Subject.Remark
		if sa.Flow != filing.FlowCancelSubject && len(doc.Websites) > 0 {
			reason = doc.Websites[0].Remark
		}
		vs = nil
		if CancelReasonField(sa.Flow) != "" && strings.TrimSpace(reason) == "" {
			vs = append(vs, filing.Violation{Rule: "cancel.reason.missing", Field: CancelReasonField(sa.Flow), Severity: filing.SeverityWarning,
				Message: filing.Text{ZH: "请填写注销原因", EN: "give the reason for the cancellation"}})
		}
	}
	return vs, nil
}

// subjectMismatches compares what the applicant entered for a subject
// filed elsewhere with its filing: the bureau refuses a new website or
// access whose subject data differs from its filing (the seed's advice:
// change the subject first, then add websites).
func subjectMismatches(got, filed filing.Subject) []filing.Violation {
	var out []filing.Violation
	check := mismatch(&out)
	check("subject.name", got.Name, filed.Name, false)
	check("subject.nature", got.Nature, filed.Nature, false)
	check("subject.province", got.Province, filed.Province, false)
	check("subject.leader.name", got.Leader.Name, filed.Leader.Name, false)
	check("subject.leader.cert_number", got.Leader.CertNumber, filed.Leader.CertNumber, true)
	return out
}

// websiteMismatches compares what the applicant entered for a website
// filed elsewhere (a new access) with its filing.
func websiteMismatches(got, filed filing.Website) []filing.Violation {
	var out []filing.Violation
	check := mismatch(&out)
	check("websites[0].name", got.Name, filed.Name, false)
	check("websites[0].leader.name", got.Leader.Name, filed.Leader.Name, false)
	check("websites[0].leader.cert_number", got.Leader.CertNumber, filed.Leader.CertNumber, true)
	return out
}

// mismatch returns a check that adds precheck.subject_mismatch to out for
// a field whose entered value differs from the filed one.
func mismatch(out *[]filing.Violation) func(field, a, b string, fold bool) {
	return func(field, a, b string, fold bool) {
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		if a == "" || b == "" {
			return // empty: the required-field rules speak
		}
		if a == b || (fold && strings.EqualFold(a, b)) {
			return
		}
		*out = append(*out, fault.Violated("precheck.subject_mismatch", field))
	}
}

// readOnlyAsWarnings turns the errors on read-only fields into warnings.
func readOnlyAsWarnings(vs []filing.Violation, readOnly func(field string) bool) []filing.Violation {
	for i, v := range vs {
		if v.Severity == filing.SeverityError && readOnly(v.Field) && !strings.HasPrefix(v.Rule, "precheck.") {
			vs[i].Severity = filing.SeverityWarning
		}
	}
	return vs
}

// filedDocument is the record a change started from (storage keeps it
// sealed from the change's creation); nil for a change made before it was
// kept.
func (s *Service) filedDocument(ctx context.Context, appID string) (*filing.Document, error) {
	sealed, err := s.st.FiledDocument(ctx, appID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, storeErr(err)
	}
	var doc filing.Document
	if err := s.openJSON(sealed, &doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// changeNeed is an attachment a change needs because of what it changes.
type changeNeed struct {
	kind    string
	website int
	why     filing.Text
}

// changeNeeds are the new documents a change asks for (seed 5.1: the
// bureau files what it can prove): a renamed subject its new certificate,
// a new subject leader or website leader their ID. A person is replaced
// when the certificate differs (model.md "the same person").
func changeNeeds(doc, filed filing.Document) []changeNeed {
	var out []changeNeed
	switch doc.Flow {
	case filing.FlowChangeSubject:
		renamed := strings.TrimSpace(doc.Subject.Name) != strings.TrimSpace(filed.Subject.Name)
		if renamed && doc.Subject.Nature != refdata.NatureIndividual {
			out = append(out, changeNeed{KindSubjectCertificate, -1, filing.Text{ZH: "主办单位名称已变更，请上传变更后的证件",
				EN: "the subject's name changed: upload the certificate with the new name"}})
		}
		if !filing.SamePerson(doc.Subject.Leader, filed.Subject.Leader) {
			out = append(out, changeNeed{KindSubjectLeaderID, -1, filing.Text{ZH: "主体负责人已更换，请上传新负责人的证件",
				EN: "the subject leader was replaced: upload the new leader's ID"}})
		}
	case filing.FlowChangeWebsite:
		for i, w := range doc.Websites {
			if i < len(filed.Websites) && !filing.SamePerson(w.Leader, filed.Websites[i].Leader) {
				out = append(out, changeNeed{KindWebsiteLeaderID, i, filing.Text{ZH: "网站负责人已更换，请上传新负责人的证件",
					EN: "the website leader was replaced: upload the new leader's ID"}})
			}
		}
	}
	return out
}

// outdatedForms warns, for a change, of each verification form signed more
// than 3 months before submission (before it: today): the change goes
// through face-to-face verification again (rules.md
// attachment.verification_form_outdated; workflow.NeedsVerification).
func (s *Service) outdatedForms(sa *storage.Application, atts []*storage.Attachment) []filing.Violation {
	if !strings.HasPrefix(sa.Flow, "change_") {
		return nil
	}
	at := sa.SubmittedAt
	if at.IsZero() || workflow.Editable(workflow.State(sa.State)) {
		at = s.now() // a (re)submission is judged on the day it happens
	}
	var out []filing.Violation
	for _, a := range atts {
		if a.Kind != KindVerificationForm || a.SignedOn == "" {
			continue
		}
		signed, err := time.Parse(time.DateOnly, a.SignedOn)
		if err != nil || !workflow.NeedsVerification(sa.Flow, signed, at) {
			continue
		}
		out = append(out, filing.Violation{Rule: "attachment.verification_form_outdated", Field: fmt.Sprintf("attachments.%s[%d]", KindVerificationForm, a.Website),
			Severity: filing.SeverityWarning, Message: filing.Text{
				ZH: fmt.Sprintf("核验单签字日期 %s 已超过 3 个月：本次变更须重新进行当面核验（面签或幕布拍照并邮寄原件）；上传 3 个月内签字的核验单可免于重新核验", a.SignedOn),
				EN: fmt.Sprintf("the verification form was signed on %s, more than 3 months ago: this change goes through face-to-face verification again (signing at an office, or a backdrop photo and the originals by mail); a form signed within 3 months avoids it", a.SignedOn)}})
	}
	return out
}
