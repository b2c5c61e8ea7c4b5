-- Three-way stream-table-table join on one key: a LEFT join to CUSTOMERS, then an INNER join to
-- LIMITS. Each order looks up both tables as they are when it is processed; an order without a
-- limit has no result (inner join), one without a customer keeps NULL customer columns. With
-- SELECT * the first join column (O.ID) is the key; the tables' ID columns stay values.
CREATE STREAM ORDERS (ID INT KEY, AMOUNT INT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE CUSTOMERS (ID INT PRIMARY KEY, NAME STRING) WITH (kafka_topic='customers', value_format='JSON');
CREATE TABLE LIMITS (ID INT PRIMARY KEY, MAX_AMOUNT INT) WITH (kafka_topic='limits', value_format='JSON');

CREATE STREAM CHECKED WITH (kafka_topic='checked') AS
  SELECT * FROM ORDERS O
  LEFT JOIN CUSTOMERS C ON O.ID = C.ID
  JOIN LIMITS L ON O.ID = L.ID;
