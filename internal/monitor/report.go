package monitor

import (
	"context"
	"errors"
	"slices"

	"beian/internal/fault"
	"beian/internal/storage"
)

// The report's rows, as storage reads them.
type (
	Row           = storage.MonitorRow
	Check         = storage.MonitorCheck
	ProblemRecord = storage.MonitorProblem
	Filter        = storage.MonitorFilter
)

// States are the report's state filter values.
var States = []string{"problem", "escalated", "ok", "failed", "unchecked"}

// Report lists the websites filed and accessed here with their latest
// check and current problems, those with problems first. Unknown filter
// values show everything, as the other lists do. Staff only: the back
// office's gate.
func (m *Monitor) Report(ctx context.Context, f Filter) ([]*Row, error) {
	if !slices.Contains(Problems, f.Kind) {
		f.Kind = ""
	}
	if !slices.Contains(States, f.State) {
		f.State = ""
	}
	if len(f.Query) > 100 {
		f.Query = f.Query[:100]
	}
	rows, err := m.st.MonitorReport(ctx, f)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// History is one website's checks and problems.
type History struct {
	Target   *storage.MonitorTarget
	Checks   []*Check
	Problems []*ProblemRecord
}

// History reads a website's last 100 checks and every problem it had.
func (m *Monitor) History(ctx context.Context, websiteID string) (*History, error) {
	t, err := m.st.MonitorTarget(ctx, websiteID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fault.NewNotFound()
	}
	if err != nil {
		return nil, err
	}
	h := &History{Target: t}
	if h.Checks, err = m.st.MonitorChecks(ctx, websiteID, 100); err != nil {
		return nil, err
	}
	if h.Problems, err = m.st.MonitorProblems(ctx, websiteID, true); err != nil {
		return nil, err
	}
	return h, nil
}
