package stmts

import "errors"

func all(ch chan int, xs []int, m map[string]int) (n int, err error) {
	var a, b = 1, 2
	const c = 3
	type local struct{ x int }
	a, b = b, a
	a += c
	b -= 1
	a *= 2
	a /= 2
	a %= 7
	a &= 0xff
	a |= 1
	a ^= 2
	a <<= 1
	a >>= 1
	a &^= 4
	a++
	b--
	_ = local{x: a}
	ch <- a
	v := <-ch
	v, ok := <-ch
	_ = ok

	if v > 0 {
		n++
	} else if v < 0 {
		n--
	} else {
		n = 0
	}
	if x := v * 2; x > 10 {
		return x, nil
	}

	switch {
	case a > b:
		fallthrough
	case a == b:
		n++
	default:
	}
	switch x := a; x {
	case 1, 2, 3:
		break
	case 4:
	}

	for {
		break
	}
	for i := 0; i < 10; i++ {
		if i%2 == 0 {
			continue
		}
	}
	for a < b {
		a++
	}
	for i := range 10 {
		_ = i
	}
	for range xs {
	}
	for k, v := range m {
		_, _ = k, v
	}
	for _, x := range xs {
		n += x
	}

outer:
	for i := range xs {
		for j := range xs {
			if i == j {
				continue outer
			}
			if j > i {
				break outer
			}
		}
	}

	goto done
done:
	select {
	case x := <-ch:
		n += x
	case ch <- 1:
	case <-ch:
	default:
	}

	defer func() { recover() }()
	go func(x int) { ch <- x }(n)
	{
		;
	}
	if n < 0 {
		panic(errors.New("negative"))
	}
	return n, err
}
