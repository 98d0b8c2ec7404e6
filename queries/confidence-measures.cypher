// name: confidence-measures
// title: Prisoner exchanges and other goodwill steps, with counts
// description: Prisoner exchanges and ceasefire declarations (unilateral truces) that happened, or
//   were first reported, on or before the date. date: the event's own date, if known; reported:
//   the date of the first article that reports it. status: its status as of the date (planned or
//   held). participants: who took part or took the step; mediators: who mediated it; prisoners:
//   the number of prisoners exchanged or released. quote and article: its quote in the first
//   article that reports it.
// param actor: iri(actor) = none — only steps this actor (or someone representing it) took part in or mediated (an id such as ukraine)
// param as_of: date = latest — only steps dated, or first reported, on or before this date (YYYY-MM-DD)
// columns: event, type, date: date, reported: date, status, participants: list, mediators: list, prisoners: integer, quote, article, event_id
//
// SPARQL version: confidence-measures.rq.
MATCH (e:Event)-[:EVENT_TYPE]->(type)
WHERE type.uri IN ['https://w3id.org/ceasefire-kg/event-type/prisoner-exchange',
                   'https://w3id.org/ceasefire-kg/event-type/ceasefire-declaration']
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
CALL (e) {
  OPTIONAL MATCH (e)-[:PARTICIPANT|INITIATOR]->(participant)
  RETURN collect(DISTINCT participant.label) AS participants
}
CALL (e) {
  OPTIONAL MATCH (e)-[:MEDIATOR]->(mediator)
  RETURN collect(DISTINCT mediator.label) AS mediators
}
RETURN e.label AS event, last(split(type.uri, '/')) AS type, e.date AS date, reported, status,
       participants, mediators, e.prisoners AS prisoners, quote, article, e.factId AS event_id
ORDER BY coalesce(date, reported), event_id, coalesce(status, '')
