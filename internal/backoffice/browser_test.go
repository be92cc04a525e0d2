package backoffice_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"beian/internal/browsertest"
)

func login(t *testing.T, ctx context.Context, base, next, email, password string) {
	t.Helper()
	browsertest.Do(t, ctx, "log in as "+email,
		chromedp.Navigate(base+"/lang?to=zh&back=/login?next="+next),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action="/login"] [name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`form[action="/login"] [name="password"]`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
}

// TestBrowserFieldRejection: in real Chromium, a reviewer rejects one field
// in the back office and the applicant sees the reason beside that field.
func TestBrowserFieldRejection(t *testing.T) {
	ctx := browsertest.Within(t, 2*time.Minute)
	h := newHarness(t)
	_, id := h.submitted("zhao@example.com")
	h.staff("rev@example.com", "reviewer")
	base := h.srv.URL
	reason := "网站名称与网站内容不符，请修改为实际名称"

	login(t, ctx, base, "/review", "rev@example.com", "Staff-pass-2026")
	browsertest.Do(t, ctx, "the queue", chromedp.WaitVisible(chromedp.CSS(`tr[data-id="`+id+`"]`)))
	browsertest.Shot(t, ctx, "review-queue")
	browsertest.Do(t, ctx, "open the application", chromedp.Click(chromedp.CSS(`tr[data-id="`+id+`"] a`)), chromedp.WaitVisible(chromedp.CSS(`#decision-form`)))
	browsertest.Shot(t, ctx, "review-application")
	browsertest.Do(t, ctx, "reject websites[0].name",
		chromedp.SetValue(chromedp.CSS(`#reason-field-0`), "websites[0].name"),
		chromedp.SendKeys(chromedp.CSS(`#reason-message-0`), reason),
		chromedp.Click(chromedp.CSS(`#btn-reject`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#app-state').dataset.state`))
	if err != nil || state != "initial_rejected" {
		t.Fatalf("state after rejecting: %q %v", state, err)
	}
	browsertest.Shot(t, ctx, "review-rejected")
	browsertest.Do(t, ctx, "log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`form[action="/login"]`)))

	login(t, ctx, base, "/applications/"+id+"/websites", "zhao@example.com", "Appl1cant-pass")
	browsertest.Do(t, ctx, "open the website step", chromedp.WaitVisible(chromedp.CSS(`input[name="websites[0].name"]`)))
	// The reason sits in the box of that very field.
	beside, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`(function(){var i=document.querySelector('input[name="websites[0].name"]'); var f=i.closest('.field');
		  var r=f && f.querySelector('.frej'); return r ? r.innerText : '';})()`))
	if err != nil || !strings.Contains(beside, reason) {
		t.Fatalf("reason beside websites[0].name: %q %v", beside, err)
	}
	// And not beside another field.
	other, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`(function(){var f=document.querySelector('input[name="websites[0].homepage_url"]').closest('.field'); var r=f.querySelector('.frej'); return r ? r.innerText : '';})()`))
	if err != nil || other != "" {
		t.Errorf("a reason beside the homepage field: %q %v", other, err)
	}
}
