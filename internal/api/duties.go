package api

import (
	"net/http"

	"beian/internal/httpx"
)

// dutyRoutes are the owner's expiry and duty reminders (issue 16):
// the list, the 公安备案 recorded done, the business licence's validity.
func (a *API) dutyRoutes() []route {
	return []route{
		{"GET /api/v1/duties", false, a.listDuties},
		{"POST /api/v1/duties/psb-filing", false, a.markPSBFiled},
		{"PUT /api/v1/duties/licence-validity", false, a.setLicenceValidity},
	}
}

func (a *API) listDuties(w http.ResponseWriter, r *http.Request) error {
	ds, err := a.svc.Duties(r.Context(), account(r))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": ds})
}

func (a *API) markPSBFiled(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Website   string `json:"website"`
		PSBNumber string `json:"psb_number"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := a.svc.MarkPSBFiled(r.Context(), account(r), in.Website, in.PSBNumber)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, d)
}

func (a *API) setLicenceValidity(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Subject    string `json:"subject"`
		ValidUntil string `json:"valid_until"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := a.svc.SetLicenceValidity(r.Context(), account(r), in.Subject, in.ValidUntil)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, d)
}
