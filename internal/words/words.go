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
	"io/fs"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"beian/internal/filing"
)

// The catalogue's files: the pages' words (zh.json, en.json), the messages
// of the rules and the service (rules.*.json, messages.*.json), and the
// notification templates, one text file a notification and language
// (mail/<lang>/<name>.txt: the subject line, a blank line, the body) —
// keys mail.<name>.subject and mail.<name>.body.
//
//go:embed *.json mail
var files embed.FS

var zh, en = load("zh"), load("en")

func load(lang string) map[string]string {
	m := map[string]string{}
	add := func(name, key, value string) {
		if _, dup := m[key]; dup {
			panic("words: " + name + ": " + key + " is in the catalogue twice")
		}
		m[key] = value
	}
	jsons, _ := fs.Glob(files, "*"+lang+".json") // zh.json, rules.zh.json …
	for _, name := range jsons {
		b, err := files.ReadFile(name)
		if err != nil {
			panic(err) // the embed directive guarantees the file
		}
		part := map[string]string{}
		if err := json.Unmarshal(b, &part); err != nil {
			panic("words: " + name + ": " + err.Error()) // the catalogue test parses it first
		}
		for k, v := range part {
			add(name, k, v)
		}
	}
	mails, _ := fs.Glob(files, "mail/"+lang+"/*.txt")
	for _, name := range mails {
		b, err := files.ReadFile(name)
		if err != nil {
			panic(err)
		}
		subject, body, ok := strings.Cut(string(b), "\n\n")
		if !ok {
			panic("words: " + name + ": no blank line after the subject")
		}
		tpl := "mail." + strings.TrimSuffix(path.Base(name), ".txt")
		add(name, tpl+".subject", subject)
		add(name, tpl+".body", body)
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

// Relation is the name of a domain holder's relation to the subject
// (filing.HolderRelations: 股东, 单位主要负责人, 高级管理人员).
func Relation(lang, relation string) string { return name(lang, "holder.relation.", relation) }

// FlowInSentence is a flow's name inside a sentence: English names are
// capitalised as labels ("Access cancellation"), so mid-sentence the first
// letter goes to lower case ("your access cancellation").
func FlowInSentence(lang, flow string) string {
	n := Flow(lang, flow)
	if lang != "en" || n == "" {
		return n
	}
	r, size := utf8.DecodeRuneInString(n)
	return string(unicode.ToLower(r)) + n[size:]
}

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
