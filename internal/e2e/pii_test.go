package e2e

import (
	"beian/internal/testkit"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestPersonalDataNeverInClear is issue 8's held-back check: after a full
// filing (submission, review, verification, bureau SMS, approval) on the
// embedded SQLite, no certificate number or mobile appears in clear in the
// database files (with -wal and -shm), in the server's log, or in any list
// answer.
func TestPersonalDataNeverInClear(t *testing.T) {
	dir := t.TempDir()
	s, admin, rev := startStaffed(t, dir)

	f := newFiling(t, "pii", 7)
	tok, id := submitFiling(t, s, f)
	// The review queue while the application waits in it.
	queue := s.do("GET", "/api/v1/review/queue", rev, nil)
	if queue.Status != 200 || !bytes.Contains(queue.Body, []byte(id)) {
		t.Fatalf("review queue: %d %.300s", queue.Status, queue.Body)
	}
	// Attachments go to their owner and to staff only; another applicant gets 404, as for an unknown id.
	other := newFiling(t, "pii", 8)
	if a := s.do("POST", "/api/v1/accounts", "", map[string]any{"email": other.Email, "phone": other.Phone, "password": other.Password}); a.Status != 201 {
		t.Fatalf("register another applicant: %d %s", a.Status, a.Body)
	}
	otherTok := s.login(other.Email, other.Password)
	atts, _ := s.do("GET", "/api/v1/applications/"+id, tok, nil).JSON(t)["attachments"].([]any)
	if len(atts) == 0 {
		t.Fatal("no attachments")
	}
	attPath := "/api/v1/applications/" + id + "/attachments/" + atts[0].(map[string]any)["id"].(string)
	for _, c := range []struct {
		who, token string
		want       int
	}{{"owner", tok, 200}, {"reviewer", rev, 200}, {"another applicant", otherTok, 404}, {"nobody", "", 401}} {
		if a := s.do("GET", attPath, c.token, nil); a.Status != c.want {
			t.Errorf("%s fetching an attachment: %d, want %d", c.who, a.Status, c.want)
		}
	}
	if a := s.do("GET", "/api/v1/applications/"+id, otherTok, nil); a.Status != 404 {
		t.Errorf("another applicant reading the application: %d", a.Status)
	}
	// Staff read the application in full (allowed, audited).
	if a := s.do("GET", "/api/v1/review/applications/"+id, rev, nil); a.Status != 200 || !bytes.Contains(a.Body, []byte(f.Secrets.LeaderID)) {
		t.Fatalf("reviewer view: %d %.300s", a.Status, a.Body)
	}
	final := approveToBureau(t, s, rev, admin, s, tok, id, f)
	numbers, _ := final["numbers"].(map[string]any)
	if numbers["subject"] == nil {
		t.Fatalf("no ICP number: %v", final)
	}
	// A wrong login and a password reset leave traces in logs and audit too.
	s.do("POST", "/api/v1/sessions", "", map[string]any{"email": f.Email, "password": "wrong-" + f.Secrets.Mobile})
	s.do("POST", "/api/v1/password-resets", "", map[string]any{"email": f.Email})

	secrets := map[string]string{
		"subject credit code": f.Secrets.Credit, "leader ID": f.Secrets.LeaderID, "leader mobile": f.Secrets.Mobile,
		"emergency mobile": f.Secrets.Emergency, "account phone": f.Phone, "reviewer phone": "13700001111",
	}
	check := func(where string, data []byte) {
		t.Helper()
		for what, v := range secrets {
			if bytes.Contains(data, []byte(v)) {
				i := bytes.Index(data, []byte(v))
				t.Errorf("%s shows the %s %s in clear: …%q…", where, what, v, data[max(0, i-80):min(len(data), i+len(v)+40)])
			}
		}
	}

	// Every list answer.
	check("reviewer GET /api/v1/review/queue (in review)", queue.Body)
	domain := f.Domain
	lists := []struct{ who, token, path string }{
		{"applicant", tok, "/api/v1/applications"},
		{"applicant", tok, "/api/v1/filings"},
		{"reviewer", rev, "/api/v1/review/queue"},
		{"admin", admin, "/api/v1/review/queue"},
		{"admin", admin, "/api/v1/admin/outbox"},
		{"admin", admin, "/api/v1/admin/outbox?channel=sms&to=" + f.Secrets.Mobile},
		{"admin", admin, "/api/v1/admin/outbox?channel=email&to=" + f.Email},
		{"admin", admin, "/api/v1/admin/audit"},
		{"admin", admin, "/api/v1/admin/audit?format=csv"},
		{"admin", admin, "/api/v1/admin/users"},
		{"admin", admin, "/api/v1/admin/bureau/applications"},
		{"anyone", "", "/api/v1/public/filings?q=" + domain},
		{"anyone", "", "/api/v1/public/filings?q=" + numbers["subject"].(string)},
	}
	for _, l := range lists {
		a := s.do("GET", l.path, l.token, nil)
		if a.Status != 200 {
			t.Errorf("%s GET %s: %d %.300s", l.who, l.path, a.Status, a.Body)
			continue
		}
		check(l.who+" GET "+l.path, a.Body)
	}
	// The same lists as HTML: the applicant's pages, the back office, the lookup page.
	applicantWeb, adminWeb := s.browser(f.Email, f.Password), s.browser(adminEmail, adminPassword)
	pages := []struct {
		who  string
		v    *testkit.Visitor
		path string
	}{
		{"applicant", applicantWeb, "/"}, {"applicant", applicantWeb, "/filings"},
		{"admin", adminWeb, "/review"}, {"admin", adminWeb, "/admin/outbox"}, {"admin", adminWeb, "/admin/audit"},
		{"admin", adminWeb, "/admin/audit.csv"}, {"admin", adminWeb, "/admin/staff"}, {"admin", adminWeb, "/admin/bureau"},
		{"anyone", s.visitor(), "/lookup?q=" + domain},
	}
	for _, p := range pages {
		a := p.v.Get(p.path)
		if a.Status != 200 {
			t.Errorf("%s page %s: %d %.200s", p.who, p.path, a.Status, a.Body)
			continue
		}
		check(p.who+" page "+p.path, a.Body)
	}
	if a := applicantWeb.Get("/filings"); !bytes.Contains(a.Body, []byte(numbers["subject"].(string))) {
		t.Errorf("我的备案 does not show the record")
	}

	// The public lookup does find the filing (so the check above saw it).
	if a := s.do("GET", "/api/v1/public/filings?q="+domain, "", nil); !bytes.Contains(a.Body, []byte(domain)) {
		t.Errorf("public lookup does not find %s: %s", domain, a.Body)
	}

	// The database files while running (WAL not yet checkpointed) and after a clean stop.
	// The reset link's token is a secret too: the outbox shows it to admins (it stands in for a
	// mailbox) but the database holds it sealed.
	var resetToken string
	waitFor(t, 30*time.Second, "the reset mail", func() bool {
		a := s.do("GET", "/api/v1/admin/outbox?channel=email&to="+f.Email, admin, nil)
		if m := regexp.MustCompile(`token=([A-Za-z0-9_%-]{16,})`).FindSubmatch(a.Body); m != nil {
			resetToken = string(m[1])
			return true
		}
		return false
	})
	secrets["password reset token"] = resetToken
	// The bureau's SMS codes, as the template data carried them in the job
	// payload (issue 12: in clear in the jobs table, its WAL and backups).
	sms := s.do("GET", "/api/v1/admin/outbox?channel=sms", admin, nil)
	codes := regexp.MustCompile(`核验码为 ([0-9]{6})`).FindAllSubmatch(sms.Body, -1)
	if len(codes) == 0 {
		t.Fatalf("no SMS code in the outbox: %.300s", sms.Body)
	}
	for i, m := range codes {
		secrets[fmt.Sprintf("SMS code %d (template data)", i)] = `"code":"` + string(m[1]) + `"`
	}
	// No attachment file is stored as a JPEG: they are encrypted at rest.
	files := 0
	filepath.WalkDir(filepath.Join(dir, "blobs"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && bytes.HasPrefix(b, []byte{0xff, 0xd8}) {
			t.Errorf("%s is stored as a JPEG", p)
		}
		files++
		return nil
	})
	if files == 0 {
		t.Error("no attachment files to check")
	}
	dbFiles := func(when string) {
		t.Helper()
		n := 0
		for _, suffix := range []string{"", "-wal", "-shm"} {
			b, err := os.ReadFile(filepath.Join(dir, "beian.db"+suffix))
			if err != nil {
				continue
			}
			n++
			check(when+" beian.db"+suffix, b)
		}
		if n == 0 {
			t.Fatalf("%s: no database files in %s", when, dir)
		}
	}
	dbFiles("running:")
	if err := s.stop(); err != nil {
		t.Errorf("serve did not end cleanly: %v", err)
	}
	dbFiles("stopped:")

	// The server log (debug level: the most it ever says).
	logText := s.log()
	if !strings.Contains(logText, "Beian is serving") {
		t.Fatalf("log not captured: %q", logText)
	}
	check("server log", []byte(logText))
}
