package words

import (
	"regexp"
	"strings"
	"testing"

	"beian/internal/filing"
	"beian/internal/workflow"
)

var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// args are the format arguments a word takes: a string quoted the English
// way (%q) is the same argument as one between Chinese quotes (“%s”).
func args(s string) []string {
	out := verb.FindAllString(s, -1)
	for i, v := range out {
		if v == "%q" {
			out[i] = "%s"
		}
	}
	return out
}

// TestComplete: every word has both languages, neither empty, and both
// take the same format arguments in the same order.
func TestComplete(t *testing.T) {
	if len(zh) < 500 {
		t.Fatalf("only %d words: is the catalogue loaded?", len(zh))
	}
	for k, z := range zh {
		e, ok := en[k]
		switch {
		case !ok:
			t.Errorf("%s has no English", k)
		case z == "" || e == "":
			t.Errorf("%s is empty in a language", k)
		case !equal(args(z), args(e)):
			t.Errorf("%s: the languages take different arguments: %q / %q", k, z, e)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("%s has no Chinese", k)
		}
	}
	// Every state and flow is named once, here.
	for _, st := range workflow.States {
		if !Has("state." + string(st)) {
			t.Errorf("state %s has no name", st)
		}
	}
	for _, f := range filing.Flows {
		if !Has("flow." + f) {
			t.Errorf("flow %s has no name", f)
		}
	}
	for _, r := range filing.HolderRelations {
		if !Has("holder.relation." + r) {
			t.Errorf("relation %s has no name", r)
		}
	}
	for _, k := range []string{"staff.product", "nav.logout"} {
		if !Has(k) {
			t.Errorf("%s missing", k)
		}
	}
	if State("zh", "approved") != "已备案" || Flow("en", "nope") != "nope" || T("en", "website.n", 2) != "Website 2" {
		t.Errorf("names: %q %q %q", State("zh", "approved"), Flow("en", "nope"), T("en", "website.n", 2))
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestMailTemplates: every notification has a subject and a body in both
// languages, and both name the same data (a field the English mail shows,
// the Chinese one shows too).
func TestMailTemplates(t *testing.T) {
	field := regexp.MustCompile(`\.[A-Z][A-Za-z]*`)
	uses := func(s string) map[string]bool {
		out := map[string]bool{}
		for _, action := range regexp.MustCompile(`{{.*?}}`).FindAllString(s, -1) {
			for _, f := range field.FindAllString(action, -1) {
				out[f] = true
			}
		}
		return out
	}
	n := 0
	for k, z := range zh {
		if !strings.HasPrefix(k, "mail.") {
			continue
		}
		n++
		zu, eu := uses(z), uses(en[k])
		for f := range zu {
			if !eu[f] {
				t.Errorf("%s: the Chinese names %s, the English does not", k, f)
			}
		}
		for f := range eu {
			if !zu[f] {
				t.Errorf("%s: the English names %s, the Chinese does not", k, f)
			}
		}
	}
	if n < 2*18 {
		t.Errorf("%d mail texts: are the templates loaded?", n)
	}
	if got := FlowInSentence("en", "cancel_website"); got != "website cancellation" {
		t.Errorf("FlowInSentence(en) = %q", got)
	}
	if got := FlowInSentence("zh", "cancel_website"); got != Flow("zh", "cancel_website") {
		t.Errorf("FlowInSentence(zh) = %q", got)
	}
}
