// The first $limit events with $after < seq < $before whose time is in
// [$timeFrom, $timeTo), in log order: the EPCIS events query by event time.
// It seeks the window in the event time index (schema_event_time) and
// orders what it holds after the page's start.
MATCH (e:Event) USING INDEX e:Event(time)
WHERE e.time >= $timeFrom AND e.time < $timeTo AND e.seq > $after AND e.seq < $before
RETURN e.record AS record
ORDER BY e.seq
LIMIT $limit
