package server

// ServiceGCPercent is the garbage collector's percent `tracegraph serve`
// runs with unless GOGC is set (Go's default is 100): answering GraphQL
// allocates many short-lived objects, and collecting less often measured
// about a third less CPU per query (docs/bench-http.md). Benchmarks of the
// served server run with it too.
const ServiceGCPercent = 400
