package service

import (
	"strings"

	"beian/internal/filing"
	"beian/internal/refdata"
)

// An individual's filing names one person throughout (model.md): the
// subject is the person, who is the subject's leader and every website's
// leader, and its own investor. The rules refuse anything else
// (subject.leader.not_self, website.leader.individual_mismatch,
// subject.investor.individual_mismatch), so what they demand is filled in
// where the applicant left it empty; nothing typed is overwritten.

// presetNature is the nature a certificate type allows alone (a resident
// ID: individual), for a new application.
func (s *Service) presetNature(doc *filing.Document) {
	if doc.Subject.Nature != "" {
		return
	}
	if ct, ok := s.ref.CertType(doc.Subject.CertType); ok && len(ct.Natures) == 1 {
		doc.Subject.Nature = ct.Natures[0]
	}
}

// individualDefaults fills an individual's empty leader and investor
// fields from the subject, and each website leader's from the subject's
// leader.
func individualDefaults(doc *filing.Document) {
	s := &doc.Subject
	if s.Nature != refdata.NatureIndividual {
		return
	}
	fill := func(dst *string, src string) {
		if strings.TrimSpace(*dst) == "" {
			*dst = src
		}
	}
	fill(&s.Leader.Name, s.Name)
	fill(&s.Leader.CertType, s.CertType)
	fill(&s.Leader.CertNumber, s.CertNumber)
	fill(&s.Investor, s.Name)
	for i := range doc.Websites {
		l := &doc.Websites[i].Leader
		fill(&l.Name, s.Leader.Name)
		fill(&l.CertType, s.Leader.CertType)
		fill(&l.CertNumber, s.Leader.CertNumber)
		fill(&l.CertValidFrom, s.Leader.CertValidFrom)
		fill(&l.CertValidUntil, s.Leader.CertValidUntil)
		fill(&l.OfficePhone, s.Leader.OfficePhone)
		fill(&l.Mobile, s.Leader.Mobile)
		fill(&l.Email, s.Leader.Email)
	}
}
