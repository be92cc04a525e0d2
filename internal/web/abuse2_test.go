package web_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
)

// multipartPost posts fields and one file of the given bytes.
func (b *browser) multipartPost(path string, fields map[string]string, file []byte) answer {
	b.h.t.Helper()
	files := map[string][]byte{}
	if file != nil {
		files["file"] = file
	}
	return textOf(b.v.PostFiles(path, fields, files))
}

// TestNoTempFilesLeft replays issue 12's second attack: multipart posts to
// the HTML doors — refused anonymous ones and real uploads over 1 MiB —
// used to leave their spooled files in $TMPDIR for good.
func TestNoTempFilesLeft(t *testing.T) {
	eachHarness(t, func(t *testing.T, h *harness) {
		b, id := startDraft(t, h, "tmp@example.com", "13805815013")
		tok := b.csrfFrom("/applications/" + id + "/uploads")
		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp)

		anon := h.browser()
		big := bytes.Repeat([]byte{0xff}, 20<<20)
		for _, path := range []string{"/login", "/register", "/password/forgot", "/logout", "/password/reset"} {
			if a := anon.multipartPost(path, map[string]string{"email": "x@example.com"}, big); a.status < 400 || a.status >= 500 {
				t.Errorf("anonymous 20 MB post to %s = %d", path, a.status)
			}
		}
		// A real upload over 1 MiB (a copy of an ID photo with its EXIF), accepted.
		photo := testJPEG(t, 1600, 1200)
		photo = append(photo[:2:2], append(exifSegment(1<<20), photo[2:]...)...)
		if a := b.multipartPost("/applications/"+id+"/attachments", map[string]string{"csrf": tok, "kind": "subject_certificate", "website": "-1"}, photo); a.status != http.StatusSeeOther {
			t.Errorf("upload = %d %.200s", a.status, a.body)
		}
		// Refused ones: not a JPEG, and a website that is no number (item 7: was a 500).
		if a := b.multipartPost("/applications/"+id+"/attachments", map[string]string{"csrf": tok, "kind": "subject_certificate", "website": "-1"}, big); a.status != http.StatusUnsupportedMediaType {
			t.Errorf("not a JPEG = %d", a.status)
		}
		for _, w := range []string{"", "abc"} {
			a := b.multipartPost("/applications/"+id+"/attachments", map[string]string{"csrf": tok, "kind": "website_leader_id", "website": w}, photo)
			if a.status != http.StatusBadRequest || !strings.Contains(a.body, "website") {
				t.Errorf("website %q = %d", w, a.status)
			}
		}
		left, err := os.ReadDir(tmp)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range left {
			t.Errorf("left in TMPDIR: %s", f.Name())
		}
	})
}

// exifSegment is an APP1 segment padded to about n bytes (JPEG segments
// hold 64 KiB, so it is several).
func exifSegment(n int) []byte {
	var out bytes.Buffer
	for out.Len() < n {
		out.Write([]byte{0xff, 0xe1, 0xff, 0xf0})
		out.Write([]byte("Exif\x00\x00"))
		io.CopyN(&out, zeros{}, 0xfff0-2-6)
	}
	return out.Bytes()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
