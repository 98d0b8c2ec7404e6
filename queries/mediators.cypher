// name: mediators
// title: Who mediates which track
// description: Every mediator of a proposal (a negotiation track) or of an event (talks, an
//   exchange), first reported on or before the date. track: what is mediated; kind: ceasefire,
//   truce or agreement for a proposal, the event type for an event. parties: the proposal's parties,
//   or the event's participants; concerns: the proposals an event is about. first_reported: the
//   date of the first article that reports the track. quote and article: the track's quote in that
//   article.
// param actor: iri(actor) = none — only this mediator, or those representing it (an id such as united-states)
// param as_of: date = latest — only tracks first reported on or before this date (YYYY-MM-DD)
// columns: mediator, track, kind, parties: list, concerns: list, first_reported: date, quote, article, track_id
//
// SPARQL version: mediators.rq.
MATCH (track)-[:MEDIATOR]->(mediator)
WHERE (track:Proposal OR track:Event)
  AND ($actor IS NULL OR mediator.uri = $actor OR EXISTS { MATCH (mediator)-[:REPRESENTS]->(side) WHERE side.uri = $actor })
CALL (track) {
  MATCH (track)-[:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a:Article)
  RETURN q.exact AS quote, a.factId AS article, a.issued AS first_reported
  ORDER BY a.issued, a.factId
  LIMIT 1
}
WITH DISTINCT track, mediator, quote, article, first_reported
WHERE $as_of IS NULL OR first_reported <= $as_of
CALL (track) {
  OPTIONAL MATCH (track)-[:PARTY|PARTICIPANT]->(party)
  RETURN collect(DISTINCT party.label) AS parties
}
CALL (track) {
  OPTIONAL MATCH (track)-[:CONCERNS]->(p)
  RETURN collect(DISTINCT p.label) AS concerns
}
OPTIONAL MATCH (track)-[:EVENT_TYPE]->(type)
RETURN mediator.label AS mediator, track.label AS track,
       CASE WHEN track:Ceasefire THEN 'ceasefire' WHEN track:Truce THEN 'truce'
            WHEN track:Agreement THEN 'agreement' ELSE last(split(type.uri, '/')) END AS kind,
       parties, concerns, first_reported, quote, article, track.factId AS track_id
ORDER BY mediator, first_reported, track_id, kind
