package storage

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// cachedTables are the tables whose copies live in caches outside storage,
// with the change a write to them must announce.
var cachedTables = map[string]string{
	"subject_records": "changesPublic", "website_records": "changesPublic", "access_records": "changesPublic",
	"record_versions": "changesPublic", "bureau_subjects": "changesPublic", "bureau_websites": "changesPublic",
	"bureau_blacklist": "changesPublic",
	"applications":     "changesApplications", "application_domains": "changesApplications",
}

// domainTables are the tables the domain filter holds the domains of: an
// INSERT or an UPDATE of their domain must tell it (Tx.noteDomains).
var domainTables = map[string]bool{"application_domains": true, "website_records": true, "bureau_websites": true}

var domainWriteSQL = regexp.MustCompile(`(?is)\b(?:INSERT\s+INTO\s+([a-z_]+)|UPDATE\s+([a-z_]+)\s+SET\b[^` + "`" + `]*\bdomain\s*=)`)

// subjectTables hold subject certificate hashes the filter knows too
// (Tx.noteSubjects).
var subjectTables = map[string]bool{"applications": true, "subject_records": true, "bureau_subjects": true}

var subjectWriteSQL = regexp.MustCompile(`(?is)\b(?:INSERT\s+INTO\s+([a-z_]+)|UPDATE\s+([a-z_]+)\s+SET\b[^` + "`" + `]*\bcert_hash\s*=)`)

var writeSQL = regexp.MustCompile(`(?i)\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_]+)`)

// TestWritesAnnounceTheirChanges: every Tx method whose SQL writes a
// cached table calls t.changed with that table's change, so the caches of
// the public lookup and the pre-check forget what it replaced. Storage no
// longer guesses this from the SQL text at run time; this test reads it
// once, here.
func TestWritesAnnounceTheirChanges(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked, domainWrites := 0, 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Body == nil || !isTxReceiver(fn.Recv) {
				continue
			}
			need, have := map[string]bool{}, map[string]bool{}
			needDomains, noted := "", false
			needSubjects, notedSubjects := "", false
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.BasicLit:
					if n.Kind == token.STRING {
						for _, m := range subjectWriteSQL.FindAllStringSubmatch(n.Value, -1) {
							if subjectTables[strings.ToLower(m[1]+m[2])] {
								needSubjects = m[1] + m[2]
							}
						}
						for _, m := range domainWriteSQL.FindAllStringSubmatch(n.Value, -1) {
							if domainTables[strings.ToLower(m[1]+m[2])] {
								needDomains = m[1] + m[2]
							}
						}
						for _, m := range writeSQL.FindAllStringSubmatch(n.Value, -1) {
							if c, ok := cachedTables[strings.ToLower(m[1])]; ok {
								need[c] = true
							}
						}
					}
				case *ast.CallExpr:
					if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "noteDomains" {
						noted = true
					}
					if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "noteSubjects" {
						notedSubjects = true
					}
					if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "changed" && len(n.Args) == 1 {
						if id, ok := n.Args[0].(*ast.Ident); ok {
							have[id.Name] = true
						}
					}
				}
				return true
			})
			if needSubjects != "" {
				domainWrites++
				if !notedSubjects {
					t.Errorf("%s: Tx.%s writes subject certificate hashes of %s but never tells the filter (t.noteSubjects)", fset.Position(fn.Pos()), fn.Name.Name, needSubjects)
				}
			}
			if needDomains != "" {
				domainWrites++
				if !noted {
					t.Errorf("%s: Tx.%s writes domains of %s but never tells the domain filter (t.noteDomains)", fset.Position(fn.Pos()), fn.Name.Name, needDomains)
				}
			}
			for c := range need {
				checked++
				if !have[c] {
					t.Errorf("%s: Tx.%s writes a cached table but never calls t.changed(%s)", fset.Position(fn.Pos()), fn.Name.Name, c)
				}
			}
		}
	}
	if domainWrites < 8 {
		t.Fatalf("found only %d writes of domains: is the pattern right?", domainWrites)
	}
	if checked < 10 {
		t.Fatalf("found only %d writes of cached tables: is the pattern right?", checked)
	}
}

func isTxReceiver(fl *ast.FieldList) bool {
	if len(fl.List) != 1 {
		return false
	}
	star, ok := fl.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == "Tx"
}
