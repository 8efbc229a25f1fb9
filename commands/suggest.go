package commands

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/urfave/cli/v2"
)

// closest returns the candidates nearest to word, for a "did you mean"
// hint: a few edits away, or sharing words with it (tls.expird shares two
// with tls.cert-expired); the nearest ones, at most five. It is the one
// measure of "close" for every typo postino answers: commands,
// subcommands, flags and finding codes.
func closest(word string, candidates []string) []string {
	word = strings.ToLower(strings.TrimSpace(word))
	type scored struct {
		name string
		d    int
	}
	var all []scored
	for _, c := range candidates {
		d := editDistance(word, c)
		if shared := sharedWords(word, c); shared > 0 {
			d = min(d, 4-min(shared, 3))
		}
		if d <= max(3, len(word)/3) && d < len(word) {
			all = append(all, scored{c, d})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].d != all[j].d {
			return all[i].d < all[j].d
		}
		return all[i].name < all[j].name
	})
	var out []string
	for _, s := range all[:min(len(all), 5)] {
		if s.d == all[0].d {
			out = append(out, s.name)
		}
	}
	return out
}

// sharedWords counts the words of typed (three letters or more) that are
// in candidate, as they are or one edit away.
func sharedWords(typed, candidate string) int {
	split := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '-' || r == '_' || r == ' ' })
	}
	n := 0
	for _, w := range split(typed) {
		if len(w) < 3 {
			continue
		}
		for _, cw := range split(candidate) {
			if strings.Contains(cw, w) || len(w) >= 5 && editDistance(w, cw) <= 1 {
				n++
				break
			}
		}
	}
	return n
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// didYouMean is "did you mean X or Y? " for a hint, or "" when nothing is
// close.
func didYouMean(near []string) string {
	if len(near) == 0 {
		return ""
	}
	return "did you mean " + strings.Join(near, " or ") + "? "
}

// similarCodes are the finding codes closest to code.
func similarCodes(code string) []string {
	var codes []string
	for _, e := range autoconfig.FindingDefs() {
		codes = append(codes, e.Code)
	}
	return closest(code, codes)
}

// commandNames are the names a person may type for cmds, hidden ones left
// out.
func commandNames(cmds []*cli.Command) []string {
	var names []string
	for _, c := range cmds {
		if !c.Hidden {
			names = append(names, c.Names()...)
		}
	}
	return names
}

// unknownCommand is the usage error for a word that names no command
// among cmds; parent is "" for postino's commands, else the command whose
// subcommands they are ("providers").
func unknownCommand(parent, word string, cmds []*cli.Command) error {
	err := usageError{fmt.Errorf("unknown command %q", word)}
	if parent != "" {
		err = usageError{fmt.Errorf("%s: unknown subcommand %q", parent, word)}
	}
	list := "run '" + strings.TrimSpace("postino help "+parent) + "' for the list"
	return withHint(err, didYouMean(closest(word, commandNames(cmds)))+list)
}

// unknownFlag turns urfave's "flag provided but not defined: -formt" into
// an error whose hint names the closest flags of the command.
func unknownFlag(c *cli.Context, err error) error {
	const prefix = "flag provided but not defined: "
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) {
		return usageError{err}
	}
	name := strings.TrimLeft(strings.TrimPrefix(msg, prefix), "-")
	var flags []cli.Flag
	if c.Command != nil && c.Command.Name != "" {
		flags = c.Command.Flags
	} else {
		flags = c.App.Flags
	}
	var names []string
	for _, f := range flags {
		if df, ok := f.(cli.VisibleFlag); ok && !df.IsVisible() {
			continue
		}
		names = append(names, f.Names()...)
	}
	var near []string
	for _, n := range closest(name, names) {
		near = append(near, dashes(n))
	}
	help := "postino --help"
	if c.Command != nil && c.Command.Name != "" {
		help = "postino " + c.Command.FullName() + " --help"
	}
	return withHint(usageError{errors.New(prefix + dashes(name))}, didYouMean(near)+"run '"+help+"' for its flags")
}

// dashes spells a flag name as typed: -v, --format.
func dashes(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}
