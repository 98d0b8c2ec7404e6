// name: confidence-measures
// title: Prisoner exchanges and other goodwill steps, with counts
// description: Goodwill steps known on the date: prisoner exchanges, releases of detainees,
//   ceasefire declarations (unilateral truces), blockades lifted and sanctions lifted;
//   as known on the date, only what articles published on or before it reported. date: the
//   event's own date, if known; reported: the date of the first article that reports it. status:
//   its status as of the date (planned or held; a status holds from the date the article gives for
//   it, such as the event's date, else from the article's publication date). participants: who
//   took part or took the step; mediators: who mediated it; prisoners: the number of prisoners
//   exchanged or released. quote and article: its quote in the first article that reports it.
// param actor: iri(actor) = none — only steps this actor took part in or mediated, or someone whose represents chain passes through it did (an id such as ukraine)
// param as_of: date = latest — answer as known on this date (YYYY-MM-DD); latest uses everything known
// known-by: as_of
// columns: event, type, date: date, reported: date, status, participants: list, mediators: list, prisoners: integer, quote, article, event_id
//
// SPARQL version: confidence-measures.rq.
// As known on $as_of: every node and relationship read must be known by then
// ($as_of IS NULL OR x.known IS NULL OR x.known <= $as_of: no date, or no `known`, means known; the
// date is tested first so that an answer as of the latest date reads no `known`), and a literal of
// a known node is read only when its `<name>__known` date, if any, is too.
// The events asked about: when an actor is given, those it (or anyone whose represents chain leads
// to it) takes part in, found from its node (an index look-up) rather than by reading every event.
CALL () {
  MATCH (:Resource {uri: $actor})<-[:REPRESENTS*0..5]-()<-[:PARTICIPANT|INITIATOR|TARGET|MEDIATOR]-(e:Event)
  RETURN e
  UNION
  WITH $actor IS NULL AS every_event
  WHERE every_event
  MATCH (e:Event)
  RETURN e
}
MATCH (e)-[typed:EVENT_TYPE]->(type)
WHERE type.uri IN ['https://w3id.org/ceasefire-kg/event-type/prisoner-exchange',
                   'https://w3id.org/ceasefire-kg/event-type/detainee-release',
                   'https://w3id.org/ceasefire-kg/event-type/ceasefire-declaration',
                   'https://w3id.org/ceasefire-kg/event-type/blockade-lifted',
                   'https://w3id.org/ceasefire-kg/event-type/sanctions-lifted']
  AND ($as_of IS NULL OR e.known IS NULL OR e.known <= $as_of)
  AND ($as_of IS NULL OR typed.known IS NULL OR typed.known <= $as_of)
  AND ($actor IS NULL OR EXISTS {
    MATCH (e)-[involves:PARTICIPANT|INITIATOR|TARGET|MEDIATOR]->(who)
    WHERE ($as_of IS NULL OR involves.known IS NULL OR involves.known <= $as_of)
      AND EXISTS {
        MATCH chain = (who)-[:REPRESENTS*0..5]->(up)
        WHERE up.uri = $actor AND all(link IN relationships(chain) WHERE ($as_of IS NULL OR link.known IS NULL OR link.known <= $as_of))
      }
  })
CALL (e) {
  MATCH (e)-[cites:EVIDENCE]->(q:Quote)-[quoted_in:IN_ARTICLE]->(a:Article)
  WHERE ($as_of IS NULL OR a.known IS NULL OR a.known <= $as_of)
    AND ($as_of IS NULL OR cites.known IS NULL OR cites.known <= $as_of)
    AND ($as_of IS NULL OR quoted_in.known IS NULL OR quoted_in.known <= $as_of)
  RETURN q AS quoted, a.factId AS article, a.issued AS reported
  ORDER BY a.issued, a.factId
  LIMIT 1
}
CALL (e) {
  OPTIONAL MATCH (e)-[has:STATUS_RECORD]->(record:StatusRecord)
  WHERE ($as_of IS NULL OR record.asOf <= $as_of)
    AND ($as_of IS NULL OR has.known IS NULL OR has.known <= $as_of)
  WITH e, max(record.asOf) AS latest
  OPTIONAL MATCH (e)-[has:STATUS_RECORD]->(current:StatusRecord)-[gives:STATUS]->(status)
  WHERE current.asOf = latest
    AND ($as_of IS NULL OR has.known IS NULL OR has.known <= $as_of)
    AND ($as_of IS NULL OR gives.known IS NULL OR gives.known <= $as_of)
  RETURN DISTINCT last(split(status.uri, '/')) AS status
}
// Sorted here, before the look-ups below: Neo4j then streams the rows (and a page stops early).
WITH e, type, quoted, article, reported, status, e.factId AS event_id,
     CASE WHEN ($as_of IS NULL OR coalesce(e.date__known <= $as_of, true)) THEN e.date END AS date
ORDER BY coalesce(date, reported), event_id, coalesce(status, '')
CALL (e) {
  OPTIONAL MATCH (e)-[took_part:PARTICIPANT|INITIATOR]->(participant)
  WHERE ($as_of IS NULL OR took_part.known IS NULL OR took_part.known <= $as_of)
    AND ($as_of IS NULL OR participant.known IS NULL OR participant.known <= $as_of)
  RETURN collect(DISTINCT CASE WHEN ($as_of IS NULL OR coalesce(participant.label__known <= $as_of, true)) THEN participant.label END)
         AS participants
}
CALL (e) {
  OPTIONAL MATCH (e)-[mediated:MEDIATOR]->(mediator)
  WHERE ($as_of IS NULL OR mediated.known IS NULL OR mediated.known <= $as_of)
    AND ($as_of IS NULL OR mediator.known IS NULL OR mediator.known <= $as_of)
  RETURN collect(DISTINCT CASE WHEN ($as_of IS NULL OR coalesce(mediator.label__known <= $as_of, true)) THEN mediator.label END)
         AS mediators
}
RETURN CASE WHEN ($as_of IS NULL OR coalesce(e.label__known <= $as_of, true)) THEN e.label END AS event,
       last(split(type.uri, '/')) AS type, date,
       reported, status, participants, mediators,
       CASE WHEN ($as_of IS NULL OR coalesce(e.prisoners__known <= $as_of, true)) THEN e.prisoners END AS prisoners, quoted.exact AS quote, article,
       event_id
ORDER BY coalesce(date, reported), event_id, coalesce(status, '')
