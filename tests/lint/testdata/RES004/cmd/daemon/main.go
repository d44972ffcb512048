// Command daemon re-arms a job in main: the chain lives as long as the
// program, on purpose.
package main

import "time"

func main() {
	var tick func()
	tick = func() {
		println("tick")
		time.AfterFunc(time.Second, tick)
	}
	tick()
	select {}
}
