// leaky starts goroutines from known lines: some finish, and leakN of them
// block forever on a channel receive (and, when asked, others in a select
// and on a locked mutex: other wait reasons; with -child it then runs a
// child program, for -p's following of children, or with -exec becomes
// another).  The probe tests build it
// plain, stripped and PIE and check what leakscope reads and reports.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

func blockForever(ch chan int) {
	<-ch
}

func blockInSelect(a, b chan int) {
	select {
	case <-a:
	case <-b:
	}
}

func blockOnMutex(mu *sync.Mutex) {
	mu.Lock()
}

func work(wg *sync.WaitGroup) {
	defer wg.Done()
	time.Sleep(time.Millisecond)
}

func main() {
	leakN := flag.Int("leak", 3, "goroutines that never end")
	doneN := flag.Int("done", 5, "goroutines that end")
	selectN := flag.Int("leak-select", 0, "goroutines that block forever in a select")
	mutexN := flag.Int("leak-mutex", 0, "goroutines that block forever on a locked mutex")
	hold := flag.Duration("hold", 200*time.Millisecond, "time to stay alive after starting them")
	delay := flag.Duration("delay", 0, "time to wait before starting them")
	child := flag.String("child", "", "after the hold, run this program with -leak 2 -done 1 and wait for it")
	replace := flag.String("exec", "", "after the hold, become this program (execve) with -leak 2 -done 1")
	flag.Parse()
	time.Sleep(*delay)

	never := make(chan int)
	for i := 0; i < *leakN; i++ {
		go blockForever(never) // LEAK-SITE
	}
	for i := 0; i < *selectN; i++ {
		go blockInSelect(never, never) // SELECT-SITE
	}
	var mu sync.Mutex
	if *mutexN > 0 {
		mu.Lock()
	}
	for i := 0; i < *mutexN; i++ {
		go blockOnMutex(&mu) // MUTEX-SITE
	}
	var wg sync.WaitGroup
	for i := 0; i < *doneN; i++ {
		wg.Add(1)
		go work(&wg) // DONE-SITE
	}
	wg.Wait()
	time.Sleep(*hold)
	if *child != "" {
		cmd := exec.Command(*child, "-leak", "2", "-done", "1", "-hold", "100ms")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
	}
	fmt.Println("leaked", *leakN, "finished", *doneN)
	if *replace != "" {
		err := syscall.Exec(*replace, []string{*replace, "-leak", "2", "-done", "1", "-hold", "100ms"}, os.Environ())
		fmt.Fprintln(os.Stderr, "exec:", err)
		os.Exit(1)
	}
}
