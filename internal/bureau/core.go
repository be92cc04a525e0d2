package bureau

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"

	"beian/internal/filing"
	"beian/internal/jobs"
	"beian/internal/notify"
	"beian/internal/pii"
	"beian/internal/refdata"
	"beian/internal/storage"
	"beian/internal/workdays"
)

// Options configure the Simulator and the Relay.
type Options struct {
	Store    *storage.Store
	Sealer   *pii.Sealer
	Calendar *workdays.Calendar
	// Notifier queues the simulator's SMS codes; they always stay in the
	// outbox, whatever SMS channel Beian uses (a simulated code must never
	// reach a real phone). Not needed by the relay.
	Notifier *notify.Notifier
	// Mode is ModeAuto or ModeManual (simulator) or ModeRelay.
	Mode string
	// TimeScale multiplies the province's review time in auto mode: 0
	// decides at once, 1 is real time.
	TimeScale float64
	Now       func() time.Time // nil: the store's clock
	Log       *slog.Logger     // nil: slog.Default()
	Refdata   *refdata.Data    // nil: refdata.Default()
}

// core is what the simulator and the relay share: the registry tables in
// Beian's database (the national registry, or the relay's mirror of it),
// submissions, and reporting outcomes to Beian.
type core struct {
	o Options
	// Outcomes receives the results; set it (the service) before the job
	// runner starts. Wiring: build the adapter, the service with it, then
	// adapter.Outcomes = service.
	Outcomes Outcomes
}

func newCore(o Options) (*core, error) {
	if o.Store == nil || o.Sealer == nil {
		return nil, errors.New("bureau: Store and Sealer are required")
	}
	if o.TimeScale < 0 {
		return nil, errors.New("bureau: time scale must be ≥ 0")
	}
	if o.Now == nil {
		o.Now = o.Store.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Refdata == nil {
		o.Refdata = refdata.Default()
	}
	return &core{o: o}, nil
}

// Mode is the adapter's mode.
func (c *core) Mode() string { return c.o.Mode }

// --- keys: the registry holds keyed hashes, never numbers in clear ---

func normCert(n string) string { return strings.ToUpper(strings.TrimSpace(n)) }

// RegistryKeys are the keys under which the registry tables (in Beian's
// own database) hold a subject and a domain: the pre-check's one query
// asks them too (storage.RegistryProbe), so a certificate or a domain the
// registry does not know costs no query of its own.
func (c *core) RegistryKeys(certType, certNumber, domain string) storage.RegistryProbe {
	p := storage.RegistryProbe{Domain: normDomain(domain)}
	if certNumber != "" { // the public lookup asks for a domain alone: no keyed hash to compute
		p.CertHash = c.certHash(certType, certNumber)
	}
	return p
}

func (c *core) certHash(certType, number string) string {
	return c.o.Sealer.Hash("bureau-cert|" + certType + "|" + normCert(number))
}

func (c *core) blacklistHash(number string) string {
	return c.o.Sealer.Hash("bureau-blacklist|" + normCert(number))
}

func normMobile(m string) string {
	m = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return r
	}, m)
	return strings.TrimPrefix(strings.TrimPrefix(m, "+86"), "0086")
}

func (c *core) mobileHash(m string) string {
	return c.o.Sealer.Hash("bureau-mobile|" + normMobile(m))
}

// last6 is the last 6 characters of a certificate number, upper case.
func last6(cert string) string {
	r := []rune(normCert(cert))
	if len(r) > 6 {
		r = r[len(r)-6:]
	}
	return string(r)
}

func (c *core) last6Hash(submission, l6 string) string {
	return c.o.Sealer.Hash("bureau-last6|" + submission + "|" + normCert(l6))
}

func (c *core) codeHash(submission string, idx int, code string) string {
	return c.o.Sealer.Hash("bureau-code|" + submission + "|" + strconv.Itoa(idx) + "|" + strings.TrimSpace(code))
}

func (c *core) seal(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return c.o.Sealer.SealBytes(b), nil
}

func (c *core) open(sealed string, v any) error {
	b, err := c.o.Sealer.OpenBytes(sealed)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// --- submissions ---

type submissionPayload struct {
	Submission Submission `json:"submission"`
}

// newSubmission records sub in tx unless a submission with its id exists
// (a retried hand-over): then it returns nil and the caller does nothing.
func (c *core) newSubmission(ctx context.Context, tx *storage.Tx, sub Submission, state string, now time.Time) (*storage.BureauSubmission, error) {
	if sub.ID == "" || sub.ApplicationID == "" {
		return nil, errors.New("bureau submit: submission and application ids are required")
	}
	if _, err := tx.BureauSubmissionForUpdate(ctx, sub.ID); err == nil {
		return nil, nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	payload, err := c.seal(submissionPayload{Submission: sub})
	if err != nil {
		return nil, err
	}
	rec := &storage.BureauSubmission{ID: sub.ID, ApplicationID: sub.ApplicationID, Flow: sub.Flow,
		Province: sub.Document.Subject.Province, Payload: payload, State: state, SubmittedAt: now}
	if state == storage.SubmissionReview {
		rec.ReviewStartedAt = now
	}
	return rec, nil
}

// UnderReview is one application awaiting the bureau's outcome (the admin console).
type UnderReview struct {
	SubmissionID  string
	ApplicationID string
	Flow          string
	Province      string
	SubjectName   string
	Domains       []string
	ReviewSince   time.Time
	// DecideAt is when auto mode decides (zero otherwise).
	DecideAt time.Time
}

// listInState lists the submissions in state, oldest first.
func (c *core) listInState(ctx context.Context, state string, decideAt func(*storage.BureauSubmission) time.Time) ([]UnderReview, error) {
	rows, err := c.o.Store.BureauSubmissionsInState(ctx, state)
	if err != nil {
		return nil, err
	}
	out := make([]UnderReview, 0, len(rows))
	for _, r := range rows {
		var p submissionPayload
		if err := c.open(r.Payload, &p); err != nil {
			return nil, err
		}
		u := UnderReview{SubmissionID: r.ID, ApplicationID: r.ApplicationID, Flow: r.Flow, Province: r.Province,
			SubjectName: p.Submission.Document.Subject.Name, ReviewSince: r.ReviewStartedAt}
		for _, w := range p.Submission.Document.Websites {
			u.Domains = append(u.Domains, w.Domain)
		}
		if decideAt != nil {
			u.DecideAt = decideAt(r)
		}
		out = append(out, u)
	}
	return out, nil
}

// --- reporting outcomes ---

// JobReport carries one outcome to Beian (Outcomes.Report). It is queued in
// the transaction that reached the outcome, so an outcome is never lost,
// and delivered at once after the commit; the job then only confirms it.
const JobReport = "bureau.report"

func reportKey(o Outcome) string { return "bureau-report:" + o.Key() }

// settle moves a submission to state with outcome o in tx: the
// submission's state, reason and numbers, and the report job. It returns o
// as reported (with its ids), for deliver after the commit.
func (c *core) settle(ctx context.Context, tx *storage.Tx, sub *storage.BureauSubmission, state string, o Outcome) (Outcome, error) {
	now := c.o.Now()
	sub.State = state
	if state != storage.SubmissionReview {
		sub.DecidedAt = now
	}
	if o.Reason != (filing.Text{}) {
		b, _ := json.Marshal(map[string]string{"zh": o.Reason.ZH, "en": o.Reason.EN})
		sub.Reason = string(b)
	}
	if o.Kind == OutcomeApproved {
		b, _ := json.Marshal(o.Numbers)
		sub.Numbers = string(b)
	}
	if err := tx.UpdateBureauSubmission(ctx, sub); err != nil {
		return o, err
	}
	o.ApplicationID, o.SubmissionID = sub.ApplicationID, sub.ID
	return o, tx.Enqueue(ctx, JobReport, o, reportKey(o), now)
}

// deliver reports outcomes to Beian right after the transaction that
// reached them committed. A failure is only logged: the report job queued
// with the outcome delivers it later.
func (c *core) deliver(ctx context.Context, outs []Outcome) {
	for _, o := range outs {
		if c.Outcomes == nil {
			return
		}
		if _, err := c.o.Store.RunJobNow(ctx, reportKey(o), jobs.Lease, func(ctx context.Context) error { return c.Outcomes.Report(ctx, o) }); err != nil {
			c.o.Log.Warn("bureau outcome not delivered yet; its job retries", "application", o.ApplicationID, "kind", o.Kind, "err", err)
		}
	}
}

func (c *core) runReport(ctx context.Context, j storage.Job) error {
	var o Outcome
	if err := json.Unmarshal(j.Payload, &o); err != nil || o.ApplicationID == "" || o.Kind == "" {
		return jobs.Permanent(fmt.Errorf("%s: bad payload %s", j.Kind, j.Payload))
	}
	if c.Outcomes == nil {
		return ErrNoOutcomes
	}
	if err := c.Outcomes.Report(ctx, o); err != nil {
		return err
	}
	return c.o.Store.CompleteJob(ctx, j.ID)
}
