// OpVoidEvent. $rows: [{event, by}].
UNWIND $rows AS row
MATCH (e:Event {id: row.event}) USING INDEX e:Event(id)
SET e.voidedBy = row.by
RETURN count(e) AS n
