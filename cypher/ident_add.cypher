// OpAddIdentifier. $batch.rows: [{scheme, value, node}].
UNWIND $batch.rows AS row
MERGE (i:Identifier {scheme: row.scheme, value: row.value})
SET i.node = row.node
RETURN count(i) AS n
