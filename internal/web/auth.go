package web

import (
	"net/http"
	"strconv"
	"strings"

	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/middleware"
	"beian/internal/service"
)

// authPage is the login, registration and password pages: a few fields,
// their values and the errors beside them.
type authPage struct {
	Base
	Values map[string]string
	Errors map[string][]string
	Top    []string // errors that belong to no field
	Next   string
	Token  string // password reset token
	Done   bool
}

// Err lists the errors of a field.
func (p *authPage) Err(field string) []string { return p.Errors[field] }

func newAuthPage(r *http.Request, titleKey string) *authPage {
	p := &authPage{Values: map[string]string{}, Errors: map[string][]string{}}
	p.Title = tr(httpx.PageLang(r), titleKey)
	return p
}

// addError places a service error beside the field it concerns. Rule codes
// such as account.email.format or account.phone_taken name the field.
func (p *authPage) addError(err error, fields ...string) {
	e := fault.As(err)
	place := func(code, msg string) {
		for _, f := range fields {
			if strings.HasPrefix(code, "account."+f) {
				p.Errors[f] = append(p.Errors[f], msg)
				return
			}
		}
		p.Top = append(p.Top, msg)
	}
	if len(e.Violations) > 0 {
		for _, v := range e.Violations {
			code := v.Rule
			if v.Field != "" && !strings.Contains(v.Field, ".") {
				code = "account." + v.Field
			}
			place(code, v.Message.In(p.Lang))
		}
		return
	}
	place(e.Code, e.Message.In(p.Lang))
}

func (wb *Web) loginPage(w http.ResponseWriter, r *http.Request) error {
	if middleware.Account(r) != nil {
		return redirect(w, r, "/")
	}
	p := newAuthPage(r, "login.title")
	p.Next = localPath(r.URL.Query().Get("next"), "/")
	return wb.render(w, r, http.StatusOK, "login", p)
}

func (wb *Web) loginPost(w http.ResponseWriter, r *http.Request) error {
	p := newAuthPage(r, "login.title")
	p.Lang = httpx.PageLang(r)
	email := strings.TrimSpace(r.PostFormValue("email"))
	p.Values["email"] = email
	p.Next = localPath(r.PostFormValue("next"), "/")
	sess, err := wb.svc.Login(r.Context(), email, r.PostFormValue("password"), httpx.LimitedIP(r))
	if err != nil {
		e := fault.As(err)
		if e.Ours() {
			return err
		}
		if e.Kind == fault.Unauthorized {
			p.Top = append(p.Top, tr(p.Lang, "login.failed"))
		} else {
			p.Top = append(p.Top, e.Message.In(p.Lang))
		}
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
		}
		return wb.render(w, r, httpx.Status(e), "login", p)
	}
	middleware.SetSession(w, r, sess.Token, sess.ExpiresAt.Sub(wb.now()))
	if p.Next == "/" && sess.Account.IsStaff() {
		p.Next = "/review" // staff work from the queue
	}
	return redirect(w, r, p.Next)
}

func (wb *Web) logout(w http.ResponseWriter, r *http.Request) error {
	if v := middleware.ViewerOf(r); v.Token != "" {
		if err := wb.svc.Logout(r.Context(), v.Token); err != nil && fault.As(err).Ours() {
			return err
		}
	}
	middleware.ClearCookie(w, r, middleware.SessionCookie)
	setFlash(w, r, "logout.done")
	return redirect(w, r, "/login")
}

func (wb *Web) registerPage(w http.ResponseWriter, r *http.Request) error {
	return wb.render(w, r, http.StatusOK, "register", newAuthPage(r, "register.title"))
}

func (wb *Web) registerPost(w http.ResponseWriter, r *http.Request) error {
	p := newAuthPage(r, "register.title")
	p.Lang = httpx.PageLang(r)
	in := service.RegisterInput{
		Email: strings.TrimSpace(r.PostFormValue("email")),
		Phone: strings.TrimSpace(r.PostFormValue("phone")),
		Name:  strings.TrimSpace(r.PostFormValue("name")),
		// Passwords are taken exactly as typed.
		Password: r.PostFormValue("password"),
		Lang:     p.Lang,
	}
	p.Values["email"], p.Values["phone"], p.Values["name"] = in.Email, in.Phone, in.Name
	if in.Password != r.PostFormValue("password2") {
		p.Errors["password2"] = append(p.Errors["password2"], tr(p.Lang, "register.mismatch"))
		return wb.render(w, r, http.StatusUnprocessableEntity, "register", p)
	}
	if _, err := wb.svc.Register(r.Context(), in); err != nil {
		e := fault.As(err)
		if e.Ours() {
			return err
		}
		p.addError(e, "email", "phone", "password", "name")
		return wb.render(w, r, httpx.Status(e), "register", p)
	}
	setFlash(w, r, "register.done")
	return redirect(w, r, "/login")
}

func (wb *Web) forgotPage(w http.ResponseWriter, r *http.Request) error {
	return wb.render(w, r, http.StatusOK, "forgot", newAuthPage(r, "forgot.title"))
}

func (wb *Web) forgotPost(w http.ResponseWriter, r *http.Request) error {
	// Always the same answer, whether or not the email is registered.
	if err := wb.svc.RequestPasswordReset(r.Context(), strings.TrimSpace(r.PostFormValue("email"))); err != nil && fault.As(err).Ours() {
		return err
	}
	setFlash(w, r, "forgot.sent")
	return redirect(w, r, "/login")
}

func (wb *Web) resetPage(w http.ResponseWriter, r *http.Request) error {
	p := newAuthPage(r, "reset.title")
	p.Token = r.URL.Query().Get("token")
	return wb.render(w, r, http.StatusOK, "reset", p)
}

func (wb *Web) resetPost(w http.ResponseWriter, r *http.Request) error {
	p := newAuthPage(r, "reset.title")
	p.Lang = httpx.PageLang(r)
	p.Token = r.PostFormValue("token")
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password2") {
		p.Errors["password2"] = append(p.Errors["password2"], tr(p.Lang, "register.mismatch"))
		return wb.render(w, r, http.StatusUnprocessableEntity, "reset", p)
	}
	if err := wb.svc.ResetPassword(r.Context(), p.Token, pw); err != nil {
		e := fault.As(err)
		if e.Ours() {
			return err
		}
		if len(e.Violations) == 0 && e.Kind != fault.Invalid {
			p.Top = append(p.Top, tr(p.Lang, "reset.badtoken"))
		} else {
			p.addError(e, "password")
		}
		return wb.render(w, r, httpx.Status(e), "reset", p)
	}
	setFlash(w, r, "reset.done")
	return redirect(w, r, "/login")
}
