// name: talks
// title: Held and planned meetings, calls and talks: where, when, who, and who mediates
// description: Calls, meetings and talks as known on the date: only what articles published on or
//   before it report (the talks, who took part, who mediated, what they concern, place, venue and
//   date), with their status as of the date (the latest status whose date is on or before it, among
//   those known; planned or held; empty when no article gives one). date: the event's own date, if
//   known; reported: the date of the first article that reports it.
//   participants: who took part (or initiated it); mediators: who mediated; concerns: the proposals
//   it is about. place and venue: as reported (the first in order when articles differ). quote and
//   article: its quote in the first article that reports it. end_date: the last day of talks held
//   over several days, if known; format: direct (the sides met) or proximity (the mediators carried
//   messages between sides who did not meet), if known.
// param status: enum(planned|held) = none — only talks with this status as of the date
// param actor: iri(actor) = none — only talks this actor took part in or mediated, itself or through anyone whose represents chain leads to it (an id such as russia)
// param as_of: date = latest — answer as known on this date (YYYY-MM-DD); latest uses everything known
// columns: event, type, status, date: date, reported: date, place, venue, participants: list, mediators: list, concerns: list, quote, article, event_id, end_date: date, format
// known-by: as_of
//
// SPARQL version: talks.rq. Known on the date: a node's or relationship's `known` (and a value's
// `<name>__known`) is absent (known from the start) or on or before it.
// The events asked about: when an actor is given, those it (or anyone whose represents chain leads
// to it) takes part in, found from its node (an index look-up) rather than by reading every event;
// otherwise the events of a talks type, found from the type's node.
CALL () {
  MATCH (:Resource {uri: $actor})<-[:REPRESENTS*0..5]-()<-[:PARTICIPANT|INITIATOR|TARGET|MEDIATOR]-(e:Event)
  RETURN e
  UNION
  WITH $actor IS NULL AS every_event
  WHERE every_event
  MATCH (type:Resource)<-[:EVENT_TYPE]-(e:Event)
  WHERE type.uri IN ['https://w3id.org/ceasefire-kg/event-type/call',
                     'https://w3id.org/ceasefire-kg/event-type/meeting',
                     'https://w3id.org/ceasefire-kg/event-type/talks']
  RETURN DISTINCT e
}
MATCH (e)-[event_type:EVENT_TYPE]->(type)
WHERE type.uri IN ['https://w3id.org/ceasefire-kg/event-type/call',
                   'https://w3id.org/ceasefire-kg/event-type/meeting',
                   'https://w3id.org/ceasefire-kg/event-type/talks']
  AND ($as_of IS NULL OR all(known IN [e.known, event_type.known] WHERE known IS NULL OR known <= $as_of))
  AND ($actor IS NULL OR EXISTS {
    MATCH (e)-[involved:PARTICIPANT|INITIATOR|TARGET|MEDIATOR]->(who), chain = (who)-[:REPRESENTS*0..5]->(actor)
    WHERE actor.uri = $actor
      AND all(r IN [involved] + relationships(chain) WHERE $as_of IS NULL OR r.known IS NULL OR r.known <= $as_of)
  })
CALL (e) {
  MATCH (e)-[evidence:EVIDENCE]->(q:Quote)-[in_article:IN_ARTICLE]->(a:Article)
  WHERE ($as_of IS NULL OR all(known IN [evidence.known, q.known, in_article.known, a.known] WHERE known IS NULL OR known <= $as_of))
  RETURN q AS quoted, a.factId AS article, a.issued AS reported
  ORDER BY a.issued, a.factId
  LIMIT 1
}
CALL (e) {
  OPTIONAL MATCH (e)-[has_record:STATUS_RECORD]->(record:StatusRecord)
  WHERE $as_of IS NULL OR (record.asOf <= $as_of
        AND all(known IN [has_record.known, record.known, record.asOf__known] WHERE known IS NULL OR known <= $as_of))
  WITH e, max(record.asOf) AS latest
  OPTIONAL MATCH (e)-[has_record:STATUS_RECORD]->(current:StatusRecord)-[has_status:STATUS]->(status)
  WHERE current.asOf = latest
    AND ($as_of IS NULL OR all(known IN [has_record.known, current.known, current.asOf__known, has_status.known]
                               WHERE known IS NULL OR known <= $as_of))
  RETURN DISTINCT last(split(status.uri, '/')) AS status
}
WITH e, type, quoted, article, reported, status
WHERE $status IS NULL OR status = $status
// Sorted here, before the look-ups below: Neo4j then streams the rows (and a page stops early).
WITH e, type, quoted, article, reported, status, e.factId AS event_id,
     CASE WHEN $as_of IS NULL OR e.date__known IS NULL OR e.date__known <= $as_of THEN e.date END AS date
ORDER BY coalesce(date, reported), event_id, coalesce(status, '')
CALL (e) {
  OPTIONAL MATCH (e)-[took_part:PARTICIPANT|INITIATOR]->(participant)
  WHERE $as_of IS NULL OR took_part.known IS NULL OR took_part.known <= $as_of
  RETURN collect(DISTINCT participant.label) AS participants
}
CALL (e) {
  OPTIONAL MATCH (e)-[mediated:MEDIATOR]->(mediator)
  WHERE $as_of IS NULL OR mediated.known IS NULL OR mediated.known <= $as_of
  RETURN collect(DISTINCT mediator.label) AS mediators
}
CALL (e) {
  OPTIONAL MATCH (e)-[about:CONCERNS]->(p)
  WHERE $as_of IS NULL OR about.known IS NULL OR about.known <= $as_of
  RETURN collect(DISTINCT p.label) AS concerns
}
WITH e, type, quoted, article, reported, status, participants, mediators, concerns, event_id, date,
     CASE WHEN $as_of IS NULL OR e.place__known IS NULL OR e.place__known <= $as_of THEN e.place END AS place,
     CASE WHEN $as_of IS NULL OR e.venue__known IS NULL OR e.venue__known <= $as_of THEN e.venue END AS venue,
     CASE WHEN $as_of IS NULL OR e.endDate__known IS NULL OR e.endDate__known <= $as_of THEN e.endDate END AS end_date,
     CASE WHEN $as_of IS NULL OR e.talksFormat__known IS NULL OR e.talksFormat__known <= $as_of THEN e.talksFormat END AS format
RETURN e.label AS event, last(split(type.uri, '/')) AS type, status, date, reported, place, venue,
       participants, mediators, concerns, quoted.exact AS quote, article, event_id, end_date, format
ORDER BY coalesce(date, reported), event_id, coalesce(status, '')
