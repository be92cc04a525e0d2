package workflow

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"beian/internal/filing"
	"beian/internal/workdays"
)

// allowed is workflow.md's transition table written out independently of
// the implementation's table: "from event actor" → to. Branching rows give
// the target for the flow used in the test (first_filing: verification and
// SMS both needed).
var allowed = map[string]State{}

func init() {
	add := func(from State, ev Event, to State, actors ...Actor) {
		for _, a := range actors {
			allowed[fmt.Sprint(from, " ", ev, " ", a)] = to
		}
	}
	add(Draft, Submit, InitialReview, Applicant)
	add(InitialReview, Approve, Verification, Reviewer, Admin)
	add(InitialReview, Reject, InitialRejected, Reviewer, Admin)
	add(InitialRejected, Resubmit, InitialReview, Applicant)
	add(Verification, MaterialsReceived, MaterialReview, Reviewer, Admin)
	add(MaterialReview, Approve, ReadyForBureau, Reviewer, Admin)
	add(MaterialReview, RejectMaterials, Verification, Reviewer, Admin)
	add(MaterialReview, Reject, InitialRejected, Reviewer, Admin)
	add(ReadyForBureau, SubmitToBureau, BureauSMS, Reviewer, Admin, Scheduler)
	add(BureauSMS, SMSConfirmed, BureauReview, Bureau)
	add(BureauSMS, SMSReturned, ReadyForBureau, Bureau)
	add(BureauReview, SMSReturned, ReadyForBureau, Bureau) // relay: the real bureau's SMS lapsed
	add(BureauReview, BureauApprove, Approved, Bureau)
	add(BureauReview, BureauReject, BureauRejected, Bureau)
	add(BureauRejected, Resubmit, InitialReview, Applicant)
	for _, s := range []State{Draft, InitialReview, InitialRejected, Verification, MaterialReview, ReadyForBureau, BureauRejected} {
		add(s, Withdraw, Withdrawn, Applicant)
	}
	add(Draft, Withdraw, Withdrawn, Scheduler) // a draft untouched for 30 days (workflow.md)
}

// Every (state, event, actor) triple: the allowed ones reach the spec's
// target, every other one is ErrInvalidTransition.
func TestEveryTriple(t *testing.T) {
	n, ok := 0, 0
	for _, s := range States {
		for _, ev := range Events {
			for _, a := range Actors {
				n++
				want, isAllowed := allowed[fmt.Sprint(s, " ", ev, " ", a)]
				got, err := Apply(filing.FlowFirstFiling, s, ev, a)
				switch {
				case isAllowed && err != nil:
					t.Errorf("%s %s by %s: %v, want → %s", s, ev, a, err, want)
				case isAllowed && got != want:
					t.Errorf("%s %s by %s → %s, want %s", s, ev, a, got, want)
				case !isAllowed && !errors.Is(err, ErrInvalidTransition):
					t.Errorf("%s %s by %s → %q, %v; want ErrInvalidTransition", s, ev, a, got, err)
				}
				if isAllowed {
					ok++
				}
			}
		}
	}
	if n != len(States)*len(Events)*len(Actors) || n != 11*12*5 {
		t.Fatalf("checked %d triples", n)
	}
	if ok != len(allowed) {
		t.Fatalf("%d allowed triples checked, table has %d", ok, len(allowed))
	}
}

func TestBranches(t *testing.T) {
	tests := []struct {
		flow string
		opts []Option
		from State
		ev   Event
		want State
	}{
		{filing.FlowFirstFiling, nil, InitialReview, Approve, Verification},
		{filing.FlowNewWebsite, nil, InitialReview, Approve, Verification},
		{filing.FlowNewAccess, nil, InitialReview, Approve, Verification},
		{filing.FlowChangeSubject, nil, InitialReview, Approve, ReadyForBureau},
		{filing.FlowChangeWebsite, []Option{WithVerification(true)}, InitialReview, Approve, Verification},
		{filing.FlowCancelSubject, nil, InitialReview, Approve, ReadyForBureau},
		{filing.FlowFirstFiling, []Option{WithVerification(false)}, InitialReview, Approve, ReadyForBureau},
		{filing.FlowFirstFiling, nil, ReadyForBureau, SubmitToBureau, BureauSMS},
		{filing.FlowChangeAccess, nil, ReadyForBureau, SubmitToBureau, BureauReview},
		{filing.FlowCancelAccess, nil, ReadyForBureau, SubmitToBureau, BureauReview},
		{filing.FlowCancelWebsite, nil, ReadyForBureau, SubmitToBureau, BureauSMS},
		{filing.FlowFirstFiling, []Option{WithSMS(false)}, ReadyForBureau, SubmitToBureau, BureauReview},
		{filing.FlowChangeAccess, []Option{WithSMS(true)}, ReadyForBureau, SubmitToBureau, BureauSMS},
	}
	for _, tt := range tests {
		got, err := Apply(tt.flow, tt.from, tt.ev, Reviewer, tt.opts...)
		if err != nil || got != tt.want {
			t.Errorf("%s %s %s = %s, %v; want %s", tt.flow, tt.from, tt.ev, got, err, tt.want)
		}
	}
	if _, err := Apply("renew", Draft, Submit, Applicant); !errors.Is(err, ErrUnknownFlow) {
		t.Errorf("unknown flow: %v", err)
	}
}

func TestStatePredicates(t *testing.T) {
	editable := map[State]bool{Draft: true, InitialRejected: true, BureauRejected: true}
	withdrawable := map[State]bool{Draft: true, InitialReview: true, InitialRejected: true, Verification: true,
		MaterialReview: true, ReadyForBureau: true, BureauRejected: true}
	for _, s := range States {
		if Editable(s) != editable[s] {
			t.Errorf("Editable(%s) = %v", s, Editable(s))
		}
		if Withdrawable(s) != withdrawable[s] {
			t.Errorf("Withdrawable(%s) = %v", s, Withdrawable(s))
		}
		if want := s != Approved && s != Withdrawn; Open(s) != want {
			t.Errorf("Open(%s) = %v", s, Open(s))
		}
	}
	if Open("nonsense") || Valid("nonsense") {
		t.Error("an unknown state counts as open")
	}
	if got := Allowed(MaterialReview, Reviewer); fmt.Sprint(got) != "[approve reject reject_materials]" {
		t.Errorf("Allowed(material_review, reviewer) = %v", got)
	}
	if got := Allowed(BureauSMS, Applicant); len(got) != 0 {
		t.Errorf("applicant may %v in bureau_sms", got)
	}
	if SubmitEvent(Draft) != Submit || SubmitEvent(InitialRejected) != Resubmit || SubmitEvent(BureauRejected) != Resubmit {
		t.Error("SubmitEvent")
	}
	for _, ev := range Events {
		want := ev == Reject || ev == RejectMaterials || ev == BureauReject
		if RequiresReasons(ev) != want {
			t.Errorf("RequiresReasons(%s)", ev)
		}
	}
}

func day(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, workdays.CST)
	if err != nil {
		panic(err)
	}
	return t.Add(10 * time.Hour)
}

func TestNeedsVerification(t *testing.T) {
	sub := day("2026-11-28")
	tests := []struct {
		flow   string
		signed time.Time
		want   bool
	}{
		{filing.FlowFirstFiling, time.Time{}, true},
		{filing.FlowNewWebsite, sub, true},
		{filing.FlowNewAccess, sub, true},
		{filing.FlowChangeWebsite, day("2026-08-28"), false}, // exactly 3 months
		{filing.FlowChangeWebsite, day("2026-08-27"), true},  // more than 3 months
		{filing.FlowChangeSubject, day("2026-10-01"), false},
		{filing.FlowChangeAccess, day("2025-01-01"), true},
		{filing.FlowChangeSubject, time.Time{}, true}, // no form on file
		{filing.FlowCancelSubject, day("2020-01-01"), false},
		{filing.FlowCancelWebsite, time.Time{}, false},
		{filing.FlowCancelAccess, day("2020-01-01"), false},
	}
	for _, tt := range tests {
		if got := NeedsVerification(tt.flow, tt.signed, sub); got != tt.want {
			t.Errorf("NeedsVerification(%s, %s) = %v, want %v", tt.flow, tt.signed.Format(time.DateOnly), got, tt.want)
		}
	}
}

func TestSMSRecipients(t *testing.T) {
	leader := func(name, cert, mobile string) filing.Person {
		return filing.Person{Name: name, CertType: "resident_id", CertNumber: cert, Mobile: mobile}
	}
	zhang := leader("张三", "11010519491231002X", "13800138000")
	li := leader("李四", "110101199003074477", "13900139000")
	doc := func(subject filing.Person, sites ...filing.Person) filing.Document {
		d := filing.Document{Subject: filing.Subject{Leader: subject}}
		for _, p := range sites {
			d.Websites = append(d.Websites, filing.Website{Leader: p})
		}
		return d
	}
	tests := []struct {
		flow string
		doc  filing.Document
		want string
	}{
		{filing.FlowFirstFiling, doc(zhang, li), "[{subject_leader -1 13800138000 [11010519491231002X]} {website_leader 0 13900139000 [110101199003074477]}]"},
		{filing.FlowFirstFiling, doc(zhang, zhang, zhang), "[{subject_leader -1 13800138000 [11010519491231002X]}]"},
		// Same mobile, different persons: one code, either certificate confirms it.
		{filing.FlowFirstFiling, doc(zhang, leader("王五", "110101198001010013", "13800138000")), "[{subject_leader -1 13800138000 [11010519491231002X 110101198001010013]}]"},
		{filing.FlowNewWebsite, doc(zhang, li), "[{website_leader 0 13900139000 [110101199003074477]}]"},
		{filing.FlowNewAccess, doc(zhang, li), "[{website_leader 0 13900139000 [110101199003074477]}]"},
		{filing.FlowChangeWebsite, doc(zhang, li), "[{website_leader 0 13900139000 [110101199003074477]}]"},
		{filing.FlowCancelWebsite, doc(zhang, li), "[{website_leader 0 13900139000 [110101199003074477]}]"},
		{filing.FlowChangeSubject, doc(zhang, li), "[{subject_leader -1 13800138000 [11010519491231002X]}]"},
		{filing.FlowCancelSubject, doc(zhang), "[{subject_leader -1 13800138000 [11010519491231002X]}]"},
		{filing.FlowChangeAccess, doc(zhang, li), "[]"},
		{filing.FlowCancelAccess, doc(zhang, li), "[]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(SMSRecipients(tt.flow, tt.doc)); got != tt.want {
			t.Errorf("%s: %s\n want %s", tt.flow, got, tt.want)
		}
	}
	for _, f := range filing.Flows {
		got, _ := Apply(f, ReadyForBureau, SubmitToBureau, Scheduler)
		if want := len(SMSRoles(f)) > 0; (got == BureauSMS) != want {
			t.Errorf("%s: submit_to_bureau → %s but SMSRoles = %v", f, got, SMSRoles(f))
		}
	}
}

func TestDueAndETA(t *testing.T) {
	cal, err := workdays.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, workdays.CST)
		if err != nil {
			panic(err)
		}
		return t
	}
	due, ok := DueAt(cal, InitialReview, at("2026-09-30 10:00"))
	if !ok || !due.Equal(at("2026-10-09 10:00")) {
		t.Errorf("initial review due = %s, %v", due, ok)
	}
	due, ok = DueAt(cal, MaterialReview, at("2026-11-30 10:00"))
	if !ok || !due.Equal(at("2026-12-01 14:30")) {
		t.Errorf("material review due = %s", due)
	}
	if _, ok := DueAt(cal, Verification, at("2026-11-30 10:00")); ok {
		t.Error("verification has a reviewer deadline")
	}
	if !Overdue(due, due.Add(time.Second)) || Overdue(due, due) || Overdue(time.Time{}, due) {
		t.Error("Overdue")
	}

	now := at("2026-11-30 10:00") // a Monday
	tests := []struct {
		in   ETAInput
		want string
		ok   bool
	}{
		// 2 + 1.5 + 10 (Beijing) = 13.5 working days from Monday 10:00.
		{ETAInput{State: Draft, Now: now, NeedsVerification: true, BureauReviewDays: 10}, "2026-12-17", true},
		{ETAInput{State: Draft, Now: now, NeedsVerification: false, BureauReviewDays: 10}, "2026-12-16", true},
		// Submitted at 10:00, due Wednesday 10:00; then 1.5 + 3 (Shanghai).
		{ETAInput{State: InitialReview, Since: now, Now: now, NeedsVerification: true, BureauReviewDays: 3}, "2026-12-08", true},
		// An overdue initial review counts from now, not from the past deadline.
		{ETAInput{State: InitialReview, Since: at("2026-11-02 10:00"), Now: now, BureauReviewDays: 3}, "2026-12-03", true},
		{ETAInput{State: Verification, Now: now, BureauReviewDays: 3}, "2026-12-04", true},
		{ETAInput{State: ReadyForBureau, Now: now, BureauReviewDays: 0}, "2026-12-28", true}, // default 20: 180 h
		{ETAInput{State: BureauReview, Since: at("2026-11-27 10:00"), Now: now, BureauReviewDays: 10}, "2026-12-11", true},
		{ETAInput{State: Approved, Now: now}, "", false},
		{ETAInput{State: Withdrawn, Now: now}, "", false},
	}
	for _, tt := range tests {
		got, ok := ETA(cal, tt.in)
		if ok != tt.ok || (ok && workdays.Date(got) != tt.want) {
			t.Errorf("ETA(%+v) = %s, %v; want %s", tt.in, workdays.Date(got), ok, tt.want)
		}
	}
	// Over 国庆: ready for the bureau on Sep 30 with 3 days to go ends after the holiday.
	got, _ := ETA(cal, ETAInput{State: ReadyForBureau, Now: at("2026-09-30 10:00"), BureauReviewDays: 3})
	if workdays.Date(got) != "2026-10-10" { // Sep 30 (8h), Oct 8, Oct 9, make-up Saturday Oct 10 (1h)
		t.Errorf("ETA across 国庆 = %s", workdays.Date(got))
	}
}
