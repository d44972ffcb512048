package gofiles

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestCollect(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.go", "a.go", "a/z.go", "a/testdata/t.go", "vendor/v.go", ".hidden/h.go", "c.txt", "d.go.txt"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "dir.go"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "a.go"), filepath.Join(dir, "l.go")); err != nil {
		t.Logf("no symlink: %v", err)
	}
	if err := os.Symlink(filepath.Join(dir, "a"), filepath.Join(dir, "ldir")); err != nil {
		t.Logf("no symlink: %v", err)
	}
	got, err := Collect(dir, filepath.Join(dir, "b.go"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, name := range []string{".hidden/h.go", "a/testdata/t.go", "a/z.go", "a.go", "b.go", "vendor/v.go", "b.go"} {
		want = append(want, filepath.Join(dir, filepath.FromSlash(name)))
	}
	if !slices.Equal(got, want) {
		t.Errorf("Collect:\ngot  %q\nwant %q", got, want)
	}
	if _, err := Collect(filepath.Join(dir, "nonexistent")); err == nil {
		t.Error("Collect of a nonexistent root succeeded")
	}
}

func TestLists(t *testing.T) {
	paths := []string{"a.go", "dir with space/b.go", "c\r.go"}
	var buf bytes.Buffer
	if err := WriteList(&buf, paths); err != nil {
		t.Fatal(err)
	}
	if got := ParseList(buf.Bytes()); !slices.Equal(got, paths) {
		t.Errorf("round trip: got %q, want %q", got, paths)
	}
	if got := ParseList([]byte("\na.go\n\nb.go")); !slices.Equal(got, []string{"a.go", "b.go"}) {
		t.Errorf("ParseList = %q", got)
	}
	if err := WriteList(&buf, []string{"a\nb.go"}); err == nil {
		t.Error("WriteList accepted a path with a newline")
	}
}
