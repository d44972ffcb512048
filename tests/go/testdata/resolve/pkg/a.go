package pkg

import "context"

type Client struct{ cancel context.CancelFunc }

func helper(cancel context.CancelFunc) { cancel() }

func (c *Client) Close() { c.cancel() }

func init() {}
