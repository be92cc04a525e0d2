package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"beian/internal/images/jpegtest"
)

// TestAbusePeakMemory is the measuring driver of issue 12: it replays the
// attacks together against the real `beian serve` — 64 worst-case 1 MiB
// document bodies at a time (validate without an account, PUT into a
// draft: 349,000 empty websites, a 1 MiB name, 1 MiB of IPs), then five
// progressive-JPEG bombs and five ID merges of them
// at a time, then five accepted progressive pictures at the budget — and
// prints the server's peak resident memory (VmHWM). It takes minutes on a
// build without the bounds, so it runs only with BEIAN_ABUSE_MEMORY=1
// (BEIAN_BIN=path measures another build, e.g. one from before the fix).
func TestAbusePeakMemory(t *testing.T) {
	if os.Getenv("BEIAN_ABUSE_MEMORY") == "" {
		t.Skip("a measurement: set BEIAN_ABUSE_MEMORY=1")
	}
	base, pid := startServe(t)
	start := vmHWM(t, pid)
	c := &http.Client{Timeout: 10 * time.Minute}
	do := func(method, path, tok, ct string, body []byte) (int, []byte) {
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Error(err)
			return 0, nil
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	js := func(v any) []byte { b, _ := json.Marshal(v); return b }
	do("POST", "/api/v1/accounts", "", "application/json", js(map[string]any{"email": "abuse@example.com", "phone": "13900002222", "password": "Str0ng-pass!"}))
	_, b := do("POST", "/api/v1/sessions", "", "application/json", js(map[string]any{"email": "abuse@example.com", "password": "Str0ng-pass!"}))
	var sess struct{ Token string }
	json.Unmarshal(b, &sess)
	st, b := do("POST", "/api/v1/applications", sess.Token, "application/json", js(map[string]any{"domain": "example-hz.cn", "cert_type": "business_license", "cert_number": "91330106E3PWQ30LC5"}))
	var app struct{ ID string }
	if json.Unmarshal(b, &app); st != 201 {
		t.Fatalf("create: %d %s", st, b)
	}

	mib := 1<<20 - 64
	bodies := map[string][]byte{
		"349,000 websites": emptyWebsites((mib - 20) / 3),
		"a 1 MiB name":     []byte(`{"subject":{"name":"` + strings.Repeat("公", mib/3-10) + `"}}`),
		"1 MiB of IPs":     []byte(`{"websites":[{"access":{"ips":[` + strings.TrimSuffix(strings.Repeat(`"1.1.1.1",`, mib/10-10), ",") + `]}}]}`),
	}
	type hit struct{ method, path, tok string }
	hits := []hit{{"POST", "/api/v1/validate", ""}, {"PUT", "/api/v1/applications/" + app.ID, sess.Token}}
	phase := func(name string, n, inFlight int, fn func(i int) string) {
		began := time.Now()
		work := make(chan int)
		var wg sync.WaitGroup
		var mu sync.Mutex
		statuses := map[string]int{}
		for range inFlight {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range work {
					s := fn(i)
					mu.Lock()
					statuses[s]++
					mu.Unlock()
				}
			}()
		}
		for i := range n {
			work <- i
		}
		close(work)
		wg.Wait()
		t.Logf("%-52s %4d requests, %2d at a time, %8v: peak so far %d MB; answers %v", name, n, inFlight,
			time.Since(began).Round(time.Millisecond), vmHWM(t, pid)>>20, statuses)
	}
	names := []string{"349,000 websites", "a 1 MiB name", "1 MiB of IPs"}
	phase("document bodies (validate, PUT)", 192, 64, func(i int) string {
		h, name := hits[i%2], names[(i/2)%3]
		st, _ := do(h.method, h.path, h.tok, "application/json", bodies[name])
		return fmt.Sprint(st)
	})
	bomb := jpegtest.ProgressiveDC(7296, 5472)
	budget := jpegtest.ProgressiveDC(3264, 2448)
	upload := func(path string, fields map[string]string, files map[string][]byte) string {
		body, ct := multipartBody(t, fields, files, "photo.jpg")
		b, _ := io.ReadAll(body)
		st, _ := do("POST", path, sess.Token, ct, b)
		return fmt.Sprint(st)
	}
	attach := "/api/v1/applications/" + app.ID + "/attachments"
	phase("progressive 40 MP bombs (upload, id-merge)", 20, 10, func(i int) string {
		if i%2 == 0 {
			return upload(attach, map[string]string{"kind": "domain_certificate", "website": "0"}, map[string][]byte{"file": bomb})
		}
		return upload("/api/v1/id-merge", nil, map[string][]byte{"front": bomb, "back": bomb})
	})
	phase("progressive 8 MP at the budget (upload, id-merge)", 20, 10, func(i int) string {
		if i%2 == 0 {
			return upload(attach, map[string]string{"kind": "domain_certificate", "website": "0"}, map[string][]byte{"file": budget})
		}
		return upload("/api/v1/id-merge", nil, map[string][]byte{"front": budget, "back": budget})
	})
	t.Logf("server peak resident memory (VmHWM): %d MB (%d MB after start-up)", vmHWM(t, pid)>>20, start>>20)
}
