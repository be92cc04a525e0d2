// Package words is Beian's one catalogue of words in Chinese and English:
// the pages' texts, the back office's, the names of states and flows,
// used by every door (and the mails' and the API's messages where they
// name a state or a flow). The catalogue is data — zh.json and en.json,
// embedded — with one key per word; a test keeps both languages complete
// and every key a page names present. Formats take fmt verbs (%d, %s),
// the same in both languages.
package words

import (
	"embed"
	"encoding/json"
	"fmt"

	"beian/internal/filing"
)

//go:embed zh.json en.json
var files embed.FS

var zh, en = load("zh.json"), load("en.json")

func load(name string) map[string]string {
	b, err := files.ReadFile(name)
	if err != nil {
		panic(err) // the embed directive guarantees the file
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		panic("words: " + name + ": " + err.Error()) // the catalogue test parses it first
	}
	return m
}

// Has reports whether the catalogue knows key.
func Has(key string) bool {
	_, ok := zh[key]
	return ok
}

// T is key's word in lang ("en", else Chinese), formatted with args. A
// key the catalogue lacks shows itself, which the tests catch.
func T(lang, key string, args ...any) string {
	m := zh
	if lang == "en" {
		m = en
	}
	s, ok := m[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Text is key's word in both languages, for messages that leave the
// process and are rendered later (violations, errors).
func Text(key string, args ...any) filing.Text {
	return filing.Text{ZH: T("zh", key, args...), EN: T("en", key, args...)}
}

// State is a workflow state's name.
func State(lang, state string) string { return name(lang, "state.", state) }

// Flow is a filing flow's name.
func Flow(lang, flow string) string { return name(lang, "flow.", flow) }

func name(lang, prefix, key string) string {
	if !Has(prefix + key) {
		return key
	}
	return T(lang, prefix+key)
}

// Keys lists every key of the catalogue (for tests).
func Keys() []string {
	out := make([]string, 0, len(zh))
	for k := range zh {
		out = append(out, k)
	}
	return out
}
