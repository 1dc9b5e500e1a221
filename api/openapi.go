package api

import _ "embed"

// OpenAPIPath is where the service serves OpenAPI.
const OpenAPIPath = "/api/v1/openapi.json"

//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the OpenAPI 3.1 description of the REST endpoints
// (openapi.json, written by hand). server's tests check it against the
// routes the service registers, so that a route added without its
// description fails them.
func OpenAPI() []byte { return openAPI }
