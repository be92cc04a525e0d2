package backoffice

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/middleware"
	"beian/internal/refdata"
	"beian/internal/service"
	"beian/internal/words"
)

// Reviewer insight (issue 16 item 3, docs/review.md "Reviewer insight"):
// the service computes the figures of a period; this page shows them as
// tables and server-rendered SVG charts, and /review/insight.csv exports
// the same figures.

// insightData is the dashboard page.
type insightData struct {
	R      *service.InsightReport
	From   string
	To     string
	Err    []string
	Lang   string
	Charts []chart
}

type chart struct {
	Title string
	SVG   template.HTML
}

// Field names a rejection reason's field ("" is the application as a whole).
func (d *insightData) Field(key string) string { return fieldLabel(d.Lang, key) }

// Province names a province code.
func (d *insightData) Province(code string) string { return provinceName(d.Lang, code) }

// State names a state.
func (d *insightData) State(s string) string { return words.State(d.Lang, s) }

// Reviewer names a staff account.
func (d *insightData) Reviewer(id string) string { return reviewerName(d.R, id) }

// Pct shows a ratio as a percentage.
func (d *insightData) Pct(r float64) string { return pct(r) }

// Hours shows a duration in hours.
func (d *insightData) Hours(t time.Duration) string { return hours(t) }

// CSVQuery is the period as the export's query.
func (d *insightData) CSVQuery() string { return "from=" + d.From + "&to=" + d.To }

func fieldLabel(lang, key string) string {
	if key == "" {
		return tr(lang, "insight.field.none")
	}
	return words.Field(lang, key)
}

func provinceName(lang, code string) string {
	if p, ok := refdata.Default().Province(code); ok {
		if lang == "en" && p.NameEN != "" {
			return p.NameEN
		}
		return p.Name
	}
	if code == "" {
		return "—"
	}
	return code
}

func reviewerName(r *service.InsightReport, id string) string {
	if n, ok := r.Names[id]; ok && n != "" {
		return n
	}
	return id
}

func pct(r float64) string { return strconv.FormatFloat(r*100, 'f', 1, 64) + "%" }

func hours(t time.Duration) string { return strconv.FormatFloat(t.Hours(), 'f', 1, 64) }

func (b *Backoffice) insight(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := &insightData{From: q.Get("from"), To: q.Get("to"), Lang: httpx.PageLang(r)}
	rep, err := b.svc.Insight(r.Context(), middleware.Account(r), d.From, d.To)
	status := http.StatusOK
	if err != nil {
		msgs, ok := fault.InvalidMessages(err, d.Lang)
		if !ok {
			return err
		}
		d.Err, status = msgs, http.StatusUnprocessableEntity
		if rep, err = b.svc.Insight(r.Context(), middleware.Account(r), "", ""); err != nil {
			return err
		}
	} else {
		d.From, d.To = rep.From, rep.To
	}
	d.R = rep
	d.Charts = insightCharts(d.Lang, rep)
	return b.render(w, status, "insight", b.newPage(r, "insight.title", "insight", d))
}

// insightCharts draws the dashboard's charts.
func insightCharts(lang string, r *service.InsightReport) []chart {
	var out []chart
	add := func(key string, bars []bar, max float64) {
		t := tr(lang, key)
		if svg := barChart(t, bars, max); svg != "" {
			out = append(out, chart{Title: t, SVG: svg})
		}
	}
	var bars []bar
	for _, y := range r.FirstPass {
		if y.Decided > 0 {
			bars = append(bars, bar{Label: words.State(lang, y.State), Value: y.Rate(), Text: fmt.Sprintf("%s (%d/%d)", pct(y.Rate()), y.Passed, y.Decided)})
		}
	}
	add("insight.chart.firstpass", bars, 1)
	bars = nil
	for _, s := range r.SLA {
		if s.Decided > 0 {
			bars = append(bars, bar{Label: words.State(lang, s.State), Value: s.Compliance(), Text: fmt.Sprintf("%s (%d/%d)", pct(s.Compliance()), s.OnTime, s.Decided)})
		}
	}
	add("insight.chart.sla", bars, 1)
	bars = nil
	for i, c := range r.ByField {
		if i == 12 {
			break
		}
		bars = append(bars, bar{Label: fieldLabel(lang, c.Key), Value: float64(c.N), Text: strconv.Itoa(c.N)})
	}
	add("insight.chart.fields", bars, 0)
	bars = nil
	for _, c := range r.ByProvince {
		bars = append(bars, bar{Label: provinceName(lang, c.Key), Value: float64(c.N), Text: strconv.Itoa(c.N)})
	}
	add("insight.chart.provinces", bars, 0)
	bars = nil
	for _, s := range r.States {
		bars = append(bars, bar{Label: words.State(lang, s.State), Value: s.Median.Hours(), Text: hours(s.Median) + " h"})
	}
	add("insight.chart.states", bars, 0)
	bars = nil
	for _, rv := range r.Reviewers {
		bars = append(bars, bar{Label: reviewerName(r, rv.ID), Value: float64(rv.Total), Text: strconv.Itoa(rv.Total)})
	}
	add("insight.chart.reviewers", bars, 0)
	return out
}

// reviewerEvents are the staff events the throughput counts, in workflow order.
var reviewerEvents = []string{"approve", "reject", "reject_materials", "materials_received", "submit_to_bureau"}

// insightCSV exports the figures of the period, one figure a row:
// section, key, key2, measure, value, label (docs/review.md).
func (b *Backoffice) insightCSV(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	lang := httpx.PageLang(r)
	rep, err := b.svc.Insight(r.Context(), middleware.Account(r), q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="insight-%s-%s.csv"`, rep.From, rep.To))
	cw := csv.NewWriter(w)
	row := func(section, key, key2, measure, value, label string) {
		_ = cw.Write([]string{section, key, key2, measure, value, csvText(label)})
	}
	n := strconv.Itoa
	ratio := func(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }
	hrs := func(t time.Duration) string { return strconv.FormatFloat(t.Hours(), 'f', 2, 64) }
	_ = cw.Write([]string{"section", "key", "key2", "measure", "value", "label"})
	row("period", "from", "", "date", rep.From, "")
	row("period", "to", "", "date", rep.To, "")
	for _, c := range []struct {
		key string
		v   int
	}{{"submitted", rep.Submitted}, {"resubmitted", rep.Resubmitted}, {"approved", rep.Approved}, {"withdrawn", rep.Withdrawn},
		{"rejections", rep.Rejections}, {"bureau_rejections", rep.BureauRejections}, {"reasons", rep.Reasons}} {
		row("summary", c.key, "", "count", n(c.v), tr(lang, "insight.sum."+c.key))
	}
	for _, y := range rep.FirstPass {
		l := words.State(lang, y.State)
		row("first_pass", y.State, "", "decided", n(y.Decided), l)
		row("first_pass", y.State, "", "passed", n(y.Passed), l)
		row("first_pass", y.State, "", "rate", ratio(y.Rate()), l)
	}
	for _, c := range rep.ByField {
		row("rejections_by_field", c.Key, "", "count", n(c.N), fieldLabel(lang, c.Key))
	}
	for _, c := range rep.ByProvince {
		row("rejections_by_province", c.Key, "", "count", n(c.N), provinceName(lang, c.Key))
	}
	for _, c := range rep.ByFieldProvince {
		row("rejections_by_field_province", c.Key, c.Key2, "count", n(c.N), fieldLabel(lang, c.Key)+" / "+provinceName(lang, c.Key2))
	}
	for _, s := range rep.States {
		l := words.State(lang, s.State)
		row("time_in_state", s.State, "", "stays", n(s.Stays), l)
		row("time_in_state", s.State, "", "mean_hours", hrs(s.Mean), l)
		row("time_in_state", s.State, "", "median_hours", hrs(s.Median), l)
		row("time_in_state", s.State, "", "p90_hours", hrs(s.P90), l)
		row("time_in_state", s.State, "", "max_hours", hrs(s.Max), l)
	}
	for _, s := range rep.SLA {
		l := words.State(lang, s.State)
		row("sla", s.State, "", "decided", n(s.Decided), l)
		row("sla", s.State, "", "on_time", n(s.OnTime), l)
		row("sla", s.State, "", "late", n(s.Late), l)
		row("sla", s.State, "", "compliance", ratio(s.Compliance()), l)
		row("sla", s.State, "", "overdue_now", n(s.Overdue), l)
	}
	for _, rv := range rep.Reviewers {
		l := reviewerName(rep, rv.ID)
		row("reviewer", rv.ID, "", "total", n(rv.Total), l)
		for _, ev := range reviewerEvents {
			row("reviewer", rv.ID, "", ev, n(rv.Events[ev]), l)
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvText keeps a text from being read as a spreadsheet formula.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
