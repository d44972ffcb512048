package deep

var x = ((((((((((((((((((((1))))))))))))))))))))
var y = [][][][][][][][][][]int{{{{{{{{{{1}}}}}}}}}}
var z = func() func() func() func() int {
	return func() func() func() int {
		return func() func() int {
			return func() int {
				if true {
					if true {
						if true {
							for {
								switch {
								default:
									return 1
								}
							}
						}
					}
				}
				return 0
			}
		}
	}
}
