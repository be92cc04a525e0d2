package backoffice

import (
	"encoding/json"
	"fmt"
	"strings"

	"beian/internal/filing"
	"beian/internal/refdata"
	"beian/internal/service"
)

// fieldOption is one entry of the reason's field select.
type fieldOption struct {
	Path, Label string
}

var leafNames = map[string][2]string{
	"province": {"省份", "province"}, "city": {"城市", "city"}, "county": {"区县", "county"},
	"nature": {"单位性质", "nature"}, "cert_type": {"证件类型", "certificate type"}, "cert_number": {"证件号码", "certificate number"},
	"name": {"名称", "name"}, "cert_address": {"证件住所", "certificate address"}, "mailing_address": {"通信地址", "mailing address"},
	"investor": {"投资人或主管单位", "investor"}, "emergency_phone": {"应急联系电话", "emergency phone"}, "remark": {"备注", "remark"},
	"cert_valid_from": {"证件有效期起", "certificate valid from"}, "cert_valid_until": {"证件有效期止", "certificate valid until"},
	"office_phone": {"办公电话", "office phone"}, "mobile": {"手机号码", "mobile"}, "email": {"电子邮箱", "email"},
	"domain": {"域名", "domain"}, "homepage_url": {"首页地址", "homepage URL"}, "content_types": {"网站内容类型", "content types"},
	"languages": {"网站语言", "languages"}, "pre_approvals": {"前置审批", "pre-approvals"},
	"method": {"接入方式", "access method"}, "ips": {"IP 地址", "IP addresses"}, "server_location": {"服务器放置地", "server location"},
}

var subjectFields = []string{"province", "city", "county", "nature", "cert_type", "cert_number", "name", "cert_address",
	"mailing_address", "investor", "emergency_phone", "remark"}
var personFields = []string{"name", "cert_type", "cert_number", "cert_valid_from", "cert_valid_until", "office_phone", "mobile", "email"}
var websiteFields = []string{"name", "domain", "homepage_url", "content_types", "languages", "pre_approvals", "remark"}
var accessFields = []string{"method", "ips", "server_location"}

// FieldLabel names a field path for people: "网站 1 · 负责人 · 手机号码".
func FieldLabel(lang, path string) string {
	idx := 0
	if lang == "en" {
		idx = 1
	}
	var parts []string
	for _, seg := range strings.Split(path, ".") {
		name, n := seg, -1
		if i := strings.IndexByte(seg, '['); i > 0 && strings.HasSuffix(seg, "]") {
			name = seg[:i]
			fmt.Sscanf(seg[i+1:len(seg)-1], "%d", &n)
		}
		switch name {
		case "subject":
			parts = append(parts, [2]string{"主办单位", "Subject"}[idx])
		case "websites":
			parts = append(parts, fmt.Sprintf([2]string{"网站 %d", "Website %d"}[idx], n+1))
		case "leader":
			parts = append(parts, [2]string{"负责人", "leader"}[idx])
		case "access":
			parts = append(parts, [2]string{"接入", "access"}[idx])
		case "attachments":
			parts = append(parts, [2]string{"附件", "Attachment"}[idx])
		default:
			label := name
			if l, ok := leafNames[name]; ok {
				label = l[idx]
			} else if k, ok := service.Kind(name); ok {
				label = k.Name.In(lang)
			}
			if n >= 0 && name != "websites" {
				label += fmt.Sprintf(" [%d]", n+1)
			}
			parts = append(parts, label)
		}
	}
	return strings.Join(parts, " · ")
}

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
