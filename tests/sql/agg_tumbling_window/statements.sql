-- TUMBLING windows: one window per record, keyed by (key, window start); WINDOWSTART and
-- WINDOWEND are selectable; a record for a window whose end + grace has passed is dropped.
CREATE STREAM READINGS (SENSOR STRING KEY, TEMP DOUBLE)
  WITH (kafka_topic='readings', value_format='JSON');

CREATE TABLE PEAKS WITH (kafka_topic='peaks') AS
  SELECT SENSOR, MAX(TEMP) AS PEAK, WINDOWSTART AS WS, WINDOWEND AS WE
  FROM READINGS WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 5 SECONDS)
  GROUP BY SENSOR;
