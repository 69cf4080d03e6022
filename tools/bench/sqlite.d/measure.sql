-- Measuring workload (differs from training): other tables, a self join, window functions,
-- a common table expression, LIKE, collation, EXPLAIN QUERY PLAN and a transaction.
CREATE TABLE event(id INTEGER PRIMARY KEY, kind TEXT COLLATE NOCASE, at INTEGER, amount INTEGER);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
INSERT INTO event SELECT i, CASE i % 5 WHEN 0 THEN 'Open' WHEN 1 THEN 'close' WHEN 2 THEN 'READ' WHEN 3 THEN 'write' ELSE 'seek' END,
  i * 13 % 86400, (i * 7 % 1000) - 500 FROM n;
COMMIT;
CREATE INDEX event_kind ON event(kind, at);
EXPLAIN QUERY PLAN SELECT * FROM event WHERE kind = 'open' AND at > 1000;
SELECT kind, count(*), sum(amount) FROM event WHERE kind = 'open' AND at > 1000 GROUP BY kind;
SELECT kind, at, amount, sum(amount) OVER (PARTITION BY kind ORDER BY at ROWS 3 PRECEDING) FROM event
  WHERE id % 1000 = 0 ORDER BY kind, at LIMIT 20;
SELECT a.kind, count(*) FROM event a JOIN event b ON a.at = b.at AND a.id < b.id WHERE a.id < 3000 GROUP BY a.kind ORDER BY 1;
WITH t(k, total) AS (SELECT kind, sum(amount) FROM event GROUP BY kind) SELECT k, total, rank() OVER (ORDER BY total DESC) FROM t;
SELECT count(*) FROM event WHERE kind LIKE 'w%' OR kind LIKE '%ek';
SELECT group_concat(DISTINCT kind) FROM (SELECT kind FROM event ORDER BY kind);
