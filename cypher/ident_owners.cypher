// Every identifier with this value, any scheme.
MATCH (i:Identifier {value: $value})
RETURN i.scheme AS scheme, i.value AS value, i.node AS node
ORDER BY scheme, node
