// An additional number (scheme, value) names at most one node.
CREATE CONSTRAINT identifier_scheme_value IF NOT EXISTS
FOR (i:Identifier) REQUIRE (i.scheme, i.value) IS UNIQUE
