package httpx

import (
	"io/fs"
	"net/http"
	"strings"
	"unicode/utf8"
)

// StaticFiles serves the files of fsys under prefix, and nothing else: a
// folder (the bare prefix included) is a 404, not a listing, and so is a
// name that is not valid UTF-8 (embed's FS refuses it and the file server
// would answer 500).
func StaticFiles(prefix string, fsys fs.FS) http.Handler {
	fsrv := http.StripPrefix(prefix, http.FileServerFS(fsys))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, prefix)
		if !utf8.ValidString(name) || name == "" || strings.HasSuffix(name, "/") {
			http.NotFound(w, r)
			return
		}
		if st, err := fs.Stat(fsys, name); err != nil || !st.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}
