// Events by event time: the EPCIS events query's GE_eventTime /
// LT_eventTime (events_in_time) seeks through it rather than reading the
// log.
CREATE INDEX event_time IF NOT EXISTS
FOR (e:Event) ON (e.time)
