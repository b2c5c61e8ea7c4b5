-- Re-keys a stream by a value column; the old key moves into the value.
CREATE STREAM CLICKS (ID INT KEY, USER_NAME STRING, PAGE STRING)
  WITH (kafka_topic='clicks', value_format='JSON');

CREATE STREAM CLICKS_BY_USER WITH (kafka_topic='clicks_by_user') AS
  SELECT * FROM CLICKS PARTITION BY USER_NAME;
