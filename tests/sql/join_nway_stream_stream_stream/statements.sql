-- Three-way stream-stream-stream join with a different WITHIN per join: clicks and views of a
-- user within 10 seconds, then purchases within 1 minute of that pair (its timestamp being the
-- later of the two). Results carry the latest timestamp of the records joined; the 1 minute
-- bound is inclusive. USER_ID is in all three streams, so the key is named C_USER_ID.
CREATE STREAM CLICKS (USER_ID INT KEY, URL STRING) WITH (kafka_topic='clicks', value_format='JSON');
CREATE STREAM VIEWS (USER_ID INT KEY, SECS INT) WITH (kafka_topic='views', value_format='JSON');
CREATE STREAM BUYS (USER_ID INT KEY, ITEM STRING) WITH (kafka_topic='buys', value_format='JSON');

CREATE STREAM FUNNEL WITH (kafka_topic='funnel') AS
  SELECT C.USER_ID, URL, SECS, ITEM
  FROM CLICKS C
  JOIN VIEWS V WITHIN 10 SECONDS ON C.USER_ID = V.USER_ID
  JOIN BUYS B WITHIN 1 MINUTE ON C.USER_ID = B.USER_ID;
