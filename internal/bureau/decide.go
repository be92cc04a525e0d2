package bureau

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"beian/internal/filing"
	"beian/internal/jobs"
	"beian/internal/storage"
	"beian/internal/workdays"
	"beian/internal/workflow"
)

// Handlers are the simulator's job handlers for the jobs.Runner. Each runs
// in one transaction with the job's completion, so a decision is made and
// reported exactly once.
func (s *Simulator) Handlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{
		JobDecide:    s.runDecide,
		JobSMSExpire: s.runSMSExpire,
	}
}

func decodeJob(j storage.Job) (string, error) {
	var p jobPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.SubmissionID == "" {
		return "", jobs.Permanent(fmt.Errorf("%s: bad payload %s", j.Kind, j.Payload))
	}
	return p.SubmissionID, nil
}

// permanentIfTransition stops retrying when Beian refuses the outcome as
// an invalid transition: trying again cannot make it valid.
func permanentIfTransition(err error) error {
	if errors.Is(err, workflow.ErrInvalidTransition) {
		return jobs.Permanent(err)
	}
	return err
}

// onSubmission runs a job about one submission: it locks the submission,
// lets act decide what to do in its state, and completes the job in the
// same transaction.
func (s *Simulator) onSubmission(ctx context.Context, j storage.Job, act func(tx *storage.Tx, sub *storage.BureauSubmission) error) error {
	id, err := decodeJob(j)
	if err != nil {
		return err
	}
	if s.Outcomes == nil {
		return ErrNoOutcomes
	}
	err = s.o.Store.Tx(ctx, func(tx *storage.Tx) error {
		sub, err := tx.BureauSubmissionForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if err := act(tx, sub); err != nil {
			return err
		}
		return tx.CompleteJob(ctx, j.ID)
	})
	return permanentIfTransition(err)
}

func (s *Simulator) runSMSExpire(ctx context.Context, j storage.Job) error {
	return s.onSubmission(ctx, j, func(tx *storage.Tx, sub *storage.BureauSubmission) error {
		if sub.State != storage.SubmissionSMS {
			return nil
		}
		if s.o.Now().Before(sub.SMSDeadline) {
			return fmt.Errorf("sms deadline %s not reached", sub.SMSDeadline.Format(time.RFC3339))
		}
		return s.returnSubmission(ctx, tx, sub, reasonTimeout)
	})
}

func (s *Simulator) runDecide(ctx context.Context, j storage.Job) error {
	return s.onSubmission(ctx, j, func(tx *storage.Tx, sub *storage.BureauSubmission) error {
		// Decided meanwhile (an admin in the console): nothing to do.
		if sub.State != storage.SubmissionReview {
			return nil
		}
		return s.decide(ctx, tx, sub, Decision{Approve: true}, false)
	})
}

// Decision is a manual decision from the admin console.
type Decision struct {
	Approve bool
	// Reason is required to reject; shown to the applicant as written.
	Reason string
}

// Decide records an admin's decision on the application the bureau is
// reviewing (manual mode; in auto mode it overrides the scheduled
// decision). Approving still runs the bureau's checks: when they fail it
// returns ErrChecksFailed with the reason, and the admin should reject.
// It runs in the caller's transaction, with the caller's audit record.
func (s *Simulator) Decide(ctx context.Context, tx *storage.Tx, appID string, d Decision) error {
	if s.Outcomes == nil {
		return ErrNoOutcomes
	}
	sub, err := tx.LatestBureauSubmissionForUpdate(ctx, appID)
	if errors.Is(err, storage.ErrNotFound) {
		return ErrNotUnderReview
	}
	if err != nil {
		return err
	}
	if sub.State != storage.SubmissionReview {
		return ErrNotUnderReview
	}
	if !d.Approve && strings.TrimSpace(d.Reason) == "" {
		return errors.New("a rejection needs a reason")
	}
	return s.decide(ctx, tx, sub, d, true)
}

// decide approves (when the checks pass) or rejects a submission under review.
func (s *Simulator) decide(ctx context.Context, tx *storage.Tx, sub *storage.BureauSubmission, d Decision, manual bool) error {
	var p submissionPayload
	if err := s.open(sub.Payload, &p); err != nil {
		return fmt.Errorf("bureau submission %s: %w", sub.ID, err)
	}
	now := s.o.Now()
	if !d.Approve {
		r := strings.TrimSpace(d.Reason)
		return s.reject(ctx, tx, sub, filing.Text{ZH: r, EN: r}, now)
	}
	plan, failed, err := s.check(ctx, tx, p.Submission)
	if err != nil {
		return err
	}
	if failed != nil {
		if manual {
			return fmt.Errorf("%w: %s", ErrChecksFailed, failed.ZH)
		}
		return s.reject(ctx, tx, sub, *failed, now)
	}
	numbers, err := s.apply(ctx, tx, p.Submission, plan, now)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(numbers)
	sub.State, sub.DecidedAt, sub.Numbers = storage.SubmissionApproved, now, string(b)
	if err := tx.UpdateBureauSubmission(ctx, sub); err != nil {
		return err
	}
	return s.Outcomes.Approved(ctx, tx, sub.ApplicationID, numbers)
}

func (s *Simulator) reject(ctx context.Context, tx *storage.Tx, sub *storage.BureauSubmission, reason filing.Text, now time.Time) error {
	b, _ := json.Marshal(map[string]string{"zh": reason.ZH, "en": reason.EN})
	sub.State, sub.DecidedAt, sub.Reason = storage.SubmissionRejected, now, string(b)
	if err := tx.UpdateBureauSubmission(ctx, sub); err != nil {
		return err
	}
	return s.Outcomes.Rejected(ctx, tx, sub.ApplicationID, reason)
}

// plan is what the checks resolved: the subject's record and, per
// document website, its existing record (nil for a new website).
type plan struct {
	subject  *storage.BureauSubject
	websites []*storage.BureauWebsite
	// shell is a filed subject without websites (空壳) that a first filing
	// replaces: it is treated as unknown and cancelled on approval.
	shell *storage.BureauSubject
}

// check runs the bureau's own checks: the blacklist, then the registry
// conflicts of the flow. failed is the reason to reject, nil when all pass.
func (s *Simulator) check(ctx context.Context, tx *storage.Tx, sub Submission) (*plan, *filing.Text, error) {
	doc := sub.Document
	certs := []string{doc.Subject.CertNumber, doc.Subject.Leader.CertNumber}
	for _, w := range doc.Websites {
		certs = append(certs, w.Leader.CertNumber)
	}
	var hashes []string
	for _, c := range certs {
		if strings.TrimSpace(c) != "" {
			hashes = append(hashes, s.blacklistHash(c))
		}
	}
	black, err := tx.BureauBlacklisted(ctx, hashes...)
	if err != nil {
		return nil, nil, err
	}
	if black {
		return nil, &filing.Text{
			ZH: "主办单位或负责人的证件号码在管局黑名单中，不予备案",
			EN: "the certificate number of the subject or a leader is on the bureau's blacklist; filing refused",
		}, nil
	}

	pl := &plan{websites: make([]*storage.BureauWebsite, len(doc.Websites))}
	// The subject's record: by number, else by certificate.
	if sub.SubjectNumber != "" {
		r, err := tx.BureauSubjectByNumber(ctx, sub.SubjectNumber)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, nil, err
		}
		pl.subject = r
	} else {
		rows, err := tx.BureauSubjectsByCert(ctx, s.certHash(doc.Subject.CertType, doc.Subject.CertNumber))
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			if r.Status == storage.BureauActive {
				pl.subject = r
				break
			}
		}
	}
	if pl.subject != nil && pl.subject.Status != storage.BureauActive {
		pl.subject = nil
	}
	if sub.Flow == filing.FlowFirstFiling && pl.subject != nil {
		sites, err := tx.BureauWebsitesBySubject(ctx, pl.subject.Number)
		if err != nil {
			return nil, nil, err
		}
		live := 0
		for _, w := range sites {
			if w.Status != storage.BureauCancelled {
				live++
			}
		}
		if live == 0 {
			pl.shell, pl.subject = pl.subject, nil
		}
	}
	if sub.Flow == filing.FlowFirstFiling {
		if pl.subject != nil {
			return nil, &filing.Text{
				ZH: fmt.Sprintf("该主办单位已备案（%s），请办理新增网站而非首次备案", pl.subject.Number),
				EN: fmt.Sprintf("the subject is already filed (%s): file a new website, not a first filing", pl.subject.Number),
			}, nil
		}
	} else if pl.subject == nil {
		return nil, &filing.Text{
			ZH: "管局备案库中没有该主办单位的有效备案",
			EN: "the national registry has no active filing of this subject",
		}, nil
	}
	newSites := sub.Flow == filing.FlowFirstFiling || sub.Flow == filing.FlowNewWebsite
	for i, w := range doc.Websites {
		domain := normDomain(w.Domain)
		rows, err := tx.BureauWebsitesByDomain(ctx, domain)
		if err != nil {
			return nil, nil, err
		}
		var existing *storage.BureauWebsite
		for _, r := range rows {
			if r.Status != storage.BureauCancelled {
				existing = r
				break
			}
		}
		if i < len(sub.WebsiteNumbers) && sub.WebsiteNumbers[i] != "" && !newSites {
			r, err := tx.BureauWebsiteByNumber(ctx, sub.WebsiteNumbers[i])
			if err != nil && !errors.Is(err, storage.ErrNotFound) {
				return nil, nil, err
			}
			if r != nil && r.Status != storage.BureauCancelled {
				existing = r
			} else {
				existing = nil
			}
		}
		if newSites {
			if existing != nil {
				return nil, &filing.Text{
					ZH: fmt.Sprintf("域名 %s 已备案（%s），不能重复备案", domain, existing.Number),
					EN: fmt.Sprintf("the domain %s is already filed (%s)", domain, existing.Number),
				}, nil
			}
			continue
		}
		if existing == nil || existing.SubjectNumber != pl.subject.Number {
			return nil, &filing.Text{
				ZH: fmt.Sprintf("管局备案库中没有该主办单位的网站 %s", domain),
				EN: fmt.Sprintf("the national registry has no website %s of this subject", domain),
			}, nil
		}
		if sub.Flow == filing.FlowNewAccess && slices.Contains(existing.Providers, sub.Provider) {
			return nil, &filing.Text{
				ZH: fmt.Sprintf("网站 %s 已由本接入商接入", domain),
				EN: fmt.Sprintf("the website %s is already hosted by this provider", domain),
			}, nil
		}
		pl.websites[i] = existing
	}
	if sub.Flow == filing.FlowChangeSubject && s.certHash(doc.Subject.CertType, doc.Subject.CertNumber) != pl.subject.CertHash {
		return nil, &filing.Text{
			ZH: "变更主体不能变更证件类型或证件号码",
			EN: "a subject change cannot change the certificate type or number",
		}, nil
	}
	return pl, nil, nil
}

// apply writes an approval into the registry and returns the numbers.
func (s *Simulator) apply(ctx context.Context, tx *storage.Tx, sub Submission, pl *plan, now time.Time) (Numbers, error) {
	doc := sub.Document
	today := workdays.Date(now)
	var n Numbers
	switch sub.Flow {
	case filing.FlowFirstFiling:
		p, ok := s.o.Refdata.Province(doc.Subject.Province)
		if !ok || p.ICPAbbr == "" {
			return n, jobs.Permanent(fmt.Errorf("bureau: unknown province %q", doc.Subject.Province))
		}
		number, err := issueSubjectNumber(ctx, tx, p.ICPAbbr, now.In(workdays.CST).Year())
		if err != nil {
			return n, err
		}
		data, err := s.seal(doc.Subject)
		if err != nil {
			return n, err
		}
		if _, err := tx.InsertBureauSubject(ctx, &storage.BureauSubject{Number: number, Province: doc.Subject.Province,
			CertType: doc.Subject.CertType, CertHash: s.certHash(doc.Subject.CertType, doc.Subject.CertNumber), Name: doc.Subject.Name,
			Data: data, Status: storage.BureauActive, Source: "beian", ApplicationID: sub.ApplicationID, ApprovedOn: today}); err != nil {
			return n, err
		}
		if pl.shell != nil {
			pl.shell.Status, pl.shell.ApplicationID = storage.BureauCancelled, sub.ApplicationID
			if err := tx.UpdateBureauSubject(ctx, pl.shell); err != nil {
				return n, err
			}
		}
		pl.subject = &storage.BureauSubject{Number: number}
		fallthrough
	case filing.FlowNewWebsite:
		n.Subject = pl.subject.Number
		for _, w := range doc.Websites {
			serial, err := tx.TakeBureauWebsiteSerial(ctx, n.Subject)
			if err != nil {
				return n, err
			}
			number := WebsiteNumber(n.Subject, serial)
			w.Access = filing.Access{}
			data, err := s.seal(w)
			if err != nil {
				return n, err
			}
			var providers []string
			if sub.Provider != "" {
				providers = []string{sub.Provider}
			}
			if _, err := tx.InsertBureauWebsite(ctx, &storage.BureauWebsite{Number: number, SubjectNumber: n.Subject,
				Domain: normDomain(w.Domain), Name: w.Name, Data: data, Providers: providers, Status: storage.BureauActive,
				Source: "beian", ApplicationID: sub.ApplicationID, ApprovedOn: today}); err != nil {
				return n, err
			}
			n.Websites = append(n.Websites, number)
		}
		return n, nil
	}

	n.Subject = pl.subject.Number
	for _, w := range pl.websites {
		n.Websites = append(n.Websites, w.Number)
	}
	switch sub.Flow {
	case filing.FlowNewAccess:
		for _, w := range pl.websites {
			w.Providers = append(w.Providers, sub.Provider)
			w.Status = storage.BureauActive
			w.ApplicationID = sub.ApplicationID
			if err := tx.UpdateBureauWebsite(ctx, w); err != nil {
				return n, err
			}
		}
	case filing.FlowChangeSubject:
		data, err := s.seal(doc.Subject)
		if err != nil {
			return n, err
		}
		pl.subject.Name, pl.subject.Data, pl.subject.ApplicationID = doc.Subject.Name, data, sub.ApplicationID
		if err := tx.UpdateBureauSubject(ctx, pl.subject); err != nil {
			return n, err
		}
	case filing.FlowChangeWebsite:
		for i, w := range pl.websites {
			site := doc.Websites[i]
			site.Access = filing.Access{}
			site.Domain = w.Domain // a website change never changes the domain
			data, err := s.seal(site)
			if err != nil {
				return n, err
			}
			w.Name, w.Data, w.ApplicationID = site.Name, data, sub.ApplicationID
			if err := tx.UpdateBureauWebsite(ctx, w); err != nil {
				return n, err
			}
		}
	case filing.FlowChangeAccess:
		// The registry keeps no access details: nothing changes here.
	case filing.FlowCancelSubject:
		sites, err := tx.BureauWebsitesBySubject(ctx, pl.subject.Number)
		if err != nil {
			return n, err
		}
		n.Websites = nil
		for _, w := range sites {
			if w.Status == storage.BureauCancelled {
				continue
			}
			n.Websites = append(n.Websites, w.Number)
			w.Status, w.ApplicationID = storage.BureauCancelled, sub.ApplicationID
			if err := tx.UpdateBureauWebsite(ctx, w); err != nil {
				return n, err
			}
		}
		pl.subject.Status, pl.subject.ApplicationID = storage.BureauCancelled, sub.ApplicationID
		if err := tx.UpdateBureauSubject(ctx, pl.subject); err != nil {
			return n, err
		}
	case filing.FlowCancelWebsite:
		for _, w := range pl.websites {
			w.Status, w.ApplicationID = storage.BureauCancelled, sub.ApplicationID
			if err := tx.UpdateBureauWebsite(ctx, w); err != nil {
				return n, err
			}
		}
	case filing.FlowCancelAccess:
		for _, w := range pl.websites {
			w.Providers = slices.DeleteFunc(w.Providers, func(p string) bool { return p == sub.Provider })
			if len(w.Providers) == 0 {
				w.Status = storage.BureauNoAccess // 空壳: left without access
			}
			w.ApplicationID = sub.ApplicationID
			if err := tx.UpdateBureauWebsite(ctx, w); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// UnderReview is one application the bureau is reviewing (admin console).
type UnderReview struct {
	SubmissionID  string
	ApplicationID string
	Flow          string
	Province      string
	SubjectName   string
	Domains       []string
	ReviewSince   time.Time
	// DecideAt is when auto mode decides (zero in manual mode).
	DecideAt time.Time
}

// ListUnderReview lists the submissions awaiting a decision, oldest first.
func (s *Simulator) ListUnderReview(ctx context.Context) ([]UnderReview, error) {
	rows, err := s.o.Store.BureauSubmissionsInState(ctx, storage.SubmissionReview)
	if err != nil {
		return nil, err
	}
	out := make([]UnderReview, 0, len(rows))
	for _, r := range rows {
		var p submissionPayload
		if err := s.open(r.Payload, &p); err != nil {
			return nil, err
		}
		u := UnderReview{SubmissionID: r.ID, ApplicationID: r.ApplicationID, Flow: r.Flow, Province: r.Province,
			SubjectName: p.Submission.Document.Subject.Name, ReviewSince: r.ReviewStartedAt}
		for _, w := range p.Submission.Document.Websites {
			u.Domains = append(u.Domains, w.Domain)
		}
		if s.o.Mode == ModeAuto {
			u.DecideAt = s.DecisionTime(r.Province, r.ReviewStartedAt)
		}
		out = append(out, u)
	}
	return out, nil
}
