// Package insight computes the reviewer dashboard's figures (issue 16
// item 3, docs/review.md "Reviewer insight") from the state changes of a
// period: first-pass yield, rejection causes by field and province, time
// in each state, SLA compliance, throughput per reviewer. It is pure: the
// transitions, the period and the working-day calendar in, figures out.
package insight

import (
	"cmp"
	"regexp"
	"slices"
	"time"

	"beian/internal/filing"
	"beian/internal/workdays"
	"beian/internal/workflow"
)

// Period is [From, To).
type Period struct{ From, To time.Time }

// Has reports whether t falls in the period.
func (p Period) Has(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

// Transition is one state change with its application's province and
// flow (what storage.InsightTransitions reads).
type Transition struct {
	ApplicationID string
	At            time.Time
	ActorID       string
	ActorRole     string
	Event         string
	From, To      string
	Reasons       []filing.Reason
	Province      string
	Flow          string
}

// Report is the dashboard's figures for one period.
type Report struct {
	Period Period
	// Counts of events in the period.
	Submitted   int // first submissions
	Resubmitted int // resubmissions after a rejection
	Approved    int // numbers issued by the bureau
	Withdrawn   int
	// FirstPass is the yield of each provider review stage.
	FirstPass []Yield
	// Rejections by the provider's reviewers (reject, reject_materials) in
	// the period, and the bureau's.
	Rejections       int
	BureauRejections int
	Reasons          int     // the reasons those rejections gave
	ByField          []Count // reasons by field (websites' indexes dropped: "websites[].leader.mobile")
	ByProvince       []Count // rejections by the subject's province
	ByFieldProvince  []Count // reasons by field and province (Key field, Key2 province)
	// States: time spent in each state, over the stays that ended in the period.
	States []StateTime
	// SLA: the reviewer tasks decided in the period against their deadline.
	SLA []SLA
	// Reviewers: staff decisions in the period, busiest first.
	Reviewers []Reviewer
}

// Yield is one review stage's first-pass yield: of the applications whose
// first decision at this stage fell in the period, the share approved by it.
type Yield struct {
	State   string // initial_review | material_review
	Decided int    // applications whose first decision here was in the period
	Passed  int    // … approved by that decision
}

// Rate is Passed/Decided, 0 when nothing was decided.
func (y Yield) Rate() float64 { return ratio(y.Passed, y.Decided) }

// Count is a tally under a key (and a second key for cross tables).
type Count struct {
	Key, Key2 string
	N         int
}

// StateTime is the time applications spent in one state.
type StateTime struct {
	State                       string
	Stays                       int
	Mean, Median, P90, Min, Max time.Duration
}

// SLA is a reviewer task's deadline kept or missed.
type SLA struct {
	State   string // initial_review | material_review
	Decided int    // stays ended by a staff decision in the period
	OnTime  int    // … by the deadline (workflow.DueAt from entering the state)
	Late    int
	// Overdue is the open applications past their deadline now (filled by
	// the caller from the applications table: it is not in the history).
	Overdue int
}

// Compliance is OnTime/Decided, 0 when nothing was decided.
func (s SLA) Compliance() float64 { return ratio(s.OnTime, s.Decided) }

// Reviewer is one member of staff's decisions in the period.
type Reviewer struct {
	ID       string
	Events   map[string]int // event → count (approve, reject, reject_materials, materials_received, submit_to_bureau)
	Total    int
	Approved int // approve
	Rejected int // reject + reject_materials
}

// reviewStages are the provider's review states, in workflow order.
var reviewStages = []string{string(workflow.InitialReview), string(workflow.MaterialReview)}

// decision reports whether an event is a reviewer's decision on a task.
func decision(ev string) bool {
	switch workflow.Event(ev) {
	case workflow.Approve, workflow.Reject, workflow.RejectMaterials:
		return true
	}
	return false
}

func staff(role string) bool {
	return role == string(workflow.Reviewer) || role == string(workflow.Admin)
}

// index drops the websites' and attachments' indexes from a field path.
var index = regexp.MustCompile(`\[\d+\]`)

// FieldKey is the field a reason counts under: its path without indexes.
func FieldKey(path string) string { return index.ReplaceAllString(path, "[]") }

// Compute builds the report of the period from trs, the whole history of
// every application with a change in it, ordered by application and
// sequence.
func Compute(trs []Transition, p Period, cal *workdays.Calendar) Report {
	r := Report{Period: p}
	byField, byProvince, byFP := map[string]int{}, map[string]int{}, map[[2]string]int{}
	stays := map[string][]time.Duration{}
	sla := map[string]*SLA{}
	first := map[string]*Yield{}
	for _, st := range reviewStages {
		sla[st] = &SLA{State: st}
		first[st] = &Yield{State: st}
	}
	reviewers := map[string]*Reviewer{}

	for i := 0; i < len(trs); {
		j := i
		for j < len(trs) && trs[j].ApplicationID == trs[i].ApplicationID {
			j++
		}
		hist := trs[i:j]
		i = j
		decided := map[string]bool{} // stage → its first decision seen
		for k, t := range hist {
			in := p.Has(t.At)
			// The first decision of each review stage.
			if decision(t.Event) && staff(t.ActorRole) && first[t.From] != nil && !decided[t.From] {
				decided[t.From] = true
				if in {
					first[t.From].Decided++
					if t.Event == string(workflow.Approve) {
						first[t.From].Passed++
					}
				}
			}
			// The stay this change ends: in hist[k-1].To since hist[k-1].At.
			if k > 0 && in {
				prev := hist[k-1]
				stays[t.From] = append(stays[t.From], t.At.Sub(prev.At))
				if s := sla[t.From]; s != nil && decision(t.Event) && staff(t.ActorRole) {
					s.Decided++
					if due, ok := workflow.DueAt(cal, workflow.State(t.From), prev.At); ok && !t.At.After(due) {
						s.OnTime++
					} else {
						s.Late++
					}
				}
			}
			if !in {
				continue
			}
			switch workflow.Event(t.Event) {
			case workflow.Submit:
				r.Submitted++
			case workflow.Resubmit:
				r.Resubmitted++
			case workflow.BureauApprove:
				r.Approved++
			case workflow.Withdraw:
				r.Withdrawn++
			case workflow.BureauReject:
				r.BureauRejections++
			case workflow.Reject, workflow.RejectMaterials:
				r.Rejections++
				byProvince[t.Province]++
				for _, rs := range t.Reasons {
					f := FieldKey(rs.Field)
					r.Reasons++
					byField[f]++
					byFP[[2]string{f, t.Province}]++
				}
			}
			if staff(t.ActorRole) && t.ActorID != "" {
				rv := reviewers[t.ActorID]
				if rv == nil {
					rv = &Reviewer{ID: t.ActorID, Events: map[string]int{}}
					reviewers[t.ActorID] = rv
				}
				rv.Events[t.Event]++
				rv.Total++
				switch workflow.Event(t.Event) {
				case workflow.Approve:
					rv.Approved++
				case workflow.Reject, workflow.RejectMaterials:
					rv.Rejected++
				}
			}
		}
	}

	for _, st := range reviewStages {
		r.FirstPass = append(r.FirstPass, *first[st])
		r.SLA = append(r.SLA, *sla[st])
	}
	r.ByField, r.ByProvince = counts(byField), counts(byProvince)
	for k, n := range byFP {
		r.ByFieldProvince = append(r.ByFieldProvince, Count{Key: k[0], Key2: k[1], N: n})
	}
	slices.SortFunc(r.ByFieldProvince, func(a, b Count) int {
		return cmp.Or(b.N-a.N, cmp.Compare(a.Key, b.Key), cmp.Compare(a.Key2, b.Key2))
	})
	for _, st := range workflow.States {
		ds := stays[string(st)]
		if len(ds) == 0 {
			continue
		}
		r.States = append(r.States, stateTime(string(st), ds))
	}
	for _, rv := range reviewers {
		r.Reviewers = append(r.Reviewers, *rv)
	}
	slices.SortFunc(r.Reviewers, func(a, b Reviewer) int { return cmp.Or(b.Total-a.Total, cmp.Compare(a.ID, b.ID)) })
	return r
}

// counts turns a tally into counts, largest first, then by key.
func counts(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		out = append(out, Count{Key: k, N: n})
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Or(b.N-a.N, cmp.Compare(a.Key, b.Key)) })
	return out
}

// stateTime summarises the stays in one state: the mean, and the median
// and 90th percentile by the nearest-rank method (the smallest stay at
// least p of the stays do not exceed).
func stateTime(state string, ds []time.Duration) StateTime {
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return StateTime{State: state, Stays: len(ds), Mean: sum / time.Duration(len(ds)),
		Median: nearestRank(ds, 50), P90: nearestRank(ds, 90), Min: ds[0], Max: ds[len(ds)-1]}
}

// nearestRank is the p-th percentile of sorted ds: the value at rank
// ceil(p/100 × n).
func nearestRank(ds []time.Duration, p int) time.Duration {
	rank := (p*len(ds) + 99) / 100
	return ds[max(rank, 1)-1]
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
