package api

import (
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/httpx"
	"beian/internal/service"
)

type attachmentJSON struct {
	ID        string  `json:"id"`
	Kind      string  `json:"kind"`
	Website   *int    `json:"website"` // null when the kind is not per website
	Bytes     int64   `json:"bytes"`
	Width     int     `json:"width"`
	Height    int     `json:"height"`
	SHA256    string  `json:"sha256"`
	SignedOn  string  `json:"signed_on,omitempty"`
	CreatedAt *string `json:"created_at"`
}

func attachmentView(at service.Attachment) attachmentJSON {
	out := attachmentJSON{ID: at.ID, Kind: at.Kind, Bytes: at.Bytes, Width: at.Width, Height: at.Height, SHA256: at.SHA256,
		SignedOn: at.SignedOn, CreatedAt: rfc3339(at.CreatedAt)}
	if at.Website >= 0 {
		w := at.Website
		out.Website = &w
	}
	return out
}

// multipartSlack is room for the form fields and part headers beside the file.
const multipartSlack = 1 << 20

// parseMultipart reads a multipart body of at most limit bytes: 415 for
// another content type, 413 attachment.too_large beyond the limit.
func (a *API) parseMultipart(w http.ResponseWriter, r *http.Request, limit int64) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return fault.Words(fault.Unsupported, fault.CodeUnsupportedMedia, "error.unsupported_media.upload_file_multipart")
	}
	if tooLarge, err := httpx.ParseMultipart(w, r, limit); err != nil {
		if tooLarge {
			return a.svc.ErrAttachmentTooLarge()
		}
		e := fault.Words(fault.BadRequest, fault.CodeBadRequest, "error.bad_request.malformed_multipart_body")
		e.Err = err
		return e
	}
	return nil
}

func formFile(r *http.Request, name string) (multipart.File, error) {
	fhs := r.MultipartForm.File[name]
	if len(fhs) == 0 {
		return nil, fault.NewInvalid([]filing.Violation{fault.Violated("attachment.missing", name)})
	}
	return fhs[0].Open()
}

// uploaded is an upload form's file and website index.
type uploaded struct {
	website int
	file    multipart.File
}

// readUpload reads an upload form, bounded: its file and website index
// (def when the form names none). close closes the file and removes the
// form's temporary files; call it whatever err is.
func (a *API) readUpload(w http.ResponseWriter, r *http.Request, def int) (u uploaded, close func(), err error) {
	if err := a.parseMultipart(w, r, a.svc.AttachmentMaxBytes()+multipartSlack); err != nil {
		return u, func() {}, err
	}
	close = func() {
		if u.file != nil {
			u.file.Close()
		}
		r.MultipartForm.RemoveAll()
	}
	if u.website, err = websiteIndex(r, def); err != nil {
		return u, close, err
	}
	u.file, err = formFile(r, "file")
	return u, close, err
}

func (a *API) upload(w http.ResponseWriter, r *http.Request) error {
	u, close, err := a.readUpload(w, r, -1)
	defer close()
	if err != nil {
		return err
	}
	at, err := a.svc.AddAttachment(r.Context(), account(r), r.PathValue("id"), service.AttachmentInput{
		Kind: r.FormValue("kind"), Website: u.website, SignedOn: r.FormValue("signed_on"), File: u.file})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, attachmentView(*at))
}

// sitePhoto stores the photo staff took at the office (face-to-face
// signing) as the website's site_photo.
func (a *API) sitePhoto(w http.ResponseWriter, r *http.Request) error {
	u, close, err := a.readUpload(w, r, 0)
	defer close()
	if err != nil {
		return err
	}
	at, err := a.svc.StaffSitePhoto(r.Context(), account(r), r.PathValue("id"), u.website, u.file)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, attachmentView(*at))
}

func (a *API) attachment(w http.ResponseWriter, r *http.Request) error {
	rc, at, err := a.svc.OpenAttachment(r.Context(), account(r), r.PathValue("id"), r.PathValue("aid"))
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", strconv.FormatInt(at.Bytes, 10))
	w.Header().Set("Content-Disposition", `inline; filename="`+at.Kind+`.jpg"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, err = io.Copy(w, rc)
	if err != nil {
		a.log.WarnContext(r.Context(), "attachment download cut", "err", err)
	}
	return nil
}

func (a *API) deleteAttachment(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteAttachment(r.Context(), account(r), r.PathValue("id"), r.PathValue("aid")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) idMerge(w http.ResponseWriter, r *http.Request) error {
	if err := a.parseMultipart(w, r, 2*a.svc.AttachmentMaxBytes()+multipartSlack); err != nil {
		return err
	}
	defer r.MultipartForm.RemoveAll()
	front, err := formFile(r, "front")
	if err != nil {
		return err
	}
	defer front.Close()
	back, err := formFile(r, "back")
	if err != nil {
		return err
	}
	defer back.Close()
	jpeg, err := a.svc.MergeIDCard(r.Context(), account(r), front, back)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", strconv.Itoa(len(jpeg)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(jpeg)
	return nil
}

// websiteIndex reads the form's website index (from 0), or def when the
// field is empty.
func websiteIndex(r *http.Request, def int) (int, error) {
	s := strings.TrimSpace(r.FormValue("website"))
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fault.NewInvalid([]filing.Violation{{Rule: "attachment.website.invalid", Field: "website", Severity: filing.SeverityError,
			Message: filing.Text{ZH: "website 须为网站序号（从 0 开始）", EN: "website must be a website index (from 0)"}}})
	}
	return n, nil
}
