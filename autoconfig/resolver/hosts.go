package resolver

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"strings"
)

// DefaultHostsFile is where the system keeps its static host names
// (hosts(5)). The system resolver answers from it before DNS ("files dns"
// in nsswitch.conf(5)), and so does a Client from New or FromSystem: on-host
// names such as localhost and split-horizon names in it work as they do
// for every other program.
const DefaultHostsFile = "/etc/hosts"

// hostsTable is a parsed hosts file: lower-case names, without trailing
// dot, and their addresses in file order.
type hostsTable struct {
	path  string
	addrs map[string][]net.IP
}

// readHosts reads a hosts file. A missing file is an empty table, as it is
// for the system resolver.
func readHosts(path string) (*hostsTable, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &hostsTable{path: path}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("resolver: hosts file: %w", err)
	}
	return parseHosts(path, data), nil
}

// parseHosts reads hosts(5) lines: an address, then names and aliases;
// "#" starts a comment. Lines it cannot read are skipped, as by the
// system resolver.
func parseHosts(path string, data []byte) *hostsTable {
	t := &hostsTable{path: path, addrs: map[string][]net.IP{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		a, err := netip.ParseAddr(f[0])
		if err != nil || a.Zone() != "" { // a zone cannot be dialled by name
			continue
		}
		ip := net.IP(a.Unmap().AsSlice())
		for _, name := range f[1:] {
			name = strings.TrimSuffix(strings.ToLower(name), ".")
			t.addrs[name] = append(t.addrs[name], ip)
		}
	}
	return t
}

// lookup returns the addresses of host of one family, and whether the
// file names host at all: then it is the whole answer, even without an
// address of that family, as for the system resolver (Go's net package
// and glibc ask DNS only for names the file lacks).
func (t *hostsTable) lookup(host string, family Family) ([]net.IP, bool) {
	if t == nil {
		return nil, false
	}
	all, ok := t.addrs[strings.TrimSuffix(strings.ToLower(host), ".")]
	var out []net.IP
	for _, ip := range all {
		if (ip.To4() != nil) == (family == IPv4) {
			out = append(out, ip)
		}
	}
	return out, ok
}

// UseHostsFile makes c answer A and AAAA questions from path first ("" for
// none). New and FromSystem use DefaultHostsFile; tests name their own.
// Call it before c is used.
func (c *Client) UseHostsFile(path string) error {
	if path == "" {
		c.hosts = nil
		return nil
	}
	t, err := readHosts(path)
	if err != nil {
		return err
	}
	c.hosts = t
	return nil
}
