package semi; import "fmt"; type T struct{ a int; b string }; func f() { x := 1; y := 2; fmt.Println(x, y); if x < y { return }; for i := 0; i < 3; i++ { } }; var v = T{1, "a"}; const c = 1
