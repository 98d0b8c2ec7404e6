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
// (coalesce(x.known <= $as_of, true): no date, or no `known`, means known), and a literal of a
// known node is read only when its `<name>__known` date, if any, is too.
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
  AND coalesce(e.known <= $as_of, true) AND coalesce(typed.known <= $as_of, true)
  AND ($actor IS NULL OR EXISTS {
    MATCH (e)-[involves:PARTICIPANT|INITIATOR|TARGET|MEDIATOR]->(who)
    WHERE coalesce(involves.known <= $as_of, true)
      AND EXISTS {
        MATCH chain = (who)-[:REPRESENTS*0..5]->(up)
        WHERE up.uri = $actor AND all(link IN relationships(chain) WHERE coalesce(link.known <= $as_of, true))
      }
  })
CALL (e) {
  MATCH (e)-[cites:EVIDENCE]->(q:Quote)-[quoted_in:IN_ARTICLE]->(a:Article)
  WHERE coalesce(a.known <= $as_of, true) AND coalesce(cites.known <= $as_of, true)
    AND coalesce(quoted_in.known <= $as_of, true)
  RETURN q.exact AS quote, a.factId AS article, a.issued AS reported
  ORDER BY a.issued, a.factId
  LIMIT 1
}
CALL (e) {
  OPTIONAL MATCH (e)-[has:STATUS_RECORD]->(record:StatusRecord)
  WHERE ($as_of IS NULL OR record.asOf <= $as_of) AND coalesce(has.known <= $as_of, true)
  WITH e, max(record.asOf) AS latest
  OPTIONAL MATCH (e)-[has:STATUS_RECORD]->(current:StatusRecord)-[gives:STATUS]->(status)
  WHERE current.asOf = latest AND coalesce(has.known <= $as_of, true) AND coalesce(gives.known <= $as_of, true)
  RETURN DISTINCT last(split(status.uri, '/')) AS status
}
CALL (e) {
  OPTIONAL MATCH (e)-[took_part:PARTICIPANT|INITIATOR]->(participant)
  WHERE coalesce(took_part.known <= $as_of, true) AND coalesce(participant.known <= $as_of, true)
  RETURN collect(DISTINCT CASE WHEN coalesce(participant.label__known <= $as_of, true) THEN participant.label END)
         AS participants
}
CALL (e) {
  OPTIONAL MATCH (e)-[mediated:MEDIATOR]->(mediator)
  WHERE coalesce(mediated.known <= $as_of, true) AND coalesce(mediator.known <= $as_of, true)
  RETURN collect(DISTINCT CASE WHEN coalesce(mediator.label__known <= $as_of, true) THEN mediator.label END)
         AS mediators
}
RETURN CASE WHEN coalesce(e.label__known <= $as_of, true) THEN e.label END AS event,
       last(split(type.uri, '/')) AS type, CASE WHEN coalesce(e.date__known <= $as_of, true) THEN e.date END AS date,
       reported, status, participants, mediators,
       CASE WHEN coalesce(e.prisoners__known <= $as_of, true) THEN e.prisoners END AS prisoners, quote, article,
       e.factId AS event_id
ORDER BY coalesce(date, reported), event_id, coalesce(status, '')
