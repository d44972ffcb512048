package res003

import (
	"context"
	"io"
	"net/http"
)

// deferAfterCheck is the idiom: defer Close after the error check.
func deferAfterCheck(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// deferClosure closes in a deferred closure and ignores the error.
func deferClosure(ctx context.Context, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	return nil
}

// drainAndClose drains the body so the connection is reused, then closes.
func drainAndClose(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

// drain closes a response; callers hand theirs over.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// helperCloses passes the response to a helper that closes it.
func helperCloses(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	drain(resp)
	return nil
}

// returned hands the response to the caller, who must close it.
func returned(c *http.Client, req *http.Request) (*http.Response, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 500 {
		resp.Body.Close()
		return nil, errStatus
	}
	return resp, nil
}

// namedResult returns the response through a named result.
func namedResult(u string) (resp *http.Response, err error) {
	resp, err = http.Get(u)
	if err != nil {
		return
	}
	return
}

// conn keeps an upgraded connection's response, like a websocket dialer.
type conn struct {
	resp *http.Response
}

// upgrade stores the response in a struct: it lives on.
func upgrade(req *http.Request) (*conn, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	c := &conn{}
	c.resp = resp
	return c, nil
}

// closeInAllArms closes in every arm of a switch.
func closeInAllArms(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	switch {
	case resp.StatusCode < 300:
		resp.Body.Close()
		return nil
	default:
		resp.Body.Close()
		return errStatus
	}
}

// fetcher has some Get method that is not an http client's.
type fetcher struct{}

// Get returns a response the caller does not own.
func (fetcher) Get(string) (*http.Response, error) { return nil, nil }

// unknownReceiver calls Get on something that is not known to be a client:
// no types, so no finding.
func unknownReceiver(f fetcher, u string) int {
	resp, err := f.Get(u)
	if err != nil {
		return 0
	}
	return resp.StatusCode
}

// nilCheck closes when the response exists, whatever err says.
func nilCheck(u string) {
	resp, err := http.Get(u)
	if resp != nil {
		defer resp.Body.Close()
	}
	if err != nil {
		return
	}
}

// sent passes the response on a channel to whoever closes it.
func sent(u string, out chan<- *http.Response) {
	resp, err := http.Get(u)
	if err != nil {
		return
	}
	out <- resp
}

// exits ends the program when the request fails, closes otherwise.
func exits(u string) {
	resp, err := http.Get(u)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
}

// closedBody keeps the body in another variable and closes that.
func closedBody(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	body := resp.Body
	defer body.Close()
	return nil
}

// goroutineCloses hands the response to a goroutine that closes it.
func goroutineCloses(u string) {
	resp, err := http.Get(u)
	if err != nil {
		return
	}
	go func() {
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
	}()
}

// retry closes every response it does not keep.
func retry(u string) (*http.Response, error) {
	for i := 0; ; i++ {
		resp, err := http.Get(u)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusServiceUnavailable && i < 3 {
			resp.Body.Close()
			continue
		}
		return resp, nil
	}
}

// expectFailure discards a response it expects never to get: the request
// must fail, so there is no body.
func expectFailure(u string) bool {
	_, err := http.Get(u)
	if err == nil {
		return false
	}
	return true
}

// switchOnErr checks the error in a tagless switch.
func switchOnErr(u string) error {
	resp, err := http.Get(u)
	switch {
	case err != nil:
		return err
	case resp.StatusCode != http.StatusOK:
		resp.Body.Close()
		return errStatus
	}
	return resp.Body.Close()
}

// deferredEarly defers the Close before the request is made.
func deferredEarly(c *http.Client, req *http.Request) error {
	var resp *http.Response
	defer func() {
		if resp != nil {
			resp.Body.Close()
		}
	}()
	var err error
	resp, err = c.Do(req)
	if err != nil {
		return err
	}
	return nil
}

// bodyNotNil closes when the body is there, which for a client is always.
func bodyNotNil(u string) {
	resp, err := http.Get(u)
	if err != nil {
		return
	}
	if resp.Body != nil {
		defer resp.Body.Close()
	}
}

// closeResp closes the body of its parameter.
func closeResp(r *http.Response) {
	defer r.Body.Close()
}

// closeRC closes its parameter.
func closeRC(b io.ReadCloser) error { return b.Close() }

// keepResp stores its parameter.
func keepResp(r *http.Response) { kept = append(kept, r) }

var kept []*http.Response

// passedToCloser hands the response to a function of the package that closes it.
func passedToCloser(u string) {
	resp, err := http.Get(u)
	if err != nil {
		return
	}
	closeResp(resp)
}

// passedBodyToCloser hands the body to a function of the package that closes it.
func passedBodyToCloser(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	return closeRC(resp.Body)
}

// passedToKeeper hands the response to a function of the package that stores it.
func passedToKeeper(u string) {
	resp, err := http.Get(u)
	if err != nil {
		return
	}
	keepResp(resp)
}

// calledCloser closes the body in a closure it calls.
func calledCloser(u string) {
	resp, err := http.Get(u)
	if err != nil {
		return
	}
	closer := func() { resp.Body.Close() }
	closer()
}

// literalCloses passes the body to a called function literal that closes it.
func literalCloses(u string) {
	resp, err := http.Get(u)
	if err != nil {
		return
	}
	defer func(b io.ReadCloser) { b.Close() }(resp.Body)
}

// blankThenClose assigns to the blank identifier and closes later.
func blankThenClose(u string) {
	resp, err := http.Get(u)
	if err != nil {
		return
	}
	_ = resp
	resp.Body.Close()
}

// reassignedClosed closes each response before the next one.
func reassignedClosed(u string) {
	resp, err := http.Get(u)
	if err != nil {
		return
	}
	resp.Body.Close()
	resp, err = http.Get(u)
	if err != nil {
		return
	}
	defer resp.Body.Close()
}

// ---- HEAD requests: the response has no body (http.NoBody) and the
// transport returns the connection at once (docs/accuracy.md, "More modules")

// headFallback checks a HEAD response without closing it, then closes the
// GET it falls back to.
func headFallback(u string) bool {
	res, err := http.Head(u)
	if err != nil || res.StatusCode != http.StatusOK {
		res, err = http.Get(u)
		if err == nil {
			res.Body.Close()
		}
		if err != nil || res.StatusCode != http.StatusOK {
			return false
		}
	}
	return res.Header.Get("Content-Type") == "application/x-git-upload-pack-advertisement"
}

// presignedHead sends a HEAD request through Do.
func presignedHead(ctx context.Context, c *http.Client, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", nil
	}
	return resp.Header.Get("ETag"), nil
}

// clientHead uses a client's Head method.
func clientHead(u string) (int64, error) {
	c := &http.Client{}
	resp, err := c.Head(u)
	if err != nil {
		return 0, err
	}
	return resp.ContentLength, nil
}

// reusedRequest reuses one request variable: the HEAD request is the one
// the Do call sends (the last assignment before it, on every path).
func reusedRequest(c *http.Client, u string) error {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	req, err = http.NewRequest(http.MethodHead, u, nil)
	if err != nil {
		return err
	}
	resp, err = c.Do(req)
	if err != nil {
		return err
	}
	if resp.Header.Get("ETag") == "" {
		return errStatus
	}
	return nil
}
