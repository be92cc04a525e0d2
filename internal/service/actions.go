package service

import (
	"fmt"

	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/storage"
	"beian/internal/workflow"
)

// Actions are what the applicant may do with an application now. The
// service decides them once, from the workflow and the provider's limits;
// every door offers exactly these (the pages' buttons, the API's answer)
// and the service refuses anything else whichever door asks.
type Actions struct {
	Owner    bool // the viewer is the applicant; a staff viewer has none of these
	Edit     bool // change the document
	Submit   bool // send it to review (Missing lists what still blocks it)
	Withdraw bool
	// Copy: a withdrawn filing may start a new draft from its document (copy.go).
	Copy bool
	// AddWebsite: the flow files several websites and one more fits under
	// the provider's maximum (MaxWebsites).
	AddWebsite  bool
	MaxWebsites int
	// Websites says, per website, whether it may be removed.
	Websites []WebsiteActions
}

// WebsiteActions are what may happen to one website of the application.
type WebsiteActions struct {
	// Remove: the flow files several websites, this is not the first (it
	// carries the pre-check's domain) and the application is editable.
	Remove bool
	// Held: attachments of this website or a later one are uploaded.
	// Attachments point at websites by position, so removing it would move
	// later websites' files onto the wrong website: those attachments go
	// first (the service refuses the removal meanwhile).
	Held bool
}

// severalWebsites reports whether a flow files more than one website.
func severalWebsites(flow string) bool {
	return flow == filing.FlowFirstFiling || flow == filing.FlowNewWebsite
}

// maxWebsites is the provider's maximum of websites in one application.
func (s *Service) maxWebsites() int { return filing.WebsiteBound(s.rules.MaxWebsites()) }

// actions are the owner's actions on an application in its present state.
func (s *Service) actions(app *Application) Actions {
	state := workflow.State(app.State)
	edit := workflow.Editable(state)
	act := Actions{Owner: true, Edit: edit, Submit: edit, Withdraw: workflow.Withdrawable(state), MaxWebsites: s.maxWebsites(),
		Copy: copyable(app.State, app.Flow)}
	several := edit && severalWebsites(app.Flow)
	act.AddWebsite = several && len(app.Document.Websites) < act.MaxWebsites
	for i := range app.Document.Websites {
		wa := WebsiteActions{Remove: several && i > 0}
		for _, at := range app.Attachments {
			wa.Held = wa.Held || (wa.Remove && at.Website >= i)
		}
		act.Websites = append(act.Websites, wa)
	}
	return act
}

// checkWebsitesKept refuses a save that would leave an attachment pointing
// at another website than the one it was uploaded for: a website removed
// or moved (a different domain at its position) while an attachment of it
// or of a later website exists. Attachments name websites by position.
func checkWebsitesKept(old, doc filing.Document, atts []*storage.Attachment) error {
	for _, at := range atts {
		i := at.Website
		if i < 0 || i >= len(old.Websites) || old.Websites[i].Domain == "" {
			continue
		}
		if i < len(doc.Websites) && doc.Websites[i].Domain == old.Websites[i].Domain { // both normalized
			continue
		}
		field := fmt.Sprintf("websites[%d]", i)
		e := fault.Words(fault.Conflict, "application.website_attached", "error.application.website_attached", i+1, old.Websites[i].Domain)
		e.Violations = []filing.Violation{{Rule: e.Code, Field: field, Severity: filing.SeverityError, Message: e.Message}}
		return e
	}
	return nil
}
