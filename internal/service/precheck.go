package service

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"beian/internal/bureau"
	"beian/internal/domainname"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/pii"
	"beian/internal/storage"
	"beian/internal/workflow"
)

// Registry is the bureau's national registry as the pre-check sees it
// (workflow.md "Choosing the flow"). The lifecycle work plugs in the
// simulator's; nil answers mean "not known there".
type Registry interface {
	LookupSubject(ctx context.Context, certType, certNumber string) (*RegistrySubject, error)
	LookupDomain(ctx context.Context, domain string) (*RegistryWebsite, error)
}

// RegistrySubject and RegistryWebsite are the bureau's records as its
// registry answers them: a subject with its websites, a website with the
// subject it belongs to.
type (
	RegistrySubject = bureau.Subject
	RegistryWebsite = bureau.Website
)

// PrecheckInput is what the applicant enters before an application exists.
type PrecheckInput struct {
	Domain, CertType, CertNumber string
}

// PrecheckResult is the flow to take, with the known records (nil when unknown).
type PrecheckResult struct {
	Flow    string
	Subject *filing.Subject
	Website *filing.Website

	// What the new application is pre-filled and linked with.
	domain        string
	subjectNumber string
	websiteNumber string
	ownRecord     bool // the subject is a record of this same account
}

func (s *Service) certHash(certType, certNumber string) string {
	return CertHash(s.seal, certType, certNumber)
}

// CertHash is the key a subject is found by: the keyed hash of its
// certificate type and number (the seeder writes records with it).
func CertHash(seal *pii.Sealer, certType, certNumber string) string {
	return seal.Hash(certType + "|" + strings.ToUpper(strings.TrimSpace(certNumber)))
}

func precheckRefusal(code string) error {
	e := fault.Words(fault.Conflict, code, "error."+code)
	e.Violations = []filing.Violation{{Rule: code, Field: "domain", Severity: filing.SeverityError, Message: e.Message}}
	return e
}

func errDomainInProgress() error {
	return precheckRefusal("precheck.domain_in_progress")
}

func errSubjectInProgress() error {
	return precheckRefusal("precheck.subject_in_progress")
}

func errSubjectChangeInProgress() error {
	return precheckRefusal("precheck.subject_change_in_progress")
}

func errAlreadyFiledHere() error {
	return precheckRefusal("precheck.already_filed_here")
}

func errDomainFiledByOther() error {
	return precheckRefusal("precheck.domain_filed_by_other")
}

// Precheck chooses the flow for a domain and a subject certificate
// (workflow.md decision table), consulting Beian's own records and the registry.
func (s *Service) Precheck(ctx context.Context, a *Account, in PrecheckInput) (*PrecheckResult, error) {
	if a == nil {
		return nil, fault.NewUnauthorized()
	}
	// Per account, in both doors: the pre-check looks into the registry, so a
	// script must not use it to enumerate filings.
	if ok, wait := s.precheckAcct.Allow(a.ID, s.now()); !ok {
		return nil, rateLimited(wait)
	}
	return s.precheck(ctx, a, in, "")
}

// blocks reports whether an open application reserves its subject and
// domains against account (workflow.md "What reserves a subject or a
// domain"): a submitted one always; a draft reserves nothing against other
// accounts, but an account does not open a second application beside its
// own draft (it continues that one). self, the application asking, never
// blocks itself.
func blocks(o storage.OpenApplication, accountID, self string) bool {
	return o.ID != self && (o.State != string(workflow.Draft) || o.OwnerID == accountID)
}

// precheck is the decision without the rate limit; self is the application
// it is made for again at submission ("" before one exists).
func (s *Service) precheck(ctx context.Context, a *Account, in PrecheckInput, self string) (*PrecheckResult, error) {
	in.CertType = strings.TrimSpace(in.CertType)
	in.CertNumber = strings.TrimSpace(in.CertNumber)
	// The inputs first, with the pure rules: nothing malformed is looked
	// up, and nothing malformed is ever locked into an application.
	if vs := s.rules.CheckPrecheck(in.Domain, in.CertType, in.CertNumber, s.now()); len(vs) > 0 {
		return nil, fault.NewInvalid(vs)
	}
	domain, err := domainname.Normalize(in.Domain)
	if err != nil { // CheckPrecheck parsed it
		return nil, err
	}
	hash := s.certHash(in.CertType, in.CertNumber)
	res := &PrecheckResult{domain: domain}

	// One reserving application per subject, nationally; a subject change
	// blocks the rest; a domain is reserved by one application at a time.
	open, sf, df, err := s.precheckFacts(ctx, in.CertType, in.CertNumber, hash, domain)
	if err != nil {
		return nil, err
	}
	if err := openRefusal(open, a.ID, self); err != nil {
		return nil, err
	}
	subjectKnown := sf.known
	if sf.known {
		res.subjectNumber = sf.number
		res.ownRecord = sf.ownerID != "" && sf.ownerID == a.ID
		sub := *sf.subject // a copy: the caller may pre-fill an application with it
		res.Subject = &sub
	}
	domainKnown := df.known
	belongs := df.known && df.certHash == hash
	accessedHere := df.accessedHere
	if df.known {
		res.websiteNumber = df.number
		site := *df.website // a copy, slices too
		site.ContentTypes, site.Languages = slices.Clone(site.ContentTypes), slices.Clone(site.Languages)
		site.PreApprovals, site.Access.IPs = slices.Clone(site.PreApprovals), slices.Clone(site.Access.IPs)
		res.Website = &site
	}
	if !res.ownRecord {
		// Only the account that filed a record here sees it: anyone else
		// (and everyone, for a record filed through another provider) gets
		// the flow and the subject's name, and enters the rest itself
		// (workflow.md). A public credit code must not reveal the leader.
		if res.Subject != nil {
			res.Subject = &filing.Subject{Name: res.Subject.Name}
		}
		res.Website = nil
	}
	switch {
	case !domainKnown && !subjectKnown:
		res.Flow = filing.FlowFirstFiling
		res.Subject = nil
	case domainKnown && (!subjectKnown || !belongs):
		return nil, errDomainFiledByOther()
	case !domainKnown:
		res.Flow = filing.FlowNewWebsite
		res.Website = nil
	case accessedHere:
		return nil, errAlreadyFiledHere()
	default:
		res.Flow = filing.FlowNewAccess
	}
	// The domain's registration, once the flow is settled (a refusal of
	// the records speaks first). At submission (self set) its facts are
	// violations of the document instead, with every other one.
	if self == "" {
		var known *filing.Subject
		if sf.known {
			known = sf.subject
		}
		if err := s.precheckDomain(ctx, domain, in.CertType, in.CertNumber, known); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// openRefusal is the refusal the open applications of a subject and of
// domains make for account (nil when none blocks it): a subject change
// first, then the subject, then a domain.
func openRefusal(open openFacts, accountID, self string) error {
	var subject, change, domain bool
	for _, o := range open.subject {
		if blocks(o, accountID, self) {
			subject = true
			change = change || o.Flow == filing.FlowChangeSubject
		}
	}
	for _, o := range open.domain {
		domain = domain || blocks(o, accountID, self)
	}
	switch {
	case change:
		return errSubjectChangeInProgress()
	case subject:
		return errSubjectInProgress()
	case domain:
		return errDomainInProgress()
	}
	return nil
}

// subjectFacts is what the records and the registry say about a subject
// certificate; domainFacts about a domain; openFacts whether either is in
// an open application. All three are cached for seconds
// (precheckCacheTTL): the facts keyed by the certificate hash and the
// domain, dropped when this instance commits a record or registry change;
// the open applications keyed by both, dropped by any application write
// of this instance. Another instance's changes show within the TTL (or
// milliseconds after their commit where the store announces them, when
// entries may live for announcedCacheTTL), and
// creating an application checks again inside its transaction, so a stale
// "none open" can never open a second application.
type subjectFacts struct {
	known   bool
	number  string
	ownerID string          // the account that filed it here; "" at the bureau
	subject *filing.Subject // unmasked; never modified
}

type domainFacts struct {
	known        bool
	number       string
	certHash     string // of the subject it is filed under
	accessedHere bool
	website      *filing.Website // unmasked; never modified
}

// openFacts are the open applications, drafts included: whom they block
// depends on who asks (blocks).
type openFacts struct{ subject, domain []storage.OpenApplication }

// precheckCacheTTL bounds how long another instance's record change may
// go unseen by this instance's pre-check. The size bounds the memory: an
// entry holds an unsealed subject or website (about a kilobyte), and the
// heap grows by twice what stays live.
const (
	precheckCacheTTL  = 2 * time.Second
	precheckCacheSize = 8192
)

// precheckFacts answers from the caches, or else reads Beian's own tables
// in one query (storage.PrecheckFacts) and asks the registry only about a
// subject or domain not filed here. A subject without websites left (空壳)
// counts as unknown.
func (s *Service) precheckFacts(ctx context.Context, certType, certNumber, hash, domain string) (openFacts, subjectFacts, domainFacts, error) {
	var (
		open openFacts
		sf   subjectFacts
		df   domainFacts
	)
	// Generations before the reads: a change meanwhile invalidates what they cache.
	gen, agen := s.st.PublicGeneration(), s.st.ApplicationsGeneration()
	openS, okOpenS := s.openSubjects.get(hash, agen)
	openD, okOpenD := s.openDomains.get(domain, agen)
	sf, okSubject := s.subjects.get(hash, gen)
	df, okDomain := s.domains.get(domain, gen)
	open = openFacts{subject: openS.subject, domain: openD.domain}
	// Ask only what the caches do not know: a known applicant trying a new
	// domain costs the domain's half of the query.
	askSubject, askDomain := !okOpenS || !okSubject, !okOpenD || !okDomain
	var probe *storage.RegistryProbe
	if s.registryKeys != nil {
		p := s.registryKeys(certType, certNumber, domain)
		probe = &p
	}
	// A domain no table here holds (the store's exact filter says so) is
	// in no application and no record here, nor in the simulator's
	// registry when it shares the store: that half needs no query.
	// The same for a subject no table here holds (a first filing).
	if askSubject && !s.st.SubjectMayBeKnown(hash) && (probe == nil || !s.st.SubjectMayBeKnown(probe.CertHash)) {
		askSubject, open.subject = false, nil
		var err error
		if sf, _, err = s.subjectFacts(ctx, certType, certNumber, nil, probe == nil); err != nil {
			return open, sf, df, err
		}
	}
	if askDomain && !s.st.DomainMayBeKnown(domain) && (probe == nil || !s.st.DomainMayBeKnown(probe.Domain)) {
		askDomain, open.domain = false, nil
		var err error
		if df, _, err = s.domainFacts(ctx, domain, nil, probe == nil); err != nil {
			return open, sf, df, err
		}
	}
	if !askSubject && !askDomain {
		return open, sf, df, nil
	}
	qHash, qDomain := "", ""
	if askSubject {
		qHash = hash
	}
	if askDomain {
		qDomain = domain
	}
	local, err := s.st.PrecheckFacts(ctx, qHash, qDomain, probe)
	if err != nil {
		return open, sf, df, storeErr(err)
	}
	if askSubject && !okOpenS {
		open.subject = local.OpenBySubject
		s.openSubjects.put(hash, openFacts{subject: open.subject}, agen)
	}
	if askDomain && !okOpenD {
		open.domain = local.OpenByDomain
		s.openDomains.put(domain, openFacts{domain: open.domain}, agen)
	}
	// The facts are cached when they came from this store alone (its
	// records, and the probe of the registry's tables); an answer the
	// registry gave is its own decorator's to cache (CachedRegistry).
	if askSubject && !okSubject {
		asked := false
		if sf, asked, err = s.subjectFacts(ctx, certType, certNumber, local.Subject, probe == nil || local.RegistrySubject); err != nil {
			return open, sf, df, err
		}
		if !asked {
			s.subjects.put(hash, sf, gen)
		}
	}
	if askDomain && !okDomain {
		asked := false
		if df, asked, err = s.domainFacts(ctx, domain, local.Website, probe == nil || local.RegistryDomain); err != nil {
			return open, sf, df, err
		}
		if !asked {
			s.domains.put(domain, df, gen)
		}
	}
	return open, sf, df, nil
}

// subjectFacts unseals the subject record filed here, or asks the
// registry when it may know the subject (ask: always, but when the probe
// of its tables in this store said it does not); asked says it did.
func (s *Service) subjectFacts(ctx context.Context, certType, certNumber string, own *storage.PrecheckSubject, ask bool) (subjectFacts, bool, error) {
	if own != nil {
		var sub filing.Subject
		if err := s.openJSON(own.Data, &sub); err != nil {
			return subjectFacts{}, false, err
		}
		return subjectFacts{known: true, number: own.Number, ownerID: own.OwnerID, subject: &sub}, false, nil
	}
	if s.registry == nil || !ask {
		return subjectFacts{}, false, nil
	}
	rs, err := s.registry.LookupSubject(ctx, certType, certNumber)
	if err != nil {
		return subjectFacts{}, true, storeErr(err)
	}
	if rs == nil || len(rs.Websites) == 0 {
		return subjectFacts{}, true, nil
	}
	sub := rs.Subject
	return subjectFacts{known: true, number: rs.Number, subject: &sub}, true, nil
}

// domainFacts unseals the website record filed here, or asks the registry
// when it may know the domain; asked says it did.
func (s *Service) domainFacts(ctx context.Context, domain string, w *storage.PrecheckWebsite, ask bool) (domainFacts, bool, error) {
	if w != nil {
		var site filing.Website
		if err := s.openJSON(w.Data, &site); err != nil {
			return domainFacts{}, false, err
		}
		return domainFacts{known: true, number: w.Number, certHash: w.CertHash, website: &site, accessedHere: w.AccessedHere}, false, nil
	}
	if s.registry == nil || !ask {
		return domainFacts{}, false, nil
	}
	rw, err := s.registry.LookupDomain(ctx, domain)
	if err != nil {
		return domainFacts{}, true, storeErr(err)
	}
	if rw == nil {
		return domainFacts{}, true, nil
	}
	site := rw.Website
	return domainFacts{known: true, number: rw.Number, certHash: s.certHash(rw.SubjectCertType, rw.SubjectCertNumber), website: &site,
		accessedHere: slices.Contains(rw.Providers, s.cfg.Provider.Name)}, true, nil
}

// openJSON unseals a stored JSON value into v.
func (s *Service) openJSON(sealed string, v any) error {
	b, err := s.seal.OpenBytes(sealed)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// sealJSON seals v's JSON.
func (s *Service) sealJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return s.seal.SealBytes(b), nil
}
