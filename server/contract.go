package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tracegraph/tracegraph/api"
)

// contractRoutes serves the published contract, open to anyone: the
// events' JSON Schema and the OpenAPI description of the REST endpoints.
func (s *Server) contractRoutes(e *echo.Echo) {
	e.GET(api.SchemaID, s.eventSchema)
	e.GET(api.OpenAPIPath, s.openAPI)
}

// eventSchema answers GET /api/v1/schema/events.json (api.EventSchema).
func (s *Server) eventSchema(c echo.Context) error {
	b, err := api.EventSchema()
	if err != nil {
		return s.fail(c, err)
	}
	return c.Blob(http.StatusOK, "application/schema+json", b)
}

// openAPI answers GET /api/v1/openapi.json (api.OpenAPI).
func (s *Server) openAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, api.OpenAPI())
}

// contractRoute reports whether route serves the contract (open).
func contractRoute(route string) bool { return route == api.SchemaID || route == api.OpenAPIPath }
