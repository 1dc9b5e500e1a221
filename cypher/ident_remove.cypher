// OpRemoveIdentifier. $batch.rows: [{scheme, value, node}].
UNWIND $batch.rows AS row
MATCH (i:Identifier {scheme: row.scheme, value: row.value}) USING INDEX i:Identifier(scheme, value)
WHERE i.node = row.node
DELETE i
RETURN count(*) AS n
