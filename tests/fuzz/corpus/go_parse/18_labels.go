package labels

func f(n int) {
L1:
	for i := 0; i < n; i++ {
	L2:
		switch {
		case i > 5:
			break L1
		case i > 3:
			break L2
		}
		select {
		default:
			continue L1
		}
	}
	goto L3
L3:
	;
L4:
	{
		goto L4
	}
empty:
}
