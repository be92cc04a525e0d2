// Package monitor is the compliance monitor: the duty an access provider
// keeps after approval (docs/operations.md "Compliance monitor"). For
// every website filed and accessed here a background job resolves the
// homepage's host through a configured DNS server and reads the homepage,
// and records per website, with history, whether it resolves into the
// provider's IP ranges (if not: no longer accessed here, propose
// cancelling the access), whether it answers (空壳 candidates) and whether
// the homepage shows the website's own number linked to
// https://beian.miit.gov.cn. A problem confirmed by consecutive checks is
// mailed to the owner once; a number problem left unfixed goes to staff.
package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"time"

	"beian/internal/config"
	"beian/internal/filing"
	"beian/internal/jobs"
	"beian/internal/notify"
	"beian/internal/pii"
	"beian/internal/storage"
	"beian/internal/workdays"
)

// Job kinds.
const (
	// JobSchedule is the periodic run that queues the websites due.
	JobSchedule = "monitor.schedule"
	// JobCheck checks one website.
	JobCheck = "monitor.check"
)

// guangdong's websites show their subject's number (domain notes: 广东
// footer shows the 主体备案号); elsewhere the website's own.
const guangdong = "440000"

// KeepChecks is how long checks are kept (each website's latest always);
// a run deletes at most pruneBatch of the older ones.
const (
	KeepChecks = 180 * 24 * time.Hour
	pruneBatch = 5000
)

// numberKinds are the problems that go to staff when left unfixed.
var numberKinds = []string{ProblemNumberMissing, ProblemNumberUnlinked}

// Deps is what the monitor needs.
type Deps struct {
	Store  *storage.Store
	Sealer *pii.Sealer // opens the websites' filed data (the homepage)
	Config config.Config
	Now    func() time.Time // business time
	Log    *slog.Logger
	Wake   func() // nudges the job runner after mails are queued
}

// Monitor schedules and runs the checks and keeps their findings.
type Monitor struct {
	st     *storage.Store
	seal   *pii.Sealer
	cfg    config.Monitor
	now    func() time.Time
	log    *slog.Logger
	wake   func()
	prober *Prober
}

// New builds the monitor of a configuration.
func New(d Deps) (*Monitor, error) {
	m := &Monitor{st: d.Store, seal: d.Sealer, cfg: d.Config.Monitor, now: d.Now, log: d.Log, wake: d.Wake}
	if m.now == nil {
		m.now = d.Store.Now
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if m.wake == nil {
		m.wake = func() {}
	}
	var ranges []netip.Prefix
	for _, r := range d.Config.Provider.IPRanges {
		p, err := netip.ParsePrefix(strings.TrimSpace(r))
		if err != nil {
			return nil, fmt.Errorf("provider ip range %q: %w", r, err)
		}
		ranges = append(ranges, p.Masked())
	}
	inside := func(a netip.Addr) bool {
		a = a.Unmap()
		for _, p := range ranges {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	server := m.cfg.Resolver
	if server == "" && m.cfg.Enabled {
		var err error
		if server, err = SystemResolver(); err != nil {
			// Checks then fail as the resolver's fault (check_failed), which
			// the report and the metric show; nothing is held against a website.
			m.log.Warn("compliance monitor: no DNS server; set BEIAN_MONITOR_RESOLVER", "err", err)
		}
	}
	res := &Resolver{Server: server, Timeout: m.cfg.Timeout}
	m.prober = &Prober{Resolver: res, Inside: inside, Fetcher: &Fetcher{Resolver: res, Inside: inside, Timeout: m.cfg.Timeout,
		MaxBytes: m.cfg.MaxBytes, MaxRedirects: m.cfg.MaxRedirects, HTTPPort: m.cfg.HTTPPort, HTTPSPort: m.cfg.HTTPSPort,
		UserAgent: "Mozilla/5.0 (compatible; ICP-compliance-check; " + d.Config.Provider.Name + ")"}}
	return m, nil
}

// Handlers are the monitor's job handlers.
func (m *Monitor) Handlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{JobSchedule: m.runSchedule, JobCheck: m.runCheck}
}

// Schedule queues the first scheduler run (idempotent: every instance may
// call it at start, the slot key keeps one job). Off, it queues nothing.
func (m *Monitor) Schedule(ctx context.Context) error {
	if !m.cfg.Enabled {
		return nil
	}
	return m.st.Tx(ctx, func(tx *storage.Tx) error { return m.enqueue(ctx, tx, m.now()) })
}

func (m *Monitor) enqueue(ctx context.Context, tx *storage.Tx, at time.Time) error {
	return tx.EnqueueSlot(ctx, JobSchedule, "monitor-schedule:", m.cfg.Every, at)
}

type checkJob struct {
	WebsiteID string `json:"website_id"`
}

// runSchedule queues a check of every website due (at most Batch, spaced
// to Rate per minute), escalates number problems left unfixed for
// EscalateAfter, and queues the next run — one transaction.
func (m *Monitor) runSchedule(ctx context.Context, j storage.Job) error {
	if !m.cfg.Enabled {
		return m.st.Tx(ctx, func(tx *storage.Tx) error { return tx.CompleteJob(ctx, j.ID) })
	}
	now := m.now()
	due, err := m.st.MonitorDue(ctx, now, m.cfg.Batch)
	if err != nil {
		return err
	}
	late, err := m.st.MonitorToEscalate(ctx, numberKinds, now.Add(-m.cfg.EscalateAfter), 200)
	if err != nil {
		return err
	}
	var staff []*storage.Account
	if len(late) > 0 {
		if staff, err = m.st.AccountsByRole(ctx, "reviewer", "admin"); err != nil {
			return err
		}
	}
	spacing := time.Minute / time.Duration(m.cfg.Rate)
	mailed := false
	err = m.st.Tx(ctx, func(tx *storage.Tx) error {
		if err := tx.ResolveUnwatchedProblems(ctx, now); err != nil {
			return err
		}
		if err := tx.PruneMonitorChecks(ctx, now.Add(-KeepChecks), pruneBatch); err != nil {
			return err
		}
		for i, id := range due {
			if err := tx.SetMonitorNext(ctx, id, now.Add(m.cfg.Interval)); err != nil {
				return err
			}
			if err := tx.Enqueue(ctx, JobCheck, checkJob{WebsiteID: id}, "monitor-check:"+id+":"+now.UTC().Format(time.RFC3339Nano),
				now.Add(time.Duration(i)*spacing)); err != nil {
				return err
			}
		}
		var issues []notify.MonitorIssue
		for _, p := range late {
			ok, err := tx.EscalateMonitorProblem(ctx, p.ID, now)
			if err != nil {
				return err
			}
			if ok {
				issues = append(issues, notify.MonitorIssue{Domain: p.Domain, Number: p.Number, Problem: p.Kind, Since: cst(p.OpenedAt)})
			}
		}
		if len(issues) > 0 {
			for _, a := range staff {
				if a.Disabled {
					continue
				}
				if err := m.mail(ctx, tx, "monitor-escalated:"+j.ID+":"+a.ID, a, notify.TplMonitorEscalated,
					notify.Data{Problems: issues}); err != nil {
					return err
				}
				mailed = true
			}
		}
		if err := m.enqueue(ctx, tx, now.Add(time.Minute)); err != nil {
			return err
		}
		return tx.CompleteJob(ctx, j.ID)
	})
	if err == nil && (len(due) > 0 || mailed) {
		m.wake()
	}
	return err
}

// runCheck checks one website and records what it found: the check, the
// problems it confirms (one mail to the owner each) and those it resolves.
func (m *Monitor) runCheck(ctx context.Context, j storage.Job) error {
	var job checkJob
	if err := json.Unmarshal(j.Payload, &job); err != nil {
		return jobs.Permanent(fmt.Errorf("monitor check payload: %w", err))
	}
	t, err := m.st.MonitorTarget(ctx, job.WebsiteID)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !t.AccessedHere) {
		// Cancelled meanwhile: nothing to check (the scheduler resolves its problems).
		return m.st.Tx(ctx, func(tx *storage.Tx) error { return tx.CompleteJob(ctx, j.ID) })
	}
	if err != nil {
		return err
	}
	b, err := m.seal.OpenBytes(t.Data)
	if err != nil {
		return fmt.Errorf("website %s: %w", t.WebsiteID, err)
	}
	var w filing.Website
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("website %s: %w", t.WebsiteID, err)
	}
	home := w.HomepageURL
	if home == "" {
		home = t.Domain
	}
	numbers := []string{t.Number}
	if t.Province == guangdong {
		numbers = append(numbers, t.SubjectNumber)
	}
	res := m.prober.Check(ctx, Target{Domain: t.Domain, Homepage: home, Numbers: numbers})
	var owner *storage.Account
	if t.OwnerID != "" {
		if owner, err = m.st.AccountByID(ctx, t.OwnerID); errors.Is(err, storage.ErrNotFound) {
			owner = nil // a filing made elsewhere: staff see it, nobody is mailed
		} else if err != nil {
			return err
		}
	}
	now := m.now()
	mailed := false
	err = m.st.Tx(ctx, func(tx *storage.Tx) error {
		current, err := tx.MonitorProblems(ctx, t.WebsiteID, false)
		if err != nil {
			return err
		}
		byKind := map[string]*storage.MonitorProblem{}
		for _, p := range current {
			byKind[p.Kind] = p
		}
		if err := tx.AddMonitorCheck(ctx, &storage.MonitorCheck{WebsiteID: t.WebsiteID, At: now, DNS: res.DNS, Addresses: res.Addresses,
			HTTP: res.HTTP, Status: res.Status, Number: res.Number, Summary: res.Summary(), Findings: res.Findings(), Detail: res.Detail}); err != nil {
			return err
		}
		for _, kind := range Problems {
			seen, known := res.Verdict(kind)
			p := byKind[kind]
			switch {
			case !known || (!seen && p == nil):
				continue
			case !seen:
				p.ResolvedAt = now
			case p == nil:
				p = &storage.MonitorProblem{WebsiteID: t.WebsiteID, Kind: kind, Seen: 1, FirstSeenAt: now, LastSeenAt: now, Detail: res.detailOf(kind)}
			default:
				p.Seen++
				p.LastSeenAt, p.Detail = now, res.detailOf(kind)
			}
			open := seen && p.OpenedAt.IsZero() && p.Seen >= m.cfg.Confirm
			if open {
				p.OpenedAt = now
			}
			if err := tx.PutMonitorProblem(ctx, p); err != nil {
				return err
			}
			if open && owner != nil && !owner.Disabled {
				d := notify.Data{Problem: kind, Detail: p.Detail, Domains: []string{t.Domain}, Record: t.Number, SubjectName: t.SubjectName, URL: "/filings"}
				if kind == ProblemNumberMissing || kind == ProblemNumberUnlinked {
					d.DueAt = cst(now.Add(m.cfg.EscalateAfter))
				}
				// One mail per problem: the key is the problem's.
				if err := m.mail(ctx, tx, "monitor:"+p.ID, owner, notify.TplMonitorProblem, d); err != nil {
					return err
				}
				mailed = true
			}
		}
		return tx.CompleteJob(ctx, j.ID)
	})
	if err == nil && mailed {
		m.wake()
	}
	return err
}

// mail queues a templated email to an account, sealed (recipient and data
// never sit in the jobs table in clear).
func (m *Monitor) mail(ctx context.Context, tx *storage.Tx, key string, to *storage.Account, tpl string, d notify.Data) error {
	d.Name = to.Name
	lang := "zh"
	if to.Lang == "en" {
		lang = "en"
	}
	p := notify.Payload{To: to.Email, Template: tpl, Data: &d, Lang: lang}
	if err := p.Seal(m.seal, notify.Email); err != nil {
		return err
	}
	return tx.Enqueue(ctx, notify.JobEmail, p, key, m.now())
}

// detailOf is what the owner and staff are told of a problem: the
// addresses the domain moved to, or why the site did not answer.
func (r Result) detailOf(kind string) string {
	switch {
	case kind == ProblemMoved && r.DNS == DNSOutOfRange:
		return strings.Join(r.Addresses, ", ")
	case kind == ProblemUnreachable && r.HTTP == HTTPNoAnswer && r.Status >= 500:
		return fmt.Sprintf("HTTP %d", r.Status)
	case kind == ProblemMoved || kind == ProblemUnreachable:
		return r.Detail
	}
	return ""
}

func cst(t time.Time) string { return t.In(workdays.CST).Format("2006-01-02 15:04") }
