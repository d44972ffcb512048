package prommetrics_test

import (
	"context"
	"fmt"
	"time"

	"github.com/leakscope/leakscope/go/breaker"
	"github.com/leakscope/leakscope/go/breaker/prommetrics"
	"github.com/prometheus/client_golang/prometheus"
)

func Example() {
	reg := prometheus.NewRegistry() // or prometheus.DefaultRegisterer, served by promhttp
	obs, err := prommetrics.New(reg, "payments")
	if err != nil {
		panic(err)
	}
	b := breaker.New(breaker.Config{Observer: obs})

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err = b.Do(ctx, func(ctx context.Context) error { return nil })
	fmt.Println(err)
	// Output: <nil>
}
