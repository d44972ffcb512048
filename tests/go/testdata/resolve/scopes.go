// Scopes: every /*=WHERE*/ comment right after an identifier says what
// go_resolve must bind it to: /*=self*/ a declaration, /*=nil*/ nothing,
// /*=LINE*/ or /*=LINE:COL*/ the declaring identifier of the same name there.
package scopes

import (
	"errors"
	"fmt"
)

const limit/*=self*/ = 10

var counter/*=self*/ int

type node/*=self*/ struct {
	next/*=self*/ *node/*=15*/
	val/*=self*/ int/*=nil*/
}

// Package names are visible before their declaration.
func usesLater/*=self*/() int/*=nil*/ { return later/*=25*/ + limit/*=11*/ }

func init/*=self*/() { counter/*=13*/++ }

var later/*=self*/ = 1

func shadowing/*=self*/(x/*=self*/ int) int {
	y/*=self*/ := x/*=27*/
	{
		x/*=self*/ := y/*=28*/ + 1
		y/*=28*/ = x/*=30*/
		{
			var x/*=self*/ = x/*=30*/ * 2
			_ = x/*=33*/
		}
		_ = x/*=30*/
	}
	return x/*=27*/ + y/*=28*/
}

func selfInit/*=self*/() {
	x/*=self*/ := 1
	{
		x/*=self*/ := x/*=42*/ + 1
		_ = x/*=44*/
		var y/*=self*/, z/*=self*/ = z/*=nil*/, y/*=nil*/
		_, _ = y/*=46:7*/, z/*=46:19*/
	}
}

func redeclare/*=self*/(f/*=self*/ func() (int, error/*=nil*/)) error {
	a/*=self*/, err/*=self*/ := f/*=51*/()
	b/*=self*/, err/*=52*/ := f/*=51*/()
	if a/*=52*/ > b/*=53*/ {
		c/*=self*/, err/*=self*/ := f/*=51*/()
		_ = c/*=55*/
		return err/*=55*/
	}
	_/*=nil*/, err/*=52*/ = f/*=51*/()
	return err/*=52*/
}

func initScopes/*=self*/(v/*=self*/ any/*=nil*/) {
	if n/*=self*/, ok/*=self*/ := v/*=63*/.(int); ok/*=64*/ {
		_ = n/*=64*/
	} else if m/*=self*/ := n/*=64*/ + 1; m/*=66*/ > 0 {
		_ = ok/*=64*/
	} else {
		_ = m/*=66*/
	}
	switch s/*=self*/ := fmt/*=nil*/.Sprint/*=nil*/(v/*=63*/); s/*=71*/ {
	case "a":
		s/*=self*/ := 1
		_ = s/*=73*/
	default:
		_ = s/*=71*/
	}
	for i/*=self*/ := 0; i/*=78*/ < 3; i/*=78*/++ {
		i/*=self*/ := i/*=78*/
		_ = i/*=79*/
	}
	for k/*=self*/, e/*=self*/ := range []int{1} {
		_, _ = k/*=82*/, e/*=82*/
	}
	var k/*=self*/ int
	for k/*=85*/ = range []int{1} {
	}
	for range 3 {
	}
}

func typeSwitch/*=self*/(x/*=self*/ any) int {
	switch x/*=self*/ := x/*=92*/.(type) {
	case int/*=nil*/:
		return x/*=93*/
	case string, error:
		return len/*=nil*/(fmt.Sprint(x/*=93*/))
	case nil:
		_ = x/*=93*/
	}
	switch y/*=self*/ := x/*=92*/.(type) {
	case y/*=nil*/:
	}
	return 0
}

func labels/*=self*/() {
outer/*=self*/:
	for i := 0; i < 3; i++ {
		var outer/*=self*/ int
		_ = outer/*=110*/
		for {
			if i == 1 {
				continue outer/*=108*/
			}
			goto done/*=120*/
		}
		break outer/*=108*/
	}
done/*=self*/:
	f := func() {
	done/*=self*/:
		goto done/*=122*/
	}
	f()
}

type pair/*=self*/[K/*=self*/ comparable/*=nil*/, V/*=self*/ any] struct {
	key/*=self*/ K/*=128:20*/
	val/*=self*/ V/*=128:51*/
}

func (p/*=self*/ *pair/*=128*/[K/*=self*/, V/*=self*/]) Key/*=self*/() K/*=133:32*/ {
	var zero/*=self*/ V/*=133:44*/
	_ = zero/*=134*/
	return p/*=133*/.key/*=nil*/
}

func (pair/*=128*/) unnamed/*=self*/() {}

func mapKeys/*=self*/[T/*=self*/ interface{ ~int/*=nil*/ | ~string }, S/*=self*/ ~[]T/*=141:23*/](s/*=self*/ S/*=141:71*/, t/*=self*/ T/*=141:23*/) T {
	for _, v/*=self*/ := range s/*=141:99*/ {
		return v/*=142*/
	}
	return t/*=141:124*/
}

type list/*=self*/ struct{ head/*=self*/ *node/*=15*/ }

func literals/*=self*/() {
	head/*=self*/ := &node{}
	next/*=self*/ := 2
	_ = node/*=15*/{next/*=nil*/: head/*=151*/, val/*=nil*/: next/*=152*/}
	_ = list{head/*=nil*/: head/*=151*/}
	_ = map[int]int{next/*=152*/: next/*=152*/}
	_ = []int{next/*=152*/: 1}
	_ = [...]int{next/*=152*/: 2}
	_ = []node{{next/*=nil*/: head/*=151*/}}
	_ = map[int][]int{next/*=152*/: {next/*=152*/: 3}}
	_ = []*list{{head/*=nil*/: nil}}
	_ = struct{ x/*=self*/ int }{x/*=nil*/: next/*=152*/}
	_ = head/*=151*/.next/*=nil*/.val/*=nil*/
	_ = errors/*=nil*/.New
}

func funcTypes/*=self*/(cb/*=self*/ func(n/*=self*/ int) (m/*=self*/ int)) {
	var g/*=self*/ func(cb/*=self*/ int) = nil
	_ = g/*=167*/
	_ = cb/*=166*/
	_ = func(x/*=self*/ int) int { return x/*=170*/ }
}

func blank/*=self*/(_/*=nil*/ int) {
	_/*=nil*/ := 1
	var _/*=nil*/ = 2
}

func localTypes/*=self*/() {
	type t/*=self*/ struct{ next/*=self*/ *t/*=179*/ }
	const c/*=self*/ = 1
	var x/*=self*/ t/*=179*/
	_ = x/*=181*/.next
	_ = c/*=180*/
	nil/*=self*/ := 1
	_ = nil/*=184*/
}

func selectStmt/*=self*/(ch/*=self*/ chan int) {
	select {
	case v/*=self*/, ok/*=self*/ := <-ch/*=188*/:
		_, _ = v/*=190*/, ok/*=190*/
	case ch/*=188*/ <- 1:
	default:
	}
}

// The receiver's base type is the package's T, not the type parameter.
type gen/*=self*/[gen/*=self*/ any] struct{}

func (gen/*=198*/[gen/*=self*/]) m/*=self*/(x/*=self*/ gen/*=200:19*/) {}
