// name: scope-disputes
// title: Agreements whose scope actors read differently: who says what
// description: Proposals with scope interpretations (claims of which scopes a proposal covers) by
//   two different sides that name different scopes, as of the date; every interpretation of such a
//   proposal is listed. People count for the actor they represent. scopes: the scopes the claim
//   says the proposal covers; proposal_scope: the scopes the proposal was declared with. quote and
//   article: the claim's quote in the first article that reports it.
// param proposal: iri(proposal) = none — only this proposal (an id such as energy-infrastructure-truce)
// param as_of: date = latest — only interpretations made on or before this date (YYYY-MM-DD)
// columns: proposal, actor, claimed_by, scopes: list, reading, proposal_scope: list, date: date, quote, article, claim_id
//
// SPARQL version: scope-disputes.rq.
MATCH (c:ScopeInterpretation)-[:ABOUT_PROPOSAL]->(p), (c)-[:CLAIMANT]->(by)
WHERE ($proposal IS NULL OR p.uri = $proposal) AND ($as_of IS NULL OR c.date <= $as_of)
OPTIONAL MATCH (by)-[:REPRESENTS]->(rep)
WITH c, p, by, coalesce(rep, by) AS side
OPTIONAL MATCH (c)-[:CLAIMED_SCOPE]->(scope)
WITH c, p, by, side, collect(DISTINCT scope.uri) AS scope_uris
WITH p, collect({claim: c, by: by, side: side, scopes: scope_uris}) AS readings
WHERE any(one IN readings WHERE any(other IN readings WHERE one.side <> other.side
        AND any(uri IN one.scopes WHERE NOT uri IN other.scopes)))
UNWIND readings AS reading
WITH p, reading.claim AS c, reading.by AS by, reading.side AS side, reading.scopes AS scope_uris
CALL (c) {
  MATCH (c)-[:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a:Article)
  RETURN q.exact AS quote, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
OPTIONAL MATCH (p)-[:SCOPE]->(declared)
WITH p, c, by, side, scope_uris, quote, article, collect(DISTINCT last(split(declared.uri, '/'))) AS proposal_scope
RETURN p.label AS proposal, side.label AS actor, by.label AS claimed_by,
       [uri IN scope_uris | last(split(uri, '/'))] AS scopes, c.text AS reading, proposal_scope,
       c.date AS date, quote, article, c.factId AS claim_id
ORDER BY proposal, actor, date, claim_id
