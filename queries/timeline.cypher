// name: timeline
// title: Events and statements in date order, for an actor or a proposal
// description: Everything dated in the negotiations, in date order: events (on their own date, else
//   the date of the first article that reports them), claims (statements, accusations, denials,
//   forecasts, scope interpretations), positions (status: the stance), and each recorded status of
//   a demand or proposal (status: open, withdrawn, agreed, collapsed, ...). actors: who is involved
//   (participants, claimants, accused, holders, demanders, parties, mediators); proposals: what it
//   is about. For one actor (the people representing it count too) and/or one proposal, or all.
//   quote and article: the quote in the first article that reports it (for a status, in the first
//   article that records it).
// param actor: iri(actor) = none — only what this actor, or someone representing it, is involved in (an id such as russia)
// param proposal: iri(proposal) = none — only what is about this proposal (an id such as us-30-day-ceasefire)
// param since: date = none — from this date on (YYYY-MM-DD); none starts from the beginning
// param until: date = latest — up to this date (YYYY-MM-DD); latest goes up to the newest
// columns: date: date, kind, what, status, actors: list, proposals: list, quote, article, id
//
// SPARQL version: timeline.rq.
CALL () {
  MATCH (x:Event)-[:EVENT_TYPE]->(type)
  CALL (x) {
    MATCH (x)-[:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a:Article)
    RETURN q.exact AS quote, a.factId AS article, a.issued AS reported
    ORDER BY a.issued, a.factId
    LIMIT 1
  }
  RETURN x, coalesce(x.date, reported) AS date, last(split(type.uri, '/')) AS kind, null AS status, quote, article
  UNION
  MATCH (x:Claim)
  CALL (x) {
    MATCH (x)-[:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a:Article)
    RETURN q.exact AS quote, a.factId AS article
    ORDER BY a.issued, a.factId
    LIMIT 1
  }
  RETURN x, x.date AS date,
         CASE WHEN x:ViolationAccusation THEN 'violation-accusation'
              WHEN x:ScopeInterpretation THEN 'scope-interpretation'
              WHEN x:Forecast THEN 'forecast' WHEN x:Denial THEN 'denial'
              WHEN x:Statement THEN 'statement'
              WHEN x:Accusation THEN 'accusation' WHEN x:TermsInterpretation THEN 'terms-interpretation' ELSE 'claim' END AS kind,
         null AS status, quote, article
  UNION
  MATCH (x:Position)-[:STANCE]->(stance)
  CALL (x) {
    MATCH (x)-[:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a:Article)
    RETURN q.exact AS quote, a.factId AS article
    ORDER BY a.issued, a.factId
    LIMIT 1
  }
  RETURN x, x.asOf AS date, 'position' AS kind, last(split(stance.uri, '/')) AS status, quote, article
  UNION
  MATCH (x)-[:STATUS_RECORD]->(record:StatusRecord)-[:STATUS]->(status_concept),
        (record)-[:WAS_DERIVED_FROM]->(a:Article)<-[:IN_ARTICLE]-(q:Quote)<-[:EVIDENCE]-(x)
  WHERE x:Demand OR x:Proposal
  WITH x, record.asOf AS date, CASE WHEN x:Demand THEN 'demand' ELSE 'proposal' END AS kind,
       last(split(status_concept.uri, '/')) AS status, q, a
  ORDER BY a.issued, a.factId
  WITH x, date, kind, status, head(collect({quote: q.exact, article: a.factId})) AS first
  RETURN x, date, kind, status, first.quote AS quote, first.article AS article
}
WITH x, date, kind, status, quote, article
WHERE ($since IS NULL OR date >= $since) AND ($until IS NULL OR date <= $until)
  AND ($actor IS NULL OR EXISTS {
    MATCH (x)-[:PARTICIPANT|INITIATOR|TARGET|MEDIATOR|CLAIMANT|ACCUSED|HOLDER|DEMANDED_BY|DEMANDED_OF|PARTY|PROPOSED_BY]->(who)
    WHERE who.uri = $actor OR EXISTS { MATCH (who)-[:REPRESENTS]->(side) WHERE side.uri = $actor }
  })
  AND ($proposal IS NULL OR x.uri = $proposal OR EXISTS {
    MATCH (x)-[:CONCERNS|ABOUT_PROPOSAL|ON_PROPOSAL|PRECONDITION_FOR]->(p) WHERE p.uri = $proposal
  })
CALL (x) {
  OPTIONAL MATCH (x)-[:PARTICIPANT|INITIATOR|TARGET|MEDIATOR|CLAIMANT|ACCUSED|HOLDER|DEMANDED_BY|DEMANDED_OF|PARTY|PROPOSED_BY]->(who)
  RETURN collect(DISTINCT who.label) AS actors
}
CALL (x) {
  OPTIONAL MATCH (x)-[:CONCERNS|ABOUT_PROPOSAL|ON_PROPOSAL|PRECONDITION_FOR]->(p)
  RETURN collect(DISTINCT p.label) AS proposals
}
RETURN date, kind, x.label AS what, status, actors,
       CASE WHEN x:Proposal THEN proposals + [x.label] ELSE proposals END AS proposals,
       quote, article, x.factId AS id
ORDER BY date, kind, id, coalesce(status, ''), article
