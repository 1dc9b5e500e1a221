// Package label draws the labels of units, boxes and pallets: the content
// tracegraph.LabelData says a label carries, as PNG, SVG, PDF or ZPL (Zebra
// printers).
//
// A unit's label is a GS1 Data Matrix (ECC 200) with FNC1 and the element
// string, or a Data Matrix of the GS1 Digital Link URI, beside the serial,
// part number and revision. A box's or pallet's label is an SSCC label: a
// GS1-128 (Code 128 with FNC1) of (00) the SSCC, its human-readable
// interpretation, and what the container holds.
//
// The symbols come from github.com/boombuler/barcode; this package adds the
// GS1 part: FNC1 first and as the separator after variable-length fields
// (tracegraph.ElementString.Encode), as the Data Matrix codeword 232 and the
// Code 128 FNC1 character. Every format draws the same layout, measured in
// millimetres, with the X dimension (one module) of XDim.
package label
