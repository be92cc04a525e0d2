package bureau

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"beian/internal/filing"
	"beian/internal/jobs"
	"beian/internal/storage"
	"beian/internal/workdays"
)

// The registry tables: the simulator's national registry, or the relay's
// mirror of the real one (what the operator seeded plus every outcome
// staff recorded).

// LoadSeed writes the seed's filings and blacklist into the registry.
// Records already there are left alone, so it runs at every start (and on
// two instances at once) without duplicating or undoing anything.
func (c *core) LoadSeed(ctx context.Context, seed *Seed) error {
	return c.o.Store.Tx(ctx, func(tx *storage.Tx) error {
		for _, sub := range seed.Subjects {
			data, err := c.seal(sub.Subject)
			if err != nil {
				return err
			}
			if _, err := tx.InsertBureauSubject(ctx, &storage.BureauSubject{
				Number: sub.Number, Province: sub.Subject.Province, CertType: sub.Subject.CertType,
				CertHash: c.certHash(sub.Subject.CertType, sub.Subject.CertNumber), Name: sub.Subject.Name,
				Data: data, Status: storage.BureauActive, Source: "seed",
			}); err != nil {
				return err
			}
			for _, w := range sub.Websites {
				data, err := c.seal(w.Website)
				if err != nil {
					return err
				}
				if _, err := tx.InsertBureauWebsite(ctx, &storage.BureauWebsite{
					Number: w.Number, SubjectNumber: sub.Number, Domain: normDomain(w.Website.Domain), Name: w.Website.Name,
					Data: data, Providers: w.Providers, Status: storage.BureauActive, Source: "seed",
				}); err != nil {
					return err
				}
				n, _ := websiteSerial(sub.Number, w.Number)
				if err := tx.RaiseBureauWebsiteSerial(ctx, sub.Number, n); err != nil {
					return err
				}
			}
		}
		for _, cert := range seed.Blacklist {
			if err := tx.AddBureauBlacklist(ctx, c.blacklistHash(cert)); err != nil {
				return err
			}
		}
		return nil
	})
}

// LookupSubject implements Registry.
func (c *core) LookupSubject(ctx context.Context, certType, certNumber string) (*Subject, error) {
	rows, err := c.o.Store.BureauSubjectsByCert(ctx, c.certHash(certType, certNumber))
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if r.Status != storage.BureauActive {
			continue
		}
		sub, err := c.subject(r)
		if err != nil {
			return nil, err
		}
		sites, err := c.o.Store.BureauWebsitesBySubject(ctx, r.Number)
		if err != nil {
			return nil, err
		}
		for _, w := range sites {
			if w.Status == storage.BureauCancelled {
				continue
			}
			site, err := c.website(w, sub)
			if err != nil {
				return nil, err
			}
			sub.Websites = append(sub.Websites, *site)
		}
		return sub, nil
	}
	return nil, nil
}

// LookupDomain implements Registry.
func (c *core) LookupDomain(ctx context.Context, domain string) (*Website, error) {
	rows, err := c.o.Store.BureauWebsitesByDomain(ctx, normDomain(domain))
	if err != nil {
		return nil, err
	}
	for _, w := range rows {
		if w.Status == storage.BureauCancelled {
			continue
		}
		r, err := c.o.Store.BureauSubjectByNumber(ctx, w.SubjectNumber)
		if err != nil {
			return nil, err
		}
		sub, err := c.subject(r)
		if err != nil {
			return nil, err
		}
		return c.website(w, sub)
	}
	return nil, nil
}

// LookupNumber implements Registry.
func (c *core) LookupNumber(ctx context.Context, number string) (*Subject, error) {
	number = strings.TrimSpace(number)
	subjectNumber, _, isWebsite := strings.Cut(number, "号-")
	if isWebsite {
		subjectNumber += "号"
	}
	r, err := c.o.Store.BureauSubjectByNumber(ctx, subjectNumber)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	sub, err := c.subject(r)
	if err != nil {
		return nil, err
	}
	if !isWebsite {
		return sub, nil
	}
	sites, err := c.o.Store.BureauWebsitesBySubject(ctx, subjectNumber)
	if err != nil {
		return nil, err
	}
	for _, w := range sites {
		if w.Number == number {
			if sub.Website, err = c.website(w, sub); err != nil {
				return nil, err
			}
			return sub, nil
		}
	}
	return nil, nil
}

func (c *core) subject(r *storage.BureauSubject) (*Subject, error) {
	out := &Subject{Number: r.Number, Status: r.Status}
	if err := c.open(r.Data, &out.Subject); err != nil {
		return nil, fmt.Errorf("bureau subject %s: %w", r.Number, err)
	}
	return out, nil
}

func (c *core) website(w *storage.BureauWebsite, sub *Subject) (*Website, error) {
	out := &Website{Number: w.Number, Status: w.Status, SubjectNumber: w.SubjectNumber, Providers: w.Providers,
		SubjectCertType: sub.Subject.CertType, SubjectCertNumber: sub.Subject.CertNumber}
	if err := c.open(w.Data, &out.Website); err != nil {
		return nil, fmt.Errorf("bureau website %s: %w", w.Number, err)
	}
	out.Website.Access = filing.Access{}
	return out, nil
}

// plan is what resolve found: the subject's record and, per document
// website, its existing record (nil for a new website).
type plan struct {
	subject  *storage.BureauSubject
	websites []*storage.BureauWebsite
	// shell is a filed subject without websites (空壳) that a first filing
	// replaces: it is treated as unknown and cancelled on approval.
	shell *storage.BureauSubject
}

// resolve finds the records a submission concerns. strict (the
// simulator) also judges the registry conflicts of the flow and returns
// the reason to reject, nil when there is none; the relay's mirror only
// learns, so it resolves what it knows and judges nothing.
func (c *core) resolve(ctx context.Context, tx *storage.Tx, sub Submission, strict bool) (*plan, *filing.Text, error) {
	doc := sub.Document
	pl := &plan{websites: make([]*storage.BureauWebsite, len(doc.Websites))}
	// The subject's record: by number, else by certificate.
	if sub.SubjectNumber != "" {
		r, err := tx.BureauSubjectByNumber(ctx, sub.SubjectNumber)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, nil, err
		}
		pl.subject = r
	} else {
		rows, err := tx.BureauSubjectsByCert(ctx, c.certHash(doc.Subject.CertType, doc.Subject.CertNumber))
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			if r.Status == storage.BureauActive {
				pl.subject = r
				break
			}
		}
	}
	if pl.subject != nil && pl.subject.Status != storage.BureauActive {
		pl.subject = nil
	}
	if sub.Flow == filing.FlowFirstFiling && pl.subject != nil {
		sites, err := tx.BureauWebsitesBySubject(ctx, pl.subject.Number)
		if err != nil {
			return nil, nil, err
		}
		live := 0
		for _, w := range sites {
			if w.Status != storage.BureauCancelled {
				live++
			}
		}
		if live == 0 {
			pl.shell, pl.subject = pl.subject, nil
		}
	}
	if strict {
		if sub.Flow == filing.FlowFirstFiling {
			if pl.subject != nil {
				return nil, &filing.Text{
					ZH: fmt.Sprintf("该主办单位已备案（%s），请办理新增网站而非首次备案", pl.subject.Number),
					EN: fmt.Sprintf("the subject is already filed (%s): file a new website, not a first filing", pl.subject.Number),
				}, nil
			}
		} else if pl.subject == nil {
			return nil, &filing.Text{
				ZH: "管局备案库中没有该主办单位的有效备案",
				EN: "the national registry has no active filing of this subject",
			}, nil
		}
	}
	newSites := sub.Flow == filing.FlowFirstFiling || sub.Flow == filing.FlowNewWebsite
	for i, w := range doc.Websites {
		domain := normDomain(w.Domain)
		rows, err := tx.BureauWebsitesByDomain(ctx, domain)
		if err != nil {
			return nil, nil, err
		}
		var existing *storage.BureauWebsite
		for _, r := range rows {
			if r.Status != storage.BureauCancelled {
				existing = r
				break
			}
		}
		if i < len(sub.WebsiteNumbers) && sub.WebsiteNumbers[i] != "" && !newSites {
			r, err := tx.BureauWebsiteByNumber(ctx, sub.WebsiteNumbers[i])
			if err != nil && !errors.Is(err, storage.ErrNotFound) {
				return nil, nil, err
			}
			if r != nil && r.Status != storage.BureauCancelled {
				existing = r
			} else {
				existing = nil
			}
		}
		if newSites {
			if existing != nil && strict {
				return nil, &filing.Text{
					ZH: fmt.Sprintf("域名 %s 已备案（%s），不能重复备案", domain, existing.Number),
					EN: fmt.Sprintf("the domain %s is already filed (%s)", domain, existing.Number),
				}, nil
			}
			continue
		}
		if strict && (existing == nil || existing.SubjectNumber != pl.subject.Number) {
			return nil, &filing.Text{
				ZH: fmt.Sprintf("管局备案库中没有该主办单位的网站 %s", domain),
				EN: fmt.Sprintf("the national registry has no website %s of this subject", domain),
			}, nil
		}
		if strict && sub.Flow == filing.FlowNewAccess && slices.Contains(existing.Providers, sub.Provider) {
			return nil, &filing.Text{
				ZH: fmt.Sprintf("网站 %s 已由本接入商接入", domain),
				EN: fmt.Sprintf("the website %s is already hosted by this provider", domain),
			}, nil
		}
		pl.websites[i] = existing
	}
	if strict && sub.Flow == filing.FlowChangeSubject && c.certHash(doc.Subject.CertType, doc.Subject.CertNumber) != pl.subject.CertHash {
		return nil, &filing.Text{
			ZH: "变更主体不能变更证件类型或证件号码",
			EN: "a subject change cannot change the certificate type or number",
		}, nil
	}
	return pl, nil, nil
}

// apply writes an approval into the registry and returns the numbers.
// given holds the real bureau's numbers (relay); nil issues new ones
// (simulator). With given numbers a record the mirror does not know yet is
// added rather than refused.
func (c *core) apply(ctx context.Context, tx *storage.Tx, sub Submission, pl *plan, now time.Time, given *Numbers) (Numbers, error) {
	doc := sub.Document
	today := workdays.Date(now)
	var n Numbers
	insertSubject := func(number string) error {
		data, err := c.seal(doc.Subject)
		if err != nil {
			return err
		}
		_, err = tx.InsertBureauSubject(ctx, &storage.BureauSubject{Number: number, Province: doc.Subject.Province,
			CertType: doc.Subject.CertType, CertHash: c.certHash(doc.Subject.CertType, doc.Subject.CertNumber), Name: doc.Subject.Name,
			Data: data, Status: storage.BureauActive, Source: "beian", ApplicationID: sub.ApplicationID, ApprovedOn: today})
		return err
	}
	insertWebsite := func(number, subjectNumber string, w filing.Website) error {
		w.Access = filing.Access{}
		data, err := c.seal(w)
		if err != nil {
			return err
		}
		var providers []string
		if sub.Provider != "" {
			providers = []string{sub.Provider}
		}
		if _, err := tx.InsertBureauWebsite(ctx, &storage.BureauWebsite{Number: number, SubjectNumber: subjectNumber,
			Domain: normDomain(w.Domain), Name: w.Name, Data: data, Providers: providers, Status: storage.BureauActive,
			Source: "beian", ApplicationID: sub.ApplicationID, ApprovedOn: today}); err != nil {
			return err
		}
		if serial, ok := websiteSerial(subjectNumber, number); ok {
			return tx.RaiseBureauWebsiteSerial(ctx, subjectNumber, serial)
		}
		return nil
	}
	switch sub.Flow {
	case filing.FlowFirstFiling, filing.FlowNewWebsite:
		if pl.shell != nil {
			pl.shell.Status, pl.shell.ApplicationID = storage.BureauCancelled, sub.ApplicationID
			if err := tx.UpdateBureauSubject(ctx, pl.shell); err != nil {
				return n, err
			}
		}
		switch {
		case sub.Flow == filing.FlowFirstFiling || pl.subject == nil:
			number := ""
			if given != nil {
				number = given.Subject
			} else {
				p, ok := c.o.Refdata.Province(doc.Subject.Province)
				if !ok || p.ICPAbbr == "" {
					return n, jobs.Permanent(fmt.Errorf("bureau: unknown province %q", doc.Subject.Province))
				}
				var err error
				if number, err = issueSubjectNumber(ctx, tx, p.ICPAbbr, now.In(workdays.CST).Year()); err != nil {
					return n, err
				}
			}
			if err := insertSubject(number); err != nil {
				return n, err
			}
			n.Subject = number
		default:
			n.Subject = pl.subject.Number
		}
		for i, w := range doc.Websites {
			var number string
			if given != nil {
				number = given.Websites[i]
			} else {
				serial, err := tx.TakeBureauWebsiteSerial(ctx, n.Subject)
				if err != nil {
					return n, err
				}
				number = WebsiteNumber(n.Subject, serial)
			}
			if err := insertWebsite(number, n.Subject, w); err != nil {
				return n, err
			}
			n.Websites = append(n.Websites, number)
		}
		return n, nil
	}

	switch {
	case pl.subject != nil:
		n.Subject = pl.subject.Number
	case given != nil:
		n.Subject = given.Subject
		if sub.Flow == filing.FlowNewAccess {
			// Filed elsewhere before the mirror knew it: learn it now.
			if err := insertSubject(n.Subject); err != nil {
				return n, err
			}
		}
	}
	for i, w := range pl.websites {
		switch {
		case w != nil:
			n.Websites = append(n.Websites, w.Number)
		case given != nil && i < len(given.Websites):
			n.Websites = append(n.Websites, given.Websites[i])
			if sub.Flow == filing.FlowNewAccess {
				if err := insertWebsite(given.Websites[i], n.Subject, doc.Websites[i]); err != nil {
					return n, err
				}
			}
		}
	}
	switch sub.Flow {
	case filing.FlowNewAccess:
		for _, w := range pl.websites {
			if w == nil {
				continue
			}
			if !slices.Contains(w.Providers, sub.Provider) {
				w.Providers = append(w.Providers, sub.Provider)
			}
			w.Status = storage.BureauActive
			w.ApplicationID = sub.ApplicationID
			if err := tx.UpdateBureauWebsite(ctx, w); err != nil {
				return n, err
			}
		}
	case filing.FlowChangeSubject:
		if pl.subject == nil {
			break
		}
		data, err := c.seal(doc.Subject)
		if err != nil {
			return n, err
		}
		pl.subject.Name, pl.subject.Data, pl.subject.ApplicationID = doc.Subject.Name, data, sub.ApplicationID
		if err := tx.UpdateBureauSubject(ctx, pl.subject); err != nil {
			return n, err
		}
	case filing.FlowChangeWebsite:
		for i, w := range pl.websites {
			if w == nil {
				continue
			}
			site := doc.Websites[i]
			site.Access = filing.Access{}
			site.Domain = w.Domain // a website change never changes the domain
			data, err := c.seal(site)
			if err != nil {
				return n, err
			}
			w.Name, w.Data, w.ApplicationID = site.Name, data, sub.ApplicationID
			if err := tx.UpdateBureauWebsite(ctx, w); err != nil {
				return n, err
			}
		}
	case filing.FlowChangeAccess:
		// The registry keeps no access details: nothing changes here.
	case filing.FlowCancelSubject:
		if pl.subject == nil {
			break
		}
		sites, err := tx.BureauWebsitesBySubject(ctx, pl.subject.Number)
		if err != nil {
			return n, err
		}
		n.Websites = nil
		for _, w := range sites {
			if w.Status == storage.BureauCancelled {
				continue
			}
			n.Websites = append(n.Websites, w.Number)
			w.Status, w.ApplicationID = storage.BureauCancelled, sub.ApplicationID
			if err := tx.UpdateBureauWebsite(ctx, w); err != nil {
				return n, err
			}
		}
		pl.subject.Status, pl.subject.ApplicationID = storage.BureauCancelled, sub.ApplicationID
		if err := tx.UpdateBureauSubject(ctx, pl.subject); err != nil {
			return n, err
		}
	case filing.FlowCancelWebsite:
		for _, w := range pl.websites {
			if w == nil {
				continue
			}
			w.Status, w.ApplicationID = storage.BureauCancelled, sub.ApplicationID
			if err := tx.UpdateBureauWebsite(ctx, w); err != nil {
				return n, err
			}
		}
	case filing.FlowCancelAccess:
		for _, w := range pl.websites {
			if w == nil {
				continue
			}
			w.Providers = slices.DeleteFunc(w.Providers, func(p string) bool { return p == sub.Provider })
			if len(w.Providers) == 0 {
				w.Status = storage.BureauNoAccess // 空壳: left without access
			}
			w.ApplicationID = sub.ApplicationID
			if err := tx.UpdateBureauWebsite(ctx, w); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}
