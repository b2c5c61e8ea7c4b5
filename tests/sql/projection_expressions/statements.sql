-- Computed columns: arithmetic, string concatenation, CASE and a boolean comparison.
CREATE STREAM READINGS (SENSOR STRING KEY, CELSIUS DOUBLE, SITE STRING, COUNT_A INT, COUNT_B INT)
  WITH (kafka_topic='readings', value_format='JSON');

CREATE STREAM ENRICHED WITH (kafka_topic='enriched') AS
  SELECT SENSOR,
         CELSIUS * 9 / 5 + 32 AS FAHRENHEIT,
         CONCAT(SITE, '/', SENSOR) AS PATH,
         COUNT_A + COUNT_B AS TOTAL,
         COUNT_A - COUNT_B AS DELTA,
         CASE WHEN CELSIUS >= 30 THEN 'hot' WHEN CELSIUS <= 0 THEN 'cold' ELSE 'mild' END AS FEEL,
         COUNT_A > COUNT_B AS A_LEADS
  FROM READINGS;
