package cypher

import (
	"regexp"
	"strings"
	"testing"
)

// TestWriteQueriesReadListsFromBatch: every statement the write path runs
// (persist's planned statements and the prefetch's nodes_by_key) reads its
// list from the map $batch (batchParams), never from a list parameter of
// its own, which Neo4j plans again for each size class of the list (1, up
// to 10, 100, 1,000, more: a compile of tens of milliseconds each, and
// entries that crowd the query cache).
func TestWriteQueriesReadListsFromBatch(t *testing.T) {
	q, err := loadQueries()
	if err != nil {
		t.Fatal(err)
	}
	write := regexp.MustCompile(`^(node_put_|node_create_|edge_add_|edge_update_)|^(node_void|events_create|events_link|event_void|hold_add|hold_remove|ident_add|ident_remove|nodes_by_key)$`)
	ownList := regexp.MustCompile(`UNWIND \$[A-Za-z_]+ AS`)
	n := 0
	for name, text := range q {
		if !write.MatchString(name) {
			continue
		}
		n++
		body := stripComments(text)
		if m := ownList.FindString(body); m != "" {
			t.Errorf("%s.cypher: %q: read the list from $batch (batchParams)", name, m)
		}
		if !strings.Contains(body, "UNWIND $batch.") {
			t.Errorf("%s.cypher does not read its rows from $batch", name)
		}
	}
	if n < 40 {
		t.Errorf("%d write queries checked: the pattern no longer names them", n)
	}
	if got := batchParams(map[string]any{"rows": []any{1}}); len(got) != 1 || got["batch"] == nil {
		t.Errorf("batchParams = %v, want the one parameter batch", got)
	}
}
