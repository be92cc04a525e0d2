package web

import (
	"net/http"
	"slices"
	"strings"

	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/httpx"
	"beian/internal/refdata"
	"beian/internal/service"
)

// Filing records in the UI (issue 5): 我的备案 (/filings), the
// cancellation start page of the seed's flow (choose the type, give the
// reason, save; then submit from the 注销备案 tab) and the public lookup
// (/lookup), which needs no account.

// filingsPage is 我的备案.
type filingsPage struct {
	Base
	Records []service.FilingSubject
}

// RecordActive reports whether a record status is active.
func (p *filingsPage) RecordActive(status string) bool { return status == "active" }

// Nature names a subject nature.
func (p *filingsPage) Nature(key string) string { return natureName(p.Lang, key) }

func natureName(lang, key string) string {
	if n, ok := refdata.Default().Nature(key); ok {
		return refName(lang, key, n.ZH)
	}
	return key
}

func (wb *Web) filingsPage(w http.ResponseWriter, r *http.Request) error {
	a, err := account(r)
	if err != nil {
		return err
	}
	recs, err := wb.svc.Filings(r.Context(), a)
	if err != nil {
		return err
	}
	p := &filingsPage{Records: recs}
	p.Lang = httpx.PageLang(r)
	p.Title, p.Nav, p.Wide = tr(p.Lang, "filings.title"), "filings", true
	return wb.render(w, r, http.StatusOK, "filings", p)
}

// cancelPage chooses the cancellation type and takes the reason.
type cancelPage struct {
	Base
	Record  string
	Subject bool     // a subject number: cancel_subject; else a website's
	Hosted  bool     // the website is hosted here: cancel_access is offered
	Offers  []string // the cancellations the record offers (the service's)
	Flow    string
	Reason  string
	Errors  []string
}

func (wb *Web) cancelStart(w http.ResponseWriter, r *http.Request) error {
	a, err := account(r)
	if err != nil {
		return err
	}
	p, err := wb.newCancelPage(r, a, r.URL.Query().Get("record"))
	if err != nil {
		return err
	}
	return wb.render(w, r, http.StatusOK, "cancel", p)
}

// newCancelPage checks the record is one of the caller's, not cancelled.
func (wb *Web) newCancelPage(r *http.Request, a *service.Account, record string) (*cancelPage, error) {
	recs, err := wb.svc.Filings(r.Context(), a)
	if err != nil {
		return nil, err
	}
	p := &cancelPage{Record: strings.TrimSpace(record)}
	p.Lang = httpx.PageLang(r)
	p.Title, p.Nav = tr(p.Lang, "cancel.title"), "filings"
	for _, s := range recs {
		offers := s.Cancels
		if s.Number != p.Record {
			offers = nil
			for _, site := range s.Websites {
				if site.Number == p.Record {
					offers = site.Cancels
				}
			}
		}
		if len(offers) > 0 {
			p.Offers, p.Flow = offers, offers[0]
			p.Subject = slices.Contains(offers, filing.FlowCancelSubject)
			p.Hosted = slices.Contains(offers, filing.FlowCancelAccess)
			return p, nil
		}
	}
	return nil, fault.NewNotFound()
}

func (wb *Web) cancelPost(w http.ResponseWriter, r *http.Request) error {
	a, err := account(r)
	if err != nil {
		return err
	}
	p, err := wb.newCancelPage(r, a, r.PostFormValue("record"))
	if err != nil {
		return err
	}
	p.Reason = r.PostFormValue("reason")
	if flow := r.PostFormValue("flow"); slices.Contains(p.Offers, flow) {
		p.Flow = flow
	}
	app, err := wb.svc.StartCancellation(r.Context(), a, p.Flow, p.Record, p.Reason)
	if err != nil {
		he := fault.As(err)
		if he.Kind == fault.Invalid {
			for _, v := range he.Violations {
				p.Errors = append(p.Errors, v.Message.In(p.Lang))
			}
			return wb.render(w, r, http.StatusUnprocessableEntity, "cancel", p)
		}
		return err
	}
	setFlash(w, r, "precheck.created", app.Flow)
	return redirect(w, r, "/applications/"+app.ID+"/submit")
}

// lookupPage is the public lookup.
type lookupPage struct {
	Base
	Q      string
	Asked  bool
	Items  []service.PublicFiling
	Errors []string
}

// Nature names a subject nature.
func (p *lookupPage) Nature(key string) string { return natureName(p.Lang, key) }

func (wb *Web) lookup(w http.ResponseWriter, r *http.Request) error {
	p := &lookupPage{Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	p.Lang = httpx.PageLang(r)
	p.Title, p.Nav = tr(p.Lang, "lookup.title"), "lookup"
	status := http.StatusOK
	if p.Q != "" {
		// The empty form is free; each lookup spends the public budget.
		if err := wb.budgets.Check(r, "public"); err != nil {
			return err
		}
		p.Asked = true
		items, err := wb.svc.PublicLookup(r.Context(), p.Q)
		if err != nil {
			msgs, ok := fault.InvalidMessages(err, p.Lang)
			if !ok {
				return err
			}
			p.Errors, status = msgs, http.StatusUnprocessableEntity
		}
		p.Items = items
	}
	return wb.render(w, r, status, "lookup", p)
}
