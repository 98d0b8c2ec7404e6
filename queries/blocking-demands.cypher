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
// (coalesce(x.known <= $as_of, true): no date, or no `known`, means known), and a literal of a
// known node is read only when its `<name>__known` date, if any, is too. A side is the end of a
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
      WHERE s.uri = $scope AND coalesce(in_scope.known <= $as_of, true)
    }
  RETURN p
}
WITH p
WHERE coalesce(p.known <= $as_of, true)
CALL (p) {
  // Made a precondition directly by one who demands it ...
  MATCH (d:Demand)-[condition_of:PRECONDITION_FOR]->(p), (d)-[voiced:DEMANDED_BY]->(maker)
  WHERE coalesce(d.known <= $as_of, true) AND coalesce(condition_of.known <= $as_of, true)
    AND coalesce(voiced.known <= $as_of, true)
  RETURN d, maker
  UNION
  // ... or by the condition of a current conditional or rejecting position.
  MATCH (pos:Position)-[regards:ON_PROPOSAL]->(p), (pos)-[conditioned:CONDITIONED_ON]->(d:Demand),
        (pos)-[held:HOLDER]->(maker), (pos)-[takes:STANCE]->(stance)
  WHERE stance.uri IN ['https://w3id.org/ceasefire-kg/stance/conditionally-accepts',
                       'https://w3id.org/ceasefire-kg/stance/rejects']
    AND ($as_of IS NULL OR pos.asOf <= $as_of)
    AND coalesce(pos.known <= $as_of, true) AND coalesce(regards.known <= $as_of, true)
    AND coalesce(conditioned.known <= $as_of, true) AND coalesce(held.known <= $as_of, true)
    AND coalesce(takes.known <= $as_of, true) AND coalesce(d.known <= $as_of, true)
    AND NOT EXISTS {
      MATCH (newer:Position)-[replaces:SUPERSEDES]->(pos)
      WHERE ($as_of IS NULL OR newer.asOf <= $as_of) AND coalesce(replaces.known <= $as_of, true)
    }
  CALL (maker) {
    MATCH chain = (maker)-[:REPRESENTS*0..5]->(side)
    WHERE all(link IN relationships(chain) WHERE coalesce(link.known <= $as_of, true))
      AND NOT EXISTS { MATCH (side)-[up:REPRESENTS]->() WHERE coalesce(up.known <= $as_of, true) }
    RETURN side
  }
  WITH p, pos, d, maker, side
  WHERE NOT EXISTS {
    MATCH (later:Position)-[later_regards:ON_PROPOSAL]->(p), (later)-[later_held:HOLDER]->(holder)
    WHERE later.asOf > pos.asOf AND ($as_of IS NULL OR later.asOf <= $as_of)
      AND coalesce(later_regards.known <= $as_of, true) AND coalesce(later_held.known <= $as_of, true)
      AND EXISTS {
        MATCH speaks = (holder)-[:REPRESENTS*0..5]->(side)
        WHERE all(link IN relationships(speaks) WHERE coalesce(link.known <= $as_of, true))
      }
  }
  RETURN d, maker
}
// The maker's side does not accept the proposal unconditionally as of the date.
CALL (maker) {
  MATCH chain = (maker)-[:REPRESENTS*0..5]->(side)
  WHERE all(link IN relationships(chain) WHERE coalesce(link.known <= $as_of, true))
    AND NOT EXISTS { MATCH (side)-[up:REPRESENTS]->() WHERE coalesce(up.known <= $as_of, true) }
  RETURN side
}
WITH DISTINCT p, d, side
WHERE NOT EXISTS {
  MATCH (acc:Position)-[acc_regards:ON_PROPOSAL]->(p), (acc)-[acc_held:HOLDER]->(holder),
        (acc)-[acc_takes:STANCE]->(stance)
  WHERE stance.uri IN ['https://w3id.org/ceasefire-kg/stance/accepts',
                       'https://w3id.org/ceasefire-kg/stance/supports']
    AND ($as_of IS NULL OR acc.asOf <= $as_of)
    AND coalesce(acc_regards.known <= $as_of, true) AND coalesce(acc_held.known <= $as_of, true)
    AND coalesce(acc_takes.known <= $as_of, true)
    AND EXISTS {
      MATCH speaks = (holder)-[:REPRESENTS*0..5]->(side)
      WHERE all(link IN relationships(speaks) WHERE coalesce(link.known <= $as_of, true))
    }
    AND NOT EXISTS { MATCH (acc)-[conditioned:CONDITIONED_ON]->() WHERE coalesce(conditioned.known <= $as_of, true) }
    AND NOT EXISTS {
      MATCH (newer:Position)-[replaces:SUPERSEDES]->(acc)
      WHERE ($as_of IS NULL OR newer.asOf <= $as_of) AND coalesce(replaces.known <= $as_of, true)
    }
    AND NOT EXISTS {
      MATCH (later:Position)-[later_regards:ON_PROPOSAL]->(p), (later)-[later_held:HOLDER]->(later_holder)
      WHERE later.asOf > acc.asOf AND ($as_of IS NULL OR later.asOf <= $as_of)
        AND coalesce(later_regards.known <= $as_of, true) AND coalesce(later_held.known <= $as_of, true)
        AND EXISTS {
          MATCH speaks = (later_holder)-[:REPRESENTS*0..5]->(side)
          WHERE all(link IN relationships(speaks) WHERE coalesce(link.known <= $as_of, true))
        }
    }
}
WITH DISTINCT p, d
// On the table as of the date: recorded by then, and not met or withdrawn at its latest record.
MATCH (d)-[has:STATUS_RECORD]->(record:StatusRecord)
WHERE ($as_of IS NULL OR record.asOf <= $as_of) AND coalesce(has.known <= $as_of, true)
WITH p, d, min(record.asOf) AS since
WHERE NOT EXISTS {
  MATCH (d)-[closed_has:STATUS_RECORD]->(closed)-[gives:STATUS]->(status)
  WHERE status.uri IN ['https://w3id.org/ceasefire-kg/status/met',
                       'https://w3id.org/ceasefire-kg/status/withdrawn']
    AND ($as_of IS NULL OR closed.asOf <= $as_of)
    AND coalesce(closed_has.known <= $as_of, true) AND coalesce(gives.known <= $as_of, true)
    AND NOT EXISTS {
      MATCH (d)-[reopened_has:STATUS_RECORD]->(reopened)
      WHERE reopened.asOf > closed.asOf AND ($as_of IS NULL OR reopened.asOf <= $as_of)
        AND coalesce(reopened_has.known <= $as_of, true)
    }
}
MATCH (d)-[voiced:DEMANDED_BY]->(by)
WHERE coalesce(voiced.known <= $as_of, true) AND coalesce(by.known <= $as_of, true)
CALL (by) {
  MATCH chain = (by)-[:REPRESENTS*0..5]->(by_side)
  WHERE all(link IN relationships(chain) WHERE coalesce(link.known <= $as_of, true))
    AND coalesce(by_side.known <= $as_of, true)
    AND NOT EXISTS { MATCH (by_side)-[up:REPRESENTS]->() WHERE coalesce(up.known <= $as_of, true) }
  RETURN by_side
}
CALL (d) {
  MATCH (d)-[cites:EVIDENCE]->(q:Quote)-[quoted_in:IN_ARTICLE]->(a:Article)
  WHERE coalesce(a.known <= $as_of, true) AND coalesce(cites.known <= $as_of, true)
    AND coalesce(quoted_in.known <= $as_of, true)
  RETURN q.exact AS quote, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
OPTIONAL MATCH (d)-[of_link:DEMANDED_OF]->(of)
WHERE coalesce(of_link.known <= $as_of, true) AND coalesce(of.known <= $as_of, true)
WITH d, p, by, by_side, since, quote, article,
     collect(DISTINCT CASE WHEN coalesce(of.label__known <= $as_of, true) THEN of.label END) AS demanded_of
RETURN CASE WHEN coalesce(d.text__known <= $as_of, true) THEN d.text END AS demand,
       CASE WHEN coalesce(by.label__known <= $as_of, true) THEN by.label END AS demanded_by,
       CASE WHEN coalesce(by_side.label__known <= $as_of, true) THEN by_side.label END AS side,
       demanded_of, CASE WHEN coalesce(p.label__known <= $as_of, true) THEN p.label END AS proposal,
       since, quote, article, p.factId AS proposal_id, d.factId AS demand_id
ORDER BY proposal, since, demand, demanded_by, demand_id, proposal_id
