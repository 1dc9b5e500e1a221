// Every identifier with one of these values, any scheme. $values: values.
UNWIND $values AS v
MATCH (i:Identifier {value: v}) USING INDEX i:Identifier(value)
RETURN i.scheme AS scheme, i.value AS value, i.node AS node
ORDER BY value, scheme, node
