// Package res003 holds the testdata of RES003 body-not-closed: responses
// whose body is not closed on some path where the request succeeded.
package res003

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

var errStatus = errors.New("bad status")

// neverClosed reads the body and never closes it.
func neverClosed(u string) ([]byte, error) {
	resp, err := http.Get(u) // want "response body is not closed on every path"
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

// statusReturn closes the body only after a status check that returns first.
func statusReturn(u string) error {
	resp, err := http.Get(u) // want "defer resp.Body.Close\\(\\)"
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return errStatus
	}
	defer resp.Body.Close()
	return nil
}

// discarded throws the response away: its body can never be closed.
func discarded(u string) error {
	_, err := http.Post(u, "text/plain", nil) // want "response is discarded"
	if err != nil {
		return err
	}
	return nil
}

// statement calls http.Get for its side effect only.
func statement(u string) {
	http.Get(u) // want "response is discarded"
}

// defaultClient uses http.DefaultClient and falls off the end without Close.
func defaultClient(req *http.Request) {
	res, err := http.DefaultClient.Do(req) // want "defer res.Body.Close\\(\\)"
	if err != nil {
		return
	}
	fmt.Println(res.StatusCode)
}

// paramClient uses a client parameter.
func paramClient(c *http.Client, u string) (int, error) {
	resp, err := c.Get(u) // want "not closed on every path"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// localClient uses a client made in the function.
func localClient(u string, form url.Values) error {
	client := &http.Client{}
	resp, err := client.PostForm(u, form) // want "not closed on every path"
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusTeapot {
		return nil
	}
	return resp.Body.Close()
}

// api holds its client in a field.
type api struct {
	client *http.Client
	base   string
}

// fieldClient uses the client field of its receiver and forgets Close on
// one switch arm.
func (a *api) fieldClient(path string) error {
	resp, err := a.client.Post(a.base+path, "text/plain", strings.NewReader("x")) // want "not closed on every path"
	if err != nil {
		return err
	}
	switch resp.StatusCode {
	case http.StatusOK:
		resp.Body.Close()
		return nil
	case http.StatusNotFound:
		return errStatus
	default:
		resp.Body.Close()
		return errStatus
	}
}

// loop fetches in a loop and skips Close when the status is bad.
func loop(urls []string) {
	for _, u := range urls {
		resp, err := http.Get(u) // want "not closed on every path"
		if err != nil {
			continue
		}
		if resp.StatusCode != http.StatusOK {
			continue
		}
		resp.Body.Close()
	}
}

// newClient uses new(http.Client) and a var declaration.
func newClient(u string) error {
	c := new(http.Client)
	var resp, err = c.Get(u) // want "not closed on every path"
	if err != nil {
		return err
	}
	fmt.Println(resp.Header.Get("Etag"))
	return nil
}

// errEqualsNil closes only inside the success branch, but one success path
// returns early.
func errEqualsNil(u string) bool {
	resp, err := http.Get(u) // want "not closed on every path"
	if err == nil {
		if resp.StatusCode >= 500 {
			return false
		}
		resp.Body.Close()
		return true
	}
	return false
}

// decodeNoClose decodes with encoding/json-like readers and never closes.
func decodeNoClose(u string) (string, error) {
	resp, err := http.Get(u) // want "not closed on every path"
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	if _, err := io.Copy(&sb, resp.Body); err != nil {
		return "", err
	}
	return sb.String(), nil
}

// switchMisses checks the error in a tagless switch, then forgets Close on
// the status arm.
func switchMisses(u string) error {
	resp, err := http.Get(u) // want "not closed on every path"
	switch {
	case err != nil:
		return err
	case resp.StatusCode != http.StatusOK:
		return errStatus
	}
	return resp.Body.Close()
}

// bodyNilCheck closes only on the error-status path.
func bodyNilCheck(u string) {
	resp, err := http.Get(u) // want "not closed on every path"
	if err != nil {
		return
	}
	if resp.StatusCode >= 400 {
		if resp.Body != nil {
			defer resp.Body.Close()
		}
		return
	}
}

// blankResp assigns the response to the blank identifier: not an escape.
func blankResp(u string) {
	resp, err := http.Get(u) // want "not closed on every path"
	if err != nil {
		return
	}
	_ = resp
}

// uncalledCloser makes a closure that would close the body but never calls it.
func uncalledCloser(u string) {
	resp, err := http.Get(u) // want "not closed on every path"
	if err != nil {
		return
	}
	_ = func() {
		resp.Body.Close()
	}
}

// readOnly reads the body and never closes it.
func readOnly(r *http.Response) int {
	b, _ := io.ReadAll(r.Body)
	return len(b) + r.StatusCode
}

// ignoreBody does nothing with the body.
func ignoreBody(b io.ReadCloser) {}

// passedToReader hands the response to a function of the package that does not close it.
func passedToReader(u string) int {
	resp, err := http.Get(u) // want "not closed on every path"
	if err != nil {
		return 0
	}
	return readOnly(resp)
}

// passedBody hands the body to a function of the package that ignores it.
func passedBody(u string) {
	resp, err := http.Get(u) // want "not closed on every path"
	if err != nil {
		return
	}
	ignoreBody(resp.Body)
}

// literalIgnores passes the body to a called function literal that does nothing.
func literalIgnores(u string) {
	resp, err := http.Get(u) // want "not closed on every path"
	if err != nil {
		return
	}
	defer func(b io.ReadCloser) {}(resp.Body)
}

// reassigned leaks the first response when the variable gets a second one.
func reassigned(u string) {
	resp, err := http.Get(u) // want "not closed on every path"
	if err != nil {
		return
	}
	fmt.Println(resp.Status)
	resp, err = http.Get(u) // want "not closed on every path"
	if err != nil {
		return
	}
	fmt.Println(resp.StatusCode)
	resp, err = http.Get(u)
	if err != nil {
		return
	}
	defer resp.Body.Close()
}

// ---- near misses of the HEAD exemption (docs/accuracy.md, "More modules")

// getNotHead: a GET request made beside a HEAD one; only the GET is sent.
func getNotHead(c *http.Client, u string) (int, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req) // want "not closed on every path"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// headThenGet: the request variable is given a GET as well.
func headThenGet(c *http.Client, u string, full bool) (int, error) {
	req, _ := http.NewRequest("HEAD", u, nil)
	if full {
		req, _ = http.NewRequest("GET", u, nil)
	}
	resp, err := c.Do(req) // want "not closed on every path"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// requestParam: the request comes from the caller; its method is unknown.
func requestParam(c *http.Client, req *http.Request) (int, error) {
	resp, err := c.Do(req) // want "not closed on every path"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// headInBranch: the HEAD request is made on one branch only.
func headInBranch(c *http.Client, u string, quick bool) (int, error) {
	req, _ := http.NewRequest("GET", u, nil)
	if quick {
		req, _ = http.NewRequest("HEAD", u, nil)
	}
	resp, err := c.Do(req) // want "not closed on every path"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// headThenLoop: the loop comes back with a GET request.
func headThenLoop(c *http.Client, urls []string) int {
	n := 0
	req, _ := http.NewRequest(http.MethodHead, urls[0], nil)
	for _, u := range urls {
		resp, err := c.Do(req) // want "not closed on every path"
		if err != nil {
			continue
		}
		n += resp.StatusCode
		req, _ = http.NewRequest(http.MethodGet, u, nil)
	}
	return n
}
