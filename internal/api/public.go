package api

import (
	"net/http"

	"beian/internal/httpx"
)

// publicFilingJSON is one item of the public lookup: nothing personal.
type publicFilingJSON struct {
	SubjectName   string `json:"subject_name"`
	Nature        string `json:"nature"`
	SubjectNumber string `json:"subject_number"`
	WebsiteName   string `json:"website_name"`
	Domain        string `json:"domain"`
	WebsiteNumber string `json:"website_number"`
	ApprovedOn    string `json:"approved_on"`
}

// publicFilingsJSON is the lookup's answer (a struct, not a map: no
// reflection over map keys on a hot path).
type publicFilingsJSON struct {
	Items []publicFilingJSON `json:"items"`
}

// publicFilings answers GET /api/v1/public/filings?q=<domain or number>, no account needed.
func (a *API) publicFilings(w http.ResponseWriter, r *http.Request) error {
	list, err := a.svc.PublicLookup(r.Context(), r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	items := make([]publicFilingJSON, 0, len(list))
	for _, p := range list {
		items = append(items, publicFilingJSON{SubjectName: p.SubjectName, Nature: p.Nature, SubjectNumber: p.SubjectNumber,
			WebsiteName: p.WebsiteName, Domain: p.Domain, WebsiteNumber: p.WebsiteNumber, ApprovedOn: p.ApprovedOn})
	}
	// Public data that changes with approvals: shareable, but not for long.
	w.Header().Set("Cache-Control", "public, max-age=60")
	return httpx.WriteJSON(w, http.StatusOK, publicFilingsJSON{Items: items})
}
