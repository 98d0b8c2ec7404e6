// name: positions
// title: Each actor's current stance on each proposal, with conditions and evidence
// description: The current position of every side on every proposal as of the date: its latest
//   position dated on or before the date that no position of that date or earlier supersedes.
//   People count for the actor they represent (actor: Russia, held_by: Vladimir Putin); when two
//   holders of one side stated positions on the same latest day, both are shown. conditions: the
//   demands the position is conditioned on; quote and article: the position's quote in the first
//   article that reports it.
// param as_of: date = latest — answer as of this date (YYYY-MM-DD); latest uses everything known
// param actor: iri(actor) = none — only this side, or this person's positions (an id such as russia or putin)
// param proposal: iri(proposal) = none — only this proposal (an id such as us-30-day-ceasefire)
// columns: actor, held_by, proposal, stance, conditions: list, since: date, quote, article, position_id
//
// SPARQL version: positions.rq.
MATCH (pos:Position)-[:HOLDER]->(holder), (pos)-[:ON_PROPOSAL]->(p), (pos)-[:STANCE]->(stance)
WHERE ($as_of IS NULL OR pos.asOf <= $as_of)
  AND ($proposal IS NULL OR p.uri = $proposal)
  AND NOT EXISTS { MATCH (newer:Position)-[:SUPERSEDES]->(pos) WHERE $as_of IS NULL OR newer.asOf <= $as_of }
OPTIONAL MATCH (holder)-[:REPRESENTS]->(rep)
WITH pos, holder, p, stance, coalesce(rep, holder) AS side
WHERE ($actor IS NULL OR side.uri = $actor OR holder.uri = $actor)
  AND NOT EXISTS {
    MATCH (later:Position)-[:ON_PROPOSAL]->(p), (later)-[:HOLDER]->(later_holder)
    WHERE later.asOf > pos.asOf AND ($as_of IS NULL OR later.asOf <= $as_of)
      AND (later_holder = side OR EXISTS { (later_holder)-[:REPRESENTS]->(side) })
  }
CALL (pos) {
  MATCH (pos)-[:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a:Article)
  RETURN q.exact AS quote, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
OPTIONAL MATCH (pos)-[:CONDITIONED_ON]->(condition)
WITH pos, holder, p, stance, side, quote, article, collect(DISTINCT condition.text) AS conditions
RETURN side.label AS actor, holder.label AS held_by, p.label AS proposal,
       last(split(stance.uri, '/')) AS stance, conditions, pos.asOf AS since, quote, article,
       pos.factId AS position_id
ORDER BY actor, proposal, held_by, position_id
