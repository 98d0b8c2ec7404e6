// name: blocking-demands
// title: Which demands block a full ceasefire (or another proposal)
// description: A demand blocks a proposal when an actor made it a precondition for that proposal,
//   directly (the demand is a precondition for it) or as a condition of the actor's current
//   conditionally-accepting or rejecting position, and, as of the date, the demand is on the table
//   (recorded by then, and neither met nor withdrawn at its latest status record) and the actor's
//   side does not accept the proposal unconditionally (its current position is not 'accepts' or
//   'supports' without conditions). As known on the date: only what articles published on or
//   before it reported; a status holds from the date the article gives for it (such as the day a
//   demand was met), else from the article's publication date. People and bodies count for the
//   side at the end of their represents chain (Putin for Russia). A side's current position on a
//   proposal is its latest one dated on or before the date that no position of that date or earlier
//   supersedes. since: the demand's first status record; quote and article: the demand's quote in
//   the first article that reports it.
// param scope: iri(scope) = comprehensive — proposals of this scope or a narrower one (ignored when proposal is given)
// param proposal: iri(proposal) = none — only this proposal (an id such as us-30-day-ceasefire, or an IRI)
// param as_of: date = latest — answer as known on this date (YYYY-MM-DD); latest uses everything known
// example: as_of=2025-03-19 — as of 19 March 2025, before the April article
// known-by: as_of
// columns: demand, demanded_by, side, demanded_of: list, proposal, since: date, quote, article, proposal_id, demand_id
//
// Cypher for Neo4j, on the graph 'ckg push' writes (docs/property-graph.md); the SPARQL
// version for the embedded store is blocking-demands.rq.
// As known on $as_of: every node and relationship read must be known by then
// ($as_of IS NULL OR x.known IS NULL OR x.known <= $as_of: no date, or no `known`, means known; the
// date is tested first so that an answer as of the latest date reads no `known`), and a literal of
// a known node is read only when its `<name>__known` date, if any, is too. A side is the end of a
// represents chain whose links are all known.
// The proposal given, found by an index look-up, or every proposal within the scope.
CALL () {
  MATCH (p:Resource {uri: $proposal})
  WHERE p:Proposal
  RETURN p
  UNION
  MATCH (p:Proposal)
  WHERE $proposal IS NULL
    AND EXISTS {
      MATCH (p)-[in_scope:SCOPE]->(:Resource)-[:BROADER*0..]->(s:Resource)
      WHERE s.uri = $scope AND ($as_of IS NULL OR in_scope.known IS NULL OR in_scope.known <= $as_of)
    }
  RETURN p
}
WITH p
WHERE ($as_of IS NULL OR p.known IS NULL OR p.known <= $as_of)
CALL (p) {
  // Made a precondition directly by one who demands it ...
  MATCH (d:Demand)-[condition_of:PRECONDITION_FOR]->(p), (d)-[voiced:DEMANDED_BY]->(maker)
  WHERE ($as_of IS NULL OR d.known IS NULL OR d.known <= $as_of)
    AND ($as_of IS NULL OR condition_of.known IS NULL OR condition_of.known <= $as_of)
    AND ($as_of IS NULL OR voiced.known IS NULL OR voiced.known <= $as_of)
  RETURN d, maker
  UNION
  // ... or by the condition of a current conditional or rejecting position.
  MATCH (pos:Position)-[regards:ON_PROPOSAL]->(p), (pos)-[conditioned:CONDITIONED_ON]->(d:Demand),
        (pos)-[held:HOLDER]->(maker), (pos)-[takes:STANCE]->(stance)
  WHERE stance.uri IN ['https://w3id.org/ceasefire-kg/stance/conditionally-accepts',
                       'https://w3id.org/ceasefire-kg/stance/rejects']
    AND ($as_of IS NULL OR pos.asOf <= $as_of)
    AND ($as_of IS NULL OR pos.known IS NULL OR pos.known <= $as_of)
    AND ($as_of IS NULL OR regards.known IS NULL OR regards.known <= $as_of)
    AND ($as_of IS NULL OR conditioned.known IS NULL OR conditioned.known <= $as_of)
    AND ($as_of IS NULL OR held.known IS NULL OR held.known <= $as_of)
    AND ($as_of IS NULL OR takes.known IS NULL OR takes.known <= $as_of)
    AND ($as_of IS NULL OR d.known IS NULL OR d.known <= $as_of)
    AND NOT EXISTS {
      MATCH (newer:Position)-[replaces:SUPERSEDES]->(pos)
      WHERE ($as_of IS NULL OR newer.asOf <= $as_of)
        AND ($as_of IS NULL OR replaces.known IS NULL OR replaces.known <= $as_of)
    }
  CALL (maker) {
    MATCH chain = (maker)-[:REPRESENTS*0..5]->(side)
    WHERE all(link IN relationships(chain) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
      AND NOT EXISTS { MATCH (side)-[up:REPRESENTS]->() WHERE ($as_of IS NULL OR up.known IS NULL OR up.known <= $as_of) }
    RETURN side
  }
  WITH p, pos, d, maker, side
  WHERE NOT EXISTS {
    MATCH (later:Position)-[later_regards:ON_PROPOSAL]->(p), (later)-[later_held:HOLDER]->(holder)
    WHERE later.asOf > pos.asOf AND ($as_of IS NULL OR later.asOf <= $as_of)
      AND ($as_of IS NULL OR later_regards.known IS NULL OR later_regards.known <= $as_of)
      AND ($as_of IS NULL OR later_held.known IS NULL OR later_held.known <= $as_of)
      AND EXISTS {
        MATCH speaks = (holder)-[:REPRESENTS*0..5]->(side)
        WHERE all(link IN relationships(speaks) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
      }
  }
  RETURN d, maker
}
// The maker's side does not accept the proposal unconditionally as of the date.
CALL (maker) {
  MATCH chain = (maker)-[:REPRESENTS*0..5]->(side)
  WHERE all(link IN relationships(chain) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
    AND NOT EXISTS { MATCH (side)-[up:REPRESENTS]->() WHERE ($as_of IS NULL OR up.known IS NULL OR up.known <= $as_of) }
  RETURN side
}
WITH DISTINCT p, d, side
WHERE NOT EXISTS {
  MATCH (acc:Position)-[acc_regards:ON_PROPOSAL]->(p), (acc)-[acc_held:HOLDER]->(holder),
        (acc)-[acc_takes:STANCE]->(stance)
  WHERE stance.uri IN ['https://w3id.org/ceasefire-kg/stance/accepts',
                       'https://w3id.org/ceasefire-kg/stance/supports']
    AND ($as_of IS NULL OR acc.asOf <= $as_of)
    AND ($as_of IS NULL OR acc_regards.known IS NULL OR acc_regards.known <= $as_of)
    AND ($as_of IS NULL OR acc_held.known IS NULL OR acc_held.known <= $as_of)
    AND ($as_of IS NULL OR acc_takes.known IS NULL OR acc_takes.known <= $as_of)
    AND EXISTS {
      MATCH speaks = (holder)-[:REPRESENTS*0..5]->(side)
      WHERE all(link IN relationships(speaks) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
    }
    AND NOT EXISTS { MATCH (acc)-[conditioned:CONDITIONED_ON]->() WHERE ($as_of IS NULL OR conditioned.known IS NULL OR conditioned.known <= $as_of) }
    AND NOT EXISTS {
      MATCH (newer:Position)-[replaces:SUPERSEDES]->(acc)
      WHERE ($as_of IS NULL OR newer.asOf <= $as_of)
        AND ($as_of IS NULL OR replaces.known IS NULL OR replaces.known <= $as_of)
    }
    AND NOT EXISTS {
      MATCH (later:Position)-[later_regards:ON_PROPOSAL]->(p), (later)-[later_held:HOLDER]->(later_holder)
      WHERE later.asOf > acc.asOf AND ($as_of IS NULL OR later.asOf <= $as_of)
        AND ($as_of IS NULL OR later_regards.known IS NULL OR later_regards.known <= $as_of)
        AND ($as_of IS NULL OR later_held.known IS NULL OR later_held.known <= $as_of)
        AND EXISTS {
          MATCH speaks = (later_holder)-[:REPRESENTS*0..5]->(side)
          WHERE all(link IN relationships(speaks) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
        }
    }
}
WITH DISTINCT p, d
// On the table as of the date: recorded by then, and not met or withdrawn at its latest record.
MATCH (d)-[has:STATUS_RECORD]->(record:StatusRecord)
WHERE ($as_of IS NULL OR record.asOf <= $as_of)
  AND ($as_of IS NULL OR has.known IS NULL OR has.known <= $as_of)
WITH p, d, min(record.asOf) AS since
WHERE NOT EXISTS {
  MATCH (d)-[closed_has:STATUS_RECORD]->(closed)-[gives:STATUS]->(status)
  WHERE status.uri IN ['https://w3id.org/ceasefire-kg/status/met',
                       'https://w3id.org/ceasefire-kg/status/withdrawn']
    AND ($as_of IS NULL OR closed.asOf <= $as_of)
    AND ($as_of IS NULL OR closed_has.known IS NULL OR closed_has.known <= $as_of)
    AND ($as_of IS NULL OR gives.known IS NULL OR gives.known <= $as_of)
    AND NOT EXISTS {
      MATCH (d)-[reopened_has:STATUS_RECORD]->(reopened)
      WHERE reopened.asOf > closed.asOf AND ($as_of IS NULL OR reopened.asOf <= $as_of)
        AND ($as_of IS NULL OR reopened_has.known IS NULL OR reopened_has.known <= $as_of)
    }
}
MATCH (d)-[voiced:DEMANDED_BY]->(by)
WHERE ($as_of IS NULL OR voiced.known IS NULL OR voiced.known <= $as_of)
  AND ($as_of IS NULL OR by.known IS NULL OR by.known <= $as_of)
CALL (by) {
  MATCH chain = (by)-[:REPRESENTS*0..5]->(by_side)
  WHERE all(link IN relationships(chain) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
    AND ($as_of IS NULL OR by_side.known IS NULL OR by_side.known <= $as_of)
    AND NOT EXISTS { MATCH (by_side)-[up:REPRESENTS]->() WHERE ($as_of IS NULL OR up.known IS NULL OR up.known <= $as_of) }
  RETURN by_side
}
CALL (d) {
  MATCH (d)-[cites:EVIDENCE]->(q:Quote)-[quoted_in:IN_ARTICLE]->(a:Article)
  WHERE ($as_of IS NULL OR a.known IS NULL OR a.known <= $as_of)
    AND ($as_of IS NULL OR cites.known IS NULL OR cites.known <= $as_of)
    AND ($as_of IS NULL OR quoted_in.known IS NULL OR quoted_in.known <= $as_of)
  RETURN q AS quoted, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
OPTIONAL MATCH (d)-[of_link:DEMANDED_OF]->(of)
WHERE ($as_of IS NULL OR of_link.known IS NULL OR of_link.known <= $as_of)
  AND ($as_of IS NULL OR of.known IS NULL OR of.known <= $as_of)
WITH d, p, by, by_side, since, quoted, article,
     collect(DISTINCT CASE WHEN ($as_of IS NULL OR coalesce(of.label__known <= $as_of, true)) THEN of.label END) AS demanded_of
RETURN CASE WHEN ($as_of IS NULL OR coalesce(d.text__known <= $as_of, true)) THEN d.text END AS demand,
       CASE WHEN ($as_of IS NULL OR coalesce(by.label__known <= $as_of, true)) THEN by.label END AS demanded_by,
       CASE WHEN ($as_of IS NULL OR coalesce(by_side.label__known <= $as_of, true)) THEN by_side.label END AS side,
       demanded_of, CASE WHEN ($as_of IS NULL OR coalesce(p.label__known <= $as_of, true)) THEN p.label END AS proposal,
       since, quoted.exact AS quote, article, p.factId AS proposal_id, d.factId AS demand_id
ORDER BY proposal, since, demand, demanded_by, demand_id, proposal_id
