package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"beian/internal/pii"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
	"beian/internal/testkit"
	"beian/internal/web"
)

// The helpers of package web's own tests (export_test.go).
var (
	exampleDoc          = web.ExampleDoc
	testJPEG            = web.TestJPEG
	stepForm            = web.StepForm
	newWebsite          = web.NewWebsite
	verificationFormURL = web.VerificationFormURL
	securityLetterURL   = web.SecurityLetterURL
)

// harness is the pages of the whole system as production wires it
// (testkit), served over loopback HTTP for the cookie browser and Chromium.
type harness struct {
	t    testing.TB
	srv  *httptest.Server
	svc  *service.Service
	st   *storage.Store
	seal *pii.Sealer // the system's key
}

// newHarness runs on a fresh SQLite database unless opts name another; the
// per-IP budgets are off (every visitor comes from 127.0.0.1).
func newHarness(t testing.TB, opts ...testkit.Option) *harness {
	t.Helper()
	k := testkit.New(t, append([]testkit.Option{testkit.Env("BEIAN_RATE_LIMITS", "off")}, opts...)...)
	srv := httptest.NewServer(k.Handler())
	t.Cleanup(srv.Close)
	return &harness{t: t, srv: srv, svc: k.Service, st: k.Store, seal: k.Sealer()}
}

// eachHarness runs fn on a harness of every available database.
func eachHarness(t *testing.T, fn func(t *testing.T, h *harness)) {
	t.Helper()
	storagetest.EachURL(t, func(t *testing.T, url string) { fn(t, newHarness(t, testkit.DB(url))) })
}

// browser is one visitor (testkit's): cookies kept, redirects not
// followed, so the tests see every PRG answer.
type browser struct {
	h *harness
	v *testkit.Visitor
}

func (h *harness) browser() *browser {
	return &browser{h: h, v: testkit.NewVisitor(h.t, h.srv.URL)}
}

// answer is an answer with its body as text.
type answer struct {
	status int
	header http.Header
	body   string
}

func textOf(a testkit.Answer) answer {
	return answer{status: a.Status, header: a.Header, body: string(a.Body)}
}

func (a answer) location() string { return a.header.Get("Location") }

func (b *browser) do(req *http.Request) answer {
	b.h.t.Helper()
	return textOf(b.v.Do(req))
}

func (b *browser) get(path string) answer {
	b.h.t.Helper()
	return textOf(b.v.Get(path))
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// csrfFrom reads the token a page's forms carry.
func (b *browser) csrfFrom(path string) string {
	b.h.t.Helper()
	a := b.get(path)
	m := csrfInput.FindStringSubmatch(a.body)
	if m == nil {
		b.h.t.Fatalf("GET %s (%d): no csrf field", path, a.status)
	}
	return m[1]
}

// post sends a form with the token of the page it came from; csrf ""
// sends none.
func (b *browser) post(path string, form url.Values, csrf string) answer {
	b.h.t.Helper()
	if csrf != "" {
		form.Set("csrf", csrf)
	}
	return textOf(b.v.PostForm(path, form))
}

// upload posts one file as the upload form does.
func (b *browser) upload(appID, kind string, website int, signedOn string, file []byte, csrf string) answer {
	b.h.t.Helper()
	return b.uploadFiles(appID, kind, website, signedOn, map[string][]byte{"file": file}, csrf)
}

// uploadFiles posts the named file fields (file, or front and back).
func (b *browser) uploadFiles(appID, kind string, website int, signedOn string, files map[string][]byte, csrf string) answer {
	b.h.t.Helper()
	fields := map[string]string{"csrf": csrf, "kind": kind, "website": strconv.Itoa(website)}
	if signedOn != "" {
		fields["signed_on"] = signedOn
	}
	return textOf(b.v.PostFiles("/applications/"+appID+"/attachments", fields, files))
}

// register and login creates an account through the pages.
func (b *browser) registerAndLogin(email, phone string) {
	b.h.t.Helper()
	tok := b.csrfFrom("/register")
	a := b.post("/register", url.Values{"email": {email}, "phone": {phone}, "name": {"测试用户"},
		"password": {"Secret-pass-123"}, "password2": {"Secret-pass-123"}}, tok)
	if a.status != http.StatusSeeOther || a.location() != "/login" {
		b.h.t.Fatalf("register %s: %d %s\n%s", email, a.status, a.location(), a.body)
	}
	tok = b.csrfFrom("/login")
	a = b.post("/login", url.Values{"email": {email}, "password": {"Secret-pass-123"}, "next": {"/"}}, tok)
	if a.status != http.StatusSeeOther || a.location() != "/" {
		b.h.t.Fatalf("login %s: %d %s", email, a.status, a.location())
	}
}

// appIDFrom extracts the application id from a step URL.
var appPath = regexp.MustCompile(`^/applications/([^/]+)/`)

func appIDFrom(t testing.TB, loc string) string {
	t.Helper()
	m := appPath.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("no application in %q", loc)
	}
	return m[1]
}

// between is the part of a page from the first mark to the next one (the
// markup of one field, up to the next field's), "" when either is missing
// or they stand the other way round: where a field's message must appear.
func between(page, from, to string) string {
	i := strings.Index(page, from)
	j := strings.Index(page, to)
	if i < 0 || j < i {
		return ""
	}
	return page[i:j]
}
