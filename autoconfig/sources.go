package autoconfig

// sourceRow is everything postino knows about one discovery source, in one
// place: the engine's tasks, the ranking, the trust ceiling and the names
// --skip accepts all read the table below, so adding a source is adding a
// row (sources_test.go checks that every Source constant has one).
type sourceRow struct {
	source Source
	// rank is ranking rule (5) of docs/json-schema.md ("Ranking"): lower
	// is better.
	rank int
	// mayBeTrusted: an answer of this source can be trusted (docs/
	// json-schema.md, "Trust"); whether one is, the lookup decides (https
	// every hop, DNSSEC, within the domain). Plain http never is.
	mayBeTrusted bool
	// tasks are the questions this source asks about addr.
	tasks func(addr Address, o *Options) []task
}

// sourceTable lists the sources in the order the engine starts their
// tasks (and the --skip help names them). The built-in database comes
// first: it answers from memory, so its servers arrive first, and the first
// source to name a server gives the candidate's username and authentication
// that later sources are compared with (merge, discover.go).
var sourceTable = []sourceRow{
	{SourceProviders, 2, true, providersTasks},
	{SourceSRV, 0, true, srvTasks},
	{SourceAutoconfig, 0, true, mozillaTasks(SourceAutoconfig)},
	{SourceWellKnown, 0, true, mozillaTasks(SourceWellKnown)},
	{SourceAutoconfigHTTP, 5, false, mozillaTasks(SourceAutoconfigHTTP)},
	{SourceISPDB, 1, true, ispdbTasks},
	{SourceMX, 3, true, mxTasks},
	{SourceAutodiscover, 4, true, autodiscoverTasks},
	{SourceGuess, 6, true, guessTasks},
}

// sourceOf returns s's row; ok is false for a name that is no source.
func sourceOf(s Source) (row sourceRow, ok bool) {
	for _, r := range sourceTable {
		if r.source == s {
			return r, true
		}
	}
	return sourceRow{}, false
}

// KnownSource reports whether s names a discovery source.
func KnownSource(s Source) bool {
	_, ok := sourceOf(s)
	return ok
}

// SourceNames lists every discovery source, as --skip takes them.
func SourceNames() []string {
	names := make([]string, len(sourceTable))
	for i, r := range sourceTable {
		names[i] = string(r.source)
	}
	return names
}
