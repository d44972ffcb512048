package bom

var x = "byte order mark at the start"
