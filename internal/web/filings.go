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

func init() {
	for k, v := range filingsCatalog {
		catalog[k] = v
	}
}

var filingsCatalog = map[string][2]string{
	"filings.title":        {"我的备案", "My filings"},
	"filings.intro":        {"已通过管局审核的备案记录。变更和注销从这里发起；每次变更经管局审核通过后生成新的版本。", "Your filings approved by the bureau. Changes and cancellations start here; every approved change makes a new version."},
	"filings.none":         {"暂无已通过管局审核的备案记录。", "No approved filings yet."},
	"filings.subjectno":    {"主体备案号", "Subject number"},
	"filings.nature":       {"主办单位性质", "Nature"},
	"filings.approved":     {"审核通过日期", "Approved on"},
	"filings.version":      {"版本", "Version"},
	"filings.access":       {"本接入商接入", "Access here"},
	"filings.ips":          {"IP 地址", "IP addresses"},
	"filings.change":       {"变更", "Change"},
	"filings.cancel":       {"注销", "Cancel"},
	"filings.open":         {"有进行中的申请，完成或撤回后才能发起新的变更或注销", "An application is open; finish or withdraw it before starting another change or cancellation"},
	"filings.access.none":  {"未在本接入商接入", "Not hosted here"},
	"cancel.title":         {"注销备案", "Cancel a filing"},
	"cancel.intro":         {"选择注销类型并填写注销原因后保存，然后在“注销备案”选项卡中提交。注销后备案号作废，不再使用。", "Choose what to cancel and give the reason, save, then submit it from the cancellation tab. A cancelled number is void and never reused."},
	"cancel.type":          {"注销类型", "What to cancel"},
	"cancel.type.subject":  {"注销主体：主体及其全部网站在管局注销", "Cancel the subject: the subject and all its websites are cancelled at the bureau"},
	"cancel.type.website":  {"注销网站：该网站在管局注销", "Cancel the website: this website is cancelled at the bureau"},
	"cancel.type.access":   {"取消接入：本接入商不再接入该网站；如无其他接入商接入，网站将成为空壳", "Cancel access: this provider stops hosting the website; with no other provider it is left without access"},
	"cancel.reason":        {"注销原因", "Reason"},
	"cancel.reason.hint":   {"例如：网站停止运营、迁移到其他接入商、公司注销", "For example: the site closed, moved to another provider, the company was dissolved"},
	"cancel.save":          {"保存", "Save"},
	"cancel.record":        {"备案号", "Filing number"},
	"lookup.title":         {"备案查询", "Filing lookup"},
	"lookup.intro":         {"输入域名或备案号，查询在本平台备案的网站。仅显示公开信息。", "Enter a domain or a filing number to look up websites filed here. Only public information is shown."},
	"lookup.q":             {"域名或备案号", "Domain or filing number"},
	"lookup.submit":        {"查询", "Look up"},
	"lookup.none":          {"没有找到有效的备案。", "No active filing found."},
	"lookup.subject":       {"主办单位名称", "Subject"},
	"lookup.websitename":   {"网站名称", "Website name"},
	"lookup.websitenumber": {"网站备案号", "Website number"},
	"lookup.nav":           {"备案查询", "Lookup"},
}

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
			he := fault.As(err)
			if he.Kind != fault.Invalid {
				return err
			}
			for _, v := range he.Violations {
				p.Errors = append(p.Errors, v.Message.In(p.Lang))
			}
			status = http.StatusUnprocessableEntity
		}
		p.Items = items
	}
	return wb.render(w, r, status, "lookup", p)
}
