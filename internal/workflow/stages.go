package workflow

import (
	"strings"

	"beian/internal/filing"
)

// The applicant's stage tracker (提交 → 初审 → 核验 → 材料审核 → 管局 → 完成)
// and the situation the progress page explains. Both follow from the state
// and the event that led to it: verification after reject_materials is not
// the verification after an initial approval, and ready_for_bureau after a
// returned SMS check is not the one before the first submission.

// Stage is one step of the tracker.
type Stage string

// The stages, in order. Verification and material review appear only for
// applications that go through verification; cancellations skip them.
const (
	StageSubmit         Stage = "submit"
	StageInitialReview  Stage = "initial_review"
	StageVerification   Stage = "verification"
	StageMaterialReview Stage = "material_review"
	StageBureau         Stage = "bureau"
	StageDone           Stage = "done"
)

// Stage statuses.
const (
	StepDone     = "done"     // passed
	StepCurrent  = "current"  // under way now
	StepReturned = "returned" // under way again: it came back here (rejected, returned)
	StepStopped  = "stopped"  // the application was withdrawn here
	StepTodo     = "todo"     // still ahead
)

// Step is one stage with its status.
type Step struct {
	Stage  Stage
	Status string
}

// Position is where an application stands: its state and how it got there.
type Position struct {
	Flow  string
	State State
	// Last is the event that led to State and From the state it left
	// ("" for a draft that never moved).
	Last Event
	From State
	// Verification says whether the application goes (or went) through
	// verification and material review.
	Verification bool
}

// stageOf is the stage a state belongs to.
func stageOf(s State) Stage {
	switch s {
	case Draft:
		return StageSubmit
	case InitialReview, InitialRejected:
		return StageInitialReview
	case Verification:
		return StageVerification
	case MaterialReview:
		return StageMaterialReview
	case ReadyForBureau, BureauSMS, BureauReview, BureauRejected:
		return StageBureau
	}
	return StageDone
}

// returned reports whether the position is a step to pass again: a
// rejection, materials refused, the SMS check returned.
func (p Position) returned() bool {
	switch {
	case p.State == InitialRejected, p.State == BureauRejected:
		return true
	case p.State == Verification && p.Last == RejectMaterials:
		return true
	case p.State == ReadyForBureau && p.Last == SMSReturned:
		return true
	}
	return false
}

// Tracker lists the stages of the application with their statuses.
func Tracker(p Position) []Step {
	stages := []Stage{StageSubmit, StageInitialReview}
	if p.Verification {
		stages = append(stages, StageVerification, StageMaterialReview)
	}
	stages = append(stages, StageBureau, StageDone)
	here, status := stageOf(p.State), StepCurrent
	switch {
	case p.State == Approved:
		status = StepDone
	case p.State == Withdrawn:
		here, status = stageOf(p.From), StepStopped
	case p.returned():
		status = StepReturned
	}
	out := make([]Step, len(stages))
	reached := false
	for i, st := range stages {
		out[i] = Step{Stage: st, Status: StepTodo}
		switch {
		case st == here:
			out[i].Status, reached = status, true
		case !reached:
			out[i].Status = StepDone
		}
	}
	return out
}

// Situations: what the progress page tells the applicant. Besides the
// states, the returned variants and the approval of a change or a
// cancellation each read differently.
const (
	SituationMaterialsRejected = "materials_rejected" // verification after reject_materials
	SituationSMSReturned       = "sms_returned"       // ready_for_bureau after the SMS check lapsed
	SituationChangeApproved    = "change_approved"    // approved change_*
	SituationCancelled         = "cancelled"          // approved cancel_subject, cancel_website
	SituationAccessCancelled   = "access_cancelled"   // approved cancel_access
)

// Situation names the position for the applicant: a state key, or one of
// the Situation constants.
func Situation(p Position) string {
	switch {
	case p.State == Verification && p.Last == RejectMaterials:
		return SituationMaterialsRejected
	case p.State == ReadyForBureau && p.Last == SMSReturned:
		return SituationSMSReturned
	case p.State == Approved && p.Flow == filing.FlowCancelAccess:
		return SituationAccessCancelled
	case p.State == Approved && strings.HasPrefix(p.Flow, "cancel_"):
		return SituationCancelled
	case p.State == Approved && strings.HasPrefix(p.Flow, "change_"):
		return SituationChangeApproved
	}
	return string(p.State)
}

// CameBack reports whether the situation carries reasons the applicant
// must read: a rejection, refused materials, a returned SMS check.
func CameBack(p Position) bool { return p.returned() }
