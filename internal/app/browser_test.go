package app

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"beian/internal/browsertest"
	"beian/internal/service"
)

// open logs the browser in as acc (by its session cookie; nil: nobody) in
// lang and loads path.
func (tr *tour) open(ctx context.Context, acc *service.Account, lang, path string) error {
	token := ""
	if acc != nil {
		token = tr.tokens[acc.Email]
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void]("1"),
		browsertest.Cookie(tr.srv.URL, "beian_session", token), browsertest.Cookie(tr.srv.URL, "lang", lang)); err != nil {
		return err
	}
	return browsertest.Load(ctx, tr.srv.URL+path, 30*time.Second)
}

// TestProgressTellsTheTruth: after a step goes back or a change or
// cancellation is approved, the progress page in Chromium says what
// happened, why and what comes next — not what the state it resembles
// would say.
func TestProgressTellsTheTruth(t *testing.T) {
	ctx := browsertest.Start(t)
	tr := newTour(t)
	badge := func() string {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.situation-badge').innerText`))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(s)
	}
	current := func() string {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){var e=document.querySelector('.tracker [aria-current=step] .stage-label'); return e?e.innerText:'';})()`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, c := range []struct {
		label, badge, stage string
		says, never         []string
	}{
		{"materials_rejected", "材料需补正", "核验",
			[]string{"核验材料未通过审核", "网站 1 · 现场核验照片", "幕布照片模糊，请重新拍摄", "重新登记核验方式"},
			[]string{"初审已通过，请完成核验", "资料已签收"}},
		{"sms_returned", "短信核验已退回", "管局",
			[]string{"短信核验未完成，管局已退回", "短信核验错误次数达到 5 次", "负责人手机会收到新的验证码"},
			[]string{"即将提交管局", "已过期", "待确认"}},
		{"cancelled", "已注销", "",
			[]string{"注销已完成", "请从网站页面撤下备案号", "已注销"},
			[]string{"请在网站首页底部", "公安联网备案"}},
		{"change_approved", "变更已生效", "",
			[]string{"变更已生效", "备案号不变"},
			[]string{"请在网站首页底部", "公安联网备案"}},
		{"approved-then-cancelled", "备案号已注销", "",
			[]string{"本申请取得的备案号已经注销"},
			[]string{"请在网站首页底部"}},
		{"approved", "已备案", "",
			[]string{"备案成功", "请在网站首页底部居中展示网站备案号", "30 日内"},
			nil},
	} {
		t.Run(c.label, func(t *testing.T) {
			if err := tr.open(ctx, tr.owner(c.label), "zh", "/applications/"+tr.apps[c.label]); err != nil {
				t.Fatal(err)
			}
			text, err := browsertest.Text(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := badge(); got != c.badge {
				t.Errorf("badge %q, want %q", got, c.badge)
			}
			if got := current(); got != c.stage {
				t.Errorf("current stage %q, want %q", got, c.stage)
			}
			for _, s := range c.says {
				if !strings.Contains(text, s) {
					t.Errorf("the page does not say %q:\n%s", s, text)
				}
			}
			for _, s := range c.never {
				if strings.Contains(text, s) {
					t.Errorf("the page says %q:\n%s", s, text)
				}
			}
		})
	}
	// The uploads page names the refused material too.
	if err := tr.open(ctx, tr.owner("materials_rejected"), "zh", "/applications/"+tr.apps["materials_rejected"]+"/uploads"); err != nil {
		t.Fatal(err)
	}
	if text, _ := browsertest.Text(ctx); !strings.Contains(text, "幕布照片模糊，请重新拍摄") {
		t.Errorf("the uploads page does not show why the materials were refused:\n%s", text)
	}
}

// account is the tour account of a visitor.
func (tr *tour) account(name string) *service.Account {
	return map[string]*service.Account{"applicant": tr.applicant, "second": tr.second, "reviewer": tr.reviewer, "admin": tr.admin}[name]
}

// shots are the pages docs/screenshots shows, by file name: every page of
// both journeys, the progress page in each situation, the review page in
// each state.
func (tr *tour) shots() []struct{ name, who, lang, path string } {
	app := func(label string) string { return "/applications/" + tr.apps[label] }
	rev := func(label string) string { return "/review/applications/" + tr.apps[label] }
	type shot = struct{ name, who, lang, path string }
	out := []shot{
		{"applicant-01-login", "", "zh", "/login"},
		{"applicant-02-register", "", "zh", "/register"},
		{"applicant-03-forgot", "", "zh", "/password/forgot"},
		{"applicant-04-home", "applicant", "zh", "/"},
		{"applicant-05-home-change", "applicant", "zh", "/?tab=change"},
		{"applicant-06-home-cancel", "second", "zh", "/?tab=cancel"},
		{"applicant-07-precheck", "applicant", "zh", "/apply"},
		{"applicant-08-subject", "applicant", "zh", app("draft") + "/subject"},
		{"applicant-09-subject-fresh", "second", "zh", app("draft-fresh") + "/subject"},
		{"applicant-10-websites", "applicant", "zh", app("draft") + "/websites"},
		{"applicant-11-access", "applicant", "zh", app("draft") + "/access"},
		{"applicant-12-uploads", "applicant", "zh", app("draft") + "/uploads"},
		{"applicant-13-submit", "applicant", "zh", app("draft") + "/submit"},
		{"applicant-14-individual-subject", "second", "zh", app("individual-draft") + "/subject"},
		{"applicant-15-individual-websites", "second", "zh", app("individual-draft") + "/websites"},
		{"applicant-16-new-website", "applicant", "zh", app("new_website-draft") + "/websites"},
		{"applicant-17-new-access", "second", "zh", app("new_access-draft") + "/access"},
		{"applicant-18-change-subject", "second", "zh", app("change_subject-draft") + "/subject"},
		{"applicant-19-filings", "applicant", "zh", "/filings"},
		{"applicant-20-cancel", "applicant", "zh", "/records/cancel?record=" + tr.number("approved")},
		{"applicant-21-lookup", "", "zh", "/lookup?q=" + tr.number("approved")},
		{"applicant-22-verification-form", "applicant", "zh", app("draft") + "/forms/verification/0"},
		{"applicant-23-security-letter", "applicant", "zh", app("draft") + "/forms/security-letter"},
		{"applicant-24-home-en", "second", "en", "/"},
		{"applicant-25-error", "applicant", "zh", "/applications/none"},
		{"applicant-26-document", tr.who("approved"), "zh", app("approved") + "/document"},
		{"applicant-27-subject-en", "applicant", "en", app("draft") + "/subject"},
		{"applicant-28-uploads-en", "applicant", "en", app("draft") + "/uploads"},
		{"applicant-29-submit-en", "applicant", "en", app("draft") + "/submit"},
		{"applicant-30-duties", tr.who("approved"), "zh", "/duties"},
	}
	for i, label := range []string{"initial_review", "initial_rejected", "verification", "materials_rejected", "material_review",
		"ready_for_bureau", "bureau_sms", "sms_returned", "bureau_review", "bureau_rejected", "approved", "change_approved",
		"cancelled", "approved-then-cancelled", "withdrawn"} {
		who := "applicant"
		if tr.owner(label) == tr.second {
			who = "second"
		}
		out = append(out, shot{fmt.Sprintf("progress-%02d-%s", i+1, label), who, "zh", app(label)})
	}
	out = append(out, shot{"progress-16-materials_rejected-en", "applicant", "en", app("materials_rejected")})
	out = append(out,
		shot{"staff-01-queue", "reviewer", "zh", "/review"},
		shot{"staff-02-queue-en", "reviewer", "en", "/review"})
	for i, label := range []string{"initial_review", "resubmitted", "verification", "material_review", "ready_for_bureau",
		"bureau_sms", "approved", "change_approved"} {
		out = append(out, shot{fmt.Sprintf("staff-%02d-review-%s", i+3, label), "admin", "zh", rev(label)})
	}
	out = append(out,
		shot{"staff-11-staff", "admin", "zh", "/admin/staff"},
		shot{"staff-12-outbox", "admin", "zh", "/admin/outbox"},
		shot{"staff-13-audit", "admin", "zh", "/admin/audit"},
		shot{"staff-14-bureau", "admin", "zh", "/admin/bureau"},
		shot{"staff-15-review-en", "admin", "en", rev("initial_rejected")},
		shot{"staff-16-reasons", "admin", "zh", "/admin/reasons"},
		shot{"staff-17-reasons-en", "admin", "en", "/admin/reasons"},
		shot{"staff-18-webhooks", "admin", "zh", "/review/webhooks"},
		shot{"staff-19-monitor", "reviewer", "zh", "/review/monitor"},
		shot{"staff-20-insight", "reviewer", "zh", "/review/insight"},
		shot{"staff-21-insight-en", "reviewer", "en", "/review/insight"})
	return out
}

// who names the visitor a tour application's page is shot as: its owner.
func (tr *tour) who(label string) string {
	if tr.owner(label) == tr.second {
		return "second"
	}
	return "applicant"
}

// number is the website number of a tour filing.
func (tr *tour) number(label string) string {
	app := tr.get(tr.owner(label), tr.apps[label])
	if app.Numbers == nil || len(app.Numbers.Websites) == 0 {
		return ""
	}
	return app.Numbers.Websites[0]
}

// TestScreenshots writes a PNG of every applicant and staff page at 1280 px
// and 390 px into BEIAN_SCREENSHOTS (docs/screenshots in the repository):
//
//	BEIAN_SCREENSHOTS=$PWD/docs/screenshots go test ./internal/app -run TestScreenshots
func TestScreenshots(t *testing.T) {
	if os.Getenv(browsertest.ShotsEnv) == "" {
		t.Skip("set BEIAN_SCREENSHOTS=dir to write screenshots")
	}
	ctx := browsertest.Start(t)
	tr := newTour(t)
	for _, width := range []int64{1280, 390} {
		if err := chromedp.Do(ctx, browsertest.Viewport(width)); err != nil {
			t.Fatal(err)
		}
		for _, s := range tr.shots() {
			if err := tr.open(ctx, tr.account(s.who), s.lang, s.path); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			browsertest.Shot(t, ctx, fmt.Sprintf("%d/%s", width, s.name))
		}
	}
}
