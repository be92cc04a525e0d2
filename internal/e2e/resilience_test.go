package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"beian/internal/blob"
	"beian/internal/storage/storagetest"
	"beian/internal/testkit"
)

// tcpProxy stands between Beian and PostgreSQL so a test can make the
// database vanish (every connection cut, new ones refused) and come back,
// without touching the shared PostgreSQL server.
type tcpProxy struct {
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]struct{}
}

func newTCPProxy(t testing.TB, target string) *tcpProxy {
	t.Helper()
	p := &tcpProxy{target: target, addr: "127.0.0.1:0", conns: map[net.Conn]struct{}{}}
	if err := p.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.stop)
	return p
}

func (p *tcpProxy) start() error {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.pipe(c)
		}
	}()
	return nil
}

func (p *tcpProxy) pipe(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.ln == nil { // stopped meanwhile
		p.mu.Unlock()
		c.Close()
		up.Close()
		return
	}
	p.conns[c], p.conns[up] = struct{}{}, struct{}{}
	p.mu.Unlock()
	go func() { io.Copy(up, c); up.Close(); c.Close() }()
	io.Copy(c, up)
	c.Close()
	up.Close()
}

// stop closes the listener and cuts every connection.
func (p *tcpProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// TestDatabaseOutage: with the database gone, requests answer 503
// `unavailable` with Retry-After (never a 500 or a hang); when it is back,
// the same server answers normally again by itself.
func TestDatabaseOutage(t *testing.T) {
	pgURL := storagetest.PostgresURL(t)
	if pgURL == "" {
		t.Skipf("set %s to run the outage test", storagetest.PostgresEnv)
	}
	u, _ := url.Parse(pgURL)
	proxy := newTCPProxy(t, u.Host)
	u.Host = proxy.addr
	s := startServer(t, t.TempDir(), map[string]string{"BEIAN_DATABASE_URL": u.String()})
	s.client.Timeout = 30 * time.Second
	if a := s.do("POST", "/api/v1/accounts", "", map[string]any{"email": "o@example.com", "phone": "13911112222", "password": "Appl1cant-pass"}); a.Status != 201 {
		t.Fatalf("register: %d %s", a.Status, a.Body)
	}
	tok := s.login("o@example.com", "Appl1cant-pass")

	proxy.stop()
	type probe struct {
		name        string
		method, uri string
		token       string
		body        any
	}
	probes := []probe{
		{"me", "GET", "/api/v1/me", tok, nil},
		{"list", "GET", "/api/v1/applications", tok, nil},
		{"login", "POST", "/api/v1/sessions", "", map[string]any{"email": "o@example.com", "password": "Appl1cant-pass"}},
		{"register", "POST", "/api/v1/accounts", "", map[string]any{"email": "p@example.com", "phone": "13911113333", "password": "Appl1cant-pass"}},
		{"precheck", "POST", "/api/v1/precheck", tok, map[string]any{"domain": "outage.cn", "cert_type": "business_license", "cert_number": "91110105MA0000009T"}},
	}
	for round := range 2 { // the first round meets cut pooled connections, the second refused dials
		for _, p := range probes {
			began := time.Now()
			a := s.do(p.method, p.uri, p.token, p.body)
			if a.Status != 503 || a.Code() != "unavailable" || a.Header.Get("Retry-After") == "" {
				t.Errorf("round %d, %s with the database down: %d %v %s", round, p.name, a.Status, a.Header.Get("Retry-After"), a.Body)
				if a.Status == 500 {
					t.Logf("log: %s", lastLines(s.errb.String(), 3))
				}
			}
			if d := time.Since(began); d > 15*time.Second {
				t.Errorf("%s took %v to fail", p.name, d)
			}
		}
	}
	if a := s.do("GET", "/healthz", "", nil); a.Status != 503 {
		t.Errorf("healthz with the database down: %d", a.Status)
	}

	if err := proxy.start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "recovery", func() bool { return s.do("GET", "/api/v1/me", tok, nil).Status == 200 })
	if a := s.do("POST", "/api/v1/sessions", "", map[string]any{"email": "o@example.com", "password": "Appl1cant-pass"}); a.Status != 201 {
		t.Errorf("login after recovery: %d %s", a.Status, a.Body)
	}
	if a := s.do("GET", "/healthz", "", nil); a.Status != 200 {
		t.Errorf("healthz after recovery: %d", a.Status)
	}
	if strings.Contains(s.log(), "panic") {
		t.Errorf("the server panicked:\n%s", s.log())
	}
}

// TestGracefulShutdownDrainsRequests: SIGTERM while an upload is still
// arriving; the upload completes with 201 and the process then exits 0.
func TestGracefulShutdownDrainsRequests(t *testing.T) {
	s := startServer(t, t.TempDir(), nil)
	f := newFiling(t, "drain", 1)
	tok, id := draftFiling(t, s, f)

	// A multipart upload whose body trickles in over ~2 seconds.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("kind", "site_photo")
	mw.WriteField("website", "0")
	fw, _ := mw.CreateFormFile("file", "photo.jpg")
	fw.Write(photo(t))
	mw.Close()
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", s.base+"/api/v1/applications/"+id+"/attachments", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+tok)
	req.ContentLength = int64(body.Len())
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := s.client.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- result{status: resp.StatusCode, body: string(b)}
	}()
	all := body.Bytes()
	chunk := len(all)/20 + 1
	pw.Write(all[:chunk]) // the request is in flight
	time.Sleep(200 * time.Millisecond)
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for off := chunk; off < len(all); off += chunk {
		time.Sleep(100 * time.Millisecond)
		if _, err := pw.Write(all[off:min(off+chunk, len(all))]); err != nil {
			t.Fatalf("the server stopped reading mid-upload: %v", err)
		}
	}
	pw.Close()
	r := <-done
	if r.err != nil || r.status != 201 {
		t.Fatalf("upload across SIGTERM: %v %d %s\n%s", r.err, r.status, r.body, s.log())
	}
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not exit after draining")
	}
	if s.exit != nil {
		t.Errorf("exit after SIGTERM: %v\n%s", s.exit, s.log())
	}
	// New connections were refused once shutdown began.
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(s.base, "http://"), time.Second); err == nil {
		t.Errorf("still accepting connections after exit")
	}
}

// fullDisk is a blob store whose disk fills in the middle of every Put: it
// reads part of the bytes and fails as the local store does on ENOSPC.
type fullDisk struct {
	mu   sync.Mutex
	puts int
	read int64
}

func (f *fullDisk) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	f.mu.Lock()
	f.puts++
	f.mu.Unlock()
	n, _ := io.CopyN(io.Discard, r, 4096)
	f.mu.Lock()
	f.read += n
	f.mu.Unlock()
	return fmt.Errorf("blob: put %s: %w: %w", key, blob.ErrNoSpace, syscall.ENOSPC)
}
func (f *fullDisk) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	return nil, fmt.Errorf("blob: get %s: %w", key, blob.ErrNotFound)
}
func (f *fullDisk) Delete(ctx context.Context, key string) error         { return nil }
func (f *fullDisk) Exists(ctx context.Context, key string) (bool, error) { return false, nil }

// TestUploadOnFullDisk: an upload that meets a full disk answers a clean,
// bilingual 503 with Retry-After, and leaves no attachment behind; the
// application's other data are intact.
func TestUploadOnFullDisk(t *testing.T) {
	disk := &fullDisk{}
	in := newInstance(t, storagetest.URLs(t)["sqlite"], disk)
	f := newFiling(t, "disk", 2)
	tok, id := draftFiling(t, in, f)
	for _, lang := range []string{"zh", "en"} {
		req := testkit.UploadRequest("/api/v1/applications/"+id+"/attachments", map[string]string{"kind": "site_photo", "website": "0"}, map[string][]byte{"file": photo(t)})
		a := serve(in.handler, req, tok, lang)
		if a.Status != 503 || a.Code() != "unavailable" || a.Header.Get("Retry-After") == "" {
			t.Fatalf("upload on a full disk (%s): %d %v %s", lang, a.Status, a.Header, a.Body)
		}
		msg := a.JSON(t)["error"].(map[string]any)["message"].(string)
		if (lang == "zh" && !strings.Contains(msg, "存储空间不足")) || (lang == "en" && !strings.Contains(msg, "storage is full")) {
			t.Errorf("%s message does not say the storage is full: %q", lang, msg)
		}
	}
	if disk.puts != 2 || disk.read == 0 {
		t.Fatalf("the store was not reached: %d puts, %d bytes", disk.puts, disk.read)
	}
	app := in.do("GET", "/api/v1/applications/"+id, tok, nil).JSON(t)
	if atts, _ := app["attachments"].([]any); len(atts) != 0 {
		t.Errorf("a failed upload left an attachment: %v", atts)
	}
	if app["document"].(map[string]any)["subject"].(map[string]any)["name"] != f.Doc["subject"].(map[string]any)["name"] {
		t.Errorf("the document changed: %v", app["document"])
	}
	if !strings.Contains(in.log.String(), "no space") {
		t.Errorf("the full disk is not in the log:\n%s", in.log.String())
	}
}
