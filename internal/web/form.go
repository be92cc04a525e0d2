package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"beian/internal/filing"
)

// The filing form's input names are the document paths the rules use in
// violations (rules.md: subject.leader.mobile, websites[1].access.ips), so
// a violation finds its input by name alone.

// strField binds one string of a struct to its name in the document.
type strField[T any] struct {
	name string
	ptr  func(*T) *string
}

var subjectFields = []strField[filing.Subject]{
	{"province", func(s *filing.Subject) *string { return &s.Province }},
	{"city", func(s *filing.Subject) *string { return &s.City }},
	{"county", func(s *filing.Subject) *string { return &s.County }},
	{"nature", func(s *filing.Subject) *string { return &s.Nature }},
	{"cert_type", func(s *filing.Subject) *string { return &s.CertType }},
	{"cert_number", func(s *filing.Subject) *string { return &s.CertNumber }},
	{"name", func(s *filing.Subject) *string { return &s.Name }},
	{"cert_address", func(s *filing.Subject) *string { return &s.CertAddress }},
	{"mailing_address", func(s *filing.Subject) *string { return &s.MailingAddress }},
	{"investor", func(s *filing.Subject) *string { return &s.Investor }},
	{"emergency_phone", func(s *filing.Subject) *string { return &s.EmergencyPhone }},
	{"remark", func(s *filing.Subject) *string { return &s.Remark }},
}

var personFields = []strField[filing.Person]{
	{"name", func(p *filing.Person) *string { return &p.Name }},
	{"cert_type", func(p *filing.Person) *string { return &p.CertType }},
	{"cert_number", func(p *filing.Person) *string { return &p.CertNumber }},
	{"cert_valid_from", func(p *filing.Person) *string { return &p.CertValidFrom }},
	{"cert_valid_until", func(p *filing.Person) *string { return &p.CertValidUntil }},
	{"office_phone", func(p *filing.Person) *string { return &p.OfficePhone }},
	{"mobile", func(p *filing.Person) *string { return &p.Mobile }},
	{"email", func(p *filing.Person) *string { return &p.Email }},
}

var websiteFields = []strField[filing.Website]{
	{"name", func(w *filing.Website) *string { return &w.Name }},
	{"domain", func(w *filing.Website) *string { return &w.Domain }},
	{"homepage_url", func(w *filing.Website) *string { return &w.HomepageURL }},
	{"remark", func(w *filing.Website) *string { return &w.Remark }},
	// The declared domain holder (filing.DomainHolder): an organization's
	// shareholder, main leader or senior manager holding the domain.
	{"domain_holder.relation", func(w *filing.Website) *string { return &w.DomainHolder.Relation }},
	{"domain_holder.name", func(w *filing.Website) *string { return &w.DomainHolder.Name }},
}

func wsPath(i int) string { return "websites[" + strconv.Itoa(i) + "]" }

// flatten turns a document into form values keyed by document path.
func flatten(doc filing.Document) url.Values {
	v := url.Values{}
	s := doc.Subject
	for _, f := range subjectFields {
		v.Set("subject."+f.name, *f.ptr(&s))
	}
	flattenPerson(v, "subject.leader", s.Leader)
	for i, w := range doc.Websites {
		p := wsPath(i)
		for _, f := range websiteFields {
			v.Set(p+"."+f.name, *f.ptr(&w))
		}
		v[p+".content_types"] = append([]string(nil), w.ContentTypes...)
		v[p+".languages"] = append([]string(nil), w.Languages...)
		for j, pa := range w.PreApprovals {
			q := p + ".pre_approvals[" + strconv.Itoa(j) + "]"
			v.Set(q+".category", pa.Category)
			v.Set(q+".number", pa.Number)
		}
		flattenPerson(v, p+".leader", w.Leader)
		v.Set(p+".access.method", w.Access.Method)
		v.Set(p+".access.ips", strings.Join(w.Access.IPs, "\n"))
		v.Set(p+".access.server_location", w.Access.ServerLocation)
	}
	return v
}

func flattenPerson(v url.Values, prefix string, p filing.Person) {
	for _, f := range personFields {
		v.Set(prefix+"."+f.name, *f.ptr(&p))
	}
}

// locker says which document paths the applicant may not change: the
// pre-check inputs, what comes from a filing record, and everything once
// the application is locked.
type locker struct {
	flow     string
	editable bool
	own      bool // the service's FromOwnRecord: the filed parts are read-only
}

func (l locker) locked(path string) bool {
	if !l.editable {
		return true
	}
	switch path {
	case "subject.cert_type", "subject.cert_number", "websites[0].domain":
		return true
	}
	subject := strings.HasPrefix(path, "subject.")
	access := strings.Contains(path, ".access.")
	switch l.flow {
	case filing.FlowNewWebsite:
		return subject && l.own
	case filing.FlowNewAccess:
		return l.own && (subject || (strings.HasPrefix(path, "websites[0].") && !access))
	case filing.FlowChangeSubject:
		return path == "subject.province" || !subject
	case filing.FlowChangeWebsite:
		return subject || strings.HasSuffix(path, ".domain")
	case filing.FlowChangeAccess:
		return !access
	case filing.FlowCancelSubject, filing.FlowCancelWebsite, filing.FlowCancelAccess:
		return path != "subject.remark"
	}
	return false
}

// canAddWebsites reports whether the flow files more than one website.
func canAddWebsites(flow string) bool {
	return flow == filing.FlowFirstFiling || flow == filing.FlowNewWebsite
}

// setStr copies a posted value into the document unless it is locked.
func setStr(dst *string, form url.Values, path string, l locker) {
	if l.locked(path) {
		return
	}
	*dst = strings.TrimSpace(form.Get(path))
}

func mergePerson(p *filing.Person, form url.Values, prefix string, l locker) {
	for _, f := range personFields {
		path := prefix + "." + f.name
		setStr(f.ptr(p), form, path, l)
		if f.name == "cert_valid_until" && !l.locked(path) && form.Get(path+".long_term") != "" {
			p.CertValidUntil = filing.LongTerm
		}
	}
}

// mergeSubject applies the subject step's fields.
func mergeSubject(doc *filing.Document, form url.Values, l locker) {
	for _, f := range subjectFields {
		setStr(f.ptr(&doc.Subject), form, "subject."+f.name, l)
	}
	mergePerson(&doc.Subject.Leader, form, "subject.leader", l)
}

// formInt reads a small non-negative count from the form.
func formInt(form url.Values, name string, max int) int {
	n, err := strconv.Atoi(form.Get(name))
	if err != nil || n < 0 {
		return 0
	}
	return min(n, max)
}

// mergeWebsites applies the websites step's fields. Each website keeps its
// access (edited on the next step); the count comes from the form, so a
// website added or removed in another tab is not silently lost.
func mergeWebsites(doc *filing.Document, form url.Values, l locker, max int) {
	n := formInt(form, "websites.count", max)
	if n == 0 {
		n = len(doc.Websites)
	}
	out := make([]filing.Website, n)
	for i := range out {
		if i < len(doc.Websites) {
			out[i] = doc.Websites[i]
		}
		w := &out[i]
		p := wsPath(i)
		for _, f := range websiteFields {
			setStr(f.ptr(w), form, p+"."+f.name, l)
		}
		if !l.locked(p + ".content_types") {
			w.ContentTypes = cleanList(form[p+".content_types"], filing.MaxContentTypes)
		}
		if !l.locked(p + ".languages") {
			w.Languages = cleanList(form[p+".languages"], filing.MaxLanguages)
		}
		if !l.locked(p + ".pre_approvals") {
			// One row past the bound, so the service refuses the list rather than
			// the form losing what was typed.
			rows := formInt(form, p+".pre_approvals.count", filing.MaxPreApprovals+1)
			w.PreApprovals = []filing.PreApproval{}
			for j := 0; j < rows; j++ {
				q := p + ".pre_approvals[" + strconv.Itoa(j) + "]"
				pa := filing.PreApproval{Category: strings.TrimSpace(form.Get(q + ".category")), Number: strings.TrimSpace(form.Get(q + ".number"))}
				if pa.Category != "" || pa.Number != "" {
					w.PreApprovals = append(w.PreApprovals, pa)
				}
			}
		}
		if form.Get(p+".leader.same") != "" && !l.locked(p+".leader.name") {
			w.Leader = doc.Subject.Leader
		} else {
			mergePerson(&w.Leader, form, p+".leader", l)
		}
		if w.ContentTypes == nil {
			w.ContentTypes = []string{}
		}
		if w.Languages == nil {
			w.Languages = []string{}
		}
		if w.Access.IPs == nil {
			w.Access.IPs = []string{}
		}
	}
	doc.Websites = out
}

// mergeAccess applies the access step's fields.
func mergeAccess(doc *filing.Document, form url.Values, l locker) {
	for i := range doc.Websites {
		p := wsPath(i) + ".access"
		a := &doc.Websites[i].Access
		setStr(&a.Method, form, p+".method", l)
		setStr(&a.ServerLocation, form, p+".server_location", l)
		if !l.locked(p + ".ips") {
			a.IPs = splitIPs(form.Get(p+".ips"), filing.MaxIPs)
		}
	}
}

// splitIPs accepts addresses one a line, or separated by commas or
// spaces; it keeps one past max, for the service to refuse the list.
func splitIPs(s string, max int) []string {
	out := []string{}
	// Any Unicode space separates (a pasted list may hold U+3000 or a
	// vertical tab), so no entry is blank.
	for f := range strings.FieldsFuncSeq(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '，' || r == ';' || r == '；'
	}) {
		if len(out) > max {
			break
		}
		out = append(out, f)
	}
	return out
}

// cleanList trims and deduplicates a posted list, keeping one entry past
// max so the service refuses the list (and a form of 100,000 values costs
// no more than one of max).
func cleanList(in []string, max int) []string {
	out := []string{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			if len(out) > max {
				break
			}
			out = append(out, s)
		}
	}
	return out
}

// newWebsite is the blank website "新增网站" adds: its leader starts as
// the subject leader, the common case.
func newWebsite(doc filing.Document) filing.Website {
	return filing.Website{ContentTypes: []string{}, Languages: []string{}, PreApprovals: []filing.PreApproval{},
		Leader: doc.Subject.Leader, Access: filing.Access{IPs: []string{}}}
}

// stepOf names the step that edits a violation's field.
func stepOf(field string) string {
	switch {
	case strings.HasPrefix(field, "subject"):
		return "subject"
	case strings.HasPrefix(field, "websites") && strings.Contains(field, ".access"):
		return "access"
	case strings.HasPrefix(field, "websites"):
		return "websites"
	case strings.HasPrefix(field, "attachments"):
		return "uploads"
	}
	return "submit"
}

// fieldMatches reports whether a violation's field belongs to the input
// named name: the same path, or a part of it (websites[0].access.ips[1]
// belongs to the textarea websites[0].access.ips).
func fieldMatches(field, name string) bool {
	return field == name || strings.HasPrefix(field, name+"[") || strings.HasPrefix(field, name+".")
}
