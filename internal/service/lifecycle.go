package service

// The lifecycle after submission: every state change through
// workflow.Apply in one place (move), the bureau submission, and the
// bureau's results (the service implements bureau.Outcomes): SMS
// confirmed or returned, approval with the filing records, rejection.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"beian/internal/bureau"
	"beian/internal/domainname"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/jobs"
	"beian/internal/notify"
	"beian/internal/storage"
	"beian/internal/workdays"
	"beian/internal/workflow"
)

var _ bureau.Outcomes = (*Service)(nil)

// actorOf is the workflow actor an account acts as.
func actorOf(a *Account) workflow.Actor {
	switch a.Role {
	case RoleAdmin:
		return workflow.Admin
	case RoleReviewer:
		return workflow.Reviewer
	}
	return workflow.Applicant
}

// move is one state change to apply.
type move struct {
	ev      workflow.Event
	actor   workflow.Actor
	actorID string // the account, "" for the bureau and the scheduler
	reasons []filing.Reason
	opts    []workflow.Option
	// snapshot keeps the document of this moment with the transition, so a
	// resubmission can be compared with it field by field.
	snapshot bool
	// dueFrom is when the new state's reviewer deadline starts (default now).
	dueFrom time.Time
}

// apply moves cur (read with ApplicationForUpdate in tx) by m: the
// workflow decides the target (409 invalid_transition otherwise), the row,
// its transition and an audit line are written in tx.
func (s *Service) apply(ctx context.Context, tx *storage.Tx, cur *storage.Application, m move) (workflow.State, error) {
	from := workflow.State(cur.State)
	to, err := workflow.Apply(cur.Flow, from, m.ev, m.actor, m.opts...)
	if err != nil {
		return "", invalidTransition(err)
	}
	now := s.now()
	since := m.dueFrom
	if since.IsZero() {
		since = now
	}
	due, _ := workflow.DueAt(s.cal, to, since)
	cur.State, cur.DueAt, cur.UpdatedAt, cur.Open = string(to), due, now, workflow.Open(to)
	if err := tx.UpdateApplication(ctx, cur); err != nil {
		return "", err
	}
	tr := &storage.Transition{ApplicationID: cur.ID, At: now, ActorID: m.actorID, ActorRole: string(m.actor),
		Event: string(m.ev), From: string(from), To: string(to), Reasons: m.reasons}
	if m.snapshot {
		tr.Document = cur.Document
	}
	if err := tx.AddTransition(ctx, tr); err != nil {
		return "", err
	}
	detail := string(from) + "→" + string(to)
	if err := tx.Audit(ctx, &storage.AuditEntry{At: now, ActorID: m.actorID, ActorRole: string(m.actor),
		Action: "application." + string(m.ev), ObjectType: "application", ObjectID: cur.ID, Detail: detail}); err != nil {
		return "", err
	}
	return to, nil
}

// notifyOwner queues a templated email to the application's owner in tx.
// The key (application, event, version) makes a retried request queue it once.
func (s *Service) notifyOwner(ctx context.Context, tx *storage.Tx, cur *storage.Application, tpl string, d notify.Data) error {
	return s.notifyOwnerKeyed(ctx, tx, cur, fmt.Sprintf("notify:%s:%s:%d", cur.ID, tpl, cur.Version), tpl, d)
}

// notifyOwnerKeyed is notifyOwner with its own idempotency key (a notice
// that does not change the application's version).
func (s *Service) notifyOwnerKeyed(ctx context.Context, tx *storage.Tx, cur *storage.Application, key, tpl string, d notify.Data) error {
	owner, err := s.st.AccountByID(ctx, cur.OwnerID)
	if err != nil {
		return fmt.Errorf("owner of %s: %w", cur.ID, err)
	}
	d.Name, d.ApplicationID, d.SubjectName, d.Flow = owner.Name, cur.ID, cur.SubjectName, cur.Flow
	if d.Domains == nil {
		d.Domains = cur.Domains
	}
	if d.URL == "" {
		d.URL = "/applications/" + cur.ID
	}
	return s.queueNotice(ctx, tx, key,
		notify.Payload{To: owner.Email, Template: tpl, Data: &d, Lang: normLang(owner.Lang)})
}

// formatDue is a due time as mails show it (Beijing time).
func formatDue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(workdays.CST).Format("2006-01-02 15:04")
}

// lifecycleView adds what the bureau knows to an application view: the
// SMS codes of the latest submission and the numbers of an approval.
func (s *Service) lifecycleView(ctx context.Context, sa *storage.Application, app *Application) error {
	if s.sms != nil && sa.SubmittedAt.After(time.Time{}) {
		st, err := s.sms.SMSStatus(ctx, sa.ID)
		if err != nil {
			return storeErr(err)
		}
		for _, c := range st {
			app.SMS = append(app.SMS, SMSStatus{Role: c.Role, Mobile: c.Mobile, Status: c.Status, AttemptsLeft: c.AttemptsLeft, Deadline: c.Deadline})
		}
	}
	if sa.State == string(workflow.Approved) {
		n, err := s.st.ApplicationNumbers(ctx, sa.ID)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return storeErr(err)
		}
		if n != nil {
			app.Numbers = &Numbers{Subject: n.Subject, Websites: n.Websites}
		}
	}
	return nil
}

func errNoBureau() error {
	return fault.Words(fault.Unavailable, "bureau.unavailable", "error.bureau.unavailable")
}

// Jobs of the bureau boundary: the hand-over of an application to the
// adapter, and an outcome the adapter reported that could not be applied
// at once.
const (
	JobBureauSubmit  = "bureau.submit"
	JobBureauOutcome = "bureau.outcome"
)

type handoffJob struct {
	ApplicationID string `json:"application_id"`
	SubmissionID  string `json:"submission_id"`
}

func handoffKey(submissionID string) string { return "bureau-submit:" + submissionID }

// smsAtBeian reports whether the leaders confirm the bureau's codes on
// Beian's pages (the simulator), so a submission waits in bureau_sms; with
// the real bureau (relay) they confirm at its site and Beian sees only the
// outcome, so the application waits in bureau_review.
func (s *Service) smsAtBeian(flow string, doc filing.Document) bool {
	return s.sms != nil && len(workflow.SMSRecipients(flow, doc)) > 0
}

// SubmitToBureau hands an application in ready_for_bureau to the bureau:
// bureau_sms when leaders must confirm codes here, bureau_review otherwise.
// The state change, the new submission's id and the job that hands it to
// the adapter commit together; the hand-over itself runs right after the
// commit (and again from the job if it fails). Staff only (an applicant
// gets 404).
func (s *Service) SubmitToBureau(ctx context.Context, a *Account, id string) (*Application, error) {
	sa, err := s.loadStaffAction(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if s.bureau == nil {
		return nil, errNoBureau()
	}
	job := handoffJob{ApplicationID: sa.ID, SubmissionID: uuid.Must(uuid.NewV7()).String()}
	err = s.st.Tx(ctx, func(tx *storage.Tx) error {
		cur, err := tx.ApplicationForUpdate(ctx, sa.ID)
		if err != nil {
			return err
		}
		var doc filing.Document
		if err := s.openJSON(cur.Document, &doc); err != nil {
			return err
		}
		to, err := s.apply(ctx, tx, cur, move{ev: workflow.SubmitToBureau, actor: actorOf(a), actorID: a.ID,
			opts: []workflow.Option{workflow.WithSMS(s.smsAtBeian(cur.Flow, doc))}})
		if err != nil {
			return err
		}
		if err := tx.SetSubmissionHandoff(ctx, cur.ID, job.SubmissionID, s.now()); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, JobBureauSubmit, job, handoffKey(job.SubmissionID), s.now()); err != nil {
			return err
		}
		sa = cur
		return s.notifyOwner(ctx, tx, cur, notify.TplBureauSubmitted, notify.Data{SMSRequired: to == workflow.BureauSMS,
			SMSAtBureau: s.mode == bureau.ModeRelay && len(workflow.SMSRecipients(cur.Flow, doc)) > 0, ETA: s.eta(cur, nil)})
	})
	if err != nil {
		return nil, storeErr(err)
	}
	if _, err := s.st.RunJobNow(ctx, handoffKey(job.SubmissionID), jobs.Lease, func(ctx context.Context) error { return s.handOver(ctx, job) }); err != nil {
		s.log.Warn("bureau hand-over failed; its job retries", "application", job.ApplicationID, "err", err)
	}
	s.poke()
	return s.view(ctx, a, sa)
}

// handOver gives the adapter the application's current submission. It
// runs outside any transaction of Beian's and may run twice (the adapter
// keys on the submission id); a submission no longer current is skipped.
func (s *Service) handOver(ctx context.Context, job handoffJob) error {
	current, err := s.st.SubmissionHandoff(ctx, job.ApplicationID)
	if err != nil {
		return err
	}
	if current != job.SubmissionID {
		return nil
	}
	cur, err := s.st.Application(ctx, job.ApplicationID)
	if err != nil {
		return err
	}
	var doc filing.Document
	if err := s.openJSON(cur.Document, &doc); err != nil {
		return err
	}
	sub := bureau.Submission{ID: job.SubmissionID, ApplicationID: cur.ID, Flow: cur.Flow, Document: doc, Provider: s.cfg.Provider.Name}
	if n := cur.RecordNumber; n != "" {
		if strings.HasSuffix(n, "号") {
			sub.SubjectNumber = n
		} else if len(doc.Websites) > 0 {
			sub.WebsiteNumbers = []string{n}
		}
	}
	if err := s.bureau.Submit(ctx, sub); err != nil {
		return fmt.Errorf("bureau submit: %w", err)
	}
	return nil
}

func (s *Service) runBureauSubmit(ctx context.Context, j storage.Job) error {
	var job handoffJob
	if err := json.Unmarshal(j.Payload, &job); err != nil || job.ApplicationID == "" || job.SubmissionID == "" {
		return jobs.Permanent(fmt.Errorf("%s: bad payload %s", j.Kind, j.Payload))
	}
	if err := s.handOver(ctx, job); err != nil {
		return err
	}
	return s.st.CompleteJob(ctx, j.ID)
}

func outcomeKey(o bureau.Outcome) string { return "bureau-outcome:" + o.Key() }

// Report implements bureau.Outcomes. The outcome is recorded as a job and,
// in the same transaction, applied to the application and the job
// completed. When applying fails, the job stays queued and the runner
// tries again; an outcome reported twice is applied once.
func (s *Service) Report(ctx context.Context, o bureau.Outcome) error {
	key := outcomeKey(o)
	err := s.st.Tx(ctx, func(tx *storage.Tx) error {
		jobID, fresh, err := tx.EnqueueNew(ctx, JobBureauOutcome, o, key, s.now())
		if err != nil || !fresh {
			return err // reported before: applied, or queued for the runner
		}
		if err := s.applyOutcome(ctx, tx, o); err != nil {
			return err
		}
		return tx.CompleteJob(ctx, jobID)
	})
	if err != nil {
		s.log.Warn("bureau outcome queued to apply later", "application", o.ApplicationID, "kind", o.Kind, "err", err)
		if err := s.st.Tx(ctx, func(tx *storage.Tx) error { return tx.Enqueue(ctx, JobBureauOutcome, o, key, s.now()) }); err != nil {
			return err
		}
	}
	s.poke()
	return nil
}

func (s *Service) runBureauOutcome(ctx context.Context, j storage.Job) error {
	var o bureau.Outcome
	if err := json.Unmarshal(j.Payload, &o); err != nil || o.ApplicationID == "" {
		return jobs.Permanent(fmt.Errorf("%s: bad payload %s", j.Kind, j.Payload))
	}
	err := s.st.Tx(ctx, func(tx *storage.Tx) error {
		if err := s.applyOutcome(ctx, tx, o); err != nil {
			return err
		}
		return tx.CompleteJob(ctx, j.ID)
	})
	if errors.Is(err, workflow.ErrInvalidTransition) {
		return jobs.Permanent(err) // trying again cannot make it valid
	}
	if err == nil {
		s.poke()
	}
	return err
}

// applyOutcome moves the application by the bureau's outcome in tx. An
// outcome of a submission that is no longer the application's current
// one changes nothing.
func (s *Service) applyOutcome(ctx context.Context, tx *storage.Tx, o bureau.Outcome) error {
	current, err := tx.SubmissionHandoff(ctx, o.ApplicationID)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if current != o.SubmissionID {
		s.log.Info("stale bureau outcome ignored", "application", o.ApplicationID, "kind", o.Kind)
		return nil
	}
	switch o.Kind {
	case bureau.OutcomeSMSConfirmed:
		cur, err := tx.ApplicationForUpdate(ctx, o.ApplicationID)
		if err != nil {
			return err
		}
		_, err = s.apply(ctx, tx, cur, move{ev: workflow.SMSConfirmed, actor: workflow.Bureau})
		return err
	case bureau.OutcomeSMSReturned:
		return s.bureauSaysNo(ctx, tx, o.ApplicationID, o.Reason, notify.TplSMSReturned, func(msg string) move {
			return move{ev: workflow.SMSReturned, actor: workflow.Bureau, reasons: []filing.Reason{{Field: "sms", Message: msg}}}
		})
	case bureau.OutcomeRejected:
		return s.bureauSaysNo(ctx, tx, o.ApplicationID, o.Reason, notify.TplBureauRejected, func(msg string) move {
			return move{ev: workflow.BureauReject, actor: workflow.Bureau, snapshot: true,
				reasons: []filing.Reason{{Field: "", Rule: "bureau.rejected", Message: msg}}}
		})
	case bureau.OutcomeApproved:
		return s.approved(ctx, tx, o.ApplicationID, o.Numbers)
	}
	return jobs.Permanent(fmt.Errorf("unknown bureau outcome %q", o.Kind))
}

// bureauSaysNo moves an application back on the bureau's word, with the
// reason in its owner's language, and tells the owner what to do.
func (s *Service) bureauSaysNo(ctx context.Context, tx *storage.Tx, appID string, reason filing.Text, tpl string, mv func(msg string) move) error {
	cur, err := tx.ApplicationForUpdate(ctx, appID)
	if err != nil {
		return err
	}
	owner, err := s.st.AccountByID(ctx, cur.OwnerID)
	if err != nil {
		return err
	}
	msg := reason.In(normLang(owner.Lang))
	if _, err := s.apply(ctx, tx, cur, mv(msg)); err != nil {
		return err
	}
	return s.notifyOwner(ctx, tx, cur, tpl, notify.Data{Reason: msg})
}

// approved applies an approval: the application is approved, its numbers
// kept with it and the filing records written, all in tx.
func (s *Service) approved(ctx context.Context, tx *storage.Tx, appID string, n bureau.Numbers) error {
	cur, err := tx.ApplicationForUpdate(ctx, appID)
	if err != nil {
		return err
	}
	var doc filing.Document
	if err := s.openJSON(cur.Document, &doc); err != nil {
		return err
	}
	if _, err := s.apply(ctx, tx, cur, move{ev: workflow.BureauApprove, actor: workflow.Bureau}); err != nil {
		return err
	}
	now := s.now()
	if err := tx.PutApplicationNumbers(ctx, cur.ID, storage.ApplicationNumbers{Subject: n.Subject, Websites: n.Websites, ApprovedAt: now}); err != nil {
		return err
	}
	if err := s.writeRecords(ctx, tx, cur, doc, n, now); err != nil {
		return err
	}
	if strings.HasPrefix(cur.Flow, "cancel_") {
		record := cur.RecordNumber
		if record == "" {
			record = n.Subject
		}
		return s.notifyOwner(ctx, tx, cur, notify.TplCancelled, notify.Data{Record: record, URL: "/filings"})
	}
	nn := &notify.Numbers{Subject: n.Subject}
	for i, num := range n.Websites {
		w := notify.WebsiteNumber{Number: num}
		if i < len(doc.Websites) {
			w.Domain, w.Name = doc.Websites[i].Domain, doc.Websites[i].Name
		}
		nn.Websites = append(nn.Websites, w)
	}
	if err := s.notifyOwner(ctx, tx, cur, notify.TplApproved, notify.Data{Numbers: nn}); err != nil {
		return err
	}
	return s.notifyLeaders(ctx, tx, cur, doc, nn)
}

// notifyLeaders tells the leaders named in an approved filing — the subject
// leader and each website leader — by email and SMS, with the numbers, as
// the bureau does (seed 6.5; workflow.md "Notifications"). A person leading
// several parts gets one of each, naming every role; an address the
// account's own mail already reached gets no second mail. In the owner's
// language: the leaders have no account of their own.
func (s *Service) notifyLeaders(ctx context.Context, tx *storage.Tx, cur *storage.Application, doc filing.Document, nn *notify.Numbers) error {
	owner, err := s.st.AccountByID(ctx, cur.OwnerID)
	if err != nil {
		return fmt.Errorf("owner of %s: %w", cur.ID, err)
	}
	lang := normLang(owner.Lang)
	for i, l := range filingLeaders(doc) {
		d := notify.Data{Name: l.person.Name, ApplicationID: cur.ID, SubjectName: cur.SubjectName, Flow: cur.Flow,
			Domains: cur.Domains, Numbers: nn, Roles: l.roles}
		key := func(tpl string) string { return fmt.Sprintf("notify:%s:%s:%d:%d", cur.ID, tpl, cur.Version, i) }
		email := strings.ToLower(strings.TrimSpace(l.person.Email))
		if email != "" && email != strings.ToLower(strings.TrimSpace(owner.Email)) {
			p := notify.Payload{To: email, Template: notify.TplApprovedLeader, Data: &d, Lang: lang}
			if err := s.queueNotice(ctx, tx, key(notify.TplApprovedLeader), p); err != nil {
				return err
			}
		}
		if mobile := strings.TrimSpace(l.person.Mobile); mobile != "" {
			d := d
			p := notify.Payload{To: mobile, Template: notify.TplApprovedLeaderSMS, Data: &d, Lang: lang}
			if err := p.Seal(s.seal, notify.SMS); err != nil {
				return err
			}
			if err := tx.Enqueue(ctx, notify.JobSMS, p, key(notify.TplApprovedLeaderSMS), s.now()); err != nil {
				return err
			}
		}
	}
	return nil
}

// leader is one person named as a leader in a document, with every role.
type leader struct {
	person filing.Person
	roles  []string
}

// filingLeaders are the subject leader and the website leaders of doc,
// each person once (model.md: the same certificate is the same person).
func filingLeaders(doc filing.Document) []leader {
	var out []leader
	add := func(p filing.Person, role string) {
		if strings.TrimSpace(p.Name) == "" && strings.TrimSpace(p.Mobile) == "" && strings.TrimSpace(p.Email) == "" {
			return
		}
		for i := range out {
			if filing.SamePerson(out[i].person, p) {
				if !slices.Contains(out[i].roles, role) {
					out[i].roles = append(out[i].roles, role)
				}
				return
			}
		}
		out = append(out, leader{person: p, roles: []string{role}})
	}
	add(doc.Subject.Leader, "subject_leader")
	for _, w := range doc.Websites {
		add(w.Leader, "website_leader")
	}
	return out
}

// writeRecords writes the filing records of an approval (workflow.md
// "Filing records"): each change a new version tied to the application.
func (s *Service) writeRecords(ctx context.Context, tx *storage.Tx, cur *storage.Application, doc filing.Document, n bureau.Numbers, now time.Time) error {
	today := workdays.Date(now)
	subj, err := s.st.SubjectRecordByNumber(ctx, n.Subject)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	subjectData, err := s.sealJSON(doc.Subject)
	if err != nil {
		return err
	}
	mobiles := map[string]string{}
	switch cur.Flow {
	case filing.FlowFirstFiling, filing.FlowNewWebsite, filing.FlowNewAccess:
		if cur.Flow == filing.FlowFirstFiling {
			if err := s.cancelShellRecords(ctx, tx, cur, now); err != nil { // records.go
				return err
			}
		}
		if subj == nil {
			subj = &storage.SubjectRecord{Number: n.Subject, OwnerID: cur.OwnerID, Province: doc.Subject.Province,
				Nature: doc.Subject.Nature, CertType: doc.Subject.CertType, CertHash: cur.SubjectCertHash, Name: doc.Subject.Name,
				Status: storage.RecordActive, Data: subjectData, ApplicationID: cur.ID, ApprovedOn: today, CreatedAt: now, UpdatedAt: now,
				NextWebsite: len(n.Websites) + 1}
			if err := tx.PutSubjectRecord(ctx, subj); err != nil {
				return err
			}
			mobiles["subject_leader"] = s.seal.Hash(strings.TrimSpace(doc.Subject.Leader.Mobile))
		}
		for i, w := range doc.Websites {
			if i >= len(n.Websites) {
				break
			}
			if err := s.putWebsite(ctx, tx, subj, cur, w, n.Websites[i], today, now); err != nil {
				return err
			}
			mobiles["website_leader:"+n.Websites[i]] = s.seal.Hash(strings.TrimSpace(w.Leader.Mobile))
		}
	case filing.FlowChangeSubject:
		if subj == nil {
			return fmt.Errorf("change_subject: no record %s", n.Subject)
		}
		subj.Data, subj.Name, subj.Nature, subj.ApplicationID, subj.UpdatedAt = subjectData, doc.Subject.Name, doc.Subject.Nature, cur.ID, now
		if err := tx.PutSubjectRecord(ctx, subj); err != nil {
			return err
		}
		mobiles["subject_leader"] = s.seal.Hash(strings.TrimSpace(doc.Subject.Leader.Mobile))
	case filing.FlowChangeWebsite, filing.FlowChangeAccess, filing.FlowCancelWebsite, filing.FlowCancelAccess:
		for i, num := range n.Websites {
			wr, err := s.st.WebsiteRecordByNumber(ctx, num)
			if errors.Is(err, storage.ErrNotFound) {
				continue // filed elsewhere only: nothing of ours to change
			}
			if err != nil {
				return err
			}
			var w filing.Website
			if i < len(doc.Websites) {
				w = doc.Websites[i]
			}
			if err := s.changeWebsite(ctx, tx, cur, wr, w, now); err != nil {
				return err
			}
			if cur.Flow == filing.FlowChangeWebsite {
				mobiles["website_leader:"+num] = s.seal.Hash(strings.TrimSpace(w.Leader.Mobile))
			}
		}
	case filing.FlowCancelSubject:
		if subj == nil {
			return nil
		}
		sites, err := s.st.WebsiteRecordsBySubject(ctx, subj.ID)
		if err != nil {
			return err
		}
		for _, wr := range sites {
			if wr.Status == storage.RecordCancelled {
				continue
			}
			if err := s.changeWebsite(ctx, tx, cur, wr, filing.Website{}, now); err != nil {
				return err
			}
		}
		subj.Status, subj.ApplicationID, subj.UpdatedAt = storage.RecordCancelled, cur.ID, now
		if err := tx.PutSubjectRecord(ctx, subj); err != nil {
			return err
		}
		return tx.SetLeaderMobiles(ctx, "subject", subj.ID, map[string]string{})
	}
	if subj != nil && len(mobiles) > 0 {
		return tx.AddLeaderMobiles(ctx, "subject", subj.ID, mobiles)
	}
	return nil
}

// putWebsite writes a newly filed (or newly accessed) website and this provider's access.
func (s *Service) putWebsite(ctx context.Context, tx *storage.Tx, subj *storage.SubjectRecord, cur *storage.Application, w filing.Website, number, today string, now time.Time) error {
	access := w.Access
	w.Access = filing.Access{}
	data, err := s.sealJSON(w)
	if err != nil {
		return err
	}
	domain, err := domainname.Normalize(w.Domain)
	if err != nil {
		domain = strings.ToLower(strings.TrimSpace(w.Domain))
	}
	wr, err := s.st.WebsiteRecordByNumber(ctx, number)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if wr == nil {
		wr = &storage.WebsiteRecord{CreatedAt: now}
	}
	wr.SubjectID, wr.Number, wr.Domain, wr.Name, wr.Status = subj.ID, number, domain, w.Name, storage.RecordActive
	wr.Data, wr.ApplicationID, wr.ApprovedOn, wr.UpdatedAt = data, cur.ID, today, now
	if err := tx.PutWebsiteRecord(ctx, wr); err != nil {
		return err
	}
	ab, err := json.Marshal(access)
	if err != nil {
		return err
	}
	return tx.PutAccessRecord(ctx, &storage.AccessRecord{WebsiteID: wr.ID, Status: storage.RecordActive, Data: string(ab),
		ApplicationID: cur.ID, CreatedAt: now, UpdatedAt: now})
}

// changeWebsite applies a change or cancellation flow to one of our website records.
func (s *Service) changeWebsite(ctx context.Context, tx *storage.Tx, cur *storage.Application, wr *storage.WebsiteRecord, w filing.Website, now time.Time) error {
	accs, err := s.st.AccessRecordsByWebsite(ctx, wr.ID)
	if err != nil {
		return err
	}
	setAccess := func(status string, data string) error {
		for _, ar := range accs {
			if ar.Status != storage.RecordActive {
				continue
			}
			ar.Status, ar.ApplicationID, ar.UpdatedAt = status, cur.ID, now
			if data != "" {
				ar.Data = data
			}
			if err := tx.PutAccessRecord(ctx, ar); err != nil {
				return err
			}
		}
		return nil
	}
	switch cur.Flow {
	case filing.FlowChangeWebsite:
		w.Access = filing.Access{}
		w.Domain = wr.Domain
		data, err := s.sealJSON(w)
		if err != nil {
			return err
		}
		wr.Data, wr.Name = data, w.Name
	case filing.FlowChangeAccess:
		ab, err := json.Marshal(w.Access)
		if err != nil {
			return err
		}
		return setAccess(storage.RecordActive, string(ab))
	case filing.FlowCancelAccess:
		if err := setAccess(storage.RecordCancelled, ""); err != nil {
			return err
		}
		wr.Status = storage.RecordNoAccess
		if others, err := s.hostedElsewhere(ctx, wr.Domain); err != nil { // records.go
			return err
		} else if others {
			wr.Status = storage.RecordActive // still filed: another provider hosts it
		}
	default: // cancel_website, cancel_subject
		if err := setAccess(storage.RecordCancelled, ""); err != nil {
			return err
		}
		wr.Status = storage.RecordCancelled
	}
	wr.ApplicationID, wr.UpdatedAt = cur.ID, now
	return tx.PutWebsiteRecord(ctx, wr)
}
