package e2e

import (
	"database/sql"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"beian/internal/storage/storagetest"
)

// sharedStores is one fresh PostgreSQL schema and one S3 bucket (gofakes3,
// in process) that several `beian serve` processes share.
func sharedStores(t *testing.T) (pgURL string, env map[string]string) {
	t.Helper()
	pgURL = storagetest.PostgresURL(t)
	if pgURL == "" {
		t.Skipf("set %s to run several instances on one PostgreSQL", storagetest.PostgresEnv)
	}
	s3 := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(s3.Close)
	u, _ := url.Parse(s3.URL)
	return pgURL, map[string]string{
		"BEIAN_DATABASE_URL":    pgURL,
		"BEIAN_BLOB_URL":        "s3://beian-test?endpoint=" + u.Host + "&insecure=1&region=us-east-1",
		"AWS_ACCESS_KEY_ID":     "test",
		"AWS_SECRET_ACCESS_KEY": "test-secret",
		// No configured key: separate data dirs, so the instances must
		// agree on the personal-data key through the database.
		"BEIAN_SECRET_KEY": "",
	}
}

// TestTwoInstances is issue 8's bar: two `beian serve` processes on one
// PostgreSQL and one S3 store, started at the same moment (migrations and
// the first admin race), take 100 applications submitted alternately to
// both; sessions work on either; each application goes through review and
// the bureau with staff on the other instance; every notification is sent
// exactly once, every job runs once and the ICP numbers are unique.
func TestTwoInstances(t *testing.T) {
	pgURL, env := sharedStores(t)
	// Both at once: goose's PostgreSQL session lock serialises migrations.
	a := launch(t, t.TempDir(), env)
	b := launch(t, t.TempDir(), env)
	for _, s := range []*server{a, b} {
		if err := s.waitReady(90 * time.Second); err != nil {
			t.Fatal(err)
		}
	}
	servers := []*server{a, b}

	// A session opened on A works on B, and logging out on B ends it on A.
	adminA := a.login(adminEmail, adminPassword)
	if r := b.do("GET", "/api/v1/me", adminA, nil); r.Status != 200 || r.JSON(t)["role"] != "admin" {
		t.Fatalf("A's session on B: %d %s", r.Status, r.Body)
	}
	tmp := b.login(adminEmail, adminPassword)
	if r := b.do("DELETE", "/api/v1/sessions/current", tmp, nil); r.Status != 204 {
		t.Fatalf("logout on B: %d %s", r.Status, r.Body)
	}
	if r := a.do("GET", "/api/v1/me", tmp, nil); r.Status != 401 {
		t.Errorf("a session ended on B still works on A: %d", r.Status)
	}
	b.createReviewer(adminA) // on B with A's session
	rev := a.login(reviewerEmail, reviewerPassword)

	const n = 100
	var mu sync.Mutex
	subjects := map[string]int{}
	websites := map[string]int{}
	filings := make([]filing, n)
	start := time.Now()
	t.Run("applications", func(t *testing.T) {
		for i := range n {
			filings[i] = newFiling(t, "two", i)
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				f := filings[i]
				on, other := servers[i%2], servers[1-i%2]
				tok, id := submitFiling(t, on, f)
				// The applicant's own list on the other instance has it.
				if r := other.do("GET", "/api/v1/applications", tok, nil); r.Status != 200 || !strings.Contains(string(r.Body), id) {
					t.Fatalf("list on the other instance: %d %.200s", r.Status, r.Body)
				}
				// Its attachments, stored in S3 by one instance, are served by the other.
				atts, _ := other.do("GET", "/api/v1/applications/"+id, tok, nil).JSON(t)["attachments"].([]any)
				if len(atts) == 0 {
					t.Fatalf("no attachments seen from the other instance")
				}
				for _, at := range atts {
					aid := at.(map[string]any)["id"].(string)
					r := other.do("GET", "/api/v1/applications/"+id+"/attachments/"+aid, tok, nil)
					if r.Status != 200 || len(r.Body) < 1000 || r.Body[0] != 0xFF || r.Body[1] != 0xD8 {
						t.Fatalf("attachment %s from the other instance: %d %d bytes", aid, r.Status, len(r.Body))
					}
				}
				final := approveToBureau(t, other, rev, adminA, on, tok, id, f)
				nums := final["numbers"].(map[string]any)
				mu.Lock()
				subjects[nums["subject"].(string)]++
				for _, w := range nums["websites"].([]any) {
					websites[w.(string)]++
				}
				mu.Unlock()
			})
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("%d applications from registration to ICP number on two instances in %v", n, time.Since(start).Round(time.Millisecond))
	if len(subjects) != n {
		t.Errorf("%d distinct subject numbers for %d approvals", len(subjects), n)
	}
	for num, c := range subjects {
		if c != 1 {
			t.Errorf("subject number %s issued %d times", num, c)
		}
	}
	for num, c := range websites {
		if c != 1 {
			t.Errorf("website number %s issued %d times", num, c)
		}
	}

	// Exactly once: per applicant, each milestone mail once; per leader, one SMS code.
	for _, f := range filings {
		r := a.do("GET", "/api/v1/admin/outbox?channel=email&to="+url.QueryEscape(f.Email), adminA, nil)
		seen := map[string]int{}
		for _, it := range r.JSON(t)["items"].([]any) {
			seen[it.(map[string]any)["subject"].(string)]++
		}
		approved := 0
		for subj, c := range seen {
			if c != 1 {
				t.Errorf("%s got %q %d times", f.Email, subj, c)
			}
			if strings.HasPrefix(subj, "备案成功") {
				approved++
			}
		}
		if approved != 1 || len(seen) < 4 {
			t.Errorf("%s's mails: %v", f.Email, seen)
		}
		// Per leader: the bureau's verification code once, and the
		// approval with the numbers once (seed 6.5), never a message twice.
		r = b.do("GET", "/api/v1/admin/outbox?channel=sms&to="+f.Secrets.Mobile, adminA, nil)
		bodies := map[string]int{}
		for _, it := range r.JSON(t)["items"].([]any) {
			bodies[it.(map[string]any)["body"].(string)]++
		}
		codes, approvals := 0, 0
		for body, c := range bodies {
			if c != 1 {
				t.Errorf("leader %d got the same SMS %d times: %q", f.N, c, body)
			}
			switch {
			case strings.Contains(body, "验证码"):
				codes++
			case strings.Contains(body, "ICP备"):
				approvals++
			}
		}
		if len(bodies) != 2 || codes != 1 || approvals != 1 {
			t.Errorf("leader %d's SMS: %v (want one code and one approval)", f.N, bodies)
		}
	}
	db, err := sql.Open("pgx", pgURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var dupes int
	if err := db.QueryRow(`SELECT COUNT(*) FROM (SELECT 1 FROM outbox GROUP BY channel, recipient_hash, subject HAVING COUNT(*) > 1) d`).Scan(&dupes); err != nil {
		t.Fatal(err)
	}
	if dupes != 0 {
		t.Errorf("%d messages stored more than once", dupes)
	}
	// Each job ran once: none retried, none failed, none left behind.
	rows, err := db.Query(`SELECT kind, state, attempts, COUNT(*) FROM jobs GROUP BY kind, state, attempts ORDER BY kind`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, state string
		var attempts, count int
		if err := rows.Scan(&kind, &state, &attempts, &count); err != nil {
			t.Fatal(err)
		}
		t.Logf("jobs: %-28s %-7s attempts=%d ×%d", kind, state, attempts, count)
		if state == "failed" || (state == "done" && attempts != 1) {
			t.Errorf("job kind %s: %d %s after %d attempts", kind, count, state, attempts)
		}
	}
	// Migrations ran once although both instances started together.
	var twice int
	if err := db.QueryRow(`SELECT COUNT(*) FROM (SELECT version_id FROM goose_db_version GROUP BY version_id HAVING COUNT(*) > 1) d`).Scan(&twice); err != nil {
		t.Fatal(err)
	}
	if twice != 0 {
		t.Errorf("%d migrations applied twice", twice)
	}
	for i, s := range servers {
		if err := s.stop(); err != nil {
			t.Errorf("instance %d did not stop cleanly: %v\n%s", i, err, s.log())
		}
		// Neither log shows anyone's certificate number or mobile.
		logText := s.log()
		for _, f := range filings {
			for _, v := range []string{f.Secrets.Credit, f.Secrets.LeaderID, f.Secrets.Mobile, f.Secrets.Emergency, f.Phone} {
				if strings.Contains(logText, v) {
					t.Errorf("instance %d's log shows %s", i, v)
				}
			}
		}
	}
}
