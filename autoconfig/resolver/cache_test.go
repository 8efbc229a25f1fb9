package resolver_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver"
	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
)

// TestCacheBounded: a long-lived Client (postino serve, a long check list)
// asking ever new names keeps a bounded cache, while a repeated question
// within a run is still answered from it.
func TestCacheBounded(t *testing.T) {
	s := resolvertest.NewServer(t, resolvertest.Zone{})
	c := client(t, s)
	ctx := deadline(t, 60*time.Second)
	for i := 0; i < resolver.CacheEntries+500; i++ {
		if _, _, err := c.LookupMX(ctx, fmt.Sprintf("d%05d.test", i)); err == nil {
			t.Fatal("want NXDOMAIN from an empty zone")
		}
	}
	if n := c.CacheLen(); n > resolver.CacheEntries {
		t.Errorf("cache holds %d names, over its bound of %d", n, resolver.CacheEntries)
	}
	before := s.Queries()
	c.LookupMX(ctx, fmt.Sprintf("d%05d.test", resolver.CacheEntries+499))
	if s.Queries() != before {
		t.Errorf("the latest answer was asked again instead of coming from the cache")
	}
}
