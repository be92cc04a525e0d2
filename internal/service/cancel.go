package service

import (
	"context"
	"strings"

	"beian/internal/fault"
	"beian/internal/filing"
)

// Cancellations (注销主体 / 注销网站 / 取消接入) follow the seed provider's
// flow: choose what to cancel from "my filings", give the reason, save,
// then submit. The reason is the remark of what is cancelled (the subject's
// for cancel_subject, the website's otherwise): the reviewer reads it, and
// nothing of the cancelled record changes but its status.

// CancelReasonField is the document field holding a cancellation's
// reason, "" for other flows.
func CancelReasonField(flow string) string {
	switch flow {
	case filing.FlowCancelSubject:
		return "subject.remark"
	case filing.FlowCancelWebsite, filing.FlowCancelAccess:
		return "websites[0].remark"
	}
	return ""
}

// CancelReason reads a cancellation's reason from its document.
func CancelReason(doc filing.Document) string {
	switch CancelReasonField(doc.Flow) {
	case "subject.remark":
		return doc.Subject.Remark
	case "websites[0].remark":
		if len(doc.Websites) > 0 {
			return doc.Websites[0].Remark
		}
	}
	return ""
}

// maxCancelReason bounds the reason's length.
const maxCancelReason = 500

// StartCancellation creates a cancellation draft from one of the account's
// records with its reason (the seed's "choose the type, give the reason,
// save"); submitting it is Submit.
func (s *Service) StartCancellation(ctx context.Context, a *Account, flow, record, reason string) (*Application, error) {
	if CancelReasonField(flow) == "" {
		return nil, fault.NewInvalid([]filing.Violation{{Rule: "application.flow.invalid", Field: "flow", Severity: filing.SeverityError,
			Message: filing.Text{ZH: "请选择注销类型：注销主体、注销网站或取消接入", EN: "choose what to cancel: the subject, a website or this provider's access"}}})
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > maxCancelReason {
		return nil, fault.NewInvalid([]filing.Violation{fault.Violated("cancel.reason.missing", "reason")})
	}
	app, err := s.CreateApplication(ctx, a, CreateInput{Flow: flow, Record: record})
	if err != nil {
		return nil, err
	}
	doc := app.Document
	if flow == filing.FlowCancelSubject {
		doc.Subject.Remark = reason
	} else if len(doc.Websites) > 0 {
		doc.Websites[0].Remark = reason
	}
	return s.SaveDocument(ctx, a, app.ID, doc)
}
