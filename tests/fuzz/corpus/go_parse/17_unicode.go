package unicode

var 日本語 = "日本語"
var ÄÖÜ, αβγ, _x9, ThisVariableIsExported = 1, 2, 3, 4

func Δ(ε float64) float64 { return ε / 2 }

type Ω struct{ π, τ float64 }

var ǅ = 'ǅ'
