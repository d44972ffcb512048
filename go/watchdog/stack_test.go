package watchdog

import (
	"os"
	"strings"
	"testing"
)

// Vectors computed with libxxhash (XXH64, seed 0), the library the C tools
// use; the last group hashes bytes (i*7+3) mod 256 for i < n, to cover
// every tail length and the 32-byte stripe loop.
func TestXXH64Vectors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
	}{
		{"", 0xef46db3751d8e999},
		{"a", 0xd24ec4f1a98c6e5b},
		{"abc", 0x44bc2cf5ad770999},
		{"Nobody inspects the spammish repetition", 0xfbcea83c8a378bf1},
	} {
		if got := xxh64([]byte(tc.in)); got != tc.want {
			t.Errorf("xxh64(%q) = %016x, want %016x", tc.in, got, tc.want)
		}
	}
	pattern := make([]byte, 256)
	for i := range pattern {
		pattern[i] = byte(i*7 + 3)
	}
	for _, tc := range []struct {
		n    int
		want uint64
	}{
		{1, 0x1f25c8d0bc1f4bb6}, {3, 0x31d2363f52e564c9}, {4, 0x9bb64b7d66ee9fda},
		{7, 0x9a7b149959ce60d8}, {8, 0xdab99d95c6f90092}, {9, 0x170bb6bf975b4c02},
		{15, 0x1b47cb8243cc8e32}, {16, 0x434850232b787be2}, {31, 0xa2aa5f33cc4a6119},
		{32, 0x23c3c17ef790fd97}, {33, 0x50a7cfc7ba588784}, {63, 0x5e3e54b431c7493c},
		{64, 0x0eb64b3ef6eeb01f}, {65, 0xa383b724b2bd12f1}, {100, 0xa61f8d4c170fe531},
		{255, 0x39ae55a29989206f}, {256, 0x00cfc5207dd8e201},
	} {
		if got := xxh64(pattern[:tc.n]); got != tc.want {
			t.Errorf("xxh64(pattern[:%d]) = %016x, want %016x", tc.n, got, tc.want)
		}
	}
}

// The vectors of docs/dump-buckets.md: the example stack as a
// GOTRACEBACK=system traceback shows it (runtime frames left out of the ID),
// a runtime worker, and the empty stack (the IDs computed with libxxhash
// from the same bytes, and checked by tests/dump/test_buckets.c on the C side).
func TestDocExampleID(t *testing.T) {
	frames := []Frame{
		{"runtime.gopark", "/usr/local/go/src/runtime/proc.go", 460},
		{"runtime.chansend", "/usr/local/go/src/runtime/chan.go", 283},
		{"runtime.chansend1", "/usr/local/go/src/runtime/chan.go", 161},
		{"main.lookup.func1", "/src/app/main.go", 21},
		{"runtime.goexit", "/usr/local/go/src/runtime/asm_amd64.s", 1700},
	}
	const text = "main.lookup.func1 /src/app/main.go:21\n"
	if got := string(appendNormalized(nil, frames, false)); got != text {
		t.Fatalf("normalized:\n%s\nwant:\n%s", got, text)
	}
	if id := FormatID(StackID(frames, false)); id != "df0d811f5b9258a2" {
		t.Fatalf("ID %s, want df0d811f5b9258a2", id)
	}
	// A profile shows the same goroutine without the runtime frames on top.
	if id := FormatID(StackID(frames[3:], false)); id != "df0d811f5b9258a2" {
		t.Fatalf("profile-style ID %s, want df0d811f5b9258a2", id)
	}
	if got := string(appendNormalized(nil, frames, true)); got != "main.lookup.func1\n" {
		t.Fatalf("func grouping: %q", got)
	}
	if id := FormatID(StackID(frames, true)); id != "65e44acfd2f6b405" {
		t.Fatalf("func grouping ID %s, want 65e44acfd2f6b405", id)
	}
	worker := []Frame{{Func: "runtime.gopark"}, {Func: "runtime.bgsweep"}, {Func: "runtime.goexit"}}
	if id := FormatID(StackID(worker, true)); id != "cd68fd095909b424" {
		t.Fatalf("runtime worker ID %s, want cd68fd095909b424", id)
	}
	if id := FormatID(StackID(nil, false)); id != "ef46db3751d8e999" {
		t.Fatalf("empty stack ID %s, want ef46db3751d8e999", id)
	}
	if got := string(appendNormalized(nil, []Frame{{Func: "?"}}, false)); got != "? ?:0\n" {
		t.Fatalf("unknown frame: %q", got)
	}
}

// testdata/chansend.debug1 and .debug2 are the debug=1 and debug=2 goroutine
// profiles of testdata/chansend/main.go, one after the other: the goroutine
// blocked sending has the same ID in both.
func TestDebug1AndDebug2AgreeOnIDs(t *testing.T) {
	d1, err := os.ReadFile("testdata/chansend.debug1")
	if err != nil {
		t.Fatal(err)
	}
	d2, err := os.ReadFile("testdata/chansend.debug2")
	if err != nil {
		t.Fatal(err)
	}
	ids1 := map[uint64]int{}
	total := 0
	err = parseDebug1(d1, func(rec *profileStack) {
		ids1[StackID(rec.frames, false)] += rec.count
		total += rec.count
		if len(rec.pcs) == 0 {
			t.Error("record without PCs")
		}
	})
	if err != nil || total != 2 || len(ids1) != 2 {
		t.Fatalf("debug=1: err %v, %d goroutines in %d buckets, want 2 in 2", err, total, len(ids1))
	}
	sender := []Frame{{"main.lookup.func1", "/tmp/gp/main.go", 9}}
	senderID := StackID(sender, false)
	if ids1[senderID] != 1 {
		t.Fatalf("debug=1 has no bucket %s for the sender", FormatID(senderID))
	}
	found := false
	parseDebug2(d2, func(tb *traceback) {
		if StackID(tb.frames, false) != senderID {
			return
		}
		found = true
		want := Frame{"main.lookup", "/tmp/gp/main.go", 9}
		if !tb.hasCreate || tb.createdBy != want {
			t.Errorf("created by %+v, want %+v", tb.createdBy, want)
		}
	})
	if !found {
		t.Fatal("debug=2 has no goroutine with the sender's ID")
	}
}

func TestParseDebug1Errors(t *testing.T) {
	for _, in := range []string{
		"#\t0x1\tmain.f+0x1\t/a.go:1\n", // frame before a record
		"x @ 0x1\n",                     // bad count
		"1 @ 0xzz\n",                    // bad PC
		"1 @ 0x1\n#\t0x1\tmain.f+0x1\t/a.go:one\n", // bad line number
	} {
		if err := parseDebug1([]byte(in), func(*profileStack) {}); err == nil {
			t.Errorf("parseDebug1(%q) accepted", in)
		} else if !strings.Contains(err.Error(), "line ") {
			t.Errorf("error %q does not name the line", err)
		}
	}
}

func TestStripArgs(t *testing.T) {
	for in, want := range map[string]string{
		"main.main()":                          "main.main",
		"main.(*T).run(0xc000010000, 0x1)":     "main.(*T).run",
		"main.Map[...](...)":                   "main.Map[...]",
		"main.f({0x514948?, 0x367dfd022040?})": "main.f",
		"main.noargs":                          "main.noargs",
	} {
		if got := stripArgs(in); got != want {
			t.Errorf("stripArgs(%q) = %q, want %q", in, got, want)
		}
	}
}
