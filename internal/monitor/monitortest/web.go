package monitortest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Web serves h over plain HTTP on 127.0.0.1 until the test ends and returns
// its port: the websites' homepages, with the monitor's HTTP and HTTPS
// ports pointed at it.
func Web(t testing.TB, h http.Handler) (port string) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	_, port, _ = net.SplitHostPort(ln.Addr().String())
	return port
}
