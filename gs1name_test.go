package tracegraph_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tracegraph/tracegraph"
)

func TestGS1Name(t *testing.T) {
	products := map[string]string{"900-V1": "09506000134352", "CAP-100": "4012345000108"}
	gtinOf := func(_ context.Context, pn string) (string, error) {
		if pn == "BROKEN" {
			return "", errors.New("the store is down")
		}
		return products[pn], nil
	}
	node := func(l tracegraph.Label, key string, props map[string]any) *tracegraph.Node {
		return &tracegraph.Node{ID: tracegraph.NewID(l, key), Label: l, Props: props}
	}
	tests := []struct {
		name string
		n    *tracegraph.Node
		want string
	}{
		{"unit of a product with a GTIN", node(tracegraph.LabelUnit, "SN-1", map[string]any{"partNumber": "900-V1"}), "https://id.gs1.org/01/09506000134352/21/SN-1"},
		{"unit with its own GTIN identifier", node(tracegraph.LabelUnit, "SN-2", map[string]any{"partNumber": "700-X", "identifiers": map[string]any{"GTIN": "4012345000108"}}), "https://id.gs1.org/01/04012345000108/21/SN-2"},
		{"unit without a GTIN", node(tracegraph.LabelUnit, "SN-3", map[string]any{"partNumber": "700-X"}), ""},
		{"serial percent-encoded", node(tracegraph.LabelUnit, "A/B+1", map[string]any{"partNumber": "900-V1"}), "https://id.gs1.org/01/09506000134352/21/A%2FB%2B1"},
		{"serial longer than (21) allows", node(tracegraph.LabelUnit, "SN-123456789012345678901", map[string]any{"partNumber": "900-V1"}), ""},
		{"serial outside character set 82", node(tracegraph.LabelUnit, "SN 1", map[string]any{"partNumber": "900-V1"}), ""},
		{"component", node(tracegraph.LabelComponent, "C-9", map[string]any{"partNumber": "CAP-100"}), "https://id.gs1.org/01/04012345000108/21/C-9"},
		{"lot of a part number with a GTIN", node(tracegraph.LabelMaterialLot, "CAP-L1", map[string]any{"partNumber": "CAP-100"}), "https://id.gs1.org/01/04012345000108/10/CAP-L1"},
		{"lot without one", node(tracegraph.LabelMaterialLot, "R-1", map[string]any{"partNumber": "RES-1"}), ""},
		{"box with an SSCC", node(tracegraph.LabelBox, "BOX-1", map[string]any{"sscc": "004012345000000012"}), "https://id.gs1.org/00/004012345000000012"},
		{"pallet without one", node(tracegraph.LabelPallet, "PAL-1", nil), ""},
		{"station", node(tracegraph.LabelStation, "SMT-1", nil), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tracegraph.GS1Name(context.Background(), tt.n, gtinOf)
			if err != nil || got != tt.want {
				t.Errorf("GS1Name(%s) = %q, %v; want %q", tt.n.ID, got, err, tt.want)
			}
		})
	}
	if _, err := tracegraph.GS1Name(context.Background(), node(tracegraph.LabelMaterialLot, "X", map[string]any{"partNumber": "BROKEN"}), gtinOf); err == nil {
		t.Error("GS1Name of a lot whose product cannot be read: no error")
	}
}
