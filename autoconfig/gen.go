package autoconfig

// The built-in provider database is generated from the project's copy of
// the Thunderbird ISPDB, Delta Chat's provider notes and postino's MX
// hoster table, with postino's sourced overlay applied last
// (autoconfig/providersgen/data).
//
//go:generate go run ./providersgen -data providersgen/data -out ../providers.json
