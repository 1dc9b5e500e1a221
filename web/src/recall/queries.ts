// The recall report's GraphQL operations and its request, as URL parameters.

/** What a recall starts from: suspect IDs and/or a material description. */
export interface RecallRequest {
  suspects: string[];
  material: Record<string, string>;
  history: boolean;
}

/** The material fields a recall takes (MaterialFilter), with their labels. */
export const MATERIAL_FIELDS: [string, string][] = [
  ['supplier', 'Supplier'],
  ['manufacturer', 'Manufacturer'],
  ['mpn', 'Manufacturer part number (MPN)'],
  ['partNumber', 'Our part number'],
  ['dateCodeFrom', 'Date code from (YYWW)'],
  ['dateCodeTo', 'Date code to (YYWW)'],
  ['countryOfOrigin', 'Country of origin'],
];

/** The request in URL query parameters (suspect repeated, the material fields, history). */
export function requestFromQuery(q: URLSearchParams): RecallRequest {
  const material: Record<string, string> = {};
  for (const [f] of MATERIAL_FIELDS) {
    const v = q.get(f)?.trim();
    if (v) material[f] = v;
  }
  return { suspects: q.getAll('suspect').filter(Boolean), material, history: q.get('history') === 'true' };
}

/** The URL query of a request; the same parameters as GET /api/v1/export/recall. */
export function requestToQuery(r: RecallRequest): URLSearchParams {
  const q = new URLSearchParams();
  for (const s of r.suspects) q.append('suspect', s);
  for (const [f] of MATERIAL_FIELDS) if (r.material[f]) q.set(f, r.material[f]);
  if (r.history) q.set('history', 'true');
  return q;
}

/** The variables of recallImpact for a request. */
export function recallVariables(r: RecallRequest): Record<string, unknown> {
  return { suspects: r.suspects, material: Object.keys(r.material).length ? r.material : null, history: r.history || null };
}

export const REPORT = `query RecallReport($suspects: [ID!]!, $material: MaterialFilter, $history: Boolean) {
  recallImpact(suspects: $suspects, material: $material, history: $history) {
    suspects
    asOf
    matchedMaterial(first: 50) { totalCount edges { node { id } } }
    confirmedCounts { total shipped inHouse scrapped }
    possibleCounts { total shipped inHouse scrapped }
    products { node { id ... on Unit { partNumber } } confirmed possible }
    workOrders { node { id } confirmed possible }
    boxes { node { id } confirmed possible }
    pallets { node { id } confirmed possible }
    shipments { node { id } confirmed possible }
    customers { node { id } confirmed possible }
  }
}`;

const WHERE = `id serial partNumber shipment customer identifiers { scheme value }
  container { node { id ... on Box { container { node { id ... on Pallet { container { node { id } } } } } } ... on Pallet { container { node { id } } } } }`;

/** A page of affected units (confirmed or possible), with where they are and, optionally, their evidence. */
export function unitsQuery(which: 'confirmed' | 'possible', evidence: boolean): string {
  return `query RecallUnits($suspects: [ID!]!, $material: MaterialFilter, $history: Boolean, $first: Int, $after: String) {
  recallImpact(suspects: $suspects, material: $material, history: $history) {
    ${which}(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        precision depth status onHold
        node { ${WHERE} parent { node { id ... on Unit { ${WHERE} parent { node { id ... on Unit { ${WHERE} } } } } } } }
        ${evidence ? 'evidence { type source { id } target { id } precision }' : ''}
      }
    }
  }
}`;
}

export const CONTAIN = `mutation Contain($suspects: [ID!]!, $material: MaterialFilter, $reason: String!) {
  contain(suspects: $suspects, material: $material, reason: $reason) {
    containment material units placed alreadyPlaced refused refusals { id status error { code message } }
  }
}`;

export const RELEASE = `mutation Release($containment: ID!, $reason: String!) {
  releaseContainment(containment: $containment, reason: $reason) { containment released alreadyReleased kept refused }
}`;
