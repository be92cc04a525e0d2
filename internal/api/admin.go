package api

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"beian/internal/bureau"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/httpx"
	"beian/internal/pii"
	"beian/internal/service"
)

// Admin endpoints (api.md "Admin"). An applicant gets 404 not_found (no
// probing), a reviewer 403 forbidden (the role does not allow it).

func (a *API) createStaff(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email    string `json:"email"`
		Phone    string `json:"phone"`
		Password string `json:"password"`
		Name     string `json:"name"`
		Role     string `json:"role"`
		Lang     string `json:"lang"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	acc := account(r)
	if !acc.IsStaff() {
		return fault.NewNotFound()
	}
	created, err := a.svc.CreateStaff(r.Context(), acc, service.RegisterInput{Email: in.Email, Phone: in.Phone, Password: in.Password,
		Name: in.Name, Lang: in.Lang}, in.Role)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, accountView(created))
}

func (a *API) listStaff(w http.ResponseWriter, r *http.Request) error {
	list, err := a.svc.StaffAccounts(r.Context(), account(r))
	if err != nil {
		return err
	}
	out := make([]accountJSON, 0, len(list))
	for _, s := range list {
		v := accountView(s)
		v.Phone = pii.MaskMobile(v.Phone) // a list: only the owner sees the number in full
		out = append(out, v)
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
}

func limitParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		return 0, fault.NewInvalid([]filing.Violation{fault.Violated("limit.invalid", "limit")})
	}
	return n, nil
}

type outboxJSON struct {
	ID      string  `json:"id"`
	Channel string  `json:"channel"`
	To      string  `json:"to"`
	Subject string  `json:"subject"`
	Body    string  `json:"body"`
	Lang    string  `json:"lang"`
	SentAt  *string `json:"sent_at"`
}

// outbox lists stored messages, newest first; recipients are masked, the
// to filter takes the full address or mobile.
func (a *API) outbox(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	items, err := a.svc.Outbox(r.Context(), account(r), service.OutboxQuery{To: q.Get("to"), Channel: q.Get("channel"), Limit: limit})
	if err != nil {
		return err
	}
	out := make([]outboxJSON, 0, len(items))
	for _, m := range items {
		out = append(out, outboxJSON{ID: m.ID, Channel: m.Channel, To: m.To, Subject: m.Subject, Body: m.Body, Lang: m.Lang, SentAt: rfc3339(m.SentAt)})
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
}

type auditJSON struct {
	ID         string  `json:"id"`
	At         *string `json:"at"`
	ActorID    string  `json:"actor_id"`
	ActorRole  string  `json:"actor_role"`
	Action     string  `json:"action"`
	ObjectType string  `json:"object_type"`
	ObjectID   string  `json:"object_id"`
	IP         string  `json:"ip"`
	Detail     string  `json:"detail"`
}

// audit lists the audit log newest first; ?format=csv exports it.
func (a *API) audit(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := service.AuditFilter{ActorID: q.Get("actor"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"), Limit: limit}
	if b := q.Get("before"); b != "" {
		t, err := time.Parse(time.RFC3339, b)
		if err != nil {
			return fault.NewInvalid([]filing.Violation{fault.Violated("before.invalid", "before")})
		}
		f.Before = t
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		return fault.NewInvalid([]filing.Violation{fault.Violated("format.invalid", "format")})
	}
	list, err := a.svc.AuditLog(r.Context(), account(r), f)
	if err != nil {
		return err
	}
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="audit.csv"`)
		return WriteAuditCSV(w, list)
	}
	out := make([]auditJSON, 0, len(list))
	for _, e := range list {
		out = append(out, auditJSON{ID: e.ID, At: rfc3339(e.At), ActorID: e.ActorID, ActorRole: e.ActorRole, Action: e.Action,
			ObjectType: e.ObjectType, ObjectID: e.ObjectID, IP: e.IP, Detail: e.Detail})
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
}

// WriteAuditCSV writes audit entries as CSV with a header row (shared with the back office).
func WriteAuditCSV(w http.ResponseWriter, list []*service.AuditEntry) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"at", "actor_id", "actor_role", "action", "object_type", "object_id", "ip", "detail"})
	for _, e := range list {
		_ = cw.Write([]string{e.At.UTC().Format(time.RFC3339), e.ActorID, e.ActorRole, e.Action, e.ObjectType, e.ObjectID, e.IP, csvSafe(e.Detail)})
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses a cell a spreadsheet would run as a formula.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}

type underReviewJSON struct {
	ApplicationID string   `json:"application_id"`
	Flow          string   `json:"flow"`
	Province      string   `json:"province"`
	SubjectName   string   `json:"subject_name"`
	Domains       []string `json:"domains"`
	ReviewSince   *string  `json:"review_since"`
	DecideAt      *string  `json:"decide_at"`
}

func (a *API) bureauQueue(w http.ResponseWriter, r *http.Request) error {
	list, mode, err := a.svc.BureauUnderReview(r.Context(), account(r))
	if err != nil {
		return err
	}
	out := make([]underReviewJSON, 0, len(list))
	for _, u := range list {
		out = append(out, underReviewJSON{ApplicationID: u.ApplicationID, Flow: u.Flow, Province: u.Province, SubjectName: u.SubjectName,
			Domains: u.Domains, ReviewSince: rfc3339(u.ReviewSince), DecideAt: rfc3339(u.DecideAt)})
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"mode": mode, "items": out})
}

func (a *API) bureauDecision(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
		Numbers  struct {
			Subject  string   `json:"subject"`
			Websites []string `json:"websites"`
		} `json:"numbers"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	app, err := a.svc.BureauDecide(r.Context(), account(r), r.PathValue("id"), service.BureauDecisionInput{Decision: in.Decision,
		Reason: in.Reason, Numbers: bureau.Numbers{Subject: in.Numbers.Subject, Websites: in.Numbers.Websites}})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, applicationView(app, httpx.Lang(r)))
}

type outcomeRowJSON struct {
	Line          int            `json:"line"`
	ApplicationID string         `json:"application_id"`
	Decision      string         `json:"decision"`
	Recorded      bool           `json:"recorded"`
	State         string         `json:"state,omitempty"`
	Error         map[string]any `json:"error,omitempty"`
}

// bureauOutcomes imports a CSV batch of the real bureau's outcomes (relay
// mode): the body is the file (text/csv). Each line is answered on its own.
func (a *API) bureauOutcomes(w http.ResponseWriter, r *http.Request) error {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "text/csv") && !strings.HasPrefix(strings.ToLower(ct), "text/plain") {
		if acc := account(r); !acc.IsStaff() {
			return fault.NewNotFound()
		}
		return fault.Words(fault.Unsupported, fault.CodeUnsupportedMedia, "error.unsupported_media.send_file_text")
	}
	rows, err := a.svc.ImportBureauOutcomes(r.Context(), account(r), http.MaxBytesReader(w, r.Body, 2<<20))
	if err != nil {
		return err
	}
	lang := httpx.Lang(r)
	out := make([]outcomeRowJSON, 0, len(rows))
	recorded := 0
	for _, row := range rows {
		j := outcomeRowJSON{Line: row.Line, ApplicationID: row.ApplicationID, Decision: row.Decision, Recorded: row.Err == nil, State: row.State}
		if row.Err != nil {
			j.Error = map[string]any{"code": row.Err.Code, "message": row.Err.Message.In(lang)}
			if len(row.Err.Violations) > 0 {
				j.Error["violations"] = filing.Localize(row.Err.Violations, lang)
			}
		} else {
			recorded++
		}
		out = append(out, j)
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"recorded": recorded, "failed": len(rows) - recorded, "items": out})
}
