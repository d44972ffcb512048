package broken

var x = 1 +* 2
var y = 'ab'
var z = "unterminated
var w = 0x
var v = 09
var u = 1e
var t = '\q'
var s = @
