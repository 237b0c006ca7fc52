package main

import (
	"fmt"
	"net/http"
)

// http.NewRequest with an untyped nil body, in a program that does not
// import io.
func main() {
	req, err := http.NewRequest("GET", "http://example.com/path?q=1", nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(req.Method, req.URL.Path, req.URL.Query().Get("q"), req.Body == nil, req.ContentLength)
}
