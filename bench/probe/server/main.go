// server is the HTTP service of bench/probe.sh.  It prints its address and
// then its process ID on stdout (bench/probe.sh reads the process's CPU
// time by the ID).
//
// By default every request is answered with a small JSON body by a helper
// goroutine (as handlers that fan out do): almost no work per goroutine,
// the probe's worst case.  With -orders a request is an order service's
// work: a 20-line JSON order is decoded, priced line by line by a helper
// goroutine, and the priced order encoded back.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
)

type line struct {
	SKU      string  `json:"sku"`
	Quantity int     `json:"quantity"`
	Price    float64 `json:"price"`
}

type order struct {
	ID       string `json:"id"`
	Customer string `json:"customer"`
	Lines    []line `json:"lines"`
	Total    float64
}

func sampleOrder() []byte {
	o := order{ID: "ord-1", Customer: "cust-42"}
	for i := 0; i < 20; i++ {
		o.Lines = append(o.Lines, line{SKU: fmt.Sprintf("sku-%04d", i*37), Quantity: 1 + i%4})
	}
	b, _ := json.Marshal(o)
	return b
}

func priceOrder(body []byte) ([]byte, error) {
	var o order
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&o); err != nil {
		return nil, err
	}
	done := make(chan float64, 1)
	go func() {
		total := 0.0
		for i := range o.Lines {
			o.Lines[i].Price = float64(len(o.Lines[i].SKU)*7%13) + 0.99
			total += o.Lines[i].Price * float64(o.Lines[i].Quantity)
		}
		done <- total
	}()
	o.Total = <-done
	return json.Marshal(o)
}

func main() {
	orders := flag.Bool("orders", false, "do an order service's work per request")
	flag.Parse()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr().String())
	fmt.Println(os.Getpid())
	body := sampleOrder()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if *orders {
			reply, err := priceOrder(body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write(reply)
			return
		}
		ch := make(chan int, 1)
		go func() { ch <- len(r.URL.Path) }()
		fmt.Fprintf(w, "{\"n\":%d}\n", <-ch)
	})
	_ = http.Serve(ln, nil)
}
