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

// CacheLen is the number of names cached or in flight.
func (c *Client) CacheLen() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.calls)
}

// CacheEntries is the cache's size bound.
const CacheEntries = cacheEntries
