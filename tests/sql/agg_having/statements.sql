-- HAVING filters aggregated rows: a group appears once it passes, and a group that stops
-- passing is deleted with a tombstone (only if it had been emitted).
CREATE STREAM PAGEVIEWS (USER_ID STRING KEY, PAGE STRING)
  WITH (kafka_topic='pageviews', value_format='JSON');

CREATE TABLE BUSY_USERS WITH (kafka_topic='busy_users') AS
  SELECT USER_ID, COUNT(*) AS VIEWS FROM PAGEVIEWS
  GROUP BY USER_ID HAVING COUNT(*) >= 2 AND COUNT(*) < 4;
