-- Built-in string functions; SUBSTRING positions start at 1.
CREATE STREAM PEOPLE (ID INT KEY, NAME STRING, CITY STRING)
  WITH (kafka_topic='people', value_format='JSON');

CREATE STREAM PEOPLE_TEXT WITH (kafka_topic='people_text') AS
  SELECT ID,
         UCASE(NAME) AS UPPER_NAME,
         LCASE(CITY) AS LOWER_CITY,
         LEN(NAME) AS NAME_LEN,
         SUBSTRING(CITY, 1, 3) AS CITY_PREFIX,
         TRIM(NAME) AS TRIMMED,
         REPLACE(CITY, 'o', '0') AS REPLACED
  FROM PEOPLE;
