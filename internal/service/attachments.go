package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"beian/internal/blob"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/images"
	"beian/internal/pii"
	"beian/internal/refdata"
	"beian/internal/rules"
	"beian/internal/storage"
	"beian/internal/words"
	"beian/internal/workdays"
	"beian/internal/workflow"
)

// Attachment kinds (model.md "Attachments").
const (
	KindSubjectCertificate  = "subject_certificate"
	KindSubjectLeaderID     = "subject_leader_id"
	KindWebsiteLeaderID     = "website_leader_id"
	KindVerificationForm    = "verification_form"
	KindSitePhoto           = "site_photo"
	KindDomainCertificate   = "domain_certificate"
	KindPreApprovalDocument = "pre_approval_document"
	KindAuthorizationLetter = "authorization_letter"
	KindSecurityLetter      = "security_letter"
	// KindCommitmentLetter is a province's 承诺书 (rules.ProvinceRules).
	KindCommitmentLetter = "commitment_letter"
	// KindDomainHolderProof proves a website's declared domain holder is
	// the organization's shareholder, main leader or a senior manager
	// (股东/任职证明; holders.go).
	KindDomainHolderProof = "domain_holder_proof"
)

// AttachmentKind describes one kind: its names and whether it belongs to one website.
type AttachmentKind struct {
	Key        string
	Name       filing.Text
	PerWebsite bool
	// Single kinds keep one file per website (or per application): a new
	// upload replaces the old one.
	Single bool
}

// AttachmentKinds lists the kinds in the order the upload step shows them.
var AttachmentKinds = []AttachmentKind{
	{KindSubjectCertificate, filing.Text{ZH: "主办单位证件", EN: "subject certificate"}, false, true},
	{KindSubjectLeaderID, filing.Text{ZH: "主体负责人证件（正反面合成一张）", EN: "subject leader's ID (front and back in one image)"}, false, true},
	{KindWebsiteLeaderID, filing.Text{ZH: "网站负责人证件（正反面合成一张）", EN: "website leader's ID (front and back in one image)"}, true, true},
	{KindVerificationForm, filing.Text{ZH: "网站备案信息真实性核验单", EN: "website verification form"}, true, true},
	{KindSitePhoto, filing.Text{ZH: "现场核验照片（幕布照）", EN: "verification photo (backdrop)"}, true, true},
	{KindDomainCertificate, filing.Text{ZH: "域名证书", EN: "domain certificate"}, true, true},
	{KindDomainHolderProof, filing.Text{ZH: "域名持有者关系证明（股东/任职证明）", EN: "proof of the domain holder's relation (shareholding or position)"}, true, false},
	{KindPreApprovalDocument, filing.Text{ZH: "前置审批文件", EN: "pre-approval document"}, true, false},
	{KindAuthorizationLetter, filing.Text{ZH: "授权书", EN: "authorization letter"}, false, false},
	{KindSecurityLetter, filing.Text{ZH: "网络安全责任书", EN: "network security letter"}, false, false},
	{KindCommitmentLetter, filing.Text{ZH: "备案承诺书", EN: "filing commitment letter"}, false, true},
	{KindSupplementary, filing.Text{ZH: "补充材料", EN: "supplementary document"}, false, false},
}

// Kind returns a kind by key.
func Kind(key string) (AttachmentKind, bool) {
	for _, k := range AttachmentKinds {
		if k.Key == key {
			return k, true
		}
	}
	return AttachmentKind{}, false
}

// Attachment is an uploaded JPEG as both doors show it.
type Attachment struct {
	ID, Kind         string
	Website          int // -1 when the kind is not per website
	Bytes            int64
	Width, Height    int
	SHA256, SignedOn string
	CreatedAt        time.Time
}

func attachmentView(a *storage.Attachment) Attachment {
	return Attachment{ID: a.ID, Kind: a.Kind, Website: a.Website, Bytes: a.Bytes, Width: a.Width, Height: a.Height,
		SHA256: a.SHA256, SignedOn: a.SignedOn, CreatedAt: a.CreatedAt}
}

// AttachmentInput is one upload.
type AttachmentInput struct {
	Kind     string
	Website  int // -1 when the kind is not per website
	SignedOn string
	File     io.Reader
}

func badAttachment(rule, field string, args ...any) error {
	return fault.NewViolation(rule, field, args...)
}

// AddAttachment checks and stores one JPEG of an editable application.
func (s *Service) AddAttachment(ctx context.Context, a *Account, id string, in AttachmentInput) (*Attachment, error) {
	sa, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if sa.OwnerID != a.ID {
		return nil, notFound()
	}
	if !workflow.Editable(workflow.State(sa.State)) && sa.State != string(workflow.Verification) && strings.TrimSpace(in.Kind) != KindSupplementary {
		return nil, errLocked()
	}
	kind, ok := Kind(strings.TrimSpace(in.Kind))
	if !ok {
		return nil, badAttachment("attachment.kind.invalid", "kind")
	}
	if kind.Key == KindSupplementary { // supplements.go: only what a reviewer asked for
		atts, err := s.st.Attachments(ctx, sa.ID)
		if err != nil {
			return nil, storeErr(err)
		}
		sup, err := s.supplements(ctx, sa.ID, atts)
		if err != nil {
			return nil, err
		}
		if sl := supplementSlot(sup, nil, sa.State); sl == nil || !sl.MayUpload {
			return nil, errLocked()
		}
		return s.storeAttachment(ctx, a, sa, kind, in, supplementState)
	}
	if !uploadAllowed(sa.State, kind.Key) { // verification.go: the backdrop photo while verifying
		return nil, errLocked()
	}
	return s.storeAttachment(ctx, a, sa, kind, in, func(state string) bool { return uploadAllowed(state, kind.Key) })
}

// storeAttachment checks and stores one upload of kind to sa while
// allowed(state) holds (checked again under the application's lock).
func (s *Service) storeAttachment(ctx context.Context, a *Account, sa *storage.Application, kind AttachmentKind, in AttachmentInput, allowed func(state string) bool) (*Attachment, error) {
	var doc filing.Document
	if err := s.openJSON(sa.Document, &doc); err != nil {
		return nil, err
	}
	if !kind.PerWebsite {
		in.Website = -1
	} else if in.Website < 0 || in.Website >= max(len(doc.Websites), 1) {
		return nil, badAttachment("attachment.website.invalid", "website")
	}
	in.SignedOn = strings.TrimSpace(in.SignedOn)
	if kind.Key != KindVerificationForm {
		in.SignedOn = "" // only the verification form carries a signature date
	} else if err := s.checkSignedOn(in.SignedOn); err != nil {
		return nil, err
	}
	if in.File == nil {
		return nil, badAttachment("attachment.missing", "file")
	}
	var res *images.Result
	err := s.withImageWork(ctx, s.pixelWeight(in.File), func() (err error) {
		res, err = images.Process(in.File, s.limits)
		return err
	})
	if err != nil {
		if ie, ok := images.AsError(err); ok {
			return nil, imageRefusal(ie, err)
		}
		return nil, fmt.Errorf("process upload: %w", err)
	}
	now := s.now()
	att := &storage.Attachment{ID: uuid.Must(uuid.NewV7()).String(), ApplicationID: sa.ID, Kind: kind.Key, Website: in.Website,
		Bytes: int64(len(res.JPEG)), OriginalBytes: res.OriginalBytes, Width: res.Width, Height: res.Height,
		SHA256: res.SHA256, SignedOn: in.SignedOn, CreatedAt: now}
	att.BlobKey = "app/" + sa.ID + "/" + att.ID + ".jpg"
	// Encrypted at rest under the file's own key, sealed in its row
	// (pii/files.go): no file on disk or in the bucket is a JPEG.
	key, sealedKey := s.seal.NewFileKey()
	enc, err := pii.EncryptFile(key, res.JPEG)
	if err != nil {
		return nil, fmt.Errorf("encrypt attachment: %w", err)
	}
	att.DataKey = sealedKey
	if err := s.blobs.Put(ctx, att.BlobKey, bytes.NewReader(enc), int64(len(enc))); err != nil {
		e := fault.Words(fault.Unavailable, fault.CodeUnavailable, "error.unavailable.file_could_stored")
		if errors.Is(err, blob.ErrNoSpace) {
			// Nothing was stored (blob.Store writes all or nothing); the operator must free space.
			e = fault.Words(fault.Unavailable, fault.CodeUnavailable, "error.unavailable.storage_full_file")
		}
		return nil, e.Retry(60).Wrap(err)
	}
	var replaced []*storage.Attachment
	err = s.st.Tx(ctx, func(tx *storage.Tx) error {
		cur, err := tx.ApplicationForUpdate(ctx, sa.ID)
		if err != nil {
			return err
		}
		if !allowed(cur.State) {
			return errLocked()
		}
		if kind.Single {
			if replaced, err = tx.AttachmentsOfKind(ctx, sa.ID, kind.Key, in.Website); err != nil {
				return err
			}
			for _, old := range replaced {
				if err := tx.DeleteAttachment(ctx, sa.ID, old.ID); err != nil {
					return err
				}
				if err := queueBlobDelete(ctx, tx, old.BlobKey, s.blobDeleteAt()); err != nil { // blobjobs.go
					return err
				}
			}
		}
		if err := tx.CreateAttachment(ctx, att); err != nil {
			return err
		}
		return tx.Audit(ctx, &storage.AuditEntry{At: now, ActorID: a.ID, ActorRole: a.Role, Action: "attachment.add",
			ObjectType: "application", ObjectID: sa.ID, Detail: kind.Key})
	})
	if err != nil {
		_ = s.blobs.Delete(context.WithoutCancel(ctx), att.BlobKey)
		return nil, storeErr(err)
	}
	if len(replaced) > 0 {
		s.poke()
	}
	v := attachmentView(att)
	return &v, nil
}

// checkSignedOn: a verification form carries the date the website leader
// signed it, a real calendar date not after today (China Standard Time).
func (s *Service) checkSignedOn(d string) error {
	if d == "" {
		return badAttachment("attachment.signed_on.required", "signed_on")
	}
	t, err := time.Parse(time.DateOnly, d)
	if err != nil || t.Year() < 2000 {
		return badAttachment("attachment.signed_on.invalid", "signed_on")
	}
	if d > workdays.Date(s.now()) {
		return badAttachment("attachment.signed_on.future", "signed_on")
	}
	return nil
}

// imageRefusal is an upload the applicant can fix: a file that is not a
// JPEG, too large or too small, with the part of the form it concerns.
func imageRefusal(ie *images.Error, cause error) error {
	kind := fault.Invalid
	switch ie.Code {
	case images.CodeNotJPEG:
		kind = fault.Unsupported
	case images.CodeTooLarge:
		kind = fault.TooLarge
	}
	field := ie.Field
	if field == "" {
		field = "file"
	}
	return &fault.Error{Kind: kind, Code: ie.Code, Message: ie.Message, Err: cause,
		Violations: []filing.Violation{{Rule: ie.Code, Field: field, Severity: filing.SeverityError, Message: ie.Message}}}
}

func errTooLarge(limit int64) error {
	return fault.New(fault.TooLarge, images.CodeTooLarge,
		fmt.Sprintf("文件过大，最大 %d MB", limit>>20), fmt.Sprintf("the file is too large; at most %d MB", limit>>20))
}

// ErrAttachmentTooLarge is the 413 the doors answer when an upload exceeds the body limit.
func (s *Service) ErrAttachmentTooLarge() error { return errTooLarge(s.limits.MaxBytes) }

// AttachmentMaxBytes is the largest upload accepted.
func (s *Service) AttachmentMaxBytes() int64 { return s.limits.MaxBytes }

// OpenAttachment returns an attachment's bytes to its owner (and staff).
func (s *Service) OpenAttachment(ctx context.Context, a *Account, id, aid string) (io.ReadCloser, *Attachment, error) {
	sa, err := s.load(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	if _, err := uuid.Parse(aid); err != nil {
		return nil, nil, notFound()
	}
	at, err := s.st.Attachment(ctx, sa.ID, aid)
	if err != nil {
		return nil, nil, storeErr(err)
	}
	if a.IsStaff() && sa.OwnerID != a.ID {
		_ = s.st.Tx(ctx, func(tx *storage.Tx) error {
			return tx.Audit(ctx, &storage.AuditEntry{At: s.now(), ActorID: a.ID, ActorRole: a.Role, Action: "attachment.read",
				ObjectType: "application", ObjectID: sa.ID, Detail: at.Kind})
		})
	}
	rc, err := s.openBlob(ctx, at)
	if err != nil {
		return nil, nil, err
	}
	v := attachmentView(at)
	return rc, &v, nil
}

// openBlob opens an attachment's bytes, decrypting them with its data key
// (a file stored before encryption at rest has none and is read as is).
func (s *Service) openBlob(ctx context.Context, at *storage.Attachment) (io.ReadCloser, error) {
	rc, err := s.blobs.Get(ctx, at.BlobKey)
	if err != nil {
		return nil, fmt.Errorf("attachment %s bytes: %w", at.ID, err)
	}
	if at.DataKey == "" {
		return rc, nil
	}
	key, err := s.seal.OpenFileKey(at.DataKey)
	if err != nil {
		rc.Close()
		return nil, fmt.Errorf("attachment %s key: %w", at.ID, err)
	}
	plain, err := pii.DecryptReader(key, rc)
	if err != nil {
		rc.Close()
		return nil, fmt.Errorf("attachment %s: %w", at.ID, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{plain, rc}, nil
}

// EncryptStoredAttachments encrypts the attachments stored in clear before
// encryption at rest (`beian rekey`): each file is written encrypted under
// a new name, its row pointed at it, then the clear file removed. A crash
// between leaves an orphan the sweep removes, never a row without its file.
// It reports how many files it encrypted.
func (s *Service) EncryptStoredAttachments(ctx context.Context) (int, error) {
	n := 0
	for {
		list, err := s.st.AttachmentsInClear(ctx, 100)
		if err != nil || len(list) == 0 {
			return n, storeErr(err)
		}
		for _, at := range list {
			rc, err := s.blobs.Get(ctx, at.BlobKey)
			if err != nil {
				return n, fmt.Errorf("attachment %s: %w", at.ID, err)
			}
			plain, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return n, fmt.Errorf("attachment %s: %w", at.ID, err)
			}
			key, sealedKey := s.seal.NewFileKey()
			enc, err := pii.EncryptFile(key, plain)
			if err != nil {
				return n, err
			}
			newKey := strings.TrimSuffix(at.BlobKey, ".jpg") + ".e" + strconv.Itoa(int(s.now().UnixMilli()%1e6)) + ".jpg"
			if err := s.blobs.Put(ctx, newKey, bytes.NewReader(enc), int64(len(enc))); err != nil {
				return n, fmt.Errorf("attachment %s: %w", at.ID, err)
			}
			var moved bool
			if err := s.st.Tx(ctx, func(tx *storage.Tx) error {
				if moved, err = tx.SetAttachmentFile(ctx, at.ID, at.BlobKey, newKey, sealedKey); err != nil || !moved {
					return err
				}
				// The clear file goes after the backups' grace, like a replaced one.
				return queueBlobDelete(ctx, tx, at.BlobKey, s.blobDeleteAt())
			}); err != nil {
				return n, storeErr(err)
			}
			if !moved { // replaced or deleted meanwhile: the new copy is not needed
				if err := s.blobs.Delete(ctx, newKey); err != nil {
					return n, fmt.Errorf("attachment %s: %w", at.ID, err)
				}
				continue
			}
			n++
		}
	}
}

// DeleteAttachment removes an attachment of an editable application.
func (s *Service) DeleteAttachment(ctx context.Context, a *Account, id, aid string) error {
	sa, err := s.load(ctx, a, id)
	if err != nil {
		return err
	}
	if sa.OwnerID != a.ID {
		return notFound()
	}
	if _, err := uuid.Parse(aid); err != nil {
		return notFound()
	}
	at, err := s.st.Attachment(ctx, sa.ID, aid)
	if err != nil {
		return storeErr(err)
	}
	err = s.st.Tx(ctx, func(tx *storage.Tx) error {
		cur, err := tx.ApplicationForUpdate(ctx, sa.ID)
		if err != nil {
			return err
		}
		if !workflow.Editable(workflow.State(cur.State)) {
			return errLocked()
		}
		if err := tx.DeleteAttachment(ctx, sa.ID, at.ID); err != nil {
			return err
		}
		if err := queueBlobDelete(ctx, tx, at.BlobKey, s.blobDeleteAt()); err != nil { // blobjobs.go
			return err
		}
		return tx.Audit(ctx, &storage.AuditEntry{At: s.now(), ActorID: a.ID, ActorRole: a.Role, Action: "attachment.delete",
			ObjectType: "application", ObjectID: sa.ID, Detail: at.Kind})
	})
	if err != nil {
		return storeErr(err)
	}
	s.poke()
	return nil
}

// Missing lists what still blocks submission: the document's error
// violations and every required attachment that is absent (model.md).
func (s *Service) Missing(app *Application) []filing.Violation {
	var out []filing.Violation
	for _, v := range app.Violations {
		if v.Severity == filing.SeverityError {
			out = append(out, v)
		}
	}
	out = append(out, requiredMissing(app.Document, app.Filed, app.Attachments)...)
	if sl := supplementSlot(app.Supplements, app.Attachments, app.State); sl != nil && sl.Missing != nil {
		out = append(out, *sl.Missing) // supplements.go
	}
	return out
}

// Slot is one attachment an application takes: a kind, for the whole
// application (Website -1) or for one website. The plan of slots is the
// one place that applies model.md's attachment matrix: the upload pages,
// the API and the submission check all read it.
type Slot struct {
	Kind    string
	Website int // -1: the application's, not one website's
	// Required: submission needs it. A site photo is required only while
	// no domain certificate stands in for it.
	Required bool
	// Needed is how many files the slot needs (a pre-approval document per
	// pre-approval); 0 when optional.
	Needed int
	// MayUpload: the application takes this kind now (while editable; in
	// verification, what mailing the originals needs).
	MayUpload bool
	// NeedsDate: the upload carries the date the website leader signed it.
	NeedsDate bool
	Present   []Attachment
	// Missing is what blocks submission in this slot; nil when nothing does.
	Missing *filing.Violation
}

// AttachmentPlan lays out the attachments of a document in a state:
// model.md's matrix by flow, nature, leaders and pre-approvals, with what
// is there and what is missing.
func AttachmentPlan(doc filing.Document, atts []Attachment, state string) []Slot {
	return PlanOf(doc, nil, atts, state)
}

// PlanOf is AttachmentPlan of a change with the record it started from
// (filed, nil for other flows): a subject change that renames the subject
// asks for its new certificate, one that replaces a leader for the new
// leader's ID (the seed: a change needs the new documents of what changed).
func PlanOf(doc filing.Document, filed *filing.Document, atts []Attachment, state string) []Slot {
	var plan []Slot
	add := func(kind string, website int, needed int) *Slot {
		sl := Slot{Kind: kind, Website: website, Required: needed > 0, Needed: needed,
			MayUpload: uploadAllowed(state, kind), NeedsDate: kind == KindVerificationForm}
		for _, a := range atts {
			if a.Kind == kind && a.Website == website {
				sl.Present = append(sl.Present, a)
			}
		}
		if len(sl.Present) < needed {
			sl.Missing = missingAttachment(doc, kind, website, needed)
		}
		plan = append(plan, sl)
		return &plan[len(plan)-1]
	}
	filingFlow := filingFlow(doc.Flow)
	prov := rules.ProvinceRules(doc.Subject.Province)
	switch {
	case filingFlow:
		if doc.Subject.Nature != refdata.NatureIndividual {
			add(KindSubjectCertificate, -1, 1)
		}
		add(KindSubjectLeaderID, -1, 1)
		add(KindAuthorizationLetter, -1, 0)
		add(KindSecurityLetter, -1, 0)
		if prov.NeedsCommitmentLetter() { // the province table (rules/data/province_rules.json)
			add(KindCommitmentLetter, -1, 1)
		}
	case !strings.HasPrefix(doc.Flow, "change_"):
		return nil // cancellations take no attachments
	case filed != nil:
		for _, need := range changeNeeds(doc, *filed) {
			if sl := add(need.kind, need.website, 1); sl.Missing != nil {
				sl.Missing.Message = filing.Text{ZH: sl.Missing.Message.ZH + "（" + need.why.ZH + "）", EN: sl.Missing.Message.EN + " (" + need.why.EN + ")"}
			}
		}
	}
	for i, w := range doc.Websites {
		if filingFlow && !filing.SamePerson(w.Leader, doc.Subject.Leader) {
			add(KindWebsiteLeaderID, i, 1)
		}
		// The form's signature date decides whether a change is verified
		// again (workflow.NeedsVerification), so a form without one does
		// not count.
		vf := add(KindVerificationForm, i, 1)
		if vf.Missing == nil && !slices.ContainsFunc(vf.Present, func(a Attachment) bool { return a.SignedOn != "" }) {
			vf.Missing = &filing.Violation{Rule: "attachment.signed_on.required", Field: fmt.Sprintf("attachments.%s[%d]", KindVerificationForm, i),
				Severity: filing.SeverityError, Message: filing.Text{ZH: fmt.Sprintf("第 %d 个网站的核验单缺少网站负责人签字日期，请重新上传并填写签字日期", i+1),
					EN: fmt.Sprintf("the verification form of website %d has no signature date; upload it again with the date the leader signed", i+1)}}
		}
		if !filingFlow {
			continue
		}
		// Either a backdrop photo or a domain certificate.
		photo := add(KindSitePhoto, i, 1)
		certs := 0
		if prov.DomainCertificate { // the province asks for every website's
			certs = 1
		}
		cert := add(KindDomainCertificate, i, certs)
		if len(cert.Present) > 0 {
			photo.Required, photo.Needed, photo.Missing = false, 0, nil
		}
		if n := len(w.PreApprovals); n > 0 {
			add(KindPreApprovalDocument, i, n)
		}
		if holderDeclared(doc, i) { // holders.go: a declared holder needs its proof
			add(KindDomainHolderProof, i, 1)
		}
	}
	return plan
}

// missingAttachment is the violation of a slot short of its files.
func missingAttachment(doc filing.Document, kind string, website, needed int) *filing.Violation {
	k, _ := Kind(kind)
	field := "attachments." + kind
	where, extra := filing.Text{}, filing.Text{}
	if website >= 0 {
		field = fmt.Sprintf("attachments.%s[%d]", kind, website)
		d := ""
		if website < len(doc.Websites) {
			d = doc.Websites[website].Domain
		}
		where = filing.Text{ZH: fmt.Sprintf("（第 %d 个网站 %s）", website+1, d), EN: fmt.Sprintf(" (website %d, %s)", website+1, d)}
	}
	switch kind {
	case KindSitePhoto:
		extra = filing.Text{ZH: "，或上传域名证书代替", EN: ", or a domain certificate instead"}
	case KindCommitmentLetter:
		if l := rules.ProvinceRules(doc.Subject.Province).CommitmentLetter; l.ZH != "" {
			extra = filing.Text{ZH: "：" + l.ZH, EN: ": " + l.EN}
		}
	case KindDomainCertificate:
		extra = filing.Text{ZH: "（该省管局要求每个网站提交域名证书）", EN: " (this province's bureau asks for every website's domain certificate)"}
	case KindPreApprovalDocument:
		extra = filing.Text{ZH: fmt.Sprintf("，每项前置审批一份（需 %d 份）", needed), EN: fmt.Sprintf(", one per pre-approval (%d needed)", needed)}
	case KindDomainHolderProof:
		if website < len(doc.Websites) {
			h := doc.Websites[website].DomainHolder
			extra = words.Text("rule.attachment.missing.holder_proof", strings.TrimSpace(h.Name), words.Relation("zh", h.Relation))
			extra.EN = words.T("en", "rule.attachment.missing.holder_proof", strings.TrimSpace(h.Name), strings.ToLower(words.Relation("en", h.Relation)))
		}
	}
	return &filing.Violation{Rule: "attachment.missing", Field: field, Severity: filing.SeverityError,
		Message: filing.Text{ZH: "缺少附件：" + k.Name.ZH + where.ZH + extra.ZH, EN: "missing attachment: " + k.Name.EN + where.EN + extra.EN}}
}

// RequiredAttachmentsMissing is what the plan of a document and its
// attachments still misses.
func RequiredAttachmentsMissing(doc filing.Document, atts []Attachment) []filing.Violation {
	return requiredMissing(doc, nil, atts)
}

func requiredMissing(doc filing.Document, filed *filing.Document, atts []Attachment) []filing.Violation {
	var out []filing.Violation
	for _, sl := range PlanOf(doc, filed, atts, string(workflow.Draft)) {
		if sl.Missing != nil {
			out = append(out, *sl.Missing)
		}
	}
	return out
}

// MergeIDCard makes the one ID image the bureau wants from separate front
// and back photos (model.md); nothing is stored.
func (s *Service) MergeIDCard(ctx context.Context, a *Account, front, back io.Reader) ([]byte, error) {
	if a == nil {
		return nil, fault.NewUnauthorized()
	}
	var res *images.Result
	err := s.withImageWork(ctx, s.pixelWeight(front)+s.pixelWeight(back), func() (err error) {
		res, err = images.MergeIDCard(front, back, s.limits)
		return err
	})
	if err != nil {
		if ie, ok := images.AsError(err); ok {
			return nil, imageRefusal(ie, err)
		}
		return nil, fmt.Errorf("merge id card: %w", err)
	}
	return res.JPEG, nil
}
