-- Aggregating a table: an update retracts the row's previous value from its old group before
-- adding it to the new one; a tombstone only retracts.
CREATE TABLE USERS (ID INT PRIMARY KEY, CITY STRING, AGE INT)
  WITH (kafka_topic='users', value_format='JSON');

CREATE TABLE BY_CITY WITH (kafka_topic='by_city') AS
  SELECT CITY, COUNT(*) AS N, SUM(AGE) AS TOTAL_AGE FROM USERS GROUP BY CITY;
