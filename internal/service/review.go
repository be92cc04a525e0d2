package service

// The reviewer's side (api.md "Review"): the queue with due times on
// working days, the application view with the fields changed since the
// last rejection, decisions with field-level reasons, materials received.
// Every method is for staff: an applicant gets 404, as for any object not
// theirs, so the review endpoints cannot be probed.

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/notify"
	"beian/internal/storage"
	"beian/internal/workflow"
)

// ReviewStates are the states where the provider acts next, the queue's default.
var ReviewStates = []string{string(workflow.InitialReview), string(workflow.Verification),
	string(workflow.MaterialReview), string(workflow.ReadyForBureau)}

// loadStaff reads any application for a reviewer or admin; 404 for everyone else.
func (s *Service) loadStaff(ctx context.Context, a *Account, id string) (*storage.Application, error) {
	if a == nil {
		return nil, fault.NewUnauthorized()
	}
	if !a.IsStaff() {
		return nil, notFound()
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, notFound()
	}
	sa, err := s.st.Application(ctx, id)
	if err != nil {
		return nil, storeErr(err)
	}
	return sa, nil
}

// loadStaffAction reads an application a staff member is about to act on
// (review, verify, submit to the bureau, decide for it): never one their
// own account owns (workflow.md "Notifications", last paragraph: 403
// review.own_application), so nobody approves their own filing.
func (s *Service) loadStaffAction(ctx context.Context, a *Account, id string) (*storage.Application, error) {
	sa, err := s.loadStaff(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if sa.OwnerID == a.ID {
		return nil, fault.Words(fault.Forbidden, "review.own_application", "error.review.own_application")
	}
	return sa, nil
}

// QueueFilter narrows the review queue.
type QueueFilter struct {
	State    string // one state; empty: every state of ReviewStates
	Province string // province code
	Overdue  bool   // only overdue tasks
	Limit    int    // a page of at most this many (1–1000); 0: 1000
}

// QueueItem is one line of the review queue.
type QueueItem struct {
	ID, Flow, State, Province, SubjectName string
	Domains                                []string
	SubmittedAt, DueAt                     time.Time
	Overdue                                bool
}

// ReviewQueue lists the applications waiting on the provider, oldest due
// first: due times are counted in working days (initial review 2, material
// review 1.5) and a task past its due time is overdue.
func (s *Service) ReviewQueue(ctx context.Context, a *Account, f QueueFilter) ([]QueueItem, error) {
	if a == nil {
		return nil, fault.NewUnauthorized()
	}
	if !a.IsStaff() {
		return nil, notFound()
	}
	states := ReviewStates
	if f.State != "" {
		if !workflow.Valid(workflow.State(f.State)) || !workflow.Open(workflow.State(f.State)) {
			return nil, fault.NewInvalid([]filing.Violation{fault.Violated("review.state.invalid", "state")})
		}
		states = []string{f.State}
	}
	if f.Province != "" {
		if _, ok := s.ref.Province(f.Province); !ok {
			return nil, fault.NewInvalid([]filing.Violation{fault.Violated("review.province.invalid", "province")})
		}
	}
	limit := 1000
	if f.Limit > 0 && f.Limit < limit {
		limit = f.Limit
	}
	rows, err := s.st.ReviewQueue(ctx, storage.QueueFilter{States: states, Province: f.Province, Limit: limit})
	if err != nil {
		return nil, storeErr(err)
	}
	now := s.now()
	out := make([]QueueItem, 0, len(rows))
	for _, r := range rows {
		it := QueueItem{ID: r.ID, Flow: r.Flow, State: r.State, Province: r.Province, SubjectName: r.SubjectName, Domains: r.Domains,
			SubmittedAt: r.SubmittedAt, DueAt: r.DueAt, Overdue: workflow.Overdue(r.DueAt, now)}
		if f.Overdue && !it.Overdue {
			continue
		}
		out = append(out, it)
	}
	return out, nil
}

// ReviewView is an application as a reviewer sees it.
type ReviewView struct {
	*Application
	// ChangedFields are the document's field paths that differ from the
	// document at the last rejection — for a change never rejected, from
	// the record it changes — and the attachments uploaded since
	// (attachments.<kind>[website]).
	ChangedFields []string
	// LastReasons are the reasons of the last rejection, shown beside the changes.
	LastReasons []filing.Reason
	// Before is the document the last rejection judged, or the record a
	// change changes (nil otherwise), for showing a changed field's earlier
	// value.
	Before *filing.Document
	// ChangedAttachments are the attachments uploaded since the last
	// rejection or refusal of materials: replacements to look at again.
	ChangedAttachments []string
	Overdue            bool
	Verification       *Verification
	// Allowed are the events the viewer may cause now: none on an
	// application of the viewer's own account (Own).
	Allowed []string
	Own     bool
}

// ReviewApplication returns any application to staff, with the fields
// changed since the last rejection; the read is audited (GetApplication).
func (s *Service) ReviewApplication(ctx context.Context, a *Account, id string) (*ReviewView, error) {
	if _, err := s.loadStaff(ctx, a, id); err != nil {
		return nil, err
	}
	app, err := s.GetApplication(ctx, a, id)
	if err != nil {
		return nil, err
	}
	v := &ReviewView{Application: app, Overdue: workflow.Overdue(app.DueAt, s.now()), Own: app.OwnerID == a.ID}
	if !v.Own { // nobody acts on their own application (loadStaffAction)
		for _, ev := range workflow.Allowed(workflow.State(app.State), actorOf(a)) {
			v.Allowed = append(v.Allowed, string(ev))
		}
	}
	hist, err := s.st.Transitions(ctx, id)
	if err != nil {
		return nil, storeErr(err)
	}
	if before, reasons, ok, err := s.documentAtRejection(hist); err != nil {
		return nil, err
	} else if ok {
		v.LastReasons, v.Before = reasons, &before
		v.ChangedFields, err = ChangedFields(before, app.Document)
		if err != nil {
			return nil, err
		}
	}
	rejected := false
	for i := len(hist) - 1; i >= 0; i-- {
		if rejectedBy(hist[i].Event) {
			rejected = true
			for _, at := range app.Attachments {
				if at.CreatedAt.After(hist[i].At) {
					v.ChangedAttachments = append(v.ChangedAttachments, at.ID)
				}
			}
			break
		}
	}
	if v.Before == nil && !rejected && app.Filed != nil {
		// A change before any rejection: against the record it changes.
		// Every attachment of a change is new beside the filed documents.
		v.Before = app.Filed
		if v.ChangedFields, err = ChangedFields(*app.Filed, app.Document); err != nil {
			return nil, err
		}
		for _, at := range app.Attachments {
			v.ChangedAttachments = append(v.ChangedAttachments, at.ID)
		}
	}
	// A replaced attachment is a changed field too, named as rejection
	// reasons name attachments (attachments.site_photo[0]).
	for _, id := range v.ChangedAttachments {
		for _, at := range app.Attachments {
			if at.ID != id {
				continue
			}
			f := "attachments." + at.Kind
			if at.Website >= 0 {
				f = fmt.Sprintf("%s[%d]", f, at.Website)
			}
			if !slices.Contains(v.ChangedFields, f) {
				v.ChangedFields = append(v.ChangedFields, f)
			}
		}
	}
	if v.Verification, err = s.verification(ctx, id); err != nil {
		return nil, err
	}
	for i := range v.Holders {
		h := &v.Holders[i]
		h.MayConfirm = !v.Own && app.State == string(workflow.InitialReview) && !h.Confirmed && len(h.Proof) > 0
	}
	return v, nil
}

// documentAtRejection finds the last rejection and the document it judged:
// the snapshot kept with it, else the one kept with the submission before it.
func (s *Service) documentAtRejection(hist []*storage.Transition) (filing.Document, []filing.Reason, bool, error) {
	var doc filing.Document
	for i := len(hist) - 1; i >= 0; i-- {
		tr := hist[i]
		if tr.To != string(workflow.InitialRejected) && tr.To != string(workflow.BureauRejected) {
			continue
		}
		for j := i; j >= 0; j-- {
			if hist[j].Document != "" {
				if err := s.openJSON(hist[j].Document, &doc); err != nil {
					return doc, nil, false, fmt.Errorf("document at rejection: %w", err)
				}
				return doc, tr.Reasons, true, nil
			}
		}
		return doc, tr.Reasons, false, nil
	}
	return doc, nil, false, nil
}

// ChangedFields lists the field paths (subject.leader.mobile,
// websites[0].name, websites[1] for a website added or removed) whose
// values differ between two documents, in document order. Lists of plain
// values (content_types, ips) count as one field.
func ChangedFields(before, after filing.Document) ([]string, error) {
	before.AsOf, after.AsOf = "", ""
	a, err := asTree(before)
	if err != nil {
		return nil, err
	}
	b, err := asTree(after)
	if err != nil {
		return nil, err
	}
	var out []string
	diffTree(a, b, "", &out)
	return out, nil
}

func asTree(d filing.Document) (any, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	var v any
	return v, json.Unmarshal(raw, &v)
}

func joinPath(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func diffTree(a, b any, path string, out *[]string) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := make([]string, 0, len(am)+len(bm))
		for k := range am {
			keys = append(keys, k)
		}
		for k := range bm {
			if _, ok := am[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Slice(keys, func(i, j int) bool {
			return fieldOrder(keys[i]) < fieldOrder(keys[j]) || (fieldOrder(keys[i]) == fieldOrder(keys[j]) && keys[i] < keys[j])
		})
		for _, k := range keys {
			diffTree(am[k], bm[k], joinPath(path, k), out)
		}
		return
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok && (hasObject(al) || hasObject(bl)) {
		for i := range max(len(al), len(bl)) {
			p := fmt.Sprintf("%s[%d]", path, i)
			if i >= len(al) || i >= len(bl) {
				*out = append(*out, p)
				continue
			}
			diffTree(al[i], bl[i], p, out)
		}
		return
	}
	if !sameJSON(a, b) {
		*out = append(*out, path)
	}
}

// fieldOrder keeps model.md's order for the fields a reviewer reads first.
func fieldOrder(k string) int {
	order := []string{"flow", "subject", "websites", "province", "city", "county", "nature", "cert_type", "cert_number", "name",
		"domain", "homepage_url", "cert_address", "mailing_address", "investor", "leader", "emergency_phone"}
	if i := slices.Index(order, k); i >= 0 {
		return i
	}
	return len(order)
}

func hasObject(l []any) bool {
	for _, v := range l {
		if _, ok := v.(map[string]any); ok {
			return true
		}
	}
	return false
}

func sameJSON(a, b any) bool {
	// null, "" and [] all mean "not filled in".
	empty := func(v any) bool {
		switch x := v.(type) {
		case nil:
			return true
		case string:
			return x == ""
		case []any:
			return len(x) == 0
		}
		return false
	}
	if empty(a) && empty(b) {
		return true
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// DecisionInput is a reviewer's decision.
type DecisionInput struct {
	Decision string          // approve | reject | reject_materials
	Reasons  []filing.Reason // at least one to reject
}

var decisionEvents = map[string]workflow.Event{
	"approve":          workflow.Approve,
	"reject":           workflow.Reject,
	"reject_materials": workflow.RejectMaterials,
}

// fieldPathRE is a document field path (subject.leader.mobile, websites[0].name)
// or an attachment (attachments.site_photo[0]).
var fieldPathRE = regexp.MustCompile(`^[a-z_]+(\[[0-9]{1,2}\])?(\.[a-z_]+(\[[0-9]{1,2}\])?){0,3}$`)

// maxReasons bounds the reasons of one decision.
const maxReasons = 100

// checkReasons trims the reasons and lists what is wrong with them.
func checkReasons(rs []filing.Reason) ([]filing.Reason, []filing.Violation) {
	var out []filing.Reason
	var vs []filing.Violation
	for i, r := range rs {
		r.Field, r.Rule, r.Message, r.MessageEN = strings.TrimSpace(r.Field), strings.TrimSpace(r.Rule), strings.TrimSpace(r.Message), strings.TrimSpace(r.MessageEN)
		at := fmt.Sprintf("reasons[%d]", i)
		if r.Field == "" || !fieldPathRE.MatchString(r.Field) {
			vs = append(vs, fault.Violation("review.reason.field", at+".field", "rule.review.reason.field.missing"))
		}
		if r.Rule != "" && (len(r.Rule) > 80 || strings.ContainsAny(r.Rule, " \t\r\n")) {
			vs = append(vs, fault.Violated("review.reason.rule", at+".rule"))
		}
		if r.Message == "" || utf8.RuneCountInString(r.Message) > 1000 || utf8.RuneCountInString(r.MessageEN) > 1000 {
			vs = append(vs, fault.Violated("review.reason.message", at+".message"))
		}
		out = append(out, r)
	}
	return out, vs
}

// Decide records a reviewer's decision on an application in initial or
// material review: approve moves it on (verification or ready_for_bureau),
// reject sends it back to the applicant with field-level reasons (at least
// one: 422 otherwise), reject_materials back to verification.
func (s *Service) Decide(ctx context.Context, a *Account, id string, in DecisionInput) (*Application, error) {
	sa, err := s.loadStaffAction(ctx, a, id)
	if err != nil {
		return nil, err
	}
	ev, ok := decisionEvents[strings.TrimSpace(in.Decision)]
	if !ok {
		return nil, fault.NewInvalid([]filing.Violation{fault.Violated("review.decision.invalid", "decision")})
	}
	// A rejection names fields of one document: a few dozen at most.
	if len(in.Reasons) > maxReasons {
		return nil, fault.NewBounds([]filing.Violation{filing.ListViolation("reasons", maxReasons)})
	}
	picked, wrong, err := s.fromCatalogue(ctx, in.Reasons)
	if err != nil {
		return nil, storeErr(err)
	}
	reasons, bad := checkReasons(picked)
	bad = append(bad, wrong...)
	err = s.st.Tx(ctx, func(tx *storage.Tx) error {
		cur, err := tx.ApplicationForUpdate(ctx, sa.ID)
		if err != nil {
			return err
		}
		// 409 before 422: an impossible decision is refused as such.
		from := workflow.State(cur.State)
		if _, err := workflow.Apply(cur.Flow, from, ev, actorOf(a)); err != nil {
			return invalidTransition(err)
		}
		if workflow.RequiresReasons(ev) && len(reasons) == 0 {
			e := fault.NewInvalid([]filing.Violation{fault.Violated("review.reasons.required", "reasons")})
			e.Code = "review.reasons_required"
			return e
		}
		if len(bad) > 0 {
			return fault.NewInvalid(bad)
		}
		if !workflow.RequiresReasons(ev) {
			reasons = nil // an approval carries no reasons
		}
		if ev == workflow.Approve { // supplements.go: no review passes over a standing request
			if err := s.supplementsAnswered(ctx, tx, cur); err != nil {
				return err
			}
		}
		if ev == workflow.Approve && from == workflow.InitialReview {
			if err := s.holdersConfirmed(ctx, tx, cur); err != nil { // holders.go
				return err
			}
		}
		if ev == workflow.Approve && from == workflow.MaterialReview {
			if err := s.sitePhotosOnFile(ctx, tx, cur); err != nil { // verification.go
				return err
			}
		}
		needs, err := s.needsVerification(ctx, cur)
		if err != nil {
			return err
		}
		to, err := s.apply(ctx, tx, cur, move{ev: ev, actor: actorOf(a), actorID: a.ID, reasons: reasons,
			snapshot: ev == workflow.Reject, opts: []workflow.Option{workflow.WithVerification(needs)}})
		if err != nil {
			return err
		}
		sa = cur
		switch {
		case ev == workflow.Approve && to == workflow.Verification:
			return s.notifyOwner(ctx, tx, cur, notify.TplInitialApproved, notify.Data{URL: "/applications/" + cur.ID})
		case ev == workflow.Reject:
			stage := "initial"
			if from == workflow.MaterialReview {
				stage = "material"
			}
			return s.notifyOwner(ctx, tx, cur, notify.TplRejected, notify.Data{Stage: stage, Reasons: reasons})
		case ev == workflow.RejectMaterials:
			if err := tx.ClearVerificationReceipt(ctx, cur.ID); err != nil {
				return err
			}
			return s.notifyOwner(ctx, tx, cur, notify.TplRejected, notify.Data{Stage: "materials", Reasons: reasons})
		}
		return nil
	})
	if err != nil {
		return nil, storeErr(err)
	}
	s.poke()
	return s.view(ctx, a, sa)
}

// needsVerification applies workflow.NeedsVerification with the oldest
// verification form on file.
func (s *Service) needsVerification(ctx context.Context, sa *storage.Application) (bool, error) {
	atts, err := s.st.Attachments(ctx, sa.ID)
	if err != nil {
		return false, err
	}
	return s.verificationNeeded(sa, atts), nil
}

// verificationNeeded is needsVerification with the attachments at hand.
func (s *Service) verificationNeeded(sa *storage.Application, atts []*storage.Attachment) bool {
	var oldest time.Time
	for _, at := range atts {
		if at.Kind != KindVerificationForm || at.SignedOn == "" {
			continue
		}
		d, err := time.Parse(time.DateOnly, at.SignedOn)
		if err == nil && (oldest.IsZero() || d.Before(oldest)) {
			oldest = d
		}
	}
	// A subject change carries no website, so no verification form
	// (model.md): there is no form to be outdated and no signing to repeat.
	if sa.Flow == filing.FlowChangeSubject && oldest.IsZero() {
		return false
	}
	submitted := sa.SubmittedAt
	if submitted.IsZero() {
		submitted = s.now()
	}
	return workflow.NeedsVerification(sa.Flow, oldest, submitted)
}

// MaterialsReceived records that the mailed originals arrived or the
// face-to-face signing took place: material_review, due 1.5 working days
// after now.
func (s *Service) MaterialsReceived(ctx context.Context, a *Account, id, note string) (*Application, error) {
	sa, err := s.loadStaffAction(ctx, a, id)
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 {
		return nil, fault.NewInvalid([]filing.Violation{fault.Violated("review.note.too_long", "note")})
	}
	err = s.st.Tx(ctx, func(tx *storage.Tx) error {
		cur, err := tx.ApplicationForUpdate(ctx, sa.ID)
		if err != nil {
			return err
		}
		if _, err := s.apply(ctx, tx, cur, move{ev: workflow.MaterialsReceived, actor: actorOf(a), actorID: a.ID}); err != nil {
			return err
		}
		if err := tx.MarkVerificationReceived(ctx, cur.ID, a.ID, note, s.now()); err != nil {
			return err
		}
		sa = cur
		return s.notifyOwner(ctx, tx, cur, notify.TplMaterialsReceived, notify.Data{DueAt: formatDue(cur.DueAt)})
	})
	if err != nil {
		return nil, storeErr(err)
	}
	s.poke()
	return s.view(ctx, a, sa)
}

// errForbidden is the answer to staff acting beyond their role.
func errForbidden() error { return fault.NewForbidden() }

// requireAdmin: applicants get 404 (nothing to probe), reviewers 403.
func requireAdmin(a *Account) error {
	if a == nil {
		return fault.NewUnauthorized()
	}
	if !a.IsStaff() {
		return notFound()
	}
	if a.Role != RoleAdmin {
		return errForbidden()
	}
	return nil
}
