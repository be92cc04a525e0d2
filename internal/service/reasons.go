package service

import (
	"context"
	"crypto/rand"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/storage"
)

// RejectionReason is one entry of the catalogue of common rejection
// reasons: a field of the document (website indexes open) and what is
// wrong with it in both languages. Reviewers pick entries instead of
// typing; admins keep the catalogue.
type RejectionReason struct {
	Code     string
	Field    string // subject.mailing_address, websites[].name, attachments.site_photo[]
	Text     filing.Text
	Position int
}

var (
	reasonCodeRE = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+){0,5}$`)
	// openIndex is a website index of a catalogue field or a document path.
	openIndex = regexp.MustCompile(`\[[0-9]*\]`)
)

// Matches reports whether a document path (websites[1].name) is the
// entry's field.
func (r RejectionReason) Matches(path string) bool {
	return openIndex.ReplaceAllString(path, "[]") == r.Field
}

func reasonOf(r *storage.RejectionReason) RejectionReason {
	return RejectionReason{Code: r.Code, Field: r.Field, Text: filing.Text{ZH: r.TextZH, EN: r.TextEN}, Position: r.Position}
}

// RejectionReasons is the catalogue, for any staff member.
func (s *Service) RejectionReasons(ctx context.Context, a *Account) ([]RejectionReason, error) {
	if a == nil {
		return nil, fault.NewUnauthorized()
	}
	if !a.IsStaff() {
		return nil, notFound()
	}
	rows, err := s.st.RejectionReasons(ctx)
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]RejectionReason, 0, len(rows))
	for _, r := range rows {
		out = append(out, reasonOf(r))
	}
	return out, nil
}

// SaveRejectionReason adds an entry to the catalogue (without a code: one
// is made) or changes the one with its code (admins). Reasons already
// given keep their words.
func (s *Service) SaveRejectionReason(ctx context.Context, a *Account, in RejectionReason) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	in.Code, in.Field = strings.TrimSpace(in.Code), strings.TrimSpace(in.Field)
	if in.Code == "" && in.Field != "" {
		// A new entry's code: its field and a random tail (stable once saved).
		in.Code = strings.ToLower(strings.ReplaceAll(in.Field, "[]", "")) + "." + strings.ToLower(rand.Text()[:6])
	}
	in.Text.ZH, in.Text.EN = strings.TrimSpace(in.Text.ZH), strings.TrimSpace(in.Text.EN)
	var vs []filing.Violation
	if len(in.Code) > 80 || !reasonCodeRE.MatchString(in.Code) {
		vs = append(vs, fault.Violated("reasons.code", "code"))
	}
	if !fieldPathRE.MatchString(openIndex.ReplaceAllString(in.Field, "[0]")) {
		vs = append(vs, fault.Violated("reasons.field", "field"))
	}
	for field, text := range map[string]string{"text_zh": in.Text.ZH, "text_en": in.Text.EN} {
		if text == "" || utf8.RuneCountInString(text) > 500 || strings.ContainsAny(text, "\x00\r") {
			vs = append(vs, fault.Violation("reasons.text", field, "rule.reasons.text."+field))
		}
	}
	if in.Position < 0 || in.Position > 100000 {
		vs = append(vs, fault.Violated("reasons.position", "position"))
	}
	if len(vs) > 0 {
		return fault.NewInvalid(vs)
	}
	return storeErr(s.st.Tx(ctx, func(tx *storage.Tx) error {
		if err := tx.PutRejectionReason(ctx, &storage.RejectionReason{Code: in.Code, Field: in.Field, TextZH: in.Text.ZH, TextEN: in.Text.EN,
			Position: in.Position, UpdatedBy: a.ID, UpdatedAt: s.now()}); err != nil {
			return err
		}
		return tx.Audit(ctx, &storage.AuditEntry{At: s.now(), ActorID: a.ID, ActorRole: a.Role, Action: "reason.save", ObjectType: "reason", ObjectID: in.Code})
	}))
}

// DeleteRejectionReason takes an entry out of the catalogue (admins).
func (s *Service) DeleteRejectionReason(ctx context.Context, a *Account, code string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return storeErr(s.st.Tx(ctx, func(tx *storage.Tx) error {
		if err := tx.DeleteRejectionReason(ctx, code); err != nil {
			return err
		}
		return tx.Audit(ctx, &storage.AuditEntry{At: s.now(), ActorID: a.ID, ActorRole: a.Role, Action: "reason.delete", ObjectType: "reason", ObjectID: code})
	}))
}

// fromCatalogue gives a reason that names a catalogue entry as its rule the
// entry's words in both languages when the reviewer wrote none; the field
// must be the entry's (any website's for an open index).
func (s *Service) fromCatalogue(ctx context.Context, rs []filing.Reason) ([]filing.Reason, []filing.Violation, error) {
	var catalogue map[string]RejectionReason
	var vs []filing.Violation
	out := make([]filing.Reason, len(rs))
	for i, r := range rs {
		out[i] = r
		r.Rule = strings.TrimSpace(r.Rule)
		if r.Rule == "" {
			continue
		}
		if catalogue == nil {
			rows, err := s.st.RejectionReasons(ctx)
			if err != nil {
				return nil, nil, err
			}
			catalogue = map[string]RejectionReason{}
			for _, row := range rows {
				catalogue[row.Code] = reasonOf(row)
			}
		}
		e, ok := catalogue[r.Rule]
		if !ok {
			continue // a rule code of the caller's own (the API's clients)
		}
		if f := strings.TrimSpace(r.Field); f != "" && !e.Matches(f) {
			vs = append(vs, fault.Violated("review.reason.field", "reasons["+strconv.Itoa(i)+"].field"))
		}
		if strings.TrimSpace(r.Message) == "" {
			out[i].Message, out[i].MessageEN = e.Text.ZH, e.Text.EN
		}
	}
	return out, vs, nil
}
