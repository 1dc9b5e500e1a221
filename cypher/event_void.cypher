// OpVoidEvent. $rows: [{event, by}].
UNWIND $rows AS row
MATCH (e:Event {id: row.event})
SET e.voidedBy = row.by
RETURN count(e) AS n
