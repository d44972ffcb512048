package astdump

import (
	"bytes"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The example at the end of docs/ast-dump.md, byte for byte.
const (
	specExampleSrc = "package p\n\n// F adds.\nfunc F(a, b int) int { return a + b }\n"
	specExampleOut = `=== p.go
File 0-59
  Name: Ident 8-9 "p"
  Decls[0]: FuncDecl 22-59
    Name: Ident 27-28 "F"
    Type: FuncType 22-42
      Params: FieldList 28-38
        List[0]: Field 29-37
          Names[0]: Ident 29-30 "a"
          Names[1]: Ident 32-33 "b"
          Type: Ident 34-37 "int"
      Results: FieldList 39-42
        List[0]: Field 39-42
          Type: Ident 39-42 "int"
    Body: BlockStmt 43-59
      List[0]: ReturnStmt 45-57
        Results[0]: BinaryExpr 52-57 op=+
          X: Ident 52-53 "a"
          Y: Ident 56-57 "b"
  Comments[0]: CommentGroup 11-21
    List[0]: Comment 11-21 "// F adds."
`
)

func dumpString(t *testing.T, path, src string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := DumpSource(&buf, path, []byte(src)); err != nil {
		t.Fatalf("DumpSource(%s): %v", path, err)
	}
	return buf.String()
}

func TestSpecExample(t *testing.T) {
	if got := dumpString(t, "p.go", specExampleSrc); got != specExampleOut {
		t.Errorf("dump of the spec example differs\ngot:\n%s\nwant:\n%s", got, specExampleOut)
	}
}

func TestSpecExampleFromFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.go")
	if err := os.WriteFile(path, []byte(specExampleSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := DumpFile(&buf, path); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(specExampleOut, "=== p.go", "=== "+path, 1)
	if got := buf.String(); got != want {
		t.Errorf("DumpFile:\ngot:\n%s\nwant:\n%s", got, want)
	}
}

// nodeCases exercise every node kind of the specification (except the Bad
// nodes, which go/parser only builds for files with errors; see
// TestBadNodes). Each case lists lines that must appear, in this order,
// in the dump.
var nodeCases = []struct {
	name string
	src  string
	want []string
}{
	{
		name: "generics",
		src:  "package p\n\nfunc F[T any, U ~int | string](x T) U { return G[T, U](x) + H[T](x) }\n",
		want: []string{
			"  Decls[0]: FuncDecl 11-80",
			"    Type: FuncType 11-48",
			"      TypeParams: FieldList 17-41",
			"        List[0]: Field 18-23",
			"          Names[0]: Ident 18-19 \"T\"",
			"          Type: Ident 20-23 \"any\"",
			"        List[1]: Field 25-40",
			"          Type: BinaryExpr 27-40 op=|",
			"            X: UnaryExpr 27-31 op=~",
			"              X: Ident 28-31 \"int\"",
			"            Y: Ident 34-40 \"string\"",
			"      Params: FieldList 41-46",
			"      Results: FieldList 47-48",
			"        Results[0]: BinaryExpr 58-78 op=+",
			"          X: CallExpr 58-68",
			"            Fun: IndexListExpr 58-65",
			"              X: Ident 58-59 \"G\"",
			"              Indices[0]: Ident 60-61 \"T\"",
			"              Indices[1]: Ident 63-64 \"U\"",
			"          Y: CallExpr 71-78",
			"            Fun: IndexExpr 71-75",
			"              X: Ident 71-72 \"H\"",
			"              Index: Ident 73-74 \"T\"",
		},
	},
	{
		name: "generic type and method",
		src:  "package p\n\ntype L[T any, U comparable] struct{ a, b T `k:\"v\"`; U }\n\nfunc (l *L[T, U]) Get() T { return l.a }\n",
		want: []string{
			"  Decls[0]: GenDecl 11-66 tok=type",
			"    Specs[0]: TypeSpec 16-66",
			"      TypeParams: FieldList 17-38",
			"      Type: StructType 39-66",
			"        Fields: FieldList 45-66",
			"          List[0]: Field 47-61",
			"            Names[1]: Ident 50-51 \"b\"",
			"            Type: Ident 52-53 \"T\"",
			"            Tag: BasicLit 54-61 STRING \"`k:\\\"v\\\"`\"",
			"          List[1]: Field 63-64",
			"            Type: Ident 63-64 \"U\"",
			"  Decls[1]: FuncDecl 68-108",
			"    Recv: FieldList 73-85",
			"        Type: StarExpr 76-84",
			"          X: IndexListExpr 77-84",
			"    Name: Ident 86-89 \"Get\"",
			"    Type: FuncType 68-93",
			"          Sel: Ident 105-106 \"a\"",
		},
	},
	{
		name: "aliases",
		src:  "package p\n\ntype (\n\tA = int\n\tG[T any] = map[T]int\n\tN int\n)\n",
		want: []string{
			"  Decls[0]: GenDecl 11-57 tok=type",
			"    Specs[0]: TypeSpec 19-26 alias",
			"    Specs[1]: TypeSpec 28-48 alias",
			"      Name: Ident 28-29 \"G\"",
			"      TypeParams: FieldList 29-36",
			"      Type: MapType 39-48",
			"        Key: Ident 43-44 \"T\"",
			"        Value: Ident 45-48 \"int\"",
			"    Specs[2]: TypeSpec 50-55",
			"      Type: Ident 52-55 \"int\"",
		},
	},
	{
		name: "interfaces and channel directions",
		src:  "package p\n\ntype I interface {\n\tM(...int) (r chan<- int)\n\tfmt.Stringer\n\t~[]byte\n}\n\nvar c, d <-chan chan int\n",
		want: []string{
			"      Type: InterfaceType 18-80",
			"        Methods: FieldList 28-80",
			"          List[0]: Field 31-55",
			"            Names[0]: Ident 31-32 \"M\"",
			"            Type: FuncType 32-55",
			"                  Type: Ellipsis 33-39",
			"                    Elt: Ident 36-39 \"int\"",
			"                  Type: ChanType 44-54 dir=send",
			"          List[1]: Field 57-69",
			"            Type: SelectorExpr 57-69",
			"          List[2]: Field 71-78",
			"            Type: UnaryExpr 71-78 op=~",
			"              X: ArrayType 72-78",
			"                Elt: Ident 74-78 \"byte\"",
			"    Specs[0]: ValueSpec 86-106",
			"      Type: ChanType 91-106 dir=recv",
			"        Value: ChanType 98-106 dir=both",
		},
	},
	{
		name: "expressions",
		src: "package p\n\nvar (\n\t_ = xs[1:2:3]\n\t_ = xs[:]\n\t_ = x.(int)\n\t_ = T{1, k: 2}\n" +
			"\t_ = [...]int{}\n\t_ = func() {}\n\t_ = -x * (y) &^ *p\n\t_ = 1.5 + 2i + 'c' + 0x1F\n)\n",
		want: []string{
			"      Values[0]: SliceExpr 22-31 slice3",
			"        X: Ident 22-24 \"xs\"",
			"        Low: BasicLit 25-26 INT \"1\"",
			"        High: BasicLit 27-28 INT \"2\"",
			"        Max: BasicLit 29-30 INT \"3\"",
			"      Values[0]: SliceExpr 37-42",
			"      Values[0]: TypeAssertExpr 48-55",
			"      Values[0]: CompositeLit 61-71",
			"        Elts[1]: KeyValueExpr 66-70",
			"      Values[0]: CompositeLit 77-87",
			"        Type: ArrayType 77-85",
			"          Len: Ellipsis 78-81",
			"      Values[0]: FuncLit 93-102",
			"        Type: FuncType 93-99",
			"        Body: BlockStmt 100-102",
			"      Values[0]: BinaryExpr 108-122 op=&^",
			"        X: BinaryExpr 108-116 op=*",
			"          X: UnaryExpr 108-110 op=-",
			"          Y: ParenExpr 113-116",
			"        Y: StarExpr 120-122",
			"          X: BinaryExpr 128-136 op=+",
			"            X: BasicLit 128-131 FLOAT \"1.5\"",
			"            Y: BasicLit 134-136 IMAG \"2i\"",
			"          Y: BasicLit 139-142 CHAR \"'c'\"",
			"        Y: BasicLit 145-149 INT \"0x1F\"",
		},
	},
	{
		name: "simple statements",
		src:  "package p\n\nfunc f(xs ...int) {\n\tf(xs...)\n\tch <- 1\n\tx++\n\ty--\n\tx &^= 2\n\tgo f()\n\tdefer f()\n\tvar z int\n\t;\n\treturn\n}\n",
		want: []string{
			"      List[0]: ExprStmt 32-40",
			"        X: CallExpr 32-40 ellipsis=36",
			"          Fun: Ident 32-33 \"f\"",
			"          Args[0]: Ident 34-36 \"xs\"",
			"      List[1]: SendStmt 42-49",
			"      List[2]: IncDecStmt 51-54 op=++",
			"      List[3]: IncDecStmt 56-59 op=--",
			"      List[4]: AssignStmt 61-68 op=&^=",
			"      List[5]: GoStmt 70-76",
			"        Call: CallExpr 73-76",
			"      List[6]: DeferStmt 78-87",
			"      List[7]: DeclStmt 89-98",
			"        Decl: GenDecl 89-98 tok=var",
			"      List[8]: EmptyStmt 100-101",
			"      List[9]: ReturnStmt 103-109",
		},
	},
	{
		name: "labels and branches",
		src:  "package p\n\nfunc f() {\nL:\n\tfor i := 0; i < 3; i++ {\n\t\tcontinue L\n\t}\n\tgoto L\nM:\n}\n",
		want: []string{
			"      List[0]: LabeledStmt 22-66",
			"        Label: Ident 22-23 \"L\"",
			"        Stmt: ForStmt 26-66",
			"          Init: AssignStmt 30-36 op=:=",
			"          Cond: BinaryExpr 38-43 op=<",
			"          Post: IncDecStmt 45-48 op=++",
			"            List[0]: BranchStmt 53-63 op=continue",
			"              Label: Ident 62-63 \"L\"",
			"      List[1]: BranchStmt 68-74 op=goto",
			"      List[2]: LabeledStmt 75-78",
			"        Stmt: EmptyStmt 78-78 implicit",
		},
	},
	{
		name: "range",
		src:  "package p\n\nfunc f() {\n\tfor range xs {\n\t}\n\tfor k, v := range xs {\n\t\tbreak\n\t}\n\tfor k = range 10 {\n\t}\n}\n",
		want: []string{
			"      List[0]: RangeStmt 23-40",
			"        X: Ident 33-35 \"xs\"",
			"        Body: BlockStmt 36-40",
			"      List[1]: RangeStmt 42-75 op=:=",
			"        Key: Ident 46-47 \"k\"",
			"        Value: Ident 49-50 \"v\"",
			"        X: Ident 60-62 \"xs\"",
			"          List[0]: BranchStmt 67-72 op=break",
			"      List[2]: RangeStmt 77-98 op==",
			"        Key: Ident 81-82 \"k\"",
			"        X: BasicLit 91-93 INT \"10\"",
		},
	},
	{
		name: "switches",
		src: "package p\n\nfunc f() {\n\tswitch t := v.(type) {\n\tcase int, string:\n\tdefault:\n\t}\n" +
			"\tswitch v.(type) {\n\t}\n\tswitch x := 1; x {\n\tcase 1:\n\t\tfallthrough\n\tcase 2:\n\t}\n\tswitch {\n\t}\n}\n",
		want: []string{
			"      List[0]: TypeSwitchStmt 23-77",
			"        Assign: AssignStmt 30-43 op=:=",
			"            X: Ident 35-36 \"v\"",
			"          List[0]: CaseClause 47-64",
			"            List[0]: Ident 52-55 \"int\"",
			"            List[1]: Ident 57-63 \"string\"",
			"          List[1]: CaseClause 66-74",
			"      List[1]: TypeSwitchStmt 79-99",
			"        Assign: ExprStmt 86-94",
			"          X: TypeAssertExpr 86-94",
			"      List[2]: SwitchStmt 101-154",
			"        Init: AssignStmt 108-114 op=:=",
			"        Tag: Ident 116-117 \"x\"",
			"            Body[0]: BranchStmt 131-142 op=fallthrough",
			"      List[3]: SwitchStmt 156-167",
			"        Body: BlockStmt 163-167",
		},
	},
	{
		name: "select",
		src:  "package p\n\nfunc f() {\n\tselect {\n\tcase v := <-ch:\n\t\t_ = v\n\tcase ch <- 1:\n\tcase <-ch:\n\tdefault:\n\t}\n}\n",
		want: []string{
			"      List[0]: SelectStmt 23-96",
			"        Body: BlockStmt 30-96",
			"          List[0]: CommClause 33-56",
			"            Comm: AssignStmt 38-47 op=:=",
			"                X: Ident 45-47 \"ch\"",
			"            Body[0]: AssignStmt 51-56 op==",
			"          List[1]: CommClause 58-71",
			"            Comm: SendStmt 63-70",
			"          List[2]: CommClause 73-83",
			"            Comm: ExprStmt 78-82",
			"              X: UnaryExpr 78-82 op=<-",
			"          List[3]: CommClause 85-93",
		},
	},
	{
		name: "if else",
		src:  "package p\n\nfunc f() {\n\tif x := 1; x > 0 {\n\t} else if true {\n\t} else {\n\t}\n}\n",
		want: []string{
			"      List[0]: IfStmt 23-72",
			"        Init: AssignStmt 26-32 op=:=",
			"        Cond: BinaryExpr 34-39 op=>",
			"        Body: BlockStmt 40-44",
			"        Else: IfStmt 50-72",
			"          Cond: Ident 53-57 \"true\"",
			"          Else: BlockStmt 68-72",
		},
	},
	{
		name: "imports and constants",
		src:  "package p\n\nimport (\n\t\"fmt\"\n\tstr \"strings\"\n\t. \"os\"\n)\n\nconst k, l = 'a', iota\n",
		want: []string{
			"  Decls[0]: GenDecl 11-51 tok=import",
			"    Specs[0]: ImportSpec 21-26",
			"      Path: BasicLit 21-26 STRING \"\\\"fmt\\\"\"",
			"    Specs[1]: ImportSpec 28-41",
			"      Name: Ident 28-31 \"str\"",
			"    Specs[2]: ImportSpec 43-49",
			"      Name: Ident 43-44 \".\"",
			"  Decls[1]: GenDecl 53-75 tok=const",
			"    Specs[0]: ValueSpec 59-75",
			"      Values[0]: BasicLit 66-69 CHAR \"'a'\"",
			"      Values[1]: Ident 71-75 \"iota\"",
		},
	},
	{
		// The raw string spans 32-38 in the file, but its Value has the
		// \r removed: End() is ValueEnd, not ValuePos+len(Value).
		name: "raw string with carriage return",
		src:  "package p\n\nfunc f() {}\n\nvar s = `a\r\nb`\n",
		want: []string{
			"File 0-38",
			"      Values[0]: BasicLit 32-38 STRING \"`a\\x0ab`\"",
		},
	},
	{
		// go/scanner removes \r from comment text, and Comment.End() is
		// Slash+len(Text): one byte short of the comment's real end (34).
		name: "comments",
		src:  "// Package p.\npackage p /* a\r\nb */\n\n//go:build x\nvar c = \"\\t\x7f\xc3\xa9\" // \xc3\xa9\n\n/* tail */\n",
		want: []string{
			"File 14-64",
			"  Name: Ident 22-23 \"p\"",
			"      Values[0]: BasicLit 57-64 STRING \"\\\"\\\\t\\x7f\xc3\xa9\\\"\"",
			"  Comments[0]: CommentGroup 0-13",
			"    List[0]: Comment 0-13 \"// Package p.\"",
			"  Comments[1]: CommentGroup 24-33",
			"    List[0]: Comment 24-33 \"/* a\\x0ab */\"",
			"  Comments[2]: CommentGroup 36-48",
			"    List[0]: Comment 36-48 \"//go:build x\"",
			"  Comments[3]: CommentGroup 65-70",
			"    List[0]: Comment 65-70 \"// \xc3\xa9\"",
			"  Comments[4]: CommentGroup 72-82",
			"    List[0]: Comment 72-82 \"/* tail */\"",
		},
	},
	{
		name: "line directive does not move offsets",
		src:  "package p\n\n//line other.go:100:7\nvar x int\n",
		want: []string{
			"File 0-42",
			"  Decls[0]: GenDecl 33-42 tok=var",
			"      Type: Ident 39-42 \"int\"",
			"    List[0]: Comment 11-32 \"//line other.go:100:7\"",
		},
	},
	{
		name: "package only",
		src:  "package p\n",
		want: []string{
			"File 0-9",
			"  Name: Ident 8-9 \"p\"",
		},
	},
}

// missingLine returns the first line of want that is not found, in
// order, among lines.
func missingLine(lines, want []string) (string, bool) {
	i := 0
	for _, w := range want {
		for i < len(lines) && lines[i] != w {
			i++
		}
		if i == len(lines) {
			return w, true
		}
		i++
	}
	return "", false
}

func TestNodeKinds(t *testing.T) {
	for _, tc := range nodeCases {
		t.Run(tc.name, func(t *testing.T) {
			out := dumpString(t, "x.go", tc.src)
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if lines[0] != "=== x.go" {
				t.Fatalf("header = %q", lines[0])
			}
			if strings.HasPrefix(lines[1], "ERROR") {
				t.Fatalf("unexpected parse error: %s", lines[1])
			}
			if w, missing := missingLine(lines[1:], tc.want); missing {
				t.Errorf("line %q not found (in order) in dump:\n%s", w, out)
			}
		})
	}
}

// specKinds is the list of node kinds in the specification's table.
var specKinds = []string{
	"File", "CommentGroup", "Comment", "BadExpr", "BadStmt", "BadDecl",
	"Ident", "Ellipsis", "BasicLit", "FuncLit", "CompositeLit", "ParenExpr",
	"SelectorExpr", "IndexExpr", "IndexListExpr", "SliceExpr",
	"TypeAssertExpr", "CallExpr", "StarExpr", "UnaryExpr", "BinaryExpr",
	"KeyValueExpr", "ArrayType", "StructType", "FuncType", "InterfaceType",
	"MapType", "ChanType", "FieldList", "Field", "DeclStmt", "EmptyStmt",
	"LabeledStmt", "ExprStmt", "SendStmt", "IncDecStmt", "AssignStmt",
	"GoStmt", "DeferStmt", "ReturnStmt", "BranchStmt", "BlockStmt", "IfStmt",
	"CaseClause", "SwitchStmt", "TypeSwitchStmt", "CommClause", "SelectStmt",
	"ForStmt", "RangeStmt", "ImportSpec", "ValueSpec", "TypeSpec", "GenDecl",
	"FuncDecl",
}

// kindOf returns the Kind of a dump line.
func kindOf(line string) string {
	s := strings.TrimLeft(line, " ")
	if i := strings.Index(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	kind, _, _ := strings.Cut(s, " ")
	return kind
}

func TestAllKindsCovered(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range nodeCases {
		for line := range strings.SplitSeq(dumpString(t, "x.go", tc.src), "\n") {
			seen[kindOf(line)] = true
		}
	}
	var buf bytes.Buffer
	fset, f := badFile()
	if err := Write(&buf, fset, f); err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(buf.String(), "\n") {
		seen[kindOf(line)] = true
	}
	for _, k := range specKinds {
		if !seen[k] {
			t.Errorf("node kind %s is not covered by the test cases", k)
		}
	}
}

// badFile builds a tree with the Bad nodes, which go/parser only produces
// for files with syntax errors (and those are dumped as ERROR lines).
func badFile() (*token.FileSet, *ast.File) {
	fset := token.NewFileSet()
	tf := fset.AddFile("bad.go", -1, 40)
	b := token.Pos(tf.Base())
	f := &ast.File{
		FileStart: b,
		FileEnd:   b + 40,
		Package:   b,
		Name:      &ast.Ident{NamePos: b + 8, Name: "p"},
		Decls: []ast.Decl{
			&ast.BadDecl{From: b + 10, To: b + 12},
			&ast.FuncDecl{
				Name: &ast.Ident{NamePos: b + 18, Name: "f"},
				Type: &ast.FuncType{Func: b + 13, Params: &ast.FieldList{Opening: b + 19, Closing: b + 20}},
				Body: &ast.BlockStmt{Lbrace: b + 22, Rbrace: b + 38, List: []ast.Stmt{
					&ast.BadStmt{From: b + 24, To: b + 26},
					&ast.ExprStmt{X: &ast.BadExpr{From: b + 27, To: b + 30}},
				}},
			},
		},
	}
	return fset, f
}

func TestBadNodes(t *testing.T) {
	fset, f := badFile()
	var buf bytes.Buffer
	if err := Write(&buf, fset, f); err != nil {
		t.Fatal(err)
	}
	want := `File 0-39
  Name: Ident 8-9 "p"
  Decls[0]: BadDecl 10-12
  Decls[1]: FuncDecl 13-39
    Name: Ident 18-19 "f"
    Type: FuncType 13-21
      Params: FieldList 19-21
    Body: BlockStmt 22-39
      List[0]: BadStmt 24-26
      List[1]: ExprStmt 27-30
        X: BadExpr 27-30
`
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestInvalidPositions(t *testing.T) {
	// A FieldList with neither parentheses nor fields has no position.
	fset := token.NewFileSet()
	tf := fset.AddFile("x.go", -1, 20)
	b := token.Pos(tf.Base())
	f := &ast.File{
		FileStart: b,
		Package:   b,
		Name:      &ast.Ident{NamePos: b + 8, Name: "p"},
		Decls: []ast.Decl{&ast.FuncDecl{
			Name: &ast.Ident{NamePos: b + 15, Name: "f"},
			Type: &ast.FuncType{Func: b + 10, Params: &ast.FieldList{}},
		}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, fset, f); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\n      Params: FieldList ---\n") {
		t.Errorf("invalid positions not printed as '-':\n%s", buf.String())
	}
}

func TestAppendQuoted(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"abc", `"abc"`},
		{`a\b`, `"a\\b"`},
		{`say "hi"`, `"say \"hi\""`},
		{"\x00\x01\t\n\r\x1f", `"\x00\x01\x09\x0a\x0d\x1f"`},
		{" ~\x7f", `" ~\x7f"`},
		{"é世\xff\xfe\x80", "\"é世\xff\xfe\x80\""},
		{"`raw\\n`", "\"`raw\\\\n`\""},
	}
	for _, tt := range tests {
		if got := string(AppendQuoted(nil, tt.in)); got != tt.want {
			t.Errorf("AppendQuoted(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{
			// go/token has no line starting at EOF, so an error at EOF
			// is at the end of the last line.
			name: "missing operand",
			src:  "package p\nvar x = \n",
			want: "=== e.go\nERROR 2:10: expected operand, found 'EOF'\n",
		},
		{
			// The position ignores //line directives, like the offsets.
			name: "line directive",
			src:  "package p\n//line foo.go:100:5\nfunc {\n}\n",
			want: "=== e.go\nERROR 3:6: expected 'IDENT', found '{'\n",
		},
		{
			name: "first of several errors",
			src:  "package p\nvar = 1\nfunc {\n",
			want: "=== e.go\nERROR 2:5: expected 'IDENT', found '='\n",
		},
		{
			name: "no package clause",
			src:  "",
			want: "=== e.go\nERROR 1:1: expected 'package', found 'EOF'\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dumpString(t, "e.go", tt.src); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "missing.go")
	var buf bytes.Buffer
	if err := DumpFile(&buf, path); err != nil {
		t.Fatal(err)
	}
	want := "=== " + path + "\nERROR 0:0: open " + path + ": no such file or directory\n"
	if got := buf.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestWriteError(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", specExampleSrc, Mode)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(failWriter{}, fset, f); !errors.Is(err, errFail) {
		t.Errorf("Write error = %v, want %v", err, errFail)
	}
	if err := DumpSource(failWriter{}, "p.go", []byte(specExampleSrc)); !errors.Is(err, errFail) {
		t.Errorf("DumpSource error = %v, want %v", err, errFail)
	}
}

var errFail = errors.New("write failed")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errFail }

// refDump is an independent, reflection-based rendering of the structure
// of the dump (indentation, labels, kinds and positions, without the
// attributes). It checks that the type switch visits exactly the children
// go/ast declares, in field order.
func refDump(fset *token.FileSet, f *ast.File) []string {
	base := fset.File(f.FileStart).Base()
	pos := func(p token.Pos) string {
		if !p.IsValid() {
			return "-"
		}
		return strconv.Itoa(int(p) - base)
	}
	nodeType := reflect.TypeFor[ast.Node]()
	var out []string
	var walk func(depth int, label string, n ast.Node)
	walk = func(depth int, label string, n ast.Node) {
		v := reflect.ValueOf(n)
		prefix := strings.Repeat("  ", depth)
		if label != "" {
			prefix += label + ": "
		}
		out = append(out, prefix+v.Elem().Type().Name()+" "+pos(n.Pos())+"-"+pos(n.End()))
		st := v.Elem()
		for i := 0; i < st.NumField(); i++ {
			sf := st.Type().Field(i)
			switch sf.Name {
			case "Doc", "Comment", "Imports":
				continue
			}
			fv := st.Field(i)
			switch {
			case fv.Kind() == reflect.Slice && fv.Type().Elem().Implements(nodeType):
				for j := 0; j < fv.Len(); j++ {
					if e := fv.Index(j); !e.IsNil() {
						walk(depth+1, sf.Name+"["+strconv.Itoa(j)+"]", e.Interface().(ast.Node))
					}
				}
			case (fv.Kind() == reflect.Pointer || fv.Kind() == reflect.Interface) && fv.Type().Implements(nodeType):
				if !fv.IsNil() {
					walk(depth+1, sf.Name, fv.Interface().(ast.Node))
				}
			}
		}
	}
	walk(0, "", f)
	return out
}

// stripAttrs removes the attributes from dump lines.
func stripAttrs(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		indent := len(l) - len(strings.TrimLeft(l, " "))
		rest := l[indent:]
		head := ""
		if i := strings.Index(rest, ": "); i >= 0 && !strings.HasPrefix(rest, "File ") {
			head, rest = rest[:i+2], rest[i+2:]
		}
		fields := strings.SplitN(rest, " ", 3)
		out[i] = l[:indent] + head + fields[0] + " " + fields[1]
	}
	return out
}

func checkAgainstReflection(t *testing.T, path string, src []byte) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, Mode)
	if err != nil {
		return // dumped as ERROR; nothing to compare
	}
	var buf bytes.Buffer
	if err := Write(&buf, fset, f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	got := stripAttrs(strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n"))
	want := refDump(fset, f)
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("%s: line %d: dump %q, reflection %q", path, i+1, g, w)
			return
		}
	}
}

func TestMatchesReflection(t *testing.T) {
	checkAgainstReflection(t, "p.go", []byte(specExampleSrc))
	for _, tc := range nodeCases {
		checkAgainstReflection(t, tc.name, []byte(tc.src))
	}
	if testing.Short() {
		return
	}
	// A larger corpus: the go/* packages of the installed Go tree.
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("go env GOROOT: %v", err)
	}
	root := filepath.Join(strings.TrimSpace(string(out)), "src", "go")
	n := 0
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checkAgainstReflection(t, path, src)
		n++
		return nil
	})
	if err != nil {
		t.Skipf("GOROOT source not available: %v", err)
	}
	t.Logf("checked %d files under %s", n, root)
}
