// Test helper: empties the database a batch at a time (the schema stays).
// Only tests run it, through cypher/internal/testserver.
MATCH (n)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS n
