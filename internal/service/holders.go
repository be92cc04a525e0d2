package service

// Declared domain holders (seed 2.3 (5)): an organization's domain may be
// held by its shareholder, main leader or a senior manager. The applicant
// declares the relation and the holder's name on the website
// (filing.DomainHolder); the domain rule accepts the registry's holder
// when the declared name is its name (domainreg.CheckRegistration). A
// declaration takes its proof (the attachment domain_holder_proof, in the
// attachment plan) and a reviewer's confirmation in the initial review,
// without which the initial review does not pass. A confirmation counts
// for the submission it was made in (its round: the how-manieth time the
// application entered initial review): a corrected application is
// confirmed again.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/refdata"
	"beian/internal/storage"
	"beian/internal/words"
	"beian/internal/workflow"
)

// HolderDeclaration is one website's declared domain holder as the
// reviewer judges it: the declaration, its proof and whether a reviewer
// confirmed it for the current submission.
type HolderDeclaration struct {
	Website        int
	Domain         string
	Relation, Name string
	Proof          []Attachment
	Confirmed      bool
	ConfirmedAt    time.Time
	ConfirmedBy    string // the reviewer's account id
	// MayConfirm: the staff viewer may confirm it now (in initial review,
	// not their own application, the proof there); set by ReviewApplication.
	MayConfirm bool
}

// holderDeclared reports whether website i of doc declares its domain's
// holder in a way that counts: an organization's, in a flow that files
// websites (the domain checks' flows).
func holderDeclared(doc filing.Document, i int) bool {
	return filingFlow(doc.Flow) && doc.Subject.Nature != refdata.NatureIndividual &&
		i >= 0 && i < len(doc.Websites) && doc.Websites[i].DomainHolder.Declared()
}

// reviewRound is the how-manieth time an application with history hist
// entered initial review: the submission a confirmation belongs to.
func reviewRound[T any](hist []T, to func(T) string) int {
	n := 0
	for _, tr := range hist {
		if to(tr) == string(workflow.InitialReview) {
			n++
		}
	}
	return n
}

// holderDeclarations lists doc's declarations with their proof and the
// confirmations of round (the current submission).
func holderDeclarations(doc filing.Document, atts []Attachment, confs []*storage.HolderConfirmation, round int) []HolderDeclaration {
	var out []HolderDeclaration
	for i, w := range doc.Websites {
		if !holderDeclared(doc, i) {
			continue
		}
		h := HolderDeclaration{Website: i, Domain: w.Domain, Relation: strings.TrimSpace(w.DomainHolder.Relation),
			Name: strings.TrimSpace(w.DomainHolder.Name)}
		for _, a := range atts {
			if a.Kind == KindDomainHolderProof && a.Website == i {
				h.Proof = append(h.Proof, a)
			}
		}
		for _, c := range confs {
			if c.Website == i && round > 0 && c.Round == round {
				h.Confirmed, h.ConfirmedAt, h.ConfirmedBy = true, c.ConfirmedAt, c.ConfirmedBy
			}
		}
		out = append(out, h)
	}
	return out
}

// holders reads an application's declarations for view.
func (s *Service) holders(ctx context.Context, sa *storage.Application, app *Application) ([]HolderDeclaration, error) {
	if !slices.ContainsFunc(app.Document.Websites, func(w filing.Website) bool { return w.DomainHolder.Declared() }) {
		return nil, nil
	}
	confs, err := s.st.HolderConfirmations(ctx, sa.ID)
	if err != nil {
		return nil, storeErr(err)
	}
	round := reviewRound(app.History, func(t Transition) string { return t.To })
	return holderDeclarations(app.Document, app.Attachments, confs, round), nil
}

// ConfirmHolder records a reviewer's confirmation that website's declared
// domain holder is the organization's shareholder, main leader or senior
// manager as declared, on the proof uploaded: in initial review only, for
// a website that declares one and has its proof. Audited.
func (s *Service) ConfirmHolder(ctx context.Context, a *Account, id string, website int) (*Application, error) {
	sa, err := s.loadStaffAction(ctx, a, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.st.Tx(ctx, func(tx *storage.Tx) error {
		cur, err := tx.ApplicationForUpdate(ctx, sa.ID)
		if err != nil {
			return err
		}
		if workflow.State(cur.State) != workflow.InitialReview {
			return invalidTransition(workflow.ErrInvalidTransition)
		}
		var doc filing.Document
		if err := s.openJSON(cur.Document, &doc); err != nil {
			return err
		}
		if !holderDeclared(doc, website) {
			return fault.NewViolation("review.holder.none", "website")
		}
		atts, err := tx.Attachments(ctx, cur.ID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(atts, func(at *storage.Attachment) bool { return at.Kind == KindDomainHolderProof && at.Website == website }) {
			return fault.NewViolation("review.holder.proof_missing", "website", website+1)
		}
		round, err := s.reviewRoundOf(ctx, tx, cur.ID)
		if err != nil {
			return err
		}
		if err := tx.AddHolderConfirmation(ctx, &storage.HolderConfirmation{ID: uuid.Must(uuid.NewV7()).String(), ApplicationID: cur.ID,
			Website: website, Round: round, ConfirmedBy: a.ID, ConfirmedAt: now}); err != nil {
			return err
		}
		sa = cur
		return tx.Audit(ctx, &storage.AuditEntry{At: now, ActorID: a.ID, ActorRole: a.Role, Action: "application.holder_confirmed",
			ObjectType: "application", ObjectID: cur.ID, Detail: doc.Websites[website].Domain})
	})
	if err != nil {
		return nil, storeErr(err)
	}
	return s.view(ctx, a, sa)
}

// holdersConfirmed refuses to pass the initial review while a declared
// domain holder is not confirmed for this submission: 422
// review.holder_unconfirmed, one violation per website at its
// declaration. The reviewer confirms it, or rejects the field.
func (s *Service) holdersConfirmed(ctx context.Context, tx *storage.Tx, cur *storage.Application) error {
	var doc filing.Document
	if err := s.openJSON(cur.Document, &doc); err != nil {
		return err
	}
	if !slices.ContainsFunc(doc.Websites, func(w filing.Website) bool { return w.DomainHolder.Declared() }) {
		return nil
	}
	confs, err := tx.HolderConfirmations(ctx, cur.ID)
	if err != nil {
		return err
	}
	round, err := s.reviewRoundOf(ctx, tx, cur.ID)
	if err != nil {
		return err
	}
	var vs []filing.Violation
	for _, h := range holderDeclarations(doc, nil, confs, round) {
		if !h.Confirmed {
			vs = append(vs, fault.Violated("review.holder_unconfirmed", fmt.Sprintf("websites[%d].domain_holder", h.Website), h.Website+1, h.Domain))
		}
	}
	if len(vs) == 0 {
		return nil
	}
	e := fault.NewInvalid(vs)
	e.Code, e.Message = "review.holder_unconfirmed", words.Text("error.review.holder_unconfirmed")
	return e
}

// reviewRoundOf is reviewRound of the stored history, read in tx.
func (s *Service) reviewRoundOf(ctx context.Context, tx *storage.Tx, appID string) (int, error) {
	hist, err := tx.Transitions(ctx, appID)
	if err != nil {
		return 0, err
	}
	return reviewRound(hist, func(t *storage.Transition) string { return t.To }), nil
}
