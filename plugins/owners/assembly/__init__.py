"""The owners' assembly (业主大会): meetings with a frozen agenda after notice, their matters
(表决事项) and the steps of a meeting; ballots per unit in a hash-chained append-only log, by
the owner on the portal, by proxy (委托投票) or on paper keyed in twice (书面表决票); the tally
with separate counters for area and heads; the verification of the log; the publication of
the results and the filing of the decisions (备案); provisional meetings requested by owners
(临时会议)."""
