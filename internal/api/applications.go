package api

import (
	"net/http"

	"beian/internal/filing"
	"beian/internal/httpx"
	"beian/internal/service"
	"beian/internal/words"
)

// applicationJSON is api.md's application object.
type applicationJSON struct {
	ID          string                      `json:"id"`
	Flow        string                      `json:"flow"`
	State       string                      `json:"state"`
	Province    string                      `json:"province"`
	Document    filing.Document             `json:"document"`
	Violations  []filing.LocalizedViolation `json:"violations"`
	Attachments []attachmentJSON            `json:"attachments"`
	History     []transitionJSON            `json:"history"`
	SMS         []smsJSON                   `json:"sms"`
	DueAt       *string                     `json:"due_at"`
	ETA         *string                     `json:"eta"`
	Numbers     *numbersJSON                `json:"numbers"`
	Rejection   []filing.Reason             `json:"rejection"`
	Record      string                      `json:"record,omitempty"`
	Actions     *actionsJSON                `json:"actions"`         // what the caller may do now; null for staff
	Plan        []slotJSON                  `json:"attachment_plan"` // the attachments it takes, required or not
	Supplements []supplementJSON            `json:"supplements"`     // reviewers' requests for supplementary documents
	Holders     []holderJSON                `json:"domain_holders"`  // declared domain holders, their proof and confirmation
	SubmittedAt *string                     `json:"submitted_at"`
	CreatedAt   *string                     `json:"created_at"`
	UpdatedAt   *string                     `json:"updated_at"`
}

type supplementJSON struct {
	ID          string  `json:"id"`
	Note        string  `json:"note"`
	RequestedAt *string `json:"requested_at"`
	Answered    bool    `json:"answered"`
}

type holderJSON struct {
	Website      int      `json:"website"`
	Domain       string   `json:"domain"`
	Relation     string   `json:"relation"`
	RelationName string   `json:"relation_name"`
	Name         string   `json:"name"`
	Proof        []string `json:"proof"` // attachment ids
	Confirmed    bool     `json:"confirmed"`
	ConfirmedAt  *string  `json:"confirmed_at"`
	MayConfirm   bool     `json:"may_confirm"`
}

func holdersView(hs []service.HolderDeclaration, lang string) []holderJSON {
	out := []holderJSON{}
	for _, h := range hs {
		j := holderJSON{Website: h.Website, Domain: h.Domain, Relation: h.Relation, RelationName: words.Relation(lang, h.Relation), Name: h.Name,
			Proof: []string{}, Confirmed: h.Confirmed, ConfirmedAt: rfc3339(h.ConfirmedAt), MayConfirm: h.MayConfirm}
		for _, a := range h.Proof {
			j.Proof = append(j.Proof, a.ID)
		}
		out = append(out, j)
	}
	return out
}

type transitionJSON struct {
	At      *string         `json:"at"`
	Actor   string          `json:"actor"`
	From    string          `json:"from"`
	To      string          `json:"to"`
	Reasons []filing.Reason `json:"reasons"`
}

type smsJSON struct {
	Role         string `json:"role"`
	Mobile       string `json:"mobile"`
	Status       string `json:"status"`
	AttemptsLeft int    `json:"attempts_left"`
}

type actionsJSON struct {
	Edit        bool                 `json:"edit"`
	Submit      bool                 `json:"submit"`
	Withdraw    bool                 `json:"withdraw"`
	AddWebsite  bool                 `json:"add_website"`
	MaxWebsites int                  `json:"max_websites"`
	Websites    []websiteActionsJSON `json:"websites"`
}

type websiteActionsJSON struct {
	Remove bool `json:"remove"`
	Held   bool `json:"held"`
}

type slotJSON struct {
	Kind      string                     `json:"kind"`
	Website   *int                       `json:"website"` // null: the application's, not one website's
	Required  bool                       `json:"required"`
	Needed    int                        `json:"needed"`
	MayUpload bool                       `json:"may_upload"`
	NeedsDate bool                       `json:"needs_date"`
	Present   []string                   `json:"present"` // attachment ids
	Missing   *filing.LocalizedViolation `json:"missing"`
}

// actionsView and planView render what the service decided.
func actionsView(app *service.Application) *actionsJSON {
	act := app.Actions
	if !act.Owner {
		return nil // a staff read
	}
	out := &actionsJSON{Edit: act.Edit, Submit: act.Submit, Withdraw: act.Withdraw, AddWebsite: act.AddWebsite,
		MaxWebsites: act.MaxWebsites, Websites: []websiteActionsJSON{}}
	for _, w := range act.Websites {
		out.Websites = append(out.Websites, websiteActionsJSON{Remove: w.Remove, Held: w.Held})
	}
	return out
}

func planView(plan []service.Slot, lang string) []slotJSON {
	out := []slotJSON{}
	for _, sl := range plan {
		s := slotJSON{Kind: sl.Kind, Required: sl.Required, Needed: sl.Needed, MayUpload: sl.MayUpload, NeedsDate: sl.NeedsDate,
			Present: []string{}}
		if sl.Website >= 0 {
			w := sl.Website
			s.Website = &w
		}
		for _, a := range sl.Present {
			s.Present = append(s.Present, a.ID)
		}
		if sl.Missing != nil {
			v := filing.Localize([]filing.Violation{*sl.Missing}, lang)[0]
			s.Missing = &v
		}
		out = append(out, s)
	}
	return out
}

type numbersJSON struct {
	Subject  string   `json:"subject"`
	Websites []string `json:"websites"`
}

func applicationView(app *service.Application, lang string) applicationJSON {
	out := applicationJSON{ID: app.ID, Flow: app.Flow, State: app.State, Province: app.Province, Document: app.Document,
		Violations: filing.Localize(app.Violations, lang), Attachments: []attachmentJSON{}, History: []transitionJSON{},
		SMS: []smsJSON{}, DueAt: rfc3339(app.DueAt), Rejection: app.Rejection, Record: app.RecordNumber,
		SubmittedAt: rfc3339(app.SubmittedAt), CreatedAt: rfc3339(app.CreatedAt), UpdatedAt: rfc3339(app.UpdatedAt),
		Actions: actionsView(app), Plan: planView(app.Plan, lang), Holders: holdersView(app.Holders, lang)}
	if out.Document.Websites == nil {
		out.Document.Websites = []filing.Website{}
	}
	if out.Rejection == nil {
		out.Rejection = []filing.Reason{}
	}
	out.Supplements = []supplementJSON{}
	for _, sp := range app.Supplements {
		out.Supplements = append(out.Supplements, supplementJSON{ID: sp.ID, Note: sp.Note, RequestedAt: rfc3339(sp.RequestedAt), Answered: sp.Answered})
	}
	if app.ETA != "" {
		eta := app.ETA
		out.ETA = &eta
	}
	for _, at := range app.Attachments {
		out.Attachments = append(out.Attachments, attachmentView(at))
	}
	for _, h := range app.History {
		rs := h.Reasons
		if rs == nil {
			rs = []filing.Reason{}
		}
		out.History = append(out.History, transitionJSON{At: rfc3339(h.At), Actor: h.Actor, From: h.From, To: h.To, Reasons: rs})
	}
	for _, s := range app.SMS {
		out.SMS = append(out.SMS, smsJSON{Role: s.Role, Mobile: s.Mobile, Status: s.Status, AttemptsLeft: s.AttemptsLeft})
	}
	if app.Numbers != nil {
		out.Numbers = &numbersJSON{Subject: app.Numbers.Subject, Websites: app.Numbers.Websites}
		if out.Numbers.Websites == nil {
			out.Numbers.Websites = []string{}
		}
	}
	return out
}

func (a *API) precheck(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Domain     string `json:"domain"`
		CertType   string `json:"cert_type"`
		CertNumber string `json:"cert_number"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	res, err := a.svc.Precheck(r.Context(), account(r), service.PrecheckInput{Domain: in.Domain, CertType: in.CertType, CertNumber: in.CertNumber})
	if err != nil {
		return err
	}
	// A struct, not a map: the answer is written on every keystroke of the
	// apply form, and a map is sorted and reflected per key.
	return httpx.WriteJSON(w, http.StatusOK, struct {
		Flow    string          `json:"flow"`
		Subject *filing.Subject `json:"subject"`
		Website *filing.Website `json:"website"`
	}{res.Flow, res.Subject, res.Website})
}

func (a *API) createApplication(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Domain     string `json:"domain"`
		CertType   string `json:"cert_type"`
		CertNumber string `json:"cert_number"`
		Flow       string `json:"flow"`
		Record     string `json:"record"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	app, err := a.svc.CreateApplication(r.Context(), account(r), service.CreateInput{Domain: in.Domain, CertType: in.CertType,
		CertNumber: in.CertNumber, Flow: in.Flow, Record: in.Record})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/applications/"+app.ID)
	return httpx.WriteJSON(w, http.StatusCreated, applicationView(app, httpx.Lang(r)))
}

type summaryJSON struct {
	ID          string   `json:"id"`
	Flow        string   `json:"flow"`
	State       string   `json:"state"`
	Province    string   `json:"province"`
	SubjectName string   `json:"subject_name"`
	Domains     []string `json:"domains"`
	ETA         *string  `json:"eta"`
	UpdatedAt   *string  `json:"updated_at"`
}

func (a *API) listApplications(w http.ResponseWriter, r *http.Request) error {
	list, err := a.svc.ListApplications(r.Context(), account(r))
	if err != nil {
		return err
	}
	items := make([]summaryJSON, 0, len(list))
	for _, s := range list {
		it := summaryJSON{ID: s.ID, Flow: s.Flow, State: s.State, Province: s.Province, SubjectName: s.SubjectName,
			Domains: s.Domains, UpdatedAt: rfc3339(s.UpdatedAt)}
		if it.Domains == nil {
			it.Domains = []string{}
		}
		if s.ETA != "" {
			eta := s.ETA
			it.ETA = &eta
		}
		items = append(items, it)
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
}

func (a *API) getApplication(w http.ResponseWriter, r *http.Request) error {
	app, err := a.svc.GetApplication(r.Context(), account(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, applicationView(app, httpx.Lang(r)))
}

func (a *API) saveApplication(w http.ResponseWriter, r *http.Request) error {
	// null or anything but an object is a 400, never an emptied draft.
	doc, err := httpx.DecodeDocument(w, r, a.v.MaxWebsites())
	if err != nil {
		return err
	}
	app, err := a.svc.SaveDocument(r.Context(), account(r), r.PathValue("id"), *doc)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, applicationView(app, httpx.Lang(r)))
}

func (a *API) submit(w http.ResponseWriter, r *http.Request) error {
	app, err := a.svc.Submit(r.Context(), account(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, applicationView(app, httpx.Lang(r)))
}

func (a *API) withdraw(w http.ResponseWriter, r *http.Request) error {
	app, err := a.svc.Withdraw(r.Context(), account(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, applicationView(app, httpx.Lang(r)))
}
