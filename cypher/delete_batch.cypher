// Test helper: empties the database a batch at a time. Only tests call it.
MATCH (n)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS n
