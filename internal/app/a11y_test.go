package app

import (
	"os"
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"

	"beian/internal/browsertest"
)

// pageSet is every page the tour's visitors reach, once per path.
func (tr *tour) pageSet(t *testing.T) map[string][]string {
	out := map[string][]string{}
	for _, v := range tr.visitors() {
		pages, problems := tr.walk(v)
		for _, p := range problems {
			t.Errorf("%s: %s", v.name, p)
		}
		for _, p := range pages {
			out[v.name] = append(out[v.name], p.path)
		}
	}
	return out
}

// TestEveryPageInChromium loads every page of both journeys in Chromium:
// axe-core finds no serious or critical accessibility violation at 1280 px,
// and at 390 px no page scrolls sideways. BEIAN_A11Y_PATHS, a regular
// expression, limits the pages while iterating on a few (the whole set
// takes over ten minutes on a small machine).
func TestEveryPageInChromium(t *testing.T) {
	only := regexp.MustCompile(os.Getenv("BEIAN_A11Y_PATHS"))
	ctx := browsertest.Start(t)
	axe := browsertest.Axe(t)
	tr := newTour(t)
	langs := map[string]string{}
	for _, v := range tr.visitors() {
		langs[v.name] = v.lang
	}
	checked := 0
	for name, paths := range tr.pageSet(t) {
		for _, width := range []int64{1280, 390} {
			if err := chromedp.Do(ctx, browsertest.Viewport(width)); err != nil {
				t.Fatal(err)
			}
			for _, p := range paths {
				if !only.MatchString(p) {
					continue
				}
				if err := tr.open(ctx, tr.account(name), langs[name], p); err != nil {
					t.Errorf("%s %s: %v", name, p, err)
					continue
				}
				if width == 390 {
					if over, err := browsertest.Overflow(ctx); err != nil || over > 0 {
						wider, _ := browsertest.Wider(ctx)
						t.Errorf("%s %s at 390 px: %d px too wide %v %v", name, p, over, wider, err)
					}
					continue
				}
				vs, err := browsertest.RunAxe(ctx, axe)
				if err != nil {
					t.Errorf("%s %s: %v", name, p, err)
					continue
				}
				for _, v := range vs {
					t.Errorf("%s %s: %s", name, p, v)
				}
				checked++
			}
		}
	}
	t.Logf("axe checked %d pages", checked)
}

// TestFocusAfterFailedSave: a save that leaves errors comes back with the
// focus on the first field in error, whose message is tied to it.
func TestFocusAfterFailedSave(t *testing.T) {
	ctx := browsertest.Start(t)
	tr := newTour(t)
	if err := tr.open(ctx, tr.second, "zh", "/applications/"+tr.apps["draft-fresh"]+"/subject"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`[name="subject.name"]`), "杭州某某科技有限公司"),
		chromedp.SendKeys(chromedp.CSS(`[name="subject.leader.mobile"]`), "123"),
		chromedp.Click(chromedp.CSS(`button[value="next"]`)),
		chromedp.WaitVisible(chromedp.CSS(`main[data-focus-error]`))); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(function(){
	  var e = document.activeElement, ids = (e.getAttribute('aria-describedby') || '').split(' ');
	  var said = ids.map(function(id){ var d = document.getElementById(id); return d ? d.innerText : ''; }).join(' | ');
	  return [e.getAttribute('aria-invalid') || '', e.getAttribute('name') || '', said];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != "true" || got[2] == "" {
		t.Errorf("after a failed save the focus is on %q (aria-invalid %q), described as %q", got[1], got[0], got[2])
	}
	// Required fields say so to assistive technology.
	req, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[aria-required=true][required]').length`))
	if err != nil || req < 10 {
		t.Errorf("%d required fields marked (%v)", req, err)
	}
}
