// name: demands
// title: All demands by actor, with their status
// description: Every demand recorded on or before the date, with its status as of the date (its
//   latest status record by then; two if two articles disagree on that day). actor is the side
//   that demands it (people count for the actor they represent), demanded_by who voiced it.
//   precondition_for: the proposals it is a precondition for. since: the date of its first record;
//   status_since: the date of the record that gives the status. quote and article: its quote in
//   the first article that reports it.
// param actor: iri(actor) = none — only demands of this side, or voiced by this person (an id such as russia or putin)
// param status: enum(open|met|withdrawn) = none — only demands with this status as of the date
// param as_of: date = latest — answer as of this date (YYYY-MM-DD); latest uses everything known
// columns: actor, demanded_by, demand, demanded_of: list, issue, precondition_for: list, status, status_since: date, since: date, quote, article, demand_id
//
// SPARQL version: demands.rq.
MATCH (d:Demand)-[:DEMANDED_BY]->(by), (d)-[:STATUS_RECORD]->(record:StatusRecord)
WHERE $as_of IS NULL OR record.asOf <= $as_of
OPTIONAL MATCH (by)-[:REPRESENTS]->(rep)
WITH d, by, coalesce(rep, by) AS side, min(record.asOf) AS since, max(record.asOf) AS status_since
WHERE $actor IS NULL OR side.uri = $actor OR by.uri = $actor
MATCH (d)-[:STATUS_RECORD]->(current:StatusRecord)-[:STATUS]->(status_concept)
WHERE current.asOf = status_since
WITH DISTINCT d, by, side, since, status_since, last(split(status_concept.uri, '/')) AS status
WHERE $status IS NULL OR status = $status
CALL (d) {
  MATCH (d)-[:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a:Article)
  RETURN q.exact AS quote, a.factId AS article
  ORDER BY a.issued, a.factId
  LIMIT 1
}
CALL (d) {
  OPTIONAL MATCH (d)-[:DEMANDED_OF]->(of)
  RETURN collect(DISTINCT of.label) AS demanded_of
}
CALL (d) {
  OPTIONAL MATCH (d)-[:PRECONDITION_FOR]->(p)
  RETURN collect(DISTINCT p.label) AS precondition_for
}
OPTIONAL MATCH (d)-[:ISSUE]->(issue)
RETURN side.label AS actor, by.label AS demanded_by, d.text AS demand, demanded_of,
       last(split(issue.uri, '/')) AS issue, precondition_for, status, status_since, since, quote, article,
       d.factId AS demand_id
ORDER BY actor, since, demand, demanded_by, demand_id, status, coalesce(issue, '')
