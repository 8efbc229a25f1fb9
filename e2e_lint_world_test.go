package main

import (
	"io"
	"net/http"
)

// serveDoc answers any method with body as contentType.
func serveDoc(contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		io.WriteString(w, body)
	}
}

// serveGETOnly answers GET with body and refuses every other method, as
// a static file server does.
func serveGETOnly(contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		serveDoc(contentType, body)(w, r)
	}
}
