package web

import (
	"net/http"
	"strings"

	"beian/internal/docview"
)

// The summary of an application: its document in words, part by part
// (the subject, each website) with the attachments of each part. The
// applicant confirms it on the submit step and reads it afterwards on
// /applications/{id}/document, read-only.

type summarySection struct {
	Title       string
	Rows        []docview.Row
	Attachments []summaryAttachment
}

type summaryAttachment struct {
	ID, Name, SignedOn string
}

// Summary lists the application's document and attachments.
func (p *appPage) Summary() []summarySection {
	var out []summarySection
	for _, r := range docview.Rows(p.Lang, p.App.Document, nil) {
		if r.Section != "" || len(out) == 0 {
			out = append(out, summarySection{Title: r.Section})
		}
		// Under its heading a field needs no "网站 1 · " before its name.
		r.Label = strings.TrimPrefix(r.Label, out[len(out)-1].Title+" · ")
		out[len(out)-1].Rows = append(out[len(out)-1].Rows, r)
	}
	for _, at := range p.App.Attachments {
		i := 0 // subject-level kinds beside the subject
		if at.Website >= 0 {
			i = at.Website + 1
		}
		if i < len(out) {
			out[i].Attachments = append(out[i].Attachments, summaryAttachment{ID: at.ID, Name: tr(p.Lang, "kind."+at.Kind), SignedOn: at.SignedOn})
		}
	}
	return out
}

// documentPage is the read-only view of what the application holds (what
// was submitted, once it was).
func (wb *Web) documentPage(w http.ResponseWriter, r *http.Request) error {
	_, app, err := wb.loadApp(r)
	if err != nil {
		return err
	}
	p := wb.newAppPage(r, app, "", nil)
	p.Title = tr(p.Lang, "document.title")
	return wb.render(w, r, http.StatusOK, "document", &p)
}

// copyPost starts a new draft from a withdrawn filing (the service's
// CopyApplication) and opens its first step.
func (wb *Web) copyPost(w http.ResponseWriter, r *http.Request) error {
	a, err := account(r)
	if err != nil {
		return err
	}
	app, err := wb.svc.CopyApplication(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	setFlash(w, r, "copy.done")
	return redirect(w, r, "/applications/"+app.ID+"/"+firstStep(app.Flow))
}
