// name: single-source
// title: Claims backed by only one article or only one side
// description: Claims whose backing is thin: the claim itself plus the other claims about the same
//   events (denials excepted, and a denial is backed by itself only) appear in only one article, or
//   are all made by one side (people and ministries count for the actor they represent). articles:
//   how many articles report the claim or a corroborating one; sides: the sides that make them;
//   reason: one article, one side, or both. quote and article: the claim's quote in the first
//   article that reports it.
// param actor: iri(actor) = none — only claims made by this side or person (an id such as ukraine)
// columns: claim, type, claimed_by: list, articles: integer, sides: list, reason, quote, article, claim_id
//
// SPARQL version: single-source.rq.
MATCH (c:Claim)
WHERE $actor IS NULL OR EXISTS {
  MATCH (c)-[:CLAIMANT]->(who)
  WHERE who.uri = $actor OR EXISTS { MATCH (who)-[:REPRESENTS]->(side) WHERE side.uri = $actor }
}
CALL (c) {
  OPTIONAL MATCH (c)-[:ALLEGED_EVENT]->(e)<-[:ALLEGED_EVENT]-(other:Claim)
  WHERE other <> c AND NOT other:Denial AND NOT c:Denial
  WITH c, collect(DISTINCT other) AS others
  UNWIND [c] + others AS backing
  MATCH (backing)-[:CLAIMANT]->(claimant)
  OPTIONAL MATCH (claimant)-[:REPRESENTS]->(rep)
  WITH backing, coalesce(rep, claimant) AS side
  MATCH (backing)-[:EVIDENCE]->(:Quote)-[:IN_ARTICLE]->(a:Article)
  RETURN count(DISTINCT a) AS articles, count(DISTINCT side) AS side_count, collect(DISTINCT side.label) AS sides
}
WITH c, articles, side_count, sides
WHERE articles = 1 OR side_count = 1
CALL (c) {
  MATCH (c)-[:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a:Article)
  RETURN q.exact AS quote, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
CALL (c) {
  MATCH (c)-[:CLAIMANT]->(claimant)
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
       quote, article, c.factId AS claim_id
ORDER BY article, claim_id
