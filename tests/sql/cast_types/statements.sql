-- CAST between numeric types and strings; a string that is not a number casts to null.
CREATE STREAM RAW (ID BIGINT KEY, N INT, D DOUBLE, S STRING)
  WITH (kafka_topic='raw', value_format='JSON');

CREATE STREAM CASTS WITH (kafka_topic='casts') AS
  SELECT ID,
         CAST(N AS BIGINT) AS N_BIG,
         CAST(N AS STRING) AS N_TEXT,
         CAST(D AS INT) AS D_INT,
         CAST(S AS INT) AS S_INT,
         CAST(N AS DOUBLE) / 4 AS QUARTER
  FROM RAW;
