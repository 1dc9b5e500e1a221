// The ids of every node on hold, for a recall that did not read each
// node's holds as it walked: $limit bounds the HAS_HOLD relationships read
// (holds, from the count store); with more, ids is empty and the recall
// reads its units' holds instead. Reading every hold once is cheaper than
// a check per node reached (a walk of its relationships) while holds are
// fewer than the units a recall reaches.
CALL () {
  MATCH ()-[r:HAS_HOLD]->()
  RETURN count(r) AS holds
}
CALL (holds) {
  WITH holds WHERE holds <= $limit
  MATCH (n:Node)-[:HAS_HOLD]->(:Hold)
  RETURN collect(DISTINCT n.id) AS ids
}
RETURN holds, ids
