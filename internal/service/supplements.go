package service

// Supplementary documents (补充材料): a reviewer asks the applicant for a
// document the rules do not name — a lease, a change certificate, a
// province's form — with a note saying what. The request stands until a
// supplementary_document is uploaded after it; meanwhile the applicant may
// upload one (in review too, the document itself staying locked), the plan
// shows the slot with the note, and the review cannot pass.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/notify"
	"beian/internal/storage"
	"beian/internal/workflow"
)

// KindSupplementary is the attachment answering a reviewer's request.
const KindSupplementary = "supplementary_document"

// Supplement is one request and whether it was answered.
type Supplement struct {
	ID, Note    string
	RequestedAt time.Time
	Answered    bool // a supplementary document was uploaded after it
}

// supplementStates are where a reviewer may ask, and the applicant answer
// outside the editable states: the reviews and the verification.
func supplementState(state string) bool {
	switch workflow.State(state) {
	case workflow.InitialReview, workflow.Verification, workflow.MaterialReview:
		return true
	}
	return workflow.Editable(workflow.State(state))
}

// RequestSupplement records a reviewer's request for a supplementary
// document with its note, and mails the applicant.
func (s *Service) RequestSupplement(ctx context.Context, a *Account, id, note string) (*Application, error) {
	sa, err := s.loadStaffAction(ctx, a, id)
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	switch {
	case note == "":
		return nil, fault.NewInvalid([]filing.Violation{fault.Violated("supplement.note.required", "note")})
	case utf8.RuneCountInString(note) > 500 || strings.ContainsFunc(note, func(r rune) bool { return r < 0x20 && r != '\n' }):
		return nil, fault.NewInvalid([]filing.Violation{fault.Violated("supplement.note.invalid", "note")})
	}
	now := s.now()
	err = s.st.Tx(ctx, func(tx *storage.Tx) error {
		cur, err := tx.ApplicationForUpdate(ctx, sa.ID)
		if err != nil {
			return err
		}
		if st := workflow.State(cur.State); st != workflow.InitialReview && st != workflow.Verification && st != workflow.MaterialReview {
			return invalidTransition(fmt.Errorf("%w: a supplementary document requested in state %s", workflow.ErrInvalidTransition, cur.State))
		}
		req := &storage.SupplementRequest{ID: uuid.Must(uuid.NewV7()).String(), ApplicationID: cur.ID, Note: note, RequestedBy: a.ID, RequestedAt: now}
		if err := tx.AddSupplementRequest(ctx, req); err != nil {
			return err
		}
		if err := tx.Audit(ctx, &storage.AuditEntry{At: now, ActorID: a.ID, ActorRole: a.Role, Action: "application.supplement_requested",
			ObjectType: "application", ObjectID: cur.ID}); err != nil {
			return err
		}
		sa = cur
		return s.notifyOwnerKeyed(ctx, tx, cur, "notify:"+cur.ID+":supplement:"+req.ID, notify.TplSupplementRequested, notify.Data{Reason: note})
	})
	if err != nil {
		return nil, storeErr(err)
	}
	return s.view(ctx, a, sa)
}

// supplements reads an application's requests, each answered when a
// supplementary document came after it.
func (s *Service) supplements(ctx context.Context, appID string, atts []*storage.Attachment) ([]Supplement, error) {
	reqs, err := s.st.SupplementRequests(ctx, appID)
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]Supplement, 0, len(reqs))
	for _, r := range reqs {
		answered := slices.ContainsFunc(atts, func(at *storage.Attachment) bool {
			return at.Kind == KindSupplementary && !at.CreatedAt.Before(r.RequestedAt)
		})
		out = append(out, Supplement{ID: r.ID, Note: r.Note, RequestedAt: r.RequestedAt, Answered: answered})
	}
	return out, nil
}

// supplementSlot is the plan's slot of supplementary documents: present
// once one was asked for, required while a request stands.
func supplementSlot(sup []Supplement, atts []Attachment, state string) *Slot {
	if len(sup) == 0 {
		return nil
	}
	sl := &Slot{Kind: KindSupplementary, Website: -1}
	for _, a := range atts {
		if a.Kind == KindSupplementary {
			sl.Present = append(sl.Present, a)
		}
	}
	var open []string
	for _, r := range sup {
		if !r.Answered {
			open = append(open, r.Note)
		}
	}
	if len(open) > 0 {
		sl.Required, sl.Needed, sl.MayUpload = true, len(sl.Present)+1, supplementState(state)
		sl.Missing = &filing.Violation{Rule: "attachment.missing", Field: "attachments." + KindSupplementary, Severity: filing.SeverityError,
			Message: filing.Text{ZH: "审核人员要求补充材料：" + strings.Join(open, "；"), EN: "the reviewer asks for a supplementary document: " + strings.Join(open, "; ")}}
	}
	return sl
}

// supplementsAnswered refuses to pass a review while a request stands.
func (s *Service) supplementsAnswered(ctx context.Context, tx *storage.Tx, cur *storage.Application) error {
	atts, err := tx.Attachments(ctx, cur.ID)
	if err != nil {
		return err
	}
	sup, err := s.supplements(ctx, cur.ID, atts)
	if err != nil {
		return err
	}
	if sl := supplementSlot(sup, nil, cur.State); sl != nil && sl.Missing != nil {
		return fault.NewInvalid([]filing.Violation{*sl.Missing})
	}
	return nil
}
