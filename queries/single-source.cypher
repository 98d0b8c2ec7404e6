// name: single-source
// title: Claims backed by only one article or only one side
// description: Claims whose backing is thin: the claim itself plus the other claims about the same
//   events (denials excepted, and a denial is backed by itself only) appear in only one article, or
//   are all made by one side (a side is the end of the claimant's chain of represents links: a
//   spokesperson of a commission of a union counts for the union), as known on the date: only the
//   claims, claimants, events and articles reported on or before it. articles:
//   how many articles report the claim or a corroborating one; sides: the sides that make them;
//   reason: one article, one side, or both. quote and article: the claim's quote in the first
//   article that reports it.
// param actor: iri(actor) = none — only claims made by this actor, or by anyone whose represents chain leads to it (an id such as ukraine)
// param as_of: date = latest — answer as known on this date (YYYY-MM-DD): only articles published on or before it count
// columns: claim, type, claimed_by: list, articles: integer, sides: list, reason, quote, article, claim_id
// known-by: as_of
//
// SPARQL version: single-source.rq. Known on the date: a node's or relationship's `known` (and a value's
// `<name>__known`) is absent (known from the start) or on or before it.
// The claims asked about: when an actor is given, those it (or anyone whose represents chain leads
// to it) makes, found from its node (an index look-up) rather than by reading every claim.
CALL () {
  MATCH (:Resource {uri: $actor})<-[:REPRESENTS*0..5]-()<-[:CLAIMANT]-(c:Claim)
  RETURN c
  UNION
  WITH $actor IS NULL AS every_claim
  WHERE every_claim
  MATCH (c:Claim)
  RETURN c
}
WITH c
WHERE ($as_of IS NULL OR c.known IS NULL OR c.known <= $as_of)
  AND ($actor IS NULL OR EXISTS {
    MATCH (c)-[made:CLAIMANT]->(who), chain = (who)-[:REPRESENTS*0..5]->(actor)
    WHERE actor.uri = $actor
      AND all(r IN [made] + relationships(chain) WHERE $as_of IS NULL OR r.known IS NULL OR r.known <= $as_of)
  })
CALL (c) {
  MATCH (c)-[evidence:EVIDENCE]->(q:Quote)-[in_article:IN_ARTICLE]->(a:Article)
  WHERE ($as_of IS NULL OR all(known IN [evidence.known, q.known, in_article.known, a.known] WHERE known IS NULL OR known <= $as_of))
  RETURN q AS quoted, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
// Sorted here, before the backing is worked out: most claims qualify, so a page needs the backing of
// little more than its own rows (Neo4j streams the rest).
WITH c, quoted, article, c.factId AS claim_id
ORDER BY article, claim_id
CALL (c) {
  OPTIONAL MATCH (c)-[alleges:ALLEGED_EVENT]->(e)<-[also_alleges:ALLEGED_EVENT]-(other:Claim)
  WHERE other <> c AND NOT other:Denial AND NOT c:Denial
    AND ($as_of IS NULL OR all(known IN [alleges.known, also_alleges.known, other.known] WHERE known IS NULL OR known <= $as_of))
  WITH c, collect(DISTINCT other) AS others
  UNWIND [c] + others AS backing
  MATCH (backing)-[made:CLAIMANT]->(claimant)
  WHERE $as_of IS NULL OR made.known IS NULL OR made.known <= $as_of
  MATCH chain = (claimant)-[:REPRESENTS*0..5]->(side)
  WHERE all(r IN relationships(chain) WHERE $as_of IS NULL OR r.known IS NULL OR r.known <= $as_of)
    AND NOT EXISTS { MATCH (side)-[up:REPRESENTS]->() WHERE $as_of IS NULL OR up.known IS NULL OR up.known <= $as_of }
  WITH backing, side
  MATCH (backing)-[evidence:EVIDENCE]->(q:Quote)-[in_article:IN_ARTICLE]->(a:Article)
  WHERE ($as_of IS NULL OR all(known IN [evidence.known, q.known, in_article.known, a.known] WHERE known IS NULL OR known <= $as_of))
  RETURN count(DISTINCT a) AS articles, count(DISTINCT side) AS side_count, collect(DISTINCT side.label) AS sides
}
WITH c, quoted, article, claim_id, articles, side_count, sides
WHERE articles = 1 OR side_count = 1
CALL (c) {
  MATCH (c)-[made:CLAIMANT]->(claimant)
  WHERE $as_of IS NULL OR made.known IS NULL OR made.known <= $as_of
  RETURN collect(DISTINCT claimant.label) AS claimed_by
}
RETURN c.label AS claim,
       CASE WHEN c:ViolationAccusation THEN 'violation-accusation'
            WHEN c:ScopeInterpretation THEN 'scope-interpretation'
            WHEN c:Forecast THEN 'forecast' WHEN c:Denial THEN 'denial'
            WHEN c:Statement THEN 'statement'
            WHEN c:Accusation THEN 'accusation' WHEN c:TermsInterpretation THEN 'terms-interpretation' ELSE 'claim' END AS type,
       claimed_by, articles, sides,
       CASE WHEN articles = 1 AND side_count = 1 THEN 'one article, one side'
            WHEN articles = 1 THEN 'one article' ELSE 'one side' END AS reason,
       quoted.exact AS quote, article, claim_id
ORDER BY article, claim_id
