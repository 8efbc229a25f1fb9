package commands

import (
	"bytes"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"
)

// fancyTerminal reports whether w is a terminal that understands control
// sequences: colour and the progress line's "\r\033[K". TERM=dumb (Emacs
// shells, some CI runners' pseudo-terminals) says it does not.
func fancyTerminal(w io.Writer) bool {
	return isTerminal(w) && os.Getenv("TERM") != "dumb"
}

// colourOn decides colour for w: a capable terminal, and neither
// --no-color nor NO_COLOR (no-color.org).
func colourOn(w io.Writer, noColor bool) bool {
	return fancyTerminal(w) && !noColor && os.Getenv("NO_COLOR") == ""
}

// terminalWidth is w's width in columns when it is a terminal, else 0
// (no limit: a pipe or a file gets the full lines).
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !isTerminal(w) {
		return 0
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil || cols < 20 {
		return 0
	}
	return cols
}

// fitWriter fits every line written through it to width columns: a line
// that starts at the margin (a table row, a summary) is cut with "…", an
// indented one (a finding, a hint) is wrapped under its own indentation
// when wrap is set. Colour sequences take no columns and survive the cut.
// Width 0 passes everything through.
type fitWriter struct {
	w     io.Writer
	width int
	wrap  bool
	buf   []byte
}

func newFitWriter(w io.Writer, width int, wrap bool) io.Writer {
	if width <= 0 {
		return w
	}
	return &fitWriter{w: w, width: width, wrap: wrap}
}

func (f *fitWriter) Write(p []byte) (int, error) {
	f.buf = append(f.buf, p...)
	for {
		i := bytes.IndexByte(f.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(f.buf[:i])
		f.buf = f.buf[i+1:]
		if _, err := io.WriteString(f.w, f.fit(line)+"\n"); err != nil {
			return 0, err
		}
	}
}

func (f *fitWriter) fit(line string) string {
	indent := len(line) - len(strings.TrimLeft(line, " "))
	if !f.wrap || indent == 0 || visibleWidth(line) <= f.width || indent > f.width/2 {
		return cutVisible(line, f.width)
	}
	// Wrap at spaces, keeping the line's own spacing; continuation lines
	// are indented two more.
	pad := strings.Repeat(" ", indent+2)
	var out []string
	rest, lead := line, indent
	for visibleWidth(rest) > f.width {
		cut := lastSpace(rest, f.width)
		if cut <= lead {
			break // one word longer than the line: cut below
		}
		out = append(out, strings.TrimRight(rest[:cut], " "))
		rest, lead = pad+strings.TrimLeft(rest[cut:], " "), len(pad)
	}
	out = append(out, cutVisible(rest, f.width))
	return strings.Join(out, "\n")
}

// lastSpace is the byte index of the last space of s that falls within
// width columns, or 0.
func lastSpace(s string, width int) int {
	last, n := 0, 0
	for i := 0; i < len(s) && n <= width; {
		if j := escapeEnd(s, i); j > i {
			i = j
			continue
		}
		if s[i] == ' ' {
			last = i
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return last
}

// visibleWidth counts the runes of s that take a column: ANSI control
// sequences (ESC [ … letter) take none.
func visibleWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if j := escapeEnd(s, i); j > i {
			i = j
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

// escapeEnd is the end of the control sequence at s[i], or i if there is
// none.
func escapeEnd(s string, i int) int {
	if s[i] != 0x1b || i+1 >= len(s) || s[i+1] != '[' {
		return i
	}
	for j := i + 2; j < len(s); j++ {
		if s[j] >= 0x40 && s[j] <= 0x7e {
			return j + 1
		}
	}
	return len(s)
}

// cutVisible cuts s to width columns, the last one an ellipsis, and ends
// any colour it cut into.
func cutVisible(s string, width int) string {
	if visibleWidth(s) <= width {
		return s
	}
	var b strings.Builder
	n, coloured := 0, false
	for i := 0; i < len(s); {
		if j := escapeEnd(s, i); j > i {
			b.WriteString(s[i:j])
			coloured = s[i:j] != "\x1b[0m"
			i = j
			continue
		}
		if n == width-1 {
			break
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		b.WriteString(s[i : i+size])
		i += size
		n++
	}
	b.WriteString("…")
	if coloured {
		b.WriteString("\x1b[0m")
	}
	return b.String()
}

// shorten keeps s within max runes by cutting its middle: both ends of a
// URL or a DNS name say more than its middle.
func shorten(s string, max int) string {
	r := []rune(s)
	if max < 5 || len(r) <= max {
		return s
	}
	head := (max - 1) / 2
	return string(r[:head]) + "…" + string(r[len(r)-(max-1-head):])
}
