package middleware

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"beian/internal/fault"
	"beian/internal/httpx"
)

// maxForm bounds a form body that is not an upload.
const maxForm = 1 << 20

// crossOrigin refuses requests a browser marks as coming from another
// site (Sec-Fetch-Site, or Origin against Host): the first line of CSRF
// protection, before the form token.
var crossOrigin = http.NewCrossOriginProtection()

// ErrCSRF is the refusal of a forged or stale form. Whoever meets it may
// not read the page's language, so the HTML doors show it in both.
var ErrCSRF = fault.Words(fault.Forbidden, "csrf_failed", "error.csrf_failed")

// Forms reads and guards the form posts of the HTML doors: the body within
// its limit (an upload within MaxUpload, spooled to disk beyond 1 MiB),
// the browser's cross-origin verdict, then the form's CSRF token — the
// session's own for a logged-in viewer, the double-submit cookie's for a
// visitor. A post from a session that ended while the form was open asks
// for a login instead of a CSRF refusal.
type Forms struct {
	// MaxUpload is the limit of a multipart body; 0 allows a small form's
	// 1 MiB, as for any other form.
	MaxUpload int64
	// TooLarge is the answer for an upload over MaxUpload (the attachment
	// limit, in the applicant's words); nil answers payload_too_large.
	TooLarge func() error
}

// Check wraps h with the guard; other methods than POST pass untouched.
func (f Forms) Check(h httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.Method != http.MethodPost {
			return h(w, r)
		}
		if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" && Account(r) == nil {
			return fault.NewUnauthorized()
		}
		// net/http removes the spooled files of the request it handed out,
		// not of this copy (the viewer's WithContext): remove them here, on
		// every path.
		defer func() {
			if r.MultipartForm != nil {
				r.MultipartForm.RemoveAll()
			}
		}()
		if err := f.parse(w, r); err != nil {
			return err
		}
		if err := crossOrigin.Check(r); err != nil {
			return ErrCSRF
		}
		if !validToken(r) {
			return ErrCSRF
		}
		return h(w, r)
	}
}

func (f Forms) parse(w http.ResponseWriter, r *http.Request) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		limit := f.MaxUpload
		if limit <= 0 {
			limit = maxForm
		}
		big, err := httpx.ParseMultipart(w, r, limit)
		switch {
		case big && f.TooLarge != nil:
			return f.TooLarge()
		case big:
			return httpx.TooLarge()
		case err != nil:
			return httpx.BadForm(err)
		}
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return httpx.TooLarge()
		}
		return httpx.BadForm(err)
	}
	return nil
}

// sessionToken derives the form token of a logged-in session from its
// token: it survives restarts, works on every instance, and nobody can
// compute it without the HttpOnly cookie.
func sessionToken(token string) string {
	sum := sha256.Sum256([]byte("beian csrf v1:" + token))
	return hex.EncodeToString(sum[:])
}

// SessionToken is the CSRF token of a logged-in viewer's forms; "" for a
// visitor (whose pages use Token).
func SessionToken(r *http.Request) string {
	if v := ViewerOf(r); v.Account != nil {
		return sessionToken(v.Token)
	}
	return ""
}

// Token is the CSRF token the page's forms must carry, setting the
// double-submit cookie for a visitor that has none yet.
func Token(w http.ResponseWriter, r *http.Request) string {
	if tok := SessionToken(r); tok != "" {
		return tok
	}
	if c, err := r.Cookie(PreCSRFCookie); err == nil && len(c.Value) == 64 {
		return c.Value
	}
	tok := hex.EncodeToString(randomBytes(32))
	http.SetCookie(w, &http.Cookie{Name: PreCSRFCookie, Value: tok, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: httpx.OverTLS(r), MaxAge: 24 * 3600})
	r.AddCookie(&http.Cookie{Name: PreCSRFCookie, Value: tok}) // later reads in this request see it
	return tok
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// validToken compares the posted token with the expected one in constant time.
func validToken(r *http.Request) bool {
	got := r.PostFormValue(CSRFField)
	if got == "" && r.MultipartForm != nil {
		if vs := r.MultipartForm.Value[CSRFField]; len(vs) > 0 {
			got = vs[0]
		}
	}
	var want string
	if v := ViewerOf(r); v.Account != nil {
		want = sessionToken(v.Token)
	} else if c, err := r.Cookie(PreCSRFCookie); err == nil {
		want = c.Value
	}
	return want != "" && got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
