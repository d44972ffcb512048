package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.go")
	bad := filepath.Join(dir, "bad.go")
	missing := filepath.Join(dir, "missing.go")
	if err := os.WriteFile(good, []byte("package p\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("package\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := "=== " + good + "\nFile 0-9\n  Name: Ident 8-9 \"p\"\n" +
		"=== " + bad + "\nERROR 1:9: expected 'IDENT', found 'EOF'\n" +
		"=== " + missing + "\nERROR 0:0: open " + missing + ": no such file or directory\n" +
		"=== " + good + "\nFile 0-9\n  Name: Ident 8-9 \"p\"\n"

	// The listed files come first, then the arguments.
	stdin := strings.NewReader(good + "\n" + bad + "\n\n" + missing + "\n")
	var out, errOut bytes.Buffer
	if code := run([]string{"-files-from", "-", good}, stdin, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}

	list := filepath.Join(dir, "list.txt")
	if err := os.WriteFile(list, []byte(good+"\n"+bad+"\n"+missing+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run([]string{"-files-from", list, good}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if out.String() != want {
		t.Errorf("-files-from FILE: got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestRunUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(nil, nil, &out, &errOut); code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
	if code := run([]string{"-nope"}, nil, &out, &errOut); code != 2 {
		t.Errorf("bad flag: exit %d, want 2", code)
	}
	if code := run([]string{"-files-from", filepath.Join(t.TempDir(), "none")}, nil, &out, &errOut); code != 1 {
		t.Errorf("unreadable list: exit %d, want 1", code)
	}
}
