package api

import (
	"net/http"
	"strconv"

	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/httpx"
	"beian/internal/service"
)

// Review endpoints (api.md "Review"): reviewers and admins. An applicant
// gets 404 not_found, as for any object not theirs, so nothing can be probed.

type queueItemJSON struct {
	ID          string   `json:"id"`
	Flow        string   `json:"flow"`
	State       string   `json:"state"`
	SubjectName string   `json:"subject_name"`
	Province    string   `json:"province"`
	Domains     []string `json:"domains"`
	SubmittedAt *string  `json:"submitted_at"`
	DueAt       *string  `json:"due_at"`
	Overdue     bool     `json:"overdue"`
}

func (a *API) reviewQueue(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := service.QueueFilter{State: q.Get("state"), Province: q.Get("province")}
	switch q.Get("overdue") {
	case "", "false", "0":
	case "true", "1":
		f.Overdue = true
	default:
		return fault.NewInvalid([]filing.Violation{fault.Violated("review.overdue.invalid", "overdue")})
	}
	if l := q.Get("limit"); l != "" {
		// a page: the reviewer's screen shows the first few dozen
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			return fault.NewInvalid([]filing.Violation{fault.Violated("review.limit.invalid", "limit")})
		}
		f.Limit = n
	}
	items, err := a.svc.ReviewQueue(r.Context(), account(r), f)
	if err != nil {
		return err
	}
	out := make([]queueItemJSON, 0, len(items))
	for _, it := range items {
		d := it.Domains
		if d == nil {
			d = []string{}
		}
		out = append(out, queueItemJSON{ID: it.ID, Flow: it.Flow, State: it.State, SubjectName: it.SubjectName, Province: it.Province,
			Domains: d, SubmittedAt: rfc3339(it.SubmittedAt), DueAt: rfc3339(it.DueAt), Overdue: it.Overdue})
	}
	return httpx.WriteJSON(w, http.StatusOK, struct {
		Items []queueItemJSON `json:"items"`
	}{out})
}

type verificationJSON struct {
	Method         string  `json:"method"`
	Office         any     `json:"office"`
	Date           string  `json:"date,omitempty"`
	TrackingNumber string  `json:"tracking_number,omitempty"`
	ChosenAt       *string `json:"chosen_at"`
	ReceivedAt     *string `json:"received_at"`
	Note           string  `json:"note,omitempty"`
}

func verificationView(v *service.Verification) *verificationJSON {
	if v == nil {
		return nil
	}
	out := &verificationJSON{Method: v.Method, Date: v.Date, TrackingNumber: v.TrackingNumber, ChosenAt: rfc3339(v.ChosenAt),
		ReceivedAt: rfc3339(v.ReceivedAt), Note: v.Note}
	if v.Office != nil {
		out.Office = officeView(*v.Office)
	}
	return out
}

type reviewJSON struct {
	applicationJSON
	ChangedFields []string          `json:"changed_fields"`
	Filed         *filing.Document  `json:"filed"` // a change's filed record, the before of changed_fields
	LastReasons   []filing.Reason   `json:"last_reasons"`
	Overdue       bool              `json:"overdue"`
	Verification  *verificationJSON `json:"verification"`
	Allowed       []string          `json:"allowed"`
}

func (a *API) reviewApplication(w http.ResponseWriter, r *http.Request) error {
	v, err := a.svc.ReviewApplication(r.Context(), account(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := reviewJSON{applicationJSON: applicationView(v.Application, httpx.Lang(r)), ChangedFields: v.ChangedFields, Filed: v.Filed,
		LastReasons: v.LastReasons, Overdue: v.Overdue, Verification: verificationView(v.Verification), Allowed: v.Allowed}
	if out.ChangedFields == nil {
		out.ChangedFields = []string{}
	}
	if out.LastReasons == nil {
		out.LastReasons = []filing.Reason{}
	}
	if out.Allowed == nil {
		out.Allowed = []string{}
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *API) reviewDecision(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Decision string          `json:"decision"`
		Reasons  []filing.Reason `json:"reasons"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	app, err := a.svc.Decide(r.Context(), account(r), r.PathValue("id"), service.DecisionInput{Decision: in.Decision, Reasons: in.Reasons})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, applicationView(app, httpx.Lang(r)))
}

// requestSupplement asks the applicant for a supplementary document.
func (a *API) requestSupplement(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Note string `json:"note"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	app, err := a.svc.RequestSupplement(r.Context(), account(r), r.PathValue("id"), in.Note)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, applicationView(app, httpx.Lang(r)))
}

// confirmHolder records the reviewer's confirmation of a website's
// declared domain holder and its proof.
func (a *API) confirmHolder(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Website *int `json:"website"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	website := -1 // absent: the service names the field
	if in.Website != nil {
		website = *in.Website
	}
	app, err := a.svc.ConfirmHolder(r.Context(), account(r), r.PathValue("id"), website)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, applicationView(app, httpx.Lang(r)))
}

func (a *API) materialsReceived(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Note string `json:"note"`
	}
	// The body is optional: no note, no body.
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	app, err := a.svc.MaterialsReceived(r.Context(), account(r), r.PathValue("id"), in.Note)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, applicationView(app, httpx.Lang(r)))
}

func (a *API) submitToBureau(w http.ResponseWriter, r *http.Request) error {
	app, err := a.svc.SubmitToBureau(r.Context(), account(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, applicationView(app, httpx.Lang(r)))
}

// lifecycleRoutes are the endpoints after submission: the applicant's
// verification and SMS confirmation, the review and the admin endpoints.
func (a *API) lifecycleRoutes() []route {
	return []route{
		{"GET /api/v1/applications/{id}/verification", false, a.getVerification},
		{"POST /api/v1/applications/{id}/verification", false, a.chooseVerification},
		{"POST /api/v1/applications/{id}/sms", false, a.confirmSMS},

		{"GET /api/v1/review/queue", false, a.reviewQueue},
		{"GET /api/v1/review/applications/{id}", false, a.reviewApplication},
		{"POST /api/v1/review/applications/{id}/decision", false, a.reviewDecision},
		{"POST /api/v1/review/applications/{id}/materials-received", false, a.materialsReceived},
		{"POST /api/v1/review/applications/{id}/submit-to-bureau", false, a.submitToBureau},
		{"POST /api/v1/review/applications/{id}/site-photo", false, a.sitePhoto},
		{"POST /api/v1/review/applications/{id}/supplements", false, a.requestSupplement},
		{"POST /api/v1/review/applications/{id}/holder-confirmations", false, a.confirmHolder},

		{"POST /api/v1/admin/users", false, a.createStaff},
		{"GET /api/v1/admin/users", false, a.listStaff},
		{"GET /api/v1/admin/outbox", false, a.outbox},
		{"GET /api/v1/admin/audit", false, a.audit},
		{"GET /api/v1/admin/bureau/applications", false, a.bureauQueue},
		{"POST /api/v1/admin/bureau/applications/{id}/decision", false, a.bureauDecision},
		{"POST /api/v1/admin/bureau/outcomes", false, a.bureauOutcomes},
	}
}
