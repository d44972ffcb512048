// Package imports shows every form of import declaration.
package imports

import "os"

import (
	"fmt"
	str "strings"
	. "math"
	_ "embed"

	"net/http" // trailing comment
)

var _ = fmt.Sprint(os.Args, str.ToUpper("x"), Pi, http.StatusOK)
