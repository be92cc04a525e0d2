package middleware

import (
	"context"
	"net/http"
	"strings"
	"time"

	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/service"
)

// Cookie names the HTML doors share.
const (
	SessionCookie = "beian_session" // the service's session token
	PreCSRFCookie = "beian_csrf"    // double-submit token of logged-out forms
	CSRFField     = "csrf"          // the form field carrying the token
)

// Viewer is who is asking: the account behind the session, if any.
type Viewer struct {
	Account *service.Account
	Token   string
}

// Authenticator resolves a session token (service.Service.Authenticate).
type Authenticator func(ctx context.Context, token string) (*service.Account, error)

type viewerKey struct{}

// ViewerOf is the request's viewer; a visitor without a session has none.
func ViewerOf(r *http.Request) *Viewer {
	if v, ok := r.Context().Value(viewerKey{}).(*Viewer); ok {
		return v
	}
	return &Viewer{}
}

// Account is the viewer's account, nil for a visitor.
func Account(r *http.Request) *service.Account { return ViewerOf(r).Account }

func withViewer(r *http.Request, v *Viewer) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
}

// Cookie identifies the viewer of the HTML doors by the session cookie,
// once per request, so handlers and the error page share the answer. A
// cookie of an ended session leaves a visitor without an account.
func Cookie(auth Authenticator, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := &Viewer{}
		if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			if a, err := auth(r.Context(), c.Value); err == nil {
				v.Account, v.Token = a, c.Value
			}
		}
		h.ServeHTTP(w, withViewer(r, v))
	})
}

// Bearer requires the API's bearer token of a live session: 401 with
// WWW-Authenticate otherwise.
func Bearer(auth Authenticator, h httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		tok := bearerToken(r)
		if tok == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="beian"`)
			return fault.NewUnauthorized()
		}
		a, err := auth(r.Context(), tok)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="beian", error="invalid_token"`)
			return err
		}
		return h(w, withViewer(r, &Viewer{Account: a, Token: tok}))
	}
}

func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// SetSession sets the session cookie for the session's remaining life.
// Max-Age, not Expires: the browser counts it from its own clock, so the
// cookie lives exactly as long as the session whatever the two clocks say.
func SetSession(w http.ResponseWriter, r *http.Request, token string, life time.Duration) {
	c := &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: httpx.OverTLS(r)}
	if secs := int(life / time.Second); secs > 0 {
		c.MaxAge = secs
	}
	http.SetCookie(w, c)
	ClearCookie(w, r, PreCSRFCookie) // logged in: forms carry the session's token now
}

// ClearCookie removes a cookie of ours.
func ClearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: httpx.OverTLS(r)})
}
