package service

// The verification step (workflow.md "verification"): the applicant books
// face-to-face signing at one of the provider's offices, or mails the
// signed originals with a tracking number (the backdrop photo being the
// site_photo attachment); the reviewer then records receipt
// (MaterialsReceived).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"beian/internal/config"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/storage"
	"beian/internal/workdays"
	"beian/internal/workflow"
)

// Verification methods.
const (
	VerifyOnsite = "onsite"
	VerifyMail   = "mail"
)

// VerificationInput is the applicant's choice.
type VerificationInput struct {
	Method         string // onsite | mail
	Office         string // onsite: an office key of the provider settings
	Date           string // onsite: YYYY-MM-DD, a working day
	TrackingNumber string // mail
}

// Verification is the recorded choice and its receipt.
type Verification struct {
	Method         string
	Office         *config.Office // onsite
	Date           string
	TrackingNumber string
	ChosenAt       time.Time
	ReceivedAt     time.Time
	Note           string
}

// VerificationOptions are the offices for face-to-face signing and the
// address originals are mailed to (provider settings).
type VerificationOptions struct {
	Offices        []config.Office
	MailingAddress string
}

// VerificationOptions returns the offices and the mailing address.
func (s *Service) VerificationOptions() VerificationOptions {
	return VerificationOptions{Offices: s.cfg.Provider.Offices, MailingAddress: s.cfg.Provider.MailingAddress}
}

// MaxAppointmentDays is how far ahead a signing appointment may be booked.
const MaxAppointmentDays = 60

var trackingRE = regexp.MustCompile(`^[A-Za-z0-9-]{6,30}$`)

// ChooseVerification records how the applicant verifies an application in
// the verification state (409 invalid_transition in any other state).
func (s *Service) ChooseVerification(ctx context.Context, a *Account, id string, in VerificationInput) (*Verification, error) {
	sa, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if sa.OwnerID != a.ID {
		return nil, notFound()
	}
	if sa.State != string(workflow.Verification) {
		return nil, invalidTransition(fmt.Errorf("%w: verification chosen in state %s", workflow.ErrInvalidTransition, sa.State))
	}
	v := &storage.Verification{ApplicationID: sa.ID, Method: strings.TrimSpace(in.Method), ChosenAt: s.now()}
	var vs []filing.Violation
	switch v.Method {
	case VerifyOnsite:
		office := s.office(strings.TrimSpace(in.Office))
		if office == nil {
			vs = append(vs, fault.Violated("verification.office.invalid", "office"))
		} else {
			v.Office = office.Key
		}
		date := strings.TrimSpace(in.Date)
		d, err := time.ParseInLocation(time.DateOnly, date, workdays.CST)
		today, _ := time.ParseInLocation(time.DateOnly, workdays.Date(s.now()), workdays.CST)
		switch {
		case err != nil:
			vs = append(vs, fault.Violated("verification.date.format", "date"))
		case d.Before(today) || d.After(today.AddDate(0, 0, MaxAppointmentDays)):
			vs = append(vs, fault.Violated("verification.date.range", "date", MaxAppointmentDays))
		case !s.cal.IsWorkday(d.Add(12 * time.Hour)):
			vs = append(vs, fault.Violated("verification.date.not_workday", "date"))
		default:
			v.AppointmentOn = date
		}
	case VerifyMail:
		tn := strings.TrimSpace(in.TrackingNumber)
		if !trackingRE.MatchString(tn) {
			vs = append(vs, fault.Violated("verification.tracking_number.format", "tracking_number"))
		}
		v.TrackingNumber = tn
		// Mailing needs the backdrop photo of every website.
		atts, err := s.st.Attachments(ctx, sa.ID)
		if err != nil {
			return nil, storeErr(err)
		}
		for i := range sa.Domains {
			found := false
			for _, at := range atts {
				found = found || (at.Kind == KindSitePhoto && at.Website == i)
			}
			if !found {
				vs = append(vs, fault.Violation("attachment.missing", fmt.Sprintf("attachments.site_photo[%d]", i), "rule.attachment.missing.backdrop"))
			}
		}
	default:
		vs = append(vs, fault.Violated("verification.method.invalid", "method"))
	}
	if len(vs) > 0 {
		return nil, fault.NewInvalid(vs)
	}
	err = s.st.Tx(ctx, func(tx *storage.Tx) error {
		cur, err := tx.ApplicationForUpdate(ctx, sa.ID)
		if err != nil {
			return err
		}
		if cur.State != string(workflow.Verification) {
			return invalidTransition(fmt.Errorf("%w: state changed to %s", workflow.ErrInvalidTransition, cur.State))
		}
		if err := tx.PutVerification(ctx, v); err != nil {
			return err
		}
		return tx.Audit(ctx, &storage.AuditEntry{At: v.ChosenAt, ActorID: a.ID, ActorRole: a.Role, Action: "application.verification",
			ObjectType: "application", ObjectID: sa.ID, Detail: v.Method})
	})
	if err != nil {
		return nil, storeErr(err)
	}
	return s.verification(ctx, sa.ID)
}

// GetVerification returns an application's verification (nil when none
// was recorded) to its owner or to staff.
func (s *Service) GetVerification(ctx context.Context, a *Account, id string) (*Verification, error) {
	if _, err := s.load(ctx, a, id); err != nil {
		return nil, err
	}
	return s.verification(ctx, id)
}

func (s *Service) verification(ctx context.Context, id string) (*Verification, error) {
	sv, err := s.st.Verification(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, storeErr(err)
	}
	v := &Verification{Method: sv.Method, Date: sv.AppointmentOn, TrackingNumber: sv.TrackingNumber,
		ChosenAt: sv.ChosenAt, ReceivedAt: sv.ReceivedAt, Note: sv.Note}
	if sv.Office != "" {
		v.Office = s.office(sv.Office)
	}
	return v, nil
}

// office finds an office by key (or city name).
func (s *Service) office(key string) *config.Office {
	if key == "" {
		return nil
	}
	for _, o := range s.cfg.Provider.Offices {
		if o.Key == key || o.City == key {
			o := o
			return &o
		}
	}
	return nil
}

// uploadAllowed reports whether an attachment of kind may be uploaded in
// state: anything while the document is editable, and while awaiting
// verification the pieces of the verification itself (a new backdrop
// photo or signed form after the materials were rejected).
func uploadAllowed(state, kind string) bool {
	if workflow.Editable(workflow.State(state)) {
		return true
	}
	return state == string(workflow.Verification) &&
		(kind == KindSitePhoto || kind == KindVerificationForm || kind == KindSecurityLetter)
}

// StaffSitePhoto stores the site photo staff took of the website leader at
// the office (face-to-face signing: the seed's 现场核验照片), while the
// application awaits verification or its material review; it replaces an
// earlier one. Staff never act on their own account's application.
func (s *Service) StaffSitePhoto(ctx context.Context, a *Account, id string, website int, file io.Reader) (*Attachment, error) {
	sa, err := s.loadStaffAction(ctx, a, id)
	if err != nil {
		return nil, err
	}
	staffMay := func(state string) bool {
		return state == string(workflow.Verification) || state == string(workflow.MaterialReview)
	}
	if !staffMay(sa.State) {
		return nil, errLocked()
	}
	kind, _ := Kind(KindSitePhoto)
	return s.storeAttachment(ctx, a, sa, kind, AttachmentInput{Kind: KindSitePhoto, Website: website, File: file}, staffMay)
}

// sitePhotosOnFile: material review passes only with a site photo of every
// website (model.md: required before material review; the domain
// certificate stood in for it at submission only) — the applicant's
// backdrop photo, or the one staff took at the office.
func (s *Service) sitePhotosOnFile(ctx context.Context, tx *storage.Tx, cur *storage.Application) error {
	atts, err := tx.Attachments(ctx, cur.ID)
	if err != nil {
		return err
	}
	var vs []filing.Violation
	for i, d := range cur.Domains {
		if !slices.ContainsFunc(atts, func(at *storage.Attachment) bool { return at.Kind == KindSitePhoto && at.Website == i }) {
			vs = append(vs, filing.Violation{Rule: "attachment.missing", Field: fmt.Sprintf("attachments.%s[%d]", KindSitePhoto, i), Severity: filing.SeverityError,
				Message: filing.Text{ZH: fmt.Sprintf("缺少第 %d 个网站（%s）的现场核验照片：请上传面签时拍摄的照片，或驳回材料请申请人上传幕布照", i+1, d),
					EN: fmt.Sprintf("website %d (%s) has no site photo: upload the photo taken at the signing, or reject the materials for the applicant's backdrop photo", i+1, d)}})
		}
	}
	if len(vs) > 0 {
		return fault.NewInvalid(vs)
	}
	return nil
}
