package filing

// Severities of a violation.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Text is a message in both languages the product speaks.
type Text struct {
	ZH string
	EN string
}

// In returns the text in lang ("en" or anything else for Chinese).
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.ZH
}

// Violation is one broken rule (spec/rules.md). Message holds both
// languages; Localize picks one when the violation leaves the process.
type Violation struct {
	Rule     string `json:"rule"`
	Field    string `json:"field"`
	Severity string `json:"severity"`
	Message  Text   `json:"-"`
}

// LocalizedViolation is a violation as the API renders it.
type LocalizedViolation struct {
	Rule     string `json:"rule"`
	Field    string `json:"field"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// Localize renders violations in one language; it never returns nil so the
// JSON is always an array.
func Localize(vs []Violation, lang string) []LocalizedViolation {
	out := make([]LocalizedViolation, 0, len(vs))
	for _, v := range vs {
		out = append(out, LocalizedViolation{Rule: v.Rule, Field: v.Field, Severity: v.Severity, Message: v.Message.In(lang)})
	}
	return out
}

// HasErrors reports whether any violation blocks submission.
func HasErrors(vs []Violation) bool {
	for _, v := range vs {
		if v.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Reason is one field-level reason of a rejection (workflow.md).
type Reason struct {
	Field   string `json:"field"`
	Rule    string `json:"rule,omitempty"`
	Message string `json:"message"`
	// MessageEN is the English of a reason picked from the catalogue of
	// common reasons (Message is then its Chinese); a reviewer's own
	// words have one language only.
	MessageEN string `json:"message_en,omitempty"`
}

// Text is the reason in the reader's language where it has one.
func (r Reason) Text(lang string) string {
	if lang == "en" && r.MessageEN != "" {
		return r.MessageEN
	}
	return r.Message
}
