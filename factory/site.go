package factory

import (
	"fmt"

	"github.com/tracegraph/tracegraph"
)

// A site is one plant of the manufacturer. Runs with different Config.Site
// codes name everything they create differently, so that their streams can go
// into one store side by side:
//
//   - Keys and other names (serials, lots, reels, paste jars, wafer batches,
//     component serials and their lots, work orders, boxes, pallets,
//     shipments, customer serials, stations, operators) get the site code
//     and a dash in front: "S2-BGW0000001", "S2-R00000001", "S2-SMT1-PRN".
//     A site code has no dash, so the names of two sites never meet, nor do
//     they meet the names of a run without a site.
//   - Event ids become "<site>-f<seed>-<n>".
//   - Numbers come from a block of the site (siteBlock): IMEIs from a type
//     allocation code of the site per family, MACs from a locally
//     administered range of the site, SSCCs from a range of serial
//     references of the site behind an extension digit 1 to 9 (runs
//     without a site use extension digit 0).
//
// Suppliers, customers, part numbers and firmware are the same at every site.
// The site changes no random draw: a run with a site is the run without one,
// renamed.

// maxSiteLen is the longest site code.
const maxSiteLen = 8

// siteBlocks is the number of number blocks (IMEI, MAC, SSCC) sites are
// spread over. shortSites is the number of codes of 1 to 3 characters: each
// of them has a block of its own; longer codes are hashed into the rest.
const (
	siteBlocks = 200_000
	shortSites = 36 + 36*36 + 36*36*36 // 47,988
)

// Per-site capacities of the number blocks.
const (
	siteTACBase      = 35_000_000     // first site TAC: sites use 35000000 to 35799999
	siteIMEIs        = 999_999        // IMEIs per family: the serial numbers 000001 to 999999 of one TAC
	siteMACs         = 1<<24 - 1      // MACs: 24 bits under the site's 24-bit prefix
	sitePallets      = 45_000         // SSCCs: serial references per site
	siteSSCCRefFirst = 1_000_000_000  // extension digit and serial reference of the first site SSCC
	siteBoxes        = 450_000        // box SSCCs: serial references per site
	siteBoxRefFirst  = 10_000_000_000 // extension digit and serial reference of the first site box SSCC
)

// checkSite reports whether site is a valid site code: 1 to 8 characters of
// A-Z and 0-9.
func checkSite(site string) error {
	ok := len(site) >= 1 && len(site) <= maxSiteLen
	for i := 0; ok && i < len(site); i++ {
		c := site[i]
		ok = c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	if !ok {
		return fmt.Errorf("generate: site %q must be 1 to %d characters of A-Z and 0-9", site, maxSiteLen)
	}
	return nil
}

// siteBlock returns the number block of a valid site code, in [0, siteBlocks).
// Codes of 1 to 3 characters are numbered in bijective base 36 and each gets
// a block of its own, so they never share numbers. IMEIs, MACs and SSCCs have
// far fewer digits than there are codes of 8 characters, so longer codes are
// hashed into the remaining 152,012 blocks: two such codes share a block
// with a chance of about 1 in 150,000. Choose short codes to be sure.
func siteBlock(site string) int {
	if len(site) <= 3 {
		k := 0
		for i := range len(site) {
			k = k*36 + siteDigit(site[i]) + 1
		}
		return k - 1
	}
	h := uint64(14695981039346656037) // FNV-1a, then the splitmix64 finalizer
	for i := range len(site) {
		h ^= uint64(site[i])
		h *= 1099511628211
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return shortSites + int(h%(siteBlocks-shortSites))
}

// siteDigit is the value of a site code character: 0-9 then A-Z.
func siteDigit(c byte) int {
	if c <= '9' {
		return int(c - '0')
	}
	return int(c-'A') + 10
}

// siteTAC returns the type allocation code of family fi of nf families at
// the site with block b: with the catalogue's 4 families TACs 35000000 to
// 35799999, away from the families' own TACs (3592... and up) that runs
// without a site use (TestSiteBlocks checks both).
func siteTAC(b, fi, nf int) string {
	return pad("", siteTACBase+b*nf+fi, 8)
}

// siteMACBase returns the first MAC address value of the site with block b
// minus one. The first octet is 0x22, 0x26, 0x2A or 0x2E (locally
// administered, unicast, never the 0x0A of runs without a site), the next two
// octets are the low 16 bits of the block, and the last three count.
func siteMACBase(b int) uint64 {
	octet0 := uint64(0x22 + 4*(b>>16))
	return octet0<<40 | uint64(b&0xFFFF)<<24
}

// sscc returns the SSCC of the n-th pallet: extension digit 0 and serial
// reference n without a site, and with a site a range of sitePallets numbers
// behind extension digits 1 to 9.
func (g *gen) sscc(n int) string {
	if g.site == "" {
		return tracegraph.SSCCFor(0, gs1Prefix+pad("", n, 9))
	}
	v := siteSSCCRefFirst + g.block*sitePallets + n - 1
	return tracegraph.SSCCFor(byte(v/1_000_000_000), gs1Prefix+pad("", v%1_000_000_000, 9))
}

// boxSSCC returns the SSCC of the n-th box: a second company prefix of the
// factory (boxPrefix, 6 digits, so 10-digit serial references), extension
// digit 0 and serial reference n without a site, and with a site a range
// of siteBoxes numbers behind extension digits 1 to 9 (as sscc does for
// pallets).
func (g *gen) boxSSCC(n int) string {
	if g.site == "" {
		return tracegraph.SSCCFor(0, boxPrefix+pad("", n, 10))
	}
	v := siteBoxRefFirst + g.block*siteBoxes + n - 1
	return tracegraph.SSCCFor(byte(v/siteBoxRefFirst), boxPrefix+pad("", v%siteBoxRefFirst, 10))
}

// key returns prefix and n zero-padded to width digits, with the site's
// prefix in front: the key of the n-th item of a kind.
func (g *gen) key(prefix string, n, width int) string {
	if g.sp == "" {
		return pad(prefix, n, width)
	}
	return pad(g.sp+prefix, n, width)
}

// checkSiteCapacity refuses a site run that would use up a number block: more
// than siteIMEIs products of a family with IMEIs, more than siteMACs products
// or more than sitePallets pallets.
func (g *gen) checkSiteCapacity(perFamily []int) error {
	total := 0
	for i, n := range perFamily {
		total += n
		if f := g.cat.families[i]; f.tac != "" && n > siteIMEIs {
			return fmt.Errorf("generate: site %s: %d units plan %d %s products, more than the %d IMEIs of a site",
				g.site, g.cfg.Units, n, f.code, siteIMEIs)
		}
	}
	if total > siteMACs || total/(BoxSize*PalletSize) > sitePallets || total/BoxSize > siteBoxes {
		return fmt.Errorf("generate: site %s: %d units plan %d products, more than the MACs or SSCCs of a site",
			g.site, g.cfg.Units, total)
	}
	return nil
}
