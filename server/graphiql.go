package server

// GenericExamples are queries that answer on any data, without a code.
func GenericExamples() []Example {
	return []Example{
		{Name: "Units: the first page", Query: `query Units {
  units(first: 10) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id serial partNumber status onHold createdAt identifiers { scheme value } } }
  }
}`},
		{Name: "Stats: what the store holds", Query: `{ stats { events nodes edges diskBytes } }`},
	}
}

// DefaultExamples are the IDE's queries when the server is not given any:
// the generic ones first, then templates to fill with real codes (use
// lookup or the first page of units to find some).
func DefaultExamples() []Example {
	return append(GenericExamples(), []Example{
		{Name: "Lookup: whatever was scanned", Query: `query Lookup($code: String!) {
  lookup(code: $code) {
    __typename
    id
    ... on Unit { serial partNumber status identifiers { scheme value } }
    ... on MaterialLot { partNumber supplier dateCode }
    ... on Pallet { sscc }
  }
}`, Variables: `{"code": "SN000001"}`},
		{Name: "Trace: full genealogy of a unit", Query: `query Genealogy($id: ID!) {
  trace(from: [$id], direction: UPSTREAM, edgeTypes: [CONTAINS, CONSUMED, DERIVED_FROM]) {
    truncated
    nodes {
      totalCount
      edges {
        depth
        precision
        node {
          __typename
          id
          ... on Unit { partNumber status }
          ... on Component { partNumber manufacturer }
          ... on MaterialLot { partNumber supplier dateCode }
          ... on WaferBatch { manufacturer fab }
        }
      }
    }
  }
}`, Variables: `{"id": "Unit:SN000001"}`},
		{Name: "Recall: what a lot or wafer batch reaches", Query: `query Recall($suspects: [ID!]!) {
  recallImpact(suspects: $suspects) {
    confirmedCounts { total shipped inHouse scrapped }
    possibleCounts { total shipped inHouse scrapped }
    customers { node { id } confirmed possible }
    confirmed(first: 20) { totalCount edges { precision node { id partNumber status } } }
  }
}`, Variables: `{"suspects": ["WaferBatch:W1"]}`},
	}...)
}
