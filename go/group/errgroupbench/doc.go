// Package errgroupbench compares the cost of [group.Group] with
// golang.org/x/sync/errgroup. It is a module of its own so that the core
// module keeps to the standard library; it holds benchmarks and a test that
// both packages agree on the basic behaviour, nothing to import.
//
//	cd go/group/errgroupbench && go test -run '^$' -bench . -benchmem
package errgroupbench
