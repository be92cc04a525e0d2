package web

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"beian/internal/filing"
)

func TestLocalPath(t *testing.T) {
	cases := []struct{ in, want string }{
		{"/applications/1/subject", "/applications/1/subject"},
		{"/?tab=change", "/?tab=change"},
		{"", "/"},
		{"//evil.example/x", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"relative", "/"},
		{"/ok\r\nSet-Cookie: x=y", "/"},
	}
	for _, c := range cases {
		if got := localPath(c.in, "/"); got != c.want {
			t.Errorf("localPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSplitIPs(t *testing.T) {
	cases := map[string][]string{
		"42.159.1.1\n42.159.1.2":        {"42.159.1.1", "42.159.1.2"},
		" 42.159.1.1 , 2001:db8::1 ":    {"42.159.1.1", "2001:db8::1"},
		"42.159.1.1，42.159.1.2;1.2.3.4": {"42.159.1.1", "42.159.1.2", "1.2.3.4"},
		"":                              {},
	}
	for in, want := range cases {
		if got := splitIPs(in, 32); !reflect.DeepEqual(got, want) {
			t.Errorf("splitIPs(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFlattenMergeRoundTrip: posting a document's own fields back gives
// the same document, so a step save never loses or alters data.
func TestFlattenMergeRoundTrip(t *testing.T) {
	doc := exampleDoc(t)
	doc.Websites[0].PreApprovals = []filing.PreApproval{{Category: "news", Number: "京新闻备字001"}}
	doc.Websites[0].Leader.CertValidUntil = filing.LongTerm
	form := stepForm(doc, "save")
	form.Set("websites[0].leader.cert_valid_until.long_term", "1")
	got := filing.Document{Flow: doc.Flow, Websites: []filing.Website{{Domain: doc.Websites[0].Domain}}}
	got.Subject.CertType, got.Subject.CertNumber = doc.Subject.CertType, doc.Subject.CertNumber
	l := locker{flow: doc.Flow, editable: true}
	mergeSubject(&got, form, l)
	mergeWebsites(&got, form, l, 10)
	mergeAccess(&got, form, l)
	if !reflect.DeepEqual(got, doc) {
		t.Errorf("round trip changed the document:\n got %+v\nwant %+v", got, doc)
	}
}

// TestLockedFieldsIgnored: a forged post cannot change what the flow locks.
func TestLockedFieldsIgnored(t *testing.T) {
	doc := exampleDoc(t)
	form := stepForm(doc, "save")
	form.Set("subject.cert_number", "91110000000000000X")
	form.Set("websites[0].domain", "other.cn")
	form.Set("subject.name", "改过的名称")
	// The filed parts of a new website or access are read-only only when
	// the account filed them (the service's FromOwnRecord); anyone else
	// enters them.
	for _, c := range []struct {
		flow     string
		own      bool
		nameKept bool
	}{{filing.FlowFirstFiling, false, false}, {filing.FlowNewWebsite, true, true}, {filing.FlowNewAccess, true, true},
		{filing.FlowNewWebsite, false, false}, {filing.FlowNewAccess, false, false}} {
		got := doc
		got.Websites = append([]filing.Website(nil), doc.Websites...)
		l := locker{flow: c.flow, editable: true, own: c.own}
		mergeSubject(&got, form, l)
		mergeWebsites(&got, form, l, 10)
		if got.Subject.CertNumber != doc.Subject.CertNumber || got.Websites[0].Domain != doc.Websites[0].Domain {
			t.Errorf("%s: a pre-check input changed", c.flow)
		}
		if (got.Subject.Name == doc.Subject.Name) != c.nameKept {
			t.Errorf("%s: subject name %q, locked=%v", c.flow, got.Subject.Name, c.nameKept)
		}
	}
	got := doc
	mergeSubject(&got, form, locker{flow: filing.FlowFirstFiling, editable: false})
	if got.Subject.Name != doc.Subject.Name {
		t.Error("a locked application took a change")
	}
}

// FuzzMergeForm: any posted form merges without panicking and keeps the
// website count within the limit.
func FuzzMergeForm(f *testing.F) {
	f.Add("websites.count=3&websites[1].name=x&websites[0].pre_approvals.count=2&websites[0].pre_approvals[1].category=news")
	f.Add("websites.count=-1&subject.leader.cert_valid_until.long_term=1")
	f.Add("websites.count=99999999999999999999&websites[0].access.ips=1.2.3.4%0A%0A")
	f.Fuzz(func(t *testing.T, q string) {
		form, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		doc := filing.Document{Flow: "first_filing", Websites: []filing.Website{{Domain: "a.cn"}}}
		l := locker{flow: doc.Flow, editable: true}
		mergeSubject(&doc, form, l)
		mergeWebsites(&doc, form, l, 10)
		mergeAccess(&doc, form, l)
		if len(doc.Websites) > 10 {
			t.Fatalf("%d websites", len(doc.Websites))
		}
		if doc.Websites[0].Domain != "a.cn" && len(doc.Websites) > 0 {
			t.Fatalf("locked domain changed to %q", doc.Websites[0].Domain)
		}
		for _, w := range doc.Websites {
			for _, ip := range w.Access.IPs {
				if strings.TrimSpace(ip) == "" {
					t.Fatal("an empty IP survived")
				}
			}
		}
	})
}

// FuzzLocalPath: whatever comes in, a redirect target stays on this site.
func FuzzLocalPath(f *testing.F) {
	f.Add("//x")
	f.Add("/a")
	f.Fuzz(func(t *testing.T, p string) {
		got := localPath(p, "/")
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") || strings.ContainsAny(got, "\r\n") {
			t.Fatalf("localPath(%q) = %q", p, got)
		}
	})
}

func TestFormDomain(t *testing.T) {
	for in, want := range map[string]string{
		"example-hz.cn": "example-hz.cn", "www.example-hz.cn": "example-hz.cn", " WWW.Example.COM ": "example.com",
		"wwwshop.cn": "wwwshop.cn", "shop.www.cn": "shop.www.cn", "": "",
	} {
		if got := FormDomain(in); got != want {
			t.Errorf("FormDomain(%q) = %q, want %q", in, got, want)
		}
	}
}
