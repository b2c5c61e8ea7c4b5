-- HOPPING windows: a record updates every window containing it, in window-start order.
CREATE STREAM CLICKS (USER_ID STRING KEY, URL STRING)
  WITH (kafka_topic='clicks', value_format='JSON');

CREATE TABLE CLICK_COUNTS WITH (kafka_topic='click_counts') AS
  SELECT USER_ID, COUNT(*) AS N FROM CLICKS
  WINDOW HOPPING (SIZE 20 SECONDS, ADVANCE BY 10 SECONDS)
  GROUP BY USER_ID;
