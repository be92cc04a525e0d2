package api

import (
	"net/http"

	"beian/internal/filing"
	"beian/internal/httpx"
	"beian/internal/service"
)

// recordJSON is what a subject and a website record both show: number,
// status, name, approval date and version.
type recordJSON struct {
	Number     string  `json:"number"`
	Status     string  `json:"status"`
	Name       string  `json:"name"`
	ApprovedOn string  `json:"approved_on"`
	Version    int     `json:"version"`
	UpdatedAt  *string `json:"updated_at"`
}

// filingSubjectJSON is one subject of GET /api/v1/filings, personal data masked.
type filingSubjectJSON struct {
	recordJSON      `json:",inline"`
	Nature          string              `json:"nature"`
	Province        string              `json:"province"`
	Subject         filing.Subject      `json:"subject"`
	Websites        []filingWebsiteJSON `json:"websites"`
	OpenApplication *string             `json:"open_application"`
}

type filingWebsiteJSON struct {
	recordJSON `json:",inline"`
	Domain     string         `json:"domain"`
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
	fs := filingSubjectJSON{recordJSON: recordJSON{s.Number, s.Status, s.Name, s.ApprovedOn, s.Version, rfc3339(s.UpdatedAt)},
		Nature: s.Nature, Province: s.Province, Subject: s.Subject, Websites: make([]filingWebsiteJSON, 0, len(s.Websites))}
	if s.OpenApplication != "" {
		id := s.OpenApplication
		fs.OpenApplication = &id
	}
	for _, w := range s.Websites {
		site := w.Website
		access := site.Access
		site.Access = filing.Access{}
		fw := filingWebsiteJSON{recordJSON: recordJSON{w.Number, w.Status, w.Name, w.ApprovedOn, w.Version, rfc3339(w.UpdatedAt)},
			Domain: w.Domain, Website: site}
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
