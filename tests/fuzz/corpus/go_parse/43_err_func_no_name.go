package p

func ()
