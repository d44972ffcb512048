package brokenchain

import (
	. "context"
)

// ---- positive case: the context package dot-imported -----------------------

// Background() with no qualifier still is the context package's.
func dotImported(ctx Context) {
	notify(Background(), "dot") // want "Background[(][)] drops the cancellation of ctx [(]parameter of dotImported[)]: pass ctx, or WithoutCancel[(]ctx[)]"
}
