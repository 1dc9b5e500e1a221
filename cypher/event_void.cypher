// OpVoidEvent. $batch.rows: [{event, by}].
UNWIND $batch.rows AS row
MATCH (e:Event {id: row.event}) USING INDEX e:Event(id)
SET e.voidedBy = row.by
RETURN count(e) AS n
