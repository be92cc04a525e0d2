package workflow

import (
	"strings"
	"time"

	"beian/internal/filing"
	"beian/internal/workdays"
)

// flowNeedsVerification is the flow's default: new filings always go
// through verification, changes only when NeedsVerification says so,
// cancellations never.
func flowNeedsVerification(flow string) bool {
	switch flow {
	case filing.FlowFirstFiling, filing.FlowNewWebsite, filing.FlowNewAccess:
		return true
	}
	return false
}

// VerificationFormMaxAge is how old a verification form may be before a
// change needs face-to-face verification again.
const VerificationFormMaxAge = 3 // months

// NeedsVerification decides whether an application goes through the
// verification step (workflow.md): always for first_filing, new_website and
// new_access; for change_* only when a website's verification form was
// signed more than 3 months before submission (pass the oldest form's
// date; a zero date, no form on file, counts as outdated); never for
// cancel_*. Dates are compared as China Standard Time calendar days.
func NeedsVerification(flow string, formSignedOn, submittedOn time.Time) bool {
	if flowNeedsVerification(flow) {
		return true
	}
	if !strings.HasPrefix(flow, "change_") {
		return false
	}
	if formSignedOn.IsZero() {
		return true
	}
	signed := dateOf(formSignedOn)
	submitted := dateOf(submittedOn)
	return signed.AddDate(0, VerificationFormMaxAge, 0).Before(submitted)
}

func dateOf(t time.Time) time.Time {
	y, m, d := t.In(workdays.CST).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Role is a leader who receives the bureau's SMS code.
type Role string

// SMS roles.
const (
	SubjectLeader Role = "subject_leader"
	WebsiteLeader Role = "website_leader"
)

// SMSRoles lists whose mobiles the bureau texts for flow (workflow.md):
// both leaders for first_filing; the website leader for new_website,
// new_access, change_website and cancel_website; the subject leader for
// change_subject and cancel_subject; nobody for change_access and
// cancel_access (nor for an unknown flow).
func SMSRoles(flow string) []Role {
	switch flow {
	case filing.FlowFirstFiling:
		return []Role{SubjectLeader, WebsiteLeader}
	case filing.FlowNewWebsite, filing.FlowNewAccess, filing.FlowChangeWebsite, filing.FlowCancelWebsite:
		return []Role{WebsiteLeader}
	case filing.FlowChangeSubject, filing.FlowCancelSubject:
		return []Role{SubjectLeader}
	}
	return nil
}

// Recipient is one mobile the bureau texts a code to.
type Recipient struct {
	Role Role
	// Website is the index of the website whose leader this is, or -1 for
	// the subject leader.
	Website int
	Mobile  string
	// CertNumbers are the certificate numbers of the leaders sharing this
	// mobile; confirming with the last 6 characters of any of them counts.
	CertNumbers []string
}

// SMSRecipients lists the mobiles to text for an application of flow with
// document doc: the roles of SMSRoles, every website's leader where the
// website leader is named, and each mobile once, so a first filing whose
// subject leader also leads the website gets one code, not two. Leaders
// without a mobile are skipped (submission rules require one).
func SMSRecipients(flow string, doc filing.Document) []Recipient {
	var out []Recipient
	byMobile := map[string]int{}
	add := func(role Role, website int, p filing.Person) {
		m := strings.TrimSpace(p.Mobile)
		if m == "" {
			return
		}
		if i, ok := byMobile[m]; ok {
			if p.CertNumber != "" && !containsString(out[i].CertNumbers, p.CertNumber) {
				out[i].CertNumbers = append(out[i].CertNumbers, p.CertNumber)
			}
			return
		}
		byMobile[m] = len(out)
		r := Recipient{Role: role, Website: website, Mobile: m}
		if p.CertNumber != "" {
			r.CertNumbers = []string{p.CertNumber}
		}
		out = append(out, r)
	}
	for _, role := range SMSRoles(flow) {
		switch role {
		case SubjectLeader:
			add(SubjectLeader, -1, doc.Subject.Leader)
		case WebsiteLeader:
			for i, w := range doc.Websites {
				add(WebsiteLeader, i, w.Leader)
			}
		}
	}
	return out
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
