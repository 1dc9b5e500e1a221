package tracegraph

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ProductDefined is the data of product.defined: what a part number is, for
// labels and for the public page a customer reaches by scanning the product.
// A later product.defined for the same part number replaces the definition
// (see project_products.go).
type ProductDefined struct {
	PartNumber string `json:"partNumber"`
	// GTIN is the product's Global Trade Item Number: 8, 12, 13 or 14
	// digits with a valid check digit, kept as 14 digits. At most one
	// product has a GTIN.
	GTIN        string        `json:"gtin,omitempty"`
	Name        string        `json:"name"`
	Description string        `json:"description,omitempty"`
	Revision    string        `json:"revision,omitempty"`
	Links       []ProductLink `json:"links,omitempty"`
}

// ProductLink is one link a GS1 Digital Link resolver offers for a product:
// a GS1 link type (ProductLinkTypes), an absolute http(s) URL and a title
// for people.
type ProductLink struct {
	Type  string `json:"type"`
	Href  string `json:"href"`
	Title string `json:"title,omitempty"`
}

// Limits on product definitions.
const (
	MaxProductLinks        = 50
	MaxDescriptionLen      = 4000
	MaxHrefLen             = 2000
	LinkTypeServicePartner = "gs1:locationInfo"
)

// ProductLinkTypes returns the link types a product link may have: terms of the
// GS1 Web Vocabulary (https://ref.gs1.org/voc/) that matter for electronics.
// The service-partner finder is gs1:locationInfo (a map or locator of where
// to get the product serviced); gs1:serviceInfo is service and maintenance
// information.
func ProductLinkTypes() []string {
	return []string{
		"gs1:pip", "gs1:support", "gs1:instructions", "gs1:warranty", "gs1:accessories",
		"gs1:purchaseSuppliesOrAccessories", "gs1:locationInfo", "gs1:serviceInfo",
		"gs1:quickStartGuide", "gs1:safetyInfo", "gs1:certificationInfo", "gs1:recallStatus",
		"gs1:registerProduct", "gs1:faqs", "gs1:userAgreement", "gs1:whatsInTheBox",
		"gs1:relatedVideo", "gs1:tutorial", "gs1:sustainabilityInfo", "gs1:recyclingInfo",
		"gs1:masterData", "gs1:traceability", "gs1:dpp", "gs1:epil", "gs1:homepage",
		"gs1:defaultLink",
	}
}

func (p *ProductDefined) validate() *Error {
	if err := firstErr(key("partNumber", p.PartNumber), text("name", p.Name, true),
		text("revision", p.Revision, false), description("description", p.Description)); err != nil {
		return err
	}
	if p.GTIN != "" {
		g, ok := NormalizeIdentifier(SchemeGTIN, p.GTIN)
		if !ok {
			return gtinError("gtin", p.GTIN)
		}
		p.GTIN = g
	}
	if len(p.Links) > MaxProductLinks {
		return Errorf(CodeInvalid, "links", "links has more than %d entries", MaxProductLinks)
	}
	for i, l := range p.Links {
		f := fmt.Sprintf("links[%d]", i)
		if err := l.check(f); err != nil {
			return err
		}
		if slices.ContainsFunc(p.Links[:i], func(o ProductLink) bool { return o.Type == l.Type && o.Href == l.Href }) {
			return Errorf(CodeInvalid, f, "%s: the link %s %s is listed twice", f, l.Type, l.Href)
		}
	}
	return nil
}

// gtinError says why s is not a GTIN.
func gtinError(field, s string) *Error {
	switch {
	case !allDigits(s):
		return Errorf(CodeInvalid, field, "%s %q must be digits", field, s)
	case len(s) != 8 && len(s) != 12 && len(s) != 13 && len(s) != 14:
		return Errorf(CodeInvalid, field, "%s %q must have 8, 12, 13 or 14 digits, not %d", field, s, len(s))
	}
	return Errorf(CodeInvalid, field, "%s %s has a wrong check digit (want %c)", field, s, gs1CheckDigit(s[:len(s)-1]))
}

func (l ProductLink) check(f string) *Error {
	if l.Type == "" {
		return Errorf(CodeInvalid, f+".type", "%s.type is required (a GS1 link type such as gs1:pip)", f)
	}
	if !slices.Contains(ProductLinkTypes(), l.Type) {
		return Errorf(CodeInvalid, f+".type", "%s.type %q is not a known GS1 link type (one of %s)", f, l.Type, strings.Join(ProductLinkTypes(), ", "))
	}
	if err := firstErr(text(f+".title", l.Title, false), checkHref(f+".href", l.Href)); err != nil {
		return err
	}
	return nil
}

// checkHref refuses anything but an absolute http or https URL with a host.
func checkHref(field, s string) *Error {
	if s == "" {
		return Errorf(CodeInvalid, field, "%s is required (an absolute http or https URL)", field)
	}
	if len(s) > MaxHrefLen {
		return Errorf(CodeInvalid, field, "%s is longer than %d bytes", field, MaxHrefLen)
	}
	if err := checkText(field, s, MaxHrefLen, true); err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil || strings.ContainsAny(s, " \"<>\\^`{|}") {
		return Errorf(CodeInvalid, field, "%s %q is not a valid URL", field, s)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return Errorf(CodeInvalid, field, "%s %q must be an absolute http or https URL", field, s)
	}
	if u.Host == "" || u.Opaque != "" || u.User != nil {
		return Errorf(CodeInvalid, field, "%s %q must be an absolute http or https URL with a host and no user name", field, s)
	}
	return nil
}

// description checks free text that may span lines: like text, but longer
// and with line breaks and tabs allowed.
func description(field, s string) *Error {
	if s == "" {
		return nil
	}
	if len(s) > MaxDescriptionLen {
		return Errorf(CodeInvalid, field, "%s is longer than %d bytes", field, MaxDescriptionLen)
	}
	if !utf8.ValidString(s) {
		return Errorf(CodeInvalid, field, "%s is not valid UTF-8: text must be UTF-8", field)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return Errorf(CodeInvalid, field, "%s has a control character other than a line break or tab", field)
		}
	}
	if strings.TrimSpace(s) != s {
		return Errorf(CodeInvalid, field, "%s has leading or trailing spaces", field)
	}
	return nil
}

// ProductID returns the global ID of the product with this part number.
func ProductID(partNumber string) ID { return NewID(LabelProduct, partNumber) }
