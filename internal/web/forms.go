package web

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/httpx"
	"beian/internal/refdata"
	"beian/internal/service"
)

// The printable paper forms an applicant signs: the 网站备案信息真实性核验单
// of each website and the 网络安全责任书. They are standalone A4 pages (no
// site chrome, print CSS in /static/print.css), pre-filled from the
// document as the seed provider instructs: 网站主办者名称 and 网站域名
// without "www.", the signature and seal area for the website leader, the
// provider's 核验人 section left blank. The printed text is Chinese, as the
// bureau requires; the on-screen instructions follow the page language.

//go:embed printforms/*.html
var printFS embed.FS

// printPages are parsed once; a broken template stops start-up.
var printPages = template.Must(template.New("print").Funcs(template.FuncMap{"add1": func(i int) int { return i + 1 }}).
	ParseFS(printFS, "printforms/*.html"))

// printText holds the on-screen (not printed) words of the form pages.
var printText = map[string][2]string{
	"back":          {"返回上传资料", "Back to the uploads"},
	"print":         {"打印（A4）", "Print (A4)"},
	"verform.title": {"网站备案信息真实性核验单", "Website filing verification form"},
	"verform.howto": {"请用 A4 纸打印。网站负责人在“网站负责人签字”处用黑色或蓝色签字笔签字，并注明签字日期；单位加盖公章，个人备案按手印。“核验人签字及单位盖章”一栏由接入服务商填写，请勿填写任何内容。签好后拍照或扫描，在“上传资料”中作为“网站备案信息真实性核验单”上传，并填写签字日期；原件请在面签时带来或随资料邮寄。",
		"Print on A4 paper. The website leader signs at 网站负责人签字 with a black or blue pen and writes the date; organizations add their official seal, individuals a fingerprint. Leave the 核验人签字及单位盖章 section blank: the provider fills it in. Then photograph or scan the signed form, upload it in the uploads step as the verification form with the date it was signed, and bring the original to the signing or mail it with your documents."},
	"verform.others": {"其他网站的核验单：", "Forms of the other websites:"},
	"letter.title":   {"网络安全责任书", "Network security responsibility letter"},
	"letter.howto": {"请用 A4 纸打印，由主办单位盖章（个人备案签字并按手印）并注明日期。“甲方”一栏由接入服务商填写。原件与核验单一起在面签时带来或邮寄；也可在“上传资料”中上传扫描件。",
		"Print on A4 paper; the subject signs and seals it (individuals sign and add a fingerprint) and writes the date. The provider fills in its own part (甲方). Bring the original with the verification form to the signing or mail it; you may also upload a scan in the uploads step."},
	"gloss.subject":  {"", "name of the website's owner (subject)"},
	"gloss.site":     {"", "website name"},
	"gloss.domain":   {"", "domain, without www."},
	"gloss.leader":   {"", "website leader"},
	"gloss.provider": {"", "hosting provider"},
	"gloss.sign":     {"", "the website leader signs here; seal or fingerprint"},
	"gloss.verifier": {"", "for the provider's verifier only: leave blank"},
}

// printBase is what both form pages share.
type printBase struct {
	Lang, Title, Back string
}

// T is an on-screen word in the page language.
func (p printBase) T(key string) string {
	t := printText[key]
	if p.Lang == "en" {
		return t[1]
	}
	return t[0]
}

// EN reports whether English glosses are shown beside the Chinese labels.
func (p printBase) EN() bool { return p.Lang == "en" }

// verificationSheet is one website's 核验单.
type verificationSheet struct {
	printBase
	Subject, SiteName, Domain, Leader, Provider string
	Individual                                  bool
	Others                                      []formLink
}

type formLink struct{ Label, URL string }

// securityLetterPage is the 网络安全责任书 of the whole application.
type securityLetterPage struct {
	printBase
	Subject, Leader, Provider string
	Individual                bool
	Sites                     []filing.Website
}

// FormDomain is a domain as the forms want it: lower case, without "www.".
func FormDomain(d string) string {
	d = strings.ToLower(strings.TrimSpace(d))
	return strings.TrimPrefix(d, "www.")
}

func verificationFormURL(appID string, website int) string {
	return "/applications/" + appID + "/forms/verification/" + strconv.Itoa(website)
}

func securityLetterURL(appID string) string {
	return "/applications/" + appID + "/forms/security-letter"
}

// verificationFormPage serves the printable 核验单 of one website to the
// application's owner (and staff); anyone else gets 404.
func (wb *Web) verificationFormPage(w http.ResponseWriter, r *http.Request) error {
	_, app, err := wb.loadApp(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("website"))
	if err != nil || n < 0 || n >= len(app.Document.Websites) {
		return fault.NewNotFound()
	}
	doc := app.Document
	site := doc.Websites[n]
	p := &verificationSheet{
		printBase: wb.printBase(r, app, "verform.title"),
		Subject:   strings.TrimSpace(doc.Subject.Name), SiteName: strings.TrimSpace(site.Name), Domain: FormDomain(site.Domain),
		Leader: strings.TrimSpace(site.Leader.Name), Provider: wb.cfg.Provider.Name,
		Individual: doc.Subject.Nature == refdata.NatureIndividual,
	}
	if len(doc.Websites) > 1 {
		for i, s := range doc.Websites {
			if i != n {
				p.Others = append(p.Others, formLink{Label: FormDomain(s.Domain), URL: verificationFormURL(app.ID, i)})
			}
		}
	}
	return wb.renderPrint(w, "verification_form", p)
}

// securityLetterPage serves the printable 网络安全责任书.
func (wb *Web) securityLetterPage(w http.ResponseWriter, r *http.Request) error {
	_, app, err := wb.loadApp(r)
	if err != nil {
		return err
	}
	doc := app.Document
	p := &securityLetterPage{
		printBase: wb.printBase(r, app, "letter.title"),
		Subject:   strings.TrimSpace(doc.Subject.Name), Leader: strings.TrimSpace(doc.Subject.Leader.Name), Provider: wb.cfg.Provider.Name,
		Individual: doc.Subject.Nature == refdata.NatureIndividual,
	}
	for _, s := range doc.Websites {
		s.Domain = FormDomain(s.Domain)
		p.Sites = append(p.Sites, s)
	}
	return wb.renderPrint(w, "security_letter", p)
}

// legacyVerificationForm sends the older link to the printable form.
// Others get the same 404 as for the form itself.
func (wb *Web) legacyVerificationForm(w http.ResponseWriter, r *http.Request) error {
	_, app, err := wb.loadApp(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 || n >= len(app.Document.Websites) {
		return fault.NewNotFound()
	}
	return redirect(w, r, verificationFormURL(app.ID, n))
}

func (wb *Web) printBase(r *http.Request, app *service.Application, title string) printBase {
	p := printBase{Lang: httpx.PageLang(r), Back: "/applications/" + app.ID + "/uploads"}
	p.Title = p.T(title)
	return p
}

func (wb *Web) renderPrint(w http.ResponseWriter, name string, data any) error {
	var buf bytes.Buffer
	if err := printPages.ExecuteTemplate(&buf, name, data); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store") // personal data
	w.WriteHeader(http.StatusOK)
	_, err := buf.WriteTo(w)
	return err
}
