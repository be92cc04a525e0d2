package httpx

import (
	"errors"
	"io"
	"net/http"
)

// drainMax bounds how much of an oversized upload is read and thrown away
// so the client, still sending, receives the 413 instead of a reset
// connection (net/http closes a connection with more than 256 KiB unread).
const drainMax = 64 << 20

// ParseMultipart parses a multipart body of at most limit bytes, keeping
// 1 MiB in memory and spooling the rest to a temporary file removed after
// the request. It reports tooLarge for a body over the limit, after
// draining it (bounded by drainMax and the server's read timeout).
func ParseMultipart(w http.ResponseWriter, r *http.Request, limit int64) (tooLarge bool, err error) {
	orig := r.Body
	r.Body = http.MaxBytesReader(w, orig, limit)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			io.Copy(io.Discard, io.LimitReader(orig, drainMax))
			return true, err
		}
		return false, err
	}
	return false, nil
}
