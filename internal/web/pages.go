package web

import (
	"net/http"
	"strings"
	"time"

	"beian/internal/config"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/httpx"
	"beian/internal/service"
	"beian/internal/workflow"
)

// homePage is 首页: the three tabs and the progress of each application.
type homePage struct {
	Base
	Tab   string
	Tabs  []homeTab
	Items []homeItem
	// Withdrawn applications are listed apart, folded away, each copyable.
	Withdrawn []homeItem
	Records   []service.FilingSubject // 我的备案, on the change and cancel tabs
}

// RecordActive reports whether a record status is active.
func (p *homePage) RecordActive(status string) bool { return status == "active" }

type homeTab struct {
	Key, Label string
	Count      int
	Active     bool
}

type homeItem struct {
	service.ApplicationSummary
	Editable bool
}

// tabOf sorts flows into the home page's tabs.
func tabOf(flow string) string {
	switch {
	case strings.HasPrefix(flow, "change_"):
		return "change"
	case strings.HasPrefix(flow, "cancel_"):
		return "cancel"
	}
	return "apply"
}

func (wb *Web) home(w http.ResponseWriter, r *http.Request) error {
	a, err := account(r)
	if err != nil {
		return err
	}
	list, err := wb.svc.ListApplications(r.Context(), a)
	if err != nil {
		return err
	}
	p := &homePage{Tab: r.URL.Query().Get("tab")}
	if p.Tab != "change" && p.Tab != "cancel" {
		p.Tab = "apply"
	}
	p.Nav = "home"
	p.Lang = httpx.PageLang(r)
	p.Title = tr(p.Lang, "home.title")
	count := map[string]int{}
	for _, s := range list {
		t := tabOf(s.Flow)
		count[t]++
		switch {
		case t != p.Tab:
		case s.State == string(workflow.Withdrawn):
			p.Withdrawn = append(p.Withdrawn, homeItem{ApplicationSummary: s})
			count[t]--
		default:
			p.Items = append(p.Items, homeItem{ApplicationSummary: s, Editable: s.Editable})
		}
	}
	if p.Tab != "apply" {
		if p.Records, err = wb.svc.Filings(r.Context(), a); err != nil {
			return err
		}
	}
	for _, t := range []string{"apply", "change", "cancel"} {
		p.Tabs = append(p.Tabs, homeTab{Key: t, Label: tr(p.Lang, "home.tab."+t), Count: count[t], Active: t == p.Tab})
	}
	return wb.render(w, r, http.StatusOK, "home", p)
}

// FirstStep is where an application's filling-in starts, by flow.
func firstStep(flow string) string {
	switch flow {
	case filing.FlowNewWebsite, filing.FlowChangeWebsite:
		return "websites"
	case filing.FlowNewAccess, filing.FlowChangeAccess:
		return "access"
	case filing.FlowCancelSubject, filing.FlowCancelWebsite, filing.FlowCancelAccess:
		return "submit"
	}
	return "subject"
}

// ItemURL is where a home-page row leads: the form while it is editable,
// the progress page after.
func (i homeItem) ItemURL() string {
	if i.State == "draft" {
		return "/applications/" + i.ID + "/" + firstStep(i.Flow)
	}
	return "/applications/" + i.ID
}

// precheckPage is 申请备案's first page: domain and certificate.
type precheckPage struct {
	Base
	Domain, CertType, CertNumber string
	OrgTypes, PersonTypes        []option
	Errors                       map[string][]string
	Top                          []string
}

// Err lists a field's errors.
func (p *precheckPage) Err(f string) []string { return p.Errors[f] }

func (wb *Web) newPrecheckPage(r *http.Request) *precheckPage {
	p := &precheckPage{Errors: map[string][]string{}}
	p.Lang = httpx.PageLang(r)
	p.Nav = "apply"
	p.Title = tr(p.Lang, "precheck.title")
	for _, c := range wb.ref.CertTypes() {
		o := option{c.Key, refName(p.Lang, c.Key, c.ZH)}
		if c.For == "person" {
			p.PersonTypes = append(p.PersonTypes, o)
		} else {
			p.OrgTypes = append(p.OrgTypes, o)
		}
	}
	return p
}

func (wb *Web) precheckPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := account(r); err != nil {
		return err
	}
	p := wb.newPrecheckPage(r)
	p.CertType = "business_license"
	return wb.render(w, r, http.StatusOK, "precheck", p)
}

// precheckPost asks the service which flow applies and creates the
// application with it; a refusal is shown beside the field it concerns.
func (wb *Web) precheckPost(w http.ResponseWriter, r *http.Request) error {
	a, err := account(r)
	if err != nil {
		return err
	}
	p := wb.newPrecheckPage(r)
	p.Domain = strings.TrimSpace(r.PostFormValue("domain"))
	p.CertType = strings.TrimSpace(r.PostFormValue("cert_type"))
	p.CertNumber = strings.TrimSpace(r.PostFormValue("cert_number"))
	in := service.PrecheckInput{Domain: p.Domain, CertType: p.CertType, CertNumber: p.CertNumber}
	res, err := wb.svc.Precheck(r.Context(), a, in)
	var app *service.Application
	if err == nil {
		app, err = wb.svc.CreateApplication(r.Context(), a, service.CreateInput{Domain: p.Domain, CertType: p.CertType,
			CertNumber: p.CertNumber, Flow: res.Flow})
	}
	if err != nil {
		e := fault.As(err)
		if e.Ours() || e.Kind == fault.Unauthorized || e.Kind == fault.Forbidden {
			return err
		}
		p.place(e)
		return wb.render(w, r, httpx.Status(e), "precheck", p)
	}
	setFlash(w, r, "precheck.created", app.Flow)
	return redirect(w, r, "/applications/"+app.ID+"/"+firstStep(app.Flow))
}

// place puts a pre-check refusal beside the input it is about.
func (p *precheckPage) place(e *fault.Error) {
	put := func(key, msg string) {
		switch {
		case strings.Contains(key, "domain"):
			p.Errors["domain"] = append(p.Errors["domain"], msg)
		case strings.Contains(key, "cert_type"):
			p.Errors["cert_type"] = append(p.Errors["cert_type"], msg)
		case strings.Contains(key, "cert_number"), strings.Contains(key, "subject"):
			p.Errors["cert_number"] = append(p.Errors["cert_number"], msg)
		default:
			p.Top = append(p.Top, msg)
		}
	}
	if len(e.Violations) > 0 {
		for _, v := range e.Violations {
			key := v.Field
			if key == "" {
				key = v.Rule
			}
			put(key, v.Message.In(p.Lang))
		}
		return
	}
	put(e.Code, e.Message.In(p.Lang))
}

// progressPage is 备案进度: the stage tracker and the situation the
// service decided (progress.go there), the reasons and the deadline that
// apply now, the numbers with their status, the timeline.
type progressPage struct {
	appPage
	Events      []event
	Stages      []stageView
	Reasons     []reasonView
	CanEdit     bool
	CanWithdraw bool
	EditURL     string
	Domains     []string
	Photos      []sitePhoto
	Today       string

	// The verification step: offices, the mailing address, the choice made.
	Verification *service.Verification
	VOptions     service.VerificationOptions
	VErrors      map[string][]string
	VTop         []string
	VValues      map[string]string

	// The bureau's SMS check.
	SMSErrors map[string][]string
	SMSTop    []string
	SMSValues map[string]string
}

type stageView struct {
	Label, Status string
}

type sitePhoto struct {
	Index  int
	Domain string
	Has    bool
}

// Situation is the service's word for where the application stands.
func (p *progressPage) Situation() string { return p.App.Progress.Situation }

// SituationName names the situation for the badge: a state's name, or a
// returned or approved variant's.
func (p *progressPage) SituationName() string { return situationName(p.Lang, p.App.Progress.Situation) }

// Headline and Next say what happened and what comes next.
func (p *progressPage) Headline() string { return p.T("progress.head." + p.App.Progress.Situation) }

// Next is the next action, in the main card.
func (p *progressPage) Next() string { return p.T("progress.next." + p.App.Progress.Situation) }

// Deadline says who must act by when, or "".
func (p *progressPage) Deadline() string {
	pr := p.App.Progress
	if pr.Deadline.IsZero() {
		return ""
	}
	return p.T("progress.deadline."+pr.DeadlineKind, p.DateTime(pr.Deadline))
}

// NumberStatus names an issued number's status now.
func (p *progressPage) NumberStatus(status string) string { return p.T("record." + status) }

// ActiveNumbers reports whether a website number of the approval is still
// active (what the footer advice is about).
func (p *progressPage) ActiveNumbers() bool {
	for _, n := range p.App.Progress.Numbers {
		if !n.Subject && n.Status == "active" {
			return true
		}
	}
	return false
}

// situationName names a situation: the state's name for a state key.
func situationName(lang, situation string) string {
	if known("situation." + situation) {
		return tr(lang, "situation."+situation)
	}
	return stateName(lang, situation)
}

// MIITPortal is where the real bureau's SMS codes are confirmed.
func (p *progressPage) MIITPortal() string { return service.MIITPortal }

// VErr lists a verification form field's errors.
func (p *progressPage) VErr(f string) []string { return p.VErrors[f] }

// SMSErr lists an SMS form field's errors.
func (p *progressPage) SMSErr(f string) []string { return p.SMSErrors[f] }

// OfficeName shows an office.
func (p *progressPage) OfficeName(o *config.Office) string {
	if o == nil {
		return ""
	}
	return o.City + " · " + o.Address + " · " + o.Phone
}

type event struct {
	At           time.Time
	Label, Actor string
	Reasons      []reasonView
	Current      bool
}

func (wb *Web) progress(w http.ResponseWriter, r *http.Request) error {
	a, app, err := wb.loadApp(r)
	if err != nil {
		return err
	}
	p, err := wb.buildProgress(r, a, app)
	if err != nil {
		return err
	}
	return wb.render(w, r, http.StatusOK, "progress", p)
}

// reasonViews shows reasons with the field they concern, linked to the
// step that edits it while the applicant can act on it there.
func reasonViews(lang string, app *service.Application, rs []filing.Reason) []reasonView {
	var out []reasonView
	for _, r := range rs {
		v := reasonView{Field: r.Field, Message: r.Text(lang)}
		if r.Field != "" && r.Field != "sms" {
			v.Label = fieldLabel(lang, r.Field)
			st := stepOf(r.Field)
			if app.Actions.Edit || (st == "uploads" && mayUploadAny(app)) {
				v.URL = "/applications/" + app.ID + "/" + st + slotAnchor(r.Field)
			}
		}
		out = append(out, v)
	}
	return out
}

func (wb *Web) buildProgress(r *http.Request, a *service.Account, app *service.Application) (*progressPage, error) {
	p := &progressPage{appPage: wb.newAppPage(r, app, "", app.Violations), VErrors: map[string][]string{}, SMSErrors: map[string][]string{}}
	p.Nav = "home"
	p.Title = tr(p.Lang, "progress.title")
	p.CanEdit = p.Editable
	p.CanWithdraw = app.Actions.Withdraw
	p.EditURL = "/applications/" + app.ID + "/" + firstStep(app.Flow)
	p.Today = wb.now().In(cst).Format("2006-01-02")
	kind := "filing"
	switch {
	case strings.HasPrefix(app.Flow, "change_"):
		kind = "change"
	case strings.HasPrefix(app.Flow, "cancel_"):
		kind = "cancel"
	}
	for _, st := range app.Progress.Stages {
		key := "stage." + string(st.Stage)
		if st.Stage == "done" {
			key += "." + kind
		}
		p.Stages = append(p.Stages, stageView{Label: tr(p.Lang, key), Status: st.Status})
	}
	p.Reasons = reasonViews(p.Lang, app, app.Progress.Reasons)
	for i, ws := range app.Document.Websites {
		p.Domains = append(p.Domains, ws.Domain)
		photo := false
		for _, at := range app.Attachments {
			photo = photo || (at.Kind == "site_photo" && at.Website == i)
		}
		p.Photos = append(p.Photos, sitePhoto{Index: i, Domain: ws.Domain, Has: photo})
	}
	if app.State == "verification" || app.State == "material_review" {
		v, err := wb.svc.GetVerification(r.Context(), a, app.ID)
		if err != nil {
			return nil, err
		}
		p.Verification = v
		p.VOptions = wb.svc.VerificationOptions()
	}
	p.Events = append(p.Events, event{At: app.CreatedAt, Label: tr(p.Lang, "progress.created.event"), Actor: tr(p.Lang, "progress.actor.applicant")})
	for _, h := range app.History {
		label := stateName(p.Lang, h.To)
		if known("event." + h.Event) {
			label = tr(p.Lang, "event."+h.Event)
		}
		if h.Event == "approve" && h.From == "material_review" {
			label = tr(p.Lang, "event.approve.material")
		}
		p.Events = append(p.Events, event{At: h.At, Label: label, Actor: actorName(p.Lang, h.Actor),
			Reasons: reasonViews(p.Lang, app, h.Reasons)})
	}
	p.Events[len(p.Events)-1].Current = true
	// Newest first reads like a parcel tracker.
	for i, j := 0, len(p.Events)-1; i < j; i, j = i+1, j-1 {
		p.Events[i], p.Events[j] = p.Events[j], p.Events[i]
	}
	return p, nil
}

// actorName shows who acted: a role name, or the system.
func actorName(lang, actor string) string {
	switch {
	case actor == "" || actor == "system" || actor == "scheduler":
		return tr(lang, "progress.actor.system")
	case strings.Contains(actor, "bureau"):
		return tr(lang, "progress.actor.bureau")
	case strings.Contains(actor, "reviewer"), strings.Contains(actor, "admin"):
		return tr(lang, "progress.actor.reviewer")
	}
	return tr(lang, "progress.actor.applicant")
}

func (wb *Web) withdraw(w http.ResponseWriter, r *http.Request) error {
	a, err := account(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := wb.svc.Withdraw(r.Context(), a, id); err != nil {
		return err
	}
	setFlash(w, r, "progress.withdrawn")
	return redirect(w, r, "/applications/"+id)
}

// startFromRecord begins a change or cancellation from one of the
// caller's filing records (workflow.md: they start from "my filings").
func (wb *Web) startFromRecord(w http.ResponseWriter, r *http.Request) error {
	a, err := account(r)
	if err != nil {
		return err
	}
	flow := r.PostFormValue("flow")
	if !strings.HasPrefix(flow, "change_") && !strings.HasPrefix(flow, "cancel_") {
		return fault.New(fault.BadRequest, fault.CodeBadRequest, "未知的备案类型", "unknown filing type")
	}
	app, err := wb.svc.CreateApplication(r.Context(), a, service.CreateInput{Flow: flow, Record: r.PostFormValue("record")})
	if err != nil {
		return err
	}
	setFlash(w, r, "precheck.created", app.Flow)
	return redirect(w, r, "/applications/"+app.ID+"/"+firstStep(app.Flow))
}
