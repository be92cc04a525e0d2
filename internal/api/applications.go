package api

import (
	"net/http"

	"beian/internal/filing"
	"beian/internal/httpx"
	"beian/internal/service"
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
	SubmittedAt *string                     `json:"submitted_at"`
	CreatedAt   *string                     `json:"created_at"`
	UpdatedAt   *string                     `json:"updated_at"`
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

type numbersJSON struct {
	Subject  string   `json:"subject"`
	Websites []string `json:"websites"`
}

func applicationView(app *service.Application, lang string) applicationJSON {
	out := applicationJSON{ID: app.ID, Flow: app.Flow, State: app.State, Province: app.Province, Document: app.Document,
		Violations: filing.Localize(app.Violations, lang), Attachments: []attachmentJSON{}, History: []transitionJSON{},
		SMS: []smsJSON{}, DueAt: rfc3339(app.DueAt), Rejection: app.Rejection, Record: app.RecordNumber,
		SubmittedAt: rfc3339(app.SubmittedAt), CreatedAt: rfc3339(app.CreatedAt), UpdatedAt: rfc3339(app.UpdatedAt)}
	if out.Document.Websites == nil {
		out.Document.Websites = []filing.Website{}
	}
	if out.Rejection == nil {
		out.Rejection = []filing.Reason{}
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
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"flow": res.Flow, "subject": res.Subject, "website": res.Website})
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
