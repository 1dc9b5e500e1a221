package embedded

import (
	"bytes"
	"context"
	"strconv"
	"strings"

	"github.com/tracegraph/tracegraph"
)

// Units implements tracegraph.Graph. Units come in the order they were first
// recorded; the cursor is that position.
func (s *Store) Units(ctx context.Context, f tracegraph.UnitFilter, page tracegraph.Page) (*tracegraph.UnitPage, error) {
	if err := page.Normalize(); err != nil {
		return nil, err
	}
	after := -1
	if page.After != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(page.After, "u"))
		if err != nil || !strings.HasPrefix(page.After, "u") || n < 0 {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "after", "cursor %q is not one this service gave out", page.After)
		}
		after = n
	}
	var wantStatus uint8
	if f.Status != "" {
		var ok bool
		if wantStatus, ok = statusCodes[strings.ToUpper(f.Status)]; !ok {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "status", "status %q is not one of WIP, COMPLETED, SHIPPED, SCRAPPED", f.Status)
		}
	}
	needProps := !f.CreatedFrom.IsZero() || !f.CreatedTo.IsZero()
	prefix := []byte("Unit:" + f.SerialPrefix)
	unit := uint8(tracegraph.LabelUnit.Code())

	s.mu.RLock()
	t := s.t
	var part uint32
	if f.PartNumber != "" {
		var ok bool
		if part, ok = t.partIx[f.PartNumber]; !ok {
			s.mu.RUnlock()
			return &tracegraph.UnitPage{}, nil
		}
	}
	// Candidates: the units of a work order, or every node.
	var cands []uint32
	all := true
	if f.WorkOrder != "" {
		all = false
		wo, ok := t.lookup(tracegraph.NewID(tracegraph.LabelWorkOrder, f.WorkOrder))
		if ok {
			forOrder := uint8(tracegraph.EdgeForOrder.Code())
			t.in.each(wo, func(e uint32) bool {
				if t.emeta[e]&emTypeMask == forOrder && t.emeta[e]&emVoided == 0 {
					cands = append(cands, t.er[e].src)
				}
				return true
			})
		}
	}
	match := func(i uint32) bool {
		if t.label[i] != unit || t.flags[i]&flVoided != 0 {
			return false
		}
		if wantStatus != 0 && t.status[i] != wantStatus {
			return false
		}
		if part != 0 && t.part[i] != part {
			return false
		}
		if f.OnHold != nil && (t.flags[i]&flHeld != 0) != *f.OnHold {
			return false
		}
		return bytes.HasPrefix(t.nameBytes(i), prefix)
	}
	var hits []uint32
	n := len(cands)
	if all {
		n = t.nodeCount()
	}
	for k := 0; k < n; k++ {
		i := uint32(k)
		if !all {
			i = cands[k]
		}
		if match(i) {
			hits = append(hits, i)
		}
	}
	// In the order they were recorded; the cursor is the persisted index.
	t.sortByDisk(hits)
	ids := make([]tracegraph.ID, len(hits))
	for k, i := range hits {
		ids[k] = t.name(i)
		hits[k] = t.diskIndex(i)
	}
	s.mu.RUnlock()

	out := &tracegraph.UnitPage{}
	for k, i := range hits {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var node *tracegraph.Node
		if needProps {
			var err error
			if node, err = s.viewNode(ids[k]); err != nil {
				return nil, err
			}
			c := node.Time("createdAt")
			if (!f.CreatedFrom.IsZero() && c.Before(f.CreatedFrom)) || (!f.CreatedTo.IsZero() && !c.Before(f.CreatedTo)) {
				continue
			}
		}
		out.TotalCount++
		if int(i) <= after || len(out.Units) > page.First {
			continue
		}
		if node == nil {
			var err error
			if node, err = s.viewNode(ids[k]); err != nil {
				return nil, err
			}
		}
		out.Units = append(out.Units, node)
		out.Cursors = append(out.Cursors, "u"+strconv.Itoa(int(i)))
	}
	if len(out.Units) > page.First {
		out.Units, out.Cursors, out.HasNextPage = out.Units[:page.First], out.Cursors[:page.First], true
	}
	return out, nil
}
