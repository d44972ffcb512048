package broken

var s = `raw string
that never ends
