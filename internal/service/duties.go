package service

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"beian/internal/duties"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/notify"
	"beian/internal/refdata"
	"beian/internal/storage"
)

// Expiry and duty reminders (issue 16 item 2, docs/operations.md): after
// approval the owner keeps the leaders' ID documents, the business
// licence and the domains valid, and files each new website with the
// public security bureau (公安备案) within 30 days. A periodic job looks at
// every active record and mails the owner 90, 30 and 7 days before each
// deadline, once each: the reminder's key (duty, object, deadline, lead)
// is recorded in the transaction that queues the mail, so restarts and
// several instances send it once.

const (
	// JobDutyReminders is the periodic job that sends the reminders.
	JobDutyReminders = "duties.remind"
	// DutyRemindersEvery is how often it looks; reminders are by the day,
	// the hour only bounds how late after midnight one goes out.
	DutyRemindersEvery = time.Hour
	// dutyPage is how many subject records one read takes.
	dutyPage = 200
	// DomainRecheck is how long a registry answer is trusted.
	DomainRecheck = 24 * time.Hour
	// domainLookupsPerRun bounds one run's registry lookups; the next run
	// takes the rest.
	domainLookupsPerRun = 200
	// dutyPace is how long the walk rests after each page, as a multiple
	// of the page's own time. The reminders read every active subject
	// record: at a million, minutes of work, which at full speed took half
	// of a two-core machine from the applicants' requests for that long
	// (issue 17). Resting three times as long keeps it to a quarter of a
	// core; the run, hourly, still ends well within its hour.
	dutyPace = 3
	// busyPace is the rest while the server is busy (more than
	// busyRequests requests began during the last page and its rest): a
	// twentieth of a core, so a reminder goes out minutes later rather
	// than an applicant waiting. At a million records and continuous load
	// the walk then takes most of its hour.
	busyPace, busyRequests = 19, 200
)

// Duty is one thing an owner must keep up, with its deadline.
type Duty struct {
	Kind    string `json:"kind"`
	Subject string `json:"subject"`           // the subject record's number
	Website string `json:"website,omitempty"` // the website record's number, for website duties
	Domain  string `json:"domain,omitempty"`
	// Role is whose ID document (leader_id): subject_leader or website_leader.
	Role   string `json:"role,omitempty"`
	Person string `json:"person,omitempty"` // the leader's name
	DueOn  string `json:"due_on"`           // YYYY-MM-DD; "" when unknown
	// DaysLeft counts calendar days to DueOn (negative once passed).
	DaysLeft int    `json:"days_left"`
	State    string `json:"state"` // ok | due | overdue | done | unknown
	// Value is what the owner recorded: the 公安备案 number, the licence's validity.
	Value    string     `json:"value,omitempty"`
	DoneAt   *time.Time `json:"done_at,omitempty"`
	Reminded []int      `json:"reminded"` // the lead times already mailed for this deadline
	// MayMarkDone: the owner may record the 公安备案 (psb_filing);
	// MaySetValidity: the owner may record the licence's validity.
	MayMarkDone    bool `json:"may_mark_done"`
	MaySetValidity bool `json:"may_set_validity"`

	object, owner string // the row the duty belongs to, its owner
	subjectName   string
}

// key names the duty's deadline: reminders of a new deadline (a renewed
// ID card, another licence date) are new reminders.
func (d Duty) key() string { return d.Kind + ":" + d.object + ":" + d.DueOn }

// dutyFacts is what the duties of a page of subject records are computed from.
type dutyFacts struct {
	websites map[string][]*storage.WebsiteRecord // by subject id
	marks    map[[2]string]storage.DutyMark
	expiry   map[string]storage.DomainExpiry
}

// dutiesOf lists a subject record's duties as of today.
func (s *Service) dutiesOf(sr *storage.SubjectRecord, f dutyFacts, today time.Time) ([]Duty, error) {
	var sub filing.Subject
	if err := s.openJSON(sr.Data, &sub); err != nil {
		return nil, err
	}
	base := Duty{Subject: sr.Number, owner: sr.OwnerID, subjectName: sr.Name}
	var out []Duty
	add := func(d Duty, due time.Time, done bool) {
		if !due.IsZero() {
			d.DueOn, d.DaysLeft = due.Format(time.DateOnly), duties.DaysLeft(due, today)
		}
		d.State = duties.State(due, today, done)
		out = append(out, d)
	}
	leader := func(d Duty, p filing.Person) {
		d.Kind, d.Person = duties.LeaderID, p.Name
		if p.CertValidUntil == filing.LongTerm {
			return // no deadline, nothing to remind
		}
		due, _ := duties.ParseDate(p.CertValidUntil)
		add(d, due, false)
	}
	d := base
	d.Role, d.object = "subject_leader", sr.ID+":subject_leader"
	leader(d, sub.Leader)

	if orgCert(sub.CertType) {
		d := base
		d.Kind, d.object, d.MaySetValidity = duties.BusinessLicence, sr.ID, true
		var due time.Time
		if m, ok := f.marks[[2]string{sr.ID, storage.MarkLicenceValidity}]; ok {
			d.Value = m.Value
			if m.Value == filing.LongTerm {
				d.State = duties.StateOK
				out = append(out, d)
			} else if due, ok = duties.ParseDate(m.Value); ok {
				add(d, due, false)
			}
		} else {
			add(d, due, false) // unknown until the owner records it
		}
	}

	for _, wr := range f.websites[sr.ID] {
		var w filing.Website
		if err := s.openJSON(wr.Data, &w); err != nil {
			return nil, err
		}
		site := base
		site.Website, site.Domain = wr.Number, wr.Domain
		if !filing.SamePerson(w.Leader, sub.Leader) {
			d := site
			d.Role, d.object = "website_leader", wr.ID+":website_leader"
			leader(d, w.Leader)
		}
		if e, ok := f.expiry[wr.Domain]; ok && !e.Assumed && e.ExpiresOn != "" {
			d := site
			d.Kind, d.object = duties.Domain, wr.ID
			due, _ := duties.ParseDate(e.ExpiresOn)
			add(d, due, false)
		}
		if approved, ok := duties.ParseDate(wr.ApprovedOn); ok {
			d := site
			d.Kind, d.object, d.MayMarkDone = duties.PSBFiling, wr.ID, true
			m, done := f.marks[[2]string{wr.ID, storage.MarkPSBFiling}]
			if done {
				at := m.At
				d.Value, d.DoneAt, d.MayMarkDone = m.Value, &at, false
			}
			add(d, duties.PSBDue(approved), done)
		}
	}
	return out, nil
}

// orgCert reports whether a subject's certificate is an organization's
// (a business licence or another registration with a term), not a person's.
func orgCert(certType string) bool {
	if ct, ok := refdata.Default().CertType(certType); ok {
		return ct.For == refdata.ForOrganization
	}
	return false
}

// facts reads what dutiesOf needs for subs.
func (s *Service) dutyFacts(ctx context.Context, rd storage.Reader, subs []*storage.SubjectRecord) (dutyFacts, error) {
	f := dutyFacts{websites: map[string][]*storage.WebsiteRecord{}}
	ids := make([]string, 0, len(subs))
	for _, sr := range subs {
		ids = append(ids, sr.ID)
	}
	webs, err := rd.ActiveWebsitesOf(ctx, ids)
	if err != nil {
		return f, err
	}
	var domains []string
	for _, wr := range webs {
		f.websites[wr.SubjectID] = append(f.websites[wr.SubjectID], wr)
		ids = append(ids, wr.ID)
		domains = append(domains, wr.Domain)
	}
	if f.marks, err = rd.DutyMarks(ctx, ids); err != nil {
		return f, err
	}
	f.expiry, err = rd.DomainExpiries(ctx, domains)
	return f, err
}

// Duties lists the account's duties on its active records, the ones
// most urgent first.
func (s *Service) Duties(ctx context.Context, a *Account) ([]Duty, error) {
	if a == nil {
		return nil, fault.NewUnauthorized()
	}
	all, err := s.st.SubjectRecordsByOwner(ctx, a.ID)
	if err != nil {
		return nil, storeErr(err)
	}
	var subs []*storage.SubjectRecord
	for _, sr := range all {
		if sr.Status == storage.RecordActive {
			subs = append(subs, sr)
		}
	}
	f, err := s.dutyFacts(ctx, s.st.Reader, subs)
	if err != nil {
		return nil, storeErr(err)
	}
	sent, err := s.st.DutyRemindersOf(ctx, a.ID)
	if err != nil {
		return nil, storeErr(err)
	}
	reminded := map[string][]int{}
	for _, r := range sent {
		k := r.Kind + ":" + r.ObjectID + ":" + r.DueOn
		reminded[k] = append(reminded[k], r.DaysBefore)
	}
	today := s.now()
	out := []Duty{}
	for _, sr := range subs {
		ds, err := s.dutiesOf(sr, f, today)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			d.Reminded = reminded[d.key()]
			if d.Reminded == nil {
				d.Reminded = []int{}
			}
			slices.Sort(d.Reminded)
			slices.Reverse(d.Reminded)
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, func(x, y Duty) int { return dutyRank(x) - dutyRank(y) })
	return out, nil
}

// dutyRank orders duties: overdue, then due soonest, then the rest.
func dutyRank(d Duty) int {
	switch d.State {
	case duties.StateOverdue:
		return -1 << 20
	case duties.StateDueSoon:
		return d.DaysLeft
	case duties.StateUnknown:
		return 1 << 19
	case duties.StateDone:
		return 1 << 21
	}
	return 1<<18 + d.DaysLeft
}

// psbNumber is a 公安备案号 as the bureaus print it: 京公网安备11010502000001号,
// the 14 digits being what matters; spaces are tolerated.
var psbNumber = regexp.MustCompile(`^\p{Han}?公网安备\s*[0-9]{14}\s*号?$`)

// MaxPSBNumber bounds the recorded 公安备案号.
const MaxPSBNumber = 64

// MarkPSBFiled records that the website with the ICP number website is
// filed with the public security bureau, with its 公安备案号 if given: no
// further reminders. Another account's website is not found.
func (s *Service) MarkPSBFiled(ctx context.Context, a *Account, website, psb string) (*Duty, error) {
	if a == nil {
		return nil, fault.NewUnauthorized()
	}
	psb = strings.TrimSpace(psb)
	if len(psb) > MaxPSBNumber || (psb != "" && !psbNumber.MatchString(psb)) {
		return nil, wordViolation("duty.psb_number.invalid", "psb_number")
	}
	wr, sr, err := s.ownWebsite(ctx, a, website)
	if err != nil {
		return nil, err
	}
	if err := s.st.Tx(ctx, func(tx *storage.Tx) error {
		return tx.PutDutyMark(ctx, storage.DutyMark{ObjectID: wr.ID, Kind: storage.MarkPSBFiling, Value: psb, ActorID: a.ID, At: s.now()})
	}); err != nil {
		return nil, storeErr(err)
	}
	return s.dutyAfter(ctx, a, sr.Number, wr.Number, duties.PSBFiling)
}

// SetLicenceValidity records until when the business licence of the
// subject with the ICP number subject runs: YYYY-MM-DD, or long_term.
func (s *Service) SetLicenceValidity(ctx context.Context, a *Account, subject, validUntil string) (*Duty, error) {
	if a == nil {
		return nil, fault.NewUnauthorized()
	}
	validUntil = strings.TrimSpace(validUntil)
	if _, ok := duties.ParseDate(validUntil); !ok && validUntil != filing.LongTerm {
		return nil, wordViolation("duty.valid_until.invalid", "valid_until")
	}
	sr, err := s.st.SubjectRecordByNumber(ctx, strings.TrimSpace(subject))
	if err != nil || sr.OwnerID != a.ID || sr.Status != storage.RecordActive {
		return nil, notFoundOr(err)
	}
	var sub filing.Subject
	if err := s.openJSON(sr.Data, &sub); err != nil {
		return nil, err
	}
	if !orgCert(sub.CertType) {
		return nil, wordViolation("duty.valid_until.person", "subject")
	}
	if err := s.st.Tx(ctx, func(tx *storage.Tx) error {
		return tx.PutDutyMark(ctx, storage.DutyMark{ObjectID: sr.ID, Kind: storage.MarkLicenceValidity, Value: validUntil, ActorID: a.ID, At: s.now()})
	}); err != nil {
		return nil, storeErr(err)
	}
	return s.dutyAfter(ctx, a, sr.Number, "", duties.BusinessLicence)
}

// ownWebsite finds an active website record of a's by number.
func (s *Service) ownWebsite(ctx context.Context, a *Account, number string) (*storage.WebsiteRecord, *storage.SubjectRecord, error) {
	wr, err := s.st.WebsiteRecordByNumber(ctx, strings.TrimSpace(number))
	if err != nil {
		return nil, nil, notFoundOr(err)
	}
	sr, err := s.st.SubjectRecord(ctx, wr.SubjectID)
	if err != nil {
		return nil, nil, notFoundOr(err)
	}
	if sr.OwnerID != a.ID || wr.Status != storage.RecordActive || sr.Status != storage.RecordActive {
		return nil, nil, fault.NewNotFound()
	}
	return wr, sr, nil
}

// dutyAfter reads the duty a change touched, as Duties shows it.
func (s *Service) dutyAfter(ctx context.Context, a *Account, subject, website, kind string) (*Duty, error) {
	ds, err := s.Duties(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.Kind == kind && d.Subject == subject && d.Website == website {
			return &d, nil
		}
	}
	return nil, fault.NewNotFound()
}

func notFoundOr(err error) error {
	if err == nil || errors.Is(err, storage.ErrNotFound) {
		return fault.NewNotFound()
	}
	return storeErr(err)
}

// wordViolation refuses one field with the catalogue's message of rule (rule.<rule>).
func wordViolation(rule, field string) error { return fault.NewViolation(rule, field) }

// ScheduleDutyReminders queues the first run (idempotent: every instance
// may call it at start, the slot key keeps one job).
func (s *Service) ScheduleDutyReminders(ctx context.Context) error {
	return storeErr(s.st.Tx(ctx, func(tx *storage.Tx) error { return s.enqueueDutyReminders(ctx, tx, s.now()) }))
}

func (s *Service) enqueueDutyReminders(ctx context.Context, tx *storage.Tx, at time.Time) error {
	return enqueueSlot(ctx, tx, JobDutyReminders, "duties-remind:", DutyRemindersEvery, at)
}

// runDutyReminders is the job: remind, then queue the next run.
func (s *Service) runDutyReminders(ctx context.Context, j storage.Job) error {
	if _, err := s.RemindDuties(ctx); err != nil {
		return fmt.Errorf("duty reminders: %w", err)
	}
	return s.st.Tx(ctx, func(tx *storage.Tx) error {
		if err := s.enqueueDutyReminders(ctx, tx, s.now().Add(time.Minute)); err != nil {
			return err
		}
		return tx.CompleteJob(ctx, j.ID)
	})
}

// RemindDuties looks at every active subject record, refreshes the
// domains' expiry dates the registry has not answered for a day (a bounded
// number per run), and mails each owner the reminders due today. It
// reports how many it queued. Safe to run on several instances at once:
// each reminder's row is inserted before its mail is queued, in one
// transaction, and a second insert of the key does nothing.
func (s *Service) RemindDuties(ctx context.Context) (int, error) {
	now := s.now()
	lookups, sent := domainLookupsPerRun, 0
	served := s.requestsBegun()
	for after := ""; ; {
		began := time.Now() // wall time: the pace is about the machine, not business time
		subs, err := s.st.ActiveSubjectsAfter(ctx, after, dutyPage)
		if err != nil {
			return sent, storeErr(err)
		}
		if len(subs) == 0 {
			return sent, nil
		}
		after = subs[len(subs)-1].ID
		f, err := s.dutyFacts(ctx, s.st.Reader, subs)
		if err != nil {
			return sent, storeErr(err)
		}
		if lookups, err = s.refreshDomains(ctx, subs, f, now, lookups); err != nil {
			return sent, err
		}
		// The page's owners only: kept for the whole run, the map held
		// every owner reminded of anything, tens of megabytes at a million
		// records (an owner rarely has subjects on two pages).
		owners := map[string]*storage.Account{}
		for _, sr := range subs {
			if sr.OwnerID == "" {
				continue // a record Beian did not file (the registry's): no owner to mail
			}
			ds, err := s.dutiesOf(sr, f, now)
			if err != nil {
				return sent, err
			}
			n, err := s.remind(ctx, sr, ds, owners, now)
			if err != nil {
				return sent, err
			}
			sent += n
		}
		n := s.requestsBegun()
		if err := rest(ctx, dutyRest(time.Since(began), n-served)); err != nil {
			return sent, err
		}
		served = n
	}
}

// dutyRest is the walk's rest after a page that took took, while the
// server began requests requests (since the last rest began).
func dutyRest(took time.Duration, requests uint64) time.Duration {
	if requests > busyRequests {
		return busyPace * took
	}
	return dutyPace * took
}

// requestsBegun is the server's request count (0 without one: a command).
func (s *Service) requestsBegun() uint64 {
	if s.requests == nil {
		return 0
	}
	return s.requests()
}

// rest waits for d, or until ctx ends.
func rest(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// refreshDomains asks the registry for the expiry of the page's domains
// it has no fresh answer for, up to budget lookups; it updates f and
// returns the budget left. A failing registry is logged and retried on a
// later run: reminders of the other duties go on.
func (s *Service) refreshDomains(ctx context.Context, subs []*storage.SubjectRecord, f dutyFacts, now time.Time, budget int) (int, error) {
	if s.domainReg == nil {
		return budget, nil
	}
	for _, sr := range subs {
		for _, wr := range f.websites[sr.ID] {
			if e, ok := f.expiry[wr.Domain]; (ok && now.Sub(e.CheckedAt) < DomainRecheck) || budget <= 0 {
				continue
			}
			budget--
			var sub filing.Subject
			if err := s.openJSON(sr.Data, &sub); err != nil {
				return budget, err
			}
			r, err := s.domainReg.Lookup(ctx, wr.Domain, sub, now)
			if err != nil {
				s.log.Warn("duty reminders: domain registry", "domain", wr.Domain, "err", err)
				continue
			}
			e := storage.DomainExpiry{Domain: wr.Domain, Assumed: r.Assumed || !r.Registered, CheckedAt: now}
			if !r.ExpiresOn.IsZero() {
				e.ExpiresOn = duties.Day(r.ExpiresOn).Format(time.DateOnly)
			}
			if err := s.st.Tx(ctx, func(tx *storage.Tx) error { return tx.PutDomainExpiry(ctx, e) }); err != nil {
				return budget, storeErr(err)
			}
			f.expiry[wr.Domain] = e
		}
	}
	return budget, nil
}

// remind queues the reminders due today of one subject's duties, each
// once, in one transaction.
func (s *Service) remind(ctx context.Context, sr *storage.SubjectRecord, ds []Duty, owners map[string]*storage.Account, now time.Time) (int, error) {
	type due struct {
		d    Duty
		lead int
	}
	var todo []due
	for _, d := range ds {
		if d.State == duties.StateDone || d.DueOn == "" {
			continue
		}
		day, _ := duties.ParseDate(d.DueOn)
		if lead, ok := duties.Lead(day, now); ok {
			todo = append(todo, due{d, lead})
		}
	}
	if len(todo) == 0 {
		return 0, nil
	}
	owner, ok := owners[sr.OwnerID]
	if !ok {
		var err error
		if owner, err = s.st.AccountByID(ctx, sr.OwnerID); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return 0, storeErr(err)
		}
		owners[sr.OwnerID] = owner
	}
	if owner == nil || owner.Disabled {
		return 0, nil
	}
	n := 0
	err := s.st.Tx(ctx, func(tx *storage.Tx) error {
		n = 0
		for _, t := range todo {
			key := fmt.Sprintf("duty:%s:%d", t.d.key(), t.lead)
			fresh, err := tx.AddDutyReminder(ctx, storage.DutyReminder{Key: key, Kind: t.d.Kind, ObjectID: t.d.object,
				OwnerID: owner.ID, DueOn: t.d.DueOn, DaysBefore: t.lead, SentAt: now})
			if err != nil {
				return err
			}
			if !fresh {
				continue
			}
			data := notify.Data{Name: owner.Name, SubjectName: sr.Name, Record: t.d.Record(), Duty: t.d.Kind, Role: t.d.Role,
				Person: t.d.Person, DueAt: t.d.DueOn, DaysLeft: t.d.DaysLeft, URL: "/duties"}
			if t.d.Domain != "" {
				data.Domains = []string{t.d.Domain}
			}
			if err := s.queueNotice(ctx, tx, key, notify.Payload{To: owner.Email, Template: notify.TplDutyReminder,
				Data: &data, Lang: normLang(owner.Lang)}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, storeErr(err)
	}
	return n, nil
}

// Record is the number the duty concerns: the website's, else the subject's.
func (d Duty) Record() string {
	if d.Website != "" {
		return d.Website
	}
	return d.Subject
}
