// name: blocking-demands
// title: Which demands block a full ceasefire (or another proposal)
// description: A demand blocks a proposal when an actor made it a precondition for that proposal,
//   directly (the demand is a precondition for it) or as a condition of the actor's current
//   conditionally-accepting or rejecting position, and, as of the date, the demand is on the table
//   (recorded by then, and neither met nor withdrawn at its latest status record) and the actor's
//   side does not accept the proposal unconditionally (its current position is not 'accepts' or
//   'supports' without conditions). People count for the actor they represent (Putin for Russia).
//   A side's current position on a proposal is its latest one dated on or before the date that no
//   position of that date or earlier supersedes. since: the demand's first status record; quote and
//   article: the demand's quote in the first article that reports it.
// param scope: iri(scope) = comprehensive — proposals of this scope or a narrower one (ignored when proposal is given)
// param proposal: iri(proposal) = none — only this proposal (an id such as us-30-day-ceasefire, or an IRI)
// param as_of: date = latest — answer as of this date (YYYY-MM-DD); latest uses everything known
// example: as_of=2025-03-19 — as of 19 March 2025, before the April article
// columns: demand, demanded_by, side, demanded_of: list, proposal, since: date, quote, article, proposal_id, demand_id
//
// Cypher for Neo4j, on the graph 'ckg push' writes (docs/property-graph.md); the SPARQL
// version for the embedded store is blocking-demands.rq.
MATCH (p:Proposal)
WHERE CASE WHEN $proposal IS NULL
        THEN EXISTS { MATCH (p)-[:SCOPE]->(:Resource)-[:BROADER*0..]->(s:Resource) WHERE s.uri = $scope }
        ELSE p.uri = $proposal END
CALL (p) {
  // Made a precondition directly by one who demands it ...
  MATCH (d:Demand)-[:PRECONDITION_FOR]->(p), (d)-[:DEMANDED_BY]->(maker)
  RETURN d, maker
  UNION
  // ... or by the condition of a current conditional or rejecting position.
  MATCH (pos:Position)-[:ON_PROPOSAL]->(p), (pos)-[:CONDITIONED_ON]->(d:Demand),
        (pos)-[:HOLDER]->(maker), (pos)-[:STANCE]->(stance)
  WHERE stance.uri IN ['https://w3id.org/ceasefire-kg/stance/conditionally-accepts',
                       'https://w3id.org/ceasefire-kg/stance/rejects']
    AND ($as_of IS NULL OR pos.asOf <= $as_of)
    AND NOT EXISTS { MATCH (newer:Position)-[:SUPERSEDES]->(pos) WHERE $as_of IS NULL OR newer.asOf <= $as_of }
  OPTIONAL MATCH (maker)-[:REPRESENTS]->(rep)
  WITH p, pos, d, maker, coalesce(rep, maker) AS side
  WHERE NOT EXISTS {
    MATCH (later:Position)-[:ON_PROPOSAL]->(p), (later)-[:HOLDER]->(holder)
    WHERE later.asOf > pos.asOf AND ($as_of IS NULL OR later.asOf <= $as_of)
      AND (holder = side OR EXISTS { (holder)-[:REPRESENTS]->(side) })
  }
  RETURN d, maker
}
// The maker's side does not accept the proposal unconditionally as of the date.
OPTIONAL MATCH (maker)-[:REPRESENTS]->(maker_rep)
WITH DISTINCT p, d, coalesce(maker_rep, maker) AS side
WHERE NOT EXISTS {
  MATCH (acc:Position)-[:ON_PROPOSAL]->(p), (acc)-[:HOLDER]->(holder), (acc)-[:STANCE]->(stance)
  WHERE stance.uri IN ['https://w3id.org/ceasefire-kg/stance/accepts',
                       'https://w3id.org/ceasefire-kg/stance/supports']
    AND (holder = side OR EXISTS { (holder)-[:REPRESENTS]->(side) })
    AND ($as_of IS NULL OR acc.asOf <= $as_of)
    AND NOT EXISTS { (acc)-[:CONDITIONED_ON]->() }
    AND NOT EXISTS { MATCH (newer:Position)-[:SUPERSEDES]->(acc) WHERE $as_of IS NULL OR newer.asOf <= $as_of }
    AND NOT EXISTS {
      MATCH (later:Position)-[:ON_PROPOSAL]->(p), (later)-[:HOLDER]->(later_holder)
      WHERE later.asOf > acc.asOf AND ($as_of IS NULL OR later.asOf <= $as_of)
        AND (later_holder = side OR EXISTS { (later_holder)-[:REPRESENTS]->(side) })
    }
}
WITH DISTINCT p, d
// On the table as of the date: recorded by then, and not met or withdrawn at its latest record.
MATCH (d)-[:STATUS_RECORD]->(record:StatusRecord)
WHERE $as_of IS NULL OR record.asOf <= $as_of
WITH p, d, min(record.asOf) AS since
WHERE NOT EXISTS {
  MATCH (d)-[:STATUS_RECORD]->(closed)-[:STATUS]->(status)
  WHERE status.uri IN ['https://w3id.org/ceasefire-kg/status/met',
                       'https://w3id.org/ceasefire-kg/status/withdrawn']
    AND ($as_of IS NULL OR closed.asOf <= $as_of)
    AND NOT EXISTS {
      MATCH (d)-[:STATUS_RECORD]->(reopened)
      WHERE reopened.asOf > closed.asOf AND ($as_of IS NULL OR reopened.asOf <= $as_of)
    }
}
MATCH (d)-[:DEMANDED_BY]->(by)
OPTIONAL MATCH (by)-[:REPRESENTS]->(by_rep)
CALL (d) {
  MATCH (d)-[:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a:Article)
  RETURN q.exact AS quote, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
OPTIONAL MATCH (d)-[:DEMANDED_OF]->(of)
WITH d, p, by, by_rep, since, quote, article, collect(DISTINCT of.label) AS demanded_of
RETURN d.text AS demand, by.label AS demanded_by, coalesce(by_rep.label, by.label) AS side,
       demanded_of, p.label AS proposal, since, quote, article, p.factId AS proposal_id,
       d.factId AS demand_id
ORDER BY proposal, since, demand, demanded_by, demand_id, proposal_id
