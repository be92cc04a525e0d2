package e2e

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestBackupDuringFilingRestores is issue 8's backup bar through the real
// binary: `beian backup` taken while a server is serving and an applicant
// is uploading, then `beian restore` into a fresh data dir; a server on the
// restored dir has every application, record and attachment.
func TestBackupDuringFilingRestores(t *testing.T) {
	src := t.TempDir()
	s, admin, rev := startStaffed(t, src)
	done := newFiling(t, "bak", 1)
	tok1, id1 := submitFiling(t, s, done)
	final := approveToBureau(t, s, rev, admin, s, tok1, id1, done)
	number := final["numbers"].(map[string]any)["subject"].(string)

	// A second filing is under way while the backup runs: its photo is
	// uploaded again and again (each upload replaces the previous one).
	running := newFiling(t, "bak", 2)
	tok2, id2 := draftFiling(t, s, running)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	uploads := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if a := s.upload("/api/v1/applications/"+id2+"/attachments", tok2, map[string]string{"kind": "site_photo", "website": "0"}, photo(t)); a.Status != 201 {
				t.Errorf("upload during the backup: %d %s", a.Status, a.Body)
				return
			}
			uploads++
		}
	}()
	var backups []string
	for i := range 5 { // several backups, so some meet an upload mid-way
		dir := filepath.Join(t.TempDir(), "backup-"+strconv.Itoa(i))
		cmd := exec.Command(binary(t), "backup", "--with-key", dir) // restored below as a whole
		cmd.Env = baseEnv(src, nil)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("beian backup: %v\n%s", err, out)
		}
		backups = append(backups, dir)
	}
	close(stop)
	wg.Wait()
	t.Logf("%d uploads ran during the backups", uploads)
	if t.Failed() {
		t.FailNow()
	}
	if err := s.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}

	for _, backupDir := range backups {
		t.Run(filepath.Base(backupDir), func(t *testing.T) {
			dst := t.TempDir()
			cmd := exec.Command(binary(t), "restore", backupDir)
			cmd.Env = baseEnv(dst, nil)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("beian restore: %v\n%s", err, out)
			}
			r := startServer(t, dst, nil)
			// The finished filing: application, attachments, record, public lookup.
			tok := r.login(done.Email, done.Password)
			if a := r.do("GET", "/api/v1/me", tok1, nil); a.Status != 200 {
				t.Errorf("a session from before the backup after the restore: %d", a.Status)
			}
			checkApp := func(tok, id string, wantState string) {
				t.Helper()
				a := r.do("GET", "/api/v1/applications/"+id, tok, nil)
				if a.Status != 200 {
					t.Fatalf("application %s after restore: %d %s", id, a.Status, a.Body)
				}
				app := a.JSON(t)
				if wantState != "" && app["state"] != wantState {
					t.Errorf("application %s: state %v, want %s", id, app["state"], wantState)
				}
				atts, _ := app["attachments"].([]any)
				if len(atts) == 0 && wantState == "approved" {
					t.Errorf("application %s: no attachments after restore", id)
				}
				for _, at := range atts {
					aid := at.(map[string]any)["id"].(string)
					f := r.do("GET", "/api/v1/applications/"+id+"/attachments/"+aid, tok, nil)
					if f.Status != 200 || len(f.Body) < 1000 || f.Body[0] != 0xFF {
						t.Errorf("attachment %s after restore: %d, %d bytes", aid, f.Status, len(f.Body))
					}
				}
			}
			checkApp(tok, id1, "approved")
			if f := r.do("GET", "/api/v1/filings", tok, nil); f.Status != 200 || !strings.Contains(string(f.Body), number) {
				t.Errorf("record %s after restore: %d %.300s", number, f.Status, f.Body)
			}
			if p := r.do("GET", "/api/v1/public/filings?q="+done.Domain, "", nil); !strings.Contains(string(p.Body), number) {
				t.Errorf("public lookup after restore: %s", p.Body)
			}
			// The filing in progress, as far as it had got at the snapshot: every
			// attachment row the snapshot has, has its file.
			checkApp(tok2, id2, "draft")
		})
	}
}
