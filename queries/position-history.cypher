// name: position-history
// title: How an actor's or a proposal's positions changed over time
// description: Every position, in date order, for one actor and/or one proposal; all positions
//   when neither is given. As known on the date: only what articles published on or before it
//   reported, and only positions dated on or before it. People and bodies count for the side at
//   the end of their represents chain (actor: the side, held_by: who stated it). superseded_by:
//   the positions that explicitly supersede it. quote and article: the position's quote in the
//   first article that reports it.
// param actor: iri(actor) = none — only positions held by this actor, or by someone whose represents chain passes through it (an id such as russia)
// param proposal: iri(proposal) = none — only this proposal (an id such as us-30-day-ceasefire)
// param as_of: date = latest — answer as known on this date (YYYY-MM-DD); latest uses everything known
// known-by: as_of
// columns: since: date, actor, held_by, proposal, stance, conditions: list, superseded_by: list, quote, article, position_id
//
// SPARQL version: position-history.rq.
// As known on $as_of: every node and relationship read must be known by then
// ($as_of IS NULL OR x.known IS NULL OR x.known <= $as_of: no date, or no `known`, means known; the
// date is tested first so that an answer as of the latest date reads no `known`), and a literal of
// a known node is read only when its `<name>__known` date, if any, is too.
// The positions asked about, found from the proposal's or the actor's node when one is given (an
// index look-up) rather than by reading every position; the filters below decide as before.
CALL () {
  MATCH (:Resource {uri: $proposal})<-[:ON_PROPOSAL]-(pos:Position)
  RETURN pos
  UNION
  MATCH (given:Resource {uri: $actor})
  WHERE $proposal IS NULL
  MATCH (given)<-[:REPRESENTS*0..5]-()<-[:HOLDER]-(pos:Position)
  RETURN pos
  UNION
  WITH $actor IS NULL AND $proposal IS NULL AS every_position
  WHERE every_position
  MATCH (pos:Position)
  RETURN pos
}
MATCH (pos)-[held:HOLDER]->(holder), (pos)-[regards:ON_PROPOSAL]->(p), (pos)-[takes:STANCE]->(stance)
WHERE ($proposal IS NULL OR p.uri = $proposal) AND ($as_of IS NULL OR pos.asOf <= $as_of)
  AND ($as_of IS NULL OR pos.known IS NULL OR pos.known <= $as_of)
  AND ($as_of IS NULL OR held.known IS NULL OR held.known <= $as_of)
  AND ($as_of IS NULL OR regards.known IS NULL OR regards.known <= $as_of)
  AND ($as_of IS NULL OR takes.known IS NULL OR takes.known <= $as_of)
  AND ($as_of IS NULL OR holder.known IS NULL OR holder.known <= $as_of)
  AND ($as_of IS NULL OR p.known IS NULL OR p.known <= $as_of)
// The side: the end of the holder's represents chain, following the links known on the date.
CALL (holder) {
  MATCH chain = (holder)-[:REPRESENTS*0..5]->(side)
  WHERE all(link IN relationships(chain) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
    AND ($as_of IS NULL OR side.known IS NULL OR side.known <= $as_of)
    AND NOT EXISTS { MATCH (side)-[up:REPRESENTS]->() WHERE ($as_of IS NULL OR up.known IS NULL OR up.known <= $as_of) }
  RETURN side, [actor IN nodes(chain) | actor.uri] AS chain
}
WITH pos, holder, p, stance, side WHERE $actor IS NULL OR $actor IN chain
// Sorted here, before the look-ups below: Neo4j then streams the rows (and a page stops early).
WITH pos, stance, pos.asOf AS since,
     CASE WHEN ($as_of IS NULL OR coalesce(side.label__known <= $as_of, true)) THEN side.label END AS actor,
     CASE WHEN ($as_of IS NULL OR coalesce(p.label__known <= $as_of, true)) THEN p.label END AS proposal,
     CASE WHEN ($as_of IS NULL OR coalesce(holder.label__known <= $as_of, true)) THEN holder.label END AS held_by,
     pos.factId AS position_id
ORDER BY since, actor, proposal, held_by, position_id
CALL (pos) {
  MATCH (pos)-[cites:EVIDENCE]->(q:Quote)-[quoted_in:IN_ARTICLE]->(a:Article)
  WHERE ($as_of IS NULL OR a.known IS NULL OR a.known <= $as_of)
    AND ($as_of IS NULL OR cites.known IS NULL OR cites.known <= $as_of)
    AND ($as_of IS NULL OR quoted_in.known IS NULL OR quoted_in.known <= $as_of)
  RETURN q AS quoted, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
CALL (pos) {
  OPTIONAL MATCH (pos)-[conditioned:CONDITIONED_ON]->(condition)
  WHERE ($as_of IS NULL OR conditioned.known IS NULL OR conditioned.known <= $as_of)
    AND ($as_of IS NULL OR condition.known IS NULL OR condition.known <= $as_of)
  RETURN collect(DISTINCT CASE WHEN ($as_of IS NULL OR coalesce(condition.text__known <= $as_of, true)) THEN condition.text END) AS conditions
}
CALL (pos) {
  OPTIONAL MATCH (newer:Position)-[replaces:SUPERSEDES]->(pos)
  WHERE ($as_of IS NULL OR replaces.known IS NULL OR replaces.known <= $as_of)
    AND ($as_of IS NULL OR newer.known IS NULL OR newer.known <= $as_of)
  RETURN collect(DISTINCT newer.factId) AS superseded_by
}
RETURN since, actor, held_by, proposal, last(split(stance.uri, '/')) AS stance, conditions, superseded_by,
       quoted.exact AS quote, article, position_id
ORDER BY since, actor, proposal, held_by, position_id
