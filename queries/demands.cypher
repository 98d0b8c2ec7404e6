// name: demands
// title: All demands by actor, with their status
// description: Every demand known on the date, with its status as of the date (its latest status
//   record dated on or before it; two if two articles disagree on that day). As known on the
//   date: only what articles published on or before it reported (a status record carries the date
//   the article gives for the status, else its publication date). actor is the side that demands
//   it: people and bodies count for the side at the end of their represents chain; demanded_by
//   who voiced it. precondition_for: what it is a precondition for (proposals and events by
//   their name, demands by their text). since: the date of its first record; status_since: the
//   date of the record that gives the status. quote and article: its quote in the first article
//   that reports it. about: the actors the demand
//   concerns (e.g. a bank to be taken off a sanctions list).
// param actor: iri(actor) = none — only demands voiced by this actor, or by someone whose represents chain passes through it (an id such as russia or putin)
// param status: enum(open|met|withdrawn) = none — only demands with this status as of the date
// param as_of: date = latest — answer as known on this date (YYYY-MM-DD); latest uses everything known
// known-by: as_of
// columns: actor, demanded_by, demand, demanded_of: list, issue, precondition_for: list, status, status_since: date, since: date, quote, article, demand_id, about: list
//
// SPARQL version: demands.rq.
// As known on $as_of: every node and relationship read must be known by then
// ($as_of IS NULL OR x.known IS NULL OR x.known <= $as_of: no date, or no `known`, means known; the
// date is tested first so that an answer as of the latest date reads no `known`), and a literal of
// a known node is read only when its `<name>__known` date, if any, is too.
MATCH (d:Demand)-[voiced:DEMANDED_BY]->(by)
WHERE ($as_of IS NULL OR d.known IS NULL OR d.known <= $as_of)
  AND ($as_of IS NULL OR voiced.known IS NULL OR voiced.known <= $as_of)
  AND ($as_of IS NULL OR by.known IS NULL OR by.known <= $as_of)
// The side: the end of the voice's represents chain, following the links known on the date.
CALL (by) {
  MATCH chain = (by)-[:REPRESENTS*0..5]->(side)
  WHERE all(link IN relationships(chain) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
    AND ($as_of IS NULL OR side.known IS NULL OR side.known <= $as_of)
    AND NOT EXISTS { MATCH (side)-[up:REPRESENTS]->() WHERE ($as_of IS NULL OR up.known IS NULL OR up.known <= $as_of) }
  RETURN side, [actor IN nodes(chain) | actor.uri] AS chain
}
WITH d, by, side WHERE $actor IS NULL OR $actor IN chain
MATCH (d)-[has:STATUS_RECORD]->(record:StatusRecord)
WHERE ($as_of IS NULL OR has.known IS NULL OR has.known <= $as_of)
  AND ($as_of IS NULL OR record.known IS NULL OR record.known <= $as_of)
  AND ($as_of IS NULL OR record.asOf <= $as_of)
WITH d, by, side, min(record.asOf) AS since, max(record.asOf) AS status_since
MATCH (d)-[has:STATUS_RECORD]->(current:StatusRecord)-[gives:STATUS]->(status_concept)
WHERE current.asOf = status_since AND ($as_of IS NULL OR has.known IS NULL OR has.known <= $as_of)
  AND ($as_of IS NULL OR current.known IS NULL OR current.known <= $as_of)
  AND ($as_of IS NULL OR gives.known IS NULL OR gives.known <= $as_of)
WITH DISTINCT d, by, side, since, status_since, last(split(status_concept.uri, '/')) AS status
WHERE $status IS NULL OR status = $status
// Sorted here, before the look-ups below: Neo4j then streams the rows (and a page stops early).
WITH d, since, status_since, status,
     CASE WHEN ($as_of IS NULL OR coalesce(side.label__known <= $as_of, true)) THEN side.label END AS actor,
     CASE WHEN ($as_of IS NULL OR coalesce(by.label__known <= $as_of, true)) THEN by.label END AS demanded_by,
     CASE WHEN ($as_of IS NULL OR coalesce(d.text__known <= $as_of, true)) THEN d.text END AS demand,
     d.factId AS demand_id
ORDER BY actor, since, demand, demanded_by, demand_id, status
CALL (d) {
  MATCH (d)-[cites:EVIDENCE]->(q:Quote)-[quoted_in:IN_ARTICLE]->(a:Article)
  WHERE ($as_of IS NULL OR a.known IS NULL OR a.known <= $as_of)
    AND ($as_of IS NULL OR cites.known IS NULL OR cites.known <= $as_of)
    AND ($as_of IS NULL OR quoted_in.known IS NULL OR quoted_in.known <= $as_of)
  RETURN q AS quoted, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
CALL (d) {
  OPTIONAL MATCH (d)-[of_link:DEMANDED_OF]->(of)
  WHERE ($as_of IS NULL OR of_link.known IS NULL OR of_link.known <= $as_of)
    AND ($as_of IS NULL OR of.known IS NULL OR of.known <= $as_of)
  RETURN collect(DISTINCT CASE WHEN ($as_of IS NULL OR coalesce(of.label__known <= $as_of, true)) THEN of.label END) AS demanded_of
}
CALL (d) {
  OPTIONAL MATCH (d)-[condition_of:PRECONDITION_FOR]->(p)
  WHERE ($as_of IS NULL OR condition_of.known IS NULL OR condition_of.known <= $as_of)
    AND ($as_of IS NULL OR p.known IS NULL OR p.known <= $as_of)
  // A demand is named by its text, a proposal or an event by its label.
  RETURN collect(DISTINCT CASE
    WHEN p:Demand THEN CASE WHEN ($as_of IS NULL OR coalesce(p.text__known <= $as_of, true)) THEN p.text END
    WHEN ($as_of IS NULL OR coalesce(p.label__known <= $as_of, true)) THEN p.label
  END) AS precondition_for
}
CALL (d) {
  OPTIONAL MATCH (d)-[about_link:ABOUT]->(concerned)
  WHERE ($as_of IS NULL OR about_link.known IS NULL OR about_link.known <= $as_of)
    AND ($as_of IS NULL OR concerned.known IS NULL OR concerned.known <= $as_of)
  RETURN collect(DISTINCT CASE WHEN ($as_of IS NULL OR coalesce(concerned.label__known <= $as_of, true)) THEN concerned.label END) AS about
}
OPTIONAL MATCH (d)-[on_issue:ISSUE]->(issue)
WHERE ($as_of IS NULL OR on_issue.known IS NULL OR on_issue.known <= $as_of)
RETURN actor, demanded_by, demand, demanded_of, last(split(issue.uri, '/')) AS issue, precondition_for, status,
       status_since, since, quoted.exact AS quote, article, demand_id, about
ORDER BY actor, since, demand, demanded_by, demand_id, status, coalesce(issue, '')
