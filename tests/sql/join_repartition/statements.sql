-- A stream joined on a value column is repartitioned by it first (an internal topic); the
-- join key keeps the right source's key column name.
CREATE STREAM VISITS (ID INT KEY, USER_ID INT, PAGE STRING) WITH (kafka_topic='visits', value_format='JSON');
CREATE TABLE USERS (ID INT PRIMARY KEY, NAME STRING) WITH (kafka_topic='users', value_format='JSON');

CREATE STREAM NAMED AS
  SELECT U.ID, PAGE, NAME FROM VISITS V JOIN USERS U ON V.USER_ID = U.ID;
