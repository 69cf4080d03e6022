-- Training workload for the SQLite shell: build tables, index them, query with joins,
-- grouping, sorting and string functions.
CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, price REAL, category INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO item SELECT i, 'item-' || (i * 7919 % 20011), (i * 37 % 1000) / 10.0, i % 37 FROM n;
CREATE TABLE category(id INTEGER PRIMARY KEY, label TEXT);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 36)
INSERT INTO category SELECT i, 'cat' || printf('%03d', i) FROM n;
CREATE INDEX item_category ON item(category, price);
SELECT c.label, count(*), round(avg(i.price), 2), max(i.name) FROM item i JOIN category c ON c.id = i.category
  GROUP BY c.label ORDER BY 3 DESC LIMIT 10;
SELECT category, sum(price) FROM item WHERE price BETWEEN 10 AND 40 GROUP BY category HAVING count(*) > 100 ORDER BY 2;
UPDATE item SET price = price * 1.1 WHERE category % 3 = 0;
DELETE FROM item WHERE id % 97 = 0;
SELECT count(*), sum(length(name)), min(price), max(price) FROM item;
SELECT upper(substr(name, 1, 6)), count(*) FROM item GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5;
