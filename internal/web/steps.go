package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/httpx"
	"beian/internal/refdata"
	"beian/internal/service"
	"beian/internal/words"
)

// formSteps are the steps that edit the document; uploads and submit follow.
var formSteps = []string{"subject", "websites", "access"}

var allSteps = []string{"subject", "websites", "access", "uploads", "submit"}

// stepsFor lists the steps a flow goes through: a filing all of them; a
// change the part it changes (and the verification form of the websites
// it includes); a cancellation what it cancels, then submit.
func stepsFor(flow string) []string {
	switch flow {
	case filing.FlowChangeSubject, filing.FlowCancelSubject:
		return []string{"subject", "submit"}
	case filing.FlowChangeWebsite:
		return []string{"websites", "uploads", "submit"}
	case filing.FlowChangeAccess:
		return []string{"access", "uploads", "submit"}
	case filing.FlowCancelWebsite, filing.FlowCancelAccess:
		return []string{"websites", "submit"}
	}
	return allSteps
}

// appPage is the frame of every application page: the flow, the state,
// the step indicator and the rejection reasons.
type appPage struct {
	Base
	App      *service.Application
	Step     string
	Steps    []stepLink
	Editable bool
	Rejected []reasonView
}

type stepLink struct {
	Num      int
	Key      string
	Label    string
	URL      string
	Active   bool
	Problems int
}

type reasonView struct {
	Field, Label, Message, URL string
}

// FlowName is the application's filing type.
func (p *appPage) FlowName() string { return p.Flow(p.App.Flow) }

func (wb *Web) newAppPage(r *http.Request, app *service.Application, step string, problems []filing.Violation) appPage {
	lang := httpx.PageLang(r)
	p := appPage{App: app, Step: step, Editable: app.Actions.Edit}
	p.Lang = lang
	p.Wide = true
	count := map[string]int{}
	for _, v := range problems {
		if v.Severity == filing.SeverityError {
			count[stepOf(v.Field)]++
		}
	}
	for i, s := range stepsFor(app.Flow) {
		p.Steps = append(p.Steps, stepLink{Num: i + 1, Key: s, Label: tr(lang, "step."+s),
			URL: "/applications/" + app.ID + "/" + s, Active: s == step, Problems: count[s]})
	}
	for _, rs := range app.Rejection {
		st := stepOf(rs.Field)
		p.Rejected = append(p.Rejected, reasonView{Field: rs.Field, Label: fieldLabel(lang, rs.Field), Message: rs.Text(lang),
			URL: "/applications/" + app.ID + "/" + st})
	}
	return p
}

// stepPage is one of the form steps.
type stepPage struct {
	appPage
	values     url.Values
	lock       locker
	ref        *refdata.Data
	provider   providerOptions
	viols      []filing.Violation
	placed     []placement
	Unplaced   []string // this step's problems that have no input here
	Other      int      // problems on other steps
	Websites   []websiteView
	CanAdd     bool
	FromRecord bool
}

// Individual says the subject is a person: the steps explain what that
// changes and offer no pre-approvals (individuals may not list any).
func (p *stepPage) Individual() bool {
	return p.values.Get("subject.nature") == refdata.NatureIndividual
}

type providerOptions struct {
	methods, locations []string
	name               string
}

type placement struct {
	name  string
	exact bool
}

type websiteView struct {
	Index      int
	Path       string
	Title      string
	PreRows    []int
	SameLeader bool
	Removable  bool
	Locked     bool
	// Holder: the form offers the declaration of the domain's holder (an
	// organization's, or one an individual's document carries, to show
	// why it is refused).
	Holder bool
}

type option struct{ Key, Name string }

// field is one input of the filing form with everything shown around it.
type field struct {
	Name, ID, Label, Hint, Value, Type, Placeholder, Choose, Children string
	Values                                                            []string
	Required, ReadOnly, Multiline                                     bool
	Rows                                                              int
	Options                                                           []option
	Errors, Warnings, Rejected                                        []string
}

// Described lists the ids of the hint and the messages that describe the
// field (aria-describedby), "" when there are none.
func (f field) Described() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if len(f.Errors)+len(f.Rejected)+len(f.Warnings) > 0 {
		ids = append(ids, f.ID+"-msg")
	}
	return strings.Join(ids, " ")
}

// Has reports whether a multi-valued field holds key.
func (f field) Has(key string) bool {
	for _, v := range f.Values {
		if v == key {
			return true
		}
	}
	return false
}

var nonIDChars = regexp.MustCompile(`[^a-zA-Z0-9]+`)

func fieldID(name string) string {
	return "f-" + strings.Trim(nonIDChars.ReplaceAllString(name, "-"), "-")
}

// requiredSuffixes mark the fields model.md requires (for the asterisk).
var requiredSuffixes = []string{"province", "city", "nature", "cert_type", "cert_number", "subject.name", "mailing_address",
	"investor", "leader.name", "mobile", "email", "].name", "domain", "homepage_url", "content_types", "languages",
	"method", "ips", "server_location", "cert_valid_until"}

// F builds a text field for path, labelled by the catalog key.
func (p *stepPage) F(path, labelKey, hintKey string) field {
	f := field{Name: path, ID: fieldID(path), Label: p.T(labelKey), Value: p.values.Get(path), Values: p.values[path],
		ReadOnly: p.lock.locked(path), Choose: p.T("common.choose")}
	if hintKey != "" {
		f.Hint = p.T(hintKey)
	}
	for _, s := range requiredSuffixes {
		if strings.HasSuffix(path, s) {
			f.Required = true
		}
	}
	if strings.HasSuffix(path, "subject.cert_address") || strings.HasSuffix(path, "office_phone") {
		f.Required = p.values.Get("subject.nature") != refdata.NatureIndividual
	}
	switch {
	case strings.HasSuffix(path, "cert_valid_from"):
		f.Type = "date"
	case strings.HasSuffix(path, "email"):
		f.Type = "email"
	case strings.HasSuffix(path, "mobile"), strings.HasSuffix(path, "phone"):
		f.Type = "tel"
	case strings.HasSuffix(path, "remark"), strings.HasSuffix(path, ".ips"):
		f.Multiline, f.Rows = true, 2
	}
	for _, v := range p.viols {
		if !fieldMatches(v.Field, path) {
			continue
		}
		msg := v.Message.In(p.Lang)
		if v.Severity == filing.SeverityWarning {
			f.Warnings = append(f.Warnings, msg)
		} else {
			f.Errors = append(f.Errors, msg)
		}
	}
	for _, rs := range p.App.Rejection {
		if fieldMatches(rs.Field, path) {
			f.Rejected = append(f.Rejected, p.T("field.rejected")+rs.Text(p.Lang))
		}
	}
	return f
}

// Sel builds a select; its options follow from the path.
func (p *stepPage) Sel(path, labelKey, hintKey string) field {
	f := p.F(path, labelKey, hintKey)
	f.Options = p.options(path)
	switch path {
	case "subject.province":
		f.Children = "subject.city"
	case "subject.city":
		f.Children = "subject.county"
	}
	return f
}

// HolderSel is the select of a website's declared domain holder relation:
// its empty choice declares none.
func (p *stepPage) HolderSel(path string) field {
	f := p.Sel(path, "website.holder.relation", "")
	f.Choose = p.T("website.holder.none")
	return f
}

// Msgs returns the messages of a group (pre-approvals, a leader, a website)
// whose field names the group itself.
func (p *stepPage) Msgs(path string) field {
	f := field{Name: path, ID: fieldID(path)}
	for _, v := range p.viols {
		if v.Field == path {
			if v.Severity == filing.SeverityWarning {
				f.Warnings = append(f.Warnings, v.Message.In(p.Lang))
			} else {
				f.Errors = append(f.Errors, v.Message.In(p.Lang))
			}
		}
	}
	for _, rs := range p.App.Rejection {
		if rs.Field == path {
			f.Rejected = append(f.Rejected, p.T("field.rejected")+rs.Text(p.Lang))
		}
	}
	return f
}

func (p *stepPage) options(path string) []option {
	lang := p.Lang
	var out []option
	divs := func(parent string) {
		for _, d := range p.ref.Children(parent) {
			if len(d.Code) == 6 {
				out = append(out, option{d.Code, d.Name})
			}
		}
	}
	switch {
	case path == "subject.province":
		for _, pr := range p.ref.Provinces() {
			out = append(out, option{pr.Code, p.ref.ValueName(lang, "province", pr.Code)})
		}
	case path == "subject.city":
		if v := p.values.Get("subject.province"); v != "" {
			divs(v)
		}
	case path == "subject.county":
		if v := p.values.Get("subject.city"); v != "" {
			divs(v)
		}
	case path == "subject.nature":
		ct, known := p.ref.CertType(p.values.Get("subject.cert_type"))
		for _, n := range p.ref.Natures() {
			if !known || ct.AllowedFor(n.Key) {
				out = append(out, option{n.Key, refName(lang, n.Key, n.ZH)})
			}
		}
	case path == "subject.cert_type":
		for _, c := range p.ref.CertTypes() {
			out = append(out, option{c.Key, refName(lang, c.Key, c.ZH)})
		}
	case strings.HasSuffix(path, "leader.cert_type"):
		for _, c := range p.ref.PersonCertTypes() {
			out = append(out, option{c.Key, refName(lang, c.Key, c.ZH)})
		}
	case strings.HasSuffix(path, ".content_types"):
		individual := p.values.Get("subject.nature") == refdata.NatureIndividual
		for _, c := range p.ref.ContentTypes() {
			if !individual || c.IndividualAllowed {
				out = append(out, option{c.Key, refName(lang, c.Key, c.ZH)})
			}
		}
	case strings.HasSuffix(path, ".languages"):
		for _, l := range p.ref.Languages() {
			out = append(out, option{l.Key, refName(lang, l.Key, l.ZH)})
		}
	case strings.HasSuffix(path, ".domain_holder.relation"):
		for _, r := range filing.HolderRelations {
			out = append(out, option{r, words.Relation(lang, r)})
		}
	case strings.HasSuffix(path, ".category"):
		for _, c := range p.ref.PreApprovalCategories() {
			out = append(out, option{c.Key, refName(lang, c.Key, c.ZH)})
		}
	case strings.HasSuffix(path, ".access.method"):
		for _, k := range p.provider.methods {
			name := k
			if m, ok := p.ref.AccessMethod(k); ok {
				name = refName(lang, k, m.ZH)
			}
			out = append(out, option{k, name})
		}
	case strings.HasSuffix(path, ".access.server_location"):
		for _, k := range p.provider.locations {
			name := k
			if pr, ok := p.ref.Province(k); ok {
				name = pr.ShortName
				if lang == "en" {
					name = pr.NameEN
				}
			}
			out = append(out, option{k, name})
		}
	}
	return out
}

// ProviderName is the access provider the filing names.
func (p *stepPage) ProviderName() string { return p.provider.name }

// inputs lists the inputs a step shows, so that the violations no input
// claims can be listed at the top of the page.
func inputs(step string, doc filing.Document) []placement {
	var out []placement
	add := func(exact bool, names ...string) {
		for _, n := range names {
			out = append(out, placement{n, exact})
		}
	}
	person := func(prefix string) {
		for _, f := range personFields {
			add(false, prefix+"."+f.name)
		}
		add(true, prefix)
	}
	switch step {
	case "subject":
		for _, f := range subjectFields {
			add(false, "subject."+f.name)
		}
		person("subject.leader")
	case "websites":
		for i, w := range doc.Websites {
			p := wsPath(i)
			for _, f := range websiteFields {
				add(false, p+"."+f.name)
			}
			add(false, p+".content_types", p+".languages")
			add(true, p, p+".pre_approvals", p+".domain_holder")
			for j := range len(w.PreApprovals) + 1 {
				q := p + ".pre_approvals[" + strconv.Itoa(j) + "]"
				add(false, q+".category", q+".number")
			}
			person(p + ".leader")
		}
	case "access":
		for i := range doc.Websites {
			p := wsPath(i) + ".access"
			add(false, p+".method", p+".ips", p+".server_location")
			add(true, p)
		}
	}
	return out
}

func placed(field string, ins []placement) bool {
	for _, in := range ins {
		if in.exact && field == in.name || !in.exact && fieldMatches(field, in.name) {
			return true
		}
	}
	return false
}

// loadApp fetches the caller's application (404 for anyone else's).
func (wb *Web) loadApp(r *http.Request) (*service.Account, *service.Application, error) {
	a, err := account(r)
	if err != nil {
		return nil, nil, err
	}
	app, err := wb.svc.GetApplication(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	return a, app, nil
}

func stepFromPath(r *http.Request) string {
	p := r.URL.Path
	return p[strings.LastIndexByte(p, '/')+1:]
}

func (wb *Web) buildStep(r *http.Request, app *service.Application, step string) *stepPage {
	p := &stepPage{appPage: wb.newAppPage(r, app, step, app.Violations)}
	p.values = flatten(app.Document)
	p.lock = locker{flow: app.Flow, editable: p.Editable, own: app.FromOwnRecord}
	p.ref = wb.ref
	p.viols = app.Violations
	p.provider = providerOptions{methods: wb.cfg.Provider.AccessMethods, locations: wb.cfg.Provider.ServerLocations,
		name: wb.cfg.Provider.Name}
	p.Title = tr(p.Lang, "step."+step)
	doc := app.Document
	p.CanAdd = app.Actions.AddWebsite
	switch step {
	case "subject":
		p.FromRecord = app.FromOwnRecord
	case "websites":
		p.FromRecord = app.FromOwnRecord && app.Flow == filing.FlowNewAccess
	}
	for i, w := range doc.Websites {
		title := w.Domain
		if w.Name != "" {
			title = w.Name + tr(p.Lang, "paren", w.Domain)
		}
		if title == "" {
			title = tr(p.Lang, "website.n", i+1)
		}
		wv := websiteView{Index: i, Path: wsPath(i), Title: title,
			SameLeader: w.Leader == (filing.Person{}) || w.Leader == doc.Subject.Leader,
			Removable:  i < len(app.Actions.Websites) && app.Actions.Websites[i].Remove,
			Locked:     p.lock.locked(wsPath(i) + ".name"),
			Holder:     !p.Individual() || w.DomainHolder.Declared()}
		for j := range len(w.PreApprovals) + 1 {
			wv.PreRows = append(wv.PreRows, j)
		}
		p.Websites = append(p.Websites, wv)
	}
	p.placed = inputs(step, doc)
	// A part nobody has started on yet shows no "required" errors; the
	// step indicator still counts them.
	fresh := untouched(doc)
	p.viols = nil
	for _, v := range app.Violations {
		if !freshField(v.Field, fresh) {
			p.viols = append(p.viols, v)
		}
	}
	for _, v := range p.viols {
		if stepOf(v.Field) != step {
			if v.Severity == filing.SeverityError {
				p.Other++
			}
			continue
		}
		if !placed(v.Field, p.placed) {
			p.Unplaced = append(p.Unplaced, v.Message.In(p.Lang))
		}
	}
	return p
}

// untouched lists the document parts the applicant has not started:
// "subject", "websites[i]" (name, URL, content, languages all empty) and
// "websites[i].access".
func untouched(doc filing.Document) []string {
	var out []string
	sj := doc.Subject
	if sj.Name == "" && sj.Province == "" && sj.MailingAddress == "" && sj.Investor == "" && sj.Leader.Name == "" && sj.Leader.Mobile == "" {
		out = append(out, "subject")
	}
	for i, w := range doc.Websites {
		if w.Name == "" && w.HomepageURL == "" && len(w.ContentTypes) == 0 && len(w.Languages) == 0 {
			out = append(out, wsPath(i))
		}
		if w.Access.Method == "" && len(w.Access.IPs) == 0 && w.Access.ServerLocation == "" {
			out = append(out, wsPath(i)+".access")
		}
	}
	return out
}

// freshField reports whether a violation concerns an untouched part.
func freshField(field string, fresh []string) bool {
	for _, f := range fresh {
		if fieldMatches(field, f) {
			// A website's own fields, but not its access when that was filled.
			if !strings.HasSuffix(f, ".access") && strings.HasPrefix(field, f+".access") {
				continue
			}
			return true
		}
	}
	return false
}

func (wb *Web) stepPage(w http.ResponseWriter, r *http.Request) error {
	_, app, err := wb.loadApp(r)
	if err != nil {
		return err
	}
	step := stepFromPath(r)
	return wb.render(w, r, http.StatusOK, "step_"+step, wb.buildStep(r, app, step))
}

// stepPost saves the step's fields into the stored document (the other
// steps' fields stay as stored), then redirects (PRG): back to the step
// when it still has errors or the applicant only saved, else onwards.
func (wb *Web) stepPost(w http.ResponseWriter, r *http.Request) error {
	a, app, err := wb.loadApp(r)
	if err != nil {
		return err
	}
	step := stepFromPath(r)
	act := app.Actions
	l := locker{flow: app.Flow, editable: act.Edit, own: app.FromOwnRecord}
	if !act.Edit {
		setFlash(w, r, "step.locked")
		return redirect(w, r, "/applications/"+app.ID)
	}
	doc := app.Document
	doc.Flow = app.Flow
	action := r.PostFormValue("action")
	anchor := ""
	switch step {
	case "subject":
		mergeSubject(&doc, r.PostForm, l)
	case "websites":
		mergeWebsites(&doc, r.PostForm, l, act.MaxWebsites)
		switch {
		case action == "add_website" && act.AddWebsite:
			doc.Websites = append(doc.Websites, newWebsite(doc))
			anchor = "#website-" + strconv.Itoa(len(doc.Websites)-1)
		case strings.HasPrefix(action, "remove_website:"):
			i, err := strconv.Atoi(strings.TrimPrefix(action, "remove_website:"))
			if err == nil && i >= 0 && i < len(act.Websites) && act.Websites[i].Remove {
				kept := append(append([]filing.Website(nil), doc.Websites[:i]...), doc.Websites[i+1:]...)
				_, err := wb.svc.SaveDocument(r.Context(), a, app.ID, withWebsites(doc, kept))
				if fault.As(err).Code == "application.website_attached" {
					// The service keeps attachments on their websites: save
					// the rest of the form and say why the website stays.
					if _, err := wb.svc.SaveDocument(r.Context(), a, app.ID, doc); err != nil {
						return err
					}
					setFlash(w, r, "website.remove.attached")
					return redirect(w, r, "/applications/"+app.ID+"/websites#website-"+strconv.Itoa(i))
				}
				if err != nil {
					return err
				}
				setFlash(w, r, "website.removed")
				return redirect(w, r, "/applications/"+app.ID+"/"+step)
			}
		}
	case "access":
		mergeAccess(&doc, r.PostForm, l)
	}
	saved, err := wb.svc.SaveDocument(r.Context(), a, app.ID, doc)
	if err != nil {
		if fault.Is(err, fault.Locked) {
			setFlash(w, r, "step.locked")
			return redirect(w, r, "/applications/"+app.ID)
		}
		return err
	}
	here := "/applications/" + app.ID + "/" + step
	switch {
	case action == "add_website":
		setFlash(w, r, "website.added")
		return redirect(w, r, here+anchor)
	case action == "next":
		for _, v := range saved.Violations {
			if v.Severity == filing.SeverityError && stepOf(v.Field) == step {
				setFlash(w, r, "step.saved.fix")
				return redirect(w, r, here)
			}
		}
		return redirect(w, r, "/applications/"+app.ID+"/"+nextStep(app.Flow, step))
	}
	setFlash(w, r, "step.saved")
	return redirect(w, r, here)
}

// withWebsites is doc with another list of websites.
func withWebsites(doc filing.Document, sites []filing.Website) filing.Document {
	doc.Websites = sites
	return doc
}

func nextStep(flow, step string) string {
	steps := stepsFor(flow)
	for i, s := range steps {
		if s == step && i+1 < len(steps) {
			return steps[i+1]
		}
	}
	return "submit"
}

func prevStep(flow, step string) string {
	steps := stepsFor(flow)
	for i, s := range steps {
		if s == step && i > 0 {
			return steps[i-1]
		}
	}
	return ""
}

// Prev is the previous step's key, for the 上一步 link.
func (p *appPage) Prev() string { return prevStep(p.App.Flow, p.Step) }

// NextStep is the following step's key.
func (p *appPage) NextStep() string { return nextStep(p.App.Flow, p.Step) }

// fieldLabel names a document path for people (words.Field).
func fieldLabel(lang, path string) string { return words.Field(lang, path) }
