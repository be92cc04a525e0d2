package testkit

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
)

// Browser is a visitor of the HTML pages: it keeps cookies, does not
// follow redirects, and posts forms with the CSRF token of the last page
// it read, as a browser sends the hidden field.
type Browser struct {
	k    *Kit
	jar  *cookiejar.Jar
	csrf string
}

var base, _ = url.Parse("http://beian.test/")

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// Browser starts a visitor without cookies.
func (k *Kit) Browser() *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{k: k, jar: jar}
}

func (b *Browser) send(req *http.Request) Answer {
	for _, c := range b.jar.Cookies(base) {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	b.k.Handler().ServeHTTP(rec, req)
	b.jar.SetCookies(base, rec.Result().Cookies())
	a := Answer{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if m := csrfField.FindSubmatch(a.Body); m != nil {
		b.csrf = string(m[1])
	}
	return a
}

// Get reads a page.
func (b *Browser) Get(path string) Answer {
	return b.send(httptest.NewRequest("GET", "http://beian.test"+path, nil))
}

// Post submits a form with the CSRF token of the last page read.
func (b *Browser) Post(path string, form url.Values) Answer {
	if form.Get("csrf") == "" && b.csrf != "" {
		form.Set("csrf", b.csrf)
	}
	req := httptest.NewRequest("POST", "http://beian.test"+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

// Login logs in through the login form.
func (b *Browser) Login(email, password string) {
	b.k.T.Helper()
	b.Get("/login")
	if a := b.Post("/login", url.Values{"email": {email}, "password": {password}}); a.Status != http.StatusSeeOther {
		b.k.T.Fatalf("web login %s: %d %.300s", email, a.Status, a.Body)
	}
}

// Cookie is the value of one of the visitor's cookies ("" for none).
func (b *Browser) Cookie(name string) string {
	for _, c := range b.jar.Cookies(base) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// Body reads an answer's body as text.
func Body(r io.Reader) string {
	b, _ := io.ReadAll(r)
	return string(b)
}
