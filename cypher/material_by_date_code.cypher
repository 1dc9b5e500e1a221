// Material by date code alone: the live lots and components whose date code
// lies in [$dateFrom, $dateTo] (strings; Go passes 0000 and 9999 for open
// ends and checks the YYWW form with tracegraph.MaterialFilter.Match).
MATCH (n:MaterialLot) USING INDEX n:MaterialLot(dateCode)
WHERE n.dateCode >= $dateFrom AND n.dateCode <= $dateTo
RETURN n.id AS id, n._label AS label, n.partNumber AS partNumber, n.mpn AS mpn,
  n.manufacturer AS manufacturer, n.supplier AS supplier,
  n.countryOfOrigin AS countryOfOrigin, n.dateCode AS dateCode
UNION ALL
MATCH (n:Component) USING INDEX n:Component(dateCode)
WHERE n.dateCode >= $dateFrom AND n.dateCode <= $dateTo
RETURN n.id AS id, n._label AS label, n.partNumber AS partNumber, n.mpn AS mpn,
  n.manufacturer AS manufacturer, n.supplier AS supplier,
  n.countryOfOrigin AS countryOfOrigin, n.dateCode AS dateCode
