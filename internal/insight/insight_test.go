package insight

import (
	"testing"
	"time"

	"beian/internal/filing"
	"beian/internal/workdays"
)

// TestCompute on one application told by hand: a rejection, a
// resubmission, an approval two weeks late, then a withdrawal.
func TestCompute(t *testing.T) {
	cal, err := workdays.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, workdays.CST) // a Monday
	tr := func(h float64, ev, from, to, role, actor string, fields ...string) Transition {
		var rs []filing.Reason
		for _, f := range fields {
			rs = append(rs, filing.Reason{Field: f})
		}
		return Transition{ApplicationID: "a", At: t0.Add(time.Duration(h * float64(time.Hour))), Event: ev, From: from, To: to,
			ActorRole: role, ActorID: actor, Reasons: rs, Province: "330000"}
	}
	trs := []Transition{
		tr(0, "submit", "draft", "initial_review", "applicant", "o"),
		tr(1, "reject", "initial_review", "initial_rejected", "reviewer", "r1", "websites[2].name", "subject.name"),
		tr(25, "resubmit", "initial_rejected", "initial_review", "applicant", "o"),
		tr(25+14*24, "approve", "initial_review", "verification", "admin", "r2"),
		tr(26+14*24, "withdraw", "verification", "withdrawn", "applicant", "o"),
	}
	r := Compute(trs, Period{From: t0, To: t0.AddDate(0, 1, 0)}, cal)
	if y := r.FirstPass[0]; y.Decided != 1 || y.Passed != 0 {
		t.Errorf("first pass %+v", y)
	}
	if s := r.SLA[0]; s.Decided != 2 || s.OnTime != 1 || s.Late != 1 {
		t.Errorf("sla %+v", s)
	}
	if len(r.ByField) != 2 || r.ByField[0].Key != "subject.name" || r.ByField[1].Key != "websites[].name" || r.ByProvince[0] != (Count{Key: "330000", N: 1}) {
		t.Errorf("causes %+v %+v", r.ByField, r.ByProvince)
	}
	if len(r.Reviewers) != 2 || r.Reviewers[0].Total != 1 {
		t.Errorf("reviewers %+v", r.Reviewers)
	}
	// initial_review: 1 h and 14 days; initial_rejected 24 h; verification 1 h.
	want := map[string]StateTime{"initial_review": {Stays: 2, Median: time.Hour, P90: 14 * 24 * time.Hour},
		"initial_rejected": {Stays: 1, Median: 24 * time.Hour}, "verification": {Stays: 1, Median: time.Hour}}
	for _, s := range r.States {
		w := want[s.State]
		if s.Stays != w.Stays || s.Median != w.Median || (w.P90 != 0 && s.P90 != w.P90) {
			t.Errorf("%s: %+v", s.State, s)
		}
	}
	if len(r.States) != 3 || r.Submitted != 1 || r.Resubmitted != 1 || r.Withdrawn != 1 || r.Rejections != 1 || r.Reasons != 2 {
		t.Errorf("report %+v", r)
	}
	// A period after the first decision: the approval is no first pass.
	r = Compute(trs, Period{From: t0.Add(2 * time.Hour), To: t0.AddDate(0, 1, 0)}, cal)
	if y := r.FirstPass[0]; y.Decided != 0 {
		t.Errorf("a later decision counted as the first: %+v", y)
	}
}
