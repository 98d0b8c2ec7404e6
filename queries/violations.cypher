// name: violations
// title: Alleged violations of each arrangement: who accuses whom of what, and whether it is mutual
// description: Every violation accusation about a proposal (ceasefire, truce or agreement) made on
//   or before the date, one row per accused side and alleged event. accuser and accused are sides
//   (people and ministries count for the actor they represent); stated_by is who made the claim.
//   mutual: the accused side also accuses the accuser of violating the same arrangement (as of the
//   date). denied_by: who denies the accusation. quote and article: the accusation's quote in the
//   first article that reports it.
// param proposal: iri(proposal) = none — only this arrangement (an id such as energy-infrastructure-truce)
// param actor: iri(actor) = none — only accusations by or against this side, or made by this person (an id such as russia)
// param as_of: date = latest — only accusations made on or before this date (YYYY-MM-DD)
// columns: proposal, accuser, stated_by, accused, event, event_date: date, claimed_on: date, mutual: boolean, denied_by: list, quote, article, claim_id
//
// SPARQL version: violations.rq.
MATCH (c:ViolationAccusation)-[:ABOUT_PROPOSAL]->(p), (c)-[:CLAIMANT]->(by), (c)-[:ACCUSED]->(target)
WHERE ($proposal IS NULL OR p.uri = $proposal) AND ($as_of IS NULL OR c.date <= $as_of)
OPTIONAL MATCH (by)-[:REPRESENTS]->(by_rep)
OPTIONAL MATCH (target)-[:REPRESENTS]->(target_rep)
WITH c, p, by, coalesce(by_rep, by) AS accuser, coalesce(target_rep, target) AS target_side
WHERE $actor IS NULL OR accuser.uri = $actor OR by.uri = $actor OR target_side.uri = $actor
WITH DISTINCT c, p, by, accuser, target_side
WITH c, p, by, accuser, target_side, EXISTS {
  MATCH (other:ViolationAccusation)-[:ABOUT_PROPOSAL]->(p), (other)-[:CLAIMANT]->(other_by),
        (other)-[:ACCUSED]->(other_target)
  WHERE $as_of IS NULL OR other.date <= $as_of
  OPTIONAL MATCH (other_by)-[:REPRESENTS]->(other_by_rep)
  OPTIONAL MATCH (other_target)-[:REPRESENTS]->(other_target_rep)
  WITH other, coalesce(other_by_rep, other_by) AS their_accuser, coalesce(other_target_rep, other_target) AS their_target
  WHERE their_accuser = target_side AND their_target = accuser
} AS mutual
CALL (c) {
  MATCH (c)-[:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a:Article)
  RETURN q.exact AS quote, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
CALL (c) {
  OPTIONAL MATCH (denial:Denial)-[:DENIES]->(c)
  WHERE $as_of IS NULL OR denial.date <= $as_of
  OPTIONAL MATCH (denial)-[:CLAIMANT]->(denier)
  RETURN collect(DISTINCT denier.label) AS denied_by
}
OPTIONAL MATCH (c)-[:ALLEGED_EVENT]->(e)
RETURN p.label AS proposal, accuser.label AS accuser, by.label AS stated_by, target_side.label AS accused,
       e.label AS event, e.date AS event_date, c.date AS claimed_on, mutual, denied_by, quote, article,
       c.factId AS claim_id
ORDER BY proposal, claimed_on, claim_id, accused, coalesce(event, '')
