// name: agreements
// title: What each party has agreed to, and with whom
// description: For every side and proposal as of the date: listed when the side's current position
//   on it (its latest one by then that nothing of that date or earlier supersedes) accepts,
//   conditionally accepts or supports it, or, when the side has no position on it, when the
//   proposal's current status is agreed or in force and the side is one of its parties. People
//   count for the actor they represent. status: the proposal's status as of the date; stance and
//   held_by: the side's current position (empty for a party without one); conditions: the demands
//   it is conditioned on; counterparts: the proposal's other parties and its proposers.
// param actor: iri(actor) = none — only this side (an id such as ukraine)
// param as_of: date = latest — answer as of this date (YYYY-MM-DD); latest uses everything known
// columns: party, proposal, kind, status, stance, held_by, conditions: list, counterparts: list, proposal_id
//
// SPARQL version: agreements.rq.
CALL () {
  // Sides whose current position accepts, conditionally accepts or supports a proposal ...
  MATCH (pos:Position)-[:HOLDER]->(holder), (pos)-[:ON_PROPOSAL]->(p), (pos)-[:STANCE]->(stance)
  WHERE ($as_of IS NULL OR pos.asOf <= $as_of)
    AND NOT EXISTS { MATCH (newer:Position)-[:SUPERSEDES]->(pos) WHERE $as_of IS NULL OR newer.asOf <= $as_of }
  OPTIONAL MATCH (holder)-[:REPRESENTS]->(rep)
  WITH pos, holder, p, stance, coalesce(rep, holder) AS side
  WHERE stance.uri IN ['https://w3id.org/ceasefire-kg/stance/accepts',
                       'https://w3id.org/ceasefire-kg/stance/conditionally-accepts',
                       'https://w3id.org/ceasefire-kg/stance/supports']
    AND NOT EXISTS {
      MATCH (later:Position)-[:ON_PROPOSAL]->(p), (later)-[:HOLDER]->(later_holder)
      WHERE later.asOf > pos.asOf AND ($as_of IS NULL OR later.asOf <= $as_of)
        AND (later_holder = side OR EXISTS { (later_holder)-[:REPRESENTS]->(side) })
    }
  RETURN side, p, pos, holder
  UNION
  // ... and parties without a position on a proposal that is agreed or in force.
  MATCH (p:Proposal)-[:PARTY]->(party)
  OPTIONAL MATCH (party)-[:REPRESENTS]->(rep)
  WITH DISTINCT p, coalesce(rep, party) AS side
  WHERE NOT EXISTS {
    MATCH (any:Position)-[:ON_PROPOSAL]->(p), (any)-[:HOLDER]->(any_holder)
    WHERE ($as_of IS NULL OR any.asOf <= $as_of)
      AND (any_holder = side OR EXISTS { (any_holder)-[:REPRESENTS]->(side) })
      AND NOT EXISTS { MATCH (newer:Position)-[:SUPERSEDES]->(any) WHERE $as_of IS NULL OR newer.asOf <= $as_of }
  }
  CALL (p) {
    MATCH (p)-[:STATUS_RECORD]->(record:StatusRecord)
    WHERE $as_of IS NULL OR record.asOf <= $as_of
    WITH p, max(record.asOf) AS latest
    MATCH (p)-[:STATUS_RECORD]->(current:StatusRecord)-[:STATUS]->(status)
    WHERE current.asOf = latest
      AND status.uri IN ['https://w3id.org/ceasefire-kg/status/agreed', 'https://w3id.org/ceasefire-kg/status/in-force']
    RETURN count(*) AS agreed
  }
  WITH p, side WHERE agreed > 0
  RETURN side, p, null AS pos, null AS holder
}
WITH side, p, pos, holder
WHERE $actor IS NULL OR side.uri = $actor
CALL (p) {
  OPTIONAL MATCH (p)-[:STATUS_RECORD]->(record:StatusRecord)
  WHERE $as_of IS NULL OR record.asOf <= $as_of
  WITH p, max(record.asOf) AS latest
  OPTIONAL MATCH (p)-[:STATUS_RECORD]->(current:StatusRecord)-[:STATUS]->(status)
  WHERE current.asOf = latest
  RETURN DISTINCT last(split(status.uri, '/')) AS status
}
CALL (pos) {
  OPTIONAL MATCH (pos)-[:CONDITIONED_ON]->(condition)
  RETURN collect(DISTINCT condition.text) AS conditions
}
CALL (p, side) {
  OPTIONAL MATCH (p)-[:PARTY|PROPOSED_BY]->(other)
  OPTIONAL MATCH (other)-[:REPRESENTS]->(other_rep)
  WITH coalesce(other_rep, other) AS other_side
  WHERE other_side <> side
  RETURN collect(DISTINCT other_side.label) AS counterparts
}
OPTIONAL MATCH (pos)-[:STANCE]->(stance)
RETURN side.label AS party, p.label AS proposal,
       CASE WHEN p:Ceasefire THEN 'ceasefire' WHEN p:Truce THEN 'truce' WHEN p:Agreement THEN 'agreement' END AS kind,
       status, last(split(stance.uri, '/')) AS stance, holder.label AS held_by, conditions, counterparts,
       p.factId AS proposal_id
ORDER BY party, proposal, proposal_id, coalesce(held_by, ''), coalesce(stance, ''), coalesce(status, '')
