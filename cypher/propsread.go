package cypher

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
)

var _ tracegraph.PropsReader = (*Store)(nil)

// ReadProps implements tracegraph.PropsReader: the properties keys of the
// live nodes ids, in one auto-commit statement (node_props.cypher, one
// record) per maxRows ids, each reading only the properties asked for,
// where Nodes reads each node whole with its holds, a record per node, in
// a transaction of its own. Like Nodes it is one read of the store, not a
// snapshot read.
func (s *Store) ReadProps(ctx context.Context, ids []tracegraph.ID, keys []string, found []bool, out []tracegraph.PropValue) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	clear(found)
	names := storedNames(keys)
	at := make(map[tracegraph.ID][]int, len(ids)) // an id asked twice gets both rows
	for i, id := range ids {
		at[id] = append(at[id], i)
	}
	err := s.readEach(ctx, func(tx runner) error {
		clear(found)
		for list := idStrings(ids); len(list) > 0; {
			n := min(len(list), maxRows)
			params := map[string]any{"ids": list[:n], "names": names}
			err := s.each(ctx, tx, qNodeProps, params, func(rec *neo4j.Record) error {
				rows, err := value[[]any](rec, "rows")
				if err != nil {
					return err
				}
				for _, r := range rows {
					if err := setProps(r, keys, at, found, out); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			list = list[n:]
		}
		return nil
	})
	return opError("read properties", err)
}

// storedNames are the Neo4j properties that may hold each of keys, two per
// key: the key itself (a string, number or boolean; never for a reserved
// name) and its JSON-encoded form (encodeProps).
func storedNames(keys []string) []string {
	names := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		plain := k
		if reservedProp(k) {
			plain = jsonPrefix + k // never stored plain: read the JSON form twice
		}
		names = append(names, plain, jsonPrefix+k)
	}
	return names
}

// setProps sets what a row of node_props.cypher, [id, plain, json, plain,
// json, …] (storedNames), says of each key, as decodeNode would have set
// Props: a plain value as plainValue makes it, a JSON one decoded.
func setProps(row any, keys []string, at map[tracegraph.ID][]int, found []bool, out []tracegraph.PropValue) error {
	r, ok := row.([]any)
	if !ok || len(r) != 1+2*len(keys) {
		return fmt.Errorf("node props: row %v is not a list of %d", row, 1+2*len(keys))
	}
	id, ok := r[0].(string)
	if !ok {
		return fmt.Errorf("node props: row %v without an id", r)
	}
	for _, i := range at[tracegraph.ID(id)] {
		found[i] = true
		for k, key := range keys {
			plain, js := r[1+2*k], r[2+2*k]
			var v any
			has := false
			switch {
			case js != nil:
				s, ok := js.(string)
				if !ok {
					return fmt.Errorf("node %s: property %s is %T, not a JSON string", id, jsonPrefix+key, js)
				}
				if err := json.Unmarshal([]byte(s), &v); err != nil {
					return fmt.Errorf("node %s: property %s: %w", id, jsonPrefix+key, err)
				}
				has = true
			case plain != nil:
				v, has = plainValue(plain), true
			}
			out[i*len(keys)+k] = tracegraph.PropValueOf(v, has)
		}
	}
	return nil
}
