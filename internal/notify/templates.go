package notify

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"text/template"

	"beian/internal/config"
	"beian/internal/filing"
	"beian/internal/words"
)

// Template names: one per notification of workflow.md "Notifications".
const (
	TplAccountRegistered = "account_registered"
	TplPasswordReset     = "password_reset"
	TplSubmitted         = "application_submitted"
	TplInitialApproved   = "initial_review_approved"
	TplRejected          = "rejected"
	TplMaterialsReceived = "materials_received"
	TplBureauSubmitted   = "bureau_submitted"
	TplSMSCode           = "sms_code"
	TplSMSReturned       = "sms_returned"
	TplApproved          = "approved"
	// The approval as the leaders named in it receive it (seed 6.5: the
	// bureau mails and texts them), by email and by SMS.
	TplApprovedLeader    = "approved_leader"
	TplApprovedLeaderSMS = "approved_leader_sms"
	// A reviewer asks for a supplementary document (Reason: what).
	TplSupplementRequested = "supplement_requested"
	TplBureauRejected      = "bureau_rejected"
	TplCancelled           = "cancellation_done"
	TplReviewerOverdue     = "reviewer_overdue"
	TplDraftExpiring       = "draft_expiring"
	// The compliance monitor: a problem of the owner's website (one mail
	// per problem), and the staff's list of problems left unfixed.
	TplMonitorProblem   = "monitor_problem"
	TplMonitorEscalated = "monitor_escalated"
	// Expiry and duty reminders (docs/operations.md): 90, 30 and 7 days
	// before each of the owner's deadlines.
	TplDutyReminder = "duty_reminder"
)

// BureauSMSSender is the number the bureau's verification codes come from.
const BureauSMSSender = "12381"

// Data is what a template may use; every field is optional and each
// template names the ones it needs. It travels as JSON in job payloads.
type Data struct {
	Name          string   `json:"name,omitempty"`           // the reader's name
	ApplicationID string   `json:"application_id,omitempty"` // short reference shown to the reader
	URL           string   `json:"url,omitempty"`            // where to act next (absolute, or a path under BaseURL)
	SubjectName   string   `json:"subject_name,omitempty"`
	Domains       []string `json:"domains,omitempty"`
	Flow          string   `json:"flow,omitempty"`
	DueAt         string   `json:"due_at,omitempty"` // e.g. "2026-12-02 10:00"
	ETA           string   `json:"eta,omitempty"`    // YYYY-MM-DD
	// Rejected: the stage ("initial", "material" for data rejected at the
	// material review, "materials" for photo/paper) and every reason.
	Stage   string          `json:"stage,omitempty"`
	Reasons []filing.Reason `json:"reasons,omitempty"`
	// Reason is the bureau's rejection text, or why the SMS step returned.
	Reason string `json:"reason,omitempty"`
	// SMS step: whether codes are coming, and a code with its validity.
	SMSRequired bool `json:"sms_required,omitempty"`
	// SMSAtBureau: the real bureau texts the codes and the leaders confirm
	// them at its site (relay mode); Beian sends none.
	SMSAtBureau bool   `json:"sms_at_bureau,omitempty"`
	Code        string `json:"code,omitempty"`
	ValidHours  int    `json:"valid_hours,omitempty"`
	// Approved: the numbers issued.
	Numbers *Numbers `json:"numbers,omitempty"`
	// Roles are the reader's roles in the filing ("subject_leader",
	// "website_leader"), for the leaders' approval notice.
	Roles []string `json:"roles,omitempty"`
	// Cancellation: the number(s) now void.
	Record string `json:"record,omitempty"`
	// Password reset.
	ResetLink      string `json:"reset_link,omitempty"`
	ExpiresMinutes int    `json:"expires_minutes,omitempty"`
	// Duty reminder (issue 16): the duty (duties.Kinds), whose ID document
	// (Role, Person) for leader_id, the deadline (DueAt, a date) and the
	// days left; Record is the record's number.
	Duty     string `json:"duty,omitempty"`
	Role     string `json:"role,omitempty"`
	Person   string `json:"person,omitempty"`
	DaysLeft int    `json:"days_left,omitempty"`
	// Reviewer overdue alert: the overdue tasks.
	Overdue []OverdueTask `json:"overdue,omitempty"`
	// Compliance monitor: the problem (moved, unreachable, number_missing,
	// number_unlinked) with what the check saw, or the staff's list.
	Problem  string         `json:"problem,omitempty"`
	Detail   string         `json:"detail,omitempty"`
	Problems []MonitorIssue `json:"problems,omitempty"`

	// Filled in by the renderer from the provider settings when empty.
	Offices        []config.Office `json:"offices,omitempty"`
	MailingAddress string          `json:"mailing_address,omitempty"`
	ProviderName   string          `json:"provider_name,omitempty"`
	BaseURL        string          `json:"base_url,omitempty"`
}

// Numbers are the ICP numbers of an approval.
type Numbers struct {
	Subject  string          `json:"subject"`
	Websites []WebsiteNumber `json:"websites"`
}

// WebsiteNumber is one website's number.
type WebsiteNumber struct {
	Domain string `json:"domain"`
	Name   string `json:"name,omitempty"`
	Number string `json:"number"`
}

// OverdueTask is one overdue reviewer task.
type OverdueTask struct {
	ApplicationID string `json:"application_id"`
	SubjectName   string `json:"subject_name"`
	State         string `json:"state"`
	DueAt         string `json:"due_at"`
}

// MonitorIssue is one unfixed problem in the staff's list.
type MonitorIssue struct {
	Domain  string `json:"domain"`
	Number  string `json:"number"`
	Problem string `json:"problem"`
	Since   string `json:"since"`
}

// names are the templates; their words, subject and body in both
// languages, are in the catalogue (package words: mail/<lang>/<name>.txt).
// Each says what happened and what the reader does next.
var names = []string{TplAccountRegistered, TplPasswordReset, TplSubmitted, TplInitialApproved, TplRejected,
	TplMaterialsReceived, TplBureauSubmitted, TplSMSCode, TplSMSReturned, TplApproved, TplApprovedLeader,
	TplApprovedLeaderSMS, TplBureauRejected, TplCancelled, TplReviewerOverdue, TplDraftExpiring,
	TplMonitorProblem, TplMonitorEscalated, TplSupplementRequested, TplDutyReminder}

// Templates renders the notifications, parsed once at start.
type Templates struct {
	provider config.Provider
	baseURL  string
	parsed   map[string]map[string][2]*template.Template // name → lang → subject, body
}

// NewTemplates parses every template; an error is a programming error
// caught by the tests.
func NewTemplates(p config.Provider, baseURL string) (*Templates, error) {
	t := &Templates{provider: p, baseURL: strings.TrimRight(baseURL, "/"), parsed: map[string]map[string][2]*template.Template{}}
	for _, name := range names {
		t.parsed[name] = map[string][2]*template.Template{}
		for _, lang := range []string{"zh", "en"} {
			var pair [2]*template.Template
			for i, part := range []string{"subject", "body"} {
				key := "mail." + name + "." + part
				if !words.Has(key) {
					return nil, fmt.Errorf("template %s: the catalogue has no %s", name, key)
				}
				src := words.T(lang, key)
				tpl, err := template.New(name + "." + lang).Option("missingkey=error").Funcs(t.funcs()).Parse(src)
				if err != nil {
					return nil, fmt.Errorf("template %s.%s: %w", name, lang, err)
				}
				pair[i] = tpl
			}
			t.parsed[name][lang] = pair
		}
	}
	return t, nil
}

// Names lists the templates, sorted.
func (t *Templates) Names() []string {
	out := make([]string, 0, len(t.parsed))
	for n := range t.parsed {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ErrUnknownTemplate is returned by Render for a name not in Names.
var ErrUnknownTemplate = fmt.Errorf("unknown notification template")

// Render produces the subject and body of template name in lang ("en";
// anything else is Chinese). Empty provider fields of d are filled from
// the provider settings.
func (t *Templates) Render(name, lang string, d Data) (subject, body string, err error) {
	if lang != "en" {
		lang = "zh"
	}
	pair, ok := t.parsed[name][lang]
	if !ok {
		return "", "", fmt.Errorf("%w: %q", ErrUnknownTemplate, name)
	}
	if d.Offices == nil {
		d.Offices = t.provider.Offices
	}
	if d.MailingAddress == "" {
		d.MailingAddress = t.provider.MailingAddress
	}
	if d.ProviderName == "" {
		d.ProviderName = t.provider.Name
	}
	if d.BaseURL == "" {
		d.BaseURL = t.baseURL
	}
	var out [2]string
	for i, tpl := range pair {
		var b bytes.Buffer
		if err := tpl.Execute(&b, d); err != nil {
			return "", "", fmt.Errorf("render %s.%s: %w", name, lang, err)
		}
		out[i] = b.String()
	}
	return strings.TrimSpace(out[0]), strings.TrimSpace(out[1]) + "\n", nil
}

func (t *Templates) funcs() template.FuncMap {
	return template.FuncMap{
		"hello": func(name, lang string) string {
			if lang == "en" {
				if name == "" {
					return "Hello,"
				}
				return "Hello " + name + ","
			}
			if name == "" {
				return "您好："
			}
			return name + "，您好："
		},
		"link": func(p string) string {
			if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
				return p
			}
			if p == "" {
				p = "/"
			}
			if !strings.HasPrefix(p, "/") {
				p = "/" + p
			}
			return t.baseURL + p
		},
		"join":         strings.Join,
		"inc":          func(i int) int { return i + 1 },
		"bureauSender": func() string { return BureauSMSSender },
		"footers":      footers,
		// Fields, flows and states are named as the pages name them (package words).
		"fieldName": func(path, lang string) string { return words.Field(lang, path) },
		"flowName":  func(flow, lang string) string { return words.Flow(lang, flow) },
		// flowInSentence is a flow's name inside a sentence ("your access cancellation").
		"flowInSentence": func(flow, lang string) string { return words.FlowInSentence(lang, flow) },
		"stateName":      func(state, lang string) string { return words.State(lang, state) },
		// The monitor's problems are named as the back office names them.
		"problemName": func(kind, lang string) string { return words.T(lang, "monitor.problem."+kind) },
		"dutyName":    func(kind, lang string) string { return words.T(lang, "duty.kind."+kind) },
		// roles names the reader's roles in a filing (主体负责人、网站负责人).
		"roles": func(roles []string, lang string) string {
			var out []string
			for _, r := range roles {
				out = append(out, words.T(lang, "sms.role."+r))
			}
			sep := "、"
			if lang == "en" {
				return "the " + strings.ToLower(strings.Join(out, " and "))
			}
			return strings.Join(out, sep)
		},
	}
}

// footers gives the HTML to paste into each website's footer: the website
// number linked to the MIIT's public lookup (the bureaus require the link).
func footers(n *Numbers) []string {
	if n == nil {
		return nil
	}
	var out []string
	for _, w := range n.Websites {
		out = append(out, `<a href="https://beian.miit.gov.cn/" target="_blank" rel="noopener">`+w.Number+`</a>`)
	}
	if len(out) == 0 && n.Subject != "" {
		out = append(out, `<a href="https://beian.miit.gov.cn/" target="_blank" rel="noopener">`+n.Subject+`</a>`)
	}
	return out
}
