// Package astdump writes the canonical text dump of a Go syntax tree
// described in docs/ast-dump.md (format version 1).
//
// The same dump is printed by leakscope's C parser (`leakscope parse
// --dump-ast`), so that the two trees can be compared line by line. Every
// byte of the output is fixed by the specification: node order, labels,
// attributes, offsets and quoting.
package astdump

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io"
	"os"
	"strconv"
)

// Mode is the go/parser mode whose tree the dump describes.
const Mode = parser.ParseComments | parser.SkipObjectResolution

// flushSize is the amount of buffered output after which a dumper writes
// to its underlying writer.
const flushSize = 32 << 10

// Write writes the dump of f, which must have been parsed into fset, to w.
// It writes no "===" header line; that is the caller's job.
//
// Offsets are computed from the token.File that holds f, so //line
// directives have no effect on them.
func Write(w io.Writer, fset *token.FileSet, f *ast.File) error {
	if f == nil {
		return errors.New("astdump: nil file")
	}
	tf := fset.File(f.FileStart)
	if tf == nil {
		tf = fset.File(f.Package)
	}
	if tf == nil {
		return errors.New("astdump: file not found in file set")
	}
	d := &dumper{w: w, base: tf.Base(), buf: make([]byte, 0, flushSize+4096)}
	d.file(f)
	d.flush()
	return d.err
}

// DumpFile reads and parses the file at path and writes its block of the
// stream to w: the header line "=== path" followed by either the dump or
// exactly one ERROR line. A file that cannot be read or parsed is not an
// error of DumpFile (it becomes an ERROR line); the returned error reports
// only a failure to write to w.
func DumpFile(w io.Writer, path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return writeBlock(w, path, func(w io.Writer) error {
			return writeError(w, 0, 0, err.Error())
		})
	}
	return DumpSource(w, path, src)
}

// DumpSource is like DumpFile but parses src instead of reading path.
func DumpSource(w io.Writer, path string, src []byte) error {
	return writeBlock(w, path, func(w io.Writer) error {
		return dumpSource(w, path, src)
	})
}

// Header returns the header line (without newline) that starts the block
// of the file at path.
func Header(path string) string {
	return "=== " + path
}

func writeBlock(w io.Writer, path string, body func(io.Writer) error) error {
	if _, err := io.WriteString(w, Header(path)+"\n"); err != nil {
		return fmt.Errorf("astdump: writing header of %s: %w", path, err)
	}
	return body(w)
}

func dumpSource(w io.Writer, path string, src []byte) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, Mode)
	if err != nil {
		line, col, msg := firstError(fset, err)
		return writeError(w, line, col, msg)
	}
	if err := Write(w, fset, f); err != nil {
		return fmt.Errorf("astdump: dumping %s: %w", path, err)
	}
	return nil
}

// firstError returns the position and message of the first error in err,
// which go/parser returns as a sorted scanner.ErrorList. The position is
// recomputed from the error's byte offset without //line adjustment, so
// that it refers to the file as it is on disk, like the dump's offsets.
func firstError(fset *token.FileSet, err error) (line, col int, msg string) {
	var list scanner.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		return 0, 0, err.Error()
	}
	e := list[0]
	line, col = e.Pos.Line, e.Pos.Column
	var tf *token.File
	fset.Iterate(func(f *token.File) bool {
		tf = f
		return false
	})
	if tf != nil && e.Pos.IsValid() && e.Pos.Offset >= 0 && e.Pos.Offset <= tf.Size() {
		p := tf.PositionFor(tf.Pos(e.Pos.Offset), false)
		line, col = p.Line, p.Column
	}
	return line, col, e.Msg
}

// writeError writes an "ERROR line:col: msg" line. Control bytes in msg
// are escaped as in quoted strings so that the block stays one line.
func writeError(w io.Writer, line, col int, msg string) error {
	b := make([]byte, 0, 32+len(msg))
	b = append(b, "ERROR "...)
	b = strconv.AppendInt(b, int64(line), 10)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(col), 10)
	b = append(b, ": "...)
	for i := 0; i < len(msg); i++ {
		if c := msg[i]; c < 0x20 || c == 0x7f {
			b = appendHexByte(b, c)
		} else {
			b = append(b, c)
		}
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("astdump: writing error line: %w", err)
	}
	return nil
}

const hexDigits = "0123456789abcdef"

func appendHexByte(b []byte, c byte) []byte {
	return append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
}

// AppendQuoted appends s to b quoted as the specification requires:
// between double quotes, with \\, \" and \xHH (lower-case, for bytes below
// 0x20 and for 0x7f) as the only escapes. All other bytes, including
// non-ASCII and invalid UTF-8, are copied as they are.
func AppendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != 0x7f && c != '\\' && c != '"' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '\\':
			b = append(b, '\\', '\\')
		case '"':
			b = append(b, '\\', '"')
		default:
			b = appendHexByte(b, c)
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// dumper accumulates the dump in buf and writes it to w in chunks.
type dumper struct {
	w    io.Writer
	base int
	buf  []byte
	err  error
}

func (d *dumper) flush() {
	if d.err == nil && len(d.buf) > 0 {
		_, d.err = d.w.Write(d.buf)
	}
	d.buf = d.buf[:0]
}

func (d *dumper) pos(p token.Pos) {
	if !p.IsValid() {
		d.buf = append(d.buf, '-')
		return
	}
	d.buf = strconv.AppendInt(d.buf, int64(int(p)-d.base), 10)
}

// start writes the common part of a node line:
// "<indent><label>: <Kind> <pos>-<end>". A negative idx means the label is
// not a list element.
func (d *dumper) start(depth int, label string, idx int, kind string, n ast.Node) {
	for range depth {
		d.buf = append(d.buf, ' ', ' ')
	}
	if label != "" {
		d.buf = append(d.buf, label...)
		if idx >= 0 {
			d.buf = append(d.buf, '[')
			d.buf = strconv.AppendInt(d.buf, int64(idx), 10)
			d.buf = append(d.buf, ']')
		}
		d.buf = append(d.buf, ':', ' ')
	}
	d.buf = append(d.buf, kind...)
	d.buf = append(d.buf, ' ')
	d.pos(n.Pos())
	d.buf = append(d.buf, '-')
	d.pos(n.End())
}

// attr writes " <s>".
func (d *dumper) attr(s string) {
	d.buf = append(d.buf, ' ')
	d.buf = append(d.buf, s...)
}

// keyAttr writes " <key>=<val>".
func (d *dumper) keyAttr(key, val string) {
	d.buf = append(d.buf, ' ')
	d.buf = append(d.buf, key...)
	d.buf = append(d.buf, '=')
	d.buf = append(d.buf, val...)
}

func (d *dumper) quoted(s string) {
	d.buf = append(d.buf, ' ')
	d.buf = AppendQuoted(d.buf, s)
}

// end terminates the current line.
func (d *dumper) end() {
	d.buf = append(d.buf, '\n')
	if len(d.buf) >= flushSize {
		d.flush()
	}
}

// child dumps n, if it is not nil, as a child labelled label.
func child[N interface {
	comparable
	ast.Node
}](d *dumper, depth int, label string, n N) {
	var zero N
	if n != zero {
		d.node(depth, label, -1, n)
	}
}

// list dumps the non-nil elements of ns as children labelled label[i].
func list[N interface {
	comparable
	ast.Node
}](d *dumper, depth int, label string, ns []N) {
	var zero N
	for i, n := range ns {
		if n != zero {
			d.node(depth, label, i, n)
		}
	}
}

func (d *dumper) file(f *ast.File) {
	d.start(0, "", -1, "File", f)
	d.end()
	child(d, 1, "Name", f.Name)
	list(d, 1, "Decls", f.Decls)
	list(d, 1, "Comments", f.Comments)
}

// node dumps n at the given depth, then its children. Children are
// visited in go/ast field order; nil children and empty lists print
// nothing.
func (d *dumper) node(depth int, label string, idx int, n ast.Node) {
	c := depth + 1
	switch n := n.(type) {
	// Comments.
	case *ast.CommentGroup:
		d.start(depth, label, idx, "CommentGroup", n)
		d.end()
		list(d, c, "List", n.List)
	case *ast.Comment:
		d.start(depth, label, idx, "Comment", n)
		d.quoted(n.Text)
		d.end()

	// Bad nodes.
	case *ast.BadExpr:
		d.start(depth, label, idx, "BadExpr", n)
		d.end()
	case *ast.BadStmt:
		d.start(depth, label, idx, "BadStmt", n)
		d.end()
	case *ast.BadDecl:
		d.start(depth, label, idx, "BadDecl", n)
		d.end()

	// Expressions and types.
	case *ast.Ident:
		d.start(depth, label, idx, "Ident", n)
		d.quoted(n.Name)
		d.end()
	case *ast.Ellipsis:
		d.start(depth, label, idx, "Ellipsis", n)
		d.end()
		child(d, c, "Elt", n.Elt)
	case *ast.BasicLit:
		d.start(depth, label, idx, "BasicLit", n)
		d.attr(n.Kind.String())
		d.quoted(n.Value)
		d.end()
	case *ast.FuncLit:
		d.start(depth, label, idx, "FuncLit", n)
		d.end()
		child(d, c, "Type", n.Type)
		child(d, c, "Body", n.Body)
	case *ast.CompositeLit:
		d.start(depth, label, idx, "CompositeLit", n)
		d.end()
		child(d, c, "Type", n.Type)
		list(d, c, "Elts", n.Elts)
	case *ast.ParenExpr:
		d.start(depth, label, idx, "ParenExpr", n)
		d.end()
		child(d, c, "X", n.X)
	case *ast.SelectorExpr:
		d.start(depth, label, idx, "SelectorExpr", n)
		d.end()
		child(d, c, "X", n.X)
		child(d, c, "Sel", n.Sel)
	case *ast.IndexExpr:
		d.start(depth, label, idx, "IndexExpr", n)
		d.end()
		child(d, c, "X", n.X)
		child(d, c, "Index", n.Index)
	case *ast.IndexListExpr:
		d.start(depth, label, idx, "IndexListExpr", n)
		d.end()
		child(d, c, "X", n.X)
		list(d, c, "Indices", n.Indices)
	case *ast.SliceExpr:
		d.start(depth, label, idx, "SliceExpr", n)
		if n.Slice3 {
			d.attr("slice3")
		}
		d.end()
		child(d, c, "X", n.X)
		child(d, c, "Low", n.Low)
		child(d, c, "High", n.High)
		child(d, c, "Max", n.Max)
	case *ast.TypeAssertExpr:
		d.start(depth, label, idx, "TypeAssertExpr", n)
		d.end()
		child(d, c, "X", n.X)
		child(d, c, "Type", n.Type)
	case *ast.CallExpr:
		d.start(depth, label, idx, "CallExpr", n)
		if n.Ellipsis.IsValid() {
			d.buf = append(d.buf, " ellipsis="...)
			d.pos(n.Ellipsis)
		}
		d.end()
		child(d, c, "Fun", n.Fun)
		list(d, c, "Args", n.Args)
	case *ast.StarExpr:
		d.start(depth, label, idx, "StarExpr", n)
		d.end()
		child(d, c, "X", n.X)
	case *ast.UnaryExpr:
		d.start(depth, label, idx, "UnaryExpr", n)
		d.keyAttr("op", n.Op.String())
		d.end()
		child(d, c, "X", n.X)
	case *ast.BinaryExpr:
		d.start(depth, label, idx, "BinaryExpr", n)
		d.keyAttr("op", n.Op.String())
		d.end()
		child(d, c, "X", n.X)
		child(d, c, "Y", n.Y)
	case *ast.KeyValueExpr:
		d.start(depth, label, idx, "KeyValueExpr", n)
		d.end()
		child(d, c, "Key", n.Key)
		child(d, c, "Value", n.Value)
	case *ast.ArrayType:
		d.start(depth, label, idx, "ArrayType", n)
		d.end()
		child(d, c, "Len", n.Len)
		child(d, c, "Elt", n.Elt)
	case *ast.StructType:
		d.start(depth, label, idx, "StructType", n)
		d.end()
		child(d, c, "Fields", n.Fields)
	case *ast.FuncType:
		d.start(depth, label, idx, "FuncType", n)
		d.end()
		child(d, c, "TypeParams", n.TypeParams)
		child(d, c, "Params", n.Params)
		child(d, c, "Results", n.Results)
	case *ast.InterfaceType:
		d.start(depth, label, idx, "InterfaceType", n)
		d.end()
		child(d, c, "Methods", n.Methods)
	case *ast.MapType:
		d.start(depth, label, idx, "MapType", n)
		d.end()
		child(d, c, "Key", n.Key)
		child(d, c, "Value", n.Value)
	case *ast.ChanType:
		d.start(depth, label, idx, "ChanType", n)
		d.keyAttr("dir", chanDir(n.Dir))
		d.end()
		child(d, c, "Value", n.Value)

	// Fields.
	case *ast.FieldList:
		d.start(depth, label, idx, "FieldList", n)
		d.end()
		list(d, c, "List", n.List)
	case *ast.Field:
		d.start(depth, label, idx, "Field", n)
		d.end()
		list(d, c, "Names", n.Names)
		child(d, c, "Type", n.Type)
		child(d, c, "Tag", n.Tag)

	// Statements.
	case *ast.DeclStmt:
		d.start(depth, label, idx, "DeclStmt", n)
		d.end()
		child(d, c, "Decl", n.Decl)
	case *ast.EmptyStmt:
		d.start(depth, label, idx, "EmptyStmt", n)
		if n.Implicit {
			d.attr("implicit")
		}
		d.end()
	case *ast.LabeledStmt:
		d.start(depth, label, idx, "LabeledStmt", n)
		d.end()
		child(d, c, "Label", n.Label)
		child(d, c, "Stmt", n.Stmt)
	case *ast.ExprStmt:
		d.start(depth, label, idx, "ExprStmt", n)
		d.end()
		child(d, c, "X", n.X)
	case *ast.SendStmt:
		d.start(depth, label, idx, "SendStmt", n)
		d.end()
		child(d, c, "Chan", n.Chan)
		child(d, c, "Value", n.Value)
	case *ast.IncDecStmt:
		d.start(depth, label, idx, "IncDecStmt", n)
		d.keyAttr("op", n.Tok.String())
		d.end()
		child(d, c, "X", n.X)
	case *ast.AssignStmt:
		d.start(depth, label, idx, "AssignStmt", n)
		d.keyAttr("op", n.Tok.String())
		d.end()
		list(d, c, "Lhs", n.Lhs)
		list(d, c, "Rhs", n.Rhs)
	case *ast.GoStmt:
		d.start(depth, label, idx, "GoStmt", n)
		d.end()
		child(d, c, "Call", n.Call)
	case *ast.DeferStmt:
		d.start(depth, label, idx, "DeferStmt", n)
		d.end()
		child(d, c, "Call", n.Call)
	case *ast.ReturnStmt:
		d.start(depth, label, idx, "ReturnStmt", n)
		d.end()
		list(d, c, "Results", n.Results)
	case *ast.BranchStmt:
		d.start(depth, label, idx, "BranchStmt", n)
		d.keyAttr("op", n.Tok.String())
		d.end()
		child(d, c, "Label", n.Label)
	case *ast.BlockStmt:
		d.start(depth, label, idx, "BlockStmt", n)
		d.end()
		list(d, c, "List", n.List)
	case *ast.IfStmt:
		d.start(depth, label, idx, "IfStmt", n)
		d.end()
		child(d, c, "Init", n.Init)
		child(d, c, "Cond", n.Cond)
		child(d, c, "Body", n.Body)
		child(d, c, "Else", n.Else)
	case *ast.CaseClause:
		d.start(depth, label, idx, "CaseClause", n)
		d.end()
		list(d, c, "List", n.List)
		list(d, c, "Body", n.Body)
	case *ast.SwitchStmt:
		d.start(depth, label, idx, "SwitchStmt", n)
		d.end()
		child(d, c, "Init", n.Init)
		child(d, c, "Tag", n.Tag)
		child(d, c, "Body", n.Body)
	case *ast.TypeSwitchStmt:
		d.start(depth, label, idx, "TypeSwitchStmt", n)
		d.end()
		child(d, c, "Init", n.Init)
		child(d, c, "Assign", n.Assign)
		child(d, c, "Body", n.Body)
	case *ast.CommClause:
		d.start(depth, label, idx, "CommClause", n)
		d.end()
		child(d, c, "Comm", n.Comm)
		list(d, c, "Body", n.Body)
	case *ast.SelectStmt:
		d.start(depth, label, idx, "SelectStmt", n)
		d.end()
		child(d, c, "Body", n.Body)
	case *ast.ForStmt:
		d.start(depth, label, idx, "ForStmt", n)
		d.end()
		child(d, c, "Init", n.Init)
		child(d, c, "Cond", n.Cond)
		child(d, c, "Post", n.Post)
		child(d, c, "Body", n.Body)
	case *ast.RangeStmt:
		d.start(depth, label, idx, "RangeStmt", n)
		if n.Tok != token.ILLEGAL {
			d.keyAttr("op", n.Tok.String())
		}
		d.end()
		child(d, c, "Key", n.Key)
		child(d, c, "Value", n.Value)
		child(d, c, "X", n.X)
		child(d, c, "Body", n.Body)

	// Specifications and declarations.
	case *ast.ImportSpec:
		d.start(depth, label, idx, "ImportSpec", n)
		d.end()
		child(d, c, "Name", n.Name)
		child(d, c, "Path", n.Path)
	case *ast.ValueSpec:
		d.start(depth, label, idx, "ValueSpec", n)
		d.end()
		list(d, c, "Names", n.Names)
		child(d, c, "Type", n.Type)
		list(d, c, "Values", n.Values)
	case *ast.TypeSpec:
		d.start(depth, label, idx, "TypeSpec", n)
		if n.Assign.IsValid() {
			d.attr("alias")
		}
		d.end()
		child(d, c, "Name", n.Name)
		child(d, c, "TypeParams", n.TypeParams)
		child(d, c, "Type", n.Type)
	case *ast.GenDecl:
		d.start(depth, label, idx, "GenDecl", n)
		d.keyAttr("tok", n.Tok.String())
		d.end()
		list(d, c, "Specs", n.Specs)
	case *ast.FuncDecl:
		d.start(depth, label, idx, "FuncDecl", n)
		d.end()
		child(d, c, "Recv", n.Recv)
		child(d, c, "Name", n.Name)
		child(d, c, "Type", n.Type)
		child(d, c, "Body", n.Body)

	default:
		// Not reachable for trees built by go/parser; record it rather
		// than silently dropping a subtree.
		if d.err == nil {
			d.err = fmt.Errorf("astdump: unexpected node type %T", n)
		}
	}
}

func chanDir(dir ast.ChanDir) string {
	switch dir {
	case ast.SEND:
		return "send"
	case ast.RECV:
		return "recv"
	default:
		return "both"
	}
}
