package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"beian/internal/examples"
	"beian/internal/ident"
	"beian/internal/testkit"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binary builds ./cmd/beian once per test run.
func binary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "beian-e2e-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "beian")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/beian")
		cmd.Dir = "../.."
		out, err := cmd.CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// syncBuffer collects a child's output; tests read it while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is one `beian serve` child process.
type server struct {
	t      testing.TB
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:PORT
	out    *syncBuffer
	errb   *syncBuffer
	done   chan struct{}
	exit   error
	client *http.Client
}

const (
	adminEmail    = "admin@beian.test"
	adminPassword = "Admin-pass-123"
	secretKeyHex  = "0707070707070707070707070707070707070707070707070707070707070707"
)

// baseEnv is the environment every child gets; extra overrides it.
func baseEnv(dataDir string, extra map[string]string) []string {
	env := map[string]string{
		"BEIAN_ADDR":              "127.0.0.1:0",
		"BEIAN_DATA_DIR":          dataDir,
		"BEIAN_ADMIN_EMAIL":       adminEmail,
		"BEIAN_ADMIN_PASSWORD":    adminPassword,
		"BEIAN_SECRET_KEY":        secretKeyHex,
		"BEIAN_BUREAU_TIME_SCALE": "0",
		"BEIAN_LOG_LEVEL":         "debug", // the most a log ever says
		"BEIAN_BASE_URL":          "http://beian.test",
		"BEIAN_MONITOR":           "off", // no DNS question or fetch leaves the machine (internal/monitor tests its own world)
		"PATH":                    os.Getenv("PATH"),
		"HOME":                    os.Getenv("HOME"),
	}
	for k, v := range extra {
		env[k] = v
	}
	var out []string
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

var servingRE = regexp.MustCompile(`Beian is serving at (http://\S+)`)

// startServer runs `beian serve` and waits until it prints its address.
func startServer(t testing.TB, dataDir string, extra map[string]string) *server {
	t.Helper()
	s := launch(t, dataDir, extra)
	if err := s.waitReady(60 * time.Second); err != nil {
		t.Fatal(err)
	}
	return s
}

// launch starts the child without waiting; with -short it skips the test.
func launch(t testing.TB, dataDir string, extra map[string]string) *server {
	t.Helper()
	if testing.Short() {
		t.Skip("starts beian serve")
	}
	s := &server{t: t, out: &syncBuffer{}, errb: &syncBuffer{}, done: make(chan struct{}),
		client: &http.Client{Timeout: 60 * time.Second}}
	s.cmd = exec.Command(binary(t), "serve")
	s.cmd.Env = baseEnv(dataDir, extra)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.errb
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.exit = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.stop() })
	return s
}

func (s *server) waitReady(d time.Duration) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if m := servingRE.FindStringSubmatch(s.out.String()); m != nil {
			s.base = m[1]
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("beian serve exited: %v\nstdout:\n%s\nstderr:\n%s", s.exit, s.out, s.errb)
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("beian serve did not start in %v\nstdout:\n%s\nstderr:\n%s", d, s.out, s.errb)
}

// stop sends SIGTERM and waits for the process to end.
func (s *server) stop() error {
	select {
	case <-s.done:
		return s.exit
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	return s.exit
}

// log is everything the process wrote.
func (s *server) log() string { return s.out.String() + s.errb.String() }

// answer is one HTTP response.
type answer = testkit.Answer

func (s *server) do(method, path, token string, body any) answer {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return s.send(req, token)
}

func (s *server) send(req *http.Request, token string) answer {
	s.t.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return answer{Status: 0, Body: []byte(err.Error())}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

func (s *server) upload(path, token string, fields map[string]string, file []byte) answer {
	s.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "photo.jpg")
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest("POST", s.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return s.send(req, token)
}

// startStaffed starts a server on dataDir and returns it with the admin's
// session and the session of a reviewer the admin created.
func startStaffed(t testing.TB, dataDir string) (s *server, admin, rev string) {
	t.Helper()
	s = startServer(t, dataDir, nil)
	admin = s.login(adminEmail, adminPassword)
	s.createReviewer(admin)
	return s, admin, s.login(reviewerEmail, reviewerPassword)
}

// The reviewer the tests create.
const reviewerEmail, reviewerPassword = "rev@beian.test", "Rev1ewer-pass"

// createReviewer creates the reviewer account with admin's session.
func (s *server) createReviewer(admin string) {
	s.t.Helper()
	staff := map[string]any{"email": reviewerEmail, "phone": "13700001111", "password": reviewerPassword, "name": "审核员", "role": "reviewer"}
	if a := s.do("POST", "/api/v1/admin/users", admin, staff); a.Status != 201 {
		s.t.Fatalf("create reviewer: %d %s", a.Status, a.Body)
	}
}

// login opens a session; fatal unless 201.
func (s *server) login(email, password string) string {
	s.t.Helper()
	return login(s.t, s, email, password)
}

// door is a way into Beian's JSON API: a `beian serve` child over HTTP,
// or an instance in this process.
type door interface {
	do(method, path, token string, body any) answer
}

// login opens a session through d and returns its token; fatal unless 201.
func login(t testing.TB, d door, email, password string) string {
	t.Helper()
	a := d.do("POST", "/api/v1/sessions", "", map[string]any{"email": email, "password": password})
	if a.Status != 201 {
		t.Fatalf("login %s: %d %s", email, a.Status, a.Body)
	}
	return a.JSON(t)["token"].(string)
}

var (
	photoOnce  sync.Once
	photoBytes []byte
)

// photo is a real 800×600 JPEG with structure in it (above the 600×400 minimum).
func photo(t testing.TB) []byte {
	t.Helper()
	photoOnce.Do(func() { photoBytes = testkit.Photo(t, 800, 600) })
	return photoBytes
}

// person is the personal data of one filing, which must never show in clear.
type person struct {
	Credit, LeaderID, Mobile, Emergency string
}

// filing is one generated, valid first filing: a Beijing enterprise with one website.
type filing struct {
	N                      int
	Email, Phone, Password string
	Domain                 string
	Doc                    map[string]any
	Secrets                person
}

// newFiling generates filing n (0 ≤ n < 10000) from the spec's example,
// with its own credit code, domain, leader ID and mobiles.
func newFiling(t testing.TB, tag string, n int) filing {
	t.Helper()
	raw, err := examples.Read(examples.Enterprise)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	credit := fmt.Sprintf("91110105MA%07d", 3000000+n)
	credit += string(ident.USCCCheckChar(credit))
	leader := fmt.Sprintf("1101051988%02d%02d%03d", 1+n/28%12, 1+n%28, 100+n%900)
	leader += string(ident.IDCheckChar(leader))
	f := filing{N: n, Email: fmt.Sprintf("%s%d@example.com", tag, n), Phone: fmt.Sprintf("1380%07d", 1000000+n),
		Password: "Appl1cant-pass", Domain: fmt.Sprintf("%s-site-%d.cn", tag, n),
		Secrets: person{Credit: credit, LeaderID: leader, Mobile: fmt.Sprintf("1391111%04d", n), Emergency: fmt.Sprintf("1391110%04d", n)}}
	s := doc["subject"].(map[string]any)
	s["province"], s["city"], s["county"] = "110000", "110100", "110105"
	s["cert_number"] = credit
	s["name"] = fmt.Sprintf("北京示例%s第%d科技有限公司", strings.ToUpper(tag), n)
	s["investor"] = s["name"]
	s["cert_address"] = "北京市朝阳区建国路88号"
	s["mailing_address"] = "北京市朝阳区建国路88号SOHO现代城5号楼1201室"
	s["emergency_phone"] = f.Secrets.Emergency
	la := s["leader"].(map[string]any)
	la["name"], la["cert_number"], la["mobile"], la["office_phone"], la["email"] = "李明", leader, f.Secrets.Mobile, "010-65001234", "liming@example.com"
	w0 := doc["websites"].([]any)[0].(map[string]any)
	w0["name"], w0["domain"], w0["homepage_url"] = "示例科技官网", f.Domain, "www."+f.Domain
	lb, _ := json.Marshal(la)
	var lcopy map[string]any
	json.Unmarshal(lb, &lcopy)
	w0["leader"] = lcopy
	f.Doc = doc
	return f
}

var attachmentField = regexp.MustCompile(`^attachments\.([a-z_]+)(?:\[([0-9]+)\])?$`)

// draftFiling registers f's applicant through d, pre-checks, creates the
// application and saves f's document (without an error violation); it
// returns the applicant's token and the application id.
func draftFiling(t testing.TB, d door, f filing) (token, id string) {
	t.Helper()
	if a := d.do("POST", "/api/v1/accounts", "", map[string]any{"email": f.Email, "phone": f.Phone, "password": f.Password, "name": "申请人"}); a.Status != 201 {
		t.Fatalf("register %s: %d %s", f.Email, a.Status, a.Body)
	}
	token = login(t, d, f.Email, f.Password)
	pc := map[string]any{"domain": f.Domain, "cert_type": "business_license", "cert_number": f.Secrets.Credit}
	if a := d.do("POST", "/api/v1/precheck", token, pc); a.Status != 200 {
		t.Fatalf("precheck %d: %d %s", f.N, a.Status, a.Body)
	}
	cr := d.do("POST", "/api/v1/applications", token, pc)
	if cr.Status != 201 {
		t.Fatalf("create %d: %d %s", f.N, cr.Status, cr.Body)
	}
	id = cr.JSON(t)["id"].(string)
	if a := d.do("PUT", "/api/v1/applications/"+id, token, f.Doc); a.Status != 200 {
		t.Fatalf("save %d: %d %s", f.N, a.Status, a.Body)
	} else if vs, _ := a.JSON(t)["violations"].([]any); len(vs) > 0 {
		for _, v := range vs {
			if v.(map[string]any)["severity"] == "error" {
				t.Fatalf("filing %d has error violations: %v", f.N, vs)
			}
		}
	}
	return token, id
}

// submitFiling drafts f's application, uploads what submission asks for
// and submits; it returns the applicant's token and the application id.
func submitFiling(t testing.TB, s *server, f filing) (token, id string) {
	t.Helper()
	token, id = draftFiling(t, s, f)
	p := "/api/v1/applications/" + id
	sub := s.do("POST", p+"/submit", token, nil)
	if sub.Status != 422 {
		t.Fatalf("submit %d without attachments: %d %s", f.N, sub.Status, sub.Body)
	}
	for _, v := range sub.JSON(t)["error"].(map[string]any)["violations"].([]any) {
		m := attachmentField.FindStringSubmatch(v.(map[string]any)["field"].(string))
		if m == nil {
			t.Fatalf("filing %d: unexpected violation %v", f.N, v)
		}
		fields := map[string]string{"kind": m[1]}
		if m[2] != "" {
			fields["website"] = m[2]
		}
		if m[1] == "verification_form" {
			fields["signed_on"] = time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
		}
		if a := s.upload(p+"/attachments", token, fields, photo(t)); a.Status != 201 {
			t.Fatalf("upload %d %v: %d %s", f.N, fields, a.Status, a.Body)
		}
	}
	if a := s.do("POST", p+"/submit", token, nil); a.Status != 200 || a.JSON(t)["state"] != "initial_review" {
		t.Fatalf("submit %d: %d %s", f.N, a.Status, a.Body)
	}
	return token, id
}

var smsCodeRE = regexp.MustCompile(`\b([0-9]{6})\b`)

// waitFor polls cond until it is true or the time is up.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// approveToBureau takes a submitted application through review, mail
// verification and the bureau's SMS check to an ICP number; staff acts on
// rs (a server) with token rev, the applicant on as with token tok.
func approveToBureau(t testing.TB, rs *server, rev, admin string, as *server, tok, id string, f filing) map[string]any {
	t.Helper()
	rp := "/api/v1/review/applications/" + id
	step := func(path string, body any, want string) {
		t.Helper()
		a := rs.do("POST", path, rev, body)
		if a.Status != 200 || a.JSON(t)["state"] != want {
			t.Fatalf("%s on %d: %d %s", path, f.N, a.Status, a.Body)
		}
	}
	step(rp+"/decision", map[string]any{"decision": "approve"}, "verification")
	if a := as.do("POST", "/api/v1/applications/"+id+"/verification", tok, map[string]any{"method": "mail", "tracking_number": fmt.Sprintf("SF%010d", f.N)}); a.Status != 200 {
		t.Fatalf("verification %d: %d %s", f.N, a.Status, a.Body)
	}
	step(rp+"/materials-received", map[string]any{"note": "已签收"}, "material_review")
	step(rp+"/decision", map[string]any{"decision": "approve"}, "ready_for_bureau")
	step(rp+"/submit-to-bureau", nil, "bureau_sms")
	// The bureau texts the leader a code (a job, on either instance).
	var code string
	waitFor(t, 60*time.Second, "the bureau's SMS", func() bool {
		a := rs.do("GET", "/api/v1/admin/outbox?channel=sms&to="+f.Secrets.Mobile, admin, nil)
		if a.Status != 200 {
			return false
		}
		items, _ := a.JSON(t)["items"].([]any)
		for _, it := range items {
			if m := smsCodeRE.FindStringSubmatch(it.(map[string]any)["body"].(string)); m != nil {
				code = m[1]
				return true
			}
		}
		return false
	})
	a := as.do("POST", "/api/v1/applications/"+id+"/sms", tok, map[string]any{"mobile": f.Secrets.Mobile, "cert_last6": f.Secrets.LeaderID[12:], "code": code})
	if a.Status != 200 {
		t.Fatalf("sms %d: %d %s", f.N, a.Status, a.Body)
	}
	var final map[string]any
	waitFor(t, 60*time.Second, "the bureau's approval", func() bool {
		final = as.do("GET", "/api/v1/applications/"+id, tok, nil).JSON(t)
		return final["state"] == "approved"
	})
	return final
}

// ctxT is a context for test helpers.
func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// lastLines is the tail of a log, for failure messages.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// visitor is a browser of the server's pages (cookies kept, redirects held).
func (s *server) visitor() *testkit.Visitor { return testkit.NewVisitor(s.t, s.base) }

// browser is a visitor logged in through the HTML form.
func (s *server) browser(email, password string) *testkit.Visitor {
	s.t.Helper()
	v := s.visitor()
	v.Login(email, password)
	return v
}
