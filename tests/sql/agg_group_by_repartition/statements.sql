-- GROUP BY a value column: the stream is repartitioned by REGION, then COUNT/SUM/AVG/MIN/MAX
-- emit one update per input record. A NULL REGION has no group and is skipped.
CREATE STREAM ORDERS (ID INT KEY, REGION STRING, AMOUNT INT)
  WITH (kafka_topic='orders', value_format='JSON');

CREATE TABLE TOTALS WITH (kafka_topic='totals') AS
  SELECT REGION, COUNT(*) AS N, SUM(AMOUNT) AS TOTAL, AVG(AMOUNT) AS MEAN,
         MIN(AMOUNT) AS LOW, MAX(AMOUNT) AS HIGH
  FROM ORDERS GROUP BY REGION;
