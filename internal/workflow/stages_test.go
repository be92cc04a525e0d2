package workflow

import (
	"reflect"
	"testing"

	"beian/internal/filing"
)

func TestTracker(t *testing.T) {
	full := []Stage{StageSubmit, StageInitialReview, StageVerification, StageMaterialReview, StageBureau, StageDone}
	short := []Stage{StageSubmit, StageInitialReview, StageBureau, StageDone}
	for _, c := range []struct {
		name   string
		p      Position
		stages []Stage
		want   []string
	}{
		{"draft", Position{Flow: filing.FlowFirstFiling, State: Draft, Verification: true}, full,
			[]string{StepCurrent, StepTodo, StepTodo, StepTodo, StepTodo, StepTodo}},
		{"initial review", Position{Flow: filing.FlowFirstFiling, State: InitialReview, Last: Submit, Verification: true}, full,
			[]string{StepDone, StepCurrent, StepTodo, StepTodo, StepTodo, StepTodo}},
		{"initial rejection", Position{Flow: filing.FlowFirstFiling, State: InitialRejected, Last: Reject, Verification: true}, full,
			[]string{StepDone, StepReturned, StepTodo, StepTodo, StepTodo, StepTodo}},
		{"materials rejected", Position{Flow: filing.FlowFirstFiling, State: Verification, Last: RejectMaterials, Verification: true}, full,
			[]string{StepDone, StepDone, StepReturned, StepTodo, StepTodo, StepTodo}},
		{"verification", Position{Flow: filing.FlowNewWebsite, State: Verification, Last: Approve, Verification: true}, full,
			[]string{StepDone, StepDone, StepCurrent, StepTodo, StepTodo, StepTodo}},
		{"sms returned", Position{Flow: filing.FlowFirstFiling, State: ReadyForBureau, Last: SMSReturned, Verification: true}, full,
			[]string{StepDone, StepDone, StepDone, StepDone, StepReturned, StepTodo}},
		{"sms", Position{Flow: filing.FlowFirstFiling, State: BureauSMS, Last: SubmitToBureau, Verification: true}, full,
			[]string{StepDone, StepDone, StepDone, StepDone, StepCurrent, StepTodo}},
		{"approved", Position{Flow: filing.FlowFirstFiling, State: Approved, Last: BureauApprove, Verification: true}, full,
			[]string{StepDone, StepDone, StepDone, StepDone, StepDone, StepDone}},
		{"cancellation approved", Position{Flow: filing.FlowCancelWebsite, State: Approved, Last: BureauApprove}, short,
			[]string{StepDone, StepDone, StepDone, StepDone}},
		{"change without verification", Position{Flow: filing.FlowChangeWebsite, State: BureauReview, Last: SMSConfirmed}, short,
			[]string{StepDone, StepDone, StepCurrent, StepTodo}},
		{"withdrawn in verification", Position{Flow: filing.FlowFirstFiling, State: Withdrawn, Last: Withdraw, From: Verification, Verification: true}, full,
			[]string{StepDone, StepDone, StepStopped, StepTodo, StepTodo, StepTodo}},
		{"bureau rejected", Position{Flow: filing.FlowChangeSubject, State: BureauRejected, Last: BureauReject}, short,
			[]string{StepDone, StepDone, StepReturned, StepTodo}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Tracker(c.p)
			var stages []Stage
			var statuses []string
			for _, s := range got {
				stages, statuses = append(stages, s.Stage), append(statuses, s.Status)
			}
			if !reflect.DeepEqual(stages, c.stages) || !reflect.DeepEqual(statuses, c.want) {
				t.Errorf("Tracker(%+v) = %v %v, want %v %v", c.p, stages, statuses, c.stages, c.want)
			}
		})
	}
}

func TestSituation(t *testing.T) {
	for _, c := range []struct {
		p    Position
		want string
	}{
		{Position{Flow: filing.FlowFirstFiling, State: Verification, Last: Approve}, "verification"},
		{Position{Flow: filing.FlowFirstFiling, State: Verification, Last: RejectMaterials}, SituationMaterialsRejected},
		{Position{Flow: filing.FlowFirstFiling, State: ReadyForBureau, Last: Approve}, "ready_for_bureau"},
		{Position{Flow: filing.FlowFirstFiling, State: ReadyForBureau, Last: SMSReturned}, SituationSMSReturned},
		{Position{Flow: filing.FlowFirstFiling, State: Approved}, "approved"},
		{Position{Flow: filing.FlowChangeAccess, State: Approved}, SituationChangeApproved},
		{Position{Flow: filing.FlowCancelSubject, State: Approved}, SituationCancelled},
		{Position{Flow: filing.FlowCancelWebsite, State: Approved}, SituationCancelled},
		{Position{Flow: filing.FlowCancelAccess, State: Approved}, SituationAccessCancelled},
		{Position{Flow: filing.FlowCancelAccess, State: BureauReview}, "bureau_review"},
	} {
		if got := Situation(c.p); got != c.want {
			t.Errorf("Situation(%+v) = %q, want %q", c.p, got, c.want)
		}
	}
}
