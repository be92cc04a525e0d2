package backoffice

import (
	"net/http"
	"slices"

	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/monitor"
)

// monitorRoutes mounts the compliance monitor's report: every website
// filed and accessed here with its latest check and current problems,
// filtered by problem, state and domain or number; and one website's
// history of checks and problems.
func (b *Backoffice) monitorRoutes(h func(string, httpx.HandlerFunc)) {
	h("GET /review/monitor", b.monitorReport)
	h("GET /review/monitor/{id}", b.monitorWebsite)
}

type monitorData struct {
	Rows               []*monitor.Row
	Kind, State, Query string
}

// Kinds and States are the filter's choices.
func (d *monitorData) Kinds() []string  { return monitor.Problems }
func (d *monitorData) States() []string { return monitor.States }

// confirmed are a row's confirmed problems; Suspected those seen but not yet
// confirmed by BEIAN_MONITOR_CONFIRM checks.
func confirmed(r *monitor.Row) (out []*monitor.ProblemRecord) {
	for _, p := range r.Problems {
		if !p.OpenedAt.IsZero() {
			out = append(out, p)
		}
	}
	return out
}

// proposal is what staff should do about a website's problems: the
// strongest first (moved, then unreachable, then the number).
func proposal(r *monitor.Row) string {
	kinds := map[string]bool{}
	for _, p := range confirmed(r) {
		kinds[p.Kind] = true
	}
	switch {
	case kinds[monitor.ProblemMoved]:
		return "monitor.proposal.moved"
	case kinds[monitor.ProblemUnreachable]:
		return "monitor.proposal.unreachable"
	case len(kinds) > 0:
		return "monitor.proposal.number"
	}
	return ""
}

func (b *Backoffice) monitorOr404() (*monitor.Monitor, error) {
	if b.monitor == nil {
		return nil, fault.NewNotFound()
	}
	return b.monitor, nil
}

func (b *Backoffice) monitorReport(w http.ResponseWriter, r *http.Request) error {
	m, err := b.monitorOr404()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := &monitorData{Kind: q.Get("kind"), State: q.Get("state"), Query: q.Get("q")}
	if !slices.Contains(monitor.Problems, d.Kind) {
		d.Kind = ""
	}
	if !slices.Contains(monitor.States, d.State) {
		d.State = ""
	}
	if d.Rows, err = m.Report(r.Context(), monitor.Filter{Kind: d.Kind, State: d.State, Query: d.Query, Limit: 500}); err != nil {
		return err
	}
	return b.render(w, http.StatusOK, "monitor", b.newPage(r, "monitor.title", "monitor", d))
}

func (b *Backoffice) monitorWebsite(w http.ResponseWriter, r *http.Request) error {
	m, err := b.monitorOr404()
	if err != nil {
		return err
	}
	h, err := m.History(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return b.render(w, http.StatusOK, "monitor_website", b.newPage(r, "monitor.history", "monitor", h))
}
