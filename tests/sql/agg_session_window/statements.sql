-- SESSION windows: records within the inactivity gap share a session; a record bridging two
-- sessions merges them (a tombstone for each merged-away session, then the merged one).
CREATE STREAM EVENTS (DEVICE STRING KEY, KIND STRING)
  WITH (kafka_topic='events', value_format='JSON');

CREATE TABLE SESSIONS WITH (kafka_topic='sessions') AS
  SELECT DEVICE, COUNT(*) AS N, COLLECT_LIST(KIND) AS KINDS FROM EVENTS
  WINDOW SESSION (10 SECONDS)
  GROUP BY DEVICE;
