package api

import (
	"net/http"

	"beian/internal/httpx"
)

// securityRoutes are the admin's session controls (issue 8).
func (a *API) securityRoutes() []route {
	return []route{
		{"POST /api/v1/admin/users/{id}/sessions/revoke", false, a.revokeSessions},
	}
}

// revokeSessions ends every session of an account: its tokens and browser
// logins stop working on every instance at once.
func (a *API) revokeSessions(w http.ResponseWriter, r *http.Request) error {
	n, err := a.svc.RevokeSessions(r.Context(), account(r), r.PathValue("id"), clientIP(r))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"revoked": n})
}
