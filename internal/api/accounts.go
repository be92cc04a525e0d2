package api

import (
	"net/http"

	"beian/internal/httpx"
	"beian/internal/middleware"
	"beian/internal/service"
)

type accountJSON struct {
	ID        string  `json:"id"`
	Email     string  `json:"email"`
	Phone     string  `json:"phone"`
	Name      string  `json:"name"`
	Role      string  `json:"role"`
	Lang      string  `json:"lang"`
	CreatedAt *string `json:"created_at"`
}

func accountView(a *service.Account) accountJSON {
	return accountJSON{ID: a.ID, Email: a.Email, Phone: a.Phone, Name: a.Name, Role: a.Role, Lang: a.Lang, CreatedAt: rfc3339(a.CreatedAt)}
}

func (a *API) register(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email    string `json:"email"`
		Phone    string `json:"phone"`
		Password string `json:"password"`
		Name     string `json:"name"`
		Lang     string `json:"lang"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Lang == "" {
		in.Lang = httpx.Lang(r)
	}
	acc, err := a.svc.Register(r.Context(), service.RegisterInput{Email: in.Email, Phone: in.Phone, Password: in.Password, Name: in.Name, Lang: in.Lang})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, accountView(acc))
}

func (a *API) login(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sess, err := a.svc.Login(r.Context(), in.Email, in.Password, clientIP(r))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, map[string]any{
		"token": sess.Token, "expires_at": rfc3339(sess.ExpiresAt), "account": accountView(sess.Account)})
}

func (a *API) logout(w http.ResponseWriter, r *http.Request) error {
	tok := middleware.ViewerOf(r).Token
	if err := a.svc.Logout(r.Context(), tok); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	return httpx.WriteJSON(w, http.StatusOK, accountView(account(r)))
}

func (a *API) requestReset(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email string `json:"email"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := a.svc.RequestPasswordReset(r.Context(), in.Email); err != nil {
		return err
	}
	// The same answer whether or not the account exists.
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func (a *API) confirmReset(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := a.svc.ResetPassword(r.Context(), in.Token, in.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
