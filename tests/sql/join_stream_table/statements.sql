-- Stream-table LEFT JOIN: a stream record joins the table's value for its key at the time it
-- is processed; table updates (and tombstones) emit nothing.
CREATE STREAM CLICKS (USER_ID INT KEY, PAGE STRING) WITH (kafka_topic='clicks', value_format='JSON');
CREATE TABLE USERS (ID INT PRIMARY KEY, NAME STRING) WITH (kafka_topic='users', value_format='JSON');

CREATE STREAM ENRICHED AS
  SELECT C.USER_ID, PAGE, NAME FROM CLICKS C LEFT JOIN USERS U ON C.USER_ID = U.ID;
