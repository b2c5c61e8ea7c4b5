-- Four-way table join: USERS JOIN EMAILS, LEFT JOIN PHONES on the same key, then a foreign-key
-- LEFT JOIN to TEAMS on the user's TEAM. Every update of any table re-emits the affected result
-- row (timestamp: the latest of the rows joined); deleting a user's email deletes the result (a
-- tombstone through all later joins), and a later update of that user emits nothing.
CREATE TABLE USERS (ID INT PRIMARY KEY, NAME STRING, TEAM STRING)
  WITH (kafka_topic='users', value_format='JSON');
CREATE TABLE EMAILS (ID INT PRIMARY KEY, EMAIL STRING)
  WITH (kafka_topic='emails', value_format='JSON');
CREATE TABLE PHONES (ID INT PRIMARY KEY, PHONE STRING)
  WITH (kafka_topic='phones', value_format='JSON');
CREATE TABLE TEAMS (TEAM_ID STRING PRIMARY KEY, TEAM_NAME STRING)
  WITH (kafka_topic='teams', value_format='JSON');

CREATE TABLE CONTACTS WITH (kafka_topic='contacts') AS
  SELECT U.ID, NAME, EMAIL, PHONE, TEAM_NAME
  FROM USERS U
  JOIN EMAILS E ON U.ID = E.ID
  LEFT JOIN PHONES P ON U.ID = P.ID
  LEFT JOIN TEAMS T ON U.TEAM = T.TEAM_ID;
