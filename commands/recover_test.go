package commands

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// boomApp is the real app with one more command, which panics.
func boomApp(stderr io.Writer) *cli.App {
	app := newApp(BuildInfo{}, strings.NewReader(""), io.Discard, stderr)
	app.Commands = append(app.Commands, &cli.Command{
		Name:   "boom",
		Flags:  []cli.Flag{&cli.BoolFlag{Name: flgVerbose, Aliases: []string{"v"}}},
		Action: func(*cli.Context) error { panic("injected bug") },
	})
	return app
}

// TestCommandPanicExits3: a panic in a command is an internal error, exit
// 3 (could not run), not 2 (a broken path); -v adds the stack.
func TestCommandPanicExits3(t *testing.T) {
	for _, verbose := range []bool{false, true} {
		args := []string{"postino", "boom"}
		if verbose {
			args = append(args, "-v")
		}
		var errb bytes.Buffer
		app := boomApp(&errb)
		status := reportError(&errb, runRecovered(context.Background(), app, reorderArgs(app, args)))
		got := errb.String()
		if status != exitCannotRun || !strings.Contains(got, "postino: error: internal error: injected bug") ||
			!strings.Contains(got, "postino: hint: this is a bug in postino") {
			t.Errorf("verbose=%v: status %d, stderr:\n%s", verbose, status, got)
		}
		if hasStack := strings.Contains(got, "goroutine ") && strings.Contains(got, "recover_test.go"); hasStack != verbose {
			t.Errorf("verbose=%v: stack printed = %v:\n%s", verbose, hasStack, got)
		}
	}
}

// TestCheckTargetPanicUnknown: a panic while testing one target makes it
// UNKNOWN; the targets before and after it are still tested and emitted.
func TestCheckTargetPanicUnknown(t *testing.T) {
	src := make(chan checkTarget, 3)
	for _, raw := range []string{"a.example", "boom.example", "c.example"} {
		src <- checkTarget{Raw: raw}
	}
	close(src)
	run := func(_ context.Context, t checkTarget) *checkResult {
		if t.Raw == "boom.example" {
			panic("injected")
		}
		return &checkResult{Target: t.Raw, Report: &testReport{}, State: stateOK}
	}
	var got []*checkResult
	err := runChecks(context.Background(), src, 2, run, func(r *checkResult) error { got = append(got, r); return nil })
	if err != nil || len(got) != 3 {
		t.Fatalf("err %v, %d results; want 3", err, len(got))
	}
	for i, want := range []checkState{stateOK, stateUnknown, stateOK} {
		if got[i].State != want {
			t.Errorf("%s: %s, want %s", got[i].Target, got[i].State, want)
		}
	}
	if got[1].Err == nil || got[1].Err.Error() != "internal error: injected" {
		t.Errorf("boom.example: error %v", got[1].Err)
	}
}

// TestServePanic500: a panic while serving a request answers 500 and the
// exporter goes on serving.
func TestServePanic500(t *testing.T) {
	h := &serveHandler{mux: http.NewServeMux()}
	h.mux.HandleFunc("/boom", func(http.ResponseWriter, *http.Request) { panic("injected") })
	h.mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	srv := httptest.NewServer(h)
	defer srv.Close()
	for range 3 {
		resp, err := http.Get(srv.URL + "/boom")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(string(body), "internal error") {
			t.Errorf("/boom: %s %q, want 500", resp.Status, body)
		}
		resp, err = http.Get(srv.URL + "/healthz")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("/healthz after a panic: %v %v", resp, err)
		}
		resp.Body.Close()
	}
}
