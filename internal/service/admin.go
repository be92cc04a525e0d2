package service

// The admin's side (api.md "Admin"): staff accounts, the outbox, the audit
// log, the bureau simulator's console; and the reviewers' overdue alerts,
// a periodic job. Applicants get 404 here, reviewers 403.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"beian/internal/bureau"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/jobs"
	"beian/internal/notify"
	"beian/internal/storage"
	"beian/internal/workdays"
	"beian/internal/workflow"
)

// StaffAccounts lists reviewers and admins (admin only).
func (s *Service) StaffAccounts(ctx context.Context, a *Account) ([]*Account, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	rows, err := s.st.AccountsByRole(ctx, RoleReviewer, RoleAdmin)
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]*Account, 0, len(rows))
	for _, r := range rows {
		out = append(out, s.account(r))
	}
	return out, nil
}

// OutboxQuery filters the outbox: To is a full address or mobile.
type OutboxQuery = notify.OutboxQuery

// OutboxItem is a stored message with its recipient masked.
type OutboxItem = notify.OutboxItem

// Outbox lists the messages kept in the outbox, newest first (admin only).
func (s *Service) Outbox(ctx context.Context, a *Account, q OutboxQuery) ([]OutboxItem, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	if q.Channel != "" && q.Channel != notify.Email && q.Channel != notify.SMS {
		return nil, fault.NewInvalid([]filing.Violation{fault.Violated("outbox.channel.invalid", "channel")})
	}
	ob := &notify.Outbox{Store: s.st, Sealer: s.seal}
	items, err := ob.List(ctx, q)
	if err != nil {
		return nil, storeErr(err)
	}
	return items, nil
}

// AuditFilter narrows the audit log.
type AuditFilter = storage.AuditFilter

// AuditEntry is one line of the audit log.
type AuditEntry = storage.AuditEntry

// AccountNames names the accounts of ids for the audit log (admin only):
// the account's name, else its email.
func (s *Service) AccountNames(ctx context.Context, a *Account, ids []string) (map[string]string, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, id := range ids {
		if _, done := out[id]; done || id == "" {
			continue
		}
		sa, err := s.st.AccountByID(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, storeErr(err)
		}
		out[id] = sa.Name
		if out[id] == "" {
			out[id] = sa.Email
		}
	}
	return out, nil
}

// AuditLog lists the audit log, newest first (admin only). The listing is
// itself audited, being a read of who looked at whose data.
func (s *Service) AuditLog(ctx context.Context, a *Account, f AuditFilter) ([]*AuditEntry, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	rows, err := s.st.AuditLog(ctx, f)
	if err != nil {
		return nil, storeErr(err)
	}
	err = s.st.Tx(ctx, func(tx *storage.Tx) error {
		return tx.Audit(ctx, &storage.AuditEntry{At: s.now(), ActorID: a.ID, ActorRole: a.Role, Action: "audit.read", ObjectType: "audit_log"})
	})
	if err != nil {
		return nil, storeErr(err)
	}
	return rows, nil
}

func errNoConsole() error {
	return fault.Words(fault.NotFound, fault.CodeNotFound, "error.not_found.bureau_use_has")
}

// BureauItem is one application awaiting the bureau's outcome, with the
// numbers its filing already has (relay: what the outcome form starts
// from; the other numbers are new).
type BureauItem struct {
	bureau.UnderReview
	KnownSubject  string
	KnownWebsites []string // per domain; "" for a new website
}

// BureauUnderReview lists what awaits the bureau's outcome (admin only),
// and the adapter's mode.
func (s *Service) BureauUnderReview(ctx context.Context, a *Account) ([]BureauItem, string, error) {
	if err := requireAdmin(a); err != nil {
		return nil, "", err
	}
	if s.console == nil {
		return nil, "", errNoConsole()
	}
	list, err := s.console.ListUnderReview(ctx)
	if err != nil {
		return nil, "", storeErr(err)
	}
	out := make([]BureauItem, 0, len(list))
	for _, u := range list {
		it := BureauItem{UnderReview: u}
		if s.mode == bureau.ModeRelay {
			sa, err := s.st.Application(ctx, u.ApplicationID)
			if err != nil {
				return nil, "", storeErr(err)
			}
			var doc filing.Document
			if err := s.openJSON(sa.Document, &doc); err != nil {
				return nil, "", err
			}
			if it.KnownSubject, it.KnownWebsites, err = s.knownNumbers(ctx, sa, doc); err != nil {
				return nil, "", err
			}
		}
		out = append(out, it)
	}
	return out, s.mode, nil
}

// BureauDecisionInput is an admin's word for the bureau (api.md "Admin").
type BureauDecisionInput struct {
	Decision string // approve | reject | sms_expired
	Reason   string
	Numbers  bureau.Numbers
}

// BureauDecide is an admin's decision as the simulated bureau (manual
// mode; in auto mode it pre-empts the scheduled decision), or the real
// bureau's outcome recorded in relay mode: approve with the numbers it
// issued (relay.go checks them), reject with its reason, or sms_expired
// when the leaders let its SMS lapse. A rejection needs a reason; an
// approval the simulator's checks refuse answers 409 bureau.checks_failed.
func (s *Service) BureauDecide(ctx context.Context, a *Account, id string, in BureauDecisionInput) (*Application, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	sa, err := s.loadStaffAction(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if s.console == nil {
		return nil, errNoConsole()
	}
	d := bureau.Decision{Kind: strings.TrimSpace(in.Decision), Reason: strings.TrimSpace(in.Reason), Numbers: in.Numbers}
	switch d.Kind {
	case bureau.DecisionApprove, bureau.DecisionReject, bureau.DecisionSMSExpired:
	default:
		return nil, fault.NewInvalid([]filing.Violation{fault.Violated("bureau.decision.invalid", "decision")})
	}
	if s.mode == bureau.ModeRelay && sa.State != string(workflow.BureauReview) {
		return nil, invalidTransition(fmt.Errorf("%w: no bureau outcome awaited in state %s", workflow.ErrInvalidTransition, sa.State))
	}
	if d.Kind == bureau.DecisionReject && d.Reason == "" {
		return nil, fault.NewInvalid([]filing.Violation{fault.Violated("bureau.reason.required", "reason")})
	}
	if s.mode == bureau.ModeRelay && d.Kind == bureau.DecisionApprove {
		// The real bureau's numbers, checked before they are recorded.
		if d.Numbers, err = s.recordedNumbers(ctx, sa, d.Numbers); err != nil {
			return nil, err
		}
	}
	err = s.console.Decide(ctx, sa.ID, d)
	switch {
	case errors.Is(err, bureau.ErrNotUnderReview):
		return nil, invalidTransition(fmt.Errorf("%w: %w", workflow.ErrInvalidTransition, err))
	case errors.Is(err, bureau.ErrChecksFailed):
		return nil, fault.Words(fault.Conflict, "bureau.checks_failed", "error.bureau.checks_failed", err.Error()).Wrap(err)
	case err != nil:
		return nil, storeErr(err)
	}
	if err := s.st.Tx(ctx, func(tx *storage.Tx) error {
		return tx.Audit(ctx, &storage.AuditEntry{At: s.now(), ActorID: a.ID, ActorRole: a.Role, Action: "bureau.decide",
			ObjectType: "application", ObjectID: sa.ID, Detail: d.Kind})
	}); err != nil {
		return nil, storeErr(err)
	}
	s.poke()
	cur, err := s.st.Application(ctx, sa.ID)
	if err != nil {
		return nil, storeErr(err)
	}
	return s.view(ctx, a, cur)
}

// JobOverdueAlerts is the periodic job that mails reviewers their overdue tasks.
const JobOverdueAlerts = "review.overdue_alerts"

// OverdueAlertEvery is how often the overdue alert job looks.
const OverdueAlertEvery = time.Hour

// Handlers are the service's job handlers for the jobs.Runner.
func (s *Service) Handlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{JobOverdueAlerts: s.runOverdueAlerts, JobBureauSubmit: s.runBureauSubmit, JobBureauOutcome: s.runBureauOutcome,
		JobDraftExpiry: s.runDraftExpiry, JobDutyReminders: s.runDutyReminders}
}

// ScheduleOverdueAlerts queues the first overdue alert run (idempotent:
// every instance may call it at start, the slot key keeps one job).
func (s *Service) ScheduleOverdueAlerts(ctx context.Context) error {
	return storeErr(s.st.Tx(ctx, func(tx *storage.Tx) error { return s.enqueueOverdue(ctx, tx, s.now()) }))
}

func (s *Service) enqueueOverdue(ctx context.Context, tx *storage.Tx, at time.Time) error {
	return enqueueSlot(ctx, tx, JobOverdueAlerts, "review-overdue:", OverdueAlertEvery, at)
}

// enqueueSlot queues a periodic job for the first slot of every at or
// after at; the slot's key keeps one job per slot, however many instances
// queue it.
func enqueueSlot(ctx context.Context, tx *storage.Tx, kind, keyPrefix string, every time.Duration, at time.Time) error {
	return tx.EnqueueSlot(ctx, kind, keyPrefix, every, at)
}

// runOverdueAlerts mails every reviewer and admin the list of overdue
// tasks (once per slot, keyed), then queues the next run, in one transaction.
func (s *Service) runOverdueAlerts(ctx context.Context, j storage.Job) error {
	rows, err := s.st.ReviewQueue(ctx, storage.QueueFilter{States: []string{string(workflow.InitialReview), string(workflow.MaterialReview)}, Limit: 1000})
	if err != nil {
		return err
	}
	now := s.now()
	var overdue []notify.OverdueTask
	for _, r := range rows {
		if workflow.Overdue(r.DueAt, now) {
			overdue = append(overdue, notify.OverdueTask{ApplicationID: r.ID, SubjectName: r.SubjectName, State: r.State,
				DueAt: r.DueAt.In(workdays.CST).Format("2006-01-02 15:04")})
		}
	}
	var staff []*storage.Account
	if len(overdue) > 0 {
		if staff, err = s.st.AccountsByRole(ctx, RoleReviewer, RoleAdmin); err != nil {
			return err
		}
	}
	return s.st.Tx(ctx, func(tx *storage.Tx) error {
		for _, st := range staff {
			if st.Disabled {
				continue
			}
			p := notify.Payload{To: st.Email, Template: notify.TplReviewerOverdue, Lang: normLang(st.Lang),
				Data: &notify.Data{Name: st.Name, Overdue: overdue}}
			if err := s.queueNotice(ctx, tx, "overdue:"+j.ID+":"+st.ID, p); err != nil {
				return err
			}
		}
		if err := s.enqueueOverdue(ctx, tx, now.Add(time.Minute)); err != nil {
			return err
		}
		return tx.CompleteJob(ctx, j.ID)
	})
}
