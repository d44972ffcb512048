// Package gofiles finds the Go source files under a set of roots and reads
// and writes the path lists exchanged through --files-from.
package gofiles

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Collect returns every regular file whose name ends in ".go" under each
// root, roots in the order given and files in filepath.WalkDir order
// (lexical within each directory). Nothing is skipped: testdata, vendor
// and hidden directories are all walked. Symbolic links are never
// followed, and a symbolic link to a file is not a regular file. A root
// may itself be a file.
//
// An error reading a directory is returned, rather than silently leaving
// part of a tree out.
func Collect(roots ...string) ([]string, error) {
	var files []string
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && strings.HasSuffix(d.Name(), ".go") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walking %s: %w", root, err)
		}
	}
	return files, nil
}

// ParseList splits a path list: one path per line, empty lines ignored.
func ParseList(data []byte) []string {
	var paths []string
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		if len(line) > 0 {
			paths = append(paths, string(line))
		}
	}
	return paths
}

// ReadList reads a path list from the file name, or from stdin when name
// is "-".
func ReadList(name string, stdin io.Reader) ([]string, error) {
	var (
		data []byte
		err  error
	)
	if name == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, fmt.Errorf("reading file list %s: %w", name, err)
	}
	return ParseList(data), nil
}

// WriteList writes paths one per line to w. A path containing a newline
// cannot be represented and is an error.
func WriteList(w io.Writer, paths []string) error {
	bw := bufio.NewWriter(w)
	for _, p := range paths {
		if strings.ContainsRune(p, '\n') {
			return fmt.Errorf("path %q contains a newline and cannot be listed", p)
		}
		bw.WriteString(p)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing file list: %w", err)
	}
	return nil
}
