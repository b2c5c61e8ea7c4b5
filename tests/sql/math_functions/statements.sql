-- Built-in math functions over INT and DOUBLE columns.
CREATE STREAM POINTS (ID INT KEY, I INT, X DOUBLE)
  WITH (kafka_topic='points', value_format='JSON');

CREATE STREAM POINT_MATH WITH (kafka_topic='point_math') AS
  SELECT ID,
         ABS(I) AS ABS_I,
         CEIL(X) AS CEIL_X,
         FLOOR(X) AS FLOOR_X,
         ROUND(X) AS ROUND_X,
         SQRT(CAST(I * I AS DOUBLE)) AS ROOT,
         I % 3 AS MOD3
  FROM POINTS;
