package service

import (
	"context"
	"strings"
	"time"

	"beian/internal/duties"
	"beian/internal/fault"
	"beian/internal/insight"
)

// Reviewer insight (issue 16 item 3, docs/review.md): the figures of a
// period, computed by package insight from the state changes storage reads.

const (
	// InsightDefaultDays is the period shown when none is chosen: the 30
	// days up to today.
	InsightDefaultDays = 30
	// InsightMaxDays bounds a period (a year and a day): the history of
	// every application changed in it is read at once.
	InsightMaxDays = 366
)

// InsightReport is the dashboard of a period.
type InsightReport struct {
	insight.Report
	From, To string            // the chosen days, YYYY-MM-DD (CST), both included
	Names    map[string]string // staff account id → name (or email)
	Now      time.Time
}

// Insight computes the dashboard from the day from to the day to (both
// included, YYYY-MM-DD in China Standard Time; empty: the last 30 days).
// Staff only.
func (s *Service) Insight(ctx context.Context, a *Account, from, to string) (*InsightReport, error) {
	if a == nil {
		return nil, fault.NewUnauthorized()
	}
	if !a.IsStaff() {
		return nil, fault.NewForbidden()
	}
	now := s.now()
	today := duties.Day(now)
	p, err := insightPeriod(strings.TrimSpace(from), strings.TrimSpace(to), today)
	if err != nil {
		return nil, err
	}
	trs, err := s.st.InsightTransitions(ctx, p.From, p.To)
	if err != nil {
		return nil, storeErr(err)
	}
	out := &InsightReport{Report: insight.Compute(trs, p, s.cal), Names: map[string]string{}, Now: now,
		From: p.From.Format(time.DateOnly), To: p.To.AddDate(0, 0, -1).Format(time.DateOnly)}
	states := make([]string, len(out.SLA))
	for i, sl := range out.SLA {
		states[i] = sl.State
	}
	overdue, err := s.st.OverdueCounts(ctx, now, states)
	if err != nil {
		return nil, storeErr(err)
	}
	for i := range out.SLA {
		out.SLA[i].Overdue = overdue[out.SLA[i].State]
	}
	staff, err := s.st.AccountsByRole(ctx, RoleReviewer, RoleAdmin)
	if err != nil {
		return nil, storeErr(err)
	}
	for _, st := range staff {
		out.Names[st.ID] = st.Name
		if st.Name == "" {
			out.Names[st.ID] = st.Email
		}
	}
	return out, nil
}

// insightPeriod reads the chosen days into [from 00:00, to+1 00:00) CST.
func insightPeriod(from, to string, today time.Time) (insight.Period, error) {
	end, start := today, today.AddDate(0, 0, -(InsightDefaultDays-1))
	var ok bool
	if to != "" {
		if end, ok = duties.ParseDate(to); !ok {
			return insight.Period{}, wordViolation("insight.to.invalid", "to")
		}
	}
	if from != "" {
		if start, ok = duties.ParseDate(from); !ok {
			return insight.Period{}, wordViolation("insight.from.invalid", "from")
		}
	} else if to != "" {
		start = end.AddDate(0, 0, -(InsightDefaultDays - 1))
	}
	if end.Before(start) {
		return insight.Period{}, wordViolation("insight.period.reversed", "from")
	}
	if duties.DaysLeft(end, start) >= InsightMaxDays {
		return insight.Period{}, wordViolation("insight.period.too_long", "from")
	}
	return insight.Period{From: start, To: end.AddDate(0, 0, 1)}, nil
}
