package fenliu_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/fenliu/fenliu"

// imports maps each package folder of the module (relative, "." for the
// root) to what its non-test files import.
func imports(t *testing.T, root string) map[string]map[string]bool {
	t.Helper()
	out := map[string]map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		dir = filepath.ToSlash(dir)
		if out[dir] == nil {
			out[dir] = map[string]bool{}
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			out[dir][p] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestArchitecture holds the layers to their shape (ARCHITECTURE.md): the
// service layer is the only door to the database, and the domain and the
// pure rule packages do no I/O.
func TestArchitecture(t *testing.T) {
	pkgs := imports(t, ".")
	if len(pkgs) < 10 {
		t.Fatalf("found only %d packages; is the test running at the module root?", len(pkgs))
	}
	for _, v := range violations(pkgs) {
		t.Error(v)
	}
}

// violations lists every import that breaks the layering.
func violations(pkgs map[string]map[string]bool) []string {
	var out []string
	// Who may import the storage layer: the service layer, the wiring, the
	// command line's tools, and the test helper that opens databases.
	mayStore := map[string]bool{"app": true, "server": true, "cmd/fenliu": true, "store/storetest": true, "store": true}
	for dir, ims := range pkgs {
		if ims[module+"/store"] && !mayStore[dir] {
			out = append(out, dir+" imports store: edges go through the service layer (app)")
		}
	}
	// The domain core and the pure rule packages: no I/O; the domain imports
	// no other package of the module.
	io := []string{"os", "net", "database/sql", "io/fs", "embed", "syscall", "log", "log/slog", "os/exec", "path/filepath", "net/http"}
	for _, dir := range []string{".", "route", "metrics", "geo"} {
		ims, ok := pkgs[dir]
		if !ok {
			out = append(out, "package "+dir+" not found")
			continue
		}
		var bad []string
		for im := range ims {
			for _, d := range io {
				if im == d || strings.HasPrefix(im, d+"/") {
					bad = append(bad, im)
				}
			}
			if dir == "." && strings.HasPrefix(im, module+"/") {
				bad = append(bad, im)
			}
		}
		sort.Strings(bad)
		if len(bad) > 0 {
			out = append(out, dir+" is pure (no I/O) but imports "+strings.Join(bad, ", "))
		}
	}
	// SQL lives in store: nothing else imports a database driver.
	for dir, ims := range pkgs {
		if dir == "store" || strings.HasPrefix(dir, "store/") {
			continue
		}
		for im := range ims {
			if im == "database/sql" || strings.HasPrefix(im, "github.com/jackc/pgx") || strings.HasPrefix(im, "modernc.org/sqlite") {
				out = append(out, dir+" imports "+im+": SQL lives in store")
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestArchitectureCanFail: the rules catch an edge that imports store, a
// domain that reads files, and a handler that speaks SQL.
func TestArchitectureCanFail(t *testing.T) {
	root := t.TempDir()
	write := func(rel, src string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("model.go", "package fenliu\n\nimport \"os\"\n\nvar _ = os.Args\n")
	write("route/route.go", "package route\n")
	write("metrics/metrics.go", "package metrics\n")
	write("geo/geo.go", "package geo\n")
	write("console/probe.go", "package console\n\nimport _ \""+module+"/store\"\n")
	write("httpapi/probe.go", "package httpapi\n\nimport _ \"database/sql\"\n")
	got := violations(imports(t, root))
	want := []string{". is pure (no I/O) but imports os", "console imports store: edges go through the service layer (app)",
		"httpapi imports database/sql: SQL lives in store"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
