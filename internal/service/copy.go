package service

import (
	"context"
	"errors"

	"beian/internal/fault"
	"beian/internal/workflow"
)

// copyable: a withdrawn filing may start again from what was typed.
// Changes and cancellations start from a record instead.
func copyable(state, flow string) bool {
	return workflow.State(state) == workflow.Withdrawn && filingFlow(flow)
}

// CopyApplication starts a new draft from a withdrawn filing of the
// account: the pre-check runs again on its subject and first domain (the
// flow may differ now: 409 as the pre-check), then the document is saved
// into the draft as a step save would (locks and bounds apply). The
// attachments are not copied: pictures are uploaded again.
func (s *Service) CopyApplication(ctx context.Context, a *Account, id string) (*Application, error) {
	old, err := s.GetApplication(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if !old.Actions.Owner {
		return nil, notFound()
	}
	if !copyable(old.State, old.Flow) || len(old.Document.Websites) == 0 {
		return nil, fault.New(fault.Locked, "application.not_copyable",
			"只有已撤回的备案申请可以复制为新申请", "only a withdrawn filing can be copied into a new application")
	}
	doc := old.Document
	app, err := s.CreateApplication(ctx, a, CreateInput{Domain: doc.Websites[0].Domain, CertType: doc.Subject.CertType, CertNumber: doc.Subject.CertNumber})
	if err != nil {
		return nil, err
	}
	doc.Flow = app.Document.Flow
	if m := s.maxWebsites(); len(doc.Websites) > m {
		doc.Websites = doc.Websites[:m]
	}
	saved, err := s.SaveDocument(ctx, a, app.ID, doc)
	if err != nil {
		if fe, ok := errors.AsType[*fault.Error](err); ok && fe.Kind == fault.Invalid {
			return app, nil // the draft exists; the steps show what needs changing
		}
		return nil, err
	}
	return saved, nil
}
