package api

import (
	"net/http"

	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/service"
)

func smsView(list []service.SMSStatus) []smsJSON {
	out := make([]smsJSON, 0, len(list))
	for _, s := range list {
		out = append(out, smsJSON{Role: s.Role, Mobile: s.Mobile, Status: s.Status, AttemptsLeft: s.AttemptsLeft})
	}
	return out
}

// confirmSMS: 200 {sms:[…]}; 422 sms.code_wrong with attempts_left (and
// the codes' states) when the mobile, certificate characters or code is wrong.
func (a *API) confirmSMS(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Mobile    string `json:"mobile"`
		CertLast6 string `json:"cert_last6"`
		Code      string `json:"code"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	list, err := a.svc.ConfirmSMS(r.Context(), account(r), r.PathValue("id"), service.SMSInput{Mobile: in.Mobile, CertLast6: in.CertLast6, Code: in.Code})
	if err != nil {
		if he, ok := err.(*fault.Error); ok && list != nil {
			if he.Extra == nil {
				he.Extra = map[string]any{}
			}
			he.Extra["sms"] = smsView(list)
		}
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"sms": smsView(list)})
}
