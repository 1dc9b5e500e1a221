package cypher

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/tracegraph/tracegraph"
)

//go:embed *.cypher
var queryFS embed.FS

// Query file names (without .cypher). Those that depend on a label or type
// are generated; see internal/querygen.
const (
	qSchemaAwait     = "schema_await"
	qHeadLock        = "head_lock"
	qHeadSet         = "head_set"
	qHeadGet         = "head_get"
	qEventsCreate    = "events_create"
	qEventGet        = "event_get"
	qEventVoid       = "event_void"
	qEventsPage      = "events_page"
	qEventsInTime    = "events_in_time"
	qEventsLink      = "events_link"
	qNodeEvents      = "node_events"
	qNodeGet         = "node_get"
	qNodeProps       = "node_props"
	qNodesByKey      = "nodes_by_key"
	qNodeVoid        = "node_void"
	qNodeEdgesOut    = "node_edges_out"
	qNodeEdgesIn     = "node_edges_in"
	qNodesEdgesIn    = "nodes_edges_in"
	qNodesEdgesOut   = "nodes_edges_out"
	qEdgesByEvent    = "edges_by_event"
	qExpandOut       = "expand_out"
	qExpandIn        = "expand_in"
	qExpandOutLevels = "expand_out_levels_" // + a set of types (expand.go)
	qExpandInLevels  = "expand_in_levels_"
	qHoldAdd         = "hold_add"
	qHoldRemove      = "hold_remove"
	qHeldBy          = "held_by"
	qHeldNodes       = "held_nodes"
	qIdentAdd        = "ident_add"
	qIdentRemove     = "ident_remove"
	qIdentOwners     = "ident_owners"
	qUnitsPage       = "units_page"
	qUnitsCount      = "units_count"
	qUnitsCountScan  = "units_count_scan"
	qStatsNodes      = "stats_nodes"
	qStatsEdges      = "stats_edges"
	qPing            = "ping"
	schemaPrefix     = "schema_"
	nodePutPrefix    = "node_put_"
	nodeCreatePrefix = "node_create_"
	edgeAddPrefix    = "edge_add_"
	edgeUpdPrefix    = "edge_update_"
	unitsPageBy      = "units_page_by_"
	unitsCountBy     = "units_count_by_"
	queryFileSuffix  = ".cypher"
)

// Query file names of the analysts' questions: material by the property
// that drives the search (see materialQuery), process and test records by
// the field that drives it, part numbers of finished products.
const (
	qMaterialByPartNumber   = "material_by_part_number"
	qMaterialByMPN          = "material_by_mpn"
	qMaterialByManufacturer = "material_by_manufacturer"
	qMaterialBySupplier     = "material_by_supplier"
	qMaterialByCountry      = "material_by_country"
	qMaterialByDateCode     = "material_by_date_code"
	qProcessByStation       = "process_by_station"
	qProcessByRecipe        = "process_by_recipe"
	qProcessByStep          = "process_by_step"
	qTestsByType            = "tests_by_type"
	qTestsByFirmware        = "tests_by_firmware"
	qTestsByChecksum        = "tests_by_checksum"
	qPartNumbers            = "part_numbers"
)

func qNodePut(l tracegraph.Label) string       { return nodePutPrefix + string(l) }
func qNodeCreate(l tracegraph.Label) string    { return nodeCreatePrefix + string(l) }
func qEdgeAdd(t tracegraph.EdgeType) string    { return edgeAddPrefix + string(t) }
func qEdgeUpdate(t tracegraph.EdgeType) string { return edgeUpdPrefix + string(t) }

// queries holds the text of every query file by name.
type queries map[string]string

// loadQueries reads the embedded query files.
func loadQueries() (queries, error) {
	q := queries{}
	err := fs.WalkDir(queryFS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := queryFS.ReadFile(path)
		if err != nil {
			return err
		}
		q[strings.TrimSuffix(path, queryFileSuffix)] = string(b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read embedded queries: %w", err)
	}
	return q, nil
}

// text returns the query with this name; a missing one is a programming
// error that the tests catch, reported as an error all the same.
func (q queries) text(name string) (string, error) {
	t, ok := q[name]
	if !ok {
		return "", fmt.Errorf("no query file %s%s", name, queryFileSuffix)
	}
	return t, nil
}

// schema returns the schema statements, sorted by name, the index wait last.
func (q queries) schema() []string {
	var names []string
	for name := range q {
		if strings.HasPrefix(name, schemaPrefix) && name != qSchemaAwait {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}
