package service

// Relay mode (spec workflow.md "Relay mode"): staff record the real
// bureau's outcomes. An approval's numbers are checked here before the
// relay records them: their shape, the subject's province, website numbers
// extending the subject number, numbers the filing already has, and no
// number held by another subject (Beian's records or the registry mirror).

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"beian/internal/bureau"
	"beian/internal/domainname"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/icpnumber"
	"beian/internal/storage"
)

// recordedNumbers fills the numbers an approval leaves out that the
// filing already has, and checks them: 422 bureau.number.invalid, 409
// bureau.number_taken.
func (s *Service) recordedNumbers(ctx context.Context, sa *storage.Application, given bureau.Numbers) (bureau.Numbers, error) {
	var doc filing.Document
	if err := s.openJSON(sa.Document, &doc); err != nil {
		return given, err
	}
	knownSubject, knownSites, err := s.knownNumbers(ctx, sa, doc)
	if err != nil {
		return given, err
	}
	n := bureau.Numbers{Subject: icpnumber.Normalize(given.Subject)}
	for _, w := range given.Websites {
		if w = icpnumber.Normalize(w); w != "" {
			n.Websites = append(n.Websites, w)
		}
	}
	if n.Subject == "" {
		n.Subject = knownSubject
	}
	if len(n.Websites) == 0 && len(knownSites) > 0 && sa.Flow != filing.FlowCancelSubject {
		complete := true
		for _, w := range knownSites {
			complete = complete && w != ""
		}
		if complete {
			n.Websites = knownSites
		}
	}
	r := icpnumber.Recorded{Subject: n.Subject, Websites: n.Websites, Sites: len(doc.Websites), KnownSubject: knownSubject, KnownWebsites: knownSites}
	if sa.Flow == filing.FlowCancelSubject {
		r.Sites = 0
	}
	if p, ok := s.ref.Province(sa.Province); ok {
		r.Abbr, r.Province = p.ICPAbbr, filing.Text{ZH: p.ShortName, EN: p.NameEN}
	}
	if vs := icpnumber.Check(r); len(vs) > 0 {
		e := fault.NewInvalid(vs)
		e.Code = icpnumber.RuleInvalid
		return n, e
	}
	if vs, err := s.takenNumbers(ctx, sa, doc, n); err != nil {
		return n, err
	} else if len(vs) > 0 {
		e := fault.New(fault.Conflict, icpnumber.RuleTaken, "备案号已被其他主体或网站占用，请核对管局下发的备案号",
			"a number is held by another subject or website; check the numbers the bureau issued")
		e.Violations = vs
		return n, e
	}
	return n, nil
}

// knownNumbers are the numbers the filing already has: the subject's
// unless it is a first filing, and each website's unless it is new.
func (s *Service) knownNumbers(ctx context.Context, sa *storage.Application, doc filing.Document) (string, []string, error) {
	subject, sites := "", make([]string, len(doc.Websites))
	rec := sa.RecordNumber
	if sub, _, ok := icpnumber.SubjectOf(rec); ok {
		subject = sub
		if len(sites) > 0 {
			sites[0] = rec
		}
	} else if sa.Flow != filing.FlowFirstFiling {
		subject = rec
	}
	if sa.Flow == filing.FlowNewAccess {
		for i, w := range doc.Websites {
			d, err := domainname.Normalize(w.Domain)
			if err != nil {
				continue
			}
			own, err := s.st.WebsiteRecordsByDomain(ctx, d)
			if err != nil {
				return "", nil, storeErr(err)
			}
			for _, r := range own {
				if r.Status != storage.RecordCancelled {
					sites[i] = r.Number
				}
			}
			if sites[i] == "" && s.registry != nil {
				rw, err := s.registry.LookupDomain(ctx, d)
				if err != nil {
					return "", nil, storeErr(err)
				}
				if rw != nil {
					sites[i] = rw.Number
				}
			}
		}
	}
	return subject, sites, nil
}

// takenNumbers lists the recorded numbers another subject holds, or
// another website of this one, here or in the registry.
func (s *Service) takenNumbers(ctx context.Context, sa *storage.Application, doc filing.Document, n bureau.Numbers) ([]filing.Violation, error) {
	var out []filing.Violation
	taken := func(field, number string) {
		out = append(out, filing.Violation{Rule: icpnumber.RuleTaken, Field: field, Severity: filing.SeverityError,
			Message: filing.Text{ZH: fmt.Sprintf("备案号 %s 已属于其他主体或网站", number), EN: fmt.Sprintf("the number %s belongs to another subject or website", number)}})
	}
	// The registry's view of a number: whose subject, which domain.
	registry := func(number string) (certHash, domain string, found bool, err error) {
		if s.bureau == nil {
			return "", "", false, nil
		}
		sub, err := s.bureau.LookupNumber(ctx, number)
		if err != nil || sub == nil {
			return "", "", false, err
		}
		if sub.Website != nil {
			domain = sub.Website.Website.Domain
		}
		return s.certHash(sub.Subject.CertType, sub.Subject.CertNumber), domain, true, nil
	}
	if sr, err := s.st.SubjectRecordByNumber(ctx, n.Subject); err == nil {
		if sr.CertHash != sa.SubjectCertHash {
			taken("numbers.subject", n.Subject)
		}
	} else if !errors.Is(err, storage.ErrNotFound) {
		return nil, storeErr(err)
	} else if h, _, ok, err := registry(n.Subject); err != nil {
		return nil, storeErr(err)
	} else if ok && h != sa.SubjectCertHash {
		taken("numbers.subject", n.Subject)
	}
	for i, w := range n.Websites {
		field := fmt.Sprintf("numbers.websites[%d]", i)
		domain := ""
		if i < len(doc.Websites) {
			domain, _ = domainname.Normalize(doc.Websites[i].Domain)
		}
		sameSite := func(d string) bool {
			if domain == "" || sa.Flow == filing.FlowCancelSubject {
				return true // a subject cancellation names whatever the subject holds
			}
			nd, err := domainname.Normalize(d)
			return err == nil && nd == domain
		}
		wr, err := s.st.WebsiteRecordByNumber(ctx, w)
		switch {
		case err == nil:
			sr, err := s.st.SubjectRecord(ctx, wr.SubjectID)
			if err != nil {
				return nil, storeErr(err)
			}
			if sr.CertHash != sa.SubjectCertHash || !sameSite(wr.Domain) {
				taken(field, w)
			}
			continue
		case !errors.Is(err, storage.ErrNotFound):
			return nil, storeErr(err)
		}
		h, d, ok, err := registry(w)
		if err != nil {
			return nil, storeErr(err)
		}
		if ok && (h != sa.SubjectCertHash || (d != "" && !sameSite(d))) {
			taken(field, w)
		}
	}
	return out, nil
}

// OutcomeRow is one line of an outcome import and what became of it.
type OutcomeRow struct {
	Line          int
	ApplicationID string
	Decision      string
	// Err is why the line was not recorded (nil: recorded); State is the
	// application's state afterwards.
	Err   *fault.Error
	State string
}

// Outcome import bounds: one batch from the bureau's system.
const (
	maxImportBytes = 1 << 20
	maxImportRows  = 1000
)

// importColumns are the CSV header names (and their accepted aliases).
var importColumns = map[string]string{
	"application": "application", "application_id": "application",
	"decision": "decision", "subject_number": "subject_number", "website_numbers": "website_numbers", "reason": "reason",
}

// ImportBureauOutcomes records a batch of the real bureau's outcomes
// (relay mode, admin only) from CSV: a header row naming the columns
// application (or application_id), decision (approve, reject,
// sms_expired), subject_number, website_numbers (separated by ";", "," or
// spaces) and reason. Each line is recorded on its own, as through
// BureauDecide: a line that fails (bad numbers, not under review) is
// reported and the others still count. A file that cannot be read at all
// is 422 bureau.import.invalid.
func (s *Service) ImportBureauOutcomes(ctx context.Context, a *Account, r io.Reader) ([]OutcomeRow, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	bad := func(what string, args ...any) error {
		e := fault.NewInvalid([]filing.Violation{fault.Violation("bureau.import.invalid", "file", "rule.bureau.import.invalid."+what, args...)})
		e.Code = "bureau.import.invalid"
		return e
	}
	b, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return nil, fault.Words(fault.BadRequest, fault.CodeBadRequest, "error.bad_request.file_could_read").Wrap(err)
	}
	if len(b) > maxImportBytes {
		return nil, bad("size")
	}
	if !utf8.Valid(b) {
		return nil, bad("encoding")
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff")))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, bad("header")
	}
	col := map[string]int{}
	for i, h := range header {
		if name, ok := importColumns[strings.ToLower(strings.TrimSpace(h))]; ok {
			col[name] = i
		}
	}
	if _, ok := col["application"]; !ok {
		return nil, bad("no_application")
	}
	if _, ok := col["decision"]; !ok {
		return nil, bad("no_decision")
	}
	cell := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []OutcomeRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, bad("line", line)
		}
		line, _ := cr.FieldPos(0)
		if len(out) == maxImportRows {
			return nil, bad("too_many", maxImportRows)
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		row := OutcomeRow{Line: line, ApplicationID: cell(rec, "application"), Decision: cell(rec, "decision")}
		in := BureauDecisionInput{Decision: row.Decision, Reason: cell(rec, "reason"),
			Numbers: bureau.Numbers{Subject: cell(rec, "subject_number"), Websites: strings.FieldsFunc(cell(rec, "website_numbers"), func(r rune) bool {
				return r == ';' || r == ',' || r == '；' || r == '，' || r == ' '
			})}}
		app, err := s.BureauDecide(ctx, a, row.ApplicationID, in)
		if err != nil {
			row.Err = fault.As(err)
			if row.Err.Ours() {
				return nil, err
			}
		} else {
			row.State = app.State
		}
		out = append(out, row)
	}
	return out, nil
}
