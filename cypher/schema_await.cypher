// Wait until every index is online (seconds).
CALL db.awaitIndexes($seconds)
