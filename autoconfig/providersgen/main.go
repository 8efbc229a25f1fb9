// Command providersgen generates providers.json, postino's built-in
// provider database, from the project's copy of its sources in data/:
//
//   - data/ispdb: the Thunderbird ISPDB (clientConfig files, MPL-2.0)
//   - data/deltachat: Delta Chat's provider notes (Markdown with YAML front
//     matter, MPL-2.0): status, hints, servers of providers the ISPDB lacks
//   - data/mx-hosters.json: postino's own table of hosting providers
//     recognised by their customers' MX hosts
//   - data/overlay.json: postino's own corrections and additions, each
//     with the pages it rests on and the day they were read, applied last;
//     and the access providers' line relays
//
// Every fact in the output names the file it came from and that file's
// date. Problems in the data (a broken placeholder, a password sent
// without encryption, two sources that disagree) are printed on standard
// error and marked in the entry's "problems", never passed on silently.
// The output is deterministic: the same data gives the same bytes, which
// the package's tests check against the committed file. Before it writes,
// the generator compares the new database with the file it replaces and
// prints what changed: entries added and removed, and per entry the fact
// groups that differ.
//
// Run it through go generate (see autoconfig/gen.go):
//
//	go generate ./...
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/postino-mail/postino/autoconfig"
)

func main() {
	dataDir := flag.String("data", "providersgen/data", "read the source data from this directory")
	out := flag.String("out", "../providers.json", "write the database to this file")
	flag.Parse()
	if err := run(*dataDir, *out, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "providersgen: %v\n", err)
		os.Exit(1)
	}
}

// run generates the database from dataDir into out and reports on w.
func run(dataDir, out string, w io.Writer) error {
	db, rep, err := build(dataDir)
	if err != nil {
		return err
	}
	data, err := encode(db)
	if err != nil {
		return err
	}
	// What the generator writes, postino must read.
	if _, err := autoconfig.ParseProviders(data); err != nil {
		return fmt.Errorf("the generated database does not parse: %w", err)
	}
	for _, p := range rep.problems {
		fmt.Fprintf(w, "providersgen: %s\n", p)
	}
	for _, p := range rep.idle {
		fmt.Fprintf(w, "providersgen: warning: %s\n", p)
	}
	// What this run changes, for whoever updates the data.
	if previous, err := os.ReadFile(out); err == nil {
		for _, l := range changeSummary(previous, db) {
			fmt.Fprintf(w, "providersgen: %s\n", l)
		}
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	s := stats(db)
	fmt.Fprintf(w, "providersgen: wrote %s: %d providers, %d domains, %d MX hosters, %d problems marked\n",
		out, s.providers, s.domains, s.hosters, s.problems)
	return nil
}

// encode is the database as indented JSON, with <, > and & left as they
// are so URLs stay readable.
func encode(db *autoconfig.ProviderDB) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(db); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type dbStats struct{ providers, domains, hosters, problems int }

func stats(db *autoconfig.ProviderDB) dbStats {
	s := dbStats{providers: len(db.Providers)}
	for _, p := range db.Providers {
		s.domains += len(p.Domains)
		s.problems += len(p.Problems)
		if len(p.MXSuffixes) > 0 {
			s.hosters++
		}
	}
	return s
}
