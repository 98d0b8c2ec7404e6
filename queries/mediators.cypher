// name: mediators
// title: Who mediates which track
// description: Every mediator of a proposal (a negotiation track) or of an event (talks, an
//   exchange), as known on the date: only what articles published on or before it report (the
//   mediator, the track, its parties and what it concerns). track: what is mediated; kind: ceasefire,
//   truce or agreement for a proposal, the event type for an event. parties: the proposal's parties,
//   or the event's participants; concerns: the proposals an event is about. first_reported: the
//   date of the first article that reports the track. quote and article: the track's quote in that
//   article.
// param actor: iri(actor) = none — only this mediator, or those whose represents chain leads to it (an id such as united-states)
// param as_of: date = latest — answer as known on this date (YYYY-MM-DD): mediators reported on or before it
// columns: mediator, track, kind, parties: list, concerns: list, first_reported: date, quote, article, track_id
// known-by: as_of
//
// SPARQL version: mediators.rq. Known on the date: a node's or relationship's `known` (and a value's
// `<name>__known`) is absent (known from the start) or on or before it.
// The mediators asked about: when an actor is given, those whose represents chain leads to it,
// found from its node (an index look-up) rather than by reading every mediation.
CALL () {
  MATCH (:Resource {uri: $actor})<-[:REPRESENTS*0..5]-(mediator)
  RETURN mediator
  UNION
  WITH $actor IS NULL AS every_mediator
  WHERE every_mediator
  MATCH ()-[:MEDIATOR]->(mediator)
  RETURN DISTINCT mediator
}
MATCH (track)-[mediated:MEDIATOR]->(mediator)
WHERE (track:Proposal OR track:Event)
  AND ($as_of IS NULL OR all(known IN [track.known, mediated.known] WHERE known IS NULL OR known <= $as_of))
  AND ($actor IS NULL OR EXISTS {
    MATCH chain = (mediator)-[:REPRESENTS*0..5]->(actor)
    WHERE actor.uri = $actor AND all(r IN relationships(chain) WHERE $as_of IS NULL OR r.known IS NULL OR r.known <= $as_of)
  })
WITH track, mediator ORDER BY mediator.label
CALL (track) {
  MATCH (track)-[evidence:EVIDENCE]->(q:Quote)-[in_article:IN_ARTICLE]->(a:Article)
  WHERE $as_of IS NULL OR all(known IN [evidence.known, q.known, in_article.known, a.known] WHERE known IS NULL OR known <= $as_of)
  RETURN q AS quoted, a.factId AS article, a.issued AS first_reported
  ORDER BY a.issued, a.factId
  LIMIT 1
}
WITH DISTINCT track, mediator, quoted, article, first_reported
CALL (track) {
  OPTIONAL MATCH (track)-[takes_part:PARTY|PARTICIPANT]->(party)
  WHERE $as_of IS NULL OR takes_part.known IS NULL OR takes_part.known <= $as_of
  RETURN collect(DISTINCT party.label) AS parties
}
CALL (track) {
  OPTIONAL MATCH (track)-[about:CONCERNS]->(p)
  WHERE $as_of IS NULL OR about.known IS NULL OR about.known <= $as_of
  RETURN collect(DISTINCT p.label) AS concerns
}
OPTIONAL MATCH (track)-[event_type:EVENT_TYPE]->(type)
WHERE $as_of IS NULL OR event_type.known IS NULL OR event_type.known <= $as_of
RETURN mediator.label AS mediator, track.label AS track,
       CASE WHEN track:Ceasefire THEN 'ceasefire' WHEN track:Truce THEN 'truce'
            WHEN track:Agreement THEN 'agreement' ELSE last(split(type.uri, '/')) END AS kind,
       parties, concerns, first_reported, quoted.exact AS quote, article, track.factId AS track_id
ORDER BY mediator, first_reported, track_id, kind
