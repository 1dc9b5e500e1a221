package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/label/labeltest"
	"github.com/tracegraph/tracegraph/server"
)

// labelFactoryUnits is the size of the generated factory the label and
// public page tests load: enough for a full pallet (40 boxes of 20
// products).
const labelFactoryUnits = 3200

// applyFactory applies a generated factory of units to st (server.ApplyFactory).
var applyFactory = server.ApplyFactory

// applyOne applies one event that must be accepted.
func applyOne(t *testing.T, st tracegraph.Store, line string) {
	t.Helper()
	ev, err := tracegraph.DecodeEvent([]byte(line))
	if err != nil {
		t.Fatalf("decode %s: %v", line, err)
	}
	outs, err := st.Apply(context.Background(), []*tracegraph.Event{ev}, tracegraph.ApplyOptions{})
	if err != nil || outs[0].Status != tracegraph.OutcomeAccepted {
		t.Fatalf("apply %s: %v %+v", line, err, outs)
	}
}

func TestLabels(t *testing.T) {
	const public = "https://id.example.com"
	st := freshStore(t)
	sum := applyFactory(t, st, labelFactoryUnits, nil)
	f := sum.Facts
	if f.Product == "" || f.ProductBox == "" || f.Pallet == "" {
		t.Fatalf("the factory of %d units lacks a product, box or pallet: %+v", labelFactoryUnits, f)
	}
	ts := startWith(t, st, func(c *server.Config) { c.PublicURL = public })
	ctx := context.Background()
	unit, err := st.Node(ctx, tracegraph.ID("Unit:"+f.Product))
	if err != nil {
		t.Fatal(err)
	}
	box, err := st.Node(ctx, tracegraph.ID("Box:"+f.ProductBox))
	if err != nil {
		t.Fatal(err)
	}
	gtin := f.ProductGTIN
	if !tracegraph.ValidGTIN(gtin) {
		t.Fatalf("the factory's product GTIN %q is not valid", gtin)
	}
	boxSSCC := box.Str("sscc")
	if !tracegraph.ValidSSCC(boxSSCC) || !tracegraph.ValidSSCC(f.PalletSSCC) {
		t.Fatalf("box SSCC %q, pallet SSCC %q: want valid SSCCs", boxSSCC, f.PalletSSCC)
	}
	created := unit.Time("createdAt").UTC().Format("060102")
	dir := t.TempDir()
	tests := []struct {
		name, path, accept string
		twoD               bool
		want               string // decoded, GS as the decoder reports it
		ext                string
	}{
		{"unit PNG", "/api/v1/labels/Unit:" + f.Product, "", true, "\x1d01" + gtin + "21" + f.Product, "png"},
		{"unit PDF by Accept", "/api/v1/labels/Unit:" + f.Product, "application/pdf", true, "\x1d01" + gtin + "21" + f.Product, "pdf"},
		{"unit by its serial, with date and lot, SVG", "/api/v1/labels/" + f.Product + "?format=svg&date=true&lot=true", "", true,
			"\x1d01" + gtin + "11" + created + "21" + f.Product + "\x1d10" + unit.Str("workOrder"), "svg"},
		{"unit Digital Link", "/api/v1/labels/Unit:" + f.Product + "?link=true", "", true, public + "/01/" + gtin + "/21/" + f.Product, "png"},
		{"box", "/api/v1/labels/Box:" + f.ProductBox, "image/svg+xml;q=0.5, image/png", false, "00" + boxSSCC, "png"},
		{"pallet by its SSCC scan, PDF", "/api/v1/labels/" + "(00)" + f.PalletSSCC + "?format=pdf", "", false, "00" + f.PalletSSCC, "pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := ts.send(t, http.MethodGet, tt.path, map[string]string{"Accept": tt.accept}, nil)
			if status != http.StatusOK {
				t.Fatalf("GET %s = %d %s", tt.path, status, body)
			}
			if ct := h.Get("Content-Type"); !strings.Contains(ct, map[string]string{"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml"}[tt.ext]) {
				t.Errorf("Content-Type = %q, want %s", ct, tt.ext)
			}
			file := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+"."+tt.ext)
			if err := os.WriteFile(file, body, 0o644); err != nil {
				t.Fatal(err)
			}
			got := labeltest.Decode(t, file, tt.twoD)
			if got != tt.want {
				t.Errorf("decoded label of %s = %q, want %q", tt.path, got, tt.want)
			}
			// A phone that scans the Digital Link opens the unit's public page.
			if path, ok := strings.CutPrefix(got, public); ok {
				status, _, page := ts.send(t, http.MethodGet, path, nil, nil)
				if status != http.StatusOK || !strings.Contains(string(page), f.Product) {
					t.Errorf("GET %s (the scanned link) = %d %s, want the public page of %s", path, status, page, f.Product)
				}
			}
		})
	}
	t.Run("ZPL", func(t *testing.T) {
		status, _, body := ts.send(t, http.MethodGet, "/api/v1/labels/Pallet:"+f.Pallet+"?format=zpl", nil, nil)
		zpl := string(body)
		if status != http.StatusOK || !strings.HasPrefix(zpl, "^XA") || !strings.Contains(zpl, "^BCN,") ||
			!strings.Contains(zpl, "^FD>;>800"+f.PalletSSCC+"^FS") || !strings.HasSuffix(zpl, "^XZ\n") {
			t.Errorf("pallet ZPL = %d\n%s", status, zpl)
		}
		if want := "Contents: 40 boxes"; !strings.Contains(zpl, want) {
			t.Errorf("pallet ZPL lacks %q:\n%s", want, zpl)
		}
	})
	errs := []struct {
		path        string
		status      int
		code, field string
	}{
		{"/api/v1/labels/Unit:" + f.Product + "?format=gif", 400, "INVALID", "format"},
		{"/api/v1/labels/Unit:" + f.Product + "?link=maybe", 400, "INVALID", "link"},
		{"/api/v1/labels/Unit:NO-SUCH", 404, "NOT_FOUND", ""},
		{"/api/v1/labels/NO-SUCH-CODE", 404, "NOT_FOUND", "id"},
		{"/api/v1/labels/Unit:" + f.ProductPCBA, 400, "INVALID", "id"}, // a PCBA: its part number is no product with a GTIN
		{"/api/v1/labels/Shipment:" + f.Shipment, 400, "INVALID", "id"},
	}
	for _, e := range errs {
		status, _, body := ts.send(t, http.MethodGet, e.path, nil, nil)
		var got struct{ Error tracegraph.Error }
		_ = json.Unmarshal(body, &got)
		if status != e.status || string(got.Error.Code) != e.code || (e.field != "" && got.Error.Field != e.field) {
			t.Errorf("GET %s = %d %s, want %d %s field %q", e.path, status, body, e.status, e.code, e.field)
		}
	}
}
