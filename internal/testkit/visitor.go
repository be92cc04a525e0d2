package testkit

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Visitor is a person's browser on a Beian served over loopback (an
// httptest server the test started, which Chromium may visit too): it
// keeps cookies and does not follow redirects, so a test sees every answer
// of a Post/Redirect/Get.
type Visitor struct {
	t      testing.TB
	base   *url.URL
	client *http.Client
}

// NewVisitor starts a visitor of the site at base, without cookies.
func NewVisitor(t testing.TB, base string) *Visitor {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	return &Visitor{t: t, base: u, client: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// SetCookie gives the visitor a cookie of the site (a session, a language).
func (v *Visitor) SetCookie(name, value string) {
	v.client.Jar.SetCookies(v.base, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// Cookie is the value of one of the visitor's cookies ("" for none).
func (v *Visitor) Cookie(name string) string {
	for _, c := range v.client.Jar.Cookies(v.base) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// Request builds a request to path on the site.
func (v *Visitor) Request(method, path string, body io.Reader) *http.Request {
	v.t.Helper()
	req, err := http.NewRequest(method, v.base.String()+path, body)
	if err != nil {
		v.t.Fatal(err)
	}
	return req
}

// Do sends req with the visitor's cookies and records the answer.
func (v *Visitor) Do(req *http.Request) Answer {
	v.t.Helper()
	resp, err := v.client.Do(req)
	if err != nil {
		v.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return Answer{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// Get reads a page.
func (v *Visitor) Get(path string) Answer {
	v.t.Helper()
	return v.Do(v.Request("GET", path, nil))
}

// PostForm submits a form.
func (v *Visitor) PostForm(path string, form url.Values) Answer {
	v.t.Helper()
	req := v.Request("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.Do(req)
}

// Login logs in through the login form, with the form's CSRF token.
func (v *Visitor) Login(email, password string) {
	v.t.Helper()
	m := csrfField.FindSubmatch(v.Get("/login").Body)
	if m == nil {
		v.t.Fatal("no CSRF field on /login")
	}
	if a := v.PostForm("/login", url.Values{"email": {email}, "password": {password}, "csrf": {string(m[1])}}); a.Status != http.StatusSeeOther {
		v.t.Fatalf("web login %s: %d %.300s", email, a.Status, a.Body)
	}
}

// PostFiles submits a multipart form: fields, and files by field name.
func (v *Visitor) PostFiles(path string, fields map[string]string, files map[string][]byte) Answer {
	v.t.Helper()
	contentType, body := multipartForm(fields, files)
	req := v.Request("POST", path, body)
	req.Header.Set("Content-Type", contentType)
	return v.Do(req)
}

// multipartForm encodes fields and files (by field name, each file called
// after its field) as a multipart form.
func multipartForm(fields map[string]string, files map[string][]byte) (contentType string, body *bytes.Buffer) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, b := range files {
		fw, _ := mw.CreateFormFile(name, name+".jpg")
		fw.Write(b)
	}
	mw.Close()
	return mw.FormDataContentType(), &buf
}
