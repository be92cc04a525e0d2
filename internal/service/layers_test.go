package service_test

import (
	"go/build"
	"testing"
)

// The service says what went wrong as kinds (package fault); only the
// doors know HTTP. An import of net/http or the HTTP helpers here would let
// a status number leak back into the decisions.
func TestServiceKnowsNoHTTP(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkg.GoFiles) < 10 {
		t.Fatalf("read only %d files", len(pkg.GoFiles))
	}
	for _, imp := range pkg.Imports {
		switch imp {
		case "net/http", "net/http/httptest", "beian/internal/httpx":
			t.Errorf("package service imports %s; return a fault kind and let the door choose the status", imp)
		}
	}
}
