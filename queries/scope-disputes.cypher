// name: scope-disputes
// title: Agreements whose scope actors read differently: who says what
// description: Proposals with scope interpretations (claims of which scopes a proposal covers) by
//   two different sides that name different scopes, as known on the date: only what articles
//   published on or before it report (each interpretation, its scopes and text, the proposal's
//   declared scopes); every interpretation of such a proposal is listed. A side is the end of the
//   claimant's chain of represents links (a spokesperson of a commission of a union counts for the
//   union). scopes: the scopes the claim
//   says the proposal covers; proposal_scope: the scopes the proposal was declared with. quote and
//   article: the claim's quote in the first article that reports it.
// param proposal: iri(proposal) = none — only this proposal (an id such as energy-infrastructure-truce)
// param as_of: date = latest — answer as known on this date (YYYY-MM-DD): interpretations made and reported on or before it
// columns: proposal, actor, claimed_by, scopes: list, reading, proposal_scope: list, date: date, quote, article, claim_id
// known-by: as_of
//
// SPARQL version: scope-disputes.rq. Known on the date: a node's or relationship's `known` (and a value's
// `<name>__known`) is absent (known from the start) or on or before it.
// The claims asked about, found from the proposal's node when one is given (an index look-up).
CALL () {
  MATCH (:Resource {uri: $proposal})<-[:ABOUT_PROPOSAL]-(c:ScopeInterpretation)
  RETURN c
  UNION
  WITH $proposal IS NULL AS every_claim
  WHERE every_claim
  MATCH (c:ScopeInterpretation)
  RETURN c
}
MATCH (c)-[about:ABOUT_PROPOSAL]->(p), (c)-[claimant:CLAIMANT]->(by)
WITH c, p, by, about, claimant,
     CASE WHEN $as_of IS NULL OR c.date__known IS NULL OR c.date__known <= $as_of THEN c.date END AS date
WHERE ($proposal IS NULL OR p.uri = $proposal) AND ($as_of IS NULL OR date <= $as_of)
  AND ($as_of IS NULL OR all(known IN [c.known, about.known, claimant.known] WHERE known IS NULL OR known <= $as_of))
MATCH chain = (by)-[:REPRESENTS*0..5]->(side)
WHERE all(r IN relationships(chain) WHERE $as_of IS NULL OR r.known IS NULL OR r.known <= $as_of)
  AND NOT EXISTS { MATCH (side)-[up:REPRESENTS]->() WHERE $as_of IS NULL OR up.known IS NULL OR up.known <= $as_of }
OPTIONAL MATCH (c)-[claimed:CLAIMED_SCOPE]->(scope)
WHERE $as_of IS NULL OR claimed.known IS NULL OR claimed.known <= $as_of
WITH c, p, by, side, date, collect(DISTINCT scope.uri) AS scope_uris
WITH p, collect({claim: c, by: by, side: side, date: date, scopes: scope_uris}) AS readings
WHERE any(one IN readings WHERE any(other IN readings WHERE one.side <> other.side
        AND any(uri IN one.scopes WHERE NOT uri IN other.scopes)))
UNWIND readings AS reading
WITH p, reading.claim AS c, reading.by AS by, reading.side AS side, reading.date AS date, reading.scopes AS scope_uris
CALL (c) {
  MATCH (c)-[evidence:EVIDENCE]->(q:Quote)-[in_article:IN_ARTICLE]->(a:Article)
  WHERE $as_of IS NULL OR all(known IN [evidence.known, q.known, in_article.known, a.known] WHERE known IS NULL OR known <= $as_of)
  RETURN q AS quoted, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
OPTIONAL MATCH (p)-[declared_scope:SCOPE]->(declared)
WHERE $as_of IS NULL OR declared_scope.known IS NULL OR declared_scope.known <= $as_of
WITH p, c, by, side, date, scope_uris, quoted, article, collect(DISTINCT last(split(declared.uri, '/'))) AS proposal_scope
RETURN p.label AS proposal, side.label AS actor, by.label AS claimed_by,
       [uri IN scope_uris | last(split(uri, '/'))] AS scopes,
       CASE WHEN $as_of IS NULL OR c.text__known IS NULL OR c.text__known <= $as_of THEN c.text END AS reading,
       proposal_scope, date, quoted.exact AS quote, article, c.factId AS claim_id
ORDER BY proposal, actor, date, claim_id
