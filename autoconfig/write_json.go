package autoconfig

import (
	"encoding/json"
	"io"
)

// JSONSchema names postino's JSON schema (docs/json-schema.md), shared by
// the reports of discover, test and check and by the settings that config
// writes.
const JSONSchema = "postino/v1"

// settingsDocument is the postino/v1 envelope of `postino config --format
// json`: the discover envelope's identifying fields, the settings, and the
// findings that qualify them.
type settingsDocument struct {
	Schema   string       `json:"schema"`
	Command  string       `json:"command"`
	Address  string       `json:"address"`
	Domain   string       `json:"domain"`
	Settings settingsJSON `json:"settings"`
	Findings []Finding    `json:"findings"`
}

type settingsJSON struct {
	DisplayName string       `json:"display_name"`
	Incoming    settingsPath `json:"incoming"`
	Outgoing    settingsPath `json:"outgoing"`
	OAuth2      *oauth2JSON  `json:"oauth2,omitempty"`
	Advice      []Advice     `json:"advice,omitempty"`
}

type settingsPath struct {
	// Status is discover's verdict for the path; absent when unknown.
	Status  Status           `json:"status,omitempty"`
	Servers []settingsServer `json:"servers"`
}

type settingsServer struct {
	Server
	POP3 *pop3JSON `json:"pop3,omitempty"`
}

type pop3JSON struct {
	LeaveMessagesOnServer       bool `json:"leave_messages_on_server"`
	DaysToLeaveMessagesOnServer int  `json:"days_to_leave_messages_on_server,omitempty"`
	DownloadOnBiff              bool `json:"download_on_biff"`
	CheckIntervalMinutes        int  `json:"check_interval_minutes,omitempty"`
}

type oauth2JSON struct {
	Issuer   string `json:"issuer"`
	Scope    string `json:"scope"`
	AuthURL  string `json:"auth_url"`
	TokenURL string `json:"token_url"`
}

// WriteJSON writes st as a postino/v1 document with command "config"
// (docs/json-schema.md, "settings"). It loses nothing: ParseSettingsJSON
// reads it back to the same Settings, so it can be edited and fed to
// `postino config --from`. It needs no particular path.
func WriteJSON(w io.Writer, st Settings) ([]Loss, error) {
	doc := settingsDocument{
		Schema: JSONSchema, Command: "config", Address: st.Address.String(), Domain: st.Address.Domain,
		Settings: settingsJSON{
			DisplayName: st.displayName(),
			Incoming:    settingsPath{Status: st.IncomingStatus, Servers: st.jsonServers(st.Incoming)},
			Outgoing:    settingsPath{Status: st.OutgoingStatus, Servers: st.jsonServers(st.Outgoing)},
		},
		Findings: st.Caveats,
	}
	doc.Settings.Advice = st.Advice
	if doc.Findings == nil {
		doc.Findings = []Finding{}
	}
	if o := st.OAuth2; o != nil {
		doc.Settings.OAuth2 = &oauth2JSON{Issuer: o.Issuer, Scope: o.Scope, AuthURL: o.AuthURL, TokenURL: o.TokenURL}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return nil, enc.Encode(doc)
}

func (st Settings) jsonServers(list []Server) []settingsServer {
	out := []settingsServer{}
	for _, s := range list {
		ss := settingsServer{Server: s}
		if o, ok := st.POP3[s.Key()]; ok && s.Protocol == POP3 {
			ss.POP3 = &pop3JSON{
				LeaveMessagesOnServer: o.LeaveMessagesOnServer, DaysToLeaveMessagesOnServer: o.DaysToLeaveMessagesOnServer,
				DownloadOnBiff: o.DownloadOnBiff, CheckIntervalMinutes: o.CheckIntervalMinutes,
			}
		}
		out = append(out, ss)
	}
	return out
}
