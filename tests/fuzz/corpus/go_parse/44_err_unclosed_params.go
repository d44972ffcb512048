package p

func f(
