package api

import (
	"net/http"

	"beian/internal/config"
	"beian/internal/httpx"
	"beian/internal/service"
)

type officeJSON struct {
	Key     string `json:"key"`
	City    string `json:"city"`
	Address string `json:"address"`
	Phone   string `json:"phone"`
}

func officeView(o config.Office) officeJSON {
	return officeJSON{Key: o.Key, City: o.City, Address: o.Address, Phone: o.Phone}
}

func (a *API) verificationOptions() map[string]any {
	opts := a.svc.VerificationOptions()
	offices := make([]officeJSON, 0, len(opts.Offices))
	for _, o := range opts.Offices {
		offices = append(offices, officeView(o))
	}
	return map[string]any{"offices": offices, "mailing_address": opts.MailingAddress}
}

// getVerification answers the applicant's verification choice (null when
// none yet) with the offices and the mailing address to choose from.
func (a *API) getVerification(w http.ResponseWriter, r *http.Request) error {
	v, err := a.svc.GetVerification(r.Context(), account(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := a.verificationOptions()
	out["verification"] = verificationView(v)
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *API) chooseVerification(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Method         string `json:"method"`
		Office         string `json:"office"`
		Date           string `json:"date"`
		TrackingNumber string `json:"tracking_number"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := a.svc.ChooseVerification(r.Context(), account(r), r.PathValue("id"), service.VerificationInput{
		Method: in.Method, Office: in.Office, Date: in.Date, TrackingNumber: in.TrackingNumber})
	if err != nil {
		return err
	}
	out := a.verificationOptions()
	out["verification"] = verificationView(v)
	return httpx.WriteJSON(w, http.StatusOK, out)
}
