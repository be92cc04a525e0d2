package clock_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// businessPackages stamp or compare business time: they take it from the
// injected clock and never read the wall clock themselves.
var businessPackages = []string{"storage", "bureau", "notify", "jobs", "workflow", "rules", "workdays", "domainreg", "monitor"}

// wallReads are the functions of package time that read the wall clock.
var wallReads = map[string]bool{"Now": true, "Since": true, "Until": true}

// TestBusinessPackagesNeverReadTheWallClock parses every non-test Go file of
// those packages (and the packages below them) and fails on any use of
// time.Now, time.Since or time.Until, called or passed as a value.
func TestBusinessPackagesNeverReadTheWallClock(t *testing.T) {
	files := 0
	for _, pkg := range businessPackages {
		root := filepath.Join("..", pkg)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			files++
			for _, use := range wallClockUses(t, path) {
				t.Errorf("%s reads the wall clock; take business time from the injected clock", use)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 20 {
		t.Fatalf("checked only %d files: are the package paths right?", files)
	}
}

// wallClockUses lists "file:line time.X" for every wall-clock read in path,
// whatever name the file imports package time under.
func wallClockUses(t *testing.T, path string) []string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "time" {
			name := "time"
			if imp.Name != nil {
				name = imp.Name.Name
			}
			names[name] = true
		}
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && names[id.Name] && wallReads[sel.Sel.Name] {
			out = append(out, fset.Position(sel.Pos()).String()+" time."+sel.Sel.Name)
		}
		return true
	})
	return out
}

// The check itself finds a use, under any import name and as a value.
func TestWallClockUsesFindsThem(t *testing.T) {
	dir := t.TempDir()
	src := "package x\n\nimport tm \"time\"\n\nvar clock = tm.Now\n\nfunc f() tm.Duration { return tm.Since(clock()) }\n"
	p := filepath.Join(dir, "x.go")
	if err := writeFile(p, src); err != nil {
		t.Fatal(err)
	}
	if got := wallClockUses(t, p); len(got) != 2 {
		t.Fatalf("found %v, want the two uses", got)
	}
}
