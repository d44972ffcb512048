// Labels, goto and labelled break and continue.
package labels

func f() {
outer:
	for i := 0; i < 10; i++ {
		for j := 0; j < 10; j++ {
			if j == 3 {
				continue outer
			}
			if i == j {
				break outer
			}
		}
	}
	goto done
done:
	return
}
