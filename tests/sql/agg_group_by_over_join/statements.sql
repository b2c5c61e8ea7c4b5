-- GROUP BY over a stream-table join: each click is joined to its user, the joined rows are
-- repartitioned by the user's COUNTRY and counted per country. A click of an unknown user has
-- no join result (inner join); a user with a NULL COUNTRY has no group and is skipped.
CREATE STREAM CLICKS (USER_ID INT KEY, PAGE STRING)
  WITH (kafka_topic='clicks', value_format='JSON');

CREATE TABLE USERS (ID INT PRIMARY KEY, COUNTRY STRING)
  WITH (kafka_topic='users', value_format='JSON');

CREATE TABLE CLICKS_BY_COUNTRY WITH (kafka_topic='clicks_by_country') AS
  SELECT U.COUNTRY, COUNT(*) AS N, COUNT_DISTINCT(C.PAGE) AS PAGES
  FROM CLICKS C JOIN USERS U ON C.USER_ID = U.ID
  WHERE C.PAGE <> 'health'
  GROUP BY U.COUNTRY;
