-- KAFKA format: a single primitive per key and per value, written in Kafka's own serialization.
CREATE STREAM COUNTS (NAME STRING KEY, N BIGINT)
  WITH (kafka_topic='counts', key_format='KAFKA', value_format='KAFKA');

CREATE STREAM DOUBLED WITH (kafka_topic='doubled', value_format='KAFKA') AS
  SELECT NAME, N * 2 AS N2 FROM COUNTS WHERE N IS NOT NULL;
