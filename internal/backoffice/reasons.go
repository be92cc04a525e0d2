package backoffice

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/httpx"
	"beian/internal/middleware"
	"beian/internal/service"
)

// The catalogue of common rejection reasons, kept by admins at
// /admin/reasons; reviewers pick from it in the decision form.

type reasonsData struct {
	Items  []service.RejectionReason
	Fields []fieldOption // every field a reason may be about, website indexes open
	Form   service.RejectionReason
	Err    string
	ErrFor string // the code of the entry the error is about ("" the new one)
}

// Blank is the new entry's form when an error is about an existing one.
func (d *reasonsData) Blank() service.RejectionReason { return service.RejectionReason{Position: 1000} }

// catalogueFields lists the document's fields with the website index
// open: websites[].name, attachments.site_photo[].
func catalogueFields(lang string) []fieldOption {
	var out []fieldOption
	for _, f := range fieldOptions(lang, filing.Document{Websites: make([]filing.Website, 1)}) {
		p := strings.ReplaceAll(f.Path, "[0]", "[]")
		out = append(out, fieldOption{Path: p, Label: FieldLabel(lang, p)})
	}
	return out
}

func (b *Backoffice) reasons(w http.ResponseWriter, r *http.Request) error {
	return b.renderReasons(w, r, http.StatusOK, &reasonsData{Form: service.RejectionReason{Position: 1000}})
}

func (b *Backoffice) renderReasons(w http.ResponseWriter, r *http.Request, status int, d *reasonsData) error {
	if a := middleware.Account(r); a.Role != service.RoleAdmin {
		return fault.NewForbidden() // reviewers read the catalogue in the decision form
	}
	items, err := b.svc.RejectionReasons(r.Context(), middleware.Account(r))
	if err != nil {
		return err
	}
	p := b.newPage(r, "reasons.title", "reasons", d)
	d.Items, d.Fields = items, catalogueFields(p.Lang)
	return b.render(w, status, "reasons", p)
}

// saveReason adds or changes an entry; a refusal shows the page again with
// what was typed beside the entry it is about.
func (b *Backoffice) saveReason(w http.ResponseWriter, r *http.Request) error {
	pos, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("position")))
	in := service.RejectionReason{Code: r.PostFormValue("code"), Field: r.PostFormValue("field"), Position: pos,
		Text: filing.Text{ZH: r.PostFormValue("text_zh"), EN: r.PostFormValue("text_en")}}
	if r.PostFormValue("position") != "" && strconv.Itoa(pos) != strings.TrimSpace(r.PostFormValue("position")) {
		in.Position = -1 // not a number: refused by the service's bound
	}
	err := b.svc.SaveRejectionReason(r.Context(), middleware.Account(r), in)
	var he *fault.Error
	if errors.As(err, &he) && he.Kind == fault.Invalid {
		lang := httpx.PageLang(r)
		msg := he.Message.In(lang)
		for _, v := range he.Violations {
			msg += tr(lang, "staff.semicolon") + v.Message.In(lang)
		}
		d := &reasonsData{Form: in, Err: msg}
		if r.PostFormValue("existing") == "1" {
			d.ErrFor = in.Code
		}
		return b.renderReasons(w, r, httpx.Status(he), d)
	}
	if err != nil {
		return err
	}
	return done(w, r, "/admin/reasons", "reasons.saved")
}

func (b *Backoffice) deleteReason(w http.ResponseWriter, r *http.Request) error {
	if err := b.svc.DeleteRejectionReason(r.Context(), middleware.Account(r), r.PathValue("code")); err != nil {
		return err
	}
	return done(w, r, "/admin/reasons", "reasons.deleted")
}
