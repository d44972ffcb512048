package pkg_test

func helper() {}

func onlyInTests() {}
