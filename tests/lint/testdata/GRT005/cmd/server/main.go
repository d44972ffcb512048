// Command server parks main and a helper for the life of the process.
package main

import "net/http"

func serve() {
	go func() { _ = http.ListenAndServe("localhost:0", nil) }()
	select {}
}

func main() {
	go serve()
	var forever chan struct{}
	<-forever
}
