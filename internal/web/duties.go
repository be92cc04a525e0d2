package web

import (
	"net/http"

	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/service"
)

// dutiesPage is 到期与待办提醒 (issue 16): the owner's deadlines after
// approval, the 公安备案 to record done, the licence's validity to record.
// What is due and what may be recorded is the service's (Duty).
type dutiesPage struct {
	Base
	Duties []service.Duty
	Errors []string
}

func (wb *Web) dutiesPage(w http.ResponseWriter, r *http.Request) error {
	return wb.renderDuties(w, r, http.StatusOK, nil)
}

func (wb *Web) renderDuties(w http.ResponseWriter, r *http.Request, status int, errs []string) error {
	a, err := account(r)
	if err != nil {
		return err
	}
	ds, err := wb.svc.Duties(r.Context(), a)
	if err != nil {
		return err
	}
	p := &dutiesPage{Duties: ds, Errors: errs}
	p.Lang = httpx.PageLang(r)
	p.Title, p.Nav, p.Wide = tr(p.Lang, "duties.title"), "duties", true
	return wb.render(w, r, status, "duties", p)
}

// dutyRefused shows the page again with the violations of a refused form.
func (wb *Web) dutyRefused(w http.ResponseWriter, r *http.Request, err error) error {
	msgs, ok := fault.InvalidMessages(err, httpx.PageLang(r))
	if !ok {
		return err
	}
	return wb.renderDuties(w, r, http.StatusUnprocessableEntity, msgs)
}

func (wb *Web) psbFiledPost(w http.ResponseWriter, r *http.Request) error {
	a, err := account(r)
	if err != nil {
		return err
	}
	if _, err := wb.svc.MarkPSBFiled(r.Context(), a, r.PostFormValue("website"), r.PostFormValue("psb_number")); err != nil {
		return wb.dutyRefused(w, r, err)
	}
	setFlash(w, r, "duties.psb.done")
	return redirect(w, r, "/duties")
}

func (wb *Web) licenceValidityPost(w http.ResponseWriter, r *http.Request) error {
	a, err := account(r)
	if err != nil {
		return err
	}
	until := r.PostFormValue("valid_until")
	if r.PostFormValue("long_term") != "" {
		until = "long_term"
	}
	if _, err := wb.svc.SetLicenceValidity(r.Context(), a, r.PostFormValue("subject"), until); err != nil {
		return wb.dutyRefused(w, r, err)
	}
	setFlash(w, r, "duties.licence.saved")
	return redirect(w, r, "/duties")
}
