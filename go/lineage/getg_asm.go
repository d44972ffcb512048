//go:build amd64 || arm64

package lineage

import "unsafe"

func getg() unsafe.Pointer

const haveGetg = true
