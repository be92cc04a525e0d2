package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"beian/internal/domainname"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/notify"
	"beian/internal/pii"
	"beian/internal/rules"
	"beian/internal/storage"
	"beian/internal/words"
	"beian/internal/workdays"
	"beian/internal/workflow"
)

// Application is an application as both doors show it.
type Application struct {
	ID, Flow, State, Province, OwnerID string
	Document                           filing.Document
	Violations                         []filing.Violation
	Attachments                        []Attachment
	History                            []Transition
	SMS                                []SMSStatus
	DueAt                              time.Time
	ETA                                string // YYYY-MM-DD, empty when closed
	Numbers                            *Numbers
	CreatedAt, UpdatedAt, SubmittedAt  time.Time
	Rejection                          []filing.Reason // reasons of the last rejection, while it stands
	RecordNumber                       string          // change/cancel: the record it started from
	Progress                           Progress        // progress.go: where it stands, as the applicant is told
	// Actions are what its applicant may do now (actions.go); none for a
	// staff viewer.
	Actions Actions
	// Plan is its attachments, kind by kind and website by website: what is
	// required, what may be uploaded now, what is there and what is missing
	// (attachments.go).
	Plan []Slot
	// FromOwnRecord: a new website or access of a subject this account
	// filed here; its filed parts are pre-filled and read-only. Anyone
	// else's filing is entered by the applicant (workflow.md).
	FromOwnRecord bool
	// Filed is the filing record a change started from, as it stood then
	// (nil for other flows): the "before" of the change (changes.go).
	Filed *filing.Document
	// Supplements are the reviewers' requests for supplementary documents
	// (supplements.go).
	Supplements []Supplement
	// Holders are the websites' declared domain holders with their proof
	// and the reviewer's confirmation (holders.go).
	Holders []HolderDeclaration

	version int
}

// Transition is one step of the timeline.
type Transition struct {
	At       time.Time
	Actor    string // the role that acted: applicant, reviewer, admin, bureau, scheduler
	Event    string // the workflow event (submit, approve, reject_materials …)
	From, To string
	Reasons  []filing.Reason
}

// SMSStatus is one leader's bureau SMS check (filled by the lifecycle work).
type SMSStatus struct {
	Role, Mobile, Status string // Mobile masked
	AttemptsLeft         int
	Deadline             time.Time // when the codes lapse (24 hours after the submission to the bureau)
}

// Numbers are the ICP numbers issued on approval.
type Numbers struct {
	Subject  string
	Websites []string
}

// ApplicationSummary is one line of the applicant's list.
type ApplicationSummary struct {
	ID, Flow, State, Province, SubjectName string
	Domains                                []string
	ETA                                    string
	UpdatedAt                              time.Time
	Editable                               bool // the applicant may change it now
	Copyable                               bool // withdrawn: may start a new draft (copy.go)
}

// CreateInput starts an application: domain and certificate for the filing
// flows (after the pre-check), or flow and record number for changes and cancellations.
type CreateInput struct {
	Domain, CertType, CertNumber, Flow, Record string
}

func errLocked() error {
	return fault.Words(fault.Locked, "application.locked", "error.application.locked")
}

func errLockedField(field string) error {
	e := fault.Words(fault.Locked, "application.locked_field", "error.application.locked_field")
	e.Violations = []filing.Violation{{Rule: "application.locked_field", Field: field, Severity: filing.SeverityError, Message: e.Message}}
	return e
}

func invalidTransition(err error) error {
	return fault.Words(fault.Locked, fault.CodeInvalidTransition, "error.invalid_transition.action_possible_application").Wrap(err)
}

// filingFlow reports whether flow starts from the pre-check.
func filingFlow(flow string) bool {
	return flow == filing.FlowFirstFiling || flow == filing.FlowNewWebsite || flow == filing.FlowNewAccess
}

// CreateApplication starts a draft: for filings after re-running the
// pre-check (409 as pre-check), for changes and cancellations from one of
// the account's records.
func (s *Service) CreateApplication(ctx context.Context, a *Account, in CreateInput) (*Application, error) {
	if a == nil {
		return nil, fault.NewUnauthorized()
	}
	in.Flow = strings.TrimSpace(in.Flow)
	if in.Flow != "" && !slices.Contains(filing.Flows, in.Flow) {
		return nil, fault.NewInvalid([]filing.Violation{{Rule: "application.flow.invalid", Field: "flow", Severity: filing.SeverityError,
			Message: filing.Text{ZH: "未知的备案类型", EN: "unknown flow"}}})
	}
	if in.Flow != "" && !filingFlow(in.Flow) {
		return s.createFromRecord(ctx, a, in)
	}
	pc, err := s.Precheck(ctx, a, PrecheckInput{Domain: in.Domain, CertType: in.CertType, CertNumber: in.CertNumber})
	if err != nil {
		return nil, err
	}
	if in.Flow != "" && in.Flow != pc.Flow {
		return nil, errFlowMismatch(pc.Flow, in.Flow)
	}
	// Pre-filled as the pre-check showed it: the account's own record in
	// full, anyone else's as the subject's name only (workflow.md).
	doc := filing.Document{Flow: pc.Flow}
	if pc.Subject != nil {
		doc.Subject = *pc.Subject
	}
	doc.Subject.CertType, doc.Subject.CertNumber = strings.TrimSpace(in.CertType), strings.TrimSpace(in.CertNumber)
	s.presetNature(&doc) // individual.go
	site := filing.Website{Domain: pc.domain}
	if pc.Website != nil {
		site = *pc.Website
		site.Domain = pc.domain
		site.Access = filing.Access{}
	}
	doc.Websites = []filing.Website{site}
	individualDefaults(&doc)
	return s.insertApplication(ctx, a, doc, pc.subjectNumber)
}

func errFlowMismatch(chosen, asked string) error {
	return fault.New(fault.Conflict, "precheck.flow_mismatch",
		words.T("zh", "error.precheck.flow_mismatch", flowLabel(chosen, "zh"), flowLabel(asked, "zh")),
		words.T("en", "error.precheck.flow_mismatch", flowLabel(chosen, "en"), flowLabel(asked, "en")))
}

// MaxDrafts is the most drafts one account holds at once (workflow.md).
const MaxDrafts = 5

// reserve checks, inside a write transaction and under the subject's and
// the domains' locks, that no open application blocks account's
// application self (blocks): the pre-check's refusal codes otherwise.
func (s *Service) reserve(ctx context.Context, tx *storage.Tx, accountID, self, certHash string, domains []string) error {
	if err := tx.LockKey(ctx, "subject:"+certHash); err != nil {
		return err
	}
	// In one order, so two transactions never wait on each other's locks.
	for _, d := range slices.Sorted(slices.Values(domains)) {
		if d != "" {
			if err := tx.LockKey(ctx, "domain:"+d); err != nil {
				return err
			}
		}
	}
	bySubject, byDomain, err := tx.OpenApplicationsFor(ctx, certHash, domains)
	if err != nil {
		return err
	}
	return openRefusal(openFacts{subject: bySubject, domain: byDomain}, accountID, self)
}

func (s *Service) insertApplication(ctx context.Context, a *Account, doc filing.Document, record string) (*Application, error) {
	now := s.now()
	sealed, err := s.sealJSON(doc)
	if err != nil {
		return nil, err
	}
	sa := &storage.Application{ID: uuid.Must(uuid.NewV7()).String(), OwnerID: a.ID, Flow: doc.Flow, State: string(workflow.Draft), Open: true,
		Province: doc.Subject.Province, SubjectName: doc.Subject.Name, SubjectCertType: doc.Subject.CertType,
		SubjectCertHash: s.certHash(doc.Subject.CertType, doc.Subject.CertNumber), RecordNumber: record,
		Document: sealed, Domains: domainsOf(doc), MobileHashes: s.mobileHashes(doc), CreatedAt: now, UpdatedAt: now}
	err = s.st.Tx(ctx, func(tx *storage.Tx) error {
		// The pre-check ran on the read pool; re-check under a lock so two
		// requests (or two instances) racing cannot both open one.
		domain := ""
		if filingFlow(doc.Flow) && len(sa.Domains) > 0 {
			domain = sa.Domains[0]
		}
		if err := s.reserve(ctx, tx, a.ID, sa.ID, sa.SubjectCertHash, []string{domain}); err != nil {
			return err
		}
		// At most MaxDrafts drafts per account: drafts reserve nothing, so
		// this bounds what one account can hold (workflow.md).
		if err := tx.LockKey(ctx, "drafts:"+a.ID); err != nil {
			return err
		}
		if n, err := tx.CountDrafts(ctx, a.ID); err != nil {
			return err
		} else if n >= MaxDrafts {
			return fault.Words(fault.Conflict, "application.drafts.too_many", "error.application.drafts.too_many", n, MaxDrafts)
		}
		if err := tx.CreateApplication(ctx, sa); err != nil {
			return err
		}
		if strings.HasPrefix(doc.Flow, "change_") { // the "before" of the change (changes.go)
			if err := tx.PutFiledDocument(ctx, sa.ID, sealed, now); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, &storage.AuditEntry{At: now, ActorID: a.ID, ActorRole: a.Role, Action: "application.create",
			ObjectType: "application", ObjectID: sa.ID, Detail: doc.Flow})
	})
	if err != nil {
		return nil, storeErr(err)
	}
	return s.view(ctx, a, sa)
}

// createFromRecord starts a change or cancellation from one of the account's records.
func (s *Service) createFromRecord(ctx context.Context, a *Account, in CreateInput) (*Application, error) {
	number := strings.TrimSpace(in.Record)
	var subj *storage.SubjectRecord
	var site *storage.WebsiteRecord
	var err error
	bySubject := in.Flow == filing.FlowChangeSubject || in.Flow == filing.FlowCancelSubject
	if bySubject {
		subj, err = s.st.SubjectRecordByNumber(ctx, number)
	} else {
		site, err = s.st.WebsiteRecordByNumber(ctx, number)
		if err == nil {
			subj, err = s.st.SubjectRecord(ctx, site.SubjectID)
		}
	}
	if errors.Is(err, storage.ErrNotFound) || (err == nil && subj.OwnerID != a.ID) {
		return nil, notFound()
	}
	if err != nil {
		return nil, storeErr(err)
	}
	if subj.Status != storage.RecordActive || (site != nil && site.Status == storage.RecordCancelled) {
		return nil, fault.Words(fault.Conflict, "record.cancelled", "error.record.cancelled")
	}
	open, err := s.st.OpenApplicationsBySubject(ctx, subj.CertHash)
	if err != nil {
		return nil, storeErr(err)
	}
	if slices.ContainsFunc(open, func(o storage.OpenApplication) bool { return blocks(o, a.ID, "") }) {
		return nil, errSubjectInProgress()
	}
	doc := filing.Document{Flow: in.Flow}
	if err := s.openJSON(subj.Data, &doc.Subject); err != nil {
		return nil, err
	}
	if site != nil {
		var w filing.Website
		if err := s.openJSON(site.Data, &w); err != nil {
			return nil, err
		}
		acc, err := s.st.AccessRecordsByWebsite(ctx, site.ID)
		if err != nil {
			return nil, storeErr(err)
		}
		hosted := false
		for _, r := range acc {
			if r.Status == storage.RecordActive {
				_ = json.Unmarshal([]byte(r.Data), &w.Access)
				hosted = true
			}
		}
		// Access is changed or cancelled only where this provider hosts the
		// website (the records' offers, records.go).
		if !hosted && (in.Flow == filing.FlowChangeAccess || in.Flow == filing.FlowCancelAccess) {
			return nil, fault.Words(fault.Conflict, "record.not_hosted", "error.record.not_hosted")
		}
		doc.Websites = []filing.Website{w}
	}
	return s.insertApplication(ctx, a, doc, number)
}

// load reads an application the account may see: its own (staff: any).
func (s *Service) load(ctx context.Context, a *Account, id string) (*storage.Application, error) {
	if a == nil {
		return nil, fault.NewUnauthorized()
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, notFound()
	}
	sa, err := s.st.Application(ctx, id)
	if err != nil {
		return nil, storeErr(err)
	}
	if sa.OwnerID != a.ID && !a.IsStaff() {
		return nil, notFound()
	}
	return sa, nil
}

// GetApplication returns one of the account's applications with its current violations.
func (s *Service) GetApplication(ctx context.Context, a *Account, id string) (*Application, error) {
	sa, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if sa.OwnerID != a.ID {
		// A staff read of someone's personal data is audited (issue 8).
		if err := s.st.Tx(ctx, func(tx *storage.Tx) error {
			return tx.Audit(ctx, &storage.AuditEntry{At: s.now(), ActorID: a.ID, ActorRole: a.Role, Action: "application.read",
				ObjectType: "application", ObjectID: sa.ID})
		}); err != nil {
			return nil, storeErr(err)
		}
	}
	return s.view(ctx, a, sa)
}

// ListApplications lists the account's own applications, newest first.
func (s *Service) ListApplications(ctx context.Context, a *Account) ([]ApplicationSummary, error) {
	if a == nil {
		return nil, fault.NewUnauthorized()
	}
	list, err := s.st.ApplicationsByOwner(ctx, a.ID)
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]ApplicationSummary, 0, len(list))
	for _, sa := range list {
		out = append(out, ApplicationSummary{ID: sa.ID, Flow: sa.Flow, State: sa.State, Province: sa.Province,
			SubjectName: sa.SubjectName, Domains: sa.Domains, ETA: s.eta(sa, nil), UpdatedAt: sa.UpdatedAt,
			Editable: workflow.Editable(workflow.State(sa.State)), Copyable: copyable(sa.State, sa.Flow)})
	}
	return out, nil
}

// SaveDocument stores a new version of the document. Saving with
// violations is allowed; the answer carries them. Locked in every state but
// draft and the two rejections; the pre-check inputs must be equal or empty.
func (s *Service) SaveDocument(ctx context.Context, a *Account, id string, doc filing.Document) (*Application, error) {
	sa, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if sa.OwnerID != a.ID {
		return nil, notFound() // staff read, they do not write applicants' documents
	}
	if !workflow.Editable(workflow.State(sa.State)) {
		return nil, errLocked()
	}
	// The bounds before any other work (rules.md "Bounds"): the API
	// checked them while decoding; the HTML door builds documents from forms.
	if vs := filing.CheckBounds(&doc, s.rules.MaxWebsites()); len(vs) > 0 {
		return nil, fault.NewBounds(vs)
	}
	var old filing.Document
	if err := s.openJSON(sa.Document, &old); err != nil {
		return nil, err
	}
	individualDefaults(&doc) // individual.go; before the locks put back what may not change
	if err := lockPrecheckFields(&doc, old); err != nil {
		return nil, err
	}
	if err := s.lockRecordSections(ctx, sa, &doc, old); err != nil { // read-only parts by flow (changes.go)
		return nil, err
	}
	doc.AsOf = "" // the server judges validity periods against today, not a date the client picks
	rules.Normalize(&doc)
	atts, err := s.st.Attachments(ctx, sa.ID)
	if err != nil {
		return nil, storeErr(err)
	}
	if err := checkWebsitesKept(old, doc, atts); err != nil { // actions.go
		return nil, err
	}
	sealed, err := s.sealJSON(doc)
	if err != nil {
		return nil, err
	}
	now := s.now()
	sa.Document, sa.Province, sa.SubjectName = sealed, doc.Subject.Province, doc.Subject.Name
	sa.Domains, sa.MobileHashes, sa.UpdatedAt = domainsOf(doc), s.mobileHashes(doc), now
	if err := s.st.Tx(ctx, func(tx *storage.Tx) error { return tx.UpdateApplication(ctx, sa) }); err != nil {
		return nil, storeErr(err)
	}
	return s.view(ctx, a, sa)
}

// lockPrecheckFields fills the locked pre-check inputs where doc leaves
// them empty and refuses any other value.
func lockPrecheckFields(doc *filing.Document, old filing.Document) error {
	if doc.Flow == "" {
		doc.Flow = old.Flow
	} else if strings.TrimSpace(doc.Flow) != old.Flow {
		return errLockedField("flow")
	}
	doc.Flow = old.Flow
	lock := func(v *string, want, field string, eq func(a, b string) bool) error {
		got := strings.TrimSpace(*v)
		if got == "" || eq(got, want) {
			*v = want
			return nil
		}
		return errLockedField(field)
	}
	same := func(a, b string) bool { return a == b }
	sameCert := func(a, b string) bool { return strings.EqualFold(a, b) }
	if old.Subject.CertType != "" {
		if err := lock(&doc.Subject.CertType, old.Subject.CertType, "subject.cert_type", same); err != nil {
			return err
		}
		if err := lock(&doc.Subject.CertNumber, old.Subject.CertNumber, "subject.cert_number", sameCert); err != nil {
			return err
		}
	}
	// Changes and cancellations keep the subject's province (workflow.md: a
	// change_subject may not move it; other flows do not touch the subject).
	if !filingFlow(old.Flow) && old.Subject.Province != "" {
		if err := lock(&doc.Subject.Province, old.Subject.Province, "subject.province", same); err != nil {
			return err
		}
	}
	if (filingFlow(old.Flow) || old.Flow == filing.FlowChangeWebsite || old.Flow == filing.FlowChangeAccess ||
		old.Flow == filing.FlowCancelWebsite || old.Flow == filing.FlowCancelAccess) && len(old.Websites) > 0 {
		if len(doc.Websites) == 0 {
			doc.Websites = []filing.Website{{}}
		}
		sameDomain := func(a, b string) bool {
			n, err := domainname.Normalize(a)
			return err == nil && n == b
		}
		if err := lock(&doc.Websites[0].Domain, old.Websites[0].Domain, "websites[0].domain", sameDomain); err != nil {
			return err
		}
	}
	return nil
}

func domainsOf(doc filing.Document) []string {
	out := make([]string, 0, len(doc.Websites))
	for _, w := range doc.Websites {
		d, err := domainname.Normalize(w.Domain)
		if err != nil {
			d = strings.ToLower(strings.TrimSpace(w.Domain))
		}
		out = append(out, d)
	}
	return out
}

// mobileHashes are the keyed hashes of the leaders' mobiles.
func (s *Service) mobileHashes(doc filing.Document) map[string]string {
	out := map[string]string{"subject_leader": s.seal.Hash(strings.TrimSpace(doc.Subject.Leader.Mobile))}
	for i, w := range doc.Websites {
		out[fmt.Sprintf("website_leader:%d", i)] = s.seal.Hash(strings.TrimSpace(w.Leader.Mobile))
	}
	return out
}

// violations are the document's pure-rule violations plus the rules that
// need stored data (rules.md, last table), without attachments.
func (s *Service) violations(ctx context.Context, sa *storage.Application, doc filing.Document) ([]filing.Violation, error) {
	vs := s.rules.Validate(&doc, s.now())
	stored, err := s.storedViolations(ctx, sa, doc)
	if err != nil {
		return nil, err
	}
	dom, err := s.domainViolations(ctx, sa.Flow, doc) // domains.go
	if err != nil {
		return nil, err
	}
	stored = append(stored, dom...)
	return s.recordViolations(ctx, sa, doc, append(vs, stored...)) // records' flows (changes.go)
}

func (s *Service) storedViolations(ctx context.Context, sa *storage.Application, doc filing.Document) ([]filing.Violation, error) {
	var vs []filing.Violation
	// Further websites: the domain may not be in another open application or filed by another subject.
	for i, d := range domainsOf(doc) {
		if d == "" || (i == 0 && filingFlow(sa.Flow)) {
			continue // the first domain was settled by the pre-check
		}
		field := fmt.Sprintf("websites[%d].domain", i)
		open, err := s.st.OpenApplicationsByDomain(ctx, d)
		if err != nil {
			return nil, storeErr(err)
		}
		if slices.ContainsFunc(open, func(o storage.OpenApplication) bool { return blocks(o, sa.OwnerID, sa.ID) }) {
			vs = append(vs, filing.Violation{Rule: "precheck.domain_in_progress", Field: field, Severity: filing.SeverityError,
				Message: words.Text("rule.domain.open_elsewhere", d)})
			continue
		}
		ws, err := s.st.WebsiteRecordsByDomain(ctx, d)
		if err != nil {
			return nil, storeErr(err)
		}
		byOther := false
		for _, w := range ws {
			sr, err := s.st.SubjectRecord(ctx, w.SubjectID)
			if err != nil {
				return nil, storeErr(err)
			}
			if sr.CertHash != sa.SubjectCertHash {
				byOther = true
				break
			}
		}
		if !byOther && len(ws) == 0 && s.registry != nil {
			rw, err := s.registry.LookupDomain(ctx, d)
			if err != nil {
				return nil, storeErr(err)
			}
			byOther = rw != nil && s.certHash(rw.SubjectCertType, rw.SubjectCertNumber) != sa.SubjectCertHash
		}
		if byOther {
			vs = append(vs, filing.Violation{Rule: "precheck.domain_filed_by_other", Field: field, Severity: filing.SeverityError,
				Message: words.Text("rule.domain.filed_elsewhere", d)})
		}
	}
	// A leader's mobile may not be a leader's mobile of another filed subject.
	check := func(mobile, field string) error {
		mobile = strings.TrimSpace(mobile)
		if mobile == "" {
			return nil
		}
		owners, err := s.st.MobileOwners(ctx, s.seal.Hash(mobile))
		if err != nil {
			return storeErr(err)
		}
		for _, o := range owners {
			if o.OwnerType != "subject" {
				continue
			}
			sr, err := s.st.SubjectRecord(ctx, o.OwnerID)
			if err != nil {
				if errors.Is(err, storage.ErrNotFound) {
					continue
				}
				return storeErr(err)
			}
			if sr.Status == storage.RecordActive && sr.CertHash != sa.SubjectCertHash {
				vs = append(vs, fault.Violated("person.mobile.used_by_other_subject", field))
				return nil
			}
		}
		return nil
	}
	if err := check(doc.Subject.Leader.Mobile, "subject.leader.mobile"); err != nil {
		return nil, err
	}
	for i, w := range doc.Websites {
		if err := check(w.Leader.Mobile, fmt.Sprintf("websites[%d].leader.mobile", i)); err != nil {
			return nil, err
		}
	}
	return vs, nil
}

// view builds the full application of a stored row as viewer sees it.
func (s *Service) view(ctx context.Context, viewer *Account, sa *storage.Application) (*Application, error) {
	app := &Application{ID: sa.ID, Flow: sa.Flow, State: sa.State, Province: sa.Province, OwnerID: sa.OwnerID,
		DueAt: sa.DueAt, CreatedAt: sa.CreatedAt, UpdatedAt: sa.UpdatedAt, SubmittedAt: sa.SubmittedAt,
		RecordNumber: sa.RecordNumber, version: sa.Version}
	if err := s.openJSON(sa.Document, &app.Document); err != nil {
		return nil, fmt.Errorf("application %s document: %w", sa.ID, err)
	}
	var err error
	if app.Violations, err = s.violations(ctx, sa, app.Document); err != nil {
		return nil, err
	}
	atts, err := s.st.Attachments(ctx, sa.ID)
	if err != nil {
		return nil, storeErr(err)
	}
	for _, at := range atts {
		app.Attachments = append(app.Attachments, attachmentView(at))
	}
	hist, err := s.st.Transitions(ctx, sa.ID)
	if err != nil {
		return nil, storeErr(err)
	}
	for _, tr := range hist {
		app.History = append(app.History, Transition{At: tr.At, Actor: tr.ActorRole, Event: tr.Event, From: tr.From, To: tr.To, Reasons: tr.Reasons})
	}
	if n := len(hist); n > 0 && hist[n-1].To == sa.State && rejectedBy(hist[n-1].Event) {
		app.Rejection = hist[n-1].Reasons
	}
	app.ETA = s.eta(sa, hist)
	if sa.Flow == filing.FlowNewWebsite || sa.Flow == filing.FlowNewAccess {
		own, err := s.ownSubjectRecord(ctx, sa)
		if err != nil {
			return nil, err
		}
		app.FromOwnRecord = own != nil
	}
	if err := s.lifecycleView(ctx, sa, app); err != nil { // SMS codes and numbers (lifecycle.go)
		return nil, err
	}
	if err := s.progress(ctx, sa, hist, atts, app); err != nil { // progress.go
		return nil, err
	}
	if strings.HasPrefix(sa.Flow, "change_") {
		if app.Filed, err = s.filedDocument(ctx, sa.ID); err != nil { // changes.go
			return nil, err
		}
	}
	// A change whose form is older than 3 months is verified again: say so
	// before submission (rules.md attachment.verification_form_outdated).
	app.Violations = append(app.Violations, s.outdatedForms(sa, atts)...)
	app.Plan = PlanOf(app.Document, app.Filed, app.Attachments, app.State) // attachments.go
	if app.Supplements, err = s.supplements(ctx, sa.ID, atts); err != nil {
		return nil, err
	}
	if sl := supplementSlot(app.Supplements, app.Attachments, app.State); sl != nil {
		app.Plan = append(app.Plan, *sl)
	}
	if app.Holders, err = s.holders(ctx, sa, app); err != nil { // holders.go
		return nil, err
	}
	if viewer != nil && viewer.ID == sa.OwnerID {
		app.Actions = s.actions(app) // actions.go
	}
	return app, nil
}

// eta is the estimated approval date (workflow.md), "" for closed applications.
func (s *Service) eta(sa *storage.Application, hist []*storage.Transition) string {
	since := sa.SubmittedAt
	if n := len(hist); n > 0 {
		since = hist[n-1].At
	} else if since.IsZero() {
		since = sa.UpdatedAt
	}
	days := 0
	if p, ok := s.ref.Province(sa.Province); ok {
		days = p.BureauReviewDays
	}
	now := s.now()
	t, ok := workflow.ETA(s.cal, workflow.ETAInput{State: workflow.State(sa.State), Since: since, Now: now,
		NeedsVerification: workflow.NeedsVerification(sa.Flow, time.Time{}, now), BureauReviewDays: days})
	if !ok {
		return ""
	}
	return workdays.Date(t)
}

// Submit sends a draft (or a corrected rejection) to initial review: 422
// with every error violation, attachment.missing included.
func (s *Service) Submit(ctx context.Context, a *Account, id string) (*Application, error) {
	sa, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if sa.OwnerID != a.ID {
		return nil, notFound()
	}
	from := workflow.State(sa.State)
	ev := workflow.SubmitEvent(from)
	to, err := workflow.Apply(sa.Flow, from, ev, workflow.Applicant)
	if err != nil {
		return nil, invalidTransition(err)
	}
	// Drafts reserve nothing: the first submission wins, and the pre-check
	// decides again now (another account may have submitted, or filed, the
	// subject or a domain since). The same refusal codes as the pre-check.
	if err := s.stillChosen(ctx, a, sa); err != nil {
		return nil, err
	}
	app, err := s.view(ctx, a, sa)
	if err != nil {
		return nil, err
	}
	if missing := s.Missing(app); len(missing) > 0 {
		return nil, fault.NewInvalid(missing)
	}
	now := s.now()
	due, _ := workflow.DueAt(s.cal, to, now)
	err = s.st.Tx(ctx, func(tx *storage.Tx) error {
		// Under the locks: of two racing submissions one commits first and
		// the other finds it here.
		if err := s.reserve(ctx, tx, a.ID, sa.ID, sa.SubjectCertHash, sa.Domains); err != nil {
			return err
		}
		cur, err := tx.ApplicationForUpdate(ctx, sa.ID)
		if err != nil {
			return err
		}
		if cur.Version != sa.Version {
			return storage.ErrConflict // changed between the check and now: the client retries
		}
		cur.State, cur.SubmittedAt, cur.DueAt, cur.UpdatedAt = string(to), now, due, now
		if err := tx.UpdateApplication(ctx, cur); err != nil {
			return err
		}
		if err := tx.AddTransition(ctx, &storage.Transition{ApplicationID: cur.ID, At: now, ActorID: a.ID, ActorRole: a.Role,
			Event: string(ev), From: string(from), To: string(to), Document: cur.Document}); err != nil {
			return err
		}
		if err := tx.Audit(ctx, &storage.AuditEntry{At: now, ActorID: a.ID, ActorRole: a.Role, Action: "application." + string(ev),
			ObjectType: "application", ObjectID: cur.ID}); err != nil {
			return err
		}
		sa = cur
		return s.notifyOwner(ctx, tx, cur, notify.TplSubmitted, notify.Data{DueAt: formatDue(due), ETA: s.eta(cur, nil)})
	})
	if err != nil {
		return nil, storeErr(err)
	}
	s.poke()
	return s.view(ctx, a, sa)
}

// stillChosen runs the pre-check again for a filing about to be submitted:
// its refusal, or 409 precheck.flow_mismatch when the records now call for
// another flow. Changes and cancellations start from the account's own
// records and need no pre-check.
func (s *Service) stillChosen(ctx context.Context, a *Account, sa *storage.Application) error {
	if !filingFlow(sa.Flow) || len(sa.Domains) == 0 {
		return nil
	}
	var doc filing.Document
	if err := s.openJSON(sa.Document, &doc); err != nil {
		return err
	}
	pc, err := s.precheck(ctx, a, PrecheckInput{Domain: sa.Domains[0], CertType: doc.Subject.CertType, CertNumber: doc.Subject.CertNumber}, sa.ID)
	if err != nil {
		return err
	}
	if pc.Flow != sa.Flow {
		return errFlowMismatch(pc.Flow, sa.Flow)
	}
	return nil
}

// Withdraw gives an application up (any state before bureau_sms, and bureau_rejected).
func (s *Service) Withdraw(ctx context.Context, a *Account, id string) (*Application, error) {
	sa, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if sa.OwnerID != a.ID {
		return nil, notFound()
	}
	err = s.st.Tx(ctx, func(tx *storage.Tx) error {
		cur, err := tx.ApplicationForUpdate(ctx, sa.ID)
		if err != nil {
			return err
		}
		sa = cur
		return s.withdrawTx(ctx, tx, cur, workflow.Applicant, a.ID, a.Role)
	})
	if err != nil {
		return nil, storeErr(err)
	}
	s.poke()
	return s.view(ctx, a, sa)
}

// withdrawTx withdraws cur in tx for actor (the applicant, or the
// scheduler for a stale draft): transition, the attachments' cleanup job,
// audit.
func (s *Service) withdrawTx(ctx context.Context, tx *storage.Tx, cur *storage.Application, actor workflow.Actor, actorID, actorRole string) error {
	now := s.now()
	from := workflow.State(cur.State)
	to, err := workflow.Apply(cur.Flow, from, workflow.Withdraw, actor)
	if err != nil {
		return invalidTransition(err)
	}
	cur.State, cur.Open, cur.DueAt, cur.UpdatedAt = string(to), false, time.Time{}, now
	if err := tx.UpdateApplication(ctx, cur); err != nil {
		return err
	}
	if err := tx.AddTransition(ctx, &storage.Transition{ApplicationID: cur.ID, At: now, ActorID: actorID, ActorRole: actorRole,
		Event: string(workflow.Withdraw), From: string(from), To: string(to)}); err != nil {
		return err
	}
	if err := queueWithdrawnCleanup(ctx, tx, cur.ID, s.blobDeleteAt()); err != nil { // blobjobs.go
		return err
	}
	return tx.Audit(ctx, &storage.AuditEntry{At: now, ActorID: actorID, ActorRole: actorRole, Action: "application.withdraw",
		ObjectType: "application", ObjectID: cur.ID})
}

// flowLabel names a flow for people (the one catalogue).
func flowLabel(flow, lang string) string { return words.Flow(lang, flow) }

// MaskPerson hides a person's certificate number and mobile (for lists and
// records shown to someone who does not own them).
func MaskPerson(p *filing.Person) {
	p.CertNumber, p.Mobile = pii.MaskCert(p.CertNumber), pii.MaskMobile(p.Mobile)
}
