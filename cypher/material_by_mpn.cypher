// Material by manufacturer part number ($value), for FindMaterial and for recalls and
// where-used questions by a MaterialFilter: the live nodes with the
// properties the filter reads. The filter's other fields are checked in Go
// (tracegraph.MaterialFilter.Match). Voided nodes have lost their label.
MATCH (n:MaterialLot {mpn: $value}) USING INDEX n:MaterialLot(mpn)
RETURN n.id AS id, n._label AS label, n.partNumber AS partNumber, n.mpn AS mpn,
  n.manufacturer AS manufacturer, n.supplier AS supplier,
  n.countryOfOrigin AS countryOfOrigin, n.dateCode AS dateCode
UNION ALL
MATCH (n:Component {mpn: $value}) USING INDEX n:Component(mpn)
RETURN n.id AS id, n._label AS label, n.partNumber AS partNumber, n.mpn AS mpn,
  n.manufacturer AS manufacturer, n.supplier AS supplier,
  n.countryOfOrigin AS countryOfOrigin, n.dateCode AS dateCode
