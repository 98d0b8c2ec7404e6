// name: timeline
// title: Events and statements in date order, for an actor or a proposal
// description: Everything dated in the negotiations, in order of the date it happened (its valid
//   date): events (on their own date, else the date of the first article that reports them), claims
//   (statements, accusations, denials, forecasts, scope interpretations, on their date), positions
//   (status: the stance, on its date), and each recorded status of a demand or proposal (status:
//   open, withdrawn, agreed, in-force, collapsed, ...) on the date the article gives for it (such as
//   the date a truce took effect), else the article's date. reported: the date of the first article
//   that reports it. As known on the until date: only what articles published on or before it report
//   (every item, actor, proposal and date). actors: who is involved (participants, claimants,
//   accused, holders, demanders, parties, mediators); proposals: what it is about. For one actor
//   (anyone whose represents chain leads to it counts too) and/or one proposal, or all. quote and
//   article: the quote in the first article that reports it (for a status, in the first article that
//   records it).
// param actor: iri(actor) = none — only what this actor, or anyone whose represents chain leads to it, is involved in (an id such as russia)
// param proposal: iri(proposal) = none — only what is about this proposal (an id such as us-30-day-ceasefire)
// param since: date = none — from this date on (YYYY-MM-DD); none starts from the beginning
// param until: date = latest — up to this date, as known on it (YYYY-MM-DD); latest goes up to the newest
// columns: date: date, reported: date, kind, what, status, actors: list, proposals: list, quote, article, id
// known-by: until
//
// SPARQL version: timeline.rq. Known on the until date: a node's or relationship's `known` (and a
// value's `<name>__known`) is absent (known from the start) or on or before it.
// The items asked about, found from the proposal's or the actor's node when one is given (an index
// look-up), else every item that can be dated; the filters below keep those whose links are known.
CALL () {
  MATCH (given:Resource {uri: $proposal})
  CALL (given) {
    MATCH (x)-[:CONCERNS|ABOUT_PROPOSAL|ON_PROPOSAL|PRECONDITION_FOR]->(given)
    RETURN x
    UNION
    RETURN given AS x
  }
  RETURN x
  UNION
  MATCH (given:Resource {uri: $actor})
  WHERE $proposal IS NULL
  MATCH (x)-[:PARTICIPANT|INITIATOR|TARGET|MEDIATOR|CLAIMANT|ACCUSED|HOLDER|DEMANDED_BY|DEMANDED_OF|PARTY|PROPOSED_BY]->()
        -[:REPRESENTS*0..5]->(given)
  RETURN x
  UNION
  WITH $actor IS NULL AND $proposal IS NULL AS every_item
  WHERE every_item
  MATCH (x)
  WHERE x:Event OR x:Claim OR x:Position OR x:Demand OR x:Proposal
  RETURN x
}
// Each item's date, kind and status (an item can have several: a status per record date), without
// its quote: the rows are sorted first, and the first report of each is looked up below, in that
// order, so that a page looks up its own rows only. An event without a date of its own is dated by
// its first report, found here.
CALL (x) {
  MATCH (x:Event)-[event_type:EVENT_TYPE]->(type)
  WHERE ($until IS NULL OR all(known IN [x.known, event_type.known] WHERE known IS NULL OR known <= $until))
  WITH x, type, CASE WHEN $until IS NULL OR x.date__known IS NULL OR x.date__known <= $until THEN x.date END AS own_date
  RETURN CASE WHEN own_date IS NULL THEN COLLECT {
           MATCH (x)-[evidence:EVIDENCE]->(q:Quote)-[in_article:IN_ARTICLE]->(a:Article)
           WHERE ($until IS NULL OR all(known IN [evidence.known, q.known, in_article.known, a.known] WHERE known IS NULL OR known <= $until))
           RETURN a.issued ORDER BY a.issued LIMIT 1
         }[0] ELSE own_date END AS date,
         last(split(type.uri, '/')) AS kind, null AS status, null AS records
  UNION ALL
  MATCH (x:Claim)
  WHERE $until IS NULL OR ((x.known IS NULL OR x.known <= $until)
    AND (x.date__known IS NULL OR x.date__known <= $until))
  WITH x, labels(x) AS classes
  RETURN x.date AS date,
         CASE WHEN 'ViolationAccusation' IN classes THEN 'violation-accusation'
              WHEN 'ScopeInterpretation' IN classes THEN 'scope-interpretation'
              WHEN 'Forecast' IN classes THEN 'forecast' WHEN 'Denial' IN classes THEN 'denial'
              WHEN 'Statement' IN classes THEN 'statement'
              WHEN 'Accusation' IN classes THEN 'accusation' WHEN 'TermsInterpretation' IN classes THEN 'terms-interpretation'
              ELSE 'claim' END AS kind,
         null AS status, null AS records
  UNION ALL
  MATCH (x:Position)-[has_stance:STANCE]->(stance)
  WHERE $until IS NULL OR ((x.known IS NULL OR x.known <= $until)
    AND (has_stance.known IS NULL OR has_stance.known <= $until)
        AND (x.asOf__known IS NULL OR x.asOf__known <= $until))
  RETURN x.asOf AS date, 'position' AS kind, last(split(stance.uri, '/')) AS status, null AS records
  UNION ALL
  // A status on the date the article gives for it, with the records that give it (their articles
  // hold its quote).
  MATCH (x)-[has_record:STATUS_RECORD]->(record:StatusRecord)-[has_status:STATUS]->(status_concept)
  WHERE (x:Demand OR x:Proposal)
    AND ($until IS NULL OR all(known IN [has_record.known, record.known, record.asOf__known, has_status.known]
                               WHERE known IS NULL OR known <= $until))
  RETURN record.asOf AS date, CASE WHEN x:Demand THEN 'demand' ELSE 'proposal' END AS kind,
         last(split(status_concept.uri, '/')) AS status, collect(record) AS records
}
WITH x, date, kind, status, records
WHERE ($since IS NULL OR date >= $since) AND ($until IS NULL OR date <= $until)
  AND ($actor IS NULL OR EXISTS {
    MATCH (x)-[involved:PARTICIPANT|INITIATOR|TARGET|MEDIATOR|CLAIMANT|ACCUSED|HOLDER|DEMANDED_BY|DEMANDED_OF|PARTY|PROPOSED_BY]->(who),
          chain = (who)-[:REPRESENTS*0..5]->(actor)
    WHERE actor.uri = $actor
      AND all(r IN [involved] + relationships(chain) WHERE $until IS NULL OR r.known IS NULL OR r.known <= $until)
  })
  AND ($proposal IS NULL OR x.uri = $proposal OR EXISTS {
    MATCH (x)-[about:CONCERNS|ABOUT_PROPOSAL|ON_PROPOSAL|PRECONDITION_FOR]->(p)
    WHERE p.uri = $proposal AND ($until IS NULL OR about.known IS NULL OR about.known <= $until)
  })
WITH x, date, kind, status, records, x.factId AS id, coalesce(status, '') AS status_key
ORDER BY date, kind, id, status_key
// The first report: of the item, or for a status, in the articles its records come from. An item
// with none known is not listed.
CALL (x, records) {
  MATCH (x)-[evidence:EVIDENCE]->(q:Quote)-[in_article:IN_ARTICLE]->(a:Article)
  WHERE ($until IS NULL OR all(known IN [evidence.known, q.known, in_article.known, a.known] WHERE known IS NULL OR known <= $until))
    AND (records IS NULL OR any(record IN records WHERE EXISTS {
      MATCH (record)-[derived:WAS_DERIVED_FROM]->(a)
      WHERE $until IS NULL OR derived.known IS NULL OR derived.known <= $until
    }))
  RETURN q AS quoted, a.factId AS article, a.issued AS reported
  ORDER BY a.issued, a.factId
  LIMIT 1
}
CALL (x) {
  OPTIONAL MATCH (x)-[involved:PARTICIPANT|INITIATOR|TARGET|MEDIATOR|CLAIMANT|ACCUSED|HOLDER|DEMANDED_BY|DEMANDED_OF|PARTY|PROPOSED_BY]->(who)
  WHERE $until IS NULL OR involved.known IS NULL OR involved.known <= $until
  RETURN collect(DISTINCT who.label) AS actors
}
CALL (x) {
  // Only proposals: a demand can also be a precondition for a demand or an event.
  OPTIONAL MATCH (x)-[about:CONCERNS|ABOUT_PROPOSAL|ON_PROPOSAL|PRECONDITION_FOR]->(p:Proposal)
  WHERE $until IS NULL OR about.known IS NULL OR about.known <= $until
  RETURN collect(DISTINCT p.label) AS proposals
}
RETURN date, reported, kind, x.label AS what, status, actors,
       CASE WHEN x:Proposal THEN proposals + [x.label] ELSE proposals END AS proposals,
       quoted.exact AS quote, article, id
ORDER BY date, kind, id, status_key, article
