package bureau

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"

	"beian/internal/filing"
	"beian/internal/notify"
	"beian/internal/pii"
	"beian/internal/refdata"
	"beian/internal/storage"
	"beian/internal/workdays"
	"beian/internal/workflow"
)

// Modes of the simulator (BEIAN_BUREAU_MODE).
const (
	ModeAuto   = "auto"
	ModeManual = "manual"
)

// Job kinds the simulator runs.
const (
	JobDecide    = "bureau.decide"
	JobSMSExpire = "bureau.sms_expire"
)

// Options configure a Simulator.
type Options struct {
	Store    *storage.Store
	Sealer   *pii.Sealer
	Calendar *workdays.Calendar
	// Notifier queues the SMS codes (job "notify.sms") through Beian's SMS channel.
	Notifier *notify.Notifier
	// Mode is ModeAuto (decide when the province's review time has passed)
	// or ModeManual (an admin decides through Decide).
	Mode string
	// TimeScale multiplies the province's review time in auto mode: 0
	// decides at once, 1 is real time.
	TimeScale float64
	Now       func() time.Time // nil: the store's clock
	Log       *slog.Logger     // nil: slog.Default()
	Refdata   *refdata.Data    // nil: refdata.Default()
}

// Simulator is the bureau of workflow.md "The bureau", run inside Beian on
// its database: a national registry (seeded, plus everything it approved),
// SMS codes texted from 12381, automatic or manual decisions, and numbers
// in the real format.
type Simulator struct {
	o Options
	// Outcomes receives the results; set it (the service) before the job
	// runner starts. Wiring: build the simulator, the service with it, then
	// sim.Outcomes = service.
	Outcomes Outcomes
}

var _ Bureau = (*Simulator)(nil)

// NewSimulator checks the options.
func NewSimulator(o Options) (*Simulator, error) {
	if o.Store == nil || o.Sealer == nil || o.Calendar == nil || o.Notifier == nil {
		return nil, errors.New("bureau: Store, Sealer, Calendar and Notifier are required")
	}
	if o.Mode == "" {
		o.Mode = ModeAuto
	}
	if o.Mode != ModeAuto && o.Mode != ModeManual {
		return nil, fmt.Errorf("bureau: mode must be %q or %q, not %q", ModeAuto, ModeManual, o.Mode)
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
	return &Simulator{o: o}, nil
}

// Mode is the simulator's decision mode.
func (s *Simulator) Mode() string { return s.o.Mode }

// --- keys: the registry holds keyed hashes, never numbers in clear ---

func normCert(n string) string { return strings.ToUpper(strings.TrimSpace(n)) }

// RegistryKeys are the keys under which the simulator's registry tables
// (in Beian's own database) hold a subject and a domain: the pre-check's
// one query asks them too (storage.RegistryProbe), so a certificate or a
// domain the registry does not know costs no query of its own.
func (s *Simulator) RegistryKeys(certType, certNumber, domain string) storage.RegistryProbe {
	return storage.RegistryProbe{CertHash: s.certHash(certType, certNumber), Domain: normDomain(domain)}
}

func (s *Simulator) certHash(certType, number string) string {
	return s.o.Sealer.Hash("bureau-cert|" + certType + "|" + normCert(number))
}

func (s *Simulator) blacklistHash(number string) string {
	return s.o.Sealer.Hash("bureau-blacklist|" + normCert(number))
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

func (s *Simulator) mobileHash(m string) string {
	return s.o.Sealer.Hash("bureau-mobile|" + normMobile(m))
}

// last6 is the last 6 characters of a certificate number, upper case.
func last6(cert string) string {
	r := []rune(normCert(cert))
	if len(r) > 6 {
		r = r[len(r)-6:]
	}
	return string(r)
}

func (s *Simulator) last6Hash(submission, l6 string) string {
	return s.o.Sealer.Hash("bureau-last6|" + submission + "|" + normCert(l6))
}

func (s *Simulator) codeHash(submission string, idx int, code string) string {
	return s.o.Sealer.Hash("bureau-code|" + submission + "|" + strconv.Itoa(idx) + "|" + strings.TrimSpace(code))
}

func (s *Simulator) seal(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return s.o.Sealer.SealBytes(b), nil
}

func (s *Simulator) open(sealed string, v any) error {
	b, err := s.o.Sealer.OpenBytes(sealed)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// --- seeding ---

// LoadSeed writes the seed's filings and blacklist into the registry.
// Records already there are left alone, so it runs at every start (and on
// two instances at once) without duplicating or undoing anything.
func (s *Simulator) LoadSeed(ctx context.Context, seed *Seed) error {
	return s.o.Store.Tx(ctx, func(tx *storage.Tx) error {
		for _, sub := range seed.Subjects {
			data, err := s.seal(sub.Subject)
			if err != nil {
				return err
			}
			if _, err := tx.InsertBureauSubject(ctx, &storage.BureauSubject{
				Number: sub.Number, Province: sub.Subject.Province, CertType: sub.Subject.CertType,
				CertHash: s.certHash(sub.Subject.CertType, sub.Subject.CertNumber), Name: sub.Subject.Name,
				Data: data, Status: storage.BureauActive, Source: "seed",
			}); err != nil {
				return err
			}
			for _, w := range sub.Websites {
				data, err := s.seal(w.Website)
				if err != nil {
					return err
				}
				if _, err := tx.InsertBureauWebsite(ctx, &storage.BureauWebsite{
					Number: w.Number, SubjectNumber: sub.Number, Domain: normDomain(w.Website.Domain), Name: w.Website.Name,
					Data: data, Providers: w.Providers, Status: storage.BureauActive, Source: "seed",
				}); err != nil {
					return err
				}
				n, _ := websiteSerial(sub.Number, w.Number)
				if err := tx.RaiseBureauWebsiteSerial(ctx, sub.Number, n); err != nil {
					return err
				}
			}
		}
		for _, c := range seed.Blacklist {
			if err := tx.AddBureauBlacklist(ctx, s.blacklistHash(c)); err != nil {
				return err
			}
		}
		return nil
	})
}

// --- lookups ---

// LookupSubject implements Bureau.
func (s *Simulator) LookupSubject(ctx context.Context, certType, certNumber string) (*Subject, error) {
	rows, err := s.o.Store.BureauSubjectsByCert(ctx, s.certHash(certType, certNumber))
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if r.Status != storage.BureauActive {
			continue
		}
		sub, err := s.subject(r)
		if err != nil {
			return nil, err
		}
		sites, err := s.o.Store.BureauWebsitesBySubject(ctx, r.Number)
		if err != nil {
			return nil, err
		}
		for _, w := range sites {
			if w.Status == storage.BureauCancelled {
				continue
			}
			site, err := s.website(w, sub)
			if err != nil {
				return nil, err
			}
			sub.Websites = append(sub.Websites, *site)
		}
		return sub, nil
	}
	return nil, nil
}

// LookupDomain implements Bureau.
func (s *Simulator) LookupDomain(ctx context.Context, domain string) (*Website, error) {
	rows, err := s.o.Store.BureauWebsitesByDomain(ctx, normDomain(domain))
	if err != nil {
		return nil, err
	}
	for _, w := range rows {
		if w.Status == storage.BureauCancelled {
			continue
		}
		r, err := s.o.Store.BureauSubjectByNumber(ctx, w.SubjectNumber)
		if err != nil {
			return nil, err
		}
		sub, err := s.subject(r)
		if err != nil {
			return nil, err
		}
		return s.website(w, sub)
	}
	return nil, nil
}

func (s *Simulator) subject(r *storage.BureauSubject) (*Subject, error) {
	out := &Subject{Number: r.Number, Status: r.Status}
	if err := s.open(r.Data, &out.Subject); err != nil {
		return nil, fmt.Errorf("bureau subject %s: %w", r.Number, err)
	}
	return out, nil
}

func (s *Simulator) website(w *storage.BureauWebsite, sub *Subject) (*Website, error) {
	out := &Website{Number: w.Number, Status: w.Status, SubjectNumber: w.SubjectNumber, Providers: w.Providers,
		SubjectCertType: sub.Subject.CertType, SubjectCertNumber: sub.Subject.CertNumber}
	if err := s.open(w.Data, &out.Website); err != nil {
		return nil, fmt.Errorf("bureau website %s: %w", w.Number, err)
	}
	out.Website.Access = filing.Access{}
	return out, nil
}

// --- submission and SMS ---

type submissionPayload struct {
	Submission Submission `json:"submission"`
}

// Submit implements Bureau: it records the submission, and either texts a
// 6-digit code to each required leader (jobs "notify.sms", plus
// "bureau.sms_expire" at the 24-hour deadline) or, for flows without SMS,
// starts the review at once.
func (s *Simulator) Submit(ctx context.Context, tx *storage.Tx, sub Submission) (string, error) {
	if !slices.Contains(filing.Flows, sub.Flow) {
		return "", fmt.Errorf("bureau submit: %w: %q", workflow.ErrUnknownFlow, sub.Flow)
	}
	now := s.o.Now()
	id := uuid.Must(uuid.NewV7()).String()
	payload, err := s.seal(submissionPayload{Submission: sub})
	if err != nil {
		return "", err
	}
	rec := &storage.BureauSubmission{ID: id, ApplicationID: sub.ApplicationID, Flow: sub.Flow,
		Province: sub.Document.Subject.Province, Payload: payload, SubmittedAt: now}
	recipients := workflow.SMSRecipients(sub.Flow, sub.Document)
	if len(recipients) == 0 {
		rec.State, rec.ReviewStartedAt = storage.SubmissionReview, now
		if err := tx.CreateBureauSubmission(ctx, rec); err != nil {
			return "", err
		}
		return id, s.scheduleDecision(ctx, tx, rec)
	}
	rec.State, rec.SMSDeadline = storage.SubmissionSMS, now.Add(SMSValidHours*time.Hour)
	if err := tx.CreateBureauSubmission(ctx, rec); err != nil {
		return "", err
	}
	for i, r := range recipients {
		code, err := newCode()
		if err != nil {
			return "", err
		}
		var certs []string
		for _, c := range r.CertNumbers {
			certs = append(certs, s.last6Hash(id, last6(c)))
		}
		m := normMobile(r.Mobile)
		if err := tx.InsertBureauSMS(ctx, &storage.BureauSMS{SubmissionID: id, Idx: i, Role: string(r.Role), Website: r.Website,
			MobileSealed: s.o.Sealer.Seal(m), MobileHash: s.mobileHash(m), MobileMasked: pii.MaskMobile(m),
			CertHashes: certs, CodeHash: s.codeHash(id, i, code), Status: SMSPending}); err != nil {
			return "", err
		}
		// The SMS itself goes through Beian's SMS channel, from 12381.
		if err := s.o.Notifier.Enqueue(ctx, tx, notify.SMS, fmt.Sprintf("bureau-sms:%s:%d", id, i), notify.Payload{
			To: m, Template: notify.TplSMSCode, Lang: "zh", Data: &notify.Data{Code: code, ValidHours: SMSValidHours},
		}); err != nil {
			return "", err
		}
	}
	if err := tx.Enqueue(ctx, JobSMSExpire, jobPayload{SubmissionID: id}, "bureau-sms-expire:"+id, rec.SMSDeadline); err != nil {
		return "", err
	}
	return id, nil
}

type jobPayload struct {
	SubmissionID string `json:"submission_id"`
}

// newCode draws a 6-digit code from crypto/rand.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("sms code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// ConfirmSMS implements Bureau.
func (s *Simulator) ConfirmSMS(ctx context.Context, tx *storage.Tx, appID string, in SMSInput) (*SMSResult, error) {
	if s.Outcomes == nil {
		return nil, ErrNoOutcomes
	}
	sub, err := tx.LatestBureauSubmissionForUpdate(ctx, appID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, ErrNoPendingSMS
	}
	if err != nil {
		return nil, err
	}
	if sub.State != storage.SubmissionSMS {
		return nil, ErrNoPendingSMS
	}
	now := s.o.Now()
	res := &SMSResult{}
	if !now.Before(sub.SMSDeadline) {
		// The deadline passed before the expiry job ran: return now.
		if err := s.returnSubmission(ctx, tx, sub, reasonTimeout); err != nil {
			return nil, err
		}
		res.Returned = true
		return s.fillResult(ctx, tx, sub, res)
	}
	rows, err := tx.BureauSMSList(ctx, sub.ID)
	if err != nil {
		return nil, err
	}
	mh := s.mobileHash(in.Mobile)
	l6 := s.last6Hash(sub.ID, in.CertLast6)
	match := -1
	for _, r := range rows {
		if r.MobileHash == mh && slices.Contains(r.CertHashes, l6) && r.CodeHash == s.codeHash(sub.ID, r.Idx, in.Code) {
			match = r.Idx
			if r.Status == SMSConfirmed { // confirming twice is harmless
				res.Correct = true
			} else if r.Status == SMSPending {
				if err := tx.SetBureauSMSStatus(ctx, sub.ID, r.Idx, SMSConfirmed, now); err != nil {
					return nil, err
				}
				r.Status = SMSConfirmed
				res.Correct = true
			}
			break
		}
	}
	if match < 0 {
		sub.WrongAttempts++
		if sub.WrongAttempts >= SMSMaxWrongAttempts {
			if err := s.returnSubmission(ctx, tx, sub, reasonTooManyAttempts); err != nil {
				return nil, err
			}
			res.Returned = true
			return s.fillResult(ctx, tx, sub, res)
		}
		if err := tx.UpdateBureauSubmission(ctx, sub); err != nil {
			return nil, err
		}
		return s.fillResult(ctx, tx, sub, res)
	}
	pending := 0
	for _, r := range rows {
		if r.Status == SMSPending {
			pending++
		}
	}
	if pending == 0 {
		sub.State, sub.ReviewStartedAt = storage.SubmissionReview, now
		if err := tx.UpdateBureauSubmission(ctx, sub); err != nil {
			return nil, err
		}
		if err := s.Outcomes.SMSConfirmed(ctx, tx, sub.ApplicationID); err != nil {
			return nil, err
		}
		if err := s.scheduleDecision(ctx, tx, sub); err != nil {
			return nil, err
		}
		res.AllConfirmed = true
	}
	return s.fillResult(ctx, tx, sub, res)
}

func (s *Simulator) fillResult(ctx context.Context, tx *storage.Tx, sub *storage.BureauSubmission, res *SMSResult) (*SMSResult, error) {
	rows, err := tx.BureauSMSList(ctx, sub.ID)
	if err != nil {
		return nil, err
	}
	res.SMS = smsStates(sub, rows)
	res.AttemptsLeft = max(0, SMSMaxWrongAttempts-sub.WrongAttempts)
	if res.Returned {
		res.AttemptsLeft = 0
	}
	return res, nil
}

func smsStates(sub *storage.BureauSubmission, rows []*storage.BureauSMS) []SMSState {
	left := max(0, SMSMaxWrongAttempts-sub.WrongAttempts)
	if sub.State == storage.SubmissionReturned {
		left = 0
	}
	out := make([]SMSState, 0, len(rows))
	for _, r := range rows {
		out = append(out, SMSState{Role: r.Role, Website: r.Website, Mobile: r.MobileMasked, Status: r.Status, AttemptsLeft: left, Deadline: sub.SMSDeadline})
	}
	return out
}

// SMSStatus implements Bureau.
func (s *Simulator) SMSStatus(ctx context.Context, appID string) ([]SMSState, error) {
	sub, err := s.o.Store.LatestBureauSubmission(ctx, appID)
	if errors.Is(err, storage.ErrNotFound) {
		return []SMSState{}, nil
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.o.Store.BureauSMSList(ctx, sub.ID)
	if err != nil {
		return nil, err
	}
	return smsStates(sub, rows), nil
}

var (
	reasonTimeout = filing.Text{
		ZH: "短信核验超过 24 小时未完成，申请已退回",
		EN: "the SMS verification was not completed within 24 hours; the application was returned",
	}
	reasonTooManyAttempts = filing.Text{
		ZH: "短信核验错误次数达到 5 次，申请已退回",
		EN: "5 wrong SMS verification attempts; the application was returned",
	}
)

// returnSubmission ends the SMS step unsuccessfully and tells Beian.
func (s *Simulator) returnSubmission(ctx context.Context, tx *storage.Tx, sub *storage.BureauSubmission, reason filing.Text) error {
	sub.State, sub.DecidedAt = storage.SubmissionReturned, s.o.Now()
	b, _ := json.Marshal(map[string]string{"zh": reason.ZH, "en": reason.EN})
	sub.Reason = string(b)
	if err := tx.UpdateBureauSubmission(ctx, sub); err != nil {
		return err
	}
	if err := tx.SetBureauSMSStatus(ctx, sub.ID, -1, SMSExpired, time.Time{}); err != nil {
		return err
	}
	return s.Outcomes.SMSReturned(ctx, tx, sub.ApplicationID, reason)
}

// scheduleDecision queues the automatic decision (auto mode) for when the
// province's review time, scaled, has passed. The scale applies to the
// real duration of those working days, so a demo at scale 0.001 moves
// along at night too.
func (s *Simulator) scheduleDecision(ctx context.Context, tx *storage.Tx, sub *storage.BureauSubmission) error {
	if s.o.Mode != ModeAuto {
		return nil
	}
	now := s.o.Now()
	days := workflow.DefaultBureauReviewDays
	if p, ok := s.o.Refdata.Province(sub.Province); ok && p.BureauReviewDays > 0 {
		days = p.BureauReviewDays
	}
	full := s.o.Calendar.AddWorkingDays(now, float64(days)).Sub(now)
	runAt := now.Add(time.Duration(float64(full) * s.o.TimeScale))
	return tx.Enqueue(ctx, JobDecide, jobPayload{SubmissionID: sub.ID}, "bureau-decide:"+sub.ID, runAt)
}

// DecisionTime is when an automatic decision on a review started at start
// in province is due (for showing in the admin console and tests).
func (s *Simulator) DecisionTime(province string, start time.Time) time.Time {
	days := workflow.DefaultBureauReviewDays
	if p, ok := s.o.Refdata.Province(province); ok && p.BureauReviewDays > 0 {
		days = p.BureauReviewDays
	}
	full := s.o.Calendar.AddWorkingDays(start, float64(days)).Sub(start)
	return start.Add(time.Duration(float64(full) * s.o.TimeScale))
}
