package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"strings"
	"testing"
)

func solidJPEG(t *testing.T, w, h int, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, 255
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestIDCardMergeStep: the upload step's 正面/反面 inputs become one stored
// ID image, front above back; a bad side is named beside the slot and
// nothing is stored.
func TestIDCardMergeStep(t *testing.T) {
	eachHarness(t, func(t *testing.T, h *harness) {
		alice, app := formsApp(t, h)
		up := alice.get("/applications/" + app.ID + "/uploads")
		for _, want := range []string{`name="front"`, `name="back"`} {
			if !strings.Contains(up.body, want) {
				t.Fatalf("the upload step has no %s input", want)
			}
		}
		tok := alice.csrfFrom("/applications/" + app.ID + "/uploads")

		bad := alice.uploadFiles(app.ID, "subject_leader_id", -1, "", map[string][]byte{
			"front": solidJPEG(t, 860, 540, color.RGBA{200, 30, 30, 255}), "back": []byte("\x89PNG\r\n\x1a\n not a jpeg")}, tok)
		if bad.status != http.StatusUnsupportedMediaType || !strings.Contains(bad.body, `class="ferr"`) || !strings.Contains(bad.body, "反面") {
			t.Fatalf("merge with a PNG back side = %d (want 415 with the side named beside the slot)", bad.status)
		}

		a := alice.uploadFiles(app.ID, "subject_leader_id", -1, "", map[string][]byte{
			"front": solidJPEG(t, 860, 540, color.RGBA{200, 30, 30, 255}), "back": solidJPEG(t, 860, 540, color.RGBA{30, 30, 200, 255})}, tok)
		if a.status != http.StatusSeeOther {
			t.Fatalf("merged upload = %d\n%s", a.status, a.body)
		}
		acct := mustAccount(t, h, "alice@example.com")
		full, err := h.svc.GetApplication(t.Context(), acct, app.ID)
		if err != nil || len(full.Attachments) != 1 || full.Attachments[0].Kind != "subject_leader_id" {
			t.Fatalf("attachments after the merge: %+v %v", full.Attachments, err)
		}
		rc, _, err := h.svc.OpenAttachment(t.Context(), acct, app.ID, full.Attachments[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		if b.Dx() != 860 || b.Dy() < 2*540 {
			t.Fatalf("stored ID image is %v, want both sides stacked", b)
		}
		if r, _, bl, _ := img.At(b.Dx()/2, b.Dy()/4).RGBA(); r>>8 < 150 || bl>>8 > 90 {
			t.Error("the front is not on top")
		}
		if r, _, bl, _ := img.At(b.Dx()/2, b.Dy()*3/4).RGBA(); bl>>8 < 150 || r>>8 > 90 {
			t.Error("the back is not below")
		}
	})
}
