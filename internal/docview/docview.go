// Package docview shows a filing document to people: its fields in form
// order, each labelled as the form labels it (words.Field) with its value
// in words (refdata: provinces, natures, certificate types … by name). The
// reviewer's workbench, the applicant's summary before submitting and the
// read-only view of what was submitted all list a document through it.
package docview

import (
	"encoding/json"
	"fmt"
	"strings"

	"beian/internal/filing"
	"beian/internal/refdata"
	"beian/internal/words"
)

var (
	subjectFields = []string{"province", "city", "county", "nature", "cert_type", "cert_number", "name", "cert_address",
		"mailing_address", "investor", "emergency_phone", "remark"}
	personFields  = []string{"name", "cert_type", "cert_number", "cert_valid_from", "cert_valid_until", "office_phone", "mobile", "email"}
	websiteFields = []string{"name", "domain", "homepage_url", "content_types", "languages", "pre_approvals", "remark"}
	accessFields  = []string{"method", "ips", "server_location"}
)

// Paths lists every field path of doc in form order (the subject, its
// leader, then each website with its leader and access). A website's
// declared domain holder follows its domain, where one is declared.
func Paths(doc filing.Document) []string {
	var paths []string
	for _, f := range subjectFields {
		paths = append(paths, "subject."+f)
	}
	for _, f := range personFields {
		paths = append(paths, "subject.leader."+f)
	}
	for i, w := range doc.Websites {
		p := fmt.Sprintf("websites[%d]", i)
		for _, f := range websiteFields {
			paths = append(paths, p+"."+f)
			if f == "domain" && w.DomainHolder.Declared() {
				paths = append(paths, p+".domain_holder.relation", p+".domain_holder.name")
			}
		}
		for _, f := range personFields {
			paths = append(paths, p+".leader."+f)
		}
		for _, f := range accessFields {
			paths = append(paths, p+".access."+f)
		}
	}
	return paths
}

// Row is one field of the document as people read it.
type Row struct {
	Path, Label, Value string
	Changed            bool
	Section            string // a heading starts here: 主办者信息, 网站 1 …
}

// Flatten maps each leaf path of doc to its values (a list of plain
// values, such as content_types, under one path).
func Flatten(doc filing.Document) map[string][]string {
	raw, _ := json.Marshal(doc)
	var tree any
	_ = json.Unmarshal(raw, &tree)
	out := map[string][]string{}
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(c, p)
			}
		case []any:
			var plain []string
			for i, c := range x {
				if _, ok := c.(map[string]any); ok {
					walk(c, fmt.Sprintf("%s[%d]", path, i))
					continue
				}
				plain = append(plain, fmt.Sprint(c))
			}
			if len(plain) > 0 || len(x) == 0 {
				out[path] = plain
			}
		case nil:
			out[path] = nil
		default:
			out[path] = []string{fmt.Sprint(x)}
		}
	}
	walk(tree, "")
	return out
}

// Leaf is a path's last field name: websites[0].access.method → method.
func Leaf(path string) string {
	l := path[strings.LastIndexByte(path, '.')+1:]
	if i := strings.IndexByte(l, '['); i >= 0 {
		l = l[:i]
	}
	return l
}

// Rows lists the document's fields in form order with their values in
// words; changed marks fields changed since the last rejection.
func Rows(lang string, doc filing.Document, changed map[string]bool) []Row {
	values := Flatten(doc)
	ref := refdata.Default()
	pre := func(ps []filing.PreApproval) string {
		var s []string
		for _, p := range ps {
			s = append(s, ref.ValueName(lang, "category", p.Category)+" "+p.Number)
		}
		return strings.Join(s, "; ")
	}
	var rows []Row
	section := ""
	for _, path := range Paths(doc) {
		head := strings.SplitN(path, ".", 2)[0]
		r := Row{Path: path, Label: words.Field(lang, path), Value: ref.ValueNames(lang, Leaf(path), values[path]), Changed: changed[path]}
		if strings.HasSuffix(path, ".domain_holder.relation") {
			r.Value = words.Relation(lang, strings.Join(values[path], ""))
		}
		if strings.HasSuffix(path, ".pre_approvals") {
			var i int
			fmt.Sscanf(path, "websites[%d]", &i)
			if i < len(doc.Websites) {
				r.Value = pre(doc.Websites[i].PreApprovals)
			}
		}
		if head != section {
			section = head
			r.Section = words.Field(lang, head)
			if head == "subject" {
				r.Section = words.T(lang, "step.subject")
			}
		}
		rows = append(rows, r)
	}
	return rows
}
