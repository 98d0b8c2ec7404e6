// name: responses
// title: Each actor's current response to each demand (accepts, conditionally accepts, rejects, will study)
// description: The current response of every side to every demand as of the date, as known on the
//   date (only what articles published by then report): its latest response dated on or before the
//   date that no response of that date or earlier supersedes. A side is the end of the responder's
//   represents chain (a spokesperson counts for the commission, and the commission for the bloc it
//   represents); when two voices of one side responded on the same latest day, both are shown.
//   stance: accepts, conditionally-accepts, rejects or considers (will study it). conditions: the
//   demands the response is conditioned on; according_to: the actors whose account alone it is known
//   from. demand_by: who made the demand. quote and article: the response's quote in the first
//   article that reports it.
// param actor: iri(actor) = none — only responses by this actor or by those who speak for it, up their represents chain (an id such as russia)
// param demand: iri(demand) = none — only responses to this demand (an id, or an IRI)
// param stance: enum(accepts|conditionally-accepts|rejects|considers) = none — only current responses with this stance
// param as_of: date = latest — answer as known on this date (YYYY-MM-DD); latest uses everything known
// example: stance=rejects — only the demands someone currently rejects
// known-by: as_of
// columns: side, responded_by, demand, demand_by, stance, conditions: list, according_to: list, as_of: date, quote, article, response_id, demand_id
//
// SPARQL version: responses.rq. On every node and relationship touched, `known` (written by
// 'ckg push': the first publication date of an article asserting it) keeps out what was not yet
// reported on the date; it is absent where a registry asserts it.
MATCH (r:Response)-[by_rel:RESPONDER]->(responder), (r)-[to_rel:TO_DEMAND]->(d:Demand),
      (r)-[stance_rel:STANCE]->(stance)
WHERE ($demand IS NULL OR d.uri = $demand)
  AND ($as_of IS NULL OR (r.asOf <= $as_of
       AND all(known IN [r.known, by_rel.known, to_rel.known, stance_rel.known] WHERE known IS NULL OR known <= $as_of)))
  AND NOT EXISTS {
    MATCH (newer:Response)-[link:SUPERSEDES]->(r)
    WHERE $as_of IS NULL OR (newer.asOf <= $as_of AND all(known IN [newer.known, link.known] WHERE known IS NULL OR known <= $as_of))
  }
// The responder's side: the end of its represents chain, following only links known on the date.
MATCH chain = (responder)-[:REPRESENTS*0..5]->(side)
WHERE all(link IN relationships(chain) WHERE $as_of IS NULL OR link.known IS NULL OR link.known <= $as_of)
  AND NOT EXISTS { MATCH (side)-[up:REPRESENTS]->() WHERE $as_of IS NULL OR up.known IS NULL OR up.known <= $as_of }
  AND ($actor IS NULL OR any(actor IN nodes(chain) WHERE actor.uri = $actor))
// Current: no response of the same side to the same demand dated later (on or before the date).
WITH DISTINCT r, responder, d, stance, side
WHERE NOT EXISTS {
  MATCH (later:Response)-[later_to:TO_DEMAND]->(d), (later)-[later_by:RESPONDER]->(voice),
        later_chain = (voice)-[:REPRESENTS*0..5]->(side)
  WHERE later.asOf > r.asOf
    AND ($as_of IS NULL OR (later.asOf <= $as_of
         AND all(known IN [later.known, later_to.known, later_by.known] WHERE known IS NULL OR known <= $as_of)
         AND all(link IN relationships(later_chain) WHERE link.known IS NULL OR link.known <= $as_of)))
}
  AND ($stance IS NULL OR last(split(stance.uri, '/')) = $stance)
CALL (r) {
  MATCH (r)-[:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a:Article)
  RETURN q AS quoted, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
CALL (r) {
  OPTIONAL MATCH (r)-[link:CONDITIONED_ON]->(condition:Demand)
  WHERE $as_of IS NULL OR link.known IS NULL OR link.known <= $as_of
  RETURN collect(DISTINCT condition.text) AS conditions
}
CALL (r) {
  OPTIONAL MATCH (r)-[link:ACCORDING_TO]->(source:Actor)
  WHERE $as_of IS NULL OR link.known IS NULL OR link.known <= $as_of
  RETURN collect(DISTINCT source.label) AS according_to
}
MATCH (d)-[made:DEMANDED_BY]->(maker)
WHERE $as_of IS NULL OR made.known IS NULL OR made.known <= $as_of
RETURN side.label AS side, responder.label AS responded_by, d.text AS demand, maker.label AS demand_by,
       last(split(stance.uri, '/')) AS stance, conditions, according_to, r.asOf AS as_of, quoted.exact AS quote, article,
       r.factId AS response_id, d.factId AS demand_id
ORDER BY side, demand, responded_by, response_id, demand_by
