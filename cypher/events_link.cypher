// The node → event index behind NodeEvents. $batch.seqs: the events' seqs,
// distinct; $batch.rows: [{node, events}], each node once with the indexes
// into $batch.seqs of the events that changed it. Each event and each node
// is sought once, however many links it has; an event missing, or no row.
UNWIND range(0, size($batch.seqs) - 1) AS i
MATCH (e:Event {seq: $batch.seqs[i]}) USING INDEX e:Event(seq)
WITH i, e ORDER BY i
WITH collect(e) AS evs
WHERE size(evs) = size($batch.seqs)
UNWIND $batch.rows AS row
MATCH (n:Node {id: row.node}) USING INDEX n:Node(id)
UNWIND row.events AS j
WITH evs[j] AS e, n
CREATE (e)-[c:CHANGED]->(n)
RETURN count(c) AS n
