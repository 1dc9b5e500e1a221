// Package factory generates the event stream of a synthetic electronics
// contract manufacturer: the reference factory that tests, demos and
// benchmarks import (PERFORMANCE.md).
//
// The factory builds four product families. A finished product is one main
// PCBA (about 60 part numbers), one or two serialized sub-modules (about 20
// part numbers each), purchased serialized components (a radio module on the
// PCBA, a battery in the product) and a few mechanical lots. Material arrives
// on reels that feed hundreds of boards; at a splice the line knows only a
// window, so about one consumption in 50 is recorded as two CANDIDATE links,
// and coating and screws are known only per work order (ORDER). A few ICs come
// from wafer batches through supplier lots split into reels. Units are tested
// (SPI, AOI, ICT, FCT with measurements and firmware) and processed (print,
// place, reflow, ... with parameters), some are reworked or scrapped, finished
// products get an IMEI, a MAC and sometimes a customer serial, and are packed
// into boxes of 20 and pallets of 40 boxes and shipped to a handful of
// customers. The most recent products stay in the house.
//
// A run may belong to a site (Config.Site): then every key, identifier and
// event id it creates is the site's own, so runs of several sites can be
// applied to one store together, as the plants of one company would.
//
// Generate is deterministic for a Config (same bytes for the same seed), emits
// events in time order, and uses memory bounded by the size of a work order,
// not by the number of units.
package factory
