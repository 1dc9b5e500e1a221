package factory

import (
	"github.com/tracegraph/tracegraph"
)

// productURL is where the factory's product pages live (example.com: a
// domain that names no real company).
const productURL = "https://products.example.com/"

// productGTIN returns the GTIN-14 of a family's finished product: the
// company prefix of the SSCCs, item reference 00100, 00200, ... and the
// check digit, as GTIN-13 padded with a zero.
func productGTIN(f *family) string {
	body := gs1Prefix + pad("", 100*(f.idx+1), 5)
	return tracegraph.GTIN14(body + string(tracegraph.GS1CheckDigit(body)))
}

// productDefinition is the product.defined of a family's finished product,
// with the links its public page offers.
func productDefinition(f *family) *tracegraph.ProductDefined {
	page := productURL + f.productPN
	return &tracegraph.ProductDefined{
		PartNumber: f.productPN, GTIN: productGTIN(f), Name: f.name, Revision: f.productRev,
		Description: f.name + " (family " + f.code + "), made by the reference factory.",
		Links: []tracegraph.ProductLink{
			{Type: "gs1:pip", Href: page, Title: f.name},
			{Type: "gs1:support", Href: page + "/support", Title: "Support"},
			{Type: "gs1:instructions", Href: page + "/manual.pdf", Title: "User manual"},
			{Type: "gs1:warranty", Href: page + "/warranty", Title: "Warranty"},
			{Type: "gs1:accessories", Href: page + "/accessories", Title: "Accessories"},
			{Type: tracegraph.LinkTypeServicePartner, Href: productURL + "service-partners?product=" + f.productPN, Title: "Find a service partner"},
		},
	}
}

// defineProducts records what each family's finished product is, before
// anything is built: product engineering (station ENG) releases it, signed
// off by the family's final assembly crew.
func (g *gen) defineProducts() {
	for _, f := range g.cat.families {
		g.emit(tracegraph.EventProductDefined, g.sp+"ENG", g.op(areaFA(f)), productDefinition(f))
	}
}
