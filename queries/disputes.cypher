// name: disputes
// title: How each side reads a deal's scope and terms, and who reads it differently
// description: For each proposal, every reading of it made on or before the date, as known on it
//   (reported by an article published by then): readings of its scope (scope interpretations:
//   scopes) and of its terms (terms interpretations: what it includes and excludes). side: the
//   side that gave the reading, the end of the represents chain of claimed_by (who gave it).
//   differs_from: the other sides whose reading of the same kind (scope or terms) names other
//   scopes, or other included or excluded terms, by the date. quote and article: the reading's
//   quote in the first article that reports it.
// param proposal: iri(proposal) = none — only this proposal (an id such as energy-infrastructure-truce)
// param as_of: date = latest — as known on this date: readings made and reported on or before it (YYYY-MM-DD)
// example: as_of=2025-03-18 — as known on 18 March 2025, before the call
// columns: proposal, kind, side, claimed_by, scopes: list, includes: list, excludes: list, differs_from: list, date: date, quote, article, claim_id
// known-by: as_of
//
// SPARQL version: disputes.rq. Time: every node and relationship read is filtered on its `known`
// date (absent = known from the start), and the terms on their `__known` dates.
MATCH (c:Claim)-[about:ABOUT_PROPOSAL]->(p), (c)-[made:CLAIMANT]->(by)
WHERE (c:ScopeInterpretation OR c:TermsInterpretation) AND ($proposal IS NULL OR p.uri = $proposal)
  AND ($as_of IS NULL OR (c.date <= $as_of AND (c.known IS NULL OR c.known <= $as_of)
       AND (about.known IS NULL OR about.known <= $as_of) AND (made.known IS NULL OR made.known <= $as_of)))
MATCH chain = (by)-[:REPRESENTS*0..5]->(side)
WHERE all(r IN relationships(chain) WHERE $as_of IS NULL OR r.known IS NULL OR r.known <= $as_of)
  AND NOT EXISTS { (side)-[up:REPRESENTS]->() WHERE $as_of IS NULL OR up.known IS NULL OR up.known <= $as_of }
CALL (c) {
  OPTIONAL MATCH (c)-[claimed:CLAIMED_SCOPE]->(scope)
  WHERE $as_of IS NULL OR claimed.known IS NULL OR claimed.known <= $as_of
  RETURN collect(DISTINCT last(split(scope.uri, '/'))) AS scopes
}
// A literal property holds one value as a scalar, several as a list; `__known` is shaped like it.
WITH p, c, by, side, scopes,
     CASE WHEN c.includesTerm IS NULL THEN [] WHEN c.includesTerm IS :: LIST<ANY> THEN c.includesTerm
          ELSE [c.includesTerm] END AS included,
     CASE WHEN c.includesTerm__known IS NULL THEN null WHEN c.includesTerm__known IS :: LIST<ANY>
          THEN c.includesTerm__known ELSE [c.includesTerm__known] END AS included_known,
     CASE WHEN c.excludesTerm IS NULL THEN [] WHEN c.excludesTerm IS :: LIST<ANY> THEN c.excludesTerm
          ELSE [c.excludesTerm] END AS excluded,
     CASE WHEN c.excludesTerm__known IS NULL THEN null WHEN c.excludesTerm__known IS :: LIST<ANY>
          THEN c.excludesTerm__known ELSE [c.excludesTerm__known] END AS excluded_known
WITH p, c, by, side, scopes,
     [i IN range(0, size(included) - 1) WHERE $as_of IS NULL OR included_known IS NULL
        OR included_known[i] IS NULL OR included_known[i] <= $as_of | included[i]] AS includes,
     [i IN range(0, size(excluded) - 1) WHERE $as_of IS NULL OR excluded_known IS NULL
        OR excluded_known[i] IS NULL OR excluded_known[i] <= $as_of | excluded[i]] AS excludes
WITH p, collect({claim: c, by: by, side: side, kind: CASE WHEN c:ScopeInterpretation THEN 'scope' ELSE 'terms' END,
                 scopes: scopes, includes: includes, excludes: excludes}) AS readings
UNWIND readings AS reading
WITH p, reading, [other IN readings WHERE other.kind = reading.kind AND other.side <> reading.side
      AND (any(x IN other.scopes WHERE NOT x IN reading.scopes) OR any(x IN reading.scopes WHERE NOT x IN other.scopes)
        OR any(x IN other.includes WHERE NOT x IN reading.includes) OR any(x IN reading.includes WHERE NOT x IN other.includes)
        OR any(x IN other.excludes WHERE NOT x IN reading.excludes) OR any(x IN reading.excludes WHERE NOT x IN other.excludes))
      | other.side.label] AS differing
WITH p, reading, reading.claim AS c, differing
CALL (c) {
  MATCH (c)-[evidence:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a:Article)
  WHERE $as_of IS NULL OR evidence.known IS NULL OR evidence.known <= $as_of
  RETURN q AS quoted, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
RETURN p.label AS proposal, reading.kind AS kind, reading.side.label AS side, reading.by.label AS claimed_by,
       reading.scopes AS scopes, reading.includes AS includes, reading.excludes AS excludes,
       reduce(seen = [], name IN differing | CASE WHEN name IN seen THEN seen ELSE seen + name END) AS differs_from, c.date AS date, quoted.exact AS quote, article, c.factId AS claim_id
ORDER BY proposal, kind, side, date, claim_id
