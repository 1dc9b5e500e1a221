// Package report writes the analysts' reports (recall, where-used, process
// and test) as CSV or NDJSON, streamed from any tracegraph.Store.
//
// A Query is the one typed question: GET /api/v1/export/{kind} fills it from
// URL parameters (ParseQuery), tracegraph export from its flags (Query.Set,
// one parameter at a time, the same parser), and its parts are the domain's
// requests (tracegraph.RecallRequest, WhereUsedRequest, ProcessQuery,
// TestQuery) that the GraphQL arguments fill. Query.Write streams the rows;
// the HTTP handler only adds the headers and the trailer.
package report
