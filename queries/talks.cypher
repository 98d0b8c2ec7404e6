// name: talks
// title: Held and planned meetings, calls and talks: where, when, who, and who mediates
// description: Calls, meetings and talks known by the date (dated, or first reported, on or before
//   it), with their status as of the date (planned or held; empty when no article gives one). date: the
//   event's own date, if known; reported: the date of the first article that reports it.
//   participants: who took part (or initiated it); mediators: who mediated; concerns: the proposals
//   it is about. place and venue: as reported (the first in order when articles differ). quote and
//   article: its quote in the first article that reports it.
// param status: enum(planned|held) = none — only talks with this status as of the date
// param actor: iri(actor) = none — only talks this actor (or someone representing it) took part in or mediated (an id such as russia)
// param as_of: date = latest — answer as of this date (YYYY-MM-DD); latest uses everything known
// columns: event, type, status, date: date, reported: date, place, venue, participants: list, mediators: list, concerns: list, quote, article, event_id
//
// SPARQL version: talks.rq.
MATCH (e:Event)-[:EVENT_TYPE]->(type)
WHERE type.uri IN ['https://w3id.org/ceasefire-kg/event-type/call',
                   'https://w3id.org/ceasefire-kg/event-type/meeting',
                   'https://w3id.org/ceasefire-kg/event-type/talks']
  AND ($actor IS NULL OR EXISTS {
    MATCH (e)-[:PARTICIPANT|INITIATOR|TARGET|MEDIATOR]->(who)
    WHERE who.uri = $actor OR EXISTS { MATCH (who)-[:REPRESENTS]->(side) WHERE side.uri = $actor }
  })
CALL (e) {
  MATCH (e)-[:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a:Article)
  RETURN q.exact AS quote, a.factId AS article, a.issued AS reported
  ORDER BY a.issued, a.factId
  LIMIT 1
}
WITH e, type, quote, article, reported
WHERE $as_of IS NULL OR e.date <= $as_of OR reported <= $as_of
CALL (e) {
  OPTIONAL MATCH (e)-[:STATUS_RECORD]->(record:StatusRecord)
  WHERE $as_of IS NULL OR record.asOf <= $as_of
  WITH e, max(record.asOf) AS latest
  OPTIONAL MATCH (e)-[:STATUS_RECORD]->(current:StatusRecord)-[:STATUS]->(status)
  WHERE current.asOf = latest
  RETURN DISTINCT last(split(status.uri, '/')) AS status
}
WITH e, type, quote, article, reported, status
WHERE $status IS NULL OR status = $status
CALL (e) {
  OPTIONAL MATCH (e)-[:PARTICIPANT|INITIATOR]->(participant)
  RETURN collect(DISTINCT participant.label) AS participants
}
CALL (e) {
  OPTIONAL MATCH (e)-[:MEDIATOR]->(mediator)
  RETURN collect(DISTINCT mediator.label) AS mediators
}
CALL (e) {
  OPTIONAL MATCH (e)-[:CONCERNS]->(p)
  RETURN collect(DISTINCT p.label) AS concerns
}
RETURN e.label AS event, last(split(type.uri, '/')) AS type, status, e.date AS date, reported,
       e.place AS place, e.venue AS venue, participants, mediators, concerns, quote, article,
       e.factId AS event_id
ORDER BY coalesce(date, reported), event_id, coalesce(status, '')
