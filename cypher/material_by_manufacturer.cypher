// Material by manufacturer ($value), for FindMaterial and for recalls and
// where-used questions by a MaterialFilter: the live nodes with the
// properties the filter reads. The filter's other fields are checked in Go
// (tracegraph.MaterialFilter.Match). Voided nodes have lost their label.
MATCH (n:MaterialLot {manufacturer: $value}) USING INDEX n:MaterialLot(manufacturer)
RETURN n.id AS id, n._label AS label, n.partNumber AS partNumber, n.mpn AS mpn,
  n.manufacturer AS manufacturer, n.supplier AS supplier,
  n.countryOfOrigin AS countryOfOrigin, n.dateCode AS dateCode
UNION ALL
MATCH (n:Component {manufacturer: $value}) USING INDEX n:Component(manufacturer)
RETURN n.id AS id, n._label AS label, n.partNumber AS partNumber, n.mpn AS mpn,
  n.manufacturer AS manufacturer, n.supplier AS supplier,
  n.countryOfOrigin AS countryOfOrigin, n.dateCode AS dateCode
UNION ALL
MATCH (n:WaferBatch {manufacturer: $value}) USING INDEX n:WaferBatch(manufacturer)
RETURN n.id AS id, n._label AS label, n.partNumber AS partNumber, n.mpn AS mpn,
  n.manufacturer AS manufacturer, n.supplier AS supplier,
  n.countryOfOrigin AS countryOfOrigin, n.dateCode AS dateCode
