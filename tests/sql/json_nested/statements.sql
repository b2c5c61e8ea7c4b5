-- JSON values with a struct, an array and a map; fields are reached with ->, [] and [''].
CREATE STREAM EVENTS (ID STRING KEY,
                      WHO STRUCT<NAME STRING, AGE INT>,
                      TAGS ARRAY<STRING>,
                      ATTRS MAP<STRING, INT>)
  WITH (kafka_topic='events', format='JSON');

CREATE STREAM FLAT WITH (kafka_topic='flat') AS
  SELECT ID, WHO->NAME AS NAME, WHO->AGE + 1 AS NEXT_AGE, TAGS[1] AS FIRST_TAG,
         ATTRS['size'] AS SIZE
  FROM EVENTS;
