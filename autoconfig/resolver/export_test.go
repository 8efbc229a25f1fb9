package resolver

import "time"

// NewServers returns a Client asking servers (host:port) in order.
func NewServers(servers ...string) *Client { return newClient(servers) }

// SetTimeout replaces the per-exchange timeout used without a ctx deadline.
func (c *Client) SetTimeout(d time.Duration) { c.timeout = d }

// Servers returns the servers c asks, in order.
func (c *Client) Servers() []string { return c.servers }

// FromFile is FromSystem reading path.
var FromFile = fromFile
