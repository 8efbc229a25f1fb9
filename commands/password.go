package commands

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/postino-mail/postino/probe"
	"golang.org/x/term"
)

// Credentials never come from an argument, where ps and shell history show
// them to everyone (README, "postino test"): only from standard
// input, the environment, or a prompt on the terminal.
const (
	envPassword    = "POSTINO_PASSWORD"
	envOAuth2Token = "POSTINO_OAUTH2_TOKEN"
)

// credentials reads what --login needs: a token (--oauth2-token-stdin or
// POSTINO_OAUTH2_TOKEN), else a password (--password-stdin,
// POSTINO_PASSWORD, or a prompt on stderr when stdin is a terminal).
func credentials(lg loginSettings, username string, stdin io.Reader, stderr io.Writer) (*probe.Credentials, error) {
	cr := &probe.Credentials{Username: username}
	if lg.PasswordStdin && lg.TokenStdin {
		return nil, usageError{errors.New("--password-stdin and --oauth2-token-stdin exclude each other: standard input holds one secret")}
	}
	switch {
	case lg.TokenStdin:
		tok, err := readSecret(stdin)
		if err != nil {
			return nil, fmt.Errorf("reading the OAuth2 token from standard input: %w", err)
		}
		cr.OAuth2Token = tok
	case os.Getenv(envOAuth2Token) != "" && !lg.PasswordStdin:
		cr.OAuth2Token = os.Getenv(envOAuth2Token)
	case lg.PasswordStdin:
		pw, err := readSecret(stdin)
		if err != nil {
			return nil, fmt.Errorf("reading the password from standard input: %w", err)
		}
		cr.Password = pw
	case os.Getenv(envPassword) != "":
		cr.Password = os.Getenv(envPassword)
	default:
		f, ok := stdin.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			return nil, withHint(usageError{errors.New("--login needs a password, and standard input is not a terminal to ask for one")},
				"pipe it in with --password-stdin, or set "+envPassword+" (or a token: --oauth2-token-stdin, "+envOAuth2Token+"); never put it on the command line")
		}
		fmt.Fprintf(stderr, "Password for %s: ", username)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return nil, fmt.Errorf("reading the password: %w", err)
		}
		cr.Password = string(b)
	}
	if cr.Password == "" && cr.OAuth2Token == "" {
		return nil, usageError{errors.New("the password or token is empty")}
	}
	return cr, nil
}

// readSecret reads the first line of r, without its line end.
func readSecret(r io.Reader) (string, error) {
	if r == nil {
		return "", errors.New("no standard input")
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
