package api_test

import (
	"context"
	"testing"

	"beian/internal/bureau"
	"beian/internal/filing"
)

func reasonText(s string) filing.Text { return filing.Text{ZH: s, EN: s} }

// TestBureauBoundary (issue 13, item 4): the adapter sees no transaction
// of Beian's. A hand-over that fails is retried by its job; outcomes are
// applied once, an outcome of an older submission changes nothing, and one
// that cannot be applied stays recorded as a job instead of being lost.
func TestBureauBoundary(t *testing.T) {
	eachLifecycleEnv(t, func(t *testing.T, e *lcEnv) {
		ctx := context.Background()
		tok, rev, id := readyForBureau(t, e)
		path := "/api/v1/applications/" + id

		// The bureau is unreachable at the moment of submission: the
		// state change commits, the job hands over later.
		e.flaky.failNext = 1
		a := e.do("POST", "/api/v1/review/applications/"+id+"/submit-to-bureau", rev, nil)
		if a.status != 200 || a.json(t)["state"] != "bureau_sms" {
			t.Fatalf("submit to bureau: %d %s", a.status, a.body)
		}
		if sms := e.do("GET", path, tok, nil).json(t)["sms"].([]any); len(sms) != 0 {
			t.Fatalf("codes before the bureau got the application: %v", sms)
		}
		e.drain()
		if e.flaky.calls != 2 {
			t.Errorf("%d hand-overs, want the failed one and the job's", e.flaky.calls)
		}
		sms := e.do("GET", path, tok, nil).json(t)["sms"].([]any)
		if len(sms) != 1 || sms[0].(map[string]any)["status"] != "pending" {
			t.Fatalf("codes after the job handed over: %v", sms)
		}

		// The last code confirmed: bureau_review at once, in the answer's wake.
		cert := beijingDocument(t)["subject"].(map[string]any)["leader"].(map[string]any)["cert_number"].(string)
		if a := e.do("POST", path+"/sms", tok, map[string]any{"mobile": "13911110001", "cert_last6": cert[len(cert)-6:], "code": e.latestCode("13911110001")}); a.status != 200 {
			t.Fatalf("confirm: %d %s", a.status, a.body)
		}
		app := e.do("GET", path, tok, nil).json(t)
		if app["state"] != "bureau_review" {
			t.Fatalf("after the last code: %v", app["state"])
		}
		history := len(app["history"].([]any))
		list, err := e.sim.ListUnderReview(ctx)
		if err != nil || len(list) != 1 {
			t.Fatalf("under review: %v %v", list, err)
		}
		current := list[0].SubmissionID

		// The same outcome again, and one of an older submission: nothing moves.
		for _, o := range []bureau.Outcome{
			{ApplicationID: id, SubmissionID: current, Kind: bureau.OutcomeSMSConfirmed},
			{ApplicationID: id, SubmissionID: "0190aaaa-0000-7000-8000-000000000000", Kind: bureau.OutcomeRejected, Reason: reasonText("旧的")},
		} {
			if err := e.svc.Report(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		app = e.do("GET", path, tok, nil).json(t)
		if app["state"] != "bureau_review" || len(app["history"].([]any)) != history {
			t.Fatalf("a repeated or stale outcome moved the application: %v, %d transitions (was %d)", app["state"], len(app["history"].([]any)), history)
		}

		// The decision, at scale 0.
		e.drain()
		if s := e.do("GET", path, tok, nil).json(t)["state"]; s != "approved" {
			t.Fatalf("after the decision: %v", s)
		}
		// An outcome the workflow refuses (rejected after approved) is kept
		// as a failed job, not lost and not applied.
		if err := e.svc.Report(ctx, bureau.Outcome{ApplicationID: id, SubmissionID: current, Kind: bureau.OutcomeRejected, Reason: reasonText("迟到")}); err != nil {
			t.Fatalf("report: %v", err)
		}
		e.drain()
		if s := e.do("GET", path, tok, nil).json(t)["state"]; s != "approved" {
			t.Fatalf("a refused outcome moved the application: %v", s)
		}
		counts, err := e.store.JobCounts(ctx)
		if err != nil || counts["failed"] != 1 {
			t.Errorf("the refused outcome's job: %v %v", counts, err)
		}
	})
}
