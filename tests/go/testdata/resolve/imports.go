// Imports: /*=pkg:PATH*/ after an identifier says it is unbound and names
// the import of PATH (go_import_of); the other markers are as in scopes.go.
package imports

import (
	"context"
	ctx "context"
	. "errors"
	_ "embed"
	"gopkg.in/yaml.v3"
	"github.com/example/thing/v2"
	"github.com/example/go-widget"
	"net/http"
	"os/signal"
	"example.com/ver/v"
	"example.com/ver/v1x"
)

func aliased/*=self*/() {
	c/*=self*/, cancel/*=self*/ := ctx/*=pkg:context*/.WithCancel(context/*=pkg:context*/.Background())
	defer cancel/*=20*/()
	_ = c/*=20*/
	_ = New/*=nil*/("dot-imported")
	_ = yaml/*=pkg:gopkg.in/yaml.v3*/.Marshal
	_ = thing/*=pkg:github.com/example/thing/v2*/.New
	_ = widget/*=pkg:github.com/example/go-widget*/.New
	_ = http/*=pkg:net/http*/.Get
	_, _ = signal/*=pkg:os/signal*/.NotifyContext(ctx/*=pkg:context*/.TODO(), nil)
	_ = v/*=pkg:example.com/ver/v*/.X
	_ = v1x/*=pkg:example.com/ver/v1x*/.X
	_ = embed/*=nil*/.FS
}

func shadowed/*=self*/(context/*=self*/ string) {
	_ = context/*=34*/
	{
		ctx/*=self*/ := context/*=34*/
		_ = ctx/*=37*/.WithCancel
		http/*=self*/ := 1
		_ = http/*=39*/
	}
	_ = ctx/*=pkg:context*/.Background
	New/*=self*/ := func(string) error { return nil }
	_ = New/*=43*/("local")
}

type server/*=self*/ struct {
	context/*=self*/ context/*=pkg:context*/.Context
}

func (s/*=self*/ *server) run/*=self*/(r/*=self*/ *http/*=pkg:net/http*/.Request) {
	_ = s/*=51*/.context/*=nil*/
	_ = r/*=51*/.Context/*=nil*/()
	_ = Is/*=nil*/(nil, nil)
}
