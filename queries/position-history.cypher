// name: position-history
// title: How an actor's or a proposal's positions changed over time
// description: Every position, in date order, for one actor (a side, with the people who represent
//   it, or one person) and/or one proposal; all positions when neither is given. superseded_by: the
//   positions that explicitly supersede it. quote and article: the position's quote in the first
//   article that reports it.
// param actor: iri(actor) = none — only this side and the people representing it, or this person (an id such as russia)
// param proposal: iri(proposal) = none — only this proposal (an id such as us-30-day-ceasefire)
// columns: since: date, actor, held_by, proposal, stance, conditions: list, superseded_by: list, quote, article, position_id
//
// SPARQL version: position-history.rq.
MATCH (pos:Position)-[:HOLDER]->(holder), (pos)-[:ON_PROPOSAL]->(p), (pos)-[:STANCE]->(stance)
WHERE $proposal IS NULL OR p.uri = $proposal
OPTIONAL MATCH (holder)-[:REPRESENTS]->(rep)
WITH pos, holder, p, stance, coalesce(rep, holder) AS side
WHERE $actor IS NULL OR side.uri = $actor OR holder.uri = $actor
CALL (pos) {
  MATCH (pos)-[:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a:Article)
  RETURN q.exact AS quote, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
OPTIONAL MATCH (pos)-[:CONDITIONED_ON]->(condition)
WITH pos, holder, p, stance, side, quote, article, collect(DISTINCT condition.text) AS conditions
OPTIONAL MATCH (newer:Position)-[:SUPERSEDES]->(pos)
WITH pos, holder, p, stance, side, quote, article, conditions, collect(DISTINCT newer.factId) AS superseded_by
RETURN pos.asOf AS since, side.label AS actor, holder.label AS held_by, p.label AS proposal,
       last(split(stance.uri, '/')) AS stance, conditions, superseded_by, quote, article,
       pos.factId AS position_id
ORDER BY since, actor, proposal, held_by, position_id
