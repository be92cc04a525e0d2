package backoffice

import (
	"encoding/json"
	"fmt"
	"strings"

	"beian/internal/filing"
	"beian/internal/refdata"
	"beian/internal/service"
	"beian/internal/words"
)

// fieldOption is one entry of the reason's field select.
type fieldOption struct {
	Path, Label string
}

var subjectFields = []string{"province", "city", "county", "nature", "cert_type", "cert_number", "name", "cert_address",
	"mailing_address", "investor", "emergency_phone", "remark"}
var personFields = []string{"name", "cert_type", "cert_number", "cert_valid_from", "cert_valid_until", "office_phone", "mobile", "email"}
var websiteFields = []string{"name", "domain", "homepage_url", "content_types", "languages", "pre_approvals", "remark"}
var accessFields = []string{"method", "ips", "server_location"}

// FieldLabel names a field path for people, as the applicant's form does
// (words.Field): "网站 1 · 网站负责人 · 手机号码".
func FieldLabel(lang, path string) string { return words.Field(lang, path) }

// fieldOptions lists every field path of doc a reason may name, with labels.
func fieldOptions(lang string, doc filing.Document) []fieldOption {
	var paths []string
	for _, f := range subjectFields {
		paths = append(paths, "subject."+f)
	}
	for _, f := range personFields {
		paths = append(paths, "subject.leader."+f)
	}
	for i := range doc.Websites {
		p := fmt.Sprintf("websites[%d]", i)
		for _, f := range websiteFields {
			paths = append(paths, p+"."+f)
		}
		for _, f := range personFields {
			paths = append(paths, p+".leader."+f)
		}
		for _, f := range accessFields {
			paths = append(paths, p+".access."+f)
		}
	}
	for _, k := range service.AttachmentKinds {
		if !k.PerWebsite {
			paths = append(paths, "attachments."+k.Key)
			continue
		}
		for i := range doc.Websites {
			paths = append(paths, fmt.Sprintf("attachments.%s[%d]", k.Key, i))
		}
	}
	out := make([]fieldOption, 0, len(paths))
	for _, p := range paths {
		out = append(out, fieldOption{Path: p, Label: FieldLabel(lang, p)})
	}
	return out
}

// docRow is one field of the document as the application view lists it.
type docRow struct {
	Path, Label, Value string
	Before             string // the value at the last rejection, for a changed field
	Changed            bool
	Section            string // a heading starts here
}

// flatten maps each leaf path of doc to its values (a list of plain
// values, such as content_types, under one path).
func flatten(doc filing.Document) map[string][]string {
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

// leaf is a path's last field name: websites[0].access.method → method.
func leaf(path string) string {
	l := path[strings.LastIndexByte(path, '.')+1:]
	if i := strings.IndexByte(l, '['); i >= 0 {
		l = l[:i]
	}
	return l
}

// documentRows lists the document's fields in form order with their
// values in words: reference keys and codes by their names.
func documentRows(lang string, doc filing.Document, changed map[string]bool) []docRow {
	values := flatten(doc)
	ref := refdata.Default()
	pre := func(ps []filing.PreApproval) string {
		var s []string
		for _, p := range ps {
			s = append(s, ref.ValueName(lang, "category", p.Category)+" "+p.Number)
		}
		return strings.Join(s, "; ")
	}
	var rows []docRow
	section := ""
	for _, o := range fieldOptions(lang, doc) {
		if strings.HasPrefix(o.Path, "attachments.") {
			continue
		}
		head := strings.SplitN(o.Path, ".", 2)[0]
		r := docRow{Path: o.Path, Label: FieldLabel(lang, o.Path), Value: ref.ValueNames(lang, leaf(o.Path), values[o.Path]), Changed: changed[o.Path]}
		if strings.HasSuffix(o.Path, ".pre_approvals") {
			var i int
			fmt.Sscanf(o.Path, "websites[%d]", &i)
			if i < len(doc.Websites) {
				r.Value = pre(doc.Websites[i].PreApprovals)
			}
		}
		if head != section {
			section = head
			r.Section = FieldLabel(lang, head)
		}
		rows = append(rows, r)
	}
	return rows
}
