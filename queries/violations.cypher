// name: violations
// title: Alleged violations of each arrangement: who accuses whom of what, and whether it is mutual
// description: Every violation accusation about a proposal (ceasefire, truce or agreement) made on
//   or before the date, as known on the date: only what articles published on or before it report
//   (every accusation, link, name and date), one row per accused side and alleged event. accuser
//   and accused are sides: the end of the claimant's (or the accused's) chain of represents links (a
//   spokesperson of a commission of a union counts for the union); stated_by is who made the claim.
//   mutual: the accused side also accuses the accuser of violating the same arrangement (as of the
//   date). denied_by: who denies the accusation. quote and article: the accusation's quote in the
//   first article that reports it. authorship: whether the alleged event's perpetrator (its `by`) is
//   only alleged or established, if the articles say. fatalities and wounded: the numbers of people
//   killed and wounded in the alleged event, if the articles give them.
// param proposal: iri(proposal) = none — only this arrangement (an id such as energy-infrastructure-truce)
// param actor: iri(actor) = none — only accusations by or against this actor: the claimant, the accused, or anyone up their represents chains (an id such as russia)
// param as_of: date = latest — answer as known on this date (YYYY-MM-DD): accusations made and reported on or before it
// columns: proposal, accuser, stated_by, accused, event, event_date: date, claimed_on: date, mutual: boolean, denied_by: list, quote, article, claim_id, authorship, fatalities: integer, wounded: integer
// known-by: as_of
//
// SPARQL version: violations.rq. Known on the date: a node's or relationship's `known` (and a value's
// `<name>__known`) is absent (known from the start) or on or before it.
// The accusations asked about, found from the proposal's or the actor's node when one is given (an
// index look-up) rather than by reading every accusation; the filters below decide as before.
CALL () {
  MATCH (:Resource {uri: $proposal})<-[:ABOUT_PROPOSAL]-(c:ViolationAccusation)
  RETURN c
  UNION
  MATCH (given:Resource {uri: $actor})
  WHERE $proposal IS NULL
  MATCH (given)<-[:REPRESENTS*0..5]-()<-[:CLAIMANT|ACCUSED]-(c:ViolationAccusation)
  RETURN c
  UNION
  WITH $actor IS NULL AND $proposal IS NULL AS every_accusation
  WHERE every_accusation
  MATCH (c:ViolationAccusation)
  RETURN c
}
MATCH (c)-[about:ABOUT_PROPOSAL]->(p), (c)-[claimant:CLAIMANT]->(by), (c)-[accused:ACCUSED]->(target)
WITH c, p, by, target, about, claimant, accused,
     CASE WHEN $as_of IS NULL OR c.date__known IS NULL OR c.date__known <= $as_of THEN c.date END AS claimed_on
WHERE ($proposal IS NULL OR p.uri = $proposal) AND ($as_of IS NULL OR claimed_on <= $as_of)
  AND ($as_of IS NULL OR all(known IN [c.known, about.known, claimant.known, accused.known] WHERE known IS NULL OR known <= $as_of))
MATCH by_chain = (by)-[:REPRESENTS*0..5]->(accuser)
WHERE all(r IN relationships(by_chain) WHERE $as_of IS NULL OR r.known IS NULL OR r.known <= $as_of)
  AND NOT EXISTS { MATCH (accuser)-[up:REPRESENTS]->() WHERE $as_of IS NULL OR up.known IS NULL OR up.known <= $as_of }
MATCH target_chain = (target)-[:REPRESENTS*0..5]->(target_side)
WHERE all(r IN relationships(target_chain) WHERE $as_of IS NULL OR r.known IS NULL OR r.known <= $as_of)
  AND NOT EXISTS { MATCH (target_side)-[up:REPRESENTS]->() WHERE $as_of IS NULL OR up.known IS NULL OR up.known <= $as_of }
  AND ($actor IS NULL OR any(n IN nodes(by_chain) + nodes(target_chain) WHERE n.uri = $actor))
WITH DISTINCT c, p, by, accuser, target_side, claimed_on
// Sorted here, before the look-ups below: Neo4j then streams the rows (and a page stops early).
WITH c, p, by, accuser, target_side, claimed_on, p.label AS proposal, c.factId AS claim_id, target_side.label AS accused
ORDER BY proposal, claimed_on, claim_id, accused
WITH c, p, by, accuser, target_side, claimed_on, proposal, claim_id, accused, EXISTS {
  MATCH (other:ViolationAccusation)-[other_about:ABOUT_PROPOSAL]->(p), (other)-[other_claimant:CLAIMANT]->(other_by),
        (other)-[other_accused:ACCUSED]->(other_target)
  WHERE ($as_of IS NULL OR all(known IN [other.known, other_about.known, other_claimant.known, other_accused.known]
                              WHERE known IS NULL OR known <= $as_of))
    AND ($as_of IS NULL OR (other.date <= $as_of
    AND (other.date__known IS NULL OR other.date__known <= $as_of)))
  MATCH their_accuser_chain = (other_by)-[:REPRESENTS*0..5]->(accuser_of_other)
  WHERE accuser_of_other = target_side
    AND all(r IN relationships(their_accuser_chain) WHERE $as_of IS NULL OR r.known IS NULL OR r.known <= $as_of)
  MATCH their_target_chain = (other_target)-[:REPRESENTS*0..5]->(target_of_other)
  WHERE target_of_other = accuser
    AND all(r IN relationships(their_target_chain) WHERE $as_of IS NULL OR r.known IS NULL OR r.known <= $as_of)
} AS mutual
CALL (c) {
  MATCH (c)-[evidence:EVIDENCE]->(q:Quote)-[in_article:IN_ARTICLE]->(a:Article)
  WHERE ($as_of IS NULL OR all(known IN [evidence.known, q.known, in_article.known, a.known] WHERE known IS NULL OR known <= $as_of))
  RETURN q AS quoted, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
CALL (c) {
  OPTIONAL MATCH (denial:Denial)-[denies:DENIES]->(c)
  WHERE $as_of IS NULL OR (denial.date <= $as_of
    AND (denial.date__known IS NULL OR denial.date__known <= $as_of)
        AND all(known IN [denial.known, denies.known] WHERE known IS NULL OR known <= $as_of))
  OPTIONAL MATCH (denial)-[denied_by:CLAIMANT]->(denier)
  WHERE $as_of IS NULL OR denied_by.known IS NULL OR denied_by.known <= $as_of
  RETURN collect(DISTINCT denier.label) AS denied_by
}
OPTIONAL MATCH (c)-[alleged:ALLEGED_EVENT]->(e)
WHERE $as_of IS NULL OR alleged.known IS NULL OR alleged.known <= $as_of
RETURN proposal, accuser.label AS accuser, by.label AS stated_by, accused,
       e.label AS event,
       CASE WHEN $as_of IS NULL OR e.date__known IS NULL OR e.date__known <= $as_of THEN e.date END AS event_date,
       claimed_on, mutual, denied_by, quoted.exact AS quote, article, claim_id,
       CASE WHEN $as_of IS NULL OR e.authorship__known IS NULL OR e.authorship__known <= $as_of THEN e.authorship END AS authorship,
       CASE WHEN $as_of IS NULL OR e.fatalities__known IS NULL OR e.fatalities__known <= $as_of THEN e.fatalities END AS fatalities,
       CASE WHEN $as_of IS NULL OR e.wounded__known IS NULL OR e.wounded__known <= $as_of THEN e.wounded END AS wounded
ORDER BY proposal, claimed_on, claim_id, accused, coalesce(event, '')
