// name: positions
// title: Each actor's current stance on each proposal, with conditions and evidence
// description: The current position of every side on every proposal as of the date: its latest
//   position dated on or before the date that no position of that date or earlier supersedes. As
//   known on the date: only what articles published on or before it reported. People and bodies
//   count for the side at the end of their represents chain (actor: Russia, held_by: Vladimir
//   Putin); when two holders of one side stated positions on the same latest day, both are shown.
//   conditions: the demands the position is conditioned on; quote and article: the position's
//   quote in the first article that reports it. according_to: the actors on whose account alone the
//   position is known (empty: reported as a fact).
// param as_of: date = latest — answer as known on this date (YYYY-MM-DD); latest uses everything known
// param actor: iri(actor) = none — only positions held by this actor, or by someone whose represents chain passes through it (an id such as russia or putin)
// param proposal: iri(proposal) = none — only this proposal (an id such as us-30-day-ceasefire)
// known-by: as_of
// columns: actor, held_by, proposal, stance, conditions: list, since: date, quote, article, position_id, according_to: list
//
// SPARQL version: positions.rq.
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
WHERE ($as_of IS NULL OR pos.asOf <= $as_of)
  AND ($as_of IS NULL OR pos.known IS NULL OR pos.known <= $as_of)
  AND ($as_of IS NULL OR held.known IS NULL OR held.known <= $as_of)
  AND ($as_of IS NULL OR regards.known IS NULL OR regards.known <= $as_of)
  AND ($as_of IS NULL OR takes.known IS NULL OR takes.known <= $as_of)
  AND ($as_of IS NULL OR holder.known IS NULL OR holder.known <= $as_of)
  AND ($as_of IS NULL OR p.known IS NULL OR p.known <= $as_of)
  AND ($proposal IS NULL OR p.uri = $proposal)
  AND NOT EXISTS {
    MATCH (newer:Position)-[replaces:SUPERSEDES]->(pos)
    WHERE ($as_of IS NULL OR newer.asOf <= $as_of)
      AND ($as_of IS NULL OR replaces.known IS NULL OR replaces.known <= $as_of)
  }
// The side: the end of the holder's represents chain, following the links known on the date.
CALL (holder) {
  MATCH chain = (holder)-[:REPRESENTS*0..5]->(side)
  WHERE all(link IN relationships(chain) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
    AND ($as_of IS NULL OR side.known IS NULL OR side.known <= $as_of)
    AND NOT EXISTS { MATCH (side)-[up:REPRESENTS]->() WHERE ($as_of IS NULL OR up.known IS NULL OR up.known <= $as_of) }
  RETURN side, [actor IN nodes(chain) | actor.uri] AS chain
}
WITH pos, holder, p, stance, side
WHERE ($actor IS NULL OR $actor IN chain)
// Sorted here, before the look-ups below: Neo4j then streams the rows (and a page stops early).
WITH pos, holder, p, stance, side,
     CASE WHEN ($as_of IS NULL OR coalesce(side.label__known <= $as_of, true)) THEN side.label END AS actor,
     CASE WHEN ($as_of IS NULL OR coalesce(holder.label__known <= $as_of, true)) THEN holder.label END AS held_by,
     CASE WHEN ($as_of IS NULL OR coalesce(p.label__known <= $as_of, true)) THEN p.label END AS proposal,
     pos.factId AS position_id
ORDER BY actor, proposal, held_by, position_id
WITH pos, holder, p, stance, side, actor, held_by, proposal, position_id
WHERE NOT EXISTS {
    MATCH (later:Position)-[later_regards:ON_PROPOSAL]->(p), (later)-[later_held:HOLDER]->(later_holder)
    WHERE later.asOf > pos.asOf AND ($as_of IS NULL OR later.asOf <= $as_of)
      AND ($as_of IS NULL OR later_regards.known IS NULL OR later_regards.known <= $as_of)
      AND ($as_of IS NULL OR later_held.known IS NULL OR later_held.known <= $as_of)
      // The side itself first: most positions are held by the side, and the chain walk costs more.
      AND (later_holder = side OR EXISTS {
        MATCH speaks = (later_holder)-[:REPRESENTS*1..5]->(side)
        WHERE all(link IN relationships(speaks) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
      })
  }
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
  OPTIONAL MATCH (pos)-[attributed:ACCORDING_TO]->(source)
  WHERE ($as_of IS NULL OR attributed.known IS NULL OR attributed.known <= $as_of)
    AND ($as_of IS NULL OR source.known IS NULL OR source.known <= $as_of)
  RETURN collect(DISTINCT CASE WHEN ($as_of IS NULL OR coalesce(source.label__known <= $as_of, true)) THEN source.label END) AS according_to
}
RETURN actor, held_by, proposal, last(split(stance.uri, '/')) AS stance, conditions, pos.asOf AS since,
       quoted.exact AS quote, article, position_id, according_to
ORDER BY actor, proposal, held_by, position_id
