package probe

import (
	"encoding/base64"
	"errors"
	"strings"

	"github.com/emersion/go-sasl"
)

// xoauth2Client is Google's and Microsoft's XOAUTH2 SASL mechanism, which
// go-sasl lacks: "user=U^Aauth=Bearer T^A^A". On failure the server sends
// a JSON challenge and expects an empty response, then the final error.
type xoauth2Client struct{ user, token string }

func (c *xoauth2Client) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + c.user + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

func (c *xoauth2Client) Next(challenge []byte) ([]byte, error) {
	return []byte{}, nil
}

// saslFor picks the mechanism for the credentials among those offered:
// OAUTHBEARER (RFC 7628) or XOAUTH2 for a token, PLAIN (RFC 4616) or LOGIN
// for a password. "" with a nil client means none fits.
func saslFor(cr *Credentials, offered []string, host string, port int) (string, sasl.Client) {
	has := func(m string) bool { return hasFold(offered, m) }
	if cr.OAuth2Token != "" {
		switch {
		case has("OAUTHBEARER"):
			return "OAUTHBEARER", sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: cr.Username, Token: cr.OAuth2Token, Host: host, Port: port})
		case has("XOAUTH2"):
			return "XOAUTH2", &xoauth2Client{cr.Username, cr.OAuth2Token}
		}
		return "", nil
	}
	switch {
	case has("PLAIN"):
		return "PLAIN", sasl.NewPlainClient("", cr.Username, cr.Password)
	case has("LOGIN"):
		return "LOGIN", sasl.NewLoginClient(cr.Username, cr.Password)
	}
	return "", nil
}

// errNoMechanism: the server offers no mechanism the credentials fit.
var errNoMechanism = errors.New("no fitting mechanism")

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func upperAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToUpper(s)
	}
	return out
}
