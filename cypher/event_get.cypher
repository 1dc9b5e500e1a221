MATCH (e:Event {id: $id})
RETURN e.record AS record, e.voidedBy AS voidedBy
