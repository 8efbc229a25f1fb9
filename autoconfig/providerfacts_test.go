package autoconfig

import "testing"

func TestProviderFactsCarryIntoSettings(t *testing.T) {
	pop := Server{Protocol: POP3, Host: "pop.example.com", Port: 995, Security: SecurityTLS}
	httpCfg := &MozillaConfig{DisplayName: "From plain http"}
	ownCfg := &MozillaConfig{
		DisplayName: "Example Mail",
		POP3:        map[string]POP3Options{pop.Key(): {LeaveMessagesOnServer: true, DaysToLeaveMessagesOnServer: 14}},
		OAuth2:      &OAuth2Info{Issuer: "login.example.com", Scope: "mail", AuthURL: "https://login.example.com/auth", TokenURL: "https://login.example.com/token"},
	}
	ispdbCfg := &MozillaConfig{DisplayName: "ISPDB's name"}
	lks := []Lookup{
		{Source: SourceAutoconfigHTTP, Outcome: OutcomeFound, config: httpCfg},
		{Source: SourceISPDB, Outcome: OutcomeFound, Trusted: true, config: ispdbCfg},
		{Source: SourceAutoconfig, Outcome: OutcomeFound, Trusted: true, config: ownCfg},
		{Source: SourceWellKnown, Outcome: OutcomeError},
	}
	p := providerFacts(lks)
	if p == nil || p.Source != SourceAutoconfig || p.DisplayName != "Example Mail" {
		t.Fatalf("providerFacts = %+v, want the domain's own trusted document", p)
	}
	addr, _ := ParseAddress("alice@example.com")
	st := SettingsFromResult(&Result{
		Address:  addr,
		Incoming: SideResult{Status: StatusOK, Recommended: &Candidate{Server: pop}, Candidates: []Candidate{{Server: pop, Probe: &ProbeResult{Status: ProbeOK}}}},
		Provider: p,
	})
	if st.DisplayName != "Example Mail" || st.OAuth2 == nil || st.OAuth2.TokenURL != "https://login.example.com/token" {
		t.Errorf("settings lost the provider's name or OAuth2: %+v", st)
	}
	if o := st.POP3[pop.Key()]; !o.LeaveMessagesOnServer || o.DaysToLeaveMessagesOnServer != 14 {
		t.Errorf("POP3 options %+v, want the document's leave-on-server for 14 days", o)
	}
	if providerFacts(lks[:1]).DisplayName != "From plain http" || providerFacts(lks[3:]) != nil {
		t.Errorf("an untrusted document is better than none; no document gives nil")
	}
}
