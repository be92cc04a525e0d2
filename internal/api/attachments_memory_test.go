package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"beian/internal/images/jpegtest"
)

// TestServerPeakMemory starts the real `beian serve`, sends it every
// held-back file and the largest pictures the limits let through, several
// at a time, through both upload endpoints, and reads the server's peak
// resident memory (VmHWM) from /proc: it must stay under 300 MB.
func TestServerPeakMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/PID/status")
	}
	base, pid := startServe(t)
	hwm := func() int64 { return vmHWM(t, pid) }
	startHWM := hwm()

	c := &http.Client{Timeout: 2 * time.Minute}
	call := func(method, path, tok string, body any) (int, map[string]any) {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("Content-Type", "application/json")
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		return res.StatusCode, m
	}
	if st, m := call("POST", "/api/v1/accounts", "", map[string]any{"email": "mem@example.com", "phone": "13900001111", "password": "Str0ng-pass!"}); st != 201 {
		t.Fatalf("register: %d %v", st, m)
	}
	_, m := call("POST", "/api/v1/sessions", "", map[string]any{"email": "mem@example.com", "password": "Str0ng-pass!"})
	tok, _ := m["token"].(string)
	st, m := call("POST", "/api/v1/applications", tok, map[string]any{"domain": "example-hz.cn", "cert_type": "business_license", "cert_number": "91330106E3PWQ30LC5"})
	if st != 201 {
		t.Fatalf("create: %d %v", st, m)
	}
	appPath := "/api/v1/applications/" + m["id"].(string)
	if st, m := call("PUT", appPath, tok, exampleDocument(t)); st != 200 {
		t.Fatalf("save: %d %v", st, m)
	}

	type upload struct {
		name   string
		path   string
		fields map[string]string
		files  map[string][]byte
		status int
	}
	var ups []upload
	normal := photo(t, 1600, 1200)
	huge := hugeJPEG(t) // 40 MP, the most the limits allow
	for _, f := range heldBackFiles(t) {
		ups = append(ups,
			upload{f.name, appPath + "/attachments", map[string]string{"kind": "subject_certificate"}, map[string][]byte{"file": f.data}, f.status},
			upload{f.name + " (id-merge)", "/api/v1/id-merge", nil, map[string][]byte{"front": normal, "back": f.data}, f.status})
	}
	ups = append(ups,
		upload{"normal", appPath + "/attachments", map[string]string{"kind": "site_photo", "website": "0"}, map[string][]byte{"file": normal}, 201},
		upload{"40 MP", appPath + "/attachments", map[string]string{"kind": "domain_certificate", "website": "0"}, map[string][]byte{"file": huge}, 201},
		upload{"40 MP id-merge", "/api/v1/id-merge", nil, map[string][]byte{"front": huge, "back": huge}, 200},
		// Progressive JPEGs cost 3 + 4 bytes a sample plane a pixel (issue 12):
		// the 234 KB DC-only 40 MP one is refused from its headers, one at
		// the budget (4:4:4, 8 MP weighing 40) is decoded.
		upload{"progressive 40 MP", appPath + "/attachments", map[string]string{"kind": "domain_certificate", "website": "0"},
			map[string][]byte{"file": jpegtest.ProgressiveDC(7296, 5472)}, 413},
		upload{"progressive 8 MP", appPath + "/attachments", map[string]string{"kind": "domain_certificate", "website": "0"},
			map[string][]byte{"file": jpegtest.ProgressiveDC(3264, 2448)}, 201},
		upload{"progressive 8 MP id-merge", "/api/v1/id-merge", nil,
			map[string][]byte{"front": jpegtest.ProgressiveDC(3264, 2448), "back": jpegtest.ProgressiveDC(3264, 2448)}, 200})

	send := func(u upload) error {
		body, ct := multipartBody(t, u.fields, u.files, "photo.jpg")
		req, _ := http.NewRequest("POST", base+u.path, body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := c.Do(req)
		if err != nil {
			return fmt.Errorf("%s: %w", u.name, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != u.status {
			return fmt.Errorf("%s: status %d, want %d", u.name, res.StatusCode, u.status)
		}
		return nil
	}
	// Three rounds of everything, eight uploads in flight at a time.
	const rounds, inFlight = 3, 8
	work := make(chan upload)
	errs := make(chan error, rounds*len(ups))
	var wg sync.WaitGroup
	for range inFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				if err := send(u); err != nil {
					errs <- err
				}
			}
		}()
	}
	started := time.Now()
	for range rounds {
		for _, u := range ups {
			work <- u
		}
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	peak := hwm()
	t.Logf("server peak resident memory (VmHWM): %d MB (%d MB after start-up); %d uploads, %d in flight, %v",
		peak>>20, startHWM>>20, rounds*len(ups), inFlight, time.Since(started).Round(time.Millisecond))
	if peak >= 300<<20 {
		t.Errorf("peak memory %d MB, want < 300 MB", peak>>20)
	}
}

// startServe builds and starts the real `beian serve` on a fresh data dir
// (BEIAN_BIN names a prebuilt binary instead) and returns its base URL and
// process id; the server is stopped when the test ends.
func startServe(t *testing.T) (string, int) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "beian")
	if prebuilt := os.Getenv("BEIAN_BIN"); prebuilt != "" {
		bin = prebuilt // another build (e.g. an older one, to compare)
	} else if out, err := exec.Command("go", "build", "-o", bin, "beian/cmd/beian").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "BEIAN_ADDR="+addr, "BEIAN_DATA_DIR="+filepath.Join(dir, "data"),
		"BEIAN_RATE_LIMITS=off", "BEIAN_LOG_LEVEL=warn", "BEIAN_DATABASE_URL=", "BEIAN_BLOB_URL=")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	for i := 0; ; i++ {
		if r, err := http.Get(base + "/healthz"); err == nil && r.StatusCode == 200 {
			r.Body.Close()
			break
		}
		if i > 300 {
			t.Fatalf("server did not start:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return base, cmd.Process.Pid
}

// vmHWM reads a process's peak resident set size in bytes.
func vmHWM(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

// hugeJPEG is an 8000×5000 picture (40 MP, the pixel limit) of a few MB.
func hugeJPEG(t testing.TB) []byte {
	t.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, 8000, 5000), image.YCbCrSubsampleRatio420)
	for y := range 5000 {
		for x := range 8000 {
			img.Y[y*img.YStride+x] = byte(x/31 + y/17)
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = byte(i/97), byte(i/131)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 10<<20 {
		t.Fatalf("40 MP test picture is %d bytes, above the upload limit", buf.Len())
	}
	return buf.Bytes()
}
