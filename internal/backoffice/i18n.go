package backoffice

import (
	"html/template"
	"strings"

	"beian/internal/refdata"
	"beian/internal/words"
)

// tr is key's word in lang (the one catalogue, package words).
func tr(lang, key string, args ...any) string { return words.T(lang, key, args...) }

var funcs = template.FuncMap{
	"stateName": func(s, lang string) string { return words.State(lang, s) },
	"join":      strings.Join,
	"flowName":  func(f, lang string) string { return words.Flow(lang, f) },
	"provinceName": func(code, lang string) string {
		if p, ok := refdata.Default().Province(code); ok {
			if lang == "en" {
				return p.NameEN
			}
			return p.Name
		}
		return code
	},
	"fieldLabel": func(path, lang string) string { return FieldLabel(lang, path) },
	"add":        func(a, b int) int { return a + b },
	// The compliance monitor's report (monitor.go).
	"openProblems": confirmed,
	"proposal":     proposal,
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
}
