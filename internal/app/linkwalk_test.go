package app

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"beian/internal/service"
)

// A visitor of the tour: who, and where their journey starts.
type visitor struct {
	name  string
	token string // session cookie; "" for someone not logged in
	lang  string
	start []string
}

// visitors are the tour's people: two applicants, a reviewer, an admin and
// someone not logged in, each starting from the pages their menus offer.
func (tr *tour) visitors() []visitor {
	applicant := []string{"/", "/?tab=change", "/?tab=cancel", "/apply", "/filings", "/lookup", "/lookup?q=tour-01.cn"}
	staff := []string{"/review", "/review?overdue=1", "/admin/staff", "/admin/outbox", "/admin/audit", "/admin/bureau"}
	return []visitor{
		{"applicant", tr.tokens[tr.applicant.Email], "zh", applicant},
		{"second", tr.tokens[tr.second.Email], "en", applicant},
		{"reviewer", tr.tokens[tr.reviewer.Email], "en", staff[:2]},
		{"admin", tr.tokens[tr.admin.Email], "zh", staff},
		{"visitor", "", "zh", []string{"/login", "/register", "/password/forgot", "/lookup", "/nowhere"}},
	}
}

// walked is one page a visitor saw.
type walked struct {
	path   string
	status int
}

// walk visits every internal page a visitor can reach by links and GET
// forms, checks every image, stylesheet and script, and probes every POST
// form's action without its CSRF token: the route exists when the answer
// is the CSRF refusal (403), and nothing changes. It returns the HTML pages
// seen and the problems found.
func (tr *tour) walk(v visitor) (pages []walked, problems []string) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path string) (*http.Response, []byte) {
		req, err := http.NewRequest(method, tr.srv.URL+path, nil)
		if err != nil {
			problems = append(problems, path+": "+err.Error())
			return nil, nil
		}
		req.AddCookie(&http.Cookie{Name: "lang", Value: v.lang})
		if v.token != "" {
			req.AddCookie(&http.Cookie{Name: "beian_session", Value: v.token})
		}
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := client.Do(req)
		if err != nil {
			problems = append(problems, path+": "+err.Error())
			return nil, nil
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	seen := map[string]bool{}
	queue := append([]string(nil), v.start...)
	from := map[string]string{}
	for _, s := range v.start {
		from[s] = "(start)"
	}
	enqueue := func(page, ref string) {
		if ref = localRef(page, ref); ref != "" && !seen[ref] && from[ref] == "" {
			from[ref] = page
			queue = append(queue, ref)
		}
	}
	probed := map[string]bool{}
	for len(queue) > 0 && len(seen) < 2000 {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		resp, body := do(http.MethodGet, path)
		if resp == nil {
			continue
		}
		switch {
		case resp.StatusCode >= 300 && resp.StatusCode < 400:
			enqueue(path, resp.Header.Get("Location"))
			continue
		case path == "/nowhere":
			if resp.StatusCode != http.StatusNotFound {
				problems = append(problems, "/nowhere answers "+resp.Status)
			}
			continue
		case resp.StatusCode != http.StatusOK:
			problems = append(problems, "GET "+path+" (linked from "+from[path]+"): "+resp.Status)
			continue
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		pages = append(pages, walked{path, resp.StatusCode})
		doc, err := html.Parse(strings.NewReader(string(body)))
		if err != nil {
			problems = append(problems, path+": "+err.Error())
			continue
		}
		if text := visibleText(doc); rawCode.MatchString(text) {
			loc := rawCode.FindStringIndex(text)
			around := strings.Join(strings.Fields(text[max(0, loc[0]-60):min(len(text), loc[1]+30)]), " ")
			problems = append(problems, path+" shows the internal name "+strconv.Quote(text[loc[0]:loc[1]])+" in …"+around+"…")
		}
		links, forms := scan(doc)
		for _, l := range links {
			enqueue(path, l)
		}
		for _, f := range forms {
			target := localRef(path, f.action)
			if target == "" {
				continue
			}
			if f.method == http.MethodGet {
				enqueue(path, target+queryOf(target, f.values))
				continue
			}
			if probed[target] {
				continue
			}
			probed[target] = true
			if resp, _ := do(http.MethodPost, target); resp != nil && resp.StatusCode != http.StatusForbidden {
				problems = append(problems, "POST "+target+" (form on "+path+"): "+resp.Status+", want the CSRF refusal 403")
			}
		}
	}
	if len(seen) >= 2000 {
		problems = append(problems, "more than 2000 pages: the walk does not end")
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].path < pages[j].path })
	return pages, problems
}

// rawCode matches what a reader must never see: a reference key, a state,
// flow or role key, a province code, a document path or a rule code.
var rawCode = regexp.MustCompile(`\b(business_license|resident_id|corporate_portal|zh-Hans|long_term|` +
	`first_filing|new_website|new_access|change_[a-z]+|cancel_[a-z]+|initial_review|initial_rejected|material_review|ready_for_bureau|` +
	`bureau_sms|bureau_review|bureau_rejected|subject_leader|website_leader)\b|\b(applicant|reviewer|admin|bureau)：|` +
	`\b[1-6][0-9]0000\b|\b(subject|websites|attachments)(\.|\[)[a-z0-9_\[\]]|` +
	`\b(precheck|application|attachment|review|sms|verification|account|bureau|domain|person|website|access)\.[a-z_]+\b`)

// visibleText is the text a reader sees: text nodes outside script and style.
func visibleText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style" || n.Data == "pre") {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// localRef resolves ref against page and returns it as a local path with
// its query, or "" for another site, a fragment or a non-HTTP scheme.
func localRef(page, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "mailto:") || strings.HasPrefix(ref, "javascript:") {
		return ""
	}
	base, err := url.Parse(page)
	if err != nil {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil || u.Host != "" {
		return ""
	}
	u.Fragment = ""
	return u.RequestURI()
}

// queryOf is a GET form's query string (the action's own query replaced).
func queryOf(target string, values url.Values) string {
	if strings.Contains(target, "?") || len(values) == 0 {
		return ""
	}
	return "?" + values.Encode()
}

type form struct {
	method, action string
	values         url.Values
}

// scan lists a page's links (a, link, script, img) and forms with the
// values they would send as they stand.
func scan(doc *html.Node) (links []string, forms []form) {
	var cur *form
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			a := attrs(n)
			switch n.Data {
			case "a", "link":
				links = append(links, a["href"])
			case "script", "img":
				links = append(links, a["src"])
			case "form":
				f := form{method: strings.ToUpper(a["method"]), action: a["action"], values: url.Values{}}
				if f.method == "" {
					f.method = http.MethodGet
				}
				forms = append(forms, f)
				cur = &forms[len(forms)-1]
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
				cur = nil
				return
			case "input":
				if cur != nil && a["name"] != "" && a["type"] != "submit" {
					_, checked := a["checked"]
					if (a["type"] != "checkbox" && a["type"] != "radio") || checked {
						cur.values.Add(a["name"], a["value"])
					}
				}
			case "select":
				if cur != nil && a["name"] != "" {
					cur.values.Set(a["name"], selected(n))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return links, forms
}

func attrs(n *html.Node) map[string]string {
	m := map[string]string{}
	for _, a := range n.Attr {
		m[a.Key] = a.Val
	}
	return m
}

// selected is a select's value: its selected option, else the first.
func selected(n *html.Node) string {
	first, found := "", false
	var walk func(*html.Node) string
	walk = func(n *html.Node) string {
		if n.Type == html.ElementNode && n.Data == "option" {
			a := attrs(n)
			if !found {
				first, found = a["value"], true
			}
			if _, ok := a["selected"]; ok {
				return a["value"]
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if v := walk(c); v != "" {
				return v
			}
		}
		return ""
	}
	if v := walk(n); v != "" {
		return v
	}
	return first
}

// TestLinkWalk: every internal link, image, script, stylesheet and form
// action on every page of the applicant's and the staff's journeys — an
// application in each state of each flow — answers; none is a 404 or a
// 5xx.
func TestLinkWalk(t *testing.T) {
	tr := newTour(t)
	total := 0
	for _, v := range tr.visitors() {
		pages, problems := tr.walk(v)
		total += len(pages)
		for _, p := range problems {
			t.Errorf("%s: %s", v.name, p)
		}
		// Each application page of each state was reached.
		if v.name == "applicant" || v.name == "reviewer" {
			for label, id := range tr.apps {
				if v.name == "applicant" && tr.owner(label) != tr.applicant {
					continue
				}
				want := "/applications/" + id
				if v.name == "reviewer" {
					want = "/review/applications/" + id
				}
				if !reached(pages, want) && (v.name == "applicant" || reviewable(label)) {
					t.Errorf("%s never reached %s (%s)", v.name, want, label)
				}
			}
		}
		t.Logf("%s: %d pages", v.name, len(pages))
	}
	if total < 100 {
		t.Errorf("the walk saw only %d pages", total)
	}
}

// reviewable are the tour's applications the reviewer's queue lists.
func reviewable(label string) bool {
	return slices.Contains(service.ReviewStates, label)
}

func reached(pages []walked, path string) bool {
	for _, p := range pages {
		if p.path == path {
			return true
		}
	}
	return false
}

// TestWorkbenchShowsChanges: after a correction the reviewer sees the
// changed field with its earlier value and the replaced attachment marked,
// beside the part of the document it proves.
func TestWorkbenchShowsChanges(t *testing.T) {
	tr := newTour(t)
	req, _ := http.NewRequest("GET", tr.srv.URL+"/review/applications/"+tr.apps["resubmitted"], nil)
	req.AddCookie(&http.Cookie{Name: "beian_session", Value: tr.tokens[tr.reviewer.Email]})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	row := regexp.MustCompile(`(?s)<tr class="changed" data-field="subject.mailing_address">.*?</tr>`).FindString(page)
	if !strings.Contains(row, "（东门）") || !strings.Contains(row, `class="muted small was"`) {
		t.Errorf("the changed field and its earlier value:\n%s", row)
	}
	// The replaced licence sits in the subject's part, marked.
	subject := page[strings.Index(page, `data-field="subject.province"`):strings.Index(page, `data-field="websites[0].name"`)]
	if !regexp.MustCompile(`<li id="att-[^"]+" class="changed"><a href="#zoom-`).MatchString(subject) {
		t.Errorf("no replaced attachment marked beside the subject's fields")
	}
	if n := strings.Count(page, `class="zoom"`); n < 4 {
		t.Errorf("%d attachments open in a zoom view", n)
	}
}
