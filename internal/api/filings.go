package api

import (
	"net/http"

	"beian/internal/filing"
	"beian/internal/httpx"
	"beian/internal/service"
)

// filingSubjectJSON is one subject of GET /api/v1/filings, personal data masked.
type filingSubjectJSON struct {
	Number          string              `json:"number"`
	Status          string              `json:"status"`
	Name            string              `json:"name"`
	Nature          string              `json:"nature"`
	Province        string              `json:"province"`
	ApprovedOn      string              `json:"approved_on"`
	Version         int                 `json:"version"`
	UpdatedAt       *string             `json:"updated_at"`
	Subject         filing.Subject      `json:"subject"`
	Websites        []filingWebsiteJSON `json:"websites"`
	OpenApplication *string             `json:"open_application"`
}

type filingWebsiteJSON struct {
	Number     string         `json:"number"`
	Status     string         `json:"status"`
	Domain     string         `json:"domain"`
	Name       string         `json:"name"`
	ApprovedOn string         `json:"approved_on"`
	Version    int            `json:"version"`
	UpdatedAt  *string        `json:"updated_at"`
	Website    filing.Website `json:"website"`
	Access     *accessJSON    `json:"access"`
}

type accessJSON struct {
	Status string        `json:"status"`
	Access filing.Access `json:"access"`
}

// filings answers GET /api/v1/filings: the caller's records (我的备案).
func (a *API) filings(w http.ResponseWriter, r *http.Request) error {
	subs, err := a.svc.Filings(r.Context(), account(r))
	if err != nil {
		return err
	}
	out := make([]filingSubjectJSON, 0, len(subs))
	for _, s := range subs {
		out = append(out, filingSubjectView(s))
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"subjects": out})
}

func filingSubjectView(s service.FilingSubject) filingSubjectJSON {
	fs := filingSubjectJSON{Number: s.Number, Status: s.Status, Name: s.Name, Nature: s.Nature, Province: s.Province,
		ApprovedOn: s.ApprovedOn, Version: s.Version, UpdatedAt: rfc3339(s.UpdatedAt), Subject: s.Subject,
		Websites: make([]filingWebsiteJSON, 0, len(s.Websites))}
	if s.OpenApplication != "" {
		id := s.OpenApplication
		fs.OpenApplication = &id
	}
	for _, w := range s.Websites {
		site := w.Website
		access := site.Access
		site.Access = filing.Access{}
		fw := filingWebsiteJSON{Number: w.Number, Status: w.Status, Domain: w.Domain, Name: w.Name, ApprovedOn: w.ApprovedOn,
			Version: w.Version, UpdatedAt: rfc3339(w.UpdatedAt), Website: site}
		if w.AccessStatus != "" {
			if access.IPs == nil {
				access.IPs = []string{}
			}
			fw.Access = &accessJSON{Status: w.AccessStatus, Access: access}
		}
		fs.Websites = append(fs.Websites, fw)
	}
	return fs
}

// filingRoutes are the filing-records endpoints (issue 5), appended to the routes table.
func (a *API) filingRoutes() []route {
	return []route{
		{"GET /api/v1/filings", false, a.filings},
		{"GET /api/v1/public/filings", true, a.limited("public", a.publicFilings)},
	}
}
