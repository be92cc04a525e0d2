// Package browsertest is what Beian's browser tests share: the installed
// Chromium (Debian's chromium, or BEIAN_CHROMIUM), a tab logged in by
// cookie, the axe-core accessibility check, the horizontal-overflow check
// of phone widths, and screenshots. Only tests import it.
package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// ChromiumPath finds a Chromium to drive: BEIAN_CHROMIUM, else the usual names.
func ChromiumPath() string {
	if p := os.Getenv("BEIAN_CHROMIUM"); p != "" {
		return p
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// Start starts a fresh headless Chromium for one test, 1280 px wide; it
// skips the test with -short or when no Chromium is installed.
func Start(t testing.TB) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	path := ChromiumPath()
	if path == "" {
		t.Skip("browser test skipped: no chromium found (install Debian's chromium or set BEIAN_CHROMIUM)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// Start the browser on this context, so that steps may run under
	// shorter timeouts without closing it.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// Cookie sets a cookie for the site at base.
func Cookie(base, name, value string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: base})
		return chromedp.Void{}, err
	}
}

// Viewport sets the window's width (390 for a phone, 1280 for a desktop).
func Viewport(width int64) chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(width, 844)
}

// Text is the visible text of the page.
func Text(ctx context.Context) (string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[string]("document.body ? document.body.innerText : ''"))
}

// Overflow is how many CSS pixels the page is wider than the window: more
// than 0 means the reader has to scroll sideways.
func Overflow(ctx context.Context) (int, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[int](
		`Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth`))
}

// Wider lists the elements that stick out of the window on the right, for
// the message of a failed overflow check.
func Wider(ctx context.Context) ([]string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[[]string](`(function(){
	  var out = [], w = window.innerWidth;
	  document.querySelectorAll('body *').forEach(function(e){
	    var r = e.getBoundingClientRect();
	    if (r.right > w + 1 && r.width > 0) {
	      var p = e.parentElement && e.parentElement.getBoundingClientRect();
	      if (!p || p.right <= w + 1) out.push(e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '') + ' ' + Math.round(r.right) + 'px');
	    }
	  });
	  return out.slice(0, 8);
	})()`))
}

// Screenshot saves a full-page PNG.
func Screenshot(ctx context.Context, file string) error {
	// Sticky bars belong at the top of a full-page picture.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void]("window.scrollTo(0,0)")); err != nil {
		return err
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return err
	}
	return savePNG(png, file)
}

// ScreenshotOf saves a PNG of the element sel.
func ScreenshotOf(ctx context.Context, sel, file string) error {
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		return err
	}
	return savePNG(png, file)
}

func savePNG(png []byte, file string) error {
	if small, err := ShrinkPNG(png); err == nil { // a 256-colour palette: the pictures kept in docs/ stay small
		png = small
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return os.WriteFile(file, png, 0o644)
}

// ShotsEnv names the folder the tests save their screenshots in; unset,
// they save none.
const ShotsEnv = "BEIAN_SCREENSHOTS"

// Shot saves a full-page PNG of the page as name.png in $BEIAN_SCREENSHOTS,
// when it is set.
func Shot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	if dir := os.Getenv(ShotsEnv); dir != "" {
		if err := Screenshot(ctx, filepath.Join(dir, name+".png")); err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
	}
}

// ShotOf is Shot of the element sel alone.
func ShotOf(t testing.TB, ctx context.Context, sel, name string) {
	t.Helper()
	if dir := os.Getenv(ShotsEnv); dir != "" {
		if err := ScreenshotOf(ctx, sel, filepath.Join(dir, name+".png")); err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
	}
}

// AxeVersion is the axe-core release the check runs (.ci/run installs it).
const AxeVersion = "4.14.1"

var (
	axeOnce sync.Once
	axeSrc  string
	axeErr  error
)

// axePath is where .ci/run installs axe-core: BEIAN_AXE, else
// .ci/axe/node_modules/axe-core/axe.min.js under the module's root.
func axePath() (string, error) {
	if p := os.Getenv("BEIAN_AXE"); p != "" {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".ci", "axe", "node_modules", "axe-core", "axe.min.js"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the test")
		}
		dir = parent
	}
}

// Axe returns the axe-core script. Without it the test is skipped with the
// command that installs it — except in CI (CI set), where .ci/run installs
// it and its absence fails.
func Axe(t testing.TB) string {
	t.Helper()
	axeOnce.Do(func() {
		var p string
		if p, axeErr = axePath(); axeErr == nil {
			var b []byte
			b, axeErr = os.ReadFile(p)
			axeSrc = string(b)
		}
		// The release .ci/run pins is the one checked against.
		if axeErr == nil && os.Getenv("BEIAN_AXE") == "" {
			var pkg struct{ Version string }
			b, err := os.ReadFile(filepath.Join(filepath.Dir(p), "package.json"))
			if err == nil {
				err = json.Unmarshal(b, &pkg)
			}
			if err == nil && pkg.Version != AxeVersion {
				err = fmt.Errorf("axe-core %s installed, %s expected", pkg.Version, AxeVersion)
			}
			axeErr = err
		}
	})
	if axeErr != nil {
		msg := fmt.Sprintf("axe-core not installed (%v): npm install --prefix .ci/axe --no-save axe-core@%s", axeErr, AxeVersion)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return axeSrc
}

// Violation is one axe-core rule a page breaks.
type Violation struct {
	ID, Impact, Help string
	Nodes            []string // the offending elements' selectors and HTML
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s\n      %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n      "))
}

// RunAxe checks the page with axe-core (WCAG 2 A and AA and best
// practices) and returns its serious and critical violations.
func RunAxe(ctx context.Context, src string) ([]Violation, error) {
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("typeof axe !== 'undefined'"))
	if err != nil {
		return nil, err
	}
	if !loaded {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			return nil, fmt.Errorf("load axe-core: %w", err)
		}
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`axe.run(document, {resultTypes: ['violations']}).then(function(r){
	  return r.violations.filter(function(v){ return v.impact === 'serious' || v.impact === 'critical'; }).map(function(v){
	    return {ID: v.id, Impact: v.impact, Help: v.help, Nodes: v.nodes.slice(0, 5).map(function(n){ return n.target.join(' ') + '  ' + n.html.slice(0, 160); })};
	  });
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("axe.run: %w", err)
	}
	var out []Violation
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("axe results: %w", err)
	}
	return out, nil
}

// Load navigates to url and waits for the page to be ready, within d.
func Load(ctx context.Context, url string, d time.Duration) error {
	c, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return chromedp.Do(c, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
}

// Within is Start bounded to d: the whole test's browsing ends by then.
func Within(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(Start(t), d)
	t.Cleanup(cancel)
	return ctx
}

// Do runs one step of a test's browsing (30 seconds at most: a missing
// element fails fast) and fails the test with the step's name, the page's
// address and its visible text when it does not work out.
func Do(t testing.TB, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		body, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body ? document.body.innerText : ''"))
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("%s: %v\nat %s\n%s", what, err, loc, body)
	}
}
