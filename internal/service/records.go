package service

import (
	"context"
	"encoding/json"
	"time"

	"beian/internal/bureau"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/pii"
	"beian/internal/storage"
)

// Filing records (workflow.md "Filing records"): approval writes them
// (lifecycle.go, writeRecords); "my filings" lists an account's records,
// and changes and cancellations start from them. The pre-check consults
// them and the bureau's national registry, adapted here.

// BureauRegistry is the bureau's registry (the simulator's, the relay's
// mirror, or a real adapter's) as the pre-check's Registry: the same
// questions with the same answers.
func BureauRegistry(b bureau.Registry) Registry { return b }

// --- my filings ---

// FilingSubject is one of the account's subject records with its websites,
// personal data masked.
type FilingSubject struct {
	Number, Status, Name, Nature, Province, ApprovedOn string
	Version                                            int
	UpdatedAt                                          time.Time
	Subject                                            filing.Subject
	Websites                                           []FilingWebsite
	// OpenApplication is the id of the subject's open application, if any:
	// no change or cancellation can start meanwhile.
	OpenApplication string
	// Changes and Cancels are the flows the subject record offers now.
	Changes, Cancels []string
}

// FilingWebsite is a website record with this provider's access.
type FilingWebsite struct {
	Number, Status, Domain, Name, ApprovedOn string
	Version                                  int
	UpdatedAt                                time.Time
	Website                                  filing.Website // access included when hosted here
	AccessStatus                             string         // active | cancelled | "" (never hosted here)
	// Changes and Cancels are the flows the website record offers now: the
	// access ones only where this provider hosts it.
	Changes, Cancels []string
}

// Filings lists the account's filing records ("我的备案"), subjects with
// their websites and access, personal data masked.
func (s *Service) Filings(ctx context.Context, a *Account) ([]FilingSubject, error) {
	if a == nil {
		return nil, fault.NewUnauthorized()
	}
	// Four queries for the whole list, however many records it holds.
	subs, err := s.st.SubjectRecordsByOwner(ctx, a.ID)
	if err != nil {
		return nil, storeErr(err)
	}
	open, err := s.st.OpenApplicationsByOwner(ctx, a.ID)
	if err != nil {
		return nil, storeErr(err)
	}
	sites, err := s.st.WebsiteRecordsByOwner(ctx, a.ID)
	if err != nil {
		return nil, storeErr(err)
	}
	accs, err := s.st.AccessRecordsByOwner(ctx, a.ID)
	if err != nil {
		return nil, storeErr(err)
	}
	accessOf := map[string][]*storage.AccessRecord{}
	for _, ar := range accs {
		accessOf[ar.WebsiteID] = append(accessOf[ar.WebsiteID], ar)
	}
	sitesOf := map[string][]*storage.WebsiteRecord{}
	for _, wr := range sites {
		sitesOf[wr.SubjectID] = append(sitesOf[wr.SubjectID], wr)
	}
	out := make([]FilingSubject, 0, len(subs))
	for _, sr := range subs {
		fs := FilingSubject{Number: sr.Number, Status: sr.Status, Name: sr.Name, Nature: sr.Nature, Province: sr.Province,
			ApprovedOn: sr.ApprovedOn, Version: sr.Version, UpdatedAt: sr.UpdatedAt, Websites: []FilingWebsite{},
			OpenApplication: open[sr.CertHash]}
		if err := s.openJSON(sr.Data, &fs.Subject); err != nil {
			return nil, err
		}
		maskSubject(&fs.Subject)
		for _, wr := range sitesOf[sr.ID] {
			fw := FilingWebsite{Number: wr.Number, Status: wr.Status, Domain: wr.Domain, Name: wr.Name, ApprovedOn: wr.ApprovedOn,
				Version: wr.Version, UpdatedAt: wr.UpdatedAt}
			if err := s.openJSON(wr.Data, &fw.Website); err != nil {
				return nil, err
			}
			MaskPerson(&fw.Website.Leader)
			fw.Website.Leader.Email = pii.MaskEmail(fw.Website.Leader.Email)
			for _, ar := range accessOf[wr.ID] {
				fw.AccessStatus = ar.Status
				if ar.Status == storage.RecordActive {
					_ = json.Unmarshal([]byte(ar.Data), &fw.Website.Access)
					break
				}
			}
			fw.Changes, fw.Cancels = websiteOffers(fs, fw)
			fs.Websites = append(fs.Websites, fw)
		}
		if fs.Status == storage.RecordActive && fs.OpenApplication == "" {
			fs.Changes, fs.Cancels = []string{filing.FlowChangeSubject}, []string{filing.FlowCancelSubject}
		}
		out = append(out, fs)
	}
	return out, nil
}

// websiteOffers are the changes and cancellations a website record offers:
// none while its subject is not active or has an open application, or the
// website is cancelled; the access flows only where this provider hosts it.
func websiteOffers(fs FilingSubject, fw FilingWebsite) (changes, cancels []string) {
	if fs.Status != storage.RecordActive || fs.OpenApplication != "" || fw.Status == storage.RecordCancelled {
		return nil, nil
	}
	changes, cancels = []string{filing.FlowChangeWebsite}, []string{filing.FlowCancelWebsite}
	if fw.AccessStatus == storage.RecordActive {
		changes, cancels = append(changes, filing.FlowChangeAccess), append(cancels, filing.FlowCancelAccess)
	}
	return changes, cancels
}

func maskSubject(sub *filing.Subject) {
	// Masked for enterprises too: lists show no certificate number in clear
	// (issue 8); the application view has it in full for its owner.
	sub.CertNumber = pii.MaskCert(sub.CertNumber)
	MaskPerson(&sub.Leader)
	sub.Leader.Email = pii.MaskEmail(sub.Leader.Email)
	sub.EmergencyPhone = pii.MaskMobile(sub.EmergencyPhone)
}

// hostedElsewhere reports whether the registry lists another provider
// hosting the domain: then cancelling this provider's access leaves the
// website filed (active), else it is left without access (no_access, 空壳).
// Called inside the approval's transaction, it reads the registry's
// committed state, from before this approval.
func (s *Service) hostedElsewhere(ctx context.Context, domain string) (bool, error) {
	if s.registry == nil {
		return false, nil
	}
	rw, err := s.registry.LookupDomain(ctx, domain)
	if err != nil || rw == nil {
		return false, err
	}
	for _, p := range rw.Providers {
		if p != s.cfg.Provider.Name {
			return true, nil
		}
	}
	return false, nil
}

// cancelShellRecords cancels the subject records of a first filing's
// certificate that have no website left (空壳): the subject was filed anew
// under a new number and the bureau voided the old one.
func (s *Service) cancelShellRecords(ctx context.Context, tx *storage.Tx, cur *storage.Application, now time.Time) error {
	subs, err := tx.SubjectRecordsByCert(ctx, cur.SubjectCertHash, storage.RecordActive)
	if err != nil {
		return err
	}
	for _, sr := range subs {
		sites, err := tx.WebsiteRecordsBySubject(ctx, sr.ID)
		if err != nil {
			return err
		}
		shell := true
		for _, w := range sites {
			shell = shell && w.Status == storage.RecordCancelled
		}
		if !shell {
			continue
		}
		sr.Status, sr.ApplicationID, sr.UpdatedAt = storage.RecordCancelled, cur.ID, now
		if err := tx.PutSubjectRecord(ctx, sr); err != nil {
			return err
		}
	}
	return nil
}
