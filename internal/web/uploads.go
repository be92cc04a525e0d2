package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"

	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/httpx"
	"beian/internal/service"
	"beian/internal/words"
)

// uploadsPage is 上传资料: one upload form per required kind (per website
// where the kind is per website), with what is already there.
type uploadsPage struct {
	appPage
	Groups []uploadGroup
	// MaxBytes is the largest file the provider takes: a larger one is
	// refused in the page before it is sent (app.js), and by the service.
	MaxBytes int64
}

// MaxSize is MaxBytes for people: "10 MB".
func (p *uploadsPage) MaxSize() string { return sizeText(p.MaxBytes) }

// sizeText shows a byte count in KB or MB.
func sizeText(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', -1, 64) + " MB"
	}
	return strconv.FormatInt((n+1023)/1024, 10) + " KB"
}

type uploadGroup struct {
	Title   string
	Slots   []uploadSlot
	website int
}

type uploadSlot struct {
	Kind        string
	Website     int
	Label, Hint string
	Required    bool
	Missing     bool
	NeedsDate   bool
	Mergeable   bool // an ID card: front and back may come as two photos
	Single      bool // a new upload replaces the one there
	CanUpload   bool // the application takes this kind now
	PrintURL    string
	PrintKey    string // the print link's words: the verification form or the security letter
	// Sample is a picture of what a good upload looks like; Requirements
	// list what the reviewer checks (the backdrop photo's above all).
	Sample       string
	Requirements []string
	Error        string
	Attachments  []service.Attachment
}

// slotsFor renders the service's attachment plan: the application's own
// slots first, then one group per website.
func slotsFor(lang string, app *service.Application) []uploadGroup {
	var groups []uploadGroup
	group := func(website int) *uploadGroup {
		title := tr(lang, "uploads.subjectlevel")
		if website >= 0 {
			t := ""
			if website < len(app.Document.Websites) {
				t = app.Document.Websites[website].Domain
			}
			if t == "" {
				t = tr(lang, "website.n", website+1)
			}
			title = tr(lang, "uploads.websitelevel", t)
		}
		if n := len(groups); n > 0 && groups[n-1].website == website {
			return &groups[n-1]
		}
		groups = append(groups, uploadGroup{Title: title, website: website})
		return &groups[len(groups)-1]
	}
	for _, sl := range app.Plan {
		s := uploadSlot{Kind: sl.Kind, Website: sl.Website, Label: tr(lang, "kind."+sl.Kind), Required: sl.Required,
			Missing: sl.Missing != nil, NeedsDate: sl.NeedsDate, CanUpload: sl.MayUpload, Attachments: sl.Present,
			Mergeable: sl.Kind == service.KindSubjectLeaderID || sl.Kind == service.KindWebsiteLeaderID}
		if k, ok := service.Kind(sl.Kind); ok {
			s.Single = k.Single
		}
		s.Sample, s.Requirements = sampleOf(lang, sl.Kind)
		switch sl.Kind {
		case service.KindSecurityLetter:
			s.PrintURL, s.PrintKey = securityLetterURL(app.ID), "uploads.printletter" // forms.go
		case service.KindVerificationForm:
			s.Hint, s.PrintURL, s.PrintKey = tr(lang, "uploads.formhint"), verificationFormURL(app.ID, sl.Website), "uploads.print"
		case service.KindSitePhoto:
			s.Hint = tr(lang, "uploads.photohint")
		case service.KindDomainHolderProof:
			s.Hint = tr(lang, "uploads.holderhint")
		}
		g := group(sl.Website)
		g.Slots = append(g.Slots, s)
	}
	return groups
}

// samples are the pictures of good uploads, by kind (static/samples).
var samples = map[string]string{
	service.KindSitePhoto: "site_photo", service.KindSubjectLeaderID: "id_card", service.KindWebsiteLeaderID: "id_card",
	service.KindSubjectCertificate: "certificate", service.KindDomainCertificate: "certificate",
	service.KindVerificationForm: "verification_form",
}

// sampleOf is a kind's sample picture and the requirements it must meet.
func sampleOf(lang, kind string) (string, []string) {
	name, ok := samples[kind]
	if !ok {
		return "", nil
	}
	var reqs []string
	if key := "uploads.req." + kind; words.Has(key) {
		reqs = strings.Split(tr(lang, key), "\n")
	}
	return "/static/samples/" + name + ".svg", reqs
}

// mayUploadAny reports whether the application takes any attachment now.
func mayUploadAny(app *service.Application) bool {
	for _, sl := range app.Plan {
		if sl.MayUpload {
			return true
		}
	}
	return false
}

func (wb *Web) buildUploads(r *http.Request, app *service.Application) *uploadsPage {
	missing := wb.svc.Missing(app)
	p := &uploadsPage{appPage: wb.newAppPage(r, app, "uploads", append(append([]filing.Violation(nil), app.Violations...), onlyAttachments(missing)...))}
	p.Title = tr(p.Lang, "step.uploads")
	p.Groups = slotsFor(p.Lang, app)
	p.MaxBytes = wb.cfg.Provider.AttachmentMaxBytes
	return p
}

func onlyAttachments(vs []filing.Violation) []filing.Violation {
	var out []filing.Violation
	for _, v := range vs {
		if strings.HasPrefix(v.Field, "attachments") {
			out = append(out, v)
		}
	}
	return out
}

func (wb *Web) uploadsPage(w http.ResponseWriter, r *http.Request) error {
	_, app, err := wb.loadApp(r)
	if err != nil {
		return err
	}
	return wb.render(w, r, http.StatusOK, "uploads", wb.buildUploads(r, app))
}

var badWebsite = filing.Text{ZH: "表单缺少网站序号（website），请刷新页面后重新上传", EN: "the form lacks the website index (website); reload the page and upload again"}

// uploadPost stores one attachment. A refused file (not a JPEG, too large,
// too small) is shown beside its upload form.
func (wb *Web) uploadPost(w http.ResponseWriter, r *http.Request) error {
	a, app, err := wb.loadApp(r)
	if err != nil {
		return err
	}
	kind := r.FormValue("kind")
	// The form always says which website (-1: none); anything else is a
	// malformed post, answered as such with the field named.
	website, err := strconv.Atoi(strings.TrimSpace(r.FormValue("website")))
	if err != nil {
		website = -1
		e := fault.NewBadRequest(badWebsite.ZH, badWebsite.EN)
		e.Violations = []filing.Violation{{Rule: "attachment.website.invalid", Field: "website", Severity: filing.SeverityError, Message: badWebsite}}
		err = e
	}
	in := service.AttachmentInput{Kind: kind, Website: website, SignedOn: strings.TrimSpace(r.FormValue("signed_on"))}
	file, _, ferr := r.FormFile("file")
	front, _, frontErr := r.FormFile("front")
	back, _, backErr := r.FormFile("back")
	for _, f := range []io.Closer{file, front, back} {
		if f != nil {
			defer f.Close()
		}
	}
	switch {
	case err != nil:
	case ferr == nil:
		in.File = file
	case frontErr == nil && backErr == nil:
		// Two photos of an ID card become the one image the bureau wants.
		var merged []byte
		if merged, err = wb.svc.MergeIDCard(r.Context(), a, front, back); err == nil {
			in.File = bytes.NewReader(merged)
		}
	default:
		err = fault.New(fault.BadRequest, fault.CodeBadRequest, tr("zh", "uploads.choosefirst"), tr("en", "uploads.choosefirst"))
	}
	if err == nil {
		_, err = wb.svc.AddAttachment(r.Context(), a, app.ID, in)
	}
	if err != nil {
		e := fault.As(err)
		if e.Ours() || e.Kind == fault.NotFound {
			return err
		}
		if app, err = wb.svc.GetApplication(r.Context(), a, app.ID); err != nil {
			return err
		}
		p := wb.buildUploads(r, app)
		msg := e.Message.In(p.Lang)
		for _, v := range e.Violations {
			msg = v.Message.In(p.Lang)
		}
		placedErr := false
		for gi := range p.Groups {
			for si := range p.Groups[gi].Slots {
				s := &p.Groups[gi].Slots[si]
				if s.Kind == kind && (s.Website == website || s.Website < 0) {
					s.Error, placedErr = msg, true
				}
			}
		}
		if !placedErr {
			p.Flash = msg
		}
		return wb.render(w, r, httpx.Status(e), "uploads", p)
	}
	setFlash(w, r, "uploads.uploaded")
	return redirect(w, r, "/applications/"+app.ID+"/uploads#"+kind+"-"+strconv.Itoa(website))
}

// attachmentFile serves an attachment to its owner only.
func (wb *Web) attachmentFile(w http.ResponseWriter, r *http.Request) error {
	a, err := account(r)
	if err != nil {
		return err
	}
	rc, att, err := wb.svc.OpenAttachment(r.Context(), a, r.PathValue("id"), r.PathValue("aid"))
	if err != nil {
		return err
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", "image/jpeg")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Content-Disposition", `inline; filename="`+att.Kind+`.jpg"`)
	_, err = io.Copy(w, rc)
	return err
}

func (wb *Web) attachmentDelete(w http.ResponseWriter, r *http.Request) error {
	a, err := account(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := wb.svc.DeleteAttachment(r.Context(), a, id, r.PathValue("aid")); err != nil {
		return err
	}
	setFlash(w, r, "uploads.deleted")
	return redirect(w, r, "/applications/"+id+"/uploads")
}

// submitPage is 提交备案: what still blocks submission, then the button.
type submitPage struct {
	appPage
	Missing  []reasonView
	Warnings []reasonView
}

func (wb *Web) buildSubmit(r *http.Request, app *service.Application, blocking []filing.Violation) *submitPage {
	p := &submitPage{appPage: wb.newAppPage(r, app, "submit", blocking)}
	p.Title = tr(p.Lang, "step.submit")
	for _, v := range blocking {
		if v.Severity == filing.SeverityWarning {
			continue
		}
		p.Missing = append(p.Missing, reasonView{Field: v.Field, Label: fieldLabel(p.Lang, v.Field), Message: v.Message.In(p.Lang),
			URL: "/applications/" + app.ID + "/" + stepOf(v.Field) + slotAnchor(v.Field)})
	}
	for _, v := range app.Violations {
		if v.Severity == filing.SeverityWarning {
			p.Warnings = append(p.Warnings, reasonView{Field: v.Field, Label: fieldLabel(p.Lang, v.Field), Message: v.Message.In(p.Lang),
				URL: "/applications/" + app.ID + "/" + stepOf(v.Field)})
		}
	}
	return p
}

func (wb *Web) submitPage(w http.ResponseWriter, r *http.Request) error {
	_, app, err := wb.loadApp(r)
	if err != nil {
		return err
	}
	return wb.render(w, r, http.StatusOK, "submit", wb.buildSubmit(r, app, wb.svc.Missing(app)))
}

func (wb *Web) submitPost(w http.ResponseWriter, r *http.Request) error {
	a, app, err := wb.loadApp(r)
	if err != nil {
		return err
	}
	if _, err := wb.svc.Submit(r.Context(), a, app.ID); err != nil {
		e := fault.As(err)
		if e.Kind != fault.Invalid {
			return err
		}
		return wb.render(w, r, httpx.Status(e), "submit", wb.buildSubmit(r, app, e.Violations))
	}
	setFlash(w, r, "submit.done")
	return redirect(w, r, "/applications/"+app.ID)
}

// slotAnchor points a missing attachment at its upload form:
// attachments.verification_form[0] → #verification_form-0.
func slotAnchor(field string) string {
	rest, ok := strings.CutPrefix(field, "attachments.")
	if !ok {
		return ""
	}
	kind, idx, hasIdx := strings.Cut(rest, "[")
	if !hasIdx {
		return "#" + kind + "--1"
	}
	return "#" + kind + "-" + strings.TrimSuffix(idx, "]")
}
