// name: accusations
// title: Who accuses whom of what, with or without an arrangement in force
// description: Every accusation made on or before the date, as known on it (reported by an article
//   published by then): violation accusations about an arrangement (charge violation) and
//   accusations that need none (escalation, deception, attack-on-civilians, bad-faith, other).
//   accuser: the side that made it, the end of the represents chain of made_by (who made it);
//   accused: the sides accused. proposal: the arrangement it is about, if any; events: the events
//   it alleges. denied_by: who denied it by the date. mutual: an accused side also accused the
//   accuser's side of anything by the date. quote and article: its quote in the first article that
//   reports it.
// param actor: iri(actor) = none — only accusations by or against this actor, or by or against those who speak for it (an id such as russia)
// param as_of: date = latest — as known on this date: accusations made and reported on or before it (YYYY-MM-DD)
// param proposal: iri(proposal) = none — only accusations about this arrangement (an id such as energy-infrastructure-truce)
// param without_proposal: boolean = false — true: only accusations about no arrangement (those whose proposal is empty)
// example: as_of=2025-03-19 — as known on 19 March 2025, before the April article
// example: actor=ukraine — accusations by or against Ukraine
// example: without_proposal=true — accusations about no arrangement
// columns: accuser, made_by, accused: list, charge, proposal, events: list, date: date, denied_by: list, mutual: boolean, quote, article, claim_id
// known-by: as_of
//
// SPARQL version: accusations.rq. Time: every node and relationship read is filtered on its
// `known` date (absent = known from the start); a side is the end of a REPRESENTS chain known by then.
MATCH (c:Claim)-[made:CLAIMANT]->(by)
WHERE (c:Accusation OR c:ViolationAccusation)
  AND ($as_of IS NULL OR (c.date <= $as_of AND (c.known IS NULL OR c.known <= $as_of)
       AND (made.known IS NULL OR made.known <= $as_of)))
  AND ($proposal IS NULL OR EXISTS {
    MATCH (c)-[about:ABOUT_PROPOSAL]->(p) WHERE p.uri = $proposal AND ($as_of IS NULL OR about.known IS NULL OR about.known <= $as_of)
  })
  AND (coalesce($without_proposal, false) = false OR NOT EXISTS {
    MATCH (c)-[about:ABOUT_PROPOSAL]->(p) WHERE p.label IS NOT NULL AND ($as_of IS NULL OR about.known IS NULL OR about.known <= $as_of)
  })
MATCH by_chain = (by)-[:REPRESENTS*0..5]->(accuser)
WHERE all(r IN relationships(by_chain) WHERE $as_of IS NULL OR r.known IS NULL OR r.known <= $as_of)
  AND NOT EXISTS { (accuser)-[up:REPRESENTS]->() WHERE $as_of IS NULL OR up.known IS NULL OR up.known <= $as_of }
CALL (c) {
  OPTIONAL MATCH (c)-[a:ACCUSED]->(target)
  WHERE $as_of IS NULL OR a.known IS NULL OR a.known <= $as_of
  OPTIONAL MATCH chain = (target)-[:REPRESENTS*0..5]->(side)
  WHERE all(r IN relationships(chain) WHERE $as_of IS NULL OR r.known IS NULL OR r.known <= $as_of)
    AND NOT EXISTS { (side)-[up:REPRESENTS]->() WHERE $as_of IS NULL OR up.known IS NULL OR up.known <= $as_of }
  UNWIND CASE WHEN chain IS NULL THEN [null] ELSE nodes(chain) END AS on_chain
  RETURN collect(DISTINCT side) AS accused_sides, collect(DISTINCT on_chain.uri) AS accused_chains
}
WITH c, by, accuser, by_chain, accused_sides, accused_chains
WHERE $actor IS NULL OR any(n IN nodes(by_chain) WHERE n.uri = $actor) OR $actor IN accused_chains
WITH c, by, accuser, accused_sides, EXISTS {
  MATCH (other:Claim)-[other_made:CLAIMANT]->(other_by), (other)-[other_accused:ACCUSED]->(other_target)
  WHERE (other:Accusation OR other:ViolationAccusation)
    AND ($as_of IS NULL OR (other.date <= $as_of AND (other.known IS NULL OR other.known <= $as_of)
         AND (other_made.known IS NULL OR other_made.known <= $as_of)
         AND (other_accused.known IS NULL OR other_accused.known <= $as_of)))
  MATCH their_chain = (other_by)-[:REPRESENTS*0..5]->(their_accuser)
  WHERE their_accuser IN accused_sides
    AND all(r IN relationships(their_chain) WHERE $as_of IS NULL OR r.known IS NULL OR r.known <= $as_of)
  MATCH target_chain = (other_target)-[:REPRESENTS*0..5]->(accuser)
  WHERE all(r IN relationships(target_chain) WHERE $as_of IS NULL OR r.known IS NULL OR r.known <= $as_of)
} AS mutual
CALL (c) {
  OPTIONAL MATCH (c)-[charged:CHARGE]->(charge)
  WHERE $as_of IS NULL OR charged.known IS NULL OR charged.known <= $as_of
  WITH c, min(last(split(charge.uri, '/'))) AS charge_id
  RETURN CASE WHEN c:ViolationAccusation THEN 'violation' ELSE charge_id END AS charge
}
CALL (c) {
  OPTIONAL MATCH (c)-[about:ABOUT_PROPOSAL]->(p)
  WHERE $as_of IS NULL OR about.known IS NULL OR about.known <= $as_of
  RETURN min(p.label) AS proposal
}
CALL (c) {
  OPTIONAL MATCH (c)-[alleged:ALLEGED_EVENT]->(e)
  WHERE $as_of IS NULL OR alleged.known IS NULL OR alleged.known <= $as_of
  RETURN collect(DISTINCT e.label) AS events
}
CALL (c) {
  OPTIONAL MATCH (denial:Denial)-[denies:DENIES]->(c)
  WHERE $as_of IS NULL OR (denial.date <= $as_of AND (denial.known IS NULL OR denial.known <= $as_of)
        AND (denies.known IS NULL OR denies.known <= $as_of))
  OPTIONAL MATCH (denial)-[denied:CLAIMANT]->(denier)
  WHERE $as_of IS NULL OR denied.known IS NULL OR denied.known <= $as_of
  RETURN collect(DISTINCT denier.label) AS denied_by
}
CALL (c) {
  MATCH (c)-[evidence:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a:Article)
  WHERE $as_of IS NULL OR evidence.known IS NULL OR evidence.known <= $as_of
  RETURN q AS quoted, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
RETURN accuser.label AS accuser, by.label AS made_by, [side IN accused_sides | side.label] AS accused, charge,
       proposal, events, c.date AS date, denied_by, mutual, quoted.exact AS quote, article, c.factId AS claim_id
ORDER BY date, claim_id, accuser, made_by
