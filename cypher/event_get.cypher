// Recorded events by id, with the id of the event that voided each (null).
// $ids: event ids.
UNWIND $ids AS id
MATCH (e:Event {id: id}) USING INDEX e:Event(id)
RETURN e.id AS id, e.record AS record, e.voidedBy AS voidedBy
