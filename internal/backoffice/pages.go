package backoffice

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"beian/internal/bureau"
	"beian/internal/docview"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/httpx"
	"beian/internal/middleware"
	"beian/internal/refdata"
	"beian/internal/service"
	"beian/internal/words"
	"beian/internal/workflow"
)

// --- review queue ---

type queueData struct {
	Items     []service.QueueItem
	State     string
	Province  string
	Overdue   bool
	States    []string
	Provinces []refdata.Province
}

func (b *Backoffice) queue(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := &queueData{State: q.Get("state"), Province: q.Get("province"), Overdue: q.Get("overdue") == "1",
		States: service.ReviewStates, Provinces: refdata.Default().Provinces()}
	items, err := b.svc.ReviewQueue(r.Context(), middleware.Account(r), service.QueueFilter{State: d.State, Province: d.Province, Overdue: d.Overdue})
	if err != nil {
		return err
	}
	d.Items = items
	return b.render(w, http.StatusOK, "queue", b.newPage(r, "queue.title", "queue", d))
}

// --- application ---

type appData struct {
	V         *service.ReviewView
	Fields    []fieldOption
	Picks     []pickGroup // the catalogue's reasons on this document's fields
	Changed   map[string]bool
	Can       map[string]bool
	ReasonErr string
	Rows      []filing.Reason // the reason rows of the form (kept after a refused post)
	Decision  string
	Lang      string
}

// Label names a field path.
func (d *appData) Label(path string) string {
	switch path {
	case "":
		return ""
	case "sms":
		return tr(d.Lang, "app.sms")
	}
	return FieldLabel(d.Lang, path)
}

// Masked reports whether the field was changed since the last rejection (for highlighting).
func (d *appData) IsChanged(path string) bool { return d.Changed[path] }

// AttachmentName names an attachment kind.
func (d *appData) AttachmentName(kind string) string {
	if k, ok := service.Kind(kind); ok {
		return k.Name.In(d.Lang)
	}
	return kind
}

// Localize renders violations in the page's language.
func (d *appData) Violations() []filing.LocalizedViolation {
	return filing.Localize(d.V.Violations, d.Lang)
}

func (b *Backoffice) loadApp(r *http.Request, rows []filing.Reason, reasonErr, decision string) (*page, error) {
	acc := middleware.Account(r)
	v, err := b.svc.ReviewApplication(r.Context(), acc, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	p := b.newPage(r, "app.title", "queue", nil)
	d := &appData{V: v, Changed: map[string]bool{}, Can: map[string]bool{}, ReasonErr: reasonErr, Decision: decision, Lang: p.Lang}
	d.Fields = fieldOptions(p.Lang, v.Document)
	if len(v.Allowed) > 0 {
		catalogue, err := b.svc.RejectionReasons(r.Context(), acc)
		if err != nil {
			return nil, err
		}
		d.Picks = pickOptions(p.Lang, d.Fields, catalogue)
	}
	for _, f := range v.ChangedFields {
		d.Changed[f] = true
	}
	for _, ev := range v.Allowed {
		d.Can[ev] = true
	}
	d.Rows = rows
	for len(d.Rows) < 3 {
		d.Rows = append(d.Rows, filing.Reason{})
	}
	p.Data = d
	p.Title = v.Document.Subject.Name + " · " + p.Title
	return p, nil
}

func (b *Backoffice) application(w http.ResponseWriter, r *http.Request) error {
	p, err := b.loadApp(r, nil, "", "")
	if err != nil {
		return err
	}
	return b.render(w, http.StatusOK, "application", p)
}

// maxReasonRows bounds the reason rows one form may post.
const maxReasonRows = 20

// decision reads the reason rows: a common reason picked from the
// catalogue (its code and the field, "code|path") or a field and the
// reviewer's own words; words typed beside a picked reason replace its text.
func (b *Backoffice) decision(w http.ResponseWriter, r *http.Request) error {
	fields, picks, msgs := r.PostForm["reason_field"], r.PostForm["reason_pick"], r.PostForm["reason_message"]
	var rows []filing.Reason
	for i := range min(max(len(fields), len(picks)), maxReasonRows) {
		var rs filing.Reason
		if i < len(fields) {
			rs.Field = fields[i]
		}
		if i < len(picks) && picks[i] != "" {
			rs.Rule, rs.Field, _ = strings.Cut(picks[i], "|")
		}
		if i < len(msgs) {
			rs.Message = msgs[i]
		}
		if rs.Field == "" && rs.Rule == "" && rs.Message == "" {
			continue // an unused row
		}
		rows = append(rows, rs)
	}
	decision := r.PostFormValue("decision")
	in := service.DecisionInput{Decision: decision}
	if decision != "approve" {
		in.Reasons = rows
	}
	_, err := b.svc.Decide(r.Context(), middleware.Account(r), r.PathValue("id"), in)
	var he *fault.Error
	if errors.As(err, &he) && he.Kind == fault.Invalid {
		// Show the form again with what was typed and what is wrong.
		p, lerr := b.loadApp(r, rows, "", decision)
		if lerr != nil {
			return lerr
		}
		msg := he.Message.In(p.Lang)
		for _, v := range he.Violations {
			msg += tr(p.Lang, "staff.semicolon") + reasonRow(p.Lang, v.Field) + v.Message.In(p.Lang)
		}
		p.Data.(*appData).ReasonErr = msg
		return b.render(w, http.StatusUnprocessableEntity, "application", p)
	}
	if err != nil {
		return err
	}
	return done(w, r, "/review/applications/"+r.PathValue("id"), "decided")
}

func (b *Backoffice) materialsReceived(w http.ResponseWriter, r *http.Request) error {
	if _, err := b.svc.MaterialsReceived(r.Context(), middleware.Account(r), r.PathValue("id"), r.PostFormValue("note")); err != nil {
		return err
	}
	return done(w, r, "/review/applications/"+r.PathValue("id"), "received")
}

// requestSupplement asks the applicant for a supplementary document.
func (b *Backoffice) requestSupplement(w http.ResponseWriter, r *http.Request) error {
	if _, err := b.svc.RequestSupplement(r.Context(), middleware.Account(r), r.PathValue("id"), r.PostFormValue("note")); err != nil {
		return err
	}
	return done(w, r, "/review/applications/"+r.PathValue("id"), "supplement")
}

// confirmHolder confirms a website's declared domain holder on its proof.
func (b *Backoffice) confirmHolder(w http.ResponseWriter, r *http.Request) error {
	website, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("website")))
	if err != nil {
		website = -1 // the service names the field
	}
	if _, err := b.svc.ConfirmHolder(r.Context(), middleware.Account(r), r.PathValue("id"), website); err != nil {
		return err
	}
	return done(w, r, "/review/applications/"+r.PathValue("id"), "holder")
}

// RelationName names a declared holder's relation to the subject.
func (d *appData) RelationName(relation string) string { return words.Relation(d.Lang, relation) }

// sitePhoto stores the photo taken at the face-to-face signing.
func (b *Backoffice) sitePhoto(w http.ResponseWriter, r *http.Request) error {
	website, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("website")))
	if err != nil {
		website = -1 // the service names the field
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		return fault.NewInvalid([]filing.Violation{{Rule: "attachment.missing", Field: "file", Severity: filing.SeverityError,
			Message: filing.Text{ZH: "请选择要上传的 JPEG 文件", EN: "choose a JPEG file to upload"}}})
	}
	defer f.Close()
	if _, err := b.svc.StaffSitePhoto(r.Context(), middleware.Account(r), r.PathValue("id"), website, f); err != nil {
		return err
	}
	return done(w, r, "/review/applications/"+r.PathValue("id"), "sitephoto")
}

func (b *Backoffice) submitToBureau(w http.ResponseWriter, r *http.Request) error {
	if _, err := b.svc.SubmitToBureau(r.Context(), middleware.Account(r), r.PathValue("id")); err != nil {
		return err
	}
	return done(w, r, "/review/applications/"+r.PathValue("id"), "submitted")
}

func (b *Backoffice) attachment(w http.ResponseWriter, r *http.Request) error {
	acc := middleware.Account(r)
	rc, _, err := b.svc.OpenAttachment(r.Context(), acc, r.PathValue("id"), r.PathValue("aid"))
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Disposition", "inline")
	_, err = io.Copy(w, rc)
	return err
}

// --- admin ---

func (b *Backoffice) adminHome(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, "/admin/staff", http.StatusSeeOther)
	return nil
}

type staffData struct {
	Items []*service.Account
	Form  map[string]string
	Err   string
}

func (b *Backoffice) staff(w http.ResponseWriter, r *http.Request) error {
	return b.renderStaff(w, r, http.StatusOK, map[string]string{"role": service.RoleReviewer}, "")
}

func (b *Backoffice) renderStaff(w http.ResponseWriter, r *http.Request, status int, form map[string]string, msg string) error {
	list, err := b.svc.StaffAccounts(r.Context(), middleware.Account(r))
	if err != nil {
		return err
	}
	return b.render(w, status, "staff", b.newPage(r, "staff.title", "staff", &staffData{Items: list, Form: form, Err: msg}))
}

func (b *Backoffice) createStaff(w http.ResponseWriter, r *http.Request) error {
	form := map[string]string{"email": r.PostFormValue("email"), "name": r.PostFormValue("name"), "phone": r.PostFormValue("phone"),
		"role": r.PostFormValue("role")}
	_, err := b.svc.CreateStaff(r.Context(), middleware.Account(r), service.RegisterInput{Email: form["email"], Name: form["name"],
		Phone: form["phone"], Password: r.PostFormValue("password")}, form["role"])
	var he *fault.Error
	if errors.As(err, &he) && (he.Kind == fault.Invalid || he.Kind == fault.Conflict) {
		lang := httpx.PageLang(r)
		msg := he.Message.In(lang)
		for _, v := range he.Violations {
			msg += tr(lang, "staff.semicolon") + v.Message.In(lang)
		}
		return b.renderStaff(w, r, httpx.Status(he), form, msg)
	}
	if err != nil {
		return err
	}
	return done(w, r, "/admin/staff", "staff")
}

// staffAction disables, enables or sets a new password for one staff
// account; a refusal (one's own account, a weak password) is shown above
// the list.
func (b *Backoffice) staffAction(w http.ResponseWriter, r *http.Request) error {
	acc, id := middleware.Account(r), r.PathValue("id")
	var err error
	key := ""
	switch r.PathValue("action") {
	case "disable":
		err, key = b.svc.SetStaffDisabled(r.Context(), acc, id, true), "staff.disabled"
	case "enable":
		err, key = b.svc.SetStaffDisabled(r.Context(), acc, id, false), "staff.enabled"
	case "password":
		err, key = b.svc.ResetStaffPassword(r.Context(), acc, id, r.PostFormValue("password")), "staff.reset"
	default:
		return fault.NewNotFound()
	}
	var he *fault.Error
	if errors.As(err, &he) && he.Kind == fault.Invalid {
		lang := httpx.PageLang(r)
		msg := he.Message.In(lang)
		for _, v := range he.Violations {
			msg = v.Message.In(lang)
		}
		return b.renderStaff(w, r, httpx.Status(he), map[string]string{"role": service.RoleReviewer}, msg)
	}
	if err != nil {
		return err
	}
	return done(w, r, "/admin/staff", key)
}

type outboxData struct {
	Items   []service.OutboxItem
	Channel string
	To      string
}

func (b *Backoffice) outbox(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := &outboxData{Channel: q.Get("channel"), To: q.Get("to")}
	items, err := b.svc.Outbox(r.Context(), middleware.Account(r), service.OutboxQuery{Channel: d.Channel, To: d.To, Limit: 200})
	if err != nil {
		return err
	}
	d.Items = items
	return b.render(w, http.StatusOK, "outbox", b.newPage(r, "outbox.title", "outbox", d))
}

type auditData struct {
	Items  []*service.AuditEntry
	Object string
	Actor  string
	Names  map[string]string // account id → name
	Lang   string
}

// Who names the actor of an entry: the account's name and role.
func (d *auditData) Who(e *service.AuditEntry) string {
	role := tr(d.Lang, "role."+e.ActorRole)
	if n := d.Names[e.ActorID]; n != "" {
		return n + " · " + role
	}
	return role
}

// Action names what an entry records.
func (d *auditData) Action(e *service.AuditEntry) string {
	if words.Has("audit.do." + e.Action) {
		return tr(d.Lang, "audit.do."+e.Action)
	}
	return e.Action
}

// ObjectKind names the kind of object.
func (d *auditData) ObjectKind(e *service.AuditEntry) string {
	if words.Has("audit.on." + e.ObjectType) {
		return tr(d.Lang, "audit.on."+e.ObjectType)
	}
	return e.ObjectType
}

// Detail shows an entry's detail: a state change in state names.
func (d *auditData) Detail(e *service.AuditEntry) string {
	if from, to, ok := strings.Cut(e.Detail, "→"); ok && workflow.Valid(workflow.State(from)) && workflow.Valid(workflow.State(to)) {
		return words.State(d.Lang, from) + " → " + words.State(d.Lang, to)
	}
	if k, ok := service.Kind(e.Detail); ok {
		return k.Name.In(d.Lang)
	}
	for _, k := range []string{"detail." + e.Detail, "role." + e.Detail, "flow." + e.Detail} {
		if words.Has(k) && e.Detail != "" {
			return tr(d.Lang, k)
		}
	}
	return e.Detail
}

func (b *Backoffice) auditFilter(r *http.Request) service.AuditFilter {
	q := r.URL.Query()
	f := service.AuditFilter{ObjectID: q.Get("object_id"), ActorID: q.Get("actor"), Limit: 200}
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		f.Limit = min(n, 1000)
	}
	return f
}

func (b *Backoffice) audit(w http.ResponseWriter, r *http.Request) error {
	f := b.auditFilter(r)
	items, err := b.svc.AuditLog(r.Context(), middleware.Account(r), f)
	if err != nil {
		return err
	}
	var ids []string
	for _, e := range items {
		ids = append(ids, e.ActorID)
	}
	names, err := b.svc.AccountNames(r.Context(), middleware.Account(r), ids)
	if err != nil {
		return err
	}
	p := b.newPage(r, "audit.title", "audit", nil)
	p.Data = &auditData{Items: items, Object: f.ObjectID, Actor: f.ActorID, Names: names, Lang: p.Lang}
	return b.render(w, http.StatusOK, "audit", p)
}

func (b *Backoffice) auditCSV(w http.ResponseWriter, r *http.Request) error {
	f := b.auditFilter(r)
	if r.URL.Query().Get("limit") == "" {
		f.Limit = 1000
	}
	items, err := b.svc.AuditLog(r.Context(), middleware.Account(r), f)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"at", "actor_id", "actor_role", "action", "object_type", "object_id", "ip", "detail"})
	for _, e := range items {
		detail := e.Detail
		if detail != "" && (detail[0] == '=' || detail[0] == '+' || detail[0] == '-' || detail[0] == '@') {
			detail = "'" + detail // never a spreadsheet formula
		}
		_ = cw.Write([]string{e.At.UTC().Format(time.RFC3339), e.ActorID, e.ActorRole, e.Action, e.ObjectType, e.ObjectID, e.IP, detail})
	}
	cw.Flush()
	return cw.Error()
}

type bureauData struct {
	Mode  string
	Items []service.BureauItem
	Err   string
	// Imported are the lines of a CSV import just run (relay mode).
	Imported []service.OutcomeRow
}

// Relay says staff record the real bureau's outcomes here.
func (d *bureauData) Relay() bool { return d.Mode == bureau.ModeRelay }

func (b *Backoffice) bureau(w http.ResponseWriter, r *http.Request) error {
	return b.renderBureau(w, r, http.StatusOK, "", nil)
}

func (b *Backoffice) renderBureau(w http.ResponseWriter, r *http.Request, status int, msg string, imported []service.OutcomeRow) error {
	items, mode, err := b.svc.BureauUnderReview(r.Context(), middleware.Account(r))
	if err != nil {
		return err
	}
	title := "bureau.title"
	if mode == bureau.ModeRelay {
		title = "bureau.title.relay"
	}
	return b.render(w, status, "bureau", b.newPage(r, title, "bureau", &bureauData{Mode: mode, Items: items, Err: msg, Imported: imported}))
}

func (b *Backoffice) bureauDecision(w http.ResponseWriter, r *http.Request) error {
	_, err := b.svc.BureauDecide(r.Context(), middleware.Account(r), r.PathValue("id"), service.BureauDecisionInput{
		Decision: r.PostFormValue("decision"), Reason: r.PostFormValue("reason"),
		Numbers: bureau.Numbers{Subject: r.PostFormValue("subject_number"), Websites: r.PostForm["website_numbers"]}})
	var he *fault.Error
	if errors.As(err, &he) && (he.Kind == fault.Invalid || he.Kind == fault.Conflict || he.Kind == fault.Locked) {
		msg := he.Message.In(httpx.PageLang(r))
		for _, v := range he.Violations {
			msg += " " + v.Message.In(httpx.PageLang(r))
		}
		return b.renderBureau(w, r, httpx.Status(he), msg, nil)
	}
	if err != nil {
		return err
	}
	return done(w, r, "/admin/bureau", "bureau")
}

// bureauImport records a CSV batch of the real bureau's outcomes and shows
// what became of each line.
func (b *Backoffice) bureauImport(w http.ResponseWriter, r *http.Request) error {
	f, _, err := r.FormFile("file")
	if err != nil {
		return b.renderBureau(w, r, http.StatusUnprocessableEntity, tr(httpx.PageLang(r), "bureau.import.nofile"), nil)
	}
	defer f.Close()
	rows, err := b.svc.ImportBureauOutcomes(r.Context(), middleware.Account(r), f)
	var he *fault.Error
	if errors.As(err, &he) && !he.Ours() {
		msg := he.Message.In(httpx.PageLang(r))
		for _, v := range he.Violations {
			msg = v.Message.In(httpx.PageLang(r))
		}
		return b.renderBureau(w, r, httpx.Status(he), msg, nil)
	}
	if err != nil {
		return err
	}
	return b.renderBureau(w, r, http.StatusOK, "", rows)
}

// ImportError is a failed line's reason in the page's language.
func (p *page) ImportError(row service.OutcomeRow) string {
	if row.Err == nil {
		return ""
	}
	msg := row.Err.Message.In(p.Lang)
	for _, v := range row.Err.Violations {
		msg += " " + v.Message.In(p.Lang)
	}
	return msg
}

// docSection is one part of the document (the subject, a website) with
// the attachments that prove it, shown beside its fields.
type docSection struct {
	Title       string
	Rows        []docRow
	Attachments []attachmentView
}

type attachmentView struct {
	service.Attachment
	Name    string
	Changed bool // uploaded since the last rejection
}

// Sections are the document's parts with their fields and attachments.
func (d *appData) Sections() []docSection {
	var before map[string][]string
	if d.V.Before != nil {
		before = docview.Flatten(*d.V.Before)
	}
	var out []docSection
	for _, r := range documentRows(d.Lang, d.V.Document, d.Changed) {
		if r.Section != "" || len(out) == 0 {
			out = append(out, docSection{Title: r.Section})
		}
		if r.Changed && before != nil {
			r.Before = refdata.Default().ValueNames(d.Lang, docview.Leaf(r.Path), before[r.Path])
		}
		out[len(out)-1].Rows = append(out[len(out)-1].Rows, r)
	}
	changed := map[string]bool{}
	for _, id := range d.V.ChangedAttachments {
		changed[id] = true
	}
	for _, at := range d.V.Attachments {
		i := 0 // subject-level kinds beside the subject
		if at.Website >= 0 {
			i = at.Website + 1
		}
		if i < len(out) {
			out[i].Attachments = append(out[i].Attachments, attachmentView{Attachment: at, Name: d.AttachmentName(at.Kind), Changed: changed[at.ID]})
		}
	}
	return out
}

// pickGroup is the common reasons offered on one field of the document.
type pickGroup struct {
	Field   string // the field's label
	Options []pickOption
}

type pickOption struct {
	Value string // code|path
	Label string
}

// pickOptions offers each catalogue entry on every field of the document
// it is about (each website's for an open index).
func pickOptions(lang string, fields []fieldOption, catalogue []service.RejectionReason) []pickGroup {
	var out []pickGroup
	for _, f := range fields {
		g := pickGroup{Field: f.Label}
		for _, e := range catalogue {
			if e.Matches(f.Path) {
				g.Options = append(g.Options, pickOption{Value: e.Code + "|" + f.Path, Label: e.Text.In(lang)})
			}
		}
		if len(g.Options) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// Picked is the value of a row's common reason, if it has one.
func (d *appData) Picked(row filing.Reason) string {
	if row.Rule == "" {
		return ""
	}
	return row.Rule + "|" + row.Field
}

// reasonRow names the row a violation of a decision is about: "原因 2 · ".
func reasonRow(lang, field string) string {
	var i int
	if _, err := fmt.Sscanf(field, "reasons[%d]", &i); err != nil {
		return ""
	}
	return tr(lang, "app.reason.row", i+1) + tr(lang, "colon")
}
