// name: agreements
// title: What each party has agreed to, and with whom
// description: For every side and proposal as of the date: listed when the side's current position
//   on it (its latest one by then that nothing of that date or earlier supersedes) accepts,
//   conditionally accepts or supports it, or, when the side has no position on it, when the
//   proposal's current status is agreed or in force and the side is one of its parties. As known
//   on the date: only what articles published on or before it reported; a status holds from the
//   date the article gives for it (such as the date a truce took effect), else from the article's
//   publication date. People and bodies count for the side at the end of their represents chain.
//   status: the proposal's status as of the date; stance and held_by: the side's current position
//   (empty for a party without one); conditions: the demands it is conditioned on; counterparts:
//   the proposal's other parties and its proposers (their sides).
// param actor: iri(actor) = none — only rows of this actor: its side's, when it holds the position or is the party, or someone whose represents chain passes through it does (an id such as ukraine)
// param as_of: date = latest — answer as known on this date (YYYY-MM-DD); latest uses everything known
// known-by: as_of
// columns: party, proposal, kind, status, stance, held_by, conditions: list, counterparts: list, proposal_id
//
// SPARQL version: agreements.rq.
// As known on $as_of: every node and relationship read must be known by then
// ($as_of IS NULL OR x.known IS NULL OR x.known <= $as_of: no date, or no `known`, means known; the
// date is tested first so that an answer as of the latest date reads no `known`), and a literal of
// a known node is read only when its `<name>__known` date, if any, is too. A side is the end of a
// represents chain whose links are all known.
CALL () {
  // Sides whose current position accepts, conditionally accepts or supports a proposal ...
  MATCH (pos:Position)-[held:HOLDER]->(holder), (pos)-[regards:ON_PROPOSAL]->(p), (pos)-[takes:STANCE]->(stance)
  WHERE ($as_of IS NULL OR pos.asOf <= $as_of)
    AND ($as_of IS NULL OR pos.known IS NULL OR pos.known <= $as_of)
    AND ($as_of IS NULL OR held.known IS NULL OR held.known <= $as_of)
    AND ($as_of IS NULL OR regards.known IS NULL OR regards.known <= $as_of)
    AND ($as_of IS NULL OR takes.known IS NULL OR takes.known <= $as_of)
    AND ($as_of IS NULL OR holder.known IS NULL OR holder.known <= $as_of)
    AND ($as_of IS NULL OR p.known IS NULL OR p.known <= $as_of)
    AND NOT EXISTS {
      MATCH (newer:Position)-[replaces:SUPERSEDES]->(pos)
      WHERE ($as_of IS NULL OR newer.asOf <= $as_of)
        AND ($as_of IS NULL OR replaces.known IS NULL OR replaces.known <= $as_of)
    }
  CALL (holder) {
    MATCH chain = (holder)-[:REPRESENTS*0..5]->(side)
    WHERE all(link IN relationships(chain) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
      AND ($as_of IS NULL OR side.known IS NULL OR side.known <= $as_of)
      AND NOT EXISTS { MATCH (side)-[up:REPRESENTS]->() WHERE ($as_of IS NULL OR up.known IS NULL OR up.known <= $as_of) }
    RETURN side, [actor IN nodes(chain) | actor.uri] AS chain
  }
  WITH pos, holder, p, stance, side, chain
  WHERE stance.uri IN ['https://w3id.org/ceasefire-kg/stance/accepts',
                       'https://w3id.org/ceasefire-kg/stance/conditionally-accepts',
                       'https://w3id.org/ceasefire-kg/stance/supports']
    AND NOT EXISTS {
      MATCH (later:Position)-[later_regards:ON_PROPOSAL]->(p), (later)-[later_held:HOLDER]->(later_holder)
      WHERE later.asOf > pos.asOf AND ($as_of IS NULL OR later.asOf <= $as_of)
        AND ($as_of IS NULL OR later_regards.known IS NULL OR later_regards.known <= $as_of)
        AND ($as_of IS NULL OR later_held.known IS NULL OR later_held.known <= $as_of)
        AND EXISTS {
          MATCH speaks = (later_holder)-[:REPRESENTS*0..5]->(side)
          WHERE all(link IN relationships(speaks) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
        }
    }
  RETURN side, p, pos, holder, chain
  UNION
  // ... and parties without a position on a proposal that is agreed or in force.
  MATCH (p:Proposal)-[member:PARTY]->(party)
  WHERE ($as_of IS NULL OR p.known IS NULL OR p.known <= $as_of)
    AND ($as_of IS NULL OR member.known IS NULL OR member.known <= $as_of)
    AND ($as_of IS NULL OR party.known IS NULL OR party.known <= $as_of)
  CALL (party) {
    MATCH chain = (party)-[:REPRESENTS*0..5]->(side)
    WHERE all(link IN relationships(chain) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
      AND ($as_of IS NULL OR side.known IS NULL OR side.known <= $as_of)
      AND NOT EXISTS { MATCH (side)-[up:REPRESENTS]->() WHERE ($as_of IS NULL OR up.known IS NULL OR up.known <= $as_of) }
    RETURN side, [actor IN nodes(chain) | actor.uri] AS chain
  }
  WITH DISTINCT p, side, chain
  WHERE NOT EXISTS {
    MATCH (any:Position)-[any_regards:ON_PROPOSAL]->(p), (any)-[any_held:HOLDER]->(any_holder)
    WHERE ($as_of IS NULL OR any.asOf <= $as_of)
      AND ($as_of IS NULL OR any_regards.known IS NULL OR any_regards.known <= $as_of)
      AND ($as_of IS NULL OR any_held.known IS NULL OR any_held.known <= $as_of)
      AND EXISTS {
        MATCH speaks = (any_holder)-[:REPRESENTS*0..5]->(side)
        WHERE all(link IN relationships(speaks) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
      }
      AND NOT EXISTS {
        MATCH (newer:Position)-[replaces:SUPERSEDES]->(any)
        WHERE ($as_of IS NULL OR newer.asOf <= $as_of)
          AND ($as_of IS NULL OR replaces.known IS NULL OR replaces.known <= $as_of)
      }
  }
  CALL (p) {
    MATCH (p)-[has:STATUS_RECORD]->(record:StatusRecord)
    WHERE ($as_of IS NULL OR record.asOf <= $as_of)
      AND ($as_of IS NULL OR has.known IS NULL OR has.known <= $as_of)
    WITH p, max(record.asOf) AS latest
    MATCH (p)-[has:STATUS_RECORD]->(current:StatusRecord)-[gives:STATUS]->(status)
    WHERE current.asOf = latest
      AND ($as_of IS NULL OR has.known IS NULL OR has.known <= $as_of)
      AND ($as_of IS NULL OR gives.known IS NULL OR gives.known <= $as_of)
      AND status.uri IN ['https://w3id.org/ceasefire-kg/status/agreed', 'https://w3id.org/ceasefire-kg/status/in-force']
    RETURN count(*) AS agreed
  }
  WITH p, side, chain WHERE agreed > 0
  RETURN side, p, null AS pos, null AS holder, chain
}
WITH side, p, pos, holder, chain
WHERE $actor IS NULL OR $actor IN chain
// Several parties of one side give one row.
WITH DISTINCT side, p, pos, holder
// Sorted here, before the look-ups below: Neo4j then streams the rows (and a page stops early).
WITH side, p, pos, holder,
     CASE WHEN ($as_of IS NULL OR coalesce(side.label__known <= $as_of, true)) THEN side.label END AS party,
     CASE WHEN ($as_of IS NULL OR coalesce(p.label__known <= $as_of, true)) THEN p.label END AS proposal,
     p.factId AS proposal_id,
     CASE WHEN ($as_of IS NULL OR coalesce(holder.label__known <= $as_of, true)) THEN holder.label END AS held_by
ORDER BY party, proposal, proposal_id, coalesce(held_by, '')
CALL (p) {
  OPTIONAL MATCH (p)-[has:STATUS_RECORD]->(record:StatusRecord)
  WHERE ($as_of IS NULL OR record.asOf <= $as_of)
    AND ($as_of IS NULL OR has.known IS NULL OR has.known <= $as_of)
  WITH p, max(record.asOf) AS latest
  OPTIONAL MATCH (p)-[has:STATUS_RECORD]->(current:StatusRecord)-[gives:STATUS]->(status)
  WHERE current.asOf = latest
    AND ($as_of IS NULL OR has.known IS NULL OR has.known <= $as_of)
    AND ($as_of IS NULL OR gives.known IS NULL OR gives.known <= $as_of)
  RETURN DISTINCT last(split(status.uri, '/')) AS status
}
CALL (pos) {
  OPTIONAL MATCH (pos)-[conditioned:CONDITIONED_ON]->(condition)
  WHERE ($as_of IS NULL OR conditioned.known IS NULL OR conditioned.known <= $as_of)
    AND ($as_of IS NULL OR condition.known IS NULL OR condition.known <= $as_of)
  RETURN collect(DISTINCT CASE WHEN ($as_of IS NULL OR coalesce(condition.text__known <= $as_of, true)) THEN condition.text END) AS conditions
}
CALL (p, side) {
  MATCH (p)-[involves:PARTY|PROPOSED_BY]->(other)
  WHERE ($as_of IS NULL OR involves.known IS NULL OR involves.known <= $as_of)
    AND ($as_of IS NULL OR other.known IS NULL OR other.known <= $as_of)
  CALL (other) {
    MATCH chain = (other)-[:REPRESENTS*0..5]->(other_side)
    WHERE all(link IN relationships(chain) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
      AND ($as_of IS NULL OR other_side.known IS NULL OR other_side.known <= $as_of)
      AND NOT EXISTS { MATCH (other_side)-[up:REPRESENTS]->() WHERE ($as_of IS NULL OR up.known IS NULL OR up.known <= $as_of) }
    RETURN other_side
  }
  WITH side, other_side
  WHERE other_side <> side
  RETURN collect(DISTINCT CASE WHEN ($as_of IS NULL OR coalesce(other_side.label__known <= $as_of, true)) THEN other_side.label END) AS counterparts
}
OPTIONAL MATCH (pos)-[:STANCE]->(stance)
RETURN party, proposal,
       CASE WHEN p:Ceasefire THEN 'ceasefire' WHEN p:Truce THEN 'truce' WHEN p:Agreement THEN 'agreement' END AS kind,
       status, last(split(stance.uri, '/')) AS stance, held_by, conditions, counterparts, proposal_id
ORDER BY party, proposal, proposal_id, coalesce(held_by, ''), coalesce(stance, ''), coalesce(status, '')
