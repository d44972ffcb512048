// Every suppression form the engine honours; a finding that one of them
// drops would fail this test as unexpected, one it keeps has a want.
package suppress

func f() {
	panic(1) //leakscope:ignore TST001 testing the ID on the same line
	panic(2) //leakscope:ignore panic-call the name works too
	panic(3) //leakscope:ignore tst001 IDs are case-insensitive
	//leakscope:ignore OTHER1,TST001 the line before, in a list
	panic(4)
	panic(5) //nolint:leakscope
	panic(6) //nolint:leakscope // with a reason
	panic(7) //nolint:errcheck,leakscope,govet
	panic(8) //nolint
	panic(9) //nolint // reason
	panic(10) //nolint:all
	//nolint:leakscope
	panic(11)
	panic(12) //nolint:TST001

	panic(20) //leakscope:ignore OTHER1 another rule // want "call to panic"
	panic(21) //nolint:errcheck // want "call to panic"
	panic(22) //nolintfoo // want "call to panic"
	panic(23) // leakscope:ignore TST001 the directive has no space after the slashes // want "call to panic"
	//leakscope:ignore TST001 two lines above does not count

	panic(24) // want "call to panic"
	panic(26) //nolint:leakscope a directive after code covers its own line only
	panic(27) // want "call to panic"
	panic(25) //leakscope:ignore // want "call to panic"
}
